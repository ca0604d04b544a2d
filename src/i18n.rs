//! UI strings in zh-CN (the default) and English, from `assets/i18n/`. Nothing shown to a user
//! in the TUI or in the CLI's tables is written in code.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `en`, `en_US.UTF-8`… Anything not English is Chinese.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("en") {
            Some(Lang::En)
        } else if s.starts_with("zh") {
            Some(Lang::Zh)
        } else {
            None
        }
    }

    /// From `--lang`, then the config, then `LANG` when it says English; else Chinese.
    pub fn resolve(flag: Option<&str>, config: Option<&str>) -> Lang {
        flag.and_then(Lang::parse)
            .or_else(|| config.and_then(Lang::parse))
            .or_else(|| {
                std::env::var("LANG")
                    .ok()
                    .and_then(|l| Lang::parse(&l))
                    .filter(|l| *l == Lang::En)
            })
            .unwrap_or_default()
    }
}

const ZH: &str = include_str!("../assets/i18n/zh-CN.toml");
const EN: &str = include_str!("../assets/i18n/en.toml");

fn table(lang: Lang) -> &'static HashMap<String, String> {
    static ZH_T: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN_T: OnceLock<HashMap<String, String>> = OnceLock::new();
    let (cell, text) = match lang {
        Lang::Zh => (&ZH_T, ZH),
        Lang::En => (&EN_T, EN),
    };
    cell.get_or_init(|| {
        toml::from_str(text).expect("the string tables in assets/i18n are valid TOML")
    })
}

/// The string for `key`; a missing key shows as the key itself (and fails the tests).
pub fn t(lang: Lang, key: &str) -> &'static str {
    table(lang).get(key).map(String::as_str).unwrap_or_else(|| {
        table(Lang::Zh)
            .get_key_value(key)
            .map(|(k, _)| k.as_str())
            .unwrap_or("?")
    })
}

/// All keys of a language's table (tests compare them).
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut k: Vec<_> = table(lang).keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// Fills `{name}` placeholders of a string from the table.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), &v.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys(Lang::Zh), keys(Lang::En));
    }

    #[test]
    fn lang_resolution() {
        assert_eq!(Lang::resolve(Some("en"), Some("zh")), Lang::En);
        assert_eq!(Lang::resolve(None, Some("en-US")), Lang::En);
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
    }
}
