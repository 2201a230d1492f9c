//! Hidden checks of ex09_echo: the student's echo server and client, observed from outside.
//!
//! The server checks start `ex09_echo server --port N` on a free port (pack_support::net::Server
//! waits until it listens, without connecting, so no probe connection is ever counted as a
//! client) and hold scripted conversations with it: bytes of every value, a message written one
//! byte at a time, a piece with no newline, a half-close, clients one after another (and a
//! second client kept waiting while the first is connected), a client that resets. The client
//! checks play the server with a FakeServer that records every byte the client sends and
//! answers with a reply of its own (whole, in pieces, or not UTF-8), which the client must print.

use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use pack_support::net::{
    self, describe_stop, first_difference, quoted, read_exact_within, read_to_eof_within, wait_closed, Closed,
    FakeServer, Scenario, Server,
};
use pack_support::{fail, failure, proc, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        echo_exact_bytes,
        echo_split_writes,
        echo_without_newline,
        half_close,
        sequential_clients,
        one_client_at_a_time,
        failed_accept_is_no_reason_to_stop,
        client_sends_exact_bytes,
        client_reply_in_pieces,
        client_binary_reply,
        survives_client_resets,
        reports_client_errors,
        listens_on_loopback_only,
        echo_survives_stop_and_continue,
        client_host_option,
        client_survives_stop_and_continue
    ])
}

/// How long the checker waits for an echo or for the server to close, on loopback.
const REPLY_WAIT: Duration = Duration::from_secs(3);

fn start(ctx: &Context) -> Result<Server, Failure> {
    Server::start(ctx.student_bin(), &["server"], &[])
}

/// Every byte value, then a long pseudo-random stretch (not valid UTF-8).
fn binary_payload() -> Vec<u8> {
    let mut payload: Vec<u8> = (0..=255u8).collect();
    let mut x: u32 = 0x2545_f491;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        payload.push((x >> 24) as u8);
    }
    payload
}

/// Writes `bytes` from a thread (so that reading the echo at the same time cannot deadlock on
/// full buffers), then shuts down the sending side. The thread returns how far it got.
fn write_in_background(stream: &TcpStream, bytes: Vec<u8>) -> thread::JoinHandle<Result<(), String>> {
    let mut writer = stream.try_clone().expect("cloning the stream");
    thread::spawn(move || {
        let mut sent = 0;
        for chunk in bytes.chunks(16 * 1024) {
            writer.write_all(chunk).map_err(|e| text!("ex09-writer-failed", sent, error = e.to_string()))?;
            sent += chunk.len();
        }
        writer
            .shutdown(Shutdown::Write)
            .map_err(|e| text!("ex09-writer-half-close-failed", sent, error = e.to_string()))
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn echo_exact_bytes(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let payload = binary_payload();
    let mut stream = server.connect()?;
    let writer = write_in_background(&stream, payload.clone());
    let result = read_exact_within(&mut stream, payload.len(), Instant::now() + Duration::from_secs(10));
    let n = payload.len();
    let (got, stop) = match result {
        Ok(got) if got == payload => {
            // Nothing may follow the echo.
            let extra = match wait_closed(&mut stream, Instant::now() + Duration::from_millis(500)) {
                Closed::Eof { extra, .. } | Closed::Reset { extra, .. } | Closed::Open { extra } => extra,
                Closed::Error { extra, .. } => extra,
            };
            let _ = stream.shutdown(Shutdown::Both);
            let _ = writer.join();
            if extra.is_empty() {
                return Ok(());
            }
            return Err(failure!("ex09-exact-extra", n, extra = extra.len(), bytes = quoted(&extra, 60)));
        }
        Ok(got) => (got, None),
        Err((got, e)) => (got, Some(e)),
    };
    let _ = stream.shutdown(Shutdown::Both);
    let written = writer.join().unwrap_or_else(|_| Err(text!("ex09-writer-panicked")));
    let stop_text = stop.as_ref().map(|e| format!(", {}", describe_stop(e))).unwrap_or_default();
    let sent_text = match &written {
        Ok(()) => text!("ex09-exact-sent", n),
        Err(e) => text!("ex09-exact-sent-failed", n, error = e),
    };
    let difference = first_difference(&payload, &got).unwrap_or_default();
    // The bytes went through a String: U+FFFD (ef bf bd) replaced what was not UTF-8.
    if contains(&got, "\u{fffd}".as_bytes()) {
        return Err(failure!("ex09-exact-through-string", sent = sent_text, got = got.len(), difference, n));
    }
    if got.len() < n && payload.starts_with(&got) {
        let why = if stop.as_ref().is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut) {
            text!("ex09-exact-short-stopped")
        } else {
            text!("ex09-exact-short-one-read")
        };
        return Err(fail(
            text!("ex09-exact-short-observed", sent = sent_text, got = got.len(), n, stop = stop_text),
            text!("ex09-exact-expected", n),
            why,
        ));
    }
    Err(failure!("ex09-exact-wrong", sent = sent_text, got = got.len(), stop = stop_text, difference, n))
}

fn echo_split_writes(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let message: &[u8] = b"one byte at a time, please\n";
    let pause = Duration::from_millis(10);
    let mut stream = server.connect()?;
    // Writes one byte per segment from a thread while this thread reads the echo.
    let mut writer = stream.try_clone().expect("cloning the stream");
    let sender = thread::spawn(move || {
        let mut sent = 0;
        for byte in message {
            if net::send_split(&mut writer, std::slice::from_ref(byte), 1, Duration::ZERO).is_err() {
                break;
            }
            sent += 1;
            thread::sleep(pause);
        }
        sent
    });
    let deadline = Instant::now() + pause * message.len() as u32 + REPLY_WAIT;
    let result = read_exact_within(&mut stream, message.len(), deadline);
    let sent = sender.join().unwrap_or(0);
    let (got, stop) = match result {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    let quoted_message = quoted(message, 80);
    let writes =
        text!("ex09-split-writes", message = &quoted_message, count = message.len(), pause = pause.as_millis() as u64);
    match stop.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted => Err(failure!(
            "ex09-split-closed",
            writes,
            got = quoted(&got, 80),
            sent,
            total = message.len(),
            message = quoted_message
        )),
        std::io::ErrorKind::TimedOut if got.is_empty() => {
            // Nothing came back while the connection was open: does it come after a half-close?
            let _ = stream.shutdown(Shutdown::Write);
            let after = wait_closed(&mut stream, Instant::now() + REPLY_WAIT);
            let late = match &after {
                Closed::Eof { extra, .. } | Closed::Reset { extra, .. } | Closed::Open { extra } => extra.clone(),
                Closed::Error { extra, .. } => extra.clone(),
            };
            if late == message {
                let waited = (pause * message.len() as u32 + REPLY_WAIT).as_millis() as u64;
                Err(failure!("ex09-split-after-eof", writes, waited, message = quoted_message))
            } else {
                Err(failure!(
                    "ex09-split-nothing",
                    writes,
                    wait = REPLY_WAIT.as_millis() as u64,
                    late = quoted(&late, 80),
                    message = quoted_message
                ))
            }
        }
        _ => Err(failure!(
            "ex09-split-other",
            writes,
            got = quoted(&got, 80),
            stop = describe_stop(&stop),
            message = quoted_message
        )),
    }
}

/// Promise `echo-as-soon-as-read`: a piece that ends no line comes back while the client stays
/// connected. A server that waits for more before writing back (a newline, a full buffer, the
/// end of the stream) is told which by what it does next: the checker sends a newline, then
/// shuts down its sending side, and watches when the echo comes.
fn echo_without_newline(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let message: &[u8] = b"no newline at the end, and the client stays connected";
    let mut stream = server.connect()?;
    stream.write_all(message).map_err(|e| io_failure(&text!("ex09-newline-doing-send"), e))?;
    let (mut got, stop) = match read_exact_within(&mut stream, message.len(), Instant::now() + REPLY_WAIT) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    let wait = REPLY_WAIT.as_millis() as u64;
    let sent = text!("ex09-newline-sent", message = quoted(message, 80), wait);
    let quoted_message = quoted(message, 80);
    if stop.kind() != std::io::ErrorKind::TimedOut {
        return Err(failure!(
            "ex09-newline-closed",
            sent,
            got = quoted(&got, 80),
            stop = describe_stop(&stop),
            message = quoted_message
        ));
    }
    // Nothing more came while the connection was open: does the rest come after a newline, or
    // only after the end of the stream?
    let mut whole = message.to_vec();
    whole.push(b'\n');
    let after_newline = stream.write_all(b"\n").is_ok();
    if after_newline {
        match read_exact_within(&mut stream, whole.len() - got.len(), Instant::now() + REPLY_WAIT) {
            Ok(rest) | Err((rest, _)) => got.extend_from_slice(&rest),
        }
        if got == whole {
            return Err(failure!("ex09-newline-waited-for-newline", sent, message = quoted_message));
        }
    }
    let _ = stream.shutdown(Shutdown::Write);
    let late = match wait_closed(&mut stream, Instant::now() + REPLY_WAIT) {
        Closed::Eof { extra, .. } | Closed::Reset { extra, .. } | Closed::Open { extra } => extra,
        Closed::Error { extra, .. } => extra,
    };
    let mut all = got.clone();
    all.extend_from_slice(&late);
    if all == whole && got.len() < message.len() {
        return Err(failure!("ex09-newline-after-eof", sent, got = quoted(&got, 80), message = quoted_message));
    }
    Err(failure!(
        "ex09-newline-nothing",
        sent,
        got = quoted(&got, 80),
        late = quoted(&late, 80),
        message = quoted_message
    ))
}

fn half_close(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let first: &[u8] = b"first part\n";
    let second: &[u8] = b"second part, then a half-close\n";
    let mut stream = server.connect()?;
    stream.write_all(first).map_err(|e| io_failure(&text!("ex09-doing-send-first"), e))?;
    net::expect_bytes(&mut stream, first, Instant::now() + REPLY_WAIT).map_err(|mut f| {
        f.why = text!("ex09-half-close-first-echo-why");
        f
    })?;
    let sent = stream.write_all(second).and_then(|()| stream.shutdown(Shutdown::Write));
    if let Err(e) = sent {
        let ended = match wait_closed(&mut stream, Instant::now() + Duration::from_millis(200)) {
            Closed::Open { .. } => String::new(),
            _ => text!("ex09-half-close-already-ended"),
        };
        return Err(failure!(
            "ex09-half-close-send-failed",
            first = quoted(first, 60),
            second = quoted(second, 60),
            error = e.to_string(),
            ended
        ));
    }
    let shut_at = Instant::now();
    let steps = text!("ex09-half-close-steps", first = quoted(first, 60), second = quoted(second, 60));
    let second_quoted = quoted(second, 60);
    let closed = wait_closed(&mut stream, shut_at + REPLY_WAIT);
    let (extra, ending) = match &closed {
        Closed::Eof { extra, .. } => (extra.clone(), text!("ex09-ending-closed")),
        Closed::Reset { extra, .. } => (extra.clone(), text!("ex09-ending-reset")),
        Closed::Open { extra } => (extra.clone(), text!("ex09-ending-kept-open", wait = REPLY_WAIT.as_millis() as u64)),
        Closed::Error { extra, error } => (extra.clone(), text!("ex09-ending-error", error = error.to_string())),
    };
    match &closed {
        Closed::Eof { .. } if extra == second => Ok(()),
        Closed::Open { .. } if extra == second => {
            Err(failure!("ex09-half-close-kept-open", steps, ending, second = second_quoted))
        }
        _ if extra.len() < second.len() && second.starts_with(&extra) => {
            Err(failure!("ex09-half-close-partial", steps, got = quoted(&extra, 60), ending, second = second_quoted))
        }
        Closed::Reset { .. } => {
            Err(failure!("ex09-half-close-reset", steps, got = quoted(&extra, 60), second = second_quoted))
        }
        _ => Err(failure!("ex09-half-close-other", steps, got = quoted(&extra, 60), ending, second = second_quoted)),
    }
}

fn sequential_clients(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    const CLIENTS: usize = 4;
    let expected = text!("ex09-seq-expected", clients = CLIENTS);
    // Why client `i` failed, if the server has exited meanwhile (given a moment to finish exiting).
    let exited = |i: usize| -> Option<(String, String)> {
        let start = Instant::now();
        while server.exit_status().is_none() && start.elapsed() < Duration::from_millis(500) {
            thread::sleep(Duration::from_millis(10));
        }
        let exit = server.describe_exit()?;
        let why = if i == 2 { text!("ex09-seq-why-served-one") } else { text!("ex09-seq-why-exited") };
        Some((exit, why))
    };
    for i in 1..=CLIENTS {
        let message = format!("client {i} of {CLIENTS}\n").into_bytes();
        let served = text!("ex09-seq-served", served = i - 1);
        let mut stream = match net::connect(server.port(), Duration::from_secs(2)) {
            Ok(stream) => stream,
            Err(e) => {
                let (state, why) = exited(i).unwrap_or_else(|| {
                    (text!("ex09-seq-still-running", pid = server.pid()), text!("ex09-seq-why-still-running"))
                });
                return Err(fail(
                    text!("ex09-seq-connect-failed", i, clients = CLIENTS, error = e.to_string(), served, state),
                    expected,
                    why,
                ));
            }
        };
        let sent = stream.write_all(&message).and_then(|()| stream.shutdown(Shutdown::Write));
        let result = read_to_eof_within(&mut stream, Instant::now() + REPLY_WAIT, 1 << 16);
        match result {
            Ok(got) if got == message && sent.is_ok() => {}
            Err((got, _)) if got == message => {
                return Err(failure!(
                    "ex09-seq-not-closed",
                    i,
                    clients = CLIENTS,
                    got = quoted(&got, 60),
                    wait = REPLY_WAIT.as_millis() as u64
                ))
            }
            result => {
                let (got, stop) = match result {
                    Ok(got) => (got, text!("ex09-seq-then-closed")),
                    Err((got, e)) => (got, describe_stop(&e)),
                };
                let observed = text!(
                    "ex09-seq-wrong",
                    i,
                    clients = CLIENTS,
                    served,
                    sent = quoted(&message, 60),
                    got = quoted(&got, 60),
                    stop
                );
                if let Some((exit, why)) = exited(i) {
                    return Err(fail(format!("{observed}; {exit}"), expected, why));
                }
                return Err(fail(
                    observed,
                    expected,
                    if i > 1 { text!("ex09-seq-why-next") } else { text!("ex09-seq-why-first") },
                ));
            }
        }
    }
    server.stop()
}

/// How long a client the server may accept waits for its echo before the check takes it as
/// one whose accept failed.
const NOT_ACCEPTED_AFTER: Duration = Duration::from_millis(500);
/// How long accept keeps failing (the server out of descriptors) before the limit is restored.
const ACCEPT_FAILS_FOR: Duration = Duration::from_millis(300);

/// Promise `sequential-clients` ("for as long as it runs"; serve returns only if binding
/// fails): once a client has been served, the server's soft descriptor limit is lowered from
/// outside to the number its next descriptor would get, so that its accept fails with EMFILE
/// while a client waits in the listening socket's backlog; a moment later the limit is
/// restored, and that client must be echoed. A server that returns (or panics) on a failed
/// accept has gone by then.
fn failed_accept_is_no_reason_to_stop(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let first: &[u8] = b"the first client, before the limit\n";
    let waiting_line: &[u8] = b"a client that waits while accept fails\n";
    let mut stream = server.connect()?;
    stream
        .write_all(first)
        .and_then(|()| stream.shutdown(Shutdown::Write))
        .map_err(|e| io_failure(&text!("ex09-accept-doing-first"), e))?;
    let _ = read_to_eof_within(&mut stream, Instant::now() + REPLY_WAIT, 1 << 16);
    drop(stream);
    // Back in accept, with the first client's descriptor closed.
    thread::sleep(Duration::from_millis(100));
    let limit = proc::lowest_free_descriptor(server.pid())
        .map_err(|e| failure!("support-accept-limit-not-lowered", error = e.to_string()))?;
    let old = proc::set_descriptor_limit(server.pid(), limit)
        .map_err(|e| failure!("support-accept-limit-not-lowered", error = e.to_string()))?;
    // A server already waiting in accept took its next descriptor before the limit came down
    // (the kernel takes it first, then waits): the client it gets is served. The next accept
    // fails, so one of the first two clients is left waiting.
    let mut waiting = None;
    for _ in 0..3 {
        let mut client = match server.connect() {
            Ok(client) => client,
            // Refused: the listener is gone, and the server with it, or soon.
            Err(f) => {
                thread::sleep(ACCEPT_FAILS_FOR);
                let _ = proc::set_descriptor_limit(server.pid(), old);
                return Err(match server.describe_exit() {
                    Some(exit) => {
                        failure!("ex09-accept-stopped", limit, ms = ACCEPT_FAILS_FOR.as_millis() as u64, exit)
                    }
                    None => f,
                });
            }
        };
        client
            .write_all(waiting_line)
            .and_then(|()| client.shutdown(Shutdown::Write))
            .map_err(|e| io_failure(&text!("ex09-accept-doing-waiting"), e))?;
        match read_to_eof_within(&mut client, Instant::now() + NOT_ACCEPTED_AFTER, 1 << 16) {
            Ok(got) if got == waiting_line => continue,
            _ if server.exit_status().is_some() => break,
            Err((got, e)) if got.is_empty() && e.kind() == std::io::ErrorKind::TimedOut => {
                waiting = Some(client);
                break;
            }
            // Something else: the end of this conversation is judged once the limit is back.
            _ => {
                waiting = Some(client);
                break;
            }
        }
    }
    thread::sleep(ACCEPT_FAILS_FOR);
    let exit = server.describe_exit();
    let restored = proc::set_descriptor_limit(server.pid(), old);
    if let Some(exit) = exit {
        return Err(failure!("ex09-accept-stopped", limit, ms = ACCEPT_FAILS_FOR.as_millis() as u64, exit));
    }
    restored.map_err(|e| failure!("support-accept-limit-not-lowered", error = e.to_string()))?;
    let Some(mut waiting) = waiting else {
        pack_support::not_judged(text!("ex09-accept-never-failed", limit));
        return server.stop();
    };
    let (got, stop) = match read_to_eof_within(&mut waiting, Instant::now() + REPLY_WAIT, 1 << 16) {
        Ok(got) => (got, text!("ex09-seq-then-closed")),
        Err((got, e)) => (got, describe_stop(&e)),
    };
    if got != waiting_line {
        let exit = server.describe_exit().unwrap_or_else(|| text!("ex09-seq-still-running", pid = server.pid()));
        return Err(failure!(
            "ex09-accept-waiting-not-served",
            limit,
            ms = ACCEPT_FAILS_FOR.as_millis() as u64,
            sent = quoted(waiting_line, 60),
            got = quoted(&got, 60),
            stop,
            exit
        ));
    }
    server.stop()
}

/// Promise `sequential-clients`, "serving each before accepting the next": while a first
/// client is connected (it sends a line, then nothing), a second one that connects, sends and
/// shuts down its sending side gets nothing back, not even the end of the stream; once the first
/// has left, the second is echoed. The kernel completes the second connection in the listening
/// socket's backlog, so it connects and sends whether or not the server has accepted it;
/// anything on it while the first is still connected means the server has taken it already.
fn one_client_at_a_time(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let first_message: &[u8] = b"the first client, which stays connected\n";
    let second_message: &[u8] = b"the second client, while the first is connected\n";
    let hold = Duration::from_secs(1);
    let mut first = server.connect()?;
    first.write_all(first_message).map_err(|e| io_failure(&text!("ex09-turns-doing-send-first"), e))?;
    // Its echo shows the server is serving it (a server that echoes late is judged elsewhere:
    // the second client is connected in any case after this wait).
    let _ = read_exact_within(&mut first, first_message.len(), Instant::now() + REPLY_WAIT);
    let mut second = server.connect()?;
    let steps = text!(
        "ex09-turns-steps",
        first = quoted(first_message, 60),
        second = quoted(second_message, 60),
        hold = hold.as_millis() as u64
    );
    let expected = text!("ex09-turns-expected", second = quoted(second_message, 60));
    if second.write_all(second_message).and_then(|()| second.shutdown(Shutdown::Write)).is_ok() {
        let stop = match read_to_eof_within(&mut second, Instant::now() + hold, 1 << 16) {
            Err((got, e)) if got.is_empty() && e.kind() == std::io::ErrorKind::TimedOut => None,
            Ok(got) => Some((got, text!("ex09-seq-then-closed"))),
            Err((got, e)) => Some((got, describe_stop(&e))),
        };
        if let Some((got, stop)) = stop {
            return Err(fail(
                text!("ex09-turns-served-together", steps, got = quoted(&got, 60), stop),
                expected,
                text!("ex09-turns-served-together-why"),
            ));
        }
    }
    // The first client leaves: now the second one's turn comes.
    let _ = first.shutdown(Shutdown::Write);
    let first_end = wait_closed(&mut first, Instant::now() + REPLY_WAIT);
    drop(first);
    let (got, stop) = match read_to_eof_within(&mut second, Instant::now() + REPLY_WAIT, 1 << 16) {
        Ok(got) => (got, text!("ex09-seq-then-closed")),
        Err((got, e)) => (got, describe_stop(&e)),
    };
    if got == second_message {
        return Ok(());
    }
    let first_closed = match first_end {
        Closed::Eof { .. } => text!("ex09-turns-first-closed"),
        _ => text!("ex09-turns-first-not-closed", wait = REPLY_WAIT.as_millis() as u64),
    };
    Err(fail(
        text!("ex09-turns-second-never", steps, first_closed, got = quoted(&got, 60), stop),
        expected,
        net::with_exit(&server, &text!("ex09-turns-second-never-why")),
    ))
}

fn client_sends_exact_bytes(ctx: &Context) -> Verdict {
    let message = "héllo, wörld: 1 2 3";
    let reply: &[u8] = b"the checker's reply\n\twith two lines\n";
    let fake = FakeServer::start(Scenario::Scripted(reply.to_vec())).expect("starting the fake server");
    let args: Vec<String> =
        ["client", "--port", &fake.port().to_string(), message].iter().map(|s| s.to_string()).collect();
    let run = net::run_client(ctx.student_bin(), &args, Some(Duration::from_secs(12)))
        .map_err(|e| failure!("ex09-client-not-started", error = e.to_string()))?;
    let conns = fake.wait_until(Duration::from_millis(500), |c| c.iter().all(|c| c.closed_at.is_some()));
    let command = format!("`{}`", run.command);
    let expected_bytes = message.as_bytes();
    let Some(conn) = conns.first() else {
        return Err(never_connected(&run, &command, fake.port()));
    };
    if conn.received != expected_bytes {
        let got = &conn.received;
        let why = if got.starts_with(expected_bytes) {
            text!("ex09-client-why-extra")
        } else if got.is_empty() {
            text!("ex09-client-why-nothing")
        } else if expected_bytes.starts_with(got) {
            text!("ex09-client-why-partial")
        } else {
            text!("ex09-client-why-changed")
        };
        return Err(fail(
            text!(
                "ex09-client-sent",
                command,
                got = quoted(got, 80),
                difference = first_difference(expected_bytes, got).unwrap_or_default()
            ),
            text!("ex09-client-exactly", message = quoted(expected_bytes, 80)),
            why,
        ));
    }
    if conns.len() > 1 {
        return Err(failure!("ex09-client-many-connections", command, count = conns.len()));
    }
    if conn.eof_at.is_none() {
        return Err(failure!("ex09-client-no-half-close", command, status = run.describe_status()));
    }
    if let Some(after) = run.killed_after {
        return Err(failure!("ex09-client-still-running", command, after = after.as_millis() as u64));
    }
    if run.stdout != reply || run.status.is_none_or(|s| !s.success()) {
        let why = if run.stdout == expected_bytes {
            text!("ex09-client-why-own-message")
        } else if run.stdout.starts_with(reply) || reply.starts_with(&run.stdout) {
            text!("ex09-client-why-truncated")
        } else {
            text!("ex09-client-why-other-reply")
        };
        return Err(fail(
            text!(
                "ex09-client-printed",
                reply = quoted(reply, 80),
                command,
                printed = quoted(&run.stdout, 80),
                status = run.describe_status(),
                stderr = run.stderr_note()
            ),
            text!("ex09-client-reply-on-stdout", reply = quoted(reply, 80)),
            why,
        ));
    }
    Ok(())
}

/// Promise `client-prints-reply`, "reads the reply until the server closes": the checker's
/// server sends its reply in pieces with pauses between them, and only then closes. The first
/// piece leaves as soon as the client has shut down its sending side, when the client is about
/// to read, so one read() returns that piece alone.
fn client_reply_in_pieces(ctx: &Context) -> Verdict {
    let pieces: Vec<Vec<u8>> =
        [&b"the reply comes "[..], b"in three pieces, ", b"with a pause between them\n"].map(<[u8]>::to_vec).to_vec();
    let pause = Duration::from_millis(300);
    let reply = pieces.concat();
    let fake = FakeServer::start(Scenario::ScriptedPieces { pieces: pieces.clone(), pause })
        .map_err(|e| net::checker_trouble("starting the fake server", e))?;
    let args: Vec<String> = ["client", "--port", &fake.port().to_string(), "a reply in pieces, please"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let run = run_client(ctx, &args)?;
    if run.stdout == reply && run.status.is_some_and(|s| s.success()) {
        return Ok(());
    }
    let command = format!("`{}`", run.command);
    if fake.connections().is_empty() {
        return Err(never_connected(&run, &command, fake.port()));
    }
    let why = if !run.stdout.is_empty() && run.stdout.len() < reply.len() && reply.starts_with(&run.stdout) {
        text!("ex09-pieces-why-cut")
    } else if let Some(hint) = run.crash_hint() {
        hint.to_owned()
    } else {
        text!("ex09-pieces-why-other")
    };
    Err(fail(
        text!(
            "ex09-pieces-printed",
            reply = quoted(&reply, 80),
            count = pieces.len(),
            pause = pause.as_millis() as u64,
            command,
            printed = quoted(&run.stdout, 80),
            status = run.describe_status(),
            stderr = run.stderr_note()
        ),
        text!("ex09-client-reply-on-stdout", reply = quoted(&reply, 80)),
        why,
    ))
}

/// Promise `client-prints-reply`, "writes it to stdout byte for byte": the checker's server
/// replies with every byte value and sequences that are not UTF-8; the client must print them
/// as they came, and succeed.
fn client_binary_reply(ctx: &Context) -> Verdict {
    let mut reply: Vec<u8> = (0..=255u8).collect();
    reply.extend_from_slice(b"\n\xff\xfe not UTF-8: \xc3\x28 \xe2\x82 \xf0\x9f\x98\n");
    let fake = FakeServer::start(Scenario::Scripted(reply.clone()))
        .map_err(|e| net::checker_trouble("starting the fake server", e))?;
    let args: Vec<String> =
        ["client", "--port", &fake.port().to_string(), "bytes, please"].iter().map(|s| s.to_string()).collect();
    let run = run_client(ctx, &args)?;
    if run.stdout == reply && run.status.is_some_and(|s| s.success()) {
        return Ok(());
    }
    let command = format!("`{}`", run.command);
    let why = if contains(&run.stdout, "\u{fffd}".as_bytes()) {
        text!("ex09-binary-why-lossy")
    } else if let Some(hint) = run.crash_hint() {
        hint.to_owned()
    } else if run.status.is_some_and(|s| !s.success()) && run.stdout.is_empty() {
        text!("ex09-binary-why-string")
    } else {
        text!("ex09-binary-why-other")
    };
    Err(fail(
        text!(
            "ex09-binary-printed",
            n = reply.len(),
            command,
            printed = quoted(&run.stdout, 80),
            difference = first_difference(&reply, &run.stdout).unwrap_or_default(),
            status = run.describe_status(),
            stderr = run.stderr_note()
        ),
        text!("ex09-binary-expected", n = reply.len()),
        why,
    ))
}

/// The client `command` (run as `run`) never connected to the fake server on `port`.
fn never_connected(run: &net::ClientRun, command: &str, port: u16) -> Failure {
    fail(
        text!("ex09-client-never-connected", command, port, status = run.describe_status(), stderr = run.stderr_note()),
        text!("ex09-client-connect-expected", port),
        run.crash_hint().map_or_else(|| text!("ex09-client-connect-why"), str::to_owned),
    )
}

fn io_failure(doing: &str, e: std::io::Error) -> Failure {
    failure!("ex09-io-failed", doing, error = e.to_string())
}

/// Promise `client-error-does-not-stop-server`: after clients reset their connections, the
/// next client is echoed.
fn survives_client_resets(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let storm = net::reset_storm(&server)?;
    let message = b"the client after the resets\n";
    let mut stream = match net::connect(server.port(), Duration::from_secs(2)) {
        Ok(stream) => stream,
        Err(e) => {
            return Err(fail(
                text!("ex09-resets-connect-failed", storm, error = e.to_string()),
                text!("ex09-resets-connect-expected"),
                net::with_exit(&server, &text!("ex09-resets-connect-why")),
            ))
        }
    };
    let sent = stream.write_all(message).and_then(|()| stream.shutdown(Shutdown::Write));
    match read_to_eof_within(&mut stream, Instant::now() + REPLY_WAIT, 1 << 16) {
        Ok(got) if got == message && sent.is_ok() => server.stop(),
        Ok(got) | Err((got, _)) => Err(fail(
            text!("ex09-resets-wrong", storm, message = quoted(message, 80), got = quoted(&got, 80)),
            text!("ex09-resets-wrong-expected", message = quoted(message, 80), secs = REPLY_WAIT.as_secs()),
            net::with_exit(&server, &text!("ex09-resets-wrong-why")),
        )),
    }
}

/// Promise `client-error-does-not-stop-server`, "is printed to stderr": a client whose line was
/// echoed sends half a line and resets the connection, which makes the server's next read()
/// (or write) fail; the server must say so on stderr (anything, as long as it is new after the
/// reset).
fn reports_client_errors(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let line: &[u8] = b"a whole line first\n";
    let mut stream = server.connect()?;
    stream.write_all(line).map_err(|e| io_failure(&text!("ex09-report-doing-send"), e))?;
    // The echo shows the server is serving this client, and waiting for its next bytes (a
    // server that echoes late is judged elsewhere: it is serving this client after the wait).
    let _ = read_exact_within(&mut stream, line.len(), Instant::now() + REPLY_WAIT);
    thread::sleep(Duration::from_millis(100));
    let before = server.stderr();
    let _ = stream.write_all(b"half a li");
    thread::sleep(Duration::from_millis(100));
    net::reset(stream);
    let deadline = Instant::now() + REPLY_WAIT;
    while server.stderr() == before && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    if server.stderr() != before {
        return Ok(());
    }
    let earlier =
        if before.is_empty() { String::new() } else { text!("ex09-report-earlier", printed = quoted(&before, 200)) };
    Err(fail(
        text!("ex09-report-silent", line = quoted(line, 60), wait = REPLY_WAIT.as_millis() as u64, earlier),
        text!("ex09-report-expected"),
        net::with_exit(&server, &text!("ex09-report-why")),
    ))
}

/// Promise `server-loopback-only`: the listening socket is bound to 127.0.0.1, not to every
/// address of the machine.
fn listens_on_loopback_only(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let addresses: Vec<std::net::SocketAddr> =
        net::listening_addresses(server.pid()).into_iter().filter(|a| a.port() == server.port()).collect();
    if let Some(wide) = addresses.iter().find(|a| !a.ip().is_loopback()) {
        return Err(failure!("ex09-loopback-wide", address = wide.to_string(), port = server.port()));
    }
    server.stop()
}

/// Promise `echo-exact-bytes` while the server is stopped and continued (Ctrl-Z, `fg`) in the
/// middle of its writes: an interrupted write that sent part of its bytes returns that part,
/// and the server must send the rest.
fn echo_survives_stop_and_continue(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    // Past what the server's send buffer can hold, so that its writes block and get interrupted.
    let size = net::send_buffer_max() + (4 << 20);
    let mut payload = binary_payload();
    while payload.len() < size {
        payload.extend_from_within(..payload.len().min(size - payload.len()));
    }
    let seen = net::echo_under_job_control(&server, &payload, Instant::now() + Duration::from_secs(20))?;
    if seen.got == payload {
        pack_support::measured(text!("ex09-job-control-summary", bytes = payload.len(), stops = seen.stops));
        return Ok(());
    }
    let n = payload.len();
    let partial = if seen.all_sent { String::new() } else { text!("ex09-job-control-not-all-sent") };
    let how = text!("ex09-job-control-how", n, stops = seen.stops, partial);
    let stop = seen.stop.as_ref().map(|e| format!(", {}", describe_stop(e))).unwrap_or_default();
    let why = if seen.got.len() < n && !payload.starts_with(&seen.got) {
        text!("ex09-job-control-why-short-write")
    } else if seen.got.len() < n {
        text!("ex09-job-control-why-early")
    } else {
        text!("ex09-job-control-why-repeated")
    };
    Err(fail(
        text!(
            "ex09-job-control-observed",
            how,
            got = seen.got.len(),
            stop,
            difference = first_difference(&payload, &seen.got).unwrap_or_default()
        ),
        text!("ex09-job-control-expected", n),
        why,
    ))
}

/// Runs the student's client with `args` (a watchdog of 20 s), or fails saying it could not.
fn run_client(ctx: &Context, args: &[String]) -> Result<net::ClientRun, Failure> {
    net::run_client(ctx.student_bin(), args, Some(Duration::from_secs(20)))
        .map_err(|e| failure!("ex09-client-not-started", error = e.to_string()))
}

/// Promise `client-host-option`: the client connects where --host says. The checker's server
/// listens on 127.0.0.2 (loopback too, on Linux), and a decoy with another reply on 127.0.0.1
/// at the same port catches a client that connects to the default host whatever --host says.
fn client_host_option(ctx: &Context) -> Verdict {
    let message = "hello, other host";
    let reply: &[u8] = b"reply from 127.0.0.2\n";
    let other = std::net::SocketAddr::from(([127, 0, 0, 2], 0));
    let Ok(fake) = FakeServer::start_at(other, Scenario::Scripted(reply.to_vec())) else {
        pack_support::not_judged(text!("ex09-host-cannot-bind"));
        return Ok(());
    };
    let decoy =
        FakeServer::start_at(net::loopback(fake.port()), Scenario::Scripted(b"the decoy on 127.0.0.1\n".to_vec())).ok();
    let args: Vec<String> = ["client", "--host", "127.0.0.2", "--port", &fake.port().to_string(), message]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let run = run_client(ctx, &args)?;
    if run.stdout == reply && !fake.connections().is_empty() {
        return Ok(());
    }
    let command = format!("`{}`", run.command);
    let to_decoy = decoy.as_ref().is_some_and(|d| !d.connections().is_empty());
    let (observed, why) = if to_decoy {
        (
            text!("ex09-host-decoy", port = fake.port(), command, printed = quoted(&run.stdout, 80)),
            text!("ex09-host-decoy-why"),
        )
    } else {
        (
            text!(
                "ex09-host-other",
                port = fake.port(),
                command,
                printed = quoted(&run.stdout, 80),
                status = run.describe_status(),
                stderr = run.stderr_note()
            ),
            run.crash_hint().map_or_else(|| text!("ex09-host-why"), str::to_owned),
        )
    };
    Err(fail(observed, text!("ex09-host-expected", port = fake.port(), reply = quoted(reply, 80)), why))
}

/// Promise `client-sends-exact-bytes` while the client is stopped and continued (Ctrl-Z, `fg`)
/// in the middle of writing a long message: the checker's server takes little at a time, so the
/// client's write blocks part-way again and again, and each stop interrupts it; an interrupted
/// write returns what it sent, and the client must send the rest.
fn client_survives_stop_and_continue(ctx: &Context) -> Verdict {
    // Under the 128 KiB the system allows for one argument.
    let message: String = (0..100_000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let reply: &[u8] = b"got it\n";
    let listener = std::net::TcpListener::bind(net::loopback(0)).map_err(|e| net::checker_trouble("listening", e))?;
    let _ = net::hold_little(&listener);
    let port = listener.local_addr().map_err(|e| net::checker_trouble("listening", e))?.port();
    let me = std::process::id();
    let server = thread::spawn(move || -> std::io::Result<(Vec<u8>, usize)> {
        let (mut conn, _) = listener.accept()?;
        // Let the client fill the buffers and block in its write.
        thread::sleep(Duration::from_millis(300));
        let client = proc::children(me).into_iter().next();
        conn.set_read_timeout(Some(Duration::from_millis(5)))?;
        let (mut got, mut stops) = (Vec::new(), 0);
        let mut buf = [0u8; 2048];
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if client.is_some_and(|pid| proc::stop_and_continue(pid).is_ok()) {
                stops += 1;
            }
            thread::sleep(Duration::from_millis(2));
            match std::io::Read::read(&mut conn, &mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => return Err(e),
            }
        }
        conn.write_all(reply)?;
        conn.shutdown(Shutdown::Write)?;
        Ok((got, stops))
    });
    let args: Vec<String> = vec!["client".into(), "--port".into(), port.to_string(), message.clone()];
    let run = run_client(ctx, &args)?;
    let (got, stops) = match server.join() {
        Ok(Ok(seen)) => seen,
        Ok(Err(e)) => {
            return Err(fail(
                text!(
                    "ex09-stop-client-lost",
                    port,
                    error = e.to_string(),
                    status = run.describe_status(),
                    stderr = run.stderr_note()
                ),
                text!("ex09-stop-client-lost-expected"),
                run.crash_hint().map_or_else(|| text!("ex09-stop-client-lost-why"), str::to_owned),
            ))
        }
        Err(_) => {
            return Err(net::checker_trouble("serving the client", std::io::Error::other("the server thread panicked")))
        }
    };
    let expected = message.as_bytes();
    if got == expected && run.stdout == reply {
        pack_support::measured(text!("ex09-stop-client-summary", bytes = got.len(), stops));
        return Ok(());
    }
    let how = text!("ex09-stop-client-how", size = expected.len(), stops);
    if got != expected {
        let why = if got.len() < expected.len() {
            text!("ex09-stop-client-why-short-write")
        } else {
            text!("ex09-stop-client-why-changed")
        };
        return Err(fail(
            text!(
                "ex09-stop-client-arrived",
                how,
                got = got.len(),
                difference = first_difference(expected, &got).unwrap_or_default()
            ),
            text!("ex09-stop-client-all-bytes", size = expected.len()),
            why,
        ));
    }
    Err(fail(
        text!(
            "ex09-stop-client-printed",
            how,
            reply = quoted(reply, 80),
            printed = quoted(&run.stdout, 80),
            status = run.describe_status(),
            stderr = run.stderr_note()
        ),
        text!("ex09-client-reply-on-stdout", reply = quoted(reply, 80)),
        text!("ex09-stop-client-printed-why"),
    ))
}
