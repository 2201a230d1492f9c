//! The checker's own messages — everything it says to a student on the terminal — in the chosen
//! [`Language`]: Fluent files `i18n/<code>/checker.ftl`, embedded in the binary (rust-embed) and
//! loaded by i18n-embed, with English as the fallback for any message a translation lacks.
//! Messages are looked up with `i18n_embed_fl::fl!`, which checks at compile time that each id
//! exists in the English file and that the arguments given are the message's own.
//!
//! The language is an argument, never global state: [`of`] returns the loaded messages of one
//! language (loaded once), and whoever prints is handed them. Machine-read output (the JSON
//! report, grade records, the graders' formats) is written with [`english`], whatever the
//! student's language, so that it stays stable.

use crate::lang::Language;
use i18n_embed::fluent::{fluent_language_loader, FluentLanguageLoader};
use i18n_embed::LanguageLoader;
use std::sync::OnceLock;

/// The Fluent files, `i18n/<code>/checker.ftl`.
#[derive(rust_embed::RustEmbed)]
#[folder = "i18n/"]
struct Files;

/// The messages of one language (with the English ones behind them).
pub type Messages = FluentLanguageLoader;

/// The messages of `language`, loaded on first use.
pub fn of(language: Language) -> &'static Messages {
    static ENGLISH: OnceLock<Messages> = OnceLock::new();
    static RUSSIAN: OnceLock<Messages> = OnceLock::new();
    let loaded = match language {
        Language::En => &ENGLISH,
        Language::Ru => &RUSSIAN,
    };
    loaded.get_or_init(|| load(&Files, language))
}

/// The English messages: for what programs read.
pub fn english() -> &'static Messages {
    of(Language::En)
}

/// `language` from `files`, English behind it: a message the language lacks is said in English.
fn load(files: &dyn i18n_embed::I18nAssets, language: Language) -> Messages {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    let requested: unic_langid::LanguageIdentifier = language.code().parse().expect("our language codes parse");
    // The files are compiled in and parsed by the tests below: loading them cannot fail.
    loader.load_languages(files, &[requested]).expect("the embedded messages load");
    // Fluent brackets each argument with Unicode isolation marks for right-to-left scripts;
    // on a terminal they are invisible noise that breaks copying a path or a command.
    loader.set_use_isolating(false);
    loader
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;
    use std::collections::{BTreeMap, BTreeSet};

    /// A language's file as the binary holds it.
    fn file(code: &str) -> String {
        let file = Files::get(&format!("{code}/checker.ftl")).unwrap_or_else(|| panic!("i18n/{code}/checker.ftl"));
        String::from_utf8(file.data.into_owned()).expect("UTF-8")
    }

    /// Every message of a Fluent file with the variables it uses (`$name`).
    fn messages(text: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
        let resource = fluent_syntax::parser::parse(text).map_err(|(_, errors)| format!("{errors:?}"))?;
        let mut found = BTreeMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(message) = entry {
                let mut variables = BTreeSet::new();
                message.value.iter().for_each(|pattern| pattern_variables(pattern, &mut variables));
                message.attributes.iter().for_each(|a| pattern_variables(&a.value, &mut variables));
                found.insert(message.id.name.to_owned(), variables);
            }
        }
        Ok(found)
    }

    fn pattern_variables(pattern: &ast::Pattern<&str>, into: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_variables(expression, into);
            }
        }
    }

    fn expression_variables(expression: &ast::Expression<&str>, into: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                inline_variables(selector, into);
                variants.iter().for_each(|v| pattern_variables(&v.value, into));
            }
            ast::Expression::Inline(inline) => inline_variables(inline, into),
        }
    }

    fn inline_variables(inline: &ast::InlineExpression<&str>, into: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                into.insert(id.name.to_owned());
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                arguments.positional.iter().for_each(|a| inline_variables(a, into));
                arguments.named.iter().for_each(|a| inline_variables(&a.value, into));
            }
            ast::InlineExpression::Placeable { expression } => expression_variables(expression, into),
            _ => {}
        }
    }

    /// What a translation gets wrong against the English file: it does not parse, ids English
    /// lacks, messages whose variables differ, and the messages missing.
    fn problems(english: &str, translated: &str) -> Vec<String> {
        let english = messages(english).expect("the English file parses");
        let translated = match messages(translated) {
            Ok(translated) => translated,
            Err(errors) => return vec![format!("does not parse: {errors}")],
        };
        let mut problems = Vec::new();
        for (id, variables) in &translated {
            match english.get(id) {
                None => problems.push(format!("{id}: not in the English file (a typo, or a message removed?)")),
                Some(expected) if expected != variables => {
                    problems.push(format!("{id}: uses {variables:?}, the English message {expected:?}"))
                }
                Some(_) => {}
            }
        }
        let missing: Vec<&str> =
            english.keys().filter(|id| !translated.contains_key(*id)).map(String::as_str).collect();
        if !missing.is_empty() {
            problems.push(format!("missing: {}", missing.join(", ")));
        }
        problems
    }

    #[test]
    fn the_russian_messages_are_complete_and_take_the_english_arguments() {
        let problems = problems(&file("en"), &file("ru"));
        assert!(problems.is_empty(), "i18n/ru/checker.ftl against i18n/en/checker.ftl:\n{}", problems.join("\n"));
    }

    /// The comparison itself notices each kind of mistake, variables inside selectors too.
    #[test]
    fn the_comparison_finds_extra_missing_and_mismatched_messages() {
        let english = "a = { $n ->\n    [one] one\n   *[other] { $n } of { $total }\n}\nb = b\nc = { $x }\n";
        let russian = "a = { $n } из { $all }\nc = { $x }\nd = d\n";
        assert_eq!(
            problems(english, russian),
            [
                r#"a: uses {"all", "n"}, the English message {"n", "total"}"#,
                "d: not in the English file (a typo, or a message removed?)",
                "missing: b",
            ]
        );
        assert!(problems(english, "a = {")[0].starts_with("does not parse"));
        assert!(problems(english, english).is_empty());
    }

    #[test]
    fn both_languages_load() {
        use i18n_embed_fl::fl;
        assert_eq!(fl!(english(), "list-done", done = 3, total = 17), "3/17 done");
        assert_eq!(fl!(of(Language::Ru), "list-done", done = 3, total = 17), "выполнено 3 из 17");
    }

    /// Files in memory, as `i18n/` would hold them.
    struct InMemory(Vec<(&'static str, &'static str)>);

    impl i18n_embed::I18nAssets for InMemory {
        fn get_files(&self, path: &str) -> Vec<std::borrow::Cow<'_, [u8]>> {
            self.0.iter().filter(|(p, _)| *p == path).map(|(_, text)| text.as_bytes().into()).collect()
        }

        fn filenames_iter(&self) -> Box<dyn Iterator<Item = String> + '_> {
            Box::new(self.0.iter().map(|(path, _)| path.to_string()))
        }
    }

    #[test]
    fn a_message_missing_in_a_translation_is_said_in_english() {
        let files = InMemory(vec![
            ("en/checker.ftl", "done = {$n} done\nhint-last = That was the last hint.\n"),
            ("ru/checker.ftl", "done = выполнено: {$n}\n"),
        ]);
        let russian = load(&files, Language::Ru);
        assert_eq!(russian.get_args("done", [("n", 2)].into_iter().collect()), "выполнено: 2");
        assert_eq!(russian.get("hint-last"), "That was the last hint.");
    }
}
