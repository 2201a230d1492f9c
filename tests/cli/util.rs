//! Helpers: the repository's paths, a private copy of the course, running the checker, and the
//! after-check that no student process is left behind.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("checker/ is inside the repo").to_path_buf()
}

/// One cargo target folder for every build the tests make, so dependencies build once.
pub fn shared_target() -> PathBuf {
    repo().join("target").join("checker-tests")
}

/// Held by every test that builds or runs student code.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits (up to ten minutes) until the machine's processors have been mostly idle for a second:
/// a test that needs a quiet machine to see a verdict other than "not judged" runs beside the
/// tests that hold no `serial()` lock, and those come and go.
pub fn wait_for_a_quiet_machine() {
    use checker::sandbox::LoadSnapshot;
    let (second, deadline) =
        (std::time::Duration::from_secs(1), std::time::Instant::now() + std::time::Duration::from_secs(600));
    while std::time::Instant::now() < deadline {
        let (Some(before), started) = (LoadSnapshot::take(), std::time::Instant::now()) else { return };
        std::thread::sleep(second);
        let Some(after) = LoadSnapshot::take() else { return };
        if before.outside_share(&after, started.elapsed()) < 0.2 {
            return;
        }
    }
}

/// The checker, on the real course, with the shared target folder.
pub fn checker() -> Command {
    let mut command = Command::cargo_bin("checker").expect("the checker binary");
    command
        .env("CHECKER_TARGET_DIR", shared_target())
        .env("NO_COLOR", "1")
        // The tests read English unless they ask for another language (a developer's Russian
        // locale must not change what they see).
        .env("CHECKER_LANG", "en")
        .current_dir(repo())
        .timeout(std::time::Duration::from_secs(600));
    command
}

/// A private copy of the course (manifest, exercises, translations, a git history) in a temporary folder,
/// graded with the repository's pack. Students' state lands in its own `.checker/`.
pub struct Course {
    pub dir: tempfile::TempDir,
}

impl Course {
    pub fn new() -> Course {
        let dir = tempfile::Builder::new().prefix("checker-course-").tempdir().expect("temp dir");
        std::fs::copy(repo().join("course.toml"), dir.path().join("course.toml")).expect("copy course.toml");
        copy_tree(&repo().join("exercises"), &dir.path().join("exercises"));
        // The course's texts in other languages (titles, hints, check summaries).
        copy_tree(&repo().join("locales"), &dir.path().join("locales"));
        let course = Course { dir };
        course.git(&["init", "-q"]);
        course.git(&["add", "."]);
        course.git(&["commit", "-q", "-m", "course"]);
        course
    }

    /// Runs `git ARGS` in the copy (as a student would commit their work), and asserts it
    /// succeeded.
    pub fn git(&self, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.path())
            .stdout(std::process::Stdio::null())
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The checker on this copy of the course.
    pub fn checker(&self) -> Command {
        let mut command = checker();
        command.current_dir(self.path()).arg("--pack").arg(repo().join("pack"));
        command
    }

    /// Replaces the student's sources of `exercise` with those of `from`.
    pub fn put_sources(&self, exercise: &str, from: &Path) {
        let src = self.path().join("exercises").join(exercise).join("src");
        std::fs::remove_dir_all(&src).expect("remove src");
        copy_tree(&from.join("src"), &src);
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Every process still alive whose program was built by the tests: student code that escaped.
pub fn leftover_student_processes() -> Vec<String> {
    let target = shared_target();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) else { continue };
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let zombie = state.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z'));
        if exe.starts_with(&target) && !zombie {
            found.push(format!("{pid} {}", exe.display()));
        }
    }
    found
}

/// Asserts that nothing the tests built is still running.
pub fn assert_no_leftovers() {
    // Processes killed a moment ago may take a few milliseconds to disappear from /proc.
    for _ in 0..50 {
        if leftover_student_processes().is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("student processes left running: {:?}", leftover_student_processes());
}

/// The JSON report of a submission.
pub fn read_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("no report at {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the report is JSON")
}

/// The report's entry for one check.
pub fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {report:#}"))
}
