//! One module per subcommand; [`dispatch`] loads the course and calls the right one.

mod classroom;
mod grade;
mod gradescope;
mod handout;
mod hint;
mod lesson;
mod list;
mod materialize_mutant;
pub mod mutants;
mod promises;
mod reset;
mod run;
mod similarity;
mod solution;
mod verify;
mod watch;

use crate::cli::{Cli, Command};
use crate::error::SetupError;
use crate::layout::Layout;
use crate::manifest::{Course, Exercise};
use i18n_embed_fl::fl;

/// What every command works on.
pub struct Context {
    pub layout: Layout,
    pub course: Course,
    /// Whether the console output is coloured (`--color`).
    pub colour: bool,
    /// The student's language (`--lang`, see [`crate::lang`]), and the checker's messages in it.
    pub language: crate::lang::Language,
    pub messages: &'static crate::messages::Messages,
}

impl Context {
    pub fn exercise(&self, query: &str) -> Result<&Exercise, SetupError> {
        self.course.find(query).ok_or_else(|| SetupError::UnknownExercise {
            query: query.to_owned(),
            valid: self.course.exercises.iter().map(|e| e.id.clone()).collect(),
        })
    }

    /// The named exercise, or without a name the current one: the first not done, where
    /// `watch` starts too (said on the terminal, since the student did not name it).
    pub fn exercise_or_current(&self, query: Option<&str>) -> Result<&Exercise, SetupError> {
        if let Some(query) = query {
            return self.exercise(query);
        }
        let current =
            self.first_not_done()?.ok_or_else(|| SetupError::Refused(fl!(self.messages, "all-done-name-one")))?;
        eprintln!("{}", fl!(self.messages, "first-not-done", exercise = current.id.as_str()));
        Ok(current)
    }

    /// The first exercise whose status is not done, if any.
    pub fn first_not_done(&self) -> Result<Option<&Exercise>, SetupError> {
        let progress = crate::progress::Progress::load(&self.layout.progress_file())?;
        Ok(self.course.exercises.iter().find(|e| progress.status(&e.id) != crate::progress::Status::Done))
    }
}

/// Runs the command; returns the exit code.
/// `language` is the one the user chose (`crate::lang::Language::choose`).
pub fn dispatch(cli: Cli, language: crate::lang::Language) -> Result<u8, SetupError> {
    // Completions are installed once, from anywhere: they need no course.
    if let Command::Completions { shell } = cli.command {
        return Ok(completions(shell));
    }
    let layout = Layout::discover(cli.root, cli.pack)?;
    let mut course = Course::load(&layout.manifest())?;
    if language != crate::lang::Language::En {
        // A broken translation never stops a student: the course is then shown in English.
        match crate::translation::Translation::load(&crate::translation::Translation::path(&layout.root, language)) {
            Ok(Some(translation)) => translation.apply(&mut course),
            Ok(None) => {}
            Err(e) => eprintln!("{}", fl!(crate::messages::of(language), "translation-broken", error = e.to_string())),
        }
    }
    let messages = crate::messages::of(language);
    let context = Context { layout, course, colour: cli.color.enabled(), language, messages };
    crate::skeletons::keep(&context.layout, &context.course);
    match cli.command {
        Command::List => list::run(&context),
        Command::Check { exercise, from } => {
            let exercise = context.exercise_or_current(exercise.as_deref())?.id.clone();
            run::check_or_submit(&context, &exercise, crate::events::Mode::Check, from, None, &[])
        }
        Command::Submit { exercise, from, report, only } => {
            run::check_or_submit(&context, &exercise, crate::events::Mode::Submit, from, report, &only)
        }
        Command::Lesson { exercise } => lesson::run(&context, &exercise, language),
        Command::Solution { exercise } => solution::run(&context, &exercise),
        Command::Hint { exercise, all } => {
            let exercise = context.exercise_or_current(exercise.as_deref())?.id.clone();
            hint::run(&context, &exercise, all)
        }
        Command::Reset { exercise, yes, restore } => reset::run(&context, &exercise, yes, restore),
        Command::Watch { exercise, poll } => watch::run(&context, exercise.as_deref(), poll),
        Command::Verify { exercises, static_only } => verify::run(&context, &exercises, static_only),
        Command::Promises { exercises, format } => promises::run(&context, &exercises, format),
        Command::Grade { submissions, out, exercises, jobs, shard, format, roster } => grade::grade(
            &context,
            grade::GradeArgs { submissions, out, exercises, jobs, shard, formats: format, roster },
        ),
        Command::Merge { inputs, out, format, roster } => {
            let cwd = std::env::current_dir().map_err(SetupError::io("reading the current folder"))?;
            let inputs: Vec<_> = inputs.iter().map(|i| cwd.join(i)).collect();
            let roster = roster.map(|r| cwd.join(r));
            grade::merge(&context, &inputs, &cwd.join(out), &format, roster.as_deref())
        }
        Command::Mutants { exercises, jobs, out, shard, origin, list, fail_fast, sample, seed, format } => {
            mutants::run(
                &context,
                mutants::MutantsArgs {
                    exercises,
                    jobs,
                    out,
                    shard,
                    origins: origin,
                    list,
                    fail_fast,
                    sample,
                    seed,
                    format,
                },
            )
        }
        Command::Handout { out } => handout::run(&context, &out),
        Command::GradescopeAutograder { out, exercises } => gradescope::run(&context, &out, &exercises),
        Command::Similarity { submissions, out, exercises } => {
            similarity::run(&context, &submissions, &out, &exercises)
        }
        Command::MaterializeMutant { mutant, into } => materialize_mutant::run(&context, &mutant, &into),
        Command::Completions { shell } => Ok(completions(shell)),
    }
}

/// Prints the completion script for `shell` (clap_complete writes it from the command line's
/// own definition, so it knows every command and option).
fn completions(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "checker", &mut std::io::stdout());
    crate::error::exit_code::PASS
}

/// Holds the course's lock: one build-and-run at a time per course, since runs share the
/// working copies and timing checks should not compete with each other for the CPU.
pub struct CourseLock {
    _file: std::fs::File,
}

pub fn lock(layout: &Layout, messages: &crate::messages::Messages) -> Result<CourseLock, SetupError> {
    use std::os::fd::AsRawFd;
    std::fs::create_dir_all(&layout.state).map_err(SetupError::io(format!("creating {}", layout.state.display())))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(layout.lock_file())
        .map_err(SetupError::io("opening the course lock"))?;
    // SAFETY: flock on a descriptor we own; released when the file is closed.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        eprintln!("{}", fl!(messages, "waiting-for-another-run"));
        // SAFETY: as above.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(SetupError::io("locking the course")(std::io::Error::last_os_error()));
        }
    }
    Ok(CourseLock { _file: file })
}
