//! The TUI's escalation pane and review view by keyboard: assign, record handling, page the
//! chain, review; actions a role may not take are shown disabled, with why; a phone reveal is
//! audited.

mod common_tui;

use common_tui::*;
use crossterm::event::KeyCode;
use huifang::domain::{EscalationState, StaffRole};
use huifang::i18n::Lang;
use huifang::store::Reads;
use huifang::tui::state::{Focus, Overlay};

fn to_escalations(app: &mut huifang::tui::app::App) {
    while app.state.focus != Focus::Escalations {
        press(app, key(KeyCode::Tab));
    }
}

fn add_staff(db: &Db, who: &[(&str, StaffRole)]) {
    let mut store = db.store();
    let tx = store.write().unwrap();
    // The first is the manager, who adds the others once on the list.
    for (name, role) in who {
        huifang::workflow::roles::add_staff(&tx, name, *role, "", who[0].0, now()).unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn assign_handle_and_page_the_chain_by_keyboard() {
    let db = Db::filled();
    let mut app = db.app(Lang::En, "张经理");
    to_escalations(&mut app);
    let id = app.state.escalations.current().unwrap().id;

    press(&mut app, ch('a'));
    assert!(matches!(app.state.overlay, Some(Overlay::Prompt(_))));
    type_text(&mut app, "王工 / 工程部");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.state.overlay, None);
    let x = db.store().escalation(id, now().date()).unwrap().unwrap();
    assert_eq!(x.handler.as_deref(), Some("王工"));
    assert_eq!(x.department, "工程部");

    press(&mut app, ch('h'));
    type_text(&mut app, "更换防水层");
    press(&mut app, key(KeyCode::Enter));
    let x = db.store().escalation(id, now().date()).unwrap().unwrap();
    assert_eq!(x.state, EscalationState::Handled);
    let recall = x.recall_task_id.expect("the re-call-back");
    assert!(app.state.queue.all.iter().any(|d| d.task_id == recall));
    // Handling again is refused in place, with why.
    press(&mut app, ch('h'));
    assert_eq!(app.state.overlay, None);
    assert!(app.state.message.as_ref().unwrap().1.contains("not open"));

    // Enter opens the whole chain; the movement keys page through it.
    let pos = app
        .state
        .escalations
        .items
        .iter()
        .position(|e| e.id == id)
        .unwrap();
    app.state.escalations.selected = pos;
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.state.overlay, Some(Overlay::EscalationRecord(id)));
    let chain = &app.state.chain;
    assert!(
        chain[0].contains("opened") && chain[0].contains("unsatisfied"),
        "{chain:#?}"
    );
    let assigned = chain
        .iter()
        .position(|l| l.contains("assigned") && l.contains("→ 王工 (工程部)"))
        .unwrap();
    let handled = chain.iter().position(|l| l.contains("handled")).unwrap();
    assert!(assigned < handled, "{chain:#?}");
    assert!(chain[handled].contains("更换防水层"), "{chain:#?}");
    let text = screen_text(&render(&mut app, 120, 40));
    assert!(text.contains("更换防水层"), "{text}");
    press(&mut app, ch('j'));
    assert_eq!(app.state.chain_scroll, 1);
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.state.overlay, None);
}

#[test]
fn actions_a_role_may_not_take_are_disabled_with_why() {
    let db = Db::filled();
    add_staff(
        &db,
        &[
            ("张经理", StaffRole::Manager),
            ("小王", StaffRole::Operator),
        ],
    );
    let mut app = db.app(Lang::En, "小王");
    to_escalations(&mut app);
    let text = screen_text(&render(&mut app, 120, 40));
    assert!(
        text.contains("only a manager assigns escalations"),
        "{text}"
    );
    press(&mut app, ch('a'));
    assert_eq!(app.state.overlay, None, "no prompt for an operator");
    assert!(
        app.state
            .message
            .as_ref()
            .unwrap()
            .1
            .contains("only a manager")
    );
    press(&mut app, ch('h'));
    assert_eq!(app.state.overlay, None);

    // The review view opens for anyone to read, but the verdicts are the supervisor's.
    press(&mut app, ch('R'));
    assert_eq!(app.state.overlay, Some(Overlay::Review));
    let text = screen_text(&render(&mut app, 120, 40));
    assert!(text.contains("only a supervisor reviews records"), "{text}");
    press(&mut app, ch('y'));
    assert_eq!(app.state.overlay, Some(Overlay::Review));
    assert!(app.state.message.as_ref().unwrap().1.contains("supervisor"));

    // The manager may.
    let mut app = db.app(Lang::En, "张经理");
    to_escalations(&mut app);
    press(&mut app, ch('a'));
    assert!(matches!(app.state.overlay, Some(Overlay::Prompt(_))));
}

#[test]
fn a_supervisor_reviews_by_keyboard_and_unqualified_escalates() {
    let db = Db::filled();
    add_staff(
        &db,
        &[
            ("张经理", StaffRole::Manager),
            ("李主管", StaffRole::Supervisor),
        ],
    );
    let mut app = db.app(Lang::Zh, "李主管");
    let before = app.state.escalations.items.len();
    press(&mut app, ch('R'));
    let oldest = app.state.reviews.current().expect("records wait").clone();
    assert_eq!(oldest.event_ref, "TS-2026-090", "oldest first");
    press(&mut app, ch('j'));
    let second = app.state.reviews.current().unwrap().id;
    press(&mut app, ch('x'));
    type_text(&mut app, "未核实维修结果");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.state.overlay, Some(Overlay::Review));
    let store = db.store();
    let review = store.review_of(second).unwrap().expect("saved");
    assert!(!review.qualified);
    assert_eq!(review.comment, "未核实维修结果");
    assert!(review.escalation_id.is_some());
    // The record already had an open escalation (it was unsatisfied): no second one.
    assert_eq!(app.state.escalations.items.len(), before);
    assert!(app.state.reviews.items.iter().all(|r| r.id != second));
    press(&mut app, ch('y'));
    press(&mut app, key(KeyCode::Enter));
    assert!(store.review_of(oldest.id).unwrap().unwrap().qualified);
    assert!(app.state.reviews.items.is_empty());
}

#[test]
fn revealing_a_phone_number_is_audited() {
    let db = Db::filled();
    let mut app = db.app(Lang::En, "测试员");
    let task = app.state.queue.current().unwrap().task_id;
    press(&mut app, ch('r'));
    assert_eq!(app.state.revealed, Some(task));
    press(&mut app, ch('r'));
    assert_eq!(
        app.state.revealed, None,
        "hiding it again is not a disclosure"
    );
    let log = db.store().audit_entries(None).unwrap();
    let reveals: Vec<_> = log.iter().filter(|e| e.action == "phone.reveal").collect();
    assert_eq!(reveals.len(), 1);
    assert_eq!(reveals[0].actor, "测试员");
    assert_eq!(reveals[0].subject, format!("task:{task}"));
    assert!(db.store().verify_audit().unwrap().problems.is_empty());
}
