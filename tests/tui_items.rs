//! The TUI record form follows the category's own evaluation items: the delivery preset's form
//! asks variety and quantity sent and received, keyboard only; saving a mismatch escalates.

mod common_tui;

use common_tui::{app_on, at, ch, ctrl, key, now, press, render, screen_text, type_text};
use crossterm::event::KeyCode;
use huifang::config::Config;
use huifang::domain::NewEvent;
use huifang::i18n::Lang;
use huifang::store::{Reads, Store};
use huifang::workflow::{self, Intake};

fn delivery_db() -> (tempfile::TempDir, std::path::PathBuf, Config) {
    let config = Config::from_user_text(None, "preset = \"delivery\"\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huifang.db");
    let mut store = Store::open(&path).unwrap();
    let tx = store.write().unwrap();
    let e = NewEvent {
        reference: "SH-1".into(),
        category: "delivery".into(),
        major: false,
        site: "平原".into(),
        customer: "城东工地".into(),
        phone: "13912340001".into(),
        unit: String::new(),
        department: "销售科".into(),
        matter: "散装水泥".into(),
        summary: "散装 30 吨".into(),
        completed_at: at("2026-12-02 15:00"),
        contract_start: None,
        contract_end: None,
        customer_kind: Default::default(),
        stage: String::new(),
    };
    assert!(workflow::check_event(&config, &e).is_empty());
    Intake::new(&config, now()).take(&tx, &e).unwrap();
    tx.commit().unwrap();
    (dir, path, config)
}

#[test]
fn the_form_asks_the_categorys_items_and_a_mismatch_escalates_on_save() {
    let (_dir, path, config) = delivery_db();
    let mut app = app_on(&path, Lang::Zh, "客服代表", &config);
    press(&mut app, key(KeyCode::Enter));
    let form = app.state.form.as_ref().expect("Enter opens the form");
    let keys: Vec<&str> = form.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "delivered_variety",
            "delivered_qty",
            "received_variety",
            "received_qty",
            "suggestions"
        ]
    );
    press(&mut app, ch('1')); // satisfied
    press(&mut app, key(KeyCode::Tab)); // channel
    press(&mut app, key(KeyCode::Tab)); // delivered variety
    press(&mut app, ch('2')); // 散装
    press(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "30");
    press(&mut app, key(KeyCode::Tab));
    press(&mut app, key(KeyCode::Right)); // 袋装, then
    press(&mut app, key(KeyCode::Right)); // 散装
    press(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "28.5");
    let terminal = render(&mut app, 160, 48);
    let screen = screen_text(&terminal);
    for label in [
        "发货品种",
        "1 袋装",
        "2 散装",
        "发货数量 30",
        "吨",
        "收货数量 28.5",
    ] {
        assert!(screen.contains(label), "{label} not on screen:\n{screen}");
    }
    press(&mut app, ctrl('s'));
    assert!(app.state.form.is_none(), "saved: {:?}", app.state.message);
    let store = Store::open(&path).unwrap();
    let event = store.event_by_ref("SH-1").unwrap().unwrap();
    let task = store.tasks_of_event(event.id).unwrap()[0].id;
    let record = store.record_of_task(task).unwrap().expect("a record");
    let answers: Vec<(&str, &str)> = record
        .record
        .answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        answers,
        [
            ("delivered_qty", "30"),
            ("delivered_variety", "散装"),
            ("received_qty", "28.5"),
            ("received_variety", "散装"),
        ]
    );
    let open = store
        .escalations_where(huifang::store::EscalationFilter::Open, now().date())
        .unwrap();
    assert_eq!(open.len(), 1, "the mismatch escalated at once");
    assert_eq!(open[0].owner_role, "general_manager");
}

#[test]
fn a_wrong_quantity_is_refused_with_the_typed_form_kept() {
    let (_dir, path, config) = delivery_db();
    let mut app = app_on(&path, Lang::En, "rep", &config);
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ch('1'));
    for _ in 0..3 {
        press(&mut app, key(KeyCode::Tab));
    }
    type_text(&mut app, "三十");
    press(&mut app, ctrl('s'));
    let form = app.state.form.as_ref().expect("the form stays open");
    assert_eq!(form.typed("delivered_qty"), Some("三十"));
    let shown = format!("{:?} {:?}", form.error, app.state.message);
    assert!(shown.contains("delivered_qty"), "{shown}");
}
