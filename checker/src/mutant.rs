//! Mutants: reference solutions with one deliberate mistake, which the hidden checks must catch.
//!
//! A mutant is not a copy of a solution but a few edits of it, kept in its folder's
//! `mutant.toml` (`tests/mutants/<exercise>/<name>/`): each edit finds a text that occurs exactly
//! once in a file of the *current* solution and replaces it, and the replacement carries a
//! `MUTANT:` comment saying what is wrong. A copy would silently go on testing old code when the
//! solution changes; an edit that no longer fits fails loudly instead, naming the mutant, the
//! file and the text it looked for. Where an edit would be larger than the file itself, the
//! mutant keeps the whole file in its folder (`whole = "x.rs"`).
//!
//! [`Mutant::load`] reads and validates one mutant, [`Mutant::load_all`] every mutant of a
//! folder, and [`Mutant::materialize`] writes the mutated sources, ready for
//! `checker submit EX --from DIR`.
//!
//! The same edits describe the opposite case, an [`Alternative`]: a correct solution of another
//! design than the reference one (channels instead of a condition variable, an actor instead of
//! a lock), kept in `tests/alternatives/<exercise>/<name>/alternative.toml`, which every check
//! must pass. Mutants keep the checks sharp; alternatives keep them from grading one design.

use serde::Deserialize;
use std::path::{Component, Path, PathBuf};

/// What every replacement must contain: the comment that says what is wrong.
pub const MARKER: &str = "MUTANT:";
/// The file that describes a mutant, in the mutant's folder.
pub const FILE_NAME: &str = "mutant.toml";
/// The file that describes a correct alternative, in its folder.
pub const ALTERNATIVE_FILE_NAME: &str = "alternative.toml";

/// One mutant, validated: its edits are well formed and each says what it breaks.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// The mutant's folder (holding `mutant.toml` and any whole files).
    pub dir: PathBuf,
    /// The folder's name.
    pub name: String,
    /// The exercise id, e.g. `ex04_pool`.
    pub exercise: String,
    pub description: String,
    pub expect: Expect,
    pub edits: Vec<Edit>,
}

/// How grading the mutant must go: `mutant.toml`'s `[expect]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The outcome of the first check in `fails`.
    pub outcome: ExpectedOutcome,
    /// The hidden checks that must not pass; the first is the one that catches the mutant.
    pub fails: Vec<String>,
    /// Part of the explanation the student sees for the first check in `fails` (for a timeout:
    /// part of what the check saw of the hang, e.g. the course_sync wait-for cycle).
    pub message: Option<String>,
    /// For timeouts, how the hang must be diagnosed: `deadlock`, `spinning`, `io`, `sleeping`.
    pub diagnosis: Option<String>,
}

/// The outcome a check must reach on the mutant, named as in the JSON report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedOutcome {
    Fail,
    Timeout,
    LeftBehind,
}

impl ExpectedOutcome {
    /// The report's name for the outcome (`outcome` of a check).
    pub fn as_str(self) -> &'static str {
        match self {
            ExpectedOutcome::Fail => "fail",
            ExpectedOutcome::Timeout => "timeout",
            ExpectedOutcome::LeftBehind => "left_behind",
        }
    }
}

/// One edit of one file of the solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The file, relative to the solution's folder (`src/lib.rs`).
    pub file: PathBuf,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Replace the one occurrence of `find` with `replace`.
    Replace { find: String, replace: String },
    /// Replace the whole file with `text`, read from the file `source` of the mutant's folder.
    Whole { source: PathBuf, text: String },
}

/// Why a mutant cannot be read or applied. Every message names the mutant.
#[derive(Debug, thiserror::Error)]
pub enum MutantError {
    // The causes are part of the messages (the harness shows only the message), so they are
    // not also `#[source]`s, which the checker's error chain would print a second time.
    #[error("cannot read {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
    #[error("{}: {error}", path.display())]
    Parse { path: PathBuf, error: toml::de::Error },
    #[error("mutant {mutant}: {reason}")]
    Invalid { mutant: String, reason: String },
    #[error(
        "mutant {mutant}: edit {index} ({file}) does not say what is wrong: its new text needs a `{MARKER}` comment"
    )]
    NoMarker { mutant: String, index: usize, file: String },
    #[error("mutant {mutant}: edit {index} ({file}) looks for a text that is no longer in the solution, which has changed: update the edit's `find` (and `replace`) in its mutant.toml. The text:\n{find}")]
    FindMissing { mutant: String, index: usize, file: String, find: String },
    #[error("mutant {mutant}: edit {index} ({file}) looks for a text that occurs {count} times in the solution: give its `find` more context so that it occurs once. The text:\n{find}")]
    FindAmbiguous { mutant: String, index: usize, file: String, find: String, count: usize },
    #[error("mutant {mutant}: edit {index} changes {file}, which the solution does not have")]
    NoSuchFile { mutant: String, index: usize, file: String },
    #[error("mutant {mutant}: cannot write the mutated sources to {}: {error}", path.display())]
    Write { mutant: String, path: PathBuf, error: std::io::Error },
}

/// `mutant.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MutantFile {
    exercise: String,
    description: String,
    expect: Expect,
    #[serde(default, rename = "edit")]
    edits: Vec<EditEntry>,
}

/// One `[[edit]]` as written: either `find` and `replace`, or `whole`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditEntry {
    file: String,
    find: Option<String>,
    replace: Option<String>,
    whole: Option<String>,
}

impl Mutant {
    /// Reads the mutant in `dir` and checks that it is well formed: at least one edit, each of
    /// a file under `src/`, each carrying the `MUTANT:` marker, at least one check it must fail.
    pub fn load(dir: &Path) -> Result<Mutant, MutantError> {
        let path = dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|error| MutantError::Read { path: path.clone(), error })?;
        let file: MutantFile = toml::from_str(&text).map_err(|error| MutantError::Parse { path, error })?;
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let id = format!("{}/{name}", file.exercise);
        let invalid = |reason: String| MutantError::Invalid { mutant: id.clone(), reason };
        if file.expect.fails.is_empty() {
            return Err(invalid("[expect] fails names no check".into()));
        }
        if file.edits.is_empty() {
            return Err(invalid("no [[edit]]: a mutant must change the solution".into()));
        }
        let edits = read_edits(dir, file.edits, &id, true)?;
        Ok(Mutant {
            dir: dir.to_path_buf(),
            name,
            exercise: file.exercise,
            description: file.description,
            expect: file.expect,
            edits,
        })
    }

    /// Every mutant under `root` (`root/<exercise>/<name>/mutant.toml`), sorted by exercise and
    /// name. A mutant whose `exercise` is not the folder it is in is an error.
    pub fn load_all(root: &Path) -> Result<Vec<Mutant>, MutantError> {
        let mut mutants = Vec::new();
        for exercise_dir in sorted_subfolders(root)? {
            for dir in sorted_subfolders(&exercise_dir)? {
                if !dir.join(FILE_NAME).is_file() {
                    continue;
                }
                let mutant = Mutant::load(&dir)?;
                if exercise_dir.file_name() != Some(mutant.exercise.as_ref()) {
                    return Err(MutantError::Invalid {
                        mutant: mutant.id(),
                        reason: format!("it is in the folder of another exercise, {}", exercise_dir.display()),
                    });
                }
                mutants.push(mutant);
            }
        }
        Ok(mutants)
    }

    /// `<exercise>/<name>`, as messages name the mutant.
    pub fn id(&self) -> String {
        format!("{}/{}", self.exercise, self.name)
    }

    /// Writes the mutated solution into `into`: a fresh copy of `solution`'s `src/` (the current
    /// reference solution of the mutant's exercise), then every edit, in order. Each `find` must
    /// occur exactly once in the file as the previous edits left it. `into/src` must not exist.
    pub fn materialize(&self, solution: &Path, into: &Path) -> Result<(), MutantError> {
        write_edited(&self.id(), &self.edits, solution, into)
    }
}

/// A correct solution of another design than the reference one, which every check (public
/// and hidden) must pass: `alternative.toml` in `tests/alternatives/<exercise>/<name>/`, with
/// the same `[[edit]]`s as a mutant (no `MUTANT:` marker: nothing is wrong).
#[derive(Debug, Clone)]
pub struct Alternative {
    /// The alternative's folder.
    pub dir: PathBuf,
    /// The folder's name.
    pub name: String,
    pub exercise: String,
    /// What differs from the reference solution, in one line.
    pub design: String,
    pub edits: Vec<Edit>,
}

/// `alternative.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlternativeFile {
    exercise: String,
    design: String,
    #[serde(rename = "edit")]
    edits: Vec<EditEntry>,
}

impl Alternative {
    /// Reads the alternative in `dir`: at least one edit, each of a file under `src/`.
    pub fn load(dir: &Path) -> Result<Alternative, MutantError> {
        let path = dir.join(ALTERNATIVE_FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|error| MutantError::Read { path: path.clone(), error })?;
        let file: AlternativeFile = toml::from_str(&text).map_err(|error| MutantError::Parse { path, error })?;
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let id = format!("{}/{name}", file.exercise);
        if file.edits.is_empty() {
            return Err(MutantError::Invalid {
                mutant: id,
                reason: "no [[edit]]: an alternative must change the solution".into(),
            });
        }
        let edits = read_edits(dir, file.edits, &id, false)?;
        Ok(Alternative { dir: dir.to_path_buf(), name, exercise: file.exercise, design: file.design, edits })
    }

    /// Every alternative under `root` (`root/<exercise>/<name>/alternative.toml`), sorted; none
    /// when `root` does not exist.
    pub fn load_all(root: &Path) -> Result<Vec<Alternative>, MutantError> {
        if !root.exists() {
            return Ok(Vec::new());
        }
        let mut alternatives = Vec::new();
        for exercise_dir in sorted_subfolders(root)? {
            for dir in sorted_subfolders(&exercise_dir)? {
                if !dir.join(ALTERNATIVE_FILE_NAME).is_file() {
                    continue;
                }
                let alternative = Alternative::load(&dir)?;
                if exercise_dir.file_name() != Some(alternative.exercise.as_ref()) {
                    return Err(MutantError::Invalid {
                        mutant: alternative.id(),
                        reason: format!("it is in the folder of another exercise, {}", exercise_dir.display()),
                    });
                }
                alternatives.push(alternative);
            }
        }
        Ok(alternatives)
    }

    /// `<exercise>/<name>`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.exercise, self.name)
    }

    /// Writes the alternative's sources into `into`, as [`Mutant::materialize`] does.
    pub fn materialize(&self, solution: &Path, into: &Path) -> Result<(), MutantError> {
        write_edited(&self.id(), &self.edits, solution, into)
    }
}

/// Writes `solution`'s `src/` into `into` (which must not have a `src/` yet), then applies
/// `edits` in order; `id` names the mutant or alternative in errors. Each `find` must occur
/// exactly once in the file as the previous edits left it.
fn write_edited(id: &str, edits: &[Edit], solution: &Path, into: &Path) -> Result<(), MutantError> {
    let src = into.join("src");
    let write_error = |path: &Path| {
        let mutant = id.to_owned();
        let path = path.to_path_buf();
        move |error| MutantError::Write { mutant, path, error }
    };
    if src.exists() {
        return Err(write_error(&src)(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the folder already exists",
        )));
    }
    copy_sources(&solution.join("src"), &src).map_err(write_error(&src))?;
    for (index, edit) in edits.iter().enumerate() {
        let index = index + 1;
        let target = into.join(&edit.file);
        let file = edit.file.display().to_string();
        let text = match &edit.change {
            Change::Whole { text, .. } => text.clone(),
            Change::Replace { find, replace } => {
                let current = std::fs::read_to_string(&target).map_err(|_| MutantError::NoSuchFile {
                    mutant: id.to_owned(),
                    index,
                    file: file.clone(),
                })?;
                match current.matches(find.as_str()).count() {
                    1 => current.replacen(find.as_str(), replace, 1),
                    0 => {
                        return Err(MutantError::FindMissing { mutant: id.to_owned(), index, file, find: find.clone() })
                    }
                    count => {
                        return Err(MutantError::FindAmbiguous {
                            mutant: id.to_owned(),
                            index,
                            file,
                            find: find.clone(),
                            count,
                        })
                    }
                }
            }
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(write_error(parent))?;
        }
        std::fs::write(&target, text).map_err(write_error(&target))?;
    }
    Ok(())
}

/// The `[[edit]]`s of the description in `dir`, validated: each of a file under `src/`, either
/// `find` and `replace` or `whole`, and (`require_marker`) saying what is wrong.
fn read_edits(dir: &Path, entries: Vec<EditEntry>, id: &str, require_marker: bool) -> Result<Vec<Edit>, MutantError> {
    let invalid = |reason: String| MutantError::Invalid { mutant: id.to_owned(), reason };
    let mut edits = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let index = index + 1;
        if !is_source_path(&entry.file) {
            return Err(invalid(format!("edit {index}: {:?} is not a path under src/", entry.file)));
        }
        let change = match (entry.find, entry.replace, entry.whole) {
            (Some(find), Some(replace), None) => {
                if find.is_empty() {
                    return Err(invalid(format!("edit {index} ({}): `find` is empty", entry.file)));
                }
                Change::Replace { find, replace }
            }
            (None, None, Some(whole)) => {
                if Path::new(&whole).components().count() != 1
                    || whole == FILE_NAME
                    || whole == ALTERNATIVE_FILE_NAME
                    || whole.starts_with('.')
                {
                    return Err(invalid(format!(
                        "edit {index} ({}): `whole` must name a file in the same folder, not {whole:?}",
                        entry.file
                    )));
                }
                let source = dir.join(&whole);
                let text = std::fs::read_to_string(&source)
                    .map_err(|error| MutantError::Read { path: source.clone(), error })?;
                Change::Whole { source, text }
            }
            _ => {
                return Err(invalid(format!(
                    "edit {index} ({}): give either `find` and `replace`, or `whole`",
                    entry.file
                )))
            }
        };
        let new_text = match &change {
            Change::Replace { replace, .. } => replace,
            Change::Whole { text, .. } => text,
        };
        if require_marker && !new_text.contains(MARKER) {
            return Err(MutantError::NoMarker { mutant: id.to_owned(), index, file: entry.file });
        }
        edits.push(Edit { file: PathBuf::from(entry.file), change });
    }
    Ok(edits)
}

/// A relative path under `src/` that cannot leave it.
fn is_source_path(file: &str) -> bool {
    let path = Path::new(file);
    path.starts_with("src")
        && path.components().count() > 1
        && path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn sorted_subfolders(dir: &Path) -> Result<Vec<PathBuf>, MutantError> {
    let read_error = |error| MutantError::Read { path: dir.to_path_buf(), error };
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        if entry.file_type().map_err(read_error)?.is_dir() {
            folders.push(entry.path());
        }
    }
    folders.sort();
    Ok(folders)
}

/// Copies a solution's sources (the files under `src/`, recursively).
fn copy_sources(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_sources(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "pub fn answer() -> u32 {\n    42\n}\n\npub fn zero() -> u32 {\n    0\n}\n";

    /// A solution with `src/lib.rs` and a mutant folder with the given `mutant.toml` edits.
    struct Fixture {
        dir: tempfile::TempDir,
    }

    impl Fixture {
        fn new(edits: &str) -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("solution/src")).unwrap();
            std::fs::write(dir.path().join("solution/src/lib.rs"), SOLUTION).unwrap();
            std::fs::create_dir_all(dir.path().join("mutants/ex00_demo/wrong")).unwrap();
            let toml = format!(
                "exercise = \"ex00_demo\"\ndescription = \"a wrong answer\"\n\n[expect]\noutcome = \"fail\"\nfails = [\"answer_is_right\"]\nmessage = \"wrong\"\n\n{edits}"
            );
            std::fs::write(dir.path().join("mutants/ex00_demo/wrong/mutant.toml"), toml).unwrap();
            Fixture { dir }
        }

        fn mutant_dir(&self) -> PathBuf {
            self.dir.path().join("mutants/ex00_demo/wrong")
        }

        /// Loads the mutant and writes it into a fresh folder; returns the mutated lib.rs.
        fn materialize(&self) -> Result<String, MutantError> {
            let mutant = Mutant::load(&self.mutant_dir())?;
            let into = self.dir.path().join("out");
            mutant.materialize(&self.dir.path().join("solution"), &into)?;
            Ok(std::fs::read_to_string(into.join("src/lib.rs")).unwrap())
        }
    }

    #[test]
    fn applies_its_edits_in_order_to_a_copy_of_the_solution() {
        let fixture = Fixture::new(
            r#"
[[edit]]
file = "src/lib.rs"
find = "    42\n"
replace = "    41 // MUTANT: off by one\n"

[[edit]]
file = "src/lib.rs"
find = "41 // MUTANT: off by one"
replace = "40 // MUTANT: off by two"
"#,
        );
        let mutated = fixture.materialize().unwrap();
        assert_eq!(mutated, SOLUTION.replace("    42\n", "    40 // MUTANT: off by two\n"));
        // The solution itself is untouched.
        let solution = std::fs::read_to_string(fixture.dir.path().join("solution/src/lib.rs")).unwrap();
        assert_eq!(solution, SOLUTION);
        let mutant = Mutant::load(&fixture.mutant_dir()).unwrap();
        assert_eq!(mutant.id(), "ex00_demo/wrong");
        assert_eq!(mutant.expect.outcome, ExpectedOutcome::Fail);
        assert_eq!(mutant.expect.fails, ["answer_is_right"]);
    }

    #[test]
    fn a_find_that_is_no_longer_in_the_solution_fails_naming_mutant_file_and_text() {
        let fixture = Fixture::new(
            r#"
[[edit]]
file = "src/lib.rs"
find = "    43\n"
replace = "    41 // MUTANT: off by one\n"
"#,
        );
        let error = fixture.materialize().unwrap_err();
        assert!(matches!(error, MutantError::FindMissing { index: 1, .. }), "{error:?}");
        let message = error.to_string();
        for part in ["ex00_demo/wrong", "src/lib.rs", "    43", "no longer in the solution"] {
            assert!(message.contains(part), "{part:?} missing from: {message}");
        }
    }

    #[test]
    fn a_find_that_occurs_twice_fails_with_its_count() {
        let fixture = Fixture::new(
            r#"
[[edit]]
file = "src/lib.rs"
find = "pub fn"
replace = "fn /* MUTANT: private */"
"#,
        );
        let error = fixture.materialize().unwrap_err();
        assert!(matches!(error, MutantError::FindAmbiguous { count: 2, .. }), "{error:?}");
        let message = error.to_string();
        for part in ["ex00_demo/wrong", "src/lib.rs", "pub fn", "2 times"] {
            assert!(message.contains(part), "{part:?} missing from: {message}");
        }
    }

    #[test]
    fn an_alternative_needs_no_marker_and_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("solution/src")).unwrap();
        std::fs::write(dir.path().join("solution/src/lib.rs"), SOLUTION).unwrap();
        let alt = dir.path().join("alternatives/ex00_demo/by_table");
        std::fs::create_dir_all(&alt).unwrap();
        std::fs::write(alt.join("lib.rs"), "pub fn answer() -> u32 {\n    [42][0]\n}\n").unwrap();
        std::fs::write(
            alt.join(ALTERNATIVE_FILE_NAME),
            "exercise = \"ex00_demo\"\ndesign = \"a table\"\n\n[[edit]]\nfile = \"src/lib.rs\"\nwhole = \"lib.rs\"\n",
        )
        .unwrap();
        let all = Alternative::load_all(&dir.path().join("alternatives")).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].id().as_str(), all[0].design.as_str()), ("ex00_demo/by_table", "a table"));
        let into = dir.path().join("out");
        all[0].materialize(&dir.path().join("solution"), &into).unwrap();
        assert!(std::fs::read_to_string(into.join("src/lib.rs")).unwrap().contains("[42][0]"));
        assert!(Alternative::load_all(&dir.path().join("none")).unwrap().is_empty());
    }

    #[test]
    fn a_replacement_without_the_marker_is_refused_at_load() {
        let fixture = Fixture::new(
            r#"
[[edit]]
file = "src/lib.rs"
find = "    42\n"
replace = "    41 // off by one\n"
"#,
        );
        let error = Mutant::load(&fixture.mutant_dir()).unwrap_err();
        assert!(matches!(error, MutantError::NoMarker { index: 1, .. }), "{error:?}");
        assert!(error.to_string().contains("MUTANT:"), "{error}");
    }

    #[test]
    fn a_whole_file_replaces_the_solutions_file() {
        let fixture = Fixture::new(
            r#"
[[edit]]
file = "src/lib.rs"
whole = "lib.rs"
"#,
        );
        let whole = "// MUTANT: no zero at all\npub fn answer() -> u32 {\n    7\n}\n";
        std::fs::write(fixture.mutant_dir().join("lib.rs"), whole).unwrap();
        assert_eq!(fixture.materialize().unwrap(), whole);
    }

    #[test]
    fn a_whole_file_without_the_marker_is_refused_at_load() {
        let fixture = Fixture::new("[[edit]]\nfile = \"src/lib.rs\"\nwhole = \"lib.rs\"\n");
        std::fs::write(fixture.mutant_dir().join("lib.rs"), "pub fn answer() -> u32 { 7 }\n").unwrap();
        let error = Mutant::load(&fixture.mutant_dir()).unwrap_err();
        assert!(matches!(error, MutantError::NoMarker { .. }), "{error:?}");
    }

    #[test]
    fn edits_outside_src_and_half_edits_are_refused() {
        for edits in [
            "[[edit]]\nfile = \"../Cargo.toml\"\nfind = \"a\"\nreplace = \"MUTANT: b\"\n",
            "[[edit]]\nfile = \"src/lib.rs\"\nfind = \"42\"\n",
            "[[edit]]\nfile = \"src/lib.rs\"\nfind = \"42\"\nreplace = \"MUTANT: 41\"\nwhole = \"lib.rs\"\n",
            "[[edit]]\nfile = \"src/lib.rs\"\nwhole = \"../lib.rs\"\n",
            "",
        ] {
            let fixture = Fixture::new(edits);
            let error = Mutant::load(&fixture.mutant_dir()).unwrap_err();
            assert!(matches!(error, MutantError::Invalid { .. }), "{edits:?}: {error:?}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let fixture =
            Fixture::new("[[edit]]\nfile = \"src/lib.rs\"\nfind = \"42\"\nreplace = \"MUTANT: 41\"\nline = 2\n");
        let error = Mutant::load(&fixture.mutant_dir()).unwrap_err();
        assert!(matches!(error, MutantError::Parse { .. }), "{error:?}");
    }

    #[test]
    fn load_all_finds_every_mutant_sorted_and_checks_its_exercise() {
        let fixture = Fixture::new("[[edit]]\nfile = \"src/lib.rs\"\nfind = \"42\"\nreplace = \"41 /* MUTANT: */\"\n");
        let mutants = Mutant::load_all(&fixture.dir.path().join("mutants")).unwrap();
        assert_eq!(mutants.iter().map(Mutant::id).collect::<Vec<_>>(), ["ex00_demo/wrong"]);
        std::fs::rename(fixture.dir.path().join("mutants/ex00_demo"), fixture.dir.path().join("mutants/ex01_other"))
            .unwrap();
        let error = Mutant::load_all(&fixture.dir.path().join("mutants")).unwrap_err();
        assert!(error.to_string().contains("another exercise"), "{error}");
    }
}
