//! Hidden checks of ex16_metrics_client: the student's `Client`, linked into this program, talks
//! to a fake metrics server played by the checker ([`FakeMetricsServer`]).
//!
//! The fake server records every byte and every request line of every connection it accepts,
//! and answers each request line as the check scripts it: whole, or one byte at a time, with a
//! valid reply, a malformed one, nothing at all, or a reply cut short by closing. The checks
//! compare the exact requests, the parsed results, the number of connections, and (for the
//! timeout) the time `get` takes to give up, judged against the client's own timeout with
//! `pack_support::timing::decide` and a `LoadProbe` so that a loaded machine never fails a
//! correct client.
//!
//! `connect_timeout` and `write_timeout` use the checker's own network helpers: a listener that
//! never answers a connection attempt (`net::HangingConnect`), and a server that never reads
//! (`net::Scenario::Deaf`, with small segments and window so that writes block after a few tens
//! of kilobytes). `Client::new` must give up within its timeout ± 20%; a put of a 4 MiB key must
//! end with an error, instead of blocking forever, between T and 2T after the last bytes it got
//! through (each write call waits at most T, and one that got some bytes through returns them, so
//! a long write_all takes a few timeouts: only its last stretch is judged). A put of 256 KiB to a
//! server that begins reading 1.5 T late (`Pace::LateReader`) must arrive whole: one write()
//! returns part of it at its timeout, write_all goes on.
//!
//! The student's `Client` lives on a thread of its own ([`Remote`]): each call is sent there and
//! its result awaited with a watchdog, so a client that hangs (no timeout, a loop that never
//! sees the end of a reply) fails with an explanation instead of stalling the check.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ex16_metrics_client::{Client, ClientError};
use pack_support::metrics::{Answer, FakeMetricsServer, Pace, ERROR_REPLY, OK_EMPTY};
use pack_support::net::{self, escape, quoted, FakeServer, HangingConnect, LoadProbe, Scenario};
use pack_support::timing::{self, Judgement, Measurement};
use pack_support::watch::{self, Next};
use pack_support::{fail, Context, Failure, Verdict};

fn main() {
    // The hidden checks need a proper error type: this fails to compile otherwise.
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<ClientError>();
    pack_support::main(pack_support::checks![
        request_bytes,
        get_parses_reply,
        replies_byte_by_byte,
        malformed_replies_rejected,
        one_connection_per_session,
        timeout_honoured,
        connect_timeout,
        write_timeout,
        long_request_sent_whole,
        bad_keys_refused
    ])
}

/// The client's timeout in every check but the timeout check.
const TIMEOUT: Duration = Duration::from_secs(1);
/// How long a call of the student's client may take before the check gives up on it.
const WATCHDOG: Duration = Duration::from_millis(3000);
/// The client's timeout in timeout_honoured, and the window it must give up in.
const SHORT_TIMEOUT: Duration = Duration::from_millis(500);
/// The pause between two bytes of a reply sent one byte at a time.
const BYTE_PAUSE: Duration = Duration::from_millis(2);

type Metrics = BTreeMap<String, Vec<(i64, f64)>>;

// ---------------------------------------------------------------------------------------------
// The student's client on a thread of its own
// ---------------------------------------------------------------------------------------------

enum Call {
    Put(String, f64, Option<i64>),
    Get(String),
}

enum Outcome {
    Connected(Result<(), String>),
    Put(Result<(), String>),
    Got(Result<Metrics, String>),
}

/// A student's `Client` created and used on a scenario thread; every call waits for its result
/// at most [`WATCHDOG`].
struct Remote {
    calls: mpsc::Sender<Call>,
    results: watch::Scenario<Outcome>,
}

/// A `ClientError` as the student sees it: its `Display`, or its `Debug` if `Display` panics
/// (not written yet).
fn show_error(e: &ClientError) -> String {
    panic::catch_unwind(AssertUnwindSafe(|| e.to_string())).unwrap_or_else(|_| format!("{e:?}"))
}

impl Remote {
    /// Runs `Client::new("127.0.0.1", port, timeout)` on a new thread. The outer `Result` is the
    /// check's failure (a panic, a hang); the inner one is what `new` returned.
    fn connect(port: u16, timeout: Duration) -> Result<(Remote, Result<(), String>), Failure> {
        let (calls, inbox) = mpsc::channel::<Call>();
        let results = watch::spawn("student-client", move |report| {
            let mut client = match Client::new("127.0.0.1", port, timeout) {
                Ok(client) => client,
                Err(e) => return report.send(Outcome::Connected(Err(show_error(&e)))),
            };
            report.send(Outcome::Connected(Ok(())));
            for call in inbox {
                report.send(match call {
                    Call::Put(key, value, ts) => Outcome::Put(client.put(&key, value, ts).map_err(|e| show_error(&e))),
                    Call::Get(key) => Outcome::Got(client.get(&key).map_err(|e| show_error(&e))),
                });
            }
        });
        let remote = Remote { calls, results };
        let what = format!("Client::new(\"127.0.0.1\", {port}, {timeout:?})");
        match remote.wait(&what)? {
            Outcome::Connected(result) => Ok((remote, result)),
            _ => unreachable!("the first report is the connection"),
        }
    }

    fn put(&self, key: &str, value: f64, ts: Option<i64>) -> Result<Result<(), String>, Failure> {
        let _ = self.calls.send(Call::Put(key.to_owned(), value, ts));
        match self.wait(&format!("put({key:?}, {value:?}, {ts:?})"))? {
            Outcome::Put(result) => Ok(result),
            _ => unreachable!("one report per call"),
        }
    }

    fn get(&self, key: &str) -> Result<Result<Metrics, String>, Failure> {
        let _ = self.calls.send(Call::Get(key.to_owned()));
        match self.wait(&format!("get({key:?})"))? {
            Outcome::Got(result) => Ok(result),
            _ => unreachable!("one report per call"),
        }
    }

    fn wait(&self, what: &str) -> Result<Outcome, Failure> {
        match self.results.next(WATCHDOG) {
            Next::Item(outcome) => Ok(outcome),
            Next::Panicked(text) => Err(fail(
                format!("{what} panicked: {text}"),
                format!("{what} returns"),
                if text.contains("not yet implemented") {
                    "a todo!() is still in the code: write the function it is in"
                } else {
                    "a client returns a ClientError for whatever the network or the server does; it never panics"
                },
            )),
            Next::TimedOut => Err(fail(
                format!("{what} had not returned after {} ms (the client's timeout is {} ms or less)", WATCHDOG.as_millis(), TIMEOUT.as_millis()),
                format!("{what} returns within the client's timeout"),
                "every call must end: the socket needs read and write timeouts (set_read_timeout), and a read that returns 0 bytes means the server closed the connection, which ends the reply with an error, not a loop that reads again",
            )),
            Next::Ended => Err(fail(
                format!("{what} did not report back"),
                format!("{what} returns"),
                "the client's thread ended early",
            )),
        }
    }
}

/// A fake server that answers each request line with `reply(line)` (a whole reply), as `pace`.
fn fake(pace: Pace, reply: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static) -> FakeMetricsServer {
    FakeMetricsServer::start(pace, move |line| Answer::Reply(reply(&String::from_utf8_lossy(line))))
        .expect("starting the fake metrics server")
}

/// Connects a client, failing the check if `new` failed.
fn connect(fake: &FakeMetricsServer, timeout: Duration) -> Result<Remote, Failure> {
    let (remote, result) = Remote::connect(fake.port(), timeout)?;
    match result {
        Ok(()) => Ok(remote),
        Err(e) => Err(fail(
            format!(
                "Client::new(\"127.0.0.1\", {}, {timeout:?}) returned Err({e}) while a server listened there",
                fake.port()
            ),
            "Ok(client): the connection is made",
            "Client::new connects to (host, port) with TcpStream::connect_timeout and keeps the stream",
        )),
    }
}

/// `{"k1": [(1, 0.25), (2, 2.156)]}`.
fn show_metrics(m: &Metrics) -> String {
    let keys: Vec<String> = m
        .iter()
        .map(|(k, points)| {
            let points: Vec<String> = points.iter().map(|(t, v)| format!("({t}, {v:?})")).collect();
            format!("{k:?}: [{}]", points.join(", "))
        })
        .collect();
    format!("{{{}}}", keys.join(", "))
}

fn metrics(entries: &[(&str, &[(i64, f64)])]) -> Metrics {
    entries.iter().map(|(k, points)| ((*k).to_owned(), points.to_vec())).collect()
}

// ---------------------------------------------------------------------------------------------
// request_bytes
// ---------------------------------------------------------------------------------------------

/// What a request line must be.
enum Expect {
    Exact(&'static [u8]),
    /// `put <key> <value> <timestamp>\n`, the value compared as a number, the timestamp exactly
    /// or (None) between two clock readings.
    Put {
        key: &'static str,
        value: f64,
        ts: Option<i64>,
    },
}

fn request_bytes(_ctx: &Context) -> Verdict {
    let fake = fake(Pace::Whole, |_| OK_EMPTY.to_vec());
    let client = connect(&fake, TIMEOUT)?;
    let steps: [(&str, Expect); 5] = [
        ("put(\"k\", 1.5, Some(1))", Expect::Exact(b"put k 1.5 1\n")),
        ("get(\"k\")", Expect::Exact(b"get k\n")),
        ("get(\"*\")", Expect::Exact(b"get *\n")),
        (
            "put(\"cpu.load\", 30.0, Some(1501864247))",
            Expect::Put { key: "cpu.load", value: 30.0, ts: Some(1501864247) },
        ),
        ("put(\"k\", 0.25, None)", Expect::Put { key: "k", value: 0.25, ts: None }),
    ];
    for (i, (call, expect)) in steps.iter().enumerate() {
        let before = unix_now();
        let result = match i {
            0 => client.put("k", 1.5, Some(1))?,
            1 => client.get("k")?.map(drop),
            2 => client.get("*")?.map(drop),
            3 => client.put("cpu.load", 30.0, Some(1501864247))?,
            _ => client.put("k", 0.25, None)?,
        };
        let after = unix_now();
        let sessions =
            fake.wait_until(Duration::from_millis(500), |s| s.iter().map(|s| s.requests.len()).sum::<usize>() > i);
        let requests: Vec<Vec<u8>> = sessions.iter().flat_map(|s| s.requests.clone()).collect();
        let Some(sent) = requests.get(i) else {
            let received: Vec<u8> = sessions.iter().flat_map(|s| s.received.clone()).collect();
            let tail = received.get(requests.iter().map(Vec::len).sum::<usize>()..).unwrap_or_default();
            return Err(fail(
                format!(
                    "after {call} the server had received no complete request line for it ({}{})",
                    if tail.is_empty() {
                        "nothing more at all".to_owned()
                    } else {
                        format!("only {} without \\n", quoted(tail, 80))
                    },
                    result.err().map(|e| format!("; the call returned Err({e})")).unwrap_or_default()
                ),
                show_expect(expect),
                "every request is one line that ends with \\n: the server reads up to the \\n and answers only then",
            ));
        };
        if let Some(why) = wrong_request(sent, expect, before, after) {
            return Err(fail(format!("for {call} the client sent {}", quoted(sent, 80)), show_expect(expect), why));
        }
        if let Err(e) = result {
            return Err(fail(
                format!("{call} sent the right line, the server answered `ok\\n\\n`, and the call returned Err({e})"),
                "Ok: `ok\\n\\n` is the server's success without data",
                "a put succeeds on `ok\\n\\n`; a get of a key the server does not know gets `ok\\n\\n` too and returns an empty map",
            ));
        }
    }
    Ok(())
}

/// The current Unix time in seconds, read by the check itself: the crate's `now()` is the
/// student's copy, which a wrong one would make agree with itself.
fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn show_expect(expect: &Expect) -> String {
    match expect {
        Expect::Exact(bytes) => format!("exactly {}", quoted(bytes, 80)),
        Expect::Put { key, value, ts: Some(ts) } => {
            format!("\"put {key} {value} {ts}\\n\" (the value written any way that reads as {value})")
        }
        Expect::Put { key, value, ts: None } => {
            format!("\"put {key} {value} <now>\\n\", <now> being the current Unix time in seconds")
        }
    }
}

/// Why `sent` is not the request `expect` wants, if it is not.
fn wrong_request(sent: &[u8], expect: &Expect, before: i64, after: i64) -> Option<String> {
    const SWAPPED: &str =
        "the value and the timestamp are swapped: the protocol's order is put <key> <value> <timestamp>";
    let words = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes).trim_end_matches('\n').split(' ').map(str::to_owned).collect()
    };
    let sent_words = words(sent);
    match expect {
        Expect::Exact(bytes) if sent == *bytes => None,
        Expect::Exact(bytes) => {
            let want = words(bytes);
            let swapped = sent_words.len() == 4
                && want.len() == 4
                && sent_words[0] == "put"
                && sent_words[2] == want[3]
                && sent_words[3] == want[2];
            Some(if swapped {
                SWAPPED.to_owned()
            } else if !sent.ends_with(b"\n") {
                "every request is one line that ends with \\n (and nothing after it)".to_owned()
            } else {
                "a request is the command and its arguments separated by single spaces, ending with \\n: nothing more, nothing less".to_owned()
            })
        }
        Expect::Put { key, value, ts } => {
            let [command, k, v, t] = sent_words.as_slice() else {
                return Some(
                    "a put is exactly four words separated by single spaces, `put <key> <value> <timestamp>`, then \\n"
                        .to_owned(),
                );
            };
            if command != "put" || !sent.ends_with(b"\n") {
                return Some("a put is one line: `put <key> <value> <timestamp>\\n`".to_owned());
            }
            if k != key {
                return Some(format!("the key is sent as it was given, {key:?}"));
            }
            let v: Option<f64> = v.parse().ok();
            let t: Option<i64> = t.parse().ok();
            match (v, t, ts) {
                (Some(v), Some(t), _) if v != *value && t as f64 == *value => Some(SWAPPED.to_owned()),
                (Some(v), _, _) if v != *value => Some(format!(
                    "the value must read back as the same number, {value}: write it with {{}} (f64's Display), not rounded"
                )),
                (None, _, _) => Some(format!("the value must be written as a number ({value})")),
                (_, None, _) => Some("the timestamp is an integer, written in decimal digits".to_owned()),
                (_, Some(t), Some(ts)) if t != *ts => Some(format!("the timestamp is the one given, {ts}")),
                (_, Some(t), None) if t < before - 1 || t > after + 1 => Some(format!(
                    "a put without a timestamp uses the current time in whole seconds since 1970 (it was {before} when the call started), as SystemTime::now().duration_since(UNIX_EPOCH) gives it; {t} is not that{}",
                    if t > after * 100 { " (milliseconds?)" } else { "" }
                )),
                _ => None,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// get_parses_reply, replies_byte_by_byte
// ---------------------------------------------------------------------------------------------

/// The fake server's replies for the parsing checks: measurements in no particular order.
fn scripted_reply(line: &str) -> Vec<u8> {
    match line {
        "get k1\n" => b"ok\nk1 0.35 3\nk1 0.25 1\nk1 2.156 2\n\n".to_vec(),
        "get *\n" => b"ok\nk2 30 4\nk1 0.35 3\nk2 41.0 5\nk1 0.25 1\nk1 2.156 2\n\n".to_vec(),
        "get cpu.load\n" => b"ok\ncpu.load 10 1501864247\ncpu.load -1.5e3 1501864248\n\n".to_vec(),
        line if line.starts_with("put ") => OK_EMPTY.to_vec(),
        _ => OK_EMPTY.to_vec(),
    }
}

/// The gets of the parsing checks and the maps they must return.
fn expected_gets() -> Vec<(&'static str, Metrics)> {
    vec![
        ("k1", metrics(&[("k1", &[(1, 0.25), (2, 2.156), (3, 0.35)])])),
        ("*", metrics(&[("k1", &[(1, 0.25), (2, 2.156), (3, 0.35)]), ("k2", &[(4, 30.0), (5, 41.0)])])),
        ("cpu.load", metrics(&[("cpu.load", &[(1501864247, 10.0), (1501864248, -1500.0)])])),
        ("k3", Metrics::new()),
    ]
}

/// Runs the gets of [`expected_gets`] (after a put) against `fake`; `how` says how the replies
/// were sent, for messages.
fn gets_parse(fake: &FakeMetricsServer, how: &str, why_split: Option<&str>) -> Verdict {
    let client = connect(fake, TIMEOUT)?;
    if let Err(e) = client.put("k1", 0.25, Some(1))? {
        return Err(fail(
            format!("put(\"k1\", 0.25, Some(1)) returned Err({e}) for the reply `ok\\n\\n` {how}"),
            "Ok(())",
            why_split.unwrap_or("`ok\\n\\n` is the reply to a successful put"),
        ));
    }
    for (key, want) in expected_gets() {
        let reply = scripted_reply(&format!("get {key}\n"));
        let got = client.get(key)?;
        let observed = match &got {
            Ok(m) if *m == want => continue,
            Ok(m) => {
                format!("get({key:?}) returned Ok({}) for the reply {} {how}", show_metrics(m), quoted(&reply, 120))
            }
            Err(e) => format!("get({key:?}) returned Err({e}) for the reply {} {how}", quoted(&reply, 120)),
        };
        let why = match (&got, why_split) {
            (Ok(m), _) if same_points_unsorted(m, &want) => "each key's measurements must be sorted by timestamp: the server may send the lines in any order, and the client sorts them (sort_by_key on the timestamp)",
            (_, Some(why)) => why,
            (Ok(_), None) => "every line `<key> <value> <timestamp>` of the reply is one measurement, grouped by key; values are numbers (30, 41.0 and -1.5e3 are floats), timestamps integers",
            (Err(_), None) => "this reply follows the protocol: `ok`, one line per measurement, then an empty line; every field parses (value as f64, timestamp as i64)",
        };
        return Err(fail(observed, format!("Ok({})", show_metrics(&want)), why));
    }
    Ok(())
}

fn same_points_unsorted(got: &Metrics, want: &Metrics) -> bool {
    let sorted = |m: &Metrics| -> Vec<(String, Vec<(i64, u64)>)> {
        m.iter()
            .map(|(k, p)| {
                let mut p: Vec<(i64, u64)> = p.iter().map(|(t, v)| (*t, v.to_bits())).collect();
                p.sort_unstable();
                (k.clone(), p)
            })
            .collect()
    };
    sorted(got) == sorted(want)
}

fn get_parses_reply(_ctx: &Context) -> Verdict {
    let fake = fake(Pace::Whole, scripted_reply);
    gets_parse(&fake, "(sent in one piece)", None)
}

fn replies_byte_by_byte(_ctx: &Context) -> Verdict {
    let fake = fake(Pace::ByteByByte(BYTE_PAUSE), scripted_reply);
    gets_parse(
        &fake,
        &format!("sent one byte at a time, {} ms apart", BYTE_PAUSE.as_millis()),
        Some("TCP is a stream: one read() returns whatever has arrived, here a single byte. The client must keep reading until the empty line that ends the reply has arrived (BufReader::read_until(b'\\n') in a loop, until a line is empty), never parse what one read() returned"),
    )
}

// ---------------------------------------------------------------------------------------------
// malformed_replies_rejected
// ---------------------------------------------------------------------------------------------

fn malformed_replies_rejected(_ctx: &Context) -> Verdict {
    struct Case {
        call: &'static str,
        reply: &'static [u8],
        close: bool,
        what: &'static str,
    }
    let cases = [
        Case { call: "put", reply: ERROR_REPLY, close: false, what: "the error reply, to a put" },
        Case {
            call: "put",
            reply: b"ok\nk1 0.5 1\n\n",
            close: false,
            what: "measurements, to a put (which gets `ok` alone)",
        },
        Case {
            call: "put",
            reply: b"hello\n\n",
            close: false,
            what: "a first line that is neither ok nor error, to a put",
        },
        Case { call: "get", reply: ERROR_REPLY, close: false, what: "the error reply, to a get" },
        Case {
            call: "get",
            reply: b"ok\nblablabla\n\n",
            close: false,
            what: "a line that is not <key> <value> <timestamp>",
        },
        Case { call: "get", reply: b"ok\nk1 abc 1\n\n", close: false, what: "a value that is not a number" },
        Case { call: "get", reply: b"ok\nk1 0.5 1.5\n\n", close: false, what: "a timestamp that is not an integer" },
        Case {
            call: "get",
            reply: b"ok\nk1 1501864247 0.5\n\n",
            close: false,
            what: "the value and the timestamp swapped",
        },
        Case {
            call: "get",
            reply: b"ok\nk1 0.5 1\n",
            close: true,
            what: "no final empty line: the server closes after the last line",
        },
        Case { call: "get", reply: b"", close: true, what: "no reply at all: the server closes the connection" },
    ];
    let mut accepted = Vec::new();
    for case in &cases {
        let (reply, close) = (case.reply.to_vec(), case.close);
        let fake = FakeMetricsServer::start(Pace::Whole, move |_| {
            if close {
                Answer::ReplyThenClose(reply.clone())
            } else {
                Answer::Reply(reply.clone())
            }
        })
        .expect("starting the fake metrics server");
        let client = connect(&fake, TIMEOUT)?;
        let shown =
            format!("{}{}", quoted(case.reply, 80), if case.close { " then the connection closed" } else { "" });
        let result = if case.call == "put" {
            client.put("k1", 0.5, Some(1)).map_err(|f| hang(f, &shown))?.map(|()| "Ok(())".to_owned())
        } else {
            client.get("k1").map_err(|f| hang(f, &shown))?.map(|m| format!("Ok({})", show_metrics(&m)))
        };
        if let Ok(returned) = result {
            let call = if case.call == "put" { "put(\"k1\", 0.5, Some(1))" } else { "get(\"k1\")" };
            accepted.push((case.reply, format!("{call} returned {returned} for {shown} ({})", case.what)));
        }
    }
    let Some((first, _)) = accepted.first() else {
        return Ok(());
    };
    let list: Vec<&str> = accepted.iter().map(|(_, text)| text.as_str()).collect();
    Err(fail(
        format!("{} of {} malformed replies were accepted: {}", accepted.len(), cases.len(), list.join("; ")),
        "Err(ClientError) for every one of them",
        malformed_why(first),
    ))
}

/// A hang on a malformed reply, named.
fn hang(mut f: Failure, shown: &str) -> Failure {
    f.observed = format!("with the reply {shown}: {}", f.observed);
    f
}

fn malformed_why(reply: &[u8]) -> String {
    let why = match reply {
        b"error\nwrong command\n\n" => "`error` is the server saying the request failed: put and get return Err(ClientError::Server(message)), never Ok",
        b"ok\nblablabla\n\n" => "`blablabla` is not a measurement line: every line between `ok` and the empty line must be exactly <key> <value> <timestamp>; a line that does not parse is an error, never skipped",
        b"ok\nk1 abc 1\n\n" => "the value must parse as a number (str::parse::<f64>); a value that does not is an error, not a 0 or a skipped line",
        b"ok\nk1 0.5 1.5\n\n" | b"ok\nk1 1501864247 0.5\n\n" => "the timestamp must parse as an integer (str::parse::<i64>): 0.5 or 1.5 is not a timestamp, so the line is malformed (here the fields may be swapped)",
        _ => "a reply ends with its empty line: when the connection closes (read returns 0 bytes) before it, the reply is incomplete and the call fails",
    };
    format!("{why}. A client trusts nothing it receives: anything the protocol does not allow is a ClientError")
}

// ---------------------------------------------------------------------------------------------
// one_connection_per_session
// ---------------------------------------------------------------------------------------------

fn one_connection_per_session(_ctx: &Context) -> Verdict {
    let fake =
        fake(Pace::Whole, |line| if line.starts_with("get") { b"ok\nk 1 1\n\n".to_vec() } else { OK_EMPTY.to_vec() });
    let client = connect(&fake, TIMEOUT)?;
    let after_new = fake.wait_until(Duration::from_millis(500), |s| !s.is_empty()).len();
    let calls = [
        ("put(\"k\", 1.0, Some(1))", client.put("k", 1.0, Some(1))?.err()),
        ("put(\"k\", 2.0, Some(2))", client.put("k", 2.0, Some(2))?.err()),
        ("get(\"k\")", client.get("k")?.err()),
    ];
    if let Some((call, Some(e))) = calls.iter().find(|(_, e)| e.is_some()) {
        return Err(fail(
            format!("{call} returned Err({e}) while the server answered every request correctly"),
            "Ok for each of the 3 requests",
            "put gets `ok\\n\\n`, get gets `ok\\nk 1 1\\n\\n`: both are valid replies",
        ));
    }
    let sessions =
        fake.wait_until(Duration::from_millis(200), |s| s.iter().map(|s| s.requests.len()).sum::<usize>() >= 3);
    if sessions.len() != 1 {
        let per: Vec<String> = sessions
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let lines: Vec<String> = s.requests.iter().map(|r| escape(r, 40)).collect();
                format!(
                    "connection {}: {}",
                    i + 1,
                    if lines.is_empty() { "no request".to_owned() } else { lines.join(" ") }
                )
            })
            .collect();
        return Err(fail(
            format!("{} connections for 3 requests ({})", sessions.len(), per.join("; ")),
            "1 connection, opened by Client::new, carrying all 3 requests",
            "a session is one connection: Client::new connects once and keeps the TcpStream in the Client; put and get write to that stream. A connection per request costs a TCP handshake each time and makes the server see a new client each time",
        ));
    }
    if after_new == 0 {
        return Err(fail(
            "Client::new returned without connecting: the connection was opened only by the first request",
            "Client::new connects (so that an unreachable server is reported by new)",
            "Client::new(host, port, timeout) returns Result: its job is to connect, and a refused or unreachable server must be its error",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// timeout_honoured
// ---------------------------------------------------------------------------------------------

fn timeout_honoured(_ctx: &Context) -> Verdict {
    let (lo, hi) = (SHORT_TIMEOUT * 4 / 5, SHORT_TIMEOUT * 6 / 5);
    let limit = SHORT_TIMEOUT * 5;
    timing::decide(3, |_| {
        let fake = FakeMetricsServer::start(Pace::Whole, |_| Answer::Silent).expect("starting the fake metrics server");
        let client = match connect(&fake, SHORT_TIMEOUT) {
            Ok(client) => client,
            Err(f) => return Measurement { judgement: Judgement::Fatal(f), summary: "Client::new failed".to_owned() },
        };
        let probe = LoadProbe::start(limit);
        let start = Instant::now();
        let _ = client.calls.send(Call::Get("k".to_owned()));
        let next = client.results.next(limit);
        let took = start.elapsed();
        let late = probe.finish();
        let summary = format!(
            "get gave up after {} ms (timeout {} ms; the machine woke threads up to {} ms late)",
            took.as_millis(),
            SHORT_TIMEOUT.as_millis(),
            late.as_millis()
        );
        let judgement = match next {
            Next::Item(Outcome::Got(Err(_))) if took >= lo && took <= hi => Judgement::Pass,
            Next::Item(Outcome::Got(Err(e))) if took < lo => Judgement::Fail(fail(
                format!("against a server that accepts and never answers, get(\"k\") returned Err({e}) after {} ms, with a timeout of {} ms", took.as_millis(), SHORT_TIMEOUT.as_millis()),
                format!("Err(ClientError) after {}-{} ms (the timeout ± 20%)", lo.as_millis(), hi.as_millis()),
                "the client gave up before its timeout: the read timeout is the timeout given to Client::new, unchanged (Duration, not divided, not a fixed value)",
            )),
            Next::Item(Outcome::Got(Err(e))) if late > Duration::from_millis(50) => Judgement::Unsure(format!("get returned Err({e}) late, but the machine itself was {} ms late", late.as_millis())),
            Next::Item(Outcome::Got(Err(e))) => Judgement::Fail(fail(
                format!("against a server that accepts and never answers, get(\"k\") returned Err({e}) only after {} ms, with a timeout of {} ms", took.as_millis(), SHORT_TIMEOUT.as_millis()),
                format!("Err(ClientError) after {}-{} ms (the timeout ± 20%)", lo.as_millis(), hi.as_millis()),
                "the timeout given to Client::new is the longest the client waits for the server: set it as the socket's read timeout (set_read_timeout(Some(timeout))), once, not a longer or repeated wait",
            )),
            Next::Item(Outcome::Got(Ok(m))) => Judgement::Fatal(fail(
                format!("against a server that never answers, get(\"k\") returned Ok({}) after {} ms", show_metrics(&m), took.as_millis()),
                "Err(ClientError): no reply came",
                "no reply is not an empty reply: a read that times out fails (ErrorKind::WouldBlock or TimedOut) and that error is the call's result",
            )),
            Next::TimedOut => Judgement::Fatal(fail(
                format!("against a server that accepts and never answers, get(\"k\") had not returned after {} ms, with a timeout of {} ms", limit.as_millis(), SHORT_TIMEOUT.as_millis()),
                format!("Err(ClientError) after {}-{} ms (the timeout ± 20%)", lo.as_millis(), hi.as_millis()),
                "without a read timeout, read() waits forever for a server that never answers. Client::new must call set_read_timeout(Some(timeout)) (and set_write_timeout) on the stream, so that the read fails once the timeout has passed",
            )),
            Next::Panicked(text) => Judgement::Fatal(fail(format!("get(\"k\") panicked: {text}"), "Err(ClientError) after the timeout", "a client returns errors; it never panics")),
            _ => Judgement::Fatal(fail("the client's thread ended without an answer", "Err(ClientError) after the timeout", "the client's thread ended early")),
        };
        Measurement { judgement, summary }
    })
}

// ---------------------------------------------------------------------------------------------
// connect_timeout
// ---------------------------------------------------------------------------------------------

/// Promise `connect-timeout`: `Client::new` gives up connecting after its timeout.
fn connect_timeout(_ctx: &Context) -> Verdict {
    let t = SHORT_TIMEOUT;
    let (lo, hi) = (t * 4 / 5, t * 6 / 5);
    let limit = t * 6;
    timing::decide(3, |_| {
        let hang = match HangingConnect::start_for_measurement() {
            Ok(hang) => hang,
            Err(cannot) => return cannot,
        };
        let port = hang.port();
        let what = format!("Client::new(\"127.0.0.1\", {port}, {t:?})");
        let situation = format!("the server at 127.0.0.1:{port} never answered the connection attempt (its queue was full, so the system dropped the SYN, as for a machine that is down)");
        let probe = LoadProbe::start(limit + Duration::from_secs(1));
        let start = Instant::now();
        let results = watch::spawn("student-client", move |report| {
            report.send(Client::new("127.0.0.1", port, t).map(drop).map_err(|e| show_error(&e)));
        });
        let next = results.next(limit);
        let took = start.elapsed();
        let late = probe.finish();
        let summary = format!(
            "Client::new returned after {} ms (timeout {} ms; the machine woke threads up to {} ms late)",
            took.as_millis(),
            t.as_millis(),
            late.as_millis()
        );
        let expected = format!("Err(ClientError) after {}-{} ms (the timeout ± 20%)", lo.as_millis(), hi.as_millis());
        let judgement = match next {
            Next::Item(Err(_)) if took >= lo && took <= hi => Judgement::Pass,
            Next::Item(Err(e)) if took < lo => Judgement::Fail(fail(
                format!("{situation}; {what} returned Err({e}) after {} ms", took.as_millis()),
                expected,
                "the client gave up connecting before its timeout: connect with TcpStream::connect_timeout(&addr, timeout), the timeout given to Client::new, unchanged",
            )),
            Next::Item(Err(e)) if took.saturating_sub(late) <= hi => {
                Judgement::Unsure(format!("Client::new returned Err({e}) late, but the machine itself was {} ms late", late.as_millis()))
            }
            Next::Item(Err(e)) => Judgement::Fail(fail(
                format!("{situation}; {what} returned Err({e}), but it gave up connecting only after {} ms", took.as_millis()),
                expected,
                "the timeout given to Client::new is the longest it waits for the server to answer: TcpStream::connect_timeout(&addr, timeout) with that timeout, not a fixed or longer one",
            )),
            Next::Item(Ok(())) => Judgement::Fatal(fail(
                format!("{situation}; {what} returned Ok after {} ms", took.as_millis()),
                "Err(ClientError): no connection was made",
                "Client::new connects, and a connection nobody answers is its error: a session must not start without a connection",
            )),
            Next::TimedOut => Judgement::Fatal(fail(
                format!("{situation}; {what} had not returned after {} ms", limit.as_millis()),
                expected,
                "TcpStream::connect waits for the system's own limit when nobody answers (about two minutes on Linux): connect with TcpStream::connect_timeout(&addr, timeout) for each address of (host, port).to_socket_addrs()",
            )),
            Next::Panicked(text) => Judgement::Fatal(fail(format!("{what} panicked: {text}"), expected, "a client returns a ClientError when it cannot connect; it never panics")),
            Next::Ended => Judgement::Fatal(fail(format!("{what} did not report back"), expected, "the client's thread ended early")),
        };
        drop(hang);
        Measurement { judgement, summary }
    })
}

// ---------------------------------------------------------------------------------------------
// write_timeout
// ---------------------------------------------------------------------------------------------

/// The key of the long put in write_timeout: far more than any socket buffer here holds.
const LONG_KEY_BYTES: usize = 4 << 20;

/// Promise `write-timeout`: a put to a server that reads nothing ends with an error once a write
/// has made no progress for the timeout, not a write blocked forever.
///
/// A write timeout bounds each write call, and a call that got some bytes through returns them
/// when its time is up, so a long write_all may take a few timeouts before a call gets nothing
/// through at all and fails. What is judged is that last stretch: the check watches how many
/// bytes the client has handed to its kernel (its socket's queue plus the server's, from
/// /proc/net/tcp), and the error must come between T and 2T after the last of them (the failing
/// call waits T, and began when the previous one, which got its last bytes through, ended).
fn write_timeout(_ctx: &Context) -> Verdict {
    let t = SHORT_TIMEOUT;
    let (lo, hi) = (t * 4 / 5, t * 2 * 6 / 5);
    let limit = Duration::from_secs(8);
    let what = format!("put(<a key of {LONG_KEY_BYTES} bytes>, 1.5, Some(1))");
    timing::decide(3, |_| {
        let fake = FakeServer::start(Scenario::Deaf).expect("starting the fake server");
        let port = fake.port();
        let situation = format!(
            "the server at 127.0.0.1:{port} accepted the connection and never read anything, so the buffers were full after a few tens of kilobytes"
        );
        let probe = LoadProbe::start(limit + Duration::from_secs(1));
        let start = Instant::now();
        let results = watch::spawn("student-client", move |report| {
            let mut client = match Client::new("127.0.0.1", port, t) {
                Ok(client) => client,
                Err(e) => return report.send(Err(format!("Client::new returned Err({})", show_error(&e)))),
            };
            let key = "k".repeat(LONG_KEY_BYTES);
            let result = client.put(&key, 1.5, Some(1)).map_err(|e| show_error(&e));
            report.send(Ok((result, Instant::now())));
            // Dropping the client now would send its FIN, which the watcher would take for bytes
            // got through after the call ended: kept until the process exits.
            std::mem::forget(client);
        });
        // (when, bytes the client had got through by then), at every change seen.
        let mut growth: Vec<(Instant, usize)> = Vec::new();
        let next = loop {
            match results.next(Duration::from_millis(5)) {
                Next::TimedOut if start.elapsed() < limit => {
                    let Some(peer) = fake.connections().first().map(|c| c.peer) else { continue };
                    let now = net::queued_from(peer, fake.addr());
                    if let Some(now) = now.filter(|&now| growth.last().is_none_or(|&(_, w)| w != now)) {
                        growth.push((Instant::now(), now));
                    }
                }
                other => break other,
            }
        };
        let late = probe.finish();
        let (written, grew_at) = match growth.last() {
            Some(&(at, w)) => (w, Some(at)),
            None => (0, None),
        };
        let expected = format!(
            "Err(ClientError) {}-{} ms after the last bytes got through (the failing write waits the timeout, {} ms, and began at most one timeout after them)",
            lo.as_millis(),
            hi.as_millis(),
            t.as_millis()
        );
        let (result, ended) = match next {
            Next::Item(Ok(item)) => item,
            Next::Item(Err(e)) => {
                let f = fail(
                    format!("{e} while a server listened on 127.0.0.1:{port}"),
                    "Ok(client): the connection is made",
                    "Client::new connects to (host, port) with TcpStream::connect_timeout and keeps the stream",
                );
                return fatal(f);
            }
            Next::TimedOut => {
                return fatal(fail(
                    format!(
                        "{situation}; {what}, with a timeout of {} ms, had not returned after {} ms (the last bytes got through {} ms after the call)",
                        t.as_millis(),
                        limit.as_millis(),
                        grew_at.map(|g| g.saturating_duration_since(start).as_millis().to_string()).unwrap_or_else(|| "?".to_owned())
                    ),
                    expected,
                    "without a write timeout, write() waits forever for a server that reads nothing (its receive buffer and the client's send buffer are full). Client::new must call set_write_timeout(Some(timeout)) as well as set_read_timeout on the stream, so that a write that cannot go on fails once the timeout has passed",
                ))
            }
            Next::Panicked(text) => {
                return fatal(fail(format!("{what} panicked: {text}"), expected, "a client returns errors; it never panics"))
            }
            Next::Ended => return fatal(fail(format!("{what} did not report back"), expected, "the client's thread ended early")),
        };
        let Some(grew_at) = grew_at else {
            return Measurement {
                judgement: Judgement::CannotMeasure(
                    "the client's socket could not be found in /proc/net/tcp".to_owned(),
                ),
                summary: "no progress observed".to_owned(),
            };
        };
        let quiet = ended.saturating_duration_since(grew_at);
        let summary = format!(
            "the put returned {} {} ms after it started and {} ms after its last bytes got through ({written} bytes in all; timeout {} ms; the machine woke threads up to {} ms late)",
            if result.is_ok() { "Ok" } else { "Err" },
            ended.saturating_duration_since(start).as_millis(),
            quiet.as_millis(),
            t.as_millis(),
            late.as_millis()
        );
        if written >= LONG_KEY_BYTES {
            // The whole request fitted in the buffers: no write was blocked, nothing to judge.
            return Measurement {
                judgement: Judgement::CannotMeasure(format!(
                    "the whole request fitted in this machine's socket buffers ({summary})"
                )),
                summary,
            };
        }
        let judgement = match result {
            Ok(()) => Judgement::Fatal(fail(
                format!("{situation}; {what} returned Ok ({written} of its bytes got through)"),
                "Err(ClientError): the request could not even be sent",
                "the server read nothing and answered nothing: a put succeeds only on `ok\\n\\n`; a write that fails (WouldBlock after the write timeout) is the call's error",
            )),
            Err(_) if quiet >= lo && quiet <= hi => Judgement::Pass,
            Err(e) if quiet < lo => Judgement::Fail(fail(
                format!("{situation}; {what} returned Err({e}) {} ms after its last bytes got through, with a timeout of {} ms", quiet.as_millis(), t.as_millis()),
                expected,
                "the client gave up writing before its timeout: the write timeout is the timeout given to Client::new (set_write_timeout(Some(timeout))), unchanged",
            )),
            Err(e) if quiet.saturating_sub(late) <= hi => {
                Judgement::Unsure(format!("the put returned Err({e}) late, but the machine itself was {} ms late", late.as_millis()))
            }
            Err(e) => Judgement::Fail(fail(
                format!("{situation}; {what} returned Err({e}) only {} ms after its last bytes got through, with a timeout of {} ms", quiet.as_millis(), t.as_millis()),
                expected,
                "each write may wait at most the timeout given to Client::new: set it as the socket's write timeout (set_write_timeout(Some(timeout))), not a fixed or longer one, and do not retry a write that timed out",
            )),
        };
        Measurement { judgement, summary }
    })
}

fn fatal(f: Failure) -> Measurement {
    let summary = f.observed.clone();
    Measurement { judgement: Judgement::Fatal(f), summary }
}

// ---------------------------------------------------------------------------------------------
// long_request_sent_whole
// ---------------------------------------------------------------------------------------------

/// The key of the put in long_request_sent_whole: several times what the buffers hold.
const WHOLE_KEY_BYTES: usize = 256 << 10;

/// Promise `put-request-bytes`, for a request longer than the socket buffers: the server begins
/// reading only 1.5 timeouts after accepting, so the client's write is still waiting when its
/// write timeout comes; a write returns part of the request then, and only a client that goes on
/// (write_all) sends it whole and gets its `ok`.
fn long_request_sent_whole(_ctx: &Context) -> Verdict {
    let t = TIMEOUT;
    let pause = t * 3 / 2;
    let what = format!("put(<a key of {WHOLE_KEY_BYTES} bytes>, 1.5, Some(1))");
    let key = "k".repeat(WHOLE_KEY_BYTES);
    let line = format!("put {key} 1.5 1\n").into_bytes();
    timing::decide(2, |_| {
        let fake = FakeMetricsServer::start(Pace::LateReader(pause), |_| Answer::Reply(OK_EMPTY.to_vec()))
            .expect("starting the fake metrics server");
        let client = match connect(&fake, t) {
            Ok(client) => client,
            Err(f) => return fatal(f),
        };
        let result = match client.put(&key, 1.5, Some(1)) {
            Ok(result) => result,
            Err(mut f) => {
                let short = format!("<a key of {WHOLE_KEY_BYTES} bytes>");
                f.observed = f.observed.replace(&key, &short);
                f.expected = f.expected.replace(&key, &short);
                return fatal(f);
            }
        };
        let sessions =
            fake.wait_until(Duration::from_millis(300), |s| s.first().is_some_and(|s| !s.requests.is_empty()));
        let Some(session) = sessions.first() else {
            return fatal(fail(format!("{what}: no connection"), "one connection", "Client::new connects"));
        };
        let began = session.reading_from.map(|r| r.saturating_duration_since(session.accepted_at));
        let situation = format!(
            "the server began reading {} ms after accepting the connection (the client's timeout is {} ms), through small buffers",
            began.map(|b| b.as_millis().to_string()).unwrap_or_else(|| "?".to_owned()),
            t.as_millis()
        );
        let summary = format!("{situation}; the put returned {}", if result.is_ok() { "Ok" } else { "Err" });
        let received = session.received.len();
        let judgement = match (result, session.requests.first()) {
            (Ok(()), Some(request)) if *request == line => Judgement::Pass,
            (Ok(()), _) => Judgement::Fatal(fail(
                format!("{situation}; {what} returned Ok, but the server received {} (of the {} bytes of `put <key> 1.5 1\\n`)", quoted(&session.received, 60), line.len()),
                format!("the {} bytes of `put <key> 1.5 1\\n`, whole", line.len()),
                "every request is one line, sent whole, in order: the server answers only once it has read up to the \\n",
            )),
            (Err(_), _) if began.is_none_or(|b| b > pause + t / 4) => {
                Judgement::Unsure(format!("the server began reading late ({situation})"))
            }
            (Err(e), _) => Judgement::Fail(fail(
                format!("{situation}; {what} returned Err({e}); the server had received {received} of the request's {} bytes{}", line.len(), if session.requests.is_empty() { ", no \\n" } else { "" }),
                "Ok(()): the whole request sent, then `ok\\n\\n` received",
                "write() sends what fits in the socket's buffers and returns how many bytes that was: with a write timeout, a long write returns part of the request when the timeout comes, and the rest is never sent. write_all goes on with the rest (each write waiting at most the timeout while nothing moves), so the server gets the whole line and answers",
            )),
        };
        Measurement { judgement, summary }
    })
}

// ---------------------------------------------------------------------------------------------
// bad_keys_refused
// ---------------------------------------------------------------------------------------------

/// Promise `bad-key-refused`: a key that is empty or holds whitespace is refused before
/// anything is sent (it would break the request line apart).
fn bad_keys_refused(_ctx: &Context) -> Verdict {
    let fake = FakeMetricsServer::replying(Pace::Whole, OK_EMPTY).expect("starting the fake metrics server");
    let client = connect(&fake, TIMEOUT)?;
    for key in ["", "a b", "a\nb", "tab\tkey"] {
        let put = client.put(key, 1.5, Some(7))?;
        let get = client.get(key)?.map(|m| show_metrics(&m));
        for (call, result) in
            [(format!("put({key:?}, 1.5, Some(7))"), put.map(|()| "()".to_owned())), (format!("get({key:?})"), get)]
        {
            match result {
                Err(e) if e.contains("BadKey") || e.to_lowercase().contains("key") => {}
                Err(e) => {
                    return Err(fail(
                        format!("{call} returned Err({e})"),
                        "Err(ClientError::BadKey(..)), whose text names the key",
                        "the key is checked before anything is sent: empty, or with whitespace (a space, a tab, a newline), is ClientError::BadKey",
                    ))
                }
                Ok(value) => {
                    return Err(fail(
                        format!("{call} returned Ok({value})"),
                        "Err(ClientError::BadKey(..)), and nothing sent",
                        "a key with whitespace, or an empty one, breaks the request line apart (`put a b 1.5 7` has one word too many, and a newline ends the request early): check the key first and return ClientError::BadKey",
                    ))
                }
            }
        }
    }
    let sent: Vec<u8> = fake.sessions().iter().flat_map(|s| s.received.clone()).collect();
    if !sent.is_empty() {
        return Err(fail(
            format!("the client refused the bad keys, but the server received {}", quoted(&sent, 120)),
            "nothing sent for a refused key",
            "check the key before writing the request: a refused call sends nothing",
        ));
    }
    Ok(())
}
