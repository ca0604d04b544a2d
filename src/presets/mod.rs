//! The presets shipped in `assets/presets/`, as `rules presets` lists them and `init` starts a
//! config from them. Adding a preset is one entry in [`crate::config::PRESETS`] and a file whose
//! header names its regulation (the tests refuse a preset without one):
//!
//! ```toml
//! # regulation: 回访管理作业规程
//! # description: 一行中文说明
//! # description.en: one line in English (optional; the Chinese one is shown without it)
//! ```
//!
//! The header lives in the file so that the regulation and its rules are read and changed
//! together, and the registry stays a plain list of names and texts.

mod starter;

pub use starter::starter_config;

use crate::config::{Config, DEFAULT_PRESET, PRESETS};
use crate::error::BadInput;
use crate::i18n::Lang;

/// One shipped preset.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// What `preset = "…"` takes.
    pub name: &'static str,
    /// The title of the regulation its rules come from.
    pub regulation: &'static str,
    pub description: &'static str,
    pub description_en: Option<&'static str>,
    /// The preset's TOML.
    pub text: &'static str,
}

impl Preset {
    fn from_entry(name: &'static str, text: &'static str) -> Self {
        Self {
            name,
            regulation: header(text, "regulation").unwrap_or(""),
            description: header(text, "description").unwrap_or(""),
            description_en: header(text, "description.en"),
            text,
        }
    }

    /// The one-line description in the UI's language (Chinese when there is no English one).
    pub fn description(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.description_en.unwrap_or(self.description),
            Lang::Zh => self.description,
        }
    }

    pub fn is_default(&self) -> bool {
        self.name == DEFAULT_PRESET
    }

    /// The rules as `preset = "NAME"` alone gives them, checked.
    pub fn config(&self) -> Result<Config, BadInput> {
        Config::from_user_text(
            Some(&format!("preset {}", self.name)),
            &format!("preset = \"{}\"\n", self.name),
        )
    }
}

/// Every shipped preset, in the registry's order.
pub fn all() -> Vec<Preset> {
    PRESETS
        .iter()
        .map(|(name, text)| Preset::from_entry(name, text))
        .collect()
}

/// A preset by name, or an error listing the names.
pub fn find(flag: &str, name: &str) -> Result<Preset, BadInput> {
    all()
        .into_iter()
        .find(|p| p.name == name.trim())
        .ok_or_else(|| {
            BadInput::new(format!(
                "{flag}: unknown preset `{name}`: expected one of {} (huifang rules presets lists them)",
                names()
            ))
        })
}

/// `a, b, c` of the preset names, for messages.
pub fn names() -> String {
    PRESETS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value of `# key: value` among the comment lines that open a preset file.
fn header(text: &'static str, key: &str) -> Option<&'static str> {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with('#'))
        .filter_map(|l| l.strip_prefix('#'))
        .filter_map(|l| l.trim().split_once(':'))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_names_its_regulation_and_describes_itself() {
        for p in all() {
            assert!(
                !p.regulation.is_empty(),
                "{}: no `# regulation:` header",
                p.name
            );
            assert!(
                !p.description.is_empty(),
                "{}: no `# description:` header",
                p.name
            );
            assert!(
                !p.regulation.contains('#') && !p.description.contains('\n'),
                "{}",
                p.name
            );
            p.config().unwrap_or_else(|e| panic!("{}: {e}", p.name));
        }
        assert!(all().iter().any(Preset::is_default));
    }

    #[test]
    fn headers_are_read_from_the_opening_comments_only() {
        let text = "# regulation: 甲\n# description.en: B\n#\nname = \"x\"\n# description: late\n";
        assert_eq!(header(text, "regulation"), Some("甲"));
        assert_eq!(header(text, "description.en"), Some("B"));
        assert_eq!(header(text, "description"), None);
    }

    #[test]
    fn an_unknown_preset_lists_the_names() {
        let e = find("--preset", "nope").unwrap_err().to_string();
        assert!(e.contains("unknown preset `nope`"), "{e}");
        assert!(e.contains("callback-sop") && e.contains("visit-sop"), "{e}");
    }
}
