//! The class at a glance: per exercise, how many passed, the median score, and the checks that
//! failed most often (where the class needs help).

use super::record::{GradeRecord, Status};
use crate::events::OutcomeKind;
use crate::explanation::plural;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseSummary {
    pub exercise: String,
    pub max_score: u32,
    /// Submissions with something graded for this exercise.
    pub graded: usize,
    /// Students with no folder or nothing gradable.
    pub not_submitted: usize,
    pub passed: usize,
    pub median_score: f64,
    /// The checks that failed for the most students (several when they tie), and for how many.
    pub most_failed_checks: Option<MostFailed>,
    /// The students with a check of this exercise that could not be judged (the machine was
    /// too busy to measure): their grades are to be made again.
    pub not_judged: Vec<String>,
}

/// The checks that failed for the most students: every one of them when several tie, in the
/// order the exercise runs them, rather than one picked by its name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MostFailed {
    pub checks: Vec<String>,
    pub students: usize,
}

impl MostFailed {
    /// `(3 students)`, or `(3 students each)` after several checks.
    pub fn count(&self) -> String {
        let each = if self.checks.len() > 1 { " each" } else { "" };
        format!("({}{each})", plural(self.students, "student", "students"))
    }
}

/// One summary per exercise, in the order of `exercises`.
pub fn summarise(exercises: &[(String, u32)], records: &[&GradeRecord]) -> Vec<ExerciseSummary> {
    exercises
        .iter()
        .map(|(id, max_score)| {
            let mine: Vec<&&GradeRecord> = records.iter().filter(|r| &r.exercise == id).collect();
            let graded: Vec<&&&GradeRecord> = mine.iter().filter(|r| r.status == Status::Graded).collect();
            let mut scores: Vec<u32> = mine.iter().map(|r| r.score).collect();
            scores.sort_unstable();
            // Per check, in the order the records list them (the order the checks run).
            let mut failures: Vec<(&str, usize)> = Vec::new();
            for record in &graded {
                for check in record.failing().filter(|c| c.outcome != OutcomeKind::NotJudged) {
                    match failures.iter_mut().find(|(name, _)| *name == check.name) {
                        Some((_, count)) => *count += 1,
                        None => failures.push((&check.name, 1)),
                    }
                }
            }
            let most = failures.iter().map(|(_, count)| *count).max();
            let most_failed_checks = most.map(|students| MostFailed {
                checks: failures
                    .iter()
                    .filter(|(_, count)| *count == students)
                    .map(|(name, _)| name.to_string())
                    .collect(),
                students,
            });
            ExerciseSummary {
                exercise: id.clone(),
                max_score: *max_score,
                graded: graded.len(),
                not_submitted: mine.len() - graded.len(),
                passed: mine.iter().filter(|r| r.passed).count(),
                median_score: median(&scores),
                most_failed_checks,
                not_judged: graded
                    .iter()
                    .filter(|r| r.checks.iter().any(|c| c.outcome == OutcomeKind::NotJudged))
                    .map(|r| r.student.clone())
                    .collect(),
            }
        })
        .collect()
}

fn median(sorted: &[u32]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => f64::from(sorted[n / 2]),
        n => (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::record::CheckRecord;
    use crate::events::CheckKind;
    use crate::explanation::Explanation;

    fn record(student: &str, score: u32, failing: &[&str]) -> GradeRecord {
        let mut r = GradeRecord::ungraded(student, "ex04_pool", "g", Status::Graded, 10, String::new());
        r.score = score;
        r.passed = score == 10;
        r.checks = failing
            .iter()
            .map(|name| CheckRecord {
                name: name.to_string(),
                kind: CheckKind::Hidden,
                points: 0,
                max_points: 2,
                outcome: OutcomeKind::Fail,
                explanation: Explanation::from_text(""),
                duration_ms: 0,
            })
            .collect();
        r
    }

    #[test]
    fn counts_the_class() {
        let records = [record("a", 10, &[]), record("b", 4, &["overlap", "order"]), record("c", 6, &["overlap"])];
        let mut missing = GradeRecord::ungraded("d", "ex04_pool", "g", Status::Missing, 10, "none".into());
        missing.score = 0;
        let all: Vec<&GradeRecord> = records.iter().chain([&missing]).collect();
        let summary = &summarise(&[("ex04_pool".into(), 10)], &all)[0];
        assert_eq!((summary.graded, summary.not_submitted, summary.passed), (3, 1, 1));
        assert_eq!(summary.median_score, 5.0);
        let most = summary.most_failed_checks.as_ref().unwrap();
        assert_eq!((most.checks.as_slice(), most.students), (&["overlap".to_owned()][..], 2));
        assert_eq!(most.count(), "(2 students)");
    }

    /// Checks that fail for as many students are all named, in the order the exercise runs them.
    #[test]
    fn checks_that_tie_are_all_named_in_run_order() {
        let records =
            [record("a", 4, &["zeta", "alpha"]), record("b", 4, &["zeta", "alpha"]), record("c", 8, &["mid"])];
        let all: Vec<&GradeRecord> = records.iter().collect();
        let summary = &summarise(&[("ex04_pool".into(), 10)], &all)[0];
        let most = summary.most_failed_checks.as_ref().unwrap();
        assert_eq!(most.checks, ["zeta", "alpha"]);
        assert_eq!(most.count(), "(2 students each)");
        let one = [record("a", 4, &["mid"])];
        let summary = &summarise(&[("ex04_pool".into(), 10)], &one.iter().collect::<Vec<_>>())[0];
        assert_eq!(summary.most_failed_checks.as_ref().unwrap().count(), "(1 student)");
    }
}
