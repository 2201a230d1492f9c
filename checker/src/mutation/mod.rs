//! Mutation testing of the hidden checks: wrong versions of the reference solutions (mutants),
//! each graded like a student's submission, to measure which mistakes the checks catch.
//!
//! - [`operators`]: the checker's own concurrency mutation operators (parsed with syn);
//! - [`cargo_mutants`]: cargo-mutants' generic mutants (its listing, with diffs);
//! - [`equivalent`]: the mutants known to behave as the solution does (per exercise);
//! - [`report`]: what the grading of the mutants says, as text and JSON.
//!
//! This module finds the mutants, gives each a stable id, samples them and writes each as a
//! submission folder; `commands::mutants` grades those with the batch machinery.

pub mod cargo_mutants;
pub mod equivalent;
pub mod operators;
pub mod report;

use crate::error::SetupError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a mutant comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// One of the checker's own [`operators`].
    Checker,
    /// cargo-mutants' listing.
    CargoMutants,
}

/// One wrong version of a reference solution: one file of its `src/` changed.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// Stable across runs: derived from the mutation itself, not from its place in a list.
    pub id: String,
    pub origin: Origin,
    /// The operator (ours) or the kind of mutation (cargo-mutants' genre).
    pub operator: String,
    /// The file changed, relative to the exercise folder (`src/lib.rs`).
    pub file: String,
    pub line: usize,
    pub description: String,
    /// The changed file's whole text.
    pub mutated: String,
}

/// The 1-based line of a byte offset.
pub fn line_of(source: &str, offset: usize) -> usize {
    source[..offset].matches('\n').count() + 1
}

/// Gives each mutant its id: `prefix-` and 8 hex digits of a hash over the exercise, the file,
/// the changed text and what it became. Mutations identical in all of these (the same line
/// written twice) are told apart by their order among themselves only, so adding a mutant
/// elsewhere never renames another.
pub fn assign_ids(exercise: &str, mutants: &mut [Mutant], originals: &BTreeMap<String, String>) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for mutant in mutants.iter_mut() {
        let original = originals.get(&mutant.file).map(String::as_str).unwrap_or_default();
        let changed = changed_region(original, &mutant.mutated);
        let key = format!("{exercise}\0{}\0{}\0{}\0{}", mutant.file, mutant.operator, changed.0, changed.1);
        let occurrence = seen.entry(key.clone()).or_default();
        let digest = Sha256::digest(format!("{key}\0{occurrence}"));
        *occurrence += 1;
        let prefix = match mutant.origin {
            Origin::Checker => mutant.operator.clone(),
            Origin::CargoMutants => "cargo".to_owned(),
        };
        mutant.id = format!("{prefix}-{}", &crate::workcopy::hex(&digest)[..8]);
    }
}

/// The part of `before` that differs from `after`, and what it became (common prefix and
/// suffix removed): what a mutation changed, independently of where in the file it is.
fn changed_region<'a>(before: &'a str, after: &'a str) -> (&'a str, &'a str) {
    let prefix = before.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
    let rest = (before.len() - prefix).min(after.len() - prefix);
    let suffix = before.bytes().rev().zip(after.bytes().rev()).take(rest).take_while(|(a, b)| a == b).count();
    // Widen to whole lines, so the region is valid UTF-8 and reads as code.
    let start = before[..prefix].rfind('\n').map_or(0, |i| i + 1);
    let end_before = before[before.len() - suffix..].find('\n').map_or(before.len(), |i| before.len() - suffix + i);
    let end_after = after[after.len() - suffix..].find('\n').map_or(after.len(), |i| after.len() - suffix + i);
    (&before[start..end_before], &after[start..end_after])
}

/// The Rust sources of a crate's `src/` (a solution's, or the student's), by path relative to
/// the crate's folder (`src/lib.rs`).
pub fn sources(solution: &Path) -> Result<BTreeMap<String, String>, SetupError> {
    let mut files = BTreeMap::new();
    let mut pending = vec![solution.join("src")];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(SetupError::io(format!("reading {}", dir.display())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text =
                    std::fs::read_to_string(&path).map_err(SetupError::io(format!("reading {}", path.display())))?;
                let relative = path.strip_prefix(solution).expect("under the solution").to_string_lossy().to_string();
                files.insert(relative, text);
            }
        }
    }
    Ok(files)
}

/// The checker's own mutants of one solution.
pub fn own_mutants(files: &BTreeMap<String, String>) -> Vec<Mutant> {
    files
        .iter()
        .flat_map(|(file, source)| {
            operators::mutations(source).into_iter().map(move |edit| Mutant {
                id: String::new(),
                origin: Origin::Checker,
                operator: edit.operator.to_owned(),
                file: file.clone(),
                line: line_of(source, edit.range.start),
                description: edit.description.clone(),
                mutated: edit.apply(source),
            })
        })
        .collect()
}

/// `size` mutants chosen by `seed`: those whose hash with the seed is smallest. The same seed
/// picks the same mutants (as long as they exist), whatever else was generated; the chosen
/// keep their order.
pub fn sample(mutants: Vec<Mutant>, size: usize, seed: u64) -> Vec<Mutant> {
    let rank = |m: &Mutant| Sha256::digest(format!("{seed}\0{}", m.id));
    let mut ranked: Vec<(sha2::digest::Output<Sha256>, usize)> =
        mutants.iter().enumerate().map(|(i, m)| (rank(m), i)).collect();
    ranked.sort();
    let mut keep: Vec<usize> = ranked.into_iter().take(size).map(|(_, i)| i).collect();
    keep.sort_unstable();
    let mut mutants: Vec<Option<Mutant>> = mutants.into_iter().map(Some).collect();
    keep.into_iter().filter_map(|i| mutants[i].take()).collect()
}

/// Writes a mutant as a student's submission: `submissions/<id>/exercises/<dir>/src/...`, the
/// solution's sources with the one file changed.
pub fn materialize(
    submissions: &Path,
    exercise_dir: &str,
    files: &BTreeMap<String, String>,
    mutant: &Mutant,
) -> Result<PathBuf, SetupError> {
    let folder = submissions.join(&mutant.id).join("exercises").join(exercise_dir);
    for (file, text) in files {
        let text = if *file == mutant.file { &mutant.mutated } else { text };
        let path = folder.join(file);
        let parent = path.parent().expect("a file in a folder");
        std::fs::create_dir_all(parent)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(SetupError::io(format!("writing {}", path.display())))?;
    }
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("src/lib.rs".to_owned(), text.to_owned())])
    }

    fn ids(source: &str) -> Vec<String> {
        let files = files(source);
        let mut mutants = own_mutants(&files);
        assign_ids("ex05_queue", &mut mutants, &files);
        mutants.into_iter().map(|m| m.id).collect()
    }

    #[test]
    fn ids_do_not_move_when_code_is_added_elsewhere() {
        let before = ids("fn f() { cv.notify_all(); }\nfn g() { a.load(Ordering::SeqCst); }\n");
        let after = ids("fn e() { x.load(Ordering::Acquire); }\nfn f() { cv.notify_all(); }\n\nfn g() { a.load(Ordering::SeqCst); }\n");
        assert_eq!(before.len(), 2);
        assert_eq!(after.len(), 3);
        assert!(before.iter().all(|id| after.contains(id)), "{before:?} not all in {after:?}");
        assert!(before[0].starts_with("notify_one-") && before[1].starts_with("relaxed-"));
    }

    #[test]
    fn identical_lines_get_distinct_ids() {
        let ids = ids("fn f() {\n    cv.notify_all();\n    cv.notify_all();\n}\n");
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn a_sample_is_the_same_for_the_same_seed_and_keeps_the_order() {
        let source: String = (0..20).map(|i| format!("fn f{i}() {{ cv{i}.notify_all(); }}\n")).collect();
        let files = files(&source);
        let mut all = own_mutants(&files);
        assign_ids("ex05_queue", &mut all, &files);
        let ids = |ms: Vec<Mutant>| ms.into_iter().map(|m| m.id).collect::<Vec<_>>();
        let one = ids(sample(all.clone(), 5, 7));
        assert_eq!(one, ids(sample(all.clone(), 5, 7)));
        assert_eq!(one.len(), 5);
        assert_ne!(one, ids(sample(all.clone(), 5, 8)));
        let order: Vec<usize> = one.iter().map(|id| all.iter().position(|m| &m.id == id).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_mutant_is_written_as_a_submission() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = files("fn f() { cv.notify_all(); }\n");
        files.insert("src/main.rs".into(), "fn main() {}\n".into());
        let mut mutants = own_mutants(&files);
        assign_ids("ex05_queue", &mut mutants, &files);
        let folder = materialize(dir.path(), "ex05_queue", &files, &mutants[0]).unwrap();
        assert_eq!(folder, dir.path().join(&mutants[0].id).join("exercises/ex05_queue"));
        assert_eq!(std::fs::read_to_string(folder.join("src/lib.rs")).unwrap(), "fn f() { cv.notify_one(); }\n");
        assert_eq!(std::fs::read_to_string(folder.join("src/main.rs")).unwrap(), "fn main() {}\n");
    }
}
