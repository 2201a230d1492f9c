//! `checker check EX` and `checker submit EX`: one run of the pipeline, reported on the console
//! (and, for a submission, in a JSON report), recorded in the student's progress.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::events::{Event, Mode, RunSummary};
use crate::manifest::Exercise;
use crate::progress::Progress;
use crate::reporter::{Console, JsonReport, Reporter};
use crate::runner::Run;
use i18n_embed_fl::fl;
use std::path::{Path, PathBuf};

pub fn check_or_submit(
    context: &Context,
    query: &str,
    mode: Mode,
    from: Option<PathBuf>,
    report: Option<PathBuf>,
    only: &[String],
) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    if let Some(unknown) = only.iter().find(|name| !exercise.checks.iter().any(|c| &c.name == *name)) {
        let known: Vec<&str> = exercise.checks.iter().map(|c| c.name.as_str()).collect();
        return Err(SetupError::Refused(fl!(
            context.messages,
            "no-such-check",
            exercise = exercise.id.as_str(),
            check = format!("{unknown:?}"),
            checks = known.join(", ")
        )));
    }
    // A partial run says nothing of the whole exercise: the progress file is left alone.
    let own = from.is_none() && only.is_empty();
    let submission = match from {
        Some(dir) => std::env::current_dir().map_err(SetupError::io("reading the current folder"))?.join(dir),
        None => context.layout.exercise_dir(exercise),
    };
    let report = match mode {
        Mode::Submit => Some(report.unwrap_or_else(|| context.layout.report_file(exercise))),
        Mode::Check => None,
    };
    let summary = run_reported(context, exercise, mode, &submission, report.as_deref(), true, only)?;
    if let Some(path) = &report {
        println!("{}", fl!(context.messages, "report-written", path = context.layout.show(path)));
    }
    if own {
        record(context, exercise, &summary)?;
    }
    Ok(if summary.passed { exit_code::PASS } else { exit_code::CHECKS_FAILED })
}

/// Runs the pipeline with a console reporter (and a JSON one when `report` is given).
pub fn run_reported(
    context: &Context,
    exercise: &Exercise,
    mode: Mode,
    submission: &Path,
    report: Option<&Path>,
    console: bool,
    only: &[String],
) -> Result<RunSummary, SetupError> {
    // A student's copy of the course (the handout) has no grading pack: said at once, before
    // a build that could only end in the same news.
    if mode == Mode::Submit && !context.layout.pack.is_dir() {
        return Err(SetupError::Refused(fl!(
            context.messages,
            "submit-no-pack",
            exercise = exercise.id.as_str(),
            pack = context.layout.show(&context.layout.pack)
        )));
    }
    let _lock = super::lock(&context.layout, context.messages)?;
    let mut reporters: Vec<Box<dyn Reporter>> = Vec::new();
    if console {
        let live = std::io::IsTerminal::is_terminal(&std::io::stdout());
        reporters.push(Box::new(
            Console::new(std::io::stdout(), mode == Mode::Check, live)
                .coloured(context.colour)
                .speaking(context.messages),
        ));
    }
    if let Some(path) = report {
        reporters.push(Box::new(JsonReport::new(path.to_path_buf())));
    }
    let mut failure = None;
    let run = Run {
        layout: &context.layout,
        course: &context.course,
        exercise,
        mode,
        submission: submission.to_path_buf(),
        worker: None,
        fail_fast: false,
        only: only.to_vec(),
        language: context.language,
    };
    let summary = run.execute(&mut |event: Event| {
        for reporter in reporters.iter_mut() {
            if let Err(e) = reporter.handle(&event) {
                failure.get_or_insert(e);
            }
        }
    })?;
    if let Some(error) = failure {
        return Err(SetupError::Io { context: "writing the report".into(), source: error });
    }
    Ok(summary)
}

/// Records the outcome in the student's progress.
fn record(context: &Context, exercise: &Exercise, summary: &RunSummary) -> Result<(), SetupError> {
    let mut progress = Progress::load(&context.layout.progress_file())?;
    let score = (summary.mode == Mode::Submit).then_some(summary.score);
    progress.record_run(&exercise.id, summary.passed, score);
    progress.save()
}
