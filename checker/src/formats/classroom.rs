//! GitHub Classroom's autograding result, as its grading reporter
//! (`classroom-resources/autograding-grading-reporter`) reads a runner's output: `version`,
//! `status` (pass/fail/error), `max_score`, and `tests` with `name`, `status`, `score`,
//! `message`, `line_no`, `execution_time`. The reporter takes it base64-encoded in the
//! variable `<RUNNER>_RESULTS`: the `.b64` file is that value.

use super::{headline, told, Class};
use crate::batch::names::file_name;
use crate::events::OutcomeKind;
use base64::Engine;

/// (student file name, JSON, base64 of the JSON) per student.
pub fn render(class: &Class) -> Vec<(String, String, String)> {
    class
        .students
        .iter()
        .map(|student| {
            let mut tests = Vec::new();
            for grade in student.grades.iter().flatten() {
                if grade.checks.is_empty() {
                    tests.push(serde_json::json!({
                        "name": format!("{}: submission", grade.exercise),
                        "status": "error",
                        "score": 0,
                        "message": grade.reason.as_deref().map(headline).unwrap_or_default(),
                        "line_no": 0,
                        "execution_time": "0s",
                    }));
                }
                for check in &grade.checks {
                    tests.push(serde_json::json!({
                        "name": format!("{}: {}", grade.exercise, check.name),
                        "status": if check.outcome == OutcomeKind::Pass { "pass" } else { "fail" },
                        "score": check.points,
                        "message": told(grade, check),
                        "line_no": 0,
                        "execution_time": format!("{:.2}s", check.duration_ms as f64 / 1000.0),
                    }));
                }
            }
            let passed = student.score() == class.max_score();
            let result = serde_json::json!({
                "version": 1,
                "status": if passed { "pass" } else { "fail" },
                "max_score": class.max_score(),
                "tests": tests,
            });
            let json = serde_json::to_string(&result).expect("serialises");
            let encoded = base64::engine::general_purpose::STANDARD.encode(json.as_bytes());
            (file_name(&student.name), json + "\n", encoded + "\n")
        })
        .collect()
}
