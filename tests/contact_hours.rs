//! Contact hours, retry spacing and the fallback channel, through the real binary.

mod common;

use common::Env;

const CSV: &str = "ref,category,site,customer,phone,unit,matter,completed_at\n\
    TS-1,complaint,翠苑管理处,林一,13912345678,1栋101,漏水,2026-12-02 09:00\n\
    WX-1,repair,翠苑管理处,张三,13800001111,2栋1201,电梯,2026-12-01 10:00\n";

fn due(env: &Env, now: &str) -> Vec<serde_json::Value> {
    let out = env.run_at(now, &["due", "--json"]);
    serde_json::from_str::<Vec<serde_json::Value>>(&out.ok().stdout).unwrap()
}

fn import(env: &Env, csv: &str) {
    let p = env.write("e.csv", csv);
    env.run(&["import".as_ref(), p.as_os_str()]).ok();
}

fn task_of(items: &[serde_json::Value], reference: &str) -> serde_json::Value {
    items
        .iter()
        .find(|d| d["event_ref"] == reference)
        .cloned()
        .unwrap()
}

#[test]
fn attempts_outside_the_hours_are_refused_unless_forced() {
    let env = Env::new();
    import(&env, CSV);
    let id = task_of(&due(&env, "2026-12-03 10:00"), "TS-1")["task_id"].to_string();
    // 12:30 falls in the lunch break of the presets' 09:00-12:00, 14:00-20:00.
    let r = env.run_at("2026-12-03 12:30", &["attempt", &id, "--result", "busy"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("outside the contact hours") && r.stderr.contains("2026-12-03 14:00"),
        "{}",
        r.stderr
    );
    let r = env.run_at(
        "2026-12-03 12:30",
        &["attempt", &id, "--result", "busy", "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = env.show("TS-1");
    assert_eq!(shown["tasks"][0]["attempts"], 1);
    // A phone record outside the hours too; a visit record is not bound to calling hours.
    let r = env.run_at(
        "2026-12-03 21:00",
        &[
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = env.run_at(
        "2026-12-03 21:00",
        &[
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            "visit",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn due_reports_callable_now_and_the_next_callable_time() {
    let env = Env::new();
    import(&env, CSV);
    let at_lunch = due(&env, "2026-12-03 12:30");
    assert!(
        at_lunch.iter().all(|d| d["callable_now"] == false),
        "{at_lunch:?}"
    );
    assert!(
        at_lunch
            .iter()
            .all(|d| d["next_callable_at"] == "2026-12-03 14:00"),
        "{at_lunch:?}"
    );
    let morning = due(&env, "2026-12-03 10:00");
    assert!(
        morning
            .iter()
            .all(|d| d["callable_now"] == true && d["channel"] == "phone")
    );
}

#[test]
fn a_failed_attempt_waits_its_spacing_sorts_last_and_falls_back_to_a_visit() {
    let env = Env::new();
    import(&env, CSV);
    let items = due(&env, "2026-12-03 10:00");
    assert_eq!(items[0]["event_ref"], "TS-1", "the complaint is due first");
    let id = items[0]["task_id"].to_string();
    env.run_at(
        "2026-12-03 10:00",
        &["attempt", &id, "--result", "no_answer"],
    )
    .ok();
    let after = due(&env, "2026-12-03 10:05");
    let ts = task_of(&after, "TS-1");
    assert_eq!(
        ts["next_attempt_at"], "2026-12-03 12:00",
        "retry_after = 2h"
    );
    assert_eq!(ts["callable_now"], false);
    // 12:00 is the end of the morning span: the next callable time is after lunch.
    assert_eq!(ts["next_callable_at"], "2026-12-03 14:00");
    assert_eq!(
        after.last().unwrap()["event_ref"],
        "TS-1",
        "waiting tasks sort after the ready ones"
    );
    env.run_at("2026-12-03 14:00", &["attempt", &id, "--result", "busy"])
        .ok();
    let ts = task_of(&due(&env, "2026-12-03 16:01"), "TS-1");
    assert_eq!(
        ts["channel"], "visit",
        "after 2 failed phone attempts the complaint falls back to a visit"
    );
    assert_eq!(ts["callable_now"], true);
}

#[test]
fn holidays_can_be_held() {
    let env = Env::new();
    let cfg = env.write("hold.toml", "[hours]\nholidays = false\n");
    import(
        &env,
        "ref,category,site,customer,phone,unit,matter,completed_at\nTS-9,complaint,S,甲,13900000009,1-1,漏水,2026-09-30 09:00\n",
    );
    let cfg = cfg.to_str().unwrap();
    let out = env.run_at("2026-10-02 10:00", &["--config", cfg, "due", "--json"]);
    let items: Vec<serde_json::Value> = serde_json::from_str(&out.ok().stdout).unwrap();
    assert_eq!(items[0]["callable_now"], false, "国庆节 is held");
    assert_eq!(items[0]["next_callable_at"], "2026-10-08 09:00");
    let id = items[0]["task_id"].to_string();
    let r = env.run_at(
        "2026-10-02 10:00",
        &["--config", cfg, "attempt", &id, "--result", "busy"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not on public holidays"), "{}", r.stderr);
}

#[test]
fn bad_hours_in_a_config_are_named() {
    let env = Env::new();
    let cfg = env.write("bad.toml", "[hours]\ncallable = [\"14:00-09:00\"]\n");
    let r = env.run(&["rules".as_ref(), "check".as_ref(), cfg.as_os_str()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.toml:2") && r.stderr.contains("ends before it starts"),
        "{}",
        r.stderr
    );
    let cfg = env.write(
        "bad2.toml",
        "[categories.repair]\nfallback_channel = \"email\"\nfallback_after = 2\n",
    );
    let r = env.run(&["rules".as_ref(), "check".as_ref(), cfg.as_os_str()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("categories.repair.fallback_channel"),
        "{}",
        r.stderr
    );
}
