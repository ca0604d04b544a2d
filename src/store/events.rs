use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Tx;
use crate::domain::{EventId, NewEvent, ServiceEvent};
use crate::rules::{Cohort, CohortCount};

/// What intake stores for one event.
pub struct EventInsert<'a> {
    pub event: &'a NewEvent,
    pub selected: bool,
    pub selection_reason: &'a str,
    pub imported_at: NaiveDateTime,
}

const COLUMNS: &str = "id, ref, category, major, site, customer, phone, unit, department, matter, summary, \
     completed_at, contract_start, contract_end, selected, selection_reason, imported_at";

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
        },
        selected: r.get(14)?,
        selection_reason: r.get(15)?,
        imported_at: r.get(16)?,
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
            "SELECT count(*), coalesce(sum(selected), 0) FROM events WHERE site = ?1 AND category = ?2 AND month = ?3",
        )?
        .query_row(params![cohort.site, cohort.category, cohort.month], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(CohortCount {
        events: events as u64,
        selected: selected as u64,
    })
}

/// Events of the same customer (by phone when known, else name) or the same unit, newest first.
pub(super) fn related(c: &Connection, e: &ServiceEvent, limit: usize) -> Result<Vec<ServiceEvent>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE id <> ?1 AND site = ?2 AND \
         ((?3 <> '' AND phone = ?3) OR (?4 <> '' AND customer = ?4 AND ?3 = '') OR (?5 <> '' AND unit = ?5)) \
         ORDER BY completed_at DESC LIMIT ?6"
    );
    let ev = &e.event;
    let rows = c
        .prepare_cached(&sql)?
        .query_map(
            params![e.id, ev.site, ev.phone, ev.customer, ev.unit, limit as i64],
            from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(super) fn count(c: &Connection) -> Result<u64> {
    Ok(c.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
}

impl Tx<'_> {
    pub fn insert_event(&self, e: &EventInsert<'_>) -> Result<EventId> {
        let ev = e.event;
        self.tx
            .prepare_cached(
                "INSERT INTO events (ref, category, major, site, customer, phone, unit, department, matter, summary, \
                 completed_at, contract_start, contract_end, month, selected, selection_reason, fingerprint, imported_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
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
                ev.completed_at,
                ev.contract_start,
                ev.contract_end,
                ev.completed_at.format("%Y-%m").to_string(),
                e.selected,
                e.selection_reason,
                ev.fingerprint(),
                e.imported_at,
            ])?;
        Ok(self.tx.last_insert_rowid())
    }
}
