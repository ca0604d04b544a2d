//! Rules are versioned: editing the config never moves existing tasks; `rules reapply` does,
//! listing each move, and `--dry-run` stores nothing. Done tasks never move.

mod common;

use common::{Env, HEADER_EN, s, simple_row};
use serde_json::{Value, json};

fn task(env: &Env, reference: &str) -> Value {
    env.show(reference)["tasks"][0].clone()
}

#[test]
fn reapply_moves_pending_tasks_to_the_edited_window_and_only_then() {
    let env = Env::new();
    let f = env.write_csv(
        "in.csv",
        HEADER_EN,
        &[
            simple_row("C-1", "complaint", "2026-12-01 10:00"),
            // Another customer, so that C-2 is no repeat of C-1.
            common::row(
                "C-2",
                "complaint",
                "",
                "翠苑管理处",
                "王二",
                "13800000002",
                "2栋202",
                "工程部",
                "电梯",
                "",
                "2026-11-20 10:00",
                ("", ""),
            ),
            simple_row("H-1", "help", "2026-12-02 10:00"),
        ],
    );
    env.import(&[&f]);
    let done = task(&env, "C-2")["task_id"].as_i64().unwrap().to_string();
    env.run(&[
        "record",
        &done,
        "--outcome",
        "satisfied",
        "--channel",
        "phone",
    ])
    .ok();
    assert_eq!(s(&task(&env, "C-1"), "rules_version"), "callback-sop/1");
    assert_eq!(s(&task(&env, "C-1"), "due"), "2026-12-03");

    // The site gives complaints 4 days (and names no version: a digest marks the edit).
    let cfg = env.write(
        "edited.toml",
        "[categories.complaint]\nwindows = [{ anchor = \"completion\", opens = \"1d\", due = \"4d\" }]\n",
    );
    let cfg = cfg.to_str().unwrap();
    let explained = env
        .run(&[
            "--config",
            cfg,
            "rules",
            "explain",
            "complaint",
            "--completed",
            "2026-12-01 10:00",
            "--json",
        ])
        .ok()
        .json();
    let version = s(&explained, "rules_version").to_string();
    assert!(version.starts_with("callback-sop/1+"), "{version}");
    assert_eq!(explained["windows"][0]["due"], json!("2026-12-05"));

    // Editing alone moves nothing.
    let due = env.run(&["--config", cfg, "due", "--json"]).ok().json();
    let c1 = due
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event_ref"] == "C-1")
        .unwrap();
    assert_eq!(s(c1, "due"), "2026-12-03");

    // A dry run lists the move and stores nothing.
    let dry = env
        .run(&["--config", cfg, "rules", "reapply", "--dry-run", "--json"])
        .ok()
        .json();
    assert_eq!(dry["dry_run"], json!(true));
    assert_eq!(dry["checked"], json!(2), "C-1 and H-1 are pending: {dry:#}");
    let moved = dry["moved"].as_array().unwrap();
    assert_eq!(moved.len(), 1, "{dry:#}");
    let m = &moved[0];
    assert_eq!(s(m, "ref"), "C-1");
    assert_eq!(
        (s(m, "old_opens"), s(m, "old_due")),
        ("2026-12-01", "2026-12-03")
    );
    assert_eq!(
        (s(m, "new_opens"), s(m, "new_due")),
        ("2026-12-02", "2026-12-05")
    );
    assert_eq!(s(m, "old_version"), "callback-sop/1");
    assert_eq!(s(m, "new_version"), version);
    assert_eq!(
        dry["restamped"],
        json!(1),
        "H-1 keeps its window, gets the version"
    );
    assert_eq!(s(&task(&env, "C-1"), "due"), "2026-12-03", "dry run");
    assert_eq!(
        s(&task(&env, "H-1"), "rules_version"),
        "callback-sop/1",
        "dry run"
    );

    // The table names the move too.
    let text = env
        .run(&[
            "--config",
            cfg,
            "--lang",
            "en",
            "rules",
            "reapply",
            "--dry-run",
        ])
        .ok()
        .stdout
        .clone();
    assert!(
        text.contains("2026-12-01 .. 2026-12-03") && text.contains("→ 2026-12-02 .. 2026-12-05"),
        "{text}"
    );

    let real = env
        .run(&["--config", cfg, "rules", "reapply", "--json"])
        .ok()
        .json();
    assert_eq!(real["moved"].as_array().unwrap().len(), 1);
    let t = task(&env, "C-1");
    assert_eq!((s(&t, "opens"), s(&t, "due")), ("2026-12-02", "2026-12-05"));
    assert_eq!(s(&t, "rules_version"), version);
    assert_eq!(s(&task(&env, "H-1"), "rules_version"), version);

    // The done task never moves, and a second reapply has nothing to do.
    let d = task(&env, "C-2");
    assert_eq!((s(&d, "state"), s(&d, "due")), ("done", "2026-11-22"));
    assert_eq!(s(&d, "rules_version"), "callback-sop/1");
    let again = env
        .run(&["--config", cfg, "rules", "reapply", "--json"])
        .ok()
        .json();
    assert_eq!(again["moved"], json!([]));
    assert_eq!(again["restamped"], json!(0));

    // Back to the built-in rules: reapply moves it back.
    let back = env.run(&["rules", "reapply", "--json"]).ok().json();
    assert_eq!(back["moved"][0]["new_due"], json!("2026-12-03"));
    assert_eq!(back["moved"][0]["new_version"], json!("callback-sop/1"));
}

#[test]
fn reapply_from_a_date_leaves_earlier_events_alone() {
    let env = Env::new();
    let f = env.write_csv(
        "in.csv",
        HEADER_EN,
        &[
            simple_row("H-OLD", "help", "2026-11-30 10:00"),
            common::row(
                "H-NEW",
                "help",
                "",
                "翠苑管理处",
                "王二",
                "13800000002",
                "2栋202",
                "工程部",
                "门禁",
                "",
                "2026-12-02 10:00",
                ("", ""),
            ),
        ],
    );
    env.import(&[&f]);
    let cfg = env.write(
        "e.toml",
        "[categories.help]\nwindows = [{ anchor = \"completion\", due = \"2wd\" }]\n",
    );
    let cfg = cfg.to_str().unwrap();
    let v = env
        .run(&[
            "--config",
            cfg,
            "rules",
            "reapply",
            "--from",
            "2026-12-01",
            "--json",
        ])
        .ok()
        .json();
    let moved: Vec<&str> = v["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| s(m, "ref"))
        .collect();
    assert_eq!(moved, ["H-NEW"], "{v:#}");
    assert_eq!(s(&task(&env, "H-OLD"), "due"), "2026-12-05");
    assert_eq!(
        s(&task(&env, "H-NEW"), "due"),
        "2026-12-04",
        "2 working days after Wed 12-02"
    );
    env.run(&["rules", "reapply", "--from", "2026-13-01"])
        .bad_input();
}
