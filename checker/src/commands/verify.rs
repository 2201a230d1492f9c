//! `checker verify`: the course's self-check, through the same pipeline a student's submission
//! takes. Every manifest entry must have its folders, hints and hidden checks, and promises that
//! each say how they are observed, with every hidden check observing one (the static part; only
//! that with `--static`); every skeleton must fail every check (score 0); every reference
//! solution must pass every check. A promise no check observes yet is a warning.

use super::run::run_reported;
use super::Context;
use crate::error::{exit_code, SetupError};
use crate::events::{Mode, RunSummary};
use crate::explanation::Explanation;
use crate::lang::Language;
use crate::manifest::Exercise;
use crate::mutant::{Mutant, MutantError};
use crate::promises;
use crate::sandbox::{self, Job};
use crate::translation::Translation;
use std::time::Duration;

/// The fewest hints an exercise may have (a nudge, a direction, nearly the answer).
const MIN_HINTS: usize = 3;

pub fn run(context: &Context, queries: &[String], static_only: bool) -> Result<u8, SetupError> {
    let exercises: Vec<&Exercise> = if queries.is_empty() {
        context.course.exercises.iter().collect()
    } else {
        queries.iter().map(|q| context.exercise(q)).collect::<Result<_, _>>()?
    };
    let mut problems = Vec::new();
    for exercise in exercises {
        println!("verifying {} ...", exercise.id);
        let before = problems.len();
        problems.extend(static_problems(context, exercise).into_iter().map(|p| format!("{}: {p}", exercise.id)));
        if problems.len() == before && !static_only {
            problems.extend(run_problems(context, exercise)?.into_iter().map(|p| format!("{}: {p}", exercise.id)));
        }
        if problems.len() == before && static_only {
            println!("  ok: the manifest entry, its folders and its promises are consistent");
        } else if problems.len() == before {
            println!("  ok: the skeleton fails every check and the solution passes every check");
        } else {
            for problem in &problems[before..] {
                println!("  PROBLEM {problem}");
            }
        }
    }
    if queries.is_empty() {
        problems.extend(translation_problems(context));
    }
    if problems.is_empty() {
        println!("\nverify: the course is consistent");
        Ok(exit_code::PASS)
    } else {
        println!("\nverify: {} problem(s)", problems.len());
        Ok(exit_code::CHECKS_FAILED)
    }
}

/// The course's translations (`locales/<code>/course.toml`) must match course.toml exactly: a
/// student reading the course in another language meets no English text and no stale one.
fn translation_problems(context: &Context) -> Vec<String> {
    use clap::ValueEnum;
    let mut problems = Vec::new();
    for &language in Language::value_variants().iter().filter(|&&l| l != Language::En) {
        let path = Translation::path(&context.layout.root, language);
        let shown = context.layout.show(&path);
        let found = match Translation::load(&path) {
            Ok(found) => found,
            Err(e) => {
                println!("  PROBLEM {e}");
                problems.push(e.to_string());
                continue;
            }
        };
        let Some(translation) = found else { continue };
        println!("verifying the translation {shown} ...");
        let before = problems.len();
        problems.extend(translation.problems(&context.course).into_iter().map(|p| format!("{shown}: {p}")));
        if problems.len() == before {
            println!("  ok: every title, hint and check summary is translated, and nothing else");
        }
        for problem in &problems[before..] {
            println!("  PROBLEM {problem}");
        }
    }
    problems
}

fn static_problems(context: &Context, exercise: &Exercise) -> Vec<String> {
    let layout = &context.layout;
    let mut problems = Vec::new();
    for (what, path) in [
        ("skeleton sources", layout.exercise_dir(exercise).join("src")),
        ("public tests", layout.exercise_dir(exercise).join("tests")),
        ("reference solution", layout.solution_dir(exercise).join("src")),
    ] {
        if !path.is_dir() {
            problems.push(format!("missing {what}: {}", layout.show(&path)));
        }
    }
    if !layout.harness_source(exercise).is_file() {
        problems.push(format!("missing hidden checks: {}", layout.harness_source(exercise).display()));
    }
    if exercise.hints.len() < MIN_HINTS {
        problems.push(format!("has {} hints; every exercise needs at least {MIN_HINTS}", exercise.hints.len()));
    }
    if exercise.checks.is_empty() {
        problems.push("has no hidden checks in course.toml".into());
    }
    let audit = promises::audit(exercise);
    for gap in &audit.gaps {
        println!("  warning: {gap}");
    }
    problems.extend(audit.problems);
    problems.extend(mutant_problems(context, exercise));
    problems
}

/// The course's own wrong solutions (`tests/mutants/<id>/`): each still applies to the current
/// reference solution, and every hidden check is the first catch of at least one of them, since
/// a check that no wrong solution fails proves nothing. (Whether they are caught as their
/// `mutant.toml` says is for the mutants' test harness, which grades them.) A course without
/// the folder (a student's handout) has nothing to say here.
fn mutant_problems(context: &Context, exercise: &Exercise) -> Vec<String> {
    let layout = &context.layout;
    let dir = layout.root.join("tests/mutants").join(&exercise.id);
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let mut caught = std::collections::BTreeSet::new();
    let mut folders: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("mutant.toml").is_file())
        .collect();
    folders.sort();
    for folder in folders {
        let applied = Mutant::load(&folder).and_then(|mutant| {
            let scratch = tempfile::tempdir().map_err(|error| MutantError::Write {
                mutant: mutant.id(),
                path: std::env::temp_dir(),
                error,
            })?;
            mutant.materialize(&layout.solution_dir(exercise), scratch.path())?;
            Ok(mutant)
        });
        match applied {
            Ok(mutant) => caught.extend(mutant.expect.fails.first().cloned()),
            Err(error) => problems.push(format!("a mutant does not fit the reference solution: {error}")),
        }
    }
    for check in exercise.checks.iter().filter(|c| !caught.contains(&c.name)) {
        problems.push(format!(
            "no mutant in {} is caught first by {}: a check that no wrong solution fails proves nothing",
            layout.show(&dir),
            check.name
        ));
    }
    problems
}

fn run_problems(context: &Context, exercise: &Exercise) -> Result<Vec<String>, SetupError> {
    let layout = &context.layout;
    let mut problems = Vec::new();

    let skeleton = run_reported(context, exercise, Mode::Submit, &layout.exercise_dir(exercise), None, false, &[])?;
    let passing: Vec<&str> = skeleton.checks.iter().filter(|c| c.outcome.passed()).map(|c| c.name.as_str()).collect();
    println!("  skeleton: {}/{}", skeleton.score, skeleton.max_score);
    if !passing.is_empty() {
        problems.push(format!(
            "the skeleton passes {}: a check the skeleton passes cannot tell a solution from none",
            passing.join(", ")
        ));
    }

    let solution = run_reported(context, exercise, Mode::Submit, &layout.solution_dir(exercise), None, false, &[])?;
    println!("  solution: {}/{}", solution.score, solution.max_score);
    for check in solution.checks.iter().filter(|c| !c.outcome.passed()) {
        if let crate::events::Outcome::NotJudged { why } = &check.outcome {
            // The machine, not the course: a timing check could not measure here.
            println!(
                "  warning: {} could not be judged on this machine ({why}); verify again when it is quiet",
                check.name
            );
            continue;
        }
        problems.push(format!(
            "the reference solution fails {} ({}): {}",
            check.name,
            check.outcome.kind().name(),
            Explanation::of_check(check).headline
        ));
    }
    problems.extend(compare_check_lists(exercise, &solution)?);
    Ok(problems)
}

fn compare_check_lists(exercise: &Exercise, solution: &RunSummary) -> Result<Vec<String>, SetupError> {
    if !matches!(solution.build, crate::events::BuildStatus::Ok { .. }) {
        return Ok(Vec::new());
    }
    let Some(harness) = solution.harness.clone() else {
        return Ok(vec!["the hidden checks were built, but the build named no program for them".into()]);
    };
    let job = Job::new(harness, Duration::from_secs(30)).args(["list"]);
    let record = sandbox::run(&job)?;
    let listed: Vec<String> = record.stdout.text().lines().map(str::to_owned).collect();
    let declared: Vec<String> = exercise.checks.iter().map(|c| c.name.clone()).collect();
    let mut problems = Vec::new();
    for name in declared.iter().filter(|n| !listed.contains(n)) {
        problems.push(format!("course.toml declares check {name}, which the pack does not implement"));
    }
    for name in listed.iter().filter(|n| !declared.contains(n)) {
        problems
            .push(format!("the pack implements check {name}, which course.toml does not declare (it would never run)"));
    }
    Ok(problems)
}
