//! What a batch's results become, for the graders and platforms that read them. Every format
//! is rendered from the same records ([`crate::batch::record::GradeRecord`]), so a merged set
//! of shards gives exactly what one run over the whole class gives.

mod charts;
mod class_json;
mod classroom;
mod csv;
mod gradescope;
pub(crate) mod html;
mod junit;
mod markdown;

use crate::batch::names::fold;
use crate::batch::private;
use crate::batch::record::{CheckRecord, GradeRecord};
use crate::batch::roster::{Entry, Roster};
use crate::batch::summary::{self, ExerciseSummary};
use crate::error::SetupError;
use crate::events::CheckKind;
use crate::manifest::{Course, LatePolicy};
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
    /// index.html: the class report for a browser, with charts and every explanation.
    Html,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Junit,
        Format::Gradescope,
        Format::Classroom,
        Format::Csv,
        Format::Markdown,
        Format::Html,
    ];
}

/// The class as the formats see it: students in name order, exercises in course order.
pub struct Class<'a> {
    pub title: &'a str,
    /// (id, title, max score)
    pub exercises: Vec<(String, String, u32)>,
    pub students: Vec<Student<'a>>,
    pub summary: Vec<ExerciseSummary>,
    /// Whether a roster was given: then every student without an entry is listed as such.
    pub rostered: bool,
    /// The roster's students of whom there is no submission.
    pub without_submission: Vec<&'a Entry>,
    /// The course's late policy, shown beside the scores (never applied to them).
    pub late: Option<&'a LatePolicy>,
}

pub struct Student<'a> {
    pub name: String,
    /// The student's roster entry, if a roster was given and has one.
    pub entry: Option<&'a Entry>,
    /// One per exercise of the class, in course order; `None` if it has no record.
    pub grades: Vec<Option<&'a GradeRecord>>,
}

impl Student<'_> {
    pub fn score(&self) -> u32 {
        self.grades.iter().flatten().map(|g| g.score).sum()
    }

    /// When the student's work last changed: the latest of the graded exercises' times.
    pub fn submitted_at(&self) -> Option<std::time::SystemTime> {
        self.grades
            .iter()
            .flatten()
            .filter_map(|g| g.submitted_at.as_deref())
            .filter_map(|time| humantime::parse_rfc3339(time).ok())
            .max()
    }
}

impl Class<'_> {
    pub fn max_score(&self) -> u32 {
        self.exercises.iter().map(|e| e.2).sum()
    }
}

/// The class of `records`, over the course's exercises that appear in them, with the students'
/// roster entries if there is a roster.
pub fn class<'a>(course: &'a Course, records: &'a [GradeRecord], roster: Option<&'a Roster>) -> Class<'a> {
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
            entry: roster.and_then(|r| r.get(name)),
            grades: exercises.iter().map(|(id, _, _)| mine.iter().copied().find(|r| &r.exercise == id)).collect(),
        })
        .collect::<Vec<Student>>();
    let names: Vec<&str> = students.iter().map(|s| s.name.as_str()).collect();
    let without_submission = roster.map(|r| r.without_submission(&names)).unwrap_or_default();
    let ids: Vec<(String, u32)> = exercises.iter().map(|(id, _, max)| (id.clone(), *max)).collect();
    let all: Vec<&GradeRecord> = records.iter().collect();
    Class {
        title: &course.title,
        summary: summary::summarise(&ids, &all),
        exercises,
        students,
        rostered: roster.is_some(),
        without_submission,
        late: course.late.as_ref(),
    }
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
            Format::Html => {
                // The page of `checker similarity`, when it has been written, is linked.
                vec![(out.join("index.html"), html::render(class, out.join("similarity.html").is_file()))]
            }
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
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&trimmed_reason(reason));
    }
    text
}

/// A grade's reason (the compiler's messages, at worst) to its first [`REASON_LINES`] lines.
fn trimmed_reason(reason: &str) -> String {
    let lines: Vec<&str> = reason.trim_end().lines().collect();
    let mut text = lines[..lines.len().min(REASON_LINES)].join("\n");
    if lines.len() > REASON_LINES {
        text.push_str(&format!("\n... ({} more lines; fix the first errors first)", lines.len() - REASON_LINES));
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
        let class = class(&course, &records, None);
        let carl = &records[2];
        let public = told(carl, &carl.checks[0]);
        assert!(
            public.starts_with(
                "checks that the public tests in the exercise's tests/ folder pass\nnot run: the code does not compile"
            ),
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

    fn roster() -> Roster {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        let text = "submission,id,name,email\nann,s1,Ann Lee,ann@uni.edu\nbob,s2,Bob Ray,bob@uni.edu\nzoe,s9,Zoe Kim,zoe@uni.edu\n";
        std::fs::write(&path, text).unwrap();
        Roster::load(&path).unwrap()
    }

    /// The gradebook: roster columns, scores, percentage, hashes and grading times, lateness
    /// beside the scores, and who is missing on either side.
    #[test]
    fn the_gradebook_carries_the_roster_and_lateness_and_lists_the_unmatched() {
        let mut course = fixture::course();
        let late = "deadline = \"2027-01-15T00:00:00Z\"\npenalty_per_day = 10\nmaximum = 25\n";
        course.late = Some(toml::from_str(late).unwrap());
        let mut records = fixture::records(&course);
        for (record, submitted) in records.iter_mut().zip(["2027-01-14T12:00:00Z", "2027-01-16T01:00:00Z"]) {
            record.submitted_at = Some(submitted.into());
            record.graded_at = Some("2027-01-20T08:00:00Z".into());
        }
        let roster = roster();
        let class = class(&course, &records, Some(&roster));
        let max = class.max_score();
        let text = csv::render(&class);
        let rows: Vec<Vec<String>> = ::csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let header = text.lines().next().unwrap();
        assert_eq!(
            header,
            format!(
                "submission,id,name,email,ex01_process (/{max}),total (/{max}),percentage,ex01_process sources_sha256,\
                 ex01_process graded_at,submitted_at,days_late,late_penalty (%),note"
            )
        );
        let row = |name: &str| rows.iter().find(|r| r[0] == name || r[1] == name).unwrap().clone();
        let full = max.to_string();
        assert_eq!(
            row("ann"),
            [
                "ann",
                "s1",
                "Ann Lee",
                "ann@uni.edu",
                &full,
                &full,
                "100.0",
                "sha-of-ann",
                "2027-01-20T08:00:00Z",
                "2027-01-14T12:00:00Z",
                "0",
                "0",
                ""
            ]
        );
        // Late by one day begun and more: 2 days, 20 %, shown beside a score that keeps its points.
        assert_eq!(&row("bob")[9..12], ["2027-01-16T01:00:00Z", "2", "20"]);
        assert_ne!(row("bob")[4], "", "bob's score is there");
        assert_eq!(row("carl")[12], "not in the roster");
        assert_eq!((row("carl")[1].as_str(), row("carl")[6].as_str()), ("", "0.0"));
        let zoe = row("s9");
        assert_eq!((zoe[0].as_str(), zoe[2].as_str(), zoe[4].as_str()), ("", "Zoe Kim", ""));
        assert!(zoe[12].starts_with("no submission"), "{zoe:?}");

        let markdown = markdown::render(&class);
        assert!(markdown.contains("**Not in the roster** (2): carl, dora"), "{markdown}");
        assert!(markdown.contains("**No submission** (1): Zoe Kim (zoe)"), "{markdown}");
        let json: serde_json::Value = serde_json::from_str(&class_json::render(&class)).unwrap();
        assert_eq!(json["students"][0]["roster"]["email"], "ann@uni.edu");
        assert_eq!(json["without_submission"][0]["id"], "s9");
    }

    /// Without a roster or a late policy, nobody is "not in the roster" and no lateness is shown.
    #[test]
    fn without_a_roster_the_gradebook_notes_nothing() {
        let course = fixture::course();
        let records = fixture::records(&course);
        let text = csv::render(&class(&course, &records, None));
        assert!(!text.contains("not in the roster") && !text.contains("days_late"), "{text}");
    }
}
