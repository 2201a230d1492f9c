//! The lessons' structure: one lesson per exercise in each language, and every example a lesson
//! names exists and is named by a lesson in both languages (so a student who follows a lesson
//! never meets a missing example, and no example is orphaned).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("lessons/ sits in the course").to_path_buf()
}

/// The exercises' ids: the folders `exercises/exNN_*`.
fn exercises() -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(root().join("exercises"))
        .expect("exercises/")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("ex") && name.as_bytes().get(2).is_some_and(u8::is_ascii_digit))
        .collect();
    ids.sort();
    ids
}

fn lesson(language: &str, id: &str) -> String {
    let path = root().join("lessons").join(language).join(format!("{id}.md"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The examples a lesson names as `cargo run -p lessons --example NAME`.
fn examples_named(text: &str) -> BTreeSet<String> {
    text.split("--example")
        .skip(1)
        .filter_map(|rest| {
            let name: String =
                rest.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

/// The share of Cyrillic among the letters outside code blocks.
fn cyrillic_share(text: &str) -> f64 {
    let mut in_code = false;
    let (mut cyrillic, mut letters) = (0usize, 0usize);
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        // Inline code and links are mostly Latin by nature.
        let mut in_inline = false;
        for c in line.chars() {
            if c == '`' {
                in_inline = !in_inline;
            } else if !in_inline && c.is_alphabetic() {
                letters += 1;
                cyrillic += usize::from(('\u{0400}'..='\u{04FF}').contains(&c));
            }
        }
    }
    cyrillic as f64 / letters.max(1) as f64
}

#[test]
fn every_exercise_has_a_lesson_in_each_language() {
    for id in exercises() {
        for language in ["en", "ru"] {
            let text = lesson(language, &id);
            assert!(text.lines().count() >= 60, "lessons/{language}/{id}.md is too short to teach anything");
        }
        let share = cyrillic_share(&lesson("ru", &id));
        assert!(share > 0.6, "lessons/ru/{id}.md is not written in Russian ({:.0}% Cyrillic)", share * 100.0);
        assert!(cyrillic_share(&lesson("en", &id)) < 0.05, "lessons/en/{id}.md is not in English");
    }
}

#[test]
fn every_example_named_exists_and_every_example_is_named_in_both_languages() {
    let on_disk: BTreeSet<String> = fs::read_dir(root().join("lessons/examples"))
        .expect("lessons/examples")
        .filter_map(|entry| Some(entry.ok()?.path().file_stem()?.to_str()?.to_owned()))
        .collect();
    for language in ["en", "ru"] {
        let mut named = BTreeSet::new();
        for id in exercises() {
            named.extend(examples_named(&lesson(language, &id)));
        }
        let missing: Vec<_> = named.difference(&on_disk).collect();
        assert!(missing.is_empty(), "lessons/{language} name examples that do not exist: {missing:?}");
        let orphans: Vec<_> = on_disk.difference(&named).collect();
        assert!(orphans.is_empty(), "no lesson in lessons/{language} names these examples: {orphans:?}");
    }
}
