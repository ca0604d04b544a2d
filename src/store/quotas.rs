//! What quotas count: the events of a category's month with, for one channel, whether each was
//! reached through it (a record) or is planned through it (a pending task).

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use rusqlite::{Connection, params};

use super::Tx;
use crate::domain::{Channel, EventId, TaskId};

/// One event of a quota's month.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaEvent {
    pub event_id: EventId,
    pub reference: String,
    pub site: String,
    pub phone: String,
    pub unit: String,
    pub customer: String,
    pub completed_at: NaiveDateTime,
    pub selected: bool,
    /// A call-back of it reached the customer (through the channel, when the quota names one).
    pub reached: bool,
    /// A call-back of it is pending (planned through the channel: phone unless planned otherwise).
    pub planned: bool,
    /// The quota already added a call-back to it (which may have ended unreachable).
    pub tried: bool,
}

/// The events of `category` completed in `month` (`YYYY-MM`), newest first; `rule` is the rule
/// name of the call-backs the quota adds. One query on the
/// month index; the per-event checks are indexed lookups by event.
pub(super) fn quota_events(
    c: &Connection,
    category: &str,
    month: &str,
    channel: Option<Channel>,
    rule: &str,
) -> Result<Vec<QuotaEvent>> {
    let ch = channel.map(|c| c.code());
    Ok(c.prepare_cached(
        "SELECT e.id, e.ref, e.site, e.phone, e.unit, e.customer, e.completed_at, e.selected, \
                EXISTS (SELECT 1 FROM tasks t JOIN records r ON r.task_id = t.id \
                        WHERE t.event_id = e.id AND (?3 IS NULL OR r.channel = ?3)), \
                EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.state = 'pending' \
                        AND (?3 IS NULL OR coalesce(t.channel, 'phone') = ?3)), \
                EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.rule = ?4) \
         FROM events e WHERE e.month = ?2 AND e.category = ?1 AND e.origin = 'intake' \
         ORDER BY e.completed_at DESC, e.id DESC",
    )?
    .query_map(params![category, month, ch, rule], |r| {
        Ok(QuotaEvent {
            event_id: r.get(0)?,
            reference: r.get(1)?,
            site: r.get(2)?,
            phone: r.get(3)?,
            unit: r.get(4)?,
            customer: r.get(5)?,
            completed_at: r.get(6)?,
            selected: r.get(7)?,
            reached: r.get(8)?,
            planned: r.get(9)?,
            tried: r.get(10)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

impl Tx<'_> {
    /// Plans a task for a channel (a quota's visit): the form and `due` offer it first.
    pub fn plan_channel(&self, task: TaskId, channel: Channel) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE tasks SET channel = ?2 WHERE id = ?1")?
            .execute(params![task, channel.code()])?;
        Ok(())
    }
}
