//! The student's progress, kept in `.checker/progress.json`: which exercises were tried and
//! passed, and how many hints of each were shown.

use crate::error::SetupError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Progress {
    format: u32,
    #[serde(default)]
    exercises: BTreeMap<String, ExerciseProgress>,
    #[serde(skip)]
    path: PathBuf,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ExerciseProgress {
    /// Whether the last `check` or `submit` passed; `None` before the first and after a reset.
    pub last_passed: Option<bool>,
    /// Whether the last `submit` got full marks (a reset clears it).
    pub done: bool,
    pub hints_shown: usize,
    pub best_score: Option<u32>,
    /// The score of the last `submit`.
    #[serde(default)]
    pub last_score: Option<u32>,
}

/// The status `checker list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    Failing,
    Passing,
    Done,
}

impl Progress {
    pub fn load(path: &Path) -> Result<Progress, SetupError> {
        let mut progress = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<Progress>(&bytes)
                .map_err(|e| SetupError::Progress { path: path.into(), message: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Progress { format: FORMAT, exercises: BTreeMap::new(), path: PathBuf::new() }
            }
            Err(e) => return Err(SetupError::io(format!("reading {}", path.display()))(e)),
        };
        if progress.format != FORMAT {
            return Err(SetupError::Progress {
                path: path.into(),
                message: format!("format {} is not {FORMAT}", progress.format),
            });
        }
        progress.path = path.to_path_buf();
        Ok(progress)
    }

    /// Writes atomically, so an interrupted checker never leaves half a file.
    pub fn save(&self) -> Result<(), SetupError> {
        let dir = self.path.parent().expect("progress file has a folder");
        std::fs::create_dir_all(dir).map_err(SetupError::io(format!("creating {}", dir.display())))?;
        let temp = self.path.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(self).expect("progress serialises");
        std::fs::write(&temp, text)
            .and_then(|_| std::fs::rename(&temp, &self.path))
            .map_err(SetupError::io(format!("writing {}", self.path.display())))
    }

    pub fn get(&self, id: &str) -> ExerciseProgress {
        self.exercises.get(id).cloned().unwrap_or_default()
    }

    pub fn entry(&mut self, id: &str) -> &mut ExerciseProgress {
        self.exercises.entry(id.to_owned()).or_default()
    }

    /// What the last run said: a failed check or submit makes even a done exercise failing.
    pub fn status(&self, id: &str) -> Status {
        let entry = self.get(id);
        match (entry.last_passed, entry.done) {
            (Some(false), _) => Status::Failing,
            (Some(true), true) | (None, true) => Status::Done,
            (Some(true), false) => Status::Passing,
            (None, false) => Status::NotStarted,
        }
    }

    /// Records a run of the whole exercise: a `check` (`score` is `None`) or a `submit`.
    pub fn record_run(&mut self, id: &str, passed: bool, score: Option<u32>) {
        let entry = self.entry(id);
        entry.last_passed = Some(passed);
        if let Some(score) = score {
            entry.last_score = Some(score);
            entry.best_score = Some(entry.best_score.unwrap_or(0).max(score));
            entry.done = passed;
        }
    }

    /// The exercise is back to its skeleton: not started (the hints shown and the best score
    /// stay).
    pub fn record_reset(&mut self, id: &str) {
        let entry = self.entry(id);
        entry.last_passed = None;
        entry.done = false;
        entry.last_score = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress() -> Progress {
        Progress { format: FORMAT, exercises: BTreeMap::new(), path: PathBuf::new() }
    }

    #[test]
    fn the_status_is_what_the_last_run_said() {
        let mut p = progress();
        assert_eq!(p.status("ex04"), Status::NotStarted);
        p.record_run("ex04", true, None);
        assert_eq!(p.status("ex04"), Status::Passing);
        p.record_run("ex04", true, Some(25));
        assert_eq!(p.status("ex04"), Status::Done);
        p.record_run("ex04", false, Some(10));
        assert_eq!(p.status("ex04"), Status::Failing, "a failed submit after full marks");
        assert_eq!((p.get("ex04").last_score, p.get("ex04").best_score), (Some(10), Some(25)));
        p.record_run("ex04", true, Some(25));
        p.record_reset("ex04");
        assert_eq!(p.status("ex04"), Status::NotStarted, "after a reset");
        assert_eq!(p.get("ex04").last_score, None);
    }
}
