//! The glue to the platforms an instructor grades on: the Gradescope autograder, run against a
//! submission laid out as Gradescope lays it out, and the GitHub Classroom workflow of the
//! student handout.

use crate::util::{assert_no_leftovers, checker, serial, shared_target};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

/// `run_autograder` as Gradescope runs it: with `root` as `/autograder` (CHECKER_AUTOGRADER_ROOT)
/// and `bin` as the checker setup.sh built.
fn run_autograder(root: &Path, bin: &Path) -> std::process::Output {
    std::process::Command::new("bash")
        .arg(root.join("run_autograder"))
        .env("CHECKER_AUTOGRADER_ROOT", root)
        .env("CHECKER_BIN", bin)
        .env("CHECKER_TARGET_DIR", shared_target())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `gradescope-autograder` writes the scripts and the zip to upload. The zip, unpacked where
/// Gradescope unpacks it (`/autograder/source`; here a temporary folder), grades a submission
/// in `/autograder/submission` whose code does not compile, with the checker already built
/// (setup.sh's Rust install is not run): results.json gives each check with its visibility and
/// shows the compiler's messages with the public tests. When the checker cannot run, no
/// results.json is written and the script fails, as Gradescope expects of a broken autograder.
#[test]
fn the_gradescope_autograder_grades_a_submission_laid_out_as_gradescope_does() {
    let _serial = serial();
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("gradescope");
    let stdout = checker().args(["gradescope-autograder", "--exercises", "ex01"]).arg(&out).output().unwrap();
    assert!(stdout.status.success(), "{}", String::from_utf8_lossy(&stdout.stderr));
    for script in ["setup.sh", "run_autograder"] {
        assert_eq!(mode(&out.join(script)), 0o755, "{script} is executable");
        let text = std::fs::read_to_string(out.join(script)).unwrap();
        assert!(text.contains("--exercises ex01_process") && !text.contains('@'), "{script}:\n{text}");
    }
    assert!(std::fs::read_to_string(out.join("setup.sh")).unwrap().contains("https://sh.rustup.rs"));
    for script in ["setup.sh", "run_autograder"] {
        let syntax = std::process::Command::new("bash").arg("-n").arg(out.join(script)).output().unwrap();
        assert!(syntax.status.success(), "{script}: {}", String::from_utf8_lossy(&syntax.stderr));
    }
    assert_eq!(mode(&out.join("autograder.zip")), 0o600, "the zip holds the hidden checks");

    // Gradescope's folders: the zip unpacked in source/, run_autograder copied beside it.
    let root = parent.path().join("autograder");
    let file = std::fs::File::open(out.join("autograder.zip")).unwrap();
    zip::ZipArchive::new(file).unwrap().extract(root.join("source")).unwrap();
    let course = root.join("source/course");
    assert!(course.join("pack/ex01_process").is_dir() && course.join("exercises/ex01_process/src").is_dir());
    assert!(!course.join("solutions").exists() && !course.join("tests").exists(), "solutions or tests shipped");
    let manifest = std::fs::read_to_string(course.join("checker/Cargo.toml")).unwrap();
    assert!(!manifest.contains("[[test]]"), "the checker's manifest points at tests left behind");
    std::fs::copy(root.join("source/run_autograder"), root.join("run_autograder")).unwrap();
    let src = root.join("submission/exercises/ex01_process/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("lib.rs"), "pub fn pid() -> u32 { \"not a number\" }\n").unwrap();

    let bin = assert_cmd::cargo::cargo_bin("checker");
    let output = run_autograder(&root, &bin);
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(root.join("results/results.json")).unwrap();
    let results: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(results["score"], 0);
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests[0]["name"], "ex01_process: public_tests");
    assert_eq!(tests[0]["visibility"], "visible");
    let public = tests[0]["output"].as_str().unwrap();
    assert!(public.contains("not run: the code does not compile") && public.contains("error[E0308]"), "{public}");
    assert!(tests.len() > 1 && tests[1..].iter().all(|t| t["visibility"] == "after_published"), "{text}");

    // A checker that cannot run leaves no score behind.
    std::fs::remove_file(root.join("results/results.json")).unwrap();
    let output = run_autograder(&root, Path::new("/bin/false"));
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("could not grade the submission (exit status 1)"));
    assert!(!root.join("results/results.json").exists());
    assert_no_leftovers();
}
