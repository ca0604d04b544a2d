//! Snapshots of every pane and overlay, in zh-CN and en, at 80×24 (one pane with tabs) and
//! 160×48 (side by side), on a database filled through the real intake with wide-character
//! names, units and a long summary. Review changes with `cargo insta review`.

mod common_tui;

use common_tui::*;
use crossterm::event::KeyCode;
use huifang::i18n::Lang;
use huifang::tui::app::App;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const LANGS: [(Lang, &str); 2] = [(Lang::Zh, "zh"), (Lang::En, "en")];

/// Builds the app on the standard data, runs `keys`, and snapshots it in both languages at
/// both sizes. `check` runs on every rendered screen's text.
fn snap(name: &str, keys: fn(&mut App), check: fn(Lang, &str)) {
    for (lang, tag) in LANGS {
        let db = Db::filled();
        let mut app = db.app(lang, "测试员");
        keys(&mut app);
        for (w, h) in SIZES {
            let terminal = render(&mut app, w, h);
            let text = screen_text(&terminal);
            check(lang, &text);
            assert_wide_chars_whole(&terminal);
            insta::assert_snapshot!(format!("{name}_{tag}_{w}x{h}"), terminal.backend());
        }
    }
}

/// Every wide character sits whole on the screen: its second cell is the blank a wide symbol
/// leaves, never overwritten by something else, and none starts in the last column.
fn assert_wide_chars_whole(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) {
    let buf = terminal.backend().buffer();
    for y in 0..buf.area.height {
        let mut x = 0;
        while x < buf.area.width {
            let s = buf[(x, y)].symbol();
            let w = unicode_width::UnicodeWidthStr::width(s) as u16;
            if w >= 2 {
                assert!(
                    x + 1 < buf.area.width,
                    "row {y}: `{s}` starts in the last column"
                );
                x += w;
            } else {
                x += 1;
            }
        }
    }
}

fn none(_: &mut App) {}

#[test]
fn queue_due_today() {
    snap("queue", none, |lang, text| {
        // Most urgent first: the overdue complaint of 欧阳娜娜 heads the list.
        let first = text
            .lines()
            .position(|l| l.contains("欧阳娜娜"))
            .expect("欧阳娜娜 is listed");
        let later = text
            .lines()
            .position(|l| l.contains("赵敏"))
            .expect("赵敏 is listed");
        assert!(first < later, "overdue before later");
        // The phone is masked.
        assert!(!text.contains("13812345678"), "{text}");
        assert!(
            text.contains(if lang == Lang::Zh {
                "超期"
            } else {
                "overdue"
            }),
            "{text}"
        );
    });
}

#[test]
fn record_form_with_chinese_text() {
    fn keys(app: &mut App) {
        press(app, key(KeyCode::Enter));
        press(app, ch('2'));
        for _ in 0..4 {
            press(app, key(KeyCode::Tab));
        }
        type_text(app, "墙面仍有水渍,师傅态度很好");
    }
    snap("record_form", keys, |_, text| {
        assert!(text.contains("墙面仍有水渍,师傅态度很好"), "{text}");
        // The long summary is cut, not wrapped over the form.
        assert!(!text.contains("重新粉刷的费用"), "{text}");
    });
}

#[test]
fn record_pane_without_form() {
    fn keys(app: &mut App) {
        press(app, key(KeyCode::Tab));
    }
    snap("record_view", keys, |_, text| {
        assert!(text.contains("TS-2026-101"), "{text}")
    });
}

#[test]
fn escalations_pane() {
    fn keys(app: &mut App) {
        press(app, key(KeyCode::Tab));
        press(app, key(KeyCode::Tab));
    }
    snap("escalations", keys, |_, text| {
        assert!(text.contains("上官婉儿"), "{text}");
        assert!(text.contains("东方不败"), "{text}");
    });
}

#[test]
fn escalation_record_overlay() {
    fn keys(app: &mut App) {
        press(app, key(KeyCode::Tab));
        press(app, key(KeyCode::Tab));
        press(app, key(KeyCode::Enter));
    }
    snap("escalation_record", keys, |_, text| {
        assert!(text.contains("TS-2026-090"), "{text}");
        assert!(text.contains("处理不彻底"), "{text}");
    });
}

#[test]
fn help_overlay() {
    fn keys(app: &mut App) {
        press(app, ch('?'));
    }
    snap("help", keys, |lang, text| {
        assert!(text.contains("Ctrl-s"), "{text}");
        assert!(
            text.contains(if lang == Lang::Zh {
                "无人接听"
            } else {
                "no answer"
            }),
            "{text}"
        );
    });
}

#[test]
fn attempt_menu() {
    fn keys(app: &mut App) {
        press(app, ch('a'));
    }
    snap("attempt_menu", keys, |_, text| {
        assert!(text.contains(" 5 "), "{text}")
    });
}

#[test]
fn confirm_discard() {
    fn keys(app: &mut App) {
        press(app, key(KeyCode::Enter));
        press(app, ch('1'));
        press(app, key(KeyCode::Esc));
    }
    snap("confirm_discard", keys, |_, text| {
        assert!(text.contains("y / n"), "{text}")
    });
}

#[test]
fn search_with_chinese_text() {
    fn keys(app: &mut App) {
        press(app, ch('/'));
        type_text(app, "欧阳");
    }
    snap("search", keys, |_, text| {
        assert!(
            text.contains("欧阳娜娜") && text.contains("欧阳修远"),
            "{text}"
        );
        assert!(!text.contains("赵敏"), "{text}");
    });
}

#[test]
fn terminal_too_small() {
    for (lang, tag) in LANGS {
        let db = Db::filled();
        let mut app = db.app(lang, "测试员");
        for (w, h) in [(79, 24), (60, 16)] {
            let terminal = render(&mut app, w, h);
            let text = screen_text(&terminal);
            assert!(text.contains("80") && text.contains("24"), "{text}");
            assert!(!text.contains("欧阳娜娜"), "{text}");
            insta::assert_snapshot!(format!("too_small_{tag}_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn first_run_welcome() {
    for (lang, tag) in LANGS {
        let db = Db::empty();
        let mut app = db.app(lang, "测试员");
        for (w, h) in SIZES {
            let terminal = render(&mut app, w, h);
            let text = screen_text(&terminal);
            assert!(text.contains("huifang import"), "{text}");
            assert!(text.contains("huifang demo"), "{text}");
            insta::assert_snapshot!(format!("welcome_{tag}_{w}x{h}"), terminal.backend());
        }
    }
}
