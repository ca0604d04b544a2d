//! The config `huifang init --preset NAME` writes: the preset named, the desk's own settings
//! ready to fill in, and the preset's rules below them, commented out, as the reference a user
//! edits from. Nothing in it changes a rule until the user uncomments it, so the file loads as
//! the preset alone does (same rules version) and keeps following the preset on upgrades.

use super::Preset;

/// The text of a starter config for `preset`.
pub fn starter_config(preset: &Preset) -> String {
    let (top, rules) = split_preset(preset.text);
    let mut out = String::new();
    let name = preset.name;
    out.push_str(&format!(
        "# huifang config — starts from the preset `{name}`: {}.\n",
        preset.regulation
    ));
    out.push_str(&format!("# Written by `huifang init --preset {name}`.\n"));
    out.push_str(HOW_TO);
    out.push_str(&format!("\npreset = \"{name}\"\n\n"));
    out.push_str(DESK);
    out.push_str(
        "# The rule set's name and version as `rules explain` shows them; the version is kept on\n\
         # every task. Left commented, editing a rule gives the preset's version with a digest.\n",
    );
    for l in &top {
        out.push_str(&commented(l));
        out.push('\n');
    }
    out.push_str(UI);
    out.push_str(&format!(
        "\n# ---------------------------------------------------------------------------------------------\n\
         # The preset's rules (assets/presets/{name}.toml), commented out: uncomment what you change.\n\
         # A [categories.KEY] table of your own with every key of a category adds a category.\n\
         # ---------------------------------------------------------------------------------------------\n\n"
    ));
    let mut blank = false;
    for l in &rules {
        // The lines lifted out above leave blank runs behind: one blank line is enough.
        if blank && l.trim().is_empty() {
            continue;
        }
        blank = l.trim().is_empty();
        out.push_str(&commented(l));
        out.push('\n');
    }
    out
}

const HOW_TO: &str = "\
#
# huifang reads this file (from the config dir, --config PATH or HUIFANG_CONFIG) and merges it
# over the preset: name only what differs. After an edit, check it:  huifang rules check FILE
# An unknown key or a bad value is an error naming this file, the line and the key.
#
# A `#` right before a key or a [table] (no space after it) marks one of the preset's own
# settings, at its value: delete that `#` to change it, together with its [table] line (and every
# line of a value that spans several). What stays commented keeps the preset's value.
";

const DESK: &str = "\
# Who is at the keyboard, when the OS user name is not the right one (or pass --as NAME).
#operator = \"小王\"
# Whole days are counted in this zone: \"system\" (honours TZ) or an IANA name.
#timezone = \"system\"
";

const UI: &str = "
[ui]
# Your own site (管理处): shown in the status bar and the queue's first filter.
#site = \"翠苑管理处\"
# The company printed at the top of visit sheets (huifang sheet), above the site.
#company = \"某某物业服务有限公司\"
# Where the TUI's print key (p) writes visit sheets; default: `sheets` in the data dir.
#sheets_dir = \"/srv/huifang/sheets\"
# zh (default) or en; --lang and LANG=en_* also switch it.
#language = \"zh\"
# A softphone's command line; {phone} becomes the number (digits, + and - only).
#dial_command = \"linphonec -c call {phone}\"
# Opening a call-back holds it for you this many minutes.
#claim_minutes = 10
";

/// A line as the starter writes it: comments and blank lines as they are, settings behind `#`.
fn commented(line: &str) -> String {
    let t = line.trim_start();
    if t.is_empty() || t.starts_with('#') {
        line.to_string()
    } else {
        format!("#{line}")
    }
}

/// The preset's top-level settings (before its first table), and everything from then on; its
/// `# regulation:` / `# description…:` header lines dropped (the starter's header says it).
fn split_preset(text: &str) -> (Vec<&str>, Vec<&str>) {
    let mut top = Vec::new();
    let mut rules = Vec::new();
    let mut in_tables = false;
    for line in text.lines() {
        let t = line.trim();
        let header_line = t
            .strip_prefix('#')
            .and_then(|r| r.trim().split_once(':'))
            .is_some_and(|(k, _)| {
                matches!(k.trim(), "regulation" | "description" | "description.en")
            });
        if header_line {
            continue;
        }
        in_tables |= t.starts_with('[');
        if !in_tables && !t.is_empty() && !t.starts_with('#') {
            top.push(line);
        } else {
            rules.push(line);
        }
    }
    (top, rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn every_starter_loads_as_its_preset_and_carries_each_setting_commented() {
        for p in super::super::all() {
            let text = starter_config(&p);
            let c = Config::from_user_text(Some("starter.toml"), &text)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", p.name));
            let alone = p.config().unwrap();
            assert_eq!(c.version, alone.version, "{}: no rule changed", p.name);
            assert_eq!(c.preset.as_deref(), Some(p.name));
            for line in p.text.lines() {
                let t = line.trim();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                assert!(
                    text.lines().any(|l| l == format!("#{line}")),
                    "{}: `{line}` is not in the starter",
                    p.name
                );
            }
        }
    }

    #[test]
    fn uncommenting_a_setting_changes_that_rule() {
        let p = super::super::find("--preset", "visit-sop").unwrap();
        let text = starter_config(&p)
            .replace("#[categories.repair]", "[categories.repair]")
            .replacen("#rate = 0.8", "rate = 0.7", 1);
        let c = Config::from_user_text(Some("s.toml"), &text).unwrap();
        assert_eq!(c.category("repair").unwrap().1.rate, 0.7);
        assert_ne!(c.version, p.config().unwrap().version);
    }
}
