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
use pack_support::{fail, failure, text, Context, Failure, Verdict};

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
            Next::Panicked(text) if text.contains("not yet implemented") => {
                Err(failure!("ex16-call-panicked-todo", what, text))
            }
            Next::Panicked(text) => Err(failure!("ex16-call-panicked", what, text)),
            Next::TimedOut => Err(failure!(
                "ex16-call-hangs",
                what,
                watchdog_ms = WATCHDOG.as_millis() as u64,
                timeout_ms = TIMEOUT.as_millis() as u64
            )),
            Next::Ended => Err(failure!("ex16-call-ended", what)),
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
        Err(error) => Err(failure!("ex16-new-failed", port = fake.port(), timeout = format!("{timeout:?}"), error)),
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
            let tail = if tail.is_empty() {
                text!("ex16-nothing-more")
            } else {
                text!("ex16-only-without-newline", bytes = quoted(tail, 80))
            };
            let returned = result.err().map(|error| text!("ex16-call-returned-err", error)).unwrap_or_default();
            return Err(failure!("ex16-no-request-line", call = *call, tail, returned, expected = show_expect(expect)));
        };
        if let Some(why) = wrong_request(sent, expect, before, after) {
            let expected = show_expect(expect);
            return Err(failure!("ex16-wrong-request", call = *call, sent = quoted(sent, 80), expected, why));
        }
        if let Err(error) = result {
            return Err(failure!("ex16-ok-returned-err", call = *call, error));
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
        Expect::Exact(bytes) => text!("ex16-expect-exact", bytes = quoted(bytes, 80)),
        Expect::Put { key, value, ts: Some(ts) } => {
            text!("ex16-expect-put", key = *key, value = value.to_string(), ts = *ts)
        }
        Expect::Put { key, value, ts: None } => text!("ex16-expect-put-now", key = *key, value = value.to_string()),
    }
}

/// Why `sent` is not the request `expect` wants, if it is not.
fn wrong_request(sent: &[u8], expect: &Expect, before: i64, after: i64) -> Option<String> {
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
                text!("ex16-why-swapped")
            } else if !sent.ends_with(b"\n") {
                text!("ex16-why-line-end")
            } else {
                text!("ex16-why-single-spaces")
            })
        }
        Expect::Put { key, value, ts } => {
            let [command, k, v, t] = sent_words.as_slice() else {
                return Some(text!("ex16-why-four-words"));
            };
            if command != "put" || !sent.ends_with(b"\n") {
                return Some(text!("ex16-why-one-line"));
            }
            if k != key {
                return Some(text!("ex16-why-key-as-given", key = format!("{key:?}")));
            }
            let v: Option<f64> = v.parse().ok();
            let t: Option<i64> = t.parse().ok();
            let shown = value.to_string();
            match (v, t, ts) {
                (Some(v), Some(t), _) if v != *value && t as f64 == *value => Some(text!("ex16-why-swapped")),
                (Some(v), _, _) if v != *value => Some(text!("ex16-why-value-same", value = shown)),
                (None, _, _) => Some(text!("ex16-why-value-number", value = shown)),
                (_, None, _) => Some(text!("ex16-why-ts-integer")),
                (_, Some(t), Some(ts)) if t != *ts => Some(text!("ex16-why-ts-given", ts = *ts)),
                (_, Some(t), None) if t < before - 1 || t > after + 1 => Some(if t > after * 100 {
                    text!("ex16-why-ts-now-millis", before, t)
                } else {
                    text!("ex16-why-ts-now", before, t)
                }),
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
fn gets_parse(fake: &FakeMetricsServer, how: &str, why_split: Option<String>) -> Verdict {
    let client = connect(fake, TIMEOUT)?;
    if let Err(error) = client.put("k1", 0.25, Some(1))? {
        let why = why_split.unwrap_or_else(|| text!("ex16-ok-empty-is-put-success"));
        return Err(failure!("ex16-put-rejected", error, how, why));
    }
    for (key, want) in expected_gets() {
        let reply = scripted_reply(&format!("get {key}\n"));
        let got = client.get(key)?;
        let (call, reply) = (format!("get({key:?})"), quoted(&reply, 120));
        let observed = match &got {
            Ok(m) if *m == want => continue,
            Ok(m) => text!("ex16-get-returned-ok", call, metrics = show_metrics(m), reply, how),
            Err(error) => text!("ex16-get-returned-err", call, error, reply, how),
        };
        let why = match (&got, why_split) {
            (Ok(m), _) if same_points_unsorted(m, &want) => text!("ex16-why-sort"),
            (_, Some(why)) => why,
            (Ok(_), None) => text!("ex16-why-parse-lines"),
            (Err(_), None) => text!("ex16-why-valid-reply"),
        };
        // The expected map is code (`Ok({...})`), the same in every language.
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
    gets_parse(&fake, &text!("ex16-how-whole"), None)
}

fn replies_byte_by_byte(_ctx: &Context) -> Verdict {
    let fake = fake(Pace::ByteByByte(BYTE_PAUSE), scripted_reply);
    gets_parse(
        &fake,
        &text!("ex16-how-byte-by-byte", ms = BYTE_PAUSE.as_millis() as u64),
        Some(text!("ex16-why-stream")),
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
        what: String,
    }
    let cases = [
        Case { call: "put", reply: ERROR_REPLY, close: false, what: text!("ex16-case-error-to-put") },
        Case { call: "put", reply: b"ok\nk1 0.5 1\n\n", close: false, what: text!("ex16-case-measurements-to-put") },
        Case { call: "put", reply: b"hello\n\n", close: false, what: text!("ex16-case-unknown-first-line") },
        Case { call: "get", reply: ERROR_REPLY, close: false, what: text!("ex16-case-error-to-get") },
        Case { call: "get", reply: b"ok\nblablabla\n\n", close: false, what: text!("ex16-case-not-a-line") },
        Case { call: "get", reply: b"ok\nk1 abc 1\n\n", close: false, what: text!("ex16-case-value-not-number") },
        Case { call: "get", reply: b"ok\nk1 0.5 1.5\n\n", close: false, what: text!("ex16-case-ts-not-integer") },
        Case { call: "get", reply: b"ok\nk1 1501864247 0.5\n\n", close: false, what: text!("ex16-case-swapped") },
        Case { call: "get", reply: b"ok\nk1  0.5 1\n\n", close: false, what: text!("ex16-case-two-spaces") },
        Case { call: "get", reply: b"ok\nk1\t0.5\t1\n\n", close: false, what: text!("ex16-case-tabs") },
        Case { call: "get", reply: b"ok\nk1 0.5 1\n", close: true, what: text!("ex16-case-no-empty-line") },
        Case { call: "get", reply: b"", close: true, what: text!("ex16-case-no-reply") },
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
        let shown = if case.close {
            text!("ex16-reply-then-closed", reply = quoted(case.reply, 80))
        } else {
            quoted(case.reply, 80)
        };
        let result = if case.call == "put" {
            client.put("k1", 0.5, Some(1)).map_err(|f| hang(f, &shown))?.map(|()| "Ok(())".to_owned())
        } else {
            client.get("k1").map_err(|f| hang(f, &shown))?.map(|m| format!("Ok({})", show_metrics(&m)))
        };
        if let Ok(returned) = result {
            let call = if case.call == "put" { "put(\"k1\", 0.5, Some(1))" } else { "get(\"k1\")" };
            accepted.push((case.reply, text!("ex16-accepted-entry", call, returned, shown, what = &case.what)));
        }
    }
    let Some((first, _)) = accepted.first() else {
        return Ok(());
    };
    let list: Vec<&str> = accepted.iter().map(|(_, text)| text.as_str()).collect();
    let (count, total, list) = (accepted.len(), cases.len(), list.join("; "));
    Err(failure!("ex16-malformed-accepted", count, total, list, why = malformed_why(first)))
}

/// A hang on a malformed reply, named.
fn hang(mut f: Failure, shown: &str) -> Failure {
    f.observed = text!("ex16-with-the-reply", shown, observed = &f.observed);
    f
}

fn malformed_why(reply: &[u8]) -> String {
    let why = match reply {
        b"error\nwrong command\n\n" => text!("ex16-why-error-reply"),
        b"ok\nblablabla\n\n" => text!("ex16-why-not-a-line"),
        b"ok\nk1 abc 1\n\n" => text!("ex16-why-value-parse"),
        b"ok\nk1 0.5 1.5\n\n" | b"ok\nk1 1501864247 0.5\n\n" => text!("ex16-why-ts-parse"),
        b"ok\nk1  0.5 1\n\n" | b"ok\nk1\t0.5\t1\n\n" => text!("ex16-why-one-space"),
        _ => text!("ex16-why-incomplete"),
    };
    text!("ex16-malformed-why", why)
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
    if let Some((call, Some(error))) = calls.iter().find(|(_, e)| e.is_some()) {
        return Err(failure!("ex16-session-call-err", call = *call, error));
    }
    let sessions =
        fake.wait_until(Duration::from_millis(200), |s| s.iter().map(|s| s.requests.len()).sum::<usize>() >= 3);
    if sessions.len() != 1 {
        let per: Vec<String> = sessions
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let lines: Vec<String> = s.requests.iter().map(|r| escape(r, 40)).collect();
                text!(
                    "ex16-connection-requests",
                    n = i + 1,
                    requests = if lines.is_empty() { text!("ex16-no-request") } else { lines.join(" ") }
                )
            })
            .collect();
        return Err(failure!("ex16-many-connections", count = sessions.len(), per = per.join("; ")));
    }
    if after_new == 0 {
        return Err(failure!("ex16-new-did-not-connect"));
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
            Err(f) => return Measurement { judgement: Judgement::Fatal(f), summary: text!("ex16-summary-new-failed") },
        };
        let probe = LoadProbe::start(limit);
        let start = Instant::now();
        let _ = client.calls.send(Call::Get("k".to_owned()));
        let next = client.results.next(limit);
        let took = start.elapsed();
        let late = probe.finish();
        let (took_ms, timeout_ms, late_ms) =
            (took.as_millis() as u64, SHORT_TIMEOUT.as_millis() as u64, late.as_millis() as u64);
        let (lo_ms, hi_ms) = (lo.as_millis() as u64, hi.as_millis() as u64);
        let summary = text!("ex16-timeout-summary", took_ms, timeout_ms, late_ms);
        let judgement = match next {
            Next::Item(Outcome::Got(Err(_))) if took >= lo && took <= hi => Judgement::Pass,
            Next::Item(Outcome::Got(Err(error))) if took < lo => {
                Judgement::Fail(failure!("ex16-timeout-early", error, took_ms, timeout_ms, lo_ms, hi_ms))
            }
            Next::Item(Outcome::Got(Err(error))) if late > Duration::from_millis(50) => {
                Judgement::Unsure(text!("ex16-timeout-late-busy", error, late_ms))
            }
            Next::Item(Outcome::Got(Err(error))) => {
                Judgement::Fail(failure!("ex16-timeout-late", error, took_ms, timeout_ms, lo_ms, hi_ms))
            }
            Next::Item(Outcome::Got(Ok(m))) => {
                Judgement::Fatal(failure!("ex16-timeout-ok", metrics = show_metrics(&m), took_ms))
            }
            Next::TimedOut => Judgement::Fatal(failure!(
                "ex16-timeout-hangs",
                limit_ms = limit.as_millis() as u64,
                timeout_ms,
                lo_ms,
                hi_ms
            )),
            Next::Panicked(text) => Judgement::Fatal(failure!("ex16-timeout-panicked", text)),
            _ => Judgement::Fatal(failure!("ex16-timeout-thread-ended")),
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
        let situation = text!("ex16-connect-situation", port);
        let probe = LoadProbe::start(limit + Duration::from_secs(1));
        let start = Instant::now();
        let results = watch::spawn("student-client", move |report| {
            report.send(Client::new("127.0.0.1", port, t).map(drop).map_err(|e| show_error(&e)));
        });
        let next = results.next(limit);
        let took = start.elapsed();
        let late = probe.finish();
        let (took_ms, timeout_ms, late_ms) = (took.as_millis() as u64, t.as_millis() as u64, late.as_millis() as u64);
        let (lo_ms, hi_ms) = (lo.as_millis() as u64, hi.as_millis() as u64);
        let summary = text!("ex16-connect-summary", took_ms, timeout_ms, late_ms);
        let judgement = match next {
            Next::Item(Err(_)) if took >= lo && took <= hi => Judgement::Pass,
            Next::Item(Err(error)) if took < lo => {
                Judgement::Fail(failure!("ex16-connect-early", situation, what, error, took_ms, lo_ms, hi_ms))
            }
            Next::Item(Err(error)) if took.saturating_sub(late) <= hi => {
                Judgement::Unsure(text!("ex16-connect-late-busy", error, late_ms))
            }
            Next::Item(Err(error)) => {
                Judgement::Fail(failure!("ex16-connect-late", situation, what, error, took_ms, lo_ms, hi_ms))
            }
            Next::Item(Ok(())) => Judgement::Fatal(failure!("ex16-connect-ok", situation, what, took_ms)),
            Next::TimedOut => Judgement::Fatal(failure!(
                "ex16-connect-hangs",
                situation,
                what,
                limit_ms = limit.as_millis() as u64,
                lo_ms,
                hi_ms
            )),
            Next::Panicked(text) => Judgement::Fatal(failure!("ex16-connect-panicked", what, text, lo_ms, hi_ms)),
            Next::Ended => Judgement::Fatal(failure!("ex16-connect-ended", what, lo_ms, hi_ms)),
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
    let what = format!("put({}, 1.5, Some(1))", text!("ex16-long-key", bytes = LONG_KEY_BYTES));
    timing::decide(3, |_| {
        let fake = FakeServer::start(Scenario::Deaf).expect("starting the fake server");
        let port = fake.port();
        let situation = text!("ex16-deaf-situation", port);
        let probe = LoadProbe::start(limit + Duration::from_secs(1));
        let start = Instant::now();
        let results = watch::spawn("student-client", move |report| {
            let mut client = match Client::new("127.0.0.1", port, t) {
                Ok(client) => client,
                Err(e) => return report.send(Err(text!("ex16-new-returned-err", error = show_error(&e)))),
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
        let (timeout_ms, late_ms) = (t.as_millis() as u64, late.as_millis() as u64);
        let expected =
            text!("ex16-write-expected", lo_ms = lo.as_millis() as u64, hi_ms = hi.as_millis() as u64, timeout_ms);
        let (result, ended) = match next {
            Next::Item(Ok(item)) => item,
            Next::Item(Err(error)) => return fatal(failure!("ex16-write-new-failed", error, port)),
            Next::TimedOut => {
                return fatal(failure!(
                    "ex16-write-hangs",
                    situation,
                    what = &what,
                    timeout_ms,
                    limit_ms = limit.as_millis() as u64,
                    grew_ms = grew_at
                        .map(|g| g.saturating_duration_since(start).as_millis().to_string())
                        .unwrap_or_else(|| "?".to_owned()),
                    expected
                ))
            }
            Next::Panicked(text) => return fatal(failure!("ex16-write-panicked", what = &what, text, expected)),
            Next::Ended => return fatal(failure!("ex16-write-ended", what = &what, expected)),
        };
        let Some(grew_at) = grew_at else {
            return Measurement {
                judgement: Judgement::CannotMeasure(text!("ex16-socket-not-found")),
                summary: text!("ex16-summary-no-progress"),
            };
        };
        let quiet = ended.saturating_duration_since(grew_at);
        let quiet_ms = quiet.as_millis() as u64;
        let summary = text!(
            "ex16-write-summary",
            result = if result.is_ok() { "Ok" } else { "Err" },
            total_ms = ended.saturating_duration_since(start).as_millis() as u64,
            quiet_ms,
            written,
            timeout_ms,
            late_ms
        );
        if written >= LONG_KEY_BYTES {
            // The whole request fitted in the buffers: no write was blocked, nothing to judge.
            return Measurement {
                judgement: Judgement::CannotMeasure(text!("ex16-write-fitted", summary = &summary)),
                summary,
            };
        }
        let judgement = match result {
            Ok(()) => Judgement::Fatal(failure!("ex16-write-ok", situation, what = &what, written)),
            Err(_) if quiet >= lo && quiet <= hi => Judgement::Pass,
            Err(error) if quiet < lo => Judgement::Fail(failure!(
                "ex16-write-early",
                situation,
                what = &what,
                error,
                quiet_ms,
                timeout_ms,
                expected
            )),
            Err(error) if quiet.saturating_sub(late) <= hi => {
                Judgement::Unsure(text!("ex16-write-late-busy", error, late_ms))
            }
            Err(error) => Judgement::Fail(failure!(
                "ex16-write-late",
                situation,
                what = &what,
                error,
                quiet_ms,
                timeout_ms,
                expected
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
    let short = text!("ex16-long-key", bytes = WHOLE_KEY_BYTES);
    let what = format!("put({short}, 1.5, Some(1))");
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
                f.observed = f.observed.replace(&key, &short);
                f.expected = f.expected.replace(&key, &short);
                return fatal(f);
            }
        };
        let sessions =
            fake.wait_until(Duration::from_millis(300), |s| s.first().is_some_and(|s| !s.requests.is_empty()));
        let Some(session) = sessions.first() else {
            return fatal(failure!("ex16-no-connection", what = &what));
        };
        let began = session.reading_from.map(|r| r.saturating_duration_since(session.accepted_at));
        let situation = text!(
            "ex16-late-reader-situation",
            began_ms = began.map(|b| b.as_millis().to_string()).unwrap_or_else(|| "?".to_owned()),
            timeout_ms = t.as_millis() as u64
        );
        let summary = text!(
            "ex16-late-reader-summary",
            situation = &situation,
            result = if result.is_ok() { "Ok" } else { "Err" }
        );
        let received = session.received.len();
        let len = line.len();
        let judgement = match (result, session.requests.first()) {
            (Ok(()), Some(request)) if *request == line => Judgement::Pass,
            (Ok(()), _) => Judgement::Fatal(failure!(
                "ex16-late-reader-garbled",
                situation,
                what = &what,
                got = quoted(&session.received, 60),
                len
            )),
            (Err(_), _) if began.is_none_or(|b| b > pause + t / 4) => {
                Judgement::Unsure(text!("ex16-late-reader-late", situation))
            }
            (Err(error), _) => {
                let no_newline = if session.requests.is_empty() { text!("ex16-no-newline") } else { String::new() };
                Judgement::Fail(failure!(
                    "ex16-late-reader-err",
                    situation,
                    what = &what,
                    error,
                    received,
                    len,
                    no_newline
                ))
            }
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
                Err(error) => return Err(failure!("ex16-bad-key-other-err", call, error)),
                Ok(value) => return Err(failure!("ex16-bad-key-ok", call, value)),
            }
        }
    }
    let sent: Vec<u8> = fake.sessions().iter().flat_map(|s| s.received.clone()).collect();
    if !sent.is_empty() {
        return Err(failure!("ex16-bad-key-sent", sent = quoted(&sent, 120)));
    }
    Ok(())
}
