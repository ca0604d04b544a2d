//! The TUI's report pane: reached by Tab like the other panes, this month's rates against the
//! target and the outcome shares as bars, this quarter's repeat lists, paged by keyboard;
//! snapshots at 80×24 and 160×48 in both languages.

mod common_tui;

use common_tui::*;
use crossterm::event::KeyCode;
use huifang::config::Config;
use huifang::domain::{Channel, NewEvent, NewRecord, Outcome};
use huifang::i18n::Lang;
use huifang::tui::app::App;
use huifang::tui::state::Focus;
use huifang::workflow::{self, Intake};

fn ev(r: &str, category: &str, phone: &str, unit: &str, matter: &str, done: &str) -> NewEvent {
    NewEvent {
        reference: r.into(),
        category: category.into(),
        major: false,
        site: "翠苑管理处".into(),
        customer: "欧阳娜娜".into(),
        phone: phone.into(),
        unit: unit.into(),
        department: "工程部".into(),
        matter: matter.into(),
        summary: String::new(),
        completed_at: at(done),
        contract_start: None,
        contract_end: None,
        customer_kind: Default::default(),
        stage: String::new(),
    }
}

/// The standard data set, plus this quarter's repeats and some December call-backs.
fn db() -> Db {
    let db = Db::filled();
    let config = Config::builtin();
    let mut store = db.store();
    let tx = store.write().unwrap();
    let mut intake = Intake::new(&config, at("2026-12-02 18:00"));
    for e in [
        ev(
            "TS-Q-1",
            "complaint",
            "13700000001",
            "12栋2单元1203",
            "电梯异响",
            "2026-10-10 10:00",
        ),
        ev(
            "TS-Q-2",
            "complaint",
            "13700000001",
            "12栋2单元1203",
            "电梯异响",
            "2026-11-12 10:00",
        ),
        ev(
            "WX-Q-1",
            "repair",
            "13700000002",
            "3栋1单元0502",
            "下水道堵塞",
            "2026-10-03 10:00",
        ),
        ev(
            "WX-Q-2",
            "repair",
            "13700000003",
            "3栋1单元0502",
            "下水道堵塞",
            "2026-11-03 10:00",
        ),
        ev(
            "WX-Q-3",
            "repair",
            "13700000002",
            "3栋1单元0502",
            "下水道堵塞",
            "2026-12-01 10:00",
        ),
        ev(
            "TS-D-1",
            "complaint",
            "13700000004",
            "5栋0101",
            "噪音扰民",
            "2026-12-01 09:00",
        ),
        ev(
            "TS-D-2",
            "complaint",
            "13700000005",
            "5栋0102",
            "绿化修剪",
            "2026-12-01 09:30",
        ),
    ] {
        intake.take(&tx, &e).unwrap();
    }
    tx.commit().unwrap();
    for (r, outcome) in [("TS-D-1", Outcome::Satisfied), ("TS-D-2", Outcome::Basic)] {
        let task = task_of(&store, r);
        let tx = store.write().unwrap();
        let rec = NewRecord {
            channel: Channel::Phone,
            outcome,
            quality: None,
            effect: None,
            shortcomings: String::new(),
            suggestions: String::new(),
            note: String::new(),
            signed: false,
            answers: Default::default(),
        };
        workflow::record(
            &tx,
            &config,
            task,
            &rec,
            "周小青",
            at("2026-12-02 10:00"),
            false,
        )
        .unwrap();
        tx.commit().unwrap();
    }
    db
}

fn to_reports(app: &mut App) {
    while app.state.focus != Focus::Reports {
        press(app, key(KeyCode::Tab));
    }
}

#[test]
fn tab_reaches_the_pane_and_the_page_keys_turn_its_pages() {
    let db = db();
    let mut app = db.app(Lang::En, "周小青");
    assert!(
        app.state.reports.summary.is_none(),
        "computed only when shown"
    );
    to_reports(&mut app);
    let s = app.state.reports.summary.as_ref().expect("loaded on entry");
    assert_eq!(
        (s.month.as_str(), s.quarter.as_str()),
        ("2026-12", "2026-Q4")
    );
    let complaint = s
        .categories
        .iter()
        .find(|c| c.category == "complaint")
        .unwrap();
    assert_eq!(complaint.satisfied + complaint.basic, 2);
    assert_eq!(s.repeat_complaints.len(), 1);
    assert_eq!(s.repeat_complaints[0].refs, ["TS-Q-1", "TS-Q-2"]);
    assert_eq!(s.repeat_repairs.len(), 1);
    assert_eq!(s.repeat_repairs[0].refs, ["WX-Q-1", "WX-Q-2", "WX-Q-3"]);

    let t = render(&mut app, 80, 24);
    assert!(screen_text(&t).contains("achieved rate against the target"));
    press(&mut app, key(KeyCode::Right));
    assert_eq!(app.state.reports.page, 1);
    press(&mut app, ch('l'));
    press(&mut app, ch('l'));
    assert_eq!(app.state.reports.page, 3);
    let t = render(&mut app, 80, 24);
    assert!(
        screen_text(&t).contains("WX-Q-1 WX-Q-2 WX-Q-3"),
        "{}",
        screen_text(&t)
    );
    press(&mut app, ch('l'));
    assert_eq!(app.state.reports.page, 0, "the pages wrap");
    press(&mut app, key(KeyCode::Left));
    assert_eq!(app.state.reports.page, 3);
    // Scrolling a short list stays in it; Tab leaves the pane for the queue.
    press(&mut app, ch('j'));
    press(&mut app, ch('G'));
    assert_eq!(app.state.reports.scroll, 0);
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(app.state.focus, Focus::Queue);
}

#[test]
fn a_new_record_shows_after_a_refresh() {
    let db = db();
    let mut app = db.app(Lang::Zh, "周小青");
    to_reports(&mut app);
    let before = app
        .state
        .reports
        .summary
        .as_ref()
        .unwrap()
        .categories
        .clone();
    let reached = |c: &[huifang::report::monthly::CategoryMonth]| -> u64 {
        c.iter().map(|c| c.reached).sum()
    };
    // Another operator records a December call-back; Ctrl-R reloads the pane too.
    let store = db.store();
    let task = app
        .state
        .queue
        .all
        .iter()
        .find(|d| d.event_ref.starts_with("WX-Q-3"))
        .map(|d| d.task_id)
        .unwrap_or_else(|| task_of(&store, "WX-Q-3"));
    drop(store);
    let mut store = db.store();
    let tx = store.write().unwrap();
    let rec = NewRecord {
        channel: Channel::Phone,
        outcome: Outcome::Unsatisfied,
        quality: None,
        effect: None,
        shortcomings: String::new(),
        suggestions: String::new(),
        note: String::new(),
        signed: false,
        answers: Default::default(),
    };
    workflow::record(&tx, &Config::builtin(), task, &rec, "林晓", now(), true).unwrap();
    tx.commit().unwrap();
    press(&mut app, ctrl('r'));
    let after = &app.state.reports.summary.as_ref().unwrap().categories;
    assert_eq!(reached(after), reached(&before) + 1);
}

#[test]
fn snapshots_of_every_page_in_both_languages() {
    let db = db();
    for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let mut app = db.app(lang, "周小青");
        to_reports(&mut app);
        for page in 0..4 {
            for (w, h) in [(80, 24), (160, 48)] {
                let t = render(&mut app, w, h);
                insta::assert_snapshot!(format!("reports_p{page}_{tag}_{w}x{h}"), t.backend());
            }
            press(&mut app, key(KeyCode::Right));
        }
    }
}

#[test]
fn an_empty_database_and_tiny_widths_do_not_panic() {
    let db = Db::empty();
    let mut app = db.app(Lang::Zh, "周小青");
    to_reports(&mut app);
    for page in 0..4 {
        for (w, h) in [(80, 24), (81, 25), (200, 60)] {
            let t = render(&mut app, w, h);
            if page == 0 {
                assert!(screen_text(&t).contains("本月尚无服务事件"));
            }
        }
        press(&mut app, key(KeyCode::Right));
    }
}
