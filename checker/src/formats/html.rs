//! `index.html`: the class report for a browser, one static file (no server, nothing loaded
//! from anywhere). Per exercise, how the scores are spread and how often each check passed
//! (charts by [`super::charts`]); the students with their scores (and roster names); and per
//! student and exercise the explanations they read, line by line as [`Explanation`] types them.
//!
//! Every text of a submission (a student's folder name, what their program printed) goes
//! through maud's templates, which escape whatever they interpolate. The page also forbids
//! itself scripts and outside resources (its Content-Security-Policy): were a text ever to slip
//! through unescaped, the browser would refuse to run it and say so in its console.

use super::{charts, trimmed_reason, Class, Student};
use crate::batch::record::{CheckRecord, GradeRecord, Status};
use crate::events::OutcomeKind;
use crate::explanation::{plural, Explanation, Line};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The page's only resources are its own inline styles.
pub(crate) const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

pub(crate) const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d1d1f; }
h1, h2, h3 { font-weight: 600; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
td.score { text-align: right; font-variant-numeric: tabular-nums; }
figure { display: inline-block; margin: 0.5rem 1rem 0.5rem 0; vertical-align: top; }
figcaption { font-size: 0.9rem; color: #555; }
details { margin: 0.3rem 0 0.3rem 1rem; }
summary { cursor: pointer; }
.check { margin: 0.6rem 0 0.6rem 1rem; }
.check h4 { margin: 0; font-size: 1rem; font-weight: 600; }
.pass { color: #1b7f3b; } .fail { color: #b3261e; }
.field { display: grid; grid-template-columns: 6rem 1fr; white-space: pre-wrap; }
.label { color: #555; }
.detail { margin: 0 0 0 1.5rem; white-space: pre-wrap; }
pre { background: #f5f5f7; padding: 0.5rem; overflow-x: auto; white-space: pre-wrap; }
pre.reason { max-height: 20rem; overflow-y: auto; }
p.line { margin: 0.2rem 0; white-space: pre-wrap; }
";

/// The page; with a link to `similarity.html` when `similarity` (it is in the same folder).
pub fn render(class: &Class, similarity: bool) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (class.title) ": class report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (class.title) ": grades of " (plural(class.students.len(), "student", "students")) }
                @if similarity {
                    p { a href="similarity.html" { "Code similarity" } ": pairs of submissions to read side by side" }
                }
                @for (index, _) in class.exercises.iter().enumerate() {
                    (exercise(class, index))
                }
                (students(class))
                h2 id="explanations" { "What each student read" }
                @for (index, student) in class.students.iter().enumerate() {
                    (explanations(class, index, student))
                }
            }
        }
    };
    page.into_string()
}

/// An exercise's summary and its two charts.
fn exercise(class: &Class, index: usize) -> Markup {
    let (id, title, max) = &class.exercises[index];
    let summary = &class.summary[index];
    let records: Vec<&GradeRecord> = class.students.iter().filter_map(|s| s.grades[index]).collect();
    let scores: Vec<u32> = records.iter().map(|r| r.score).collect();
    let rates = pass_rates(&records);
    html! {
        section id=(format!("exercise-{id}")) {
            h2 { (id) ": " (title) }
            p {
                (summary.passed) "/" (records.len()) " passed in full; median score " (summary.median_score) "/" (max)
                "; " (plural(summary.not_submitted, "student", "students")) " without a gradable submission"
                @if let Some(most) = &summary.most_failed_checks {
                    "; failed most often: " (most.checks.join(", ")) " " (most.count())
                }
            }
            figure {
                (PreEscaped(charts::score_distribution(&scores, *max)))
                figcaption {
                    "Scores of " (plural(scores.len(), "student", "students"))
                    " (no gradable submission counts as 0 points)"
                }
            }
            @if !rates.is_empty() {
                figure {
                    (PreEscaped(charts::pass_rates(&rates)))
                    figcaption { "How often each check passed, in the order they run, over "
                        (plural(summary.graded, "graded submission", "graded submissions")) }
                }
            }
        }
    }
}

/// Per check of the exercise, in the order the records list them (the order they run), the
/// percentage of the graded submissions it passed for.
fn pass_rates(records: &[&GradeRecord]) -> Vec<(String, f64)> {
    let graded: Vec<&&GradeRecord> = records.iter().filter(|r| r.status == Status::Graded).collect();
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for check in graded.iter().flat_map(|r| &r.checks) {
        let passed = usize::from(check.outcome == OutcomeKind::Pass);
        match counts.iter_mut().find(|(name, _, _)| *name == check.name) {
            Some((_, pass, all)) => (*pass, *all) = (*pass + passed, *all + 1),
            None => counts.push((check.name.clone(), passed, 1)),
        }
    }
    counts.into_iter().map(|(name, pass, all)| (name, 100.0 * pass as f64 / all as f64)).collect()
}

/// The table of students and scores, and who is missing on either side of the roster.
fn students(class: &Class) -> Markup {
    let unlisted: Vec<&str> = class.students.iter().filter(|s| s.entry.is_none()).map(|s| s.name.as_str()).collect();
    html! {
        section id="students" {
            h2 { "Students" }
            table {
                thead {
                    tr {
                        th { "submission" }
                        @if class.rostered { th { "id" } th { "name" } }
                        @for (id, _, max) in &class.exercises { th { (id) " (/" (max) ")" } }
                        th { "total (/" (class.max_score()) ")" }
                    }
                }
                tbody {
                    @for (index, student) in class.students.iter().enumerate() {
                        tr {
                            td { a href=(format!("#student-{index}")) { (student.name) } }
                            @if class.rostered {
                                @if let Some(entry) = student.entry {
                                    td { (entry.id) } td { (entry.name) }
                                } @else {
                                    td colspan="2" { "not in the roster" }
                                }
                            }
                            @for (exercise, grade) in student.grades.iter().enumerate() {
                                td.score {
                                    @match grade {
                                        Some(grade) => a href=(format!("#student-{index}-{exercise}")) { (grade.score) },
                                        None => "-",
                                    }
                                }
                            }
                            td.score { (student.score()) }
                        }
                    }
                }
            }
            @if class.rostered && !unlisted.is_empty() {
                p { strong { "Not in the roster (" (unlisted.len()) "): " } (unlisted.join(", ")) }
            }
            @if !class.without_submission.is_empty() {
                p {
                    strong { "No submission (" (class.without_submission.len()) "): " }
                    @for (i, entry) in class.without_submission.iter().enumerate() {
                        @if i > 0 { ", " }
                        (entry.name) " (" (entry.id) ", " (entry.submission) ")"
                    }
                }
            }
        }
    }
}

/// One student's exercises, each folded, with what they read about every check.
fn explanations(class: &Class, index: usize, student: &Student) -> Markup {
    html! {
        section id=(format!("student-{index}")) {
            h3 {
                (student.name)
                @if let Some(entry) = student.entry { " — " (entry.name) " (" (entry.id) ")" }
                ": " (student.score()) "/" (class.max_score())
            }
            @for (exercise, grade) in student.grades.iter().enumerate() {
                @if let Some(grade) = grade {
                    details id=(format!("student-{index}-{exercise}")) open[!grade.passed] {
                        summary {
                            (grade.exercise) ": " (grade.score) "/" (grade.max_score)
                            @if grade.status != Status::Graded { " (" (status(grade.status)) ")" }
                        }
                        @if let Some(reason) = &grade.reason { pre.reason { (trimmed_reason(reason)) } }
                        @for check in &grade.checks { (check_block(check)) }
                    }
                }
            }
        }
    }
}

fn status(status: Status) -> &'static str {
    match status {
        Status::Graded => "graded",
        Status::Missing => "no submission",
        Status::Refused => "refused",
    }
}

fn check_block(check: &CheckRecord) -> Markup {
    let passed = check.outcome == OutcomeKind::Pass;
    html! {
        div.check {
            h4 {
                (check.name) ": " (check.points) "/" (check.max_points) " "
                span class=(if passed { "pass" } else { "fail" }) { (check.outcome.name()) }
            }
            (lines(&check.explanation))
        }
    }
}

/// An explanation's lines, each shown as what it is; a program's quoted lines together, as it
/// printed them.
fn lines(explanation: &Explanation) -> Markup {
    let mut groups: Vec<Vec<&Line>> = Vec::new();
    for line in &explanation.lines {
        match (groups.last_mut(), line) {
            (Some(group), Line::Quote { .. }) if matches!(group[0], Line::Quote { .. }) => group.push(line),
            _ => groups.push(vec![line]),
        }
    }
    html! {
        @for group in groups {
            @match group[0] {
                Line::Text { text } => p.line { (text) },
                Line::Field { label, text } => div.field { span.label { (label) ":" } span { (text) } },
                Line::Detail { text } => p.detail { (text) },
                Line::Quote { .. } => pre.quote {
                    @for line in &group { @if let Line::Quote { text } = line { (text) "\n" } }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{class, fixture};
    use super::*;

    #[test]
    fn every_student_check_and_explanation_is_in_the_page() {
        let course = fixture::course();
        let records = fixture::records(&course);
        let page = render(&class(&course, &records, None), false);
        for student in ["ann", "bob", "carl", "dora"] {
            assert!(page.contains(&format!(">{student}</a>")), "{student} is listed: {page}");
        }
        for check in &records[0].checks {
            assert!(page.contains(&check.name), "{} is shown", check.name);
        }
        assert!(page.contains("wrong value 1") && page.contains("error[E0308]: mismatched types"), "{page}");
        assert!(page.contains("the submission has no folder exercises/ex01_process"), "{page}");
        assert_eq!(page.matches("<svg").count(), 2, "two charts for one exercise");
    }

    /// With a roster, each student's id and name, who is not in it, and who handed in nothing.
    #[test]
    fn a_roster_names_the_students_and_the_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(&path, "submission,id,name,email\nann,s1,Ann <Lee>,a@u\nzoe,s9,Zoe Kim,z@u\n").unwrap();
        let roster = crate::batch::roster::Roster::load(&path).unwrap();
        let course = fixture::course();
        let records = fixture::records(&course);
        let page = render(&class(&course, &records, Some(&roster)), false);
        assert!(page.contains("<td>s1</td><td>Ann &lt;Lee&gt;</td>"), "{page}");
        assert!(page.contains("Not in the roster (3): </strong>bob, carl, dora"), "{page}");
        assert!(page.contains("No submission (1): </strong>Zoe Kim (s9, zoe)"), "{page}");
        assert!(!page.contains("similarity.html"), "no link to a page that is not there");
    }

    #[test]
    fn the_pass_rate_of_a_check_counts_the_graded_submissions_only() {
        let course = fixture::course();
        let records = fixture::records(&course);
        let all: Vec<&GradeRecord> = records.iter().collect();
        let rates = pass_rates(&all);
        assert_eq!(rates.len(), records[0].checks.len());
        // ann passes everything, bob fails checks 1 and 2, carl's code does not compile; dora's
        // missing folder is no graded submission.
        let percent: Vec<u32> = rates.iter().map(|(_, rate)| rate.round() as u32).collect();
        assert_eq!(percent[..3], [67, 33, 33], "{rates:?}");
    }
}

/// The report in a real browser: headless Chromium (Debian's `chromium` package, which `.ci/run`
/// installs) loads the page of the fixture's class, with a `<script>` planted in a student's
/// name and in what a program printed.
#[cfg(test)]
mod browser {
    use super::super::{class, fixture};
    use super::render;
    use crate::explanation::Line;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    const PLANTED: &str = "<script>console.error('planted')</script>";

    /// `chromium` on PATH; `None` (with a note) when it is absent and CHECKER_SKIP_BROWSER=1
    /// says that is fine.
    fn chromium() -> Option<PathBuf> {
        let found = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).map(|dir| dir.join("chromium")).find(|p| p.is_file()))
            .unwrap_or_default();
        if found.is_none() {
            assert!(
                std::env::var("CHECKER_SKIP_BROWSER").as_deref() == Ok("1"),
                "the HTML report is tested in headless Chromium, which is not installed: install it \
                 (`apt-get install -y chromium` on Debian), or set CHECKER_SKIP_BROWSER=1 to skip this test"
            );
            eprintln!("skipped: chromium is not on PATH and CHECKER_SKIP_BROWSER=1");
        }
        found
    }

    /// Runs headless Chromium on `page` with `args`; returns its stdout and stderr. Chromium
    /// refuses to run as root with its sandbox: the page is the test's own, static and without
    /// scripts, so it runs without.
    fn run(chromium: &Path, profile: &Path, page: &Path, args: &[String]) -> (String, String) {
        let mut child = Command::new(chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(format!("file://{}", page.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting chromium");
        // Read both pipes while it runs: a full pipe would stall it.
        let mut stderr = child.stderr.take().unwrap();
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stderr, &mut text).map(|_| text)
        });
        let mut out = String::new();
        std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).expect("reading chromium's output");
        let status = child.wait().expect("waiting for chromium");
        let errors = errors.join().unwrap().expect("reading chromium's errors");
        assert!(status.success(), "chromium failed ({status}):\n{errors}");
        (out, errors)
    }

    /// The page renders without a console message (no script runs, nothing is loaded, and the
    /// planted scripts stay text), every student and check of the class is in the rendered DOM,
    /// and a screenshot is saved. The page and the screenshot stay in the build folder:
    /// `target/debug/test-output/html-report/index.html` and `.../screenshot.png`.
    #[test]
    fn the_report_renders_in_headless_chromium() {
        let Some(chromium) = chromium() else { return };
        let course = fixture::course();
        let mut records = fixture::records(&course);
        let bob = &mut records[1];
        bob.student = format!("bob{PLANTED}");
        bob.checks[1].explanation.lines.push(Line::Quote { text: format!("printed {PLANTED}") });
        let page = render(&class(&course, &records, None), false);

        // target/debug/deps/checker-<hash> is this test: its output goes beside, in target/debug.
        let exe = std::env::current_exe().unwrap();
        let out = exe.parent().and_then(Path::parent).unwrap().join("test-output").join("html-report");
        std::fs::create_dir_all(&out).unwrap();
        let index = out.join("index.html");
        std::fs::write(&index, &page).unwrap();
        let profile = tempfile::tempdir().unwrap();

        let (dom, log) = run(&chromium, profile.path(), &index, &["--dump-dom".into()]);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "the page logged to the console:\n{}", console.join("\n"));
        assert!(!dom.contains("<script"), "a planted script became an element:\n{dom}");
        assert!(dom.contains("bob&lt;script&gt;console.error('planted')&lt;/script&gt;"), "{dom}");
        assert!(dom.contains("printed &lt;script&gt;"), "{dom}");
        for student in ["ann", "carl", "dora"] {
            assert!(dom.contains(&format!(">{student}</a>")), "{student} is not in the rendered page:\n{dom}");
        }
        for check in &records[0].checks {
            assert!(dom.contains(&check.name), "the check {} is not in the rendered page", check.name);
        }
        assert_eq!(dom.matches("<svg").count(), 2, "the two charts are rendered:\n{dom}");

        let screenshot = out.join("screenshot.png");
        let _ = std::fs::remove_file(&screenshot);
        run(
            &chromium,
            profile.path(),
            &index,
            &[format!("--screenshot={}", screenshot.display()), "--window-size=1280,2400".into()],
        );
        let png = std::fs::read(&screenshot).expect("chromium saved the screenshot");
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    }
}
