use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Tx, code};
use crate::domain::{Attempt, AttemptResult, Channel, NewRecord, Outcome, Record, TaskId};

const RECORD_COLUMNS: &str = "id, task_id, channel, outcome, quality, effect, shortcomings, suggestions, note, signed, operator, recorded_at";

fn record_from_row(r: &Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.get(0)?,
        task_id: r.get(1)?,
        record: NewRecord {
            channel: code(r, 2, Channel::parse)?,
            outcome: code(r, 3, Outcome::parse)?,
            quality: r.get(4)?,
            effect: r.get(5)?,
            shortcomings: r.get(6)?,
            suggestions: r.get(7)?,
            note: r.get(8)?,
            signed: r.get(9)?,
            answers: Default::default(),
        },
        operator: r.get(10)?,
        recorded_at: r.get(11)?,
    })
}

pub(super) fn record_of_task(c: &Connection, task: TaskId) -> Result<Option<Record>> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE task_id = ?1");
    let found = c
        .prepare_cached(&sql)?
        .query_row([task], record_from_row)
        .optional()?;
    with_answers(c, found)
}

pub(super) fn record_by_id(c: &Connection, id: i64) -> Result<Option<Record>> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1");
    let found = c
        .prepare_cached(&sql)?
        .query_row([id], record_from_row)
        .optional()?;
    with_answers(c, found)
}

/// Fills in the answers to the category's own items.
fn with_answers(c: &Connection, record: Option<Record>) -> Result<Option<Record>> {
    let Some(mut record) = record else {
        return Ok(None);
    };
    record.record.answers = c
        .prepare_cached("SELECT item, value FROM record_answers WHERE record_id = ?1")?
        .query_map([record.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(record))
}

pub(super) fn attempts_of_task(c: &Connection, task: TaskId) -> Result<Vec<Attempt>> {
    Ok(c.prepare_cached(
        "SELECT id, task_id, at, result, channel, note, operator FROM attempts WHERE task_id = ?1 ORDER BY at, id",
    )?
    .query_map([task], |r| {
        Ok(Attempt {
            id: r.get(0)?,
            task_id: r.get(1)?,
            at: r.get(2)?,
            result: code(r, 3, AttemptResult::parse)?,
            channel: code(r, 4, Channel::parse)?,
            note: r.get(5)?,
            operator: r.get(6)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}

/// Records saved from `since` on (the day's own work, for the status bar).
pub(super) fn records_since(c: &Connection, since: NaiveDateTime) -> Result<u64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM records WHERE recorded_at >= ?1")?
            .query_row([since], |r| r.get::<_, i64>(0))? as u64,
    )
}

/// An attempt as stored.
pub struct AttemptInsert<'a> {
    pub task_id: TaskId,
    pub at: NaiveDateTime,
    pub result: AttemptResult,
    pub channel: Channel,
    pub note: &'a str,
    pub operator: &'a str,
    pub forced: bool,
}

impl Tx<'_> {
    pub fn insert_attempt(&self, a: &AttemptInsert<'_>) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO attempts (task_id, at, result, channel, note, operator, forced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![a.task_id, super::sql_datetime(a.at), a.result.code(), a.channel.code(), a.note, a.operator, a.forced])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_record(
        &self,
        task: TaskId,
        r: &NewRecord,
        operator: &str,
        at: NaiveDateTime,
        forced: bool,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO records (task_id, channel, outcome, quality, effect, shortcomings, suggestions, note, signed, operator, recorded_at, forced) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                task,
                r.channel.code(),
                r.outcome.code(),
                r.quality,
                r.effect,
                r.shortcomings,
                r.suggestions,
                r.note,
                r.signed,
                operator,
                super::sql_datetime(at),
                forced
            ])
            .map_err(|e| match e.sqlite_error_code() {
                // records.task_id is UNIQUE: a second record of one call-back is refused.
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    crate::error::BadInput::new(format!(
                        "task {task} is already recorded: a call-back is recorded once"
                    ))
                    .into()
                }
                _ => color_eyre::eyre::eyre!(e),
            })?;
        let id = self.tx.last_insert_rowid();
        let mut answer = self.tx.prepare_cached(
            "INSERT INTO record_answers (record_id, item, value) VALUES (?1, ?2, ?3)",
        )?;
        for (item, value) in &r.answers {
            answer.execute(params![id, item, value])?;
        }
        Ok(id)
    }
}
