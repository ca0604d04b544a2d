//! The schema, as migrations. Never edit a released migration: add the next one.

use rusqlite_migration::{M, Migrations};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V_ITEMS),
        M::up(V_DUE),
        M::up(V_LEAN),
        M::up(V_DUE_CARD),
        M::up(V_REPORTS),
    ])
}

const V1: &str = r#"
CREATE TABLE events (
    id               INTEGER PRIMARY KEY,
    ref              TEXT NOT NULL UNIQUE,
    category         TEXT NOT NULL,
    major            INTEGER NOT NULL DEFAULT 0,
    site             TEXT NOT NULL DEFAULT '',
    customer         TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    unit             TEXT NOT NULL DEFAULT '',
    department       TEXT NOT NULL DEFAULT '',
    matter           TEXT NOT NULL DEFAULT '',
    summary          TEXT NOT NULL DEFAULT '',
    completed_at     TEXT NOT NULL,
    contract_start   TEXT,
    contract_end     TEXT,
    month            TEXT NOT NULL,          -- YYYY-MM of completed_at: the sampling cohort
    selected         INTEGER NOT NULL,
    selection_reason TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    imported_at      TEXT NOT NULL
);
CREATE INDEX events_cohort   ON events(site, category, month);
CREATE INDEX events_customer ON events(customer);
CREATE INDEX events_unit     ON events(unit);
CREATE INDEX events_phone    ON events(phone);
CREATE INDEX events_month    ON events(month);

CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events(id),
    kind          TEXT NOT NULL,             -- completion | contract_mid | contract_end
    opens         TEXT NOT NULL,             -- YYYY-MM-DD
    due           TEXT NOT NULL,             -- YYYY-MM-DD, due by its end
    role          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending',
    rule          TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_by    TEXT,
    claimed_until TEXT,
    closed_at     TEXT
);
CREATE INDEX tasks_event   ON tasks(event_id);
CREATE INDEX tasks_pending ON tasks(opens, due) WHERE state = 'pending';
CREATE INDEX tasks_closed  ON tasks(closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE attempts (
    id       INTEGER PRIMARY KEY,
    task_id  INTEGER NOT NULL REFERENCES tasks(id),
    at       TEXT NOT NULL,
    result   TEXT NOT NULL,
    channel  TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    operator TEXT NOT NULL,
    forced   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attempts_task ON attempts(task_id);

CREATE TABLE records (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL UNIQUE REFERENCES tasks(id),
    channel      TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    quality      INTEGER CHECK (quality BETWEEN 1 AND 5),
    effect       INTEGER CHECK (effect BETWEEN 1 AND 5),
    shortcomings TEXT NOT NULL DEFAULT '',
    suggestions  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    signed       INTEGER NOT NULL DEFAULT 0,
    operator     TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    forced       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX records_recorded ON records(recorded_at);

CREATE TABLE escalations (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events(id),
    record_id  INTEGER REFERENCES records(id),
    round      INTEGER NOT NULL DEFAULT 1,
    state      TEXT NOT NULL DEFAULT 'open',
    owner_role TEXT NOT NULL,
    reason     TEXT NOT NULL,
    opened_at  TEXT NOT NULL,
    deadline   TEXT NOT NULL,
    closed_at  TEXT
);
CREATE INDEX escalations_open  ON escalations(opened_at) WHERE state <> 'closed';
CREATE INDEX escalations_event ON escalations(event_id);
"#;

/// Repeats (the same matter again at the same customer or unit), retries and top-ups.
const V2: &str = r#"
ALTER TABLE events ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN next_attempt_at TEXT;
-- Repeats are looked up by customer or unit first: a matter alone (漏水) spans thousands of rows.
-- They also serve every lookup by phone or by unit alone, so the single-column ones go.
CREATE INDEX events_phone_matter ON events(phone, matter, completed_at);
CREATE INDEX events_unit_matter ON events(unit, matter, completed_at);
DROP INDEX events_phone;
DROP INDEX events_unit;
"#;

/// Periodic call-backs: where an event comes from (`intake`, or `periodic` for the ones
/// `huifang plan` makes), and the indexes the plan's grouped query walks: events in customer
/// order (phone at a site, else unit), tasks by event with what the plan reads of them.
const V3: &str = r#"
ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT 'intake';
CREATE INDEX events_periodic_customer ON events(
    site,
    (CASE WHEN phone <> '' THEN 'p' || phone ELSE 'u' || unit END),
    completed_at,
    origin
);
CREATE INDEX tasks_event_state ON tasks(event_id, state, closed_at);
"#;

/// Staff and roles, the escalation lifecycle (assignment, handling, rounds), supervisor review,
/// corrections of records, and the append-only, hash-chained audit log.
const V4: &str = r#"
CREATE TABLE staff (
    name     TEXT PRIMARY KEY,
    role     TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'manager')),
    site     TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);

ALTER TABLE escalations ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE escalations ADD COLUMN handler TEXT;
-- The re-call-back task of the current round, made when the handling is recorded.
ALTER TABLE escalations ADD COLUMN recall_task_id INTEGER REFERENCES tasks(id);
CREATE INDEX escalations_recall ON escalations(recall_task_id) WHERE recall_task_id IS NOT NULL;
CREATE INDEX escalations_record ON escalations(record_id) WHERE record_id IS NOT NULL;

-- The chain of an escalation: opened, assigned, handled, recalled, reopened (next round), closed.
CREATE TABLE escalation_steps (
    id            INTEGER PRIMARY KEY,
    escalation_id INTEGER NOT NULL REFERENCES escalations(id),
    round         INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    person        TEXT,
    department    TEXT,
    text          TEXT NOT NULL DEFAULT '',
    record_id     INTEGER REFERENCES records(id),
    task_id       INTEGER REFERENCES tasks(id)
);
CREATE INDEX escalation_steps_of ON escalation_steps(escalation_id, id);
CREATE INDEX escalation_steps_record ON escalation_steps(record_id) WHERE record_id IS NOT NULL;

-- 审核: one review per record.
CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    record_id     INTEGER NOT NULL UNIQUE REFERENCES records(id),
    qualified     INTEGER NOT NULL,
    comment       TEXT NOT NULL DEFAULT '',
    reviewer      TEXT NOT NULL,
    reviewed_at   TEXT NOT NULL,
    escalation_id INTEGER REFERENCES escalations(id)
);

-- A record is never edited in place: a correction is a new entry with the whole corrected
-- content, linked to the record and to the correction it replaces (if any).
CREATE TABLE record_corrections (
    id           INTEGER PRIMARY KEY,
    record_id    INTEGER NOT NULL REFERENCES records(id),
    corrects     INTEGER REFERENCES record_corrections(id),
    outcome      TEXT NOT NULL,
    quality      INTEGER CHECK (quality BETWEEN 1 AND 5),
    effect       INTEGER CHECK (effect BETWEEN 1 AND 5),
    shortcomings TEXT NOT NULL DEFAULT '',
    suggestions  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX record_corrections_of ON record_corrections(record_id, id);
CREATE TRIGGER records_never_updated BEFORE UPDATE ON records
BEGIN
    SELECT RAISE(ABORT, 'records are never edited in place: add a correction (huifang correct)');
END;

-- Who did what when, with the values before and after. `hash` is SHA-256 over this entry's
-- fields and `prev`, the hash of the entry before (see store/audit.rs).
CREATE TABLE audit (
    seq     INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    os_user TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    before  TEXT,
    after   TEXT,
    prev    TEXT NOT NULL,
    hash    TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be deleted');
END;
"#;

/// Reports: the manager's conclusions (纠正或预防措施) kept with a quarter's report; each event's
/// call-back facts (its first record, whether that was on time, its outcome after corrections,
/// whether a task of it ended unreachable), kept by triggers, so that a month's figures are one
/// range of a covering index instead of four index probes an event; and the indexes the other
/// figures range over (attempts and records by time, escalations by opening, closing and
/// deadline, events of one category by cohort month).
const V5: &str = r#"
CREATE TABLE report_conclusions (
    id         INTEGER PRIMARY KEY,
    period     TEXT NOT NULL,             -- 2026-Q4
    site       TEXT NOT NULL DEFAULT '',  -- '' for all sites
    text       TEXT NOT NULL,
    author     TEXT NOT NULL,
    written_at TEXT NOT NULL
);
CREATE INDEX report_conclusions_of ON report_conclusions(period, site, id);

-- A cached pointer, not a foreign key: huifang archive removes an event's records before it.
ALTER TABLE events ADD COLUMN first_record INTEGER;
ALTER TABLE events ADD COLUMN first_recorded_at TEXT;
-- 1 when the first record was made by the last day of its task's window.
ALTER TABLE events ADD COLUMN first_on_time INTEGER;
-- The first record's outcome after its latest correction.
ALTER TABLE events ADD COLUMN first_outcome TEXT;
-- 1 while a task of the event is unreachable.
ALTER TABLE events ADD COLUMN unreachable INTEGER NOT NULL DEFAULT 0;

UPDATE events SET first_record = (
    SELECT r.id FROM tasks t JOIN records r ON r.task_id = t.id WHERE t.event_id = events.id
    ORDER BY r.recorded_at, r.id LIMIT 1);
UPDATE events SET
    first_recorded_at = (SELECT recorded_at FROM records WHERE id = events.first_record),
    first_on_time = (SELECT substr(r.recorded_at, 1, 10) <= t.due FROM records r
                     JOIN tasks t ON t.id = r.task_id WHERE r.id = events.first_record),
    first_outcome = (SELECT coalesce((SELECT c.outcome FROM record_corrections c
                                      WHERE c.record_id = r.id ORDER BY c.id DESC LIMIT 1), r.outcome)
                     FROM records r WHERE r.id = events.first_record)
WHERE first_record IS NOT NULL;
UPDATE events SET unreachable = 1 WHERE id IN (SELECT event_id FROM tasks WHERE state = 'unreachable');

CREATE TRIGGER records_first_of_event AFTER INSERT ON records
BEGIN
    UPDATE events SET first_record = NEW.id, first_recorded_at = NEW.recorded_at,
        first_on_time = (SELECT substr(NEW.recorded_at, 1, 10) <= due FROM tasks WHERE id = NEW.task_id),
        first_outcome = NEW.outcome
    WHERE id = (SELECT event_id FROM tasks WHERE id = NEW.task_id)
      AND (first_record IS NULL OR first_recorded_at > NEW.recorded_at);
END;
CREATE TRIGGER record_corrections_first_outcome AFTER INSERT ON record_corrections
BEGIN
    UPDATE events SET first_outcome = NEW.outcome
    WHERE id = (SELECT t.event_id FROM records r JOIN tasks t ON t.id = r.task_id WHERE r.id = NEW.record_id)
      AND first_record = NEW.record_id;
END;
CREATE TRIGGER tasks_unreachable_of_event AFTER UPDATE OF state ON tasks
WHEN NEW.state = 'unreachable' OR OLD.state = 'unreachable'
BEGIN
    UPDATE events SET unreachable = EXISTS (
        SELECT 1 FROM tasks WHERE event_id = NEW.event_id AND state = 'unreachable')
    WHERE id = NEW.event_id;
END;
CREATE TRIGGER tasks_unreachable_at_insert AFTER INSERT ON tasks
WHEN NEW.state = 'unreachable'
BEGIN
    UPDATE events SET unreachable = 1 WHERE id = NEW.event_id;
END;
CREATE TRIGGER tasks_due_of_first_record AFTER UPDATE OF due ON tasks
BEGIN
    UPDATE events SET first_on_time = substr(first_recorded_at, 1, 10) <= NEW.due
    WHERE id = NEW.event_id AND first_record IN (SELECT id FROM records WHERE task_id = NEW.id);
END;
-- A month's figures by site × category × department, in index order.
CREATE INDEX events_month_facts ON events(
    month, origin, site, category, department, selected,
    first_record, first_on_time, first_outcome, unreachable
);

CREATE INDEX attempts_at ON attempts(at, operator, task_id);
CREATE INDEX records_recorded_by ON records(recorded_at, operator, outcome, task_id);
CREATE INDEX escalations_opened_at ON escalations(opened_at);
CREATE INDEX escalations_closed_at ON escalations(closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX escalations_state_deadline ON escalations(state, deadline);
CREATE INDEX events_category_month ON events(category, month);
"#;

/// Quarter close (结账) and retention: the closes, the anchor the audit chain starts from after
/// an archive, the archives made, and the triggers that keep a closed quarter read-only and
/// the call-back history undeletable except by `huifang archive`.
///
/// `huifang_archiving()` is a function each huifang connection registers (store/mod.rs): it is
/// true only inside the archive's own transaction. Another SQLite client does not have it, so
/// its DELETE fails too. Independent of V5 (reports).
const V6: &str = r#"
-- A close covers its quarter and every quarter before it: everything dated before `through`
-- (the first day after the quarter) is closed.
CREATE TABLE quarter_closes (
    quarter   TEXT PRIMARY KEY,
    through   TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    how       TEXT NOT NULL CHECK (how IN ('auto', 'manual'))
);
CREATE TRIGGER quarter_closes_no_update BEFORE UPDATE ON quarter_closes
BEGIN
    SELECT RAISE(ABORT, 'a quarter close is never undone');
END;
CREATE TRIGGER quarter_closes_no_delete BEFORE DELETE ON quarter_closes
BEGIN
    SELECT RAISE(ABORT, 'a quarter close is never undone');
END;

-- The audit entry the chain continues from after its older entries moved to an archive.
CREATE TABLE audit_anchors (
    seq     INTEGER PRIMARY KEY,
    hash    TEXT NOT NULL,
    archive TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE TRIGGER audit_anchors_only_by_archive BEFORE INSERT ON audit_anchors
WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'an audit anchor is written only by huifang archive');
END;
CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'an audit anchor is never changed');
END;
CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
BEGIN
    SELECT RAISE(ABORT, 'an audit anchor is never removed');
END;

-- Archives: in the live database, each archive made from it (role `source`); in an archive
-- file, what it holds (role `archive`).
CREATE TABLE archives (
    id      INTEGER PRIMARY KEY,
    role    TEXT NOT NULL CHECK (role IN ('source', 'archive')),
    before  TEXT NOT NULL,
    file    TEXT NOT NULL,
    made_at TEXT NOT NULL,
    counts  TEXT NOT NULL,
    digest  TEXT NOT NULL
);

-- Removing a chain checks the rows that point at it: these keep those checks to an index
-- lookup (without them, archiving 20,000 tasks scans the escalation steps 20,000 times).
CREATE INDEX escalation_steps_task ON escalation_steps(task_id);
CREATE INDEX reviews_escalation ON reviews(escalation_id);
CREATE INDEX record_corrections_corrects ON record_corrections(corrects);

-- Nothing may be dated inside a closed quarter.
CREATE TRIGGER attempts_closed_quarter BEFORE INSERT ON attempts
WHEN NEW.at < (SELECT max(through) FROM quarter_closes)
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: an attempt cannot be dated in a closed quarter (huifang close-quarter); enter it with today''s date');
END;
CREATE TRIGGER records_closed_quarter BEFORE INSERT ON records
WHEN NEW.recorded_at < (SELECT max(through) FROM quarter_closes)
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: a record cannot be dated in a closed quarter (huifang close-quarter); enter it with today''s date, or correct a record (huifang correct)');
END;
CREATE TRIGGER reviews_closed_quarter BEFORE INSERT ON reviews
WHEN NEW.reviewed_at < (SELECT max(through) FROM quarter_closes)
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: a review cannot be dated in a closed quarter (huifang close-quarter)');
END;
CREATE TRIGGER corrections_closed_quarter BEFORE INSERT ON record_corrections
WHEN NEW.at < (SELECT max(through) FROM quarter_closes)
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: a correction cannot be dated in a closed quarter (huifang close-quarter); correct with today''s date');
END;
CREATE TRIGGER escalations_closed_quarter BEFORE INSERT ON escalations
WHEN NEW.opened_at < (SELECT max(through) FROM quarter_closes)
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: an escalation cannot be dated in a closed quarter (huifang close-quarter)');
END;
CREATE TRIGGER escalation_steps_closed_quarter BEFORE INSERT ON escalation_steps
WHEN NEW.at < (SELECT max(through) FROM quarter_closes)
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: an escalation step cannot be dated in a closed quarter (huifang close-quarter)');
END;

-- What was finished or written in a closed quarter stays as it was.
CREATE TRIGGER tasks_closed_quarter BEFORE UPDATE ON tasks
WHEN OLD.closed_at < (SELECT max(through) FROM quarter_closes)
  OR (NEW.closed_at IS NOT OLD.closed_at AND NEW.closed_at < (SELECT max(through) FROM quarter_closes))
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: a call-back finished in a closed quarter is read-only (huifang close-quarter)');
END;
CREATE TRIGGER escalations_closed_quarter_update BEFORE UPDATE ON escalations
WHEN OLD.closed_at < (SELECT max(through) FROM quarter_closes)
  OR (NEW.closed_at IS NOT OLD.closed_at AND NEW.closed_at < (SELECT max(through) FROM quarter_closes))
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: an escalation closed in a closed quarter is read-only (huifang close-quarter)');
END;
CREATE TRIGGER attempts_never_updated BEFORE UPDATE ON attempts
BEGIN
    SELECT RAISE(ABORT, 'attempts are never edited in place');
END;
CREATE TRIGGER reviews_never_updated BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'a review is not changed');
END;
CREATE TRIGGER corrections_never_updated BEFORE UPDATE ON record_corrections
BEGIN
    SELECT RAISE(ABORT, 'a correction is never edited in place: add another');
END;
CREATE TRIGGER escalation_steps_never_updated BEFORE UPDATE ON escalation_steps
BEGIN
    SELECT RAISE(ABORT, 'an escalation step is never edited in place');
END;

-- The call-back history is never deleted; only huifang archive moves it out, inside its own
-- transaction (huifang_archiving()).
CREATE TRIGGER events_only_archived BEFORE DELETE ON events WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
CREATE TRIGGER tasks_only_archived BEFORE DELETE ON tasks WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
CREATE TRIGGER attempts_only_archived BEFORE DELETE ON attempts WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
CREATE TRIGGER records_only_archived BEFORE DELETE ON records WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
CREATE TRIGGER reviews_only_archived BEFORE DELETE ON reviews WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
CREATE TRIGGER corrections_only_archived BEFORE DELETE ON record_corrections WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
CREATE TRIGGER escalations_only_archived BEFORE DELETE ON escalations WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
CREATE TRIGGER escalation_steps_only_archived BEFORE DELETE ON escalation_steps WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be deleted');
END;
"#;

/// Answers to a category's own evaluation items (评价项目), beside the four built-in columns of
/// `records`; as immutable as the record they belong to, and archived with it. The channel a
/// task is planned for; the kind of customer and the project stage of an event.
const V_ITEMS: &str = r#"
CREATE TABLE record_answers (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    item      TEXT NOT NULL,
    value     TEXT NOT NULL,
    UNIQUE (record_id, item)
);
CREATE TRIGGER record_answers_never_updated BEFORE UPDATE ON record_answers
BEGIN
    SELECT RAISE(ABORT, 'records are never edited in place: add a correction (huifang correct)');
END;
CREATE TRIGGER record_answers_only_archived BEFORE DELETE ON record_answers WHEN NOT huifang_archiving()
BEGIN
    SELECT RAISE(ABORT, 'the call-back history is never deleted: huifang archive moves old chains to an archive file');
END;
-- The channel a call-back is planned for (a quota's visit); NULL: the category's usual one.
ALTER TABLE tasks ADD COLUMN channel TEXT;
-- 个人客户 / 企业客户, and the project stage an event reports (calls back per stage).
ALTER TABLE events ADD COLUMN customer_kind TEXT NOT NULL DEFAULT 'individual';
ALTER TABLE events ADD COLUMN stage TEXT NOT NULL DEFAULT '';
CREATE INDEX events_stage ON events(category, site, unit, customer, completed_at) WHERE stage <> '';
-- A correction's whole set of answers to the category's own items, as JSON (key → value).
ALTER TABLE record_corrections ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
"#;

/// Speed at scale (perf), independent of V5 and V6 (numbered after them):
/// - the due list counts each task's phone attempts from the index alone;
/// - the TUI's escalation pane reads the oldest open escalations in order, and counts the open
///   and overdue ones, from the index alone (tens of thousands are open at a million events);
/// - an event's related events look its unit up at its own site (a unit name such as
///   1号楼1单元101 recurs at every site: by unit alone, thousands of rows at a million events).
const V7: &str = r#"
CREATE INDEX attempts_task_channel ON attempts(task_id, channel);
DROP INDEX attempts_task;
CREATE INDEX escalations_open_by_age ON escalations(opened_at, id, state, deadline) WHERE state <> 'closed';
CREATE INDEX events_site_unit ON events(site, unit);
"#;

/// The due list (`due`, the TUI's queue, the demo desk) reads every pending task whose window
/// has opened: the pending tasks' index now carries every column those read, so no task row is
/// looked up (at a million events, 8,500 lookups scattered over a 700,000-row table). It holds
/// only the pending tasks, a few thousand rows. The events of a unit at a site are read newest
/// first (the TUI's related events, on every move): in completion order in the index.
const V_DUE: &str = r#"
DROP INDEX tasks_pending;
CREATE INDEX tasks_pending ON tasks(opens, due, event_id, kind, attempts, role, claimed_by,
    claimed_until, repeat_count, next_attempt_at, channel, state) WHERE state = 'pending';
DROP INDEX events_site_unit;
CREATE INDEX events_site_unit ON events(site, unit, completed_at);
"#;

/// Indexes that others already cover, dropped: each costs every insert, and a bulk load builds
/// each again at the end (1–2 s per index at a million events).
/// - `events_cohort` (site, category, month) and `events_month` (month): `events_month_facts`
///   begins (month, origin, site, category), which every cohort and month query names;
/// - `events_unit_matter` (unit, matter, completed_at): the repeat look-up by unit also names the
///   site, and `events_site_unit` (site, unit, completed_at) finds it in fewer rows;
/// - `tasks_event` (event_id): `tasks_event_state` begins with event_id.
const V_LEAN: &str = r#"
DROP INDEX events_cohort;
DROP INDEX events_month;
DROP INDEX events_unit_matter;
DROP INDEX tasks_event;
"#;

/// What the due list shows of a task's event (ref, category, major, site, customer, phone, unit,
/// matter), kept on the task itself, and carried by the pending tasks' index: the due list (`due`,
/// the TUI's queue) then reads that index alone. Looking up each task's event instead cost half
/// of `huifang due` at a million events (7,000 look-ups scattered over the events table). Events
/// never change after intake, so the copies stay true; `insert_task` fills them from the event.
/// The closed-quarter guard is lifted for this one fill (it forbids any change to a task
/// finished in a closed quarter), and put back as it was.
const V_DUE_CARD: &str = r#"
ALTER TABLE tasks ADD COLUMN ev_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN ev_category TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN ev_major INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN ev_site TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN ev_customer TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN ev_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN ev_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN ev_matter TEXT NOT NULL DEFAULT '';
DROP TRIGGER tasks_closed_quarter;
UPDATE tasks SET (ev_ref, ev_category, ev_major, ev_site, ev_customer, ev_phone, ev_unit, ev_matter) =
    (SELECT ref, category, major, site, customer, phone, unit, matter FROM events e WHERE e.id = tasks.event_id);
CREATE TRIGGER tasks_closed_quarter BEFORE UPDATE ON tasks
WHEN OLD.closed_at < (SELECT max(through) FROM quarter_closes)
  OR (NEW.closed_at IS NOT OLD.closed_at AND NEW.closed_at < (SELECT max(through) FROM quarter_closes))
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: a call-back finished in a closed quarter is read-only (huifang close-quarter)');
END;
DROP INDEX tasks_pending;
CREATE INDEX tasks_pending ON tasks(opens, due, event_id, kind, attempts, role, claimed_by,
    claimed_until, repeat_count, next_attempt_at, channel, state,
    ev_ref, ev_category, ev_major, ev_site, ev_customer, ev_phone, ev_unit, ev_matter)
    WHERE state = 'pending';
"#;

/// The monthly escalation counts group escalations by their event's site and category: each
/// escalation now carries those two (events never change after intake, so the copies stay
/// true; `insert_escalation` fills them from the event), and an index holds them in that order
/// with the dates the counts test, so the counts are one pass of that index: no event looked up
/// (27,800 look-ups scattered over the events table at a million events, a quarter of the
/// monthly report) and no sort. The closed-quarter guard is lifted for the one fill of the
/// copies (it forbids any change to an escalation closed in a closed quarter), and put back as
/// it was.
const V_REPORTS: &str = r#"
ALTER TABLE escalations ADD COLUMN ev_site TEXT NOT NULL DEFAULT '';
ALTER TABLE escalations ADD COLUMN ev_category TEXT NOT NULL DEFAULT '';
DROP TRIGGER escalations_closed_quarter_update;
UPDATE escalations SET ev_site = e.site, ev_category = e.category FROM events e
WHERE e.id = escalations.event_id;
CREATE TRIGGER escalations_closed_quarter_update BEFORE UPDATE ON escalations
WHEN OLD.closed_at < (SELECT max(through) FROM quarter_closes)
  OR (NEW.closed_at IS NOT OLD.closed_at AND NEW.closed_at < (SELECT max(through) FROM quarter_closes))
BEGIN
    SELECT RAISE(ABORT, 'closed quarter: an escalation closed in a closed quarter is read-only (huifang close-quarter)');
END;
CREATE INDEX escalations_by_site ON escalations(ev_site, ev_category, opened_at, closed_at, state);
"#;
