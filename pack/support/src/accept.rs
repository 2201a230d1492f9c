//! A failed accept, provoked from outside: the scenario the servers' checks
//! `failed_accept_is_no_reason_to_stop` share (ex11, ex15, ex17).
//!
//! A first client is served; the server's soft descriptor limit is then lowered from outside
//! ([`proc::set_descriptor_limit`], as `prlimit` does) to [`ROOM`] above what it holds, and
//! clients connect one by one, each sending one request and keeping its connection, until one
//! gets no answer within [`NOT_ACCEPTED_AFTER`]: its connection waits in the listen queue
//! because accept failed with EMFILE. The server must still be running a moment later (and,
//! where the exercise promises it, not spinning meanwhile: the waiting connection keeps the
//! listener readable, so an accept loop that retries at once never sleeps; only a spin is
//! judged, a loop that pauses a few milliseconds after each failed accept is fine); then every
//! client but the first leaves, and the waiting client and a new one must be served.
//!
//! What differs between the exercises is a [`Script`]: how a client is served once (an echo, a
//! metrics request), what a client near the limit sends and must get back, and the sentences
//! that say why, in the exercise's own terms (a thread or a task, `unwrap` or `.await?`).

use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use crate::net::{self, Server};
use crate::{cpu, failure, measured, proc, text, Failure, Verdict};

/// Descriptors the server may still open once its limit is lowered.
pub const ROOM: u64 = 4;

/// How long a client that is accepted waits for its reply before the check takes it as one the
/// server could not accept.
pub const NOT_ACCEPTED_AFTER: Duration = Duration::from_millis(500);

/// How long the waiting client may take to be served once the others have left.
pub const SERVED_WITHIN: Duration = Duration::from_secs(2);

/// How long the server is watched for a spin while a client waits to be accepted.
const SPIN_WINDOW: Duration = Duration::from_millis(300);

/// The two clients of the scenario that are served in the exercise's own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// Served before the limit is lowered, and kept connected throughout.
    First,
    /// Connects once the waiting client has been served.
    Newcomer,
}

/// What client `i` sends while the server is near its limit, and what it must get back.
pub struct Exchange {
    pub request: Vec<u8>,
    pub reply: Vec<u8>,
    /// The expected reply as the messages show it: "`client 3 …\n` back", "`ok\n\n`".
    pub shown: String,
}

/// The exercise's part of the scenario.
pub struct Script<'a> {
    /// Connects `client` and has it served once (fails with the exercise's own message).
    pub served: &'a dyn Fn(&Server, Client) -> Result<TcpStream, Failure>,
    /// What client `i` (1, 2, …) sends while the server is near its limit.
    pub exchange: &'a dyn Fn(usize) -> Exchange,
    /// Why the server must not end when accept fails (how the exercise's code ends it).
    pub stopped_why: String,
    /// Why the waiting client must be served once descriptors are free again.
    pub waiting_why: String,
    /// Why the accept loop must not spin, where the exercise promises it; `None`: not judged.
    pub spin_why: Option<String>,
}

/// The echo servers' exchange: client `i` sends a line and expects it back.
pub fn echo_exchange(i: usize) -> Exchange {
    let line = format!("client {i}, with the server near its descriptor limit\n").into_bytes();
    let shown = text!("support-accept-line-back", line = net::quoted(&line, 80));
    Exchange { request: line.clone(), reply: line, shown }
}

/// `f` with what the server's exit, if it has exited, adds to its why.
fn with_exit(server: &Server, mut f: Failure) -> Failure {
    f.why = net::with_exit(server, &f.why);
    f
}

/// Runs the scenario on `server` (just started) and stops it at the end.
pub fn failed_accept_is_no_reason_to_stop(server: Server, script: &Script) -> Verdict {
    let first = (script.served)(&server, Client::First)?;
    thread::sleep(Duration::from_millis(100));
    let open = server.fds() as u64;
    let limit = open + ROOM;
    if let Err(e) = proc::set_descriptor_limit(server.pid(), limit) {
        return Err(failure!("support-accept-limit-not-lowered", error = e.to_string()));
    }
    let stopped = |served: usize, i: usize, exit: &str| {
        failure!("support-accept-stopped", limit, open, served, i, exit, why = script.stopped_why.as_str())
    };
    let mut served = vec![first];
    let mut waiting = None;
    for i in 1..=(2 * ROOM as usize + 8) {
        let mut client = match server.connect() {
            Ok(client) => client,
            // Refused: the listening socket is gone. A server whose accept loop returned the
            // error closes it at once and may take a moment more to exit (or never exit).
            Err(_) => {
                let refused = Instant::now();
                while server.exit_status().is_none() && refused.elapsed() < Duration::from_secs(1) {
                    thread::sleep(Duration::from_millis(10));
                }
                let ended = server
                    .describe_exit()
                    .unwrap_or_else(|| text!("support-accept-listener-closed", i, pid = server.pid()));
                return Err(stopped(served.len(), i, &ended));
            }
        };
        let exchange = (script.exchange)(i);
        client.write_all(&exchange.request).ok();
        match net::read_exact_within(&mut client, exchange.reply.len(), Instant::now() + NOT_ACCEPTED_AFTER) {
            Ok(got) if got == exchange.reply => served.push(client),
            Err((got, e)) if got.is_empty() && e.kind() == ErrorKind::TimedOut => {
                waiting = Some((client, exchange, i));
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
                    return Err(stopped(served.len(), i, &exit));
                }
                let (line, got) = (net::quoted(&exchange.request, 80), net::quoted(&got, 80));
                let reply = exchange.shown;
                return Err(with_exit(
                    &server,
                    failure!("support-accept-wrong-reply", limit, open, i, line, got, reply),
                ));
            }
        }
    }
    let Some((mut waiting, exchange, i)) = waiting else {
        crate::not_judged(text!("support-accept-never-failed", limit, open, served = served.len()));
        return server.stop();
    };
    // The server met EMFILE with client i waiting: it must still be running a moment later, and,
    // where judged, not spinning meanwhile. Only a spin is judged: a loop that pauses 10 ms after
    // each failed accept wakes up a hundred times a second, as it should.
    let idle = match &script.spin_why {
        Some(_) => cpu::idle_over(server.pid(), SPIN_WINDOW, Duration::from_millis(5)),
        None => {
            thread::sleep(SPIN_WINDOW);
            None
        }
    };
    if let Some(exit) = server.describe_exit() {
        return Err(stopped(served.len(), i, &exit));
    }
    if let (Some(why), Some(idle)) = (&script.spin_why, idle.filter(cpu::Idle::spins)) {
        let seen = idle.describe();
        return Err(with_exit(&server, failure!("support-accept-spins", limit, open, i, seen, why = why.as_str())));
    }
    // Every client but one leaves: their descriptors are freed in the server.
    let kept = served.len();
    served.truncate(1);
    match net::read_exact_within(&mut waiting, exchange.reply.len(), Instant::now() + SERVED_WITHIN) {
        Ok(got) if got == exchange.reply => {}
        Ok(got) | Err((got, _)) => {
            let failure = failure!(
                "support-accept-waiting-not-served",
                limit,
                open,
                i,
                left = kept - 1,
                kept,
                secs = SERVED_WITHIN.as_secs(),
                got = net::quoted(&got, 80),
                reply = exchange.shown,
                why = script.waiting_why.as_str()
            );
            return Err(with_exit(&server, failure));
        }
    }
    let newcomer = (script.served)(&server, Client::Newcomer)?;
    measured(text!("support-accept-measured", limit, open, kept, i));
    drop((served, waiting, newcomer));
    server.stop()
}
