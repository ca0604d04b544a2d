//! Every shipped preset, end to end with the real binary: it loads, `rules check` passes, and one
//! event of each of its categories goes from import to a finished record answered with the
//! category's own evaluation items. Then the discrepancy rule of the delivery preset, a refused
//! record, and a category a user defines in a test config.

mod common;

use common::{Env, HEADER_EN, row, s};
use serde_json::Value;

const PRESETS: &[&str] = &[
    "callback-sop",
    "visit-sop",
    "unit-periodic",
    "sales",
    "engineering-repair",
    "hotline",
    "real-estate",
    "delivery",
];

const NOW: &str = "2026-12-03 10:00";

/// An answer to `item` that does not escalate: the first option not named in `escalate_on`.
fn calm_answer(item: &Value) -> String {
    let flagged: Vec<&str> = item["escalate_on"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let options: Vec<String> = match s(item, "kind") {
        "score" => vec!["4".into()],
        "yes_no" => vec!["yes".into(), "no".into()],
        "choice" => item["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect(),
        "quantity" => vec!["12.5".into()],
        _ => vec!["情况良好".into()],
    };
    // The presets write `escalate_on` in canonical form ("no", a choice as listed).
    options
        .into_iter()
        .find(|o| !flagged.contains(&o.as_str()))
        .expect("an answer that does not escalate")
}

#[test]
fn every_preset_loads_and_walks_each_category_from_import_to_a_record() {
    for preset in PRESETS {
        let env = Env::new().at(NOW);
        let config = env.preset_config(preset, "");
        env.run_config(&config, &["rules", "check"]).ok();
        let explained: Vec<(String, Value)> = categories_of(&env, &config)
            .into_iter()
            .map(|key| {
                let v = env
                    .run_config(
                        &config,
                        &[
                            "rules",
                            "explain",
                            &key,
                            "--json",
                            "--contract-start",
                            "2026-03-01",
                            "--contract-end",
                            "2026-11-30",
                        ],
                    )
                    .ok()
                    .json();
                (key, v)
            })
            .collect();
        assert!(!explained.is_empty(), "{preset}: no categories");
        let rows: Vec<Vec<String>> = explained
            .iter()
            .enumerate()
            .map(|(n, (key, _))| {
                row(
                    &format!("{preset}-{n}"),
                    key,
                    "",
                    "示例管理处",
                    &format!("客户{n}"),
                    &format!("1391234{:04}", n),
                    &format!("{n}栋101"),
                    "工程部",
                    "示例事项",
                    "示例",
                    "2026-06-01 09:00",
                    ("2026-03-01", "2026-11-30"),
                )
            })
            .collect();
        let csv = env.write_csv("events.csv", HEADER_EN, &rows);
        let imported = env.run_config(&config, &["import", csv.to_str().unwrap(), "--json"]);
        imported.ok();
        let due = env
            .run_config(&config, &["due", "--json", "--date", "2026-12-05"])
            .ok()
            .json();
        for (n, (key, rule)) in explained.iter().enumerate() {
            let reference = format!("{preset}-{n}");
            let task = due
                .as_array()
                .unwrap()
                .iter()
                .find(|t| s(t, "event_ref") == reference)
                .unwrap_or_else(|| panic!("{preset}/{key}: no task for {reference} in {due:#}"));
            let channel = rule["channels"][0].as_str().unwrap().to_string();
            let id = task["task_id"].to_string();
            let mut args = vec![
                "record".to_string(),
                id,
                "--outcome".into(),
                "satisfied".into(),
                "--channel".into(),
                channel,
                "--force".into(),
                "--json".into(),
            ];
            let items = rule["items"].as_array().expect("items in rules explain");
            assert!(!items.is_empty(), "{preset}/{key}: no evaluation items");
            for item in items {
                args.push("--answer".into());
                args.push(format!("{}={}", s(item, "key"), calm_answer(item)));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let done = env.run_config(&config, &args).ok().json();
            assert!(
                done["escalation"].is_null(),
                "{preset}/{key}: a calm record escalated: {done:#}"
            );
            let shown = env
                .run_config(&config, &["event", "show", &reference, "--json"])
                .ok()
                .json();
            let text = shown.to_string();
            for item in items {
                let answer = calm_answer(item);
                let stored = match (s(item, "kind"), answer.as_str()) {
                    ("quantity", "12.5") => "12.5".to_string(),
                    _ => answer,
                };
                assert!(
                    text.contains(&stored),
                    "{preset}/{key}: the answer to {} is not in {text}",
                    s(item, "key")
                );
            }
        }
    }
}

fn categories_of(env: &Env, config: &std::path::Path) -> Vec<String> {
    // `rules explain` of an unknown category lists the keys: `expected one of a|b|c`.
    let out = env.run_config(config, &["rules", "explain", "no-such-category"]);
    let err = out.stderr.clone();
    let list = err
        .split("expected one of ")
        .nth(1)
        .unwrap_or_else(|| panic!("no category list in {err}"));
    list.trim()
        .split('|')
        .map(|k| k.trim().to_string())
        .collect()
}

fn delivery_task(env: &Env, config: &std::path::Path) -> String {
    let csv = env.write_csv(
        "d.csv",
        HEADER_EN,
        &[row(
            "SH-1",
            "delivery",
            "",
            "平原",
            "某工地",
            "13912340001",
            "",
            "",
            "散装",
            "",
            "2026-12-02 15:00",
            ("", ""),
        )],
    );
    env.run_config(config, &["import", csv.to_str().unwrap()])
        .ok();
    let due = env.run_config(config, &["due", "--json"]).ok().json();
    // The delivery's own next-day call (the visit quota adds a visit beside it).
    let task = due
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["channel"] == "phone")
        .expect("the delivery's call-back");
    task["task_id"].to_string()
}

/// Records a delivery's call-back as satisfied: 30 t of 散装 sent, `variety` and `qty` received.
fn record_delivery(
    env: &Env,
    config: &std::path::Path,
    task: &str,
    variety: &str,
    qty: &str,
) -> Value {
    let received_variety = format!("received_variety={variety}");
    let received_qty = format!("received_qty={qty}");
    env.run_config(
        config,
        &[
            "record",
            task,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
            "--answer",
            "delivered_variety=散装",
            "--answer",
            &received_variety,
            "--answer",
            "delivered_qty=30",
            "--answer",
            &received_qty,
            "--json",
        ],
    )
    .ok()
    .json()
}

#[test]
fn a_delivered_quantity_that_was_not_received_escalates_at_once_to_the_general_manager() {
    let env = Env::new().at(NOW);
    let config = env.preset_config("delivery", "");
    let task = delivery_task(&env, &config);
    let done = record_delivery(&env, &config, &task, "2", "28.5");
    assert_eq!(
        done["discrepancies"][0], "发货数量 30 吨 ≠ 收货数量 28.5 吨",
        "{done:#}"
    );
    let escalations = env
        .run_config(&config, &["escalations", "--json"])
        .ok()
        .json();
    let x = &escalations.as_array().unwrap()[0];
    assert_eq!(s(x, "owner_role"), "general_manager", "{x:#}");
    assert!(s(x, "reason").contains("discrepancy"), "{x:#}");
}

#[test]
fn a_record_without_a_required_item_or_with_a_wrong_answer_is_refused_and_stores_nothing() {
    let env = Env::new().at(NOW);
    let config = env.preset_config("delivery", "");
    let task = delivery_task(&env, &config);
    let out = env.run_config(
        &config,
        &[
            "record",
            &task,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
            "--answer",
            "delivered_qty=三十",
            "--quality",
            "4",
        ],
    );
    out.bad_input();
    for needle in [
        "delivered_qty: `三十` is not an answer: expected a number of 吨",
        "quality: delivery does not ask this",
        "received_qty: 收货数量 is required",
    ] {
        assert!(
            out.stderr.contains(needle),
            "{needle} not in {}",
            out.stderr
        );
    }
    let due = env.run_config(&config, &["due", "--json"]).ok().json();
    let pending = due
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["task_id"].to_string().as_str() == task.as_str());
    assert!(pending, "the task is still pending");
}

#[test]
fn a_category_defined_in_a_users_config_works_end_to_end() {
    let env = Env::new().at(NOW);
    let config = env.write(
        "mine.toml",
        r#"
[roles]
site_lead = "驻场负责人"

[categories.inspection]
name = "巡检回访"
rate = 1.0
role = "site_lead"
channels = ["phone"]
max_attempts = 2
windows = [{ anchor = "completion", opens = "0d", due = "3d" }]
script = ["您好，回访一下本周的设备巡检。"]

[[categories.inspection.items]]
key = "devices_ok"
label = "设备运行正常"
kind = "yes_no"
required = true
escalate_on = ["no"]

[[categories.inspection.items]]
key = "rating"
label = "巡检评分"
kind = "score"
"#,
    );
    env.run_config(&config, &["rules", "check"]).ok();
    let csv = env.write_csv(
        "i.csv",
        HEADER_EN,
        &[row(
            "IN-1",
            "巡检回访",
            "",
            "翠苑",
            "王五",
            "13912340002",
            "3栋",
            "工程部",
            "电梯",
            "",
            "2026-12-02 09:00",
            ("", ""),
        )],
    );
    env.run_config(&config, &["import", csv.to_str().unwrap()])
        .ok();
    let due = env.run_config(&config, &["due", "--json"]).ok().json();
    let t = &due[0];
    assert_eq!(s(t, "category"), "inspection");
    assert_eq!(s(t, "role"), "site_lead");
    let id = t["task_id"].to_string();
    let done = env
        .run_config(
            &config,
            &[
                "record",
                &id,
                "--outcome",
                "satisfied",
                "--channel",
                "phone",
                "--answer",
                "devices_ok=否",
                "--answer",
                "rating=3",
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(done["discrepancies"][0], "设备运行正常：否", "{done:#}");
    assert!(!done["escalation"].is_null(), "{done:#}");
    let shown = env
        .run_config(&config, &["event", "show", "IN-1", "--json"])
        .ok()
        .json();
    let text = shown.to_string();
    assert!(
        text.contains("\"devices_ok\":\"no\"") && text.contains("\"rating\":\"3\""),
        "{text}"
    );
    // A typo in a user's item is named by file, line and key.
    let bad = env.write(
        "bad.toml",
        "[categories.inspection]\nname = \"巡检\"\nrate = 1.0\nrole = \"customer_service\"\nchannels = [\"phone\"]\nmax_attempts = 1\nwindows = [{ anchor = \"completion\", due = \"3d\" }]\n\n[[categories.inspection.items]]\nkey = \"ok\"\nlabel = \"正常\"\nkind = \"choice\"\nchoices = [\"是\"]\n",
    );
    let out = env.run_config(&bad, &["rules", "check"]);
    out.bad_input();
    assert!(
        out.stderr
            .contains("bad.toml:13: categories.inspection.items[0].choices"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_wrong_quantity_is_corrected_as_a_new_entry_checked_like_the_record() {
    let env = Env::new().at(NOW);
    let config = env.preset_config("delivery", "");
    let task = delivery_task(&env, &config);
    let done = record_delivery(&env, &config, &task, "散装", "3");
    let record = done["record_id"].to_string();
    // A typo in the correction is refused like one in a record.
    let bad = env.run_config(
        &config,
        &[
            "correct",
            &record,
            "--reason",
            "录入错误",
            "--answer",
            "received_qty=三十",
        ],
    );
    bad.bad_input();
    assert!(
        bad.stderr.contains("received_qty: `三十` is not an answer"),
        "{}",
        bad.stderr
    );
    let k = env
        .run_config(
            &config,
            &[
                "correct",
                &record,
                "--reason",
                "录入错误：实收 30 吨",
                "--answer",
                "received_qty=30.0",
                "--json",
            ],
        )
        .ok()
        .json();
    assert_eq!(k["answers"]["received_qty"], "30", "{k:#}");
    assert_eq!(
        k["answers"]["delivered_qty"], "30",
        "the other answers are kept: {k:#}"
    );
    // The record itself is unchanged: the correction is a new, linked entry.
    let shown = env
        .run_config(&config, &["event", "show", "SH-1", "--json"])
        .ok()
        .json();
    assert!(
        shown.to_string().contains("\"received_qty\":\"3\""),
        "{shown:#}"
    );
}
