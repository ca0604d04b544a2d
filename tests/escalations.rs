//! The escalation loop until the customer is satisfied, supervisor review, role checks and the
//! audit log, end to end through the real binary. Clock frozen at 2026-12-03 10:00.

mod common;

use common::{Env, HEADER_EN, Out, s, simple_row};
use serde_json::{Value, json};

fn import_rows(env: &Env, rows: &[Vec<String>]) {
    let f = env.write_csv("in.csv", HEADER_EN, rows);
    let r = env.import(&[&f]);
    assert_eq!(r["imported"], rows.len() as u64, "{r}");
}

#[track_caller]
fn task_of(env: &Env, reference: &str) -> i64 {
    let v = env.show(reference);
    v["tasks"][0]["task_id"].as_i64().unwrap()
}

#[track_caller]
fn json(out: &Out) -> Value {
    out.ok();
    out.json()
}

/// `escalation show ID --json`.
#[track_caller]
fn show(env: &Env, id: i64) -> Value {
    json(&env.run(&["escalation", "show", &id.to_string(), "--json"]))
}

/// The history's steps as `(round, kind, outcome)`.
fn steps(v: &Value) -> Vec<(i64, String, String)> {
    v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["round"].as_i64().unwrap(),
                s(h, "kind").to_string(),
                h["outcome"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn step(r: i64, k: &str, o: &str) -> (i64, String, String) {
    (r, k.to_string(), o.to_string())
}

fn record(env: &Env, now: &str, task: i64, outcome: &str) -> Value {
    json(&env.run_at(
        now,
        &[
            "record",
            &task.to_string(),
            "--outcome",
            outcome,
            "--channel",
            "phone",
            "--json",
        ],
    ))
}

#[test]
fn the_whole_loop_until_the_customer_is_satisfied() {
    let env = Env::new();
    import_rows(&env, &[simple_row("L-1", "complaint", "2026-12-02 10:00")]);
    let first = task_of(&env, "L-1");

    // 1. Unsatisfied: round 1 opens, owned by the manager, deadline 3 days on.
    let v = record(&env, "2026-12-03 10:00", first, "unsatisfied");
    let id = v["escalation_id"].as_i64().expect("an escalation");
    assert_eq!(v["escalation"]["state"], "open");
    let x = show(&env, id);
    assert_eq!((x["round"].clone(), s(&x, "state")), (json!(1), "open"));
    assert_eq!(s(&x, "deadline"), "2026-12-06");
    assert_eq!(x["overdue"], json!(false));
    assert_eq!(s(&x["escalation"], "owner_role"), "manager");
    assert_eq!(steps(&x), [step(1, "opened", "unsatisfied")]);
    assert_eq!(x["history"][0]["record"]["id"], v["record_id"]);

    // Assign, then handle: the re-call-back task is made at once, due within 2 days.
    json(&env.run(&[
        "escalation",
        "assign",
        &id.to_string(),
        "--to",
        "王工",
        "--department",
        "工程部",
        "--json",
    ]));
    let h = json(&env.run_at(
        "2026-12-04 09:00",
        &[
            "escalation",
            "handle",
            &id.to_string(),
            "--measures",
            "更换防水层",
            "--json",
        ],
    ));
    let recall = h["task_id"].as_i64().unwrap();
    assert_ne!(recall, first);
    assert_eq!((s(&h, "opens"), s(&h, "due")), ("2026-12-04", "2026-12-06"));
    let x = show(&env, id);
    assert_eq!(s(&x, "state"), "handled");
    assert_eq!(
        steps(&x),
        [
            step(1, "opened", "unsatisfied"),
            step(1, "assigned", ""),
            step(1, "handled", ""),
        ]
    );
    let handled = &x["history"][2];
    assert_eq!(s(handled, "person"), "王工", "by defaults to the handler");
    assert_eq!(s(handled, "text"), "更换防水层");
    assert_eq!(s(handled, "at"), "2026-12-04 09:00");
    assert_eq!(handled["task_id"], json!(recall));
    // Handled is not pending on the manager: not overdue even past the deadline.
    let later = env.run_at("2026-12-20 10:00", &["escalations", "--json"]);
    assert_eq!(json(&later)[0]["overdue"], json!(false));
    // The re-call-back is in the queue.
    let due = env.due(Some("2026-12-04"));
    assert!(due.iter().any(|d| d["task_id"] == json!(recall)), "{due:?}");

    // 2. The re-call-back is unsatisfied again: round 2 of the same escalation, new deadline.
    let v = record(&env, "2026-12-05 10:00", recall, "unsatisfied");
    assert_eq!(v["escalation_id"], json!(id));
    assert_eq!(v["escalation"]["round"], json!(2));
    let x = show(&env, id);
    assert_eq!((x["round"].clone(), s(&x, "state")), (json!(2), "open"));
    assert_eq!(s(&x, "deadline"), "2026-12-08");
    assert_eq!(
        steps(&x)[3..],
        [
            step(1, "recalled", "unsatisfied"),
            step(2, "reopened", "unsatisfied"),
        ]
    );
    let list = json(&env.run(&["escalations", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1, "one escalation, not two");

    // Handle round 2, re-call-back satisfied: closed.
    let h = json(&env.run_at(
        "2026-12-06 09:00",
        &[
            "escalation",
            "handle",
            &id.to_string(),
            "--measures",
            "重新施工并试水48小时",
            "--by",
            "李师傅",
            "--json",
        ],
    ));
    assert_eq!(h["round"], json!(2));
    let recall2 = h["task_id"].as_i64().unwrap();
    let v = record(&env, "2026-12-07 10:00", recall2, "satisfied");
    assert_eq!(v["escalation"]["state"], "closed");
    let x = show(&env, id);
    assert_eq!((x["round"].clone(), s(&x, "state")), (json!(2), "closed"));
    assert_eq!(
        steps(&x),
        [
            step(1, "opened", "unsatisfied"),
            step(1, "assigned", ""),
            step(1, "handled", ""),
            step(1, "recalled", "unsatisfied"),
            step(2, "reopened", "unsatisfied"),
            step(2, "handled", ""),
            step(2, "recalled", "satisfied"),
            step(2, "closed", "satisfied"),
        ]
    );
    assert_eq!(s(&x["history"][5], "person"), "李师傅");
    // Closed: gone from the open list, still in --all; nothing more to handle.
    assert_eq!(json(&env.run(&["escalations", "--json"])), json!([]));
    let all = json(&env.run(&["escalations", "--all", "--json"]));
    assert_eq!(s(&all[0], "state"), "closed");
    let again = env.run(&["escalation", "handle", &id.to_string(), "--measures", "x"]);
    again.bad_input();
    assert!(again.stderr.contains("closed"), "{}", again.stderr);
    // The text view pages the same chain.
    let text = env.run(&["--lang", "en", "escalation", "show", &id.to_string()]);
    text.ok();
    assert!(
        text.stdout.contains("重新施工并试水48小时"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("closed"), "{}", text.stdout);
}

#[test]
fn overdue_escalations_are_flagged_and_sorted_first() {
    let env = Env::new();
    import_rows(
        &env,
        &[
            simple_row("O-1", "complaint", "2026-12-02 10:00"),
            simple_row("O-2", "complaint", "2026-12-02 11:00"),
        ],
    );
    let a = task_of(&env, "O-1");
    let b = task_of(&env, "O-2");
    // O-2's category gets a 1-day deadline: it is overdue first although opened later.
    let cfg = env.write(
        "c.toml",
        "[categories.complaint]\nescalation_deadline = \"1d\"\n",
    );
    record(&env, "2026-12-03 10:00", a, "unsatisfied");
    let out = env.run_at(
        "2026-12-03 11:00",
        &[
            "--config",
            cfg.to_str().unwrap(),
            "record",
            &b.to_string(),
            "--outcome",
            "unsatisfied",
            "--channel",
            "phone",
        ],
    );
    out.ok();
    let list = json(&env.run_at("2026-12-05 10:00", &["escalations", "--json"]));
    let got: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (s(x, "event_ref"), x["overdue"].as_bool().unwrap()))
        .collect();
    assert_eq!(got, [("O-2", true), ("O-1", false)]);
    for x in list.as_array().unwrap() {
        for k in ["id", "event_ref", "round", "state", "deadline", "overdue"] {
            assert!(x.get(k).is_some(), "{k} missing in {x}");
        }
    }
}

#[test]
fn basically_satisfied_escalates_only_when_configured() {
    let env = Env::new();
    import_rows(
        &env,
        &[
            simple_row("B-1", "complaint", "2026-12-02 10:00"),
            simple_row("B-2", "complaint", "2026-12-02 11:00"),
        ],
    );
    let v = record(&env, "2026-12-03 10:00", task_of(&env, "B-1"), "basic");
    assert_eq!(v["escalation_id"], Value::Null);
    let cfg = env.write("c.toml", "[escalation]\nbasic_escalates = true\n");
    let out = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "record",
        &task_of(&env, "B-2").to_string(),
        "--outcome",
        "basic",
        "--channel",
        "phone",
        "--json",
    ]);
    assert!(json(&out)["escalation_id"].is_i64());
}

#[test]
fn review_unqualified_opens_an_escalation() {
    let env = Env::new();
    import_rows(
        &env,
        &[
            simple_row("R-1", "complaint", "2026-12-02 10:00"),
            simple_row("R-2", "complaint", "2026-12-02 11:00"),
        ],
    );
    let r1 = record(&env, "2026-12-03 10:00", task_of(&env, "R-1"), "satisfied");
    let r2 = record(&env, "2026-12-03 10:30", task_of(&env, "R-2"), "satisfied");
    // The queue, oldest first, with the contract's fields.
    let q = json(&env.run(&["review", "--json"]));
    let ids: Vec<&Value> = q.as_array().unwrap().iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&r1["record_id"], &r2["record_id"]]);
    for k in ["id", "event_ref", "outcome", "operator", "recorded_at"] {
        assert!(q[0].get(k).is_some(), "{k} missing in {}", q[0]);
    }
    let rid = r2["record_id"].to_string();
    let v = json(&env.run(&[
        "review",
        &rid,
        "--unqualified",
        "--comment",
        "未核实维修结果",
        "--json",
    ]));
    let id = v["escalation_id"].as_i64().expect("unqualified opens one");
    let x = show(&env, id);
    assert_eq!(s(&x, "event_ref"), "R-2");
    assert_eq!(s(&x, "state"), "open");
    assert!(s(&x["escalation"], "reason").contains("未核实维修结果"));
    assert_eq!(
        s(&x["history"][0]["record"]["review"], "comment"),
        "未核实维修结果"
    );
    // Reviewed records leave the queue; a second review is refused.
    let q = json(&env.run(&["review", "--json"]));
    assert_eq!(q.as_array().unwrap().len(), 1);
    let again = env.run(&["review", &rid, "--qualified"]);
    again.bad_input();
    assert!(
        again.stderr.contains("reviewed already"),
        "{}",
        again.stderr
    );
    // Qualified opens nothing.
    let v = json(&env.run(&[
        "review",
        &r1["record_id"].to_string(),
        "--qualified",
        "--json",
    ]));
    assert_eq!(v["escalation_id"], Value::Null);
    assert_eq!(
        json(&env.run(&["escalations", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn role_checks_refuse_with_clear_errors() {
    let env = Env::new();
    import_rows(&env, &[simple_row("P-1", "complaint", "2026-12-02 10:00")]);
    // No staff yet: checks are off, and the first manager can be added by anyone.
    json(&env.run(&["staff", "list", "--json"]));
    env.run(&[
        "staff",
        "add",
        "张经理",
        "--role",
        "manager",
        "--site",
        "翠苑管理处",
    ])
    .ok();
    // Now only a manager changes staff.
    let out = env.run(&["staff", "add", "tester", "--role", "manager"]);
    out.bad_input();
    assert!(
        out.stderr.contains("`tester` is not on the staff list"),
        "{}",
        out.stderr
    );
    for (name, role) in [
        ("李主管", "supervisor"),
        ("小王", "operator"),
        ("王工", "operator"),
    ] {
        env.run(&["--as", "张经理", "staff", "add", name, "--role", role])
            .ok();
    }
    let staff = json(&env.run(&["staff", "list", "--json"]));
    assert_eq!(staff.as_array().unwrap().len(), 4);

    let rec = record(
        &env,
        "2026-12-03 10:00",
        task_of(&env, "P-1"),
        "unsatisfied",
    );
    let id = rec["escalation_id"].to_string();
    let rid = rec["record_id"].to_string();

    // Only a supervisor reviews.
    let out = env.run(&["--as", "小王", "review", &rid, "--qualified"]);
    out.bad_input();
    assert!(
        out.stderr.contains("小王 is operator")
            && out.stderr.contains("only a supervisor may review"),
        "{}",
        out.stderr
    );
    env.run(&["--as", "李主管", "review", &rid, "--qualified"])
        .ok();

    // Only a manager assigns.
    let out = env.run(&[
        "--as",
        "李主管",
        "escalation",
        "assign",
        &id,
        "--to",
        "王工",
    ]);
    out.bad_input();
    assert!(
        out.stderr.contains("only a manager may assign"),
        "{}",
        out.stderr
    );
    // A handler must be on the staff list.
    let out = env.run(&[
        "--as",
        "张经理",
        "escalation",
        "assign",
        &id,
        "--to",
        "路人",
    ]);
    out.bad_input();
    assert!(
        out.stderr.contains("`路人` is not on the staff list"),
        "{}",
        out.stderr
    );
    env.run(&[
        "--as",
        "张经理",
        "escalation",
        "assign",
        &id,
        "--to",
        "王工",
    ])
    .ok();

    // Only a manager or the assigned handler records handling.
    let out = env.run(&[
        "--as",
        "小王",
        "escalation",
        "handle",
        &id,
        "--measures",
        "x",
    ]);
    out.bad_input();
    assert!(
        out.stderr
            .contains("only a manager or the assigned handler may record the handling"),
        "{}",
        out.stderr
    );
    // Nothing was changed by the refusals.
    assert_eq!(s(&show(&env, id.parse().unwrap()), "state"), "open");
    env.run(&[
        "--as",
        "王工",
        "escalation",
        "handle",
        &id,
        "--measures",
        "已维修",
    ])
    .ok();
    assert_eq!(s(&show(&env, id.parse().unwrap()), "state"), "handled");

    // Removing staff is a manager's too; the audit log names who acted, and the OS user.
    env.run(&["--as", "小王", "staff", "remove", "王工"])
        .bad_input();
    env.run(&["--as", "张经理", "staff", "remove", "王工"]).ok();
    let log = json(&env.run(&["audit", "--json"]));
    let removal = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "staff.remove")
        .expect("the removal is audited");
    assert_eq!(s(removal, "actor"), "张经理");
    assert_eq!(s(removal, "os_user"), "tester");
    assert_eq!(s(&removal["before"], "name"), "王工");
    assert_eq!(removal["after"], Value::Null);
}

/// Runs SQL on the database from outside the application, as an intruder would: with the
/// sqlite3 command line where it is installed, else with a raw SQLite connection of its own (so
/// that `cargo test` needs nothing the project does not bring).
fn sqlite3(db: &std::path::Path, sql: &str) -> std::process::Output {
    match std::process::Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
    {
        Ok(out) => out,
        Err(_) => {
            use std::os::unix::process::ExitStatusExt;
            let result = rusqlite::Connection::open(db).and_then(|c| c.execute_batch(sql));
            let (code, stderr) = match result {
                Ok(()) => (0, String::new()),
                Err(e) => (1, format!("Error: {e}\n")),
            };
            std::process::Output {
                status: std::process::ExitStatus::from_raw(code << 8),
                stdout: Vec::new(),
                stderr: stderr.into_bytes(),
            }
        }
    }
}

#[test]
fn audit_verify_passes_then_fails_after_an_edit_with_sqlite3() {
    let env = Env::new();
    import_rows(
        &env,
        &[
            simple_row("A-1", "complaint", "2026-12-02 10:00"),
            simple_row("A-2", "complaint", "2026-12-02 11:00"),
        ],
    );
    let t = task_of(&env, "A-1").to_string();
    env.run(&["attempt", &t, "--result", "no_answer"]).ok();
    let rec = record(
        &env,
        "2026-12-03 10:30",
        task_of(&env, "A-1"),
        "unsatisfied",
    );
    let id = rec["escalation_id"].to_string();
    env.run(&["escalation", "handle", &id, "--measures", "已处理"])
        .ok();
    env.run(&[
        "correct",
        &rec["record_id"].to_string(),
        "--note",
        "补记",
        "--reason",
        "漏记",
    ])
    .ok();

    let log = json(&env.run(&["audit", "--json"]));
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| s(e, "action"))
        .collect();
    assert_eq!(
        actions,
        [
            "import",
            // The first write after the import closes 2026-Q3 (its 10th has passed).
            "quarter.close",
            "attempt.log",
            "record.save",
            "escalation.open",
            "escalation.handle",
            "record.correct"
        ]
    );
    // Each entry chains to the one before.
    for w in log.as_array().unwrap().windows(2) {
        assert_eq!(w[1]["prev"], w[0]["hash"]);
    }
    let since = json(&env.run(&["audit", "--since", "2026-12-04", "--json"]));
    assert_eq!(since, json!([]));
    let ok = env.run(&["audit", "verify"]);
    ok.ok();
    assert!(ok.stdout.contains("7"), "{}", ok.stdout);

    // The database refuses to change the log, and records, in place.
    let db = env.db();
    let out = sqlite3(&db, "UPDATE audit SET actor = 'nobody' WHERE seq = 3;");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("append-only"));
    let out = sqlite3(&db, "DELETE FROM audit WHERE seq = 2;");
    assert!(!out.status.success());
    let out = sqlite3(&db, "UPDATE records SET outcome = 'satisfied';");
    assert!(String::from_utf8_lossy(&out.stderr).contains("never edited in place"));
    env.run(&["audit", "verify"]).ok();

    // With the trigger dropped, an edit goes through, and verify finds it.
    let out = sqlite3(
        &db,
        "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'nobody' WHERE seq = 3;",
    );
    assert!(out.status.success(), "{out:?}");
    let bad = env.run(&["audit", "verify"]);
    assert_eq!(bad.code, 1, "{bad:?}");
    assert!(
        bad.stderr
            .contains("entry 3: its content does not match its hash"),
        "{}",
        bad.stderr
    );

    // A removed entry is a gap.
    let env2 = Env::new();
    import_rows(&env2, &[simple_row("G-1", "complaint", "2026-12-02 10:00")]);
    let t = task_of(&env2, "G-1").to_string();
    for _ in 0..2 {
        env2.run(&["attempt", &t, "--result", "busy"]).ok();
    }
    env2.run(&["audit", "verify"]).ok();
    let out = sqlite3(
        &env2.db(),
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;",
    );
    assert!(out.status.success(), "{out:?}");
    let bad = env2.run(&["audit", "verify", "--json"]);
    assert_eq!(bad.code, 1);
    let v: Value = serde_json::from_str(&bad.stdout).unwrap();
    let problems = v["problems"].to_string();
    assert!(problems.contains("entry 3: expected entry 2"), "{problems}");
}

#[test]
fn a_correction_is_a_new_entry_and_both_stay_visible() {
    let env = Env::new();
    import_rows(&env, &[simple_row("K-1", "complaint", "2026-12-02 10:00")]);
    let rec = record(
        &env,
        "2026-12-03 10:00",
        task_of(&env, "K-1"),
        "unsatisfied",
    );
    let rid = rec["record_id"].to_string();
    let k1 = json(&env.run(&[
        "correct",
        &rid,
        "--quality",
        "2",
        "--reason",
        "漏填",
        "--json",
    ]));
    let k2 = json(&env.run(&[
        "correct",
        &rid,
        "--outcome",
        "basic",
        "--reason",
        "录入错误",
        "--json",
    ]));
    assert_eq!(k1["corrects"], Value::Null);
    assert_eq!(k2["corrects"], k1["id"]);
    assert_eq!(
        k2["quality"],
        json!(2),
        "the earlier correction carries over"
    );
    assert_eq!(s(&k2, "outcome"), "basic");
    let x = show(&env, rec["escalation_id"].as_i64().unwrap());
    let r = &x["history"][0]["record"];
    assert_eq!(s(r, "outcome"), "unsatisfied", "the record stays as it was");
    assert_eq!(r["corrections"].as_array().unwrap().len(), 2);
    env.run(&["correct", &rid, "--reason", " "]).bad_input();
}

#[test]
fn an_escalation_can_be_opened_by_hand() {
    let env = Env::new();
    import_rows(&env, &[simple_row("H-1", "complaint", "2026-12-02 10:00")]);
    let v = json(&env.run(&[
        "escalation",
        "open",
        "H-1",
        "--reason",
        "业户来电再次投诉",
        "--json",
    ]));
    let id = v["escalation_id"].as_i64().unwrap();
    let x = show(&env, id);
    assert_eq!(steps(&x), [step(1, "opened", "")]);
    assert_eq!(s(&x["history"][0], "text"), "业户来电再次投诉");
    let again = env.run(&["escalation", "open", "H-1"]);
    again.bad_input();
    assert!(
        again.stderr.contains("already has escalation"),
        "{}",
        again.stderr
    );
    env.run(&["escalation", "show", "999"]).bad_input();
}

/// A re-call-back that reaches nobody sends the escalation back to the manager, open in the
/// same round with a new deadline, so it can be handled again; no top-up is selected for it.
#[test]
fn an_unreachable_re_call_back_reopens_the_escalation() {
    let env = Env::new();
    import_rows(&env, &[simple_row("U-1", "complaint", "2026-12-02 10:00")]);
    let v = record(
        &env,
        "2026-12-03 10:00",
        task_of(&env, "U-1"),
        "unsatisfied",
    );
    let id = v["escalation_id"].as_i64().unwrap().to_string();
    let h = json(&env.run_at(
        "2026-12-03 15:00",
        &[
            "escalation",
            "handle",
            &id,
            "--measures",
            "已修复",
            "--json",
        ],
    ));
    let recall = h["task_id"].as_i64().unwrap().to_string();
    for at in ["2026-12-04 09:00", "2026-12-04 14:00", "2026-12-04 16:30"] {
        env.run_at(at, &["attempt", &recall, "--result", "no_answer"])
            .ok();
    }
    let x = json(&env.run_at("2026-12-04 17:00", &["escalation", "show", &id, "--json"]));
    assert_eq!(s(&x, "state"), "open", "{x}");
    assert_eq!(x["round"], json!(1));
    assert_eq!(s(&x, "deadline"), "2026-12-07");
    assert!(
        steps(&x).iter().any(|(_, k, _)| k == "reopened"),
        "{:?}",
        steps(&x)
    );
    // Handled again: a new re-call-back.
    let again = json(&env.run_at(
        "2026-12-05 09:00",
        &[
            "escalation",
            "handle",
            &id,
            "--measures",
            "上门复查",
            "--json",
        ],
    ));
    assert_ne!(again["task_id"].to_string(), recall);
}

/// A special service is called back mid-contract and after it ends: when both call-backs are
/// unsatisfied, the second joins the escalation still running as its next round, never a
/// second escalation of the same event.
#[test]
fn a_second_unsatisfied_call_back_of_an_event_joins_its_escalation() {
    let env = Env::new();
    let r = common::row(
        "TY-1",
        "special_service",
        "",
        "翠苑管理处",
        "王五",
        "13700002222",
        "3栋301",
        "客服中心",
        "保洁",
        "家政保洁合同",
        "2026-09-01 09:00",
        ("2026-09-01", "2026-12-31"),
    );
    import_rows(&env, &[r]);
    let shown = env.show("TY-1");
    let mid = shown["tasks"][0]["task_id"].as_i64().unwrap();
    let end = shown["tasks"][1]["task_id"].as_i64().unwrap();
    let first = record(&env, "2026-11-01 10:00", mid, "unsatisfied");
    let id = first["escalation_id"].as_i64().unwrap();
    let second = record(&env, "2027-01-02 10:00", end, "unsatisfied");
    assert_eq!(second["escalation_id"].as_i64(), Some(id), "{second}");
    let all = json(&env.run_at("2027-01-02 11:00", &["escalations", "--all", "--json"]));
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all[0]["round"], json!(2));
}
