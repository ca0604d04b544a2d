//! `huifang demo`, through the real binary.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2026-12-03 10:00";

fn huifang(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huifang"))
        .args(args)
        .env("HUIFANG_DB", db)
        .env("HUIFANG_NOW", NOW)
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "en_US.UTF-8")
        .env_remove("HUIFANG_CONFIG")
        .env_remove("HUIFANG_OPERATOR")
        .output()
        .expect("the binary runs")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = huifang(db, args);
    assert!(
        out.status.success(),
        "huifang {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

fn db_counts(db: &Path) -> Vec<(String, i64)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for q in [
        "SELECT count(*) FROM events",
        "SELECT count(DISTINCT category) FROM events",
        "SELECT count(*) FROM tasks",
        "SELECT count(*) FROM tasks WHERE state = 'done'",
        "SELECT count(*) FROM tasks WHERE state = 'unreachable'",
        "SELECT count(*) FROM tasks WHERE state = 'pending'",
        "SELECT count(*) FROM attempts",
        "SELECT count(*) FROM records",
        "SELECT count(*) FROM records WHERE outcome = 'unsatisfied'",
        "SELECT count(*) FROM escalations",
        "SELECT count(*) FROM events WHERE major",
        "SELECT count(*) FROM events WHERE contract_start IS NOT NULL",
        "SELECT count(*) FROM events WHERE NOT selected",
    ] {
        out.push((q.to_string(), c.query_row(q, [], |r| r.get(0)).unwrap()));
    }
    out
}

/// The tables a demo fills.
const DEMO_TABLES: [&str; 6] = [
    "events",
    "tasks",
    "attempts",
    "records",
    "escalations",
    "escalation_steps",
];

/// Every row of every table, in id order: the whole content of the database.
fn dump(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut s = String::new();
    for table in DEMO_TABLES {
        let mut stmt = c
            .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            s.push_str(table);
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                s.push_str(&format!("|{v:?}"));
            }
            s.push('\n');
        }
    }
    s
}

#[test]
fn same_seed_same_database() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    ok(&a, &["demo", "--events", "1500", "--seed", "42"]);
    ok(&b, &["demo", "--events", "1500", "--seed", "42"]);
    assert_eq!(db_counts(&a), db_counts(&b));
    assert_eq!(ok(&a, &["due", "--json"]), ok(&b, &["due", "--json"]));
    assert_eq!(
        ok(&a, &["escalations", "--json"]),
        ok(&b, &["escalations", "--json"])
    );
    assert!(dump(&a) == dump(&b), "the two databases differ");

    let c = dir.path().join("c.db");
    ok(&c, &["demo", "--events", "1500", "--seed", "43"]);
    assert!(dump(&a) != dump(&c), "another seed gives other data");
}

#[test]
fn a_realistic_desk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let summary = json(&db, &["demo", "--json"]);
    assert_eq!(summary["events"], 2000);
    assert_eq!(summary["sites"].as_array().unwrap().len(), 3);

    let c = rusqlite::Connection::open(&db).unwrap();
    let count = |q: &str| -> i64 { c.query_row(q, [], |r| r.get(0)).unwrap() };
    let categories: Vec<String> = c
        .prepare("SELECT DISTINCT category FROM events ORDER BY category")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (key, _) in huifang::domain::BUILTIN_CATEGORIES {
        assert!(categories.iter().any(|c| c == key), "no {key} event");
    }
    assert_eq!(count("SELECT count(*) FROM events"), 2000);
    let repairs = count("SELECT count(*) FROM events WHERE category = 'repair'");
    let complaints = count("SELECT count(*) FROM events WHERE category = 'complaint'");
    let help = count("SELECT count(*) FROM events WHERE category = 'help'");
    assert!(
        repairs > complaints && complaints > help,
        "{repairs} {complaints} {help}"
    );
    assert!(count("SELECT count(*) FROM events WHERE major") > 0);
    assert_eq!(
        count(
            "SELECT count(*) FROM events WHERE category = 'special_service' AND contract_end IS NULL"
        ),
        0
    );
    // 11-digit mobiles; some households call more than once about the same matter.
    assert_eq!(
        count("SELECT count(*) FROM events WHERE length(phone) <> 11 OR phone GLOB '*[^0-9]*'"),
        0
    );
    assert!(
        count(
            "SELECT count(*) FROM (SELECT 1 FROM events GROUP BY site, unit, matter HAVING count(*) >= 2)"
        ) > 0
    );
    // The history spans the last four months and ends before now.
    assert!(count("SELECT count(*) FROM events WHERE completed_at > '2026-12-03 10:00'") == 0);
    assert!(count("SELECT count(*) FROM events WHERE completed_at < '2026-08-03'") == 0);
    assert!(count("SELECT count(*) FROM events WHERE completed_at < '2026-08-20'") > 0);

    let done = count("SELECT count(*) FROM tasks WHERE state = 'done'");
    let satisfied = count("SELECT count(*) FROM records WHERE outcome = 'satisfied'");
    assert!(
        satisfied * 10 > done * 7,
        "mostly satisfied: {satisfied}/{done}"
    );
    assert!(count("SELECT count(*) FROM records WHERE outcome = 'basic'") > 0);
    assert!(count("SELECT count(*) FROM tasks WHERE state = 'unreachable'") > 0);
    assert!(count("SELECT count(*) FROM records WHERE outcome = 'unsatisfied'") > 0);
    assert_escalations_worked(&db, &summary);
    // Records are made inside their windows, never before they open, never after now; a few
    // late (the desk catches up on a miss for up to two weeks after the window closes).
    assert_eq!(
        count(
            "SELECT count(*) FROM records r JOIN tasks t ON t.id = r.task_id \
             WHERE date(r.recorded_at) < t.opens OR date(r.recorded_at) > date(t.due, '+14 days') \
                OR r.recorded_at > '2026-12-03 10:00' OR r.forced"
        ),
        0
    );
    let late = count(
        "SELECT count(*) FROM records r JOIN tasks t ON t.id = r.task_id \
         WHERE date(r.recorded_at) > t.due",
    );
    assert!(late * 100 <= done, "few late: {late}/{done}");
    assert_eq!(
        count("SELECT count(*) FROM attempts WHERE at > '2026-12-03 10:00'"),
        0
    );

    let due = json(&db, &["due", "--json"]);
    let due = due.as_array().unwrap();
    let state = |s: &str| due.iter().filter(|d| d["state"] == s).count();
    assert!(state("due_today") > 0, "nothing due today");
    assert!(state("overdue") > 0, "nothing overdue");
    assert!(state("open") > 0, "nothing open");
    assert!(
        !json(&db, &["escalations", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// The desk worked the escalations as a real desk does: every unsatisfied record escalated, the
/// manager handled most by the deadline, re-call-backs closed most, few are overdue at now.
fn assert_escalations_worked(db: &Path, summary: &Value) {
    let c = rusqlite::Connection::open(db).unwrap();
    let count = |q: &str| -> i64 { c.query_row(q, [], |r| r.get(0)).unwrap() };
    let escalations = count("SELECT count(*) FROM escalations");
    assert!(escalations > 20, "{escalations}");
    assert_eq!(summary["escalations"], escalations);
    assert_eq!(
        count("SELECT count(*) FROM escalation_steps WHERE kind = 'opened'"),
        escalations
    );
    // Every unsatisfied record opened an escalation or sent one to its next round.
    assert_eq!(
        count(
            "SELECT count(*) FROM records r WHERE outcome = 'unsatisfied' AND NOT EXISTS ( \
               SELECT 1 FROM escalation_steps s WHERE s.record_id = r.id AND s.kind IN ('opened', 'reopened'))"
        ),
        0
    );
    let closed = count("SELECT count(*) FROM escalations WHERE state = 'closed'");
    assert_eq!(summary["escalations_closed"], closed);
    assert!(
        closed * 10 >= escalations * 8,
        "most closed: {closed}/{escalations}"
    );
    let overdue =
        count("SELECT count(*) FROM escalations WHERE state = 'open' AND deadline < '2026-12-03'");
    assert_eq!(summary["escalations_overdue"], overdue);
    assert!(
        overdue * 20 <= escalations,
        "few overdue: {overdue}/{escalations}"
    );
    // Closed by a re-call-back's record (its own task) where the customer was not unsatisfied,
    // at that record's time.
    assert_eq!(
        count(
            "SELECT count(*) FROM escalations x WHERE state = 'closed' AND NOT EXISTS ( \
               SELECT 1 FROM escalation_steps s JOIN records r ON r.id = s.record_id \
               WHERE s.escalation_id = x.id AND s.kind = 'closed' AND s.task_id = r.task_id \
                 AND r.outcome <> 'unsatisfied' AND r.recorded_at = x.closed_at \
                 AND s.task_id IN (SELECT task_id FROM escalation_steps WHERE kind = 'handled'))"
        ),
        0
    );
    // Each handling made the round's re-call-back, opening that day.
    let handled = count("SELECT count(*) FROM escalation_steps WHERE kind = 'handled'");
    assert_eq!(
        count(
            "SELECT count(*) FROM escalation_steps s JOIN tasks t ON t.id = s.task_id \
             WHERE s.kind = 'handled' AND t.rule = 'escalation#' || s.escalation_id || ' R' || s.round \
               AND t.opens = date(s.at) AND t.role = 'customer_service'"
        ),
        handled
    );
    assert!(count("SELECT count(*) FROM escalation_steps WHERE kind = 'assigned'") > 0);
    // The first round handled by its deadline (the built-in 3 days) mostly.
    let first = count("SELECT count(*) FROM escalation_steps WHERE kind = 'handled' AND round = 1");
    let on_time = count(
        "SELECT count(*) FROM escalation_steps h JOIN escalation_steps o \
           ON o.escalation_id = h.escalation_id AND o.kind = 'opened' \
         WHERE h.kind = 'handled' AND h.round = 1 AND date(h.at) <= date(o.at, '+3 days')",
    );
    assert!(on_time * 10 >= first * 8, "on time: {on_time}/{first}");
    assert!(on_time < first, "some handled late");
    // Each escalation's steps in time order, none after now; re-call-backs tried after the
    // handling.
    assert_eq!(
        count(
            "SELECT count(*) FROM escalation_steps a JOIN escalation_steps b \
               ON b.escalation_id = a.escalation_id AND b.id > a.id \
             WHERE b.at < a.at OR b.at > '2026-12-03 10:00'"
        ),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM attempts a JOIN escalation_steps s ON s.task_id = a.task_id \
             WHERE s.kind = 'handled' AND a.at < s.at"
        ),
        0
    );
}

#[test]
fn refuses_a_database_that_holds_events() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    ok(&db, &["demo", "--events", "50", "--sites", "1"]);
    let out = huifang(&db, &["demo", "--events", "50"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already holds 50 events") && err.contains("--db"),
        "{err}"
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 50, "nothing was added");
}

#[test]
fn many_sites_get_distinct_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let summary = json(&db, &["demo", "--events", "300", "--sites", "30", "--json"]);
    let sites: Vec<&str> = summary["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let mut unique = sites.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 30);
    assert!(sites.iter().all(|s| s.ends_with("管理处")));
}

fn generate_into(db: &Path, plan: &huifang::demo::Plan, worked: bool) -> huifang::demo::Summary {
    let config = huifang::config::Config::builtin();
    let now = chrono::NaiveDateTime::parse_from_str(NOW, "%Y-%m-%d %H:%M").unwrap();
    let mut store = huifang::store::Store::open(db).unwrap();
    let tx = store.write().unwrap();
    let s = if worked {
        huifang::demo::generate_worked(&tx, &config, plan, now, &mut |_| {}).unwrap()
    } else {
        huifang::demo::generate(&tx, &config, plan, now, &mut |_| {}).unwrap()
    };
    tx.commit().unwrap();
    s
}

/// The bulk desk writes, row for row, what working every task through `workflow::attempt` and
/// `workflow::record` writes (only the audit differs: one entry for the batch).
#[test]
fn the_bulk_desk_is_the_workflow_desk() {
    let dir = tempfile::tempdir().unwrap();
    let (fast, slow) = (dir.path().join("fast.db"), dir.path().join("slow.db"));
    // Many events on few sites over a long span: repeats, top-ups, escalations joined.
    let plan = huifang::demo::Plan {
        events: 3000,
        seed: 42,
        sites: 2,
        months: 6,
    };
    let a = generate_into(&fast, &plan, false);
    let b = generate_into(&slow, &plan, true);
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::to_value(&b).unwrap()
    );
    let (x, y) = (dump(&fast), dump(&slow));
    if x != y {
        let first = x.lines().zip(y.lines()).find(|(p, q)| p != q);
        panic!("the bulk desk differs from the workflow's: {first:?}");
    }
    let c = rusqlite::Connection::open(&fast).unwrap();
    let count = |q: &str| -> i64 { c.query_row(q, [], |r| r.get(0)).unwrap() };
    // The rules had work to do: top-ups, unreachable call-backs, escalations worked through
    // every kind of step, re-call-backs done, unreachable and still pending.
    assert!(count("SELECT count(*) FROM events WHERE selection_reason LIKE 'top-up%'") > 0);
    assert!(count("SELECT count(*) FROM tasks WHERE state = 'unreachable'") > 0);
    for kind in [
        "opened", "assigned", "handled", "recalled", "reopened", "closed",
    ] {
        let q = format!("SELECT count(*) FROM escalation_steps WHERE kind = '{kind}'");
        assert!(count(&q) > 0, "no {kind} step");
    }
    assert!(
        count("SELECT count(*) FROM escalation_steps WHERE text = 're-call-back unreachable'") > 0
    );
    assert!(count("SELECT count(*) FROM escalations WHERE round > 1") > 0);
    assert_escalations_worked(&fast, &serde_json::to_value(&a).unwrap());
    // One audit entry for the intake and one for the desk; the chain holds.
    assert_eq!(count("SELECT count(*) FROM audit"), 2);
    ok(&fast, &["audit", "verify"]);
    // The indexes deferred during the load are all back.
    let indexes = |db: &Path| -> Vec<String> {
        let c = rusqlite::Connection::open(db).unwrap();
        c.prepare("SELECT name || ':' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(indexes(&fast), indexes(&slow));
    assert!(indexes(&fast).len() > 15);
}

/// `demo --csv` writes the demo's events; imported into an empty database they give the same
/// events and tasks (before the desk worked them) as the demo itself.
#[test]
fn the_csv_imports_as_the_demo_events() {
    let dir = tempfile::tempdir().unwrap();
    let (demo, imported) = (dir.path().join("demo.db"), dir.path().join("imp.db"));
    let csv = dir.path().join("events.csv");
    let args = ["demo", "--events", "2500", "--sites", "4", "--seed", "9"];
    ok(&demo, &args);
    let mut with_csv = args.to_vec();
    with_csv.extend(["--csv", csv.to_str().unwrap()]);
    let out = ok(&imported, &with_csv);
    assert!(out.contains("2500"), "{out}");
    assert!(!imported.exists(), "--csv leaves the database alone");
    ok(&imported, &["import", csv.to_str().unwrap()]);
    // Events as taken in; the demo desk's top-ups then selected some of them.
    let events = "SELECT ref, category, major, site, customer, phone, unit, department, matter, summary, \
                  completed_at, contract_start, contract_end, month, fingerprint, imported_at, repeat_count, \
                  selected, selection_reason FROM events ORDER BY id";
    // Not the re-call-backs of the escalations the desk handled.
    let tasks = "SELECT t.id, t.event_id, t.kind, t.opens, t.due, t.role, t.rule, t.rules_version, t.repeat_count \
                 FROM tasks t JOIN events e ON e.id = t.event_id \
                 WHERE e.selection_reason NOT LIKE 'top-up%' AND t.rule NOT LIKE 'escalation#%' ORDER BY t.id";
    let rows = |db: &Path, q: &str| -> Vec<String> {
        let c = rusqlite::Connection::open(db).unwrap();
        let mut stmt = c.prepare(q).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    for q in [events, tasks] {
        let (a, b) = (rows(&demo, q), rows(&imported, q));
        let differs = |x: &String, y: &String| {
            match x.find("Text(\"top-up: replaces") {
                // Before the top-up it was not selected, as imported.
                Some(at) => {
                    let kept = &x[..at - "Integer(1)|".len()];
                    !y.starts_with(kept) || !y.contains("Integer(0)|Text(\"not sampled")
                }
                None => x != y,
            }
        };
        if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| differs(x, y)) {
            panic!("the demo and the imported CSV differ:\n{x}\n{y}");
        }
        assert_eq!(a.len(), b.len());
    }
    assert_eq!(
        rows(&imported, "SELECT count(*) FROM events"),
        ["Integer(2500)"]
    );
}
