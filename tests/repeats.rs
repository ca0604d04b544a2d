//! Repeats and forced selection at intake (the real binary), and the rate top-up on unreachable
//! call-backs (a property test over the library on a temporary database).

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use common::{Env, HEADER_EN, row, s};
use proptest::prelude::*;
use serde_json::{Value, json};

use huifang::config::Config;
use huifang::domain::NewEvent;
use huifang::store::{DueQuery, Reads, Store};
use huifang::workflow::{Intake, Try, attempt};

/// A row of `category` on `matter` by `phone` at `unit`, 翠苑, finished at `at`.
fn ev(
    reference: &str,
    category: &str,
    phone: &str,
    unit: &str,
    matter: &str,
    at: &str,
) -> Vec<String> {
    row(
        reference,
        category,
        "",
        "翠苑管理处",
        "林一",
        phone,
        unit,
        "工程部",
        matter,
        "",
        at,
        ("", ""),
    )
}

fn import(env: &Env, rows: &[Vec<String>]) {
    let f = env.write_csv("in.csv", HEADER_EN, rows);
    let r = env.import(&[&f]);
    assert_eq!(r["imported"], json!(rows.len()), "{r}");
}

fn event(env: &Env, reference: &str) -> Value {
    env.show(reference)["event"].clone()
}

fn due_of<'a>(due: &'a [Value], reference: &str) -> &'a Value {
    due.iter()
        .find(|d| d["event_ref"] == reference)
        .unwrap_or_else(|| panic!("{reference} is not due: {due:#?}"))
}

#[test]
fn a_second_complaint_on_the_same_matter_is_flagged_and_selected() {
    let env = Env::new();
    import(
        &env,
        &[
            ev(
                "C-1",
                "complaint",
                "13900000001",
                "1栋101",
                "噪音",
                "2026-10-01 10:00",
            ),
            // Same customer (phone), other unit.
            ev(
                "C-2",
                "complaint",
                "13900000001",
                "9栋909",
                "噪音",
                "2026-12-02 10:00",
            ),
            // Same unit, other phone.
            ev(
                "C-3",
                "complaint",
                "13900000003",
                "1栋101",
                "噪音",
                "2026-12-02 11:00",
            ),
            // Same customer, another matter: no repeat.
            ev(
                "C-4",
                "complaint",
                "13900000001",
                "1栋101",
                "电梯",
                "2026-12-02 12:00",
            ),
        ],
    );
    let due = env.due(None);
    assert_eq!(due_of(&due, "C-2")["repeat_count"], json!(1));
    // C-1 by the unit; C-2 is another unit and another phone.
    assert_eq!(due_of(&due, "C-3")["repeat_count"], json!(1));
    assert_eq!(due_of(&due, "C-4")["repeat_count"], json!(0));
    for r in ["C-2", "C-3"] {
        let e = event(&env, r);
        assert_eq!(e["selected"], json!(true));
        assert!(s(&e, "selection_reason").starts_with("repeat:"), "{e:#}");
    }
    assert!(!s(&event(&env, "C-4"), "selection_reason").starts_with("repeat:"));
}

#[test]
fn the_third_repair_is_always_selected_the_second_only_flagged() {
    let env = Env::new();
    import(
        &env,
        &[
            ev(
                "R-1",
                "repair",
                "13900000001",
                "1栋101",
                "漏水",
                "2026-09-20 10:00",
            ),
            ev(
                "R-2",
                "repair",
                "13900000001",
                "1栋101",
                "漏水",
                "2026-11-20 10:00",
            ),
            ev("R-3", "repair", "", "1栋101", "漏水", "2026-12-02 10:00"),
        ],
    );
    let second = event(&env, "R-2");
    assert_eq!(second["repeat_count"], json!(1));
    assert!(
        !s(&second, "selection_reason").starts_with("repeat:"),
        "a 2nd repair is sampled as usual: {second:#}"
    );
    let third = event(&env, "R-3");
    assert_eq!(third["repeat_count"], json!(2));
    assert_eq!(third["selected"], json!(true));
    assert!(
        s(&third, "selection_reason").starts_with("repeat: 3 events"),
        "{third:#}"
    );
    assert_eq!(due_of(&env.due(None), "R-3")["repeat_count"], json!(2));
}

#[test]
fn an_event_before_the_look_back_is_no_repeat() {
    let env = Env::new();
    import(
        &env,
        &[
            // More than a quarter (3m) before 12-02.
            ev(
                "C-OLD",
                "complaint",
                "13900000001",
                "1栋101",
                "噪音",
                "2026-08-20 10:00",
            ),
            ev(
                "C-NEW",
                "complaint",
                "13900000001",
                "1栋101",
                "噪音",
                "2026-12-02 10:00",
            ),
        ],
    );
    let e = event(&env, "C-NEW");
    assert_eq!(e["repeat_count"], json!(0), "{e:#}");
    assert!(!s(&e, "selection_reason").starts_with("repeat:"));
    assert_eq!(due_of(&env.due(None), "C-NEW")["repeat_count"], json!(0));
}

#[test]
fn after_an_unsatisfied_call_back_the_next_event_is_always_selected() {
    let env = Env::new();
    import(
        &env,
        &[ev(
            "C-1",
            "complaint",
            "13900000001",
            "1栋101",
            "噪音",
            "2026-12-01 10:00",
        )],
    );
    let task = env.show("C-1")["tasks"][0]["task_id"]
        .as_i64()
        .unwrap()
        .to_string();
    env.run(&[
        "record",
        &task,
        "--outcome",
        "unsatisfied",
        "--channel",
        "phone",
    ])
    .ok();
    // Publications are sampled at 10%: without the rule most would not be called back.
    let rows: Vec<Vec<String>> = (0..5)
        .map(|i| {
            ev(
                &format!("P-{i}"),
                "publication",
                if i == 0 { "13900000001" } else { "13900000009" },
                &format!("2栋{i}"),
                "社区报",
                "2026-12-02 10:00",
            )
        })
        .collect();
    import(&env, &rows);
    let e = event(&env, "P-0");
    assert_eq!(e["selected"], json!(true));
    assert_eq!(
        s(&e, "selection_reason"),
        "last call-back of this customer was unsatisfied"
    );
    for i in 1..5 {
        assert_ne!(
            s(&event(&env, &format!("P-{i}")), "selection_reason"),
            "last call-back of this customer was unsatisfied"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Top-up, through the library
// ---------------------------------------------------------------------------------------------

fn at(d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

/// Repair `i` of the cohort (翠苑, December 2026), at its own unit and phone: no repeats.
fn repair(i: usize, salt: u32) -> NewEvent {
    NewEvent {
        reference: format!("WX-{salt}-{i:03}"),
        category: "repair".into(),
        major: false,
        site: "翠苑管理处".into(),
        customer: format!("业户{i}"),
        phone: format!("1390000{i:04}"),
        unit: format!("{i}栋"),
        department: "维修班".into(),
        matter: "漏水".into(),
        summary: String::new(),
        completed_at: at(1 + (i % 3) as u32, 9),
        contract_start: None,
        contract_end: None,
        customer_kind: Default::default(),
        stage: String::new(),
    }
}

/// (events, reachable: selected and not ended unreachable without a reached call-back, unselected)
fn shares(store: &Store) -> (u64, u64, u64) {
    let r = store.rates("2026-12", None).unwrap();
    assert_eq!(r.len(), 1);
    let r = &r[0];
    (r.events, r.selected - r.unreachable, r.events - r.selected)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn top_up_keeps_the_reachable_share_at_the_rate(
        n in 5usize..=40,
        salt in 0u32..1000,
        failures in prop::collection::vec(any::<u16>(), 0..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("x.db")).unwrap();
        let config = Config::builtin();
        let now = at(3, 10);
        let tx = store.write().unwrap();
        let mut intake = Intake::new(&config, now);
        for i in 0..n {
            intake.take(&tx, &repair(i, salt)).unwrap();
        }
        tx.commit().unwrap();
        let rate = config.category("repair").unwrap().1.rate;
        for pick in failures {
            let pending = store.due(&DueQuery::default(), now).unwrap();
            if pending.is_empty() {
                break;
            }
            let id = pending[pick as usize % pending.len()].task_id;
            let (_, _, unselected_before) = shares(&store);
            let tx = store.write().unwrap();
            for _ in 0..3 {
                attempt(&tx, &config, id, Try::no_answer(), "tester", now).unwrap();
            }
            tx.commit().unwrap();
            prop_assert_eq!(store.task(id).unwrap().unwrap().state.code(), "unreachable");
            let (events, reachable, _) = shares(&store);
            if unselected_before > 0 {
                prop_assert!(
                    reachable as f64 + 1e-9 >= rate * events as f64,
                    "{} reachable of {} events < {}", reachable, events, rate
                );
            }
        }
    }
}
