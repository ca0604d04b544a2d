use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{Tx, code};
use crate::domain::{EscalationState, EventId, Outcome};

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
    pub record_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub operator: Option<String>,
    pub note: Option<String>,
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

/// Escalations by the filter, oldest first.
pub(super) fn list(c: &Connection, filter: EscalationFilter) -> Result<Vec<EscalationView>> {
    let (open_only, id, event) = match filter {
        EscalationFilter::Open => (true, None, None),
        EscalationFilter::All => (false, None, None),
        EscalationFilter::Id(id) => (false, Some(id), None),
        EscalationFilter::Event(e) => (false, None, Some(e)),
    };
    let mut stmt = c.prepare_cached(
        "SELECT x.id, e.ref, e.category, e.site, e.customer, e.phone, e.unit, x.round, x.state, x.owner_role, \
                x.reason, x.opened_at, x.deadline, x.record_id, r.outcome, r.operator, r.note \
         FROM escalations x JOIN events e ON e.id = x.event_id LEFT JOIN records r ON r.id = x.record_id \
         WHERE (NOT ?1 OR x.state <> 'closed') AND (?2 IS NULL OR x.id = ?2) AND (?3 IS NULL OR x.event_id = ?3) \
         ORDER BY x.opened_at, x.id",
    )?;
    let rows = stmt.query_map(params![open_only, id, event], |r| {
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

impl Tx<'_> {
    pub fn insert_escalation(&self, x: &EscalationInsert<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO escalations (event_id, record_id, round, owner_role, reason, opened_at, deadline) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![x.event_id, x.record_id, x.round, x.owner_role, x.reason, x.opened_at, x.deadline])?;
        Ok(self.tx.last_insert_rowid())
    }
}
