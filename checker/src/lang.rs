//! The language the checker speaks to its user: `--lang`, then `CHECKER_LANG`, then the locale
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`, in POSIX's order of precedence); English when none names a
//! language the course is written in.

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Language {
    /// English.
    En,
    /// Russian (русский).
    Ru,
}

impl Language {
    /// The folder and file-name code: `en`, `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
        }
    }

    /// The language asked for: the flag, else the environment (see the module's header).
    pub fn choose(flag: Option<Language>) -> Language {
        flag.or_else(|| Self::from_environment(|name| std::env::var(name).ok())).unwrap_or(Language::En)
    }

    /// `CHECKER_LANG` if set, else the first of the locale variables that is set and not empty.
    fn from_environment(var: impl Fn(&str) -> Option<String>) -> Option<Language> {
        if let Some(value) = var("CHECKER_LANG").filter(|v| !v.is_empty()) {
            return Self::from_tag(&value);
        }
        let locale =
            ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(|name| var(name).filter(|v| !v.is_empty()))?;
        Self::from_tag(&locale)
    }

    /// `ru`, `ru_RU.UTF-8`, `ru-RU`, `RU` → Russian; `en...` → English; anything else (`C`,
    /// `POSIX`, another language) → none of ours.
    fn from_tag(tag: &str) -> Option<Language> {
        let language = tag.split(['_', '-', '.', '@']).next()?.to_ascii_lowercase();
        match language.as_str() {
            "ru" => Some(Language::Ru),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Option<Language> {
        Language::from_environment(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn locale_tags_name_the_language() {
        assert_eq!(Language::from_tag("ru_RU.UTF-8"), Some(Language::Ru));
        assert_eq!(Language::from_tag("ru-RU"), Some(Language::Ru));
        assert_eq!(Language::from_tag("RU"), Some(Language::Ru));
        assert_eq!(Language::from_tag("en_GB.utf8"), Some(Language::En));
        assert_eq!(Language::from_tag("C.UTF-8"), None);
        assert_eq!(Language::from_tag("de_DE"), None);
    }

    #[test]
    fn checker_lang_comes_before_the_locale_and_lc_all_before_lang() {
        assert_eq!(from(&[("CHECKER_LANG", "en"), ("LC_ALL", "ru_RU.UTF-8")]), Some(Language::En));
        assert_eq!(from(&[("LC_ALL", "ru_RU.UTF-8"), ("LANG", "en_US.UTF-8")]), Some(Language::Ru));
        assert_eq!(from(&[("LC_ALL", ""), ("LANG", "ru_RU.UTF-8")]), Some(Language::Ru));
        assert_eq!(from(&[("LC_MESSAGES", "ru_RU"), ("LANG", "en_US")]), Some(Language::Ru));
        assert_eq!(from(&[("LANG", "C")]), None);
        assert_eq!(from(&[]), None);
    }
}
