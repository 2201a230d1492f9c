//! Hidden checks of ex15_async_server: the student's tokio line-echo server, run as a separate
//! process with `--port N` and observed from outside.
//!
//! - Concurrency: a second client must get its reply while the first stays connected.
//! - C10k: the driver raises its own descriptor limit (RLIMIT_NOFILE, soft up to hard) before it
//!   starts the server, which inherits it, then opens as many connections as both processes can
//!   hold (10,000 where the limit allows; in the checker's sandbox the hard limit is 4096). It
//!   opens them in batches of 32, each connection answered once before the next batch (so the
//!   listen queue never overflows), keeps all of them open, does one more round trip on all of
//!   them together, and reads the server's thread count in `/proc/PID/task` after every batch.
//!   How many it opened, and how long it took, is reported with the check's measurements
//!   (`bench/c10k.sh` prints the same figures for the reference solution).
//! - Shutdown: with clients connected (one idle, one mid-line, one that was served), SIGTERM or
//!   SIGINT must make the process exit with status 0 within 1 s, and the port must be free to
//!   bind again.
//! - A failed accept: the server's descriptor limit is lowered from outside (`prlimit`) until
//!   accept fails with EMFILE; once some clients leave, the waiting client and a new one must be
//!   served.
//! - `ShutdownSignal::recv` is called directly (the pack links the library: `checks_link_library`
//!   in course.toml) in a forked child that raises SIGINT or SIGTERM at itself.
//! - During the drain (a client that does not read keeps its task writing), connecting must be
//!   refused; with only idle clients, the exit must come well before DRAIN_TIME has passed.
//! - With clients connected and nothing to do, the runtime's threads sleep (no CPU, no polling).

use std::io::Write;
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::thread;
use std::time::{Duration, Instant};

use pack_support::accept;
use pack_support::echo::connect_as;
use pack_support::net::{self, Server};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::{fail, failure, measured, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        serves_clients_concurrently,
        slow_reader_does_not_stall_others,
        c10k_connections,
        sigterm_graceful_shutdown,
        sigint_graceful_shutdown,
        failed_accept_is_no_reason_to_stop,
        recv_names_the_signal,
        stops_accepting_at_once,
        idle_connections_told_to_finish,
        idle_server_sleeps
    ])
}

/// How long one client waits for its line to come back.
const REPLY_WITHIN: Duration = Duration::from_secs(2);
/// How long the second client waits while the first stays connected (a correct server answers
/// in milliseconds; a server that serves one connection at a time never answers meanwhile).
const SECOND_REPLY_WITHIN: Duration = Duration::from_secs(2);

fn start(ctx: &Context) -> Result<Server, Failure> {
    // The server inherits the dispositions of SIGINT and SIGTERM from this process: make them
    // the defaults (a parent that ignores SIGINT, as a shell's background job does, would
    // otherwise make the server ignore it too, whatever its code does).
    // SAFETY: setting a signal disposition to its default; this program installs no handlers.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
    }
    let server = Server::start(ctx.student_bin(), &[], &[])?;
    // A failure whose cause is a blocking call inside a task says so, whichever scenario met it.
    pack_support::waits::blame_blocking_on_failure(server.pid(), text!("support-blocking-in-task-why"));
    Ok(server)
}

/// `f` with what the server's exit, if it has exited, adds to its why.
fn with_exit(server: &Server, mut f: Failure) -> Failure {
    f.why = net::with_exit(server, &f.why);
    f
}

/// Sends `line` and expects it back within `within`.
fn round_trip(server: &Server, stream: &mut TcpStream, line: &[u8], who: &str, within: Duration) -> Verdict {
    stream.write_all(line).map_err(|e| {
        with_exit(server, failure!("ex15-send-failed", who, line = net::quoted(line, 80), error = e.to_string()))
    })?;
    net::expect_bytes(stream, line, Instant::now() + within).map_err(|mut f| {
        f.observed = text!("ex15-who-sent", who, line = net::quoted(line, 80), observed = &f.observed);
        f.why = net::with_exit(server, &text!("ex15-echo-why"));
        f
    })
}

// ---------------------------------------------------------------------------------------------
// serves_clients_concurrently
// ---------------------------------------------------------------------------------------------

fn serves_clients_concurrently(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut first = connect_as(&server, &text!("ex15-who-first"))?;
    // Lines are bytes: this one is not UTF-8.
    let who = text!("ex15-who-first");
    round_trip(&server, &mut first, b"first client \xff\xfe not UTF-8 \xc3\x28\n", &who, REPLY_WITHIN)?;

    // The first client stays connected, silent, while a second one talks.
    let mut second = connect_as(&server, &text!("ex15-who-second"))?;
    let line = b"second client, while the first is still connected\n";
    second
        .write_all(line)
        .map_err(|e| with_exit(&server, failure!("ex15-second-send-failed", error = e.to_string())))?;
    let sent = Instant::now();
    match net::read_exact_within(&mut second, line.len(), sent + SECOND_REPLY_WITHIN) {
        Ok(got) if got == line => {}
        Ok(got) => {
            return Err(failure!("ex15-second-wrong-reply", line = net::quoted(line, 80), got = net::quoted(&got, 80)))
        }
        Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut && got.is_empty() => {
            // Does the reply come once the first client leaves? Then the server serves one
            // connection at a time.
            drop(first);
            let closed = Instant::now();
            let after = match net::read_exact_within(&mut second, line.len(), closed + REPLY_WITHIN) {
                Ok(_) => text!("ex15-reply-after-close", ms = closed.elapsed().as_millis() as u64),
                Err(_) => text!("ex15-no-reply-after-close", secs = REPLY_WITHIN.as_secs()),
            };
            let ms = SECOND_REPLY_WITHIN.as_millis() as u64;
            return Err(with_exit(&server, failure!("ex15-one-at-a-time", ms, after)));
        }
        Err((got, e)) => {
            return Err(with_exit(
                &server,
                failure!(
                    "ex15-second-cut",
                    line = net::quoted(line, 80),
                    got = net::quoted(&got, 80),
                    stop = net::describe_stop(&e)
                ),
            ))
        }
    }
    // And the first client is still served.
    round_trip(&server, &mut first, b"first client again\n", &text!("ex15-who-first-again"), REPLY_WITHIN)?;
    drop((first, second));
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// slow_reader_does_not_stall_others
// ---------------------------------------------------------------------------------------------

/// How long a client beside the one that does not read may wait for its line.
const BESIDE_DEAF_REPLY_WITHIN: Duration = Duration::from_secs(1);
/// The most the client that does not read sends: far more than the kernel's buffers together.
const DEAF_MOST: usize = 160 << 20;

/// Promise `task-per-connection`: a client that sends lines and reads none of their echo, until
/// its writes stall, keeps its own task waiting in write_all; the other connections are served
/// meanwhile, and once it reads it gets every line back. A lock shared by all connections and
/// held across that write (a tokio Mutex guard alive over `.await`) keeps them all waiting.
fn slow_reader_does_not_stall_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut deaf = net::SlowReader::fill(&server, DEAF_MOST, |_| Ok(()))?;
    deaf.others_served(&server, BESIDE_DEAF_REPLY_WITHIN, &text!("ex15-slow-reader-blocks-others-why"))?;
    deaf.reads_everything_back(&server, Duration::from_secs(15), &text!("ex15-slow-reader-reads-back-why"))?;
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// c10k_connections
// ---------------------------------------------------------------------------------------------

/// The goal: ten thousand connections at once.
const C10K: usize = 10_000;
/// Descriptors kept free in each process (standard streams, pipes, the listener, epoll, ...).
const HEADROOM: usize = 96;
/// Connections opened together, each then answered once before the next batch. A batch is
/// smaller than any listen backlog (std and tokio use at least 128): connections the server has
/// not accepted yet wait in that queue, and when it is full the kernel drops the next SYN, which
/// is retried only a second later. Waiting for the batch's replies keeps the queue short even
/// when the server pauses for a moment (as tokio does while it grows its tables).
const BATCH: usize = 32;
/// How long one connection attempt may take (loopback: microseconds).
const CONNECT_WITHIN: Duration = Duration::from_secs(2);
/// How long a batch may take for its round trips.
const BATCH_REPLY_WITHIN: Duration = Duration::from_secs(5);
/// How long every connection together may take for the last round trip.
const ROUND_TRIP_WITHIN: Duration = Duration::from_secs(15);

/// Raises this process's soft RLIMIT_NOFILE to its hard limit (a server started afterwards
/// inherits it) and returns (soft, hard) as they are then.
fn raise_descriptor_limit() -> (u64, u64) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit read and write a struct we own.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        let wanted = libc::rlimit { rlim_cur: limit.rlim_max.min(1 << 20), rlim_max: limit.rlim_max };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &wanted) == 0 {
            limit = wanted;
        }
    }
    (limit.rlim_cur, limit.rlim_max)
}

/// The most threads a server may run: the runtime's workers (one per core) and a few more.
fn thread_limit() -> usize {
    thread::available_parallelism().map(|n| n.get()).unwrap_or(2) + 8
}

/// Sends `lines[i]` on `streams[i]` and reads it back, all at once; the failure says who was
/// not served. `first` is the number of the first stream, for messages.
fn round_trips(
    server: &Server,
    streams: &mut [TcpStream],
    lines: &[Vec<u8>],
    first: usize,
    within: Duration,
    held: usize,
) -> Verdict {
    for (k, stream) in streams.iter_mut().enumerate() {
        if let Err(e) = stream.write_all(&lines[k]) {
            let failure = failure!("ex15-batch-send-failed", n = first + k, error = e.to_string(), held);
            return Err(with_exit(server, failure));
        }
    }
    let counts: Vec<usize> = lines.iter().map(Vec::len).collect();
    let got = net::read_many_within(streams, &counts, Instant::now() + within);
    let missing: Vec<usize> = (0..streams.len()).filter(|&k| got[k].bytes != lines[k]).collect();
    let Some(&k) = missing.first() else { return Ok(()) };
    let closed = missing.iter().filter(|&&k| got[k].stop.is_some()).count();
    let why = if streams.len() - missing.len() <= 1 && streams.len() > 1 {
        text!("ex15-batch-one-at-a-time-why")
    } else {
        text!("ex15-batch-unanswered-why")
    };
    Err(fail(
        text!(
            "ex15-batch-unanswered",
            held,
            answered = streams.len() - missing.len(),
            count = streams.len(),
            secs = within.as_secs(),
            n = first + k,
            line = net::quoted(&lines[k], 60),
            got = net::quoted(&got[k].bytes, 60),
            closed = if closed > 0 { text!("ex15-closed-count", closed) } else { String::new() }
        ),
        text!("ex15-batch-expected", held),
        net::with_exit(server, &why),
    ))
}

fn c10k_connections(ctx: &Context) -> Verdict {
    let (soft, hard) = raise_descriptor_limit();
    let target = C10K.min((soft as usize).saturating_sub(HEADROOM));
    let limit_note = if target < C10K {
        format!(" {}", text!("ex15-limit-note", soft, hard, target, goal = C10K))
    } else {
        String::new()
    };
    let server = start(ctx)?;
    let at_start = server.threads();
    let most_threads = thread_limit();

    // Open the connections batch by batch, each connection served once as it comes; all of them
    // stay open.
    let started = Instant::now();
    let mut clients: Vec<TcpStream> = Vec::with_capacity(target);
    let mut most_seen = at_start;
    while clients.len() < target {
        let first = clients.len();
        let end = (first + BATCH).min(target);
        for i in first..end {
            match net::connect(server.port(), CONNECT_WITHIN) {
                Ok(stream) => clients.push(stream),
                Err(e) => {
                    let error = e.to_string();
                    measured(text!("ex15-connect-failed-measured", i, error = &error, limit_note = &limit_note));
                    let threads = server.threads();
                    let failure = failure!("ex15-connect-failed", i, target, error, threads, limit_note = &limit_note);
                    return Err(with_exit(&server, failure));
                }
            }
        }
        let lines: Vec<Vec<u8>> = (first..end).map(|i| format!("connection {i} says hello\n").into_bytes()).collect();
        round_trips(&server, &mut clients[first..end], &lines, first, BATCH_REPLY_WITHIN, end)?;
        // Every connection so far has been answered: a thread started for it exists by now.
        let threads = server.threads();
        most_seen = most_seen.max(threads);
        if threads > most_threads {
            measured(text!("ex15-threads-measured", threads, connections = end, limit_note = &limit_note));
            return Err(too_many_threads(threads, end, at_start, most_threads));
        }
    }
    let connected = started.elapsed();

    // One more round trip on every connection, all of them open at once.
    let lines: Vec<Vec<u8>> = (0..target).map(|i| format!("connection {i} again\n").into_bytes()).collect();
    let again = Instant::now();
    let result = round_trips(&server, &mut clients, &lines, 0, ROUND_TRIP_WITHIN, target);
    let round_trip = again.elapsed();
    let threads = server.threads();
    most_seen = most_seen.max(threads);
    measured(text!(
        "ex15-c10k-measured",
        target,
        limit_note,
        connect_ms = connected.as_millis() as u64,
        round_trip_ms = round_trip.as_millis() as u64,
        most_seen,
        at_start,
        most_threads
    ));
    result?;
    if threads > most_threads {
        return Err(too_many_threads(threads, target, at_start, most_threads));
    }
    drop(clients);
    server.stop()
}

fn too_many_threads(threads: usize, connections: usize, at_start: usize, limit: usize) -> Failure {
    failure!("ex15-too-many-threads", threads, connections, at_start, limit)
}

// ---------------------------------------------------------------------------------------------
// Graceful shutdown
// ---------------------------------------------------------------------------------------------

/// The whole shutdown must take less than this.
const EXIT_WITHIN: Duration = Duration::from_secs(1);
/// How long the check waits after that to tell a late exit from none.
const LATE_WAIT: Duration = Duration::from_secs(1);

fn sigterm_graceful_shutdown(ctx: &Context) -> Verdict {
    graceful_shutdown(ctx, libc::SIGTERM, "SIGTERM")
}

fn sigint_graceful_shutdown(ctx: &Context) -> Verdict {
    graceful_shutdown(ctx, libc::SIGINT, "SIGINT")
}

fn graceful_shutdown(ctx: &Context, signal: libc::c_int, name: &str) -> Verdict {
    let what = if signal == libc::SIGINT { text!("ex15-sigint-what") } else { name.to_owned() };
    let server = start(ctx)?;
    let port = server.port();
    // Three clients stay connected: one that was served, one idle, one in the middle of a line.
    let mut served = connect_as(&server, &text!("ex15-who-client"))?;
    round_trip(&server, &mut served, b"served before the signal\n", &text!("ex15-who-client"), REPLY_WITHIN)?;
    let idle = connect_as(&server, &text!("ex15-who-idle"))?;
    let mut halfway = connect_as(&server, &text!("ex15-who-halfway"))?;
    halfway.write_all(b"half a li").ok();
    thread::sleep(Duration::from_millis(100));

    // SAFETY: signalling the server process this check started.
    unsafe { libc::kill(server.pid() as libc::pid_t, signal) };
    let sent = Instant::now();
    let mut status = None;
    while sent.elapsed() < EXIT_WITHIN + LATE_WAIT {
        if let Some(s) = server.exit_status() {
            status = Some((s, sent.elapsed()));
            break;
        }
        thread::sleep(Duration::from_millis(5));
    }
    let clients = text!("ex15-three-clients");
    let (status, took) = match status {
        Some(exit) => exit,
        None => {
            let listening = server.listens();
            let pid = server.pid();
            drop((served, idle, halfway));
            let state = if listening { text!("ex15-state-accepting") } else { text!("ex15-state-closed", port) };
            let (secs, late) = (EXIT_WITHIN.as_secs(), (EXIT_WITHIN + LATE_WAIT).as_secs());
            return Err(fail(
                text!("ex15-still-running", pid, secs, what = &what, late, state, clients),
                text!("ex15-exit-zero-within", secs, what),
                if listening { text!("ex15-signal-not-awaited", name) } else { text!("ex15-waits-for-idle-clients") },
            ));
        }
    };
    let took_ms = took.as_millis() as u64;
    if let Some(sig) = status.signal() {
        let killed_by = if sig == signal {
            text!("ex15-killed-by-name", name)
        } else {
            text!("ex15-killed-by-signal", signal = sig)
        };
        let kind = if signal == libc::SIGINT { "interrupt" } else { "terminate" };
        return Err(fail(
            text!("ex15-killed", killed_by, took_ms, what, status = status.to_string(), clients),
            text!("ex15-clean-exit-within", secs = EXIT_WITHIN.as_secs()),
            if sig == signal { text!("ex15-no-handler", name, kind) } else { text!("ex15-died-from-other-signal") },
        ));
    }
    if !status.success() {
        let (status, printed) = (status.to_string(), server.printed());
        return Err(failure!("ex15-exit-failed", status, took_ms, what, clients, printed));
    }
    if took > EXIT_WITHIN {
        return Err(failure!("ex15-exit-slow", took_ms, what, clients, limit_ms = EXIT_WITHIN.as_millis() as u64));
    }
    // The port must be free again: nothing kept the listening socket.
    let free_by = Instant::now() + Duration::from_millis(500);
    while !net::port_is_free(port) {
        if Instant::now() > free_by {
            return Err(failure!("ex15-port-busy", port));
        }
        thread::sleep(Duration::from_millis(10));
    }
    measured(text!("ex15-shutdown-measured", took_ms, name));
    drop((served, idle, halfway));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// failed_accept_is_no_reason_to_stop
// ---------------------------------------------------------------------------------------------

/// Promises `failed-accept-is-no-reason-to-stop` and `failed-accept-does-not-spin`: the
/// server's descriptor limit is lowered from outside to a few above what it holds, clients
/// connect until one is not answered (its connection waits in the listen queue: accept failed
/// with EMFILE); while it waits, the server must not spin (the listener stays readable, so an
/// accept loop that retries at once never sleeps); then the others leave, and the waiting client
/// and a new one must be served. The scenario is [`accept::failed_accept_is_no_reason_to_stop`].
fn failed_accept_is_no_reason_to_stop(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let served = |server: &Server, client: accept::Client| {
        let (who, line): (String, &[u8]) = match client {
            accept::Client::First => (text!("ex15-who-first"), b"before the limit\n"),
            accept::Client::Newcomer => (text!("support-accept-newcomer"), b"a newcomer\n"),
        };
        let mut stream = connect_as(server, &who)?;
        round_trip(server, &mut stream, line, &who, REPLY_WITHIN)?;
        Ok(stream)
    };
    let script = accept::Script {
        served: &served,
        exchange: &accept::echo_exchange,
        stopped_why: text!("ex15-stopped-by-accept-why"),
        waiting_why: text!("ex15-waiting-not-served-why"),
        spin_why: Some(text!("ex15-accept-spins-why")),
    };
    accept::failed_accept_is_no_reason_to_stop(server, &script)
}

// ---------------------------------------------------------------------------------------------
// recv_names_the_signal
// ---------------------------------------------------------------------------------------------

/// What a forked child that installed the handlers and raised a signal at itself reported.
enum Recv {
    /// recv returned this.
    Named(String),
    /// The child said something else went wrong (a panic, an error from install, no return).
    Broken(String),
    /// The child died: by this signal, or with this status.
    Died(String),
}

/// Forks; the child installs `ShutdownSignal`, sends `signal` to itself and awaits `recv` (2 s
/// at most) on a runtime of its own, and writes what it got on a pipe. A child: the handlers
/// and the signal must not touch this process (whose SIGTERM is the checker's time limit).
fn recv_in_child(signal: libc::c_int) -> Recv {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe writes two descriptors into the array we own.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Recv::Broken(text!("ex15-no-pipe", error = std::io::Error::last_os_error().to_string()));
    }
    // SAFETY: fork; the child runs only the code below and leaves with _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: in the child: default dispositions (the checker's SIGTERM handler is not the
        // student's), then only this process's own descriptors are written and closed.
        unsafe {
            libc::close(fds[0]);
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
            libc::signal(libc::SIGINT, libc::SIG_DFL);
        }
        let said = std::panic::catch_unwind(|| {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => return format!("!{}", text!("ex15-no-runtime", error = e.to_string())),
            };
            runtime.block_on(async {
                let mut signals = match ex15_async_server::ShutdownSignal::install() {
                    Ok(signals) => signals,
                    Err(e) => return format!("!{}", text!("ex15-install-failed", error = e.to_string())),
                };
                // SAFETY: a signal to this very (child) process.
                unsafe { libc::kill(libc::getpid(), signal) };
                match tokio::time::timeout(Duration::from_secs(2), signals.recv()).await {
                    Ok(name) => name.to_owned(),
                    Err(_) => format!("!{}", text!("ex15-recv-timed-out")),
                }
            })
        })
        .unwrap_or_else(|payload| {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("!{}", text!("ex15-child-panicked", text))
        });
        // SAFETY: writing our own buffer to our end of the pipe, then leaving at once.
        unsafe {
            libc::write(fds[1], said.as_ptr().cast(), said.len());
            libc::_exit(0);
        }
    }
    // SAFETY: the parent's end of the pipe is ours; the write end belongs to the child.
    let mut from_child = unsafe {
        libc::close(fds[1]);
        std::fs::File::from_raw_fd(fds[0])
    };
    if pid < 0 {
        return Recv::Broken(text!("ex15-no-fork", error = std::io::Error::last_os_error().to_string()));
    }
    // The child ends within 2 s by itself; a reader thread bounds the wait anyway.
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut said = String::new();
        let _ = from_child.read_to_string(&mut said);
        let _ = tx.send(said);
    });
    let said = rx.recv_timeout(Duration::from_secs(5)).ok();
    if said.is_none() {
        // SAFETY: killing the child this function forked.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let mut status = 0;
    // SAFETY: reaping the child this function forked.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    match said {
        Some(said) if !said.is_empty() => match said.strip_prefix('!') {
            Some(problem) => Recv::Broken(problem.to_owned()),
            None => Recv::Named(said),
        },
        _ if libc::WIFSIGNALED(status) => {
            let sig = libc::WTERMSIG(status);
            Recv::Died(if sig == signal {
                text!("ex15-killed-by-that-signal")
            } else {
                text!("ex15-child-killed-by", signal = sig)
            })
        }
        _ => Recv::Died(text!("ex15-child-exited-silently", status = libc::WEXITSTATUS(status))),
    }
}

/// Promise `recv-names-the-signal`: `ShutdownSignal::recv` returns "SIGINT" after a SIGINT and
/// "SIGTERM" after a SIGTERM (each in a fresh process, as a server gets one of them).
fn recv_names_the_signal(_ctx: &Context) -> Verdict {
    for (signal, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")] {
        let what = text!("ex15-recv-situation", name);
        let quoted_name = format!("{name:?}");
        match recv_in_child(signal) {
            Recv::Named(got) if got == name => {}
            Recv::Named(got) => {
                return Err(failure!("ex15-recv-wrong-name", what, got = format!("{got:?}"), quoted_name))
            }
            Recv::Broken(problem) => return Err(failure!("ex15-recv-broken", what, problem, quoted_name)),
            Recv::Died(how) => return Err(failure!("ex15-recv-died", what, how, quoted_name, name)),
        }
    }
    measured(text!("ex15-recv-measured"));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// stops_accepting_at_once
// ---------------------------------------------------------------------------------------------

/// The course's DRAIN_TIME, restated (a student's copy of the constant is not trusted to judge
/// the student's server).
const DRAIN_TIME: Duration = Duration::from_millis(300);

/// Signals `server` with SIGTERM and waits (at most EXIT_WITHIN + LATE_WAIT) for it to exit,
/// trying to connect every few ms meanwhile. Returns how long the exit took (`None`: it did not
/// exit) and when, after the signal, the last connection attempt succeeded.
fn signal_and_probe(server: &Server, probe: bool) -> (Option<Duration>, Option<Duration>) {
    // SAFETY: signalling the server process this check started.
    unsafe { libc::kill(server.pid() as libc::pid_t, libc::SIGTERM) };
    let sent = Instant::now();
    let mut last_accepted = None;
    while sent.elapsed() < EXIT_WITHIN + LATE_WAIT {
        if server.exit_status().is_some() {
            return (Some(sent.elapsed()), last_accepted);
        }
        if probe {
            let at = sent.elapsed();
            if net::connect(server.port(), Duration::from_millis(100)).is_ok() && server.exit_status().is_none() {
                last_accepted = Some(at);
            }
        }
        thread::sleep(Duration::from_millis(3));
    }
    (None, last_accepted)
}

/// Promise `stops-accepting-at-once`: a client that does not read keeps its task busy writing,
/// so the drain lasts; from the signal to the exit the checker tries to connect every few ms,
/// and once the server has taken the signal in (well before the drain ends) every attempt must
/// be refused. Judged on the ratio of the last accepted attempt to the exit time.
fn stops_accepting_at_once(ctx: &Context) -> Verdict {
    timing::decide(3, |_| {
        let server = match start(ctx) {
            Ok(server) => server,
            Err(f) => {
                return Measurement { judgement: Judgement::Fatal(f), summary: text!("ex15-summary-not-started") }
            }
        };
        let deaf = match net::SlowReader::fill(&server, 64 << 20, |_| Ok(())) {
            Ok(deaf) => deaf,
            Err(f) => {
                return Measurement { judgement: Judgement::Fatal(f), summary: text!("ex15-summary-deaf-failed") }
            }
        };
        let idle = server.connect().ok();
        let (exit, last_accepted) = signal_and_probe(&server, true);
        drop((deaf, idle));
        let Some(exit) = exit else {
            let (secs, limit_secs) = ((EXIT_WITHIN + LATE_WAIT).as_secs(), EXIT_WITHIN.as_secs());
            return Measurement {
                judgement: Judgement::Fatal(failure!("ex15-drain-unbounded", secs, limit_secs)),
                summary: text!("ex15-summary-no-exit"),
            };
        };
        let summary = text!(
            "ex15-drain-summary",
            exit_ms = exit.as_millis() as u64,
            last = last_accepted.map_or(text!("ex15-never"), |t| text!("ex15-ms-after-it", ms = t.as_millis() as u64))
        );
        let judgement = match last_accepted {
            // The drain was too short to see anything: nothing was accepted while it lasted.
            _ if exit < DRAIN_TIME / 3 => Judgement::Pass,
            Some(at) if at * 2 > exit => Judgement::Fail(failure!(
                "ex15-accepts-while-draining",
                exit_ms = exit.as_millis() as u64,
                at_ms = at.as_millis() as u64
            )),
            _ => Judgement::Pass,
        };
        measured(summary.clone());
        Measurement { judgement, summary }
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// idle_connections_told_to_finish
// ---------------------------------------------------------------------------------------------

/// Promise `connections-told-to-finish`: with only idle clients connected, the exit after
/// SIGTERM comes well before DRAIN_TIME, as quickly as with no client at all (the calibration,
/// measured in the same attempt).
fn idle_connections_told_to_finish(ctx: &Context) -> Verdict {
    timing::decide(3, |_| {
        let started = (start(ctx), start(ctx));
        let (with_clients, alone) = match started {
            (Ok(a), Ok(b)) => (a, b),
            (Err(f), _) | (_, Err(f)) => {
                return Measurement { judgement: Judgement::Fatal(f), summary: text!("ex15-summary-not-started") }
            }
        };
        let mut clients = Vec::new();
        for i in 0..5 {
            let who = text!("ex15-who-idle-n", i);
            let mut client = match connect_as(&with_clients, &who) {
                Ok(client) => client,
                Err(f) => {
                    return Measurement { judgement: Judgement::Fatal(f), summary: text!("ex15-summary-no-connect") }
                }
            };
            if let Err(f) = round_trip(&with_clients, &mut client, b"hello, then silence\n", &who, REPLY_WITHIN) {
                return Measurement { judgement: Judgement::Fatal(f), summary: text!("ex15-summary-not-served") };
            }
            clients.push(client);
        }
        thread::sleep(Duration::from_millis(50));
        let (alone_exit, _) = signal_and_probe(&alone, false);
        let (exit, _) = signal_and_probe(&with_clients, false);
        drop(clients);
        let (Some(exit), Some(alone_exit)) = (exit, alone_exit) else {
            let (secs, limit_secs) = ((EXIT_WITHIN + LATE_WAIT).as_secs(), EXIT_WITHIN.as_secs());
            return Measurement {
                judgement: Judgement::Fatal(failure!("ex15-idle-no-exit", secs, limit_secs)),
                summary: text!("ex15-summary-no-exit"),
            };
        };
        let (exit_ms, alone_ms) = (exit.as_millis() as u64, alone_exit.as_millis() as u64);
        let summary = text!("ex15-idle-summary", exit_ms, alone_ms);
        let judgement = if exit < DRAIN_TIME / 2 {
            Judgement::Pass
        } else if alone_exit >= DRAIN_TIME / 3 {
            Judgement::Unsure(text!("ex15-idle-alone-slow", alone_ms))
        } else if exit >= DRAIN_TIME * 9 / 10 {
            Judgement::Fail(failure!("ex15-idle-not-told", exit_ms, alone_ms, drain_ms = DRAIN_TIME.as_millis() as u64))
        } else {
            Judgement::Unsure(text!("ex15-idle-exit-unclear", exit_ms))
        };
        measured(summary.clone());
        Measurement { judgement, summary }
    })
}

// ---------------------------------------------------------------------------------------------
// idle_server_sleeps
// ---------------------------------------------------------------------------------------------

/// Promise `workers-sleep-when-idle`: with clients connected and nothing to do, the runtime's
/// threads sleep in epoll: no CPU, and wake-ups at most about once a second.
fn idle_server_sleeps(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut clients = Vec::new();
    for i in 0..10 {
        let who = text!("ex15-who-client-n", i);
        let mut client = connect_as(&server, &who)?;
        round_trip(&server, &mut client, format!("client {i} says hello\n").as_bytes(), &who, REPLY_WITHIN)?;
        clients.push(client);
    }
    pack_support::cpu::idle_server(
        &server,
        pack_support::cpu::IdleWakeUps::AboutOnceASecond,
        &text!("ex15-idle-situation"),
        &text!("ex15-idle-spins"),
        &text!("ex15-idle-polls"),
    )?;
    drop(clients);
    server.stop()
}
