//! The command line, as clap parses it.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Builds, runs and grades the exercises of the multithreaded and asynchronous programming course.
///
/// Exit status: 0 everything passed; 1 a test, check or build of the exercise failed;
/// 2 the command line was wrong (for example an unknown exercise); 3 the course or the machine
/// is not set up (missing or corrupt course.toml, cargo not found, ...).
#[derive(Debug, Parser)]
#[command(name = "checker", version)]
pub struct Cli {
    /// The course repository (default: the nearest folder upwards holding course.toml).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The grading pack with the hidden checks (default: pack/ in the course).
    #[arg(long, global = true, value_name = "DIR")]
    pub pack: Option<PathBuf>,
    /// The language of the checker's messages, its help, the course's texts and the lessons
    /// (default: CHECKER_LANG, then the locale: LC_ALL, LC_MESSAGES, LANG; English when none of
    /// them is Russian or English).
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<crate::lang::Language>,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t, value_name = "WHEN")]
    pub color: crate::reporter::style::ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every exercise with its title and status.
    List,
    /// Build an exercise and run its public tests.
    Check {
        /// The exercise: ex04, ex04_pool or 4 (default: the first one not done).
        exercise: Option<String>,
        /// Grade the src/ folder of DIR instead of the exercise folder (progress is not touched).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Run the public tests and the hidden checks, score them and write a JSON report.
    Submit {
        /// The exercise: ex04, ex04_pool or 4.
        exercise: String,
        /// Grade the src/ folder of DIR instead of the exercise folder (progress is not touched).
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// Where to write the JSON report (default: .checker/reports/<exercise>.json).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Run only this hidden check (repeatable), without the public tests: a partial run,
        /// not recorded in the progress file.
        #[arg(long, value_name = "CHECK")]
        only: Vec<String>,
    },
    /// Show the lesson of an exercise: the topic, its Python original in the lecture notes and
    /// its Rust counterpart, pitfalls, and runnable examples (paged on a terminal).
    Lesson {
        /// The exercise: ex04, ex04_pool or 4.
        exercise: String,
    },
    /// After full marks, show the reference solution beside your code, as a diff (where the
    /// course ships solutions)
    Solution {
        /// The exercise: ex04, ex04_pool or 4.
        exercise: String,
    },
    /// Show the next hint for an exercise.
    Hint {
        /// The exercise: ex04, ex04_pool or 4 (default: the first one not done).
        exercise: Option<String>,
        /// Show every hint.
        #[arg(long)]
        all: bool,
    },
    /// Restore an exercise to its skeleton, or with --restore to the latest backup (your files
    /// are backed up first).
    Reset {
        /// The exercise to restore: ex04, ex04_pool or 4.
        exercise: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
        /// Bring back the latest backup (the files a reset replaced) instead of the skeleton.
        #[arg(long)]
        restore: bool,
    },
    /// Re-run the public tests whenever a file of the exercise is saved; move on when it passes.
    /// Keys: h hint, n next exercise, l list, r run again, s submit, q quit.
    Watch {
        /// The exercise to start with (default: the first one not done).
        exercise: Option<String>,
        /// Look for changed files every second instead of waiting for the file system's events
        /// (for file systems that send none: some network and virtual-machine folders).
        #[arg(long)]
        poll: bool,
    },
    /// The course's self-check: every skeleton fails, every reference solution passes.
    Verify {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
        /// Only the manifest and the folders (promises, hints, checks declared): no build, no run.
        #[arg(long = "static")]
        static_only: bool,
    },
    /// Every promise of the exercises and the hidden checks that observe it (or why none does).
    Promises {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
        /// How the table is printed.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::promises::TableFormat,
    },
    /// Grade a class: every submission in a folder (one folder or archive per student), for
    /// every exercise or the chosen ones; resumable, and written in several graders' formats.
    Grade {
        /// The folder of submissions: one copy of the course repository (or a .zip, .tar.gz,
        /// .tgz or .tar of one) per student, named after the student.
        submissions: PathBuf,
        /// Where the results and reports go; a second run there grades only what changed.
        #[arg(long, value_name = "DIR", default_value = "grades")]
        out: PathBuf,
        /// Only these exercises, comma-separated (default: all).
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        exercises: Vec<String>,
        /// Submissions graded in parallel.
        #[arg(short = 'j', long, value_name = "N", default_value_t = 1)]
        jobs: usize,
        /// Grade only the K-th of N slices of the class (e.g. 2/8), or `auto` to read the slice
        /// from the CI's variables; combine the slices with `checker merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// The formats to write, comma-separated (default: all).
        #[arg(long, value_delimiter = ',', value_enum)]
        format: Vec<crate::formats::Format>,
        /// A CSV file with the columns submission (the folder's or archive's name), id, name and
        /// email: the gradebook and summaries carry them, and list who is missing on either side.
        #[arg(long, value_name = "FILE")]
        roster: Option<PathBuf>,
    },
    /// Combine the --out folders of several `checker grade --shard` runs into the reports one
    /// run over the whole class writes.
    Merge {
        /// The --out folders of the shards.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Where the combined results and reports go.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The formats to write, comma-separated (default: all).
        #[arg(long, value_delimiter = ',', value_enum)]
        format: Vec<crate::formats::Format>,
        /// The class's roster, as for `grade`.
        #[arg(long, value_name = "FILE")]
        roster: Option<PathBuf>,
    },
    /// For instructors: how good are the hidden checks? Grades wrong versions (mutants) of the
    /// reference solutions like submissions and reports which ones the checks kill, by which
    /// check, and which survive, with the mutation score.
    Mutants {
        /// Only these exercises (default: all).
        exercises: Vec<String>,
        /// Mutants graded in parallel.
        #[arg(short = 'j', long, value_name = "N", default_value_t = 1)]
        jobs: usize,
        /// Where the mutants, their results and mutation-report.json go; a second run there
        /// grades only what changed (default: .checker/mutants in the course).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Grade only the K-th of N slices of the mutants (e.g. 2/8), or `auto` (see `grade`).
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Only mutants of these origins, comma-separated (default: both).
        #[arg(long, value_delimiter = ',', value_enum)]
        origin: Vec<crate::mutation::Origin>,
        /// List the mutants (id, file, line, mutation) without grading them.
        #[arg(long)]
        list: bool,
        /// Stop grading a mutant at its first failing check (the verdict is the same, sooner).
        #[arg(long)]
        fail_fast: bool,
        /// Grade only N mutants per exercise, chosen by --seed (the same seed, the same mutants).
        #[arg(long, value_name = "N")]
        sample: Option<usize>,
        /// The seed that chooses the --sample mutants.
        #[arg(long, value_name = "S", default_value_t = 0, requires = "sample")]
        seed: u64,
        /// How the report is printed.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::commands::mutants::ReportFormat,
    },
    /// Write the repository a student receives: exercises, public tests, hints and the checker,
    /// without the solutions or the hidden checks.
    Handout {
        /// A new folder.
        out: PathBuf,
    },
    /// For instructors: per exercise, the pairs of submissions whose code is most alike (names
    /// and literals abstracted, the skeleton's code left out), to read side by side. It flags,
    /// it does not accuse.
    Similarity {
        /// The folder of submissions, as for `grade`.
        submissions: PathBuf,
        /// Where similarity.json and similarity.html go (the class report's folder).
        #[arg(long, value_name = "DIR", default_value = "grades")]
        out: PathBuf,
        /// Only these exercises, comma-separated (default: all).
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        exercises: Vec<String>,
    },
    /// For instructors: write the Gradescope autograder (autograder.zip to upload, with its
    /// setup.sh and run_autograder), which grades each submission with this course's checker.
    GradescopeAutograder {
        /// A new folder.
        out: PathBuf,
        /// Only these exercises, comma-separated (default: all).
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        exercises: Vec<String>,
    },
    /// Print the shell's completion script for checker (bash: `source <(checker completions
    /// bash)` in ~/.bashrc; zsh: save it as `_checker` in a folder of $fpath; fish: save it as
    /// ~/.config/fish/completions/checker.fish).
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Write the sources of a mutant (a folder of tests/mutants/<id>/) or of a correct
    /// alternative (tests/alternatives/<id>/) into OUT/src: the current reference solution with
    /// its edits, for `checker submit EX --from OUT`.
    #[command(hide = true)]
    MaterializeMutant {
        /// The mutant's folder, holding its mutant.toml (or an alternative.toml).
        mutant: PathBuf,
        /// Where to write it (OUT/src must not exist yet).
        #[arg(long, value_name = "OUT")]
        into: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every argument and option of every command has help text: `--help` never shows a bare
    /// `<EXERCISE>`.
    #[test]
    fn every_argument_has_help_text() {
        fn walk(command: &clap::Command, path: &str, blank: &mut Vec<String>) {
            let path = format!("{path} {}", command.get_name());
            for arg in command.get_arguments() {
                let generated = matches!(arg.get_id().as_str(), "help" | "version");
                if !generated && arg.get_help().is_none() && arg.get_long_help().is_none() {
                    blank.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &path, blank);
            }
        }
        let mut blank = Vec::new();
        walk(&Cli::command(), "", &mut blank);
        assert!(blank.is_empty(), "arguments without help text: {blank:?}");
    }
}
