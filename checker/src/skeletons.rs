//! The exercises' skeletons as this copy of the course first had them, for `checker reset`.
//!
//! The first command run in a copy of the course keeps each exercise's folder in
//! `.checker/skeletons/<id>/`: from git's HEAD when the course is a git repository (so work not
//! yet committed is not taken for the skeleton), else from the folder itself. A reset then
//! works after the student has committed their work (as GitHub Classroom asks) and in a copy
//! without `.git` (a downloaded archive). A copy that predates these snapshots falls back to
//! git's HEAD.

use crate::error::SetupError;
use crate::layout::Layout;
use crate::manifest::{Course, Exercise};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the skeleton of `exercise` is kept.
pub fn of(layout: &Layout, exercise: &Exercise) -> PathBuf {
    layout.state.join("skeletons").join(&exercise.id)
}

/// Keeps the skeleton of every exercise that has none yet. Best effort: a course the checker
/// cannot write to (a read-only copy graded with `--from`) just has no snapshots.
pub fn keep(layout: &Layout, course: &Course) {
    let missing: Vec<&Exercise> = course.exercises.iter().filter(|e| !of(layout, e).exists()).collect();
    if missing.is_empty() {
        return;
    }
    let Ok(staging) = tempfile::Builder::new().prefix(".skeletons-").tempdir_in(&layout.state).or_else(|_| {
        std::fs::create_dir_all(&layout.state)?;
        tempfile::Builder::new().prefix(".skeletons-").tempdir_in(&layout.state)
    }) else {
        return;
    };
    let from_git = exercises_at_head(&layout.root, staging.path());
    for exercise in missing {
        let staged = staging.path().join(&exercise.id);
        let copied = if from_git {
            std::fs::rename(staging.path().join("exercises").join(&exercise.dir), &staged)
        } else {
            copy_tree(&layout.exercise_dir(exercise), &staged)
        };
        if copied.is_ok() {
            let target = of(layout, exercise);
            let _ = std::fs::create_dir_all(target.parent().expect("under .checker"));
            // Another checker may have kept it a moment ago: then the first one stays.
            let _ = std::fs::rename(&staged, &target);
        }
    }
}

/// Unpacks git's HEAD version of `exercises/` into `into/exercises`; false where the course is
/// no git repository (or git is missing).
fn exercises_at_head(root: &Path, into: &Path) -> bool {
    let git =
        |args: &[&str]| Command::new("git").arg("-C").arg(root).args(args).output().ok().filter(|o| o.status.success());
    let Some(prefix) = git(&["rev-parse", "--show-prefix"]) else { return false };
    let prefix = String::from_utf8_lossy(&prefix.stdout).trim().to_owned();
    let Some(archive) = git(&["archive", "--format=tar", "HEAD", "--", "exercises"]) else { return false };
    let mut tar = tar::Archive::new(archive.stdout.as_slice());
    let Ok(entries) = tar.entries() else { return false };
    for entry in entries {
        let Ok(mut entry) = entry else { return false };
        let Ok(path) = entry.path().map(|p| p.into_owned()) else { return false };
        // Paths in the archive start at the repository's top; the course may be below it.
        let Ok(rel) = path.strip_prefix(&prefix) else { continue };
        if entry.header().entry_type().is_file() {
            let target = into.join(rel);
            let written = std::fs::create_dir_all(target.parent().expect("a file has a folder"))
                .and_then(|_| entry.unpack(&target).map(|_| ()));
            if written.is_err() {
                return false;
            }
        }
    }
    into.join("exercises").is_dir()
}

/// Copies a folder (without `target/`, and without symbolic links).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
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

/// Replaces `dir` with a copy of `from`.
pub fn replace(dir: &Path, from: &Path) -> Result<(), SetupError> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(SetupError::io(format!("clearing {}", dir.display())))?;
    }
    copy_tree(from, dir).map_err(SetupError::io(format!("writing {}", dir.display())))
}
