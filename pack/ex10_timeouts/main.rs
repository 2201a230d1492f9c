//! Hidden checks of ex10_timeouts: the student's client against servers played by the checker,
//! and the student's server, both observed from outside.
//!
//! Client checks run `ex10_timeouts client --port N --timeout-ms T MESSAGE` against a
//! FakeServer that accepts and never answers (the client must give up within T ± 20%, measured
//! from the moment the connection was accepted to the moment the process exited), a port where
//! nobody listens (refused, at once), and a FakeServer that resets the connection. The client
//! must print exactly one line (`error: timed out`, `error: refused`, `error: reset`) and exit
//! non-zero. `client_read_timeout` has no watchdog of its own: a client without a read timeout
//! hangs in read() until the checker's time limit, which diagnoses it as waiting on I/O.
//!
//! Server checks start `ex10_timeouts server --port N --idle-timeout-ms T`: an active connection
//! (a message every 0.6 T) stays open past T, a silent one is closed T ± 20% after its last byte;
//! and while one client sits idle, others are served. Timing is judged with
//! pack_support::timing::decide (up to 3 measurements) and a LoadProbe, so that a loaded machine
//! makes a measurement inconclusive rather than failing a correct solution.

use std::io::Write;
use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use pack_support::net::{
    self, quoted, read_exact_within, wait_closed, ClientRun, Closed, FakeServer, LoadProbe, Scenario, Server,
};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::{fail, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        client_read_timeout,
        client_refused,
        client_reset,
        server_drops_idle_client,
        server_keeps_serving_others,
        server_survives_client_resets
    ])
}

/// The client's --timeout-ms in client_read_timeout.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(500);
/// The server's --idle-timeout-ms in server_drops_idle_client.
const IDLE_TIMEOUT: Duration = Duration::from_millis(500);
/// The server's --idle-timeout-ms while other clients are served.
const LONG_IDLE_TIMEOUT: Duration = Duration::from_millis(5000);
/// How long the checker waits for an echo on loopback.
const ECHO_WAIT: Duration = Duration::from_secs(2);

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// The ± 20% window around `t`.
fn window(t: Duration) -> (Duration, Duration) {
    (t * 4 / 5, t * 6 / 5)
}

fn client_args(port: u16, timeout: Duration, message: &str) -> Vec<String> {
    ["client", "--port", &port.to_string(), "--timeout-ms", &ms(timeout).to_string(), message]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn run(ctx: &Context, args: &[String], watchdog: Option<Duration>) -> Result<ClientRun, Failure> {
    net::run_client(ctx.student_bin(), args, watchdog).map_err(|e| {
        fail(
            format!("the client could not be started: {e}"),
            "a program that runs",
            "the checker runs your compiled binary",
        )
    })
}

/// The client's one line of output, or a failure saying what it printed instead.
fn one_line(run: &ClientRun) -> Result<String, Failure> {
    let text = run.stdout_text();
    let body = text.strip_suffix('\n').unwrap_or(&text);
    if !body.is_empty() && !body.contains('\n') {
        return Ok(body.to_owned());
    }
    let crash = run.crash_hint();
    Err(fail(
        format!(
            "`{}` printed {} and ended with {}{}",
            run.command,
            quoted(&run.stdout, 200),
            run.describe_status(),
            run.stderr_note()
        ),
        "exactly one line on stdout: `reply: ...` or `error: refused` / `error: timed out` / `error: reset`",
        crash.unwrap_or("main.rs prints one line for the Result that request() returns: keep it, and print nothing else on stdout (use eprintln! for notes)"),
    ))
}

/// What it means when the client printed `line` while the right answer was `right`.
fn wrong_report_why(line: &str, right: &str) -> String {
    let kind = line.strip_prefix("error: ").unwrap_or(line);
    match (kind, right) {
        ("refused", "timed out") => "the server accepted the connection (it listens) and then simply never answered: that is a timeout, not a refusal. ConnectionRefused comes only when nobody listens on the port".to_owned(),
        ("reset", "timed out") => "nobody reset the connection: the server kept it open and silent. A read that waits longer than the read timeout fails with WouldBlock (TimedOut on some systems): classify() maps both to NetError::TimedOut".to_owned(),
        ("timed out", "refused") => "a refused connection is not a timeout: nobody listens on that port, the system answered at once with ConnectionRefused, and waiting longer would not help. classify() must map ErrorKind::ConnectionRefused to NetError::Refused, so the user knows the server is not running".to_owned(),
        ("reset", "refused") => "the connection was refused (ConnectionRefused: nobody listens on that port); reset means an established connection was torn down".to_owned(),
        ("timed out", "reset") => "the server reset the connection and the client reported a timeout: a reset is not a timeout — the client did not wait in vain, the server tore the connection down. ConnectionReset (and BrokenPipe when writing after it, ConnectionAborted) is NetError::Reset".to_owned(),
        ("refused", "reset") => "the server accepted the connection and then reset it: refused is only for a connection nobody accepts (ConnectionRefused); ConnectionReset is NetError::Reset".to_owned(),
        _ if line.starts_with("reply:") => format!("an error must not look like an empty reply: request() returns Err(NetError) when connecting, writing or reading fails, and main.rs prints `error: {right}`. Do not ignore the error of read_to_end"),
        _ => format!("the failure must be reported by its kind: `error: {right}` (classify() maps the io::ErrorKind to NetError)"),
    }
}

/// Fails unless the client printed exactly `error: {kind}` and exited non-zero.
fn expect_error(run: &ClientRun, kind: &str, situation: &str) -> Result<(), Failure> {
    let line = one_line(run)?;
    let expected = format!("exactly `error: {kind}` on stdout and a non-zero exit status");
    if line != format!("error: {kind}") {
        return Err(fail(
            format!(
                "{situation}; `{}` printed `{line}` after {} ms and ended with {}{}",
                run.command,
                ms(run.elapsed()),
                run.describe_status(),
                run.stderr_note()
            ),
            expected,
            wrong_report_why(&line, kind),
        ));
    }
    if run.status.is_none_or(|s| s.success()) {
        return Err(fail(
            format!("{situation}; `{}` printed `{line}` but ended with {}", run.command, run.describe_status()),
            expected,
            "a program that failed says so with its exit status (main.rs exits 1 when request() returns Err): scripts rely on it",
        ));
    }
    Ok(())
}

fn client_read_timeout(ctx: &Context) -> Verdict {
    let (lo, hi) = window(CLIENT_TIMEOUT);
    timing::decide(3, |_| {
        let fake = FakeServer::start(Scenario::Silent).expect("starting the fake server");
        let probe = LoadProbe::start(CLIENT_TIMEOUT * 4 + Duration::from_secs(1));
        // No watchdog: a client without a read timeout hangs here, and the checker's time limit
        // diagnoses the hang (a thread blocked in read()).
        let run = match run(ctx, &client_args(fake.port(), CLIENT_TIMEOUT, "are you there?"), None) {
            Ok(run) => run,
            Err(f) => return fatal(f),
        };
        let late = probe.finish();
        let Some(conn) = fake.connections().into_iter().next() else {
            return fatal(fail(
                format!(
                    "`{}` never connected to the checker's server on 127.0.0.1:{}; it ended with {}{}",
                    run.command,
                    fake.port(),
                    run.describe_status(),
                    run.stderr_note()
                ),
                "a connection, then the client waits at most --timeout-ms for the reply",
                run.crash_hint().unwrap_or("the client connects to --host (default 127.0.0.1) and --port"),
            ));
        };
        let situation = format!(
            "the checker's server accepted the connection, received {} and never answered",
            quoted(&conn.received, 60)
        );
        if let Err(f) = expect_error(&run, "timed out", &situation) {
            return fatal(f);
        }
        // From the accept to the exit: at most the true waiting time if the accept was noticed
        // late; from the start of the process: at least the true waiting time.
        let waited = run.ended_at.saturating_duration_since(conn.accepted_at);
        let waited_at_least = run.elapsed();
        let summary = format!(
            "gave up {} ms after the connection was accepted ({} ms after the process started); --timeout-ms {}; this machine woke threads up to {} ms late meanwhile",
            ms(waited),
            ms(waited_at_least),
            ms(CLIENT_TIMEOUT),
            ms(late)
        );
        let judgement = if waited >= lo && waited <= hi {
            Judgement::Pass
        } else if waited < lo && waited_at_least < lo {
            Judgement::Fail(fail(
                format!("{situation}; the client gave up after {} ms", ms(waited_at_least)),
                format!("it gives up after --timeout-ms {} ms ± 20% ({}–{} ms)", ms(CLIENT_TIMEOUT), ms(lo), ms(hi)),
                "the client gave up too early: the read timeout is the --timeout-ms value itself (set_read_timeout(Some(timeout))); a shorter one abandons servers that are merely slow",
            ))
        } else if waited < lo {
            Judgement::Unsure(format!("the accept was noticed late ({summary})"))
        } else if waited.saturating_sub(late) <= hi {
            Judgement::Unsure(format!("the machine was loaded ({summary})"))
        } else {
            Judgement::Fail(fail(
                format!("{situation}; the client waited {} ms before saying `error: timed out`", ms(waited)),
                format!("it gives up after --timeout-ms {} ms ± 20% ({}–{} ms)", ms(CLIENT_TIMEOUT), ms(lo), ms(hi)),
                "the client waited too long: the read must give up after --timeout-ms (set_read_timeout(Some(timeout)) before reading), not after a longer or repeated wait — every extra second blocks the user for nothing",
            ))
        };
        Measurement { judgement, summary }
    })
}

fn fatal(f: Failure) -> Measurement {
    let summary = f.observed.clone();
    Measurement { judgement: Judgement::Fatal(f), summary }
}

fn client_refused(ctx: &Context) -> Verdict {
    let timeout = Duration::from_millis(3000);
    let at_once = Duration::from_millis(1500);
    timing::decide(2, |_| {
        let port = net::free_port(); // nobody listens there
        let probe = LoadProbe::start(Duration::from_secs(7));
        let run = match run(ctx, &client_args(port, timeout, "is anyone there?"), Some(Duration::from_secs(6))) {
            Ok(run) => run,
            Err(f) => return fatal(f),
        };
        let late = probe.finish();
        let situation = format!("nobody listens on 127.0.0.1:{port}, so connecting is refused at once");
        if let Some(after) = run.killed_after {
            return fatal(fail(
                format!(
                    "{situation}; `{}` was still running after {} ms (--timeout-ms {}) and was killed",
                    run.command,
                    ms(after),
                    ms(timeout)
                ),
                "exactly `error: refused` on stdout, at once, and a non-zero exit status",
                "a refused connection fails at once with ConnectionRefused: report it, do not retry or wait",
            ));
        }
        if let Err(f) = expect_error(&run, "refused", &situation) {
            return fatal(f);
        }
        let summary = format!(
            "said `error: refused` after {} ms (--timeout-ms {}); wake-ups up to {} ms late",
            ms(run.elapsed()),
            ms(timeout),
            ms(late)
        );
        let judgement = if run.elapsed() < at_once {
            Judgement::Pass
        } else if run.elapsed().saturating_sub(late) < at_once {
            Judgement::Unsure(format!("the machine was loaded ({summary})"))
        } else {
            Judgement::Fail(fail(
                format!("{situation}; `{}` said `error: refused`, but only after {} ms", run.command, ms(run.elapsed())),
                format!("`error: refused` at once (within {} ms, process start included)", ms(at_once)),
                "the refusal comes back at once (ConnectionRefused): retrying until the timeout makes the user wait for an answer the client already has",
            ))
        };
        Measurement { judgement, summary }
    })
}

fn client_reset(ctx: &Context) -> Verdict {
    let fake = FakeServer::start(Scenario::Reset).expect("starting the fake server");
    let run =
        run(ctx, &client_args(fake.port(), Duration::from_millis(3000), "reset me"), Some(Duration::from_secs(8)))?;
    let conns = fake.wait_until(Duration::from_millis(500), |c| c.iter().all(|c| c.closed_at.is_some()));
    let Some(conn) = conns.first() else {
        return Err(fail(
            format!(
                "`{}` never connected to the checker's server on 127.0.0.1:{}; it ended with {}{}",
                run.command,
                fake.port(),
                run.describe_status(),
                run.stderr_note()
            ),
            "a connection, then `error: reset` when the server resets it",
            run.crash_hint().unwrap_or("the client connects to --host (default 127.0.0.1) and --port"),
        ));
    };
    let reset_after = conn.closed_at.map(|t| ms(t.saturating_duration_since(conn.accepted_at)));
    let situation = format!(
        "the checker's server accepted the connection, read {} and reset it (RST){}",
        quoted(&conn.received, 60),
        reset_after.map(|m| format!(" {m} ms later")).unwrap_or_default()
    );
    if let Some(after) = run.killed_after {
        return Err(fail(
            format!("{situation}; `{}` was still running {} ms after it started, and was killed", run.command, ms(after)),
            "exactly `error: reset` on stdout, and a non-zero exit status",
            "a reset ends the connection at once: the next read or write fails with ConnectionReset (or BrokenPipe); report it instead of waiting",
        ));
    }
    expect_error(&run, "reset", &situation)
}

fn start_server(ctx: &Context, idle: Duration) -> Result<Server, Failure> {
    Server::start(ctx.student_bin(), &["server"], &["--idle-timeout-ms", &ms(idle).to_string()])
}

fn server_drops_idle_client(ctx: &Context) -> Verdict {
    let server = start_server(ctx, IDLE_TIMEOUT)?;
    timing::decide(3, |_| measure_idle_close(&server))
}

fn measure_idle_close(server: &Server) -> Measurement {
    let t = IDLE_TIMEOUT;
    let (lo, hi) = window(t);
    let pause = t * 3 / 5;
    let probe = LoadProbe::start(Duration::from_secs(5));
    let mut stream = match server.connect() {
        Ok(s) => s,
        Err(f) => return fatal(f),
    };
    let connected = Instant::now();
    let mut last_echo = connected;
    let mut last_sent = connected;
    // Active phase: a message every 0.6 T, for longer than T in all.
    for i in 0..3 {
        if i > 0 {
            thread::sleep(pause);
        }
        let message = format!("ping {i}\n").into_bytes();
        let sent_at = Instant::now();
        let gap = sent_at - last_echo;
        let written = stream.write_all(&message);
        let result = read_exact_within(&mut stream, message.len(), sent_at + ECHO_WAIT);
        match (written, result) {
            (Ok(()), Ok(echo)) if echo == message => {
                last_echo = Instant::now();
                last_sent = sent_at;
            }
            (_, Err((got, e))) if got.is_empty() => {
                let age = ms(sent_at - connected);
                if e.kind() == std::io::ErrorKind::TimedOut {
                    return fatal(fail(
                        format!("the client sent `ping {i}`; the server did not echo it within {} ms", ms(ECHO_WAIT)),
                        "an echo of every message while the connection is active",
                        "the server echoes what it receives, as in ex09",
                    ));
                }
                if gap >= lo {
                    return Measurement {
                        judgement: Judgement::Unsure(format!(
                            "the checker paused {} ms instead of {} ms",
                            ms(gap),
                            ms(pause)
                        )),
                        summary: format!("pause before ping {i} overshot: {} ms", ms(gap)),
                    };
                }
                return fatal(fail(
                    format!(
                        "the client sent `ping 0`, `ping 1`, `ping 2` {} ms apart, each echoed; the server closed the connection {age} ms after it was accepted, when `ping {i}` came only {} ms after the previous exchange (--idle-timeout-ms {})",
                        ms(pause),
                        ms(gap),
                        ms(t)
                    ),
                    format!("a connection that talks at least every {} ms stays open", ms(t)),
                    if i == 0 {
                        "the server closed a fresh connection at once: it must echo and wait for more until the client is idle for --idle-timeout-ms".to_owned()
                    } else {
                        "the idle timeout counts silence since the last byte received, not the connection's age: set_read_timeout(Some(idle_timeout)) makes each read wait at most that long, and every byte that arrives restarts the wait. A client that keeps talking stays connected".to_owned()
                    },
                ));
            }
            (_, result) => {
                let got = match &result {
                    Ok(got) | Err((got, _)) => got.clone(),
                };
                return fatal(fail(
                    format!("the client sent {} and received {}", quoted(&message, 40), quoted(&got, 40)),
                    format!("{} echoed", quoted(&message, 40)),
                    "the server echoes exactly what it receives, as in ex09",
                ));
            }
        }
    }
    // Idle phase: say nothing and wait for the server to close.
    let closed = wait_closed(&mut stream, last_echo + t * 3);
    let late = probe.finish();
    let steps = format!("after 3 messages {} ms apart (each echoed), the client stayed silent", ms(pause));
    let (at, extra) = match closed {
        Closed::Eof { at, extra } | Closed::Reset { at, extra } => (at, extra),
        Closed::Open { extra } if extra.is_empty() => {
            let f = fail(
                format!(
                    "{steps}; the connection was still open {} ms after its last byte (--idle-timeout-ms {})",
                    ms(t * 3),
                    ms(t)
                ),
                format!("the server closes it {}–{} ms after the last byte (the idle timeout ± 20%)", ms(lo), ms(hi)),
                "the server never drops an idle client: its read() waits forever for a client that went quiet, holding a thread and a descriptor for nothing. Set the idle timeout as the read timeout (stream.set_read_timeout(Some(idle_timeout))) and close the connection when read() fails with WouldBlock or TimedOut",
            );
            return if late > t {
                Measurement {
                    judgement: Judgement::Unsure(format!("wake-ups up to {} ms late", ms(late))),
                    summary: f.observed,
                }
            } else {
                fatal(f)
            };
        }
        Closed::Open { extra } | Closed::Error { extra, .. } => {
            return fatal(fail(
                format!("{steps}; then the server sent {}", quoted(&extra, 60)),
                "nothing, then the server closes the connection",
                "the server only echoes: it sends nothing on its own",
            ))
        }
    };
    if !extra.is_empty() {
        return fatal(fail(
            format!("{steps}; then the server sent {} before closing", quoted(&extra, 60)),
            "nothing, then the server closes the connection",
            "the server only echoes: it sends nothing on its own",
        ));
    }
    let silent = at.saturating_duration_since(last_echo);
    let silent_at_most = at.saturating_duration_since(last_sent);
    let summary = format!(
        "closed {} ms after the last echo ({} ms after the last message was sent); --idle-timeout-ms {}; wake-ups up to {} ms late",
        ms(silent),
        ms(silent_at_most),
        ms(t),
        ms(late)
    );
    let expected =
        format!("the server closes it {}–{} ms after the last byte (the idle timeout ± 20%)", ms(lo), ms(hi));
    let judgement = if silent >= lo && silent <= hi {
        Judgement::Pass
    } else if silent < lo && silent_at_most < lo {
        Judgement::Fail(fail(
            format!("{steps}; the server closed the connection after only {} ms of silence", ms(silent_at_most)),
            expected,
            "the server dropped the client too early: the read timeout must be the --idle-timeout-ms value itself",
        ))
    } else if silent < lo {
        Judgement::Unsure(format!("the last echo was noticed late ({summary})"))
    } else if silent.saturating_sub(late) <= hi {
        Judgement::Unsure(format!("the machine was loaded ({summary})"))
    } else {
        Judgement::Fail(fail(
            format!("{steps}; the server closed the connection only {} ms after its last byte", ms(silent)),
            expected,
            "the server waited too long: the read timeout is the idle timeout itself, set once on the stream (set_read_timeout) — not a multiple of it, nor a check made only every few seconds",
        ))
    };
    Measurement { judgement, summary }
}

fn server_keeps_serving_others(ctx: &Context) -> Verdict {
    let server = start_server(ctx, LONG_IDLE_TIMEOUT)?;
    let mut idle = server.connect()?;
    let hello: &[u8] = b"I am client 1 and I will now sit idle\n";
    idle.write_all(hello).map_err(|e| io_failure("client 1 sending", e))?;
    net::expect_bytes(&mut idle, hello, Instant::now() + ECHO_WAIT).map_err(|mut f| {
        f.why = "the server echoes what it receives, as in ex09".to_owned();
        f
    })?;
    let idle_since = Instant::now();
    for i in 2..=5 {
        let mut other = server.connect()?;
        let message = format!("client {i}, while client 1 sits idle\n").into_bytes();
        other.write_all(&message).map_err(|e| io_failure(&format!("client {i} sending"), e))?;
        match read_exact_within(&mut other, message.len(), Instant::now() + ECHO_WAIT) {
            Ok(echo) if echo == message => {}
            Err((got, e)) if got.is_empty() && e.kind() == std::io::ErrorKind::TimedOut => {
                return Err(fail(
                    format!(
                        "client {i} got no echo within {} ms while client 1 sat idle (connected, silent for {} ms, well within --idle-timeout-ms {})",
                        ms(ECHO_WAIT),
                        ms(idle_since.elapsed()),
                        ms(LONG_IDLE_TIMEOUT)
                    ),
                    format!("client {i} served at once, whatever client 1 does"),
                    "the server serves one client at a time: it sits in the idle client's read() and accepts or answers nobody else until that client leaves or times out. Serve each connection on a thread of its own (thread::spawn(move || handle_client(stream, idle_timeout))) so that an idle client only holds its own thread",
                ));
            }
            result => {
                let (got, stop) = match result {
                    Ok(got) => (got, String::new()),
                    Err((got, e)) => (got, format!(", {}", net::describe_stop(&e))),
                };
                return Err(fail(
                    format!("client {i} sent {} and received {}{stop}", quoted(&message, 60), quoted(&got, 60)),
                    format!("{} echoed", quoted(&message, 60)),
                    "every client is echoed, while another one sits idle",
                ));
            }
        }
        let _ = other.shutdown(Shutdown::Write);
    }
    // Client 1 has been silent for well under its idle timeout: it must still be served.
    let again: &[u8] = b"still here\n";
    let silent_for = idle_since.elapsed();
    let result = idle
        .write_all(again)
        .map_err(|e| (Vec::new(), e))
        .and_then(|()| read_exact_within(&mut idle, again.len(), Instant::now() + ECHO_WAIT));
    match result {
        Ok(echo) if echo == again => Ok(()),
        other => {
            let (got, stop) = match other {
                Ok(got) => (got, String::new()),
                Err((got, e)) => (got, format!(", {}", net::describe_stop(&e))),
            };
            Err(fail(
                format!(
                    "after {} ms of silence (--idle-timeout-ms {}), client 1 sent {} and received {}{stop}",
                    ms(silent_for),
                    ms(LONG_IDLE_TIMEOUT),
                    quoted(again, 40),
                    quoted(&got, 40)
                ),
                format!("client 1 still connected and echoed: it was idle for less than {} ms", ms(LONG_IDLE_TIMEOUT)),
                "serving the other clients must not end the idle one before its idle timeout: each connection has its own read timeout, on its own thread",
            ))
        }
    }
}

fn io_failure(doing: &str, e: std::io::Error) -> Failure {
    fail(
        format!("{doing} failed: {e}"),
        "the server keeps the connection open while the client talks",
        "the server must not close or reset a connection that is in use",
    )
}

/// Promise `server-survives-client-errors`: after clients reset their connections, the next
/// client is echoed.
fn server_survives_client_resets(ctx: &Context) -> Verdict {
    let server = start_server(ctx, LONG_IDLE_TIMEOUT)?;
    let storm = net::reset_storm(&server)?;
    let message: &[u8] = b"the client after the resets\n";
    let mut next = server.connect().map_err(|mut f| {
        f.observed = format!("after {storm}, the next client could not connect: {}", f.observed);
        f
    })?;
    next.write_all(message).map_err(|e| io_failure("the client after the resets, sending", e))?;
    net::expect_bytes(&mut next, message, Instant::now() + ECHO_WAIT).map_err(|mut f| {
        f.observed = format!("after {storm}: {}", f.observed);
        f.why = net::with_exit(&server, "an error with one client (a reset) is printed to stderr and the server keeps serving: the thread that served that client ends, and the others go on");
        f
    })?;
    server.stop()
}
