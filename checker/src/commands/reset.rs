//! `checker reset EX`: restore an exercise to its skeleton (see [`crate::skeletons`]), after
//! backing up the student's current files to `.checker/backups/<id>-<date>/`; with `--restore`,
//! bring back the latest backup instead.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::layout::Layout;
use crate::manifest::Exercise;
use crate::messages::Messages;
use crate::progress::Progress;
use crate::skeletons;
use i18n_embed_fl::fl;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(context: &Context, query: &str, yes: bool, restore: bool) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    let layout = &context.layout;
    let messages = context.messages;
    let id = exercise.id.as_str();
    let dir = layout.exercise_dir(exercise);
    let rel = format!("exercises/{}", exercise.dir);
    let backup = if restore {
        let Some(latest) = latest_backup(layout, exercise)? else {
            return Err(SetupError::Refused(fl!(
                messages,
                "reset-no-backup",
                exercise = id,
                folder = layout.show(&layout.backups())
            )));
        };
        Some(latest)
    } else {
        None
    };
    let question = match &backup {
        Some(from) => fl!(messages, "reset-ask-restore", folder = rel.as_str(), backup = layout.show(from)),
        None => fl!(messages, "reset-ask", folder = rel.as_str()),
    };
    let command = format!("checker reset {id}{} --yes", if restore { " --restore" } else { "" });
    if !confirm(messages, &question, yes, &command)? {
        println!("{}", fl!(messages, "reset-nothing-changed"));
        return Ok(exit_code::PASS);
    }
    let saved = back_up(layout, exercise, &dir)?;
    match &backup {
        Some(from) => {
            skeletons::replace(&dir, from)?;
            println!("{}", fl!(messages, "reset-restored", folder = rel.as_str(), backup = layout.show(from)));
        }
        None => {
            restore_skeleton(layout, exercise, &dir, &rel, messages)?;
            let mut progress = Progress::load(&layout.progress_file())?;
            progress.record_reset(&exercise.id);
            progress.save()?;
            println!("{}", fl!(messages, "reset-done", folder = rel.as_str()));
        }
    }
    if let Some(saved) = saved {
        println!("{}", fl!(messages, "reset-backed-up", backup = layout.show(&saved), exercise = id));
    }
    Ok(exit_code::PASS)
}

/// Asks on a terminal; elsewhere only `--yes` (given as `command`) goes ahead.
fn confirm(messages: &Messages, question: &str, yes: bool, command: &str) -> Result<bool, SetupError> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(SetupError::Refused(fl!(messages, "reset-confirm-with", command = command)));
    }
    print!("{question} {} ", fl!(messages, "reset-backed-up-first"));
    std::io::stdout().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(SetupError::io("reading the answer"))?;
    // `y` in either language, and the translation's own word for yes (`д`, `да`).
    let answer = answer.trim().to_lowercase();
    Ok(answer == "y" || answer == "yes" || fl!(messages, "reset-yes").split('|').any(|word| word == answer))
}

/// The skeleton kept by the checker, else git's HEAD version of the folder.
fn restore_skeleton(
    layout: &Layout,
    exercise: &Exercise,
    dir: &Path,
    rel: &str,
    messages: &Messages,
) -> Result<(), SetupError> {
    let kept = skeletons::of(layout, exercise);
    if kept.is_dir() {
        return skeletons::replace(dir, &kept);
    }
    let tracked = git(&layout.root, &["ls-tree", "-r", "--name-only", "HEAD", "--", &format!("{rel}/")], messages)?;
    if tracked.trim().is_empty() {
        return Err(SetupError::Missing(fl!(
            messages,
            "reset-no-skeleton",
            exercise = exercise.id.as_str(),
            kept = layout.show(&kept),
            folder = rel
        )));
    }
    if dir.exists() {
        // Files the skeleton does not have would survive a checkout: they are in the backup.
        std::fs::remove_dir_all(dir).map_err(SetupError::io(format!("clearing {rel}")))?;
    }
    git(&layout.root, &["checkout", "HEAD", "--", &format!("{rel}/")], messages).map(|_| ())
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

fn git(root: &Path, args: &[&str], messages: &Messages) -> Result<String, SetupError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| SetupError::Missing(fl!(messages, "reset-no-git", error = e.to_string())))?;
    if !output.status.success() {
        let error = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(SetupError::Missing(fl!(messages, "reset-git-failed", error = error)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
