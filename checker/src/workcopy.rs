//! The checker-owned working copy in which an exercise is built.
//!
//! Only the submission's Rust sources (`src/**/*.rs`) are taken. The Cargo manifests are
//! generated from `course.toml`, the public tests come from the course's own `exercises/`
//! folder, and the hidden-check program comes from the grading pack. A student's Cargo.toml,
//! build script or extra dependencies therefore never reach the build.
//!
//! The copy lives at a stable path (`.checker/build/<id>/`) and files are rewritten only when
//! their content changed, so cargo rebuilds only what was edited.

use crate::error::SetupError;
use crate::layout::Layout;
use crate::manifest::{Course, Exercise, Kind};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The most a submission's sources may weigh: far above any exercise, far below what could
/// exhaust the checker's memory or disk.
pub const MAX_SOURCE_FILE: u64 = 1 << 20;
pub const MAX_SOURCES: u64 = 8 << 20;
pub const MAX_SOURCE_FILES: usize = 1000;

/// The name of the test the checker appends to every public test crate.
pub const SENTINEL_TEST: &str = "zzzz_checker_sentinel::zzzz_checker_sentinel";

/// Appended to every public test file in the working copy. Run after the test being checked
/// (libtest runs tests in name order on one thread), it proves that the test process got to the
/// end: a test that calls `process::exit(0)` never lets it write the nonce, so an early "success"
/// exit is not taken for a pass.
const SENTINEL: &str = r#"

// Appended by the checker (see workcopy.rs in the checker): proves the test process ran to the end.
#[cfg(test)]
mod zzzz_checker_sentinel {
    #[test]
    fn zzzz_checker_sentinel() {
        use std::io::Write;
        use std::os::fd::FromRawFd;
        let nonce = std::env::var("CHECKER_NONCE").unwrap_or_default();
        if let Some(fd) = std::env::var("CHECKER_RESULT_FD").ok().and_then(|fd| fd.parse::<i32>().ok()) {
            // SAFETY: the checker opened this descriptor for the test process.
            let mut channel = unsafe { std::fs::File::from_raw_fd(fd) };
            let _ = writeln!(channel, "{nonce}");
        }
    }
}
"#;

/// A prepared working copy.
#[derive(Debug, Clone)]
pub struct WorkCopy {
    /// The generated workspace's root.
    pub dir: PathBuf,
    /// The student crate inside it.
    pub crate_dir: PathBuf,
    /// The hidden-check package's manifest, when the pack has a program for this exercise.
    pub harness_manifest: Option<PathBuf>,
    pub sources: SourcesDigest,
}

/// What was submitted, by content.
#[derive(Debug, Clone, Serialize)]
pub struct SourcesDigest {
    /// SHA-256 over every file's path and content hash, in path order.
    pub sha256: String,
    pub files: Vec<SourceFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    /// Relative to the submission's folder, e.g. `src/lib.rs`.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// Reads the sources of `submission` and lays out the working copy for `exercise`.
pub fn prepare(
    layout: &Layout,
    course: &Course,
    exercise: &Exercise,
    submission: &Path,
) -> Result<WorkCopy, SetupError> {
    let sources = read_sources(layout, exercise, submission)?;
    let mut tests = read_tree(&layout.exercise_dir(exercise).join("tests"), "tests", None)?;
    for (path, text) in tests.iter_mut() {
        // Each file directly under tests/ is a test crate: give each one the sentinel.
        if path.matches('/').count() == 1 {
            text.extend_from_slice(SENTINEL.as_bytes());
        }
    }
    let digest = digest(&sources);

    let dir = layout.work_dir(exercise);
    let crate_rel = format!("{}/{}", layout.crates_folder(), exercise.dir);
    let crate_dir = dir.join(&crate_rel);
    let mut files: BTreeMap<String, Vec<u8>> = sources.into_iter().chain(tests).collect();
    let has_lib = files.contains_key("src/lib.rs");
    let has_main = files.contains_key("src/main.rs");
    files.insert("Cargo.toml".into(), student_manifest(layout, course, exercise, has_lib, has_main).into_bytes());
    sync_tree(&crate_dir, &files)?;

    let mut members = vec![crate_rel.clone()];
    let harness_source = layout.harness_source(exercise);
    let harness_manifest = if harness_source.is_file() {
        let manifest = harness_manifest_text(layout, course, exercise, &harness_source);
        let mut harness = BTreeMap::new();
        harness.insert("Cargo.toml".to_owned(), manifest.into_bytes());
        let hidden = format!("{}/hidden", layout.crates_folder());
        sync_tree(&dir.join(&hidden), &harness)?;
        members.push(hidden.clone());
        Some(dir.join(hidden).join("Cargo.toml"))
    } else {
        None
    };
    write_if_changed(&dir.join("Cargo.toml"), workspace_manifest(&members).as_bytes())?;
    // Pin dependency versions to the course's lock file. Cargo adapts the copy to this
    // workspace's members, so it is replaced only when the course's own lock file changes.
    let course_lock = layout.root.join("exercises/Cargo.lock");
    if let Ok(pinned) = std::fs::read(&course_lock) {
        let seed = dir.join("Cargo.lock.course");
        if std::fs::read(&seed).ok().as_deref() != Some(pinned.as_slice()) || !dir.join("Cargo.lock").exists() {
            write_if_changed(&dir.join("Cargo.lock"), &pinned)?;
            write_if_changed(&seed, &pinned)?;
        }
    }
    Ok(WorkCopy { dir, crate_dir, harness_manifest, sources: digest })
}

/// The submission's Rust sources, within the size limits.
fn read_sources(
    layout: &Layout,
    exercise: &Exercise,
    submission: &Path,
) -> Result<BTreeMap<String, Vec<u8>>, SetupError> {
    let sources = read_tree(&submission.join("src"), "src", Some(Budget::default()))?;
    if sources.is_empty() {
        return Err(SetupError::Submission(format!(
            "{} has no Rust sources under src/: restore the exercise with `checker reset {}`",
            layout.show(submission),
            exercise.id
        )));
    }
    Ok(sources)
}

/// What was submitted for `exercise` in the folder `submission`, by content, without building
/// anything: what a batch compares to decide whether a result is still current.
pub fn submitted(layout: &Layout, exercise: &Exercise, submission: &Path) -> Result<SourcesDigest, SetupError> {
    read_sources(layout, exercise, submission).map(|sources| digest(&sources))
}

/// How much of a submission may still be read.
struct Budget {
    bytes: u64,
    files: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { bytes: MAX_SOURCES, files: MAX_SOURCE_FILES }
    }
}

fn student_manifest(layout: &Layout, course: &Course, exercise: &Exercise, has_lib: bool, has_main: bool) -> String {
    let mut text = format!(
        "# Generated by the checker from course.toml; the submission's own Cargo.toml is not used.\n\
         [package]\nname = {id}\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\
         build = false\nautobins = false\nautoexamples = false\nautobenches = false\n",
        id = quote(&exercise.id)
    );
    if has_lib {
        text.push_str("\n[lib]\npath = \"src/lib.rs\"\n");
    }
    if has_main {
        text.push_str(&format!("\n[[bin]]\nname = {}\npath = \"src/main.rs\"\n", quote(&exercise.id)));
    }
    text.push_str(&dependency_table(layout, course, &exercise.dependencies, false, Vec::new()));
    text
}

fn harness_manifest_text(layout: &Layout, course: &Course, exercise: &Exercise, source: &Path) -> String {
    let name = format!("{}_hidden", exercise.id);
    let mut text = format!(
        "# Generated by the checker: the grading pack's hidden checks for {id}.\n\
         [package]\nname = {name}\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\
         build = false\nautobins = false\nautoexamples = false\nautotests = false\nautobenches = false\n\
         \n[[bin]]\nname = {name}\npath = {source}\n",
        id = exercise.id,
        name = quote(&name),
        source = quote(&source.display().to_string()),
    );
    let every: Vec<String> = course.dependencies.keys().cloned().collect();
    let mut extra = vec![("pack_support".to_owned(), path_dependency(&layout.pack_support().display().to_string()))];
    if exercise.kind == Kind::Library {
        // The harness is a sibling of the student crate (see `prepare`).
        extra.push((exercise.id.clone(), path_dependency(&format!("../{}", exercise.dir))));
    }
    text.push_str(&dependency_table(layout, course, &every, true, extra));
    text
}

/// `text` as a TOML string literal.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn path_dependency(path: &str) -> toml::Value {
    let mut table = toml::Table::new();
    table.insert("path".into(), toml::Value::String(path.to_owned()));
    toml::Value::Table(table)
}

/// The `[dependencies]` table for `names`: course-relative paths made absolute and, for the
/// hidden checks (`hidden`), the features `[hidden_check_features]` asks for added.
fn dependency_table(
    layout: &Layout,
    course: &Course,
    names: &[String],
    hidden: bool,
    extra: Vec<(String, toml::Value)>,
) -> String {
    let mut table = toml::Table::new();
    for name in names {
        // The manifest was validated: every name is declared.
        let mut spec = course.dependencies[name].clone();
        if let Some(fields) = spec.as_table_mut() {
            if let Some(toml::Value::String(path)) = fields.get_mut("path") {
                *path = layout.root.join(&*path).display().to_string();
            }
            if let (true, Some(wanted)) = (hidden, course.hidden_check_features.get(name)) {
                let features = fields.entry("features").or_insert_with(|| toml::Value::Array(Vec::new()));
                if let Some(list) = features.as_array_mut() {
                    list.extend(wanted.iter().map(|f| toml::Value::String(f.clone())));
                }
            }
        }
        table.insert(name.clone(), spec);
    }
    table.extend(extra);
    let mut wrapper = toml::Table::new();
    wrapper.insert("dependencies".into(), toml::Value::Table(table));
    format!("\n{}", toml::to_string(&wrapper).expect("a table serialises"))
}

fn workspace_manifest(members: &[String]) -> String {
    let members: Vec<String> = members.iter().map(|m| quote(m)).collect();
    format!("# Generated by the checker.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "))
}

/// Every `.rs` file under `dir`, keyed by `prefix/relative/path`. A missing folder is empty.
/// With a budget (a submission's sources), files past its limits are refused before reading.
fn read_tree(dir: &Path, prefix: &str, mut budget: Option<Budget>) -> Result<BTreeMap<String, Vec<u8>>, SetupError> {
    let mut out = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(SetupError::io(format!("reading {}", folder.display())))?;
        for entry in entries {
            let entry = entry.map_err(SetupError::io(format!("reading {}", folder.display())))?;
            let path = entry.path();
            // Symbolic links could point anywhere on the machine: they are not sources.
            let kind = entry.file_type().map_err(SetupError::io(format!("reading {}", path.display())))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
                if let Some(budget) = budget.as_mut() {
                    let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                    if size > MAX_SOURCE_FILE {
                        return Err(SetupError::Submission(format!(
                            "{prefix}/{rel} is {size} bytes; a source file may have at most {MAX_SOURCE_FILE}"
                        )));
                    }
                    budget.files = budget.files.checked_sub(1).ok_or_else(|| {
                        SetupError::Submission(format!("more than {MAX_SOURCE_FILES} source files under {prefix}/"))
                    })?;
                    budget.bytes = budget.bytes.checked_sub(size).ok_or_else(|| {
                        SetupError::Submission(format!(
                            "the sources under {prefix}/ weigh more than {MAX_SOURCES} bytes"
                        ))
                    })?;
                }
                let bytes = std::fs::read(&path).map_err(SetupError::io(format!("reading {}", path.display())))?;
                out.insert(format!("{prefix}/{rel}"), bytes);
            }
        }
    }
    Ok(out)
}

fn digest(sources: &BTreeMap<String, Vec<u8>>) -> SourcesDigest {
    let files: Vec<SourceFile> = sources
        .iter()
        .map(|(path, bytes)| SourceFile {
            path: path.clone(),
            sha256: hex(&Sha256::digest(bytes)),
            bytes: bytes.len() as u64,
        })
        .collect();
    let mut all = Sha256::new();
    for file in &files {
        all.update(format!("{}\0{}\n", file.path, file.sha256));
    }
    SourcesDigest { sha256: hex(&all.finalize()), files }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes `dir` hold exactly `files` (plus cargo's own output): changed files are rewritten,
/// stale `.rs` files removed, unchanged files left alone so their timestamps stay.
fn sync_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), SetupError> {
    for (rel, bytes) in files {
        write_if_changed(&dir.join(rel), bytes)?;
    }
    let stale = read_tree(&dir.join("src"), "src", None)?
        .into_keys()
        .chain(read_tree(&dir.join("tests"), "tests", None)?.into_keys());
    for rel in stale.filter(|rel| !files.contains_key(rel)).collect::<Vec<_>>() {
        std::fs::remove_file(dir.join(&rel)).map_err(SetupError::io(format!("removing stale {rel}")))?;
    }
    Ok(())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), SetupError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(SetupError::io(format!("creating {}", parent.display())))?;
    }
    std::fs::write(path, bytes).map_err(SetupError::io(format!("writing {}", path.display())))
}
