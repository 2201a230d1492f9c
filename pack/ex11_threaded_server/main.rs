//! Hidden checks of ex11_threaded_server: the student's line-echo server, run as a separate
//! process with `--port N` and observed from outside.
//!
//! Every check starts the server on a free loopback port ([`Server::start`]) and talks to it as
//! clients do. Around the conversations the check reads the server's thread count
//! (`/proc/PID/task`) and open descriptors (`/proc/PID/fd`): at rest before the clients come (the
//! baseline, measured after one warm-up client has come and gone, so that a pool started on the
//! first client is counted in it), with the clients connected, and after they have left. A
//! correct server ends a connection's thread and closes its socket a moment after the client
//! leaves, so "after" is a bounded wait ([`SETTLE`]) for the count to come back down, not one
//! reading. A client that sends lines and reads none of their echo (`net::SlowReader`, shared
//! with the other servers) must block only its own thread, and with clients connected and
//! nothing to do the server must use no CPU (`cpu::idle_server`): each thread waits blocked in
//! read. Every check stops the server with SIGTERM at the end.

use std::collections::BTreeSet;
use std::thread;
use std::time::{Duration, Instant};

use pack_support::accept;
use pack_support::echo::{connect_as, connect_many, cut_off, lengths, round_trip, same_line, send, REPLY_WITHIN};
use pack_support::net::{self, Server};
use pack_support::waits::{Syscall, EVENT_WAITS};
use pack_support::{fail, failure, proc, text, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        silent_client_does_not_block_others,
        fifty_concurrent_clients,
        threads_return_to_baseline,
        descriptors_return_to_baseline,
        resets_and_raw_bytes,
        failed_accept_is_no_reason_to_stop,
        echo_survives_stop_and_continue,
        slow_reader_does_not_stall_others,
        idle_server_sleeps
    ])
}

/// How long many clients connected at once wait for their lines, all together.
const MANY_REPLY_WITHIN: Duration = Duration::from_secs(3);
/// How long the thread and descriptor counts may take to come back down after the clients left.
const SETTLE: Duration = Duration::from_secs(3);
/// Clients connected at once in fifty_concurrent_clients.
const FIFTY: usize = 50;
/// Clients per round in the baseline checks.
const ROUND: usize = 20;

fn start(ctx: &Context) -> Result<Server, Failure> {
    Server::start(ctx.student_bin(), &[], &[])
}

// ---------------------------------------------------------------------------------------------
// silent_client_does_not_block_others
// ---------------------------------------------------------------------------------------------

fn silent_client_does_not_block_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;

    // 1. A client that connects and says nothing; then a second client talks.
    let silent = server.connect()?;
    // Time for the server to accept the silent client and start waiting on it.
    thread::sleep(Duration::from_millis(300));
    let second = text!("ex11-the-second-client");
    let mut talker = connect_as(&server, &second)?;
    let line = b"hello from the second client\n";
    send(&server, &mut talker, line, &second)?;
    let sent_at = Instant::now();
    match net::read_exact_within(&mut talker, line.len(), sent_at + REPLY_WITHIN) {
        Ok(got) => same_line(&server, line, &got, &second)?,
        Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            // Does the reply come once the silent client leaves? That tells one client at a
            // time from a server that does not answer at all.
            drop(silent);
            let left_at = Instant::now();
            let later = net::read_exact_within(&mut talker, line.len() - got.len(), left_at + REPLY_WITHIN);
            let waited = REPLY_WITHIN.as_secs();
            let sent = net::quoted(line, 80);
            return Err(match later {
                Ok(_) => {
                    failure!("ex11-silent-blocks-second", sent, waited, after = left_at.elapsed().as_millis() as u64)
                }
                Err((more, e)) => {
                    let got = if got.is_empty() && more.is_empty() {
                        text!("ex11-nothing")
                    } else {
                        text!("ex11-only", bytes = net::quoted(&[got, more].concat(), 80))
                    };
                    fail(
                        text!("ex11-second-never-served", sent, waited, got, stop = net::describe_stop(&e)),
                        text!("ex11-second-never-served-expected", waited),
                        net::with_exit(&server, &text!("ex11-second-never-served-why")),
                    )
                }
            });
        }
        Err((got, e)) => {
            return Err(cut_off(&server, line, &got, &e, &text!("ex11-the-second-client-silent-connected")))
        }
    }

    // 2. A client that stops in the middle of a line; then a third client talks.
    let halfway = text!("ex11-a-client-sending-half-a-line");
    let mut half = connect_as(&server, &halfway)?;
    send(&server, &mut half, b"half a li", &halfway)?;
    thread::sleep(Duration::from_millis(300));
    let mut third = connect_as(&server, &text!("ex11-a-third-client"))?;
    let line = b"and a third client\n";
    let the_third = text!("ex11-the-third-client");
    send(&server, &mut third, line, &the_third)?;
    match net::read_exact_within(&mut third, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, line, &got, &the_third)?,
        Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut && got.is_empty() => {
            return Err(failure!(
                "ex11-half-line-blocks-others",
                sent = net::quoted(line, 80),
                secs = REPLY_WITHIN.as_secs()
            ))
        }
        Err((got, e)) => return Err(cut_off(&server, line, &got, &e, &the_third)),
    }
    // The client that stopped halfway finishes its line and gets it back whole.
    send(&server, &mut half, b"ne\n", &text!("ex11-the-client-that-had-sent-half-a-line"))?;
    let two_pieces = text!("ex11-the-client-that-sent-two-pieces");
    match net::read_exact_within(&mut half, 12, Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, b"half a line\n", &got, &two_pieces)?,
        Err((got, e)) => return Err(cut_off(&server, b"half a line\n", &got, &e, &two_pieces)),
    }
    drop((silent, talker, half, third));
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// fifty_concurrent_clients
// ---------------------------------------------------------------------------------------------

fn fifty_concurrent_clients(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut clients = connect_many(&server, FIFTY)?;

    // Round 1: everybody is connected; then each sends one line.
    let first: Vec<Vec<u8>> = (0..FIFTY).map(|i| format!("client {i:02}: first line\n").into_bytes()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        send(&server, client, &first[i], &text!("ex11-client-i", i))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&first), Instant::now() + MANY_REPLY_WITHIN);
    all_served(&server, &first, &got, FIFTY, &text!("ex11-each-sending-one-line"))?;

    // Round 2: a second line on the same connections, in two pieces.
    let second: Vec<Vec<u8>> =
        (0..FIFTY).map(|i| format!("client {i:02}: a second line, sent in two pieces\n").into_bytes()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        send(&server, client, &second[i][..20], &text!("ex11-client-i", i))?;
    }
    thread::sleep(Duration::from_millis(50));
    for (i, client) in clients.iter_mut().enumerate() {
        send(&server, client, &second[i][20..], &text!("ex11-client-i", i))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&second), Instant::now() + MANY_REPLY_WITHIN);
    if let Some(i) = got.iter().zip(&second).position(|(g, want)| g.bytes != *want) {
        let (g, want) = (&got[i], &second[i]);
        let stop = g.stop.as_ref().map(|e| format!(", {}", net::describe_stop(e))).unwrap_or_default();
        let served = got.iter().zip(&second).filter(|(g, want)| g.bytes == **want).count();
        return Err(fail(
            text!(
                "ex11-second-line-wrong",
                i,
                first = net::quoted(&want[..20], 80),
                rest = net::quoted(&want[20..], 80),
                received = net::quoted(&g.bytes, 80),
                stop,
                served,
                clients = FIFTY
            ),
            text!("ex11-line-back-within", line = net::quoted(want, 80), secs = MANY_REPLY_WITHIN.as_secs()),
            net::with_exit(&server, &text!("ex11-second-line-why")),
        ));
    }
    drop(clients);
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// threads_return_to_baseline, descriptors_return_to_baseline
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Counted {
    Threads,
    Descriptors,
}

impl Counted {
    fn measure(self, server: &Server) -> usize {
        match self {
            Counted::Threads => server.threads(),
            Counted::Descriptors => server.fds(),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Counted::Threads => "threads",
            Counted::Descriptors => "open descriptors",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Counted::Threads => "/proc/PID/task",
            Counted::Descriptors => "/proc/PID/fd",
        }
    }
}

fn threads_return_to_baseline(ctx: &Context) -> Verdict {
    returns_to_baseline(ctx, Counted::Threads)
}

fn descriptors_return_to_baseline(ctx: &Context) -> Verdict {
    returns_to_baseline(ctx, Counted::Descriptors)
}

/// One round of clients: the count with them connected, and after they left.
struct Round {
    loaded: usize,
    after: usize,
}

fn returns_to_baseline(ctx: &Context, what: Counted) -> Verdict {
    let server = start(ctx)?;
    let pid = server.pid();

    // Warm-up: one client comes, talks and leaves; then the count at rest is the baseline.
    warm_up(&server)?;
    let baseline = settled(|| what.measure(&server));
    let baseline_tids: BTreeSet<u32> = proc::threads(pid).unwrap_or_default().into_iter().collect();
    eprintln!("baseline: {baseline} {}", what.noun());

    let mut rounds: Vec<Round> = Vec::new();
    for round in 0..2 {
        let mut clients = connect_many(&server, ROUND)?;
        let lines: Vec<Vec<u8>> = (0..ROUND).map(|i| format!("round {round}, client {i:02}\n").into_bytes()).collect();
        for (i, client) in clients.iter_mut().enumerate() {
            send(&server, client, &lines[i], &text!("ex11-client-i", i))?;
        }
        let got = net::read_many_within(&mut clients, &lengths(&lines), Instant::now() + MANY_REPLY_WITHIN);
        all_served(&server, &lines, &got, ROUND, &text!("ex11-each-sending-one-line"))?;
        let loaded = what.measure(&server);
        drop(clients);
        let left = Instant::now();
        let after = wait_until_at_most(baseline, SETTLE, || what.measure(&server));
        eprintln!(
            "round {round}: {loaded} {} with {ROUND} clients connected, {after} {} ms after they left",
            what.noun(),
            left.elapsed().as_millis()
        );
        rounds.push(Round { loaded, after });
    }
    let last = rounds.last().expect("two rounds").after;
    if rounds.iter().all(|r| r.after <= baseline) {
        return server.stop();
    }

    let extra = last.saturating_sub(baseline);
    let (file, secs, clients) = (what.file(), SETTLE.as_secs(), ROUND);
    let (loaded_1, after_1, after_2, loaded_2) = (rounds[0].loaded, rounds[0].after, rounds[1].after, rounds[1].loaded);
    Err(match what {
        Counted::Threads => {
            let doing = describe_new_threads(pid, &baseline_tids);
            failure!(
                "ex11-threads-not-back",
                baseline,
                file,
                clients,
                loaded_1,
                secs,
                after_1,
                after_2,
                loaded_2,
                extra,
                doing
            )
        }
        Counted::Descriptors => {
            let states = net::tcp_states(pid)
                .into_iter()
                .filter(|(state, _)| state != "LISTEN")
                .map(|(state, count)| text!("ex11-tcp-state", count, state))
                .collect::<Vec<_>>()
                .join(", ");
            let states =
                if states.is_empty() { String::new() } else { format!(" ({})", text!("ex11-tcp-states", states)) };
            failure!(
                "ex11-descriptors-not-back",
                baseline,
                file,
                clients,
                loaded_1,
                secs,
                after_1,
                after_2,
                loaded_2,
                extra,
                states
            )
        }
    })
}

/// The count once it has stopped changing for 300 ms (at most 2 s of waiting).
fn settled(measure: impl Fn() -> usize) -> usize {
    let start = Instant::now();
    let mut value = measure();
    let mut since = Instant::now();
    while start.elapsed() < Duration::from_secs(2) && since.elapsed() < Duration::from_millis(300) {
        thread::sleep(Duration::from_millis(20));
        let now = measure();
        if now != value {
            value = now;
            since = Instant::now();
        }
    }
    value
}

/// Waits (at most `limit`) until the count is at most `target`; returns the last count.
fn wait_until_at_most(target: usize, limit: Duration, measure: impl Fn() -> usize) -> usize {
    let start = Instant::now();
    loop {
        let value = measure();
        if value <= target || start.elapsed() >= limit {
            return value;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// What the threads that were not there at the baseline are doing, from
/// `/proc/PID/task/TID/syscall`: ", all 40 blocked in futex (waiting for a lock, a channel or a
/// condition variable)".
fn describe_new_threads(pid: u32, baseline: &BTreeSet<u32>) -> String {
    let new: Vec<u32> = proc::threads(pid).unwrap_or_default().into_iter().filter(|t| !baseline.contains(t)).collect();
    if new.is_empty() {
        return String::new();
    }
    let mut kinds: std::collections::BTreeMap<Doing, usize> = std::collections::BTreeMap::new();
    for &tid in &new {
        *kinds.entry(doing(pid, tid)).or_default() += 1;
    }
    let parts: Vec<String> = kinds
        .into_iter()
        .map(|(what, count)| match what {
            Doing::Futex => text!("ex11-threads-in-futex", count),
            Doing::Reading => text!("ex11-threads-reading", count),
            Doing::Other => text!("ex11-threads-in-another-state", count),
            Doing::Running => text!("ex11-threads-running", count),
            Doing::Sleeping => text!("ex11-threads-sleeping", count),
            Doing::Poll => text!("ex11-threads-in-poll", count),
        })
        .collect();
    format!(" ({})", parts.join(", "))
}

/// What a thread is doing, by its system call; in the order the English phrases sort in, which
/// is the order they are listed in.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Doing {
    Futex,
    Reading,
    Other,
    Running,
    Sleeping,
    Poll,
}

/// What thread `tid` of process `pid` is doing, from `/proc/PID/task/TID/syscall`.
fn doing(pid: u32, tid: u32) -> Doing {
    let line = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")).unwrap_or_default();
    let Some(call) = Syscall::parse(&line) else {
        // "running", or "-1 ..." outside any system call: on a core, or about to be.
        let running = line.starts_with("running") || line.starts_with("-1");
        return if running { Doing::Running } else { Doing::Other };
    };
    match call.name() {
        Some("futex") => Doing::Futex,
        Some("read" | "readv" | "recvfrom" | "recvmsg") => Doing::Reading,
        Some(name) if EVENT_WAITS.contains(&name) => Doing::Poll,
        Some("nanosleep" | "clock_nanosleep") => Doing::Sleeping,
        _ => Doing::Other,
    }
}

// ---------------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------------

/// One client comes, is echoed and leaves, so that a pool or lazily started threads exist
/// before the count at rest is taken.
fn warm_up(server: &Server) -> Verdict {
    let first = text!("ex11-a-first-client");
    let mut warm = connect_as(server, &first)?;
    let line = b"warming up\n";
    send(server, &mut warm, line, &first)?;
    match net::read_exact_within(&mut warm, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(server, line, &got, &first),
        Err((got, e)) => Err(cut_off(server, line, &got, &e, &text!("ex11-a-first-client-alone"))),
    }
}

/// Every client got its line back; otherwise a failure that says how many were served at once.
fn all_served(server: &Server, lines: &[Vec<u8>], got: &[net::Arrival], n: usize, doing: &str) -> Verdict {
    if let Some(i) = got.iter().zip(lines).position(|(g, want)| g.complete() && g.bytes != *want) {
        return same_line(server, &lines[i], &got[i].bytes, &text!("ex11-client-i-of-n", i, n));
    }
    let served: Vec<usize> = (0..n).filter(|&i| got[i].complete()).collect();
    if served.len() == n {
        return Ok(());
    }
    let k = served.len();
    let closed = got.iter().filter(|g| g.stop.is_some()).count();
    let (secs, others) = (MANY_REPLY_WITHIN.as_secs(), n - k);
    let received = if closed > 0 { text!("ex11-nothing-closed", closed) } else { text!("ex11-nothing") };
    let mut observed = if k == 0 {
        text!("ex11-none-served", n, doing, secs, others, received)
    } else {
        text!("ex11-some-served", n, doing, k, ranges = net::ranges(&served), secs, others, received)
    };
    if let Some(exit) = server.describe_exit() {
        observed.push_str(&format!("; {exit}"));
    }
    let why = match k {
        0 => net::with_exit(server, &text!("ex11-none-served-why")),
        1 => text!("ex11-one-at-a-time-why"),
        _ => text!("ex11-at-most-k-why", k),
    };
    Err(fail(observed, text!("ex11-all-served-expected", n, secs), why))
}

/// Promises `errors-do-not-stop-server` and `lines-are-bytes`: after clients reset their
/// connections (their threads end), a line that is not UTF-8 comes back unchanged, and the
/// threads are back to what they were at rest.
fn resets_and_raw_bytes(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    warm_up(&server)?;
    let baseline = settled(|| server.threads());
    let storm = net::reset_storm(&server)?;
    let after_resets = text!("ex11-the-client-after-the-resets");
    let mut next = connect_as(&server, &after_resets)?;
    let raw: &[u8] = b"bytes \xff\xfe that are not UTF-8 \xc3\x28\n";
    send(&server, &mut next, raw, &after_resets)?;
    let who = text!("ex11-the-client-after-the-storm", storm);
    match net::read_exact_within(&mut next, raw.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, raw, &got, &who)?,
        Err((got, e)) => return Err(cut_off(&server, raw, &got, &e, &who)),
    }
    drop(next);
    let after = settled(|| server.threads());
    if after > baseline {
        return Err(fail(
            text!("ex11-reset-threads-left", after, baseline, storm),
            text!("ex11-reset-threads-left-expected", baseline),
            net::with_exit(&server, &text!("ex11-reset-threads-left-why")),
        ));
    }
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// failed_accept_is_no_reason_to_stop
// ---------------------------------------------------------------------------------------------

/// Promise `errors-do-not-stop-server`, for a failed accept: the server's descriptor limit is
/// lowered from outside to a few above what it holds, clients connect until one is not answered
/// (accept failed with EMFILE); the server must still be running, and once the others leave, the
/// waiting client and a new one must be served. The scenario is
/// [`accept::failed_accept_is_no_reason_to_stop`]. Whether the loop pauses after a failed accept
/// is not judged here (nothing in this exercise promises it; the reference retries at once).
fn failed_accept_is_no_reason_to_stop(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let served = |server: &Server, client: accept::Client| {
        let (who, line): (String, &[u8]) = match client {
            accept::Client::First => (text!("ex11-a-first-client"), b"before the limit\n"),
            accept::Client::Newcomer => (text!("support-accept-newcomer"), b"a newcomer\n"),
        };
        let mut stream = connect_as(server, &who)?;
        round_trip(server, &mut stream, line, &who)?;
        Ok(stream)
    };
    let script = accept::Script {
        served: &served,
        exchange: &accept::echo_exchange,
        stopped_why: text!("ex11-stopped-by-accept-why"),
        waiting_why: text!("ex11-waiting-not-served-why"),
        spin_why: None,
    };
    accept::failed_accept_is_no_reason_to_stop(server, &script)
}

// ---------------------------------------------------------------------------------------------
// echo_survives_stop_and_continue
// ---------------------------------------------------------------------------------------------

/// Promise `echoes-each-line` while the server is stopped and continued (Ctrl-Z, `fg`) in the
/// middle of its writes: lines of 100 KiB, echoed to a client that reads slowly, so that each
/// write blocks part-way and is interrupted; an interrupted write returns what it sent, and
/// the server must send the rest of the line.
fn echo_survives_stop_and_continue(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    const LINE: usize = 100 * 1024;
    let size = net::send_buffer_max() + (4 << 20);
    let mut payload = Vec::with_capacity(size + LINE);
    let mut x: u32 = 0x9e37_79b9;
    while payload.len() < size {
        for _ in 0..LINE - 1 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            // Any byte but the newline.
            payload.push(match (x >> 24) as u8 {
                b'\n' => b'.',
                b => b,
            });
        }
        payload.push(b'\n');
    }
    let seen = net::echo_under_job_control(&server, &payload, Instant::now() + Duration::from_secs(20))?;
    let lines = payload.len() / LINE;
    if seen.got == payload {
        pack_support::measured(text!("ex11-stop-continue-measured", lines, kib = LINE / 1024, stops = seen.stops));
        return Ok(());
    }
    let stop = seen.stop.as_ref().map(|e| format!(", {}", net::describe_stop(e))).unwrap_or_default();
    let (kib, stops, got, sent) = (LINE / 1024, seen.stops, seen.got.len(), payload.len());
    let difference = net::first_difference(&payload, &seen.got).unwrap_or_default();
    Err(if payload.starts_with(&seen.got) {
        failure!("ex11-stop-continue-stopped-early", lines, kib, stops, got, sent, stop, difference)
    } else {
        failure!("ex11-stop-continue-short-write", lines, kib, stops, got, sent, stop, difference)
    })
}

// ---------------------------------------------------------------------------------------------
// slow_reader_does_not_stall_others
// ---------------------------------------------------------------------------------------------

/// How long a client beside the one that does not read may wait for its line.
const BESIDE_DEAF_REPLY_WITHIN: Duration = Duration::from_secs(1);
/// The most the client that does not read sends: far more than the kernel's buffers together.
const DEAF_MOST: usize = 160 << 20;

/// Promise `slow-client-blocks-only-its-thread`: a client that sends lines and reads none of
/// their echo, until its writes stall, keeps its thread waiting in write_all; the others are
/// served meanwhile, and once it reads it gets every line back.
fn slow_reader_does_not_stall_others(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut deaf = net::SlowReader::fill(&server, DEAF_MOST, |_| Ok(()))?;
    deaf.others_served(&server, BESIDE_DEAF_REPLY_WITHIN, &text!("ex11-slow-reader-blocks-others-why"))?;
    deaf.reads_everything_back(&server, Duration::from_secs(15), &text!("ex11-slow-reader-reads-back-why"))?;
    server.stop()
}

// ---------------------------------------------------------------------------------------------
// idle_server_sleeps
// ---------------------------------------------------------------------------------------------

/// Promise `silent-client-thread-blocks`: with clients connected and nothing to do, each
/// thread waits blocked in read (and the main thread in accept): no CPU, no wake-ups.
fn idle_server_sleeps(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    let mut clients = connect_many(&server, 10)?;
    for (i, client) in clients.iter_mut().enumerate() {
        let line = format!("client {i} says hello\n").into_bytes();
        send(&server, client, &line, &text!("ex11-client-i", i))?;
        match net::read_exact_within(client, line.len(), Instant::now() + REPLY_WITHIN) {
            Ok(got) => same_line(&server, &line, &got, &text!("ex11-client-i", i))?,
            Err((got, e)) => return Err(cut_off(&server, &line, &got, &e, &text!("ex11-client-i", i))),
        }
    }
    pack_support::cpu::idle_server(
        &server,
        pack_support::cpu::IdleWakeUps::AboutOnceASecond,
        &text!("ex11-idle-situation"),
        &text!("ex11-idle-spins-why"),
        &text!("ex11-idle-polls-why"),
    )?;
    drop(clients);
    server.stop()
}
