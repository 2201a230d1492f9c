//! The catalogs against the pack's sources: every `failure!`/`text!` names a message of the
//! English catalog, with the right shape and the arguments its sentences use; every translation
//! has the same messages; nothing in a catalog is dead; everything renders.

use super::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// A message as a catalog defines it: whether it has a value, and the variables each part uses.
#[derive(Debug, Default)]
struct Defined {
    value: bool,
    attributes: BTreeSet<String>,
    variables: BTreeSet<String>,
}

fn catalog(language: usize) -> BTreeMap<String, Defined> {
    use fluent_syntax::ast;
    let mut defined = BTreeMap::new();
    for (file, english, russian) in FILES {
        let source = if language == 0 { english } else { russian };
        let resource = fluent_syntax::parser::parse(*source)
            .unwrap_or_else(|(_, errors)| panic!("{}/{file}.ftl does not parse: {errors:?}", LANGUAGES[language]));
        for entry in resource.body {
            let ast::Entry::Message(message) = entry else { continue };
            let mut found = Defined { value: message.value.is_some(), ..Defined::default() };
            let mut patterns: Vec<&ast::Pattern<&str>> = message.value.iter().collect();
            for attribute in &message.attributes {
                found.attributes.insert(attribute.id.name.to_owned());
                patterns.push(&attribute.value);
            }
            patterns.into_iter().for_each(|p| variables(p, &mut found.variables));
            let id = message.id.name.to_owned();
            assert!(defined.insert(id.clone(), found).is_none(), "{}: {id} is defined twice", LANGUAGES[language]);
        }
    }
    defined
}

fn variables(pattern: &fluent_syntax::ast::Pattern<&str>, into: &mut BTreeSet<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(expression: &InlineExpression<&str>, into: &mut BTreeSet<String>) {
        match expression {
            InlineExpression::VariableReference { id } => {
                into.insert(id.name.to_owned());
            }
            InlineExpression::FunctionReference { arguments, .. } => {
                arguments.positional.iter().for_each(|a| inline(a, into));
                arguments.named.iter().for_each(|a| inline(&a.value, into));
            }
            InlineExpression::Placeable { expression } => expr(expression, into),
            _ => {}
        }
    }
    fn expr(expression: &Expression<&str>, into: &mut BTreeSet<String>) {
        match expression {
            Expression::Inline(i) => inline(i, into),
            Expression::Select { selector, variants } => {
                inline(selector, into);
                variants.iter().for_each(|v| variables(&v.value, into));
            }
        }
    }
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expr(expression, into);
        }
    }
}

/// One use of `failure!` or `text!` in the pack's sources.
#[derive(Debug)]
struct Use {
    place: String,
    id: String,
    failure: bool,
    /// `None` where the arguments are not written at the call (course_sync's `say`).
    arguments: Option<BTreeSet<String>>,
}

struct Uses<'a> {
    file: &'a Path,
    found: Vec<Use>,
    /// Words handed to a student without the catalog: `fail("...")`, `measured(format!("..."))`.
    bypasses: Vec<String>,
}

/// The functions whose arguments a student reads.
const SAID: [&str; 4] = ["fail", "not_judged", "not_judged_busy", "measured"];

/// Whether `expr` is words written in the code: a string literal, or a `format!` whose template
/// has a word (letters and a space) outside its `{}`. A template that only joins sentences
/// (`"{a}; {b}"`) or writes code (`"Ok({})"`) is fine.
fn words_in_code(expr: &syn::Expr) -> bool {
    let has_words = |template: &str| {
        let (mut depth, mut letters) = (0, 0);
        template.chars().any(|c| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            let word = depth == 0 && c == ' ' && letters >= 2;
            letters = if depth == 0 && c.is_alphabetic() { letters + 1 } else { 0 };
            word
        })
    };
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => has_words(&text.value()),
        syn::Expr::Macro(m) if m.mac.path.is_ident("format") => m
            .mac
            .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            .ok()
            .and_then(|args| args.into_iter().next())
            .is_some_and(|first| words_in_code(&first)),
        syn::Expr::Reference(r) => words_in_code(&r.expr),
        syn::Expr::MethodCall(call)
            if call.method == "to_owned" || call.method == "to_string" || call.method == "into" =>
        {
            words_in_code(&call.receiver)
        }
        _ => false,
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if name == "failure" || name == "text" {
            let place = format!("{}:{}", self.file.display(), mac.path.segments[0].ident.span().start().line);
            let parts = mac
                .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
                .unwrap_or_else(|e| panic!("{place}: {name}! does not parse: {e}"));
            let mut parts = parts.into_iter();
            let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(id), .. })) = parts.next() else {
                panic!("{place}: {name}!'s first argument must be the message id, a string literal");
            };
            let arguments = parts
                .map(|part| match part {
                    syn::Expr::Path(path) if path.path.get_ident().is_some() => {
                        path.path.get_ident().unwrap().to_string()
                    }
                    syn::Expr::Assign(assign) => match *assign.left {
                        syn::Expr::Path(path) if path.path.get_ident().is_some() => {
                            path.path.get_ident().unwrap().to_string()
                        }
                        _ => panic!("{place}: {name}!'s arguments are `name = value` or `name`"),
                    },
                    _ => panic!("{place}: {name}!'s arguments are `name = value` or `name`"),
                })
                .collect();
            self.found.push(Use { place, id: id.value(), failure: name == "failure", arguments: Some(arguments) });
        }
        syn::visit::visit_macro(self, mac);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = &*call.func {
            let name = path.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            // course_sync's recording speaks through `say("id", &args, english)` (see `speak`).
            if let (true, Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(id), .. }))) =
                (path.path.is_ident("say"), call.args.first())
            {
                let place = format!("{}:{}", self.file.display(), id.span().start().line);
                self.found.push(Use { place, id: id.value(), failure: false, arguments: None });
            }
            if SAID.contains(&name.as_str()) && call.args.iter().any(words_in_code) {
                let line = path.path.segments[0].ident.span().start().line;
                self.bypasses
                    .push(format!("{}:{line}: {name}(...) is given words, not a message", self.file.display()));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    // Macros inside macros (`ensure!(…, failure!(…))`, `vec![…]`) are token trees to syn: look
    // into any expression-like macro body too.
    fn visit_expr_macro(&mut self, node: &'ast syn::ExprMacro) {
        self.visit_macro(&node.mac);
        if let Ok(inner) =
            node.mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            inner.iter().for_each(|e| self.visit_expr(e));
        }
    }
}

/// The pack's Rust sources (every program and this library) and the course_sync
/// facade's, whose recording speaks through this library.
fn sources() -> Vec<PathBuf> {
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let mut files = Vec::new();
    let mut folders = vec![pack.clone(), pack.join("../exercises/course_sync/src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() && name != "target" && name != "lint" && name != "i18n" {
                folders.push(path);
            } else if name.ends_with(".rs") && !path.ends_with("src/text/tests.rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn uses() -> Vec<Use> {
    let mut found = Vec::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut uses = Uses { file: &file, found: Vec::new(), bypasses: Vec::new() };
        uses.visit_file(&syntax);
        found.extend(uses.found);
    }
    found
}

/// The places that hand a student words written in the code instead of a message.
fn bypasses() -> Vec<String> {
    let mut found = Vec::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut uses = Uses { file: &file, found: Vec::new(), bypasses: Vec::new() };
        // Test modules check texts of their own.
        for item in &syntax.items {
            let is_test = matches!(item, syn::Item::Mod(m) if m.attrs.iter().any(|a| a.path().is_ident("cfg")));
            if !is_test {
                uses.visit_item(item);
            }
        }
        found.extend(uses.bypasses);
    }
    found
}

#[test]
fn words_in_code_are_told_from_code_and_joins() {
    let expr = |text: &str| syn::parse_str::<syn::Expr>(text).unwrap();
    assert!(words_in_code(&expr(r#""the code panicked""#)));
    assert!(words_in_code(&expr(r#"format!("{who} sent {n} bytes", who = a)"#)));
    assert!(words_in_code(&expr(r#"&format!("took {} ms", t).to_owned()"#)));
    assert!(!words_in_code(&expr(r#"format!("{observed}; {exit}")"#)));
    assert!(!words_in_code(&expr(r#"format!("Ok({})", shown)"#)));
    assert!(!words_in_code(&expr(r#"text!("ex01-x")"#)));
}

#[test]
fn no_check_hands_a_student_words_that_are_not_in_a_catalog() {
    let found = bypasses();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_message_used_is_in_english_with_its_shape_and_arguments() {
    let english = catalog(0);
    let russian = catalog(1);
    let mut problems = Vec::new();
    for usage in uses() {
        let Some(message) = english.get(&usage.id) else {
            problems.push(format!("{}: no message {} in i18n/en", usage.place, usage.id));
            continue;
        };
        if usage.failure && PARTS.iter().any(|p| !message.attributes.contains(*p)) {
            problems.push(format!("{}: {} needs .observed, .expected and .why", usage.place, usage.id));
        }
        if !usage.failure && !message.value {
            problems.push(format!("{}: {} has no value for text!", usage.place, usage.id));
        }
        let Some(arguments) = &usage.arguments else { continue };
        for (language, catalog) in [("en", &english), ("ru", &russian)] {
            if let Some(defined) = catalog.get(&usage.id) {
                for missing in defined.variables.difference(arguments) {
                    problems.push(format!("{}: {language} {} uses ${missing}, not given", usage.place, usage.id));
                }
            }
        }
        let used: BTreeSet<_> = english[&usage.id]
            .variables
            .union(russian.get(&usage.id).map_or(&BTreeSet::new(), |d| &d.variables))
            .cloned()
            .collect();
        for unused in arguments.difference(&used) {
            problems.push(format!("{}: {} is given {unused}, which no language uses", usage.place, usage.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_message_in_a_catalog_is_used() {
    let used: BTreeSet<String> = uses().into_iter().map(|u| u.id).collect();
    let dead: Vec<_> = catalog(0).into_keys().filter(|id| !used.contains(id)).collect();
    assert!(dead.is_empty(), "messages no check uses: {dead:?}");
}

#[test]
fn every_translation_has_the_english_messages_and_parts() {
    let english = catalog(0);
    for (index, language) in LANGUAGES.iter().enumerate().skip(1) {
        let translated = catalog(index);
        let missing: Vec<_> = english.keys().filter(|id| !translated.contains_key(*id)).collect();
        let extra: Vec<_> = translated.keys().filter(|id| !english.contains_key(*id)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{language}: missing {missing:?}, not in English {extra:?}");
        for (id, defined) in &english {
            let other = &translated[id];
            assert_eq!((defined.value, &defined.attributes), (other.value, &other.attributes), "{language}: {id}");
        }
    }
}

#[test]
fn every_message_renders_without_errors() {
    for language in LANGUAGES {
        let bundle = bundle(language);
        for (id, defined) in catalog(LANGUAGES.iter().position(|l| *l == language).unwrap()) {
            let mut args = FluentArgs::new();
            for variable in &defined.variables {
                args.set(variable.clone(), FluentValue::from(2));
            }
            let message = bundle.get_message(&id).unwrap();
            let patterns = message.value().into_iter().chain(message.attributes().map(|a| a.value()));
            for pattern in patterns {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{language} {id}: {errors:?}");
                assert!(!text.trim().is_empty(), "{language} {id}: empty");
            }
        }
    }
}

#[test]
fn a_failure_renders_in_each_language_with_its_arguments() {
    let arguments = [("message", Arg::from("boom"))];
    let [observed, expected, _] = PARTS.map(|part| render("en", "support-panicked", Some(part), &arguments));
    assert_eq!((observed.as_str(), expected.as_str()), ("the code panicked: boom", "no panic"));
    let russian = render("ru", "support-panicked", Some("observed"), &arguments);
    assert_eq!(russian, "код запаниковал: boom");
    // Plural forms choose by the number; numbers print as Rust's `{}` prints them.
    let busy = |count: usize| {
        let args = [("count", Arg::from(count)), ("summaries", Arg::from("s")), ("doubt", Arg::from("d"))];
        render("ru", "support-too-busy", None, &args)
    };
    assert!(busy(1).contains("1 попытка") && busy(3).contains("3 попытки") && busy(5).contains("5 попыток"));
    let english = render(
        "en",
        "support-too-busy",
        None,
        &[("count", Arg::from(2.5)), ("summaries", "s".into()), ("doubt", "d".into())],
    );
    assert!(english.contains("in 2.5 attempts (s): d"), "{english}");
    // An unknown id is named, not a panic in the middle of a failing check.
    assert_eq!(
        render("ru", "no-such-message", None, &[]),
        "[message no-such-message is missing from the pack's catalog]"
    );
}

#[test]
fn the_language_is_the_checkers_or_english() {
    // `language()` reads CHECKER_LANG once per process; the choice itself is `LANGUAGES`' order.
    assert_eq!(LANGUAGES[0], "en");
    assert!(LANGUAGES.contains(&language()));
}
