//! An exercise's promises against its checks: the rules `checker verify` holds them to (every
//! promise says how it is observed, names only checks that exist, and every hidden check observes
//! some promise), and the table `checker promises` prints, in Markdown (README's section "What
//! the hidden checks observe") or plain text.

use crate::manifest::{Coverage, Exercise, PUBLIC_TESTS};
use std::collections::HashSet;
use std::fmt::Write;

/// What the rules found in one exercise's promises.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Audit {
    /// Mistakes in the manifest: `verify` fails on them.
    pub problems: Vec<String>,
    /// Promises no check observes yet: `verify` prints them as warnings.
    pub gaps: Vec<String>,
}

/// Holds the exercise's promises to the rules.
pub fn audit(exercise: &Exercise) -> Audit {
    let mut audit = Audit::default();
    let checks: HashSet<&str> = exercise.checks.iter().map(|c| c.name.as_str()).collect();
    let mut ids = HashSet::new();
    let mut observing = HashSet::new();
    for promise in &exercise.promises {
        if !ids.insert(promise.id.as_str()) {
            audit.problems.push(format!("promise {} appears twice", promise.id));
        }
        match promise.coverage() {
            Err(why) => audit.problems.push(format!("promise {} {why}", promise.id)),
            Ok(Coverage::ObservedBy(names)) => {
                for name in names {
                    if name != PUBLIC_TESTS && !checks.contains(name.as_str()) {
                        audit.problems.push(format!(
                            "promise {} is observed_by {name}, which is neither a check of {} nor {PUBLIC_TESTS}",
                            promise.id, exercise.id
                        ));
                    }
                    observing.insert(name.as_str());
                }
            }
            Ok(Coverage::Unobservable(_)) => {}
            Ok(Coverage::Gap(gap)) => audit.gaps.push(format!("promise {} is not checked: {gap}", promise.id)),
        }
    }
    for check in &exercise.checks {
        if !observing.contains(check.name.as_str()) {
            audit.problems.push(format!(
                "check {} observes no promise: name it in the observed_by of the promise it fails on",
                check.name
            ));
        }
    }
    audit
}

/// How `checker promises` prints the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// A Markdown table per exercise and a summary table (README's section).
    Markdown,
    /// Plain text for a terminal.
    Text,
}

/// The table of promises of `exercises`, and a summary of their counts.
pub fn render(exercises: &[&Exercise], format: TableFormat) -> String {
    match format {
        TableFormat::Markdown => markdown(exercises),
        TableFormat::Text => text(exercises),
    }
}

/// The counts of one exercise's promises by coverage: (promises, observed, unobservable, gaps).
/// A promise whose entry is malformed counts only in the total.
pub fn counts(exercise: &Exercise) -> (usize, usize, usize, usize) {
    let mut counts = (exercise.promises.len(), 0, 0, 0);
    for promise in &exercise.promises {
        match promise.coverage() {
            Ok(Coverage::ObservedBy(_)) => counts.1 += 1,
            Ok(Coverage::Unobservable(_)) => counts.2 += 1,
            Ok(Coverage::Gap(_)) => counts.3 += 1,
            Err(_) => {}
        }
    }
    counts
}

/// What the third column says about a promise.
fn observed_cell(coverage: Result<Coverage<'_>, String>, quote: fn(&str) -> String) -> String {
    match coverage {
        Ok(Coverage::ObservedBy(names)) => names
            .iter()
            .map(|n| if n == PUBLIC_TESTS { "public tests".to_owned() } else { quote(n) })
            .collect::<Vec<_>>()
            .join(", "),
        Ok(Coverage::Unobservable(reason)) => format!("unobservable: {reason}"),
        Ok(Coverage::Gap(gap)) => format!("NOT CHECKED: {gap}"),
        Err(why) => format!("INVALID ENTRY: {why}"),
    }
}

fn markdown(exercises: &[&Exercise]) -> String {
    // A `|` inside a cell would end it.
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    for exercise in exercises {
        let _ = writeln!(out, "#### {} — {}\n", exercise.id, cell(&exercise.title));
        out.push_str("| id | promise | observed by |\n| --- | --- | --- |\n");
        for promise in &exercise.promises {
            let observed = observed_cell(promise.coverage(), |n| format!("`{n}`"));
            let _ = writeln!(out, "| `{}` | {} | {} |", cell(&promise.id), cell(&promise.text), cell(&observed));
        }
        out.push('\n');
    }
    out.push_str("#### Summary\n\n| exercise | promises | observed | unobservable | not checked |\n| --- | --- | --- | --- | --- |\n");
    for exercise in exercises {
        let (all, observed, unobservable, gaps) = counts(exercise);
        let _ = writeln!(out, "| {} | {all} | {observed} | {unobservable} | {gaps} |", exercise.id);
    }
    out
}

fn text(exercises: &[&Exercise]) -> String {
    let mut out = String::new();
    for exercise in exercises {
        let (all, observed, unobservable, gaps) = counts(exercise);
        let _ = writeln!(
            out,
            "{} — {}: {all} promises, {observed} observed, {unobservable} unobservable, {gaps} not checked",
            exercise.id, exercise.title
        );
        for promise in &exercise.promises {
            let _ = writeln!(out, "  {}: {}", promise.id, promise.text);
            let observed = observed_cell(promise.coverage(), str::to_owned);
            let label = if matches!(promise.coverage(), Ok(Coverage::ObservedBy(_))) { "observed by: " } else { "" };
            let _ = writeln!(out, "      {label}{observed}");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Course;

    /// A manifest of one exercise with checks `c1` and `c2`, and the given promise tables.
    fn manifest(promises: &str) -> String {
        format!(
            r#"
            format = 1
            title = "t"
            [[exercise]]
            id = "ex04_pool"
            title = "Pool"
            section = "1.3"
            dir = "ex04_pool"
            kind = "library"
            public_tests = {{ points = 1, timeout = "5s" }}
            hints = ["a", "b", "c"]
            [[exercise.check]]
            name = "c1"
            summary = "s"
            points = 2
            timeout = "1s"
            [[exercise.check]]
            name = "c2"
            summary = "s"
            points = 2
            timeout = "1s"
            {promises}
            "#
        )
    }

    fn exercise(promises: &str) -> Exercise {
        let course: Course = toml::from_str(&manifest(promises)).expect("a valid test manifest");
        course.exercises.into_iter().next().expect("one exercise")
    }

    const BOTH_OBSERVED: &str = r#"
        [[exercise.promise]]
        id = "p1"
        text = "one"
        observed_by = ["c1", "public_tests"]
        [[exercise.promise]]
        id = "p2"
        text = "two"
        observed_by = ["c2"]
    "#;

    #[test]
    fn a_complete_list_has_no_problem_and_no_gap() {
        assert_eq!(audit(&exercise(BOTH_OBSERVED)), Audit::default());
    }

    #[test]
    fn a_promise_without_a_kind_is_a_problem() {
        let audit = audit(&exercise(&format!("{BOTH_OBSERVED}\n[[exercise.promise]]\nid = \"p3\"\ntext = \"three\"")));
        assert_eq!(audit.problems, ["promise p3 says neither observed_by, unobservable nor gap"]);
    }

    #[test]
    fn a_promise_with_two_kinds_is_a_problem() {
        let audit = audit(&exercise(&format!(
            "{BOTH_OBSERVED}\n[[exercise.promise]]\nid = \"p3\"\ntext = \"three\"\nobserved_by = [\"c1\"]\ngap = \"g\""
        )));
        assert_eq!(audit.problems, ["promise p3 must have only one of observed_by, unobservable and gap"]);
        let audit = super::audit(&exercise(&format!(
            "{BOTH_OBSERVED}\n[[exercise.promise]]\nid = \"p3\"\ntext = \"three\"\nunobservable = \"u\"\ngap = \"g\""
        )));
        assert_eq!(audit.problems, ["promise p3 must have only one of observed_by, unobservable and gap"]);
    }

    #[test]
    fn an_empty_observed_by_is_a_problem() {
        let audit = audit(&exercise(&format!(
            "{BOTH_OBSERVED}\n[[exercise.promise]]\nid = \"p3\"\ntext = \"t\"\nobserved_by = []"
        )));
        assert_eq!(audit.problems, ["promise p3 has an empty observed_by"]);
    }

    #[test]
    fn observing_with_an_unknown_check_is_a_problem() {
        let audit = audit(&exercise(&BOTH_OBSERVED.replace("[\"c2\"]", "[\"c2\", \"c9\"]")));
        assert_eq!(
            audit.problems,
            ["promise p2 is observed_by c9, which is neither a check of ex04_pool nor public_tests"]
        );
    }

    #[test]
    fn a_duplicate_id_is_a_problem() {
        let audit = audit(&exercise(&BOTH_OBSERVED.replace("\"p2\"", "\"p1\"")));
        assert_eq!(audit.problems, ["promise p1 appears twice"]);
    }

    #[test]
    fn a_check_that_observes_no_promise_is_a_problem() {
        let audit = audit(&exercise(&BOTH_OBSERVED.replace("[\"c2\"]", "[\"c1\"]")));
        assert_eq!(
            audit.problems,
            ["check c2 observes no promise: name it in the observed_by of the promise it fails on"]
        );
    }

    #[test]
    fn public_tests_alone_do_not_cover_a_hidden_check() {
        let audit =
            audit(&exercise("[[exercise.promise]]\nid = \"p1\"\ntext = \"t\"\nobserved_by = [\"public_tests\"]"));
        assert_eq!(audit.problems.len(), 2, "{:?}", audit.problems);
    }

    #[test]
    fn a_gap_is_a_warning_and_an_unobservable_promise_neither() {
        let audit = audit(&exercise(&format!(
            "{BOTH_OBSERVED}\n[[exercise.promise]]\nid = \"p3\"\ntext = \"t\"\ngap = \"time it\"\n\
             [[exercise.promise]]\nid = \"p4\"\ntext = \"t\"\nunobservable = \"inside\""
        )));
        assert!(audit.problems.is_empty(), "{:?}", audit.problems);
        assert_eq!(audit.gaps, ["promise p3 is not checked: time it"]);
    }

    #[test]
    fn an_unknown_field_is_refused() {
        let text = manifest("[[exercise.promise]]\nid = \"p\"\ntext = \"t\"\nseen_by = [\"c1\"]");
        let error = toml::from_str::<Course>(&text).unwrap_err().to_string();
        assert!(error.contains("seen_by"), "{error}");
    }

    #[test]
    fn the_table_shows_every_kind_and_counts_them() {
        let exercise = exercise(&format!(
            "{BOTH_OBSERVED}\n[[exercise.promise]]\nid = \"p3\"\ntext = \"a | b\"\ngap = \"time it\"\n\
             [[exercise.promise]]\nid = \"p4\"\ntext = \"t\"\nunobservable = \"inside\""
        ));
        let markdown = render(&[&exercise], TableFormat::Markdown);
        assert!(markdown.contains("| `p1` | one | `c1`, public tests |"), "{markdown}");
        assert!(markdown.contains("| `p3` | a \\| b | NOT CHECKED: time it |"), "{markdown}");
        assert!(markdown.contains("| `p4` | t | unobservable: inside |"), "{markdown}");
        assert!(markdown.contains("| ex04_pool | 4 | 2 | 1 | 1 |"), "{markdown}");
        let text = render(&[&exercise], TableFormat::Text);
        assert!(text.contains("4 promises, 2 observed, 1 unobservable, 1 not checked"), "{text}");
        assert!(text.contains("  p2: two\n      observed by: c2\n"), "{text}");
        assert!(text.contains("  p3: a | b\n      NOT CHECKED: time it\n"), "{text}");
    }

    /// The course's own manifest keeps the rules (`checker verify --static` says the same, with
    /// the folders checked too).
    #[test]
    fn the_course_keeps_every_rule() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../course.toml");
        let course = Course::load(&path).expect("the course manifest loads");
        for exercise in &course.exercises {
            let audit = audit(exercise);
            assert!(audit.problems.is_empty(), "{}: {:#?}", exercise.id, audit.problems);
            assert!(!exercise.promises.is_empty(), "{} lists no promise", exercise.id);
        }
    }
}
