//! A small class for the formats' tests, made of grade records written directly (through the
//! same [`GradeRecord::from_summary`] a batch uses) instead of grading any code: `ann` passes
//! ex01 in full, `bob` fails two of its checks, `carl`'s code does not compile, `dora` handed in
//! no ex01 folder.

use crate::batch::record::{GradeRecord, Status};
use crate::events::{BuildStatus, CheckKind, CheckResult, Failure, Mode, Outcome, RunSummary};
use crate::manifest::{Course, PUBLIC_TESTS};
use crate::workcopy::SourcesDigest;
use std::path::Path;

pub const EXERCISE: &str = "ex01_process";

/// The repository's course.
pub fn course() -> Course {
    Course::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(crate::layout::MANIFEST))
        .expect("the course manifest")
}

/// The compiler's messages of `carl`'s build: more lines than a format shows.
pub fn diagnostics() -> String {
    let mut text = String::from("error[E0308]: mismatched types\n --> src/lib.rs:1:23\n");
    for line in 0..100 {
        text.push_str(&format!("  | note {line}\n"));
    }
    text
}

pub fn records(course: &Course) -> Vec<GradeRecord> {
    let exercise = course.exercises.iter().find(|e| e.id == EXERCISE).expect("ex01 in the course");
    let graded = |student: &str, build: BuildStatus, outcome: &dyn Fn(usize) -> Outcome| {
        let items = std::iter::once((
            PUBLIC_TESTS,
            "the public tests in the exercise's tests/ folder pass",
            CheckKind::Public,
            exercise.public_tests.points,
        ))
        .chain(exercise.checks.iter().map(|c| (c.name.as_str(), c.summary.as_str(), CheckKind::Hidden, c.points)));
        let checks: Vec<CheckResult> = items
            .enumerate()
            .map(|(i, (name, summary, kind, points))| {
                CheckResult::new(name.into(), summary.into(), kind, points, outcome(i))
            })
            .collect();
        let score = checks.iter().map(|c| c.points).sum();
        let summary = RunSummary {
            exercise: EXERCISE.into(),
            mode: Mode::Submit,
            score,
            max_score: exercise.max_points(),
            passed: score == exercise.max_points(),
            sources: SourcesDigest { sha256: format!("sha-of-{student}"), files: Vec::new() },
            build,
            checks,
            harness: None,
        };
        GradeRecord::from_summary(student, "grader", &summary)
    };
    let ok = || BuildStatus::Ok { duration: std::time::Duration::ZERO, advice: Vec::new() };
    let wrong = |i: usize| Failure::new(format!("wrong value {i}"), "the pid", "w");
    vec![
        graded("ann", ok(), &|_| Outcome::Pass),
        graded("bob", ok(), &|i| if i == 1 || i == 2 { Outcome::Fail(wrong(i)) } else { Outcome::Pass }),
        graded("carl", BuildStatus::Failed { diagnostics: diagnostics().into() }, &|_| Outcome::NotRun {
            reason: crate::events::NotRunReason::DoesNotCompile,
        }),
        GradeRecord::ungraded(
            "dora",
            EXERCISE,
            "grader",
            Status::Missing,
            exercise.max_points(),
            "the submission has no folder exercises/ex01_process".into(),
        ),
    ]
}
