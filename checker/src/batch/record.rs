//! One student's grade for one exercise, as a batch stores it (`results/<student>/<id>.json`)
//! and as every output format reads it.

use crate::events::{BuildStatus, CheckKind, OutcomeKind, RunSummary};
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "checker-grade";
/// 2: a check's `explanation` is an [`Explanation`] (a headline and typed lines) instead of
/// plain text. Records of version 1 are still read (see [`GradeRecord::readable`]).
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeRecord {
    pub schema: String,
    pub schema_version: u32,
    pub student: String,
    pub exercise: String,
    /// SHA-256 of what was graded (see `SourcesDigest`); `None` when nothing could be read.
    pub sources_sha256: Option<String>,
    /// Identifies the course, pack and checker the grade was given by: a result is reused only
    /// when both this and the sources are unchanged.
    pub grader: String,
    pub status: Status,
    pub score: u32,
    pub max_score: u32,
    pub passed: bool,
    /// Why the submission was not graded, or why it earned nothing at all (it does not
    /// compile: with the compiler's messages).
    pub reason: Option<String>,
    pub checks: Vec<CheckRecord>,
    pub duration_ms: u64,
    /// When this result was graded (RFC 3339, UTC); none in records of earlier checkers.
    #[serde(default)]
    pub graded_at: Option<String>,
    /// When the submission was last changed (RFC 3339, UTC): its last commit where the
    /// submission is a git repository, else the newest modification time of the graded files;
    /// none when nothing was graded. A late policy reads it (see [`crate::manifest::LatePolicy`]).
    #[serde(default)]
    pub submitted_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Built and checked (possibly with a build that failed: then every check is `not_run`).
    Graded,
    /// No folder for the exercise in the submission.
    Missing,
    /// There is something, but it cannot be graded (no sources, too big, a broken archive).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRecord {
    pub name: String,
    /// The public tests (one item) or a hidden check.
    pub kind: CheckKind,
    pub points: u32,
    pub max_points: u32,
    /// As in the checker's report: pass, fail, timeout, no_verdict, left_behind, not_run,
    /// not_judged.
    pub outcome: OutcomeKind,
    /// What the student is told (no lines for a pass without measurements).
    #[serde(deserialize_with = "Explanation::deserialize_any_version")]
    pub explanation: Explanation,
    pub duration_ms: u64,
}

/// The compiler's messages kept in a record: enough to see the first errors.
const MAX_DIAGNOSTICS: usize = 8 * 1024;

impl GradeRecord {
    pub fn from_summary(student: &str, grader: &str, summary: &RunSummary) -> GradeRecord {
        let reason = match &summary.build {
            BuildStatus::Ok { .. } => None,
            BuildStatus::Failed { diagnostics } => {
                let diagnostics = diagnostics.plain();
                let mut text: String = diagnostics.chars().take(MAX_DIAGNOSTICS).collect();
                if text.len() < diagnostics.len() {
                    text.push_str("\n...");
                }
                Some(format!("the code does not compile:\n{text}"))
            }
            BuildStatus::HiddenFailed { messages } => Some(format!(
                "the hidden checks cannot be built against the code (its public API differs from the skeleton's): {}",
                messages.join("; ")
            )),
        };
        GradeRecord {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            student: student.into(),
            exercise: summary.exercise.clone(),
            sources_sha256: Some(summary.sources.sha256.clone()),
            grader: grader.into(),
            status: Status::Graded,
            score: summary.score,
            max_score: summary.max_score,
            passed: summary.passed,
            reason,
            checks: summary
                .checks
                .iter()
                .map(|c| CheckRecord {
                    name: c.name.clone(),
                    kind: c.kind,
                    points: c.points,
                    max_points: c.max_points,
                    outcome: c.outcome.kind(),
                    explanation: Explanation::of_check(c),
                    duration_ms: c.duration.as_millis() as u64,
                })
                .collect(),
            duration_ms: 0,
            graded_at: None,
            submitted_at: None,
        }
    }

    /// A submission that could not be graded: no points, and why.
    pub fn ungraded(
        student: &str,
        exercise: &str,
        grader: &str,
        status: Status,
        max_score: u32,
        reason: String,
    ) -> GradeRecord {
        GradeRecord {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            student: student.into(),
            exercise: exercise.into(),
            sources_sha256: None,
            grader: grader.into(),
            status,
            score: 0,
            max_score,
            passed: false,
            reason: Some(reason),
            checks: Vec::new(),
            duration_ms: 0,
            graded_at: None,
            submitted_at: None,
        }
    }

    /// The checks that did not pass.
    pub fn failing(&self) -> impl Iterator<Item = &CheckRecord> {
        self.checks.iter().filter(|c| c.outcome != OutcomeKind::Pass)
    }

    /// Whether this checker reads a record of `schema` and `schema_version`: its own version,
    /// and version 1, whose plain-text explanations are read as lines of text.
    pub fn readable(schema: &str, schema_version: u32) -> bool {
        schema == SCHEMA && (1..=SCHEMA_VERSION).contains(&schema_version)
    }
}
