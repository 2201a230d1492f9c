//! Finding the class's submissions: one folder per student (a copy of the course repository,
//! as GitHub Classroom or a bulk download gives them) or one archive per student (`.zip`,
//! `.tar.gz`, `.tgz`, `.tar`). Archives are unpacked with limits — only Rust sources, no links,
//! no paths leaving the folder, a bounded size — since they come from students.

use super::{names, private};
use crate::error::SetupError;
use crate::manifest::Course;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

/// One student's submission.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The folder or archive name (without the archive's extension).
    pub student: String,
    /// The folder holding the exercise folders (`ex04_pool/`, ...), or why there is none.
    pub exercises: Result<PathBuf, String>,
    /// When the submission was last committed, where it is a git repository (a clone, as GitHub
    /// Classroom gives them).
    pub committed_at: Option<SystemTime>,
}

/// What an archive may unpack to: far above a course's sources.
const MAX_UNPACKED: u64 = 64 << 20;
const MAX_ENTRIES: usize = 20_000;

const ARCHIVES: [&str; 4] = [".tar.gz", ".tgz", ".tar", ".zip"];

/// Every submission in `dir`, by student name. Archives are unpacked under `unpack_to` (a
/// folder of the instructor's alone). Two submissions that would be one student (a folder and
/// an archive of one name, one name in two Unicode normalisations) are refused before anything
/// is unpacked or graded: see [`super::names`].
pub fn discover(dir: &Path, course: &Course, unpack_to: &Path) -> Result<Vec<Submission>, SetupError> {
    let entries =
        std::fs::read_dir(dir).map_err(SetupError::io(format!("reading the submissions in {}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut found: Vec<(String, PathBuf, Option<&str>)> = Vec::new();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            found.push((name, path, None));
        } else if let Some(suffix) = ARCHIVES.iter().find(|s| name.to_ascii_lowercase().ends_with(*s)) {
            found.push((name[..name.len() - suffix.len()].to_owned(), path, Some(*suffix)));
        } else {
            eprintln!(
                "note: {} is neither a folder nor an archive (.zip, .tar.gz, .tgz, .tar): skipped",
                path.display()
            );
        }
    }
    if let Some((first, second, why)) = names::clash(found.iter().map(|(student, path, _)| (student.as_str(), path))) {
        return Err(SetupError::Refused(format!(
            "the submissions {} and {} cannot both be graded: {}. Rename one of them (the student's name is the \
             folder's or the archive's name)",
            names::visible(&first.display().to_string()),
            names::visible(&second.display().to_string()),
            why.explain()
        )));
    }
    if found.iter().any(|(_, _, archive)| archive.is_some()) {
        private::folder(unpack_to).map_err(SetupError::io(format!("creating {}", unpack_to.display())))?;
    }
    let mut submissions = Vec::new();
    for (student, path, archive) in found {
        let exercises = match archive {
            None => exercises_folder(&path, course),
            Some(suffix) => {
                let target = unpack_to.join(names::file_name(&student));
                let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
                unpack(&path, suffix, &target)
                    .map_err(|why| format!("the archive {name} could not be unpacked: {why}"))
                    .and_then(|()| exercises_folder(&target, course))
            }
        };
        let committed_at = if archive.is_none() { last_commit(&path) } else { None };
        submissions.push(Submission { student, exercises, committed_at });
    }
    Ok(submissions)
}

/// Refuses a folder that cannot be a class, before anything is graded: one copy of the course
/// (whose folders would be graded as students) or a folder with no submission in it.
pub fn check_is_a_class(dir: &Path, course: &Course) -> Result<(), SetupError> {
    if let Some(what) = one_course(dir, course) {
        return Err(SetupError::Refused(format!(
            "{} is one copy of the course, not a class: it holds {what}, and its folders (checker, exercises, \
             target, ...) would be graded as students. Give the folder that holds one such copy (or archive) per \
             student",
            dir.display()
        )));
    }
    let entries =
        std::fs::read_dir(dir).map_err(SetupError::io(format!("reading the submissions in {}", dir.display())))?;
    let submission = |entry: &std::fs::DirEntry| {
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        !name.starts_with('.') && (entry.path().is_dir() || ARCHIVES.iter().any(|suffix| name.ends_with(suffix)))
    };
    if !entries.flatten().any(|entry| submission(&entry)) {
        return Err(SetupError::Refused(format!(
            "{} holds no submissions: give the folder that holds one folder (a copy of the course) or one archive \
             (.zip, .tar.gz, .tgz, .tar) per student",
            dir.display()
        )));
    }
    Ok(())
}

/// What makes `dir` one copy of the course rather than a folder of copies: its manifest, its
/// `exercises/` folder, or the exercise folders themselves. A class holds these one level down.
fn one_course(dir: &Path, course: &Course) -> Option<String> {
    if dir.join(crate::layout::MANIFEST).is_file() {
        return Some(crate::layout::MANIFEST.to_owned());
    }
    let exercise = |base: &Path| course.exercises.iter().find(|e| base.join(&e.dir).is_dir()).map(|e| e.dir.clone());
    if let Some(exercise) = exercise(&dir.join("exercises")) {
        return Some(format!("exercises/{exercise}/"));
    }
    exercise(dir).map(|exercise| format!("the exercise folder {exercise}/"))
}

/// The time of the last commit of the git repository `folder`, if it is one (its own `.git`, not
/// a repository around it, such as the instructor's). The repository is a student's: git is
/// asked for the log only, with no hook or file-system monitor to run, whoever owns it.
fn last_commit(folder: &Path) -> Option<SystemTime> {
    let git_dir = folder.join(".git");
    if !git_dir.exists() {
        return None;
    }
    let output = std::process::Command::new("git")
        .args(["-c", "safe.directory=*", "-c", "core.fsmonitor=false", "--git-dir"])
        .arg(&git_dir)
        .args(["log", "-1", "--format=%ct"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let seconds: u64 = String::from_utf8_lossy(&output.stdout).trim().parse().ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

/// The folder that holds the exercise folders: the submission itself, its `exercises/`, or the
/// same inside a single top folder (as archives of a repository usually have).
fn exercises_folder(root: &Path, course: &Course) -> Result<PathBuf, String> {
    let has_exercises = |dir: &Path| course.exercises.iter().any(|e| dir.join(&e.dir).is_dir());
    let mut candidates = vec![root.join("exercises"), root.to_path_buf()];
    let folders: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    if let [single] = folders.as_slice() {
        candidates.push(single.join("exercises"));
        candidates.push(single.clone());
    }
    candidates.into_iter().find(|c| has_exercises(c)).ok_or_else(|| {
        "no exercise folders found: expected a copy of the course repository (with exercises/ex01_process/ and \
         so on)"
            .to_owned()
    })
}

/// Unpacks the Rust sources of an archive into `target` (emptied first).
fn unpack(archive: &Path, suffix: &str, target: &Path) -> Result<(), String> {
    if target.exists() {
        std::fs::remove_dir_all(target).map_err(|e| e.to_string())?;
    }
    std::fs::create_dir_all(target).map_err(|e| e.to_string())?;
    let file = std::fs::File::open(archive).map_err(|e| e.to_string())?;
    let mut budget = MAX_UNPACKED;
    let mut entries = 0;
    let mut take = |path: &Path, size: u64, reader: &mut dyn Read| -> Result<(), String> {
        entries += 1;
        if entries > MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} entries"));
        }
        let Some(relative) = safe_path(path) else { return Ok(()) };
        if relative.extension().is_none_or(|e| e != "rs") {
            return Ok(());
        }
        budget = budget.checked_sub(size).ok_or_else(|| format!("more than {MAX_UNPACKED} bytes of sources"))?;
        let destination = target.join(relative);
        if let Some(parent) = destination.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut out = std::fs::File::create(&destination).map_err(|e| e.to_string())?;
        // The size in the header may lie: copy no more than it said.
        std::io::copy(&mut reader.take(size), &mut out).map_err(|e| e.to_string())?;
        Ok(())
    };
    if suffix == ".zip" {
        let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).map_err(|e| e.to_string())?;
            if !entry.is_file() || entry.is_symlink() {
                continue;
            }
            let Some(path) = entry.enclosed_name() else { continue };
            let size = entry.size();
            take(&path, size, &mut entry)?;
        }
    } else {
        let reader: Box<dyn Read> =
            if suffix == ".tar" { Box::new(file) } else { Box::new(flate2::read::GzDecoder::new(file)) };
        let mut tar = tar::Archive::new(reader);
        for entry in tar.entries().map_err(|e| e.to_string())? {
            let mut entry = entry.map_err(|e| e.to_string())?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry.path().map_err(|e| e.to_string())?.into_owned();
            let size = entry.header().size().map_err(|e| e.to_string())?;
            take(&path, size, &mut entry)?;
        }
    }
    Ok(())
}

/// `path` if it stays inside the folder it is unpacked into.
fn safe_path(path: &Path) -> Option<PathBuf> {
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => clean.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!clean.as_os_str().is_empty()).then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(crate::layout::MANIFEST);
        Course::load(&manifest).unwrap()
    }

    fn refusal(class: &Path) -> String {
        let unpacked = class.join(".unpacked");
        let checked = check_is_a_class(class, &course()).and_then(|()| discover(class, &course(), &unpacked));
        match checked {
            Err(SetupError::Refused(why)) => why,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn one_name_in_two_submissions_is_refused_before_anything_is_unpacked() {
        let class = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(class.path().join("ann/exercises/ex04_pool/src")).unwrap();
        std::fs::write(class.path().join("ann.zip"), b"not read").unwrap();
        let why = refusal(class.path());
        assert!(why.contains("ann\"") && why.contains("ann.zip\"") && why.contains("named the same"), "{why}");
        assert!(!class.path().join(".unpacked").exists());
    }

    #[test]
    fn one_name_in_two_normalisations_is_refused_naming_both() {
        let class = tempfile::tempdir().unwrap();
        for name in ["Jos\u{e9}", "Jose\u{301}", "ann lee", "ann_lee", "Ann Lee"] {
            std::fs::create_dir_all(class.path().join(name).join("exercises/ex04_pool/src")).unwrap();
        }
        let why = refusal(class.path());
        assert!(why.contains("Jose\\u{301}\"") && why.contains("José\""), "{why}");
        assert!(why.contains("Unicode normalisations"), "{why}");
        std::fs::remove_dir_all(class.path().join("Jose\u{301}")).unwrap();
        let class = discover(class.path(), &course(), &class.path().join(".unpacked")).unwrap();
        assert_eq!(class.len(), 4);
    }

    #[test]
    fn an_empty_folder_is_not_a_class() {
        let class = tempfile::tempdir().unwrap();
        std::fs::write(class.path().join("notes.txt"), "not a submission").unwrap();
        let why = refusal(class.path());
        assert!(why.contains("holds no submissions") && why.contains("one folder"), "{why}");
    }

    /// Given one course, the checker would grade `checker`, `exercises` and `target` as students.
    #[test]
    fn one_course_or_its_exercises_folder_is_not_a_class() {
        let why = refusal(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
        assert!(why.contains("one copy of the course, not a class: it holds course.toml"), "{why}");
        let copy = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(copy.path().join("exercises/ex04_pool/src")).unwrap();
        std::fs::create_dir_all(copy.path().join("checker")).unwrap();
        assert!(refusal(copy.path()).contains("it holds exercises/ex04_pool/"));
        assert!(refusal(&copy.path().join("exercises")).contains("it holds the exercise folder ex04_pool/"));
        // One student's copy, one level down, is a class of one.
        let class = tempfile::tempdir().unwrap();
        std::fs::rename(copy.path().join("exercises"), class.path().join("exercises")).unwrap();
        std::fs::create_dir(class.path().join("ann")).unwrap();
        std::fs::rename(class.path().join("exercises"), class.path().join("ann/exercises")).unwrap();
        check_is_a_class(class.path(), &course()).unwrap();
        assert_eq!(discover(class.path(), &course(), &class.path().join(".unpacked")).unwrap().len(), 1);
    }

    /// A clone's time is its last commit's; a folder inside someone else's repository has none.
    #[test]
    fn a_submission_that_is_a_git_repository_is_timed_by_its_last_commit() {
        let class = tempfile::tempdir().unwrap();
        let ann = class.path().join("ann");
        std::fs::create_dir_all(ann.join("exercises/ex04_pool/src")).unwrap();
        std::fs::write(ann.join("exercises/ex04_pool/src/lib.rs"), "").unwrap();
        let git = |args: &[&str]| {
            let status = std::process::Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
                .args(args)
                .current_dir(&ann)
                .env("GIT_COMMITTER_DATE", "2027-01-16T01:00:00Z")
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
        };
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "work"]);
        std::fs::create_dir_all(ann.join("inner/exercises/ex04_pool/src")).unwrap();
        let at = last_commit(&ann).unwrap();
        assert_eq!(humantime::format_rfc3339_seconds(at).to_string(), "2027-01-16T01:00:00Z");
        assert_eq!(last_commit(&ann.join("inner")), None);
    }

    #[test]
    fn paths_leaving_the_folder_are_refused() {
        assert_eq!(safe_path(Path::new("a/./b.rs")), Some(PathBuf::from("a/b.rs")));
        assert_eq!(safe_path(Path::new("../b.rs")), None);
        assert_eq!(safe_path(Path::new("/etc/passwd")), None);
        assert_eq!(safe_path(Path::new("a/../../b.rs")), None);
    }

    #[test]
    fn a_tarball_unpacks_only_its_sources_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("ann.tar.gz");
        {
            let file = std::fs::File::create(&archive).unwrap();
            let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()));
            for (path, text) in [("repo/exercises/ex04_pool/src/lib.rs", "pub fn f() {}"), ("repo/notes.txt", "hi")] {
                let mut header = tar::Header::new_gnu();
                header.set_size(text.len() as u64);
                header.set_mode(0o644);
                header.set_cksum();
                builder.append_data(&mut header, path, text.as_bytes()).unwrap();
            }
            builder.into_inner().unwrap().finish().unwrap();
        }
        let target = dir.path().join("out");
        unpack(&archive, ".tar.gz", &target).unwrap();
        assert!(target.join("repo/exercises/ex04_pool/src/lib.rs").is_file());
        assert!(!target.join("repo/notes.txt").exists());
    }
}
