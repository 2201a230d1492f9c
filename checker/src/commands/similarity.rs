//! `checker similarity SUBMISSIONS --out OUT`: per exercise, the pairs of submissions ranked by
//! how alike their code is ([`crate::similarity`]), written as `OUT/similarity.json` and
//! `OUT/similarity.html` (beside the class report, which links to it once it is written again),
//! with the first pairs printed. Nothing is built or run: only the sources are read, as `grade`
//! reads them.

use super::Context;
use crate::batch::{private, submissions};
use crate::error::{exit_code, SetupError};
use crate::manifest::Exercise;
use crate::similarity::compare::{self, File};
use crate::similarity::page;
use std::path::Path;

/// Pairs printed per exercise.
const PRINTED: usize = 5;

pub fn run(context: &Context, submissions_dir: &Path, out: &Path, exercises: &[String]) -> Result<u8, SetupError> {
    let cwd = std::env::current_dir().map_err(SetupError::io("reading the current folder"))?;
    let class = cwd.join(submissions_dir);
    if !class.is_dir() {
        return Err(SetupError::Refused(format!(
            "{} is not a folder: give the folder that holds one folder (or archive) per student",
            submissions_dir.display()
        )));
    }
    submissions::check_is_a_class(&class, &context.course)?;
    let chosen: Vec<&Exercise> = if exercises.is_empty() {
        context.course.exercises.iter().collect()
    } else {
        exercises.iter().map(|q| context.exercise(q)).collect::<Result<_, _>>()?
    };
    // Archives are unpacked (with the limits a grade uses) into a folder of the instructor's alone.
    let unpacked = tempfile::tempdir().map_err(SetupError::io("creating a temporary folder"))?;
    let class = submissions::discover(&class, &context.course, unpacked.path())?;
    let layout = &context.layout;
    let mut reports = Vec::new();
    for exercise in chosen {
        let skeleton = files(layout, exercise, &layout.exercise_dir(exercise))
            .map_err(|why| SetupError::Refused(format!("the skeleton of {}: {why}", exercise.id)))?;
        let given = compare::given(&skeleton)
            .map_err(|why| SetupError::Refused(format!("the skeleton of {}: {why}", exercise.id)))?;
        let mut read = Vec::new();
        let mut missing = Vec::new();
        for submission in &class {
            let folder = match &submission.exercises {
                Ok(folder) => folder.join(&exercise.dir),
                Err(why) => {
                    missing.push((submission.student.clone(), why.clone()));
                    continue;
                }
            };
            if !folder.is_dir() {
                continue;
            }
            match files(layout, exercise, &folder) {
                Ok(files) => read.push((submission.student.clone(), files)),
                Err(why) => missing.push((submission.student.clone(), why)),
            }
        }
        let mut report = compare::exercise(&exercise.id, &exercise.title, read, &given);
        report.skipped.extend(missing);
        reports.push(report);
    }

    let json = serde_json::json!({
        "schema": "checker-similarity",
        "schema_version": 1,
        "note": page::CAVEAT,
        "exercises": reports.iter().map(|r| serde_json::json!({
            "exercise": r.id,
            "compared": r.students.len(),
            "pairs": r.pairs.iter().map(|p| serde_json::json!({
                "a": r.students[p.a], "b": r.students[p.b], "similarity": p.similarity, "shared_fingerprints": p.shared,
            })).collect::<Vec<_>>(),
            "skipped": r.skipped.iter().map(|(student, why)| serde_json::json!({ "student": student, "why": why })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let out = cwd.join(out);
    if !out.exists() {
        private::folder(&out).map_err(SetupError::io(format!("creating {}", out.display())))?;
    }
    for (name, text) in [
        ("similarity.json", serde_json::to_string_pretty(&json).expect("serialises") + "\n"),
        ("similarity.html", page::render(&context.course.title, &reports)),
    ] {
        let path = out.join(name);
        private::write(&path, text.as_bytes()).map_err(SetupError::io(format!("writing {}", path.display())))?;
    }

    println!("{}\n", page::CAVEAT);
    for report in &reports {
        let shown: Vec<String> = report
            .pairs
            .iter()
            .take(PRINTED)
            .map(|p| format!("{} ~ {} {:.0} %", report.students[p.a], report.students[p.b], 100.0 * p.similarity))
            .collect();
        let shown = if shown.is_empty() { "no shared code beyond the skeleton".to_owned() } else { shown.join(", ") };
        println!("{:<24} {shown}", report.id);
    }
    println!("\nwrote similarity.html (side by side) and similarity.json in {}", out.display());
    Ok(exit_code::PASS)
}

/// The Rust files of an exercise folder, in path order, as text.
fn files(layout: &crate::layout::Layout, exercise: &Exercise, folder: &Path) -> Result<Vec<File>, String> {
    let sources = crate::workcopy::read_sources(layout, exercise, folder).map_err(|e| e.to_string())?;
    Ok(sources
        .into_iter()
        .map(|(path, bytes)| File { path, text: String::from_utf8_lossy(&bytes).into_owned() })
        .collect())
}
