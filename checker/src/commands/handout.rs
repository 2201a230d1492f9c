//! `checker handout OUT`: the repository a student receives — the exercises with their public
//! tests and hints, the lessons, the course's own crates, the checker, and the GitHub Classroom
//! workflow that runs the public tests on every push ([`super::classroom`]) — without the
//! reference solutions, the hidden checks, the mutants or the project's own tests. It builds,
//! and runs `check`, `hint`, `lesson`, `list`, `reset` and `watch`; `submit` needs the grading
//! pack, which stays with the instructor. The map of promises to checks stays behind too (the `[[exercise.promise]]`
//! tables and README's table): its gaps say which wrong solutions the hidden checks let pass.

use super::Context;
use crate::error::{exit_code, SetupError};
use std::path::Path;

/// What a handout takes from the course repository, relative to its root.
const TAKEN: [&str; 10] = [
    "Cargo.toml",
    "Cargo.lock",
    "rustfmt.toml",
    "course.toml",
    "README.md",
    ".gitignore",
    ".vscode",
    "checker",
    "exercises",
    // The lessons and their examples (a member of the workspace: the handout builds it).
    "lessons",
];

/// How a student's work is graded, said first in the handout's README.
const GRADING: &str = "> **Student handout.** `checker list`, `check`, `hint`, `lesson`, `watch` and `reset` work \
here. How you are graded: the public tests (`checker check`) run here and, if your course uses GitHub \
Classroom, on every push (`.github/workflows/classroom.yml`); the hidden checks, which observe what tests \
cannot (processes, threads, CPU while waiting, timing, deadlocks), stay with your instructor, who runs them \
on your submission with `checker grade` and gives you each check's explanation.\n\n";

/// The course README's section for students: all of the handout's README but its title.
const FOR_STUDENTS: &str = "## For students";

pub fn run(context: &Context, out: &Path) -> Result<u8, SetupError> {
    let out = new_folder(context, out, "the handout")?;
    let root = &context.layout.root;
    for item in TAKEN {
        let from = root.join(item);
        if from.exists() {
            copy(&from, &out.join(item))?;
        }
    }
    // The checker's integration tests grade the solutions and mutants, which stay behind.
    let manifest = out.join("checker/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(SetupError::io(format!("reading {}", manifest.display())))?;
    std::fs::write(&manifest, without_tables(&text, "[[test]]"))
        .map_err(SetupError::io(format!("writing {}", manifest.display())))?;
    let course = out.join("course.toml");
    let text = std::fs::read_to_string(&course).map_err(SetupError::io(format!("reading {}", course.display())))?;
    std::fs::write(&course, without_tables(&text, "[[exercise.promise]]"))
        .map_err(SetupError::io(format!("writing {}", course.display())))?;
    let readme = out.join("README.md");
    if let Ok(text) = std::fs::read_to_string(&readme) {
        std::fs::write(&readme, student_readme(&text, &context.course))
            .map_err(SetupError::io(format!("writing {}", readme.display())))?;
    }
    let workflow = out.join(super::classroom::PATH);
    let folder = workflow.parent().expect("the workflow's folder");
    std::fs::create_dir_all(folder).map_err(SetupError::io(format!("creating {}", folder.display())))?;
    std::fs::write(&workflow, super::classroom::workflow(&context.course))
        .map_err(SetupError::io(format!("writing {}", workflow.display())))?;
    let committed = git_init(&out);
    println!("wrote the student handout to {}", out.display());
    println!("  without: solutions/, pack/ (hidden checks), tests/ (the checker's own tests and mutants)");
    println!("  with {}: GitHub Classroom's autograding of the public tests", super::classroom::PATH);
    if !committed {
        println!("  note: git is not available, so the handout is not a git repository (`checker reset` needs one)");
    }
    Ok(exit_code::PASS)
}

/// `out`, made absolute and created: a new (or empty) folder outside the course repository, where
/// `what` is written.
pub(super) fn new_folder(context: &Context, out: &Path, what: &str) -> Result<std::path::PathBuf, SetupError> {
    let cwd = std::env::current_dir().map_err(SetupError::io("reading the current folder"))?;
    let out = cwd.join(out);
    if out.exists() && std::fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(SetupError::Refused(format!(
            "{} exists and is not empty: give a new folder for {what}",
            out.display()
        )));
    }
    let root = &context.layout.root;
    if out.starts_with(root) && !out.starts_with(root.join("target")) {
        return Err(SetupError::Refused(format!(
            "{} is inside the course repository: give a folder outside it",
            out.display()
        )));
    }
    std::fs::create_dir_all(&out).map_err(SetupError::io(format!("creating {}", out.display())))?;
    Ok(out)
}

/// The handout's README, written for students: the course README's title, how grading happens,
/// the exercises, and the course README's section for students. The rest (the quick start for
/// the project's developers, the instructors' sections, the sandbox, the promises) stays behind.
fn student_readme(course_readme: &str, course: &crate::manifest::Course) -> String {
    let title = course_readme.lines().find(|l| l.starts_with("# ")).unwrap_or("# The course");
    let mut text = format!("{title}\n\n{GRADING}## Exercises\n\n| id | title | lecture |\n| --- | --- | --- |\n");
    for exercise in &course.exercises {
        text.push_str(&format!("| `{}` | {} | {} |\n", exercise.id, exercise.title, exercise.section));
    }
    text.push('\n');
    text.push_str(&section(course_readme, FOR_STUDENTS));
    text
}

/// The section of a Markdown text under `heading`, up to the next `## ` heading.
fn section(text: &str, heading: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            inside = line.trim_end() == heading;
        }
        if inside {
            out.push(line);
        }
    }
    let mut text = out.join("\n").trim_end().to_owned();
    text.push('\n');
    text
}

/// A TOML file without its `header` tables: the `[[test]]` targets of the checker's manifest
/// (their sources are not in the handout), the `[[exercise.promise]]` tables of the course's.
pub(super) fn without_tables(manifest: &str, header: &str) -> String {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in manifest.lines() {
        if line.trim_start().starts_with('[') {
            skipping = line.trim() == header;
        }
        if !skipping {
            out.push(line);
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn copy(from: &Path, to: &Path) -> Result<(), SetupError> {
    let kind = std::fs::symlink_metadata(from).map_err(SetupError::io(format!("reading {}", from.display())))?;
    if kind.is_dir() {
        let name = from.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name == "target" || name == ".checker" {
            return Ok(());
        }
        std::fs::create_dir_all(to).map_err(SetupError::io(format!("creating {}", to.display())))?;
        let entries = std::fs::read_dir(from).map_err(SetupError::io(format!("reading {}", from.display())))?;
        for entry in entries.flatten() {
            copy(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else if kind.is_file() {
        std::fs::copy(from, to).map_err(SetupError::io(format!("copying {}", from.display())))?;
    }
    Ok(())
}

/// Makes the handout a git repository with one commit, so that `checker reset` can restore a
/// skeleton; false if git is not there.
fn git_init(dir: &Path) -> bool {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "checker")
            .env("GIT_AUTHOR_EMAIL", "checker@localhost")
            .env("GIT_COMMITTER_NAME", "checker")
            .env("GIT_COMMITTER_EMAIL", "checker@localhost")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    git(&["init", "-q"]) && git(&["add", "-A"]) && git(&["commit", "-q", "-m", "The course handout"])
}

#[cfg(test)]
mod tests {
    use super::{student_readme, without_tables};
    use crate::manifest::Course;

    #[test]
    fn drops_only_the_test_targets() {
        let manifest = "[package]\nname = \"checker\"\n\n[[test]]\nname = \"cli\"\npath = \"../tests/cli/main.rs\"\n\n[dependencies]\nclap = \"4\"\n";
        let text = without_tables(manifest, "[[test]]");
        assert!(!text.contains("[[test]]") && !text.contains("tests/cli"), "{text}");
        assert!(text.contains("[package]") && text.contains("clap = \"4\""), "{text}");
    }

    /// The course's manifest keeps its exercises, checks and hints, and loses only its promises.
    #[test]
    fn the_course_loses_only_its_promises() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../course.toml");
        let full: Course = toml::from_str(&std::fs::read_to_string(&path).expect("course.toml")).expect("it parses");
        let text = without_tables(&std::fs::read_to_string(&path).expect("course.toml"), "[[exercise.promise]]");
        assert!(!text.contains("[[exercise.promise]]") && !text.contains("observed_by"), "promises are left");
        let handed: Course = toml::from_str(&text).expect("the handout's course.toml parses");
        assert!(full.exercises.iter().any(|e| !e.promises.is_empty()), "the course lists promises");
        assert_eq!(handed.exercises.len(), full.exercises.len());
        for (handed, full) in handed.exercises.iter().zip(&full.exercises) {
            assert!(handed.promises.is_empty(), "{} keeps promises", handed.id);
            let names = |e: &crate::manifest::Exercise| e.checks.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
            assert_eq!(names(handed), names(full), "{}", handed.id);
            assert_eq!(handed.hints, full.hints, "{}", handed.id);
        }
    }

    #[test]
    fn the_readme_keeps_the_title_and_the_students_section_and_lists_the_exercises() {
        let readme = "# T\n\n## Quick start\ncargo test --workspace\n\n## For students\nkept\n\n## For instructors\ngone\n\n## What the hidden checks observe\n| p | q |\n";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../course.toml");
        let course = Course::load(&path).expect("course.toml");
        let text = student_readme(readme, &course);
        assert!(text.starts_with("# T\n\n> **Student handout.**"), "{text}");
        assert!(text.contains("## For students\nkept\n"), "{text}");
        assert!(text.contains("| `ex04_pool` | ") && text.contains("checker grade"), "{text}");
        for gone in ["Quick start", "cargo test --workspace", "For instructors", "hidden checks observe", "| p | q |"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
    }
}
