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

/// A pending task with what an operator needs to see of its event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueItem {
    pub task_id: TaskId,
    pub event_ref: String,
    pub category: String,
    pub major: bool,
    pub site: String,
    pub customer: String,
    /// The full number: mask it before showing it.
    pub phone: String,
    pub unit: String,
    pub matter: String,
    pub kind: Anchor,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub state: DueState,
    pub attempts: u32,
    pub role: String,
    pub claimed_by: Option<String>,
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

/// Pending tasks whose window is open on the day or already past due: overdue first, then due
/// that day, then by due date.
pub(super) fn due(c: &Connection, q: &DueQuery, now: NaiveDateTime) -> Result<Vec<DueItem>> {
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
    let rows = stmt.query_map(params![day, q.site, q.category], |r| {
        let opens = super::date(r, 10)?;
        let due = super::date(r, 11)?;
        Ok(DueItem {
            task_id: r.get(0)?,
            event_ref: r.get(1)?,
            category: r.get(2)?,
            major: r.get(3)?,
            site: r.get(4)?,
            customer: r.get(5)?,
            phone: r.get(6)?,
            unit: r.get(7)?,
            matter: r.get(8)?,
            kind: code(r, 9, Anchor::parse)?,
            opens,
            due,
            state: DueState::on(day, opens, due),
            attempts: r.get(12)?,
            role: r.get(13)?,
            claimed_by: r.get(14)?,
            claimed_until: super::opt_datetime(r, 15)?,
            repeat_count: r.get(16)?,
            next_attempt_at: super::opt_datetime(r, 17)?,
            phone_attempts: r.get(18)?,
            planned_channel: r
                .get::<_, Option<String>>(19)?
                .and_then(|c| Channel::parse(&c)),
        })
    })?;
    let mut items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // Ordered here rather than by SQLite: its sorter would carry every row's text through a
    // temporary b-tree (spilling to disk past its cache), several times slower at 10,000 rows.
    // Those waiting for their next attempt last; then overdue, due that day, open; by due, id.
    // The task id ends every key: an unstable sort gives the one order, faster.
    items.sort_unstable_by_key(|d| {
        let urgency = match d.due.cmp(&day) {
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Equal => 1,
            std::cmp::Ordering::Greater => 2,
        };
        (
            d.next_attempt_at.is_some_and(|t| t > now),
            urgency,
            d.due,
            d.task_id,
        )
    });
    if let Some(l) = q.limit {
        items.truncate(l);
    }
    Ok(items)
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
            completed_at: r.get(5)?,
            opens: r.get(6)?,
            due: r.get(7)?,
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
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO tasks (event_id, kind, opens, due, role, rule, rules_version, repeat_count, \
                   ev_ref, ev_category, ev_major, ev_site, ev_customer, ev_phone, ev_unit, ev_matter) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
                   ref, category, major, site, customer, phone, unit, matter FROM events WHERE id = ?1",
            )?
            .execute(params![
                t.event_id,
                t.kind.code(),
                // `%F` without the format-string machinery (a bulk import binds millions).
                crate::clock::iso_date(t.opens),
                crate::clock::iso_date(t.due),
                t.role,
                t.rule,
                t.rules_version,
                t.repeat_count
            ])?;
        if inserted != 1 {
            return Err(eyre!("no event {} to call back", t.event_id));
        }
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
                next_attempt_at,
                end.map(|(s, _)| s.code()),
                end.map(|(_, t)| t)
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
