//! `checker list`: every exercise with its title, status and last score, and how many are done,
//! in columns as wide as their contents (the titles cut to fit a narrow terminal).

use super::Context;
use crate::error::{exit_code, SetupError};
use crate::messages::Messages;
use crate::progress::{Progress, Status};
use i18n_embed_fl::fl;

pub fn run(context: &Context) -> Result<u8, SetupError> {
    let progress = Progress::load(&context.layout.progress_file())?;
    let width = console::Term::stdout().size_checked().map(|(_, columns)| usize::from(columns));
    for line in table(context, &progress, width) {
        println!("{}", colour_status(&line, context));
    }
    Ok(exit_code::PASS)
}

/// What the list calls a status.
fn label(status: Status, messages: &Messages) -> String {
    match status {
        Status::NotStarted => fl!(messages, "status-not-started"),
        Status::Failing => fl!(messages, "status-failing"),
        Status::Passing => fl!(messages, "status-passing"),
        Status::Done => fl!(messages, "status-done"),
    }
}

/// A line of the table with its status in colour (done green, failing red): coloured after
/// the layout, which measures plain text.
fn colour_status(line: &str, context: &Context) -> String {
    use crate::reporter::style::{verdict, Tone};
    for (status, tone) in [(Status::Failing, Tone::Bad), (Status::Done, Tone::Good)] {
        let status = label(status, context.messages);
        let label = format!("  {status}  ");
        if let Some(at) = line.find(&label) {
            let coloured = format!("  {}  ", verdict(&status, tone, context.colour));
            return format!("{}{coloured}{}", &line[..at], &line[at + label.len()..]);
        }
    }
    line.to_owned()
}

/// The lines of the list, none wider than `width` when it is given (a terminal's).
fn table(context: &Context, progress: &Progress, width: Option<usize>) -> Vec<String> {
    let messages = context.messages;
    let header = [
        fl!(messages, "list-exercise"),
        fl!(messages, "list-lecture"),
        fl!(messages, "list-title"),
        fl!(messages, "list-status"),
        fl!(messages, "list-score"),
    ];
    let mut rows = vec![header];
    for exercise in &context.course.exercises {
        let entry = progress.get(&exercise.id);
        let score = entry.last_score.map(|s| format!("{s}/{}", exercise.max_points())).unwrap_or_else(|| "-".into());
        rows.push([
            exercise.id.clone(),
            exercise.section.clone(),
            exercise.title.clone(),
            label(progress.status(&exercise.id), messages),
            score,
        ]);
    }
    let mut widths = [0; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(console::measure_text_width(cell));
        }
    }
    // The title gives way when the terminal is too narrow for everything (down to 5 columns).
    const TITLE: usize = 2;
    if let Some(available) = width {
        let others: usize = widths.iter().enumerate().filter(|(i, _)| *i != TITLE).map(|(_, w)| w + 2).sum();
        widths[TITLE] = widths[TITLE].min(available.saturating_sub(others).max(5));
    }
    let mut lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| console::pad_str(cell, width, console::Alignment::Left, Some("…")).into_owned())
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect();
    let done = context.course.exercises.iter().filter(|e| progress.status(&e.id) == Status::Done).count();
    let total = context.course.exercises.len();
    lines.push(format!("\n{}", fl!(messages, "list-done", done = done, total = total)));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let layout = crate::layout::Layout::discover(Some(root), None).unwrap();
        let course = crate::manifest::Course::load(&layout.manifest()).unwrap();
        Context {
            layout,
            course,
            colour: false,
            language: crate::lang::Language::En,
            messages: crate::messages::english(),
        }
    }

    /// Where the status column starts on each exercise's line.
    fn status_columns(lines: &[String]) -> Vec<usize> {
        lines[1..18]
            .iter()
            .map(|line| {
                let at = ["not started", "failing", "done", "passing"].iter().find_map(|s| line.find(s)).unwrap();
                console::measure_text_width(&line[..at])
            })
            .collect()
    }

    #[test]
    fn the_columns_line_up_at_any_width_and_fit_a_narrow_terminal() {
        let context = context();
        let dir = tempfile::tempdir().unwrap();
        let mut progress = Progress::load(&dir.path().join("progress.json")).unwrap();
        progress.record_run("ex01_process", true, Some(9));
        progress.record_run("ex04_pool", false, Some(12));
        for width in [None, Some(200), Some(80), Some(60)] {
            let lines = table(&context, &progress, width);
            let columns = status_columns(&lines);
            assert!(columns.iter().all(|c| *c == columns[0]), "{width:?}: {lines:#?}");
            if let Some(width) = width {
                assert!(lines.iter().all(|l| console::measure_text_width(l) <= width), "{width}: {lines:#?}");
            }
            let ex04 = lines.iter().find(|l| l.starts_with("ex04_pool")).unwrap();
            assert!(ex04.contains("failing") && ex04.ends_with("12/27"), "{ex04}");
            assert!(lines.iter().any(|l| l.starts_with("ex01_process") && l.contains("done")), "{lines:#?}");
            assert_eq!(lines.last().unwrap(), "\n1/17 done");
        }
    }
}
