//! The console reporter: what a student reads in the terminal.

use super::build_progress::BuildView;
use super::style::{heading, verdict, Tone};
use super::Reporter;
use crate::events::{BuildStatus, CheckResult, Event, Mode, Outcome};
use crate::explanation::{Explanation, Line};
use crate::messages::{english, Messages};
use i18n_embed_fl::fl;
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
    /// Verdicts and headings in colour (see [`super::style`]).
    colour: bool,
    /// What the console says, in the student's language. The verdicts (`PASS`, `FAIL`, `ok`,
    /// ...) are tags, as in cargo's test output, and stay as they are in every language.
    messages: &'static Messages,
}

impl<W: Write> Console<W> {
    pub fn new(out: W, show_test_output: bool, live: bool) -> Self {
        Console {
            out,
            show_test_output,
            live,
            gaps_told: false,
            running_shown: false,
            build: None,
            colour: false,
            messages: english(),
        }
    }

    /// With verdicts and headings in colour.
    pub fn coloured(self, colour: bool) -> Self {
        Console { colour, ..self }
    }

    /// Speaking the language of `messages`.
    pub fn speaking(self, messages: &'static Messages) -> Self {
        Console { messages, ..self }
    }
}

impl<W: Write> Reporter for Console<W> {
    fn handle(&mut self, event: &Event) -> std::io::Result<()> {
        let out = &mut self.out;
        let colour = self.colour;
        let m = self.messages;
        match event {
            Event::RunStarted { exercise, title, section, mode } => {
                let (exercise, title, section) = (exercise.as_str(), title.as_str(), section.as_str());
                let text = match mode {
                    Mode::Check => fl!(m, "run-check", exercise = exercise, title = title, section = section),
                    Mode::Submit => fl!(m, "run-submit", exercise = exercise, title = title, section = section),
                };
                writeln!(out, "{}", heading(&text, colour))?;
            }
            Event::BuildStarted => {
                if self.live {
                    self.build = Some(BuildView::bar(indicatif::ProgressDrawTarget::stdout(), m));
                } else {
                    self.build = Some(BuildView::lines(m));
                    write!(out, "{}... ", fl!(m, "build-building"))?;
                }
                out.flush()?;
            }
            Event::BuildProgress(progress) => {
                if let Some(view) = self.build.as_mut() {
                    view.update(out, progress)?;
                }
            }
            Event::BuildFinished(status) => {
                let before = self.build.take().map(BuildView::finish).unwrap_or_default();
                write!(out, "{before}")?;
                write_build(out, status, colour, m)?;
            }
            Event::PublicTestFinished { name, outcome, output } => {
                let (mark, tone) = match outcome {
                    Outcome::Pass => ("ok  ", Tone::Good),
                    Outcome::NotRun { .. } => ("skip", Tone::Neutral),
                    Outcome::TimedOut { .. } => ("HANG", Tone::Bad),
                    _ => ("FAIL", Tone::Bad),
                };
                writeln!(out, "  {} {name}", verdict(mark, tone, colour))?;
                if !outcome.passed() {
                    write_explanation(out, &Explanation::of_outcome_in(outcome, m))?;
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
                    write!(out, "{}", fl!(m, "check-running", name = name.as_str()))?;
                    out.flush()?;
                    self.running_shown = true;
                }
            }
            Event::CheckFinished(result) => {
                if std::mem::take(&mut self.running_shown) {
                    // Back to the start of the line, and clear it.
                    write!(out, "\r\x1b[2K")?;
                }
                write_check(out, result, colour, m)?;
                if !self.gaps_told && !result.isolation_gaps.is_empty() {
                    self.gaps_told = true;
                    for gap in &result.isolation_gaps {
                        writeln!(out, "{}", fl!(m, "note", note = gap.as_str()))?;
                    }
                }
            }
            Event::RunFinished(summary) => {
                writeln!(out)?;
                let said = match summary.passed {
                    true => verdict(&fl!(m, "run-passed"), Tone::Good, colour),
                    false => verdict(&fl!(m, "run-not-passed"), Tone::Bad, colour),
                };
                match summary.mode {
                    Mode::Submit => {
                        let score = fl!(m, "run-score", score = summary.score, max = summary.max_score);
                        writeln!(out, "{} - {said}", heading(&score, colour))?
                    }
                    Mode::Check => writeln!(out, "{} {said}", heading(&fl!(m, "run-public-tests"), colour))?,
                }
            }
        }
        out.flush()
    }
}

fn write_build(out: &mut impl Write, status: &BuildStatus, colour: bool, m: &Messages) -> std::io::Result<()> {
    match status {
        BuildStatus::Ok { duration, advice } => {
            let seconds = format!("{:.1}", duration.as_secs_f64());
            writeln!(out, "{} {}", verdict("ok", Tone::Good, colour), fl!(m, "build-took", seconds = seconds))?;
            if !advice.is_empty() {
                writeln!(out, "\n{}\n", fl!(m, "build-advice", count = advice.len()))?;
                for item in advice {
                    writeln!(out, "{}\n", shown(item, colour).trim_end())?;
                }
            }
            Ok(())
        }
        BuildStatus::Failed { diagnostics } => {
            writeln!(out, "{}\n", verdict(&fl!(m, "build-failed"), Tone::Bad, colour))?;
            writeln!(out, "{}", shown(diagnostics, colour).trim_end())?;
            writeln!(out)
        }
        BuildStatus::HiddenFailed { messages } => {
            writeln!(out, "{}", verdict(&fl!(m, "build-hidden-failed"), Tone::Bad, colour))?;
            writeln!(out, "{}", fl!(m, "build-hidden-failed-why"))?;
            for message in messages {
                writeln!(out, "  - {message}")?;
            }
            Ok(())
        }
    }
}

/// The compiler's text in its colours on a coloured console, plain otherwise.
fn shown(rendered: &crate::events::Rendered, colour: bool) -> String {
    if colour {
        rendered.coloured().to_owned()
    } else {
        rendered.plain()
    }
}

fn write_check(out: &mut impl Write, result: &CheckResult, colour: bool, m: &Messages) -> std::io::Result<()> {
    let (label, tone) = match &result.outcome {
        Outcome::Pass => ("PASS", Tone::Good),
        Outcome::Fail(_) => ("FAIL", Tone::Bad),
        Outcome::TimedOut { .. } => ("TIMEOUT", Tone::Bad),
        Outcome::NoVerdict { .. } => ("CRASH", Tone::Bad),
        Outcome::LeftBehind { .. } => ("LEFTOVER", Tone::Bad),
        Outcome::NotRun { .. } => ("NOT RUN", Tone::Neutral),
        Outcome::NotJudged { .. } => ("NOT JUDGED", Tone::Neutral),
    };
    // Padded before it is coloured, so that the columns stay aligned.
    let label = verdict(&format!("{label:<8}"), tone, colour);
    writeln!(out, "{label} {:<40} {:>2}/{}", result.name, result.points, result.max_points)?;
    write_explanation(out, &Explanation::of_check_in(result, m))
}

/// An explanation's lines, indented under the line of the check they explain; a field of
/// several lines (what a program wrote on stderr) lined up under its first line.
fn write_explanation(out: &mut impl Write, explanation: &Explanation) -> std::io::Result<()> {
    const INDENT: &str = "         ";
    let label_width = explanation.label_width();
    for line in &explanation.lines {
        let plain = line.plain(label_width);
        let mut parts = plain.lines();
        writeln!(out, "{INDENT}{}", parts.next().unwrap_or_default())?;
        let under = if matches!(line, Line::Field { .. }) { label_width } else { 0 };
        for part in parts {
            writeln!(out, "{INDENT}{:under$}{part}", "")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{CheckKind, Failure};
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
        let failure = crate::events::Failure::new("3 jobs", "2", "w");
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
    fn in_russian_the_labels_are_russian_and_the_texts_line_up_after_the_longest() {
        let result =
            CheckResult { outcome: Outcome::Fail(Failure::new("3 jobs", "2", "w")), points: 0, ..passed("c1") };
        let russian = crate::messages::of(crate::lang::Language::Ru);
        let mut console = Console::new(Vec::new(), false, false).speaking(russian);
        console.handle(&Event::CheckFinished(result)).unwrap();
        let text = String::from_utf8(console.out).unwrap();
        let expected = "FAIL     c1                                        0/1\n         проверяет, что s\n         \
                        наблюдалось: 3 jobs\n         ожидалось:   2\n         почему:      w\n         измерено: \
                        serial 1.0 s, threaded 1.1 s\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn in_colour_the_label_is_green_or_red_and_the_columns_stay() {
        let mut console = Console::new(Vec::new(), false, false).coloured(true);
        console.handle(&Event::CheckFinished(passed("c1"))).unwrap();
        let failure = Failure::new("it ended; on stderr:\n| panicked\n| at x", "e", "w");
        let failed = CheckResult { outcome: Outcome::Fail(failure), points: 0, ..passed("c2") };
        console.handle(&Event::CheckFinished(failed)).unwrap();
        let text = String::from_utf8(console.out).unwrap();
        assert!(text.starts_with("\u{1b}[32mPASS    \u{1b}[0m c1 "), "{text:?}");
        assert!(text.contains("\u{1b}[31m\u{1b}[1mFAIL    \u{1b}[0m c2 "), "{text:?}");
        // What a program wrote on stderr is text, lined up under the first line.
        assert!(
            text.contains(
                "         observed: it ended; on stderr:\n                   | panicked\n                   | at x\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_log_gets_only_results() {
        let text = shown(false);
        assert!(text.starts_with("PASS     c1"), "{text:?}");
        assert!(!text.contains('\r'), "{text:?}");
    }
}
