//! Every row of both presets' tables, as `rules explain` reports it, against dates worked out by
//! hand from the regulations:
//!
//! - 回访管理作业规程 (preset `callback-sop`, the built-in default), 4.1.1–4.1.3;
//! - 走访、回访管理标准作业规程 (preset `visit-sop`), 4.1.1–4.1.3.
//!
//! "Within N days" = due by the end of (anchor date + N days); the window opens on the anchor date
//! itself. Months are calendar months clamped to the month's end. A contract's midpoint is
//! start + floor((end - start) / 2) days.

mod common;

use common::{Env, Out};
use serde_json::{Value, json};

/// What `rules explain` must say.
struct Want<'a> {
    rate: f64,
    role: &'a str,
    channels: &'a [&'a str],
    /// (kind, opens, due) per window.
    windows: &'a [(&'a str, &'a str, &'a str)],
}

const CALLBACK_CHANNELS: &[&str] = &["phone", "visit"];
const VISIT_CHANNELS: &[&str] = &["visit", "phone"];

/// Runs `rules explain CATEGORY ARGS… --json` under `preset` (None: the built-in default, with no
/// config at all).
fn explain(preset: Option<&str>, category: &str, args: &[&str]) -> Out {
    let env = Env::new();
    let mut all: Vec<String> = Vec::new();
    if let Some(p) = preset {
        all.push("--config".into());
        all.push(env.preset_config(p, "").display().to_string());
    }
    all.extend(["rules", "explain", category, "--json"].map(String::from));
    all.extend(args.iter().map(|s| s.to_string()));
    env.run(&all)
}

#[track_caller]
fn check(preset: Option<&str>, category: &str, args: &[&str], want: Want<'_>) -> Value {
    let v = explain(preset, category, args).ok().json();
    assert_eq!(v["rate"], json!(want.rate), "rate of {category}: {v:#}");
    assert_eq!(v["role"], json!(want.role), "role of {category}: {v:#}");
    assert_eq!(
        v["channels"],
        json!(want.channels),
        "channels of {category}: {v:#}"
    );
    let got: Vec<(String, String, String)> = v["windows"]
        .as_array()
        .expect("windows is an array")
        .iter()
        .map(|w| {
            (
                common::s(w, "kind").to_string(),
                common::s(w, "opens").to_string(),
                common::s(w, "due").to_string(),
            )
        })
        .collect();
    let want_windows: Vec<(String, String, String)> = want
        .windows
        .iter()
        .map(|(k, o, d)| (k.to_string(), o.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want_windows, "windows of {category}: {v:#}");
    v
}

// ---------------------------------------------------------------------------------------------
// 回访管理作业规程 — callback-sop, the built-in default
// ---------------------------------------------------------------------------------------------

#[test]
fn callback_sop_is_the_default_rule_set() {
    let v = explain(None, "complaint", &["--completed", "2026-12-01 15:00"])
        .ok()
        .json();
    assert_eq!(v["rule_set"], json!("回访管理作业规程"));
    assert_eq!(v["rules_version"], json!("callback-sop/1"));
    // Selecting it by name gives the same rules.
    let named = explain(
        Some("callback-sop"),
        "complaint",
        &["--completed", "2026-12-01 15:00"],
    )
    .ok()
    .json();
    assert_eq!(named, v);
}

#[test]
fn callback_sop_general_complaint() {
    // 4.1.1(1) 投诉处理完毕后的2天内: handled 2026-12-01 15:00 → opens 12-01, due 12-01 + 2 = 12-03.
    // 4.1.2(1) 100%. 4.1.3.2 一般投诉: 被投诉部门与客户服务中心员工共同进行.
    check(
        None,
        "complaint",
        &["--completed", "2026-12-01 15:00"],
        Want {
            rate: 1.0,
            role: "department_and_customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-03")],
        },
    );
}

#[test]
fn callback_sop_major_complaint_goes_to_the_manager() {
    // 4.1.3.1 重大投诉的回访由管理处经理组织进行. Handled 2026-12-30 → due 12-30 + 2 = 2027-01-01.
    check(
        None,
        "投诉",
        &["--completed", "2026-12-30 23:59", "--major"],
        Want {
            rate: 1.0,
            role: "manager",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-30", "2027-01-01")],
        },
    );
}

#[test]
fn callback_sop_repair() {
    // 4.1.1(2) 完成维修工程30天内; 4.1.2(2) 60%; 4.1.3.3 客户服务中心员工.
    // Finished 2026-02-10: 2026-02-10 + 30 days = (18 days to 02-28) + 12 = 2026-03-12.
    check(
        None,
        "repair",
        &["--completed", "2026-02-10 09:30"],
        Want {
            rate: 0.6,
            role: "customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-02-10", "2026-03-12")],
        },
    );
}

#[test]
fn callback_sop_special_service_mid_contract_and_after_the_end() {
    // 4.1.1(3) 合同执行期的中期阶段和结束后; 4.1.2(2) 100%; 4.1.3.3 客户服务中心员工.
    // Contract 2026-09-01..2026-12-31 is 121 days long; midpoint = 09-01 + 60 days = 10-31
    // (09-01 + 29 = 09-30, + 31 = 10-31). No length is given for either call-back: the "other
    // work" window of 5 days. Mid: 10-31 .. 11-05. End: 12-31 .. 2027-01-05.
    check(
        None,
        "special_service",
        &[
            "--completed",
            "2026-09-01 08:00",
            "--contract-start",
            "2026-09-01",
            "--contract-end",
            "2026-12-31",
        ],
        Want {
            rate: 1.0,
            role: "customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[
                ("contract_mid", "2026-10-31", "2026-11-05"),
                ("contract_end", "2026-12-31", "2027-01-05"),
            ],
        },
    );
}

#[test]
fn callback_sop_emergency() {
    // 4.1.1(4) 急救工作结束后的3天内: 2026-12-01 → 12-04. No rate of its own: a help service, 50%.
    check(
        None,
        "emergency",
        &["--completed", "2026-12-01 02:10"],
        Want {
            rate: 0.5,
            role: "customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-04")],
        },
    );
}

#[test]
fn callback_sop_help() {
    // 4.1.2(3) 求助服务 50%; no window of its own: other work's 5 days, 12-01 → 12-06.
    check(
        None,
        "求助",
        &["--completed", "2026-12-01 11:00"],
        Want {
            rate: 0.5,
            role: "customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-06")],
        },
    );
}

#[test]
fn callback_sop_publication() {
    // 4.1.1(5) 发行完毕后15天内: 12-01 → 12-16; 4.1.2(4) 10%.
    check(
        None,
        "publication",
        &["--completed", "2026-12-01"],
        Want {
            rate: 0.1,
            role: "customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-16")],
        },
    );
}

#[test]
fn callback_sop_community_event() {
    // 4.1.1(6) 活动组织后15天内: 2026-12-20 → 2027-01-04 (11 days to 12-31, + 4); 4.1.2(4) 10%.
    check(
        None,
        "文体活动",
        &["--completed", "2026-12-20 19:00"],
        Want {
            rate: 0.1,
            role: "customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-20", "2027-01-04")],
        },
    );
}

#[test]
fn callback_sop_other_work() {
    // 4.1.1(7) 完成管理服务工作后的5天内: 12-01 → 12-06. 4.1.2(5) rate set by the manager: the
    // preset's placeholder 30%.
    check(
        None,
        "other",
        &["--completed", "2026-12-01 16:00"],
        Want {
            rate: 0.3,
            role: "customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-06")],
        },
    );
}

// ---------------------------------------------------------------------------------------------
// 走访、回访管理标准作业规程 — visit-sop
// ---------------------------------------------------------------------------------------------

const VISIT: Option<&str> = Some("visit-sop");

#[test]
fn visit_sop_is_selected_by_the_config() {
    let v = explain(VISIT, "complaint", &["--completed", "2026-12-01 15:00"])
        .ok()
        .json();
    assert_eq!(v["rule_set"], json!("走访、回访管理标准作业规程"));
    assert_eq!(v["rules_version"], json!("visit-sop/1"));
}

#[test]
fn visit_sop_general_complaint() {
    // 4.1.1 a) 投诉处理完毕后的三天内: 2026-12-01 → 12-04. 4.1.2 a) 100%.
    // 4.1.3 b) 被投诉部门主管与客户中心专员共同进行. 4.4: 面谈、现场查看 — visits first.
    check(
        VISIT,
        "complaint",
        &["--completed", "2026-12-01 15:00"],
        Want {
            rate: 1.0,
            role: "department_and_customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-04")],
        },
    );
}

#[test]
fn visit_sop_major_complaint_goes_to_the_manager() {
    // 4.1.3 a) 重大投诉的回访由管理处经理组织进行; 3.1. Handled 2026-02-27 → 02-27 + 3 = 03-02.
    check(
        VISIT,
        "complaint",
        &["--completed", "2026-02-27 10:00", "--major"],
        Want {
            rate: 1.0,
            role: "manager",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-02-27", "2026-03-02")],
        },
    );
}

#[test]
fn visit_sop_repair_from_one_month_to_two_months() {
    // 4.1.1 b) 完成维修工程一个月后,两个月内: finished 2026-12-01 → opens 2027-01-01,
    // due 2027-02-01. 4.1.2 b) 80%. 4.1.3 c) 客户专员.
    check(
        VISIT,
        "repair",
        &["--completed", "2026-12-01 15:00"],
        Want {
            rate: 0.8,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2027-01-01", "2027-02-01")],
        },
    );
}

#[test]
fn visit_sop_repair_months_clamp_to_the_month_end() {
    // Finished 2026-01-31: + 1 month = 02-31, clamped to 2026-02-28; + 2 months = 2026-03-31.
    check(
        VISIT,
        "维修",
        &["--completed", "2026-01-31 17:00"],
        Want {
            rate: 0.8,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-02-28", "2026-03-31")],
        },
    );
    // Finished 2027-12-31: + 1 month = 2028-01-31; + 2 months = 02-31, clamped to the leap day
    // 2028-02-29.
    check(
        VISIT,
        "repair",
        &["--completed", "2027-12-31 08:00"],
        Want {
            rate: 0.8,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2028-01-31", "2028-02-29")],
        },
    );
}

#[test]
fn visit_sop_special_service_mid_contract_and_after_the_end() {
    // 4.1.1 c) 合同执行期的中期阶段和结束后; 4.1.2 b) 80%; 4.1.3 c) 客户专员. Each within the
    // "other work" week (4.1.1 f).
    // Contract 2026-09-01..2026-12-31: midpoint 10-31 (see callback-sop), due 10-31 + 7 = 11-07;
    // after the end: 12-31, due 12-31 + 7 = 2027-01-07.
    check(
        VISIT,
        "特约服务",
        &[
            "--completed",
            "2026-09-01",
            "--contract-start",
            "2026-09-01",
            "--contract-end",
            "2026-12-31",
        ],
        Want {
            rate: 0.8,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[
                ("contract_mid", "2026-10-31", "2026-11-07"),
                ("contract_end", "2026-12-31", "2027-01-07"),
            ],
        },
    );
    // An odd-length contract: 2026-03-01..2026-03-04 is 3 days; midpoint 03-01 + 1 = 03-02.
    check(
        VISIT,
        "special_service",
        &[
            "--completed",
            "2026-03-01",
            "--contract-start",
            "2026/3/1",
            "--contract-end",
            "2026/3/4",
        ],
        Want {
            rate: 0.8,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[
                ("contract_mid", "2026-03-02", "2026-03-09"),
                ("contract_end", "2026-03-04", "2026-03-11"),
            ],
        },
    );
}

#[test]
fn visit_sop_emergency() {
    // 4.1.1 d) 急救工作结束后的一周内: 2026-12-28 → 2027-01-04. A help service: 80%.
    check(
        VISIT,
        "emergency",
        &["--completed", "2026-12-28 03:00"],
        Want {
            rate: 0.8,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-12-28", "2027-01-04")],
        },
    );
}

#[test]
fn visit_sop_help() {
    // 4.1.2 b) 求助服务 80%; 4.1.3 c) 客户专员; other work's week: 12-01 → 12-08.
    check(
        VISIT,
        "help",
        &["--completed", "2026-12-01 11:00"],
        Want {
            rate: 0.8,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-08")],
        },
    );
}

#[test]
fn visit_sop_publication_one_month_clamped() {
    // 4.1.1 e) 发行完毕后一个月内: 2026-01-31 + 1 month = 02-31, clamped to 2026-02-28.
    // 4.1.2 c) 20%.
    check(
        VISIT,
        "报刊杂志",
        &["--completed", "2026-01-31 12:00"],
        Want {
            rate: 0.2,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-01-31", "2026-02-28")],
        },
    );
}

#[test]
fn visit_sop_community_event() {
    // 4.1.1 e) 组织完毕后一个月内: 2026-12-01 → 2027-01-01. 4.1.2 c) 20%.
    check(
        VISIT,
        "event",
        &["--completed", "2026-12-01 19:30"],
        Want {
            rate: 0.2,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-12-01", "2027-01-01")],
        },
    );
}

#[test]
fn visit_sop_other_work() {
    // 4.1.1 f) 完成管理服务工作后的一周内: 12-01 → 12-08. 4.1.2 d) rate set by the supervisor:
    // the preset's placeholder 30%.
    check(
        VISIT,
        "其他",
        &["--completed", "2026-12-01 16:00"],
        Want {
            rate: 0.3,
            role: "customer_service",
            channels: VISIT_CHANNELS,
            windows: &[("completion", "2026-12-01", "2026-12-08")],
        },
    );
}

// ---------------------------------------------------------------------------------------------
// What `rules explain` refuses, and its defaults
// ---------------------------------------------------------------------------------------------

#[test]
fn completed_defaults_to_now() {
    // HUIFANG_NOW = 2026-12-03 10:00: a complaint handled now is due by 12-05.
    check(
        None,
        "complaint",
        &[],
        Want {
            rate: 1.0,
            role: "department_and_customer_service",
            channels: CALLBACK_CHANNELS,
            windows: &[("completion", "2026-12-03", "2026-12-05")],
        },
    );
}

#[test]
fn a_user_config_changes_only_what_it_names() {
    // The site's manager sets other work to 50% (4.1.2(5)); the window stays the preset's 5 days.
    let env = Env::new();
    let cfg = env.write("mine.toml", "[categories.other]\nrate = 0.5\n");
    let v = env
        .run(&[
            "--config",
            cfg.to_str().unwrap(),
            "rules",
            "explain",
            "other",
            "--completed",
            "2026-12-01",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(v["rate"], json!(0.5));
    assert_eq!(v["windows"][0]["due"], json!("2026-12-06"));
}

#[test]
fn special_service_without_contract_is_refused() {
    let out = explain(None, "special_service", &["--completed", "2026-12-01"]);
    out.bad_input();
    assert!(out.stderr.contains("contract"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn contract_ending_before_it_starts_is_refused() {
    let out = explain(
        None,
        "special_service",
        &[
            "--contract-start",
            "2026-12-31",
            "--contract-end",
            "2026-09-01",
        ],
    );
    out.bad_input();
    assert!(out.stderr.contains("--contract-end"), "{}", out.stderr);
}

#[test]
fn only_complaints_can_be_major() {
    let out = explain(None, "repair", &["--major"]);
    out.bad_input();
    assert!(out.stderr.contains("--major"), "{}", out.stderr);
}

#[test]
fn unknown_category_is_refused_with_the_choices() {
    let out = explain(None, "plumbing", &[]);
    out.bad_input();
    assert!(out.stderr.contains("plumbing"), "{}", out.stderr);
    assert!(out.stderr.contains("repair"), "{}", out.stderr);
}
