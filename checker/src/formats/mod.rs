//! What a batch's results become, for the graders and platforms that read them. Every format
//! is rendered from the same records ([`crate::batch::record::GradeRecord`]), so a merged set
//! of shards gives exactly what one run over the whole class gives.

mod class_json;
mod classroom;
mod csv;
mod gradescope;
mod junit;
mod markdown;

use crate::batch::names::fold;
use crate::batch::private;
use crate::batch::record::{CheckRecord, GradeRecord};
use crate::batch::summary::{self, ExerciseSummary};
use crate::error::SetupError;
use crate::events::CheckKind;
use crate::manifest::Course;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// class.json: the checker's own class report (schema checker-class-report v1).
    Json,
    /// junit.xml: one test suite per student and exercise, one test case per check.
    Junit,
    /// gradescope/<student>/results.json, as Gradescope's autograder reads it.
    Gradescope,
    /// classroom/<student>.json (and .b64): GitHub Classroom's autograding result.
    Classroom,
    /// grades.csv: one row per student, one column per exercise.
    Csv,
    /// summary.md: the class summary, for a CI job summary.
    Markdown,
}

impl Format {
    pub const ALL: [Format; 6] =
        [Format::Json, Format::Junit, Format::Gradescope, Format::Classroom, Format::Csv, Format::Markdown];
}

/// The class as the formats see it: students in name order, exercises in course order.
pub struct Class<'a> {
    pub title: &'a str,
    /// (id, title, max score)
    pub exercises: Vec<(String, String, u32)>,
    pub students: Vec<Student<'a>>,
    pub summary: Vec<ExerciseSummary>,
}

pub struct Student<'a> {
    pub name: String,
    /// One per exercise of the class, in course order; `None` if it has no record.
    pub grades: Vec<Option<&'a GradeRecord>>,
}

impl Student<'_> {
    pub fn score(&self) -> u32 {
        self.grades.iter().flatten().map(|g| g.score).sum()
    }
}

impl Class<'_> {
    pub fn max_score(&self) -> u32 {
        self.exercises.iter().map(|e| e.2).sum()
    }
}

/// The class of `records`, over the course's exercises that appear in them.
pub fn class<'a>(course: &'a Course, records: &'a [GradeRecord]) -> Class<'a> {
    let exercises: Vec<(String, String, u32)> = course
        .exercises
        .iter()
        .filter(|e| records.iter().any(|r| r.exercise == e.id))
        .map(|e| (e.id.clone(), e.title.clone(), e.max_points()))
        .collect();
    // An index, so that a class of thousands is rendered in one pass.
    let mut by_student: std::collections::BTreeMap<&str, Vec<&GradeRecord>> = std::collections::BTreeMap::new();
    for record in records {
        by_student.entry(record.student.as_str()).or_default().push(record);
    }
    let students = by_student
        .into_iter()
        .map(|(name, mine)| Student {
            name: name.to_owned(),
            grades: exercises.iter().map(|(id, _, _)| mine.iter().copied().find(|r| &r.exercise == id)).collect(),
        })
        .collect();
    let ids: Vec<(String, u32)> = exercises.iter().map(|(id, _, max)| (id.clone(), *max)).collect();
    let all: Vec<&GradeRecord> = records.iter().collect();
    Class { title: &course.title, summary: summary::summarise(&ids, &all), exercises, students }
}

/// Writes every format asked for into `out`; returns the files written.
/// The files are the instructor's alone (`0600`, in `0700` folders): they hold every student's
/// grades and explanations.
pub fn write(out: &Path, class: &Class, formats: &[Format]) -> Result<Vec<PathBuf>, SetupError> {
    let mut written = Vec::new();
    let mut written_folded = std::collections::HashSet::new();
    for format in formats {
        let files = match format {
            Format::Json => vec![(out.join("class.json"), class_json::render(class))],
            Format::Junit => vec![(out.join("junit.xml"), junit::render(class))],
            Format::Gradescope => gradescope::render(class)
                .into_iter()
                .map(|(student, text)| (out.join("gradescope").join(student).join("results.json"), text))
                .collect(),
            Format::Classroom => classroom::render(class)
                .into_iter()
                .flat_map(|(student, json, encoded)| {
                    let dir = out.join("classroom");
                    [(dir.join(format!("{student}.json")), json), (dir.join(format!("{student}.b64")), encoded)]
                })
                .collect(),
            Format::Csv => vec![(out.join("grades.csv"), csv::render(class))],
            Format::Markdown => vec![(out.join("summary.md"), markdown::render(class))],
        };
        for (path, text) in files {
            // Student names map to file names injectively (`batch::names`), and a class whose
            // names clash is refused before grading: two files on one path would be a bug that
            // gives one student another's grade, so it stops the report instead.
            if !written_folded.insert(fold(&path.to_string_lossy())) {
                return Err(SetupError::Refused(format!(
                    "two students' results would be written to {}: refusing to overwrite one with the other",
                    path.display()
                )));
            }
            // OUT itself is the instructor's choice and keeps its permissions; what the batch
            // makes inside is private.
            match path.parent() {
                Some(parent) if parent != out || !out.exists() => {
                    private::folder(parent).map_err(SetupError::io(format!("creating {}", parent.display())))?
                }
                _ => {}
            }
            private::write(&path, text.as_bytes()).map_err(SetupError::io(format!("writing {}", path.display())))?;
            written.push(path);
        }
    }
    Ok(written)
}

/// The lines of a grade's reason shown with its public tests: the compiler's first errors are
/// the ones to fix, and a page of them is enough.
const REASON_LINES: usize = 60;

/// What the reader of a format is told about one check: its explanation and, with the public
/// tests of a submission graded with a reason (its code does not compile, or the hidden checks
/// cannot be built against it), that reason, trimmed. The public tests are where a student
/// looks first, and are visible on every platform; the hidden checks only say they were not run.
fn told(grade: &GradeRecord, check: &CheckRecord) -> String {
    let mut text = check.explanation.plain();
    if let (CheckKind::Public, Some(reason)) = (check.kind, &grade.reason) {
        let lines: Vec<&str> = reason.trim_end().lines().collect();
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&lines[..lines.len().min(REASON_LINES)].join("\n"));
        if lines.len() > REASON_LINES {
            text.push_str(&format!("\n... ({} more lines; fix the first errors first)", lines.len() - REASON_LINES));
        }
    }
    text
}

/// The first line of an explanation, for places that show one line.
fn headline(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim()
}

#[cfg(test)]
mod fixture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_that_does_not_compile_shows_the_compilers_first_messages_with_the_public_tests() {
        let course = fixture::course();
        let records = fixture::records(&course);
        let class = class(&course, &records);
        let carl = &records[2];
        let public = told(carl, &carl.checks[0]);
        assert!(
            public.starts_with("checks that the public tests pass\nnot run: the code does not compile"),
            "{public}"
        );
        assert!(public.contains("error[E0308]: mismatched types\n --> src/lib.rs:1:23"), "{public}");
        assert!(public.contains("note 50") && !public.contains("note 70"), "{public}");
        assert!(public.ends_with("more lines; fix the first errors first)"), "{public}");
        assert!(!told(carl, &carl.checks[1]).contains("E0308"), "a hidden check repeats the compiler");

        let (_, gradescope) = gradescope::render(&class).into_iter().find(|(s, _)| s == "carl").unwrap();
        let gradescope: serde_json::Value = serde_json::from_str(&gradescope).unwrap();
        assert_eq!(gradescope["tests"][0]["visibility"], "visible");
        assert_eq!(gradescope["tests"][0]["output"], public);

        let xml = junit::render(&class);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let case = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("carl.ex01_process"))
            .unwrap();
        let error = case.children().find(|n| n.has_tag_name("error")).unwrap();
        assert_eq!(error.attribute("message"), Some("not run: the code does not compile"));
        assert_eq!(error.text(), Some(public.as_str()));
    }
}
