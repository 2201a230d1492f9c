//! The course manifest (`course.toml`): the single source of truth for the exercises, how they
//! are built, their checks with points and time limits, their hints, and their promises with the
//! checks that observe them.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The manifest format this checker reads.
pub const FORMAT: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub format: u32,
    pub title: String,
    /// Every dependency student code may use: name → a Cargo dependency specification.
    /// A `path` here is relative to the course root.
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    /// Cargo features the hidden checks turn on in a dependency: dependency name → features.
    /// The student's own build (and its public tests) never has them.
    #[serde(default)]
    pub hidden_check_features: BTreeMap<String, Vec<String>>,
    /// How late submissions are marked in the gradebook (`[late]`); none: lateness is not shown.
    #[serde(default)]
    pub late: Option<LatePolicy>,
    /// Whether `checker solution` shows the reference solution of an exercise done with full
    /// marks (where the course has `solutions/`); an instructor can turn it off.
    #[serde(default = "shown")]
    pub show_solutions: bool,
    #[serde(rename = "exercise", default)]
    pub exercises: Vec<Exercise>,
}

/// A late policy: after the deadline, a penalty per day (each day begun counts), up to a
/// maximum, both in percent of the points. The gradebook shows it in columns of its own beside
/// the scores; no score is ever lowered by it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatePolicy {
    /// RFC 3339, e.g. `2027-01-15T23:59:00Z`.
    #[serde(with = "humantime_serde")]
    pub deadline: std::time::SystemTime,
    pub penalty_per_day: f64,
    pub maximum: f64,
}

impl LatePolicy {
    /// Days past the deadline, each day begun counted whole; 0 when on time.
    pub fn days_late(&self, submitted: std::time::SystemTime) -> u64 {
        const DAY: u64 = 24 * 60 * 60;
        submitted.duration_since(self.deadline).map_or(0, |late| late.as_secs().div_ceil(DAY))
    }

    /// The penalty, in percent, for `days` late.
    pub fn penalty_percent(&self, days: u64) -> f64 {
        (days as f64 * self.penalty_per_day).min(self.maximum)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub section: String,
    /// The exercise's folder under `exercises/` (and `solutions/`).
    pub dir: String,
    pub kind: Kind,
    /// A binary exercise whose hidden checks also link its library crate, to call what the
    /// program's behaviour cannot show from outside (what ex15's `ShutdownSignal::recv`
    /// returns). The library is then held to a library exercise's rules (no `unsafe`).
    #[serde(default)]
    pub checks_link_library: bool,
    /// Names from the course's `[dependencies]`.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Clippy lints that matter in this exercise (`clippy::await_holding_lock`, ...): after a
    /// build, `check` and `submit` show what they find in the student's code as advice, which
    /// never costs points.
    #[serde(default)]
    pub advice: Vec<String>,
    pub public_tests: PublicTests,
    pub hints: Vec<String>,
    #[serde(rename = "check", default)]
    pub checks: Vec<CheckSpec>,
    /// What a correct solution must honour, each with how it is observed (see [`crate::promises`]).
    #[serde(rename = "promise", default)]
    pub promises: Vec<Promise>,
}

impl Exercise {
    /// Whether the hidden-check program links the student's crate (and so shares a process
    /// with its code): a library exercise, or a binary one with `checks_link_library`.
    pub fn checks_link_crate(&self) -> bool {
        self.kind == Kind::Library || self.checks_link_library
    }
}

/// How the hidden checks meet the student's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The checks link against the crate and call it.
    Library,
    /// The checks run the program and observe it from outside.
    Binary,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicTests {
    pub points: u32,
    /// Time limit for each public test.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub name: String,
    /// What the check verifies, in one line (shown before it runs, and in reports).
    pub summary: String,
    pub points: u32,
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// The check measures time or CPU: when a batch grades in parallel, it runs alone, with no
    /// build and no other check competing for the CPU.
    #[serde(default)]
    pub timing_sensitive: bool,
}

/// One promise of an exercise: a sentence of its skeleton's doc comments or of its curriculum
/// entry that a correct solution must honour. Exactly one of `observed_by`, `unobservable` and
/// `gap` says how it is observed; `checker verify` holds every promise to that
/// ([`Promise::coverage`]) rather than refusing to load the course, so every other command still
/// runs while the list is being written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promise {
    /// Unique within the exercise, stable across rewordings.
    pub id: String,
    pub text: String,
    /// The hidden checks (and/or `public_tests`) that fail a solution breaking the promise.
    pub observed_by: Option<Vec<String>>,
    /// Why nothing outside the student's code (nor the course_sync facade) can observe it.
    pub unobservable: Option<String>,
    /// What a check would have to do to observe it; no check does yet.
    pub gap: Option<String>,
}

/// How a promise is observed: the one kind its manifest entry gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage<'a> {
    ObservedBy(&'a [String]),
    Unobservable(&'a str),
    Gap(&'a str),
}

/// The name `observed_by` uses for an exercise's public tests.
pub const PUBLIC_TESTS: &str = "public_tests";

impl Promise {
    /// The one kind of coverage the entry declares, or why it does not declare exactly one.
    pub fn coverage(&self) -> Result<Coverage<'_>, String> {
        let mut kinds = Vec::new();
        if let Some(checks) = &self.observed_by {
            kinds.push(Coverage::ObservedBy(checks));
        }
        if let Some(reason) = &self.unobservable {
            kinds.push(Coverage::Unobservable(reason));
        }
        if let Some(gap) = &self.gap {
            kinds.push(Coverage::Gap(gap));
        }
        match kinds.as_slice() {
            [] => Err("says neither observed_by, unobservable nor gap".into()),
            [Coverage::ObservedBy([])] => Err("has an empty observed_by".into()),
            [one] => Ok(*one),
            _ => Err("must have only one of observed_by, unobservable and gap".into()),
        }
    }
}

/// Why the manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the course manifest {path}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the course manifest {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("the course manifest {path} has format {found}, but this checker reads format {FORMAT}: update the checker or the course")]
    Format { path: PathBuf, found: u32 },
    #[error("the course manifest {path} is inconsistent: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Course {
    pub fn load(path: &Path) -> Result<Course, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read { path: path.into(), source })?;
        let course: Course =
            toml::from_str(&text).map_err(|e| ManifestError::Parse { path: path.into(), message: e.to_string() })?;
        if course.format != FORMAT {
            return Err(ManifestError::Format { path: path.into(), found: course.format });
        }
        course.validate().map_err(|message| ManifestError::Invalid { path: path.into(), message })?;
        Ok(course)
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(late) = &self.late {
            if !(late.penalty_per_day >= 0.0 && (0.0..=100.0).contains(&late.maximum)) {
                return Err("[late]: penalty_per_day must be 0 or more, and maximum between 0 and 100 (percent)".into());
            }
        }
        for name in self.hidden_check_features.keys() {
            if !self.dependencies.contains_key(name) {
                return Err(format!("[hidden_check_features] names {name}, which [dependencies] does not declare"));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for exercise in &self.exercises {
            if !seen.insert(&exercise.id) {
                return Err(format!("exercise id {} appears twice", exercise.id));
            }
            if exercise.id.is_empty() || !exercise.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("exercise id {:?} must be letters, digits and _", exercise.id));
            }
            for dependency in &exercise.dependencies {
                if !self.dependencies.contains_key(dependency) {
                    return Err(format!(
                        "{} uses dependency {dependency}, which [dependencies] does not declare",
                        exercise.id
                    ));
                }
            }
            let mut names = std::collections::HashSet::new();
            for check in &exercise.checks {
                if !names.insert(&check.name) {
                    return Err(format!("{} has two checks named {}", exercise.id, check.name));
                }
            }
        }
        Ok(())
    }

    /// Finds an exercise by `ex04`, `ex04_pool` or `4`.
    pub fn find(&self, query: &str) -> Option<&Exercise> {
        let query = query.trim().trim_end_matches('/');
        let query = query.rsplit('/').next().unwrap_or(query);
        if let Some(exact) = self.exercises.iter().find(|e| e.id == query || e.dir == query) {
            return Some(exact);
        }
        let number: Option<u32> = query.trim_start_matches("ex").parse().ok();
        self.exercises.iter().find(|e| match number {
            Some(n) => e.number() == Some(n),
            None => false,
        })
    }

    /// The exercise after `id`, in course order.
    pub fn next_after(&self, id: &str) -> Option<&Exercise> {
        let index = self.exercises.iter().position(|e| e.id == id)?;
        self.exercises.get(index + 1)
    }
}

impl Exercise {
    /// The number in an id like `ex04_pool`.
    pub fn number(&self) -> Option<u32> {
        let digits: String = self.id.trim_start_matches("ex").chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    /// Points for the public tests and every hidden check.
    pub fn max_points(&self) -> u32 {
        self.public_tests.points + self.checks.iter().map(|c| c.points).sum::<u32>()
    }
}

/// `show_solutions`'s default: shown.
fn shown() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        toml::from_str(
            r#"
            format = 1
            title = "t"
            [[exercise]]
            id = "ex04_pool"
            title = "Pool"
            section = "1.3"
            dir = "ex04_pool"
            kind = "library"
            public_tests = { points = 1, timeout = "5s" }
            hints = ["a", "b", "c"]
            [[exercise.check]]
            name = "c1"
            summary = "s"
            points = 2
            timeout = "1s"
            "#,
        )
        .unwrap()
    }

    #[test]
    fn finds_an_exercise_by_any_of_its_names() {
        let course = course();
        for query in ["ex04", "ex04_pool", "4", "04", "exercises/ex04_pool/"] {
            assert_eq!(course.find(query).map(|e| e.id.as_str()), Some("ex04_pool"), "{query}");
        }
        assert!(course.find("ex05").is_none());
        assert!(course.find("pool").is_none());
    }

    #[test]
    fn a_late_policy_counts_each_day_begun_up_to_its_maximum() {
        let text = "format = 1\ntitle = \"t\"\n[late]\ndeadline = \"2027-01-15T23:59:00Z\"\npenalty_per_day = 10\n\
                    maximum = 25\n";
        let course: Course = toml::from_str(text).unwrap();
        let late = course.late.clone().unwrap();
        let after = |seconds: u64| late.deadline + Duration::from_secs(seconds);
        assert_eq!(late.days_late(late.deadline - Duration::from_secs(60)), 0);
        assert_eq!(late.days_late(late.deadline), 0);
        assert_eq!((late.days_late(after(1)), late.days_late(after(86_400)), late.days_late(after(86_401))), (1, 1, 2));
        assert_eq!((late.penalty_percent(2), late.penalty_percent(3)), (20.0, 25.0));
        let mut bad = course;
        bad.late.as_mut().unwrap().maximum = 150.0;
        assert!(bad.validate().unwrap_err().contains("[late]"));
    }

    #[test]
    fn counts_points() {
        assert_eq!(course().exercises[0].max_points(), 3);
    }

    #[test]
    fn the_checks_link_a_library_exercise_and_a_binary_one_that_asks() {
        let text = |kind: &str, extra: &str| {
            format!(
                "format = 1\ntitle = \"t\"\n[[exercise]]\nid = \"ex15_x\"\ntitle = \"X\"\nsection = \"3.4\"\n\
                 dir = \"ex15_x\"\nkind = \"{kind}\"\n{extra}public_tests = {{ points = 1, timeout = \"5s\" }}\n\
                 hints = [\"a\", \"b\", \"c\"]\n"
            )
        };
        let links = |kind: &str, extra: &str| {
            let course: Course = toml::from_str(&text(kind, extra)).unwrap();
            course.exercises[0].checks_link_crate()
        };
        assert!(links("library", ""));
        assert!(!links("binary", ""));
        assert!(links("binary", "checks_link_library = true\n"));
    }

    #[test]
    fn rejects_a_duplicate_check() {
        let mut course = course();
        let again = course.exercises[0].checks[0].clone();
        course.exercises[0].checks.push(again);
        assert!(course.validate().unwrap_err().contains("two checks named c1"));
    }

    #[test]
    fn rejects_features_for_an_undeclared_dependency() {
        let mut course = course();
        course.hidden_check_features.insert("course_sync".into(), vec!["checker".into()]);
        assert!(course.validate().unwrap_err().contains("course_sync"));
    }
}
