//! Where things are: the course root, the grading pack, and the checker's own state folder
//! (`.checker/`: progress, reports, backups and the persistent build cache).

use crate::error::SetupError;
use crate::manifest::Exercise;
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "course.toml";

#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub pack: PathBuf,
    pub state: PathBuf,
    /// The cargo target folder shared by every build of the checker (`CHECKER_TARGET_DIR`).
    pub target: PathBuf,
    /// Where the working copies are (`.checker/build`; one folder per worker in a batch).
    pub builds: PathBuf,
    /// Where cargo puts the final executables (cargo's target folder). It is `target`, except
    /// for a batch's workers: each has its own, since two workers building the same exercise
    /// would otherwise overwrite each other's program, while the intermediate artifacts (the
    /// dependencies above all) stay in the shared `target` (cargo's build folder).
    pub artifacts: PathBuf,
    /// The batch worker this layout belongs to, if any.
    pub worker: Option<usize>,
}

impl Layout {
    /// Finds the course from `root`, or from the current folder upwards.
    pub fn discover(root: Option<PathBuf>, pack: Option<PathBuf>) -> Result<Layout, SetupError> {
        let cwd = std::env::current_dir().map_err(SetupError::io("reading the current folder"))?;
        let root = match root {
            Some(root) => {
                let root = cwd.join(root);
                if !root.join(MANIFEST).is_file() {
                    return Err(SetupError::NoCourse(root));
                }
                root
            }
            None => cwd
                .ancestors()
                .find(|dir| dir.join(MANIFEST).is_file())
                .ok_or_else(|| SetupError::NoCourse(cwd.clone()))?
                .to_path_buf(),
        };
        let pack = pack.map(|p| cwd.join(p)).unwrap_or_else(|| root.join("pack"));
        let state = root.join(".checker");
        let target = std::env::var_os("CHECKER_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| state.join("target"));
        let builds = state.join("build");
        let artifacts = target.clone();
        Ok(Layout { root, pack, state, target, builds, artifacts, worker: None })
    }

    /// The same course with working copies of its own, for parallel worker `slot` of a batch.
    /// The target folder stays shared: dependencies are built once for every worker.
    pub fn for_worker(&self, slot: usize) -> Layout {
        let worker = self.state.join("grade").join(format!("worker-{slot}"));
        // The programs stay under the target folder, where everything the checker built is.
        let artifacts = self.target.join("workers").join(slot.to_string());
        Layout { builds: worker.join("build"), artifacts, worker: Some(slot), ..self.clone() }
    }

    /// The folder of a working copy's crates, relative to its root. Cargo names intermediate
    /// artifacts by the package and its path *relative to the workspace*, so each worker's
    /// copies get their own folder name: otherwise two workers' builds of one exercise would
    /// overwrite each other's files in the shared build folder.
    pub fn crates_folder(&self) -> String {
        match self.worker {
            None => "exercises".into(),
            Some(slot) => format!("exercises-worker-{slot}"),
        }
    }

    pub fn manifest(&self) -> PathBuf {
        self.root.join(MANIFEST)
    }
    pub fn exercise_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("exercises").join(&exercise.dir)
    }
    pub fn solution_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("solutions").join(&exercise.dir)
    }
    /// The hidden-check program of an exercise.
    pub fn harness_source(&self, exercise: &Exercise) -> PathBuf {
        self.pack.join(&exercise.id).join("main.rs")
    }
    pub fn pack_support(&self) -> PathBuf {
        self.pack.join("support")
    }
    /// The persistent working copy in which an exercise is built.
    pub fn work_dir(&self, exercise: &Exercise) -> PathBuf {
        self.builds.join(&exercise.id)
    }
    pub fn progress_file(&self) -> PathBuf {
        self.state.join("progress.json")
    }
    pub fn report_file(&self, exercise: &Exercise) -> PathBuf {
        self.state.join("reports").join(format!("{}.json", exercise.id))
    }
    pub fn backups(&self) -> PathBuf {
        self.state.join("backups")
    }
    pub fn lock_file(&self) -> PathBuf {
        self.state.join("lock")
    }

    /// `path` relative to the course root, for messages.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }
}
