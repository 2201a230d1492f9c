//! Conversations with an echo server (ex11, ex12, ex15 and the like): clients that connect, send
//! lines and expect each back byte for byte, every failure told in the words of the echo
//! promise, with the server's exit when it died.

use crate::net::{self, Server};
use crate::{Failure, Verdict};
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// How long a client waits for its line to come back (a correct server answers in
/// milliseconds).
pub const REPLY_WITHIN: Duration = Duration::from_secs(2);

/// Connects a client called `who` in the explanations.
pub fn connect_as(server: &Server, who: &str) -> Result<TcpStream, Failure> {
    server.connect().map_err(|mut f| {
        f.observed = crate::text!("support-could-not-connect", who, observed = f.observed);
        f
    })
}

/// Connects `n` clients, all kept open.
pub fn connect_many(server: &Server, n: usize) -> Result<Vec<TcpStream>, Failure> {
    (0..n).map(|i| connect_as(server, &crate::text!("support-client-of", i, n))).collect()
}

/// Sends `bytes` as `who`.
pub fn send(server: &Server, stream: &mut TcpStream, bytes: &[u8], who: &str) -> Verdict {
    stream.write_all(bytes).map_err(|e| {
        crate::failure!(
            "support-could-not-send",
            who,
            line = net::quoted(bytes, 80),
            error = e.to_string(),
            why = net::with_exit(server, &crate::text!("support-keep-each-open"))
        )
    })
}

/// Sends `line` and expects it back within [`REPLY_WITHIN`].
pub fn round_trip(server: &Server, stream: &mut TcpStream, line: &[u8], who: &str) -> Verdict {
    send(server, stream, line, who)?;
    expect_back(server, stream, line, who)
}

/// Expects `line` (sent before) back within [`REPLY_WITHIN`].
pub fn expect_back(server: &Server, stream: &mut TcpStream, line: &[u8], who: &str) -> Verdict {
    match net::read_exact_within(stream, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(server, line, &got, who),
        Err((got, e)) => Err(cut_off(server, line, &got, &e, who)),
    }
}

/// Fails unless `got` is `want`, naming the first difference.
pub fn same_line(server: &Server, want: &[u8], got: &[u8], who: &str) -> Verdict {
    if got == want {
        return Ok(());
    }
    Err(crate::failure!(
        "support-echo-changed",
        who,
        line = net::quoted(want, 80),
        got = net::quoted(got, 80),
        diff = net::first_difference(want, got).unwrap_or_default(),
        why = net::with_exit(server, &crate::text!("support-echo-exact"))
    ))
}

/// A reply cut short by the connection closing or failing.
pub fn cut_off(server: &Server, want: &[u8], got: &[u8], error: &std::io::Error, who: &str) -> Failure {
    crate::failure!(
        "support-echo-cut-off",
        who,
        line = net::quoted(want, 80),
        got = net::quoted(got, 80),
        stop = net::describe_stop(error),
        secs = REPLY_WITHIN.as_secs(),
        why = net::with_exit(server, &crate::text!("support-echo-keep-open"))
    )
}

/// The lengths of `lines`, to show how much each client got.
pub fn lengths(lines: &[Vec<u8>]) -> Vec<usize> {
    lines.iter().map(Vec::len).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The test double `examples/echo_server.rs`, which `cargo test` builds beside the tests.
    fn echo_server(args: &[&str]) -> Server {
        let exe = std::env::current_exe().unwrap();
        let bin: PathBuf = exe.parent().unwrap().parent().unwrap().join("examples/echo_server");
        assert!(bin.is_file(), "{} is missing: run the tests with cargo test", bin.display());
        Server::start(&bin, &[], args).unwrap()
    }

    #[test]
    fn a_correct_echo_passes_every_conversation() {
        let server = echo_server(&[]);
        let mut clients = connect_many(&server, 3).unwrap();
        for (i, client) in clients.iter_mut().enumerate() {
            round_trip(&server, client, format!("line {i}\n").as_bytes(), "a client").unwrap();
        }
        server.stop().unwrap();
    }

    #[test]
    fn a_changed_line_is_shown_with_its_first_difference() {
        let server = echo_server(&["--upper"]);
        let mut client = connect_as(&server, "the client").unwrap();
        let failure = round_trip(&server, &mut client, b"abc\n", "the client").unwrap_err();
        assert!(failure.observed.contains("received \"ABC\\n\""), "{failure:?}");
        assert!(failure.observed.contains("differ from byte 0"), "{failure:?}");
        assert!(failure.why.contains("byte for byte"), "{failure:?}");
        server.stop().unwrap();
    }

    #[test]
    fn a_reply_cut_short_says_what_arrived_and_how_it_ended() {
        let server = echo_server(&["--cut"]);
        let mut client = connect_as(&server, "the client").unwrap();
        let failure = round_trip(&server, &mut client, b"abcdefgh\n", "the client").unwrap_err();
        assert!(
            failure.observed.contains("received \"abcd\" (4 bytes), then the connection was closed"),
            "{failure:?}"
        );
        assert!(failure.expected.contains("with the connection kept open"), "{failure:?}");
        server.stop().unwrap();
    }

    #[test]
    fn lengths_are_per_line() {
        assert_eq!(lengths(&[b"ab".to_vec(), Vec::new()]), [2, 0]);
    }
}
