//! Running an exercise: prepare the working copy, build, run the public tests and (for a
//! submission) the hidden checks, each in the sandbox, and emit events. The runner decides
//! verdicts from what the sandbox observed — exit statuses, the nonce-guarded verdict channel,
//! leftover processes — never from what the student's code prints. It never prints.

use crate::compile::{self, Artifacts, BuildResult};
use crate::error::SetupError;
use crate::events::{
    BuildStatus, CheckKind, CheckResult, CheckerFailure, Event, Failure, Mode, NotRunReason, Outcome, RunSummary,
};
use crate::explanation;
use crate::gate::{Turn, Worker};
use crate::layout::Layout;
use crate::manifest::{CheckSpec, Course, Exercise, Kind};
use crate::sandbox::{self, Exit, Job, RunRecord};
use crate::workcopy;
use checker_protocol::{HangLine, Verdict, VerdictLine};
use i18n_embed_fl::fl;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The variables of the student's own a hidden check reads, to replay a failure: which explored
/// schedule (course_sync's checker mode) and which seed of a check's random workload. Nothing
/// secret; every other variable stays out of the job.
const REPLAY_VARIABLES: [&str; 2] = ["CHECKER_SYNC_REPLAY", "CHECKER_SEED"];

/// Output kept per stream of a run.
const OUTPUT_CAP: usize = 64 * 1024;
/// Time limit for listing the tests of a test executable.
const LIST_TIMEOUT: Duration = Duration::from_secs(30);

/// One run of one exercise on one submission.
pub struct Run<'a> {
    pub layout: &'a Layout,
    pub course: &'a Course,
    pub exercise: &'a Exercise,
    pub mode: Mode,
    /// The folder whose `src/` is graded: the student's exercise folder, a solution, a mutant.
    pub submission: PathBuf,
    /// Set when the run is one of several in parallel (`checker grade -j N`).
    pub worker: Option<&'a Worker<'a>>,
    /// Stop at the first check that does not pass (`checker mutants --fail-fast`).
    pub fail_fast: bool,
    /// Run only these hidden checks, and not the public tests (`checker submit --only`);
    /// empty: everything.
    pub only: Vec<String>,
    /// The language the hidden checks explain failures in (`CHECKER_LANG` in their job, read by
    /// pack_support's `text` module).
    pub language: crate::lang::Language,
}

impl Run<'_> {
    /// A turn on the machine for ordinary work (always granted at once outside a batch).
    fn shared_turn(&self) -> Option<Turn<'_>> {
        self.worker.map(|w| w.turn(false))
    }

    pub fn execute(&self, emit: &mut dyn FnMut(Event)) -> Result<RunSummary, SetupError> {
        let exercise = self.exercise;
        let work = workcopy::prepare(self.layout, self.course, exercise, &self.submission)?;
        emit(Event::RunStarted {
            exercise: exercise.id.clone(),
            title: exercise.title.clone(),
            section: exercise.section.clone(),
            mode: self.mode,
        });
        let hidden = self.mode == Mode::Submit;
        if hidden && work.harness.is_none() {
            return Err(SetupError::Missing(format!(
                "the grading pack {} has no hidden checks for {} (expected {})",
                self.layout.pack.display(),
                exercise.id,
                self.layout.harness_source(exercise).display()
            )));
        }
        emit(Event::BuildStarted);
        let build = {
            let _turn = self.shared_turn();
            let mut progress = |progress| emit(Event::BuildProgress(progress));
            // Advice is for a student at the console, not for a batch.
            let advise = self.worker.is_none();
            compile::build(
                self.layout,
                exercise,
                &work,
                &self.hidden_folders(),
                compile::Wanted { hidden, advise, messages: crate::messages::of(self.language) },
                &mut progress,
            )?
        };
        let (status, artifacts) = match build {
            BuildResult::Built(artifacts) => {
                let advice = artifacts.advice.iter().cloned().map(Into::into).collect();
                (BuildStatus::Ok { duration: artifacts.duration, advice }, Some(artifacts))
            }
            BuildResult::StudentErrors { mut rendered } => {
                let plain = crate::events::Rendered::from(rendered.clone()).plain();
                let foreign =
                    compile::foreign_crates(&self.submission.join("Cargo.toml"), &exercise.dependencies, &plain);
                if !foreign.is_empty() {
                    let allowed = match exercise.dependencies.as_slice() {
                        [] => "std".to_owned(),
                        names => format!("std, {}", names.join(", ")),
                    };
                    let m = crate::messages::of(self.language);
                    let note = fl!(m, "build-foreign-crate", crates = foreign.join(", "), allowed = allowed);
                    rendered = format!("{}\n\n{note}\n", rendered.trim_end());
                }
                (BuildStatus::Failed { diagnostics: rendered.into() }, None)
            }
            BuildResult::HiddenErrors { messages } => (BuildStatus::HiddenFailed { messages }, None),
        };
        emit(Event::BuildFinished(status.clone()));

        let mut checks = Vec::new();
        let everything = self.only.is_empty();
        // What was built, if anything: the status says why not.
        let public = match &artifacts {
            _ if !everything => None,
            Some(artifacts) => {
                let _turn = self.shared_turn();
                Some(self.public_tests(artifacts, &work.crate_dir, emit)?)
            }
            None => Some(self.not_run(
                public_name(),
                public_summary(),
                CheckKind::Public,
                exercise.public_tests.points,
                &status,
            )),
        };
        if let Some(public) = public {
            emit(Event::CheckFinished(public.clone()));
            checks.push(public);
        }

        if hidden {
            for spec in exercise.checks.iter().filter(|c| everything || self.only.contains(&c.name)) {
                // A check that could not judge (a busy machine) is no failure: go on.
                let failed = |c: &CheckResult| !c.outcome.passed() && !matches!(c.outcome, Outcome::NotJudged { .. });
                if self.fail_fast && checks.iter().any(failed) {
                    break;
                }
                emit(Event::CheckStarted { name: spec.name.clone(), summary: spec.summary.clone() });
                let result = match &artifacts {
                    Some(artifacts) => {
                        let _turn = self.worker.map(|worker| worker.turn(spec.timing_sensitive));
                        self.hidden_check(spec, artifacts)?
                    }
                    None => {
                        self.not_run(spec.name.clone(), spec.summary.clone(), CheckKind::Hidden, spec.points, &status)
                    }
                };
                emit(Event::CheckFinished(result.clone()));
                checks.push(result);
            }
        }

        let score = checks.iter().map(|c| c.points).sum();
        let max_score = checks.iter().map(|c| c.max_points).sum();
        let summary = RunSummary {
            exercise: exercise.id.clone(),
            mode: self.mode,
            score,
            max_score,
            passed: checks.iter().all(|c| c.outcome.passed()),
            sources: work.sources,
            build: status,
            checks,
            harness: artifacts.as_ref().and_then(|a| a.harness.clone()),
        };
        emit(Event::RunFinished(summary.clone()));
        Ok(summary)
    }

    /// A job for the sandbox, with the course's limits and the hidden folders hidden.
    /// In a batch, the shared build folder (the other students' compiled code) is hidden too,
    /// all but the job's own program and the student's binary, which `artifacts` names.
    fn job(&self, program: &Path, timeout: Duration, artifacts: &Artifacts) -> Job {
        let shared_build = self.worker.map(|_| self.layout.target.clone());
        Job::new(program, timeout)
            .env("RUST_BACKTRACE", "0")
            .output_cap(OUTPUT_CAP)
            .hide(self.hidden_folders())
            .hide(shared_build)
            .reach(artifacts.student_bin.clone())
    }

    /// What no job and no build of student code may read: the grading pack, the reference
    /// solutions and, in a batch, the other workers' folders and the class's submissions.
    fn hidden_folders(&self) -> Vec<PathBuf> {
        [self.layout.pack.clone(), self.layout.root.join("solutions")]
            .into_iter()
            .chain(self.worker.iter().flat_map(|w| w.hide.iter().cloned()))
            .collect()
    }

    fn not_run(
        &self,
        name: String,
        summary: String,
        kind: CheckKind,
        points: u32,
        status: &BuildStatus,
    ) -> CheckResult {
        let reason = match status {
            BuildStatus::Failed { .. } => NotRunReason::DoesNotCompile,
            _ => NotRunReason::HiddenChecksDoNotBuild,
        };
        CheckResult::new(name, summary, kind, points, Outcome::NotRun { reason })
    }

    /// Runs every public test in its own sandboxed process and folds them into one graded item.
    fn public_tests(
        &self,
        artifacts: &Artifacts,
        crate_dir: &Path,
        emit: &mut dyn FnMut(Event),
    ) -> Result<CheckResult, SetupError> {
        let started = Instant::now();
        let limit = self.exercise.public_tests.timeout;
        let mut failed = Vec::new();
        let mut total = 0;
        let mut left_behind = Vec::new();
        let mut limits_hit = Vec::new();
        let mut isolation_gaps = Vec::new();
        let mut hung = false;
        for executable in &artifacts.test_executables {
            for name in self.list_tests(executable, crate_dir, artifacts)? {
                total += 1;
                if hung {
                    // One hang is usually the same bug in every test: waiting for each to time out
                    // would only make the student wait longer for the same news.
                    failed.push(name.clone());
                    emit(Event::PublicTestFinished {
                        name,
                        outcome: Outcome::NotRun { reason: NotRunReason::EarlierTestHung },
                        output: String::new(),
                    });
                    continue;
                }
                let nonce = nonce()?;
                // What `cargo test` gives a test, and the nonce on standard input for the
                // sentinel: no extra descriptor, nothing extra in the environment.
                let job = self
                    .job(executable, limit, artifacts)
                    .args([
                        "--exact",
                        workcopy::SENTINEL_FIRST_TEST,
                        &name,
                        workcopy::SENTINEL_TEST,
                        "--test-threads=1",
                    ])
                    .cwd(crate_dir)
                    .env("CARGO_MANIFEST_DIR", crate_dir.display().to_string())
                    .stdin(format!("{nonce}\n"));
                let record = match supervised(&job)? {
                    Ok(record) => record,
                    Err(failure) => {
                        failed.push(name.clone());
                        emit(Event::PublicTestFinished {
                            name,
                            outcome: Outcome::Fail(failure),
                            output: String::new(),
                        });
                        continue;
                    }
                };
                let outcome = judge_test(&record, &nonce, limit);
                hung |= matches!(outcome, Outcome::TimedOut { .. });
                left_behind.extend(record.left_behind.iter().cloned());
                merge(&mut limits_hit, record.limits_hit.iter().map(|l| format!("{name}: {l}")));
                merge(&mut isolation_gaps, record.isolation.gaps());
                if !outcome.passed() {
                    failed.push(name.clone());
                }
                let output = test_output(&name, &record.stdout.text(), &record.stderr.text());
                emit(Event::PublicTestFinished { name, outcome, output });
            }
        }
        let outcome = if total == 0 {
            Outcome::Fail(explanation::checker_failure(CheckerFailure::NoPublicTests {
                exercise: self.exercise.id.clone(),
                dir: self.exercise.dir.clone(),
            }))
        } else if !failed.is_empty() {
            Outcome::Fail(explanation::checker_failure(CheckerFailure::PublicTestsFailed {
                exercise: self.exercise.id.clone(),
                failed,
                total,
            }))
        } else if !left_behind.is_empty() {
            Outcome::LeftBehind { processes: left_behind.clone() }
        } else {
            Outcome::Pass
        };
        let points = self.exercise.public_tests.points;
        Ok(CheckResult {
            left_behind,
            limits_hit,
            isolation_gaps,
            duration: started.elapsed(),
            ..CheckResult::new(public_name(), public_summary(), CheckKind::Public, points, outcome)
        })
    }

    /// The test names of one test executable (`--list`), run in the sandbox too: it is the
    /// student's program.
    fn list_tests(
        &self,
        executable: &Path,
        crate_dir: &Path,
        artifacts: &Artifacts,
    ) -> Result<Vec<String>, SetupError> {
        let job = self.job(executable, LIST_TIMEOUT, artifacts).args(["--list", "--format", "terse"]).cwd(crate_dir);
        let record = sandbox::run(&job)?;
        let names: Vec<String> = record
            .stdout
            .text()
            .lines()
            .filter_map(|line| line.strip_suffix(": test"))
            .filter(|name| *name != workcopy::SENTINEL_TEST && *name != workcopy::SENTINEL_FIRST_TEST)
            .map(str::to_owned)
            .collect();
        // The first sentinel must run before the test: libtest runs them in name order.
        if let Some(early) = names.iter().find(|name| name.as_str() <= workcopy::SENTINEL_FIRST_TEST) {
            return Err(SetupError::Refused(format!(
                "the public test {early} sorts before the checker's sentinel {}: name public tests in lowercase",
                workcopy::SENTINEL_FIRST_TEST
            )));
        }
        Ok(names)
    }

    /// Runs a hidden check. One that could not judge (too busy a machine) runs once more, in a
    /// fresh process; if it still cannot, and the machine outside the job was nearly idle both
    /// times, the load was the job's own doing and the check fails, saying so.
    fn hidden_check(&self, spec: &CheckSpec, artifacts: &Artifacts) -> Result<CheckResult, SetupError> {
        let (first, first_outside) = self.run_hidden_check(spec, artifacts)?;
        if first_outside.is_none() {
            return Ok(first);
        }
        let (mut second, second_outside) = self.run_hidden_check(spec, artifacts)?;
        second.duration += first.duration;
        if let Outcome::NotJudged { why } = &second.outcome {
            let busiest = first_outside.zip(second_outside).map(|(a, b)| a.max(b));
            if let Some(outside) = busiest {
                second.measurements.push(format!(
                    "the check ran twice; processes outside it used at most {:.0}% of the machine's processors meanwhile",
                    outside * 100.0
                ));
            }
            if let Some(outside) = busiest.filter(|share| *share < QUIET_OUTSIDE) {
                second.outcome = Outcome::Fail(explanation::checker_failure(CheckerFailure::BusyByItself {
                    why: why.clone(),
                    outside_percent: (outside * 100.0).round() as u32,
                }));
            }
        }
        Ok(second)
    }

    /// One run of a hidden check in a fresh job; when the check found the machine too busy to
    /// judge, with the share of the machine that processes outside the job used meanwhile.
    fn run_hidden_check(
        &self,
        spec: &CheckSpec,
        artifacts: &Artifacts,
    ) -> Result<(CheckResult, Option<f64>), SetupError> {
        let harness = artifacts
            .harness
            .clone()
            .ok_or_else(|| SetupError::Missing(format!("the hidden checks of {} were not built", self.exercise.id)))?;
        let nonce = nonce()?;
        // Started under a bare name, as a program found through PATH is: code that re-executes
        // "itself" must ask the kernel (std::env::current_exe()), not trust argv[0].
        let bare_name =
            harness.file_name().map_or_else(|| "hidden-checks".into(), |n| n.to_string_lossy().into_owned());
        let mut job = self
            .job(&harness, spec.timeout, artifacts)
            .arg0(bare_name)
            .args(["run", &spec.name])
            .env(checker_protocol::RESULT_FD_VAR, sandbox::RESULT_FD.to_string())
            .env("CHECKER_LANG", self.language.code())
            .stdin(format!("{nonce}\n"))
            .result_channel();
        for variable in REPLAY_VARIABLES {
            if let Ok(token) = std::env::var(variable) {
                job = job.env(variable, token);
            }
        }
        if self.exercise.kind == Kind::Binary {
            let bin = artifacts.student_bin.clone().ok_or_else(|| {
                SetupError::Missing(format!(
                    "{} is a binary exercise, but the submission has no src/main.rs",
                    self.exercise.id
                ))
            })?;
            job = job.env("CHECKER_STUDENT_BIN", bin.display().to_string());
        }
        let record = match supervised(&job)? {
            Ok(record) => record,
            Err(failure) => {
                let outcome = Outcome::Fail(failure);
                let result =
                    CheckResult::new(spec.name.clone(), spec.summary.clone(), CheckKind::Hidden, spec.points, outcome);
                return Ok((result, None));
            }
        };
        let (outcome, measurements, busy) = judge_check(&record, &nonce, &spec.name, spec.timeout);
        let result = CheckResult {
            isolation_gaps: record.isolation.gaps(),
            limits_hit: record.limits_hit,
            left_behind: record.left_behind,
            measurements,
            duration: record.wall,
            ..CheckResult::new(spec.name.clone(), spec.summary.clone(), CheckKind::Hidden, spec.points, outcome)
        };
        Ok((result, record.outside_load.filter(|_| busy)))
    }
}

/// Below this share of the machine's processors used by others, the machine counts as quiet:
/// a check that still found it too busy was spoiled by the job itself.
const QUIET_OUTSIDE: f64 = 0.15;

fn public_name() -> String {
    "public_tests".into()
}

/// What the public tests check, in English for the reports (the console says it in the
/// student's language: [`explanation::public_tests_summary`]).
fn public_summary() -> String {
    explanation::public_tests_summary(crate::messages::english())
}

/// Runs a job; a supervisor that died (killed by the code under test, as only an ordinary user's
/// checker allows) fails the check instead of stopping the whole run.
fn supervised(job: &Job) -> Result<Result<RunRecord, Failure>, SetupError> {
    match sandbox::run(job) {
        Ok(record) => Ok(Ok(record)),
        Err(sandbox::SandboxError::Supervisor(what)) => {
            Ok(Err(explanation::checker_failure(CheckerFailure::SupervisorDied { what })))
        }
        Err(error) => Err(error.into()),
    }
}

/// Adds the lines not yet in `list`, keeping their order.
fn merge(list: &mut Vec<String>, lines: impl IntoIterator<Item = String>) {
    for line in lines {
        if !list.contains(&line) {
            list.push(line);
        }
    }
}

/// A public test passes when its own process exits with status 0 after the sentinel test ran,
/// in time, leaving nothing behind.
fn judge_test(record: &RunRecord, nonce: &str, limit: Duration) -> Outcome {
    if let Some(diagnosis) = &record.timed_out {
        return Outcome::TimedOut { limit, diagnosis: diagnosis.clone() };
    }
    let finished = workcopy::sentinel_reached(&record.stderr.text(), nonce);
    match record.exit {
        Exit::Code(0) if !finished => Outcome::Fail(explanation::checker_failure(CheckerFailure::TestEndedEarly)),
        Exit::Code(0) if record.left_behind.is_empty() => Outcome::Pass,
        Exit::Code(0) => Outcome::LeftBehind { processes: record.left_behind.clone() },
        exit => Outcome::Fail(explanation::checker_failure(CheckerFailure::TestFailed {
            exit,
            panic: panic_line(&record.stdout.text()),
        })),
    }
}

/// The verdict of a hidden check, from the nonce-guarded channel and the supervisor's record,
/// the measurements the check reported with it, and whether it found the machine too busy.
fn judge_check(record: &RunRecord, nonce: &str, name: &str, limit: Duration) -> (Outcome, Vec<String>, bool) {
    let line = VerdictLine::read(&record.result, nonce, name);
    let measurements = line.as_ref().map(|l| bounded(&l.measurements)).unwrap_or_default();
    if let Some(diagnosis) = &record.timed_out {
        let mut diagnosis = diagnosis.clone();
        diagnosis.seen_by_the_check = bounded(&HangLine::read(&record.result, nonce, name));
        return (Outcome::TimedOut { limit, diagnosis }, measurements, false);
    }
    let busy = matches!(line.as_ref().map(|l| &l.verdict), Some(Verdict::NotJudged { busy: true, .. }));
    let outcome = match line.map(|l| l.verdict) {
        Some(Verdict::NotJudged { why, .. }) => Outcome::NotJudged { why },
        Some(Verdict::Fail { failure }) => Outcome::Fail(Failure::new(failure.observed, failure.expected, failure.why)),
        Some(Verdict::Pass) if record.left_behind.is_empty() => Outcome::Pass,
        Some(Verdict::Pass) => Outcome::LeftBehind { processes: record.left_behind.clone() },
        None => {
            let stderr = record.stderr.text();
            let lines: Vec<&str> = stderr.lines().collect();
            Outcome::NoVerdict { exit: record.exit, stderr_tail: lines[lines.len().saturating_sub(12)..].join("\n") }
        }
    };
    (outcome, measurements, busy)
}

/// At most 40 lines of at most 300 characters: measurements come from a process that also ran
/// student code, so they are kept to a size a report can show.
fn bounded(lines: &[String]) -> Vec<String> {
    lines.iter().take(40).map(|line| line.chars().take(300).collect()).collect()
}

/// What a student needs from a failed test's output: libtest's section for the test (its
/// captured output and panic message) and whatever reached stderr, without libtest's framing.
fn test_output(name: &str, stdout: &str, stderr: &str) -> String {
    let header = format!("---- {name} stdout ----");
    let section: Vec<&str> = match stdout.find(&header) {
        Some(start) => stdout[start + header.len()..].lines().take_while(|line| *line != "failures:").collect(),
        None => stdout.lines().filter(|l| !l.starts_with("running ") && !l.starts_with("test result:")).collect(),
    };
    // The checker decides the backtrace setting, so its advice would only confuse.
    let noise = |line: &&str| {
        !line.starts_with("note: run with `RUST_BACKTRACE=1`") && !line.starts_with(workcopy::SENTINEL_MARK)
    };
    let mut out = section.into_iter().filter(noise).collect::<Vec<_>>().join("\n").trim().to_owned();
    if !stderr.trim().is_empty() {
        out.push('\n');
        out.push_str(&stderr.trim().lines().filter(noise).collect::<Vec<_>>().join("\n"));
    }
    out.trim().to_owned()
}

/// The panic message in libtest's output, if any.
fn panic_line(output: &str) -> Option<String> {
    let mut lines = output.lines();
    while let Some(line) = lines.next() {
        if line.contains("panicked at") {
            let message: Vec<&str> =
                lines.by_ref().take_while(|l| !l.starts_with("note:") && !l.trim().is_empty()).collect();
            return Some(if message.is_empty() { line.trim().to_owned() } else { message.join(" ") });
        }
    }
    None
}

/// 128 random bits, hex-encoded.
fn nonce() -> Result<String, SetupError> {
    let mut bytes = [0u8; 16];
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(SetupError::io("reading /dev/urandom"))?;
    Ok(workcopy::hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurements_come_with_the_verdict_and_are_bounded() {
        let line = format!(
            r#"{{"nonce":"n","check":"c","verdict":"pass","measurements":["serial 1.0 s","{}"]}}"#,
            "x".repeat(1000)
        );
        let verdict = VerdictLine::read(line.as_bytes(), "n", "c").expect("a verdict");
        let kept = bounded(&verdict.measurements);
        assert_eq!(kept[0], "serial 1.0 s");
        assert_eq!(kept[1].len(), 300);
        assert_eq!(bounded(&vec!["m".to_owned(); 100]).len(), 40);
    }

    #[test]
    fn keeps_only_the_tests_own_section() {
        let stdout = "\nrunning 1 test\ntest t ... FAILED\n\nfailures:\n\n---- t stdout ----\n\nthread 't' panicked at x.rs:1:1:\nboom\n\n\nfailures:\n    t\n\ntest result: FAILED. 0 passed; 1 failed\n";
        assert_eq!(test_output("t", stdout, ""), "thread 't' panicked at x.rs:1:1:\nboom");
        assert_eq!(
            test_output("t", stdout, "child said hi\n"),
            "thread 't' panicked at x.rs:1:1:\nboom\nchild said hi"
        );
    }

    #[test]
    fn finds_the_panic_message() {
        let output = "running 1 test\n\nthread 'x' panicked at tests/public.rs:3:5:\nassertion failed: 1 == 2\nnote: run with RUST_BACKTRACE=1\n";
        assert_eq!(panic_line(output).as_deref(), Some("assertion failed: 1 == 2"));
    }
}
