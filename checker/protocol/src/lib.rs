//! The verdict protocol between the checker and the programs it runs: one small crate that the
//! checker's runner, the public tests' sentinel and the grading pack's `pack_support` all use,
//! so that the three sides cannot drift apart.
//!
//! - A **hidden-check program** reads a per-run nonce as the first line of its standard input,
//!   before any student code runs, and writes its verdict as one JSON line ([`VerdictLine`]) to
//!   the descriptor [`RESULT_FD`] (named in the environment as [`RESULT_FD_VAR`]). If the checker
//!   stops it at its time limit, it may write what it saw of the hang instead ([`HangLine`]).
//!   The checker accepts exactly one verdict line with the right nonce and check name.
//! - A **public test process** gets the nonce on standard input too and nothing else extra. Of
//!   the two sentinel tests the checker appends to every test crate ([`sentinel_source`]), the
//!   first ([`SENTINEL_FIRST_TEST`]) takes the nonce off standard input before the test being
//!   checked runs any student code, and the last ([`SENTINEL_TEST`]) writes it back on standard
//!   error after [`SENTINEL_MARK`], which proves the process ran to its end.

pub mod syscall;

use serde::{Deserialize, Serialize};

/// The descriptor number of the verdict channel inside a hidden-check program.
pub const RESULT_FD: i32 = 3;

/// The environment variable that names [`RESULT_FD`] to the hidden-check program.
pub const RESULT_FD_VAR: &str = "CHECKER_RESULT_FD";

/// What the public tests' sentinel writes before the nonce, on a line of its own.
pub const SENTINEL_MARK: &str = "checker-sentinel: ";

/// The name of the sentinel test that runs last and writes the nonce back, as libtest lists it.
pub const SENTINEL_TEST: &str = "zzzz_checker_sentinel::zzzz_checker_sentinel";

/// The name of the sentinel test that runs first and takes the nonce, as libtest lists it:
/// `_` sorts before every lowercase letter, so it comes before every public test.
pub const SENTINEL_FIRST_TEST: &str = "__checker_sentinel_first::take_the_nonce";

/// Why a check failed, in the three parts every report shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// What the check saw, with the measured numbers.
    pub observed: String,
    /// What a correct solution does.
    pub expected: String,
    /// Why it matters, in terms of the lecture; ideally the likely cause in the student's code.
    pub why: String,
}

/// A check's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail {
        #[serde(flatten)]
        failure: Failure,
    },
    /// The check could not measure what it needed (a timing check on a machine kept busy by
    /// other processes): neither a pass nor a fail, to be graded again.
    NotJudged {
        why: String,
        /// Whether a busy machine was the reason (rather than something this machine cannot
        /// do at all): the checker then compares with the load it measured outside the job.
        #[serde(default)]
        busy: bool,
    },
}

/// The one line a hidden-check program writes on the verdict channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictLine {
    pub nonce: String,
    pub check: String,
    #[serde(flatten)]
    pub verdict: Verdict,
    /// What the check measured, shown whatever the verdict.
    #[serde(default)]
    pub measurements: Vec<String>,
}

impl VerdictLine {
    /// The line as written on the channel, with its newline.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("a verdict line serialises");
        line.push('\n');
        line
    }

    /// The one verdict line on `channel` that carries `nonce` and the check's name; anything else
    /// is ignored. Two lines with the right nonce cannot come from the protocol: both are
    /// distrusted.
    pub fn read(channel: &[u8], nonce: &str, check: &str) -> Option<VerdictLine> {
        let mut verdicts = lines::<VerdictLine>(channel).filter(|line| line.nonce == nonce && line.check == check);
        let first = verdicts.next()?;
        verdicts.next().is_none().then_some(first)
    }
}

/// What a check stopped at its time limit says about the hang.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HangLine {
    pub nonce: String,
    pub check: String,
    pub hang: Vec<String>,
}

impl HangLine {
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("a hang line serialises");
        line.push('\n');
        line
    }

    /// The hang report on `channel` that carries `nonce` and the check's name, if any.
    pub fn read(channel: &[u8], nonce: &str, check: &str) -> Vec<String> {
        lines::<HangLine>(channel)
            .find(|line| line.nonce == nonce && line.check == check)
            .map(|line| line.hang)
            .unwrap_or_default()
    }
}

fn lines<'a, T: serde::de::DeserializeOwned + 'a>(channel: &'a [u8]) -> impl Iterator<Item = T> + 'a {
    channel.split(|byte| *byte == b'\n').filter_map(|line| serde_json::from_slice::<T>(line).ok())
}

/// The sentinel tests' source, appended to every public test crate. libtest runs the tests it
/// is given in name order on one thread, so the first sentinel runs before the test being
/// checked and the last one after it. The first takes the nonce off standard input while no
/// student code has run yet (student code finds standard input empty), and keeps it where only
/// the last one can name it; the last writes it back, proving that the test process got to the
/// end: a test that calls `process::exit(0)` never lets it. It writes to the real standard
/// error, which libtest does not capture, and needs no `unsafe`. (Reading the nonce out of the
/// process's memory needs /proc/self/mem, which a test process the checker started as root
/// cannot open: see `compile::seal_for_jobs`.)
pub fn sentinel_source() -> String {
    format!(
        r#"

// Appended by the checker (see checker_protocol): proves the test process ran to the end.
#[cfg(test)]
mod __checker_sentinel_first {{
    pub(crate) static NONCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

    #[test]
    fn take_the_nonce() {{
        let mut nonce = String::new();
        let _ = std::io::stdin().read_line(&mut nonce);
        let _ = NONCE.set(nonce.trim().to_owned());
    }}
}}

#[cfg(test)]
mod zzzz_checker_sentinel {{
    #[test]
    fn zzzz_checker_sentinel() {{
        use std::io::Write;
        let nonce = crate::__checker_sentinel_first::NONCE.get().map(String::as_str).unwrap_or("");
        let _ = std::io::stderr().write_all(format!("\n{SENTINEL_MARK}{{}}\n", nonce).as_bytes());
    }}
}}
"#
    )
}

/// Whether the sentinel wrote `nonce` on `stderr`: the test process ran to its end.
pub fn sentinel_reached(stderr: &str, nonce: &str) -> bool {
    stderr.lines().any(|line| line.strip_prefix(SENTINEL_MARK) == Some(nonce))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(nonce: &str, check: &str) -> VerdictLine {
        VerdictLine { nonce: nonce.into(), check: check.into(), verdict: Verdict::Pass, measurements: Vec::new() }
    }

    #[test]
    fn a_verdict_needs_the_nonce_and_the_name() {
        let line = pass("abc", "c1").to_line();
        assert_eq!(VerdictLine::read(line.as_bytes(), "abc", "c1").map(|l| l.verdict), Some(Verdict::Pass));
        assert_eq!(VerdictLine::read(line.as_bytes(), "xyz", "c1"), None);
        assert_eq!(VerdictLine::read(line.as_bytes(), "abc", "c2"), None);
        assert_eq!(VerdictLine::read(b"test result: ok. 12 passed", "abc", "c1"), None);
    }

    #[test]
    fn two_verdicts_are_distrusted() {
        let lines = format!("{}{}", pass("a", "c").to_line(), pass("a", "c").to_line());
        assert_eq!(VerdictLine::read(lines.as_bytes(), "a", "c"), None);
    }

    #[test]
    fn a_failure_round_trips_in_the_wire_format() {
        let failure = Failure { observed: "o".into(), expected: "e".into(), why: "w".into() };
        let line = VerdictLine {
            nonce: "n".into(),
            check: "c".into(),
            verdict: Verdict::Fail { failure: failure.clone() },
            measurements: vec!["1 ms".into()],
        };
        let text = line.to_line();
        // The format the checker has always read: the failure's fields beside the tag.
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["verdict"], "fail");
        assert_eq!(value["observed"], "o");
        assert_eq!(VerdictLine::read(text.as_bytes(), "n", "c"), Some(line));
    }

    #[test]
    fn not_judged_is_a_verdict_of_its_own() {
        let line = VerdictLine {
            nonce: "n".into(),
            check: "c".into(),
            verdict: Verdict::NotJudged { why: "busy".into(), busy: true },
            measurements: Vec::new(),
        };
        let value: serde_json::Value = serde_json::from_str(&line.to_line()).unwrap();
        assert_eq!(value["verdict"], "not_judged");
        assert_eq!(VerdictLine::read(line.to_line().as_bytes(), "n", "c"), Some(line));
    }

    #[test]
    fn a_hang_report_needs_the_nonce_and_is_not_a_verdict() {
        let line = HangLine { nonce: "n".into(), check: "c".into(), hang: vec!["t1 waits for B".into()] }.to_line();
        assert_eq!(HangLine::read(line.as_bytes(), "n", "c"), ["t1 waits for B"]);
        assert!(HangLine::read(line.as_bytes(), "x", "c").is_empty());
        assert_eq!(VerdictLine::read(line.as_bytes(), "n", "c"), None);
    }

    #[test]
    fn the_sentinel_writes_the_mark_the_checker_reads() {
        let source = sentinel_source();
        assert!(source.contains(SENTINEL_MARK));
        assert!(SENTINEL_TEST.starts_with("zzzz_checker_sentinel::"));
        assert!(source.contains("mod __checker_sentinel_first") && source.contains("fn take_the_nonce"));
        // libtest's order: the first sentinel before any lowercase test name, the last after.
        assert!(SENTINEL_FIRST_TEST < "a" && SENTINEL_TEST > "z");
        assert!(sentinel_reached(&format!("noise\n{SENTINEL_MARK}n1\n"), "n1"));
        assert!(!sentinel_reached(&format!("{SENTINEL_MARK}n2\n"), "n1"));
        assert!(!sentinel_reached("n1\n", "n1"));
    }
}
