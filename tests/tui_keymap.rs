//! The keymap as the config documents it: defaults compiled in, `[keys.CONTEXT] name = "key"`
//! (or a comma list) replacing an action's keys, and the help overlay and hints following.

mod common_tui;

use common_tui::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huifang::config::Config;
use huifang::i18n::Lang;
use huifang::store::Reads;
use huifang::tui::action::Action;
use huifang::tui::keymap::{Context, Key, Keymap};
use huifang::tui::update;

fn k(s: &str) -> Key {
    Key::parse(s).unwrap_or_else(|| panic!("`{s}` parses"))
}

#[test]
fn default_bindings() {
    let km = Keymap::new(&Config::builtin().keys).unwrap();
    let cases: &[(Context, &str, Action)] = &[
        (Context::Global, "tab", Action::FocusNext),
        (Context::Global, "shift-tab", Action::FocusPrev),
        (Context::Global, "?", Action::Help),
        (Context::Global, "f1", Action::Help),
        (Context::Global, "q", Action::Quit),
        (Context::Global, "ctrl-c", Action::Quit),
        (Context::Queue, "j", Action::Down),
        (Context::Queue, "down", Action::Down),
        (Context::Queue, "k", Action::Up),
        (Context::Queue, "pgdn", Action::PageDown),
        (Context::Queue, "g", Action::Top),
        (Context::Queue, "G", Action::Bottom),
        (Context::Queue, "enter", Action::Open),
        (Context::Queue, "n", Action::NoAnswer),
        (Context::Queue, "a", Action::AttemptMenu),
        (Context::Queue, "r", Action::Reveal),
        (Context::Queue, "c", Action::Dial),
        (Context::Queue, "/", Action::Search),
        (Context::Queue, "esc", Action::Back),
        (Context::Form, "ctrl-s", Action::Save),
        (Context::Form, "tab", Action::NextField),
        (Context::Form, "esc", Action::Back),
        (Context::Escalations, "enter", Action::Open),
    ];
    for (ctx, key, action) in cases {
        assert_eq!(km.lookup(*ctx, k(key)), Some(*action), "{ctx:?} {key}");
    }
    assert_eq!(km.lookup(Context::Queue, k("x")), None);
}

#[test]
fn terminal_key_events_resolve_like_the_config_spells_them() {
    // What crossterm sends: BackTab for shift-tab, `G` with SHIFT, Ctrl-S as a control char.
    let km = Keymap::new(&Config::builtin().keys).unwrap();
    assert_eq!(
        Key::from_event(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        k("shift-tab")
    );
    assert_eq!(
        Key::from_event(&KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        k("G")
    );
    assert_eq!(Key::from_event(&ctrl('s')), k("ctrl-s"));
    let db = Db::filled();
    let app = db.app(Lang::Zh, "测试员");
    let route = |e: KeyEvent| update::route(&app.state, &km, &e);
    assert_eq!(route(ch('n')), Some(Action::NoAnswer));
    assert_eq!(
        route(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::Bottom)
    );
    assert_eq!(
        route(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(Action::FocusPrev)
    );
    assert_eq!(route(key(KeyCode::F(1))), Some(Action::Help));
}

fn overridden() -> Config {
    Config::from_user_text(
        Some("test.toml"),
        "[keys.queue]\nno_answer = \"x\"\nattempt = \"a, F2\"\n\n[keys.form]\nsave = \"ctrl-w\"\n",
    )
    .expect("the override parses")
}

#[test]
fn a_user_override_replaces_the_default_keys() {
    let config = overridden();
    let km = Keymap::new(&config.keys).unwrap();
    assert_eq!(km.lookup(Context::Queue, k("x")), Some(Action::NoAnswer));
    assert_eq!(
        km.lookup(Context::Queue, k("n")),
        None,
        "the default is replaced, not added to"
    );
    assert_eq!(km.lookup(Context::Queue, k("a")), Some(Action::AttemptMenu));
    assert_eq!(
        km.lookup(Context::Queue, k("f2")),
        Some(Action::AttemptMenu),
        "a comma list binds both"
    );
    assert_eq!(km.lookup(Context::Form, k("ctrl-w")), Some(Action::Save));
    assert_eq!(km.lookup(Context::Form, k("ctrl-s")), None);
    // Untouched bindings keep their defaults, also in other contexts.
    assert_eq!(
        km.lookup(Context::Form, k("ctrl-n")),
        Some(Action::LogAttempt(huifang::domain::AttemptResult::NoAnswer))
    );
    assert_eq!(km.lookup(Context::Queue, k("enter")), Some(Action::Open));
    assert_eq!(km.key_label(Context::Queue, "no_answer"), "x");
}

#[test]
fn the_overridden_key_works_in_the_app_and_shows_in_help_and_hints() {
    let db = Db::filled();
    let config = overridden();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = app_on(&db.path, lang, "测试员", &config);
        let task = app.state.queue.current().unwrap().task_id;
        let before = db.store().attempts_of_task(task).unwrap().len();
        assert!(!press(&mut app, ch('n')), "n means nothing now");
        press(&mut app, ch('x'));
        assert_eq!(
            db.store().attempts_of_task(task).unwrap().len(),
            before + 1,
            "x logged a no-answer attempt"
        );

        let hints = screen_text(&render(&mut app, 160, 48));
        let no_answer = huifang::i18n::t(lang, "key.queue.no_answer");
        assert!(
            hints.contains(&format!("x {no_answer}")),
            "the status bar hint follows: {hints}"
        );

        press(&mut app, ch('?'));
        let help = screen_text(&render(&mut app, 160, 48));
        assert!(binding_shown(&help, "x", no_answer), "{help}");
        assert!(!binding_shown(&help, "n", no_answer), "{help}");
        assert!(
            binding_shown(&help, "a / F2", huifang::i18n::t(lang, "key.queue.attempt")),
            "{help}"
        );
        assert!(
            binding_shown(&help, "Ctrl-w", huifang::i18n::t(lang, "key.form.save")),
            "{help}"
        );
        assert!(
            !binding_shown(&help, "Ctrl-s", huifang::i18n::t(lang, "key.form.save")),
            "{help}"
        );
        // At 80×24 too, every binding is listed.
        let small = screen_text(&render(&mut app, 80, 24));
        assert!(binding_shown(&small, "x", no_answer), "{small}");
        assert!(
            binding_shown(&small, "Ctrl-w", huifang::i18n::t(lang, "key.form.save")),
            "{small}"
        );
        assert!(
            binding_shown(
                &small,
                "Enter",
                huifang::i18n::t(lang, "key.escalations.open")
            ),
            "{small}"
        );
        press(&mut app, key(KeyCode::Esc));
        assert_eq!(app.state.overlay, None);
    }
}

/// Whether a help line shows `keys`, then blanks, then `text` (or its start cut with `…`).
fn binding_shown(screen: &str, keys: &str, text: &str) -> bool {
    let needle = format!("  {keys} ");
    screen.lines().any(|line| {
        line.match_indices(&needle).any(|(i, m)| {
            let shown = line[i + m.len()..]
                .trim_start()
                .split("  ")
                .next()
                .unwrap_or("")
                .trim_end_matches('│');
            match shown.strip_suffix('…') {
                Some(cut) => !cut.is_empty() && text.starts_with(cut),
                None => shown == text,
            }
        })
    })
}

#[test]
fn bad_overrides_are_refused_with_their_names() {
    let config = Config::from_user_text(
        Some("test.toml"),
        "[keys.queue]\nfly = \"x\"\n[keys.form]\nsave = \"ctrl-\"\n[keys.nowhere]\nup = \"k\"\n",
    )
    .unwrap();
    let err = Keymap::new(&config.keys)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("keys.queue.fly: unknown action"), "{err}");
    assert!(
        err.contains("keys.form.save: `ctrl-` is not a key"),
        "{err}"
    );
    assert!(err.contains("keys.nowhere: unknown context"), "{err}");
}
