//! Key bindings: defaults compiled in, the user's `[keys.*]` merged over them. Every binding
//! has a description, which feeds the help overlay and the status bar hints.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::error::BadInput;

/// Where a binding applies. Keys go to the focused context first, then to `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    Global,
    Queue,
    Form,
    Escalations,
    Review,
    Reports,
}

impl Context {
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Queue => "queue",
            Context::Form => "form",
            Context::Escalations => "escalations",
            Context::Review => "review",
            Context::Reports => "reports",
        }
    }
    const ALL: [Context; 6] = [
        Context::Global,
        Context::Queue,
        Context::Form,
        Context::Escalations,
        Context::Review,
        Context::Reports,
    ];
}

/// A key with its modifiers, as written in the config: `n`, `ctrl-s`, `shift-tab`, `pgdn`, `f2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn from_event(e: &KeyEvent) -> Self {
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match e.code {
            // Shift is part of the character itself; BackTab is shift-tab.
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.insert(KeyModifiers::SHIFT);
                KeyCode::Tab
            }
            c => c,
        };
        Key { code, mods }
    }

    pub fn parse(s: &str) -> Option<Key> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => {
                mods |= KeyModifiers::SHIFT;
                KeyCode::Tab
            }
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().ok()?)
            }
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else {
                    c
                })
            }
        };
        Some(Key { code, mods })
    }

    pub fn label(&self) -> String {
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            s.push_str("Shift-");
        }
        match self.code {
            KeyCode::Char(' ') => s.push_str("Space"),
            KeyCode::Char(c) => s.push(c),
            KeyCode::Enter => s.push_str("Enter"),
            KeyCode::Esc => s.push_str("Esc"),
            KeyCode::Tab => s.push_str("Tab"),
            KeyCode::Up => s.push('↑'),
            KeyCode::Down => s.push('↓'),
            KeyCode::Left => s.push('←'),
            KeyCode::Right => s.push('→'),
            KeyCode::PageUp => s.push_str("PgUp"),
            KeyCode::PageDown => s.push_str("PgDn"),
            KeyCode::Home => s.push_str("Home"),
            KeyCode::End => s.push_str("End"),
            KeyCode::Backspace => s.push_str("Backspace"),
            KeyCode::Delete => s.push_str("Del"),
            KeyCode::F(n) => s.push_str(&format!("F{n}")),
            _ => s.push('?'),
        }
        s
    }
}

/// One bindable action: its config name, its description's string key, its default keys.
pub struct Bindable {
    pub context: Context,
    pub name: &'static str,
    pub action: Action,
    pub defaults: &'static [&'static str],
}

use crate::domain::AttemptResult;

pub const BINDABLE: &[Bindable] = &[
    Bindable {
        context: Context::Global,
        name: "focus_next",
        action: Action::FocusNext,
        defaults: &["tab"],
    },
    Bindable {
        context: Context::Global,
        name: "focus_prev",
        action: Action::FocusPrev,
        defaults: &["shift-tab"],
    },
    Bindable {
        context: Context::Global,
        name: "help",
        action: Action::Help,
        defaults: &["?", "f1"],
    },
    Bindable {
        context: Context::Global,
        name: "quit",
        action: Action::Quit,
        defaults: &["q", "ctrl-c"],
    },
    Bindable {
        context: Context::Global,
        name: "refresh",
        action: Action::Refresh,
        defaults: &["ctrl-r"],
    },
    Bindable {
        context: Context::Global,
        name: "review",
        action: Action::Review,
        defaults: &["R"],
    },
    Bindable {
        context: Context::Queue,
        name: "up",
        action: Action::Up,
        defaults: &["k", "up"],
    },
    Bindable {
        context: Context::Queue,
        name: "down",
        action: Action::Down,
        defaults: &["j", "down"],
    },
    Bindable {
        context: Context::Queue,
        name: "page_up",
        action: Action::PageUp,
        defaults: &["pgup"],
    },
    Bindable {
        context: Context::Queue,
        name: "page_down",
        action: Action::PageDown,
        defaults: &["pgdn"],
    },
    Bindable {
        context: Context::Queue,
        name: "top",
        action: Action::Top,
        defaults: &["g", "home"],
    },
    Bindable {
        context: Context::Queue,
        name: "bottom",
        action: Action::Bottom,
        defaults: &["G", "end"],
    },
    Bindable {
        context: Context::Queue,
        name: "open",
        action: Action::Open,
        defaults: &["enter"],
    },
    Bindable {
        context: Context::Queue,
        name: "no_answer",
        action: Action::NoAnswer,
        defaults: &["n"],
    },
    Bindable {
        context: Context::Queue,
        name: "attempt",
        action: Action::AttemptMenu,
        defaults: &["a"],
    },
    Bindable {
        context: Context::Queue,
        name: "reveal",
        action: Action::Reveal,
        defaults: &["r"],
    },
    Bindable {
        context: Context::Queue,
        name: "dial",
        action: Action::Dial,
        defaults: &["c"],
    },
    Bindable {
        context: Context::Queue,
        name: "print_sheet",
        action: Action::PrintSheet,
        defaults: &["p"],
    },
    Bindable {
        context: Context::Queue,
        name: "search",
        action: Action::Search,
        defaults: &["/"],
    },
    Bindable {
        context: Context::Queue,
        name: "clear",
        action: Action::Back,
        defaults: &["esc"],
    },
    Bindable {
        context: Context::Queue,
        name: "filter_site",
        action: Action::CycleSite,
        defaults: &["s"],
    },
    Bindable {
        context: Context::Queue,
        name: "filter_category",
        action: Action::CycleCategory,
        defaults: &["t"],
    },
    Bindable {
        context: Context::Queue,
        name: "filter_state",
        action: Action::CycleState,
        defaults: &["f"],
    },
    Bindable {
        context: Context::Queue,
        name: "demo",
        action: Action::LoadDemo,
        defaults: &["D"],
    },
    Bindable {
        context: Context::Form,
        name: "save",
        action: Action::Save,
        defaults: &["ctrl-s"],
    },
    Bindable {
        context: Context::Form,
        name: "next_field",
        action: Action::NextField,
        defaults: &["tab", "down"],
    },
    Bindable {
        context: Context::Form,
        name: "prev_field",
        action: Action::PrevField,
        defaults: &["shift-tab", "up"],
    },
    Bindable {
        context: Context::Form,
        name: "back",
        action: Action::Back,
        defaults: &["esc"],
    },
    Bindable {
        context: Context::Form,
        name: "attempt",
        action: Action::AttemptMenu,
        defaults: &["ctrl-a"],
    },
    Bindable {
        context: Context::Form,
        name: "no_answer",
        action: Action::LogAttempt(AttemptResult::NoAnswer),
        defaults: &["ctrl-n"],
    },
    Bindable {
        context: Context::Form,
        name: "toggle",
        action: Action::Toggle,
        defaults: &["space"],
    },
    Bindable {
        context: Context::Escalations,
        name: "up",
        action: Action::Up,
        defaults: &["k", "up"],
    },
    Bindable {
        context: Context::Escalations,
        name: "down",
        action: Action::Down,
        defaults: &["j", "down"],
    },
    Bindable {
        context: Context::Escalations,
        name: "page_up",
        action: Action::PageUp,
        defaults: &["pgup"],
    },
    Bindable {
        context: Context::Escalations,
        name: "page_down",
        action: Action::PageDown,
        defaults: &["pgdn"],
    },
    Bindable {
        context: Context::Escalations,
        name: "top",
        action: Action::Top,
        defaults: &["g", "home"],
    },
    Bindable {
        context: Context::Escalations,
        name: "bottom",
        action: Action::Bottom,
        defaults: &["G", "end"],
    },
    Bindable {
        context: Context::Escalations,
        name: "open",
        action: Action::Open,
        defaults: &["enter"],
    },
    Bindable {
        context: Context::Escalations,
        name: "assign",
        action: Action::Assign,
        defaults: &["a"],
    },
    Bindable {
        context: Context::Escalations,
        name: "handle",
        action: Action::Handle,
        defaults: &["h"],
    },
    Bindable {
        context: Context::Escalations,
        name: "back",
        action: Action::Back,
        defaults: &["esc"],
    },
    Bindable {
        context: Context::Review,
        name: "qualified",
        action: Action::Verdict(true),
        defaults: &["y"],
    },
    Bindable {
        context: Context::Review,
        name: "unqualified",
        action: Action::Verdict(false),
        defaults: &["x"],
    },
    Bindable {
        context: Context::Reports,
        name: "next_page",
        action: Action::NextPage,
        defaults: &["right", "l"],
    },
    Bindable {
        context: Context::Reports,
        name: "prev_page",
        action: Action::PrevPage,
        defaults: &["left", "h"],
    },
];

/// One resolved binding: for the help overlay.
#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub name: &'static str,
    pub action: Action,
    pub keys: Vec<Key>,
}

pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Keymap {
    /// The defaults with the user's `[keys.CONTEXT] name = "key"` (or a list) merged over them.
    pub fn new(user: &BTreeMap<String, BTreeMap<String, String>>) -> Result<Self, BadInput> {
        let mut bindings: Vec<Binding> = BINDABLE
            .iter()
            .map(|b| Binding {
                context: b.context,
                name: b.name,
                action: b.action,
                keys: b.defaults.iter().filter_map(|k| Key::parse(k)).collect(),
            })
            .collect();
        let mut problems = Vec::new();
        for (ctx_name, entries) in user {
            let Some(ctx) = Context::ALL.iter().copied().find(|c| c.name() == ctx_name) else {
                problems.push(format!(
                    "keys.{ctx_name}: unknown context: expected global, queue, form, escalations, review or reports"
                ));
                continue;
            };
            for (name, spec) in entries {
                let Some(b) = bindings
                    .iter_mut()
                    .find(|b| b.context == ctx && b.name == name)
                else {
                    let names: Vec<_> = BINDABLE
                        .iter()
                        .filter(|b| b.context == ctx)
                        .map(|b| b.name)
                        .collect();
                    problems.push(format!(
                        "keys.{ctx_name}.{name}: unknown action: expected one of {}",
                        names.join(", ")
                    ));
                    continue;
                };
                let keys: Vec<_> = spec.split(',').map(|k| (k, Key::parse(k))).collect();
                if let Some((bad, _)) = keys.iter().find(|(_, k)| k.is_none()) {
                    problems.push(format!("keys.{ctx_name}.{name}: `{}` is not a key: expected e.g. \"n\", \"ctrl-s\", \"f2\", \"pgdn\"", bad.trim()));
                    continue;
                }
                b.keys = keys.into_iter().filter_map(|(_, k)| k).collect();
            }
        }
        if problems.is_empty() {
            Ok(Self { bindings })
        } else {
            Err(BadInput::many(problems))
        }
    }

    /// The action bound to `key` in `ctx`, if any.
    pub fn lookup(&self, ctx: Context, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.context == ctx && b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// The first key bound to a named action, for hints.
    pub fn key_label(&self, ctx: Context, name: &str) -> String {
        self.bindings
            .iter()
            .find(|b| b.context == ctx && b.name == name)
            .and_then(|b| b.keys.first())
            .map(Key::label)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys() {
        assert_eq!(
            Key::parse("ctrl-s"),
            Some(Key {
                code: KeyCode::Char('s'),
                mods: KeyModifiers::CONTROL
            })
        );
        assert_eq!(Key::parse("shift-tab").unwrap().label(), "Shift-Tab");
        assert_eq!(Key::parse("G").unwrap().code, KeyCode::Char('G'));
        assert_eq!(Key::parse("f2").unwrap().code, KeyCode::F(2));
        assert!(Key::parse("nope").is_none());
    }

    #[test]
    fn user_override_replaces_the_default() {
        let mut user = BTreeMap::new();
        user.insert(
            "queue".to_string(),
            BTreeMap::from([("no_answer".to_string(), "x".to_string())]),
        );
        let km = Keymap::new(&user).unwrap();
        assert_eq!(
            km.lookup(Context::Queue, Key::parse("x").unwrap()),
            Some(Action::NoAnswer)
        );
        assert_eq!(km.lookup(Context::Queue, Key::parse("n").unwrap()), None);
        assert_eq!(
            km.lookup(Context::Form, Key::parse("ctrl-s").unwrap()),
            Some(Action::Save)
        );
    }

    #[test]
    fn bad_overrides_are_named() {
        let mut user = BTreeMap::new();
        user.insert(
            "queue".to_string(),
            BTreeMap::from([("fly".to_string(), "x".to_string())]),
        );
        user.insert(
            "form".to_string(),
            BTreeMap::from([("save".to_string(), "ctrl-".to_string())]),
        );
        let e = Keymap::new(&user).err().unwrap().to_string();
        assert!(e.contains("keys.queue.fly: unknown action"), "{e}");
        assert!(e.contains("keys.form.save: `ctrl-` is not a key"), "{e}");
    }
}
