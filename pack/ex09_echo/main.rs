//! Hidden checks of ex09_echo: the student's echo server and client, observed from outside.
//!
//! The server checks start `ex09_echo server --port N` on a free port (pack_support::net::Server
//! waits until it listens, without connecting, so no probe connection is ever counted as a
//! client) and hold scripted conversations with it: bytes of every value, a message written one
//! byte at a time, a half-close, clients one after another. The client check plays the server
//! with a FakeServer that records every byte the client sends and answers with a reply of its
//! own, which the client must print.

use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use pack_support::net::{
    self, describe_stop, first_difference, quoted, read_exact_within, read_to_eof_within, wait_closed, Closed,
    FakeServer, Scenario, Server,
};
use pack_support::{fail, proc, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        echo_exact_bytes,
        echo_split_writes,
        half_close,
        sequential_clients,
        client_sends_exact_bytes,
        survives_client_resets,
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
            writer.write_all(chunk).map_err(|e| format!("writing failed after {sent} bytes ({e})"))?;
            sent += chunk.len();
        }
        writer
            .shutdown(Shutdown::Write)
            .map_err(|e| format!("all {sent} bytes were written, but the half-close failed ({e})"))
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
    let expected =
        format!("the same {n} bytes back (every byte value 0..=255, then bytes that are not UTF-8), and nothing more");
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
            return Err(fail(
                format!("the {n} bytes came back, then {} more: {}", extra.len(), quoted(&extra, 60)),
                expected,
                "an echo server sends back exactly the bytes it read, each once: write &buf[..n] (the n bytes this read() returned), not the whole buffer",
            ));
        }
        Ok(got) => (got, None),
        Err((got, e)) => (got, Some(e)),
    };
    let _ = stream.shutdown(Shutdown::Both);
    let written = writer.join().unwrap_or_else(|_| Err("the writer panicked".to_owned()));
    let stop_text = stop.as_ref().map(|e| format!(", {}", describe_stop(e))).unwrap_or_default();
    let sent_text = match &written {
        Ok(()) => format!("the checker sent {n} bytes and shut down its sending side"),
        Err(e) => format!("the checker sent {n} bytes: {e}"),
    };
    // The bytes went through a String: U+FFFD (ef bf bd) replaced what was not UTF-8.
    if contains(&got, "\u{fffd}".as_bytes()) {
        return Err(fail(
            format!(
                "{sent_text}; the echo ({} bytes) contains the replacement character U+FFFD (bytes ef bf bd) where the message had bytes that are not UTF-8; {}",
                got.len(),
                first_difference(&payload, &got).unwrap_or_default()
            ),
            expected,
            "the echo went through text: String::from_utf8_lossy replaces every byte that is not valid UTF-8. A socket carries bytes, not text: write back exactly the &buf[..n] that read() returned, with no conversion",
        ));
    }
    if got.len() < n && payload.starts_with(&got) {
        let why = if stop.as_ref().is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut) {
            "the server stopped echoing although bytes were still coming: keep reading and writing back in a loop until read() returns 0 (the client shut down its sending side)"
        } else {
            "read() returns whatever has arrived so far, at most the buffer's size, so a long message takes many reads: an echo server reads and writes back in a loop until read() returns 0 (the end of the stream), and only then closes"
        };
        return Err(fail(
            format!("{sent_text}; only the first {} of the {n} bytes came back{stop_text}", got.len()),
            expected,
            why,
        ));
    }
    Err(fail(
        format!(
            "{sent_text}; the echo has {} bytes{stop_text}; {}",
            got.len(),
            first_difference(&payload, &got).unwrap_or_default()
        ),
        expected,
        "an echo server sends back exactly the bytes it read, in order, each once: write &buf[..n] (the n bytes this read() returned), not the whole buffer, and do not change them",
    ))
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
    let expected = format!("the whole message {} back while the client is still connected", quoted(message, 80));
    let writes = format!(
        "the checker wrote {} in {} writes of 1 byte, {} ms apart",
        quoted(message, 80),
        message.len(),
        pause.as_millis()
    );
    match stop.kind() {
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
            Err(fail(
                format!(
                    "{writes}; the server echoed {} and then ended the connection while the client was still sending ({sent} of {} bytes written when it ended)",
                    quoted(&got, 80),
                    message.len()
                ),
                expected,
                "the server read once and closed: read() returns what has arrived so far — here a single byte, since the message came one byte at a time. A stream has no message boundaries: read and write back in a loop until read() returns 0",
            ))
        }
        std::io::ErrorKind::TimedOut if got.is_empty() => {
            // Nothing came back while the connection was open: does it come after a half-close?
            let _ = stream.shutdown(Shutdown::Write);
            let after = wait_closed(&mut stream, Instant::now() + REPLY_WAIT);
            let late = match &after {
                Closed::Eof { extra, .. } | Closed::Reset { extra, .. } | Closed::Open { extra } => extra.clone(),
                Closed::Error { extra, .. } => extra.clone(),
            };
            if late == message {
                Err(fail(
                    format!(
                        "{writes}; nothing came back during the {} ms the client kept its side open; the echo came only after the client shut down its sending side",
                        (pause * message.len() as u32 + REPLY_WAIT).as_millis()
                    ),
                    expected,
                    "the server echoes only after the client shut down its sending side: it reads until the end of the stream (read_to_end) before writing anything. An echo server sends back each piece as soon as read() returns it, so an interactive client (a terminal, nc) sees its echo at once",
                ))
            } else {
                Err(fail(
                    format!(
                        "{writes}; nothing came back within {} ms (and after a half-close: {})",
                        REPLY_WAIT.as_millis(),
                        quoted(&late, 80)
                    ),
                    expected,
                    "write back each piece read() returns, at once; a server that waits for more (a full buffer, a newline) before echoing never answers a client that writes a byte at a time",
                ))
            }
        }
        _ => Err(fail(
            format!("{writes}; the server echoed {}, {}", quoted(&got, 80), describe_stop(&stop)),
            expected,
            "every byte must come back, in order, as soon as it arrives: read and write back in a loop, writing exactly the bytes each read() returned",
        )),
    }
}

fn half_close(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let first: &[u8] = b"first part\n";
    let second: &[u8] = b"second part, then a half-close\n";
    let mut stream = server.connect()?;
    stream.write_all(first).map_err(|e| io_failure("sending the first part", e))?;
    net::expect_bytes(&mut stream, first, Instant::now() + REPLY_WAIT).map_err(|mut f| {
        f.why = "an echo server sends back each piece as it arrives, while the connection stays open".to_owned();
        f
    })?;
    let sent = stream.write_all(second).and_then(|()| stream.shutdown(Shutdown::Write));
    if let Err(e) = sent {
        let ended = match wait_closed(&mut stream, Instant::now() + Duration::from_millis(200)) {
            Closed::Open { .. } => String::new(),
            _ => " (the server had already ended the connection)".to_owned(),
        };
        return Err(fail(
            format!(
                "the checker sent {}, got it back, then sending {} and shutting down its side failed: {e}{ended}",
                quoted(first, 60),
                quoted(second, 60)
            ),
            "the connection stays open after the first echo, until the client has finished",
            "the server closed the connection after echoing the first part: one read is not the whole conversation. Read and echo in a loop until read() returns 0 (the client's half-close), then close",
        ));
    }
    let shut_at = Instant::now();
    let steps = format!(
        "the checker sent {}, got it back, sent {} and shut down its sending side (shutdown(Shutdown::Write))",
        quoted(first, 60),
        quoted(second, 60)
    );
    let expected = format!("{} echoed, then the server closes the connection (end of stream)", quoted(second, 60));
    let closed = wait_closed(&mut stream, shut_at + REPLY_WAIT);
    let (extra, ending) = match &closed {
        Closed::Eof { extra, .. } => (extra.clone(), "closed the connection".to_owned()),
        Closed::Reset { extra, .. } => (extra.clone(), "reset the connection".to_owned()),
        Closed::Open { extra } => (
            extra.clone(),
            format!("kept the connection open for {} ms after the client's half-close", REPLY_WAIT.as_millis()),
        ),
        Closed::Error { extra, error } => (extra.clone(), format!("made reading fail ({error})")),
    };
    match &closed {
        Closed::Eof { .. } if extra == second => Ok(()),
        Closed::Open { .. } if extra == second => Err(fail(
            format!("{steps}; the rest was echoed, but the server {ending}"),
            expected,
            "when read() returns 0 the client has finished sending: the server must then close its side (return from handle_client so the stream is dropped, or shutdown(Shutdown::Write)); a client that reads the reply to the end waits for that close forever",
        )),
        _ if extra.len() < second.len() && second.starts_with(&extra) => Err(fail(
            format!("{steps}; only {} of the second part came back, then the server {ending}", quoted(&extra, 60)),
            expected,
            "after the client's half-close the server must still echo everything it has not echoed yet: it keeps reading until read() returns 0, writes back each piece, and closes only then",
        )),
        Closed::Reset { .. } => Err(fail(
            format!("{steps}; the server echoed {}, then reset the connection", quoted(&extra, 60)),
            expected,
            "a half-close is not an error: the server reads the rest until read() returns 0, echoes it, and closes normally",
        )),
        _ => Err(fail(
            format!("{steps}; then the checker received {}, and the server {ending}", quoted(&extra, 60)),
            expected,
            "after the half-close the server echoes exactly what is left, then closes",
        )),
    }
}

fn sequential_clients(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    const CLIENTS: usize = 4;
    let expected = format!("{CLIENTS} clients, one after another, each echoed and then its connection closed");
    // Why client `i` failed, if the server has exited meanwhile (given a moment to finish exiting).
    let exited = |i: usize| -> Option<(String, &'static str)> {
        let start = Instant::now();
        while server.exit_status().is_none() && start.elapsed() < Duration::from_millis(500) {
            thread::sleep(Duration::from_millis(10));
        }
        let exit = server.describe_exit()?;
        let why = if i == 2 {
            "the server served one client and exited: a server accepts in a loop (for stream in listener.incoming()), and after one client leaves it goes back to accept() for the next"
        } else {
            "the server exited while clients were still coming: it must accept in a loop for as long as it runs, and an error with one client must not end it"
        };
        Some((exit, why))
    };
    for i in 1..=CLIENTS {
        let message = format!("client {i} of {CLIENTS}\n").into_bytes();
        let served = format!("after {} client(s) were served", i - 1);
        let mut stream = match net::connect(server.port(), Duration::from_secs(2)) {
            Ok(stream) => stream,
            Err(e) => {
                let (state, why) = exited(i).unwrap_or((
                    format!("the server (PID {}) is still running", server.pid()),
                    "a server keeps its listening socket open and accepts the next client after each one",
                ));
                return Err(fail(
                    format!("client {i} of {CLIENTS} could not connect ({e}) {served}; {state}"),
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
                return Err(fail(
                    format!(
                        "client {i} of {CLIENTS} got its echo {}, but the server did not close the connection within {} ms after the client's half-close",
                        quoted(&got, 60),
                        REPLY_WAIT.as_millis()
                    ),
                    expected,
                    "when read() returns 0 the server must close that connection and go back to accept() for the next client; otherwise the next clients wait behind it",
                ))
            }
            result => {
                let (got, stop) = match result {
                    Ok(got) => (got, "then the connection was closed".to_owned()),
                    Err((got, e)) => (got, describe_stop(&e)),
                };
                let observed = format!(
                    "client {i} of {CLIENTS} connected {served}, sent {} and received {}, {stop}",
                    quoted(&message, 60),
                    quoted(&got, 60)
                );
                if let Some((exit, why)) = exited(i) {
                    return Err(fail(format!("{observed}; {exit}"), expected, why));
                }
                return Err(fail(
                    observed,
                    expected,
                    if i > 1 {
                        "after the first client the server must go back to accept() and serve the next one exactly like the first"
                    } else {
                        "each client's bytes must come back, then the server closes the connection"
                    },
                ));
            }
        }
    }
    server.stop()
}

fn client_sends_exact_bytes(ctx: &Context) -> Verdict {
    let message = "héllo, wörld: 1 2 3";
    let reply: &[u8] = b"the checker's reply\n\twith two lines\n";
    let fake = FakeServer::start(Scenario::Scripted(reply.to_vec())).expect("starting the fake server");
    let args: Vec<String> =
        ["client", "--port", &fake.port().to_string(), message].iter().map(|s| s.to_string()).collect();
    let run = net::run_client(ctx.student_bin(), &args, Some(Duration::from_secs(12))).map_err(|e| {
        fail(format!("the client could not be started: {e}"), "a program that runs", "the checker runs your binary")
    })?;
    let conns = fake.wait_until(Duration::from_millis(500), |c| c.iter().all(|c| c.closed_at.is_some()));
    let command = format!("`{}`", run.command);
    let expected_bytes = message.as_bytes();
    let Some(conn) = conns.first() else {
        return Err(fail(
            format!(
                "{command} never connected to the checker's server on 127.0.0.1:{}; it ended with {}{}",
                fake.port(),
                run.describe_status(),
                run.stderr_note()
            ),
            format!("a connection to 127.0.0.1:{}, then the message", fake.port()),
            run.crash_hint().unwrap_or(
                "the client connects to --host (default 127.0.0.1) and --port: TcpStream::connect((host, port))",
            ),
        ));
    };
    if conn.received != expected_bytes {
        let got = &conn.received;
        let why = if got.starts_with(expected_bytes) {
            "the client sent extra bytes after the message (a newline, a terminator, a second copy): the message is sent exactly as given, with nothing added — the server cannot tell an added byte from the message, and an echo would carry it back"
        } else if got.is_empty() {
            "the client connected but sent nothing: write the whole message with write_all"
        } else if expected_bytes.starts_with(got) {
            "part of the message is missing: write() may send only part of a buffer; write_all sends it all"
        } else {
            "the client must send the message's bytes exactly, as UTF-8, unchanged"
        };
        return Err(fail(
            format!(
                "{command} sent {}; {}",
                quoted(got, 80),
                first_difference(expected_bytes, got).unwrap_or_default()
            ),
            format!("exactly {}", quoted(expected_bytes, 80)),
            why,
        ));
    }
    if conns.len() > 1 {
        return Err(fail(
            format!("{command} opened {} connections", conns.len()),
            "one connection for the request",
            "one request, one connection: connect once, send, read the reply on the same stream",
        ));
    }
    if conn.eof_at.is_none() {
        return Err(fail(
            format!(
                "{command} sent the message but never shut down its sending side: the server waited 2 s for the end of the message, then replied anyway ({})",
                run.describe_status()
            ),
            "the message, then a half-close (the server reads 0 bytes: the message is complete)",
            "the server cannot know the message is complete until the client shuts down its sending side: call stream.shutdown(Shutdown::Write) after writing, then read the reply",
        ));
    }
    if let Some(after) = run.killed_after {
        return Err(fail(
            format!(
                "{command} was still running {} ms after it started, although the server had replied and closed",
                after.as_millis()
            ),
            "the client reads the reply until the server closes, prints it and exits",
            "read until read() returns 0 (read_to_end): the server closes after its reply",
        ));
    }
    if run.stdout != reply || run.status.is_none_or(|s| !s.success()) {
        let why = if run.stdout == expected_bytes {
            "the client printed its own message, not the reply: return the bytes read from the server (here they differ from the message, as they would with any server that is not an echo)"
        } else if run.stdout.starts_with(reply) || reply.starts_with(&run.stdout) {
            "return every byte of the reply, read until the server closes (read_to_end), unchanged; main.rs writes it to stdout as is"
        } else {
            "return the reply exactly as received; main.rs writes it to stdout"
        };
        return Err(fail(
            format!(
                "the server replied {} and closed; {command} printed {} and ended with {}{}",
                quoted(reply, 80),
                quoted(&run.stdout, 80),
                run.describe_status(),
                run.stderr_note()
            ),
            format!("{} on stdout, exit status 0", quoted(reply, 80)),
            why,
        ));
    }
    Ok(())
}

fn io_failure(doing: &str, e: std::io::Error) -> Failure {
    fail(
        format!("{doing} failed: {e}"),
        "the server keeps the connection open while the client talks",
        "the server must not close or reset a connection while the client is still sending",
    )
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
                format!("after {storm}, the next client could not connect: {e}"),
                "the server accepts the next client",
                net::with_exit(
                    &server,
                    "an error with one client must not stop the server: report it on stderr and accept the next",
                ),
            ))
        }
    };
    let sent = stream.write_all(message).and_then(|()| stream.shutdown(Shutdown::Write));
    match read_to_eof_within(&mut stream, Instant::now() + REPLY_WAIT, 1 << 16) {
        Ok(got) if got == message && sent.is_ok() => server.stop(),
        Ok(got) | Err((got, _)) => Err(fail(
            format!(
                "after {storm}, the next client sent {} and received {}",
                quoted(message, 80),
                quoted(&got, 80)
            ),
            format!("{} back, then the end of the stream, within {} s", quoted(message, 80), REPLY_WAIT.as_secs()),
            net::with_exit(&server, "an error with one client (a reset) is reported on stderr and the server goes on with the next client: perhaps the server is still stuck with a client that reset, or stopped accepting"),
        )),
    }
}

/// Promise `server-loopback-only`: the listening socket is bound to 127.0.0.1, not to every
/// address of the machine.
fn listens_on_loopback_only(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let addresses: Vec<std::net::SocketAddr> =
        net::listening_addresses(server.pid()).into_iter().filter(|a| a.port() == server.port()).collect();
    if let Some(wide) = addresses.iter().find(|a| !a.ip().is_loopback()) {
        return Err(fail(
            format!("the server listens on {wide} (read from /proc/PID/net/tcp)"),
            format!("127.0.0.1:{}", server.port()),
            "a server bound to 0.0.0.0 (or ::) accepts connections from every network the machine is on: bind 127.0.0.1, so only programs on this machine can connect",
        ));
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
        pack_support::measured(format!(
            "{} bytes echoed whole while the server was stopped and continued {} times",
            payload.len(),
            seen.stops
        ));
        return Ok(());
    }
    let n = payload.len();
    let how = format!(
        "the checker sent {n} bytes and read the echo slowly, stopping and continuing the server (SIGSTOP, SIGCONT: what Ctrl-Z and fg do) {} times meanwhile{}",
        seen.stops,
        if seen.all_sent { "" } else { " (the checker could not send everything)" }
    );
    let stop = seen.stop.as_ref().map(|e| format!(", {}", describe_stop(e))).unwrap_or_default();
    let why = if seen.got.len() < n && !payload.starts_with(&seen.got) {
        "bytes are missing in the middle of the echo: a short write. A write() interrupted part-way (the process was stopped, a signal came) returns how many bytes it sent, which may be fewer than asked; the rest must still be sent. write_all does that, in a loop, and retries on Interrupted; a single write() whose count is ignored loses the rest"
    } else if seen.got.len() < n {
        "the echo stopped early: keep reading and writing back until read() returns 0, and finish every write (write_all); a stop and continue must change nothing"
    } else {
        "an echo server sends back exactly the bytes it read, each once, whatever happens to the process meanwhile: a short write must be finished, not repeated from the start"
    };
    Err(fail(
        format!(
            "{how}; {} bytes came back{stop}; {}",
            seen.got.len(),
            first_difference(&payload, &seen.got).unwrap_or_default()
        ),
        format!("the same {n} bytes back, in order"),
        why,
    ))
}

/// Runs the student's client with `args` (a watchdog of 20 s), or fails saying it could not.
fn run_client(ctx: &Context, args: &[String]) -> Result<net::ClientRun, Failure> {
    net::run_client(ctx.student_bin(), args, Some(Duration::from_secs(20))).map_err(|e| {
        fail(format!("the client could not be started: {e}"), "a program that runs", "the checker runs your binary")
    })
}

/// Promise `client-host-option`: the client connects where --host says. The checker's server
/// listens on 127.0.0.2 (loopback too, on Linux), and a decoy with another reply on 127.0.0.1
/// at the same port catches a client that connects to the default host whatever --host says.
fn client_host_option(ctx: &Context) -> Verdict {
    let message = "hello, other host";
    let reply: &[u8] = b"reply from 127.0.0.2\n";
    let other = std::net::SocketAddr::from(([127, 0, 0, 2], 0));
    let Ok(fake) = FakeServer::start_at(other, Scenario::Scripted(reply.to_vec())) else {
        pack_support::not_judged("127.0.0.2 cannot be bound on this machine (it is loopback on Linux)");
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
            format!("the checker's server listened on 127.0.0.2:{0}; {command} connected to 127.0.0.1:{0} instead and printed {1}", fake.port(), quoted(&run.stdout, 80)),
            "--host was ignored: the client connects to (host, port) as given on the command line, TcpStream::connect((host.as_str(), port)), not to a fixed 127.0.0.1".to_owned(),
        )
    } else {
        (
            format!("the checker's server listened on 127.0.0.2:{}; {command} printed {} and ended with {}{}", fake.port(), quoted(&run.stdout, 80), run.describe_status(), run.stderr_note()),
            run.crash_hint().unwrap_or("the client connects to --host at --port: TcpStream::connect((host.as_str(), port)) resolves a name or reads an address").to_owned(),
        )
    };
    Err(fail(
        observed,
        format!("a connection to 127.0.0.2:{}, and its reply {} on stdout", fake.port(), quoted(reply, 80)),
        why,
    ))
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
                format!("the checker's server on 127.0.0.1:{port} lost the client: {e}; the client ended with {}{}", run.describe_status(), run.stderr_note()),
                "a connection that sends the whole message, then a half-close",
                run.crash_hint().unwrap_or("the client connects once, writes the whole message (write_all), shuts down its sending side and reads the reply"),
            ))
        }
        Err(_) => return Err(net::checker_trouble("serving the client", std::io::Error::other("the server thread panicked"))),
    };
    let expected = message.as_bytes();
    if got == expected && run.stdout == reply {
        pack_support::measured(format!(
            "{} bytes arrived whole while the client was stopped and continued {stops} times",
            got.len()
        ));
        return Ok(());
    }
    let how = format!(
        "the client wrote a {}-byte message to the checker's server, which read it slowly, 2 KiB at a time, while stopping and continuing the client (SIGSTOP, SIGCONT: what Ctrl-Z and fg do) {stops} times",
        expected.len()
    );
    if got != expected {
        let why = if got.len() < expected.len() {
            "bytes of the message are missing: a short write. A write() interrupted part-way (the process was stopped, a signal came) returns how many bytes it sent, which may be fewer than asked; the rest must still be sent. write_all does that, in a loop, and retries on Interrupted; a single write() whose count is ignored loses the rest"
        } else {
            "the client must send the message exactly as given, whole, whatever happens to the process meanwhile: write_all, then shut down the sending side"
        };
        return Err(fail(
            format!("{how}; {} bytes arrived; {}", got.len(), first_difference(expected, &got).unwrap_or_default()),
            format!("all {} bytes of the message, unchanged", expected.len()),
            why,
        ));
    }
    Err(fail(
        format!("{how}; the message arrived whole and the server replied {}, but the client printed {} and ended with {}{}", quoted(reply, 80), quoted(&run.stdout, 80), run.describe_status(), run.stderr_note()),
        format!("{} on stdout, exit status 0", quoted(reply, 80)),
        "read the reply until the server closes (read_to_end), whatever happened to the process meanwhile, and print it as it came",
    ))
}
