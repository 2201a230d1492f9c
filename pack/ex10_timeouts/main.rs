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
//! The other kinds of failure are provoked too: a connection attempt nobody answers
//! (`net::HangingConnect`: the client must say `timed out` within T ± 20%, which needs
//! connect_timeout and classify's TimedOut), a server that stops reading and then ends and resets
//! the connection while the client is still writing a 100 kB message (`BrokenPipe`: `reset`), and
//! a host name that does not resolve (any `error: ...` but the three kinds); a server that never
//! reads (`Scenario::Deaf`) must make the client's write give up, T to 2T after the last bytes it
//! got through (`timed out`). `--host` is
//! observed with a server on 127.0.0.2 (only a client that connects where --host says reaches
//! it; a decoy on 127.0.0.1 at the same port tells a client that ignored it) and with the name
//! `localhost`, which must be resolved, not parsed.
//!
//! Server checks start `ex10_timeouts server --port N --idle-timeout-ms T`: an active connection
//! (a message every 0.6 T) stays open past T, a silent one is closed T ± 20% after its last byte;
//! and while one client sits idle, others are served. Timing is judged with
//! pack_support::timing::decide (up to 3 measurements) and a LoadProbe, so that a loaded machine
//! makes a measurement inconclusive rather than failing a correct solution.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, ToSocketAddrs};
use std::thread;
use std::time::{Duration, Instant};

use pack_support::net::{
    self, quoted, read_exact_within, wait_closed, ClientRun, Closed, FakeServer, HangingConnect, LoadProbe, Scenario,
    Server,
};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::{failure, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        client_read_timeout,
        client_refused,
        client_reset,
        client_host_option,
        client_reads_the_whole_reply,
        client_connect_timeout,
        client_broken_pipe,
        client_write_timeout,
        client_unresolved_host,
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
/// Silent clients connected besides client 1 while the others are served: more than a fixed
/// pool of threads usually has.
const IDLE_CROWD: usize = 24;

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
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

/// `client_args` with `--host host` after the port.
fn client_args_host(host: &str, port: u16, timeout: Duration, message: &str) -> Vec<String> {
    let mut args = client_args(port, timeout, message);
    args.splice(3..3, ["--host".to_owned(), host.to_owned()]);
    args
}

fn run(ctx: &Context, args: &[String], watchdog: Option<Duration>) -> Result<ClientRun, Failure> {
    net::run_client(ctx.student_bin(), args, watchdog)
        .map_err(|e| failure!("ex10-client-not-started", error = e.to_string()))
}

/// The client never connected to the checker's server on 127.0.0.1:`port`; `expected` says what
/// should have happened.
fn never_connected(run: &ClientRun, port: u16, expected: String) -> Failure {
    let mut f = failure!(
        "ex10-never-connected",
        command = &run.command,
        port,
        status = run.describe_status(),
        stderr_note = run.stderr_note(),
        expected
    );
    if let Some(hint) = run.crash_hint() {
        f.why = hint.to_owned();
    }
    f
}

/// The client's one line of output, or a failure saying what it printed instead.
fn one_line(run: &ClientRun) -> Result<String, Failure> {
    let text = run.stdout_text();
    let body = text.strip_suffix('\n').unwrap_or(&text);
    if !body.is_empty() && !body.contains('\n') {
        return Ok(body.to_owned());
    }
    let mut f = failure!(
        "ex10-not-one-line",
        command = &run.command,
        stdout = quoted(&run.stdout, 200),
        status = run.describe_status(),
        stderr_note = run.stderr_note()
    );
    if let Some(hint) = run.crash_hint() {
        f.why = hint.to_owned();
    }
    Err(f)
}

/// What it means when the client printed `line` while the right answer was `right`.
fn wrong_report_why(line: &str, right: &str) -> String {
    let kind = line.strip_prefix("error: ").unwrap_or(line);
    match (kind, right) {
        ("refused", "timed out") => text!("ex10-why-refused-not-timeout"),
        ("reset", "timed out") => text!("ex10-why-reset-not-timeout"),
        ("timed out", "refused") => text!("ex10-why-timeout-not-refused"),
        ("reset", "refused") => text!("ex10-why-reset-not-refused"),
        ("timed out", "reset") => text!("ex10-why-timeout-not-reset"),
        ("refused", "reset") => text!("ex10-why-refused-not-reset"),
        (other, "timed out") if other.contains("timed out") => text!("ex10-why-timeout-printed-as-other"),
        (other, "reset") if other.contains("roken pipe") || other.contains("os error 32") => {
            text!("ex10-why-broken-pipe-printed-as-other")
        }
        (_, "reset") if !line.starts_with("reply:") => text!("ex10-why-write-error-not-reported"),
        _ if line.starts_with("reply:") => text!("ex10-why-error-as-reply", right),
        _ => text!("ex10-why-report-by-kind", right),
    }
}

/// Fails unless the client printed exactly `error: {kind}` and exited non-zero.
fn expect_error(run: &ClientRun, kind: &str, situation: &str) -> Result<(), Failure> {
    let line = one_line(run)?;
    let expected = text!("ex10-expected-error-line", kind);
    if line != format!("error: {kind}") {
        return Err(failure!(
            "ex10-wrong-report",
            situation,
            command = &run.command,
            line = &line,
            elapsed = ms(run.elapsed()),
            status = run.describe_status(),
            stderr_note = run.stderr_note(),
            expected,
            why = wrong_report_why(&line, kind)
        ));
    }
    if run.status.is_none_or(|s| s.success()) {
        return Err(failure!(
            "ex10-exit-status-zero",
            situation,
            command = &run.command,
            line,
            status = run.describe_status(),
            expected
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
            return fatal(never_connected(&run, fake.port(), text!("ex10-never-connected-expected-reply")));
        };
        let situation = text!("ex10-read-situation", received = quoted(&conn.received, 60));
        if let Err(f) = expect_error(&run, "timed out", &situation) {
            return fatal(f);
        }
        // From the accept to the exit: at most the true waiting time if the accept was noticed
        // late; from the start of the process: at least the true waiting time.
        let waited = run.ended_at.saturating_duration_since(conn.accepted_at);
        let waited_at_least = run.elapsed();
        let summary = text!(
            "ex10-read-summary",
            waited = ms(waited),
            waited_at_least = ms(waited_at_least),
            timeout = ms(CLIENT_TIMEOUT),
            late = ms(late)
        );
        let judgement = if waited >= lo && waited <= hi {
            Judgement::Pass
        } else if waited < lo && waited_at_least < lo {
            Judgement::Fail(failure!(
                "ex10-read-too-early",
                situation,
                waited = ms(waited_at_least),
                timeout = ms(CLIENT_TIMEOUT),
                lo = ms(lo),
                hi = ms(hi)
            ))
        } else if waited < lo {
            Judgement::Unsure(text!("ex10-accept-noticed-late", summary = &summary))
        } else if waited.saturating_sub(late) <= hi {
            Judgement::Unsure(text!("ex10-machine-loaded", summary = &summary))
        } else {
            Judgement::Fail(failure!(
                "ex10-read-too-late",
                situation,
                waited = ms(waited),
                timeout = ms(CLIENT_TIMEOUT),
                lo = ms(lo),
                hi = ms(hi)
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
    // A refusal on loopback comes back in well under a millisecond, and the process starts in a
    // few: half a second (and more when the machine was slow to wake a sleeper meanwhile, which
    // is then not judged) leaves out only a client that waits, such as one that tries again
    // after a pause.
    let at_once = Duration::from_millis(500);
    timing::decide(2, |_| {
        let port = net::free_port(); // nobody listens there
        let probe = LoadProbe::start(Duration::from_secs(7));
        let run = match run(ctx, &client_args(port, timeout, "is anyone there?"), Some(Duration::from_secs(6))) {
            Ok(run) => run,
            Err(f) => return fatal(f),
        };
        let late = probe.finish();
        let situation = text!("ex10-refused-situation", port);
        if let Some(after) = run.killed_after {
            return fatal(failure!(
                "ex10-refused-killed",
                situation,
                command = &run.command,
                after = ms(after),
                timeout = ms(timeout)
            ));
        }
        if let Err(f) = expect_error(&run, "refused", &situation) {
            return fatal(f);
        }
        let summary =
            text!("ex10-refused-summary", elapsed = ms(run.elapsed()), timeout = ms(timeout), late = ms(late));
        let judgement = if run.elapsed() < at_once {
            Judgement::Pass
        } else if run.elapsed().saturating_sub(late) < at_once {
            Judgement::Unsure(text!("ex10-machine-loaded", summary = &summary))
        } else {
            Judgement::Fail(failure!(
                "ex10-refused-slow",
                situation,
                command = &run.command,
                elapsed = ms(run.elapsed()),
                at_once = ms(at_once)
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
        return Err(never_connected(&run, fake.port(), text!("ex10-never-connected-expected-reset")));
    };
    let received = quoted(&conn.received, 60);
    let situation = match conn.closed_at.map(|t| ms(t.saturating_duration_since(conn.accepted_at))) {
        Some(after) => text!("ex10-reset-situation-after", received, after),
        None => text!("ex10-reset-situation", received),
    };
    if let Some(after) = run.killed_after {
        return Err(failure!("ex10-reset-killed", situation, command = &run.command, after = ms(after)));
    }
    expect_error(&run, "reset", &situation)
}

/// The client's --timeout-ms in client_connect_timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

/// Promise `client-host-option`: --host is resolved and used, an address (127.0.0.2, which
/// only a client that connects where --host says reaches) and a name (`localhost`) alike.
fn client_host_option(ctx: &Context) -> Verdict {
    let message = "hello, other host";
    let other_ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let Ok(fake) = FakeServer::start_at(SocketAddr::new(other_ip, 0), Scenario::Echo) else {
        pack_support::not_judged(text!("ex10-host-cannot-bind"));
        return Ok(());
    };
    // A decoy on 127.0.0.1 at the same port: a client that ignores --host lands there.
    let decoy = FakeServer::start_at(net::loopback(fake.port()), Scenario::Scripted(b"wrong host".to_vec())).ok();
    let args = client_args_host("127.0.0.2", fake.port(), Duration::from_millis(3000), message);
    let ran = run(ctx, &args, Some(Duration::from_secs(8)))?;
    let line = one_line(&ran)?;
    if line != format!("reply: {message}") || fake.connections().is_empty() {
        let went_to_decoy = decoy.as_ref().is_some_and(|d| !d.connections().is_empty());
        let port = fake.port();
        let f = if went_to_decoy {
            failure!("ex10-host-ignored", port, command = &ran.command, line, message)
        } else {
            let mut f = failure!(
                "ex10-host-wrong-reply",
                port,
                command = &ran.command,
                line,
                status = ran.describe_status(),
                stderr_note = ran.stderr_note(),
                message
            );
            if let Some(hint) = ran.crash_hint() {
                f.why = hint.to_owned();
            } else if fake.connections().iter().any(|c| {
                // It reached the right server and got its echo, but its end of stream came only
                // when it gave up (the process closing its socket), long after its message.
                !c.sent.is_empty()
                    && c.eof_at.zip(c.last_byte_at).is_none_or(|(eof, last)| eof - last >= Duration::from_secs(1))
            }) {
                f.why = text!("ex10-why-no-half-close");
            }
            f
        };
        return Err(f);
    }
    drop((fake, decoy));

    // A name: the check listens on every address `localhost` resolves to here, on one port.
    let Some(fakes) = listen_on_localhost() else {
        pack_support::not_judged(text!("ex10-localhost-cannot-listen"));
        return Ok(());
    };
    let port = fakes[0].port();
    let args = client_args_host("localhost", port, Duration::from_millis(3000), message);
    let ran = run(ctx, &args, Some(Duration::from_secs(8)))?;
    let line = one_line(&ran)?;
    if line != format!("reply: {message}") {
        let addrs: Vec<String> = fakes.iter().map(|f| f.addr().to_string()).collect();
        let mut f = failure!(
            "ex10-localhost-not-resolved",
            addrs = addrs.join(&text!("ex10-and")),
            command = &ran.command,
            line,
            status = ran.describe_status(),
            stderr_note = ran.stderr_note(),
            message
        );
        if let Some(hint) = ran.crash_hint() {
            f.why = hint.to_owned();
        }
        return Err(f);
    }
    Ok(())
}

/// Promise `client-sends-and-reads-reply`, "the reply read until the server closes": the
/// checker's server answers once the client has shut down its sending side, in three pieces
/// with pauses (each well within --timeout-ms) between them, and only then closes. One read()
/// returns the first piece alone.
fn client_reads_the_whole_reply(ctx: &Context) -> Verdict {
    let pieces: Vec<Vec<u8>> =
        [&b"the reply comes "[..], b"in three pieces, ", b"with pauses between them"].map(<[u8]>::to_vec).to_vec();
    let pause = Duration::from_millis(300);
    let reply = String::from_utf8(pieces.concat()).expect("the pieces are text");
    let fake = FakeServer::start(Scenario::ScriptedPieces { pieces: pieces.clone(), pause })
        .map_err(|e| net::checker_trouble("starting the fake server", e))?;
    let message = "a reply in pieces, please";
    let timeout = Duration::from_millis(3000);
    let ran = run(ctx, &client_args(fake.port(), timeout, message), Some(Duration::from_secs(8)))?;
    if fake.connections().is_empty() {
        return Err(never_connected(&ran, fake.port(), text!("ex10-pieces-expected", reply = reply.as_str())));
    }
    let line = one_line(&ran)?;
    if line == format!("reply: {reply}") {
        return Ok(());
    }
    Err(failure!(
        "ex10-pieces-cut",
        command = &ran.command,
        count = pieces.len(),
        pause = ms(pause),
        timeout = ms(timeout),
        line,
        reply = reply.as_str()
    ))
}

/// Echo servers on one port of every address `localhost` resolves to (127.0.0.1, often ::1),
/// or `None` if it does not resolve to loopback addresses that can all be bound.
fn listen_on_localhost() -> Option<Vec<FakeServer>> {
    let mut addrs: Vec<IpAddr> = ("localhost", 0).to_socket_addrs().ok()?.map(|a| a.ip()).collect();
    addrs.dedup();
    if addrs.is_empty() || !addrs.iter().all(IpAddr::is_loopback) {
        return None;
    }
    for _ in 0..3 {
        let first = FakeServer::start_at(SocketAddr::new(addrs[0], 0), Scenario::Echo).ok()?;
        let port = first.port();
        let rest: Option<Vec<FakeServer>> =
            addrs[1..].iter().map(|ip| FakeServer::start_at(SocketAddr::new(*ip, port), Scenario::Echo).ok()).collect();
        if let Some(rest) = rest {
            return Some(std::iter::once(first).chain(rest).collect());
        }
    }
    None
}

/// Promises `client-connect-timeout` and (TimedOut) `classify-other-kinds`: a connection
/// attempt that gets no answer ends after --timeout-ms, reported as `timed out`.
fn client_connect_timeout(ctx: &Context) -> Verdict {
    let t = CONNECT_TIMEOUT;
    let (lo, hi) = window(t);
    let watchdog = Duration::from_secs(5);
    timing::decide(3, |_| {
        let hang = match HangingConnect::start_for_measurement() {
            Ok(hang) => hang,
            Err(cannot) => return cannot,
        };
        let probe = LoadProbe::start(watchdog + Duration::from_secs(1));
        let ran = match run(ctx, &client_args(hang.port(), t, "anybody?"), Some(watchdog)) {
            Ok(ran) => ran,
            Err(f) => return fatal(f),
        };
        let late = probe.finish();
        let situation = text!("ex10-connect-situation", port = hang.port());
        if let Some(after) = ran.killed_after {
            return fatal(failure!(
                "ex10-connect-killed",
                situation,
                command = &ran.command,
                after = ms(after),
                timeout = ms(t),
                lo = ms(lo),
                hi = ms(hi)
            ));
        }
        if let Err(f) = expect_error(&ran, "timed out", &situation) {
            return fatal(f);
        }
        // From the start of the process: at least the true waiting time.
        let took = ran.elapsed();
        let summary = text!("ex10-connect-summary", took = ms(took), timeout = ms(t), late = ms(late));
        let judgement = if took >= lo && took <= hi {
            Judgement::Pass
        } else if took < lo {
            Judgement::Fail(failure!(
                "ex10-connect-too-early",
                situation,
                took = ms(took),
                timeout = ms(t),
                lo = ms(lo),
                hi = ms(hi)
            ))
        } else if took.saturating_sub(late) <= hi {
            Judgement::Unsure(text!("ex10-machine-loaded", summary = &summary))
        } else {
            Judgement::Fail(failure!(
                "ex10-connect-too-late",
                situation,
                took = ms(took),
                timeout = ms(t),
                lo = ms(lo),
                hi = ms(hi)
            ))
        };
        Measurement { judgement, summary }
    })
}

/// Promise `classify-other-kinds` (BrokenPipe): the server stops reading, then ends its side and
/// resets while the client is still writing; the client's next write fails with EPIPE.
fn client_broken_pipe(ctx: &Context) -> Verdict {
    let message: String = "0123456789".repeat(10_000);
    let fake = FakeServer::start(Scenario::DeafThenReset).expect("starting the fake server");
    let args = client_args(fake.port(), Duration::from_millis(3000), &message);
    let mut ran = run(ctx, &args, Some(Duration::from_secs(8)))?;
    // The message itself is not repeated in what the student reads.
    ran.command = ran.command.replace(&message, &text!("ex10-message-placeholder", bytes = message.len()));
    let conns = fake.wait_until(Duration::from_millis(500), |c| c.iter().all(|c| c.closed_at.is_some()));
    let Some(conn) = conns.first() else {
        return Err(never_connected(&ran, fake.port(), text!("ex10-never-connected-expected-reset")));
    };
    let written = conn.held + conn.peer_queued.unwrap_or(0);
    if conn.closed_at.is_some() && written >= message.len() {
        // The whole message fitted in the two kernels' buffers: the client was not writing
        // any more when the reset came, so this run says nothing about BrokenPipe.
        pack_support::not_judged(text!("ex10-broken-pipe-message-fitted", bytes = message.len(), written));
        return Ok(());
    }
    let bytes = message.len();
    let situation = match conn.closed_at.map(|t| ms(t.saturating_duration_since(conn.accepted_at))) {
        Some(after) => text!("ex10-broken-pipe-situation-after", bytes, written, after),
        None => text!("ex10-broken-pipe-situation", bytes, written),
    };
    if let Some(after) = ran.killed_after {
        return Err(failure!("ex10-broken-pipe-killed", situation, command = &ran.command, after = ms(after)));
    }
    expect_error(&ran, "reset", &situation)
}

/// Promise `client-write-timeout`: against a server that reads nothing, the client's write gives
/// up (`timed out`) once it has made no progress for the timeout, instead of blocking forever.
///
/// As in ex16's write_timeout: each write call waits at most T, a call that got some bytes
/// through returns them, so what is judged is the time from the last bytes the client got
/// through (its socket's queue plus the server's, from /proc/net/tcp) to its exit: between T and
/// 2T (the failing call waits T, and began when the previous one, which made the progress, ended).
fn client_write_timeout(ctx: &Context) -> Verdict {
    let t = CONNECT_TIMEOUT;
    let (lo, hi) = (t * 4 / 5, t * 2 * 6 / 5);
    let watchdog = Duration::from_secs(6);
    let message: String = "0123456789".repeat(10_000);
    timing::decide(3, |_| {
        let fake = FakeServer::start(Scenario::Deaf).expect("starting the fake server");
        let (bin, args) = (ctx.student_bin().to_path_buf(), client_args(fake.port(), t, &message));
        let probe = LoadProbe::start(watchdog + Duration::from_secs(1));
        let client = thread::spawn(move || net::run_client(&bin, &args, Some(watchdog)));
        // (when, bytes the client had got through by then), at every change seen.
        let mut growth: Vec<(Instant, usize)> = Vec::new();
        while !client.is_finished() {
            thread::sleep(Duration::from_millis(5));
            let Some(peer) = fake.connections().first().map(|c| c.peer) else { continue };
            let now = net::queued_from(peer, fake.addr());
            if let Some(now) = now.filter(|&now| growth.last().is_none_or(|&(_, w)| w != now)) {
                growth.push((Instant::now(), now));
            }
        }
        let late = probe.finish();
        let mut ran = match client.join().expect("the client runner") {
            Ok(ran) => ran,
            Err(e) => return fatal(failure!("ex10-client-not-started", error = e.to_string())),
        };
        ran.command = ran.command.replace(&message, &text!("ex10-message-placeholder", bytes = message.len()));
        // Only what happened while the client ran: its exit closes the socket (a FIN).
        let (grew_at, written) = growth.iter().rev().find(|(at, _)| *at <= ran.ended_at).copied().unzip();
        let written = written.unwrap_or(0);
        let situation = text!("ex10-write-situation", bytes = message.len(), written);
        let expected = text!("ex10-write-expected", lo = ms(lo), hi = ms(hi), timeout = ms(t));
        if let Some(after) = ran.killed_after {
            return fatal(failure!(
                "ex10-write-killed",
                situation,
                command = &ran.command,
                after = ms(after),
                timeout = ms(t),
                expected
            ));
        }
        if written >= message.len() {
            return Measurement {
                judgement: Judgement::CannotMeasure(text!("ex10-write-message-fitted", written)),
                summary: text!("ex10-write-fitted-summary", written),
            };
        }
        if let Err(f) = expect_error(&ran, "timed out", &situation) {
            return fatal(f);
        }
        let Some(grew_at) = grew_at else {
            return Measurement {
                judgement: Judgement::CannotMeasure(text!("ex10-write-socket-not-found")),
                summary: text!("ex10-write-no-progress-summary"),
            };
        };
        let quiet = ran.ended_at.saturating_duration_since(grew_at);
        let summary = text!(
            "ex10-write-summary",
            quiet = ms(quiet),
            elapsed = ms(ran.elapsed()),
            timeout = ms(t),
            late = ms(late)
        );
        let judgement = if quiet >= lo && quiet <= hi {
            Judgement::Pass
        } else if quiet < lo {
            Judgement::Fail(failure!("ex10-write-too-early", situation, quiet = ms(quiet), expected))
        } else if quiet.saturating_sub(late) <= hi {
            Judgement::Unsure(text!("ex10-machine-loaded", summary = &summary))
        } else {
            Judgement::Fail(failure!("ex10-write-too-late", situation, quiet = ms(quiet), expected))
        };
        Measurement { judgement, summary }
    })
}

/// Promise `classify-other-kinds` (anything else): a host name that does not resolve is an
/// error of another kind, printed as such, not one of the three kinds.
fn client_unresolved_host(ctx: &Context) -> Verdict {
    // In the checker's network namespace (only `lo`), no DNS server is reachable: resolving a
    // name fails at once. Elsewhere the resolver would ask the network, so the name is one
    // the resolver itself rejects (a space), which fails without asking anybody.
    let host = if only_loopback() { "no.such.host.invalid" } else { "no such host.invalid" };
    // A client that ignores --host connects here instead, and is told so.
    let fake = FakeServer::start(Scenario::Echo).expect("starting the fake server");
    let args = client_args_host(host, fake.port(), Duration::from_millis(3000), "where are you?");
    let ran = run(ctx, &args, Some(Duration::from_secs(10)))?;
    let situation = text!("ex10-unresolved-situation", host = format!("{host:?}"));
    if let Some(after) = ran.killed_after {
        return Err(failure!("ex10-unresolved-killed", situation, command = &ran.command, after = ms(after)));
    }
    let line = one_line(&ran)?;
    let expected = text!("ex10-unresolved-expected");
    let kind = line.strip_prefix("error: ");
    let wrong = match kind {
        None if line.starts_with("reply:") => Some(text!("ex10-unresolved-why-host-ignored")),
        None | Some("") => Some(text!("ex10-unresolved-why-no-description")),
        Some(k @ ("refused" | "timed out" | "reset")) => Some(text!("ex10-unresolved-why-wrong-kind", kind = k)),
        Some(_) => None,
    };
    if let Some(why) = wrong {
        return Err(failure!(
            "ex10-unresolved-wrong-line",
            situation,
            command = &ran.command,
            line,
            status = ran.describe_status(),
            stderr_note = ran.stderr_note(),
            expected,
            why
        ));
    }
    if ran.status.is_none_or(|s| s.success()) {
        return Err(failure!(
            "ex10-exit-status-zero",
            situation,
            command = &ran.command,
            line,
            status = ran.describe_status(),
            expected
        ));
    }
    Ok(())
}

/// Whether this process's network namespace has no interface but `lo` (the checker's sandbox).
fn only_loopback() -> bool {
    std::fs::read_to_string("/proc/self/net/dev")
        .is_ok_and(|table| table.lines().skip(2).filter_map(|l| l.split(':').next()).all(|name| name.trim() == "lo"))
}

fn start_server(ctx: &Context, idle: Duration) -> Result<Server, Failure> {
    Server::start(ctx.student_bin(), &["server"], &["--idle-timeout-ms", &ms(idle).to_string()])
}

fn server_drops_idle_client(ctx: &Context) -> Verdict {
    let server = start_server(ctx, IDLE_TIMEOUT)?;
    silent_client_dropped(&server)?;
    timing::decide(3, |_| measure_idle_close(&server))
}

/// A client that connects and never says a word is idle from the start: the server closes it
/// too (judged only as closed or not, with six idle timeouts of slack: a timeout that is never
/// set, or set only after a first message, keeps it open for ever).
fn silent_client_dropped(server: &Server) -> Verdict {
    let t = IDLE_TIMEOUT;
    let mut stream = server.connect()?;
    match wait_closed(&mut stream, Instant::now() + t * 6) {
        Closed::Open { .. } => Err(failure!("ex10-silent-never-closed", waited = ms(t * 6), timeout = ms(t))),
        Closed::Eof { .. } | Closed::Reset { .. } | Closed::Error { .. } => Ok(()),
    }
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
                    return fatal(failure!("ex10-idle-no-echo", i, wait = ms(ECHO_WAIT)));
                }
                if gap >= lo {
                    return Measurement {
                        judgement: Judgement::Unsure(text!(
                            "ex10-idle-pause-overshot",
                            gap = ms(gap),
                            pause = ms(pause)
                        )),
                        summary: text!("ex10-idle-pause-overshot-summary", i, gap = ms(gap)),
                    };
                }
                let (pause, gap, timeout) = (ms(pause), ms(gap), ms(t));
                return fatal(if i == 0 {
                    failure!("ex10-idle-closed-fresh", pause, age, i, gap, timeout)
                } else {
                    failure!("ex10-idle-closed-while-talking", pause, age, i, gap, timeout)
                });
            }
            (_, result) => {
                let got = match &result {
                    Ok(got) | Err((got, _)) => got.clone(),
                };
                return fatal(failure!(
                    "ex10-idle-wrong-echo",
                    sent = quoted(&message, 40),
                    received = quoted(&got, 40)
                ));
            }
        }
    }
    // Idle phase: say nothing and wait for the server to close.
    let closed = wait_closed(&mut stream, last_echo + t * 3);
    let late = probe.finish();
    let steps = text!("ex10-idle-steps", pause = ms(pause));
    let (at, extra) = match closed {
        Closed::Eof { at, extra } | Closed::Reset { at, extra } => (at, extra),
        Closed::Open { extra } if extra.is_empty() => {
            let f = failure!(
                "ex10-idle-never-closed",
                steps,
                waited = ms(t * 3),
                timeout = ms(t),
                lo = ms(lo),
                hi = ms(hi)
            );
            return if late > t {
                Measurement {
                    judgement: Judgement::Unsure(text!("ex10-wake-ups-late", late = ms(late))),
                    summary: f.observed,
                }
            } else {
                fatal(f)
            };
        }
        Closed::Open { extra } | Closed::Error { extra, .. } => {
            return fatal(failure!("ex10-idle-sent-unasked", steps, extra = quoted(&extra, 60)))
        }
    };
    if !extra.is_empty() {
        return fatal(failure!("ex10-idle-sent-before-closing", steps, extra = quoted(&extra, 60)));
    }
    let silent = at.saturating_duration_since(last_echo);
    let silent_at_most = at.saturating_duration_since(last_sent);
    let summary = text!(
        "ex10-idle-summary",
        silent = ms(silent),
        silent_at_most = ms(silent_at_most),
        timeout = ms(t),
        late = ms(late)
    );
    let judgement = if silent >= lo && silent <= hi {
        Judgement::Pass
    } else if silent < lo && silent_at_most < lo {
        Judgement::Fail(failure!(
            "ex10-idle-closed-too-early",
            steps,
            silent = ms(silent_at_most),
            lo = ms(lo),
            hi = ms(hi)
        ))
    } else if silent < lo {
        Judgement::Unsure(text!("ex10-last-echo-noticed-late", summary = &summary))
    } else if silent.saturating_sub(late) <= hi {
        Judgement::Unsure(text!("ex10-machine-loaded", summary = &summary))
    } else {
        Judgement::Fail(failure!("ex10-idle-closed-too-late", steps, silent = ms(silent), lo = ms(lo), hi = ms(hi)))
    };
    Measurement { judgement, summary }
}

fn server_keeps_serving_others(ctx: &Context) -> Verdict {
    let server = start_server(ctx, LONG_IDLE_TIMEOUT)?;
    let mut idle = server.connect()?;
    let hello: &[u8] = b"I am client 1 and I will now sit idle\n";
    idle.write_all(hello).map_err(|e| io_failure(text!("ex10-client-1-sending"), e))?;
    net::expect_bytes(&mut idle, hello, Instant::now() + ECHO_WAIT).map_err(|mut f| {
        f.why = text!("ex10-why-echo-as-in-ex09");
        f
    })?;
    let idle_since = Instant::now();
    // More silent clients, connected and saying nothing: a fixed pool of threads (as in ex04)
    // would spend all its threads on them. Each holds only its own thread when every client has one.
    let crowd: Vec<std::net::TcpStream> = (0..IDLE_CROWD).map(|_| server.connect()).collect::<Result<_, _>>()?;
    for i in 2..=5 {
        let mut other = server.connect()?;
        let message = format!("client {i}, while client 1 sits idle\n").into_bytes();
        other.write_all(&message).map_err(|e| io_failure(text!("ex10-client-i-sending", i), e))?;
        match read_exact_within(&mut other, message.len(), Instant::now() + ECHO_WAIT) {
            Ok(echo) if echo == message => {}
            Err((got, e)) if got.is_empty() && e.kind() == std::io::ErrorKind::TimedOut => {
                return Err(failure!(
                    "ex10-others-blocked",
                    i,
                    wait = ms(ECHO_WAIT),
                    silent = ms(idle_since.elapsed()),
                    timeout = ms(LONG_IDLE_TIMEOUT),
                    crowd = IDLE_CROWD
                ));
            }
            result => {
                let (got, stop) = match result {
                    Ok(got) => (got, String::new()),
                    Err((got, e)) => (got, format!(", {}", net::describe_stop(&e))),
                };
                return Err(failure!(
                    "ex10-others-wrong-echo",
                    i,
                    sent = quoted(&message, 60),
                    received = quoted(&got, 60),
                    stop
                ));
            }
        }
        let _ = other.shutdown(Shutdown::Write);
    }
    drop(crowd);
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
            Err(failure!(
                "ex10-idle-client-dropped",
                silent = ms(silent_for),
                timeout = ms(LONG_IDLE_TIMEOUT),
                sent = quoted(again, 40),
                received = quoted(&got, 40),
                stop
            ))
        }
    }
}

fn io_failure(doing: String, e: std::io::Error) -> Failure {
    failure!("ex10-io-failed", doing, error = e.to_string())
}

/// Promise `server-survives-client-errors`: after clients reset their connections, the next
/// client is echoed.
fn server_survives_client_resets(ctx: &Context) -> Verdict {
    let server = start_server(ctx, LONG_IDLE_TIMEOUT)?;
    let storm = net::reset_storm(&server)?;
    let message: &[u8] = b"the client after the resets\n";
    let mut next = server.connect().map_err(|mut f| {
        f.observed = text!("ex10-resets-next-could-not-connect", storm, observed = f.observed);
        f
    })?;
    next.write_all(message).map_err(|e| io_failure(text!("ex10-client-after-resets-sending"), e))?;
    net::expect_bytes(&mut next, message, Instant::now() + ECHO_WAIT).map_err(|mut f| {
        f.observed = text!("ex10-resets-after", storm, observed = f.observed);
        f.why = net::with_exit(&server, &text!("ex10-resets-why-keep-serving"));
        f
    })?;
    // Two connections failed, and each failure is told on stderr: a reset is an error, not an
    // idle client. (One line each at least; a server may say more.)
    let told = || String::from_utf8_lossy(&server.stderr()).lines().filter(|l| !l.trim().is_empty()).count();
    let deadline = Instant::now() + Duration::from_secs(1);
    while told() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if told() < 2 {
        return Err(match told() {
            0 => failure!("ex10-resets-not-told", storm),
            count => failure!("ex10-resets-told-once", storm, count, stderr = net::quoted(&server.stderr(), 200)),
        });
    }
    server.stop()
}
