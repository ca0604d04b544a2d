//! Supervisor review (审核) of finished records, and corrections of records (a record is never
//! edited in place: a correction is a new entry linked to what it corrects).

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use serde::Serialize;
use serde_json::json;

use super::roles::Acting;
use crate::config::Config;
use crate::domain::{Outcome, Record, StaffRole};
use crate::error::BadInput;
use crate::store::{Correction, Reads, Tx};

/// What reviewing a record did.
#[derive(Debug, Clone, Serialize)]
pub struct Reviewed {
    pub review_id: i64,
    pub record_id: i64,
    pub qualified: bool,
    /// The escalation an unqualified record opened (or the one it already had).
    pub escalation_id: Option<i64>,
}

fn record(tx: &Tx<'_>, id: i64) -> Result<Record> {
    tx.record_by_id(id)?.ok_or_else(|| {
        BadInput::new(format!(
            "there is no record {id}: `huifang review` lists the records waiting for review"
        ))
        .into()
    })
}

/// A supervisor marks a record qualified or unqualified (不合格), with a comment (加注意见).
/// Unqualified opens an escalation, unless the record already has one open.
pub fn review(
    tx: &Tx<'_>,
    config: &Config,
    record_id: i64,
    qualified: bool,
    comment: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Reviewed> {
    Acting::load(tx, actor)?.require(&[StaffRole::Supervisor], None, "review records (审核)")?;
    super::quarter::ensure_open(tx, now, "a review")?;
    let rec = record(tx, record_id)?;
    if let Some(r) = tx.review_of(record_id)? {
        return Err(BadInput::new(format!(
            "record {record_id} was reviewed already by {} on {} ({}): a review is not changed",
            r.reviewer,
            crate::clock::fmt_datetime(r.reviewed_at),
            if r.qualified {
                "qualified"
            } else {
                "unqualified"
            }
        ))
        .into());
    }
    let comment = comment.trim();
    let escalation_id = if qualified {
        None
    } else {
        match tx.open_escalation_of_record(record_id)? {
            Some(x) => Some(x),
            None => {
                let task = tx.task(rec.task_id)?.expect("a record's task exists");
                let event = tx
                    .event_by_id(task.event_id)?
                    .expect("a task's event exists");
                let reason = if comment.is_empty() {
                    "unqualified".to_string()
                } else {
                    format!("unqualified: {comment}")
                };
                Some(super::escalation::open(
                    tx,
                    config,
                    &event,
                    Some(record_id),
                    &reason,
                    actor,
                    now,
                )?)
            }
        }
    };
    let review_id = tx.insert_review(record_id, qualified, comment, actor, now, escalation_id)?;
    tx.audit(
        now,
        actor,
        "record.review",
        &format!("record:{record_id}"),
        None,
        Some(&json!({
            "review_id": review_id,
            "qualified": qualified,
            "comment": comment,
            "escalation_id": escalation_id,
        })),
    )?;
    Ok(Reviewed {
        review_id,
        record_id,
        qualified,
        escalation_id,
    })
}

/// What a correction changes; `None` keeps the value in force.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub outcome: Option<Outcome>,
    pub quality: Option<u8>,
    pub effect: Option<u8>,
    pub shortcomings: Option<String>,
    pub suggestions: Option<String>,
    pub note: Option<String>,
    /// Answers to the category's own items to change, key → value as typed.
    pub answers: std::collections::BTreeMap<String, String>,
}

/// Corrects a saved record: a new entry with the whole corrected content, linked to the record
/// and to the correction it replaces; the record and earlier corrections stay as they were.
/// The person who recorded it, a supervisor or a manager may correct. A correction does not
/// open or close escalations: open one by hand if the corrected outcome needs it.
pub fn correct(
    tx: &Tx<'_>,
    config: &Config,
    record_id: i64,
    changes: &Changes,
    reason: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Correction> {
    let rec = record(tx, record_id)?;
    super::quarter::ensure_open(tx, now, "a correction")?;
    Acting::load(tx, actor)?.require(
        &[StaffRole::Supervisor, StaffRole::Manager],
        Some(&rec.operator),
        "correct this record (the person who recorded it may too)",
    )?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(BadInput::new("--reason: say why the record is corrected").into());
    }
    for (field, v) in [("quality", changes.quality), ("effect", changes.effect)] {
        if let Some(v) = v.filter(|v| !(1..=5).contains(v)) {
            return Err(
                BadInput::new(format!("{field}: {v} is not a score: expected 1 to 5")).into(),
            );
        }
    }
    let previous = tx.corrections_of(record_id)?.pop();
    // The content being corrected: the latest correction's, else the record's own.
    let mut content = rec.record.clone();
    if let Some(p) = &previous {
        content.outcome = p.outcome;
        content.quality = p.quality;
        content.effect = p.effect;
        content.shortcomings = p.shortcomings.clone();
        content.suggestions = p.suggestions.clone();
        content.note = p.note.clone();
        content.answers = p.answers.clone();
    }
    if let Some(o) = changes.outcome {
        content.outcome = o;
    }
    content.quality = changes.quality.or(content.quality);
    content.effect = changes.effect.or(content.effect);
    for (field, v) in [
        (&mut content.shortcomings, &changes.shortcomings),
        (&mut content.suggestions, &changes.suggestions),
        (&mut content.note, &changes.note),
    ] {
        if let Some(v) = v {
            *field = v.clone();
        }
    }
    content.answers.extend(changes.answers.clone());
    // Checked against the category's items like a new record.
    let category = match tx.task(rec.task_id)? {
        Some(t) => tx.event_by_id(t.event_id)?.map(|e| e.event.category),
        None => None,
    }
    .unwrap_or_default();
    let content = match config.category(&category) {
        Some((key, rule)) => {
            crate::rules::normalize(key, rule, &content).map_err(BadInput::many)?
        }
        None => content,
    };
    let mut k = Correction {
        id: 0,
        record_id,
        corrects: previous.as_ref().map(|p| p.id),
        outcome: content.outcome,
        quality: content.quality,
        effect: content.effect,
        shortcomings: content.shortcomings,
        suggestions: content.suggestions,
        note: content.note,
        answers: content.answers,
        reason: reason.to_string(),
        actor: actor.to_string(),
        at: now,
    };
    let before = match &previous {
        Some(p) => json!(p),
        None => json!(rec),
    };
    k.id = tx.insert_correction(&k)?;
    tx.audit(
        now,
        actor,
        "record.correct",
        &format!("record:{record_id}"),
        Some(&before),
        Some(&json!(k)),
    )?;
    Ok(k)
}
