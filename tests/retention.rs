//! Retention and archive (issue 6): quarter close, `[retention]`, `archive`, `backup`, `restore`.
//! Every test runs the real binary on a temporary database.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Env, HEADER_EN, Out, simple_row};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

/// The tables a call-back chain spans, and the audit log.
const TABLES: &[&str] = &[
    "events",
    "tasks",
    "attempts",
    "records",
    "reviews",
    "record_corrections",
    "escalations",
    "escalation_steps",
    "audit",
];

fn counts(db: &Path) -> BTreeMap<&'static str, i64> {
    let c = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    TABLES
        .iter()
        .map(|t| {
            let n = c
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (*t, n)
        })
        .collect()
}

#[track_caller]
fn json(out: &Out) -> Value {
    out.ok();
    out.json()
}

#[track_caller]
fn import_at(env: &Env, now: &str, name: &str, rows: &[Vec<String>]) {
    let f = env.write_csv(name, HEADER_EN, rows);
    let r = json(&env.run_at(now, &["import", "--json", f.to_str().unwrap()]));
    assert_eq!(r["report"]["imported"], rows.len() as u64, "{r}");
}

#[track_caller]
fn task_of(env: &Env, reference: &str) -> String {
    env.show(reference)["tasks"][0]["task_id"].to_string()
}

fn record_args<'a>(task: &'a str, outcome: &'a str) -> Vec<&'a str> {
    vec![
        "record",
        task,
        "--outcome",
        outcome,
        "--channel",
        "phone",
        "--json",
    ]
}

fn complaint(reference: &str, completed: &str, phone: &str) -> Vec<String> {
    let mut r = simple_row(reference, "complaint", completed);
    r[5] = phone.to_string();
    r
}

#[test]
fn archive_refuses_a_date_younger_than_the_retention() {
    let env = Env::new();
    import_at(
        &env,
        common::NOW,
        "a.csv",
        &[complaint("C-1", "2026-12-02 10:00", "13900000001")],
    );
    let out = env.path("a.db");
    for args in [
        vec![
            "archive",
            "--before",
            "2025-06-01",
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["archive", "--before", "2024-12-04", "--dry-run"],
    ] {
        let r = env.run(&args);
        r.bad_input();
        assert!(
            r.stderr.contains("latest date allowed today is 2024-12-03"),
            "{}",
            r.stderr
        );
    }
    assert!(!out.exists(), "no archive written");
    // The latest allowed date itself is fine (nothing to move yet).
    env.run(&["archive", "--before", "2024-12-03", "--dry-run"])
        .ok();
    // 36 months configured: the bound moves back a year.
    let cfg = env.write("r.toml", "[retention]\nmonths = 36\n");
    let r = env.run(&[
        "--config",
        cfg.to_str().unwrap(),
        "archive",
        "--before",
        "2024-12-03",
        "--dry-run",
    ]);
    r.bad_input();
    assert!(r.stderr.contains("2023-12-03"), "{}", r.stderr);
}

#[test]
fn retention_below_the_regulation_is_refused_with_file_and_line() {
    let env = Env::new();
    let cfg = env.write(
        "short.toml",
        "timezone = \"system\"\n[retention]\nmonths = 12\n",
    );
    let r = env.run(&["rules", "check", cfg.to_str().unwrap()]);
    r.bad_input();
    let name = cfg.display().to_string();
    assert!(
        r.stderr
            .contains(&format!("{name}:3: retention.months: 12 months is below")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("allow_below_regulation"), "{}", r.stderr);
    // Every command refuses it, not only `rules check`.
    env.run(&["--config", cfg.to_str().unwrap(), "due"])
        .bad_input();
    let typo = env.write("typo.toml", "[retention]\nmonth = 30\n");
    let r = env.run(&["rules", "check", typo.to_str().unwrap()]);
    r.bad_input();
    assert!(r.stderr.contains(":2: month"), "{}", r.stderr);
    // Said on purpose, it is allowed, and the archive bound follows it.
    let ok = env.write(
        "ok.toml",
        "[retention]\nmonths = 12\nallow_below_regulation = true\n",
    );
    env.run(&["rules", "check", ok.to_str().unwrap()]).ok();
    import_at(
        &env,
        common::NOW,
        "a.csv",
        &[complaint("C-1", "2026-12-02 10:00", "13900000001")],
    );
    env.run(&[
        "--config",
        ok.to_str().unwrap(),
        "archive",
        "--before",
        "2025-10-01",
        "--dry-run",
    ])
    .ok();
}

/// Two years and more of history: finished chains of early 2024, one of them escalated and
/// still open, and today's work.
fn history(env: &Env) -> (String, String) {
    import_at(
        env,
        "2024-03-01 10:00",
        "old.csv",
        &[
            complaint("OLD-1", "2024-03-01 09:00", "13900000001"),
            complaint("OLD-2", "2024-03-01 09:30", "13900000002"),
            complaint("OLD-OPEN", "2024-03-01 09:40", "13900000003"),
            complaint("OLD-ESC", "2024-03-01 09:50", "13900000004"),
        ],
    );
    let t1 = task_of(env, "OLD-1");
    let t2 = task_of(env, "OLD-2");
    let t3 = task_of(env, "OLD-OPEN");
    env.run_at(
        "2024-03-01 10:30",
        &["attempt", &t1, "--result", "no_answer"],
    )
    .ok();
    json(&env.run_at("2024-03-02 10:00", &record_args(&t1, "satisfied")));
    let r2 = json(&env.run_at("2024-03-02 10:05", &record_args(&t2, "satisfied")));
    json(&env.run_at(
        "2024-03-02 10:10",
        &[
            "review",
            &r2["record_id"].to_string(),
            "--qualified",
            "--comment",
            "记录完整",
            "--json",
        ],
    ));
    json(&env.run_at(
        "2024-03-02 10:20",
        &[
            "correct",
            &r2["record_id"].to_string(),
            "--note",
            "补记",
            "--reason",
            "漏记",
            "--json",
        ],
    ));
    // Unsatisfied, handled, called back satisfied: a closed escalation, whose chain moves.
    let t4 = task_of(env, "OLD-ESC");
    let r4 = json(&env.run_at("2024-03-02 10:30", &record_args(&t4, "unsatisfied")));
    let esc = r4["escalation_id"].to_string();
    env.run_at(
        "2024-03-03 10:00",
        &["escalation", "handle", &esc, "--measures", "更换防水层"],
    )
    .ok();
    let recall = env.show("OLD-ESC")["tasks"][1]["task_id"].to_string();
    let closed = json(&env.run_at("2024-03-04 10:00", &record_args(&recall, "satisfied")));
    assert_eq!(closed["escalation"]["state"], "closed", "{closed}");
    // Unsatisfied: an escalation opens and is never closed, so OLD-OPEN's chain stays.
    let r3 = json(&env.run_at("2024-03-02 11:00", &record_args(&t3, "unsatisfied")));
    assert!(r3["escalation_id"].is_i64(), "{r3}");
    import_at(
        env,
        common::NOW,
        "new.csv",
        &[complaint("NEW-1", "2026-12-02 10:00", "13900000009")],
    );
    let t = task_of(env, "NEW-1");
    json(&env.run(&record_args(&t, "satisfied")));
    (r2["record_id"].to_string(), t)
}

#[test]
fn an_archive_round_trips_and_both_audit_logs_verify() {
    let env = Env::new();
    history(&env);
    let before = counts(&env.db());
    let max_seq_before = before["audit"];
    let arch = env.path("回访档案-2024.db");

    let dry = json(&env.run(&["archive", "--before", "2024-06-01", "--dry-run", "--json"]));
    assert_eq!(dry["dry_run"], true);
    assert_eq!(counts(&env.db()), before, "a dry run changes nothing");
    assert!(!arch.exists());
    let tables = &dry["plan"]["tables"];
    let planned = |t: &str| {
        tables
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["table"] == t)
            .unwrap()["rows"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(planned("events"), 3, "{dry}");
    assert_eq!(planned("tasks"), 4, "OLD-ESC's re-call-back moves with it");
    assert_eq!(planned("attempts"), 1);
    assert_eq!(planned("reviews"), 1);
    assert_eq!(planned("record_corrections"), 1);
    assert_eq!(
        planned("escalations"),
        1,
        "the closed one moves, the open one stays"
    );
    assert!(planned("escalation_steps") >= 3, "{dry}");
    assert_eq!(dry["plan"]["events_kept"], 1);

    let run = env.run(&[
        "archive",
        "--before",
        "2024-06-01",
        "--out",
        arch.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.stderr, "", "no progress when piped");
    let done = json(&run);
    assert_eq!(done["live_audit_ok"], true, "{done}");
    let live = counts(&env.db());
    let archived = counts(&arch);
    for t in TABLES.iter().filter(|t| **t != "audit") {
        assert_eq!(
            archived[t] + live[t],
            before[t],
            "{t}: archive {} + live {} != before {}",
            archived[t],
            live[t],
            before[t]
        );
    }
    assert_eq!(archived["events"], 3);
    assert_eq!(archived["escalations"], 1);
    assert_eq!(archived["reviews"], 1);
    // The audit log: the old prefix moved; the live log gained the archive's own entry.
    assert!(archived["audit"] > 0);
    let c = Connection::open_with_flags(env.db(), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let added: i64 = c
        .query_row(
            "SELECT count(*) FROM audit WHERE seq > ?1",
            [max_seq_before],
            |r| r.get(0),
        )
        .unwrap();
    assert!(added >= 1);
    assert_eq!(archived["audit"] + live["audit"] - added, before["audit"]);
    drop(c);

    // Both files verify; the live chain continues from where the archive's ends.
    let v_live = json(&env.run(&["audit", "verify", "--json"]));
    let v_arch = json(&env.run(&["--db", arch.to_str().unwrap(), "audit", "verify", "--json"]));
    assert_eq!(v_live["problems"], Value::Array(vec![]));
    assert_eq!(v_arch["problems"], Value::Array(vec![]));
    assert_eq!(v_live["starts_after"], archived["audit"]);

    // The archive is a huifang database.
    let shown = json(&env.run(&[
        "--db",
        arch.to_str().unwrap(),
        "event",
        "show",
        "OLD-2",
        "--json",
    ]));
    assert_eq!(shown["tasks"][0]["state"], "done", "{shown}");
    env.run(&["--db", arch.to_str().unwrap(), "due", "--json"])
        .ok();
    // An archive is read, not written.
    let f = env.write_csv(
        "late.csv",
        HEADER_EN,
        &[complaint("LATE-1", "2026-12-01 10:00", "13900000008")],
    );
    let r = env.run(&[
        "--db",
        arch.to_str().unwrap(),
        "import",
        f.to_str().unwrap(),
    ]);
    r.bad_input();
    assert!(r.stderr.contains("is an archive"), "{}", r.stderr);
    // What moved is gone from the live database; the open chain and today's work stay.
    env.run(&["event", "show", "OLD-2"]).bad_input();
    env.show("OLD-OPEN");
    env.show("NEW-1");
    let chain = json(&env.run(&[
        "--db",
        arch.to_str().unwrap(),
        "escalations",
        "--all",
        "--json",
    ]));
    assert_eq!(chain[0]["state"], "closed", "{chain}");
    let esc = json(&env.run(&["escalations", "--json"]));
    assert_eq!(esc.as_array().unwrap().len(), 1, "{esc}");

    // An archive is never overwritten, and nothing else may delete history.
    let again = env.run(&[
        "archive",
        "--before",
        "2024-06-01",
        "--out",
        arch.to_str().unwrap(),
    ]);
    again.bad_input();
    let c = Connection::open(env.db()).unwrap();
    for sql in [
        "DELETE FROM records",
        "DELETE FROM events WHERE ref = 'NEW-1'",
        "DELETE FROM audit",
    ] {
        assert!(c.execute(sql, []).is_err(), "{sql} must be refused");
    }
    drop(c);
    // Nor may huifang's own connections, outside an archive's transaction.
    {
        use huifang::store::Reads;
        let store = huifang::store::Store::open(&env.db()).unwrap();
        let e = store.conn().execute("DELETE FROM records", []).unwrap_err();
        assert!(e.to_string().contains("never deleted"), "{e}");
        let e = store.conn().execute("DELETE FROM audit", []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
    }
    assert_eq!(counts(&env.db()), live);
}

#[test]
fn a_closed_quarter_refuses_back_dated_work_but_takes_a_correction() {
    let env = Env::new();
    import_at(
        &env,
        "2026-09-29 09:00",
        "q3.csv",
        &[
            complaint("Q3-1", "2026-09-28 15:00", "13900000001"),
            complaint("Q3-2", "2026-09-29 08:00", "13900000002"),
        ],
    );
    let t1 = task_of(&env, "Q3-1");
    let t2 = task_of(&env, "Q3-2");
    let r1 = json(&env.run_at("2026-09-29 10:00", &record_args(&t1, "satisfied")));
    let rec1 = r1["record_id"].to_string();

    // Not ended yet, then closed by hand before its 10th.
    let early = env.run_at(
        "2026-09-30 10:00",
        &["close-quarter", "--quarter", "2026-Q3"],
    );
    early.bad_input();
    assert!(
        early.stderr.contains("has not ended yet"),
        "{}",
        early.stderr
    );
    let closed = json(&env.run_at("2026-10-05 10:00", &["close-quarter", "--json"]));
    assert_eq!(closed["quarter"], "2026-Q3", "{closed}");
    assert_eq!(closed["how"], "manual");
    let twice = env.run_at(
        "2026-10-06 10:00",
        &["close-quarter", "--quarter", "2026-Q3"],
    );
    twice.bad_input();
    assert!(twice.stderr.contains("closed already"), "{}", twice.stderr);

    // Back-dated into the closed quarter: refused, with what to do.
    for args in [
        record_args(&t2, "satisfied"),
        vec!["attempt", &t2, "--result", "busy"],
    ] {
        let r = env.run_at("2026-09-30 10:00", &args);
        r.bad_input();
        assert!(
            r.stderr.contains("falls in 2026-Q3, which is closed"),
            "{}",
            r.stderr
        );
    }
    let r = env.run_at(
        "2026-09-30 10:00",
        &["correct", &rec1, "--note", "x", "--reason", "y"],
    );
    r.bad_input();
    // The store refuses it too, whoever writes.
    let c = Connection::open(env.db()).unwrap();
    let e = c
        .execute(
            "INSERT INTO attempts (task_id, at, result, channel, operator) VALUES (?1, '2026-09-30 10:00:00', 'busy', 'phone', 'x')",
            [t2.parse::<i64>().unwrap()],
        )
        .unwrap_err();
    assert!(e.to_string().contains("closed quarter"), "{e}");
    drop(c);

    // A correction dated today is a new entry linked to the closed record: allowed.
    let k = json(&env.run_at(
        "2026-10-06 10:00",
        &[
            "correct",
            &rec1,
            "--outcome",
            "basic",
            "--reason",
            "录入错误",
            "--json",
        ],
    ));
    assert_eq!(k["outcome"], "basic", "{k}");
    // And the pending call-back is recorded today, in the open quarter.
    json(&env.run_at("2026-10-06 10:05", &record_args(&t2, "satisfied")));
    let log = json(&env.run_at("2026-10-06 11:00", &["audit", "--json"]));
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "quarter.close" && e["subject"] == "quarter:2026-Q3")
    );
}

#[test]
fn a_quarter_closes_by_itself_on_the_tenth_and_closing_by_hand_is_a_supervisors() {
    let env = Env::new();
    import_at(
        &env,
        "2026-09-29 09:00",
        "q3.csv",
        &[complaint("Q3-1", "2026-09-29 08:00", "13900000001")],
    );
    let t = task_of(&env, "Q3-1");
    // On the 9th nothing is closed: a late entry of September's work still goes in.
    env.run_at("2026-10-09 10:00", &["attempt", &t, "--result", "busy"])
        .ok();
    env.run_at("2026-09-30 10:00", &["attempt", &t, "--result", "busy"])
        .ok();
    // The first write from the 10th on closes 2026-Q3.
    env.run_at(
        "2026-10-10 10:00",
        &["staff", "add", "张经理", "--role", "manager"],
    )
    .ok();
    let r = env.run_at("2026-09-30 11:00", &record_args(&t, "satisfied"));
    r.bad_input();
    assert!(r.stderr.contains("by huifang"), "{}", r.stderr);
    // By hand, once staff are defined: a supervisor only.
    env.run_at(
        "2026-10-10 10:05",
        &[
            "--as",
            "张经理",
            "staff",
            "add",
            "李主管",
            "--role",
            "supervisor",
        ],
    )
    .ok();
    let r = env.run_at("2027-01-03 10:00", &["--as", "张经理", "close-quarter"]);
    r.bad_input();
    assert!(r.stderr.contains("only a supervisor"), "{}", r.stderr);
    let ok = json(&env.run_at(
        "2027-01-03 10:00",
        &["--as", "李主管", "close-quarter", "--json"],
    ));
    assert_eq!(ok["quarter"], "2026-Q4");
}

/// Writes audit entries from this process, one transaction each, counting them.
fn writer(db: std::path::PathBuf, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Vec<i64> {
    use huifang::store::{Reads, Store};
    let mut store = Store::open(&db).unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let mut seen = vec![store.audit_entries(None).unwrap().len() as i64];
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let tx = store.write().unwrap();
        let payload = serde_json::json!({"filler": "回访".repeat(200)});
        tx.audit(now, "writer", "test.write", "test", None, Some(&payload))
            .unwrap();
        tx.commit().unwrap();
        seen.push(seen.last().unwrap() + 1);
    }
    seen
}

#[test]
fn a_backup_taken_while_another_process_writes_is_one_consistent_snapshot() {
    let env = Env::new();
    env.run(&["demo", "--events", "1500", "--seed", "3"]).ok();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let handle = {
        let (db, stop) = (env.db(), stop.clone());
        std::thread::spawn(move || writer(db, stop))
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    let mut taken = Vec::new();
    for i in 0..4 {
        let file = env.path(&format!("backup-{i}.db"));
        let out = env.run(&["backup", file.to_str().unwrap(), "--json"]);
        out.ok();
        assert_eq!(out.stderr, "", "no progress when piped");
        taken.push(file);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = handle.join().unwrap();
    assert!(
        seen.len() > 10,
        "the writer kept writing: {} commits",
        seen.len()
    );
    let mut counts_seen = Vec::new();
    for file in &taken {
        let c = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let n: i64 = c
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap();
        assert!(
            seen.contains(&n),
            "{n} audit entries is not a count the writer passed through ({}..{})",
            seen[0],
            seen.last().unwrap()
        );
        counts_seen.push(n);
        // No torn chain: the copy's audit log verifies.
        env.run(&["--db", file.to_str().unwrap(), "audit", "verify"])
            .ok();
        assert!(!Path::new(&format!("{}.partial", file.display())).exists());
    }
    assert!(
        counts_seen.windows(2).any(|w| w[0] != w[1]),
        "the backups saw the writer's progress: {counts_seen:?}"
    );
}

#[test]
fn restore_round_trips_keeps_a_safety_copy_and_refuses_what_is_not_a_huifang_backup() {
    let env = Env::new();
    import_at(
        &env,
        common::NOW,
        "a.csv",
        &[complaint("C-1", "2026-12-02 10:00", "13900000001")],
    );
    let backup = env.path("b.db");
    env.run(&["backup", backup.to_str().unwrap()]).ok();
    let saved = counts(&env.db());
    // After the backup: a record and another event.
    let t = task_of(&env, "C-1");
    json(&env.run(&record_args(&t, "satisfied")));
    import_at(
        &env,
        common::NOW,
        "b.csv",
        &[complaint("C-2", "2026-12-02 11:00", "13900000002")],
    );
    let later = counts(&env.db());

    // Refused: not a database, another program's SQLite file, a missing file.
    let text = env.write(
        "notes.db",
        "这不是数据库 not a database at all, just some text\n",
    );
    let r = env.run(&["restore", text.to_str().unwrap()]);
    r.bad_input();
    assert!(r.stderr.contains("not a huifang database"), "{}", r.stderr);
    let other = env.path("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let r = env.run(&["restore", other.to_str().unwrap()]);
    r.bad_input();
    assert!(r.stderr.contains("no `events` table"), "{}", r.stderr);
    env.run(&["restore", env.path("missing.db").to_str().unwrap()])
        .bad_input();
    // A backup from a newer huifang (a schema version ahead of this one's).
    let newer = env.path("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let r = env.run(&["restore", newer.to_str().unwrap()]);
    r.bad_input();
    assert!(r.stderr.contains("newer huifang"), "{}", r.stderr);
    // Refused while someone has the database open.
    let holder = huifang::store::Store::open(&env.db()).unwrap();
    let r = env.run(&["restore", backup.to_str().unwrap()]);
    r.bad_input();
    assert!(r.stderr.contains("in use"), "{}", r.stderr);
    drop(holder);
    assert_eq!(counts(&env.db()), later, "nothing changed by a refusal");

    let done = json(&env.run(&["restore", backup.to_str().unwrap(), "--json"]));
    assert_eq!(counts(&env.db()), saved);
    env.run(&["event", "show", "C-2"]).bad_input();
    assert_eq!(env.show("C-1")["tasks"][0]["state"], "pending");
    env.run(&["audit", "verify"]).ok();
    let safety = done["safety_copy"].as_str().unwrap();
    assert_eq!(
        counts(Path::new(safety)),
        later,
        "the safety copy is the database as it was"
    );
    // The restored database is in use as before.
    json(&env.run(&record_args(&t, "satisfied")));
}

#[test]
fn an_archive_killed_at_any_moment_leaves_the_live_database_whole() {
    let env = Env::new();
    env.run(&["demo", "--events", "3000", "--months", "36", "--seed", "5"])
        .ok();
    let before = counts(&env.db());
    // An undisturbed run on a copy gives the time to spread the kills over, and what "done" is.
    let probe = env.path("probe.db");
    std::fs::copy(env.db(), &probe).unwrap();
    let t0 = std::time::Instant::now();
    let out = env.path("probe-archive.db");
    env.run(&[
        "--db",
        probe.to_str().unwrap(),
        "archive",
        "--before",
        "2024-12-01",
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let full = t0.elapsed();
    let after = counts(&probe);
    assert!(
        after["events"] < before["events"],
        "the probe moved something"
    );
    let mut killed = 0;
    for i in 0..6u32 {
        let arch = env.path(&format!("k{i}.db"));
        let mut child = env
            .cmd()
            .args([
                "archive",
                "--before",
                "2024-12-01",
                "--out",
                arch.to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(f64::from(i) / 6.0));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
        let c = Connection::open(env.db()).unwrap();
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        drop(c);
        env.run(&["audit", "verify"]).ok();
        let now = counts(&env.db());
        let chains = |m: &BTreeMap<&str, i64>| (m["events"], m["tasks"], m["records"]);
        if chains(&now) == chains(&before) {
            // Nothing removed: an archive file, if one got into place, is a whole copy.
            if arch.exists() {
                env.run(&["--db", arch.to_str().unwrap(), "audit", "verify"])
                    .ok();
                assert_eq!(counts(&arch)["events"], before["events"] - after["events"]);
            }
        } else {
            // Removed: all of it, and the archive holds it.
            assert_eq!(chains(&now), chains(&after));
            assert_eq!(counts(&arch)["events"] + now["events"], before["events"]);
            break;
        }
    }
    eprintln!("archive kill test: {killed} run(s) killed mid-way, undisturbed run {full:?}");
}
