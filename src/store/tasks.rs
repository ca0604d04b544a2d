use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::{Result, eyre};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::{Tx, code};
use crate::domain::{Anchor, CallbackTask, Channel, DueState, EventId, TaskId, TaskState};

pub struct TaskInsert<'a> {
    pub event_id: EventId,
    pub kind: Anchor,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub role: &'a str,
    pub rule: &'a str,
    pub rules_version: &'a str,
    pub repeat_count: u32,
}

/// Which pending tasks to list.
#[derive(Debug, Clone, Default)]
pub struct DueQuery {
    pub day: Option<NaiveDate>,
    pub site: Option<String>,
    pub category: Option<String>,
    pub limit: Option<usize>,
}

/// A pending task with what an operator needs to see of its event. Its text is owned
/// (`String`, the default) or borrowed from the SQLite row it was read from (`&str`, see
/// [`due_each`]: a list read once, as `due --json` does, then allocates nothing per item).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueItem<S = String> {
    pub task_id: TaskId,
    pub event_ref: S,
    pub category: S,
    pub major: bool,
    pub site: S,
    pub customer: S,
    /// The full number: mask it before showing it.
    pub phone: S,
    pub unit: S,
    pub matter: S,
    pub kind: Anchor,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub state: DueState,
    pub attempts: u32,
    pub role: S,
    pub claimed_by: Option<S>,
    pub claimed_until: Option<NaiveDateTime>,
    /// Earlier events on the same matter at the same customer or unit.
    pub repeat_count: u32,
    /// Not to be tried again before this (the retry spacing after a failed attempt).
    pub next_attempt_at: Option<NaiveDateTime>,
    /// Failed attempts by phone, for the fallback channel.
    pub phone_attempts: u32,
    /// The channel it is planned for (a quota's visit), over the category's usual one.
    pub planned_channel: Option<Channel>,
}

impl DueItem<&str> {
    pub fn to_owned_item(&self) -> DueItem {
        DueItem {
            task_id: self.task_id,
            event_ref: self.event_ref.to_owned(),
            category: self.category.to_owned(),
            major: self.major,
            site: self.site.to_owned(),
            customer: self.customer.to_owned(),
            phone: self.phone.to_owned(),
            unit: self.unit.to_owned(),
            matter: self.matter.to_owned(),
            kind: self.kind,
            opens: self.opens,
            due: self.due,
            state: self.state,
            attempts: self.attempts,
            role: self.role.to_owned(),
            claimed_by: self.claimed_by.map(str::to_owned),
            claimed_until: self.claimed_until,
            repeat_count: self.repeat_count,
            next_attempt_at: self.next_attempt_at,
            phone_attempts: self.phone_attempts,
            planned_channel: self.planned_channel,
        }
    }
}

impl<S> DueItem<S> {
    /// Where the item goes in the due list on `day` at `now`: those waiting for their next
    /// attempt last; then by due date (overdue, due that day, open), then by task id. The id
    /// ends the key, so an unstable sort gives the one order, faster.
    pub fn urgency_key(&self, now: NaiveDateTime) -> (bool, NaiveDate, TaskId) {
        (
            self.next_attempt_at.is_some_and(|t| t > now),
            self.due,
            self.task_id,
        )
    }
}

/// What a new task is stored with: its own fields, then its event's copies (V_DUE_CARD). A macro,
/// so that both inserts below are constant text (a bulk import prepares them millions of times
/// from the statement cache, which looks them up by their text).
macro_rules! insert_task_into {
    () => {
        "INSERT INTO tasks (event_id, kind, opens, due, role, rule, rules_version, repeat_count, \
         ev_ref, ev_category, ev_major, ev_site, ev_customer, ev_phone, ev_unit, ev_matter) "
    };
}

/// A new task with its event's copies read from the event.
const INSERT_TASK_READING_EVENT: &str = concat!(
    insert_task_into!(),
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
     ref, category, major, site, customer, phone, unit, matter FROM events WHERE id = ?1"
);

/// A new task with its event's copies bound as values.
const INSERT_TASK_WITH_EVENT: &str = concat!(
    insert_task_into!(),
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
);

/// Calls `f` with the task's own values, ?1 to ?8 of the inserts.
fn with_task_values<R>(t: &TaskInsert<'_>, f: impl FnOnce(&[&dyn rusqlite::ToSql]) -> R) -> R {
    // `%F` without the format-string machinery (a bulk import binds millions).
    let (opens, due) = (
        crate::clock::iso_date(t.opens),
        crate::clock::iso_date(t.due),
    );
    f(&[
        &t.event_id,
        &t.kind.code(),
        &opens,
        &due,
        &t.role,
        &t.rule,
        &t.rules_version,
        &t.repeat_count,
    ])
}

const TASK_COLUMNS: &str =
    "id, event_id, kind, opens, due, role, state, rule, rules_version, attempts, closed_at";

fn task_from_row(r: &Row<'_>) -> rusqlite::Result<CallbackTask> {
    Ok(CallbackTask {
        id: r.get(0)?,
        event_id: r.get(1)?,
        kind: code(r, 2, Anchor::parse)?,
        opens: r.get(3)?,
        due: r.get(4)?,
        role: r.get(5)?,
        state: code(r, 6, TaskState::parse)?,
        rule: r.get(7)?,
        rules_version: r.get(8)?,
        attempts: r.get(9)?,
        closed_at: r.get(10)?,
    })
}

pub(super) fn by_id(c: &Connection, id: TaskId) -> Result<Option<CallbackTask>> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([id], task_from_row)
        .optional()?)
}

pub(super) fn of_event(c: &Connection, event: EventId) -> Result<Vec<CallbackTask>> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE event_id = ?1 ORDER BY opens, id");
    Ok(c.prepare_cached(&sql)?
        .query_map([event], task_from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The call-backs still to do on a day (default `now`'s): pending tasks whose window is open
/// or already past due, most urgent first ([`DueItem::urgency_key`]).
pub(super) fn due(c: &Connection, q: &DueQuery, now: NaiveDateTime) -> Result<Vec<DueItem>> {
    let mut items = Vec::new();
    due_each(c, q, now, |d| {
        items.push(d.to_owned_item());
        Ok(())
    })?;
    // Ordered here rather than by SQLite: its sorter would carry every row's text through a
    // temporary b-tree (spilling to disk past its cache), several times slower at 10,000 rows.
    items.sort_unstable_by_key(|d| d.urgency_key(now));
    if let Some(l) = q.limit {
        items.truncate(l);
    }
    Ok(items)
}

/// The items of [`due`] (without its order or limit) as they are read, their text borrowed
/// from SQLite's row.
pub(super) fn due_each(
    c: &Connection,
    q: &DueQuery,
    now: NaiveDateTime,
    mut each: impl FnMut(DueItem<&str>) -> Result<()>,
) -> Result<()> {
    let day = q.day.unwrap_or(now.date());
    let mut stmt = c.prepare_cached(
        // The event's fields are the task's copies (V_DUE_CARD): the pending tasks' index alone.
        "SELECT t.id, t.ev_ref, t.ev_category, t.ev_major, t.ev_site, t.ev_customer, t.ev_phone, \
                t.ev_unit, t.ev_matter, t.kind, \
                t.opens, t.due, t.attempts, t.role, t.claimed_by, t.claimed_until, t.repeat_count, \
                t.next_attempt_at, \
                CASE WHEN t.attempts = 0 THEN 0 ELSE \
                  (SELECT count(*) FROM attempts a WHERE a.task_id = t.id AND a.channel = 'phone') END, \
                t.channel \
         FROM tasks t \
         WHERE t.state = 'pending' AND t.opens <= ?1 \
           AND (?2 IS NULL OR t.ev_site = ?2) AND (?3 IS NULL OR t.ev_category = ?3)",
    )?;
    let mut rows = stmt.query(params![day, q.site, q.category])?;
    while let Some(r) = rows.next()? {
        let opens = super::date(r, 10)?;
        let due = super::date(r, 11)?;
        each(DueItem {
            task_id: r.get(0)?,
            event_ref: super::text(r, 1)?,
            category: super::text(r, 2)?,
            major: r.get(3)?,
            site: super::text(r, 4)?,
            customer: super::text(r, 5)?,
            phone: super::text(r, 6)?,
            unit: super::text(r, 7)?,
            matter: super::text(r, 8)?,
            kind: code(r, 9, Anchor::parse)?,
            opens,
            due,
            state: DueState::on(day, opens, due),
            attempts: r.get(12)?,
            role: super::text(r, 13)?,
            claimed_by: super::opt_text(r, 14)?,
            claimed_until: super::opt_datetime(r, 15)?,
            repeat_count: r.get(16)?,
            next_attempt_at: super::opt_datetime(r, 17)?,
            phone_attempts: r.get(18)?,
            planned_channel: super::opt_text(r, 19)?.and_then(Channel::parse),
        })?;
    }
    Ok(())
}

/// A pending task whose window has opened, with what a desk needs to plan working it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTask {
    pub task_id: TaskId,
    pub event_id: EventId,
    pub category: String,
    pub major: bool,
    pub site: String,
    pub role: String,
    pub completed_at: NaiveDateTime,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    /// The event's department (责任部门): who handles an escalation of it.
    pub department: String,
    /// The event's repeat count, which a task made for it later (a re-call-back) copies.
    pub repeat_count: u32,
}

/// Pending tasks whose window opened on or before `day`, with an id above `after`, in id order
/// (lighter than [`due`]).
pub(super) fn open_by(c: &Connection, day: NaiveDate, after: TaskId) -> Result<Vec<OpenTask>> {
    let mut stmt = c.prepare_cached(
        "SELECT t.id, e.category, e.major, e.site, t.role, e.completed_at, t.opens, t.due, t.event_id, \
                e.department, e.repeat_count \
         FROM tasks t JOIN events e ON e.id = t.event_id \
         WHERE t.id > ?2 AND t.state = 'pending' AND t.opens <= ?1 ORDER BY t.id",
    )?;
    let rows = stmt.query_map(params![day, after], |r| {
        Ok(OpenTask {
            task_id: r.get(0)?,
            category: r.get(1)?,
            major: r.get(2)?,
            site: r.get(3)?,
            role: r.get(4)?,
            completed_at: super::datetime(r, 5)?,
            opens: super::date(r, 6)?,
            due: super::date(r, 7)?,
            event_id: r.get(8)?,
            department: r.get(9)?,
            repeat_count: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Who holds a claim on the task, and until when (expired claims included).
pub(super) fn claim_of(c: &Connection, id: TaskId) -> Result<Option<(String, NaiveDateTime)>> {
    let row: Option<(Option<String>, Option<NaiveDateTime>)> = c
        .prepare_cached("SELECT claimed_by, claimed_until FROM tasks WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(by, until)| by.zip(until)))
}

impl Tx<'_> {
    pub fn insert_task(&self, t: &TaskInsert<'_>) -> Result<TaskId> {
        // With the event's fields the due list shows (schema V_DUE_CARD), copied from the event.
        let mut stmt = self.tx.prepare_cached(INSERT_TASK_READING_EVENT)?;
        let inserted = with_task_values(t, |values| stmt.execute(values))?;
        if inserted != 1 {
            return Err(eyre!("no event {} to call back", t.event_id));
        }
        Ok(self.tx.last_insert_rowid())
    }

    /// [`Tx::insert_task`] for an event in hand as it is stored (the intake's, or one read for a
    /// top-up): its fields bound as they are, without reading the event back.
    pub fn insert_task_of(
        &self,
        t: &TaskInsert<'_>,
        ev: &crate::domain::NewEvent,
    ) -> Result<TaskId> {
        let mut stmt = self.tx.prepare_cached(INSERT_TASK_WITH_EVENT)?;
        with_task_values(t, |own| {
            let event: [&dyn rusqlite::ToSql; 8] = [
                &ev.reference,
                &ev.category,
                &ev.major,
                &ev.site,
                &ev.customer,
                &ev.phone,
                &ev.unit,
                &ev.matter,
            ];
            stmt.execute([own, &event].concat().as_slice())
        })?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Ends a task (done, unreachable, cancelled) at `at` and drops any claim on it.
    pub fn close_task(&self, id: TaskId, state: TaskState, at: NaiveDateTime) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE tasks SET state = ?2, closed_at = ?3, claimed_by = NULL, claimed_until = NULL WHERE id = ?1",
            )?
            .execute(params![id, state.code(), at])?;
        Ok(())
    }

    /// Counts one more failed attempt, sets when to try next, and returns the new count.
    pub fn count_attempt(&self, id: TaskId, next_attempt_at: Option<NaiveDateTime>) -> Result<u32> {
        Ok(self
            .tx
            .prepare_cached(
                "UPDATE tasks SET attempts = attempts + 1, next_attempt_at = ?2 WHERE id = ?1 RETURNING attempts",
            )?
            .query_row(params![id, next_attempt_at], |r| r.get(0))?)
    }

    /// Writes what a generated desk did to a task in one statement: its failed attempts, when
    /// to try next, and its end (the demo's bulk history; the workflow goes through
    /// `count_attempt` and `close_task`).
    pub fn set_task_worked(
        &self,
        id: TaskId,
        attempts: u32,
        next_attempt_at: Option<NaiveDateTime>,
        end: Option<(TaskState, NaiveDateTime)>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE tasks SET attempts = ?2, next_attempt_at = ?3, state = coalesce(?4, state), \
                 closed_at = coalesce(?5, closed_at) WHERE id = ?1",
            )?
            .execute(params![
                id,
                attempts,
                next_attempt_at.map(super::sql_datetime),
                end.map(|(s, _)| s.code()),
                end.map(|(_, t)| super::sql_datetime(t))
            ])?;
        Ok(())
    }

    /// Claims a task for `who` until `until`, unless someone else holds an unexpired claim.
    /// Returns the holder when the claim was refused.
    pub fn claim_task(
        &self,
        id: TaskId,
        who: &str,
        now: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Option<String>> {
        if let Some((by, until)) = claim_of(&self.tx, id)?
            && by != who
            && until > now
        {
            return Ok(Some(by));
        }
        self.tx
            .prepare_cached("UPDATE tasks SET claimed_by = ?2, claimed_until = ?3 WHERE id = ?1")?
            .execute(params![id, who, until])?;
        Ok(None)
    }

    /// Gives up `who`'s claim on a task (a no-op when someone else holds it).
    pub fn release_task(&self, id: TaskId, who: &str) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE tasks SET claimed_by = NULL, claimed_until = NULL WHERE id = ?1 AND claimed_by = ?2")?
            .execute(params![id, who])?;
        Ok(())
    }
}
