//! The JSON report: one file per submission, in a documented, versioned schema
//! (see README.md, "The JSON report"). Written when the run finishes.

use super::Reporter;
use crate::events::{Event, RunSummary};
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
    #[serde(flatten)]
    summary: &'a RunSummary,
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
                    summary,
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
            | Event::BuildFinished(_)
            | Event::PublicTestFinished { .. }
            | Event::CheckStarted { .. }
            | Event::CheckFinished(_) => Ok(()),
        }
    }
}
