//! Colours on the console: whether to use them (`--color`, `NO_COLOR`, a terminal), and the
//! styles of verdicts and headings. Each reporter is given the decision, so nothing depends on
//! global state.

use console::Style;

/// When to colour the output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless the NO_COLOR environment variable is set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether output to standard output is coloured (`NO_COLOR`, see no-color.org, counts
    /// only for `auto`: an explicit `--color always` wins).
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && console::Term::stdout().features().colors_supported()
            }
        }
    }
}

/// What a verdict says, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    /// Not a verdict on the code: not run, not judged.
    Neutral,
}

/// `text` in the colour of `tone`, when `colour` is on.
pub fn verdict(text: &str, tone: Tone, colour: bool) -> String {
    let style = match tone {
        Tone::Good => Style::new().green(),
        Tone::Bad => Style::new().red().bold(),
        Tone::Neutral => Style::new().yellow(),
    };
    style.force_styling(colour).apply_to(text).to_string()
}

/// `text` as a heading, when `colour` is on.
pub fn heading(text: &str, colour: bool) -> String {
    Style::new().bold().force_styling(colour).apply_to(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_only_when_asked() {
        assert_eq!(verdict("PASS", Tone::Good, false), "PASS");
        assert_eq!(verdict("PASS", Tone::Good, true), "\u{1b}[32mPASS\u{1b}[0m");
        assert!(verdict("FAIL", Tone::Bad, true).starts_with("\u{1b}[31m"));
        assert_eq!(heading("ex04", false), "ex04");
        assert!(!ColorChoice::Never.enabled());
        assert!(ColorChoice::Always.enabled());
    }
}
