//! Gradescope's `results.json` (its autograder specification): a total `score`, and per item
//! `name`, `score`, `max_score`, `status` (passed/failed), `visibility` and `output`. Public
//! tests are always visible; the hidden checks' explanations after the grades are published.

use super::{told, Class};
use crate::batch::names::file_name;
use crate::events::{CheckKind, OutcomeKind};

/// (student folder name, results.json text) per student.
pub fn render(class: &Class) -> Vec<(String, String)> {
    class
        .students
        .iter()
        .map(|student| {
            let mut tests = Vec::new();
            for grade in student.grades.iter().flatten() {
                if grade.checks.is_empty() {
                    tests.push(serde_json::json!({
                        "name": format!("{}: submission", grade.exercise),
                        "score": 0,
                        "max_score": grade.max_score,
                        "status": "failed",
                        "visibility": "visible",
                        "output": grade.reason.clone().unwrap_or_default(),
                    }));
                }
                for check in &grade.checks {
                    let public = check.kind == CheckKind::Public;
                    tests.push(serde_json::json!({
                        "name": format!("{}: {}", grade.exercise, check.name),
                        "score": check.points,
                        "max_score": check.max_points,
                        "status": if check.outcome == OutcomeKind::Pass { "passed" } else { "failed" },
                        "visibility": if public { "visible" } else { "after_published" },
                        "output": told(grade, check),
                    }));
                }
            }
            let results = serde_json::json!({
                "score": student.score(),
                "output": format!("{}: {}/{} points", student.name, student.score(), class.max_score()),
                "visibility": "visible",
                "stdout_visibility": "hidden",
                "tests": tests,
            });
            (file_name(&student.name), serde_json::to_string_pretty(&results).expect("serialises") + "\n")
        })
        .collect()
}
