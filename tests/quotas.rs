//! Quotas (回访频次每月不少于3次; 上门回访每月不少于一次) with the delivery preset and the real
//! binary: the engine adds the month's visits, `rates` shows a month where a customer meets both
//! quotas and one who cannot meet the phone quota, and planning again adds nothing.

mod common;

use common::{Env, HEADER_EN, row, s};
use serde_json::Value;

const NOW: &str = "2026-11-20 10:00";

fn delivery(reference: &str, phone: &str, completed: &str) -> Vec<String> {
    row(
        reference,
        "delivery",
        "",
        "平原",
        phone,
        phone,
        "",
        "销售科",
        "散装水泥",
        "",
        completed,
        ("", ""),
    )
}

fn record(env: &Env, config: &std::path::Path, task: &Value, channel: &str) {
    let id = task["task_id"].to_string();
    env.run_config(
        config,
        &[
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            channel,
            "--answer",
            "delivered_variety=散装",
            "--answer",
            "received_variety=散装",
            "--answer",
            "delivered_qty=30",
            "--answer",
            "received_qty=30",
        ],
    )
    .ok();
}

fn standing<'a>(quotas: &'a [Value], scope: &str, channel: &str) -> &'a Value {
    quotas
        .iter()
        .find(|q| s(q, "scope").contains(scope) && s(q, "channel") == channel)
        .unwrap_or_else(|| panic!("no {channel} quota for {scope} in {quotas:#?}"))
}

#[test]
fn the_months_visits_are_added_and_rates_shows_who_meets_the_quotas() {
    let env = Env::new().at(NOW);
    let config = env.preset_config("delivery", "");
    let csv = env.write_csv(
        "deliveries.csv",
        HEADER_EN,
        &[
            delivery("A-1", "13900000001", "2026-11-02 15:00"),
            delivery("A-2", "13900000001", "2026-11-05 15:00"),
            delivery("A-3", "13900000001", "2026-11-09 15:00"),
            delivery("A-4", "13900000001", "2026-11-16 15:00"),
            delivery("B-1", "13900000002", "2026-11-03 15:00"),
            delivery("B-2", "13900000002", "2026-11-10 15:00"),
        ],
    );
    let imported = env
        .run_config(&config, &["import", csv.to_str().unwrap(), "--json"])
        .ok()
        .json();
    // One visit for each customer, on their newest delivery; the phone quota is already planned
    // for A (four call-backs) and cannot be for B (two deliveries).
    let added = imported["quota_tasks"].as_array().unwrap();
    let mut refs: Vec<(&str, &str)> = added
        .iter()
        .map(|q| (s(q, "event_ref"), s(q, "channel")))
        .collect();
    refs.sort();
    assert_eq!(refs, [("A-4", "visit"), ("B-2", "visit")], "{added:#?}");
    let due = env.run_config(&config, &["due", "--json"]).ok().json();
    let due = due.as_array().unwrap();
    let visits: Vec<&Value> = due.iter().filter(|t| t["channel"] == "visit").collect();
    assert_eq!(visits.len(), 2, "{due:#?}");
    assert!(visits.iter().all(|t| s(t, "role") == "admin_and_sales"));
    // Planning again adds nothing.
    let plan = env.run_config(&config, &["plan", "--json"]).ok().json();
    assert_eq!(plan["quota_tasks"].as_array().unwrap().len(), 0, "{plan:#}");

    let phone_task = |reference: &str| {
        due.iter()
            .find(|t| s(t, "event_ref") == reference && t["channel"] == "phone")
            .unwrap_or_else(|| panic!("no phone task for {reference}"))
    };
    for r in ["A-1", "A-2", "A-3", "B-1", "B-2"] {
        record(&env, &config, phone_task(r), "phone");
    }
    for v in &visits {
        record(&env, &config, v, "visit");
    }
    let rates = env
        .run_config(&config, &["rates", "--month", "2026-11", "--json"])
        .ok()
        .json();
    let quotas = rates["quotas"].as_array().unwrap();
    let a_phone = standing(quotas, "139****0001", "phone");
    assert_eq!(
        (a_phone["reached"].as_u64(), a_phone["met"].as_bool()),
        (Some(3), Some(true))
    );
    assert_eq!(
        a_phone["planned"], 1,
        "A-4's phone call-back is still pending"
    );
    let a_visit = standing(quotas, "139****0001", "visit");
    assert_eq!(a_visit["met"], true);
    let b_phone = standing(quotas, "139****0002", "phone");
    assert_eq!(
        (
            b_phone["reached"].as_u64(),
            b_phone["met"].as_bool(),
            b_phone["short_of_events"].as_bool()
        ),
        (Some(2), Some(false), Some(true)),
        "{b_phone:#}"
    );
    assert_eq!(standing(quotas, "139****0002", "visit")["met"], true);
    let text = env
        .run_config(&config, &["rates", "--month", "2026-11"])
        .ok()
        .stdout
        .clone();
    assert!(text.contains("本月事件不足"), "{text}");
    // 保密纪律: the scope shows the number masked, never whole.
    assert!(
        text.contains("139****0001") && !text.contains("13900000001"),
        "{text}"
    );
    assert!(
        !imported.to_string().contains("13900000001"),
        "{imported:#}"
    );
}

#[test]
fn a_visit_that_reaches_nobody_leaves_the_quota_unmet_and_is_not_tried_twice() {
    let env = Env::new().at(NOW);
    let config = env.preset_config("delivery", "");
    let csv = env.write_csv(
        "deliveries.csv",
        HEADER_EN,
        &[delivery("C-1", "13900000003", "2026-11-18 15:00")],
    );
    env.run_config(&config, &["import", csv.to_str().unwrap()])
        .ok();
    let due = env.run_config(&config, &["due", "--json"]).ok().json();
    let visit = due
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["channel"] == "visit")
        .expect("a visit was added")
        .clone();
    let id = visit["task_id"].to_string();
    for _ in 0..2 {
        env.run_config(
            &config,
            &["attempt", &id, "--result", "not_home", "--channel", "visit"],
        )
        .ok();
    }
    let plan = env.run_config(&config, &["plan", "--json"]).ok().json();
    assert_eq!(plan["quota_tasks"].as_array().unwrap().len(), 0, "{plan:#}");
    let rates = env.run_config(&config, &["rates", "--json"]).ok().json();
    let c = standing(rates["quotas"].as_array().unwrap(), "139****0003", "visit");
    assert_eq!(
        (c["reached"].as_u64(), c["met"].as_bool()),
        (Some(0), Some(false))
    );
}

#[test]
fn a_quota_through_a_channel_its_category_lacks_is_refused_with_its_line() {
    let env = Env::new();
    let bad = env.write(
        "bad.toml",
        "[categories.repair]\nquotas = [\n  { min = 2, per = \"site\", channel = \"email\" },\n]\n",
    );
    let out = env.run(&["rules".as_ref(), "check".as_ref(), bad.as_os_str()]);
    out.bad_input();
    assert!(
        out.stderr
            .contains("bad.toml:3: categories.repair.quotas[0].channel"),
        "{}",
        out.stderr
    );
}
