//! Grading a class: every submission in a folder, for every exercise (or a chosen few), by
//! parallel workers, with results kept per student and exercise so that a batch killed halfway
//! and started again grades only what is unfinished or has changed.
//!
//! The data flows as for one submission — the same [`Run`] for each (student, exercise) — and
//! the records go to the [`store`]; the [`crate::formats`] render them for other graders.
//! Workers share one cargo target folder, so the dependencies are built once per batch and
//! each submission compiles only its own code; each worker has its own working copies (and, as
//! root, every job its own user, see [`crate::sandbox`]), and no job sees the class, the results
//! or another worker's files ([`isolation`]). A check marked `timing_sensitive` runs alone
//! ([`crate::gate`]).

pub mod isolation;
pub mod names;
pub mod private;
pub mod record;
pub mod roster;
pub mod shard;
pub mod store;
pub mod submissions;
pub mod summary;

use crate::error::SetupError;
use crate::events::Mode;
use crate::gate::{Gate, Worker};
use crate::layout::Layout;
use crate::manifest::{Course, Exercise};
use crate::runner::Run;
use record::{GradeRecord, Status};
use sha2::{Digest, Sha256};
use shard::Shard;
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Instant;
use submissions::Submission;

pub struct Options<'a> {
    pub submissions: PathBuf,
    pub out: PathBuf,
    pub exercises: Vec<&'a Exercise>,
    pub jobs: usize,
    pub shard: Option<Shard>,
    /// Stop grading a submission at its first failing check (`checker mutants --fail-fast`).
    pub fail_fast: bool,
    /// The language of the hidden checks' explanations in the records: one per run, so that a
    /// class's reports read alike (`checker --lang ru grade`); English by default.
    pub language: crate::lang::Language,
}

/// What a batch did.
pub struct Graded {
    /// One record per student and exercise of this batch (this shard's students).
    pub records: Vec<GradeRecord>,
    pub students: usize,
    /// Graded in this run, and kept from an earlier run (unchanged sources and grader).
    pub graded_now: usize,
    pub kept: usize,
}

struct Task<'a> {
    submission: &'a Submission,
    exercise: &'a Exercise,
}

pub fn grade(layout: &Layout, course: &Course, options: &Options) -> Result<Graded, SetupError> {
    // Student code must not read the class's submissions or results: refused if impossible.
    isolation::check_hideable(layout, "the submissions folder", &options.submissions)?;
    isolation::check_hideable(layout, "the results folder (--out)", &options.out)?;
    let unpacked = layout.state.join("grade").join("unpacked");
    let mut class = submissions::discover(&options.submissions, course, &unpacked)?;
    if let Some(shard) = options.shard {
        class = class.into_iter().enumerate().filter(|(i, _)| shard.takes(*i)).map(|(_, s)| s).collect();
    }
    let store = store::Store::open(&options.out)?;
    let earlier = store.load()?;
    let graders: BTreeMap<&str, String> =
        options.exercises.iter().map(|e| (e.id.as_str(), grader_id(layout, course, e, options.language))).collect();
    let tasks: VecDeque<Task> = class
        .iter()
        .flat_map(|submission| options.exercises.iter().map(move |exercise| Task { submission, exercise }))
        .collect();
    let total = tasks.len();
    let queue = Mutex::new(tasks);
    let gate = Gate::default();
    let stop = AtomicBool::new(false);
    let jobs = options.jobs.max(1);
    // Every job finds these empty; each worker adds the other workers' folders.
    let class_folders: Vec<PathBuf> = [&options.submissions, &options.out, &unpacked]
        .into_iter()
        .filter_map(|dir| std::fs::canonicalize(dir).ok())
        .collect();
    isolation::prepare(layout, jobs)?;
    let progress = Progress::new(total);
    let (sender, results) = mpsc::channel::<Result<(GradeRecord, bool), SetupError>>();
    let mut records = Vec::new();
    let mut kept = 0;
    let mut failure = None;
    std::thread::scope(|scope| {
        for slot in 0..jobs {
            let (queue, gate, stop, sender, earlier, graders) =
                (&queue, &gate, &stop, sender.clone(), &earlier, &graders);
            let hide = isolation::hidden_from(layout, slot, &class_folders);
            scope.spawn(move || {
                let layout = layout.for_worker(slot);
                let worker = Worker { gate, hide };
                while !stop.load(Ordering::SeqCst) {
                    let Some(task) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front() else { break };
                    let grader = &graders[task.exercise.id.as_str()];
                    let result = grade_one(&layout, course, &worker, &task, grader, earlier, options);
                    if sender.send(result).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for result in results {
            match result {
                Ok((record, reused)) => {
                    if let Err(error) = store.save(&record) {
                        stop.store(true, Ordering::SeqCst);
                        failure.get_or_insert(error);
                        continue;
                    }
                    kept += usize::from(reused);
                    progress.done(&record, reused);
                    records.push(record);
                }
                Err(error) => {
                    // A machine problem (cargo missing, the sandbox failing) would give every
                    // student a wrong grade: stop, keep what is finished, and say why.
                    stop.store(true, Ordering::SeqCst);
                    failure.get_or_insert(error);
                }
            }
        }
    });
    progress.finish();
    if let Some(error) = failure {
        return Err(error);
    }
    records.sort_by(|a, b| (&a.student, &a.exercise).cmp(&(&b.student, &b.exercise)));
    Ok(Graded { graded_now: records.len() - kept, kept, students: class.len(), records })
}

/// Grades one student's exercise, or keeps the earlier grade when nothing changed.
fn grade_one(
    layout: &Layout,
    course: &Course,
    worker: &Worker,
    task: &Task,
    grader: &str,
    earlier: &BTreeMap<(String, String), GradeRecord>,
    options: &Options,
) -> Result<(GradeRecord, bool), SetupError> {
    let started = Instant::now();
    let (student, exercise) = (&task.submission.student, task.exercise);
    let ungraded = |status, reason: String| {
        let mut record = GradeRecord::ungraded(student, &exercise.id, grader, status, exercise.max_points(), reason);
        record.graded_at = Some(now());
        Ok((record, false))
    };
    let folder = match &task.submission.exercises {
        Ok(folder) => folder.join(&exercise.dir),
        Err(why) => return ungraded(Status::Refused, why.clone()),
    };
    if !folder.is_dir() {
        return ungraded(Status::Missing, format!("the submission has no folder exercises/{}", exercise.dir));
    }
    let sources = match crate::workcopy::submitted(layout, exercise, &folder) {
        Ok(sources) => sources,
        Err(SetupError::Submission(why)) => return ungraded(Status::Refused, why),
        Err(other) => return Err(other),
    };
    if let Some(old) = earlier.get(&(student.clone(), exercise.id.clone())) {
        if old.grader == grader && old.sources_sha256.as_deref() == Some(sources.sha256.as_str()) {
            return Ok((old.clone(), true));
        }
    }
    // The working copy is written in a closed folder and sealed before any of the student's
    // code runs (`Run::execute` finds it written and leaves it as it is); it goes when this
    // function returns.
    let working_copy = isolation::WorkingCopy::open(layout, exercise)?;
    match crate::workcopy::prepare(layout, course, exercise, &folder) {
        Ok(_) => working_copy.seal()?,
        Err(SetupError::Submission(why)) => return ungraded(Status::Refused, why),
        Err(other) => return Err(other),
    }
    let run = Run {
        layout,
        course,
        exercise,
        mode: Mode::Submit,
        submission: folder.clone(),
        worker: Some(worker),
        fail_fast: options.fail_fast,
        only: Vec::new(),
        language: options.language,
    };
    match run.execute(&mut |_| {}) {
        Ok(summary) => {
            let mut record = GradeRecord::from_summary(student, grader, &summary);
            record.duration_ms = started.elapsed().as_millis() as u64;
            record.graded_at = Some(now());
            // A clone's last commit; otherwise when the graded files last changed.
            let changed = |file: &crate::workcopy::SourceFile| {
                std::fs::metadata(folder.join(&file.path)).and_then(|m| m.modified()).ok()
            };
            let submitted =
                task.submission.committed_at.or_else(|| summary.sources.files.iter().filter_map(changed).max());
            record.submitted_at = submitted.map(rfc3339);
            Ok((record, false))
        }
        Err(SetupError::Submission(why)) => ungraded(Status::Refused, why),
        Err(other) => Err(other),
    }
}

fn now() -> String {
    rfc3339(std::time::SystemTime::now())
}

fn rfc3339(time: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// What a grade depends on besides the submission: the checker's version, the manifest, the
/// exercise's public tests, the grading pack's checks and support library, and the course's
/// own crates. A change to any of them makes earlier grades stale.
/// `language`: the explanations' language is part of the grade (a record in another language is
/// graded again); English adds nothing, so English ids are those of earlier versions.
pub fn grader_id(layout: &Layout, course: &Course, exercise: &Exercise, language: crate::lang::Language) -> String {
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION"));
    if language != crate::lang::Language::En {
        hash.update(language.code());
    }
    let mut inputs = vec![
        layout.manifest(),
        layout.exercise_dir(exercise).join("tests"),
        layout.pack.join(&exercise.id),
        layout.pack_support(),
        // Code the pack's programs share by `#[path]` inclusion.
        layout.pack.join("shared"),
    ];
    // The course's own crates (path dependencies such as course_sync).
    inputs.extend(
        course
            .dependencies
            .values()
            .filter_map(|spec| spec.get("path").and_then(|p| p.as_str()))
            .map(|path| layout.root.join(path).join("src")),
    );
    for input in inputs {
        hash_tree(&mut hash, &input);
    }
    crate::workcopy::hex(&hash.finalize())[..16].to_owned()
}

fn hash_tree(hash: &mut Sha256, path: &Path) {
    if path.is_file() {
        hash.update(path.display().to_string());
        hash.update(std::fs::read(path).unwrap_or_default());
        return;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name != "target" && !name.starts_with('.') {
            hash_tree(hash, &entry);
        }
    }
}

/// A progress bar on a terminal; one line per result in a log.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: Mutex<usize>,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} graded, {elapsed} ({eta} left) {msg}")
                    .expect("a valid template"),
            );
            bar
        });
        Progress { bar, total, done: Mutex::new(0) }
    }

    fn done(&self, record: &GradeRecord, reused: bool) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done += 1;
        let how = match (reused, record.status) {
            (true, _) => "unchanged, kept".to_owned(),
            (false, Status::Graded) => format!("{:.1} s", record.duration_ms as f64 / 1000.0),
            (false, Status::Missing) => "not submitted".to_owned(),
            (false, Status::Refused) => "cannot be graded".to_owned(),
        };
        let line = format!("{} {}: {}/{} ({how})", record.student, record.exercise, record.score, record.max_score);
        match &self.bar {
            Some(bar) => {
                bar.set_position(*done as u64);
                bar.set_message(line);
            }
            // A log of progress, not a result: stdout stays for the reports (`--format json`).
            None => eprintln!("[{}/{}] {line}", *done, self.total),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::grader_id;
    use crate::lang::Language;

    /// A record graded in one language is not kept for a run in another; English is the id of
    /// earlier versions.
    #[test]
    fn the_language_is_part_of_the_grader_only_when_not_english() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let layout = crate::layout::Layout::discover(Some(root), None).expect("the course");
        let course = crate::manifest::Course::load(&layout.manifest()).expect("course.toml");
        let exercise = course.find("ex01").expect("ex01");
        let english = grader_id(&layout, &course, exercise, Language::En);
        assert_eq!(english, grader_id(&layout, &course, exercise, Language::En));
        assert_ne!(english, grader_id(&layout, &course, exercise, Language::Ru));
    }
}
