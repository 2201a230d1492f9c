//! Hidden checks of ex12_poll_server: the student's single-threaded line-echo server, run as a
//! separate process with `--port N` and observed from outside.
//!
//! Every check starts the server on a free loopback port ([`Server::start`]) and talks to it as
//! clients do: 100 clients connected at once, lines sent whole and in pieces, one client that
//! sends megabytes before it reads anything (the server's writes then fill the socket's send
//! buffer: partial writes), and a client that sends its line one byte every 100 ms while others
//! expect their replies at once. Meanwhile a sampler thread reads the server's thread count in
//! `/proc/PID/task` every 2 ms: a poll server runs exactly one thread. Every check stops the
//! server with SIGTERM at the end.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use pack_support::echo::{connect_as, connect_many, cut_off, lengths, round_trip, same_line, send, REPLY_WITHIN};
use pack_support::net::{self, Server};
use pack_support::{fail, proc, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        serves_many_clients,
        one_thread_only,
        slow_client_does_not_stall_others,
        slow_reader_does_not_stall_others,
        a_reset_client_is_dropped_alone,
        idle_server_sleeps_and_lets_go_of_connections
    ])
}

/// Clients connected at once.
const CLIENTS: usize = 100;
/// How long many clients connected at once wait for their lines, all together.
const MANY_REPLY_WITHIN: Duration = Duration::from_secs(5);
/// The least the bulk client sends before reading anything; more if the machine's socket send
/// buffers can grow larger than 4 MiB (see [`bulk_bytes`]).
const BULK_BYTES: usize = 12 << 20;
/// How long the bulk client writes without reading.
const BULK_DEAF: Duration = Duration::from_millis(500);
/// How long the bulk client may take to read everything back once it reads.
const BULK_READ_WITHIN: Duration = Duration::from_secs(15);
/// The slow client's line, sent one byte at a time.
const SLOW_LINE: &[u8] = b"a slow client, one byte at a time\n";
/// The pause between the slow client's bytes.
const SLOW_PAUSE: Duration = Duration::from_millis(100);
/// How long a fast client may wait for its reply while the slow client sends.
const FAST_REPLY_WITHIN: Duration = Duration::from_secs(1);

fn start(ctx: &Context) -> Result<Server, Failure> {
    Server::start(ctx.student_bin(), &[], &[])
}

// ---------------------------------------------------------------------------------------------
// serves_many_clients
// ---------------------------------------------------------------------------------------------

fn serves_many_clients(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut clients = connect_many(&server, CLIENTS)?;

    // Round 1: everybody is connected; then each sends one line.
    // Lines are bytes: client 7's is not UTF-8.
    let first: Vec<Vec<u8>> = (0..CLIENTS)
        .map(|i| match i {
            7 => b"client 007: \xff\xfe not UTF-8 \xc3\x28\n".to_vec(),
            _ => format!("client {i:03}: first line\n").into_bytes(),
        })
        .collect();
    for (i, client) in clients.iter_mut().enumerate() {
        send(&server, client, &first[i], &format!("client {i}"))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&first), Instant::now() + MANY_REPLY_WITHIN);
    all_served(&server, &first, &got, "each sending one line")?;

    // Round 2: two lines from each, sent in three pieces that cut across the lines.
    let second: Vec<Vec<u8>> =
        (0..CLIENTS).map(|i| format!("client {i:03}: two more lines\nsent in three pieces\n").into_bytes()).collect();
    let cuts = [0, 9, 30, second[0].len()];
    for piece in 0..3 {
        if piece > 0 {
            thread::sleep(Duration::from_millis(30));
        }
        for (i, client) in clients.iter_mut().enumerate() {
            send(&server, client, &second[i][cuts[piece]..cuts[piece + 1]], &format!("client {i}"))?;
        }
    }
    let got = net::read_many_within(&mut clients, &lengths(&second), Instant::now() + MANY_REPLY_WITHIN);
    if let Some(i) = got.iter().zip(&second).position(|(g, want)| g.bytes != *want) {
        let (g, want) = (&got[i], &second[i]);
        let pieces: Vec<String> = (0..3).map(|p| net::quoted(&want[cuts[p]..cuts[p + 1]], 80)).collect();
        let mut observed = format!(
            "client {i} sent two lines on the same connection in three pieces ({}), and received {}",
            pieces.join(", "),
            net::quoted(&g.bytes, 120)
        );
        if let Some(e) = &g.stop {
            observed.push_str(&format!(", {}", net::describe_stop(e)));
        }
        let served = got.iter().zip(&second).filter(|(g, want)| g.bytes == **want).count();
        observed.push_str(&format!(" ({served} of the {CLIENTS} clients got both lines back)"));
        return Err(fail(
            observed,
            format!("{} within {} s", net::quoted(want, 120), MANY_REPLY_WITHIN.as_secs()),
            net::with_exit(&server, "a read returns whatever has arrived: part of a line, or a line and a half. Keep the bytes after the last newline in the connection's incoming buffer until the rest arrives, and send every complete line back"),
        ));
    }

    // Round 3: client 0 sends 12 MiB of lines without reading anything for a while, then reads.
    // Meanwhile the server's send buffer fills up (it holds at most tcp_wmem's maximum, 4 MiB by
    // default) and the server must keep the rest in the connection's outgoing buffer: when the
    // client reads, poll reports POLLOUT with room for only part of what is waiting, and the
    // server's write takes only part of it.
    let bulk: Vec<u8> =
        (0..bulk_bytes() / 64).flat_map(|i| format!("{:<63}\n", format!("bulk line {i:06}")).into_bytes()).collect();
    let mut reader = clients.swap_remove(0);
    let mut writer = clone(&reader)?;
    writer.set_write_timeout(Some(BULK_READ_WITHIN + BULK_DEAF)).ok();
    let sending = {
        let bulk = bulk.clone();
        thread::spawn(move || {
            let mut sent = 0;
            for chunk in bulk.chunks(64 * 1024) {
                if let Err(e) = writer.write_all(chunk) {
                    return (sent, Some(e));
                }
                sent += chunk.len();
            }
            (sent, None)
        })
    };
    thread::sleep(BULK_DEAF);
    let started = Instant::now();
    let result = net::read_exact_within(&mut reader, bulk.len(), started + BULK_READ_WITHIN);
    let (sent, send_error) = sending.join().unwrap_or((0, None));
    let (got, stop) = match result {
        Ok(got) => (got, None),
        Err((got, e)) => (got, Some(e)),
    };
    if got != bulk {
        let mut observed = format!(
            "a client sent {} lines of 64 bytes ({} bytes in all) without reading anything for {} ms, then read: it got back {} bytes",
            bulk.len() / 64,
            bulk.len(),
            BULK_DEAF.as_millis(),
            got.len()
        );
        if let Some(e) = &stop {
            observed.push_str(&format!(", {}", net::describe_stop(e)));
        }
        if let Some(diff) = net::first_difference(&bulk, &got).filter(|_| !got.is_empty()) {
            observed.push_str(&format!("; {diff}"));
        }
        if let Some(e) = &send_error {
            observed.push_str(&format!("; its own sending stopped after {sent} bytes: {e}"));
        }
        if let Some(exit) = server.describe_exit() {
            observed.push_str(&format!("; {exit}"));
        }
        return Err(fail(
            observed,
            format!("all {} bytes back, in order, within {} s once the client reads", bulk.len(), BULK_READ_WITHIN.as_secs()),
            "a client that does not read fills the server's send buffer, and then a write on a non-blocking socket takes only part of the bytes or fails with WouldBlock: a partial write, not an error. Keep what was not written in the connection's outgoing buffer, ask poll for POLLOUT, and write the rest when the socket has room (write_all on a non-blocking socket gives up halfway with WouldBlock, and the rest is lost). Stop reading from a client whose outgoing buffer is large, so that the server does not buffer without limit",
        ));
    }
    drop((clients, reader));
    server.stop()
}

/// Three times the largest send buffer a TCP socket can grow to here, and at least BULK_BYTES.
fn bulk_bytes() -> usize {
    let wmem_max = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().nth(2)?.parse::<usize>().ok())
        .unwrap_or(4 << 20);
    (3 * wmem_max).clamp(BULK_BYTES, 64 << 20) / 64 * 64
}

// ---------------------------------------------------------------------------------------------
// one_thread_only
// ---------------------------------------------------------------------------------------------

/// Samples the server's threads every 2 ms until stopped.
struct Sampler {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<Sampled>,
}

#[derive(Default)]
struct Sampled {
    max: usize,
    distinct: BTreeSet<u32>,
    samples: usize,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = thread::spawn(move || {
            let mut seen = Sampled::default();
            let started = Instant::now();
            // Bounded: the check's own time limit is 30 s.
            while !flag.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(28) {
                if let Ok(tids) = proc::threads(pid) {
                    seen.max = seen.max.max(tids.len());
                    seen.distinct.extend(tids);
                    seen.samples += 1;
                }
                thread::sleep(Duration::from_millis(2));
            }
            seen
        });
        Sampler { stop, handle }
    }

    fn finish(self) -> Sampled {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or_default()
    }
}

fn one_thread_only(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let at_start = server.threads();
    let sampler = Sampler::start(server.pid());

    let mut clients = connect_many(&server, CLIENTS)?;
    let lines: Vec<Vec<u8>> = (0..CLIENTS).map(|i| format!("client {i:03} says hello\n").into_bytes()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        send(&server, client, &lines[i], &format!("client {i}"))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&lines), Instant::now() + MANY_REPLY_WITHIN);
    let served = got.iter().zip(&lines).filter(|(g, want)| g.bytes == **want).count();
    let during = server.threads();
    // A second line from everybody, to see threads that start only when a client speaks.
    let again: Vec<Vec<u8>> = (0..CLIENTS).map(|i| format!("client {i:03} again\n").into_bytes()).collect();
    if served == CLIENTS {
        for (i, client) in clients.iter_mut().enumerate() {
            send(&server, client, &again[i], &format!("client {i}"))?;
        }
        net::read_many_within(&mut clients, &lengths(&again), Instant::now() + MANY_REPLY_WITHIN);
    }
    let during = during.max(server.threads());
    let seen = sampler.finish();
    eprintln!(
        "threads: {at_start} at start, {during} with {CLIENTS} clients connected, at most {} in {} samples, {} distinct",
        seen.max,
        seen.samples,
        seen.distinct.len()
    );

    let most = seen.max.max(during).max(at_start);
    if most > 1 {
        let observed = format!(
            "{during} threads in /proc/PID/task while {CLIENTS} clients were connected ({at_start} when the server had just started; at most {most} at once and {} different threads over the run, sampling every 2 ms)",
            seen.distinct.len()
        );
        let why = if seen.distinct.len() > CLIENTS / 2 {
            "that is about a thread per client: the server starts a thread for each client (the threaded server of ex11) instead of serving every client from one poll loop. With poll, one thread asks the kernel which sockets are ready and serves each of them without waiting, so no client needs a thread of its own".to_owned()
        } else {
            format!(
                "the server runs {most} threads: a poll server does all its work on one thread, the event loop (no pool, no helper threads, no async runtime); poll tells it which sockets are ready, so it never needs a second thread to wait"
            )
        };
        return Err(fail(observed, format!("exactly 1 thread the whole time, with {CLIENTS} clients connected"), why));
    }
    if served < CLIENTS {
        let mut observed = format!(
            "only {served} of the {CLIENTS} clients connected at once got their line back within {} s, so the server never had {CLIENTS} clients to serve at once (it ran 1 thread meanwhile)",
            MANY_REPLY_WITHIN.as_secs()
        );
        if let Some(exit) = server.describe_exit() {
            observed.push_str(&format!("; {exit}"));
        }
        return Err(fail(
            observed,
            format!("all {CLIENTS} clients served at once, by exactly 1 thread"),
            "this check counts the threads while the server serves 100 clients at once; the server must accept every waiting connection and keep all of them in its poll set (see serves_many_clients)",
        ));
    }
    drop(clients);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// slow_client_does_not_stall_others
// ---------------------------------------------------------------------------------------------

fn slow_client_does_not_stall_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut slow = connect_as(&server, "the slow client")?;
    let mut slow_writer = clone(&slow)?;
    let slow_started = Instant::now();
    let sending = thread::spawn(move || {
        let result = net::send_split(&mut slow_writer, SLOW_LINE, 1, SLOW_PAUSE);
        (result, Instant::now())
    });
    let slow_total = SLOW_PAUSE * (SLOW_LINE.len() as u32 - 1);

    // Fast clients, one after another while the slow client sends (the first after 3 bytes).
    thread::sleep(Duration::from_millis(250));
    let mut fast_clients = Vec::new();
    for k in 0..5 {
        let mut fast = connect_as(&server, &format!("fast client {k}"))?;
        let line = format!("fast client {k}\n").into_bytes();
        send(&server, &mut fast, &line, &format!("fast client {k}"))?;
        let sent_at = Instant::now();
        let slow_sent =
            ((sent_at - slow_started).as_millis() / SLOW_PAUSE.as_millis() + 1).min(SLOW_LINE.len() as u128);
        match net::read_exact_within(&mut fast, line.len(), sent_at + FAST_REPLY_WITHIN) {
            Ok(got) => same_line(&server, &line, &got, &format!("fast client {k}"))?,
            Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut => {
                // When does the reply come: once the slow client's line is complete?
                let wait_until = slow_started + slow_total + REPLY_WITHIN;
                let later = net::read_exact_within(&mut fast, line.len() - got.len(), wait_until.max(Instant::now()));
                let (_, slow_done) = sending.join().unwrap_or((Ok(()), Instant::now()));
                let came = match later {
                    Ok(_) => {
                        let at = Instant::now();
                        let after_slow = at.saturating_duration_since(slow_done);
                        format!(
                            "its reply came {} ms after it was sent, {} ms after the slow client's last byte",
                            (at - sent_at).as_millis(),
                            after_slow.as_millis()
                        )
                    }
                    Err((_, e)) => format!(
                        "no reply came even after the slow client's line was complete ({})",
                        net::describe_stop(&e)
                    ),
                };
                return Err(fail(
                    format!(
                        "while a slow client was sending its line {} one byte every {} ms (about {slow_sent} of its {} bytes sent), {} sent {} and got no reply within {} ms; {came}",
                        net::quoted(SLOW_LINE, 80),
                        SLOW_PAUSE.as_millis(),
                        SLOW_LINE.len(),
                        if k == 0 { "another client".to_owned() } else { format!("another client (fast client {k}; the {k} before it had been answered at once)") },
                        net::quoted(&line, 80),
                        FAST_REPLY_WITHIN.as_millis()
                    ),
                    format!("every other client's line back within {} ms while the slow client sends", FAST_REPLY_WITHIN.as_millis()),
                    "the server waited inside a blocking read on the slow client's connection (read_line, read_exact, or a read on a socket left in blocking mode) until that client's line was complete, and served nobody meanwhile. In a poll loop a readable socket gets one non-blocking read of whatever has arrived (maybe one byte); the unfinished line waits in the connection's incoming buffer, and the loop goes back to poll",
                ));
            }
            Err((got, e)) => return Err(cut_off(&server, &line, &got, &e, &format!("fast client {k}"))),
        }
        fast_clients.push(fast);
        thread::sleep(Duration::from_millis(400));
    }

    // The slow client's line comes back whole once its last byte is in.
    let (result, _) = sending.join().unwrap_or((Ok(()), Instant::now()));
    if let Err(e) = result {
        return Err(fail(
            format!("the slow client could not send its line one byte at a time: {e}"),
            "the connection stays open while the client sends",
            net::with_exit(&server, "a client may send its line in pieces as small as one byte, as slowly as it likes: the server keeps the connection and the bytes received so far"),
        ));
    }
    match net::read_exact_within(&mut slow, SLOW_LINE.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, SLOW_LINE, &got, "the slow client (one byte at a time)")?,
        Err((got, e)) => return Err(cut_off(&server, SLOW_LINE, &got, &e, "the slow client (one byte at a time)")),
    }
    drop((slow, fast_clients));
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// slow_reader_does_not_stall_others
// ---------------------------------------------------------------------------------------------

/// How long the other clients may wait for a reply while a client does not read its echo.
const BESIDE_DEAF_REPLY_WITHIN: Duration = Duration::from_secs(1);
/// The most the client that does not read sends: far more than the kernel's buffers and
/// MAX_PENDING together, so that its writes stall long before.
const DEAF_MOST: usize = 160 << 20;
/// The server's `MAX_PENDING` (the course's value, restated: the pack does not link the
/// student's binary crate).
const MAX_PENDING: usize = 16 << 20;
/// The most a server may grow while one client does not read: MAX_PENDING, and as much again
/// for the connection's incoming buffer, a `Vec` that doubled past it (only its written pages
/// count in VmRSS) and the allocator.
const DEAF_BUFFERED_MOST: usize = 2 * MAX_PENDING;

/// Promises `never-blocks`, `bounded-outgoing` and `partial-writes-kept`: a client that sends
/// lines and does not read their echo fills every buffer between it and the server, which
/// buffers MAX_PENDING bytes for it at most; meanwhile the others are served at once, and once
/// it reads it gets every byte back (the scenario is shared with the other servers:
/// `net::SlowReader`).
fn slow_reader_does_not_stall_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    // The server's memory: what it buffers for this client shows there (the kernel's socket
    // buffers do not).
    let rss_kb = || proc::status_kb(server.pid(), "VmRSS").unwrap_or(0);
    let rss_before = rss_kb();
    let mut rss_most = rss_before;
    let mut deaf = net::SlowReader::fill(&server, DEAF_MOST, |sent| {
        rss_most = rss_most.max(rss_kb());
        let grown = rss_most.saturating_sub(rss_before) as usize * 1024;
        if grown > DEAF_BUFFERED_MOST {
            return Err(fail(
                format!(
                    "a client sent {} MiB of lines without reading any of its echo, and the server's resident memory grew by {} MiB meanwhile (VmRSS in /proc/PID/status)",
                    sent >> 20,
                    grown >> 20
                ),
                format!(
                    "the server stops reading a connection whose `outgoing` holds MAX_PENDING ({} MiB) or more, so its memory grows by about that much at most",
                    MAX_PENDING >> 20
                ),
                "the server keeps reading from a client that does not read its replies, and buffers without limit. Perhaps interest() asks for POLLIN whatever `outgoing` holds: ask for POLLIN only while `outgoing` is under MAX_PENDING",
            ));
        }
        Ok(())
    })?;
    deaf.others_served(
        &server,
        BESIDE_DEAF_REPLY_WITHIN,
        "the server seems to wait for the client that does not read. Perhaps it writes each echo until all of it is sent (write_all, a loop until `outgoing` is empty, or a socket left in blocking mode), which waits as long as that client does not read; or it keeps reading and writing one connection until it has nothing more to do. Write only what the socket takes, keep the rest in `outgoing`, ask for POLLOUT, and go back to poll",
    )?;
    deaf.reads_everything_back(
        &server,
        BULK_READ_WITHIN,
        "keep what the socket did not take in `outgoing` (remove only what a write took) and send the rest when poll reports POLLOUT: nothing may be dropped or sent twice",
    )?;
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// a_reset_client_is_dropped_alone
// ---------------------------------------------------------------------------------------------

/// Promise `failure-is-per-connection`: a client that resets its connection, in the middle of
/// a line or while its echo is being written, costs only that connection.
fn a_reset_client_is_dropped_alone(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut stays = connect_as(&server, "a client that stays")?;
    round_trip(&server, &mut stays, b"before the resets\n", "a client that stays")?;

    // The shared storm: one client resets mid-line, another while its echo is written.
    let what = format!("after {}", net::reset_storm(&server)?);
    let line = b"after the resets\n";
    send(&server, &mut stays, line, "the client that stayed")?;
    match net::read_exact_within(&mut stays, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, line, &got, "the client that stayed")?,
        Err((got, e)) => {
            return Err(fail(
                format!(
                    "{what}, a client that stayed connected sent {} and received {}, {}",
                    net::quoted(line, 80),
                    net::quoted(&got, 80),
                    net::describe_stop(&e)
                ),
                format!("its line back within {} s", REPLY_WITHIN.as_secs()),
                net::with_exit(&server, "a reset connection must be dropped from the poll set: perhaps the server keeps polling it and fails, or stops serving everyone else after the error"),
            ))
        }
    }
    let mut newcomer = connect_as(&server, "a client that connects after the resets")?;
    round_trip(&server, &mut newcomer, b"a newcomer\n", "a client that connects after the resets")?;
    drop((stays, newcomer));
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// idle_server_sleeps_and_lets_go_of_connections
// ---------------------------------------------------------------------------------------------

/// Promises `interest-no-busy-loop` and `finished-connections-dropped`: with clients connected
/// and nothing to do (one of them half-closed), the server sleeps in poll; once the clients
/// are gone, their descriptors are closed.
fn idle_server_sleeps_and_lets_go_of_connections(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    thread::sleep(Duration::from_millis(100));
    let baseline = server.fds();
    let mut clients = connect_many(&server, 10)?;
    for (i, client) in clients.iter_mut().enumerate() {
        round_trip(&server, client, format!("client {i} says hello\n").as_bytes(), &format!("client {i}"))?;
    }
    // Client 0 half-closes after an unfinished line: it gets the piece back, then the end.
    send(&server, &mut clients[0], b"no newline", "client 0")?;
    clients[0].shutdown(std::net::Shutdown::Write).ok();
    match net::wait_closed(&mut clients[0], Instant::now() + REPLY_WITHIN) {
        net::Closed::Eof { extra, .. } if extra == b"no newline" => {}
        closed => {
            let what = match closed {
                net::Closed::Eof { extra, .. } => {
                    format!("{} back, then the end of the stream", net::quoted(&extra, 80))
                }
                net::Closed::Reset { extra, .. } => format!("{} back, then a reset", net::quoted(&extra, 80)),
                net::Closed::Open { extra } => format!(
                    "{} back, but the connection stayed open for {} s",
                    net::quoted(&extra, 80),
                    REPLY_WITHIN.as_secs()
                ),
                net::Closed::Error { error, extra } => {
                    format!("{} back, then an error: {error}", net::quoted(&extra, 80))
                }
            };
            return Err(fail(
                format!("a client sent \"no newline\" without a newline and closed its side; it got {what}"),
                "\"no newline\" back, then the end of the stream (the server closes the connection)",
                net::with_exit(&server, "when a read returns 0 bytes the client has closed its side: send the unfinished rest back, then drop the connection once `outgoing` is empty"),
            ));
        }
    }

    // Nine clients connected, nothing to do. Meanwhile the server's thread is looked at every
    // 5 ms: a loop that spins is runnable at nearly every look, however crowded the machine.
    pack_support::cpu::idle_server(
        &server,
        "with 9 clients connected and nothing to send or receive",
        "the server's loop keeps running while nothing happens. Perhaps interest() asks for POLLOUT when `outgoing` is empty (a socket is almost always writable, so poll returns at once), or keeps asking for POLLIN after the client closed (end of stream is always readable), or poll is called with a zero timeout",
        "the server wakes up many times a second with nothing to do: perhaps poll has a short timeout, or the loop sleeps and looks again. Let poll wait with no timeout (PollTimeout::NONE): it returns when a socket is ready",
    )?;

    // Everybody leaves: their sockets are closed.
    let before_leaving = server.fds();
    drop(clients);
    let deadline = Instant::now() + REPLY_WITHIN;
    let mut now = server.fds();
    while now > baseline && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
        now = server.fds();
    }
    if now > baseline {
        return Err(fail(
            format!(
                "the server had {baseline} descriptors open before 10 clients came and {before_leaving} with 9 of them connected; {} s after the last one left it still had {now}",
                REPLY_WITHIN.as_secs()
            ),
            format!("{baseline} descriptors again once every client has gone"),
            net::with_exit(&server, "a connection whose client closed (a read returned 0 bytes and everything was sent) or failed must be dropped, which closes its socket; perhaps finished connections stay in the server's list, or their sockets are kept elsewhere"),
        ));
    }
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------------

fn clone(stream: &TcpStream) -> Result<TcpStream, Failure> {
    stream.try_clone().map_err(|e| {
        fail(
            format!("the checker could not clone its socket: {e}"),
            "a working checker",
            "this is a problem of the machine, not of your code",
        )
    })
}

/// Every client got its line back; otherwise a failure that says how many were served at once.
fn all_served(server: &Server, lines: &[Vec<u8>], got: &[net::Arrival], doing: &str) -> Verdict {
    let n = lines.len();
    if let Some(i) = got.iter().zip(lines).position(|(g, want)| g.complete() && g.bytes != *want) {
        return same_line(server, &lines[i], &got[i].bytes, &format!("client {i} of {n}"));
    }
    let served: Vec<usize> = (0..n).filter(|&i| got[i].complete()).collect();
    if served.len() == n {
        return Ok(());
    }
    let k = served.len();
    let closed = got.iter().filter(|g| g.stop.is_some()).count();
    let mut observed = format!(
        "with {n} clients connected at once, {doing}, {} got their line back within {} s{}; the other {} received {}",
        if k == 0 { "none".to_owned() } else { format!("only {k} ({})", net::ranges(&served)) },
        MANY_REPLY_WITHIN.as_secs(),
        if k == 0 { "" } else { " (counted from 0, in the order they connected)" },
        n - k,
        if closed > 0 { format!("nothing ({closed} connections were closed or reset)") } else { "nothing".to_owned() }
    );
    if let Some(exit) = server.describe_exit() {
        observed.push_str(&format!("; {exit}"));
    }
    let why = match k {
        0 => net::with_exit(server, "the server must accept every connection and send each complete line back"),
        1 => "the server handled one client at a time: while it served the first client (which stays connected), the others were never read. A poll server watches every connection in one poll call and serves whichever is ready".to_owned(),
        _ => format!(
            "the server served at most {k} clients at once: the others stayed in the listen queue or were never polled. Accept every waiting connection (accept until WouldBlock) and put every connection in the poll set; a table of fixed size (here apparently {k} slots) leaves the rest waiting"
        ),
    };
    Err(fail(observed, format!("all {n} clients get their line back within {} s", MANY_REPLY_WITHIN.as_secs()), why))
}
