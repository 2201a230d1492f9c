//! `checker watch [EX]`: re-run the public tests whenever a file of the exercise is saved, and
//! move on to the next exercise once they pass. Each run starts on a clear screen with what
//! changed; below the result, the course's progress and, on a terminal, one-key commands as in
//! rustlings' watch: `h` next hint, `n` next exercise, `l` list, `r` run again, `s` submit, `q`
//! quit. Where file events do not arrive (some network and virtual-machine file systems), it
//! notices a changed file by its time stamp, says so, and `--poll` looks every second instead.

use super::run::{check_or_submit, run_reported};
use super::Context;
use crate::error::{exit_code, SetupError};
use crate::events::Mode;
use crate::manifest::Exercise;
use crate::progress::{Progress, Status};
use crate::terminal::Keys;
use i18n_embed_fl::fl;
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

/// Editors write a file in several steps; changes this close together are one save.
const SETTLE: Duration = Duration::from_millis(300);
/// How often the files' time stamps are compared, to notice changes without events.
const LOOK: Duration = Duration::from_secs(2);

/// What the watch waits for.
enum Input {
    Changed(PathBuf),
    Key(char),
}

/// How the watch of one exercise ended.
enum Next {
    Passed,
    Skipped,
    Quit,
}

pub fn run(context: &Context, start: Option<&str>, poll: bool) -> Result<u8, SetupError> {
    let (sender, inputs) = mpsc::channel();
    let keys_sender = sender.clone();
    let keys = Keys::read(move |key| keys_sender.send(Input::Key(key)).is_ok());
    let mut current = match start {
        Some(query) => Some(context.exercise(query)?),
        None => context.first_not_done()?,
    };
    let messages = context.messages;
    while let Some(exercise) = current {
        let next = watch(context, exercise, poll, keys.is_some(), &sender, &inputs)?;
        current = context.course.next_after(&exercise.id);
        let id = exercise.id.as_str();
        match (next, current) {
            (Next::Quit, _) => return Ok(exit_code::PASS),
            (Next::Skipped, Some(next)) => println!("\n{}", fl!(messages, "watch-on-to", next = next.id.as_str())),
            (Next::Passed, Some(next)) => {
                println!("\n{}\n", fl!(messages, "watch-passed-next", exercise = id, next = next.id.as_str()))
            }
            (Next::Passed, None) => println!("\n{}", fl!(messages, "watch-passed-last", exercise = id)),
            (Next::Skipped, None) => println!("\n{}", fl!(messages, "watch-last")),
        }
    }
    println!("{}", fl!(messages, "watch-all-done"));
    Ok(exit_code::PASS)
}

fn watch(
    context: &Context,
    exercise: &Exercise,
    poll: bool,
    keys: bool,
    sender: &mpsc::Sender<Input>,
    inputs: &mpsc::Receiver<Input>,
) -> Result<Next, SetupError> {
    let dir = context.layout.exercise_dir(exercise);
    let shown = context.layout.show(&dir);
    let changes = sender.clone();
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            if event.kind.is_modify() || event.kind.is_create() || event.kind.is_remove() {
                let path = event.paths.first().cloned().unwrap_or_default();
                let _ = changes.send(Input::Changed(path));
            }
        }
    };
    let cannot = |e: notify::Error| {
        SetupError::Missing(fl!(context.messages, "watch-cannot", folder = shown.as_str(), error = e.to_string()))
    };
    // Kept alive while this exercise is watched.
    let _watcher: Box<dyn Watcher> = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_secs(1));
        let mut watcher = notify::PollWatcher::new(handler, config).map_err(cannot)?;
        watcher.watch(&dir, RecursiveMode::Recursive).map_err(cannot)?;
        Box::new(watcher)
    } else {
        let mut watcher = notify::recommended_watcher(handler).map_err(cannot)?;
        watcher.watch(&dir, RecursiveMode::Recursive).map_err(cannot)?;
        Box::new(watcher)
    };
    let mut changed: Option<(PathBuf, SystemTime)> = None;
    let mut poll_suggested = poll;
    loop {
        if std::io::stdout().is_terminal() {
            let _ = console::Term::stdout().clear_screen();
        }
        if let Some((path, when)) = &changed {
            let rel = path.strip_prefix(&dir).unwrap_or(path);
            let (file, time) = (rel.display().to_string(), time_of_day(*when));
            println!("{}\n", fl!(context.messages, "watch-changed", file = file, time = time));
        }
        let summary = run_reported(context, exercise, Mode::Check, &dir, None, true, &[])?;
        let mut progress = Progress::load(&context.layout.progress_file())?;
        progress.record_run(&exercise.id, summary.passed, None);
        progress.save()?;
        if summary.passed {
            return Ok(Next::Passed);
        }
        let mut unnoticed = Unnoticed::new(time_stamps(&dir));
        footer(context, &exercise.id, &shown, keys)?;
        // Wait for a save (or a key), then let the burst of events settle.
        let path = loop {
            match inputs.recv_timeout(LOOK) {
                Ok(Input::Changed(path)) => break path,
                Ok(Input::Key(key)) => match key {
                    'h' => {
                        println!();
                        super::hint::run(context, &exercise.id, false)?;
                    }
                    'l' => {
                        println!();
                        super::list::run(context)?;
                    }
                    's' => {
                        println!();
                        check_or_submit(context, &exercise.id, Mode::Submit, None, None, &[])?;
                    }
                    'r' => break PathBuf::new(),
                    'n' => return Ok(Next::Skipped),
                    'q' => return Ok(Next::Quit),
                    _ => continue,
                },
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let Some(path) = unnoticed.look(time_stamps(&dir)) else { continue };
                    if !std::mem::replace(&mut poll_suggested, true) {
                        println!("\n{}", fl!(context.messages, "watch-suggest-poll"));
                    }
                    break path;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(SetupError::Missing(fl!(context.messages, "watch-stopped")))
                }
            }
            footer(context, &exercise.id, &shown, keys)?;
        };
        let mut last = path;
        while let Ok(input) = inputs.recv_timeout(SETTLE) {
            if let Input::Changed(path) = input {
                last = path;
            }
        }
        changed = (!last.as_os_str().is_empty()).then(|| (last, SystemTime::now()));
    }
}

/// The course's progress bar, where the exercise's lesson is and, with keys, what they do.
fn footer(context: &Context, id: &str, shown: &str, keys: bool) -> Result<(), SetupError> {
    let progress = Progress::load(&context.layout.progress_file())?;
    let total = context.course.exercises.len();
    let done = context.course.exercises.iter().filter(|e| progress.status(&e.id) == Status::Done).count();
    const WIDTH: usize = 34;
    let filled = WIDTH * done / total.max(1);
    let messages = context.messages;
    let bar = format!("[{}{}]", "#".repeat(filled), "-".repeat(WIDTH - filled));
    println!("\n{bar} {}", fl!(messages, "list-done", done = done, total = total));
    println!("{}", fl!(messages, "lesson-where", exercise = id));
    if keys {
        println!("{}", fl!(messages, "watch-keys", folder = shown));
    } else {
        println!("{}", fl!(messages, "watch-no-keys", folder = shown));
    }
    Ok(())
}

/// Notices a changed file by its time stamp, where the file system sends no event.
struct Unnoticed {
    /// The files' time stamps when the run's result was shown.
    baseline: BTreeMap<PathBuf, SystemTime>,
    /// The last look already saw them changed.
    seen_once: bool,
}

impl Unnoticed {
    fn new(baseline: BTreeMap<PathBuf, SystemTime>) -> Unnoticed {
        Unnoticed { baseline, seen_once: false }
    }

    /// A file that changed since the baseline, once two looks in a row (`LOOK` apart) saw it
    /// changed: an event, had one come, would have ended the wait in between.
    fn look(&mut self, now: BTreeMap<PathBuf, SystemTime>) -> Option<PathBuf> {
        if now == self.baseline {
            self.seen_once = false;
            return None;
        }
        if !std::mem::replace(&mut self.seen_once, true) {
            return None;
        }
        let changed = changed_file(&self.baseline, &now);
        self.baseline = now;
        self.seen_once = false;
        changed
    }
}

/// Every file of the folder (without `target/`) with its modification time.
fn time_stamps(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    let mut stamps = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(entry.path());
                }
            } else if let Ok(modified) = meta.modified() {
                stamps.insert(entry.path(), modified);
            }
        }
    }
    stamps
}

/// A file that differs between two looks.
fn changed_file(before: &BTreeMap<PathBuf, SystemTime>, after: &BTreeMap<PathBuf, SystemTime>) -> Option<PathBuf> {
    after
        .iter()
        .find(|(path, stamp)| before.get(*path) != Some(*stamp))
        .map(|(path, _)| path.clone())
        .or_else(|| before.keys().find(|path| !after.contains_key(*path)).cloned())
}

/// `HH:MM:SS` in the machine's time zone.
fn time_of_day(when: SystemTime) -> String {
    let seconds = when.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as libc::time_t;
    // SAFETY: localtime_r fills the tm we own from a valid time.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    unsafe { libc::localtime_r(&seconds, &mut tm) };
    format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamps(files: &[(&str, u64)]) -> BTreeMap<PathBuf, SystemTime> {
        files.iter().map(|(f, t)| (PathBuf::from(f), SystemTime::UNIX_EPOCH + Duration::from_secs(*t))).collect()
    }

    #[test]
    fn a_change_no_event_told_is_noticed_at_the_second_look() {
        let mut unnoticed = Unnoticed::new(stamps(&[("src/lib.rs", 1), ("tests/public.rs", 1)]));
        assert_eq!(unnoticed.look(stamps(&[("src/lib.rs", 1), ("tests/public.rs", 1)])), None);
        let saved = stamps(&[("src/lib.rs", 2), ("tests/public.rs", 1)]);
        assert_eq!(unnoticed.look(saved.clone()), None, "an event may still come");
        assert_eq!(unnoticed.look(saved.clone()), Some(PathBuf::from("src/lib.rs")));
        assert_eq!(unnoticed.look(saved), None, "noticed once");
        let removed = stamps(&[("src/lib.rs", 2)]);
        unnoticed.look(removed.clone());
        assert_eq!(unnoticed.look(removed), Some(PathBuf::from("tests/public.rs")));
    }
}
