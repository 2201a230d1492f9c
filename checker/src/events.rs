//! What a run reports, as typed events and outcomes. The runner emits [`Event`]s; reporters
//! (console, JSON) consume them. Nothing here prints.

use crate::sandbox::{Exit, HangDiagnosis, ProcessInfo};
use crate::workcopy::SourcesDigest;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Build and run the public tests.
    Check,
    /// Build, run the public tests and the hidden checks, and score.
    Submit,
}

/// Why a check failed, in the three parts every report shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub observed: String,
    pub expected: String,
    pub why: String,
    /// Which of the checker's own findings this is, when the checker (not a hidden check) made
    /// it: the console then says it in the student's language (see [`crate::explanation`]);
    /// the three texts above are its English words, for the reports.
    #[serde(skip)]
    pub by_checker: Option<CheckerFailure>,
}

impl Failure {
    /// A failure in a hidden check's own words.
    pub fn new(observed: impl Into<String>, expected: impl Into<String>, why: impl Into<String>) -> Failure {
        Failure { observed: observed.into(), expected: expected.into(), why: why.into(), by_checker: None }
    }
}

/// The failures the checker finds itself, around the public tests and the checks' processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckerFailure {
    /// The exercise has no public tests to run (its tests/ folder is gone).
    NoPublicTests { exercise: String, dir: String },
    /// Some public tests failed.
    PublicTestsFailed { exercise: String, failed: Vec<String>, total: usize },
    /// A public test's process exited with status 0 before the test finished.
    TestEndedEarly,
    /// A public test failed; the panic's message, when the test printed one.
    TestFailed { exit: crate::sandbox::Exit, panic: Option<String> },
    /// The checker's supervising process died during the run.
    SupervisorDied { what: String },
    /// A timing check could not judge twice, on a machine that was quiet but for the job.
    BusyByItself { why: String, outside_percent: u32 },
}

/// Why a check was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRunReason {
    /// The student's code does not compile.
    DoesNotCompile,
    /// The hidden checks do not compile against the student's code.
    HiddenChecksDoNotBuild,
    /// An earlier public test hung, and the others would too.
    EarlierTestHung,
}

/// The reports keep the reason as the English sentence they always had.
impl Serialize for NotRunReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::explanation::not_run_reason(*self, crate::messages::english()))
    }
}

/// How one check (or public test) ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail(Failure),
    /// The time limit ran out; what every thread was doing at that moment.
    #[serde(rename = "timeout")]
    TimedOut {
        #[serde(rename = "limit_ms", serialize_with = "as_millis")]
        limit: Duration,
        diagnosis: HangDiagnosis,
    },
    /// The process ended without a verdict: a crash, an abort, or an `exit()` from inside.
    NoVerdict {
        exit: Exit,
        stderr_tail: String,
    },
    /// The check passed, but processes were still running after it ended.
    LeftBehind {
        processes: Vec<ProcessInfo>,
    },
    /// Not run, because an earlier step failed.
    NotRun {
        reason: NotRunReason,
    },
    /// The check ran but could not measure what it needed (the machine was kept busy by other
    /// processes): no points, and marked for an instructor to grade again.
    NotJudged {
        why: String,
    },
}

impl Outcome {
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Pass)
    }

    /// Which outcome this is, without what was observed.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Pass => OutcomeKind::Pass,
            Outcome::Fail(_) => OutcomeKind::Fail,
            Outcome::TimedOut { .. } => OutcomeKind::TimedOut,
            Outcome::NoVerdict { .. } => OutcomeKind::NoVerdict,
            Outcome::LeftBehind { .. } => OutcomeKind::LeftBehind,
            Outcome::NotRun { .. } => OutcomeKind::NotRun,
            Outcome::NotJudged { .. } => OutcomeKind::NotJudged,
        }
    }
}

/// An [`Outcome`] without its observations: what a grade record keeps, and what the formats
/// and summaries decide on. Serialised as the `outcome` field of the JSON report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Pass,
    Fail,
    #[serde(rename = "timeout")]
    TimedOut,
    NoVerdict,
    LeftBehind,
    NotRun,
    NotJudged,
}

impl OutcomeKind {
    /// The short static name reports use (`pass`, `timeout`, ...).
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "pass",
            OutcomeKind::Fail => "fail",
            OutcomeKind::TimedOut => "timeout",
            OutcomeKind::NoVerdict => "no_verdict",
            OutcomeKind::LeftBehind => "left_behind",
            OutcomeKind::NotRun => "not_run",
            OutcomeKind::NotJudged => "not_judged",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Public,
    Hidden,
}

/// One graded item of a run: the public tests as a whole, or one hidden check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub summary: String,
    pub kind: CheckKind,
    pub points: u32,
    pub max_points: u32,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Processes the check left running (killed by the checker), also when it failed otherwise.
    pub left_behind: Vec<ProcessInfo>,
    /// Limits the check's processes ran into ("standard output was cut: ...").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limits_hit: Vec<String>,
    /// Isolation the machine could not provide for this check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub isolation_gaps: Vec<String>,
    /// What a hidden check measured, reported whatever its verdict (a table of times, a
    /// latency). Information for the student only: no verdict depends on it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub measurements: Vec<String>,
    #[serde(rename = "duration_ms", serialize_with = "as_millis")]
    pub duration: Duration,
}

impl CheckResult {
    /// A result with nothing observed but its outcome, whose points follow from it; the
    /// observations, where there are some, are set on top (`CheckResult { left_behind, ..new }`).
    pub fn new(name: String, summary: String, kind: CheckKind, max_points: u32, outcome: Outcome) -> CheckResult {
        CheckResult {
            points: if outcome.passed() { max_points } else { 0 },
            name,
            summary,
            kind,
            max_points,
            outcome,
            left_behind: Vec::new(),
            limits_hit: Vec::new(),
            isolation_gaps: Vec::new(),
            measurements: Vec::new(),
            duration: Duration::ZERO,
        }
    }
}

/// How the build went.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BuildStatus {
    Ok {
        #[serde(rename = "duration_ms", serialize_with = "as_millis")]
        duration: Duration,
        /// What the exercise's clippy lints found (course.toml's `advice`), as clippy renders it:
        /// shown, never graded.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        advice: Vec<Rendered>,
    },
    /// The student's code does not compile.
    Failed { diagnostics: Rendered },
    /// The hidden checks do not compile against the student's code (a changed public API).
    HiddenFailed { messages: Vec<String> },
}

/// What the compiler rendered, in cargo's colours (ANSI escape sequences) as a terminal shows
/// them. Everything written for programs or files (the JSON report, grade records) and a
/// console without colour get [`Rendered::plain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered(String);

impl Rendered {
    pub fn coloured(&self) -> &str {
        &self.0
    }

    /// The text without its escape sequences (`ESC [ ... letter`).
    pub fn plain(&self) -> String {
        let mut plain = String::with_capacity(self.0.len());
        let mut chars = self.0.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' && chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                plain.push(c);
            }
        }
        plain
    }
}

impl From<String> for Rendered {
    fn from(text: String) -> Rendered {
        Rendered(text)
    }
}

impl Serialize for Rendered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.plain())
    }
}

/// How far a build is, as cargo counts it: `done` of `total` units (a crate's library, a
/// build script, a test program) of the current cargo step, and the crates compiling now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildProgress {
    pub done: u32,
    pub total: u32,
    pub compiling: Vec<String>,
    /// Since the build began.
    pub elapsed: Duration,
}

/// The whole run, as the JSON report records it.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub exercise: String,
    pub mode: Mode,
    pub score: u32,
    pub max_score: u32,
    pub passed: bool,
    pub sources: SourcesDigest,
    pub build: BuildStatus,
    pub checks: Vec<CheckResult>,
    /// The hidden-check program the build made, for `verify` to ask it for its checks; not part
    /// of a report.
    pub harness: Option<std::path::PathBuf>,
}

/// Everything a reporter hears about, in order.
#[derive(Debug, Clone)]
pub enum Event {
    RunStarted { exercise: String, title: String, section: String, mode: Mode },
    BuildStarted,
    BuildProgress(BuildProgress),
    BuildFinished(BuildStatus),
    PublicTestFinished { name: String, outcome: Outcome, output: String },
    CheckStarted { name: String, summary: String },
    CheckFinished(CheckResult),
    RunFinished(RunSummary),
}

/// Durations in reports are whole milliseconds, which every consumer can read.
fn as_millis<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(duration.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rendered_text_loses_its_colours_where_it_is_written_down() {
        let rendered = Rendered::from(
            "\u{1b}[0m\u{1b}[1m\u{1b}[38;5;9merror[E0432]\u{1b}[0m: unresolved import `rand`".to_owned(),
        );
        assert_eq!(rendered.plain(), "error[E0432]: unresolved import `rand`");
        assert_eq!(serde_json::to_value(&rendered).unwrap(), "error[E0432]: unresolved import `rand`");
        assert!(rendered.coloured().contains("\u{1b}[1m"));
    }

    use super::*;
    use crate::sandbox::{HangDiagnosis, HangKind};

    /// Reports, records and the console must call each outcome by the same name.
    #[test]
    fn the_json_outcome_is_the_short_name_of_its_kind() {
        let failure = Failure::new("o", "e", "w");
        let outcomes = [
            Outcome::Pass,
            Outcome::Fail(failure),
            Outcome::TimedOut {
                limit: Duration::from_secs(1),
                diagnosis: HangDiagnosis {
                    kind: HangKind::Deadlock,
                    threads: Vec::new(),
                    seen_by_the_check: Vec::new(),
                },
            },
            Outcome::NoVerdict { exit: crate::sandbox::Exit::Code(0), stderr_tail: String::new() },
            Outcome::LeftBehind { processes: Vec::new() },
            Outcome::NotRun { reason: NotRunReason::DoesNotCompile },
            Outcome::NotJudged { why: "w".into() },
        ];
        for outcome in outcomes {
            let json = serde_json::to_value(&outcome).unwrap();
            assert_eq!(json["outcome"], outcome.kind().name(), "{json}");
            assert_eq!(json["outcome"], serde_json::to_value(outcome.kind()).unwrap(), "{json}");
        }
    }

    /// A typed reason is still the sentence the reports always had.
    #[test]
    fn a_reason_not_to_run_is_an_english_sentence_in_the_json() {
        let json = serde_json::to_value(Outcome::NotRun { reason: NotRunReason::DoesNotCompile }).unwrap();
        assert_eq!(json["reason"], "the code does not compile");
    }
}
