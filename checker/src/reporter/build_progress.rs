//! How the console shows a build while it runs, from cargo's own count of its units: on a
//! terminal an indicatif bar (`building [=====>    ] 12/84 (00:05) tokio, nix`) that the result
//! replaces; in a log a plain line every few seconds, so that a long first build (every
//! dependency) never looks like a hung checker.

use crate::events::BuildProgress;
use crate::messages::Messages;
use i18n_embed_fl::fl;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::time::Duration;

/// A build shorter than this shows no progress lines in a log.
const FIRST_LINE_AFTER: Duration = Duration::from_secs(2);
/// Then one line per this much time.
const LINE_EVERY: Duration = Duration::from_secs(5);

pub struct BuildView {
    view: View,
    messages: &'static Messages,
}

enum View {
    /// On a terminal.
    Bar(ProgressBar),
    /// In a log: the time the next line is due, and whether one was written.
    Lines { next_at: Duration, written: bool },
}

impl BuildView {
    /// A bar drawn on `target` (standard output on a terminal).
    pub fn bar(target: ProgressDrawTarget, messages: &'static Messages) -> BuildView {
        let bar = ProgressBar::with_draw_target(None, target);
        // Until cargo has counted its units. (The word is not part of a Fluent message with the
        // template: indicatif's braces would be Fluent's.)
        let template = format!("{}... ({{elapsed}})", fl!(messages, "build-building"));
        bar.set_style(ProgressStyle::with_template(&template).expect("a valid template"));
        bar.enable_steady_tick(Duration::from_millis(200));
        BuildView { view: View::Bar(bar), messages }
    }

    pub fn lines(messages: &'static Messages) -> BuildView {
        BuildView { view: View::Lines { next_at: FIRST_LINE_AFTER, written: false }, messages }
    }

    pub fn update(&mut self, out: &mut impl Write, progress: &BuildProgress) -> std::io::Result<()> {
        let m = self.messages;
        match &mut self.view {
            View::Bar(bar) => {
                if bar.length().is_none() {
                    let template =
                        format!("{} [{{bar:30}}] {{pos}}/{{len}} ({{elapsed}}) {{wide_msg}}", fl!(m, "build-building"));
                    bar.set_style(
                        ProgressStyle::with_template(&template).expect("a valid template").progress_chars("=> "),
                    );
                }
                bar.set_length(progress.total.into());
                bar.set_position(progress.done.into());
                bar.set_message(progress.compiling.join(", "));
            }
            View::Lines { next_at, written } => {
                if progress.elapsed < *next_at {
                    return Ok(());
                }
                while *next_at <= progress.elapsed {
                    *next_at += LINE_EVERY;
                }
                if !std::mem::replace(written, true) {
                    // The line "building... " is still open.
                    writeln!(out)?;
                }
                let (done, total, seconds) = (progress.done, progress.total, progress.elapsed.as_secs());
                let line = match progress.compiling.as_slice() {
                    [] => fl!(m, "build-progress", done = done, total = total, seconds = seconds),
                    crates => fl!(
                        m,
                        "build-progress-compiling",
                        done = done,
                        total = total,
                        crates = crates.join(", "),
                        seconds = seconds
                    ),
                };
                writeln!(out, "  {line}")?;
            }
        }
        Ok(())
    }

    /// Clears the bar; what comes before the build's result: "building... " on a terminal
    /// (where the bar stood) or after progress lines, nothing after the open "building... ".
    pub fn finish(self) -> String {
        match self.view {
            View::Bar(bar) => {
                bar.finish_and_clear();
                format!("{}... ", fl!(self.messages, "build-building"))
            }
            View::Lines { written: true, .. } => format!("{} ", fl!(self.messages, "build-result")),
            View::Lines { written: false, .. } => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64, done: u32, compiling: &[&str]) -> BuildProgress {
        BuildProgress {
            done,
            total: 84,
            compiling: compiling.iter().map(|c| c.to_string()).collect(),
            elapsed: Duration::from_secs(seconds),
        }
    }

    #[test]
    fn a_log_gets_a_line_every_few_seconds_with_the_count_and_the_crates() {
        let mut view = BuildView::lines(crate::messages::english());
        let mut out = Vec::new();
        for progress in [at(1, 3, &["libc"]), at(2, 10, &["tokio", "nix"]), at(4, 20, &["tokio"]), at(7, 40, &[])] {
            view.update(&mut out, &progress).unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "\n  10/84 done, compiling tokio, nix (2 s)\n  40/84 done (7 s)\n");
        assert_eq!(view.finish(), "build: ");
    }

    #[test]
    fn a_short_build_in_a_log_shows_no_progress() {
        let mut view = BuildView::lines(crate::messages::english());
        let mut out = Vec::new();
        view.update(&mut out, &at(1, 3, &["libc"])).unwrap();
        assert!(out.is_empty());
        assert_eq!(view.finish(), "");
    }

    #[test]
    fn the_bar_follows_cargos_count_and_names_the_crates() {
        let mut view = BuildView::bar(ProgressDrawTarget::hidden(), crate::messages::english());
        view.update(&mut Vec::new(), &at(3, 12, &["tokio", "nix(build)"])).unwrap();
        let View::Bar(bar) = &view.view else { panic!("a bar") };
        assert_eq!((bar.position(), bar.length()), (12, Some(84)));
        assert_eq!(bar.message(), "tokio, nix(build)");
        assert_eq!(view.finish(), "building... ");
    }
}
