//! The shipped config files parse, and the example says what the built-in rules say.

use huifang::config::Config;

#[test]
fn config_example_parses_and_matches_the_defaults() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
        .unwrap();
    let example = Config::from_user_text(Some("config.example.toml"), &text).unwrap();
    let builtin = Config::builtin();
    assert_eq!(example.version, builtin.version);
    for (key, rule) in &builtin.categories {
        let (_, ex) = example.category(key).unwrap();
        assert_eq!(ex.rate, rule.rate, "{key} rate");
        assert_eq!(
            format!("{:?}", ex.windows),
            format!("{:?}", rule.windows),
            "{key} windows"
        );
        assert_eq!(ex.role, rule.role, "{key} role");
        assert_eq!(ex.channels, rule.channels, "{key} channels");
        assert_eq!(ex.max_attempts, rule.max_attempts, "{key} max_attempts");
        assert_eq!(ex.retry_after, rule.retry_after, "{key} retry_after");
        assert_eq!(
            ex.fallback_channel, rule.fallback_channel,
            "{key} fallback_channel"
        );
        assert_eq!(
            ex.fallback_after, rule.fallback_after,
            "{key} fallback_after"
        );
        assert_eq!(
            ex.repeat_select_at, rule.repeat_select_at,
            "{key} repeat_select_at"
        );
    }
    assert_eq!(example.hours.callable, builtin.hours.callable);
    assert_eq!(example.hours.holidays, builtin.hours.holidays);
    assert_eq!(example.repeats.lookback, builtin.repeats.lookback);
    assert_eq!(example.ui.claim_minutes, builtin.ui.claim_minutes);
    assert_eq!(example.ui.refresh_ms, builtin.ui.refresh_ms);
    huifang::tui::keymap::Keymap::new(&example.keys).unwrap();
}

#[test]
fn every_preset_parses() {
    for (name, _) in huifang::config::PRESETS {
        let c = Config::from_user_text(None, &format!("preset = \"{name}\"\n")).unwrap();
        // The two property-management regulations share the eight categories; the others
        // have their own.
        if ["callback-sop", "visit-sop"].contains(name) {
            assert_eq!(c.categories.len(), 8, "{name}");
        }
        assert!(!c.categories.is_empty(), "{name}");
        assert!(
            c.categories.values().all(|r| !r.script.is_empty()),
            "{name}: every category has a call script"
        );
    }
}

#[test]
fn a_bad_config_names_file_line_and_key() {
    let e = Config::from_user_text(Some("bad.toml"), "[ui]\nclaim_minutes = 0\n").unwrap_err();
    assert!(
        e.to_string().contains("bad.toml:2: ui.claim_minutes"),
        "{e}"
    );
    let e = Config::from_user_text(
        Some("bad.toml"),
        "[categories.repair]\nwindows = [{ anchor = \"later\", due = \"1d\" }]\n",
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("bad.toml:2:"), "{e}");
    let e = Config::from_user_text(Some("bad.toml"), "[ui\n").unwrap_err();
    assert!(e.to_string().starts_with("bad.toml:1"), "{e}");
}
