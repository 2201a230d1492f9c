//! `summary.md`: the class summary in Markdown, for a CI job summary (`$GITHUB_STEP_SUMMARY`)
//! or a message to the teaching team.

use super::Class;
use crate::explanation::plural;
use std::fmt::Write;

pub fn render(class: &Class) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: grades of {}\n", class.title, plural(class.students.len(), "student", "students"));
    let _ = writeln!(out, "| exercise | passed | median score | not submitted | most failed checks |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for s in &class.summary {
        let most = match &s.most_failed_checks {
            Some(most) => {
                let names: Vec<String> = most.checks.iter().map(|name| format!("`{name}`")).collect();
                format!("{} {}", names.join(", "), most.count())
            }
            None => "-".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {}/{} | {}/{} | {} | {most} |",
            s.exercise,
            s.passed,
            s.graded + s.not_submitted,
            s.median_score,
            s.max_score,
            s.not_submitted
        );
    }
    let again: Vec<String> = class
        .summary
        .iter()
        .flat_map(|s| s.not_judged.iter().map(move |student| format!("{student} ({})", s.exercise)))
        .collect();
    if !again.is_empty() {
        let _ = writeln!(
            out,
            "\n**Not judged** (a timing check could not measure on a busy machine; grade again): {}",
            again.join(", ")
        );
    }
    if class.rostered {
        let unlisted: Vec<String> =
            class.students.iter().filter(|s| s.entry.is_none()).map(|s| s.name.replace('|', "\\|")).collect();
        let absent: Vec<String> =
            class.without_submission.iter().map(|e| format!("{} ({})", e.name, e.submission)).collect();
        for (what, names) in [("Not in the roster", unlisted), ("No submission", absent)] {
            if !names.is_empty() {
                let _ = writeln!(out, "\n**{what}** ({}): {}", names.len(), names.join(", "));
            }
        }
    }
    let _ = writeln!(
        out,
        "\n| student | {} | total |",
        class.exercises.iter().map(|e| e.0.as_str()).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "| --- |{} --- |", " --- |".repeat(class.exercises.len()));
    for student in &class.students {
        let cells: Vec<String> = student
            .grades
            .iter()
            .zip(&class.exercises)
            .map(|(g, (_, _, max))| g.map(|g| format!("{}/{max}", g.score)).unwrap_or_else(|| "-".into()))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {}/{} |",
            student.name.replace('|', "\\|"),
            cells.join(" | "),
            student.score(),
            class.max_score()
        );
    }
    out
}
