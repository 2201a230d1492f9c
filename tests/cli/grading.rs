//! Grading end to end: skeletons fail, solutions pass, compile errors are shown as cargo shows
//! them, the student's progress follows, and `watch` moves on when an exercise passes.

use crate::util::{assert_no_leftovers, checker, read_report, repo, serial, Course};
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

#[test]
fn verify_passes_on_the_course() {
    let _serial = serial();
    checker().arg("verify").assert().success().stdout(predicate::str::contains("verify: the course is consistent"));
    assert_no_leftovers();
}

#[test]
fn a_skeleton_scores_zero_and_the_solution_full_marks_then_the_exercise_is_done() {
    let _serial = serial();
    let course = Course::new();
    let report = course.path().join(".checker/reports/ex04_pool.json");

    course
        .checker()
        .args(["submit", "ex04"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("score: 0/27"))
        .stdout(predicate::str::contains("not yet implemented"));
    let first = read_report(&report);
    assert_eq!(first["score"], 0);
    assert_eq!(first["passed"], false);
    assert_eq!(first["schema_version"], 1);
    course.checker().arg("list").assert().success().stdout(predicate::str::is_match(r"ex04_pool .* failing").unwrap());

    course.put_sources("ex04_pool", &repo().join("solutions/ex04_pool"));
    course
        .checker()
        .args(["submit", "ex04"])
        .assert()
        .success()
        .stdout(predicate::str::contains("score: 27/27 - passed"));
    let second = read_report(&report);
    assert_eq!(second["score"], 27);
    assert_eq!(second["max_score"], 27);
    assert_ne!(first["sources"]["sha256"], second["sources"]["sha256"], "the report records what was submitted");
    course.checker().arg("list").assert().success().stdout(predicate::str::is_match(r"ex04_pool .* done").unwrap());
    assert_no_leftovers();
}

#[test]
fn a_submission_that_does_not_compile_shows_cargos_errors_and_scores_zero() {
    let _serial = serial();
    let course = Course::new();
    let lib = course.path().join("exercises/ex04_pool/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\nfn broken() -> u32 { \"not a number\" }\n");
    std::fs::write(&lib, text).unwrap();

    course
        .checker()
        .args(["check", "ex04"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("your code does not compile"))
        .stdout(predicate::str::contains("mismatched types"))
        .stdout(predicate::str::contains("exercises/ex04_pool/src/lib.rs"))
        // Once, although `cargo test` compiles the library twice (itself and its unit tests).
        .stdout(predicate::str::contains("mismatched types").count(1));
    course
        .checker()
        .args(["submit", "ex04"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not run: the code does not compile"))
        .stdout(predicate::str::contains("score: 0/27"));
}

#[test]
fn a_changed_public_api_is_explained_without_showing_the_hidden_source() {
    let _serial = serial();
    let course = Course::new();
    course.put_sources("ex04_pool", &repo().join("solutions/ex04_pool"));
    // A private pack whose hidden check calls a function the student's crate does not have.
    let pack = tempfile::tempdir().unwrap();
    crate::util::copy_tree(&repo().join("pack/support"), &pack.path().join("support"));
    std::fs::create_dir_all(pack.path().join("ex04_pool")).unwrap();
    std::fs::write(
        pack.path().join("ex04_pool/main.rs"),
        "fn main() {\n    let secret_hidden_line = ex04_pool::not_in_the_skeleton();\n    let _ = secret_hidden_line;\n}\n",
    )
    .unwrap();

    checker()
        .current_dir(course.path())
        .args(["submit", "ex04", "--pack"])
        .arg(pack.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Your public API differs from the skeleton's"))
        .stdout(predicate::str::contains("not_in_the_skeleton"))
        .stdout(predicate::str::contains("secret_hidden_line").not())
        .stdout(predicate::str::contains("main.rs").not());
}

#[test]
fn a_missing_exercise_folder_says_how_to_restore_it() {
    let course = Course::new();
    std::fs::remove_dir_all(course.path().join("exercises/ex01_process/src")).unwrap();
    course
        .checker()
        .args(["check", "ex01"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no Rust sources under src/"))
        .stderr(predicate::str::contains("checker reset ex01_process"));
}

#[test]
fn a_missing_pack_is_a_setup_error() {
    let course = Course::new();
    let empty_pack = tempfile::tempdir().unwrap();
    checker()
        .current_dir(course.path())
        .args(["submit", "ex01", "--pack"])
        .arg(empty_pack.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("has no hidden checks for ex01_process"));
}

/// A cargo that does not run at all (rustup with no default toolchain) is no network problem:
/// the checker says what cargo said and how to set Rust up, not "connect to the internet".
#[test]
fn a_cargo_that_does_not_run_is_named_as_such() {
    let course = Course::new();
    let bin = tempfile::tempdir().unwrap();
    let cargo = bin.path().join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\necho \"error: rustup could not choose a version of cargo to run\" >&2\n\
         echo \"help: run 'rustup default stable'\" >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    checker()
        .current_dir(course.path())
        .env("CARGO", &cargo)
        .args(["--lang", "en", "check", "ex01"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cargo does not run for this user"))
        .stderr(predicate::str::contains("rustup could not choose a version"))
        .stderr(predicate::str::contains("Connect to the internet").not());
}

#[test]
fn watch_reruns_on_save_and_moves_on_when_the_exercise_passes() {
    let _serial = serial();
    let course = Course::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("checker"))
        .args(["watch", "ex03"])
        .arg("--pack")
        .arg(repo().join("pack"))
        .current_dir(course.path())
        .env("CHECKER_TARGET_DIR", crate::util::shared_target())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start watch");
    let (lines, receiver) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(300);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            match receiver.recv_timeout(Duration::from_secs(1)) {
                Ok(line) if line.contains(needle) => return,
                Ok(line) => seen.push(line),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(_) => break,
            }
        }
        panic!("watch never printed {needle:?}; it printed:\n{}", seen.join("\n"));
    };
    wait_for("watching exercises/ex03_spawn for changes");
    course.put_sources("ex03_spawn", &repo().join("solutions/ex03_spawn"));
    wait_for("Next: ex04_pool");
    wait_for("watching exercises/ex04_pool for changes");
    child.kill().ok();
    child.wait().ok();
}

#[test]
fn submit_only_runs_the_named_checks_and_leaves_the_progress_alone() {
    let _serial = serial();
    let course = Course::new();
    course
        .checker()
        .args(["submit", "ex01", "--only", "no_such_check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ex01_process has no hidden check named \"no_such_check\""))
        .stderr(predicate::str::contains("reports_own_pid"));

    course.put_sources("ex01_process", &repo().join("solutions/ex01_process"));
    let report = course.path().join("only.json");
    course
        .checker()
        .args(["submit", "ex01", "--only", "reports_own_pid", "--report"])
        .arg(&report)
        .assert()
        .success()
        .stdout(predicate::str::contains("reports_own_pid"))
        .stdout(predicate::str::contains("public_tests").not());
    let checks = read_report(&report)["checks"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = checks.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["reports_own_pid"]);
    // A partial run proves nothing of the exercise: it stays "not started".
    course
        .checker()
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"ex01_process .* not started").unwrap());
}
