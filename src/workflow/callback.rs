use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use serde::Serialize;
use serde_json::json;

use crate::config::{CategoryRule, Config};
use crate::domain::{
    AttemptResult, CallbackTask, Channel, NewRecord, ServiceEvent, TaskId, TaskState,
};
use crate::error::BadInput;
use crate::store::{AttemptInsert, Reads, Tx};

/// What logging an attempt did.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptDone {
    pub task_id: TaskId,
    pub attempts: u32,
    pub max_attempts: u32,
    /// The task reached the maximum and is now `unreachable`.
    pub unreachable: bool,
    /// The event selected in its place to keep the month's reached share at the rate.
    pub substitute: Option<String>,
}

/// What saving a record did.
#[derive(Debug, Clone, Serialize)]
pub struct RecordDone {
    pub task_id: TaskId,
    pub record_id: i64,
    /// The escalation the record opened, or (a re-call-back) closed or moved to its next round.
    pub escalation_id: Option<i64>,
    pub escalation: Option<super::escalation::EscalationChange>,
    /// What in the answers escalated at once (delivered ≠ received), one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discrepancies: Vec<String>,
}

/// The pending task `id` with its event and rule, or the reason it cannot be worked on.
fn workable<'c>(
    tx: &Tx<'_>,
    config: &'c Config,
    id: TaskId,
    operator: &str,
    now: NaiveDateTime,
) -> Result<(CallbackTask, ServiceEvent, &'c CategoryRule)> {
    let task = tx.task(id)?.ok_or_else(|| {
        BadInput::new(format!(
            "there is no call-back task {id}: `huifang due` lists them"
        ))
    })?;
    if task.state != TaskState::Pending {
        let when = task
            .closed_at
            .map(|t| format!(" on {}", crate::clock::fmt_datetime(t)))
            .unwrap_or_default();
        return Err(BadInput::new(format!(
            "task {id} is already {}{when}: a finished call-back cannot be recorded again",
            task.state
        ))
        .into());
    }
    if let Some(holder) = claim_holder(tx, id, operator, now)? {
        return Err(BadInput::new(format!(
            "task {id} is being worked on by {holder}: wait until they finish or the claim expires"
        ))
        .into());
    }
    let event = tx
        .event_by_id(task.event_id)?
        .expect("a task's event exists (foreign key)");
    let (_, rule) = config.category(&event.event.category).ok_or_else(|| {
        BadInput::new(format!(
            "task {id}: category `{}` is not in the rules any more: add it back to the config",
            event.event.category
        ))
    })?;
    Ok((task, event, rule))
}

/// Who else holds an unexpired claim on the task, if anyone.
fn claim_holder(
    tx: &Tx<'_>,
    id: TaskId,
    operator: &str,
    now: NaiveDateTime,
) -> Result<Option<String>> {
    Ok(tx
        .claim_of(id)?
        .filter(|(by, until)| by != operator && *until > now)
        .map(|(by, _)| by))
}

fn check_channel(rule: &CategoryRule, channel: Channel) -> Result<(), BadInput> {
    if rule.channels.contains(&channel) {
        return Ok(());
    }
    let allowed: Vec<_> = rule.channels.iter().map(|c| c.code()).collect();
    Err(BadInput::new(format!(
        "channel {channel} is not allowed for {}: the rules allow {}",
        rule.name,
        allowed.join(", ")
    )))
}

/// One unsuccessful try, as the operator reports it.
#[derive(Debug, Clone, Copy)]
pub struct Try<'a> {
    pub result: AttemptResult,
    pub channel: Channel,
    pub note: &'a str,
    /// Log it although it is outside the contact hours (kept with the attempt).
    pub force: bool,
}

impl Try<'_> {
    /// The commonest failure: nobody answered the phone.
    pub fn no_answer() -> Try<'static> {
        Try {
            result: AttemptResult::NoAnswer,
            channel: Channel::Phone,
            note: "",
            force: false,
        }
    }
}

/// Refuses contact outside the hours of the category and channel, unless forced.
fn check_hours(
    config: &Config,
    category: &str,
    channel: Channel,
    now: NaiveDateTime,
    force: bool,
) -> Result<(), BadInput> {
    let hours = config.contact_hours(category, channel);
    if force || hours.allows(config.calendar(), now) {
        return Ok(());
    }
    let next = hours
        .next_from(config.calendar(), now)
        .map(|t| format!("; next callable {}", crate::clock::fmt_datetime(t)))
        .unwrap_or_default();
    Err(BadInput::new(format!(
        "{} is outside the contact hours for {channel} ({}{}){next}: 不得随意打扰客户; pass --force to log it anyway",
        crate::clock::fmt_datetime(now),
        hours.describe(),
        if hours.holidays {
            ""
        } else {
            ", not on public holidays"
        },
    )))
}

/// Logs one unsuccessful try; at the category's maximum the task becomes `unreachable`, and a
/// substitute may be selected to keep the month's rate (see `top_up`).
pub fn attempt(
    tx: &Tx<'_>,
    config: &Config,
    id: TaskId,
    t: Try<'_>,
    operator: &str,
    now: NaiveDateTime,
) -> Result<AttemptDone> {
    super::quarter::ensure_open(tx, now, "an attempt")?;
    let (task, event, rule) = workable(tx, config, id, operator, now)?;
    check_channel(rule, t.channel)?;
    check_hours(config, &event.event.category, t.channel, now, t.force)?;
    tx.insert_attempt(&AttemptInsert {
        task_id: task.id,
        at: now,
        result: t.result,
        channel: t.channel,
        note: t.note,
        operator,
        forced: t.force,
    })?;
    let next_attempt_at = rule.retry_after.map(|s| now + s.0);
    let attempts = tx.count_attempt(task.id, next_attempt_at)?;
    let unreachable = attempts >= rule.max_attempts;
    let mut substitute = None;
    if unreachable {
        tx.close_task(task.id, TaskState::Unreachable, now)?;
        // A re-call-back that reached nobody goes back to the manager; only a sampled call-back
        // (not a periodic one, not a re-call-back) counts towards the month's rate.
        let recall =
            super::escalation::after_unreachable(tx, config, &task, &event, operator, now)?;
        // Nor one a quota added: a quota is filled again by `plan`.
        if !recall && task.rule != crate::config::PERIODIC_RULE && !task.rule.starts_with("quota#")
        {
            substitute = top_up(tx, config, &event, rule, now)?;
        }
    }
    tx.audit(
        now,
        operator,
        "attempt.log",
        &format!("task:{}", task.id),
        Some(&json!({"state": task.state, "attempts": task.attempts})),
        Some(&json!({
            "event_ref": event.event.reference,
            "result": t.result,
            "channel": t.channel,
            "note": t.note,
            "forced": t.force,
            "attempts": attempts,
            "state": if unreachable { TaskState::Unreachable } else { TaskState::Pending },
            "substitute": substitute,
        })),
    )?;
    Ok(AttemptDone {
        task_id: task.id,
        attempts,
        max_attempts: rule.max_attempts,
        unreachable,
        substitute,
    })
}

/// When an unreachable call-back leaves its cohort (site × category × month) short of the
/// required rate of reached customers, selects a substitute: the newest unselected event of the
/// same cohort whose windows are all still open. Returns its ref.
fn top_up(
    tx: &Tx<'_>,
    config: &Config,
    event: &ServiceEvent,
    rule: &CategoryRule,
    now: NaiveDateTime,
) -> Result<Option<String>> {
    if rule.rate >= 1.0 {
        return Ok(None);
    }
    let ev = &event.event;
    let cohort = crate::rules::Cohort {
        site: ev.site.clone(),
        category: ev.category.clone(),
        month: ev.completed_at.format("%Y-%m").to_string(),
    };
    let (events, selected, unreachable) = tx.cohort_reach(&cohort)?;
    let needed = (rule.rate * events as f64 - 1e-9).ceil() as u64;
    if selected.saturating_sub(unreachable) >= needed {
        return Ok(None);
    }
    let Some((key, _)) = config.category(&ev.category) else {
        return Ok(None);
    };
    for candidate in tx.unselected_events(&cohort, 200)? {
        let c = &candidate.event;
        let windows = crate::rules::windows_for(
            key,
            rule,
            c.completed_at.date(),
            c.contract_start.zip(c.contract_end),
            config.calendar(),
        );
        if windows.is_ok_and(|ws| ws.iter().all(|w| w.due >= now.date())) {
            let reason = format!(
                "top-up: replaces {} (unreachable), keeping the month's reached share at {:.0}%",
                ev.reference,
                rule.rate * 100.0
            );
            tx.select_event(candidate.id, &reason)?;
            super::intake::create_tasks(tx, config, candidate.id, c, candidate.repeat_count)?;
            return Ok(Some(c.reference.clone()));
        }
    }
    Ok(None)
}

/// Saves the record of a call-back that reached the customer and completes the task. An
/// unsatisfied outcome opens an escalation to the manager. `force` records before the window
/// opens (entering work after the fact); it is kept with the record. A re-call-back of an
/// escalation closes it or opens its next round (see `escalation::after_record`).
pub fn record(
    tx: &Tx<'_>,
    config: &Config,
    id: TaskId,
    rec: &NewRecord,
    operator: &str,
    now: NaiveDateTime,
    force: bool,
) -> Result<RecordDone> {
    super::quarter::ensure_open(tx, now, "a record")?;
    let (task, event, rule) = workable(tx, config, id, operator, now)?;
    check_channel(rule, rec.channel)?;
    let rec = &crate::rules::normalize(&event.event.category, rule, rec).map_err(BadInput::many)?;
    if rec.channel == Channel::Phone {
        check_hours(config, &event.event.category, rec.channel, now, force)?;
    }
    if now.date() < task.opens && !force {
        return Err(BadInput::new(format!(
            "task {id}'s window opens on {}: call back then, or pass --force to record it early",
            task.opens
        ))
        .into());
    }
    let record_id = tx.insert_record(task.id, rec, operator, now, force)?;
    tx.close_task(task.id, TaskState::Done, now)?;
    tx.audit(
        now,
        operator,
        "record.save",
        &format!("record:{record_id}"),
        Some(&json!({"task_id": task.id, "state": task.state})),
        Some(&json!({
            "task_id": task.id,
            "event_ref": event.event.reference,
            "record": rec,
            "forced": force,
        })),
    )?;
    let found = super::escalation::Findings {
        outcome: rec.outcome,
        discrepancies: crate::rules::discrepancies(rule, rec),
        discrepancy_role: rule.discrepancy_role.as_deref(),
    };
    let escalation = super::escalation::after_record(
        tx, config, &task, &event, record_id, &found, operator, now,
    )?;
    Ok(RecordDone {
        task_id: task.id,
        record_id,
        escalation_id: escalation.map(|x| x.id),
        escalation,
        discrepancies: found.discrepancies,
    })
}
