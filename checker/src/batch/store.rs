//! The results of a batch on disk: one JSON file per student and exercise under
//! `OUT/results/`, each written whole (to a temporary file, then renamed), so a batch killed at
//! any moment loses nothing it had finished, and a restart knows what is left to do. Folders
//! and files are the instructor's alone ([`super::private`]); each record names its student
//! inside, the folder only stands for it ([`super::names`]).

use super::names::file_name;
use super::private;
use super::record::{GradeRecord, SCHEMA_VERSION};
use crate::error::SetupError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn open(out: &Path) -> Result<Store, SetupError> {
        if !out.exists() {
            private::folder(out).map_err(SetupError::io(format!("creating {}", out.display())))?;
        }
        let dir = out.join("results");
        private::folder(&dir).map_err(SetupError::io(format!("creating {}", dir.display())))?;
        Ok(Store { dir })
    }

    fn path(&self, student: &str, exercise: &str) -> PathBuf {
        self.dir.join(file_name(student)).join(format!("{}.json", file_name(exercise)))
    }

    pub fn save(&self, record: &GradeRecord) -> Result<(), SetupError> {
        let path = self.path(&record.student, &record.exercise);
        let folder = path.parent().expect("a student folder");
        private::folder(folder).map_err(SetupError::io(format!("creating {}", folder.display())))?;
        let text = serde_json::to_vec_pretty(record).expect("a record serialises");
        let temporary = path.with_extension("json.partial");
        private::write(&temporary, &text)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(SetupError::io(format!("writing {}", path.display())))
    }

    /// Every record in the store, by (student, exercise), whatever folder it is in: a record
    /// says whose it is. A file that is not a record of this schema (a half-written one cannot
    /// exist, but a hand-edited one can) is reported and left out, so that it is graded again.
    /// Where two files hold a record of the same student and exercise (one left by a checker
    /// that named folders differently), the one where [`Store::save`] puts it wins.
    pub fn load(&self) -> Result<BTreeMap<(String, String), GradeRecord>, SetupError> {
        let mut records: BTreeMap<(String, String), GradeRecord> = BTreeMap::new();
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
                    Ok(mut record) if GradeRecord::readable(&record.schema, record.schema_version) => {
                        // Read as this version's record, it is one: saved again, it is written so.
                        record.schema_version = SCHEMA_VERSION;
                        let key = (record.student.clone(), record.exercise.clone());
                        if !records.contains_key(&key) || path == self.path(&key.0, &key.1) {
                            records.insert(key, record);
                        }
                    }
                    Ok(other) => eprintln!(
                        "note: {} is a record of schema {} version {}, which this checker (version {SCHEMA_VERSION}) \
                         does not read; it will be graded again",
                        path.display(),
                        other.schema,
                        other.schema_version
                    ),
                    Err(why) => {
                        eprintln!("note: {} is not a grade record ({why}); it will be graded again", path.display())
                    }
                }
            }
        }
        Ok(records)
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
        std::fs::write(out.path().join("results").join(file_name("ann lee")).join("ex05_queue.json"), "{ not json")
            .unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[&("ann lee".into(), "ex04_pool".into())], record);
    }

    /// "ann lee" and "ann_lee" once shared `results/ann_lee/`: each has a folder of its own now.
    #[test]
    fn students_whose_names_once_shared_a_folder_keep_their_own_records() {
        let out = tempfile::tempdir().unwrap();
        let store = Store::open(out.path()).unwrap();
        let students = ["ann lee", "ann_lee", "Ann_Lee", "иван-петров", "анна-ильина", "Иван Петров", "Анна Ильина"];
        for (score, student) in students.iter().enumerate() {
            let mut record = GradeRecord::ungraded(student, "ex04_pool", "g1", Status::Graded, 14, String::new());
            record.score = score as u32;
            store.save(&record).unwrap();
        }
        let loaded = store.load().unwrap();
        assert_eq!(loaded.len(), students.len());
        for (score, student) in students.iter().enumerate() {
            assert_eq!(loaded[&(student.to_string(), "ex04_pool".into())].score, score as u32, "{student}");
        }
        assert!(out.path().join("results/иван-петров/ex04_pool.json").is_file());
    }

    /// A resumed batch finds the records of a checker that named folders the old way, and
    /// prefers the one in its own place when both exist.
    #[test]
    fn records_in_folders_named_the_old_way_are_found_and_the_current_place_wins() {
        let out = tempfile::tempdir().unwrap();
        let store = Store::open(out.path()).unwrap();
        let old = GradeRecord::ungraded("Ann Lee", "ex04_pool", "old", Status::Missing, 14, "old".into());
        std::fs::create_dir_all(out.path().join("results/Ann_Lee")).unwrap();
        let old_path = out.path().join("results/Ann_Lee/ex04_pool.json");
        std::fs::write(&old_path, serde_json::to_vec(&old).unwrap()).unwrap();
        assert_eq!(store.load().unwrap()[&("Ann Lee".into(), "ex04_pool".into())], old);
        let new = GradeRecord::ungraded("Ann Lee", "ex04_pool", "new", Status::Missing, 14, "new".into());
        store.save(&new).unwrap();
        // Whichever file the folder listing gives first, the current place wins.
        assert_eq!(store.load().unwrap()[&("Ann Lee".into(), "ex04_pool".into())], new);
    }

    /// A batch graded by the checker before explanations were typed lines resumes: its records
    /// are read, with typed kinds and outcomes, and the text as lines.
    #[test]
    fn records_of_version_1_are_read_and_another_version_is_graded_again() {
        use crate::events::{CheckKind, OutcomeKind};
        use crate::explanation::Line;
        let out = tempfile::tempdir().unwrap();
        let store = Store::open(out.path()).unwrap();
        let folder = out.path().join("results/ann");
        std::fs::create_dir_all(&folder).unwrap();
        let version_1 = serde_json::json!({
            "schema": "checker-grade", "schema_version": 1, "student": "ann", "exercise": "ex04_pool",
            "sources_sha256": "ab", "grader": "g1", "status": "graded", "score": 0, "max_score": 2,
            "passed": false, "reason": null, "duration_ms": 5,
            "checks": [{ "name": "drop_joins_workers", "kind": "hidden", "points": 0, "max_points": 2,
                "outcome": "timeout", "explanation": "checks that x\ndid not finish within 10s", "duration_ms": 4 }],
        });
        std::fs::write(folder.join("ex04_pool.json"), version_1.to_string()).unwrap();
        let mut version_9 = version_1.clone();
        version_9["schema_version"] = 9.into();
        version_9["exercise"] = "ex05_queue".into();
        std::fs::write(folder.join("ex05_queue.json"), version_9.to_string()).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.len(), 1, "{loaded:?}");
        let record = &loaded[&("ann".into(), "ex04_pool".into())];
        assert_eq!(record.schema_version, SCHEMA_VERSION);
        let check = &record.checks[0];
        assert_eq!((check.kind, check.outcome), (CheckKind::Hidden, OutcomeKind::TimedOut));
        assert_eq!(check.explanation.headline, "checks that x");
        assert_eq!(check.explanation.lines[1], Line::Text { text: "did not finish within 10s".into() });
    }

    #[test]
    fn results_are_the_owners_alone() {
        use std::os::unix::fs::MetadataExt;
        let out = tempfile::tempdir().unwrap();
        let store = Store::open(&out.path().join("grades")).unwrap();
        let record = GradeRecord::ungraded("ann", "ex04_pool", "g1", Status::Missing, 14, "no folder".into());
        store.save(&record).unwrap();
        let mode = |path: &str| std::fs::metadata(out.path().join(path)).unwrap().mode() & 0o777;
        assert_eq!(mode("grades"), 0o700);
        assert_eq!(mode("grades/results"), 0o700);
        assert_eq!(mode("grades/results/ann"), 0o700);
        assert_eq!(mode("grades/results/ann/ex04_pool.json"), 0o600);
    }
}
