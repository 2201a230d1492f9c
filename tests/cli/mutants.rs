//! Every hidden check catches a plausible wrong solution. Each folder of `tests/mutants/<id>/`
//! holds a solution with one deliberate mistake and a `mutant.toml` saying which checks must
//! fail and what the student must be told; hang mutants say how the hang must be diagnosed.

use crate::util::{assert_no_leftovers, check, checker, read_report, repo, serial};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mutant {
    exercise: String,
    description: String,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// "fail", "timeout" or "left_behind": the outcome of the first check in `fails`.
    outcome: String,
    fails: Vec<String>,
    /// Part of the explanation the student sees for the first check in `fails` (for a timeout:
    /// part of what the check saw of the hang, e.g. the course_sync wait-for cycle).
    message: Option<String>,
    /// For timeouts: "deadlock", "spinning", "io", "sleeping".
    diagnosis: Option<String>,
}

fn mutants_of(exercise: &str) -> Vec<(PathBuf, Mutant)> {
    let dir = repo().join("tests/mutants").join(exercise);
    let mut out: Vec<(PathBuf, Mutant)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.path().join("mutant.toml").is_file())
        .map(|e| {
            let text = std::fs::read_to_string(e.path().join("mutant.toml")).unwrap();
            let mutant: Mutant = toml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            (e.path(), mutant)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Submits one mutant and returns what did not go as its mutant.toml says.
fn judge(path: &Path, mutant: &Mutant) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let report_dir = tempfile::tempdir().unwrap();
    let report_path = report_dir.path().join("report.json");
    let output = checker()
        .args(["submit", &mutant.exercise, "--from"])
        .arg(path)
        .arg("--report")
        .arg(&report_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let mut problems = Vec::new();
    if output.status.code() != Some(1) {
        problems.push(format!(
            "{name} ({}): exit status {:?}, expected 1\n{stdout}",
            mutant.description,
            output.status.code()
        ));
        return problems;
    }
    let report = read_report(&report_path);
    for (index, failing) in mutant.expect.fails.iter().enumerate() {
        let result = check(&report, failing);
        if result["outcome"] == "pass" {
            problems.push(format!(
                "{name} ({}): check {failing} passed, but it must catch this mutant",
                mutant.description
            ));
            continue;
        }
        if index > 0 {
            continue;
        }
        if result["outcome"] != mutant.expect.outcome.as_str() {
            problems.push(format!(
                "{name}: {failing} ended as {}, expected {}: {result:#}",
                result["outcome"], mutant.expect.outcome
            ));
        }
        if let Some(message) = &mutant.expect.message {
            // A hang's explanation is what the check itself saw when it was stopped.
            let seen = result["diagnosis"]["seen_by_the_check"].as_array().cloned().unwrap_or_default();
            let said = format!("{} {} {} {seen:?}", result["observed"], result["expected"], result["why"]);
            if !said.contains(message.as_str()) || !stdout.contains(message.as_str()) {
                problems.push(format!("{name}: {failing} must explain {message:?}; the student saw:\n{stdout}"));
            }
        }
        if let Some(diagnosis) = &mutant.expect.diagnosis {
            if result["diagnosis"]["kind"] != diagnosis.as_str() {
                problems.push(format!(
                    "{name}: {failing} diagnosed as {}, expected {diagnosis}: {result:#}",
                    result["diagnosis"]["kind"]
                ));
            }
        }
    }
    problems
}

fn all_mutants_fail_as_expected(exercise: &str) {
    let _serial = serial();
    let mutants = mutants_of(exercise);
    assert!(!mutants.is_empty(), "no mutants for {exercise}");
    let problems: Vec<String> = mutants
        .iter()
        .flat_map(|(path, mutant)| {
            assert_eq!(mutant.exercise, exercise, "{}", path.display());
            judge(path, mutant)
        })
        .collect();
    assert_no_leftovers();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn mutants_of_ex01_process_fail_as_expected() {
    all_mutants_fail_as_expected("ex01_process");
}

#[test]
fn mutants_of_ex02_fork_fail_as_expected() {
    all_mutants_fail_as_expected("ex02_fork");
}

#[test]
fn mutants_of_ex03_spawn_fail_as_expected() {
    all_mutants_fail_as_expected("ex03_spawn");
}

#[test]
fn mutants_of_ex04_pool_fail_as_expected() {
    all_mutants_fail_as_expected("ex04_pool");
}

/// Every hidden check in course.toml is the first expected failure of at least one mutant.
#[test]
fn every_hidden_check_has_a_mutant_it_catches() {
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(repo().join("course.toml")).unwrap()).unwrap();
    let mut missing = Vec::new();
    for exercise in manifest["exercise"].as_array().unwrap() {
        let id = exercise["id"].as_str().unwrap();
        let caught: BTreeSet<String> =
            mutants_of(id).into_iter().filter_map(|(_, m)| m.expect.fails.first().cloned()).collect();
        for check in exercise["check"].as_array().unwrap() {
            let name = check["name"].as_str().unwrap();
            if !caught.contains(name) {
                missing.push(format!("{id}/{name}"));
            }
        }
    }
    assert!(missing.is_empty(), "hidden checks without a mutant that they catch first: {missing:?}");
}

#[test]
fn mutants_of_ex11_threaded_server_fail_as_expected() {
    all_mutants_fail_as_expected("ex11_threaded_server");
}

#[test]
fn mutants_of_ex12_poll_server_fail_as_expected() {
    all_mutants_fail_as_expected("ex12_poll_server");
}

#[test]
fn mutants_of_ex09_echo_fail_as_expected() {
    all_mutants_fail_as_expected("ex09_echo");
}

#[test]
fn mutants_of_ex10_timeouts_fail_as_expected() {
    all_mutants_fail_as_expected("ex10_timeouts");
}

#[test]
fn mutants_of_ex05_queue_fail_as_expected() {
    all_mutants_fail_as_expected("ex05_queue");
}

#[test]
fn mutants_of_ex06_locks_fail_as_expected() {
    all_mutants_fail_as_expected("ex06_locks");
}

#[test]
fn mutants_of_ex07_rlock_fail_as_expected() {
    all_mutants_fail_as_expected("ex07_rlock");
}

#[test]
fn mutants_of_ex08_gil_fail_as_expected() {
    all_mutants_fail_as_expected("ex08_gil");
}

#[test]
fn mutants_of_ex13_generators_fail_as_expected() {
    all_mutants_fail_as_expected("ex13_generators");
}

#[test]
fn mutants_of_ex14_async_tasks_fail_as_expected() {
    all_mutants_fail_as_expected("ex14_async_tasks");
}

#[test]
fn mutants_of_ex15_async_server_fail_as_expected() {
    all_mutants_fail_as_expected("ex15_async_server");
}

#[test]
fn mutants_of_ex16_metrics_client_fail_as_expected() {
    all_mutants_fail_as_expected("ex16_metrics_client");
}

#[test]
fn mutants_of_ex17_metrics_server_fail_as_expected() {
    all_mutants_fail_as_expected("ex17_metrics_server");
}
