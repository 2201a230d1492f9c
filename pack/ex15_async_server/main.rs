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

use std::io::Write;
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::thread;
use std::time::{Duration, Instant};

use pack_support::net::{self, Server};
use pack_support::{fail, measured, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        serves_clients_concurrently,
        c10k_connections,
        sigterm_graceful_shutdown,
        sigint_graceful_shutdown
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
    Server::start(ctx.student_bin(), &[], &[])
}

fn connect_as(server: &Server, who: &str) -> Result<TcpStream, Failure> {
    server.connect().map_err(|mut f| {
        f.observed = format!("{who} could not connect: {}", f.observed);
        f
    })
}

/// Sends `line` and expects it back within `within`.
fn round_trip(server: &Server, stream: &mut TcpStream, line: &[u8], who: &str, within: Duration) -> Verdict {
    stream.write_all(line).map_err(|e| {
        fail(
            format!("{who} could not send {}: {e}", net::quoted(line, 80)),
            "the connection stays open until the client closes it",
            net::with_exit(server, "the server keeps each connection open until its client closes it"),
        )
    })?;
    net::expect_bytes(stream, line, Instant::now() + within).map_err(|mut f| {
        f.observed = format!("{who} sent {}: {}", net::quoted(line, 80), f.observed);
        f.why = net::with_exit(server, "the server sends each line back, byte for byte, as soon as it is complete; lines are bytes and need not be UTF-8 (read_line into a String fails on them: read_until(b'\\n') into a Vec<u8>)");
        f
    })
}

// ---------------------------------------------------------------------------------------------
// serves_clients_concurrently
// ---------------------------------------------------------------------------------------------

fn serves_clients_concurrently(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut first = connect_as(&server, "the first client")?;
    // Lines are bytes: this one is not UTF-8.
    round_trip(&server, &mut first, b"first client \xff\xfe not UTF-8 \xc3\x28\n", "the first client", REPLY_WITHIN)?;

    // The first client stays connected, silent, while a second one talks.
    let mut second = connect_as(&server, "the second client")?;
    let line = b"second client, while the first is still connected\n";
    second.write_all(line).map_err(|e| {
        fail(
            format!("the second client could not send its line: {e}"),
            "the connection stays open until the client closes it",
            net::with_exit(&server, "the server keeps each connection open until its client closes it"),
        )
    })?;
    let sent = Instant::now();
    match net::read_exact_within(&mut second, line.len(), sent + SECOND_REPLY_WITHIN) {
        Ok(got) if got == line => {}
        Ok(got) => {
            return Err(fail(
                format!("the second client sent {} and received {}", net::quoted(line, 80), net::quoted(&got, 80)),
                format!("exactly {} back", net::quoted(line, 80)),
                "the server sends each line back, byte for byte",
            ))
        }
        Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut && got.is_empty() => {
            // Does the reply come once the first client leaves? Then the server serves one
            // connection at a time.
            drop(first);
            let closed = Instant::now();
            let after = match net::read_exact_within(&mut second, line.len(), closed + REPLY_WITHIN) {
                Ok(_) => format!(
                    "; its reply came only after the first client closed its connection ({} ms later)",
                    closed.elapsed().as_millis()
                ),
                Err(_) => {
                    format!("; it had no reply {} s after the first client closed either", REPLY_WITHIN.as_secs())
                }
            };
            return Err(fail(
                format!(
                    "while the first client stayed connected (it had been served), a second client sent a line and got no reply within {} ms{after}",
                    SECOND_REPLY_WITHIN.as_millis()
                ),
                format!("the second client's line back within {} ms, whoever else is connected", SECOND_REPLY_WITHIN.as_millis()),
                net::with_exit(
                    &server,
                    "the server handles one connection at a time: the accept loop awaits handle_client(...) before it accepts the next client. `.await` inside the loop means \"finish this first\"; tokio::spawn(handle_client(...)) starts the connection as a task of its own and goes straight back to accept, as asyncio's start_server runs each client's coroutine as a task",
                ),
            ));
        }
        Err((got, e)) => {
            return Err(fail(
                format!(
                    "the second client sent {} and received {}, {}",
                    net::quoted(line, 80),
                    net::quoted(&got, 80),
                    net::describe_stop(&e)
                ),
                format!("{} back, with the connection kept open", net::quoted(line, 80)),
                net::with_exit(&server, "the server keeps each connection open and answers every complete line"),
            ))
        }
    }
    // And the first client is still served.
    round_trip(&server, &mut first, b"first client again\n", "the first client, again", REPLY_WITHIN)?;
    drop((first, second));
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
            return Err(fail(
                format!("connection {} could not send its line ({e}), with {held} connections open", first + k),
                "every connection stays open until its client closes it",
                net::with_exit(server, "the server must keep every connection open"),
            ));
        }
    }
    let counts: Vec<usize> = lines.iter().map(Vec::len).collect();
    let got = net::read_many_within(streams, &counts, Instant::now() + within);
    let missing: Vec<usize> = (0..streams.len()).filter(|&k| got[k].bytes != lines[k]).collect();
    let Some(&k) = missing.first() else { return Ok(()) };
    let closed = missing.iter().filter(|&&k| got[k].stop.is_some()).count();
    let why = if streams.len() - missing.len() <= 1 && streams.len() > 1 {
        "the server handles one connection at a time: while it serves the first connection of the batch (whose client stays connected), the others are not read. Each connection needs a task of its own (tokio::spawn)"
    } else {
        "each accepted connection needs a task that reads and answers it for as long as its client stays; a server that runs out of descriptors fails in accept (EMFILE), and the connections beyond that wait in the listen queue unanswered"
    };
    Err(fail(
        format!(
            "with {held} connections open, {} of {} connections that each sent a line got it back within {} s; the first that did not is connection {} (it sent {} and received {}){}",
            streams.len() - missing.len(),
            streams.len(),
            within.as_secs(),
            first + k,
            net::quoted(&lines[k], 60),
            net::quoted(&got[k].bytes, 60),
            if closed > 0 { format!("; {closed} of them were closed or reset") } else { String::new() }
        ),
        format!("every connection gets its line back, however many others are open (up to {held})"),
        net::with_exit(server, why),
    ))
}

fn c10k_connections(ctx: &Context) -> Verdict {
    let (soft, hard) = raise_descriptor_limit();
    let target = C10K.min((soft as usize).saturating_sub(HEADROOM));
    let limit_note = if target < C10K {
        format!(" (the descriptor limit here is {soft}, hard limit {hard}: {target} connections, not {C10K})")
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
                    measured(format!("opened {i} connections, then connection {i} failed: {e}{limit_note}"));
                    return Err(fail(
                        format!(
                            "connection {i} (counting from 0) of {target} could not be made ({e}) while {i} were open; the server ran {} threads",
                            server.threads()
                        ),
                        format!("all {target} connections open at once{limit_note}"),
                        net::with_exit(
                            &server,
                            "the server must keep accepting while every earlier connection stays open: connections that are not accepted fill the listen queue, and then new ones time out",
                        ),
                    ));
                }
            }
        }
        let lines: Vec<Vec<u8>> = (first..end).map(|i| format!("connection {i} says hello\n").into_bytes()).collect();
        round_trips(&server, &mut clients[first..end], &lines, first, BATCH_REPLY_WITHIN, end)?;
        // Every connection so far has been answered: a thread started for it exists by now.
        let threads = server.threads();
        most_seen = most_seen.max(threads);
        if threads > most_threads {
            measured(format!("{threads} threads for {end} connections{limit_note}"));
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
    measured(format!(
        "{target} connections open at once{limit_note}: opening them (each answered once) took {} ms, one more round trip on all of them together {} ms; the server ran at most {most_seen} threads (it started with {at_start}; limit {most_threads})",
        connected.as_millis(),
        round_trip.as_millis()
    ));
    result?;
    if threads > most_threads {
        return Err(too_many_threads(threads, target, at_start, most_threads));
    }
    drop(clients);
    server.stop()
}

fn too_many_threads(threads: usize, connections: usize, at_start: usize, limit: usize) -> Failure {
    fail(
        format!("{threads} threads for {connections} connections (/proc/PID/task of the server; {at_start} threads before the first client)"),
        format!(
            "a handful of threads whatever the number of connections: at most {limit} (the runtime's worker threads, one per core, and a few more)"
        ),
        "the server starts an OS thread per connection (std::thread::spawn, or spawn_blocking for each client): every thread has its own stack and kernel task, and 10,000 of them exhaust the machine long before 10,000 tasks would. tokio::spawn(handle_client(...)) makes each connection a task: a small state machine that the runtime's few worker threads poll when its socket is ready",
    )
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
    let what = if signal == libc::SIGINT { "SIGINT (what Ctrl-C sends)".to_owned() } else { name.to_owned() };
    let server = start(ctx)?;
    let port = server.port();
    // Three clients stay connected: one that was served, one idle, one in the middle of a line.
    let mut served = connect_as(&server, "a client")?;
    round_trip(&server, &mut served, b"served before the signal\n", "a client", REPLY_WITHIN)?;
    let idle = connect_as(&server, "an idle client")?;
    let mut halfway = connect_as(&server, "a client in the middle of a line")?;
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
    let clients = "3 clients were connected (one served, one idle, one in the middle of a line)";
    let (status, took) = match status {
        Some(exit) => exit,
        None => {
            let listening = server.listens();
            let pid = server.pid();
            drop((served, idle, halfway));
            let state = if listening {
                "it was still accepting connections".to_owned()
            } else {
                format!("it had closed its listening socket (port {port} is no longer listened on), so it had begun to shut down")
            };
            return Err(fail(
                format!(
                    "the server (PID {pid}) was still running {} s after {what} ({} s after, it was killed with SIGKILL); {state}; {clients}",
                    EXIT_WITHIN.as_secs(),
                    (EXIT_WITHIN + LATE_WAIT).as_secs()
                ),
                format!("exit status 0 within {} s of {what}", EXIT_WITHIN.as_secs()),
                if listening {
                    format!("the server did not act on {name}: a handler for it is installed (so its default action, ending the process, no longer happens), but the future waiting for it never ran — it is not awaited at all (only the other signal is, say), or the loop that selects on it is stuck elsewhere (awaiting a client inside the accept loop). Await both Signal streams' recv() in one tokio::select!, select on that together with accept in the loop, and stop serving when either signal comes")
                } else {
                    "the server stopped accepting but then waited for its clients to leave, and idle clients never leave by themselves: tell every connection to finish (a watch or broadcast channel every handle_client selects on), and wait for them for a bounded time only (tokio::time::timeout), then return".to_owned()
                },
            ));
        }
    };
    let took_ms = took.as_millis();
    if let Some(sig) = status.signal() {
        let killed_by = if sig == signal { format!("killed by {name}") } else { format!("killed by signal {sig}") };
        return Err(fail(
            format!("the server was {killed_by} {took_ms} ms after {what} ({status}); {clients}"),
            format!("a clean exit with status 0 within {} s", EXIT_WITHIN.as_secs()),
            if sig == signal {
                format!("no handler for {name} was installed, so the signal's default action ended the process on the spot: connections are cut off and the exit status says the server died. Install a handler at start-up (tokio::signal::unix::signal(SignalKind::{}())) and shut down cleanly when it fires", if signal == libc::SIGINT { "interrupt" } else { "terminate" })
            } else {
                "the server died from a signal instead of exiting: see its output".to_owned()
            },
        ));
    }
    if !status.success() {
        return Err(fail(
            format!("the server exited with {status} {took_ms} ms after {what}; {clients}; it printed {}", server.printed()),
            "exit status 0: a shutdown that was asked for is a success",
            "a graceful shutdown is the normal end of a server, not an error: serve returns Ok(()) once the connections are closed, and main exits with status 0. A non-zero status tells the service manager (systemd, docker, a script) that the server failed",
        ));
    }
    if took > EXIT_WITHIN {
        return Err(fail(
            format!("the server exited with status 0, but only {took_ms} ms after {what}; {clients}"),
            format!("exit within {} ms", EXIT_WITHIN.as_millis()),
            "a graceful shutdown gives the connections a short, bounded time to finish (a few hundred ms), then exits: a server that takes longer is killed by its service manager anyway",
        ));
    }
    // The port must be free again: nothing kept the listening socket.
    let free_by = Instant::now() + Duration::from_millis(500);
    while !net::port_is_free(port) {
        if Instant::now() > free_by {
            return Err(fail(
                format!("port {port} was still in use 500 ms after the server exited"),
                format!("port {port} can be bound again once the server is gone"),
                "a child process that inherited the listening socket still holds the port",
            ));
        }
        thread::sleep(Duration::from_millis(10));
    }
    measured(format!("exit status 0 {took_ms} ms after {name}, with 3 clients connected; port free again"));
    drop((served, idle, halfway));
    Ok(())
}
