//! The TUI's quarter-close reminder: a supervisor (or anyone, while no staff are defined) sees
//! that the quarter that ended last closes on the 10th; an operator does not; once closed it is
//! gone. The quarters whose 10th has passed are closed at start.

mod common_tui;

use common_tui::*;
use huifang::clock::Clock;
use huifang::config::Config;
use huifang::i18n::Lang;
use huifang::store::Reads;
use huifang::tui::app::App;
use huifang::tui::keymap::Keymap;
use huifang::tui::state::State;

/// The app on `db` at `when`, as `tui::build` makes it (start-up close and reminder included).
fn app_at(db: &Db, lang: Lang, operator: &str, when: &str) -> App {
    let config = Config::builtin();
    let mut state = State::new(lang, operator.to_string(), None, at(when));
    state.category_names = config
        .categories
        .iter()
        .map(|(k, r)| (k.clone(), r.name.clone()))
        .collect();
    let keymap = Keymap::new(&config.keys).unwrap();
    let mut app = App::new(db.store(), config, keymap, Clock::fixed(at(when)), state).unwrap();
    huifang::tui::retention::at_start(&mut app);
    app
}

#[test]
fn a_supervisor_is_reminded_of_the_quarter_close_due() {
    for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let db = Db::filled();
        let mut app = app_at(&db, lang, "测试员", "2027-01-05 10:00");
        let due = app.state.close_due.clone().expect("2026-Q4 is due");
        assert_eq!(due.quarter, "2026-Q4");
        assert_eq!(due.closes_on.to_string(), "2027-01-10");
        assert_eq!(due.unreviewed, 2, "the two unsatisfied records of November");
        // 2026-Q3's 10th has passed: closed at start.
        let close = app.store.latest_close().unwrap().expect("a close");
        assert_eq!(
            (close.quarter.as_str(), close.how.as_str()),
            ("2026-Q3", "auto")
        );
        for (w, h) in [(80, 24), (160, 48)] {
            let terminal = render(&mut app, w, h);
            let text = screen_text(&terminal);
            let badge = if lang == Lang::Zh {
                "2026-Q4 待结账 01-10"
            } else {
                "close 2026-Q4 by 01-10"
            };
            assert!(text.contains(badge), "{text}");
            insta::assert_snapshot!(format!("close_due_{tag}_{w}x{h}"), terminal.backend());
        }
    }
}

#[test]
fn no_reminder_for_an_operator_nor_once_the_quarter_is_closed() {
    let db = Db::filled();
    {
        let mut store = db.store();
        let tx = store.write().unwrap();
        let now = at("2027-01-02 09:00");
        for (name, role) in [
            ("张经理", huifang::domain::StaffRole::Manager),
            ("李主管", huifang::domain::StaffRole::Supervisor),
            ("测试员", huifang::domain::StaffRole::Operator),
        ] {
            huifang::workflow::roles::add_staff(&tx, name, role, "", "张经理", now).unwrap();
        }
        tx.commit().unwrap();
    }
    let app = app_at(&db, Lang::Zh, "测试员", "2027-01-05 10:00");
    assert_eq!(app.state.close_due, None);
    let app = app_at(&db, Lang::Zh, "李主管", "2027-01-05 10:00");
    assert!(app.state.close_due.is_some());
    {
        let mut store = db.store();
        let tx = store.write().unwrap();
        huifang::workflow::quarter::close_by_hand(&tx, None, "李主管", at("2027-01-05 10:30"))
            .unwrap();
        tx.commit().unwrap();
    }
    let app = app_at(&db, Lang::Zh, "李主管", "2027-01-05 11:00");
    assert_eq!(app.state.close_due, None);
    // Before the quarter ends there is nothing to remind of.
    let app = app_at(&Db::filled(), Lang::Zh, "测试员", "2026-12-03 10:00");
    assert_eq!(app.state.close_due, None);
}
