//! Every kind of write leaves an audit entry: adding an event by hand, planning periodic
//! call-backs and reapplying edited rules, besides those tests/escalations.rs covers.

mod common;

use common::Env;

fn actions(env: &Env) -> Vec<String> {
    let v = env.run(&["audit", "--json"]).ok().json();
    v.as_array()
        .or_else(|| v["entries"].as_array())
        .expect("audit --json lists entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn event_add_plan_and_reapply_are_audited() {
    let env = Env::new();
    env.run(&[
        "event",
        "add",
        "--ref",
        "O-1",
        "--category",
        "other",
        "--site",
        "S",
        "--customer",
        "甲",
        "--phone",
        "13900000001",
        "--unit",
        "1-101",
        "--completed",
        "2026-03-01 10:00",
    ])
    .ok();
    assert!(
        actions(&env).contains(&"event_add".to_string()),
        "{:?}",
        actions(&env)
    );

    // O-1's call-back is reached; nine months on, 甲 is due a periodic one.
    let shown = env.show("O-1");
    let task = shown["tasks"][0]["task_id"].to_string();
    env.run_at(
        "2026-03-02 10:00",
        &[
            "record",
            &task,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
        ],
    )
    .ok();
    let cfg = env.write("p.toml", "[periodic]\nenabled = true\n");
    let cfg = cfg.to_str().unwrap();
    env.run(&["--config", cfg, "plan"]).ok();
    assert!(
        actions(&env).contains(&"plan".to_string()),
        "{:?}",
        actions(&env)
    );

    let cfg2 = env.write("p2.toml", "[periodic]\nenabled = true\nwindow = \"3d\"\n");
    env.run(&["--config", cfg2.to_str().unwrap(), "rules", "reapply"])
        .ok();
    assert!(
        actions(&env).contains(&"rules_reapply".to_string()),
        "{:?}",
        actions(&env)
    );
    env.run(&["audit", "verify"]).ok();
}
