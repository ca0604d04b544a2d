//! The due list reads each pending task's index entry alone: the task carries what the list
//! shows of its event (schema V_DUE_CARD). Store tests on real file databases: the copies are
//! the events' fields, for tasks made every way, and the migration fills those of an older
//! store, closed quarters included.

mod common;

use common::Env;

/// Tasks whose copies differ from their event's fields.
fn stale_copies(c: &rusqlite::Connection) -> i64 {
    c.query_row(
        "SELECT count(*) FROM tasks t JOIN events e ON e.id = t.event_id \
         WHERE t.ev_ref IS NOT e.ref OR t.ev_category IS NOT e.category OR t.ev_major IS NOT e.major \
            OR t.ev_site IS NOT e.site OR t.ev_customer IS NOT e.customer OR t.ev_phone IS NOT e.phone \
            OR t.ev_unit IS NOT e.unit OR t.ev_matter IS NOT e.matter",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Escalations whose copies of their event's site and category (V_REPORTS) differ from it.
fn stale_escalation_copies(c: &rusqlite::Connection) -> i64 {
    count(
        c,
        "SELECT count(*) FROM escalations x JOIN events e ON e.id = x.event_id \
         WHERE x.ev_site IS NOT e.site OR x.ev_category IS NOT e.category",
    )
}

fn count(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn tasks_carry_their_events_fields() {
    let env = Env::new();
    env.run(&["demo", "--events", "600", "--sites", "2", "--months", "3"])
        .ok();
    // The re-call-back after a handling is a task made by the escalation workflow: of one
    // opened by hand, on an event whose escalation the demo's desk closed.
    let all = env.run(&["escalations", "--all", "--json"]).ok().json();
    let closed = all
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["state"] == "closed")
        .expect("the demo's desk closes escalations");
    let event = closed["event_ref"].as_str().unwrap();
    let opened = env
        .run(&["escalation", "open", event, "--json"])
        .ok()
        .json();
    let id = opened["escalation_id"].as_i64().unwrap();
    env.run(&[
        "escalation",
        "handle",
        &id.to_string(),
        "--measures",
        "已上门复修",
    ])
    .ok();
    let c = rusqlite::Connection::open(env.db()).unwrap();
    assert!(
        count(
            &c,
            "SELECT count(*) FROM escalations WHERE recall_task_id IS NOT NULL"
        ) > 0
    );
    assert!(count(&c, "SELECT count(*) FROM tasks") > 100);
    assert_eq!(stale_copies(&c), 0);
    assert_eq!(stale_escalation_copies(&c), 0);
    // The due list is the copies, as the event has them.
    let due = env.run(&["due", "--json"]).ok().json();
    let first = &due[0];
    let (reference, site): (String, String) = c
        .query_row(
            "SELECT e.ref, e.site FROM tasks t JOIN events e ON e.id = t.event_id WHERE t.id = ?1",
            [first["task_id"].as_i64().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(first["event_ref"], reference.as_str());
    assert_eq!(first["site"], site.as_str());
}

#[test]
fn the_migration_fills_an_older_store_closed_quarters_included() {
    let env = Env::new();
    env.run(&["demo", "--events", "600", "--sites", "2", "--months", "9"])
        .ok();
    // A writing command first closes every quarter past its 10th: 2026-Q3 and those before it
    // (so this one then finds nothing left to close).
    env.run(&["close-quarter"]);
    let c = rusqlite::Connection::open(env.db()).unwrap();
    let closed = count(
        &c,
        "SELECT count(*) FROM tasks WHERE closed_at < (SELECT max(through) FROM quarter_closes)",
    );
    assert!(
        closed > 0,
        "the test needs tasks finished in the closed quarter"
    );
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    // Back to the store as it was before V_DUE_CARD and V_REPORTS (the two last migrations):
    // no copies on tasks or escalations, the older pending index.
    c.execute_batch(&format!(
        "DROP INDEX escalations_by_site;
         ALTER TABLE escalations DROP COLUMN ev_site; ALTER TABLE escalations DROP COLUMN ev_category;
         DROP INDEX tasks_pending;
         ALTER TABLE tasks DROP COLUMN ev_ref; ALTER TABLE tasks DROP COLUMN ev_category;
         ALTER TABLE tasks DROP COLUMN ev_major; ALTER TABLE tasks DROP COLUMN ev_site;
         ALTER TABLE tasks DROP COLUMN ev_customer; ALTER TABLE tasks DROP COLUMN ev_phone;
         ALTER TABLE tasks DROP COLUMN ev_unit; ALTER TABLE tasks DROP COLUMN ev_matter;
         CREATE INDEX tasks_pending ON tasks(opens, due, event_id, kind, attempts, role, claimed_by,
             claimed_until, repeat_count, next_attempt_at, channel, state) WHERE state = 'pending';
         PRAGMA user_version = {};",
        version - 2
    ))
    .unwrap();
    drop(c);
    // Any command opens the store and migrates it.
    let due = env.run(&["due", "--json"]).ok().json();
    assert!(!due.as_array().unwrap().is_empty());
    let c = rusqlite::Connection::open(env.db()).unwrap();
    assert_eq!(stale_copies(&c), 0);
    assert_eq!(count(&c, "SELECT count(*) FROM tasks WHERE ev_ref = ''"), 0);
    assert!(count(&c, "SELECT count(*) FROM escalations") > 0);
    assert_eq!(stale_escalation_copies(&c), 0);
    // The closed quarter's guard is back: a task finished in it stays read-only.
    let refused = c.execute(
        "UPDATE tasks SET attempts = attempts + 1 WHERE id = \
         (SELECT id FROM tasks WHERE closed_at < (SELECT max(through) FROM quarter_closes) LIMIT 1)",
        [],
    );
    assert!(
        refused.unwrap_err().to_string().contains("closed quarter"),
        "the guard is back"
    );
}
