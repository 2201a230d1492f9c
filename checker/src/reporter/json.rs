//! The JSON report: one file per submission, in a documented, versioned schema
//! (see README.md, "The JSON report"). Written when the run finishes.

use super::Reporter;
#[cfg(test)]
use crate::events::RunSummary;
use crate::events::{BuildStatus, CheckResult, Event, Mode};
use crate::explanation::Explanation;
use crate::workcopy::SourcesDigest;
use serde::Serialize;
use std::path::PathBuf;

/// Bumped whenever a field changes meaning or disappears; adding fields keeps the version.
pub const SCHEMA_VERSION: u32 = 1;

pub struct JsonReport {
    path: PathBuf,
}

impl JsonReport {
    pub fn new(path: PathBuf) -> Self {
        JsonReport { path }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    schema_version: u32,
    checker_version: &'static str,
    created_at: String,
    exercise: &'a str,
    mode: Mode,
    score: u32,
    max_score: u32,
    passed: bool,
    sources: &'a SourcesDigest,
    build: &'a BuildStatus,
    checks: Vec<ReportedCheck<'a>>,
}

/// A check as the run observed it, and what the student reads about it.
#[derive(Serialize)]
struct ReportedCheck<'a> {
    #[serde(flatten)]
    check: &'a CheckResult,
    explanation: Explanation,
}

impl Reporter for JsonReport {
    fn handle(&mut self, event: &Event) -> std::io::Result<()> {
        match event {
            Event::RunFinished(summary) => {
                let report = Report {
                    schema: "checker-report",
                    schema_version: SCHEMA_VERSION,
                    checker_version: env!("CARGO_PKG_VERSION"),
                    created_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
                    exercise: &summary.exercise,
                    mode: summary.mode,
                    score: summary.score,
                    max_score: summary.max_score,
                    passed: summary.passed,
                    sources: &summary.sources,
                    build: &summary.build,
                    checks: summary
                        .checks
                        .iter()
                        .map(|check| ReportedCheck { check, explanation: Explanation::of_check(check) })
                        .collect(),
                };
                if let Some(dir) = self.path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let temp = self.path.with_extension("json.tmp");
                std::fs::write(&temp, serde_json::to_vec_pretty(&report)?)?;
                std::fs::rename(&temp, &self.path)
            }
            Event::RunStarted { .. }
            | Event::BuildStarted
            | Event::BuildProgress(_)
            | Event::BuildFinished(_)
            | Event::PublicTestFinished { .. }
            | Event::CheckStarted { .. }
            | Event::CheckFinished(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{CheckKind, Failure, Outcome};

    /// The report carries each check's observations and the explanation the console shows.
    #[test]
    fn every_check_carries_its_explanation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let failure = Failure::new("3 jobs", "2", "w");
        let check = CheckResult::new("c".into(), "s".into(), CheckKind::Hidden, 2, Outcome::Fail(failure));
        let summary = RunSummary {
            exercise: "ex04_pool".into(),
            mode: Mode::Submit,
            score: 0,
            max_score: 2,
            passed: false,
            sources: SourcesDigest { sha256: "ab".into(), files: Vec::new() },
            build: BuildStatus::Ok { duration: std::time::Duration::ZERO, advice: Vec::new() },
            checks: vec![check.clone()],
            harness: None,
        };
        JsonReport::new(path.clone()).handle(&Event::RunFinished(summary)).unwrap();
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let reported = &report["checks"][0];
        assert_eq!((reported["outcome"].as_str(), reported["observed"].as_str()), (Some("fail"), Some("3 jobs")));
        assert_eq!(reported["explanation"], serde_json::to_value(Explanation::of_check(&check)).unwrap());
        assert_eq!(reported["explanation"]["lines"][1]["label"], "observed");
        assert_eq!(
            (report["schema"].as_str(), report["exercise"].as_str()),
            (Some("checker-report"), Some("ex04_pool"))
        );
    }
}
