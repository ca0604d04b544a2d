//! What the visit sign-out register (回访记录签收表) reads beyond the due list: the visits
//! recorded on a day.

use chrono::{Days, NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use rusqlite::{Connection, params};

use crate::domain::TaskId;

/// A call-back recorded as a visit, with what the register shows of its event.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedVisit {
    pub task_id: TaskId,
    pub event_ref: String,
    pub category: String,
    pub site: String,
    pub customer: String,
    pub unit: String,
    pub due: NaiveDate,
    /// Who recorded it: the visitor.
    pub operator: String,
    pub recorded_at: NaiveDateTime,
}

/// Records by visit made on `day` (at `site` when given), in the order they were recorded.
pub(super) fn visits_recorded_on(
    c: &Connection,
    day: NaiveDate,
    site: Option<&str>,
) -> Result<Vec<RecordedVisit>> {
    let from = crate::clock::start_of(day);
    let to = crate::clock::start_of(day.checked_add_days(Days::new(1)).unwrap_or(day));
    let mut stmt = c.prepare_cached(
        "SELECT t.id, e.ref, e.category, e.site, e.customer, e.unit, t.due, r.operator, r.recorded_at \
         FROM records r JOIN tasks t ON t.id = r.task_id JOIN events e ON e.id = t.event_id \
         WHERE r.recorded_at >= ?1 AND r.recorded_at < ?2 AND r.channel = 'visit' \
           AND (?3 IS NULL OR e.site = ?3) \
         ORDER BY r.recorded_at, r.id",
    )?;
    let rows = stmt.query_map(params![from, to, site], |r| {
        Ok(RecordedVisit {
            task_id: r.get(0)?,
            event_ref: r.get(1)?,
            category: r.get(2)?,
            site: r.get(3)?,
            customer: r.get(4)?,
            unit: r.get(5)?,
            due: r.get(6)?,
            operator: r.get(7)?,
            recorded_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
