//! Quarter closes (结账): rows of `quarter_closes`. The triggers of schema V6 refuse anything
//! dated before the latest close's `through`.

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Tx;

/// One close as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterClose {
    /// `2026-Q3`: the latest quarter the close covers (and every quarter before it).
    pub quarter: String,
    /// The first day after that quarter: everything dated before it is closed.
    pub through: NaiveDate,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub closed_at: NaiveDateTime,
    pub closed_by: String,
    /// `auto` (the 10th had passed) or `manual` (`huifang close-quarter`).
    pub how: String,
}

/// The latest close, if any quarter is closed.
pub(super) fn latest(c: &Connection) -> Result<Option<QuarterClose>> {
    Ok(c.prepare_cached(
        "SELECT quarter, through, closed_at, closed_by, how FROM quarter_closes \
             ORDER BY through DESC LIMIT 1",
    )?
    .query_row([], |r| {
        Ok(QuarterClose {
            quarter: r.get(0)?,
            through: r.get(1)?,
            closed_at: r.get(2)?,
            closed_by: r.get(3)?,
            how: r.get(4)?,
        })
    })
    .optional()?)
}

/// Records of `[from, to)` that no supervisor has reviewed.
pub(super) fn unreviewed_between(c: &Connection, from: NaiveDate, to: NaiveDate) -> Result<u64> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM records r WHERE r.recorded_at >= ?1 AND r.recorded_at < ?2 \
             AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.record_id = r.id)",
    )?
    .query_row(params![from.to_string(), to.to_string()], |r| {
        r.get::<_, i64>(0)
    })? as u64)
}

impl Tx<'_> {
    pub fn insert_quarter_close(&self, close: &QuarterClose) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO quarter_closes (quarter, through, closed_at, closed_by, how) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                close.quarter,
                close.through,
                close.closed_at,
                close.closed_by,
                close.how
            ])?;
        Ok(())
    }
}
