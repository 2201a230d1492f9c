//! `checker watch [EX]`: re-run the public tests whenever a file of the exercise is saved, and
//! move on to the next exercise once they pass. Stops with Ctrl-C, or when every exercise passes.

use super::run::run_reported;
use super::Context;
use crate::error::{exit_code, SetupError};
use crate::events::Mode;
use crate::manifest::Exercise;
use crate::progress::Progress;
use notify::{RecursiveMode, Watcher};
use std::sync::mpsc;
use std::time::Duration;

/// Editors write a file in several steps; changes this close together are one save.
const SETTLE: Duration = Duration::from_millis(300);

pub fn run(context: &Context, start: Option<&str>) -> Result<u8, SetupError> {
    let mut current = match start {
        Some(query) => Some(context.exercise(query)?),
        None => context.first_not_done()?,
    };
    while let Some(exercise) = current {
        watch_until_passing(context, exercise)?;
        current = context.course.next_after(&exercise.id);
        match current {
            Some(next) => println!(
                "\n{} passes its public tests; `checker submit {}` runs the hidden checks. Next: {}\n",
                exercise.id, exercise.id, next.id
            ),
            None => println!("\n{} passes its public tests. That was the last exercise.", exercise.id),
        }
    }
    println!("Every exercise is done.");
    Ok(exit_code::PASS)
}

fn watch_until_passing(context: &Context, exercise: &Exercise) -> Result<(), SetupError> {
    let dir = context.layout.exercise_dir(exercise);
    let (sender, changes) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            if event.kind.is_modify() || event.kind.is_create() || event.kind.is_remove() {
                let _ = sender.send(());
            }
        }
    })
    .map_err(|e| SetupError::Missing(format!("cannot watch files: {e}")))?;
    watcher
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(|e| SetupError::Missing(format!("cannot watch {}: {e}", context.layout.show(&dir))))?;
    loop {
        let summary = run_reported(context, exercise, Mode::Check, &dir, None, true, &[])?;
        let mut progress = Progress::load(&context.layout.progress_file())?;
        progress.record_run(&exercise.id, summary.passed, None);
        progress.save()?;
        if summary.passed {
            return Ok(());
        }
        println!("\nwatching {} for changes (Ctrl-C to stop)...", context.layout.show(&dir));
        // Wait for a save, then let the burst of events settle.
        if changes.recv().is_err() {
            return Err(SetupError::Missing("the file watcher stopped".into()));
        }
        while changes.recv_timeout(SETTLE).is_ok() {}
    }
}
