//! `checker handout OUT`: the repository a student receives — the exercises with their public
//! tests and hints, the course's own crates, and the checker — without the reference solutions,
//! the hidden checks, the mutants or the project's own tests. It builds, and runs `check`,
//! `hint`, `list`, `reset` and `watch`; `submit` needs the grading pack, which stays with the
//! instructor.

use super::Context;
use crate::error::{exit_code, SetupError};
use std::path::Path;

/// What a handout takes from the course repository, relative to its root.
const TAKEN: [&str; 9] = [
    "Cargo.toml",
    "Cargo.lock",
    "rustfmt.toml",
    "course.toml",
    "README.md",
    ".gitignore",
    ".vscode",
    "checker",
    "exercises",
];

const NOTE: &str = "> **Student handout.** `checker list`, `check`, `hint`, `watch` and `reset` work here; \
`checker submit` needs the grading pack with the hidden checks, which your instructor runs.\n\n";

pub fn run(context: &Context, out: &Path) -> Result<u8, SetupError> {
    let cwd = std::env::current_dir().map_err(SetupError::io("reading the current folder"))?;
    let out = cwd.join(out);
    if out.exists() && std::fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(SetupError::Refused(format!(
            "{} exists and is not empty: give a new folder for the handout",
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
    for item in TAKEN {
        let from = root.join(item);
        if from.exists() {
            copy(&from, &out.join(item))?;
        }
    }
    // The checker's integration tests grade the solutions and mutants, which stay behind.
    let manifest = out.join("checker/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(SetupError::io(format!("reading {}", manifest.display())))?;
    std::fs::write(&manifest, without_test_targets(&text))
        .map_err(SetupError::io(format!("writing {}", manifest.display())))?;
    let readme = out.join("README.md");
    if let Ok(text) = std::fs::read_to_string(&readme) {
        let text = match text.split_once('\n') {
            Some((title, rest)) => format!("{title}\n\n{NOTE}{}", rest.trim_start()),
            None => format!("{NOTE}{text}"),
        };
        std::fs::write(&readme, text).map_err(SetupError::io(format!("writing {}", readme.display())))?;
    }
    let committed = git_init(&out);
    println!("wrote the student handout to {}", out.display());
    println!("  without: solutions/, pack/ (hidden checks), tests/ (the checker's own tests and mutants)");
    if !committed {
        println!("  note: git is not available, so the handout is not a git repository (`checker reset` needs one)");
    }
    Ok(exit_code::PASS)
}

/// The manifest without its `[[test]]` targets (their sources are not in the handout).
fn without_test_targets(manifest: &str) -> String {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in manifest.lines() {
        let header = line.trim_start().starts_with('[');
        if header {
            skipping = line.trim() == "[[test]]";
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
    use super::without_test_targets;

    #[test]
    fn drops_only_the_test_targets() {
        let manifest = "[package]\nname = \"checker\"\n\n[[test]]\nname = \"cli\"\npath = \"../tests/cli/main.rs\"\n\n[dependencies]\nclap = \"4\"\n";
        let text = without_test_targets(manifest);
        assert!(!text.contains("[[test]]") && !text.contains("tests/cli"), "{text}");
        assert!(text.contains("[package]") && text.contains("clap = \"4\""), "{text}");
    }
}
