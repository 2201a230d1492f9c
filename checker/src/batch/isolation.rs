//! Keeping the students of a batch out of each other's way: what one worker's jobs may not
//! see, and the life of a student's working copy.
//!
//! Workers share the cargo build folder (the dependencies are built once per batch), but each
//! has its own working copies (`.checker/grade/worker-K/build`) and its own folder for the
//! final programs (`target/workers/K`). Every job runs in a mount namespace in which the
//! folders of its [`crate::gate::Worker::hide`] list are empty: the submissions, the results,
//! the unpacked archives, and every *other* worker's working copies and programs.
//!
//! Where the kernel refuses that namespace, file modes are what is left: a working copy's
//! files are `0600` and its folders `0711` (a sandbox user may be given a working folder
//! inside, so it must be able to pass through them, but it cannot list them or read a file),
//! and a student's sources are in it only while that student is graded. The programs folder
//! stays readable: the sandbox user runs the programs in it.

use crate::error::SetupError;
use crate::layout::Layout;
use crate::manifest::Exercise;
use std::fs::{DirBuilder, Permissions};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Folders on the way to a job's working folder: passable, not listable.
const PASSABLE: u32 = 0o711;
/// A working copy while the checker writes it: nobody else may even pass.
const CLOSED: u32 = 0o700;
const PRIVATE_FILE: u32 = 0o600;

/// Makes the folders of `jobs` workers, before any of them starts: a folder has to exist when
/// a job starts to be hidden from it.
pub fn prepare(layout: &Layout, jobs: usize) -> Result<(), SetupError> {
    passable(&grade_folder(layout))?;
    for slot in 0..jobs {
        let worker = layout.for_worker(slot);
        let own = worker.builds.parent().expect("a worker's folder holds its builds");
        passable(own)?;
        passable(&worker.builds)?;
        remove_leftover_crates(&worker)?;
        // Cargo's own mode: the sandbox user runs the programs.
        std::fs::create_dir_all(&worker.artifacts)
            .map_err(SetupError::io(format!("creating {}", worker.artifacts.display())))?;
    }
    Ok(())
}

/// What the jobs of worker `slot` must not read: `shared` (the class's submissions and
/// results), and the working copies and programs of every other worker, including the
/// folders an earlier batch with more workers left.
pub fn hidden_from(layout: &Layout, slot: usize, shared: &[PathBuf]) -> Vec<PathBuf> {
    let own = layout.for_worker(slot);
    let own_folder = own.builds.parent().map(Path::to_path_buf);
    let worker_folders = subfolders(&grade_folder(layout)).filter(|dir| {
        dir.file_name().is_some_and(|n| n.to_string_lossy().starts_with("worker-")) && Some(dir) != own_folder.as_ref()
    });
    let program_folders = subfolders(&layout.target.join("workers")).filter(|dir| *dir != own.artifacts);
    shared.iter().cloned().chain(worker_folders).chain(program_folders).collect()
}

/// A folder of the class that must be hidden from every job (the submissions, the results)
/// cannot be hidden if it holds what the jobs run: the course, the checker's state or the
/// build folder. Such a class is refused rather than graded in the open.
pub fn check_hideable(layout: &Layout, what: &str, dir: &Path) -> Result<(), SetupError> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let needed = [&layout.root, &layout.state, &layout.target];
    if let Some(inside) =
        needed.iter().find(|n| std::fs::canonicalize(n).unwrap_or_else(|_| n.to_path_buf()).starts_with(&dir))
    {
        return Err(SetupError::Refused(format!(
            "{what} ({}) holds {}, which student code needs to run: it could not be hidden from the students' \
             code. Give a folder of its own (outside the course, or below it, such as grades/)",
            dir.display(),
            inside.display()
        )));
    }
    Ok(())
}

/// One student's working copy of one exercise, for as long as it is graded: removed when
/// dropped, whatever happened. The rest of the worker's copy (the generated workspace, the
/// hidden checks' manifest, the lock file) stays, so that cargo sees the same workspace for
/// the next student and rebuilds only the student's crate.
pub struct WorkingCopy {
    /// The workspace folder of the exercise.
    workspace: PathBuf,
    /// Where the student's crate goes.
    student: PathBuf,
}

impl WorkingCopy {
    /// Makes way for a new student's crate, in a folder nobody else can enter yet.
    pub fn open(layout: &Layout, exercise: &Exercise) -> Result<WorkingCopy, SetupError> {
        let workspace = layout.work_dir(exercise);
        let crates = workspace.join(layout.crates_folder());
        let student = crates.join(&exercise.dir);
        passable(&workspace)?;
        create(&crates, CLOSED)?;
        // Left by a batch that was killed: nothing of another student may remain.
        if student.exists() {
            std::fs::remove_dir_all(&student).map_err(SetupError::io(format!("removing {}", student.display())))?;
        }
        Ok(WorkingCopy { workspace, student })
    }

    /// Once the checker has written it: files `0600`, folders `0711`; as root, owned by the
    /// build user, who compiles them (see `compile`) and runs no student code.
    pub fn seal(&self) -> Result<(), SetupError> {
        seal_tree(&self.workspace).map_err(SetupError::io(format!("protecting {}", self.workspace.display())))
    }
}

impl Drop for WorkingCopy {
    fn drop(&mut self) {
        if let Err(why) = std::fs::remove_dir_all(&self.student) {
            if why.kind() != std::io::ErrorKind::NotFound {
                eprintln!("note: could not remove the working copy {}: {why}", self.student.display());
            }
        }
    }
}

/// Students' crates a killed batch (or a checker that kept them) left in a worker's folder: its
/// own jobs could read them. The workspaces and the hidden checks' manifests stay.
fn remove_leftover_crates(worker: &Layout) -> Result<(), SetupError> {
    for workspace in subfolders(&worker.builds) {
        let generated = |folder: &PathBuf| crate::workcopy::Harness::MEMBERS.iter().any(|m| folder.ends_with(m));
        for folder in subfolders(&workspace.join(worker.crates_folder())).filter(|f| !generated(f)) {
            std::fs::remove_dir_all(&folder).map_err(SetupError::io(format!("removing {}", folder.display())))?;
        }
    }
    Ok(())
}

fn grade_folder(layout: &Layout) -> PathBuf {
    layout.state.join("grade")
}

fn subfolders(dir: &Path) -> impl Iterator<Item = PathBuf> {
    let mut found: Vec<PathBuf> =
        std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    found.sort();
    found.into_iter()
}

fn passable(dir: &Path) -> Result<(), SetupError> {
    create(dir, PASSABLE)
}

fn create(dir: &Path, mode: u32) -> Result<(), SetupError> {
    DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(dir)
        .and_then(|()| std::fs::set_permissions(dir, Permissions::from_mode(mode)))
        .map_err(SetupError::io(format!("creating {}", dir.display())))
}

fn seal_tree(dir: &Path) -> std::io::Result<()> {
    if nix::unistd::Uid::effective().is_root() {
        let build = crate::sandbox::BUILD_UID;
        std::os::unix::fs::lchown(dir, Some(build), Some(build))?;
    }
    std::fs::set_permissions(dir, Permissions::from_mode(PASSABLE))?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            seal_tree(&entry.path())?;
        } else if kind.is_file() {
            if nix::unistd::Uid::effective().is_root() {
                let build = crate::sandbox::BUILD_UID;
                std::os::unix::fs::lchown(entry.path(), Some(build), Some(build))?;
            }
            std::fs::set_permissions(entry.path(), Permissions::from_mode(PRIVATE_FILE))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn layout(root: &Path) -> Layout {
        let state = root.join(".checker");
        let target = root.join("target");
        Layout {
            root: root.to_path_buf(),
            pack: root.join("pack"),
            builds: state.join("build"),
            artifacts: target.clone(),
            state,
            target,
            worker: None,
        }
    }

    fn exercise() -> Exercise {
        // The course's own manifest, one folder above the checker's.
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(crate::layout::MANIFEST);
        let course = crate::manifest::Course::load(&manifest).unwrap();
        course.exercises.into_iter().find(|e| e.id == "ex04_pool").unwrap()
    }

    #[test]
    fn a_worker_sees_neither_the_class_nor_the_other_workers() {
        let root = tempfile::tempdir().unwrap();
        let layout = layout(root.path());
        // An earlier batch ran with three workers.
        std::fs::create_dir_all(layout.state.join("grade/worker-2/build")).unwrap();
        prepare(&layout, 2).unwrap();
        let shared = vec![root.path().join("submissions")];
        let hidden = hidden_from(&layout, 1, &shared);
        let grade = layout.state.join("grade");
        let programs = layout.target.join("workers");
        assert_eq!(
            hidden,
            vec![root.path().join("submissions"), grade.join("worker-0"), grade.join("worker-2"), programs.join("0"),]
        );
        for folder in &hidden[1..] {
            assert!(folder.is_dir(), "{} must exist to be hidden", folder.display());
        }
        let mode = |path: &Path| std::fs::metadata(path).unwrap().mode() & 0o777;
        assert_eq!(mode(&grade), 0o711);
        assert_eq!(mode(&grade.join("worker-1/build")), 0o711);
    }

    #[test]
    fn students_crates_left_by_a_killed_batch_are_removed_before_grading() {
        let root = tempfile::tempdir().unwrap();
        let layout = layout(root.path());
        let crates = layout.for_worker(0).builds.join("ex05_queue/exercises-worker-0");
        std::fs::create_dir_all(crates.join("ex05_queue/src")).unwrap();
        std::fs::write(crates.join("ex05_queue/src/lib.rs"), "// a student's code").unwrap();
        std::fs::create_dir_all(crates.join("hidden")).unwrap();
        std::fs::write(crates.join("hidden/Cargo.toml"), "[package]").unwrap();
        prepare(&layout, 1).unwrap();
        assert!(!crates.join("ex05_queue").exists());
        assert!(crates.join("hidden/Cargo.toml").is_file());
    }

    #[test]
    fn a_working_copy_is_private_and_gone_once_graded() {
        let root = tempfile::tempdir().unwrap();
        let layout = layout(root.path()).for_worker(1);
        let exercise = exercise();
        let copy = WorkingCopy::open(&layout, &exercise).unwrap();
        let crates = layout.work_dir(&exercise).join(layout.crates_folder());
        let mode = |path: &Path| std::fs::metadata(path).unwrap().mode() & 0o777;
        assert_eq!(mode(&crates), CLOSED, "closed while it is written");
        let source = crates.join(&exercise.dir).join("src/lib.rs");
        std::fs::create_dir_all(source.parent().unwrap()).unwrap();
        std::fs::write(&source, "// the student's code").unwrap();
        std::fs::write(layout.work_dir(&exercise).join("Cargo.lock"), "# pinned").unwrap();
        copy.seal().unwrap();
        assert_eq!(mode(&crates), PASSABLE);
        assert_eq!(mode(source.parent().unwrap()), PASSABLE);
        assert_eq!(mode(&source), PRIVATE_FILE);
        drop(copy);
        assert!(!crates.join(&exercise.dir).exists(), "the student's crate outlived its grading");
        assert!(layout.work_dir(&exercise).join("Cargo.lock").is_file(), "the shared workspace went with it");
    }

    #[test]
    fn results_that_hold_the_course_cannot_be_hidden() {
        let root = tempfile::tempdir().unwrap();
        let course = root.path().join("course");
        std::fs::create_dir_all(&course).unwrap();
        let layout = layout(&course);
        assert!(check_hideable(&layout, "--out", root.path()).is_err());
        assert!(check_hideable(&layout, "--out", &course).is_err());
        assert!(check_hideable(&layout, "--out", &course.join("grades")).is_ok());
        assert!(check_hideable(&layout, "--out", &root.path().join("grades")).is_ok());
    }
}
