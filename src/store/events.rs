use chrono::NaiveDateTime;
use color_eyre::eyre::{Result, eyre};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Tx, code};
use crate::domain::{EventId, NewEvent, ServiceEvent};
use crate::rules::{Cohort, CohortCount};

/// What intake stores for one event.
pub struct EventInsert<'a> {
    pub event: &'a NewEvent,
    pub repeat_count: u32,
    pub selected: bool,
    pub selection_reason: &'a str,
    pub imported_at: NaiveDateTime,
}

const COLUMNS: &str = "id, ref, category, major, site, customer, phone, unit, department, matter, summary, \
     completed_at, contract_start, contract_end, selected, selection_reason, imported_at, repeat_count, \
     customer_kind, stage";

pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<ServiceEvent> {
    Ok(ServiceEvent {
        id: r.get(0)?,
        event: NewEvent {
            reference: r.get(1)?,
            category: r.get(2)?,
            major: r.get(3)?,
            site: r.get(4)?,
            customer: r.get(5)?,
            phone: r.get(6)?,
            unit: r.get(7)?,
            department: r.get(8)?,
            matter: r.get(9)?,
            summary: r.get(10)?,
            completed_at: r.get(11)?,
            contract_start: r.get(12)?,
            contract_end: r.get(13)?,
            customer_kind: code(r, 18, crate::domain::CustomerKind::parse)?,
            stage: r.get(19)?,
        },
        selected: r.get(14)?,
        selection_reason: r.get(15)?,
        imported_at: r.get(16)?,
        repeat_count: r.get(17)?,
    })
}

pub(super) fn by_ref(c: &Connection, reference: &str) -> Result<Option<ServiceEvent>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE ref = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([reference], from_row)
        .optional()?)
}

pub(super) fn by_id(c: &Connection, id: EventId) -> Result<Option<ServiceEvent>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE id = ?1");
    Ok(c.prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?)
}

pub(super) fn fingerprint(c: &Connection, reference: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT fingerprint FROM events WHERE ref = ?1")?
            .query_row([reference], |r| r.get(0))
            .optional()?,
    )
}

pub(super) fn cohort_count(c: &Connection, cohort: &Cohort) -> Result<CohortCount> {
    let (events, selected): (i64, i64) = c
        .prepare_cached(
            "SELECT count(*), coalesce(sum(selected), 0) FROM events WHERE site = ?1 AND category = ?2 AND month = ?3 AND origin = 'intake'",
        )?
        .query_row(params![cohort.site, cohort.category, cohort.month], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(CohortCount {
        events: events as u64,
        selected: selected as u64,
    })
}

/// Events of the same customer (by phone when known, else name) or the same unit, newest first.
pub(super) fn related(c: &Connection, e: &ServiceEvent, limit: usize) -> Result<Vec<ServiceEvent>> {
    // The customer by phone (else by name) and the unit at the site, each the newest `limit`
    // on its own index, united, then the newest `limit` of those: a customer or a unit can have
    // thousands of events at a million, and only a few are shown. By phone it is the periodic
    // index's key (site, 'p' || phone) in completion order; a unit name (1号楼1单元101) recurs
    // at every site, so it is looked up with the site.
    let ev = &e.event;
    let who = if ev.phone.is_empty() {
        "customer = ?3 AND ?3 <> '' AND +site = ?2"
    } else {
        "site = ?2 AND (CASE WHEN phone <> '' THEN 'p' || phone ELSE 'u' || unit END) = 'p' || ?3"
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE id IN ( \
           SELECT id FROM (SELECT id FROM events WHERE {who} AND id <> ?1 \
             ORDER BY completed_at DESC LIMIT ?5) \
           UNION \
           SELECT id FROM (SELECT id FROM events WHERE site = ?2 AND unit = ?4 AND ?4 <> '' \
             AND id <> ?1 ORDER BY completed_at DESC LIMIT ?5)) \
         ORDER BY completed_at DESC LIMIT ?5"
    );
    let key = if ev.phone.is_empty() {
        &ev.customer
    } else {
        &ev.phone
    };
    let rows = c
        .prepare_cached(&sql)?
        .query_map(params![e.id, ev.site, key, ev.unit, limit as i64], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Earlier events on the same matter and category at the same site, of the same customer (by
/// phone) or the same unit, completed from `since` up to the event itself.
pub(super) fn repeat_count(c: &Connection, e: &NewEvent, since: NaiveDateTime) -> Result<u32> {
    if e.matter.is_empty() || (e.phone.is_empty() && e.unit.is_empty()) {
        return Ok(0);
    }
    // Two indexed lookups (by phone, by unit) united, so an event matching both counts once.
    Ok(c.prepare_cached(
        "SELECT count(*) FROM ( \
           SELECT id FROM events WHERE phone = ?7 AND phone <> '' AND matter = ?1 \
             AND completed_at >= ?2 AND completed_at <= ?3 AND category = ?4 AND site = ?5 AND ref <> ?6 \
           UNION \
           SELECT id FROM events WHERE unit = ?8 AND unit <> '' AND matter = ?1 \
             AND completed_at >= ?2 AND completed_at <= ?3 AND category = ?4 AND site = ?5 AND ref <> ?6)",
    )?
    .query_row(
        params![e.matter, since, e.completed_at, e.category, e.site, e.reference, e.phone, e.unit],
        |r| r.get(0),
    )?)
}

/// The outcome of the customer's latest call-back (by phone, else by name at the site).
pub(super) fn last_outcome(c: &Connection, e: &NewEvent) -> Result<Option<String>> {
    if e.phone.is_empty() && e.customer.is_empty() {
        return Ok(None);
    }
    // One statement per case, so each runs on its own index: a common name (王先生) would
    // otherwise be looked up for every event that has a phone too.
    const JOIN: &str = "SELECT r.outcome FROM events e JOIN tasks t ON t.event_id = e.id JOIN records r ON r.task_id = t.id";
    let row = if e.phone.is_empty() {
        c.prepare_cached(&format!(
            "{JOIN} WHERE e.customer = ?1 AND e.site = ?2 ORDER BY r.recorded_at DESC LIMIT 1"
        ))?
        .query_row(params![e.customer, e.site], |r| r.get(0))
    } else {
        c.prepare_cached(&format!(
            "{JOIN} WHERE e.phone = ?1 ORDER BY r.recorded_at DESC LIMIT 1"
        ))?
        .query_row(params![e.phone], |r| r.get(0))
    };
    Ok(row.optional()?)
}

/// Events, selected events, and selected events that ended unreachable without any reached
/// call-back, in a cohort.
pub(super) fn cohort_reach(c: &Connection, cohort: &Cohort) -> Result<(u64, u64, u64)> {
    let (n, s, u): (i64, i64, i64) = c
        .prepare_cached(
            "SELECT count(*), coalesce(sum(selected), 0), coalesce(sum(selected AND \
                    EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.state = 'unreachable') AND \
                    NOT EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.state = 'done')), 0) \
             FROM events e WHERE site = ?1 AND category = ?2 AND month = ?3 AND origin = 'intake'",
        )?
        .query_row(params![cohort.site, cohort.category, cohort.month], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok((n as u64, s as u64, u as u64))
}

/// Events of a cohort not selected for call-back, newest first.
pub(super) fn unselected(
    c: &Connection,
    cohort: &Cohort,
    limit: usize,
) -> Result<Vec<ServiceEvent>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE site = ?1 AND category = ?2 AND month = ?3 AND origin = 'intake' AND selected = 0 \
         ORDER BY completed_at DESC, id DESC LIMIT ?4"
    );
    Ok(c.prepare_cached(&sql)?
        .query_map(
            params![cohort.site, cohort.category, cohort.month, limit as i64],
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?)
}

/// Per site × category of a month: events, selected, reached (a done task), unreachable.
pub(super) fn rates(c: &Connection, month: &str, site: Option<&str>) -> Result<Vec<RateRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT site, category, count(*), coalesce(sum(selected), 0), \
                coalesce(sum(EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.state = 'done')), 0), \
                coalesce(sum(selected AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.state = 'done') \
                             AND EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.state = 'unreachable')), 0) \
         FROM events e WHERE month = ?1 AND origin = 'intake' AND (?2 IS NULL OR site = ?2) GROUP BY site, category ORDER BY site, category",
    )?;
    let rows = stmt.query_map(params![month, site], |r| {
        Ok(RateRow {
            site: r.get(0)?,
            category: r.get(1)?,
            events: r.get::<_, i64>(2)? as u64,
            selected: r.get::<_, i64>(3)? as u64,
            reached: r.get::<_, i64>(4)? as u64,
            unreachable: r.get::<_, i64>(5)? as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One line of `huifang rates`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RateRow {
    pub site: String,
    pub category: String,
    pub events: u64,
    pub selected: u64,
    pub reached: u64,
    pub unreachable: u64,
}

pub(super) fn any(c: &Connection) -> Result<bool> {
    Ok(c.prepare_cached("SELECT EXISTS (SELECT 1 FROM events)")?
        .query_row([], |r| r.get(0))?)
}

pub(super) fn count(c: &Connection) -> Result<u64> {
    Ok(c.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
}

impl Tx<'_> {
    /// Selects an event for call-back after intake (a top-up), with the reason.
    pub fn select_event(&self, id: EventId, reason: &str) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE events SET selected = 1, selection_reason = ?2 WHERE id = ?1")?
            .execute(params![id, reason])?;
        Ok(())
    }

    pub fn insert_event(&self, e: &EventInsert<'_>) -> Result<EventId> {
        self.insert_event_if_new(e)?.ok_or_else(|| {
            eyre!(
                "an event with ref `{}` is already stored",
                e.event.reference
            )
        })
    }

    /// Stores a new event, or nothing when an event with its ref is stored already (`None`):
    /// a first import learns that from the insert instead of a look-up per row.
    pub fn insert_event_if_new(&self, e: &EventInsert<'_>) -> Result<Option<EventId>> {
        let ev = e.event;
        let inserted = self.tx
            .prepare_cached(
                "INSERT INTO events (ref, category, major, site, customer, phone, unit, department, matter, summary, \
                 completed_at, contract_start, contract_end, month, selected, selection_reason, fingerprint, imported_at, repeat_count, \
                 customer_kind, stage) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) \
                 ON CONFLICT (ref) DO NOTHING",
            )?
            .execute(params![
                ev.reference,
                ev.category,
                ev.major,
                ev.site,
                ev.customer,
                ev.phone,
                ev.unit,
                ev.department,
                ev.matter,
                ev.summary,
                super::sql_datetime(ev.completed_at),
                ev.contract_start,
                ev.contract_end,
                crate::clock::iso_month(ev.completed_at),
                e.selected,
                e.selection_reason,
                ev.fingerprint(),
                super::sql_datetime(e.imported_at),
                e.repeat_count,
                ev.customer_kind.code(),
                ev.stage,
            ])?;
        Ok((inserted == 1).then(|| self.tx.last_insert_rowid()))
    }
}
