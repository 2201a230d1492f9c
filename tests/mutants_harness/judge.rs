//! One mutant, graded: its sources are written from the current reference solution, submitted
//! with `checker submit EX --from DIR --report FILE --only CHECK...` (the checks it must fail),
//! and the report compared with `[expect]`.
//! One correct alternative, graded the same way: every check must pass.

use crate::util::{assert_no_leftovers, check, checker, read_report, repo};
use checker::mutant::{Alternative, Mutant};
use libtest_mimic::Failed;
use std::path::PathBuf;

pub fn mutants_folder() -> PathBuf {
    repo().join("tests/mutants")
}

pub fn alternatives_folder() -> PathBuf {
    repo().join("tests/alternatives")
}

fn solution_of(exercise: &str) -> PathBuf {
    repo().join("solutions").join(exercise)
}

/// Writes the mutant's sources into a new temporary folder.
fn materialize(mutant: &Mutant) -> Result<tempfile::TempDir, String> {
    let dir = tempfile::Builder::new().prefix("checker-mutant-").tempdir().map_err(|e| e.to_string())?;
    mutant.materialize(&solution_of(&mutant.exercise), dir.path()).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Every mutant's edits still fit the current solutions (without grading anything), so a
/// changed solution is reported at once, for every mutant it breaks.
pub fn all_apply(mutants: &[Mutant]) -> Result<(), Failed> {
    let problems: Vec<String> = mutants.iter().filter_map(|mutant| materialize(mutant).err()).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n\n").into())
    }
}

/// How many times a trial is submitted while a check it judges ends "not judged" (the machine
/// was too busy to measure): what an instructor does with such a check, grading it again.
const ATTEMPTS_WHILE_NOT_JUDGED: usize = 3;

/// Submits `sources` as `exercise`, with only the checks `only` (every check when empty), until
/// none of them ends "not judged", at most [`ATTEMPTS_WHILE_NOT_JUDGED`] times: the last
/// submission's output and report.
fn submit(
    exercise: &str,
    sources: &std::path::Path,
    only: &[String],
    alone: bool,
) -> Result<(std::process::Output, serde_json::Value), Failed> {
    let report_path = sources.join("report.json");
    let mut attempt = 0;
    loop {
        attempt += 1;
        let output = checker()
            .args(["submit", exercise, "--from"])
            .arg(sources)
            .arg("--report")
            .arg(&report_path)
            .args(only.iter().flat_map(|check| ["--only", check.as_str()]))
            .output()?;
        if alone {
            assert_no_leftovers();
        }
        let report = read_report(&report_path);
        // The report holds only the checks that ran.
        let not_judged = report["checks"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .any(|c| c["outcome"] == "not_judged");
        if !not_judged || attempt == ATTEMPTS_WHILE_NOT_JUDGED {
            return Ok((output, report));
        }
        eprintln!("{exercise}: a check was not judged (a busy machine): submitted again");
    }
}

/// Submits the mutant and fails with everything that did not go as its `[expect]` says.
/// `alone`: no other trial runs at the same time, so any student process still alive
/// afterwards is this mutant's.
pub fn fails_as_expected(mutant: &Mutant, alone: bool) -> Result<(), Failed> {
    let sources = materialize(mutant)?;
    // Only the checks the mutant must fail are run (not the public tests, nor the others):
    // nothing else is compared, and a mutant's trial then costs one check, not the exercise.
    let (output, report) = submit(&mutant.exercise, sources.path(), &mutant.expect.fails, alone)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.code() != Some(1) {
        return Err(format!(
            "{} ({}): exit status {:?}, expected 1\n{stdout}{}",
            mutant.id(),
            mutant.description,
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let problems = compare(mutant, &report, &stdout);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n\n").into())
    }
}

/// Submits the correct alternative and fails unless every check passed, naming those that did
/// not with what they said: a check that fails a correct design grades the design, not the
/// promise.
pub fn passes_every_check(alternative: &Alternative, alone: bool) -> Result<(), Failed> {
    let sources = tempfile::Builder::new().prefix("checker-alternative-").tempdir()?;
    alternative.materialize(&solution_of(&alternative.exercise), sources.path()).map_err(|e| e.to_string())?;
    let (output, report) = submit(&alternative.exercise, sources.path(), &[], alone)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failed: Vec<String> = report["checks"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|c| c["outcome"] != "pass")
        .map(|c| format!("{} ended as {}: {} / {}", c["name"], c["outcome"], c["observed"], c["why"]))
        .collect();
    if output.status.code() == Some(0) && failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} ({}) is correct, but not every check passed (exit status {:?}):\n{}\n{stdout}",
            alternative.id(),
            alternative.design,
            output.status.code(),
            failed.join("\n")
        )
        .into())
    }
}

/// What in the report differs from the mutant's `[expect]`.
fn compare(mutant: &Mutant, report: &serde_json::Value, stdout: &str) -> Vec<String> {
    let name = mutant.id();
    let expect = &mutant.expect;
    let mut problems = Vec::new();
    for (index, failing) in expect.fails.iter().enumerate() {
        let result = check(report, failing);
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
        if result["outcome"] != expect.outcome.as_str() {
            problems.push(format!(
                "{name}: {failing} ended as {}, expected {}: {result:#}",
                result["outcome"],
                expect.outcome.as_str()
            ));
        }
        if let Some(message) = &expect.message {
            // A hang's explanation is what the check itself saw when it was stopped.
            // The fields as text (a JSON value's Display would escape quotes and backslashes, so
            // a message quoting the student's output could never match).
            let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_owned();
            let seen = result["diagnosis"]["seen_by_the_check"].as_array().cloned().unwrap_or_default();
            let mut said = vec![text(&result["observed"]), text(&result["expected"]), text(&result["why"])];
            said.extend(seen.iter().map(text));
            let said = said.join("\n");
            if !said.contains(message.as_str()) || !stdout.contains(message.as_str()) {
                problems.push(format!("{name}: {failing} must explain {message:?}; the student saw:\n{stdout}"));
            }
        }
        if let Some(diagnosis) = &expect.diagnosis {
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
