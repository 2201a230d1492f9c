//! One description of how a graded item ended — what the student reads about it — made once
//! from the run's [`CheckResult`] and shown by everything that shows it: the console, the JSON
//! report, the grade records of a batch and every format rendered from them (JUnit, Gradescope,
//! GitHub Classroom, the HTML report), and `verify`. As nextest's `UnitErrorDescription` is
//! shared by its console output and its JUnit report, an [`Explanation`] is typed lines, not
//! console text: each place lays them out its own way (the console indents them, a JSON reader
//! gets them as they are), and none takes them apart again.

use crate::events::{CheckKind, CheckResult, CheckerFailure, Failure, NotRunReason, Outcome};
use crate::messages::{english, Messages};
use crate::sandbox::{signal_name, Activity, Exit, HangDiagnosis, HangKind, ProcessInfo};
use i18n_embed_fl::fl;
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

    /// The line as plain text: a field's text after its label, padded to `label_width` (see
    /// [`Explanation::label_width`]), details and quotes indented under the sentence they
    /// belong to.
    pub fn plain(&self, label_width: usize) -> String {
        match self {
            Line::Text { text } => text.clone(),
            Line::Field { label, text } => format!("{:<label_width$}{text}", format!("{label}:")),
            Line::Detail { text } => format!("  {text}"),
            Line::Quote { text } => format!("  | {text}"),
        }
    }
}

/// A fork bomb's hang has hundreds of threads: the first few tell the story.
const THREADS_SHOWN: usize = 12;

impl Explanation {
    /// The explanation of a hidden check or of the public tests, in English (for the reports):
    /// see [`Explanation::of_check_in`].
    pub fn of_check(result: &CheckResult) -> Explanation {
        Self::of_check_in(result, english())
    }

    /// The explanation of a hidden check or of the public tests, in the language of `messages`:
    /// for an item that did not pass, what it checks and how it ended; for any item, the
    /// processes it left behind, the limits it ran into and what it measured. What a hidden
    /// check wrote itself (its failure's words, its measurements) stays as it wrote it.
    pub fn of_check_in(result: &CheckResult, messages: &Messages) -> Explanation {
        let mut lines = Vec::new();
        if !result.outcome.passed() {
            // The public tests' summary is the checker's own; a hidden check's comes from the
            // course (already in the student's language where the course is translated).
            let summary = match result.kind {
                CheckKind::Public => public_tests_summary(messages),
                CheckKind::Hidden => result.summary.clone(),
            };
            lines.push(Line::text(fl!(messages, "explain-checks-that", summary = summary)));
        }
        lines.extend(outcome_lines(&result.outcome, messages));
        if !result.left_behind.is_empty() && !matches!(result.outcome, Outcome::LeftBehind { .. }) {
            lines.extend(leftover_lines(&result.left_behind, messages));
        }
        lines.extend(
            result.limits_hit.iter().map(|limit| Line::text(fl!(messages, "explain-limit", limit = limit.as_str()))),
        );
        lines.extend(
            result.measurements.iter().map(|line| Line::text(fl!(messages, "explain-measured", line = line.as_str()))),
        );
        Explanation { headline: headline(&result.outcome, messages), lines }
    }

    /// How one public test ended, without the rest of a check's observations, in the language
    /// of `messages`.
    pub fn of_outcome_in(outcome: &Outcome, messages: &Messages) -> Explanation {
        Explanation { headline: headline(outcome, messages), lines: outcome_lines(outcome, messages) }
    }

    /// The lines as plain text, one per line: for the formats that take a block of text
    /// (Gradescope's `output`, a JUnit description, Classroom's `message`).
    pub fn plain(&self) -> String {
        let width = self.label_width();
        self.lines.iter().map(|line| line.plain(width)).collect::<Vec<_>>().join("\n")
    }

    /// How wide the labels of the fields are, with their colon and a space: the fields'
    /// texts start in one column (10 in English, `expected: `; wider where a language's
    /// labels are longer).
    pub fn label_width(&self) -> usize {
        let widest = self
            .lines
            .iter()
            .filter_map(|line| match line {
                Line::Field { label, .. } => Some(label.chars().count()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        (widest + 2).max(10)
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

/// What the public tests check, as the summary of the item that grades them.
pub fn public_tests_summary(messages: &Messages) -> String {
    fl!(messages, "public-tests-summary")
}

/// One of the checker's own failures, with its English words (what the reports keep) and its
/// kind (for the console to say it in the student's language).
pub fn checker_failure(kind: CheckerFailure) -> Failure {
    let (observed, expected, why) = checker_failure_parts(&kind, english());
    Failure { observed, expected, why, by_checker: Some(kind) }
}

/// Observed, expected, why of one of the checker's own failures.
fn checker_failure_parts(kind: &CheckerFailure, m: &Messages) -> (String, String, String) {
    match kind {
        CheckerFailure::NoPublicTests { exercise, dir } => (
            fl!(m, "failure-no-public-tests"),
            fl!(m, "failure-no-public-tests-expected", dir = dir.as_str()),
            fl!(m, "failure-no-public-tests-why", exercise = exercise.as_str()),
        ),
        CheckerFailure::PublicTestsFailed { exercise, failed, total } => (
            fl!(m, "failure-public-tests", failed = failed.len(), total = total, names = failed.join(", ")),
            fl!(m, "failure-public-tests-expected"),
            fl!(m, "failure-public-tests-why", exercise = exercise.as_str()),
        ),
        CheckerFailure::TestEndedEarly => (
            fl!(m, "failure-test-ended-early"),
            fl!(m, "failure-test-ended-early-expected"),
            fl!(m, "failure-test-ended-early-why"),
        ),
        CheckerFailure::TestFailed { exit, panic } => (
            fl!(m, "failure-test-failed", exit = exit_text(exit, m)),
            fl!(m, "failure-test-failed-expected"),
            panic.clone().unwrap_or_else(|| fl!(m, "failure-test-failed-why")),
        ),
        CheckerFailure::SupervisorDied { what } => (
            fl!(m, "failure-supervisor-died", what = what.as_str()),
            fl!(m, "failure-supervisor-died-expected"),
            fl!(m, "failure-supervisor-died-why"),
        ),
        CheckerFailure::BusyByItself { why, outside_percent } => (
            fl!(m, "failure-busy-by-itself", why = why.as_str(), percent = outside_percent),
            fl!(m, "failure-busy-by-itself-expected"),
            fl!(m, "failure-busy-by-itself-why"),
        ),
    }
}

/// Why a check was not run, as a sentence.
pub fn not_run_reason(reason: NotRunReason, m: &Messages) -> String {
    match reason {
        NotRunReason::DoesNotCompile => fl!(m, "not-run-does-not-compile"),
        NotRunReason::HiddenChecksDoNotBuild => fl!(m, "not-run-hidden-checks-do-not-build"),
        NotRunReason::EarlierTestHung => fl!(m, "not-run-earlier-test-hung"),
    }
}

/// How a process ended: `exit status 101`, `killed by signal 9 (SIGKILL)`.
fn exit_text(exit: &Exit, m: &Messages) -> String {
    match exit {
        Exit::Code(code) => fl!(m, "exit-status", code = code),
        Exit::Signal(signal) => fl!(m, "exit-signal", signal = signal, name = signal_name(*signal)),
    }
}

/// What the threads of a hung job were doing, in one sentence.
fn hang_summary(diagnosis: &HangDiagnosis, m: &Messages) -> String {
    let threads = diagnosis.threads.len();
    match diagnosis.kind {
        HangKind::Deadlock => fl!(m, "hang-deadlock", threads = threads),
        HangKind::Spinning => {
            let spinning = diagnosis.threads.iter().filter(|t| t.activity == Activity::Running).count();
            fl!(m, "hang-spinning", spinning = spinning, threads = threads)
        }
        HangKind::WaitingIo => fl!(m, "hang-io"),
        HangKind::Sleeping => fl!(m, "hang-sleeping"),
        HangKind::Stopped => fl!(m, "hang-stopped"),
        HangKind::Unknown => fl!(m, "hang-unknown"),
    }
}

/// What one thread was doing.
fn activity_text(activity: &Activity, m: &Messages) -> String {
    match activity {
        Activity::Running => fl!(m, "activity-running"),
        Activity::Lock => fl!(m, "activity-lock"),
        Activity::Io { call, target: Some(target) } => {
            fl!(m, "activity-io-on", call = call.as_str(), target = target.as_str())
        }
        Activity::Io { call, target: None } => fl!(m, "activity-io", call = call.as_str()),
        Activity::Sleep => fl!(m, "activity-sleep"),
        Activity::WaitChild => fl!(m, "activity-wait-child"),
        Activity::Stopped => fl!(m, "activity-stopped"),
        Activity::Other { what } => fl!(m, "activity-other", what = what.as_str()),
    }
}

/// What happened, in one line.
fn headline(outcome: &Outcome, m: &Messages) -> String {
    match outcome {
        Outcome::Pass => fl!(m, "headline-passed"),
        Outcome::Fail(failure) => {
            let (observed, expected, _) = failure_parts(failure, m);
            fl!(m, "headline-failed", observed = observed, expected = expected)
        }
        Outcome::TimedOut { limit, diagnosis } => fl!(
            m,
            "headline-timed-out",
            limit = humantime::format_duration(*limit).to_string(),
            diagnosis = hang_summary(diagnosis, m)
        ),
        Outcome::NoVerdict { exit, .. } => fl!(m, "headline-no-verdict", exit = exit_text(exit, m)),
        Outcome::LeftBehind { processes } => fl!(m, "headline-left-behind", count = processes.len()),
        Outcome::NotRun { reason } => fl!(m, "headline-not-run", reason = not_run_reason(*reason, m)),
        Outcome::NotJudged { why } => fl!(m, "headline-not-judged", why = why.as_str()),
    }
}

/// A failure's three parts: the checker's own in the language of `m`, a hidden check's as
/// the check wrote them.
fn failure_parts(failure: &Failure, m: &Messages) -> (String, String, String) {
    match &failure.by_checker {
        Some(kind) => checker_failure_parts(kind, m),
        None => (failure.observed.clone(), failure.expected.clone(), failure.why.clone()),
    }
}

fn outcome_lines(outcome: &Outcome, m: &Messages) -> Vec<Line> {
    match outcome {
        Outcome::Pass => Vec::new(),
        Outcome::Fail(failure) => {
            let (observed, expected, why) = failure_parts(failure, m);
            vec![
                Line::field(&fl!(m, "label-observed"), &observed),
                Line::field(&fl!(m, "label-expected"), &expected),
                Line::field(&fl!(m, "label-why"), &why),
            ]
        }
        Outcome::TimedOut { diagnosis, .. } => {
            let mut lines = vec![Line::text(headline(outcome, m))];
            lines.extend(
                diagnosis
                    .seen_by_the_check
                    .iter()
                    .map(|line| Line::detail(fl!(m, "explain-check-saw", line = line.as_str()))),
            );
            lines.extend(diagnosis.threads.iter().take(THREADS_SHOWN).map(|thread| {
                Line::detail(fl!(
                    m,
                    "explain-thread",
                    thread = format!("{:?}", thread.thread),
                    tid = thread.tid,
                    process = thread.process.as_str(),
                    pid = thread.pid,
                    activity = activity_text(&thread.activity, m),
                    cpu = format!("{:.0}", thread.cpu_percent)
                ))
            }));
            if diagnosis.threads.len() > THREADS_SHOWN {
                let more = diagnosis.threads.len() - THREADS_SHOWN;
                lines.push(Line::detail(fl!(m, "explain-more-threads", count = more)));
            }
            lines
        }
        Outcome::NoVerdict { stderr_tail, .. } => {
            let mut lines = vec![Line::text(headline(outcome, m)), Line::text(fl!(m, "explain-no-verdict"))];
            lines.extend(stderr_tail.lines().map(|text| Line::Quote { text: text.into() }));
            lines
        }
        Outcome::LeftBehind { processes } => leftover_lines(processes, m),
        Outcome::NotRun { .. } => vec![Line::text(headline(outcome, m))],
        Outcome::NotJudged { .. } => {
            vec![Line::text(headline(outcome, m)), Line::text(fl!(m, "explain-not-judged"))]
        }
    }
}

fn leftover_lines(processes: &[ProcessInfo], m: &Messages) -> Vec<Line> {
    let mut lines = vec![Line::text(fl!(m, "explain-leftovers"))];
    lines.extend(processes.iter().map(|p| {
        Line::detail(fl!(
            m,
            "explain-leftover",
            pid = p.pid,
            name = p.name.as_str(),
            ppid = p.ppid,
            state = p.state.to_string(),
            cmdline = p.cmdline.as_str()
        ))
    }));
    lines.push(Line::text(fl!(m, "explain-leftovers-why")));
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
        let failure = Failure::new("3 jobs at once", "at most 2", "w");
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
        let explanation = Explanation::of_check(&check(Outcome::NotRun { reason: NotRunReason::DoesNotCompile }));
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

    /// The checker's own failures are typed: the reports keep their English words, the console
    /// says them in the student's language; a hidden check's words stay as it wrote them.
    #[test]
    fn the_checkers_own_failures_are_said_in_the_students_language_and_kept_in_english() {
        let kind =
            CheckerFailure::PublicTestsFailed { exercise: "ex04_pool".into(), failed: vec!["a".into()], total: 6 };
        let mut result = check(Outcome::Fail(checker_failure(kind)));
        result.kind = CheckKind::Public;
        let english = Explanation::of_check(&result);
        assert_eq!(english.headline, "observed: 1 of 6 public tests failed: a; expected: every public test passes");
        let russian = Explanation::of_check_in(&result, crate::messages::of(crate::lang::Language::Ru));
        assert_eq!(
            russian.plain(),
            "проверяет, что публичные тесты из папки tests/ упражнения проходят\n\
             наблюдалось: не прошли публичные тесты (1 из 6): a\n\
             ожидалось:   все публичные тесты проходят\n\
             почему:      публичные тесты показывают основное поведение упражнения; `checker check ex04_pool` \
             покажет каждую ошибку"
        );
        let hidden = check(Outcome::Fail(Failure::new("3 jobs at once", "at most 2", "w")));
        let russian = Explanation::of_check_in(&hidden, crate::messages::of(crate::lang::Language::Ru));
        assert_eq!(russian.lines[1], Line::field("наблюдалось", "3 jobs at once"));
        let process = ProcessInfo { pid: 123456, ppid: 1, name: "sleep".into(), cmdline: "sleep 9".into(), state: 'S' };
        let left = check(Outcome::LeftBehind { processes: vec![process.clone(), process] });
        let ru = crate::messages::of(crate::lang::Language::Ru);
        let explanation = Explanation::of_check_in(&left, ru);
        assert!(explanation.headline.starts_with("2 процесса ещё работали"), "{}", explanation.headline);
        // Numbers as they are: no grouping of digits.
        assert!(
            explanation.plain().contains("pid 123456 (sleep), родитель 1, состояние S: sleep 9"),
            "{}",
            explanation.plain()
        );
    }

    #[test]
    fn counts_agree_with_their_words() {
        assert_eq!(plural(1, "student", "students"), "1 student");
        assert_eq!(plural(0, "student", "students"), "0 students");
        assert_eq!(plural(2, "process was", "processes were"), "2 processes were");
    }
}
