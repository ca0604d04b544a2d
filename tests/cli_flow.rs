//! The command line end to end against a temporary database: import → due → attempts →
//! unreachable; import → record unsatisfied → escalation; and the bad-input exits (2) on the way.
//! The clock is frozen at 2026-12-03 10:00 (Asia/Shanghai).

mod common;

use common::{Env, HEADER_EN, Out, s, simple_row};
use serde_json::{Value, json};

/// Imports the rows (English headers), all of which must be new.
fn import_rows(env: &Env, rows: &[Vec<String>]) {
    let f = env.write_csv("in.csv", HEADER_EN, rows);
    let r = env.import(&[&f]);
    assert_eq!(r["imported"], rows.len() as u64, "{r}");
}

/// The only task of event `reference`.
#[track_caller]
fn task_of(env: &Env, reference: &str) -> i64 {
    let v = env.show(reference);
    let tasks = v["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{v:#}");
    tasks[0]["task_id"].as_i64().unwrap()
}

fn run(env: &Env, args: &[&str]) -> Out {
    env.run(args)
}

#[test]
fn due_lists_the_open_tasks_most_urgent_first() {
    let env = Env::new();
    import_rows(
        &env,
        &[
            // Complaints are due within 2 days of handling.
            simple_row("C-OPEN", "complaint", "2026-12-02 10:00"), // 12-02..12-04: open
            simple_row("C-LATE", "complaint", "2026-11-28 10:00"), // ..11-30: overdue
            simple_row("C-TODAY", "complaint", "2026-12-01 10:00"), // ..12-03: due today
            simple_row("C-LATER", "complaint", "2026-12-03 09:00"), // 12-03..12-05: open
        ],
    );
    let due = env.due(None);
    let got: Vec<(&str, &str, &str)> = due
        .iter()
        .map(|d| (s(d, "event_ref"), s(d, "state"), s(d, "due")))
        .collect();
    assert_eq!(
        got,
        [
            ("C-LATE", "overdue", "2026-11-30"),
            ("C-TODAY", "due_today", "2026-12-03"),
            ("C-OPEN", "open", "2026-12-04"),
            ("C-LATER", "open", "2026-12-05"),
        ]
    );
    let first = &due[0];
    assert_eq!(s(first, "category"), "complaint");
    assert_eq!(s(first, "site"), "翠苑管理处");
    assert_eq!(s(first, "customer"), "林一");
    assert_eq!(s(first, "phone"), "139****5678");
    assert_eq!(s(first, "unit"), "1栋101");
    assert_eq!(s(first, "opens"), "2026-11-28");
    assert_eq!(first["attempts"], json!(0));
    assert_eq!(s(first, "role"), "department_and_customer_service");
    assert!(first["task_id"].is_i64());

    // On 12-02 the task that opens on 12-03 is not yet listed.
    let on_2nd: Vec<String> = env
        .due(Some("2026-12-02"))
        .iter()
        .map(|d| s(d, "event_ref").to_string())
        .collect();
    assert_eq!(on_2nd, ["C-LATE", "C-TODAY", "C-OPEN"]);
}

#[test]
fn three_failed_attempts_make_the_task_unreachable() {
    let env = Env::new();
    import_rows(&env, &[simple_row("TS-1", "complaint", "2026-12-02 10:00")]);
    let due = env.due(None);
    assert_eq!(due.len(), 1);
    let id = due[0]["task_id"].as_i64().unwrap().to_string();

    for (n, result) in [(1, "no_answer"), (2, "busy")] {
        let v = run(&env, &["attempt", &id, "--result", result, "--json"])
            .ok()
            .json();
        assert_eq!(v["attempts"], json!(n));
        assert_eq!(v["max_attempts"], json!(3));
        assert_eq!(v["unreachable"], json!(false));
        let due = env.due(None);
        assert_eq!(due.len(), 1, "still due after {n} attempt(s)");
        assert_eq!(due[0]["attempts"], json!(n));
    }
    let v = run(
        &env,
        &[
            "attempt",
            &id,
            "--result",
            "not_home",
            "--note",
            "晚上再去",
            "--json",
        ],
    )
    .ok()
    .json();
    assert_eq!(v["attempts"], json!(3));
    assert_eq!(v["unreachable"], json!(true));

    assert_eq!(env.due(None), Vec::<Value>::new(), "it leaves the queue");
    let shown = env.show("TS-1");
    let task = &shown["tasks"][0];
    assert_eq!(s(task, "state"), "unreachable");
    assert_eq!(task["attempts"], json!(3));
    let log: Vec<&str> = task["attempts_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(a, "result"))
        .collect();
    assert_eq!(log, ["no_answer", "busy", "not_home"]);
    assert_eq!(s(&task["attempts_log"][2], "note"), "晚上再去");
    assert_eq!(s(&task["attempts_log"][0], "operator"), "tester");

    // A finished task takes no more attempts and no record.
    let out = run(&env, &["attempt", &id, "--result", "busy"]);
    out.bad_input();
    assert!(out.stderr.contains("unreachable"), "{}", out.stderr);
    run(
        &env,
        &[
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
        ],
    )
    .bad_input();
    assert_eq!(env.show("TS-1")["tasks"][0]["attempts"], json!(3));
}

#[test]
fn an_unsatisfied_record_opens_an_escalation() {
    let env = Env::new();
    import_rows(
        &env,
        &[
            simple_row("TS-9", "complaint", "2026-12-02 10:00"),
            simple_row("TS-10", "complaint", "2026-12-02 11:00"),
        ],
    );
    let id = task_of(&env, "TS-9").to_string();
    let v = run(
        &env,
        &[
            "record",
            &id,
            "--outcome",
            "unsatisfied",
            "--channel",
            "visit",
            "--quality",
            "2",
            "--effect",
            "1",
            "--shortcomings",
            "维修后仍渗水",
            "--suggestions",
            "派师傅复查",
            "--signed",
            "--json",
        ],
    )
    .ok()
    .json();
    assert_eq!(v["task_id"].as_i64().unwrap().to_string(), id);
    assert!(v["escalation_id"].is_i64(), "{v}");

    let list = run(&env, &["escalations", "--json"]).ok().json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:#?}");
    let x = &list[0];
    assert_eq!(s(x, "event_ref"), "TS-9");
    assert_eq!(x["id"], v["escalation_id"]);
    assert_eq!(x["record_id"], v["record_id"]);
    assert_eq!(s(x, "owner_role"), "manager");
    assert_eq!(s(x, "state"), "open");
    assert_eq!(s(x, "outcome"), "unsatisfied");
    assert_eq!(s(x, "phone"), "139****5678");
    // 限期解决: the preset's deadline of 3 days from 12-03.
    assert_eq!(s(x, "deadline"), "2026-12-06");
    assert_eq!(x["overdue"], json!(false));

    // The record is kept with the five items of the regulations.
    let shown = env.show("TS-9");
    let task = &shown["tasks"][0];
    assert_eq!(s(task, "state"), "done");
    let rec = &task["record"];
    assert_eq!(s(rec, "outcome"), "unsatisfied");
    assert_eq!(s(rec, "channel"), "visit");
    assert_eq!(rec["quality"], json!(2));
    assert_eq!(rec["effect"], json!(1));
    assert_eq!(s(rec, "shortcomings"), "维修后仍渗水");
    assert_eq!(s(rec, "suggestions"), "派师傅复查");
    assert_eq!(rec["signed"], json!(true));
    assert_eq!(s(rec, "recorded_at"), "2026-12-03 10:00");
    assert_eq!(shown["escalations"].as_array().unwrap().len(), 1);

    // The done task leaves the queue; the other is still there.
    let due: Vec<String> = env
        .due(None)
        .iter()
        .map(|d| s(d, "event_ref").to_string())
        .collect();
    assert_eq!(due, ["TS-10"]);

    // A satisfied record opens nothing.
    let other = task_of(&env, "TS-10").to_string();
    let v = run(
        &env,
        &[
            "record",
            &other,
            "--outcome",
            "满意",
            "--channel",
            "phone",
            "--json",
        ],
    )
    .ok()
    .json();
    assert_eq!(v["escalation_id"], Value::Null);
    let list = run(&env, &["escalations", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn a_finished_task_cannot_be_recorded_twice() {
    let env = Env::new();
    import_rows(&env, &[simple_row("TS-2", "complaint", "2026-12-02 10:00")]);
    let id = task_of(&env, "TS-2").to_string();
    run(
        &env,
        &["record", &id, "--outcome", "basic", "--channel", "phone"],
    )
    .ok();
    let out = run(
        &env,
        &[
            "record",
            &id,
            "--outcome",
            "unsatisfied",
            "--channel",
            "phone",
        ],
    );
    out.bad_input();
    assert!(out.stderr.contains("already done"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "one clear line");
    // The first record stands, and no escalation was opened by the refused one.
    let shown = env.show("TS-2");
    assert_eq!(s(&shown["tasks"][0]["record"], "outcome"), "basic");
    let list = run(&env, &["escalations", "--json"]).ok().json();
    assert_eq!(list, json!([]));
}

#[test]
fn unknown_task_ids_are_bad_input() {
    let env = Env::new();
    import_rows(&env, &[simple_row("TS-3", "complaint", "2026-12-02 10:00")]);
    let out = run(
        &env,
        &[
            "record",
            "999",
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
        ],
    );
    out.bad_input();
    assert!(out.stderr.contains("999"), "{}", out.stderr);
    let out = run(&env, &["attempt", "999", "--result", "busy"]);
    out.bad_input();
    assert!(out.stderr.contains("999"), "{}", out.stderr);
    // The real task is untouched.
    assert_eq!(env.due(None)[0]["attempts"], json!(0));
}

#[test]
fn bad_flag_values_are_bad_input() {
    let env = Env::new();
    import_rows(&env, &[simple_row("TS-4", "complaint", "2026-12-02 10:00")]);
    let id = task_of(&env, "TS-4").to_string();
    for args in [
        vec!["record", &id, "--outcome", "great", "--channel", "phone"],
        vec!["record", &id, "--outcome", "satisfied", "--channel", "fax"],
        vec![
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
            "--quality",
            "6",
        ],
        // Only a visit record is signed by the customer.
        vec![
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
            "--signed",
        ],
        // complaint allows phone and visit only.
        vec!["record", &id, "--outcome", "satisfied", "--channel", "sms"],
        vec!["attempt", &id, "--result", "asleep"],
        vec!["due", "--date", "tomorrow"],
        vec!["due", "--category", "plumbing"],
    ] {
        let out = run(&env, &args);
        assert_eq!(out.code, 2, "{args:?}\n{}", out.stderr);
        assert!(!out.stderr.trim().is_empty(), "{args:?}: says why");
    }
    let outcome = run(
        &env,
        &["record", &id, "--outcome", "great", "--channel", "phone"],
    );
    assert!(outcome.stderr.contains("great"), "{}", outcome.stderr);
    // Nothing of that was stored.
    let task = &env.show("TS-4")["tasks"][0];
    assert_eq!(s(task, "state"), "pending");
    assert_eq!(task["attempts"], json!(0));
}

#[test]
fn rules_check_names_file_line_and_key() {
    let env = Env::new();
    let typo = env.write(
        "typo.toml",
        "timezone = \"Asia/Shanghai\"\n[categories.repair]\nrat = 0.7\n",
    );
    let out = run(&env, &["rules", "check", typo.to_str().unwrap()]);
    out.bad_input();
    let want = format!("{}:3: rat", typo.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);

    let bad_value = env.write(
        "rate.toml",
        "preset = \"visit-sop\"\n\n[categories.repair]\nrate = 1.5\n",
    );
    let out = run(&env, &["rules", "check", bad_value.to_str().unwrap()]);
    out.bad_input();
    let want = format!("{}:4: categories.repair.rate", bad_value.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);

    let impossible = env.write(
        "window.toml",
        "[categories.help]\nwindows = [{ anchor = \"completion\", opens = \"2w\", due = \"1w\" }]\n",
    );
    let out = run(&env, &["rules", "check", impossible.to_str().unwrap()]);
    out.bad_input();
    let want = format!("{}:2: categories.help.windows", impossible.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);

    // A good file passes; and a bad config stops any command, naming the file too.
    let good = env.preset_config("visit-sop", "[categories.other]\nrate = 0.5\n");
    run(&env, &["rules", "check", good.to_str().unwrap()]).ok();
    let out = run(&env, &["--config", typo.to_str().unwrap(), "due", "--json"]);
    out.bad_input();
    assert!(out.stderr.contains(&format!("{}:3: rat", typo.display())));
}

#[test]
fn recording_before_the_window_opens_needs_force() {
    // visit-sop: a repair is called back from one month to two months after completion.
    let env = Env::new();
    let cfg = env.preset_config("visit-sop", "");
    let cfg = cfg.to_str().unwrap();
    let f = env.write_csv(
        "wx.csv",
        HEADER_EN,
        &[simple_row("WX-1", "repair", "2026-12-01 10:00")],
    );
    let out = run(
        &env,
        &["--config", cfg, "import", f.to_str().unwrap(), "--json"],
    );
    out.ok();
    // The first repair of its month is always selected (0 of 1 would be below 80%).
    assert_eq!(out.json()["report"]["tasks_created"], json!(1));
    let shown = env.show("WX-1");
    let task = &shown["tasks"][0];
    assert_eq!(s(task, "opens"), "2027-01-01");
    assert_eq!(s(task, "due"), "2027-02-01");
    let id = task["task_id"].as_i64().unwrap().to_string();

    // Not in today's queue; in the queue once it opens.
    assert_eq!(env.due(None), Vec::<Value>::new());
    let later = env.due(Some("2027-01-01"));
    assert_eq!(later.len(), 1);
    assert_eq!(s(&later[0], "state"), "open");

    let record = |force: bool| {
        let mut args = vec![
            "--config",
            cfg,
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            "visit",
            "--signed",
        ];
        if force {
            args.push("--force");
        }
        run(&env, &args)
    };
    let out = record(false);
    out.bad_input();
    assert!(out.stderr.contains("2027-01-01"), "{}", out.stderr);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(s(&env.show("WX-1")["tasks"][0], "state"), "pending");

    record(true).ok();
    let task = &env.show("WX-1")["tasks"][0];
    assert_eq!(s(task, "state"), "done");
    assert_eq!(s(&task["record"], "outcome"), "satisfied");
    assert_eq!(env.due(Some("2027-01-01")), Vec::<Value>::new());
}

#[test]
fn event_add_takes_one_event_by_hand() {
    let env = Env::new();
    run(
        &env,
        &[
            "event",
            "add",
            "--ref",
            "TS-2026-118",
            "--category",
            "投诉",
            "--major",
            "--site",
            "翠苑管理处",
            "--customer",
            "林一",
            "--phone",
            "13912345678",
            "--completed",
            "2026-12-02 09:00",
        ],
    )
    .ok();
    let due = env.due(None);
    assert_eq!(due.len(), 1);
    assert_eq!(s(&due[0], "event_ref"), "TS-2026-118");
    assert_eq!(s(&due[0], "role"), "manager");
    assert_eq!(due[0]["major"], json!(true));
    // The same again is harmless (and said to be so); other content is refused.
    let again = run(
        &env,
        &[
            "--lang",
            "en",
            "event",
            "add",
            "--ref",
            "TS-2026-118",
            "--category",
            "投诉",
            "--major",
            "--site",
            "翠苑管理处",
            "--customer",
            "林一",
            "--phone",
            "13912345678",
            "--completed",
            "2026-12-02 09:00",
        ],
    );
    again.ok();
    assert!(
        again.stdout.contains("already stored") && !again.stdout.contains("not selected"),
        "{}",
        again.stdout
    );
    let out = run(
        &env,
        &[
            "event",
            "add",
            "--ref",
            "TS-2026-118",
            "--category",
            "投诉",
            "--completed",
            "2026-12-02 09:00",
        ],
    );
    out.bad_input();
    assert!(out.stderr.contains("TS-2026-118"), "{}", out.stderr);
    assert_eq!(env.due(None).len(), 1);
    // A major repair is not a thing.
    run(
        &env,
        &[
            "event",
            "add",
            "--ref",
            "WX-9",
            "--category",
            "repair",
            "--major",
        ],
    )
    .bad_input();
    run(&env, &["event", "show", "WX-9"]).bad_input();
}

#[test]
fn huifang_now_in_rfc3339_is_read_in_the_local_zone() {
    // 2026-12-02 18:00 UTC is 2026-12-03 02:00 in Asia/Shanghai: work entered without a time is
    // completed then, and a complaint is due two local days later.
    let env = Env::new().at("2026-12-02T18:00:00Z");
    run(
        &env,
        &["event", "add", "--ref", "TS-TZ", "--category", "complaint"],
    )
    .ok();
    let v = env.show("TS-TZ");
    assert_eq!(s(&v["event"], "completed_at"), "2026-12-03 02:00");
    assert_eq!(s(&v["tasks"][0], "opens"), "2026-12-03");
    assert_eq!(s(&v["tasks"][0], "due"), "2026-12-05");
    // A zone named in the config wins over the system's.
    let cfg = env.write("utc.toml", "timezone = \"UTC\"\n");
    let v = run(
        &env,
        &[
            "--config",
            cfg.to_str().unwrap(),
            "rules",
            "explain",
            "complaint",
            "--json",
        ],
    )
    .ok()
    .json();
    assert_eq!(v["windows"][0]["opens"], json!("2026-12-02"));
}
