//! The console reporter: what a student reads in the terminal.

use super::build_progress::BuildView;
use super::Reporter;
use crate::events::{BuildStatus, CheckResult, Event, Mode, Outcome};
use crate::explanation::Explanation;
use std::io::Write;

pub struct Console<W: Write> {
    out: W,
    /// Isolation gaps are a property of the machine: said once per run.
    gaps_told: bool,
    /// Show the output of each failing public test (for `check`).
    show_test_output: bool,
    /// Writing to a terminal: a running check is shown on a line that its result replaces,
    /// so a check that takes seconds does not look like a hung checker.
    live: bool,
    /// A "running ..." line is on the screen.
    running_shown: bool,
    /// The build's progress, while it runs.
    build: Option<BuildView>,
}

impl<W: Write> Console<W> {
    pub fn new(out: W, show_test_output: bool, live: bool) -> Self {
        Console { out, show_test_output, live, gaps_told: false, running_shown: false, build: None }
    }
}

impl<W: Write> Reporter for Console<W> {
    fn handle(&mut self, event: &Event) -> std::io::Result<()> {
        let out = &mut self.out;
        match event {
            Event::RunStarted { exercise, title, section, mode } => {
                let what = match mode {
                    Mode::Check => "public tests",
                    Mode::Submit => "public tests and hidden checks",
                };
                writeln!(out, "{exercise}: {title} (lecture {section}) - {what}")?;
            }
            Event::BuildStarted => {
                if self.live {
                    self.build = Some(BuildView::bar(indicatif::ProgressDrawTarget::stdout()));
                } else {
                    self.build = Some(BuildView::lines());
                    write!(out, "building... ")?;
                }
                out.flush()?;
            }
            Event::BuildProgress(progress) => {
                if let Some(view) = self.build.as_mut() {
                    view.update(out, progress)?;
                }
            }
            Event::BuildFinished(status) => {
                let before = self.build.take().map_or("", BuildView::finish);
                write!(out, "{before}")?;
                write_build(out, status)?;
            }
            Event::PublicTestFinished { name, outcome, output } => {
                let mark = match outcome {
                    Outcome::Pass => "ok  ",
                    Outcome::NotRun { .. } => "skip",
                    Outcome::TimedOut { .. } => "HANG",
                    _ => "FAIL",
                };
                writeln!(out, "  {mark} {name}")?;
                if !outcome.passed() {
                    write_explanation(out, &Explanation::of_outcome(outcome))?;
                    // `check` also shows what the test printed: its assertion and its output.
                    if self.show_test_output && matches!(outcome, Outcome::Fail(_)) {
                        for line in output.trim_end().lines() {
                            writeln!(out, "       | {line}")?;
                        }
                    }
                }
            }
            Event::CheckStarted { name, .. } => {
                if self.live {
                    write!(out, "running  {name} ...")?;
                    out.flush()?;
                    self.running_shown = true;
                }
            }
            Event::CheckFinished(result) => {
                if std::mem::take(&mut self.running_shown) {
                    // Back to the start of the line, and clear it.
                    write!(out, "\r\x1b[2K")?;
                }
                write_check(out, result)?;
                if !self.gaps_told && !result.isolation_gaps.is_empty() {
                    self.gaps_told = true;
                    for gap in &result.isolation_gaps {
                        writeln!(out, "note: {gap}")?;
                    }
                }
            }
            Event::RunFinished(summary) => {
                writeln!(out)?;
                let verdict = if summary.passed { "passed" } else { "not passed yet" };
                match summary.mode {
                    Mode::Submit => writeln!(out, "score: {}/{} - {}", summary.score, summary.max_score, verdict)?,
                    Mode::Check => writeln!(out, "public tests: {verdict}")?,
                }
            }
        }
        out.flush()
    }
}

fn write_build(out: &mut impl Write, status: &BuildStatus) -> std::io::Result<()> {
    match status {
        BuildStatus::Ok { duration } => writeln!(out, "ok ({:.1} s)", duration.as_secs_f64()),
        BuildStatus::Failed { diagnostics } => {
            writeln!(out, "your code does not compile:\n")?;
            writeln!(out, "{}", diagnostics.trim_end())?;
            writeln!(out)
        }
        BuildStatus::HiddenFailed { messages } => {
            writeln!(out, "the hidden checks cannot be built against your code.")?;
            writeln!(out, "Your public API differs from the skeleton's; keep every type and signature the skeleton declares. The compiler said:")?;
            for message in messages {
                writeln!(out, "  - {message}")?;
            }
            Ok(())
        }
    }
}

fn write_check(out: &mut impl Write, result: &CheckResult) -> std::io::Result<()> {
    let label = match &result.outcome {
        Outcome::Pass => "PASS",
        Outcome::Fail(_) => "FAIL",
        Outcome::TimedOut { .. } => "TIMEOUT",
        Outcome::NoVerdict { .. } => "CRASH",
        Outcome::LeftBehind { .. } => "LEFTOVER",
        Outcome::NotRun { .. } => "NOT RUN",
        Outcome::NotJudged { .. } => "NOT JUDGED",
    };
    writeln!(out, "{label:<8} {:<40} {:>2}/{}", result.name, result.points, result.max_points)?;
    write_explanation(out, &Explanation::of_check(result))
}

/// An explanation's lines, indented under the line of the check they explain.
fn write_explanation(out: &mut impl Write, explanation: &Explanation) -> std::io::Result<()> {
    for line in &explanation.lines {
        writeln!(out, "         {}", line.plain())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::CheckKind;
    use std::time::Duration;

    fn passed(name: &str) -> CheckResult {
        CheckResult {
            name: name.into(),
            summary: "s".into(),
            kind: CheckKind::Hidden,
            points: 1,
            max_points: 1,
            outcome: Outcome::Pass,
            left_behind: Vec::new(),
            limits_hit: Vec::new(),
            isolation_gaps: Vec::new(),
            measurements: vec!["serial 1.0 s, threaded 1.1 s".into()],
            duration: Duration::ZERO,
        }
    }

    fn shown(live: bool) -> String {
        let mut console = Console::new(Vec::new(), false, live);
        console.handle(&Event::CheckStarted { name: "c1".into(), summary: "s".into() }).unwrap();
        console.handle(&Event::CheckFinished(passed("c1"))).unwrap();
        String::from_utf8(console.out).unwrap()
    }

    #[test]
    fn a_running_check_is_shown_on_a_terminal_and_replaced_by_its_result() {
        let text = shown(true);
        assert!(text.starts_with("running  c1 ...\r\x1b[2KPASS     c1"), "{text:?}");
        assert!(text.contains("measured: serial 1.0 s, threaded 1.1 s"), "{text:?}");
    }

    #[test]
    fn a_failure_is_explained_under_its_check_with_aligned_parts() {
        let failure = crate::events::Failure { observed: "3 jobs".into(), expected: "2".into(), why: "w".into() };
        let result = CheckResult { outcome: Outcome::Fail(failure), points: 0, ..passed("c1") };
        let mut console = Console::new(Vec::new(), false, false);
        console.handle(&Event::CheckFinished(result)).unwrap();
        let text = String::from_utf8(console.out).unwrap();
        let expected = "FAIL     c1                                        0/1\n         checks that s\n         \
                        observed: 3 jobs\n         expected: 2\n         why:      w\n         measured: serial 1.0 s, \
                        threaded 1.1 s\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn a_log_gets_only_results() {
        let text = shown(false);
        assert!(text.starts_with("PASS     c1"), "{text:?}");
        assert!(!text.contains('\r'), "{text:?}");
    }
}
