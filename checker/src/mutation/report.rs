//! What grading the mutants says: per exercise, each mutant's verdict (killed, and by which
//! check; survived; timed out; unviable; equivalent), the counts and the mutation score, as
//! text for a person and as JSON (`schema: "checker-mutation-report"`) for tools.

use super::{Mutant, Origin};
use crate::batch::record::{GradeRecord, Status};
use crate::events::OutcomeKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

pub const SCHEMA: &str = "checker-mutation-report";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A check failed: the mistake would cost a student points.
    Killed,
    /// A check ran out of time (a hang the checks noticed, reported apart as cargo-mutants does).
    TimedOut,
    /// Every check passed: the hidden checks miss this mistake.
    Survived,
    /// The mutant does not compile (or the hidden checks do not compile against it): it says
    /// nothing about the checks.
    Unviable,
    /// Listed as equivalent: not graded, not counted.
    Equivalent,
    /// No check failed, but a timing check could not measure (the machine was kept busy): the
    /// mutant is neither killed nor a survivor until it is graded again; not counted.
    NotJudged,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MutantResult {
    pub id: String,
    pub origin: Origin,
    pub operator: String,
    pub file: String,
    pub line: usize,
    pub description: String,
    pub verdict: Verdict,
    /// The first check that did not pass (killed, timed out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// Why it is equivalent, or why it is unviable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Every mutant found (both origins, equivalents included).
    pub generated: usize,
    pub equivalent: usize,
    /// Chosen for this run (all non-equivalent ones, or `--sample`), before `--shard`.
    pub selected: usize,
    /// Built and checked in this run: `killed + survived + timed_out`.
    pub graded: usize,
    pub killed: usize,
    pub survived: usize,
    pub timed_out: usize,
    pub unviable: usize,
    /// Graded, but a check that could have decided was not judged (see [`Verdict::NotJudged`]).
    #[serde(default)]
    pub not_judged: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.generated += other.generated;
        self.equivalent += other.equivalent;
        self.selected += other.selected;
        self.graded += other.graded;
        self.killed += other.killed;
        self.survived += other.survived;
        self.timed_out += other.timed_out;
        self.unviable += other.unviable;
        self.not_judged += other.not_judged;
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExerciseReport {
    pub exercise: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// Mutants killed per check (the first failing one), timeouts included.
    pub killed_by: BTreeMap<String, usize>,
    pub duration_ms: u64,
    /// Graded and equivalent mutants, in the order of the files.
    pub mutants: Vec<MutantResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Score {
    pub killed: usize,
    /// Graded mutants (killed, timed out or survived); equivalent and unviable ones are not.
    pub total: usize,
    /// Killed or timed out: every mutant a student would lose points for.
    pub caught: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// Mutants per exercise.
    pub size: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MutationReport {
    pub schema: String,
    pub schema_version: u32,
    pub checker_version: String,
    pub created_at: String,
    pub fail_fast: bool,
    /// `--sample N --seed S`, when given.
    pub sample: Option<Sample>,
    /// `--shard K/N`, when given.
    pub shard: Option<String>,
    /// Why cargo-mutants' mutants are missing, when they are.
    pub notes: Vec<String>,
    pub exercises: Vec<ExerciseReport>,
    pub total: Counts,
    pub mutation_score: Score,
}

impl MutationReport {
    pub fn new(
        exercises: Vec<ExerciseReport>,
        fail_fast: bool,
        sample: Option<Sample>,
        shard: Option<String>,
        notes: Vec<String>,
    ) -> MutationReport {
        let mut total = Counts::default();
        for exercise in &exercises {
            total.add(&exercise.counts);
        }
        let mutation_score =
            Score { killed: total.killed, total: total.graded, caught: total.killed + total.timed_out };
        MutationReport {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            checker_version: env!("CARGO_PKG_VERSION").into(),
            created_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            fail_fast,
            sample,
            shard,
            notes,
            exercises,
            total,
            mutation_score,
        }
    }
}

/// A graded mutant's verdict and the check that decided it.
pub fn verdict(record: &GradeRecord) -> (Verdict, Option<String>) {
    if record.status != Status::Graded || record.checks.iter().all(|c| c.outcome == OutcomeKind::NotRun) {
        return (Verdict::Unviable, None);
    }
    // A check that was not judged neither kills the mutant nor lets it survive.
    match record.checks.iter().find(|c| !matches!(c.outcome, OutcomeKind::Pass | OutcomeKind::NotJudged)) {
        None if record.checks.iter().any(|c| c.outcome == OutcomeKind::NotJudged) => (Verdict::NotJudged, None),
        None => (Verdict::Survived, None),
        Some(check) if check.outcome == OutcomeKind::TimedOut => (Verdict::TimedOut, Some(check.name.clone())),
        Some(check) => (Verdict::Killed, Some(check.name.clone())),
    }
}

/// One exercise's report from its mutants, the equivalent ones (id → reason), the batch's
/// records (by mutant id) and the number selected.
pub fn exercise_report(
    exercise: &str,
    mutants: &[Mutant],
    equivalent: &BTreeMap<String, String>,
    records: &BTreeMap<String, GradeRecord>,
    selected: usize,
    duration_ms: u64,
) -> ExerciseReport {
    let mut counts = Counts { generated: mutants.len(), selected, ..Counts::default() };
    let mut killed_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    for mutant in mutants {
        let (verdict, check, reason) = if let Some(reason) = equivalent.get(&mutant.id) {
            counts.equivalent += 1;
            (Verdict::Equivalent, None, Some(reason.clone()))
        } else if let Some(record) = records.get(&mutant.id) {
            let (verdict, check) = verdict(record);
            match verdict {
                Verdict::Killed => counts.killed += 1,
                Verdict::TimedOut => counts.timed_out += 1,
                Verdict::Survived => counts.survived += 1,
                Verdict::Unviable => counts.unviable += 1,
                Verdict::NotJudged => counts.not_judged += 1,
                Verdict::Equivalent => unreachable!("records are never equivalent"),
            }
            if let Some(check) = &check {
                *killed_by.entry(check.clone()).or_default() += 1;
            }
            let reason = (verdict == Verdict::Unviable).then(|| record.reason.clone()).flatten();
            (verdict, check, reason.map(|r| r.lines().take(3).collect::<Vec<_>>().join(" ")))
        } else {
            continue;
        };
        results.push(MutantResult {
            id: mutant.id.clone(),
            origin: mutant.origin,
            operator: mutant.operator.clone(),
            file: mutant.file.clone(),
            line: mutant.line,
            description: mutant.description.clone(),
            verdict,
            check,
            reason,
        });
    }
    counts.graded = counts.killed + counts.survived + counts.timed_out;
    ExerciseReport { exercise: exercise.into(), counts, killed_by, duration_ms, mutants: results }
}

/// The report as a person reads it.
pub fn render_text(report: &MutationReport) -> String {
    let mut out = String::new();
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    for exercise in &report.exercises {
        let c = &exercise.counts;
        let _ = writeln!(
            out,
            "\n{}: {} mutants generated ({} equivalent), {} selected, {} graded in {:.1} s",
            exercise.exercise,
            c.generated,
            c.equivalent,
            c.selected,
            c.graded,
            exercise.duration_ms as f64 / 1000.0
        );
        let by: Vec<String> = exercise.killed_by.iter().map(|(check, n)| format!("{check} {n}")).collect();
        let _ = writeln!(out, "  killed {}, timed out {} (first failing check: {})", c.killed, c.timed_out, {
            if by.is_empty() {
                "-".to_owned()
            } else {
                by.join(", ")
            }
        });
        let _ = writeln!(out, "  unviable (does not compile) {}", c.unviable);
        for mutant in exercise.mutants.iter().filter(|m| m.verdict == Verdict::TimedOut) {
            let check = mutant.check.as_deref().unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}:{}  {}  {} (hung in {check})",
                mutant.file, mutant.line, mutant.id, mutant.description
            );
        }
        if c.not_judged > 0 {
            let _ = writeln!(out, "  not judged {} (a timing check could not measure: grade them again)", c.not_judged);
            for mutant in exercise.mutants.iter().filter(|m| m.verdict == Verdict::NotJudged) {
                let _ = writeln!(out, "    {}:{}  {}  {}", mutant.file, mutant.line, mutant.id, mutant.description);
            }
        }
        let _ = writeln!(out, "  survived {}", c.survived);
        for mutant in exercise.mutants.iter().filter(|m| m.verdict == Verdict::Survived) {
            let _ = writeln!(out, "    {}:{}  {}  {}", mutant.file, mutant.line, mutant.id, mutant.description);
        }
        if c.equivalent > 0 {
            let _ = writeln!(out, "  equivalent {}", c.equivalent);
            for mutant in exercise.mutants.iter().filter(|m| m.verdict == Verdict::Equivalent) {
                let reason = mutant.reason.as_deref().unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    {}:{}  {}  {} ({reason})",
                    mutant.file, mutant.line, mutant.id, mutant.description
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n{:<22} {:>7} {:>6} {:>6} {:>9} {:>8} {:>8} {:>10} {:>7} {:>8}",
        "exercise", "mutants", "graded", "killed", "timed out", "survived", "unviable", "equivalent", "score", "time"
    );
    for exercise in &report.exercises {
        let c = &exercise.counts;
        let _ = writeln!(
            out,
            "{:<22} {:>7} {:>6} {:>6} {:>9} {:>8} {:>8} {:>10} {:>7} {:>7.0}s",
            exercise.exercise,
            c.generated,
            c.graded,
            c.killed,
            c.timed_out,
            c.survived,
            c.unviable,
            c.equivalent,
            percent(c.killed, c.graded),
            exercise.duration_ms as f64 / 1000.0
        );
    }
    let score = &report.mutation_score;
    let _ = writeln!(
        out,
        "\nmutation score: {}/{} killed ({} timed out, {} survived; {} caught in all)",
        score.killed, score.total, report.total.timed_out, report.total.survived, score.caught
    );
    out
}

/// `k/n` as a whole percentage, `-` when nothing was graded.
fn percent(k: usize, n: usize) -> String {
    (k * 100).checked_div(n).map_or_else(|| "-".into(), |p| format!("{p}%"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::record::CheckRecord;

    fn record(outcomes: &[(&str, OutcomeKind)]) -> GradeRecord {
        let mut record = GradeRecord::ungraded("m", "ex04_pool", "g", Status::Graded, 10, String::new());
        record.checks = outcomes
            .iter()
            .map(|(name, outcome)| CheckRecord {
                name: name.to_string(),
                kind: crate::events::CheckKind::Hidden,
                points: 0,
                max_points: 1,
                outcome: *outcome,
                explanation: crate::explanation::Explanation::from_text(""),
                duration_ms: 0,
            })
            .collect();
        record
    }

    fn mutant(id: &str) -> Mutant {
        Mutant {
            id: id.into(),
            origin: Origin::Checker,
            operator: "relaxed".into(),
            file: "src/lib.rs".into(),
            line: 3,
            description: "d".into(),
            mutated: String::new(),
        }
    }

    #[test]
    fn the_first_failing_check_decides() {
        assert_eq!(
            verdict(&record(&[("public_tests", OutcomeKind::Pass), ("a", OutcomeKind::Pass)])),
            (Verdict::Survived, None)
        );
        assert_eq!(
            verdict(&record(&[
                ("public_tests", OutcomeKind::Pass),
                ("a", OutcomeKind::TimedOut),
                ("b", OutcomeKind::Fail)
            ])),
            (Verdict::TimedOut, Some("a".into()))
        );
        assert_eq!(
            verdict(&record(&[("public_tests", OutcomeKind::Fail), ("b", OutcomeKind::TimedOut)])),
            (Verdict::Killed, Some("public_tests".into()))
        );
        assert_eq!(
            verdict(&record(&[("public_tests", OutcomeKind::NotRun), ("b", OutcomeKind::NotRun)])),
            (Verdict::Unviable, None)
        );
        // A busy machine's "not judged" is no kill: the next check decides, or nobody does.
        assert_eq!(
            verdict(&record(&[
                ("public_tests", OutcomeKind::Pass),
                ("timing", OutcomeKind::NotJudged),
                ("b", OutcomeKind::Fail)
            ])),
            (Verdict::Killed, Some("b".into()))
        );
        assert_eq!(
            verdict(&record(&[("public_tests", OutcomeKind::Pass), ("timing", OutcomeKind::NotJudged)])),
            (Verdict::NotJudged, None)
        );
    }

    #[test]
    fn equivalents_are_out_of_the_score_and_the_counts_add_up() {
        let mutants = [mutant("a"), mutant("b"), mutant("c"), mutant("d"), mutant("e")];
        let equivalent = BTreeMap::from([("e".to_owned(), "same behaviour".to_owned())]);
        let records = BTreeMap::from([
            ("a".to_owned(), record(&[("public_tests", OutcomeKind::Pass), ("x", OutcomeKind::Fail)])),
            ("b".to_owned(), record(&[("public_tests", OutcomeKind::Pass), ("x", OutcomeKind::Pass)])),
            ("c".to_owned(), record(&[("public_tests", OutcomeKind::TimedOut)])),
            ("d".to_owned(), record(&[("public_tests", OutcomeKind::NotRun)])),
        ]);
        let exercise = exercise_report("ex04_pool", &mutants, &equivalent, &records, 4, 10);
        let c = &exercise.counts;
        assert_eq!((c.generated, c.equivalent, c.killed, c.survived, c.timed_out, c.unviable), (5, 1, 1, 1, 1, 1));
        assert_eq!(c.graded, c.killed + c.survived + c.timed_out);
        assert_eq!(exercise.killed_by, BTreeMap::from([("x".into(), 1), ("public_tests".into(), 1)]));
        let report = MutationReport::new(vec![exercise], true, None, None, Vec::new());
        assert_eq!((report.mutation_score.killed, report.mutation_score.total), (1, 3));
        let text = render_text(&report);
        assert!(text.contains("mutation score: 1/3 killed"), "{text}");
        assert!(text.contains("src/lib.rs:3  b  d"), "{text}");
        assert!(text.contains("same behaviour"), "{text}");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["schema"], SCHEMA);
        assert_eq!(json["exercises"][0]["survived"], 1);
    }
}
