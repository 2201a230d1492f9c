//! The results of a batch on disk: one JSON file per student and exercise under
//! `OUT/results/`, each written whole (to a temporary file, then renamed), so a batch killed at
//! any moment loses nothing it had finished, and a restart knows what is left to do.

use super::record::{GradeRecord, SCHEMA, SCHEMA_VERSION};
use crate::error::SetupError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn open(out: &Path) -> Result<Store, SetupError> {
        let dir = out.join("results");
        std::fs::create_dir_all(&dir).map_err(SetupError::io(format!("creating {}", dir.display())))?;
        Ok(Store { dir })
    }

    fn path(&self, student: &str, exercise: &str) -> PathBuf {
        self.dir.join(file_name(student)).join(format!("{}.json", file_name(exercise)))
    }

    pub fn save(&self, record: &GradeRecord) -> Result<(), SetupError> {
        let path = self.path(&record.student, &record.exercise);
        let folder = path.parent().expect("a student folder");
        std::fs::create_dir_all(folder).map_err(SetupError::io(format!("creating {}", folder.display())))?;
        let text = serde_json::to_vec_pretty(record).expect("a record serialises");
        let temporary = path.with_extension("json.partial");
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(SetupError::io(format!("writing {}", path.display())))
    }

    /// Every record in the store, by (student, exercise). A file that is not a record of this
    /// schema (a half-written one cannot exist, but a hand-edited one can) is reported and left
    /// out, so that it is graded again.
    pub fn load(&self) -> Result<BTreeMap<(String, String), GradeRecord>, SetupError> {
        let mut records = BTreeMap::new();
        let students =
            std::fs::read_dir(&self.dir).map_err(SetupError::io(format!("reading {}", self.dir.display())))?;
        for student in students.flatten().filter(|e| e.path().is_dir()) {
            for file in std::fs::read_dir(student.path()).into_iter().flatten().flatten() {
                let path = file.path();
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let parsed = std::fs::read(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| serde_json::from_slice::<GradeRecord>(&bytes).map_err(|e| e.to_string()));
                match parsed {
                    Ok(record) if record.schema == SCHEMA && record.schema_version == SCHEMA_VERSION => {
                        records.insert((record.student.clone(), record.exercise.clone()), record);
                    }
                    Ok(_) => {
                        eprintln!("note: {} is of another schema version; it will be graded again", path.display())
                    }
                    Err(why) => {
                        eprintln!("note: {} is not a grade record ({why}); it will be graded again", path.display())
                    }
                }
            }
        }
        Ok(records)
    }
}

/// A student's name as a file name: letters, digits, `.`, `-` and `_`; anything else is `_`.
pub fn file_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    match cleaned.trim_start_matches('.') {
        "" => "_".into(),
        rest => rest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::record::Status;

    #[test]
    fn records_survive_a_round_trip_and_junk_is_skipped() {
        let out = tempfile::tempdir().unwrap();
        let store = Store::open(out.path()).unwrap();
        let record = GradeRecord::ungraded("ann lee", "ex04_pool", "g1", Status::Missing, 14, "no folder".into());
        store.save(&record).unwrap();
        std::fs::write(out.path().join("results/ann_lee/ex05_queue.json"), "{ not json").unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[&("ann lee".into(), "ex04_pool".into())], record);
    }

    #[test]
    fn names_become_safe_file_names() {
        assert_eq!(file_name("../etc/passwd"), "_etc_passwd");
        assert_eq!(file_name("ann-lee_2"), "ann-lee_2");
        assert_eq!(file_name("..."), "_");
    }
}
