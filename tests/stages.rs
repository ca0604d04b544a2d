//! Call-backs per project stage (the real-estate preset) and customers that are organisations,
//! with the real binary: a project in a stage with a frequency gets its call-backs on time and
//! never two at once; a stage without one gets none; a bad kind of customer names its line.

mod common;

use common::{Env, HEADER_EN, s};
use serde_json::Value;

fn header() -> Vec<&'static str> {
    let mut h = HEADER_EN.to_vec();
    h.extend(["stage", "customer_kind"]);
    h
}

fn project_row(reference: &str, stage: &str, completed: &str, kind: &str) -> Vec<String> {
    let mut r = common::row(
        reference,
        "project",
        "",
        "滨江",
        "滨江置业有限公司",
        "13900000009",
        "一期",
        "工程部",
        "项目进度",
        "",
        completed,
        ("", ""),
    );
    r.push(stage.into());
    r.push(kind.into());
    r
}

fn plan(env: &Env, config: &std::path::Path, now: &str) -> Vec<Value> {
    let out = env
        .run_config_at(config, now, &["plan", "--json"])
        .ok()
        .json();
    out["stage_tasks"].as_array().unwrap().clone()
}

#[test]
fn a_project_in_a_stage_gets_its_call_backs_at_the_stages_frequency() {
    let env = Env::new();
    let config = env.preset_config("real-estate", "");
    let csv = env.write_csv(
        "p.csv",
        &header(),
        &[project_row("P-1", "基础施工", "2026-09-01 10:00", "企业")],
    );
    env.run_config_at(
        &config,
        "2026-09-01 12:00",
        &["import", csv.to_str().unwrap()],
    )
    .ok();
    let shown = env
        .run_config_at(
            &config,
            "2026-09-01 12:00",
            &["event", "show", "P-1", "--json"],
        )
        .ok()
        .json();
    assert_eq!(
        s(&shown["event"], "customer_kind"),
        "organisation",
        "{shown:#}"
    );
    assert_eq!(s(&shown["event"], "stage"), "基础施工");
    // 基础施工: every month from the stage report.
    assert!(plan(&env, &config, "2026-09-30 10:00").is_empty());
    let made = plan(&env, &config, "2026-10-01 10:00");
    assert_eq!(made.len(), 1, "{made:#?}");
    assert_eq!(
        (s(&made[0], "stage"), s(&made[0], "due")),
        ("基础施工", "2026-10-15")
    );
    // One at a time, and nothing new the same day.
    assert!(plan(&env, &config, "2026-10-01 11:00").is_empty());
    assert!(
        plan(&env, &config, "2026-11-05 10:00").is_empty(),
        "one is still pending"
    );
    let task = made[0]["task_id"].to_string();
    env.run_config_at(
        &config,
        "2026-10-02 10:00",
        &[
            "record",
            &task,
            "--outcome",
            "satisfied",
            "--channel",
            "visit",
            "--answer",
            "progress=按计划",
            "--answer",
            "quality=4",
            "--answer",
            "safety=yes",
            "--answer",
            "environment=yes",
        ],
    )
    .ok();
    assert!(plan(&env, &config, "2026-10-31 10:00").is_empty());
    assert_eq!(plan(&env, &config, "2026-11-01 10:00").len(), 1);
}

#[test]
fn a_new_stage_restarts_the_count_and_a_stage_without_a_frequency_ends_them() {
    let env = Env::new();
    let config = env.preset_config("real-estate", "");
    let csv = env.write_csv(
        "p.csv",
        &header(),
        &[
            project_row("P-1", "基础施工", "2026-09-01 10:00", ""),
            project_row("P-2", "主体施工", "2026-09-20 10:00", ""),
        ],
    );
    env.run_config_at(
        &config,
        "2026-09-20 12:00",
        &["import", csv.to_str().unwrap()],
    )
    .ok();
    // 主体施工 (the project's latest stage): every two weeks from 09-20.
    let made = plan(&env, &config, "2026-10-04 10:00");
    assert_eq!(made.len(), 1);
    assert_eq!(
        (s(&made[0], "event_ref"), s(&made[0], "stage")),
        ("P-2", "主体施工")
    );
    let done = env.write_csv(
        "d.csv",
        &header(),
        &[project_row("P-3", "竣工交付", "2026-10-05 10:00", "")],
    );
    env.run_config_at(
        &config,
        "2026-10-05 12:00",
        &["import", done.to_str().unwrap()],
    )
    .ok();
    assert!(plan(&env, &config, "2027-01-05 10:00").is_empty());
}

#[test]
fn an_unknown_kind_of_customer_is_refused_with_its_line() {
    let env = Env::new();
    let config = env.preset_config("real-estate", "");
    let csv = env.write_csv(
        "p.csv",
        &header(),
        &[project_row("P-1", "基础施工", "2026-09-01 10:00", "政府")],
    );
    let out = env.run_config_at(
        &config,
        "2026-09-01 12:00",
        &["import", csv.to_str().unwrap()],
    );
    out.bad_input();
    assert!(
        out.stderr
            .contains("p.csv:2: customer_kind: `政府` is not a kind of customer"),
        "{}",
        out.stderr
    );
}
