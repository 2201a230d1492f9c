//! `checker reset EX`: restore an exercise to its skeleton (see [`crate::skeletons`]), after
//! backing up the student's current files to `.checker/backups/<id>-<date>/`; with `--restore`,
//! bring back the latest backup instead.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::layout::Layout;
use crate::manifest::Exercise;
use crate::progress::Progress;
use crate::skeletons;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(context: &Context, query: &str, yes: bool, restore: bool) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    let layout = &context.layout;
    let dir = layout.exercise_dir(exercise);
    let rel = format!("exercises/{}", exercise.dir);
    let backup = if restore {
        let Some(latest) = latest_backup(layout, exercise)? else {
            return Err(SetupError::Refused(format!(
                "there is no backup of {} in {}: a reset makes one",
                exercise.id,
                layout.show(&layout.backups())
            )));
        };
        Some(latest)
    } else {
        None
    };
    let question = match &backup {
        Some(from) => format!("Replace {rel} with the backup {}?", layout.show(from)),
        None => format!("Restore {rel} to the skeleton?"),
    };
    if !confirm(
        &question,
        yes,
        &format!("checker reset {}{} --yes", exercise.id, if restore { " --restore" } else { "" }),
    )? {
        println!("Nothing changed.");
        return Ok(exit_code::PASS);
    }
    let saved = back_up(layout, exercise, &dir)?;
    match &backup {
        Some(from) => {
            skeletons::replace(&dir, from)?;
            println!("{rel} is back as it was in {}.", layout.show(from));
        }
        None => {
            restore_skeleton(layout, exercise, &dir, &rel)?;
            let mut progress = Progress::load(&layout.progress_file())?;
            progress.record_reset(&exercise.id);
            progress.save()?;
            println!("{rel} is back to its skeleton.");
        }
    }
    if let Some(saved) = saved {
        println!(
            "Your previous files are in {} (`checker reset {} --restore` brings them back).",
            layout.show(&saved),
            exercise.id
        );
    }
    Ok(exit_code::PASS)
}

/// Asks on a terminal; elsewhere only `--yes` (given as `command`) goes ahead.
fn confirm(question: &str, yes: bool, command: &str) -> Result<bool, SetupError> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(SetupError::Refused(format!("this replaces your files; confirm with `{command}`")));
    }
    print!("{question} Your current files are backed up first. [y/N] ");
    std::io::stdout().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(SetupError::io("reading the answer"))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// The skeleton kept by the checker, else git's HEAD version of the folder.
fn restore_skeleton(layout: &Layout, exercise: &Exercise, dir: &Path, rel: &str) -> Result<(), SetupError> {
    let kept = skeletons::of(layout, exercise);
    if kept.is_dir() {
        return skeletons::replace(dir, &kept);
    }
    let tracked = git(&layout.root, &["ls-tree", "-r", "--name-only", "HEAD", "--", &format!("{rel}/")])?;
    if tracked.trim().is_empty() {
        return Err(SetupError::Missing(format!(
            "the skeleton of {} is neither in {} nor in the course's git history (HEAD has no {rel}/)",
            exercise.id,
            layout.show(&kept)
        )));
    }
    if dir.exists() {
        // Files the skeleton does not have would survive a checkout: they are in the backup.
        std::fs::remove_dir_all(dir).map_err(SetupError::io(format!("clearing {rel}")))?;
    }
    git(&layout.root, &["checkout", "HEAD", "--", &format!("{rel}/")]).map(|_| ())
}

/// Copies the exercise's folder to `.checker/backups/<id>-<date and time>/`, if it exists.
fn back_up(layout: &Layout, exercise: &Exercise, dir: &Path) -> Result<Option<PathBuf>, SetupError> {
    if !dir.exists() {
        return Ok(None);
    }
    // A date a person reads, and a valid file name everywhere (no colons).
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string().replace(':', "-");
    let mut backup = layout.backups().join(format!("{}-{stamp}", exercise.id));
    for n in 2.. {
        if !backup.exists() {
            break;
        }
        backup = layout.backups().join(format!("{}-{stamp}-{n}", exercise.id));
    }
    skeletons::copy_tree(dir, &backup).map_err(SetupError::io(format!("backing up {}", dir.display())))?;
    Ok(Some(backup))
}

/// The backup of `exercise` made last.
fn latest_backup(layout: &Layout, exercise: &Exercise) -> Result<Option<PathBuf>, SetupError> {
    let prefix = format!("{}-", exercise.id);
    let Ok(entries) = std::fs::read_dir(layout.backups()) else { return Ok(None) };
    let mut backups: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix) && e.path().is_dir())
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    backups.sort();
    Ok(backups.pop().map(|(_, path)| path))
}

fn git(root: &Path, args: &[&str]) -> Result<String, SetupError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| SetupError::Missing(format!("reset needs git, which could not be run: {e}")))?;
    if !output.status.success() {
        return Err(SetupError::Missing(format!(
            "reset restores the skeleton from the course's git history, and git failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
