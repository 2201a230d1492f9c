//! Equivalent mutants: mutations that change the code but not what it does (a stronger atomic
//! ordering than needed, weakened), so no check can ever kill them. They are listed per
//! exercise in `tests/mutants/<id>/equivalent.toml`, next to the hand-written wrong solutions,
//! each with the reason a reviewer accepted; the report shows them apart and leaves them out
//! of the score.
//!
//! ```toml
//! [[equivalent]]
//! id = "relaxed-1a2b3c4d"
//! reason = "the counter is read only after join(), which synchronises"
//! ```

use crate::error::SetupError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    equivalent: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    reason: String,
}

/// Where an exercise's equivalent mutants are listed.
pub fn path(root: &Path, exercise: &str) -> PathBuf {
    root.join("tests").join("mutants").join(exercise).join("equivalent.toml")
}

/// The equivalent mutants' ids with their reasons; none when the file does not exist.
pub fn load(path: &Path) -> Result<BTreeMap<String, String>, SetupError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(SetupError::io(format!("reading {}", path.display()))(e)),
    };
    let file: File = toml::from_str(&text)
        .map_err(|e| SetupError::Refused(format!("{} is not a list of equivalent mutants: {e}", path.display())))?;
    Ok(file.equivalent.into_iter().map(|entry| (entry.id, entry.reason)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_and_reasons_and_refuses_typos() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("equivalent.toml");
        assert!(load(&file).unwrap().is_empty());
        std::fs::write(&file, "[[equivalent]]\nid = \"relaxed-0a1b2c3d\"\nreason = \"read after join\"\n").unwrap();
        assert_eq!(load(&file).unwrap()["relaxed-0a1b2c3d"], "read after join");
        std::fs::write(&file, "[[equivalent]]\nid = \"x\"\nreasn = \"typo\"\n").unwrap();
        assert!(load(&file).is_err());
    }
}
