//! `checker gradescope-autograder OUT`: what an instructor uploads to Gradescope, which grades
//! one submission at a time in a container of its own. `OUT/setup.sh` installs Rust and builds
//! the checker; `OUT/run_autograder` grades `/autograder/submission` as a class of one and
//! writes `/autograder/results/results.json` in Gradescope's format ([`crate::formats`]);
//! `OUT/autograder.zip` holds both and the course they grade with (`course/`: the exercises,
//! the grading pack with the hidden checks, and the checker's sources; not the reference
//! solutions). The two scripts are `checker/platforms/gradescope/` with the chosen exercises
//! filled in.

use super::handout::without_tables;
use super::Context;
use crate::error::{exit_code, SetupError};
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;

const SETUP: &str = include_str!("../../platforms/gradescope/setup.sh");
const RUN: &str = include_str!("../../platforms/gradescope/run_autograder");

/// What the autograder takes from the course repository: what builds the checker (the
/// workspace and its members) and what it grades with.
const TAKEN: [&str; 8] =
    ["Cargo.toml", "Cargo.lock", "rustfmt.toml", "course.toml", "checker", "lessons", "exercises", "pack"];

pub fn run(context: &Context, out: &Path, exercises: &[String]) -> Result<u8, SetupError> {
    let ids: Vec<String> =
        exercises.iter().map(|q| context.exercise(q).map(|e| e.id.clone())).collect::<Result<_, _>>()?;
    let out = super::handout::new_folder(context, out, "the autograder")?;
    // Exercise ids are the manifest's own (lower-case letters, digits, `_`): safe in a script.
    let arguments = if ids.is_empty() { String::new() } else { format!("--exercises {}", ids.join(",")) };
    let setup = SETUP.replace("@EXERCISES_ARGS@", &arguments);
    let run = RUN.replace("@EXERCISES_ARGS@", &arguments);
    for (name, text) in [("setup.sh", &setup), ("run_autograder", &run)] {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(SetupError::io(format!("writing {}", path.display())))?;
        executable(&path)?;
    }
    let zip_path = out.join("autograder.zip");
    // The zip holds the hidden checks: the instructor's alone, like the batch's results.
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&zip_path)
        .map_err(SetupError::io(format!("writing {}", zip_path.display())))?;
    let mut zip = zip::ZipWriter::new(file);
    let failed = |e: zip::result::ZipError| SetupError::io(format!("writing {}", zip_path.display()))(e.into());
    let script = SimpleFileOptions::default().unix_permissions(0o755);
    for (name, text) in [("setup.sh", &setup), ("run_autograder", &run)] {
        zip.start_file(name, script).map_err(failed)?;
        zip.write_all(text.as_bytes()).map_err(SetupError::io(format!("writing {}", zip_path.display())))?;
    }
    let root = &context.layout.root;
    let mut files = 0;
    for item in TAKEN {
        if root.join(item).exists() {
            add(&mut zip, root, Path::new(item), &mut files)?;
        }
    }
    zip.finish().map_err(failed)?;
    println!("wrote the Gradescope autograder to {}:", out.display());
    println!("  autograder.zip   upload it as the assignment's autograder (setup.sh, run_autograder and the course, {files} files)");
    println!("  setup.sh, run_autograder   the same scripts, to read");
    let graded = if ids.is_empty() { "every exercise".to_owned() } else { ids.join(", ") };
    println!("  grades: {graded}; the students submit their repository (GitHub or a zip of it)");
    Ok(exit_code::PASS)
}

/// Adds `root/relative` to the zip under `course/`: a folder with what it holds (without build
/// folders), a file as it is; the checker's manifest without its test targets, whose sources
/// (the project's own tests) stay behind.
fn add<W: Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    root: &Path,
    relative: &Path,
    files: &mut usize,
) -> Result<(), SetupError> {
    let path = root.join(relative);
    let kind = std::fs::symlink_metadata(&path).map_err(SetupError::io(format!("reading {}", path.display())))?;
    let name = Path::new("course").join(relative).to_string_lossy().into_owned();
    let failed = |e: zip::result::ZipError| SetupError::io(format!("adding {name} to the zip"))(e.into());
    if kind.is_dir() {
        if relative.file_name().is_some_and(|n| n == "target" || n == ".checker") {
            return Ok(());
        }
        let mut entries: Vec<_> = std::fs::read_dir(&path)
            .map_err(SetupError::io(format!("reading {}", path.display())))?
            .flatten()
            .map(|e| e.file_name())
            .collect();
        // The same course gives the same zip.
        entries.sort();
        for entry in entries {
            add(zip, root, &relative.join(entry), files)?;
        }
    } else if kind.is_file() {
        let mut bytes = std::fs::read(&path).map_err(SetupError::io(format!("reading {}", path.display())))?;
        if relative == Path::new("checker/Cargo.toml") {
            bytes = without_tables(&String::from_utf8_lossy(&bytes), "[[test]]").into_bytes();
        }
        use std::os::unix::fs::PermissionsExt;
        let options = SimpleFileOptions::default().unix_permissions(kind.permissions().mode() & 0o755);
        zip.start_file(name.as_str(), options).map_err(failed)?;
        zip.write_all(&bytes).map_err(SetupError::io(format!("adding {name} to the zip")))?;
        *files += 1;
    }
    Ok(())
}

fn executable(path: &Path) -> Result<(), SetupError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(SetupError::io(format!("making {} executable", path.display())))
}
