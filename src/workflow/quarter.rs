//! Quarter close (结账). From the 10th of the month after a quarter ends, its call-back work is
//! closed; `huifang close-quarter` closes it earlier by hand. A close covers its quarter and
//! every quarter before it: books close in order.
//!
//! What "closed" forbids (enforced by the triggers of schema V6, checked here first for a
//! clear message): anything *dated* inside a closed quarter — an attempt, a record, a review,
//! a correction, an escalation or one of its steps — and any change to a call-back finished
//! or an escalation closed in it. Attempts, reviews, corrections and steps are never edited at
//! all; records never were. What stays possible: a correction or a review dated today of a
//! record of a closed quarter (a new entry linked to it), and the work on call-backs and
//! escalations still open. Events themselves are not closed: work done in a closed quarter but
//! entered late is imported as usual, and its call-back falls in the open quarter.

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use serde::Serialize;
use serde_json::json;

use super::roles::Acting;
use crate::domain::StaffRole;
use crate::error::BadInput;
use crate::rules::quarter::Quarter;
use crate::store::{QuarterClose, Reads, Tx};

/// Refuses `what`, dated `at`, when it falls inside a closed quarter.
pub fn ensure_open(r: &impl Reads, at: NaiveDateTime, what: &str) -> Result<()> {
    let Some(close) = r.latest_close()? else {
        return Ok(());
    };
    if at.date() >= close.through {
        return Ok(());
    }
    let q = Quarter::of(at.date());
    Err(BadInput::new(format!(
        "{what} dated {} falls in {q}, which is closed ({} and every quarter before it, closed on {} by {}): its records are read-only; enter it with today's date, or correct an existing record with `huifang correct RECORD --reason …`",
        crate::clock::fmt_datetime(at),
        close.quarter,
        crate::clock::fmt_datetime(close.closed_at),
        close.closed_by,
    ))
    .into())
}

/// What a close did.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    pub quarter: String,
    pub through: NaiveDate,
    pub how: String,
    /// Records of the quarter left without a review.
    pub unreviewed: u64,
}

fn write_close(
    tx: &Tx<'_>,
    q: Quarter,
    how: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Closed> {
    let close = QuarterClose {
        quarter: q.to_string(),
        through: q.end(),
        closed_at: now,
        closed_by: actor.to_string(),
        how: how.to_string(),
    };
    tx.insert_quarter_close(&close)?;
    let unreviewed = tx.unreviewed_between(q.start(), q.end())?;
    tx.audit(
        now,
        actor,
        "quarter.close",
        &format!("quarter:{q}"),
        None,
        Some(&json!({"quarter": close.quarter, "through": close.through, "how": how, "unreviewed": unreviewed})),
    )?;
    Ok(Closed {
        quarter: close.quarter,
        through: close.through,
        how: how.to_string(),
        unreviewed,
    })
}

/// Closes every quarter whose 10th has passed on `today`, when the database holds any work
/// (an empty one has nothing to close, and demo data may still fill it with history).
pub fn auto_close(tx: &Tx<'_>, today: NaiveDate, now: NaiveDateTime) -> Result<Option<Closed>> {
    if !tx.has_events()? {
        return Ok(None);
    }
    let due = Quarter::last_due(today);
    let through = tx.latest_close()?.map(|c| c.through);
    if through.is_some_and(|t| t >= due.end()) {
        return Ok(None);
    }
    write_close(tx, due, "auto", "huifang", now).map(Some)
}

/// `huifang close-quarter`: closes `q` (default the quarter that ended last) before its 10th.
/// A supervisor's task once staff are defined.
pub fn close_by_hand(
    tx: &Tx<'_>,
    q: Option<Quarter>,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Closed> {
    Acting::load(tx, actor)?.require(&[StaffRole::Supervisor], None, "close a quarter (结账)")?;
    let today = now.date();
    let q = q.unwrap_or_else(|| Quarter::last_ended(today));
    if q.end() > today {
        return Err(BadInput::new(format!(
            "{q} has not ended yet (its last day is {}): a quarter can be closed from {} on, and closes by itself on {}",
            q.end() - chrono::Days::new(1),
            q.end(),
            q.closes_on()
        ))
        .into());
    }
    if let Some(c) = tx.latest_close()?.filter(|c| c.through >= q.end()) {
        return Err(BadInput::new(format!(
            "{q} is closed already: {} and every quarter before it were closed on {} by {} ({})",
            c.quarter,
            crate::clock::fmt_datetime(c.closed_at),
            c.closed_by,
            c.how
        ))
        .into());
    }
    write_close(tx, q, "manual", actor, now)
}

/// A close the supervisor should see to: the quarter that ended last, not closed yet, and the
/// day it closes by itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloseDue {
    pub quarter: String,
    pub closes_on: NaiveDate,
    pub unreviewed: u64,
}

pub fn close_due(r: &impl Reads, today: NaiveDate) -> Result<Option<CloseDue>> {
    if !r.has_events()? {
        return Ok(None);
    }
    let q = Quarter::last_ended(today);
    if r.latest_close()?.is_some_and(|c| c.through >= q.end()) {
        return Ok(None);
    }
    Ok(Some(CloseDue {
        quarter: q.to_string(),
        closes_on: q.closes_on(),
        unreviewed: r.unreviewed_between(q.start(), q.end())?,
    }))
}
