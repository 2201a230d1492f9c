//! Hidden checks of ex17_metrics_server: the student's tokio server, run as a separate process
//! with `--port N` ([`Server::start`]) and driven from outside as its clients would.
//!
//! Every check starts a fresh server (an empty store) and talks the metrics protocol to it
//! through [`Peer`]s, which take the replies off the stream one at a time (so that pipelined
//! replies are counted one by one). Replies are compared byte for byte, except the values of
//! measurement lines, which are parsed and compared as numbers (`10` and `10.0` are the same
//! value); the order of keys in `get *` is free. Descriptors are read from `/proc/PID/fd` (and
//! sockets' TCP states from `/proc/PID/net/tcp`) around 1,000 connect/disconnect cycles. The
//! latency under 100 concurrent clients is measured with `pack_support::metrics::run_load` and
//! reported with `pack_support::measured`; the verdict on it is a correctness condition (every
//! request answered right, by every client, while all of them are connected) with a generous
//! bound, never a fixed latency. A client that sends requests and reads none of the replies
//! (`net::SlowReader`, shared with the other servers) must not keep the others from their
//! replies, and with clients connected and nothing to do the server must use no CPU
//! (`cpu::idle_server`). Every check stops the server with SIGTERM at the end.

use std::time::{Duration, Instant};

use pack_support::metrics::{
    self, ok_reply, parse_reply, parse_sample, run_load, show_samples, Cut, Load, LoadReport, Peer, Reply, Sample,
    ERROR_REPLY, OK_EMPTY,
};
use pack_support::net::{self, escape, quoted, LoadProbe, Server};
use pack_support::{fail, measured, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        protocol_byte_for_byte,
        malformed_requests_answered,
        duplicate_timestamp_overwrites,
        sorted_by_timestamp,
        pipelined_and_split_requests,
        clients_share_one_store,
        descriptors_stay_flat,
        latency_under_load,
        slow_reader_does_not_stall_others,
        idle_server_sleeps,
        large_reply_arrives_whole
    ])
}

/// How long a client waits for one reply (a correct server takes well under a millisecond).
const REPLY_WITHIN: Duration = Duration::from_secs(2);
/// The pause between the pieces of a request sent in pieces.
const PIECE_PAUSE: Duration = Duration::from_millis(2);
/// Connect/disconnect cycles in descriptors_stay_flat, in rounds of this many clients at once.
const CYCLES: usize = 1000;
const CYCLE_ROUND: usize = 50;
/// How long the descriptor count may take to come back down after the clients left.
const SETTLE: Duration = Duration::from_secs(3);
/// Clients at once in latency_under_load, requests each, and the bound for all of them.
const LOAD_CLIENTS: usize = 100;
const LOAD_REQUESTS: usize = 10;
const LOAD_LIMIT: Duration = Duration::from_secs(5);

fn start(ctx: &Context) -> Result<Server, Failure> {
    Server::start(ctx.student_bin(), &[], &[])
}

/// A new client connection.
fn open(server: &Server) -> Result<Peer, Failure> {
    Ok(Peer::new(server.connect()?))
}

/// "`put k1 0.25 1\n`" for messages.
fn req(bytes: &[u8]) -> String {
    format!("`{}`", escape(bytes, 80))
}

/// Sends `request` and returns its reply, or a failure saying what happened instead.
fn ask(server: &Server, peer: &mut Peer, request: &[u8], who: &str) -> Result<Vec<u8>, Failure> {
    peer.ask(request, Instant::now() + REPLY_WITHIN).map_err(|cut| no_reply(server, request, who, &cut))
}

fn no_reply(server: &Server, request: &[u8], who: &str, cut: &Cut) -> Failure {
    let closed = matches!(
        cut.error.kind(),
        std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::ConnectionAborted
    );
    fail(
        format!("{who} sent {} and {}", req(request), cut.describe()),
        format!("one whole reply, ending with an empty line, within {} s", REPLY_WITHIN.as_secs()),
        net::with_exit(
            server,
            if closed {
                "the server closed the connection: a client keeps its connection open across requests, and only the client ends it"
            } else if cut.received.is_empty() {
                "every request gets its reply at once; every reply ends with an empty line (`ok\\n\\n`, or `ok\\n` + lines + `\\n`)"
            } else {
                "every reply ends with an empty line: the client reads until it, so a reply without it never ends"
            },
        ),
    )
}

/// Sends `request` and fails unless the reply is exactly `expected`.
fn expect_exact(server: &Server, peer: &mut Peer, request: &[u8], expected: &[u8], who: &str, why: &str) -> Verdict {
    let got = ask(server, peer, request, who)?;
    if got == expected {
        return Ok(());
    }
    let diff = net::first_difference(expected, &got).map(|d| format!("; {d}")).unwrap_or_default();
    Err(fail(
        format!("{who} sent {} and received {}{diff}", req(request), quoted(&got, 120)),
        format!("exactly {}", quoted(expected, 120)),
        why,
    ))
}

/// Sends `request` (a get) and fails unless the reply is `ok` with exactly `expected`, values
/// compared as numbers; `any_key_order` for `get *`.
fn expect_samples(
    server: &Server,
    peer: &mut Peer,
    request: &[u8],
    expected: &[Sample],
    any_key_order: bool,
    who: &str,
    why: &str,
) -> Result<(), Failure> {
    let got = ask(server, peer, request, who)?;
    let expected_text = format!(
        "{}{}",
        quoted(&ok_reply(expected), 160),
        if expected.is_empty() { "" } else { " (values may be written any way that reads as the same number)" }
    );
    let samples = match parse_reply(&got) {
        Ok(Reply::Ok(samples)) => samples,
        Ok(Reply::Error(_)) => {
            return Err(fail(
                format!("{who} sent {} and received the error reply {}", req(request), quoted(&got, 80)),
                expected_text,
                "this is a valid request: `get <key>` with exactly one key, answered with `ok` and the key's measurements",
            ))
        }
        Err(wrong) => {
            return Err(fail(
                format!("{who} sent {} and received {}: {wrong}", req(request), quoted(&got, 160)),
                expected_text,
                swapped_fields(&got).unwrap_or_else(|| "a reply with data is `ok\\n`, then one line `<key> <value> <timestamp>\\n` per measurement (single spaces, the timestamp as an integer), then `\\n`".to_owned()),
            ))
        }
    };
    if metrics::same_samples(expected, &samples, any_key_order) {
        return Ok(());
    }
    Err(fail(
        format!("{who} sent {} and received {} ({})", req(request), quoted(&got, 160), show_samples(&samples)),
        expected_text,
        why,
    ))
}

/// Whether the reply's lines read right with the value and the timestamp swapped.
fn swapped_fields(reply: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(reply).ok()?;
    let body = text.strip_prefix("ok\n")?.strip_suffix("\n\n")?;
    let all_swapped = body.split('\n').all(|line| {
        let fields: Vec<&str> = line.split(' ').collect();
        matches!(fields.as_slice(), [k, t, v] if parse_sample(&format!("{k} {v} {t}")).is_ok())
    });
    all_swapped.then(|| {
        "the value and the timestamp are swapped: every line is `<key> <value> <timestamp>`, in that order".to_owned()
    })
}

/// "k1: (1, 0.25) (2, 2.156) (3, 0.35)", keys in order, as the lecture prints them.
fn lecture_view(samples: &[Sample]) -> String {
    let mut keys: Vec<&str> = samples.iter().map(|s| s.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let parts: Vec<String> = keys
        .iter()
        .map(|k| {
            let points: Vec<String> =
                samples.iter().filter(|s| s.key == *k).map(|s| format!("({}, {:?})", s.timestamp, s.value)).collect();
            format!("{k}: {}", points.join(" "))
        })
        .collect();
    if parts.is_empty() {
        "nothing".to_owned()
    } else {
        parts.join("; ")
    }
}

const PUT_WHY: &str = "a valid put is answered with exactly `ok\\n\\n`";

// ---------------------------------------------------------------------------------------------
// protocol_byte_for_byte
// ---------------------------------------------------------------------------------------------

fn protocol_byte_for_byte(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut c = open(&server)?;
    let who = "a client";
    expect_exact(&server, &mut c, b"put k1 0.25 1\n", OK_EMPTY, who, PUT_WHY)?;
    let line_why =
        "a get is answered with `ok\\n`, one `<key> <value> <timestamp>\\n` line per measurement, then `\\n`";
    expect_samples(&server, &mut c, b"get k1\n", &[Sample::new("k1", 0.25, 1)], false, who, line_why)?;
    expect_exact(
        &server,
        &mut c,
        b"get nothing\n",
        OK_EMPTY,
        who,
        "a get of a key that was never put is a success without data: exactly `ok\\n\\n`, not an error",
    )?;
    expect_exact(&server, &mut c, b"put k2 10 2\n", OK_EMPTY, who, "10 is a float too: a valid put")?;
    expect_exact(&server, &mut c, b"put k2 -1.5e3 1501864247\n", OK_EMPTY, who, "-1.5e3 is a float too: a valid put")?;
    let k2 = [Sample::new("k2", 10.0, 2), Sample::new("k2", -1500.0, 1501864247)];
    expect_samples(
        &server,
        &mut c,
        b"get k2\n",
        &k2,
        false,
        who,
        "values are numbers: the reply writes each value so that it reads back as the number that was put (10, -1500)",
    )?;
    let all = [Sample::new("k1", 0.25, 1), k2[0].clone(), k2[1].clone()];
    expect_samples(
        &server,
        &mut c,
        b"get *\n",
        &all,
        true,
        who,
        "`get *` returns the measurements of every key (the keys in any order, each key's lines together and sorted by timestamp)",
    )?;
    drop(c);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// malformed_requests_answered
// ---------------------------------------------------------------------------------------------

fn malformed_requests_answered(ctx: &Context) -> Verdict {
    let cases: [(&[u8], &str); 14] = [
        (b"\n", "an empty line"),
        (b"put  1.5 1\n", "put with an empty key (two spaces after put)"),
        (b"get \n", "get with an empty key"),
        (b"put k\t1 1.5 1\n", "a key with a tab in it (a key is one word)"),
        (b"got k1\n", "an unknown command"),
        (b"PUT k1 1.5 1\n", "an unknown command (commands are lowercase)"),
        (b"put k1 1.5\n", "put with 2 arguments instead of 3"),
        (b"put k1 1.5 1 7\n", "put with 4 arguments"),
        (b"get\n", "get without a key"),
        (b"get k1 k2\n", "get with 2 keys"),
        (b"put k1 abc 1\n", "a value that is not a float"),
        (b"put k1 1.5 1.5\n", "a timestamp that is not an integer"),
        (b"put k1\xff 1.5 1\n", "bytes that are not UTF-8 (in the key)"),
        (b"get \xc3\x28\n", "bytes that are not UTF-8"),
    ];
    let server = start(ctx)?;
    let mut c = open(&server)?;
    expect_exact(&server, &mut c, b"put k1 1.5 1\n", OK_EMPTY, "a client", PUT_WHY)?;
    let mut previous: Option<&[u8]> = None;
    for (request, what) in cases {
        let got = match c.ask(request, Instant::now() + REPLY_WITHIN) {
            Ok(got) => got,
            Err(cut) => {
                return Err(match previous {
                    Some(prev) => fail(
                        format!(
                            "after the error reply to {}, the same connection could not be used: {} ({what}) {}",
                            req(prev),
                            req(request),
                            cut.describe()
                        ),
                        format!("{} again on the same connection", quoted(ERROR_REPLY, 80)),
                        net::with_exit(&server, "an error never closes the connection: the server answers `error\\nwrong command\\n\\n` and goes on reading the next request from the same client. Answer, then continue the loop; do not return (or break) from the connection's task after an error"),
                    ),
                    None => no_reply(&server, request, &format!("a client ({what})"), &cut),
                });
            }
        };
        if got != ERROR_REPLY {
            return Err(fail(
                format!("{} ({what}) was answered with {}", req(request), quoted(&got, 120)),
                format!("exactly {}", quoted(ERROR_REPLY, 80)),
                malformed_why(request),
            ));
        }
        previous = Some(request);
    }
    expect_samples(
        &server,
        &mut c,
        b"get k1\n",
        &[Sample::new("k1", 1.5, 1)],
        false,
        "after the 14 malformed requests, the same client",
        "a malformed request changes nothing: only the valid `put k1 1.5 1` is stored",
    )?;
    let mut other = open(&server)?;
    expect_exact(
        &server,
        &mut other,
        b"put k9 1 1\n",
        OK_EMPTY,
        "a new client, after the malformed requests",
        "an error never stops the server: other clients are served as before",
    )?;
    drop((c, other));
    server.stop()
}

fn malformed_why(request: &[u8]) -> String {
    let why = match request {
        b"\n" => "an empty line is not a request",
        b"got k1\n" | b"PUT k1 1.5 1\n" => "only `put` and `get` (lowercase) are commands",
        b"put k1 1.5\n" | b"put k1 1.5 1 7\n" | b"get\n" | b"get k1 k2\n" => {
            "a request has exactly its words: `put <key> <value> <timestamp>` (4 words), `get <key>` (2 words); match on the whole list of words, not on the first ones"
        }
        b"put k1 abc 1\n" => "the value must parse as a float (str::parse::<f64>), or the request is malformed",
        b"put k1 1.5 1.5\n" => "the timestamp must parse as an integer (str::parse::<i64>), or the request is malformed",
        b"put  1.5 1\n" | b"get \n" | b"put k\t1 1.5 1\n" => {
            "a key is one word: not empty, and without whitespace in it (words are separated by exactly one space, so two spaces make an empty word, and a tab stays inside a word): check it, or the request is malformed"
        }
        _ => "bytes that are not UTF-8 are a malformed request: check with std::str::from_utf8 and answer the error, rather than failing the connection (AsyncBufReadExt::lines() returns an error there: use read_until(b'\\n'))",
    };
    format!("{why}; every malformed request is answered with exactly `error\\nwrong command\\n\\n`")
}

// ---------------------------------------------------------------------------------------------
// duplicate_timestamp_overwrites, sorted_by_timestamp
// ---------------------------------------------------------------------------------------------

fn put_all(server: &Server, c: &mut Peer, puts: &[&[u8]]) -> Verdict {
    for put in puts {
        expect_exact(server, c, put, OK_EMPTY, "a client", PUT_WHY)?;
    }
    Ok(())
}

fn duplicate_timestamp_overwrites(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut c = open(&server)?;
    put_all(&server, &mut c, &[b"put d 1.0 10\n", b"put d 2.0 10\n", b"put d 3.0 20\n", b"put e 5 10\n"])?;
    let want = [Sample::new("d", 2.0, 10), Sample::new("d", 3.0, 20)];
    let got = ask(&server, &mut c, b"get d\n", "a client")?;
    if let Ok(Reply::Ok(samples)) = parse_reply(&got) {
        let at_10 = samples.iter().filter(|s| s.timestamp == 10).count();
        if at_10 > 1 {
            return Err(fail(
                format!(
                    "after `put d 1.0 10`, `put d 2.0 10` and `put d 3.0 20`, `get d` returned {} ({at_10} lines for timestamp 10)",
                    show_samples(&samples)
                ),
                format!("{} (values compared as numbers)", quoted(&ok_reply(&want), 120)),
                "the second put at timestamp 10 was appended instead of replacing the first: a key and a timestamp identify one measurement, and putting it again overwrites its value. A map from timestamp to value (BTreeMap<i64, f64>) does that by itself",
            ));
        }
    }
    // Not a duplicate problem: judge the reply as a whole.
    expect_samples(
        &server,
        &mut c,
        b"get d\n",
        &want,
        false,
        "a client",
        "the same key and timestamp again overwrites the value: one line per timestamp, with the last value put",
    )?;
    expect_samples(
        &server,
        &mut c,
        b"get e\n",
        &[Sample::new("e", 5.0, 10)],
        false,
        "a client",
        "the same timestamp under another key is another measurement",
    )?;
    drop(c);
    server.stop()
}

fn sorted_by_timestamp(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut c = open(&server)?;
    put_all(
        &server,
        &mut c,
        &[
            b"put s 3.0 30\n",
            b"put s 1.0 10\n",
            b"put s 4.0 1501864247\n",
            b"put s 2.0 20\n",
            b"put s 0.5 5\n",
            b"put t 9 3\n",
            b"put t 8 1\n",
        ],
    )?;
    let s = [
        Sample::new("s", 0.5, 5),
        Sample::new("s", 1.0, 10),
        Sample::new("s", 2.0, 20),
        Sample::new("s", 3.0, 30),
        Sample::new("s", 4.0, 1501864247),
    ];
    let why = "within a key, lines are sorted by ascending timestamp, whatever the order of the puts: the lines came out in the order they were put, not sorted. Keep each key's measurements in a map ordered by timestamp (BTreeMap<i64, f64>), or sort before answering";
    expect_samples(&server, &mut c, b"get s\n", &s, false, "a client", why)?;
    let mut all = s.to_vec();
    all.extend([Sample::new("t", 8.0, 1), Sample::new("t", 9.0, 3)]);
    expect_samples(&server, &mut c, b"get *\n", &all, true, "a client", why)?;
    drop(c);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// pipelined_and_split_requests
// ---------------------------------------------------------------------------------------------

fn pipelined_and_split_requests(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut c = open(&server)?;
    let batch = b"put p 1 1\nput p 2 2\nget p\nget nothing\n";
    let p = [Sample::new("p", 1.0, 1), Sample::new("p", 2.0, 2)];
    let expected = [OK_EMPTY.to_vec(), OK_EMPTY.to_vec(), ok_reply(&p), OK_EMPTY.to_vec()];
    c.send(batch).map_err(|e| {
        fail(format!("sending {} failed: {e}", req(batch)), "the server reads it", "the server must be reading")
    })?;
    let mut replies = Vec::new();
    let mut stop = None;
    while replies.len() < expected.len() {
        match c.read_reply(Instant::now() + REPLY_WITHIN) {
            Ok(reply) => replies.push(reply),
            Err(cut) => {
                stop = Some(cut);
                break;
            }
        }
    }
    let right = |i: usize, got: &[u8]| match (i, parse_reply(got)) {
        (2, Ok(Reply::Ok(samples))) => metrics::same_samples(&p, &samples, false),
        _ => got == expected[i],
    };
    if replies.len() < expected.len() || replies.iter().enumerate().any(|(i, r)| !right(i, r)) {
        let shown: Vec<String> = replies.iter().map(|r| quoted(r, 80)).collect();
        let n = replies.len();
        let tail = match stop {
            Some(cut) if cut.received.is_empty() => format!(", {}", net::describe_stop(&cut.error)),
            Some(cut) => format!(", then {}", cut.describe()),
            None => String::new(),
        };
        return Err(fail(
            format!(
                "4 requests sent in one write ({}) got {n} repl{}{}{tail}",
                req(batch),
                if n == 1 { "y" } else { "ies" },
                if n == 0 { String::new() } else { format!(": {}", shown.join(", ")) }
            ),
            format!("4 replies, in order: {}", expected.iter().map(|r| quoted(r, 80)).collect::<Vec<_>>().join(", ")),
            if n == 1 {
                "1 reply for 4 requests: the server treated what one read() returned as one request. Several requests may arrive in one read: split what arrives into lines (read_until(b'\\n') on a BufReader does it) and answer each line"
            } else {
                "several requests may arrive in one read: every line is a request of its own and gets its own reply, in order"
            },
        ));
    }

    // One request in 1-byte pieces, then a write that ends one request and starts the next.
    let put = b"put s 7.5 3\n";
    c.send_split(put, 1, PIECE_PAUSE).map_err(|e| {
        fail(
            format!("sending {} byte by byte failed: {e}", req(put)),
            "the server reads it",
            "the server must be reading",
        )
    })?;
    let split_why = "one request may arrive over several reads: keep what has arrived until its \\n comes, then answer (read_until(b'\\n') keeps reading until the end of the line); never answer a piece of a line";
    match c.read_reply(Instant::now() + REPLY_WITHIN) {
        Ok(got) if got == OK_EMPTY => {}
        Ok(got) => {
            return Err(fail(
                format!(
                    "{} sent one byte at a time ({} ms apart) was answered with {}",
                    req(put),
                    PIECE_PAUSE.as_millis(),
                    quoted(&got, 120)
                ),
                format!("exactly {}", quoted(OK_EMPTY, 80)),
                split_why,
            ))
        }
        Err(cut) => return Err(no_reply(&server, put, "a client sending one byte at a time", &cut)),
    }
    // Two requests over two writes: the first write ends one request and starts the next.
    let s = [Sample::new("s", 7.5, 3)];
    let (piece, rest) = (&b"get s\nge"[..], &b"t s\n"[..]);
    let both = [piece, rest].concat();
    c.send(piece)
        .and_then(|()| {
            std::thread::sleep(PIECE_PAUSE * 10);
            c.send(rest)
        })
        .map_err(|e| {
            fail(
                format!("sending {} in two writes failed: {e}", req(&both)),
                "the server reads it",
                "the server must be reading",
            )
        })?;
    for i in 0..2 {
        let got = c
            .read_reply(Instant::now() + REPLY_WITHIN)
            .map_err(|cut| no_reply(&server, &both, "a client (two requests over two writes)", &cut))?;
        let ok = matches!(parse_reply(&got), Ok(Reply::Ok(samples)) if metrics::same_samples(&s, &samples, false));
        if !ok {
            return Err(fail(
                format!(
                    "`get s\\n` twice, written as {} then {}: reply {} was {}",
                    req(piece),
                    req(rest),
                    i + 1,
                    quoted(&got, 120)
                ),
                format!("{} twice", quoted(&ok_reply(&s), 80)),
                split_why,
            ));
        }
    }
    drop(c);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// clients_share_one_store
// ---------------------------------------------------------------------------------------------

fn clients_share_one_store(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut clients = [open(&server)?, open(&server)?];
    // The lecture's scenario: two clients, interleaved, the same k2 timestamp twice.
    let script: [(usize, &[u8]); 6] = [
        (0, b"put k1 0.25 1\n"),
        (1, b"put k1 2.156 2\n"),
        (0, b"put k1 0.35 3\n"),
        (1, b"put k2 30 4\n"),
        (0, b"put k2 40 5\n"),
        (0, b"put k2 41 5\n"),
    ];
    for (i, request) in script {
        let who = format!("client {} (both clients connected)", i + 1);
        let got = clients[i].ask(request, Instant::now() + REPLY_WITHIN).map_err(|cut| {
            let mut f = no_reply(&server, request, &who, &cut);
            if cut.error.kind() == std::io::ErrorKind::TimedOut && cut.received.is_empty() && i == 1 {
                f.why = net::with_exit(&server, "client 2 got no reply while client 1 stayed connected: the server serves one connection at a time (it awaits the whole conversation with one client before accepting the next). tokio::spawn a task per accepted connection, so that every client is served at once");
            }
            f
        })?;
        if got != OK_EMPTY {
            return Err(fail(
                format!("{who} sent {} and received {}", req(request), quoted(&got, 80)),
                format!("exactly {}", quoted(OK_EMPTY, 80)),
                PUT_WHY,
            ));
        }
    }
    let all = [
        Sample::new("k1", 0.25, 1),
        Sample::new("k1", 2.156, 2),
        Sample::new("k1", 0.35, 3),
        Sample::new("k2", 30.0, 4),
        Sample::new("k2", 41.0, 5),
    ];
    let own = [Sample::new("k1", 0.25, 1), Sample::new("k1", 0.35, 3), Sample::new("k2", 41.0, 5)];
    for (i, client) in clients.iter_mut().enumerate() {
        let who = format!("client {}", i + 1);
        let got = ask(&server, client, b"get *\n", &who)?;
        let samples = match parse_reply(&got) {
            Ok(Reply::Ok(samples)) => samples,
            other => {
                let wrong = if let Err(wrong) = other { format!(": {wrong}") } else { String::new() };
                return Err(fail(
                    format!("{who} sent `get *\\n` and received {}{wrong}", quoted(&got, 160)),
                    quoted(&ok_reply(&all), 160),
                    "a reply with data is `ok\\n`, one `<key> <value> <timestamp>\\n` line per measurement, then `\\n`",
                ));
            }
        };
        if metrics::same_samples(&all, &samples, true) {
            continue;
        }
        let why = if i == 0 && metrics::same_samples(&own, &samples, true) {
            "client 1 saw only the measurements it put itself: each connection has a store of its own. There is one store for the whole server, created once before the accept loop and shared by every connection's task (an Arc<Mutex<..>> cloned into each task)"
        } else {
            "every client sees one store, whoever put the measurements; the same key and timestamp again overwrites (k2 at 5 is 41, not 40), and each key's lines are sorted by timestamp"
        };
        return Err(fail(
            format!("after the lecture's interleaved puts, {who}'s `get *` returned {}", lecture_view(&samples)),
            lecture_view(&all),
            why,
        ));
    }
    expect_exact(&server, &mut clients[0], b"get k3\n", OK_EMPTY, "client 1", "k3 was never put: `ok\\n\\n`")?;
    drop(clients);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// descriptors_stay_flat
// ---------------------------------------------------------------------------------------------

/// Runs `load` and fails unless every request was answered right.
fn load_all_answered(server: &Server, load: &Load, situation: &str) -> Result<LoadReport, Failure> {
    let report = run_load(server.port(), load);
    if report.all_answered() {
        return Ok(report);
    }
    Err(load_failure(server, load, &report, situation))
}

fn load_failure(server: &Server, load: &Load, report: &LoadReport, situation: &str) -> Failure {
    let expected = if load.clients == 1 {
        format!("the client gets its {} replies right within {} s", load.requests, load.limit.as_secs())
    } else {
        format!(
            "every one of the {} clients, all connected at once, gets its {} replies right within {} s",
            load.clients,
            load.requests,
            load.limit.as_secs()
        )
    };
    if report.connected < report.clients {
        return fail(
            format!(
                "{situation}: only {} of {} clients could connect ({})",
                report.connected,
                report.clients,
                report.errors.first().cloned().unwrap_or_default()
            ),
            expected,
            net::with_exit(server, "the server must keep accepting connections"),
        );
    }
    if let Some(first) = report.errors.first() {
        return fail(
            format!("{situation}: {} client(s) got a wrong reply or lost the connection; the first: {first}", report.errors.len()),
            expected,
            net::with_exit(server, "every request gets its right reply, whatever the other clients do: one store shared safely, one reply per request, the connection kept open"),
        );
    }
    fail(
        format!(
            "{situation}: after {} s, {} of {} requests were answered; {} of the {} clients got no reply at all, {} got all of theirs (every client stayed connected)",
            load.limit.as_secs(),
            report.answered,
            report.expected,
            report.clients_never_answered,
            report.clients,
            report.clients_done
        ),
        expected,
        net::with_exit(server, if report.clients_never_answered > 0 && report.clients_done > 0 {
            "some clients were served and the others waited: the server serves only a limited number of connections at once (one at a time, or a fixed number of tasks or permits). Spawn a task for every accepted connection, with no limit below the number of clients"
        } else {
            "every client connected at once must be served at once: a task per connection, and nothing that blocks the runtime's threads (std::thread::sleep, a blocking read, a lock held across an .await)"
        }),
    )
}

fn descriptors_stay_flat(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    // Warm up (the runtime may open what it needs on the first client), then the baseline.
    let mut warm = Load::new(2, 2, REPLY_WITHIN);
    warm.key_prefix = "warm.".to_owned();
    load_all_answered(&server, &warm, "warming up")?;
    let baseline = at_rest(&server);
    let start = Instant::now();
    for round in 0..CYCLES / CYCLE_ROUND {
        let mut load = Load::new(CYCLE_ROUND, 2, REPLY_WITHIN * 2);
        load.key_prefix = format!("fd{round}.");
        load_all_answered(
            &server,
            &load,
            &format!("connect/disconnect round {} of {}", round + 1, CYCLES / CYCLE_ROUND),
        )?;
    }
    let cycles_took = start.elapsed();
    let after = settle(&server, baseline + 2, SETTLE);
    measured(format!(
        "{CYCLES} connect/disconnect cycles ({} rounds of {CYCLE_ROUND} clients, 2 requests each) in {} ms; open descriptors: {baseline} before, {after} after",
        CYCLES / CYCLE_ROUND,
        cycles_took.as_millis()
    ));
    if after > baseline + 2 {
        let states = net::tcp_states(server.pid());
        let close_wait = states.iter().find(|(s, _)| s == "CLOSE_WAIT").map(|(_, n)| *n).unwrap_or(0);
        let states: Vec<String> = states.iter().map(|(s, n)| format!("{n} {s}")).collect();
        return Err(fail(
            format!(
                "the server had {baseline} descriptors open before {CYCLES} clients came and went, and still {after} ({:+}, {} of them sockets) {} s after the last one left; its sockets known to TCP: {}",
                after as i64 - baseline as i64,
                socket_fds(server.pid()),
                SETTLE.as_secs(),
                states.join(", ")
            ),
            format!("about {baseline} descriptors once the clients have left"),
            if close_wait > 0 {
                format!("{close_wait} sockets are in CLOSE_WAIT: their client has closed, but the server still holds them open. Something keeps each accepted stream alive after its client left (a Vec of streams, a clone, a task that never ends): the connection's task must own its stream and end when read_until returns 0, which drops (closes) it")
            } else {
                "every client left a descriptor open in the server: its connection was shut down, but a copy of the socket is kept somewhere (a Vec of streams, a try_clone, an into_std that is never dropped), so the descriptor is never closed. The connection's task must be the only owner of its stream, and drop it when read_until returns 0".to_owned()
            },
        ));
    }
    server.stop()
}

/// How many of process `pid`'s open descriptors are sockets.
fn socket_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| {
            dir.flatten()
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter(|target| target.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or(0)
}

/// The server's descriptor count at rest: the lowest of a few readings over 300 ms, so that the
/// sockets of clients that have just left are not counted.
fn at_rest(server: &Server) -> usize {
    let mut lowest = server.fds();
    for _ in 0..15 {
        std::thread::sleep(Duration::from_millis(20));
        lowest = lowest.min(server.fds());
    }
    lowest
}

/// Waits (at most `limit`) until the server's descriptor count is at most `target`, and returns
/// the last count.
fn settle(server: &Server, target: usize, limit: Duration) -> usize {
    let start = Instant::now();
    let mut count = server.fds();
    while count > target && start.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(20));
        count = server.fds();
    }
    count
}

// ---------------------------------------------------------------------------------------------
// latency_under_load
// ---------------------------------------------------------------------------------------------

fn latency_under_load(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut alone = Load::new(1, 50, REPLY_WITHIN * 2);
    alone.key_prefix = "alone.".to_owned();
    let alone = load_all_answered(&server, &alone, "one client alone")?;
    let probe = LoadProbe::start(LOAD_LIMIT);
    let load = Load::new(LOAD_CLIENTS, LOAD_REQUESTS, LOAD_LIMIT);
    let report = run_load(server.port(), &load);
    let late = probe.finish();
    let p50 = |r: &LoadReport| r.quantile(0.5).map(metrics::millis).unwrap_or_else(|| "-".to_owned());
    measured(format!(
        "{LOAD_CLIENTS} clients at once, {LOAD_REQUESTS} requests each (put and get, one at a time): {}",
        report.summary()
    ));
    measured(format!(
        "one client alone: latency p50 {}; the machine woke sleeping threads up to {} ms late during the load",
        p50(&alone),
        late.as_millis()
    ));
    if !report.all_answered() {
        return Err(load_failure(
            &server,
            &load,
            &report,
            &format!("{LOAD_CLIENTS} clients connected at once, {LOAD_REQUESTS} requests each"),
        ));
    }
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// slow_reader_does_not_stall_others
// ---------------------------------------------------------------------------------------------

/// How long a client beside the one that does not read may wait for its reply.
const BESIDE_DEAF_REPLY_WITHIN: Duration = Duration::from_secs(1);
/// The most the client that does not read sends: far more than the kernel's buffers together.
const DEAF_MOST: usize = 160 << 20;

/// Promise `lock-not-held-across-await`: a client that sends requests (malformed ones: each is
/// answered with the error reply) and reads none of the replies, until its writes stall, keeps
/// its task waiting in a write; meanwhile the other clients, sharing the store with it, must
/// get their replies at once. A lock held across that write stalls them all.
fn slow_reader_does_not_stall_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let deaf = net::SlowReader::fill(&server, DEAF_MOST, |_| Ok(()))?;
    for k in 0..3 {
        let who = format!("client {k} beside the one that does not read");
        let mut peer = open(&server)?;
        let request = format!("put beside.{k} 1.5 {k}\n").into_bytes();
        match peer.ask(&request, Instant::now() + BESIDE_DEAF_REPLY_WITHIN) {
            Ok(reply) if reply == OK_EMPTY => {}
            Ok(reply) => {
                return Err(fail(
                    format!("{who} sent {} and received {}", req(&request), quoted(&reply, 120)),
                    format!("exactly {}", quoted(OK_EMPTY, 120)),
                    PUT_WHY,
                ))
            }
            Err(cut) if cut.error.kind() == std::io::ErrorKind::TimedOut => {
                return Err(fail(
                    format!(
                        "one client sent {} KiB of requests and read none of the replies, until its writes stalled (its task then waits in a write); then {who} sent {} and {} within {} ms",
                        deaf.sent >> 10,
                        req(&request),
                        cut.describe(),
                        BESIDE_DEAF_REPLY_WITHIN.as_millis()
                    ),
                    format!("its reply within {} ms, whether or not another client reads its replies", BESIDE_DEAF_REPLY_WITHIN.as_millis()),
                    net::with_exit(&server, "the other clients wait for the one that does not read: its task holds something they all need while it waits in a write. Perhaps a lock (the store's, or one taken to send replies one at a time) is held across an .await: a tokio::sync::Mutex guard kept while write_all(...).await or flush().await waits. Take the lock, copy out what the reply needs, release it, then write"),
                ));
            }
            Err(cut) => return Err(no_reply(&server, &request, &who, &cut)),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(deaf);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// idle_server_sleeps
// ---------------------------------------------------------------------------------------------

/// Promise `awaits-when-idle`: with clients connected and nothing to do, every thread of the
/// server sleeps (in epoll, where the runtime waits for sockets).
fn idle_server_sleeps(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut peers = Vec::new();
    for k in 0..10 {
        let mut peer = open(&server)?;
        expect_exact(
            &server,
            &mut peer,
            format!("put idle.{k} 1 {k}\n").as_bytes(),
            OK_EMPTY,
            &format!("client {k}"),
            PUT_WHY,
        )?;
        peers.push(peer);
    }
    pack_support::cpu::idle_server(
        &server,
        "with 10 clients connected and nothing to send or receive",
        "the server keeps a thread running while nothing happens: a loop that tries again at once (a nonblocking accept or read in a loop with tokio::task::yield_now(), or a select! with a branch that is always ready). `.await` on accept and on reads gives the thread back to the runtime, which sleeps in epoll until a socket is ready",
        "the server wakes up many times a second with nothing to do: a loop that sleeps a little and looks again (tokio::time::sleep or interval around a try_ call, or a read with a short timeout). Await accept and reads: the runtime wakes the task when its socket is ready",
    )?;
    drop(peers);
    server.stop()
}

/// Promise `get-replies-measurements` for a reply far larger than a socket's buffer: 20,000
/// measurements of one key, then `get` on a connection whose receive buffer is small, so the
/// server's socket takes only part of the reply at a time. An async `write` returns as soon as
/// it wrote part of its buffer; `write_all` goes on until all of it is written.
fn large_reply_arrives_whole(ctx: &Context) -> Verdict {
    const MEASUREMENTS: usize = 20_000;
    const BATCH: usize = 1_000;
    let server = start(ctx)?;
    let mut filler = open(&server)?;
    for first in (0..MEASUREMENTS).step_by(BATCH) {
        let batch: Vec<u8> =
            (first..first + BATCH).flat_map(|t| format!("put big {}.5 {t}\n", t % 97).into_bytes()).collect();
        filler.send(&batch).map_err(|e| net::checker_trouble("sending puts", e))?;
        for _ in 0..BATCH {
            let got = filler.read_reply(Instant::now() + REPLY_WITHIN).map_err(|cut| {
                no_reply(&server, b"put big ...\n", "a client putting 20,000 measurements in batches of 1,000", &cut)
            })?;
            if got != OK_EMPTY {
                return Err(fail(
                    format!("a put of the batch was answered with {}", quoted(&got, 80)),
                    format!("exactly {}", quoted(OK_EMPTY, 80)),
                    PUT_WHY,
                ));
            }
        }
    }
    let stream =
        net::connect_small_segments(server.addr(), 16 * 1024).map_err(|e| net::checker_trouble("connecting", e))?;
    let mut reader = Peer::new(stream);
    let got = match reader.ask(b"get big\n", Instant::now() + Duration::from_secs(10)) {
        Ok(got) => got,
        Err(cut) if cut.received.starts_with(b"ok\n") => cut.received,
        Err(cut) => {
            return Err(no_reply(&server, b"get big\n", "a client reading through a small receive buffer", &cut));
        }
    };
    let lines: Vec<&[u8]> = got.split(|b| *b == b'\n').collect();
    // "ok", the measurements, then the empty line and what follows the last newline.
    let count = lines.len().saturating_sub(3);
    let whole = got.starts_with(b"ok\n")
        && count == MEASUREMENTS
        && lines[1..=count].iter().enumerate().all(|(t, line)| {
            let text = String::from_utf8_lossy(line);
            let words: Vec<&str> = text.split(' ').collect();
            words.len() == 3
                && words[0] == "big"
                && words[1].parse::<f64>().ok() == Some((t % 97) as f64 + 0.5)
                && words[2] == t.to_string()
        });
    if whole {
        measured(format!(
            "a reply of {} bytes (20,000 lines) arrived whole through a 16 KiB receive buffer and 536-byte segments",
            got.len()
        ));
        return Ok(());
    }
    Err(fail(
        format!(
            "after 20,000 puts of `big`, `get big` on a connection with a 16 KiB receive buffer and 536-byte segments was answered with {} bytes holding {count} measurement lines (or lines that differ), ending {}",
            got.len(),
            quoted(&got[got.len().saturating_sub(60)..], 60)
        ),
        "`ok`, the 20,000 lines in timestamp order, then the empty line, within 10 s",
        "a reply larger than the socket's buffer is written in many pieces: AsyncWriteExt::write (or a write straight to the stream) returns as soon as part of it was written, and the rest is lost unless written too. Use write_all, which goes on until every byte is written; with a BufWriter, a reply larger than its buffer goes straight to the socket, so the same holds",
    ))
}
