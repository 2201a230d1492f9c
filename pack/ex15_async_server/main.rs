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

use pack_support::echo::connect_as;
use pack_support::net::{self, Server};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::{fail, measured, proc, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        serves_clients_concurrently,
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
    Server::start(ctx.student_bin(), &[], &[])
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

// ---------------------------------------------------------------------------------------------
// failed_accept_is_no_reason_to_stop
// ---------------------------------------------------------------------------------------------

/// Descriptors the server may still open once its limit is lowered.
const ROOM: u64 = 4;
/// How long a client that is accepted waits for its reply before the check takes it as one the
/// server could not accept.
const NOT_ACCEPTED_AFTER: Duration = Duration::from_millis(500);

/// Promise `failed-accept-is-no-reason-to-stop`: the server's descriptor limit is lowered from
/// outside to a few above what it holds, clients connect until one is not answered (its
/// connection waits in the listen queue: accept failed with EMFILE), then the others leave, and
/// the waiting client and a new one must be served.
fn failed_accept_is_no_reason_to_stop(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut first = connect_as(&server, "the first client")?;
    round_trip(&server, &mut first, b"before the limit\n", "the first client", REPLY_WITHIN)?;
    thread::sleep(Duration::from_millis(100));
    let open = server.fds() as u64;
    let limit = open + ROOM;
    if let Err(e) = proc::set_descriptor_limit(server.pid(), limit) {
        return Err(fail(
            format!("the checker could not lower the server's descriptor limit: {e}"),
            "a working checker",
            "this is a problem of the machine, not of your code",
        ));
    }
    let mut served = vec![first];
    let mut waiting = None;
    for i in 1..=(2 * ROOM as usize + 8) {
        let who = format!("client {i}");
        let mut client = match server.connect() {
            Ok(client) => client,
            // Refused: the listening socket is gone. A server whose accept loop returned the
            // error closes it at once and may take a moment more to exit (or never exit).
            Err(_) => {
                let refused = Instant::now();
                while server.exit_status().is_none() && refused.elapsed() < Duration::from_secs(1) {
                    thread::sleep(Duration::from_millis(10));
                }
                let ended = server.describe_exit().unwrap_or_else(|| {
                    format!("its listening socket was closed ({who}'s connection was refused) while the server, PID {}, kept running", server.pid())
                });
                return Err(stopped_by_accept(limit, open, served.len(), i, &ended));
            }
        };
        let line = format!("client {i}, with the server near its descriptor limit\n").into_bytes();
        client.write_all(&line).ok();
        match net::read_exact_within(&mut client, line.len(), Instant::now() + NOT_ACCEPTED_AFTER) {
            Ok(got) if got == line => served.push(client),
            Err((got, e)) if got.is_empty() && e.kind() == std::io::ErrorKind::TimedOut => {
                waiting = Some((client, line, i));
                break;
            }
            Ok(got) | Err((got, _)) => {
                // A server that is exiting closed the connections in its listen queue; its exit
                // status comes a moment after.
                let closed = Instant::now();
                while server.exit_status().is_none() && closed.elapsed() < Duration::from_secs(1) {
                    thread::sleep(Duration::from_millis(10));
                }
                if let Some(exit) = server.describe_exit() {
                    return Err(stopped_by_accept(limit, open, served.len(), i, &exit));
                }
                return Err(fail(
                    format!(
                        "with the server's descriptor limit lowered to {limit} ({open} open), {who} sent {} and received {}",
                        net::quoted(&line, 80),
                        net::quoted(&got, 80)
                    ),
                    format!("{} back, or no answer until a descriptor is free", net::quoted(&line, 80)),
                    net::with_exit(&server, "a connection the server has accepted is served; one it cannot accept yet waits in the listen queue"),
                ));
            }
        }
    }
    let Some((mut waiting, line, i)) = waiting else {
        pack_support::not_judged(format!(
            "the server's descriptor limit was lowered to {limit} ({open} open), yet all {} clients were answered: accept never failed",
            served.len()
        ));
        return server.stop();
    };
    // The server met EMFILE with client i waiting: it must still be running a moment later.
    thread::sleep(Duration::from_millis(300));
    if let Some(exit) = server.describe_exit() {
        return Err(stopped_by_accept(limit, open, served.len(), i, &exit));
    }
    // Every client but one leaves: their descriptors are freed in the server.
    let kept = served.len();
    served.truncate(1);
    match net::read_exact_within(&mut waiting, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) if got == line => {}
        Ok(got) | Err((got, _)) => {
            return Err(fail(
                format!(
                    "with the server's descriptor limit lowered to {limit} ({open} open), client {i} could not be accepted; then {} of the {kept} clients served left, and in {} s client {i} received {}",
                    kept - 1,
                    REPLY_WITHIN.as_secs(),
                    net::quoted(&got, 80)
                ),
                format!("{} back once descriptors are free again", net::quoted(&line, 80)),
                net::with_exit(&server, "after a failed accept the server must go on accepting: the client that waited in the listen queue is accepted as soon as a descriptor is free. Perhaps the accept loop ended (break or return on the error) while the connections' tasks kept running"),
            ))
        }
    }
    let mut newcomer = connect_as(&server, "a client that connects afterwards")?;
    round_trip(&server, &mut newcomer, b"a newcomer\n", "a client that connects afterwards", REPLY_WITHIN)?;
    measured(format!("descriptor limit lowered to {limit} with {open} open: {kept} clients served, client {i} waited until others left, then was served"));
    drop((served, waiting, newcomer));
    server.stop()
}

/// The server ended when accept failed: client `i` could not be accepted after `served` were.
fn stopped_by_accept(limit: u64, open: u64, served: usize, i: usize, exit: &str) -> Failure {
    fail(
        format!("the server's descriptor limit was lowered to {limit} ({open} open); {served} clients were served, then client {i} could not be accepted (accept failed with EMFILE, \"Too many open files\"); {exit}"),
        "the server goes on: once some clients leave and descriptors are free, it accepts again",
        "a failed accept is no reason to stop: accept fails when the process is out of descriptors (EMFILE) or a connection was reset before it was accepted, and the listener itself is fine. `listener.accept().await?` returns that error out of serve and ends the server; match on it instead, report it on stderr, pause a moment (so that a full descriptor table does not make the loop spin) and accept again",
    )
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
        return Recv::Broken(format!("the checker could not make a pipe: {}", std::io::Error::last_os_error()));
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
                Err(e) => return format!("!no runtime: {e}"),
            };
            runtime.block_on(async {
                let mut signals = match ex15_async_server::ShutdownSignal::install() {
                    Ok(signals) => signals,
                    Err(e) => return format!("!ShutdownSignal::install returned an error: {e}"),
                };
                // SAFETY: a signal to this very (child) process.
                unsafe { libc::kill(libc::getpid(), signal) };
                match tokio::time::timeout(Duration::from_secs(2), signals.recv()).await {
                    Ok(name) => name.to_owned(),
                    Err(_) => "!recv did not return within 2 s".to_owned(),
                }
            })
        })
        .unwrap_or_else(|payload| {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("!it panicked: {text}")
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
        return Recv::Broken(format!("the checker could not fork: {}", std::io::Error::last_os_error()));
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
                "was killed by that very signal".to_owned()
            } else {
                format!("was killed by signal {sig}")
            })
        }
        _ => Recv::Died(format!("exited (status {}) without a word", libc::WEXITSTATUS(status))),
    }
}

/// Promise `recv-names-the-signal`: `ShutdownSignal::recv` returns "SIGINT" after a SIGINT and
/// "SIGTERM" after a SIGTERM (each in a fresh process, as a server gets one of them).
fn recv_names_the_signal(_ctx: &Context) -> Verdict {
    for (signal, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")] {
        let what = format!("a process that called ShutdownSignal::install() and then received {name} (it sent it to itself) awaited recv()");
        match recv_in_child(signal) {
            Recv::Named(got) if got == name => {}
            Recv::Named(got) => {
                return Err(fail(
                    format!("{what}, and it returned {got:?}"),
                    format!("{name:?}: the name of the signal that came"),
                    "recv must say which signal came (main prints it: the log of a server tells a Ctrl-C from a service manager's stop). Await both Signal streams in one tokio::select! and return the name from the branch that completed, not a fixed string",
                ))
            }
            Recv::Broken(problem) => {
                return Err(fail(
                    format!("{what}: {problem}"),
                    format!("recv returns {name:?}"),
                    "install() creates one tokio::signal::unix::signal stream per signal and recv() awaits both in one tokio::select!: a signal that arrives after install() is kept until recv() looks",
                ))
            }
            Recv::Died(how) => {
                return Err(fail(
                    format!("{what}, and the process {how}"),
                    format!("recv returns {name:?} and the process lives on"),
                    format!("install() must install a handler for {name} (tokio::signal::unix::signal), which takes the signal's default action (ending the process) away"),
                ))
            }
        }
    }
    measured("recv() returned \"SIGINT\" after SIGINT and \"SIGTERM\" after SIGTERM");
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
                return Measurement { judgement: Judgement::Fatal(f), summary: "the server did not start".into() }
            }
        };
        let deaf = match net::SlowReader::fill(&server, 64 << 20, |_| Ok(())) {
            Ok(deaf) => deaf,
            Err(f) => {
                return Measurement {
                    judgement: Judgement::Fatal(f),
                    summary: "the client that does not read failed".into(),
                }
            }
        };
        let idle = server.connect().ok();
        let (exit, last_accepted) = signal_and_probe(&server, true);
        drop((deaf, idle));
        let Some(exit) = exit else {
            return Measurement {
                judgement: Judgement::Fatal(fail(
                    format!("the server was still running {} s after SIGTERM, with a client that does not read connected", (EXIT_WITHIN + LATE_WAIT).as_secs()),
                    format!("exit status 0 within {} s of SIGTERM", EXIT_WITHIN.as_secs()),
                    "the drain after the signal must be bounded (tokio::time::timeout(DRAIN_TIME, ...)), whatever the connections do",
                )),
                summary: "no exit".into(),
            };
        };
        let summary = format!(
            "exit {} ms after SIGTERM, last connection accepted {}",
            exit.as_millis(),
            last_accepted.map_or("never".to_owned(), |t| format!("{} ms after it", t.as_millis()))
        );
        let judgement = match last_accepted {
            // The drain was too short to see anything: nothing was accepted while it lasted.
            _ if exit < DRAIN_TIME / 3 => Judgement::Pass,
            Some(at) if at * 2 > exit => Judgement::Fail(fail(
                format!("after SIGTERM (with a client that does not read connected, so that its task was still writing), the server exited {} ms later, and a new connection was still accepted {} ms after the signal", exit.as_millis(), at.as_millis()),
                "connections refused from the moment the server takes the signal in: the listening socket is closed before the connections are drained",
                "the server keeps its listener open until serve returns, so new clients are accepted by the kernel (into the listen queue) while the server drains, and then cut off. Drop the listener as soon as the shutdown future completes (drop(listener) right after the accept loop), before waiting for the connections",
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
                return Measurement { judgement: Judgement::Fatal(f), summary: "the server did not start".into() }
            }
        };
        let mut clients = Vec::new();
        for i in 0..5 {
            let who = format!("idle client {i}");
            let mut client = match connect_as(&with_clients, &who) {
                Ok(client) => client,
                Err(f) => {
                    return Measurement { judgement: Judgement::Fatal(f), summary: "a client could not connect".into() }
                }
            };
            if let Err(f) = round_trip(&with_clients, &mut client, b"hello, then silence\n", &who, REPLY_WITHIN) {
                return Measurement { judgement: Judgement::Fatal(f), summary: "a client was not served".into() };
            }
            clients.push(client);
        }
        thread::sleep(Duration::from_millis(50));
        let (alone_exit, _) = signal_and_probe(&alone, false);
        let (exit, _) = signal_and_probe(&with_clients, false);
        drop(clients);
        let (Some(exit), Some(alone_exit)) = (exit, alone_exit) else {
            return Measurement {
                judgement: Judgement::Fatal(fail(
                    format!("the server was still running {} s after SIGTERM", (EXIT_WITHIN + LATE_WAIT).as_secs()),
                    format!("exit status 0 within {} s of SIGTERM", EXIT_WITHIN.as_secs()),
                    "the server must act on SIGTERM and bound its drain",
                )),
                summary: "no exit".into(),
            };
        };
        let summary = format!(
            "with 5 idle clients the exit came {} ms after SIGTERM; with none, {} ms",
            exit.as_millis(),
            alone_exit.as_millis()
        );
        let judgement = if exit < DRAIN_TIME / 2 {
            Judgement::Pass
        } else if alone_exit >= DRAIN_TIME / 3 {
            Judgement::Unsure(format!("even with no client the exit took {} ms", alone_exit.as_millis()))
        } else if exit >= DRAIN_TIME * 9 / 10 {
            Judgement::Fail(fail(
                format!("with 5 idle clients connected (each served once, then silent), the server exited {} ms after SIGTERM; with no client, {} ms after it", exit.as_millis(), alone_exit.as_millis()),
                format!("an exit well before DRAIN_TIME ({} ms) has passed: idle connections finish at once when told", DRAIN_TIME.as_millis()),
                "the connections were never told to finish, so the server waited out DRAIN_TIME for clients that would never leave by themselves. After the accept loop, send on the channel every handle_client selects on (stop.send(true) on a tokio::sync::watch channel; shutdown.changed() in handle_client's select!), then wait for the tasks",
            ))
        } else {
            Judgement::Unsure(format!("the exit took {} ms: neither at once nor a whole DRAIN_TIME", exit.as_millis()))
        };
        measured(summary.clone());
        Measurement { judgement, summary }
    })
}

// ---------------------------------------------------------------------------------------------
// idle_server_sleeps
// ---------------------------------------------------------------------------------------------

/// Promise `workers-sleep-when-idle`: with clients connected and nothing to do, the runtime's
/// threads sleep in epoll: no CPU, a handful of wake-ups.
fn idle_server_sleeps(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut clients = Vec::new();
    for i in 0..10 {
        let who = format!("client {i}");
        let mut client = connect_as(&server, &who)?;
        round_trip(&server, &mut client, format!("client {i} says hello\n").as_bytes(), &who, REPLY_WITHIN)?;
        clients.push(client);
    }
    pack_support::cpu::idle_server(
        &server,
        "with 10 clients connected and nothing to send or receive",
        "the server keeps a thread running while nothing happens: a loop that tries again at once (a nonblocking accept or read in a loop with tokio::task::yield_now(), or a select! with a branch that is always ready). `listener.accept().await` and `read_until(...).await` give the thread back to the runtime, which sleeps in epoll until a socket is ready",
        "the server wakes up many times a second with nothing to do: a loop that sleeps a little and looks again (tokio::time::sleep or interval around a try_ or nonblocking call). Await accept and reads: the runtime wakes the task when its socket is ready",
    )?;
    drop(clients);
    server.stop()
}
