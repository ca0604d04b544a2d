use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::{Tx, code};
use crate::domain::{Channel, Outcome, TaskId};

/// A finished record waiting for a supervisor's review (审核).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    /// The record's id.
    pub id: i64,
    pub task_id: TaskId,
    pub event_ref: String,
    pub category: String,
    pub site: String,
    pub customer: String,
    pub unit: String,
    pub channel: Channel,
    pub outcome: Outcome,
    pub quality: Option<u8>,
    pub effect: Option<u8>,
    pub shortcomings: String,
    pub suggestions: String,
    pub note: String,
    pub operator: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub recorded_at: NaiveDateTime,
}

/// A supervisor's review of one record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub id: i64,
    pub record_id: i64,
    pub qualified: bool,
    pub comment: String,
    pub reviewer: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub reviewed_at: NaiveDateTime,
    pub escalation_id: Option<i64>,
}

/// Records without a review, oldest first.
pub(super) fn queue(c: &Connection, limit: Option<usize>) -> Result<Vec<ReviewItem>> {
    let mut stmt = c.prepare_cached(
        "SELECT r.id, r.task_id, e.ref, e.category, e.site, e.customer, e.unit, r.channel, r.outcome, \
                r.quality, r.effect, r.shortcomings, r.suggestions, r.note, r.operator, r.recorded_at \
         FROM records r JOIN tasks t ON t.id = r.task_id JOIN events e ON e.id = t.event_id \
         WHERE NOT EXISTS (SELECT 1 FROM reviews v WHERE v.record_id = r.id) \
         ORDER BY r.recorded_at, r.id LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit.map_or(-1, |l| l as i64)], |r| {
        Ok(ReviewItem {
            id: r.get(0)?,
            task_id: r.get(1)?,
            event_ref: r.get(2)?,
            category: r.get(3)?,
            site: r.get(4)?,
            customer: r.get(5)?,
            unit: r.get(6)?,
            channel: code(r, 7, Channel::parse)?,
            outcome: code(r, 8, Outcome::parse)?,
            quality: r.get(9)?,
            effect: r.get(10)?,
            shortcomings: r.get(11)?,
            suggestions: r.get(12)?,
            note: r.get(13)?,
            operator: r.get(14)?,
            recorded_at: r.get(15)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn review_from_row(r: &Row<'_>) -> rusqlite::Result<Review> {
    Ok(Review {
        id: r.get(0)?,
        record_id: r.get(1)?,
        qualified: r.get(2)?,
        comment: r.get(3)?,
        reviewer: r.get(4)?,
        reviewed_at: r.get(5)?,
        escalation_id: r.get(6)?,
    })
}

pub(super) fn of_record(c: &Connection, record: i64) -> Result<Option<Review>> {
    Ok(c.prepare_cached(
        "SELECT id, record_id, qualified, comment, reviewer, reviewed_at, escalation_id FROM reviews WHERE record_id = ?1",
    )?
    .query_row([record], review_from_row)
    .optional()?)
}

/// A correction of a record: the whole corrected content, why, by whom and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub id: i64,
    pub record_id: i64,
    /// The correction this one replaces; `None` when it corrects the record itself.
    pub corrects: Option<i64>,
    pub outcome: Outcome,
    pub quality: Option<u8>,
    pub effect: Option<u8>,
    pub shortcomings: String,
    pub suggestions: String,
    pub note: String,
    /// The corrected answers to the category's own items (all of them, like the fields above).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub answers: std::collections::BTreeMap<String, String>,
    pub reason: String,
    pub actor: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub at: NaiveDateTime,
}

pub(super) fn corrections_of(c: &Connection, record: i64) -> Result<Vec<Correction>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, record_id, corrects, outcome, quality, effect, shortcomings, suggestions, note, reason, actor, at, answers \
         FROM record_corrections WHERE record_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([record], |r| {
        Ok(Correction {
            id: r.get(0)?,
            record_id: r.get(1)?,
            corrects: r.get(2)?,
            outcome: code(r, 3, Outcome::parse)?,
            quality: r.get(4)?,
            effect: r.get(5)?,
            shortcomings: r.get(6)?,
            suggestions: r.get(7)?,
            note: r.get(8)?,
            reason: r.get(9)?,
            actor: r.get(10)?,
            at: r.get(11)?,
            answers: serde_json::from_str(&r.get::<_, String>(12)?).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Tx<'_> {
    pub fn insert_review(
        &self,
        record: i64,
        qualified: bool,
        comment: &str,
        reviewer: &str,
        at: NaiveDateTime,
        escalation_id: Option<i64>,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO reviews (record_id, qualified, comment, reviewer, reviewed_at, escalation_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![record, qualified, comment, reviewer, at, escalation_id])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Stores a correction (its `id` is ignored) and returns its id.
    pub fn insert_correction(&self, k: &Correction) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO record_corrections (record_id, corrects, outcome, quality, effect, shortcomings, suggestions, note, reason, actor, at, answers) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                k.record_id,
                k.corrects,
                k.outcome.code(),
                k.quality,
                k.effect,
                k.shortcomings,
                k.suggestions,
                k.note,
                k.reason,
                k.actor,
                k.at,
                serde_json::to_string(&k.answers)?
            ])?;
        Ok(self.tx.last_insert_rowid())
    }
}
