//! `checker grade SUBMISSIONS` and `checker merge`: grading a class and writing the results in
//! the formats other graders read (see [`crate::batch`] and [`crate::formats`]).

use super::Context;
use crate::batch::record::GradeRecord;
use crate::batch::roster::Roster;
use crate::batch::shard::Shard;
use crate::batch::store::Store;
use crate::batch::{self, Options};
use crate::error::{exit_code, SetupError};
use crate::explanation::plural;
use crate::formats::{self, Format};
use crate::manifest::Exercise;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct GradeArgs {
    pub submissions: PathBuf,
    pub out: PathBuf,
    pub exercises: Vec<String>,
    pub jobs: usize,
    pub shard: Option<String>,
    pub formats: Vec<Format>,
    pub roster: Option<PathBuf>,
}

pub fn grade(context: &Context, args: GradeArgs) -> Result<u8, SetupError> {
    let cwd = std::env::current_dir().map_err(SetupError::io("reading the current folder"))?;
    let submissions = cwd.join(&args.submissions);
    if !submissions.is_dir() {
        return Err(SetupError::Refused(format!(
            "{} is not a folder: give the folder that holds one folder (or archive) per student",
            args.submissions.display()
        )));
    }
    batch::submissions::check_is_a_class(&submissions, &context.course)?;
    // A roster that cannot be used is refused before hours of grading, not after.
    let roster = args.roster.as_deref().map(|path| Roster::load(&cwd.join(path))).transpose()?;
    let exercises: Vec<&Exercise> = if args.exercises.is_empty() {
        context.course.exercises.iter().collect()
    } else {
        args.exercises.iter().map(|q| context.exercise(q)).collect::<Result<_, _>>()?
    };
    let shard = args.shard.as_deref().map(|s| Shard::parse(s, |name| std::env::var(name).ok())).transpose()?;
    let out = cwd.join(&args.out);
    let _lock = super::lock(&context.layout, context.messages)?;
    let options = Options {
        submissions,
        out: out.clone(),
        exercises,
        jobs: args.jobs,
        shard,
        fail_fast: false,
        language: context.language,
    };
    if let Some(shard) = shard {
        println!("grading shard {}/{} of the class", shard.index, shard.total);
    }
    let graded = batch::grade(&context.layout, &context.course, &options)?;
    println!(
        "\ngraded {}: {} graded now, {} unchanged since an earlier run and kept",
        plural(graded.students, "student", "students"),
        plural(graded.graded_now, "result", "results"),
        graded.kept
    );
    report(context, &out, &graded.records, &args.formats, roster.as_ref())?;
    Ok(exit_code::PASS)
}

pub fn merge(
    context: &Context,
    inputs: &[PathBuf],
    out: &Path,
    formats: &[Format],
    roster: Option<&Path>,
) -> Result<u8, SetupError> {
    let roster = roster.map(Roster::load).transpose()?;
    let mut merged: BTreeMap<(String, String), (GradeRecord, PathBuf)> = BTreeMap::new();
    for input in inputs {
        if !input.join("results").is_dir() {
            return Err(SetupError::Refused(format!(
                "{} holds no results/ folder: give the --out folders of `checker grade` runs",
                input.display()
            )));
        }
        for (key, record) in Store::open(input)?.load()? {
            match merged.get(&key) {
                Some((existing, from)) if existing != &record => {
                    return Err(SetupError::Refused(format!(
                        "{} / {} was graded differently in {} and in {}: merge the outputs of one batch's shards only",
                        key.0,
                        key.1,
                        from.display(),
                        input.display()
                    )));
                }
                _ => {
                    merged.insert(key, (record, input.clone()));
                }
            }
        }
    }
    let store = Store::open(out)?;
    let records: Vec<GradeRecord> = merged.into_values().map(|(record, _)| record).collect();
    for record in &records {
        store.save(record)?;
    }
    let students: std::collections::BTreeSet<&str> = records.iter().map(|r| r.student.as_str()).collect();
    println!(
        "merged {} of {} from {}",
        plural(records.len(), "result", "results"),
        plural(students.len(), "student", "students"),
        plural(inputs.len(), "folder", "folders")
    );
    report(context, out, &records, formats, roster.as_ref())?;
    Ok(exit_code::PASS)
}

/// Prints the class summary and writes the formats.
fn report(
    context: &Context,
    out: &Path,
    records: &[GradeRecord],
    formats: &[Format],
    roster: Option<&Roster>,
) -> Result<(), SetupError> {
    let class = formats::class(&context.course, records, roster);
    println!();
    println!("{:<24} {:>8} {:>8} {:>10}  most failed checks", "exercise", "passed", "median", "missing");
    for s in &class.summary {
        let most = s
            .most_failed_checks
            .as_ref()
            .map(|most| format!("{} {}", most.checks.join(", "), most.count()))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<24} {:>8} {:>8} {:>10}  {most}",
            s.exercise,
            format!("{}/{}", s.passed, s.graded + s.not_submitted),
            format!("{}/{}", s.median_score, s.max_score),
            s.not_submitted
        );
    }
    if roster.is_some() {
        let unlisted: Vec<&str> =
            class.students.iter().filter(|s| s.entry.is_none()).map(|s| s.name.as_str()).collect();
        if !unlisted.is_empty() {
            println!("\nnot in the roster ({}): {}", unlisted.len(), unlisted.join(", "));
        }
        if !class.without_submission.is_empty() {
            let names: Vec<String> =
                class.without_submission.iter().map(|e| format!("{} ({})", e.name, e.submission)).collect();
            println!("\nno submission ({}): {}", names.len(), names.join(", "));
        }
    }
    let formats = if formats.is_empty() { Format::ALL.to_vec() } else { formats.to_vec() };
    let written = formats::write(out, &class, &formats)?;
    println!(
        "\nwrote {} in {} (results in {})",
        plural(written.len(), "file", "files"),
        out.display(),
        out.join("results").display()
    );
    Ok(())
}
