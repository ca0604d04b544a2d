use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Tx, code};
use crate::domain::{EscalationState, EventId, Outcome, StepKind, TaskId};

/// An escalation with what a supervisor needs to read it in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscalationView {
    pub id: i64,
    pub event_ref: String,
    pub category: String,
    pub site: String,
    pub customer: String,
    /// The full number: mask it before showing it.
    pub phone: String,
    pub unit: String,
    pub round: u32,
    pub state: EscalationState,
    pub owner_role: String,
    pub reason: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub opened_at: NaiveDateTime,
    pub deadline: NaiveDate,
    /// Still open (not handled) past its deadline on the day asked about.
    pub overdue: bool,
    pub record_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub operator: Option<String>,
    pub note: Option<String>,
    /// The department it is assigned to (责任部门), empty until assigned.
    pub department: String,
    /// The person the manager assigned to handle it.
    pub handler: Option<String>,
    /// The re-call-back of the current round, once the handling is recorded.
    pub recall_task_id: Option<TaskId>,
}

/// The columns of an [`EscalationView`] over `escalations x`, `events e` and `records r`
/// (`?4` is today), read by [`view_from_row`].
const VIEW_COLUMNS: &str = "x.id, e.ref, e.category, e.site, e.customer, e.phone, e.unit, x.round, x.state, x.owner_role, \
                x.reason, x.opened_at, x.deadline, x.record_id, r.outcome, r.operator, r.note, \
                x.department, x.handler, x.recall_task_id, (x.state = 'open' AND x.deadline < ?4)";

fn view_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EscalationView> {
    let outcome: Option<String> = r.get(14)?;
    Ok(EscalationView {
        id: r.get(0)?,
        event_ref: r.get(1)?,
        category: r.get(2)?,
        site: r.get(3)?,
        customer: r.get(4)?,
        phone: r.get(5)?,
        unit: r.get(6)?,
        round: r.get(7)?,
        state: code(r, 8, EscalationState::parse)?,
        owner_role: r.get(9)?,
        reason: r.get(10)?,
        opened_at: r.get(11)?,
        deadline: r.get(12)?,
        record_id: r.get(13)?,
        outcome: outcome.as_deref().and_then(Outcome::parse),
        operator: r.get(15)?,
        note: r.get(16)?,
        department: r.get(17)?,
        handler: r.get(18)?,
        recall_task_id: r.get(19)?,
        overdue: r.get(20)?,
    })
}

/// Which escalations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationFilter {
    /// Not closed yet.
    Open,
    All,
    /// One escalation.
    Id(i64),
    /// Those of one event.
    Event(EventId),
}

/// Escalations by the filter: overdue ones first, then oldest first.
pub(super) fn list(
    c: &Connection,
    filter: EscalationFilter,
    today: NaiveDate,
) -> Result<Vec<EscalationView>> {
    list_first(c, filter, today, None)
}

/// Open (not closed) escalations: how many, and how many of them past their deadline on `today`.
pub(super) fn open_counts(c: &Connection, today: NaiveDate) -> Result<(u64, u64)> {
    let (n, overdue): (i64, i64) = c
        .prepare_cached(
            "SELECT count(*), coalesce(sum(state = 'open' AND deadline < ?1), 0) FROM escalations WHERE state <> 'closed'",
        )?
        .query_row([today], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((n as u64, overdue as u64))
}

/// The first `limit` escalations not closed, in the order of [`list`]: the overdue ones by age,
/// then the others by age, each read in order from `escalations_open_by_age` and stopped at
/// `limit`, so that neither tens of thousands of rows are sorted nor joined.
pub(super) fn open_first(
    c: &Connection,
    today: NaiveDate,
    limit: usize,
) -> Result<Vec<EscalationView>> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} \
         FROM escalations x JOIN events e ON e.id = x.event_id LEFT JOIN records r ON r.id = x.record_id \
         WHERE x.id IN ( \
             SELECT id FROM (SELECT id FROM escalations \
                 WHERE state <> 'closed' AND state = 'open' AND deadline < ?4 ORDER BY opened_at, id LIMIT ?1) \
             UNION ALL \
             SELECT id FROM (SELECT id FROM escalations \
                 WHERE state <> 'closed' AND NOT (state = 'open' AND deadline < ?4) ORDER BY opened_at, id LIMIT ?1))"
    );
    let mut out = c
        .prepare_cached(&sql)?
        .query_map(
            params![limit as i64, None::<i64>, None::<i64>, today],
            view_from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // The order of `list`: overdue first, then by age.
    out.sort_by_key(|x| (!x.overdue, x.opened_at, x.id));
    out.truncate(limit);
    Ok(out)
}

/// The first `limit` of [`list`] (all for `None`): the escalations are chosen and ordered on
/// their own table first, so only those shown are joined with their events and records.
pub(super) fn list_first(
    c: &Connection,
    filter: EscalationFilter,
    today: NaiveDate,
    limit: Option<usize>,
) -> Result<Vec<EscalationView>> {
    let (sql, key) = list_sql(filter);
    let mut stmt = c.prepare_cached(&sql)?;
    let limit = limit.map_or(-1, |l| l as i64);
    // ?3 is not used: today is ?4 in VIEW_COLUMNS, as in `open_first`.
    let rows = stmt.query_map(params![key, limit, None::<i64>, today], view_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The statement of [`list_first`] for `filter`, and the id or event it binds as `?1` (`?2` is
/// the limit, `?4` today). Each filter has a condition of its own, so that an id or an event is
/// found through its index: `?1 IS NULL OR event_id = ?1` reads every escalation (27,900 at a
/// million events: 3 ms of a TUI save that opens one), since SQLite plans it before knowing ?1.
fn list_sql(filter: EscalationFilter) -> (String, Option<i64>) {
    let (condition, key) = match filter {
        EscalationFilter::Open => ("state <> 'closed'", None),
        EscalationFilter::All => ("1", None),
        EscalationFilter::Id(id) => ("id = ?1", Some(id)),
        EscalationFilter::Event(e) => ("event_id = ?1", Some(e)),
    };
    let sql = format!(
        "SELECT {VIEW_COLUMNS} \
         FROM (SELECT * FROM escalations WHERE {condition} \
               ORDER BY (state = 'open' AND deadline < ?4) DESC, opened_at, id LIMIT ?2) x \
         JOIN events e ON e.id = x.event_id LEFT JOIN records r ON r.id = x.record_id \
         ORDER BY (x.state = 'open' AND x.deadline < ?4) DESC, x.opened_at, x.id"
    );
    (sql, key)
}

/// The escalation waiting for the re-call-back `task`, if it is one.
pub(super) fn by_recall_task(c: &Connection, task: TaskId) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT id FROM escalations WHERE recall_task_id = ?1 AND state = 'handled'",
    )?
    .query_row([task], |r| r.get(0))
    .optional()?)
}

/// The escalation not closed yet that a record opened or belongs to, if any.
pub(super) fn open_of_record(c: &Connection, record: i64) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT x.id FROM escalations x WHERE x.state <> 'closed' AND (x.record_id = ?1 \
            OR x.id IN (SELECT escalation_id FROM escalation_steps WHERE record_id = ?1)) \
         ORDER BY x.id LIMIT 1",
    )?
    .query_row([record], |r| r.get(0))
    .optional()?)
}

/// One step of an escalation's history, with the record's outcome when it has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscalationStep {
    pub id: i64,
    pub round: u32,
    pub kind: StepKind,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub at: NaiveDateTime,
    /// Who entered it.
    pub actor: String,
    /// The handler (assigned) or who handled it (handled).
    pub person: Option<String>,
    pub department: Option<String>,
    /// Measures taken, the reason, or the record's note.
    pub text: String,
    pub record_id: Option<i64>,
    pub task_id: Option<TaskId>,
    pub outcome: Option<Outcome>,
}

pub(super) fn steps(c: &Connection, escalation: i64) -> Result<Vec<EscalationStep>> {
    let mut stmt = c.prepare_cached(
        "SELECT s.id, s.round, s.kind, s.at, s.actor, s.person, s.department, s.text, s.record_id, s.task_id, r.outcome \
         FROM escalation_steps s LEFT JOIN records r ON r.id = s.record_id \
         WHERE s.escalation_id = ?1 ORDER BY s.id",
    )?;
    let rows = stmt.query_map([escalation], |r| {
        let outcome: Option<String> = r.get(10)?;
        Ok(EscalationStep {
            id: r.get(0)?,
            round: r.get(1)?,
            kind: code(r, 2, StepKind::parse)?,
            at: r.get(3)?,
            actor: r.get(4)?,
            person: r.get(5)?,
            department: r.get(6)?,
            text: r.get(7)?,
            record_id: r.get(8)?,
            task_id: r.get(9)?,
            outcome: outcome.as_deref().and_then(Outcome::parse),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What opens an escalation.
pub struct EscalationInsert<'a> {
    pub event_id: EventId,
    pub record_id: Option<i64>,
    pub round: u32,
    pub owner_role: &'a str,
    pub reason: &'a str,
    pub opened_at: NaiveDateTime,
    pub deadline: NaiveDate,
}

/// One step as stored.
pub struct StepInsert<'a> {
    pub escalation_id: i64,
    pub round: u32,
    pub kind: StepKind,
    pub at: NaiveDateTime,
    pub actor: &'a str,
    pub person: Option<&'a str>,
    pub department: Option<&'a str>,
    pub text: &'a str,
    pub record_id: Option<i64>,
    pub task_id: Option<TaskId>,
}

impl Tx<'_> {
    pub fn insert_escalation(&self, x: &EscalationInsert<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                // With its event's site and category (the report's counts group by them).
                "INSERT INTO escalations (event_id, record_id, round, owner_role, reason, opened_at, deadline, \
                   ev_site, ev_category) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(e.site, ''), coalesce(e.category, '') \
                 FROM (SELECT 1) LEFT JOIN events e ON e.id = ?1",
            )?
            .execute(params![x.event_id, x.record_id, x.round, x.owner_role, x.reason, x.opened_at, x.deadline])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_escalation_step(&self, s: &StepInsert<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO escalation_steps (escalation_id, round, kind, at, actor, person, department, text, record_id, task_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                s.escalation_id,
                s.round,
                s.kind.code(),
                super::sql_datetime(s.at),
                s.actor,
                s.person,
                s.department,
                s.text,
                s.record_id,
                s.task_id
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Gives the escalation to a department and a handler.
    pub fn assign_escalation(&self, id: i64, department: &str, handler: &str) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE escalations SET department = ?2, handler = ?3 WHERE id = ?1")?
            .execute(params![id, department, handler])?;
        Ok(())
    }

    /// Marks the round handled, waiting for the re-call-back `task`.
    pub fn escalation_handled(&self, id: i64, task: TaskId) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE escalations SET state = 'handled', recall_task_id = ?2 WHERE id = ?1",
            )?
            .execute(params![id, task])?;
        Ok(())
    }

    /// The customer is satisfied: the escalation ends.
    pub fn close_escalation(&self, id: i64, at: NaiveDateTime) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE escalations SET state = 'closed', closed_at = ?2 WHERE id = ?1",
            )?
            .execute(params![id, at])?;
        Ok(())
    }

    /// Still not satisfied: the next round, back to the manager with a new deadline.
    pub fn reopen_escalation(&self, id: i64, round: u32, deadline: NaiveDate) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE escalations SET state = 'open', round = ?2, deadline = ?3, recall_task_id = NULL WHERE id = ?1",
            )?
            .execute(params![id, round, deadline])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Reads;

    /// How SQLite reads the escalations for `filter`, as `EXPLAIN QUERY PLAN` says it.
    fn plan(filter: EscalationFilter) -> String {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("t.db")).unwrap();
        let (sql, _) = list_sql(filter);
        let mut stmt = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let none = None::<i64>;
        let rows = stmt
            .query_map(rusqlite::params![none, none, none, none], |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn an_escalation_and_an_events_escalations_are_looked_up_not_scanned() {
        let by_id = plan(EscalationFilter::Id(1));
        assert!(
            by_id.contains("SEARCH escalations USING INTEGER PRIMARY KEY"),
            "{by_id}"
        );
        let by_event = plan(EscalationFilter::Event(1));
        assert!(
            by_event.contains("SEARCH escalations USING INDEX escalations_event"),
            "{by_event}"
        );
    }
}
