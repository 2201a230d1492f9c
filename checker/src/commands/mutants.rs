//! `checker mutants [EX...]`: how good are the hidden checks? Generates wrong versions of the
//! reference solutions (the checker's own concurrency operators and cargo-mutants' generic
//! ones), grades each as a student's submission through the batch machinery (`-j`, resuming,
//! shards, the sandbox), and reports per exercise which mutants the checks kill, by which check,
//! and which survive.
//!
//! Each exercise is one batch over `OUT/<id>/submissions/<mutant-id>/exercises/<dir>/src/`,
//! with its records in `OUT/<id>/results/`: a second run grades only mutants whose sources, or
//! whose grader (course, pack, checker), changed. `--fail-fast` does not change a verdict (the
//! first failing check is the same), so records made with and without it are interchangeable.

use super::Context;
use crate::batch::record::GradeRecord;
use crate::batch::shard::Shard;
use crate::batch::{self, Options};
use crate::error::{exit_code, SetupError};
use crate::manifest::Exercise;
use crate::mutation::report::{self, ExerciseReport, MutationReport};
use crate::mutation::{self, cargo_mutants, equivalent, Mutant, Origin};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How the report is printed (the JSON report is written to `OUT/mutation-report.json` always).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

pub struct MutantsArgs {
    pub exercises: Vec<String>,
    pub jobs: usize,
    /// Default: `.checker/mutants` in the course.
    pub out: Option<PathBuf>,
    pub shard: Option<String>,
    /// Only mutants of these origins (empty: all).
    pub origins: Vec<Origin>,
    /// Only list the mutants.
    pub list: bool,
    pub fail_fast: bool,
    pub sample: Option<usize>,
    pub seed: u64,
    pub format: ReportFormat,
}

pub fn run(context: &Context, args: MutantsArgs) -> Result<u8, SetupError> {
    let cwd = std::env::current_dir().map_err(SetupError::io("reading the current folder"))?;
    let exercises: Vec<&Exercise> = if args.exercises.is_empty() {
        context.course.exercises.iter().collect()
    } else {
        args.exercises.iter().map(|q| context.exercise(q)).collect::<Result<_, _>>()?
    };
    let shard = args.shard.as_deref().map(|s| Shard::parse(s, |name| std::env::var(name).ok())).transpose()?;
    let out = args.out.as_ref().map_or_else(|| context.layout.state.join("mutants"), |out| cwd.join(out));
    let mut notes = Vec::new();
    let wanted = |origin| args.origins.is_empty() || args.origins.contains(&origin);
    let with_cargo_mutants = wanted(Origin::CargoMutants) && cargo_mutants::installed();
    if wanted(Origin::CargoMutants) && !with_cargo_mutants {
        notes.push(format!(
            "cargo-mutants is not installed: only the checker's own mutants are graded (run `{}` to add its mutants)",
            cargo_mutants::INSTALL
        ));
        eprintln!("note: {}", notes[0]);
    }
    if args.list {
        return list(context, &exercises, (wanted(Origin::Checker), with_cargo_mutants));
    }
    let _lock = super::lock(&context.layout, context.messages)?;
    let mut reports = Vec::new();
    for exercise in exercises {
        let (report, exercise_notes) =
            mutate_exercise(context, exercise, &args, shard, &out, (wanted(Origin::Checker), with_cargo_mutants))?;
        for note in &exercise_notes {
            eprintln!("note: {note}");
        }
        notes.extend(exercise_notes);
        reports.push(report);
    }
    let report = MutationReport::new(
        reports,
        args.fail_fast,
        args.sample.map(|size| report::Sample { size, seed: args.seed }),
        shard.map(|s| format!("{}/{}", s.index, s.total)),
        notes,
    );
    let path = out.join("mutation-report.json");
    std::fs::create_dir_all(&out)
        .and_then(|()| std::fs::write(&path, serde_json::to_vec_pretty(&report).expect("a report serialises")))
        .map_err(SetupError::io(format!("writing {}", path.display())))?;
    match args.format {
        ReportFormat::Text => {
            eprintln!("the report in JSON: {}", path.display());
            print!("{}", report::render_text(&report));
        }
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report).expect("a report serialises")),
    }
    Ok(exit_code::PASS)
}

/// `--list`: every mutant, without grading.
fn list(
    context: &Context,
    exercises: &[&Exercise],
    (with_own, with_cargo_mutants): (bool, bool),
) -> Result<u8, SetupError> {
    for exercise in exercises {
        let Generated { mutants, notes, .. } = generate(context, exercise, with_own, with_cargo_mutants)?;
        let equivalent = equivalent::load(&equivalent::path(&context.layout.root, &exercise.id))?;
        println!("{}: {} mutants", exercise.id, mutants.len());
        for mutant in mutants {
            let mark = if equivalent.contains_key(&mutant.id) { " (equivalent)" } else { "" };
            println!("  {}:{}  {}  {}{mark}", mutant.file, mutant.line, mutant.id, mutant.description);
        }
        notes.iter().for_each(|note| eprintln!("note: {note}"));
    }
    Ok(exit_code::PASS)
}

/// Generates, selects, writes and grades one exercise's mutants.
fn mutate_exercise(
    context: &Context,
    exercise: &Exercise,
    args: &MutantsArgs,
    shard: Option<Shard>,
    out: &Path,
    (with_own, with_cargo_mutants): (bool, bool),
) -> Result<(ExerciseReport, Vec<String>), SetupError> {
    let started = Instant::now();
    let layout = &context.layout;
    let Generated { files, mutants, mut notes } = generate(context, exercise, with_own, with_cargo_mutants)?;
    let equivalent_file = equivalent::path(&layout.root, &exercise.id);
    let equivalent = equivalent::load(&equivalent_file)?;
    let ids: BTreeSet<&str> = mutants.iter().map(|m| m.id.as_str()).collect();
    for stale in equivalent.keys().filter(|id| !ids.contains(id.as_str())) {
        notes.push(format!("{} lists {stale}, which is no longer generated", layout.show(&equivalent_file)));
    }
    let candidates: Vec<Mutant> = mutants.iter().filter(|m| !equivalent.contains_key(&m.id)).cloned().collect();
    let selected = match args.sample {
        Some(size) => mutation::sample(candidates, size, args.seed),
        None => candidates,
    };

    // The submissions folder holds exactly this run's mutants; the results stay, for resuming.
    let folder = out.join(&exercise.id);
    let submissions = folder.join("submissions");
    if submissions.exists() {
        std::fs::remove_dir_all(&submissions).map_err(SetupError::io(format!("emptying {}", submissions.display())))?;
    }
    std::fs::create_dir_all(&submissions).map_err(SetupError::io(format!("creating {}", submissions.display())))?;
    for mutant in &selected {
        mutation::materialize(&submissions, &exercise.dir, &files, mutant)?;
    }
    eprintln!(
        "{}: {} mutants, {} equivalent, grading {}{}",
        exercise.id,
        mutants.len(),
        mutants.iter().filter(|m| equivalent.contains_key(&m.id)).count(),
        selected.len(),
        shard.map(|s| format!(" (shard {}/{})", s.index, s.total)).unwrap_or_default()
    );
    let options = Options {
        submissions,
        out: folder,
        exercises: vec![exercise],
        jobs: args.jobs,
        shard,
        fail_fast: args.fail_fast,
        // The mutants' explanations are compared with their `message` in English.
        language: crate::lang::Language::En,
    };
    let graded = batch::grade(layout, &context.course, &options)?;
    eprintln!(
        "{}: {} graded now, {} unchanged since an earlier run and kept",
        exercise.id, graded.graded_now, graded.kept
    );
    let records: BTreeMap<String, GradeRecord> = graded.records.into_iter().map(|r| (r.student.clone(), r)).collect();
    let report = report::exercise_report(
        &exercise.id,
        &mutants,
        &equivalent,
        &records,
        selected.len(),
        started.elapsed().as_millis() as u64,
    );
    Ok((report, notes))
}

/// An exercise's solution and its mutants.
struct Generated {
    /// The solution's sources, by path relative to its folder.
    files: BTreeMap<String, String>,
    /// Every mutant, with its id, in the order of the files.
    mutants: Vec<Mutant>,
    /// What could not be generated.
    notes: Vec<String>,
}

fn generate(
    context: &Context,
    exercise: &Exercise,
    with_own: bool,
    with_cargo_mutants: bool,
) -> Result<Generated, SetupError> {
    let layout = &context.layout;
    let files = mutation::sources(&layout.solution_dir(exercise))?;
    let mut notes = Vec::new();
    let mut mutants = if with_own { mutation::own_mutants(&files) } else { Vec::new() };
    if with_cargo_mutants {
        match cargo_mutants::mutants(&layout.root.join("solutions"), &exercise.dir, &files) {
            Ok((theirs, skipped)) => {
                mutants.extend(theirs);
                notes.extend(skipped);
            }
            Err(why) => notes.push(format!("{}: {why}", exercise.id)),
        }
    }
    mutation::assign_ids(&exercise.id, &mut mutants, &files);
    Ok(Generated { files, mutants: without_duplicates(mutants), notes })
}

/// The same mutated file from two sources (or two operators) is graded once: the first is kept.
fn without_duplicates(mutants: Vec<Mutant>) -> Vec<Mutant> {
    let mut seen = BTreeSet::new();
    let mut mutants: Vec<Mutant> =
        mutants.into_iter().filter(|m| seen.insert((m.file.clone(), m.mutated.clone()))).collect();
    mutants.sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
    mutants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutant(id: &str, line: usize, mutated: &str) -> Mutant {
        Mutant {
            id: id.into(),
            origin: Origin::Checker,
            operator: "op".into(),
            file: "src/lib.rs".into(),
            line,
            description: String::new(),
            mutated: mutated.into(),
        }
    }

    #[test]
    fn the_same_mutated_file_is_graded_once_and_mutants_are_in_file_order() {
        let mutants = vec![mutant("b", 9, "x"), mutant("a", 3, "y"), mutant("c", 1, "x")];
        let kept: Vec<String> = without_duplicates(mutants).into_iter().map(|m| m.id).collect();
        assert_eq!(kept, ["a", "b"]);
    }
}
