//! One description of how a graded item ended — what the student reads about it — made once
//! from the run's [`CheckResult`] and shown by everything that shows it: the console, the JSON
//! report, the grade records of a batch and every format rendered from them (JUnit, Gradescope,
//! GitHub Classroom, the HTML report), and `verify`. As nextest's `UnitErrorDescription` is
//! shared by its console output and its JUnit report, an [`Explanation`] is typed lines, not
//! console text: each place lays them out its own way (the console indents them, a JSON reader
//! gets them as they are), and none takes them apart again.

use crate::events::{CheckResult, Outcome};
use crate::sandbox::ProcessInfo;
use serde::{Deserialize, Deserializer, Serialize};

/// What a student is told about one graded item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// What happened, in one line, for the places that show one line (a JUnit failure's
    /// message, `verify`'s list of problems): `passed`, or what went wrong.
    pub headline: String,
    /// Everything the student reads, in order; empty for a pass that measured nothing.
    pub lines: Vec<Line>,
}

/// One line of an explanation, typed by what it is rather than by how it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Line {
    /// A sentence.
    Text { text: String },
    /// A named part of a failure: `observed`, `expected`, `why`.
    Field { label: String, text: String },
    /// A detail of the sentence before it (a thread of a hung program, a process left running).
    Detail { text: String },
    /// A line a program printed, quoted as it was (the end of a crashed check's stderr).
    Quote { text: String },
}

impl Line {
    fn text(text: impl Into<String>) -> Line {
        Line::Text { text: text.into() }
    }

    fn field(label: &str, text: &str) -> Line {
        Line::Field { label: label.into(), text: text.into() }
    }

    fn detail(text: impl Into<String>) -> Line {
        Line::Detail { text: text.into() }
    }

    /// The line as plain text: fields aligned after their label, details and quotes indented
    /// under the sentence they belong to.
    pub fn plain(&self) -> String {
        match self {
            Line::Text { text } => text.clone(),
            Line::Field { label, text } => format!("{:<10}{text}", format!("{label}:")),
            Line::Detail { text } => format!("  {text}"),
            Line::Quote { text } => format!("  | {text}"),
        }
    }
}

/// A fork bomb's hang has hundreds of threads: the first few tell the story.
const THREADS_SHOWN: usize = 12;

impl Explanation {
    /// The explanation of a hidden check or of the public tests: for an item that did not pass,
    /// what it checks and how it ended; for any item, the processes it left behind, the limits
    /// it ran into and what it measured.
    pub fn of_check(result: &CheckResult) -> Explanation {
        let mut lines = Vec::new();
        if !result.outcome.passed() {
            lines.push(Line::text(format!("checks that {}", result.summary)));
        }
        lines.extend(outcome_lines(&result.outcome));
        if !result.left_behind.is_empty() && !matches!(result.outcome, Outcome::LeftBehind { .. }) {
            lines.extend(leftover_lines(&result.left_behind));
        }
        lines.extend(result.limits_hit.iter().map(|limit| Line::text(format!("limit reached: {limit}"))));
        lines.extend(result.measurements.iter().map(|line| Line::text(format!("measured: {line}"))));
        Explanation { headline: headline(&result.outcome), lines }
    }

    /// How one public test ended, without the rest of a check's observations.
    pub fn of_outcome(outcome: &Outcome) -> Explanation {
        Explanation { headline: headline(outcome), lines: outcome_lines(outcome) }
    }

    /// The lines as plain text, one per line: for the formats that take a block of text
    /// (Gradescope's `output`, a JUnit description, Classroom's `message`).
    pub fn plain(&self) -> String {
        self.lines.iter().map(Line::plain).collect::<Vec<_>>().join("\n")
    }

    /// An explanation kept as plain text by an earlier checker (grade records of schema
    /// version 1): each line a sentence, the first one the headline.
    pub fn from_text(text: &str) -> Explanation {
        let headline = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned();
        Explanation { headline, lines: text.lines().map(Line::text).collect() }
    }

    /// Reads an explanation as this checker stores it, or as plain text as the first version of
    /// the grade records did (see [`Explanation::from_text`]).
    pub fn deserialize_any_version<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Explanation, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Lines(Explanation),
            Text(String),
        }
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Lines(explanation) => explanation,
            Stored::Text(text) => Explanation::from_text(&text),
        })
    }
}

/// What happened, in one line.
fn headline(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Pass => "passed".into(),
        Outcome::Fail(failure) => format!("observed: {}; expected: {}", failure.observed, failure.expected),
        Outcome::TimedOut { limit, diagnosis } => {
            format!("did not finish within {}: {}", humantime::format_duration(*limit), diagnosis.summary())
        }
        Outcome::NoVerdict { exit, .. } => {
            format!("the check's process ended ({exit}) before it could report a verdict")
        }
        Outcome::LeftBehind { processes } => {
            format!("{} still running after the check ended", plural(processes.len(), "process was", "processes were"))
        }
        Outcome::NotRun { reason } => format!("not run: {reason}"),
        Outcome::NotJudged { why } => format!("not judged: {why}"),
    }
}

fn outcome_lines(outcome: &Outcome) -> Vec<Line> {
    match outcome {
        Outcome::Pass => Vec::new(),
        Outcome::Fail(failure) => vec![
            Line::field("observed", &failure.observed),
            Line::field("expected", &failure.expected),
            Line::field("why", &failure.why),
        ],
        Outcome::TimedOut { diagnosis, .. } => {
            let mut lines = vec![Line::text(headline(outcome))];
            lines.extend(diagnosis.seen_by_the_check.iter().map(|line| Line::detail(format!("the check saw: {line}"))));
            lines.extend(diagnosis.threads.iter().take(THREADS_SHOWN).map(|thread| {
                Line::detail(format!(
                    "thread {:?} (tid {}) of {} (pid {}): {} [{:.0}% CPU]",
                    thread.thread, thread.tid, thread.process, thread.pid, thread.activity, thread.cpu_percent
                ))
            }));
            if diagnosis.threads.len() > THREADS_SHOWN {
                lines.push(Line::detail(format!("... and {} more threads", diagnosis.threads.len() - THREADS_SHOWN)));
            }
            lines
        }
        Outcome::NoVerdict { stderr_tail, .. } => {
            let mut lines = vec![
                Line::text(headline(outcome)),
                Line::text("(a crash, an abort, or process::exit() called from the code under test)"),
            ];
            lines.extend(stderr_tail.lines().map(|text| Line::Quote { text: text.into() }));
            lines
        }
        Outcome::LeftBehind { processes } => leftover_lines(processes),
        Outcome::NotRun { .. } => vec![Line::text(headline(outcome))],
        Outcome::NotJudged { .. } => vec![
            Line::text(headline(outcome)),
            Line::text(
                "no points for now: run it again on a quiet machine (an instructor sees it as not judged and grades \
                 it again)",
            ),
        ],
    }
}

fn leftover_lines(processes: &[ProcessInfo]) -> Vec<Line> {
    let mut lines = vec![Line::text("processes were still running after the check ended (the checker killed them):")];
    lines.extend(processes.iter().map(|p| {
        Line::detail(format!("pid {} ({}), parent {}, state {}: {}", p.pid, p.name, p.ppid, p.state, p.cmdline))
    }));
    lines.push(Line::text("every process a program starts must be waited for before it exits"));
    lines
}

/// `1 process was`, `2 processes were`: a count with the word that agrees with it.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{CheckKind, Failure};
    use crate::sandbox::Exit;

    fn check(outcome: Outcome) -> CheckResult {
        CheckResult::new("c".into(), "the pool reuses its workers".into(), CheckKind::Hidden, 2, outcome)
    }

    #[test]
    fn a_failure_reads_as_its_three_parts_after_what_the_check_checks() {
        let failure = Failure { observed: "3 jobs at once".into(), expected: "at most 2".into(), why: "w".into() };
        let explanation = Explanation::of_check(&check(Outcome::Fail(failure)));
        assert_eq!(explanation.headline, "observed: 3 jobs at once; expected: at most 2");
        assert_eq!(
            explanation.plain(),
            "checks that the pool reuses its workers\nobserved: 3 jobs at once\nexpected: at most 2\nwhy:      w"
        );
    }

    #[test]
    fn a_crash_quotes_what_the_program_printed() {
        let outcome = Outcome::NoVerdict { exit: Exit::Code(101), stderr_tail: "panicked at src/lib.rs:3".into() };
        let explanation = Explanation::of_check(&check(outcome));
        assert!(explanation.headline.contains("exit status 101"), "{explanation:?}");
        assert_eq!(explanation.lines.last(), Some(&Line::Quote { text: "panicked at src/lib.rs:3".into() }));
        assert!(explanation.plain().ends_with("\n  | panicked at src/lib.rs:3"), "{}", explanation.plain());
    }

    #[test]
    fn a_pass_says_only_what_it_measured() {
        let mut result = check(Outcome::Pass);
        assert_eq!(Explanation::of_check(&result).lines, Vec::new());
        result.measurements.push("serial 1.0 s".into());
        let explanation = Explanation::of_check(&result);
        assert_eq!((explanation.headline.as_str(), explanation.plain().as_str()), ("passed", "measured: serial 1.0 s"));
    }

    #[test]
    fn lines_are_stored_with_their_kind_and_text_read_as_it_was() {
        let explanation = Explanation::of_check(&check(Outcome::NotRun { reason: "the code does not compile".into() }));
        let json = serde_json::to_value(&explanation).unwrap();
        assert_eq!(
            json["lines"][0],
            serde_json::json!({ "kind": "text", "text": "checks that the pool reuses its workers" })
        );
        let read = |json: serde_json::Value| Explanation::deserialize_any_version(json).unwrap();
        assert_eq!(read(json), explanation);
        let old = read(serde_json::json!("checks that x\nobserved: 1"));
        assert_eq!(old.headline, "checks that x");
        assert_eq!(old.lines, vec![Line::text("checks that x"), Line::text("observed: 1")]);
    }

    #[test]
    fn counts_agree_with_their_words() {
        assert_eq!(plural(1, "student", "students"), "1 student");
        assert_eq!(plural(0, "student", "students"), "0 students");
        assert_eq!(plural(2, "process was", "processes were"), "2 processes were");
    }
}
