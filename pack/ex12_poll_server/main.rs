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
use pack_support::waits::WaitWatch;
use pack_support::{fail, failure, proc, text, Context, Failure, Verdict};

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
        send(&server, client, &first[i], &text!("ex12-client-i", i))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&first), Instant::now() + MANY_REPLY_WITHIN);
    all_served(&server, &first, &got, &text!("ex12-each-sending-one-line"))?;

    // Round 2: two lines from each, sent in three pieces that cut across the lines.
    let second: Vec<Vec<u8>> =
        (0..CLIENTS).map(|i| format!("client {i:03}: two more lines\nsent in three pieces\n").into_bytes()).collect();
    let cuts = [0, 9, 30, second[0].len()];
    for piece in 0..3 {
        if piece > 0 {
            thread::sleep(Duration::from_millis(30));
        }
        for (i, client) in clients.iter_mut().enumerate() {
            send(&server, client, &second[i][cuts[piece]..cuts[piece + 1]], &text!("ex12-client-i", i))?;
        }
    }
    let got = net::read_many_within(&mut clients, &lengths(&second), Instant::now() + MANY_REPLY_WITHIN);
    if let Some(i) = got.iter().zip(&second).position(|(g, want)| g.bytes != *want) {
        let (g, want) = (&got[i], &second[i]);
        let pieces: Vec<String> = (0..3).map(|p| net::quoted(&want[cuts[p]..cuts[p + 1]], 80)).collect();
        let stop = g.stop.as_ref().map(|e| format!(", {}", net::describe_stop(e))).unwrap_or_default();
        let served = got.iter().zip(&second).filter(|(g, want)| g.bytes == **want).count();
        return Err(fail(
            text!(
                "ex12-two-lines-wrong",
                i,
                pieces = pieces.join(", "),
                received = net::quoted(&g.bytes, 120),
                stop,
                served,
                clients = CLIENTS
            ),
            text!("ex12-line-back-within", line = net::quoted(want, 120), secs = MANY_REPLY_WITHIN.as_secs()),
            net::with_exit(&server, &text!("ex12-two-lines-why")),
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
        let mut observed = text!(
            "ex12-bulk-observed",
            lines = bulk.len() / 64,
            bytes = bulk.len(),
            deaf = BULK_DEAF.as_millis() as u64,
            got = got.len()
        );
        if let Some(e) = &stop {
            observed.push_str(&format!(", {}", net::describe_stop(e)));
        }
        if let Some(diff) = net::first_difference(&bulk, &got).filter(|_| !got.is_empty()) {
            observed.push_str(&format!("; {diff}"));
        }
        if let Some(e) = &send_error {
            observed.push_str(&format!("; {}", text!("ex12-bulk-sending-stopped", sent, error = e.to_string())));
        }
        if let Some(exit) = server.describe_exit() {
            observed.push_str(&format!("; {exit}"));
        }
        return Err(fail(
            observed,
            text!("ex12-bulk-expected", bytes = bulk.len(), secs = BULK_READ_WITHIN.as_secs()),
            text!("ex12-bulk-why"),
        ));
    }
    drop((clients, reader));
    server.stop()
}

/// What the idle check's client that never reads sends: more than the server's send buffer can
/// hold (tcp_wmem's maximum) with the client's receive buffer, so that some of its echo stays
/// in the server; at most 12 MiB, below MAX_PENDING, so that the server reads all of it.
fn stuck_bytes() -> usize {
    (send_buffer_most() + (4 << 20)).min(12 << 20)
}

/// Three times the largest send buffer a TCP socket can grow to here, and at least BULK_BYTES.
fn bulk_bytes() -> usize {
    (3 * send_buffer_most()).clamp(BULK_BYTES, 64 << 20) / 64 * 64
}

/// The largest send buffer a TCP socket can grow to here (tcp_wmem's maximum, 4 MiB by default).
fn send_buffer_most() -> usize {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().nth(2)?.parse::<usize>().ok())
        .unwrap_or(4 << 20)
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
        send(&server, client, &lines[i], &text!("ex12-client-i", i))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&lines), Instant::now() + MANY_REPLY_WITHIN);
    let served = got.iter().zip(&lines).filter(|(g, want)| g.bytes == **want).count();
    let during = server.threads();
    // A second line from everybody, to see threads that start only when a client speaks.
    let again: Vec<Vec<u8>> = (0..CLIENTS).map(|i| format!("client {i:03} again\n").into_bytes()).collect();
    if served == CLIENTS {
        for (i, client) in clients.iter_mut().enumerate() {
            send(&server, client, &again[i], &text!("ex12-client-i", i))?;
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
        let (clients, distinct) = (CLIENTS, seen.distinct.len());
        return Err(if distinct > CLIENTS / 2 {
            failure!("ex12-thread-per-client", during, clients, at_start, most, distinct)
        } else {
            failure!("ex12-several-threads", during, clients, at_start, most, distinct)
        });
    }
    if served < CLIENTS {
        let mut f =
            failure!("ex12-one-thread-not-all-served", served, clients = CLIENTS, secs = MANY_REPLY_WITHIN.as_secs());
        if let Some(exit) = server.describe_exit() {
            f.observed.push_str(&format!("; {exit}"));
        }
        return Err(f);
    }
    drop(clients);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// slow_client_does_not_stall_others
// ---------------------------------------------------------------------------------------------

/// Promise `never-blocks`: a client that sends its line one byte every 100 ms keeps nobody
/// else waiting, and the server never sleeps anywhere but in poll meanwhile.
fn slow_client_does_not_stall_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    waiting_only_in_poll(&server, &text!("ex12-slow-client-situation"), || slow_client_beside_fast_ones(&server))?;
    server.stop()
}

fn slow_client_beside_fast_ones(server: &Server) -> Verdict {
    let mut slow = connect_as(server, &text!("ex12-the-slow-client"))?;
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
        let mut fast = connect_as(server, &text!("ex12-fast-client-k", k))?;
        let line = format!("fast client {k}\n").into_bytes();
        send(server, &mut fast, &line, &text!("ex12-fast-client-k", k))?;
        let sent_at = Instant::now();
        let slow_sent =
            ((sent_at - slow_started).as_millis() / SLOW_PAUSE.as_millis() + 1).min(SLOW_LINE.len() as u128);
        match net::read_exact_within(&mut fast, line.len(), sent_at + FAST_REPLY_WITHIN) {
            Ok(got) => same_line(server, &line, &got, &text!("ex12-fast-client-k", k))?,
            Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut => {
                // When does the reply come: once the slow client's line is complete?
                let wait_until = slow_started + slow_total + REPLY_WITHIN;
                let later = net::read_exact_within(&mut fast, line.len() - got.len(), wait_until.max(Instant::now()));
                let (_, slow_done) = sending.join().unwrap_or((Ok(()), Instant::now()));
                let came = match later {
                    Ok(_) => {
                        let at = Instant::now();
                        let after_slow = at.saturating_duration_since(slow_done);
                        text!(
                            "ex12-slow-reply-came",
                            after_sent = (at - sent_at).as_millis() as u64,
                            after_slow = after_slow.as_millis() as u64
                        )
                    }
                    Err((_, e)) => text!("ex12-slow-no-reply", stop = net::describe_stop(&e)),
                };
                let who = if k == 0 { text!("ex12-another-client") } else { text!("ex12-another-fast-client", k) };
                return Err(failure!(
                    "ex12-slow-client-blocks",
                    slow_line = net::quoted(SLOW_LINE, 80),
                    pause = SLOW_PAUSE.as_millis() as u64,
                    slow_sent = slow_sent as u64,
                    slow_bytes = SLOW_LINE.len(),
                    who,
                    sent = net::quoted(&line, 80),
                    within = FAST_REPLY_WITHIN.as_millis() as u64,
                    came
                ));
            }
            Err((got, e)) => return Err(cut_off(server, &line, &got, &e, &text!("ex12-fast-client-k", k))),
        }
        fast_clients.push(fast);
        thread::sleep(Duration::from_millis(400));
    }

    // The slow client's line comes back whole once its last byte is in.
    let (result, _) = sending.join().unwrap_or((Ok(()), Instant::now()));
    if let Err(e) = result {
        return Err(fail(
            text!("ex12-slow-could-not-send", error = e.to_string()),
            text!("ex12-slow-could-not-send-expected"),
            net::with_exit(server, &text!("ex12-slow-could-not-send-why")),
        ));
    }
    let who = text!("ex12-the-slow-client-one-byte-at-a-time");
    match net::read_exact_within(&mut slow, SLOW_LINE.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(server, SLOW_LINE, &got, &who)?,
        Err((got, e)) => return Err(cut_off(server, SLOW_LINE, &got, &e, &who)),
    }
    drop((slow, fast_clients));
    Ok(())
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

/// Promises `never-blocks`, `bounded-outgoing`, `partial-writes-kept` and
/// `unfinished-last-line-then-close`: clients that do not read their echo (one that half-closes
/// with most of it still to send, then one that sends until its writes stall) keep nobody else
/// waiting, and the server never sleeps anywhere but in poll meanwhile.
fn slow_reader_does_not_stall_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    waiting_only_in_poll(&server, &text!("ex12-slow-reader-situation"), || {
        half_closed_reader(&server)?;
        deaf_reader(&server)
    })?;
    server.stop()
}

/// The unfinished line a half-closed client sends last.
const HALF_CLOSED_TAIL: &[u8] = b"an unfinished last line";

/// A client that sends more lines than the kernel's buffers hold (but less than MAX_PENDING)
/// and an unfinished one, reads nothing and closes its sending side: the server meets its end
/// of file with most of the echo still to send, and must keep sending it as the client reads,
/// without waiting for it meanwhile (promises `never-blocks`, `unfinished-last-line-then-close`).
fn half_closed_reader(server: &Server) -> Verdict {
    let bytes = (send_buffer_most() + (4 << 20)).clamp(8 << 20, MAX_PENDING - (2 << 20)) / 64 * 64;
    let mut half = net::SlowReader::half_closed(server, bytes, HALF_CLOSED_TAIL)?;
    half.others_served(server, BESIDE_DEAF_REPLY_WITHIN, &text!("ex12-half-closed-blocks-others-why"))?;
    half.reads_everything_back(server, BULK_READ_WITHIN, &text!("ex12-deaf-reads-back-why"))?;
    let (rest, closed) = half.rest_then_end(Instant::now() + REPLY_WITHIN);
    match unless_rest_then_end(closed, &rest) {
        None => Ok(()),
        Some(what) => Err(fail(
            text!("ex12-half-closed-big", kib = half.sent >> 10, rest = net::quoted(&rest, 80), what),
            text!("ex12-half-closed-big-expected", rest = net::quoted(&rest, 80)),
            net::with_exit(server, &text!("ex12-half-closed-why")),
        )),
    }
}

/// A client that sends lines until its writes stall and reads none of their echo (promises
/// `never-blocks`, `bounded-outgoing`, `partial-writes-kept`): it fills every buffer between
/// it and the server, which buffers MAX_PENDING bytes for it at most; meanwhile the others are
/// served at once, and once it reads it gets every byte back (the scenario is shared with the
/// other servers: `net::SlowReader`).
fn deaf_reader(server: &Server) -> Verdict {
    // The server's memory: what it buffers for this client shows there (the kernel's socket
    // buffers do not).
    let rss_kb = || proc::status_kb(server.pid(), "VmRSS").unwrap_or(0);
    let rss_before = rss_kb();
    let mut rss_most = rss_before;
    let mut deaf = net::SlowReader::fill(server, DEAF_MOST, |sent| {
        rss_most = rss_most.max(rss_kb());
        let grown = rss_most.saturating_sub(rss_before) as usize * 1024;
        if grown > DEAF_BUFFERED_MOST {
            return Err(failure!(
                "ex12-deaf-memory-grows",
                sent_mib = sent >> 20,
                grown_mib = grown >> 20,
                max_pending_mib = MAX_PENDING >> 20
            ));
        }
        Ok(())
    })?;
    deaf.others_served(server, BESIDE_DEAF_REPLY_WITHIN, &text!("ex12-deaf-blocks-others-why"))?;
    deaf.reads_everything_back(server, BULK_READ_WITHIN, &text!("ex12-deaf-reads-back-why"))
}

/// Promise `never-blocks`, seen from outside: runs `scenario` while a watch looks at the
/// server's thread every 2 ms (`waits::WaitWatch`); an event loop only ever sleeps in poll
/// (its sockets are non-blocking, and a non-blocking call does not wait for its peer), so a
/// thread seen asleep in a read or write on a socket again and again
/// (`waits::BLOCKING_SIGHTINGS`) is waiting for one client. The scenario's own failure comes
/// first, with what the watch saw added.
fn waiting_only_in_poll(server: &Server, situation: &str, scenario: impl FnOnce() -> Verdict) -> Verdict {
    let watch = WaitWatch::start(server.pid());
    let result = scenario();
    let waits = watch.finish();
    pack_support::measured(text!(
        "ex12-waits-measured",
        looks = waits.looks,
        readable = waits.readable,
        blocked = waits.blocked()
    ));
    match result {
        Err(mut f) if waits.shows_blocking() => {
            f.observed.push_str(&text!("support-waits-meanwhile", seen = waits.describe_blocked()));
            Err(f)
        }
        Err(f) => Err(f),
        Ok(()) if waits.shows_blocking() => {
            Err(failure!("ex12-waits-outside-poll", situation, looks = waits.looks, seen = waits.describe_blocked()))
        }
        Ok(()) => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// a_reset_client_is_dropped_alone
// ---------------------------------------------------------------------------------------------

/// Promise `failure-is-per-connection`: a client that resets its connection, in the middle of
/// a line or while its echo is being written, costs only that connection.
fn a_reset_client_is_dropped_alone(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let stays_who = text!("ex12-a-client-that-stays");
    let mut stays = connect_as(&server, &stays_who)?;
    round_trip(&server, &mut stays, b"before the resets\n", &stays_who)?;

    // The shared storm: one client resets mid-line, another while its echo is written.
    let storm = net::reset_storm(&server)?;
    let line = b"after the resets\n";
    let stayed = text!("ex12-the-client-that-stayed");
    send(&server, &mut stays, line, &stayed)?;
    match net::read_exact_within(&mut stays, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, line, &got, &stayed)?,
        Err((got, e)) => {
            return Err(fail(
                text!(
                    "ex12-stayed-not-served",
                    storm,
                    sent = net::quoted(line, 80),
                    received = net::quoted(&got, 80),
                    stop = net::describe_stop(&e)
                ),
                text!("ex12-stayed-not-served-expected", secs = REPLY_WITHIN.as_secs()),
                net::with_exit(&server, &text!("ex12-stayed-not-served-why")),
            ))
        }
    }
    let newcomer_who = text!("ex12-a-client-that-connects-after-the-resets");
    let mut newcomer = connect_as(&server, &newcomer_who)?;
    round_trip(&server, &mut newcomer, b"a newcomer\n", &newcomer_who)?;
    drop((stays, newcomer));
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// idle_server_sleeps_and_lets_go_of_connections
// ---------------------------------------------------------------------------------------------

/// Promises `interest-no-busy-loop` and `finished-connections-dropped`: with clients connected
/// and nothing to do (one of them half-closed, another half-closed after more lines than the
/// sockets can buffer, which it never reads back), the server sleeps in poll; once the clients
/// are gone (the one that never read leaves its echo unsent: the server's writes then fail),
/// their descriptors are closed.
fn idle_server_sleeps_and_lets_go_of_connections(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    thread::sleep(Duration::from_millis(100));
    let baseline = server.fds();
    let mut clients = connect_many(&server, 10)?;
    for (i, client) in clients.iter_mut().enumerate() {
        round_trip(&server, client, format!("client {i} says hello\n").as_bytes(), &text!("ex12-client-i", i))?;
    }
    // Client 0 half-closes after an unfinished line: it gets the piece back, then the end.
    send(&server, &mut clients[0], b"no newline", &text!("ex12-client-i", i = 0))?;
    clients[0].shutdown(std::net::Shutdown::Write).ok();
    let closed = net::wait_closed(&mut clients[0], Instant::now() + REPLY_WITHIN);
    if let Some(what) = unless_rest_then_end(closed, b"no newline") {
        return Err(fail(
            text!("ex12-half-closed", what),
            text!("ex12-half-closed-expected"),
            net::with_exit(&server, &text!("ex12-half-closed-why")),
        ));
    }

    // Client 1 sends more lines than the sockets' buffers hold, half-closes, and never reads: its
    // echo waits in the server, which has nothing to do but wait until it can write (POLLOUT
    // only: the end of its stream stays readable for ever, so POLLIN must be off once seen).
    let stuck = stuck_bytes();
    let mut lines = Vec::with_capacity(stuck);
    while lines.len() < stuck {
        lines.extend_from_slice(format!("{:0>63}\n", lines.len()).as_bytes());
    }
    send(&server, &mut clients[1], &lines, &text!("ex12-client-i", i = 1))?;
    clients[1].shutdown(std::net::Shutdown::Write).ok();
    // Time for the server to read the rest and the end of the stream.
    thread::sleep(Duration::from_millis(300));

    // Nine clients connected, nothing to do (one of them with its echo stuck). Meanwhile the
    // server's thread is looked at every 5 ms: a loop that spins is runnable at nearly every
    // look, however crowded the machine.
    pack_support::cpu::idle_server(
        &server,
        pack_support::cpu::IdleWakeUps::NoTimer,
        &text!("ex12-idle-situation"),
        &text!("ex12-idle-spins-why"),
        &text!("ex12-idle-polls-why"),
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
            text!("ex12-descriptors-kept", baseline, before_leaving, secs = REPLY_WITHIN.as_secs(), now),
            text!("ex12-descriptors-kept-expected", baseline),
            net::with_exit(&server, &text!("ex12-descriptors-kept-why")),
        ));
    }
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------------

/// None if the connection brought `rest` and then its end; otherwise what came instead, for the
/// end of a sentence ("\"no\" back, then a reset").
fn unless_rest_then_end(closed: net::Closed, rest: &[u8]) -> Option<String> {
    Some(match closed {
        net::Closed::Eof { extra, .. } if extra == rest => return None,
        net::Closed::Eof { extra, .. } => text!("ex12-half-closed-got-eof", extra = net::quoted(&extra, 80)),
        net::Closed::Reset { extra, .. } => text!("ex12-half-closed-got-reset", extra = net::quoted(&extra, 80)),
        net::Closed::Open { extra } => {
            text!("ex12-half-closed-stayed-open", extra = net::quoted(&extra, 80), secs = REPLY_WITHIN.as_secs())
        }
        net::Closed::Error { error, extra } => {
            text!("ex12-half-closed-got-error", extra = net::quoted(&extra, 80), error = error.to_string())
        }
    })
}

fn clone(stream: &TcpStream) -> Result<TcpStream, Failure> {
    stream.try_clone().map_err(|e| failure!("ex12-cannot-clone-socket", error = e.to_string()))
}

/// Every client got its line back; otherwise a failure that says how many were served at once.
fn all_served(server: &Server, lines: &[Vec<u8>], got: &[net::Arrival], doing: &str) -> Verdict {
    let n = lines.len();
    if let Some(i) = got.iter().zip(lines).position(|(g, want)| g.complete() && g.bytes != *want) {
        return same_line(server, &lines[i], &got[i].bytes, &text!("ex12-client-i-of-n", i, n));
    }
    let served: Vec<usize> = (0..n).filter(|&i| got[i].complete()).collect();
    if served.len() == n {
        return Ok(());
    }
    let k = served.len();
    let closed = got.iter().filter(|g| g.stop.is_some()).count();
    let (secs, others) = (MANY_REPLY_WITHIN.as_secs(), n - k);
    let received = if closed > 0 { text!("ex12-nothing-closed", closed) } else { text!("ex12-nothing") };
    let mut observed = if k == 0 {
        text!("ex12-none-served", n, doing, secs, others, received)
    } else {
        text!("ex12-some-served", n, doing, k, ranges = net::ranges(&served), secs, others, received)
    };
    if let Some(exit) = server.describe_exit() {
        observed.push_str(&format!("; {exit}"));
    }
    let why = match k {
        0 => net::with_exit(server, &text!("ex12-none-served-why")),
        1 => text!("ex12-one-at-a-time-why"),
        _ => text!("ex12-at-most-k-why", k),
    };
    Err(fail(observed, text!("ex12-all-served-expected", n, secs), why))
}
