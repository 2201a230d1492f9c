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

use pack_support::echo::{connect_as, connect_many, cut_off, lengths, same_line, send, REPLY_WITHIN};
use pack_support::net::{self, Server};
use pack_support::{fail, proc, Context, Failure, Verdict};

fn main() {
    pack_support::main(pack_support::checks![
        silent_client_does_not_block_others,
        fifty_concurrent_clients,
        threads_return_to_baseline,
        descriptors_return_to_baseline,
        resets_and_raw_bytes,
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
    let mut talker = connect_as(&server, "the second client")?;
    let line = b"hello from the second client\n";
    send(&server, &mut talker, line, "the second client")?;
    let sent_at = Instant::now();
    match net::read_exact_within(&mut talker, line.len(), sent_at + REPLY_WITHIN) {
        Ok(got) => same_line(&server, line, &got, "the second client")?,
        Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            // Does the reply come once the silent client leaves? That tells one client at a
            // time from a server that does not answer at all.
            drop(silent);
            let left_at = Instant::now();
            let later = net::read_exact_within(&mut talker, line.len() - got.len(), left_at + REPLY_WITHIN);
            let waited = REPLY_WITHIN.as_secs();
            return Err(match later {
                Ok(_) => fail(
                    format!(
                        "while a client that had connected and sent nothing stayed connected, a second client sent {} and got no reply within {waited} s; the reply came {} ms after the silent client closed its connection",
                        net::quoted(line, 80),
                        left_at.elapsed().as_millis()
                    ),
                    format!("the second client's line back within {waited} s, whatever the silent client does"),
                    "the server handled one client at a time: it was waiting in read() on the silent client's connection, so the second client was not served until the silent one left. A server that calls handle_client in its accept loop serves its clients one after another; serve each accepted connection on a thread of its own (thread::spawn in the accept loop), so that only that thread waits for its client",
                ),
                Err((more, e)) => fail(
                    format!(
                        "while a client that had connected and sent nothing stayed connected, a second client sent {} and got no reply within {waited} s, and still {} {waited} s after the silent client had left ({})",
                        net::quoted(line, 80),
                        if got.is_empty() && more.is_empty() { "nothing".to_owned() } else { format!("only {}", net::quoted(&[got, more].concat(), 80)) },
                        net::describe_stop(&e)
                    ),
                    format!("the second client's line back within {waited} s"),
                    net::with_exit(&server, "the server must send each complete line back as soon as it has read it, to every client, each on its own thread; a client that says nothing must not keep the server from serving the others"),
                ),
            });
        }
        Err((got, e)) => {
            return Err(cut_off(&server, line, &got, &e, "the second client (a silent client being connected)"))
        }
    }

    // 2. A client that stops in the middle of a line; then a third client talks.
    let mut half = connect_as(&server, "a client sending half a line")?;
    send(&server, &mut half, b"half a li", "a client sending half a line")?;
    thread::sleep(Duration::from_millis(300));
    let mut third = connect_as(&server, "a third client")?;
    let line = b"and a third client\n";
    send(&server, &mut third, line, "the third client")?;
    match net::read_exact_within(&mut third, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, line, &got, "the third client")?,
        Err((got, e)) if e.kind() == std::io::ErrorKind::TimedOut && got.is_empty() => {
            return Err(fail(
                format!(
                    "while one client had sent half a line (\"half a li\", no newline) and stopped, another client sent {} and got no reply within {} s",
                    net::quoted(line, 80),
                    REPLY_WITHIN.as_secs()
                ),
                format!("the other client's line back within {} s", REPLY_WITHIN.as_secs()),
                "the server handled one client at a time: it was waiting for the rest of the first client's line and served nobody else meanwhile. Each connection needs a thread of its own, so that waiting for one client's line blocks only that client's thread",
            ))
        }
        Err((got, e)) => return Err(cut_off(&server, line, &got, &e, "the third client")),
    }
    // The client that stopped halfway finishes its line and gets it back whole.
    send(&server, &mut half, b"ne\n", "the client that had sent half a line")?;
    match net::read_exact_within(&mut half, 12, Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, b"half a line\n", &got, "the client that sent its line in two pieces")?,
        Err((got, e)) => {
            return Err(cut_off(&server, b"half a line\n", &got, &e, "the client that sent its line in two pieces"))
        }
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
        send(&server, client, &first[i], &format!("client {i}"))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&first), Instant::now() + MANY_REPLY_WITHIN);
    all_served(&server, &first, &got, FIFTY, "each sending one line")?;

    // Round 2: a second line on the same connections, in two pieces.
    let second: Vec<Vec<u8>> =
        (0..FIFTY).map(|i| format!("client {i:02}: a second line, sent in two pieces\n").into_bytes()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        send(&server, client, &second[i][..20], &format!("client {i}"))?;
    }
    thread::sleep(Duration::from_millis(50));
    for (i, client) in clients.iter_mut().enumerate() {
        send(&server, client, &second[i][20..], &format!("client {i}"))?;
    }
    let got = net::read_many_within(&mut clients, &lengths(&second), Instant::now() + MANY_REPLY_WITHIN);
    if let Some(i) = got.iter().zip(&second).position(|(g, want)| g.bytes != *want) {
        let (g, want) = (&got[i], &second[i]);
        let mut observed = format!(
            "client {i} sent a second line on the same connection, in two pieces ({} then {}), and received {}",
            net::quoted(&want[..20], 80),
            net::quoted(&want[20..], 80),
            net::quoted(&g.bytes, 80)
        );
        if let Some(e) = &g.stop {
            observed.push_str(&format!(", {}", net::describe_stop(e)));
        }
        let served = got.iter().zip(&second).filter(|(g, want)| g.bytes == **want).count();
        observed.push_str(&format!(" ({served} of the {FIFTY} clients got their second line back)"));
        return Err(fail(
            observed,
            format!("{} within {} s", net::quoted(want, 80), MANY_REPLY_WITHIN.as_secs()),
            net::with_exit(&server, "a client may send many lines, in pieces of any size: the server keeps reading the same connection until the client closes it, and sends every complete line back"),
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
            send(&server, client, &lines[i], &format!("client {i}"))?;
        }
        let got = net::read_many_within(&mut clients, &lengths(&lines), Instant::now() + MANY_REPLY_WITHIN);
        all_served(&server, &lines, &got, ROUND, "each sending one line")?;
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

    let noun = what.noun();
    let observed = format!(
        "the server had {baseline} {noun} at rest before the clients came ({}); with {ROUND} clients connected it had {}, and {} s after all {ROUND} had closed their connections it still had {}; after {ROUND} more clients came and left: {} (with them connected: {})",
        what.file(),
        rounds[0].loaded,
        SETTLE.as_secs(),
        rounds[0].after,
        rounds[1].after,
        rounds[1].loaded
    );
    let expected =
        format!("back to {baseline} {noun} within {} s after the clients leave, round after round", SETTLE.as_secs());
    let extra = last.saturating_sub(baseline);
    let why = match what {
        Counted::Threads => {
            let doing = describe_new_threads(pid, &baseline_tids);
            format!(
                "{extra} threads are still alive after their clients left{doing}: the thread that served a connection must end when its client leaves. When read returns 0 bytes (end of file), handle_client returns and the thread's closure must end right after it, not wait for something else (a channel nobody reads, a join that never comes, a lock). Threads that never end pile up with every client until the process cannot start any more"
            )
        }
        Counted::Descriptors => {
            let states = net::tcp_states(pid)
                .into_iter()
                .filter(|(state, _)| state != "LISTEN")
                .map(|(state, n)| format!("{n} in {state}"))
                .collect::<Vec<_>>()
                .join(", ");
            let states = if states.is_empty() { String::new() } else { format!(" (its TCP sockets: {states})") };
            format!(
                "{extra} descriptors stayed open after their clients left{states}: a socket whose client has closed stays in CLOSE_WAIT until the server closes its side. A connection's socket is closed when the last owner of its TcpStream drops it; a stream, or a try_clone of it, kept in a Vec or a map for every client keeps the descriptor open after the client is gone, and the server eventually cannot accept any more (EMFILE, too many open files). Let the connection's thread own its stream and drop it when handle_client returns"
            )
        }
    };
    Err(fail(observed, expected, why))
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
    let mut kinds: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
    for tid in &new {
        let text = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")).unwrap_or_default();
        let number = text.split_whitespace().next().and_then(|n| n.parse::<i64>().ok());
        *kinds.entry(syscall_meaning(number)).or_default() += 1;
    }
    let parts: Vec<String> = kinds.into_iter().map(|(what, n)| format!("{n} {what}")).collect();
    format!(" ({})", parts.join(", "))
}

fn syscall_meaning(number: Option<i64>) -> &'static str {
    // System call numbers of x86_64 and aarch64.
    let (futex, read, poll, sleep) = if cfg!(target_arch = "aarch64") {
        ([98].as_slice(), [63, 207].as_slice(), [73, 22].as_slice(), [101, 115].as_slice())
    } else {
        ([202].as_slice(), [0, 45].as_slice(), [7, 271, 232, 281].as_slice(), [35, 230].as_slice())
    };
    match number {
        Some(n) if futex.contains(&n) => {
            "blocked in futex (waiting for a lock, a channel, a condition variable or a join)"
        }
        Some(n) if read.contains(&n) => "blocked reading a socket",
        Some(n) if poll.contains(&n) => "waiting in poll",
        Some(n) if sleep.contains(&n) => "sleeping",
        Some(-1) => "running",
        _ => "in another state",
    }
}

// ---------------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------------

/// One client comes, is echoed and leaves, so that a pool or lazily started threads exist
/// before the count at rest is taken.
fn warm_up(server: &Server) -> Verdict {
    let mut warm = connect_as(server, "a first client")?;
    let line = b"warming up\n";
    send(server, &mut warm, line, "a first client")?;
    match net::read_exact_within(&mut warm, line.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(server, line, &got, "a first client"),
        Err((got, e)) => Err(cut_off(server, line, &got, &e, "a first client, alone")),
    }
}

/// Every client got its line back; otherwise a failure that says how many were served at once.
fn all_served(server: &Server, lines: &[Vec<u8>], got: &[net::Arrival], n: usize, doing: &str) -> Verdict {
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
        0 => net::with_exit(server, "the server must read each client's line and send it back, on the client's own thread"),
        1 => "the server handled one client at a time: while it served the first client (which stays connected), the others waited to be accepted. Serve each accepted connection on a thread of its own".to_owned(),
        _ => format!(
            "the server served at most {k} clients at once: a fixed pool of {k} workers, each busy with one connection until its client leaves, leaves the other clients waiting although they are connected. Serve each connection on a thread of its own, or use a pool at least as large as the number of clients that can be connected at once"
        ),
    };
    Err(fail(observed, format!("all {n} clients get their line back within {} s", MANY_REPLY_WITHIN.as_secs()), why))
}

/// Promises `errors-do-not-stop-server` and `lines-are-bytes`: after clients reset their
/// connections (their threads end), a line that is not UTF-8 comes back unchanged, and the
/// threads are back to what they were at rest.
fn resets_and_raw_bytes(ctx: &Context) -> Verdict {
    let server = start(ctx)?;
    warm_up(&server)?;
    let baseline = settled(|| server.threads());
    let storm = net::reset_storm(&server)?;
    let mut next = connect_as(&server, "the client after the resets")?;
    let raw: &[u8] = b"bytes \xff\xfe that are not UTF-8 \xc3\x28\n";
    send(&server, &mut next, raw, "the client after the resets")?;
    match net::read_exact_within(&mut next, raw.len(), Instant::now() + REPLY_WITHIN) {
        Ok(got) => same_line(&server, raw, &got, &format!("the client after the resets ({storm})"))?,
        Err((got, e)) => {
            return Err(cut_off(&server, raw, &got, &e, &format!("the client after the resets ({storm})")))
        }
    }
    drop(next);
    let after = settled(|| server.threads());
    if after > baseline {
        return Err(fail(
            format!("{after} threads in /proc/PID/task once every client had gone, {baseline} at rest before {storm}"),
            format!("{baseline} threads again: the threads of the clients that reset have ended"),
            net::with_exit(&server, "a client's thread must end when its connection fails, not only when the client closes politely: perhaps an error (ECONNRESET, EPIPE) leaves the thread waiting, or retrying the failed read or write"),
        ));
    }
    server.stop()
}

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
        pack_support::measured(format!(
            "{lines} lines of {} KiB echoed whole while the server was stopped and continued {} times",
            LINE / 1024,
            seen.stops
        ));
        return Ok(());
    }
    let stop = seen.stop.as_ref().map(|e| format!(", {}", net::describe_stop(e))).unwrap_or_default();
    Err(fail(
        format!(
            "the checker sent {lines} lines of {} KiB and read the echo slowly, stopping and continuing the server (SIGSTOP, SIGCONT: what Ctrl-Z and fg do) {} times meanwhile; {} of {} bytes came back{stop}; {}",
            LINE / 1024,
            seen.stops,
            seen.got.len(),
            payload.len(),
            net::first_difference(&payload, &seen.got).unwrap_or_default()
        ),
        "every line back whole, in order",
        if payload.starts_with(&seen.got) {
            "the echo stopped early: a stop and continue must change nothing; finish every write (write_all) and keep serving until the client closes"
        } else {
            "bytes are missing in the middle of a line: a short write. A write() interrupted part-way (the process was stopped, a signal came) returns how many bytes it sent, which may be fewer than asked; the rest must still be sent. write_all does that, in a loop, and retries on Interrupted; a single write() whose count is ignored loses the rest of the line"
        },
    ))
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
    deaf.others_served(
        &server,
        BESIDE_DEAF_REPLY_WITHIN,
        "the other clients wait for the one that does not read: its thread, blocked in write_all until that client reads, holds something every thread needs. Perhaps a lock shared by all connections (a Mutex around the writes, or around the list of clients) is held while writing: a slow client must block only its own thread, so hold no shared lock across a read or a write",
    )?;
    deaf.reads_everything_back(
        &server,
        Duration::from_secs(15),
        "once the client reads, its thread's write_all goes on: every line must come back exactly once, in order",
    )?;
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
        send(&server, client, &line, &format!("client {i}"))?;
        match net::read_exact_within(client, line.len(), Instant::now() + REPLY_WITHIN) {
            Ok(got) => same_line(&server, &line, &got, &format!("client {i}"))?,
            Err((got, e)) => return Err(cut_off(&server, &line, &got, &e, &format!("client {i}"))),
        }
    }
    pack_support::cpu::idle_server(
        &server,
        "with 10 clients connected and nothing to send or receive",
        "the server keeps a thread running while nothing happens: perhaps a socket in nonblocking mode read in a loop that tries again at once on WouldBlock (with or without thread::yield_now()). A blocking read waits in the kernel, using no CPU, until the client sends; that is what a thread per client is for",
        "the server wakes up many times a second with nothing to do: a loop that sleeps a little and reads again (a nonblocking socket, or a short read timeout). Let each thread block in read: the kernel wakes it when its client sends",
    )?;
    drop(clients);
    server.stop()
}
