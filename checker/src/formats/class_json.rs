//! `class.json`: the checker's own class report (`schema: "checker-class-report"`,
//! `schema_version: 2`, documented in README.md).

use super::Class;

pub const SCHEMA: &str = "checker-class-report";
/// 2: the grades' explanations are typed lines (grade records of version 2).
pub const SCHEMA_VERSION: u32 = 2;

pub fn render(class: &Class) -> String {
    let students: Vec<serde_json::Value> = class
        .students
        .iter()
        .map(|s| {
            serde_json::json!({
                "student": s.name,
                "roster": s.entry,
                "score": s.score(),
                "max_score": class.max_score(),
                "grades": s.grades.iter().flatten().collect::<Vec<_>>(),
            })
        })
        .collect();
    let exercises: Vec<serde_json::Value> = class
        .exercises
        .iter()
        .map(|(id, title, max)| serde_json::json!({ "id": id, "title": title, "max_score": max }))
        .collect();
    let report = serde_json::json!({
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "course": class.title,
        "exercises": exercises,
        "summary": class.summary,
        "students": students,
        "without_submission": class.without_submission,
    });
    serde_json::to_string_pretty(&report).expect("a report serialises") + "\n"
}
