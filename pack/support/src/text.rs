//! Every sentence a check says to a student, from message ids with arguments: the catalogs are
//! Fluent files, `pack/support/i18n/<language>/<file>.ftl` (one file for this library's own
//! messages and one per exercise), compiled into the program, so that a check's words live in
//! one place and are translated there.
//!
//! The checker names the student's language in `CHECKER_LANG` (`en`, `ru`); a message missing
//! from a translation is said in English. A failure is one message with three attributes:
//!
//! ```ftl
//! ex04-spins =
//!     .observed = the pool used { $cpu } of a core while it waited
//!     .expected = waiting costs no CPU
//!     .why = a loop that asks "done yet?" without sleeping keeps a core busy
//! ```
//!
//! and a check builds it with `failure!("ex04-spins", cpu = format!("{share:.0} %"))`; a single
//! sentence is `text!("id", name = value)`. An argument named as the variable that holds it
//! may be written alone, as in `format!`: `text!("id", count)`. Integers and floats are Fluent numbers (for plural
//! forms, printed as Rust's `{}` prints them); anything formatted otherwise is passed as text.
//! The tests below hold every id the pack uses, with its arguments, to the English catalog, and
//! every translation to the same ids and arguments.

use crate::Failure;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// The catalog files, per language: `(file, English, Russian)`.
macro_rules! catalogs {
    ($($file:literal),+ $(,)?) => {
        &[$(($file, include_str!(concat!("../i18n/en/", $file, ".ftl")), include_str!(concat!("../i18n/ru/", $file, ".ftl")))),+]
    };
}

const FILES: &[(&str, &str, &str)] = catalogs![
    "support",
    "course_sync",
    "ex01_process",
    "ex02_fork",
    "ex03_spawn",
    "ex04_pool",
    "ex05_queue",
    "ex06_locks",
    "ex07_rlock",
    "ex08_gil",
    "ex09_echo",
    "ex10_timeouts",
    "ex11_threaded_server",
    "ex12_poll_server",
    "ex13_generators",
    "ex14_async_tasks",
    "ex15_async_server",
    "ex16_metrics_client",
    "ex17_metrics_server",
];

/// The languages the catalogs are in; the first is the fallback.
pub const LANGUAGES: [&str; 2] = ["en", "ru"];

/// The three parts of a failure, as the attributes of its message.
const PARTS: [&str; 3] = ["observed", "expected", "why"];

/// One argument of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Number(f64),
    Text(String),
}

macro_rules! numbers {
    ($($t:ty),+) => {
        $(impl From<$t> for Arg {
            fn from(value: $t) -> Arg {
                Arg::Number(value as f64)
            }
        })+
    };
}
// (Not f32: widened to f64 it would print as 0.10000000149011612 where `{}` prints 0.1.)
numbers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f64);

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Text(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Arg {
        Arg::Text(value.clone())
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::Text(value.to_owned())
    }
}

impl From<char> for Arg {
    fn from(value: char) -> Arg {
        Arg::Text(value.to_string())
    }
}

/// A failure from the catalog: the message's `.observed`, `.expected` and `.why`.
#[macro_export]
macro_rules! failure {
    ($id:literal $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::text::failure($id, &[$((stringify!($name), $crate::__text_arg!($name $(= $value)?))),*])
    };
}

/// One sentence from the catalog: the message's value.
#[macro_export]
macro_rules! text {
    ($id:literal $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::text::text($id, &[$((stringify!($name), $crate::__text_arg!($name $(= $value)?))),*])
    };
}

/// One argument of [`failure!`] or [`text!`]: `name = value`, or `name` alone for a variable
/// of that name (as `format!` takes `{name}`).
#[doc(hidden)]
#[macro_export]
macro_rules! __text_arg {
    ($name:ident = $value:expr) => {
        $crate::text::Arg::from($value)
    };
    ($name:ident) => {
        $crate::text::Arg::from($name)
    };
}

/// The failure `id` in the student's language (see [`failure!`]).
pub fn failure(id: &str, args: &[(&str, Arg)]) -> Failure {
    let [observed, expected, why] = PARTS.map(|part| render(language(), id, Some(part), args));
    Failure { observed, expected, why }
}

/// The sentence `id` in the student's language (see [`text!`]).
pub fn text(id: &str, args: &[(&str, Arg)]) -> String {
    render(language(), id, None, args)
}

/// The sentence `id` with `args` in the student's language, or `None` if the English catalog
/// has no such message: what the course_sync facade's recording says through
/// (`course_sync::check::speak_with(pack_support::text::speak)`).
pub fn speak(id: &str, args: &[(&str, String)]) -> Option<String> {
    bundle(LANGUAGES[0]).get_message(id)?;
    let args: Vec<(&str, Arg)> = args.iter().map(|(name, value)| (*name, Arg::Text(value.clone()))).collect();
    Some(text(id, &args))
}

/// Parses the catalogs of the student's language (and English, behind it) now: `main` calls
/// this before the check starts, so that no timed section of a check pays for the parsing on
/// its first sentence.
pub fn load() {
    bundle(language());
    bundle(LANGUAGES[0]);
}

/// The language the checker asked for, if the catalogs have it; else English.
fn language() -> &'static str {
    static CHOSEN: OnceLock<&'static str> = OnceLock::new();
    CHOSEN.get_or_init(|| {
        let asked = std::env::var("CHECKER_LANG").unwrap_or_default();
        LANGUAGES.into_iter().find(|l| *l == asked).unwrap_or(LANGUAGES[0])
    })
}

/// The catalogs of `language`, parsed on first use.
fn bundle(language: &str) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; LANGUAGES.len()] = [OnceLock::new(), OnceLock::new()];
    let index = LANGUAGES.iter().position(|l| *l == language).unwrap_or(0);
    BUNDLES[index].get_or_init(|| {
        let id = language.parse().expect("our language codes parse");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Fluent brackets arguments with Unicode isolation marks (for right-to-left scripts),
        // invisible noise in a terminal and in the texts the mutants harness compares.
        bundle.set_use_isolating(false);
        for (file, english, russian) in FILES {
            let source = if index == 0 { english } else { russian };
            // A file with a syntax error still yields its good messages; the tests below reject it.
            let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(partial, _)| partial);
            if bundle.add_resource(resource).is_err() {
                eprintln!("pack_support: a message of {language}/{file}.ftl is defined twice");
            }
        }
        bundle
    })
}

/// Message `id` (its attribute `part`, if given) in `language`, else in English; a message
/// missing from English too is named instead (the tests keep that from happening).
fn render(language: &str, id: &str, part: Option<&str>, args: &[(&str, Arg)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Text(t) => FluentValue::from(t.clone()),
        };
        fluent_args.set(*name, value);
    }
    for language in [language, LANGUAGES[0]] {
        let bundle = bundle(language);
        let Some(message) = bundle.get_message(id) else { continue };
        let pattern = match part {
            Some(part) => message.get_attribute(part).map(|a| a.value()),
            None => message.value(),
        };
        if let Some(pattern) = pattern {
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        }
    }
    match part {
        Some(part) => format!("[message {id}.{part} is missing from the pack's catalog]"),
        None => format!("[message {id} is missing from the pack's catalog]"),
    }
}

#[cfg(test)]
mod tests;
