//! The course's own texts in another language: `locales/<code>/course.toml` beside course.toml
//! holds the course title and, per exercise, its title, hints and check summaries. course.toml
//! (English) stays the source of truth for everything else; anything a translation lacks is
//! shown in English.
//!
//! A TOML overlay rather than Fluent messages: these texts take no arguments, and the hints
//! quote Rust code whose braces Fluent would make the translator escape one by one. The
//! checker's own messages, which do take arguments, are another matter.
//!
//! Applying is lenient (a student is never blocked by a translation): an item that does not fit
//! — an unknown exercise or check, a different number of hints — is left in English.
//! [`Translation::problems`] is strict, for `checker verify` and the tests.

use crate::lang::Language;
use crate::manifest::Course;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    title: Option<String>,
    #[serde(default)]
    exercise: BTreeMap<String, ExerciseTexts>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseTexts {
    title: Option<String>,
    hints: Option<Vec<String>>,
    /// Check name → its summary.
    #[serde(default)]
    checks: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
#[error("the translation {} cannot be read: {message}", path.display())]
pub struct TranslationError {
    pub path: PathBuf,
    pub message: String,
}

impl Translation {
    /// Where the course's texts in `language` live.
    pub fn path(root: &Path, language: Language) -> PathBuf {
        root.join("locales").join(language.code()).join("course.toml")
    }

    /// The translation at `path`; `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Translation>, TranslationError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(TranslationError { path: path.to_owned(), message: e.to_string() }),
        };
        toml::from_str(&text).map(Some).map_err(|e| TranslationError { path: path.to_owned(), message: e.to_string() })
    }

    /// Puts the translated texts into `course`, item by item, where they fit.
    pub fn apply(&self, course: &mut Course) {
        if let Some(title) = &self.title {
            course.title = title.clone();
        }
        for exercise in &mut course.exercises {
            let Some(texts) = self.exercise.get(&exercise.id) else { continue };
            if let Some(title) = &texts.title {
                exercise.title = title.clone();
            }
            if let Some(hints) = texts.hints.as_ref().filter(|hints| hints.len() == exercise.hints.len()) {
                exercise.hints = hints.clone();
            }
            for check in &mut exercise.checks {
                if let Some(summary) = texts.checks.get(&check.name) {
                    check.summary = summary.clone();
                }
            }
        }
    }

    /// Everything that does not match `course` exactly: a missing or unknown exercise or check,
    /// a missing title, a different number of hints, an empty text.
    pub fn problems(&self, course: &Course) -> Vec<String> {
        let mut problems = Vec::new();
        if self.title.as_deref().is_none_or(str::is_empty) {
            problems.push("no course title".to_owned());
        }
        for id in self.exercise.keys().filter(|id| course.exercises.iter().all(|e| &&e.id != id)) {
            problems.push(format!("{id}: no such exercise in course.toml"));
        }
        for exercise in &course.exercises {
            let Some(texts) = self.exercise.get(&exercise.id) else {
                problems.push(format!("{}: not translated", exercise.id));
                continue;
            };
            if texts.title.as_deref().is_none_or(str::is_empty) {
                problems.push(format!("{}: no title", exercise.id));
            }
            match &texts.hints {
                None => problems.push(format!("{}: no hints", exercise.id)),
                Some(hints) if hints.len() != exercise.hints.len() => problems.push(format!(
                    "{}: {} hints, course.toml has {}",
                    exercise.id,
                    hints.len(),
                    exercise.hints.len()
                )),
                Some(hints) if hints.iter().any(|h| h.trim().is_empty()) => {
                    problems.push(format!("{}: an empty hint", exercise.id))
                }
                Some(_) => {}
            }
            for check in &exercise.checks {
                match texts.checks.get(&check.name) {
                    None => problems.push(format!("{}: no summary for check {}", exercise.id, check.name)),
                    Some(summary) if summary.trim().is_empty() => {
                        problems.push(format!("{}: an empty summary for check {}", exercise.id, check.name))
                    }
                    Some(_) => {}
                }
            }
            for name in texts.checks.keys().filter(|name| exercise.checks.iter().all(|c| &&c.name != name)) {
                problems.push(format!("{}: no check {name} in course.toml", exercise.id));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        toml::from_str(
            r#"
format = 1
title = "Course"
[[exercise]]
id = "ex01_a"
title = "First"
section = "1.1"
dir = "ex01_a"
kind = "binary"
public_tests = { points = 1, timeout = "1s" }
hints = ["one", "two"]
[[exercise.check]]
name = "c1"
summary = "it works"
points = 1
timeout = "1s"
"#,
        )
        .unwrap()
    }

    fn translation(text: &str) -> Translation {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn a_complete_translation_replaces_every_text() {
        let ru = translation(
            r#"
title = "Курс"
[exercise.ex01_a]
title = "Первое"
hints = ["раз", "два"]
[exercise.ex01_a.checks]
c1 = "всё работает"
"#,
        );
        let mut course = course();
        assert_eq!(ru.problems(&course), Vec::<String>::new());
        ru.apply(&mut course);
        assert_eq!(course.title, "Курс");
        assert_eq!(course.exercises[0].title, "Первое");
        assert_eq!(course.exercises[0].hints, ["раз", "два"]);
        assert_eq!(course.exercises[0].checks[0].summary, "всё работает");
    }

    #[test]
    fn what_does_not_fit_stays_in_english_and_is_listed() {
        let ru = translation(
            r#"
[exercise.ex01_a]
hints = ["только одна"]
[exercise.ex01_a.checks]
c9 = "нет такой"
[exercise.ex99_b]
title = "Нет такого"
"#,
        );
        let mut course = course();
        assert_eq!(
            ru.problems(&course),
            [
                "no course title",
                "ex99_b: no such exercise in course.toml",
                "ex01_a: no title",
                "ex01_a: 1 hints, course.toml has 2",
                "ex01_a: no summary for check c1",
                "ex01_a: no check c9 in course.toml",
            ]
        );
        ru.apply(&mut course);
        assert_eq!(course.title, "Course");
        assert_eq!(course.exercises[0].hints, ["one", "two"]);
        assert_eq!(course.exercises[0].checks[0].summary, "it works");
    }

    #[test]
    fn no_file_is_no_translation_and_a_corrupt_one_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("course.toml");
        assert!(Translation::load(&path).unwrap().is_none());
        std::fs::write(&path, "title = ").unwrap();
        let error = Translation::load(&path).unwrap_err().to_string();
        assert!(error.contains("course.toml cannot be read"), "{error}");
    }
}
