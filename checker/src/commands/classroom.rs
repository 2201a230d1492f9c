//! The GitHub Classroom workflow of the student handout (`.github/workflows/classroom.yml`, the
//! file Classroom's autograding reads): on every push, one step per exercise runs its public
//! tests with the course's checker through Classroom's command grader
//! (`classroom-resources/autograding-command-grader`), worth the public tests' points, and
//! Classroom's grading reporter (`classroom-resources/autograding-grading-reporter`) adds them
//! up. Its frame is `checker/platforms/classroom/classroom.yml`.

use crate::manifest::Course;
use std::fmt::Write;

/// Where the workflow goes in the handout.
pub const PATH: &str = ".github/workflows/classroom.yml";

const FRAME: &str = include_str!("../../platforms/classroom/classroom.yml");

/// A step's minutes before the command grader stops it: the first exercise also builds the
/// exercises' dependencies.
const TIMEOUT_MINUTES: u32 = 15;

/// The workflow for `course`.
pub fn workflow(course: &Course) -> String {
    let (mut steps, mut results, mut runners) = (String::new(), String::new(), Vec::new());
    for exercise in &course.exercises {
        let runner = runner_id(&exercise.id);
        let name = format!("{}: public tests", exercise.id);
        let _ = write!(
            steps,
            "      - name: \"{name}\"\n        id: {runner}\n        uses: classroom-resources/autograding-command-grader@v1\n        with:\n          test-name: \"{name}\"\n          command: {}\n          timeout: {TIMEOUT_MINUTES}\n          max-score: {}\n",
            command(&exercise.id),
            exercise.public_tests.points
        );
        let _ = writeln!(
            results,
            "          {}_RESULTS: \"${{{{steps.{runner}.outputs.result}}}}\"",
            runner.to_uppercase()
        );
        runners.push(runner);
    }
    FRAME.replace("@STEPS@", &steps).replace("@RESULTS@", &results).replace("@RUNNERS@", &runners.join(","))
}

/// The command a step runs for an exercise: its public tests, exit status 0 when they pass.
pub fn command(exercise: &str) -> String {
    format!("cargo run --release -q -p checker -- check {exercise}")
}

/// A step's id, which names the reporter's variable `<ID>_RESULTS`: the exercise's id with `-`
/// for `_`, as the reporter's own examples write them. Exercise ids are the manifest's (lower-case
/// letters, digits and `_`), so the id needs no quoting.
fn runner_id(exercise: &str) -> String {
    exercise.replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every exercise has a step worth its public tests' points, and the reporter reads each
    /// step's result under the name it looks for.
    #[test]
    fn every_exercise_is_a_step_the_reporter_reads() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../course.toml");
        let course = Course::load(&path).expect("the course manifest");
        let text = workflow(&course);
        for placeholder in ["@STEPS@", "@RESULTS@", "@RUNNERS@"] {
            assert!(!text.contains(placeholder), "{placeholder} is left:\n{text}");
        }
        let runners = text.lines().find_map(|l| l.trim().strip_prefix("runners: ")).unwrap();
        let runners: Vec<&str> = runners.split(',').collect();
        assert_eq!(runners.len(), course.exercises.len());
        for (exercise, runner) in course.exercises.iter().zip(&runners) {
            let step = format!(
                "        id: {runner}\n        uses: classroom-resources/autograding-command-grader@v1\n        with:\n          test-name: \"{0}: public tests\"\n          command: cargo run --release -q -p checker -- check {0}\n          timeout: 15\n          max-score: {1}\n",
                exercise.id, exercise.public_tests.points
            );
            assert!(text.contains(&step), "no step for {}:\n{text}", exercise.id);
            let variable = format!("{}_RESULTS: \"${{{{steps.{runner}.outputs.result}}}}\"", runner.to_uppercase());
            assert!(text.contains(&variable), "{variable} is not given to the reporter");
        }
        assert!(text.contains("uses: classroom-resources/autograding-grading-reporter@v1"));
    }
}
