//! `checker reset EX`: restore an exercise to its skeleton, as committed in the course's git
//! history, after backing up the student's current files to `.checker/backups/`.

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::progress::Progress;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::Command;

pub fn run(context: &Context, query: &str, yes: bool) -> Result<u8, SetupError> {
    let exercise = context.exercise(query)?;
    let layout = &context.layout;
    let dir = layout.exercise_dir(exercise);
    let rel = format!("exercises/{}", exercise.dir);
    let tracked = git(&layout.root, &["ls-tree", "-r", "--name-only", "HEAD", "--", &format!("{rel}/")])?;
    if tracked.trim().is_empty() {
        return Err(SetupError::Missing(format!(
            "the skeleton of {} is not in the course's git history (HEAD has no {rel}/)",
            exercise.id
        )));
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(SetupError::Refused(format!(
                "reset replaces your files in {rel}; confirm with `checker reset {} --yes`",
                exercise.id
            )));
        }
        print!("Restore {rel} to the skeleton? Your current files are backed up first. [y/N] ");
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).map_err(SetupError::io("reading the answer"))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing changed.");
            return Ok(exit_code::PASS);
        }
    }
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let backup = layout.backups().join(format!("{}-{stamp}", exercise.id));
    if dir.exists() {
        copy_tree(&dir, &backup).map_err(SetupError::io(format!("backing up {rel}")))?;
        // Files the skeleton does not have would survive a checkout: they are in the backup.
        std::fs::remove_dir_all(&dir).map_err(SetupError::io(format!("clearing {rel}")))?;
    }
    git(&layout.root, &["checkout", "HEAD", "--", &format!("{rel}/")])?;
    let mut progress = Progress::load(&layout.progress_file())?;
    progress.record_reset(&exercise.id);
    progress.save()?;
    println!("{rel} is back to its skeleton.");
    if backup.exists() {
        println!("Your previous files are in {}.", layout.show(&backup));
    }
    Ok(exit_code::PASS)
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

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&entry.path(), &target)?;
            }
        } else if kind.is_file() {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
