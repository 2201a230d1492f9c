//! The class list an instructor keeps (`--roster roster.csv`): which student each submission
//! is. A CSV file (read with the csv crate) with a header and the columns `submission` (the
//! folder's or archive's name, as the results name the student), `id`, `name` and `email`, in
//! any order; other columns are ignored. The gradebook and the summaries carry the roster's
//! ids, names and emails, and list both the submissions with no roster entry and the roster
//! entries with no submission.

use crate::error::SetupError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// One student of the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub submission: String,
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// By submission name.
    entries: BTreeMap<String, Entry>,
}

impl Roster {
    /// Reads a roster, refusing one that cannot be used as it is (a missing column, a row
    /// without a submission name, one submission given twice), with the line to fix.
    pub fn load(path: &Path) -> Result<Roster, SetupError> {
        let bad = |why: String| SetupError::Refused(format!("the roster {} {why}", path.display()));
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| bad(format!("cannot be read: {e}")))?;
        let header = reader.headers().map_err(|e| bad(format!("has no header line: {e}")))?.clone();
        let missing: Vec<&str> =
            ["submission", "id", "name", "email"].into_iter().filter(|c| !header.iter().any(|h| h == *c)).collect();
        if !missing.is_empty() {
            return Err(bad(format!(
                "lacks the column{} {}: its header must name submission (the folder's or archive's name), id, name \
                 and email",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )));
        }
        let mut entries = BTreeMap::new();
        for row in reader.deserialize::<Entry>() {
            let entry = row.map_err(|e| bad(format!("has a row that cannot be read: {e}")))?;
            if entry.submission.is_empty() {
                return Err(bad(format!("has a row without a submission name (id {:?})", entry.id)));
            }
            if let Some(earlier) = entries.insert(entry.submission.clone(), entry) {
                return Err(bad(format!(
                    "gives the submission {:?} twice: keep one row per student",
                    earlier.submission
                )));
            }
        }
        Ok(Roster { entries })
    }

    pub fn get(&self, submission: &str) -> Option<&Entry> {
        self.entries.get(submission)
    }

    /// The roster's entries for which `graded` holds no submission, in submission order.
    pub fn without_submission<'a>(&'a self, graded: &[&str]) -> Vec<&'a Entry> {
        self.entries.values().filter(|e| !graded.contains(&e.submission.as_str())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Roster, SetupError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(&path, text).unwrap();
        Roster::load(&path)
    }

    fn refusal(text: &str) -> String {
        match load(text) {
            Err(SetupError::Refused(why)) => why,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn entries_are_found_by_submission_name_whatever_the_column_order() {
        let roster =
            load("email, name ,id,submission,group\nann@uni.edu,Ann Lee,s1,ann-lee,A\nb@uni.edu,Bob,s2,bob,B\n")
                .unwrap();
        let ann = roster.get("ann-lee").unwrap();
        assert_eq!((ann.id.as_str(), ann.name.as_str(), ann.email.as_str()), ("s1", "Ann Lee", "ann@uni.edu"));
        assert_eq!(roster.without_submission(&["ann-lee", "carl"]), vec![roster.get("bob").unwrap()]);
    }

    #[test]
    fn a_roster_that_cannot_be_used_is_refused_saying_what_to_fix() {
        assert!(refusal("submission,id,name\nann,s1,Ann\n").contains("lacks the column email"));
        assert!(refusal("folder,id\n").contains("lacks the columns submission, name, email"));
        assert!(refusal("submission,id,name,email\nann,s1,Ann,a@x\nann,s2,Ann,a@x\n").contains("\"ann\" twice"));
        assert!(refusal("submission,id,name,email\n,s1,Ann,a@x\n").contains("without a submission name"));
    }
}
