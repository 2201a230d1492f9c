//! The command line's help in the user's language: clap's `Command` (from the derive in
//! [`crate::cli`]) with its texts replaced from the Fluent messages before anything is parsed,
//! so that `checker --help` and `checker check --help` speak the language `--lang` or the
//! environment asks for.
//!
//! Each text has an id made of the command's path: `help-checker` (the program's about),
//! `help-checker-long` (its long about), `help-check` (a subcommand), `help-check-exercise`
//! (an argument, by its id), `help-lang` (a global option, shown by every command). The
//! English file holds the doc comments of `cli.rs` word for word (a test keeps them equal),
//! so it is the reference a translator works from.

use crate::cli::Cli;
use crate::lang::Language;
use crate::messages::Messages;
use clap::{Arg, ArgAction, Command, CommandFactory};
use i18n_embed_fl::fl;
use std::ffi::OsString;

/// The language for the help: `--lang` as written in `args` (the program's arguments, before
/// clap has parsed them), else the environment's.
pub fn language(args: impl IntoIterator<Item = OsString>) -> Language {
    use clap::ValueEnum;
    let mut args = args.into_iter().map(|a| a.to_string_lossy().into_owned());
    let mut flag = None;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--lang") {
            Some("") => args.next(),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        if let Some(value) = value {
            // A wrong value is clap's to report; the help is then in the environment's language.
            flag = Language::from_str(&value, true).ok().or(flag);
        }
    }
    Language::choose(flag)
}

/// The command line with its help in `language`.
pub fn command(language: Language, messages: &Messages) -> Command {
    localize(Cli::command(), "checker", language, messages)
}

/// One command's texts, its arguments' and its subcommands'. `path` is the message id's
/// middle part: `checker` for the program, the subcommand's name for a subcommand.
fn localize(mut command: Command, path: &str, language: Language, m: &Messages) -> Command {
    if let Some(about) = text(m, &format!("help-{path}")) {
        command = command.about(about);
    }
    if let Some(long) = text(m, &format!("help-{path}-long")) {
        command = command.long_about(long);
    }
    // The global options belong to the program; a subcommand shows them with the same texts.
    let arg_path = if path == "checker" { String::new() } else { format!("{path}-") };
    command = command.mut_args(|arg| {
        let Some(help) = text(m, &format!("help-{arg_path}{}", arg.get_id())) else { return arg };
        let long = arg.get_long_help().is_some();
        let arg = arg.help(help.clone());
        if long {
            arg.long_help(help)
        } else {
            arg
        }
    });
    if language != Language::En {
        command = headings(command, m);
    }
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| localize(sub, &name, language, m));
    }
    command
}

/// clap's own words (Usage, Options, Arguments, Commands, the help and version flags, the
/// possible and default values) in the language of `m`. English keeps clap's defaults.
fn headings(command: Command, m: &Messages) -> Command {
    let usage = fl!(m, "help-usage");
    let options = fl!(m, "help-options");
    let arguments = fl!(m, "help-arguments");
    // Shown after everything the command declares, as clap places its own flags.
    const LAST: usize = 1000;
    let template = format!("{{before-help}}{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}");
    let command = command
        .help_template(template)
        .subcommand_help_heading(fl!(m, "help-commands"))
        .mut_args(|arg| {
            let heading = if arg.is_positional() { arguments.clone() } else { options.clone() };
            values_in_words(arg, m).help_heading(heading)
        })
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(fl!(m, "help-help"))
                .help_heading(options.clone())
                .display_order(LAST),
        );
    if command.get_version().is_none() {
        return command;
    }
    command.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(fl!(m, "help-version"))
            .help_heading(options)
            .display_order(LAST),
    )
}

/// An argument's possible values and default said in the help's own words, in place of
/// clap's English `Possible values:` and `[default: ...]`.
fn values_in_words(arg: Arg, m: &Messages) -> Arg {
    let mut extra = Vec::new();
    let possible: Vec<String> = arg.get_possible_values().iter().map(|v| v.get_name().to_owned()).collect();
    // A flag's possible values (true, false) say nothing.
    if !possible.is_empty() && arg.get_num_args().is_none_or(|n| n.takes_values()) && arg.get_action().takes_values() {
        extra.push(fl!(m, "help-possible-values", values = possible.join(", ")));
    }
    let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && arg.get_action().takes_values() {
        extra.push(fl!(m, "help-default", value = defaults.join(", ")));
    }
    if extra.is_empty() {
        return arg;
    }
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let help = format!("{help} [{}]", extra.join("; "));
    let long = arg.get_long_help().is_some();
    let arg = arg.hide_possible_values(true).hide_default_value(true).help(help.clone());
    if long {
        arg.long_help(help)
    } else {
        arg
    }
}

/// A command-line mistake (an unknown command or option, a missing argument, a value not
/// allowed) told in the language of `m`, with the usage line and where to read more; `None`
/// for English and for the rare kinds of mistake that keep clap's own English words.
pub fn parse_error(error: &clap::Error, language: Language, m: &Messages) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if language == Language::En {
        return None;
    }
    let string = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(list.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(list)) => Some(list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")),
        _ => None,
    };
    let mut lines = vec![match error.kind() {
        ErrorKind::InvalidSubcommand => {
            fl!(m, "cli-unknown-command", command = string(ContextKind::InvalidSubcommand)?)
        }
        ErrorKind::UnknownArgument => fl!(m, "cli-unknown-option", option = string(ContextKind::InvalidArg)?),
        ErrorKind::MissingRequiredArgument => fl!(m, "cli-missing", arguments = string(ContextKind::InvalidArg)?),
        ErrorKind::MissingSubcommand => {
            fl!(m, "cli-missing-command", command = string(ContextKind::InvalidSubcommand)?)
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => fl!(
            m,
            "cli-bad-value",
            value = string(ContextKind::InvalidValue)?,
            option = string(ContextKind::InvalidArg)?
        ),
        _ => return None,
    }];
    // (Not the valid subcommands: that list would name the hidden ones; `--help` lists the rest.)
    if let Some(valid) = string(ContextKind::ValidValue) {
        lines.push(fl!(m, "cli-valid", values = valid));
    }
    // Several suggestions (`submti`: solution, submit) are each quoted.
    let suggestion = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg, ContextKind::SuggestedValue]
        .into_iter()
        .find_map(string)
        .map(|list| list.replace(", ", "», «"));
    if let Some(suggested) = suggestion {
        lines.push(fl!(m, "cli-did-you-mean", suggested = suggested));
    }
    let mut said = fl!(m, "error", message = lines.remove(0));
    for line in lines {
        said.push_str(&format!("\n  {line}"));
    }
    if let Some(usage) = string(ContextKind::Usage) {
        let usage = usage.trim_start().strip_prefix("Usage:").unwrap_or(&usage).trim();
        said.push_str(&format!("\n\n{} {usage}", fl!(m, "help-usage")));
    }
    said.push_str(&format!("\n\n{}\n", fl!(m, "cli-more")));
    Some(said)
}

/// The message `id`, if the files have it.
fn text(m: &Messages, id: &str) -> Option<String> {
    m.has(id).then(|| m.get(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of the help, by message id, as clap's derive makes it from `cli.rs`.
    fn doc_comments() -> Vec<(String, String)> {
        fn walk(command: &Command, path: &str, into: &mut Vec<(String, String)>) {
            if let Some(about) = command.get_about() {
                into.push((format!("help-{path}"), about.to_string()));
            }
            if let Some(long) = command.get_long_about() {
                into.push((format!("help-{path}-long"), long.to_string()));
            }
            let arg_path = if path == "checker" { String::new() } else { format!("{path}-") };
            for arg in command.get_arguments().filter(|a| !a.is_global_set() || path == "checker") {
                let help = arg.get_long_help().or(arg.get_help());
                if let Some(help) = help {
                    into.push((format!("help-{arg_path}{}", arg.get_id()), help.to_string()));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, sub.get_name(), into);
            }
        }
        let mut texts = Vec::new();
        walk(&Cli::command(), "checker", &mut texts);
        texts
    }

    /// The English help messages are the doc comments word for word: the help in English is
    /// what `cli.rs` says, and a translator's reference is never out of date.
    #[test]
    fn the_english_help_messages_are_the_doc_comments() {
        let english = crate::messages::english();
        let mut wrong = Vec::new();
        for (id, doc) in doc_comments() {
            if text(english, &id).as_deref() != Some(doc.as_str()) {
                // As the line to put in i18n/en/checker.ftl (continuation lines indented).
                wrong.push(format!("{id} = {}", doc.replace('\n', "\n    ")));
            }
        }
        assert!(wrong.is_empty(), "i18n/en/checker.ftl should say:\n{}", wrong.join("\n"));
    }

    fn help(language: Language, args: &[&str]) -> String {
        let command = command(language, crate::messages::of(language));
        let error = command.try_get_matches_from(args).expect_err("--help stops parsing");
        assert_eq!(error.kind(), clap::error::ErrorKind::DisplayHelp);
        error.render().to_string()
    }

    #[test]
    fn mistakes_on_the_command_line_are_told_in_russian_and_left_to_clap_in_english() {
        let said = |language: Language, args: &[&str]| {
            let m = crate::messages::of(language);
            let error = command(language, m).try_get_matches_from(args).expect_err("a mistake");
            parse_error(&error, language, m)
        };
        let ru = Language::Ru;
        let unknown = said(ru, &["checker", "submti", "ex01"]).unwrap();
        assert!(unknown.starts_with("ошибка: нет команды «submti»\n  подсказка: есть похожее: «"), "{unknown}");
        assert!(unknown.contains("«submit»"), "{unknown}");
        assert!(
            unknown.contains("\nИспользование: checker ") && unknown.ends_with("\n\nПодробнее: --help.\n"),
            "{unknown}"
        );
        let missing = said(ru, &["checker", "submit"]).unwrap();
        assert!(missing.starts_with("ошибка: не указаны обязательные аргументы: <EXERCISE>\n"), "{missing}");
        let value = said(ru, &["checker", "--color", "sometimes", "list"]).unwrap();
        assert!(value.contains("«sometimes»") && value.contains("допустимые значения: auto, always, never"), "{value}");
        assert_eq!(said(Language::En, &["checker", "submti"]), None);
        // The help itself is not a mistake: clap prints it.
        assert_eq!(said(ru, &["checker", "--help"]), None);
    }

    #[test]
    fn the_help_speaks_russian_when_asked() {
        let text = help(Language::Ru, &["checker", "--help"]);
        assert!(text.contains("Использование:"), "{text}");
        assert!(text.contains("Показать следующую подсказку"), "{text}");
        assert!(!text.contains("Show the next hint"), "{text}");
        let check = help(Language::Ru, &["checker", "check", "--help"]);
        assert!(check.contains("Упражнение: ex04, ex04_pool или 4"), "{check}");
        assert!(check.contains("Язык"), "the global options too: {check}");
        assert!(check.contains("[возможные значения: auto, always, never; по умолчанию: auto]"), "{check}");
        assert!(!check.contains("Possible values") && !check.contains("[default"), "{check}");
        let last = check.trim_end().lines().last().unwrap_or_default();
        assert!(last.contains("Показать справку"), "the help flag comes last: {check}");
        let english = help(Language::En, &["checker", "hint", "--help"]);
        assert!(english.contains("Show the next hint for an exercise") && english.contains("Usage:"), "{english}");
    }

    #[test]
    fn the_language_of_the_help_comes_from_lang_before_the_environment() {
        let args = |args: &[&str]| args.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(language(args(&["checker", "--lang", "ru", "--help"])), Language::Ru);
        assert_eq!(language(args(&["checker", "hint", "--lang=ru", "--help"])), Language::Ru);
        assert_eq!(language(args(&["checker", "--lang=en", "--help"])), Language::En);
    }
}
