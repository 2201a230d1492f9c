//! Student names as file names: the one mapping used by every place that writes a file or
//! folder per student (`results/`, `gradescope/`, `classroom/`, unpacked archives).
//!
//! The mapping is injective by construction, also on file systems that ignore case or Unicode
//! normalisation (macOS, Windows): a name that is already a safe, canonical file name is kept as
//! it is ("иван-петров", "ann_lee"); any other name keeps a readable form of itself and gets a
//! short hash of the exact original name ("Ann Lee" → "Ann_Lee-a36e143c"). Kept names never end
//! in such a hash, so the two kinds cannot meet, and two kept names that a file system would
//! take for one are equal already. What a 32-bit hash leaves to chance, [`clash`] refuses before
//! grading anything.
//!
//! Names equal after NFC normalisation ("José" typed on Linux, and copied from a Mac, where it
//! is decomposed) are two spellings of one name: they would look identical in every report, so
//! a class holding both is refused, naming both submissions, rather than guessed at.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The longest file name made, in bytes: far below the 255 bytes of common file systems (and
/// eCryptfs's 143), leaving room for the extensions added to it (`.json.partial`, `.b64`).
pub const MAX_BYTES: usize = 96;

/// Hex digits of the hash that makes a changed name unique.
const HASH_DIGITS: usize = 8;

/// The file (or folder) name for `name`. Safe on every common file system: no separators,
/// control or format characters, no leading dot or dash, no trailing dot, not a Windows device
/// name, at most [`MAX_BYTES`] bytes. Different names give names that differ even ignoring
/// case and normalisation, except where [`clash`] says otherwise.
pub fn file_name(name: &str) -> String {
    if kept_as_is(name) {
        return name.to_owned();
    }
    let mut readable = String::new();
    for c in name.nfc() {
        let safe = if readable.is_empty() { allowed_first(c) } else { allowed(c) };
        let c = if safe { c } else { '_' };
        if readable.len() + c.len_utf8() > MAX_BYTES - 2 - HASH_DIGITS {
            break;
        }
        readable.push(c);
    }
    if readable.is_empty() {
        // Before the dash, so that the name does not start with one.
        readable.push('_');
    }
    let hashed = format!("{readable}-{}", short_hash(name));
    if windows_device(&hashed) {
        // "nul.txt" keeps its device stem: move it off (the cut left room for one byte more).
        return format!("_{hashed}");
    }
    hashed
}

/// Why two submissions of a class cannot both be graded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    /// The very same name (a folder `ann` and an archive `ann.zip`).
    SameName,
    /// The same name in two Unicode normalisations.
    SameAfterNormalisation,
    /// Different names whose file names a case-insensitive file system takes for one (only a
    /// hash collision can do this).
    SameFileName(String),
}

impl Clash {
    pub fn explain(&self) -> String {
        match self {
            Clash::SameName => "both are named the same".into(),
            Clash::SameAfterNormalisation => {
                "their names are the same text in two Unicode normalisations (NFC and NFD, \
                 as a Mac writes file names): they would look identical in every report"
                    .into()
            }
            Clash::SameFileName(file) => format!("their results would share the file name {file}"),
        }
    }
}

/// The first pair of `names` (with what each belongs to) that cannot be told apart, if any.
pub fn clash<'a, T>(names: impl IntoIterator<Item = (&'a str, T)>) -> Option<(T, T, Clash)>
where
    T: Clone,
{
    let mut by_text: HashMap<String, (&'a str, T)> = HashMap::new();
    let mut by_file: HashMap<String, T> = HashMap::new();
    for (name, owner) in names {
        if let Some((earlier, first)) = by_text.get(&name.nfc().collect::<String>()) {
            let why = if *earlier == name { Clash::SameName } else { Clash::SameAfterNormalisation };
            return Some((first.clone(), owner, why));
        }
        let file = file_name(name);
        if let Some(first) = by_file.get(&fold(&file)) {
            return Some((first.clone(), owner, Clash::SameFileName(file)));
        }
        by_text.insert(name.nfc().collect(), (name, owner.clone()));
        by_file.insert(fold(&file), owner);
    }
    None
}

/// `text` as a case-insensitive, normalisation-insensitive file system compares it.
pub fn fold(text: &str) -> String {
    text.nfd().collect::<String>().to_uppercase().to_lowercase().nfc().collect()
}

/// `text` quoted for a message, with what cannot be seen escaped (combining marks, controls,
/// zero-width and direction characters), so that two names differing only in those show how.
pub fn visible(text: &str) -> String {
    let mut shown = String::from("\"");
    for c in text.chars() {
        let invisible = c.is_control()
            || is_combining_mark(c)
            || (c.is_whitespace() && c != ' ')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}');
        if invisible {
            shown.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            shown.push(c);
        }
    }
    shown.push('"');
    shown
}

/// Whether `name` is a safe file name already, and the only name that folds to itself.
fn kept_as_is(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else { return false };
    allowed_first(first)
        && chars.all(allowed)
        && !name.ends_with('.')
        && name.len() <= MAX_BYTES
        && is_nfc(name)
        && fold(name) == name
        && !windows_device(name)
        && !looks_hashed(name)
}

/// Letters and digits of any script, combining marks (after the first character), `-`, `_`, `.`.
fn allowed(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '-' | '_' | '.')
}

/// A leading dot hides a file (and makes `.` and `..`); a leading dash reads as an option.
fn allowed_first(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `CON`, `NUL`, `COM1`... are devices on Windows, with any extension.
fn windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ["com", "lpt"].iter().any(|device| {
            stem.strip_prefix(device).is_some_and(|n| {
                let mut n = n.chars();
                matches!((n.next(), n.next()), (Some('0'..='9' | '¹' | '²' | '³'), None))
            })
        })
}

/// Ends as [`file_name`] ends a changed name: a dash and the hash's hex digits.
fn looks_hashed(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > HASH_DIGITS
        && bytes[bytes.len() - HASH_DIGITS - 1] == b'-'
        && bytes[bytes.len() - HASH_DIGITS..].iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

fn short_hash(name: &str) -> String {
    crate::workcopy::hex(&Sha256::digest(name.as_bytes()))[..HASH_DIGITS].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The file name is safe on every common file system.
    fn assert_safe(name: &str) {
        let file = file_name(name);
        assert!(!file.is_empty() && file.len() <= MAX_BYTES, "{name:?} → {file:?}");
        assert!(!file.contains(['/', '\\', '\0', ':', '*', '?', '"', '<', '>', '|']), "{name:?} → {file:?}");
        assert!(!file.chars().any(char::is_control), "{name:?} → {file:?}");
        assert!(!file.starts_with(['.', '-']) && !file.ends_with('.'), "{name:?} → {file:?}");
        assert!(!windows_device(&file), "{name:?} → {file:?}");
        assert!(is_nfc(&file), "{name:?} → {file:?}");
    }

    #[test]
    fn safe_canonical_names_are_kept_as_they_are() {
        for name in ["ann_lee", "иван-петров", "ann-lee_2", "o.brien", "_x", "李华", "zoë", "नमस्ते", "οδυσσευς"]
        {
            assert_eq!(file_name(name), name);
        }
    }

    #[test]
    fn other_names_stay_recognisable_and_get_a_hash() {
        let changed = |name: &str, readable: &str| {
            let file = file_name(name);
            let (head, hash) = file.rsplit_once('-').unwrap();
            assert_eq!(head, readable, "{name:?} → {file:?}");
            assert_eq!(hash.len(), HASH_DIGITS, "{name:?} → {file:?}");
            assert_safe(name);
        };
        changed("ann lee", "ann_lee");
        changed("Ann Lee", "Ann_Lee");
        assert_eq!(file_name("Ann Lee"), "Ann_Lee-a36e143c", "the hash is of the exact name, as documented");
        changed("Иван Петров", "Иван_Петров");
        changed("王 小明", "王_小明");
        changed("🦀 crab", "__crab");
        changed("../etc/passwd", "_._etc_passwd");
        changed("..", "_.");
        changed(".", "_");
        changed("-rf", "_rf");
        changed("", "_");
        changed("a\0b\nc\u{202e}d", "a_b_c_d");
        changed("CON", "CON");
        changed("nul.txt", "_nul.txt");
        changed("com1", "com1");
        changed("ann.", "ann.");
        // A name that looks like a changed one is changed too, so the two kinds never meet.
        changed("ann_lee-0123abcd", "ann_lee-0123abcd");
    }

    #[test]
    fn long_names_are_cut_at_a_character_and_stay_unique() {
        let long_a = "я".repeat(200);
        let long_b = format!("{}ю", "я".repeat(199));
        let (a, b) = (file_name(&long_a), file_name(&long_b));
        assert_safe(&long_a);
        assert!(a.len() <= MAX_BYTES && a.starts_with("яяя"), "{a}");
        assert_ne!(a, b);
        assert_safe(&"🦀".repeat(100));
        assert_eq!(file_name(&"x".repeat(MAX_BYTES)), "x".repeat(MAX_BYTES));
        assert_ne!(file_name(&"x".repeat(MAX_BYTES + 1)), "x".repeat(MAX_BYTES + 1));
    }

    #[test]
    fn names_differing_in_case_or_spelling_get_different_files_even_ignoring_case() {
        let names = [
            "ann lee",
            "ann_lee",
            "Ann_Lee",
            "ANN LEE",
            "ann.lee",
            "иван-петров",
            "анна-ильина",
            "Иван-Петров",
            "ИВАН-ПЕТРОВ",
            "σοφία",
            "ςοφία",
            "Σοφία",
            "straße",
            "strasse",
            "STRASSE",
            "ǅemal",
            "ǆemal",
            "ı",
            "i",
            "I",
            "İ",
            "..",
            ".",
            "_",
            "__",
            "🦀",
            "🦐",
            "",
            "con",
            "CON",
        ];
        let mut seen = HashSet::new();
        for name in names {
            assert_safe(name);
            assert!(seen.insert(fold(&file_name(name))), "{name:?} → {:?} collides", file_name(name));
        }
        assert!(clash(names.iter().map(|n| (*n, *n))).is_none());
    }

    #[test]
    fn the_same_name_twice_or_in_two_normalisations_is_a_clash() {
        let composed = "Jos\u{e9}";
        let decomposed = "Jose\u{301}";
        assert_ne!(file_name(composed), file_name(decomposed));
        assert_eq!(
            clash([(composed, "José/"), ("bob", "bob/"), (decomposed, "José.zip")]),
            Some(("José/", "José.zip", Clash::SameAfterNormalisation))
        );
        assert_eq!(clash([("ann", 1), ("bob", 2), ("ann", 3)]), Some((1, 3, Clash::SameName)));
        assert_eq!(visible(decomposed), "\"Jose\\u{301}\"");
        assert_eq!(visible(composed), "\"José\"");
    }
}
