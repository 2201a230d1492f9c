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
use pack_support::{fail, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        client_read_timeout,
        client_refused,
        client_reset,
        client_host_option,
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

/// `client_args` with `--host host` after the port.
fn client_args_host(host: &str, port: u16, timeout: Duration, message: &str) -> Vec<String> {
    let mut args = client_args(port, timeout, message);
    args.splice(3..3, ["--host".to_owned(), host.to_owned()]);
    args
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
        (other, "timed out") if other.contains("timed out") => "connect_timeout fails with ErrorKind::TimedOut (a read timeout gives WouldBlock on Linux): classify() maps both to NetError::TimedOut, which prints exactly `timed out`; here the io::Error itself was printed (NetError::Other)".to_owned(),
        (other, "reset") if other.contains("roken pipe") || other.contains("os error 32") => "the server reset the connection while the client was still writing its message: a write after the server reset fails with BrokenPipe (EPIPE) rather than ConnectionReset (Linux says so when the server had ended its side first). classify() maps BrokenPipe, ConnectionReset and ConnectionAborted to NetError::Reset".to_owned(),
        (_, "reset") if !line.starts_with("reply:") => "the server reset the connection while the client was still writing its message: a write after the server reset fails (BrokenPipe or ConnectionReset), and that error is the result — write_all(..).map_err(classify)?, before shutting down or reading. classify() maps BrokenPipe, ConnectionReset and ConnectionAborted to NetError::Reset".to_owned(),
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

/// The client's --timeout-ms in client_connect_timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

/// Promise `client-host-option`: --host is resolved and used, an address (127.0.0.2, which
/// only a client that connects where --host says reaches) and a name (`localhost`) alike.
fn client_host_option(ctx: &Context) -> Verdict {
    let message = "hello, other host";
    let other_ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let Ok(fake) = FakeServer::start_at(SocketAddr::new(other_ip, 0), Scenario::Echo) else {
        pack_support::not_judged("127.0.0.2 cannot be bound on this machine (it is loopback on Linux)");
        return Ok(());
    };
    // A decoy on 127.0.0.1 at the same port: a client that ignores --host lands there.
    let decoy = FakeServer::start_at(net::loopback(fake.port()), Scenario::Scripted(b"wrong host".to_vec())).ok();
    let args = client_args_host("127.0.0.2", fake.port(), Duration::from_millis(3000), message);
    let ran = run(ctx, &args, Some(Duration::from_secs(8)))?;
    let line = one_line(&ran)?;
    let expected = format!("exactly `reply: {message}` (the server on 127.0.0.2:{} echoes)", fake.port());
    if line != format!("reply: {message}") || fake.connections().is_empty() {
        let went_to_decoy = decoy.as_ref().is_some_and(|d| !d.connections().is_empty());
        let (observed, why) = if went_to_decoy {
            (
                format!("the checker's echo server listened on 127.0.0.2:{0} only; `{1}` connected to 127.0.0.1:{0} instead and printed `{line}`", fake.port(), ran.command),
                "--host was ignored: the client connects to (host, port) as given on the command line — (host, port).to_socket_addrs(), then connect_timeout to that address — not to a fixed 127.0.0.1".to_owned(),
            )
        } else {
            (
                format!("the checker's echo server listened on 127.0.0.2:{}; `{}` printed `{line}` and ended with {}{}", fake.port(), ran.command, ran.describe_status(), ran.stderr_note()),
                ran.crash_hint().unwrap_or("the client connects to --host at --port: resolve (host, port) with to_socket_addrs() and connect to the address it gives").to_owned(),
            )
        };
        return Err(fail(observed, expected, why));
    }
    drop((fake, decoy));

    // A name: the check listens on every address `localhost` resolves to here, on one port.
    let Some(fakes) = listen_on_localhost() else {
        pack_support::not_judged(
            "`localhost` does not resolve to loopback addresses the checker can all listen on here",
        );
        return Ok(());
    };
    let port = fakes[0].port();
    let args = client_args_host("localhost", port, Duration::from_millis(3000), message);
    let ran = run(ctx, &args, Some(Duration::from_secs(8)))?;
    let line = one_line(&ran)?;
    if line != format!("reply: {message}") {
        let addrs: Vec<String> = fakes.iter().map(|f| f.addr().to_string()).collect();
        return Err(fail(
            format!("the checker's echo server listened on {} (the addresses localhost resolves to); `{}` printed `{line}` and ended with {}{}", addrs.join(" and "), ran.command, ran.describe_status(), ran.stderr_note()),
            format!("exactly `reply: {message}`"),
            ran.crash_hint().unwrap_or("--host may be a name as well as an address: (host, port).to_socket_addrs() resolves a name (localhost, example.org) and reads an address; parse::<SocketAddr>() or parse::<IpAddr>() only reads numeric addresses"),
        ));
    }
    Ok(())
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
        let situation = format!(
            "the checker's listener on 127.0.0.1:{} never answered the connection attempt (its queue was full, so the system dropped the SYN, as for a machine that is down)",
            hang.port()
        );
        if let Some(after) = ran.killed_after {
            return fatal(fail(
                format!("{situation}; `{}` was still running after {} ms (--timeout-ms {}) and was killed", ran.command, ms(after), ms(t)),
                format!("exactly `error: timed out` after --timeout-ms {} ms ± 20% ({}–{} ms)", ms(t), ms(lo), ms(hi)),
                "TcpStream::connect waits for the system's own limit when nobody answers (about two minutes on Linux): connect with TcpStream::connect_timeout(&addr, timeout), which gives up after the timeout with ErrorKind::TimedOut",
            ));
        }
        if let Err(f) = expect_error(&ran, "timed out", &situation) {
            return fatal(f);
        }
        // From the start of the process: at least the true waiting time.
        let took = ran.elapsed();
        let summary = format!(
            "said `error: timed out` {} ms after it started; --timeout-ms {}; wake-ups up to {} ms late",
            ms(took),
            ms(t),
            ms(late)
        );
        let expected = format!("`error: timed out` after --timeout-ms {} ms ± 20% ({}–{} ms)", ms(t), ms(lo), ms(hi));
        let judgement = if took >= lo && took <= hi {
            Judgement::Pass
        } else if took < lo {
            Judgement::Fail(fail(
                format!("{situation}; the client gave up after {} ms", ms(took)),
                expected,
                "the client gave up connecting too early: the connect timeout is the --timeout-ms value itself (connect_timeout(&addr, timeout))",
            ))
        } else if took.saturating_sub(late) <= hi {
            Judgement::Unsure(format!("the machine was loaded ({summary})"))
        } else {
            Judgement::Fail(fail(
                format!("{situation}; the client said `error: timed out` only after {} ms", ms(took)),
                expected,
                "the connect waited too long: its timeout is --timeout-ms (connect_timeout(&addr, timeout)), not a fixed value or a multiple of it, nor several attempts one after another",
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
    ran.command = ran.command.replace(&message, &format!("<the {}-byte message>", message.len()));
    let conns = fake.wait_until(Duration::from_millis(500), |c| c.iter().all(|c| c.closed_at.is_some()));
    let Some(conn) = conns.first() else {
        return Err(fail(
            format!(
                "`{}` never connected to the checker's server on 127.0.0.1:{}; it ended with {}{}",
                ran.command,
                fake.port(),
                ran.describe_status(),
                ran.stderr_note()
            ),
            "a connection, then `error: reset` when the server resets it",
            ran.crash_hint().unwrap_or("the client connects to --host (default 127.0.0.1) and --port"),
        ));
    };
    let written = conn.held + conn.peer_queued.unwrap_or(0);
    if conn.closed_at.is_some() && written >= message.len() {
        // The whole message fitted in the two kernels' buffers: the client was not writing
        // any more when the reset came, so this run says nothing about BrokenPipe.
        pack_support::not_judged(format!(
            "the client's {}-byte message fitted in the socket buffers of this machine ({written} bytes held), so no write was in progress when the server reset",
            message.len()
        ));
        return Ok(());
    }
    let situation = format!(
        "the client was writing a {}-byte message; the checker's server read none of it (its buffers were full after {} bytes), then ended its side of the connection and reset it (RST){}",
        message.len(),
        written,
        conn.closed_at.map(|t| format!(" {} ms after accepting", ms(t.saturating_duration_since(conn.accepted_at)))).unwrap_or_default()
    );
    if let Some(after) = ran.killed_after {
        return Err(fail(
            format!("{situation}; `{}` was still running {} ms after it started, and was killed", ran.command, ms(after)),
            "exactly `error: reset` on stdout, and a non-zero exit status",
            "a reset ends the connection at once: the write in progress fails with BrokenPipe (or ConnectionReset); report it instead of waiting",
        ));
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
            Err(e) => {
                return fatal(fail(
                    format!("the client could not be started: {e}"),
                    "a program that runs",
                    "the checker runs your compiled binary",
                ))
            }
        };
        ran.command = ran.command.replace(&message, &format!("<the {}-byte message>", message.len()));
        // Only what happened while the client ran: its exit closes the socket (a FIN).
        let (grew_at, written) = growth.iter().rev().find(|(at, _)| *at <= ran.ended_at).copied().unzip();
        let written = written.unwrap_or(0);
        let situation = format!(
            "the checker's server accepted the connection and never read anything, so the client's {}-byte message stopped after {written} bytes",
            message.len()
        );
        let expected = format!(
            "exactly `error: timed out` {}-{} ms after the last bytes got through (the failing write waits --timeout-ms, {} ms, and began at most that long after them)",
            ms(lo),
            ms(hi),
            ms(t)
        );
        if let Some(after) = ran.killed_after {
            return fatal(fail(
                format!("{situation}; `{}` was still running after {} ms (--timeout-ms {}) and was killed", ran.command, ms(after), ms(t)),
                expected,
                "without a write timeout, write() waits forever for a server that reads nothing (its receive buffer and the client's send buffer are full): set stream.set_write_timeout(Some(timeout)) as well as the read timeout, so that the write fails (WouldBlock, classified as timed out)",
            ));
        }
        if written >= message.len() {
            return Measurement {
                judgement: Judgement::CannotMeasure(format!(
                    "the whole message fitted in this machine's socket buffers ({written} bytes)"
                )),
                summary: format!("{written} bytes in the buffers"),
            };
        }
        if let Err(f) = expect_error(&ran, "timed out", &situation) {
            return fatal(f);
        }
        let Some(grew_at) = grew_at else {
            return Measurement {
                judgement: Judgement::CannotMeasure(
                    "the client's socket could not be found in /proc/net/tcp".to_owned(),
                ),
                summary: "no progress observed".to_owned(),
            };
        };
        let quiet = ran.ended_at.saturating_duration_since(grew_at);
        let summary = format!(
            "said `error: timed out` {} ms after its last bytes got through ({} ms after it started; --timeout-ms {}; wake-ups up to {} ms late)",
            ms(quiet),
            ms(ran.elapsed()),
            ms(t),
            ms(late)
        );
        let judgement = if quiet >= lo && quiet <= hi {
            Judgement::Pass
        } else if quiet < lo {
            Judgement::Fail(fail(
                format!("{situation}; the client gave up {} ms after its last bytes got through", ms(quiet)),
                expected,
                "the client gave up writing too early: the write timeout is the --timeout-ms value itself (set_write_timeout(Some(timeout)))",
            ))
        } else if quiet.saturating_sub(late) <= hi {
            Judgement::Unsure(format!("the machine was loaded ({summary})"))
        } else {
            Judgement::Fail(fail(
                format!("{situation}; the client said `error: timed out` only {} ms after its last bytes got through", ms(quiet)),
                expected,
                "the write waited too long: its timeout is --timeout-ms (set_write_timeout(Some(timeout))), not a fixed value or a multiple of it",
            ))
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
    let situation = format!("the host {host:?} does not resolve (and the network cannot be reached)");
    if let Some(after) = ran.killed_after {
        return Err(fail(
            format!("{situation}; `{}` was still running after {} ms, and was killed", ran.command, ms(after)),
            "one line `error: <why>` at once, and a non-zero exit status",
            "resolving the name fails at once here: report that error (NetError::Other) instead of retrying",
        ));
    }
    let line = one_line(&ran)?;
    let expected =
        "one line `error: <the resolver's message>` (not refused, timed out or reset) and a non-zero exit status";
    let kind = line.strip_prefix("error: ");
    let wrong = match kind {
        None if line.starts_with("reply:") => Some("the client printed a reply from 127.0.0.1 although --host named another machine: --host was ignored. The client connects to (host, port).to_socket_addrs()".to_owned()),
        None | Some("") => Some("an error is printed as `error: ` and its description (main.rs does it for the Err that request() returns)".to_owned()),
        Some(k @ ("refused" | "timed out" | "reset")) => Some(format!("a name that does not resolve is neither refused, a timeout nor a reset: nothing was even tried. to_socket_addrs() fails with an error of another kind, and classify() keeps every other kind as NetError::Other(error), whose text (the resolver's message) main.rs prints after `error: `, so the user learns that the name is wrong; `{k}` sends them looking for a problem that is not there")),
        Some(_) => None,
    };
    if let Some(why) = wrong {
        return Err(fail(
            format!(
                "{situation}; `{}` printed `{line}` and ended with {}{}",
                ran.command,
                ran.describe_status(),
                ran.stderr_note()
            ),
            expected,
            why,
        ));
    }
    if ran.status.is_none_or(|s| s.success()) {
        return Err(fail(
            format!("{situation}; `{}` printed `{line}` but ended with {}", ran.command, ran.describe_status()),
            expected,
            "a program that failed says so with its exit status (main.rs exits 1 when request() returns Err): scripts rely on it",
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
    // Two connections failed, and each failure is told on stderr: a reset is an error, not an
    // idle client. (One line each at least; a server may say more.)
    let told = || String::from_utf8_lossy(&server.stderr()).lines().filter(|l| !l.trim().is_empty()).count();
    let deadline = Instant::now() + Duration::from_secs(1);
    while told() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if told() < 2 {
        return Err(fail(
            format!(
                "after {storm}, the server went on serving, but printed {} on stderr",
                match told() {
                    0 => "nothing".to_owned(),
                    n => format!("only {n} line: {}", net::quoted(&server.stderr(), 200)),
                }
            ),
            "a line on stderr for each of the two connections that failed (\"client failed: Connection reset by peer\")",
            "an error with one client is printed to stderr, so whoever runs the server sees it: only WouldBlock and TimedOut mean an idle client; a reset (ConnectionReset) while reading, a broken pipe while writing and the rest are errors, returned from handle_client and printed by the accept loop",
        ));
    }
    server.stop()
}
