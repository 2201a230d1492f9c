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
    /// Whether the last `check` or `submit` passed; `None` before the first.
    pub last_passed: Option<bool>,
    /// Set once a `submit` gets full marks; stays set.
    pub done: bool,
    pub hints_shown: usize,
    pub best_score: Option<u32>,
}

/// The status `checker list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    Failing,
    Passing,
    Done,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Failing => "failing",
            Status::Passing => "passing (not submitted)",
            Status::Done => "done",
        }
    }
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

    pub fn status(&self, id: &str) -> Status {
        let entry = self.get(id);
        match (entry.done, entry.last_passed) {
            (true, _) => Status::Done,
            (false, None) => Status::NotStarted,
            (false, Some(false)) => Status::Failing,
            (false, Some(true)) => Status::Passing,
        }
    }
}
