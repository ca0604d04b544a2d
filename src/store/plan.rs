//! Queries of the planner (periodic call-backs) and of `rules reapply`.

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use rusqlite::{Connection, params};

use super::Tx;
use crate::domain::{EventId, TaskId};

/// A customer (phone at a site, else unit at a site) with no reached call-back for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleCustomer {
    pub site: String,
    /// The customer's phone, empty when they are known by their unit only.
    pub phone: String,
    /// The unit of their latest event.
    pub unit: String,
    /// The name on their latest event.
    pub customer: String,
    /// Their latest reached call-back (closed `done` task), if any.
    pub last_reached: Option<NaiveDateTime>,
    /// Their latest event, of any origin.
    pub last_event: NaiveDateTime,
    /// Their latest periodic call-back event, if any.
    pub last_periodic: Option<NaiveDateTime>,
}

/// One grouped pass over the events (walking `events_periodic_customer`): every customer with
/// no pending task whose reference time — the latest reached call-back, else the latest event,
/// and at least the latest periodic event — falls before `cutoff` (a date: earlier days only).
pub(super) fn stale_customers(c: &Connection, cutoff: NaiveDate) -> Result<Vec<StaleCustomer>> {
    let mut stmt = c.prepare_cached(
        "SELECT e.site, e.phone, e.unit, e.customer, g.reached, g.last_event, g.last_periodic \
         FROM ( \
           SELECT max(ev.completed_at || char(31) || printf('%012d', ev.id)) AS latest, \
                  max(ev.completed_at) AS last_event, \
                  max(CASE WHEN ev.origin = 'periodic' THEN ev.completed_at END) AS last_periodic, \
                  max(CASE WHEN t.state = 'done' THEN t.closed_at END) AS reached, \
                  coalesce(max(t.state = 'pending'), 0) AS open \
           FROM events ev LEFT JOIN tasks t ON t.event_id = ev.id \
           WHERE (CASE WHEN ev.phone <> '' THEN 'p' || ev.phone ELSE 'u' || ev.unit END) <> 'u' \
           GROUP BY ev.site, (CASE WHEN ev.phone <> '' THEN 'p' || ev.phone ELSE 'u' || ev.unit END) \
         ) g JOIN events e ON e.id = CAST(substr(g.latest, -12) AS INTEGER) \
         WHERE g.open = 0 \
           AND max(coalesce(g.reached, g.last_event), coalesce(g.last_periodic, '')) < ?1 \
         ORDER BY e.site, e.phone, e.unit",
    )?;
    let rows = stmt.query_map(params![cutoff.to_string()], |r| {
        Ok(StaleCustomer {
            site: r.get(0)?,
            phone: r.get(1)?,
            unit: r.get(2)?,
            customer: r.get(3)?,
            last_reached: r.get(4)?,
            last_event: r.get(5)?,
            last_periodic: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Pending tasks, with their events, of events completed from `from` on (all when `None`),
/// in task order.
pub(super) fn pending_tasks(
    c: &Connection,
    from: Option<NaiveDate>,
) -> Result<Vec<(TaskId, EventId)>> {
    let mut stmt = c.prepare_cached(
        "SELECT t.id, t.event_id FROM tasks t JOIN events e ON e.id = t.event_id \
         WHERE t.state = 'pending' AND (?1 IS NULL OR e.completed_at >= ?1) ORDER BY t.id",
    )?;
    let rows = stmt.query_map(params![from.map(|d| d.to_string())], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Tx<'_> {
    /// Marks an event as made by the planner: it is left out of sampling cohorts and rates.
    pub fn mark_periodic(&self, id: EventId) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE events SET origin = 'periodic' WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    /// Gives a pending task new window dates, role and rules version (`rules reapply`).
    /// Returns whether it was still pending.
    pub fn reapply_task(
        &self,
        id: TaskId,
        opens: NaiveDate,
        due: NaiveDate,
        role: &str,
        rules_version: &str,
    ) -> Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "UPDATE tasks SET opens = ?2, due = ?3, role = ?4, rules_version = ?5 \
                 WHERE id = ?1 AND state = 'pending'",
            )?
            .execute(params![id, opens, due, role, rules_version])?;
        Ok(n == 1)
    }
}
