//! The escalation lifecycle (升级 / 不合格处理): opened by an unsatisfied outcome, an unqualified
//! review or by hand; assigned to a department and a handler; handling recorded, which makes the
//! re-call-back at once; the re-call-back closes it (satisfied) or opens the next round, until
//! the customer is satisfied (直到业户满意为止).

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use serde::Serialize;
use serde_json::json;

use super::roles::Acting;
use crate::config::Config;
use crate::domain::{
    Anchor, CallbackTask, EscalationState, EventId, Outcome, ServiceEvent, StaffRole, StepKind,
    TaskId,
};
use crate::error::BadInput;
use crate::store::{EscalationInsert, EscalationView, Reads, StepInsert, TaskInsert, Tx};

/// Who an escalation goes to: major complaints (重大投诉) always to the manager.
pub fn owner_role(config: &Config, major: bool) -> &str {
    if major {
        "manager"
    } else {
        config.escalation.role.as_str()
    }
}

/// The deadline (限期解决) of an escalation of `category` opened, or sent back, at `now`.
pub fn deadline(config: &Config, category: &str, now: NaiveDateTime) -> NaiveDate {
    config
        .escalation_deadline(category)
        .apply(now.date(), config.calendar())
        .unwrap_or(now.date())
}

/// Opens an escalation of `event` (from `record`, when a record opened it) and records the step.
pub fn open(
    tx: &Tx<'_>,
    config: &Config,
    event: &ServiceEvent,
    record_id: Option<i64>,
    reason: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<i64> {
    open_to(tx, config, event, (record_id, None), reason, actor, now)
}

/// `open`, to `role` when one is named (a discrepancy's), else the escalation role.
fn open_to(
    tx: &Tx<'_>,
    config: &Config,
    event: &ServiceEvent,
    (record_id, role): (Option<i64>, Option<&str>),
    reason: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<i64> {
    // Major complaints (重大投诉) always go to the manager, whoever else is named.
    let owner_role = match role {
        Some(r) if !event.event.major => r,
        _ => owner_role(config, event.event.major),
    };
    let deadline = deadline(config, &event.event.category, now);
    let id = tx.insert_escalation(&EscalationInsert {
        event_id: event.id,
        record_id,
        round: 1,
        owner_role,
        reason,
        opened_at: now,
        deadline,
    })?;
    tx.insert_escalation_step(&StepInsert {
        escalation_id: id,
        round: 1,
        kind: StepKind::Opened,
        at: now,
        actor,
        person: None,
        department: None,
        text: reason,
        record_id,
        task_id: None,
    })?;
    tx.audit(
        now,
        actor,
        "escalation.open",
        &format!("escalation:{id}"),
        None,
        Some(&json!({
            "event_ref": event.event.reference,
            "record_id": record_id,
            "round": 1,
            "state": "open",
            "owner_role": owner_role,
            "reason": reason,
            "deadline": deadline,
        })),
    )?;
    Ok(id)
}

fn existing(tx: &Tx<'_>, id: i64, now: NaiveDateTime) -> Result<EscalationView> {
    tx.escalation(id, now.date())?.ok_or_else(|| {
        BadInput::new(format!(
            "there is no escalation {id}: `huifang escalations --all` lists them"
        ))
        .into()
    })
}

/// Opens an escalation by hand (a manager or supervisor), for an event by its ref.
pub fn open_by_hand(
    tx: &Tx<'_>,
    config: &Config,
    event_ref: &str,
    reason: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<i64> {
    Acting::load(tx, actor)?.require(
        &[StaffRole::Manager, StaffRole::Supervisor],
        None,
        "open an escalation by hand",
    )?;
    let event = tx.event_by_ref(event_ref)?.ok_or_else(|| {
        BadInput::new(format!(
            "there is no event `{event_ref}`: `huifang event show REF` finds one"
        ))
    })?;
    if let Some(x) = tx
        .escalations_where(crate::store::EscalationFilter::Event(event.id), now.date())?
        .iter()
        .find(|x| x.state != EscalationState::Closed)
    {
        return Err(BadInput::new(format!(
            "event {event_ref} already has escalation {} open (round {}): work on that one",
            x.id, x.round
        ))
        .into());
    }
    let reason = if reason.trim().is_empty() {
        "by hand"
    } else {
        reason.trim()
    };
    open(tx, config, &event, None, reason, actor, now)
}

/// Gives an escalation to a department and a handler (the manager's decision).
pub fn assign(
    tx: &Tx<'_>,
    id: i64,
    to: &str,
    department: Option<&str>,
    actor: &str,
    now: NaiveDateTime,
) -> Result<EscalationView> {
    let acting = Acting::load(tx, actor)?;
    acting.require(&[StaffRole::Manager], None, "assign an escalation")?;
    let x = existing(tx, id, now)?;
    if x.state == EscalationState::Closed {
        return Err(BadInput::new(format!(
            "escalation {id} is closed: the customer was satisfied; nothing to assign"
        ))
        .into());
    }
    let to = to.trim();
    if to.is_empty() {
        return Err(BadInput::new("--to: the handler's name is empty").into());
    }
    if acting.checks_on && tx.staff_member(to)?.is_none() {
        return Err(BadInput::new(format!(
            "--to: `{to}` is not on the staff list: `huifang staff add {to} --role …` first"
        ))
        .into());
    }
    let department = match department.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => d.to_string(),
        None if !x.department.is_empty() => x.department.clone(),
        None => tx
            .event_by_ref(&x.event_ref)?
            .map(|e| e.event.department)
            .unwrap_or_default(),
    };
    tx.assign_escalation(id, &department, to)?;
    tx.insert_escalation_step(&StepInsert {
        escalation_id: id,
        round: x.round,
        kind: StepKind::Assigned,
        at: now,
        actor,
        person: Some(to),
        department: Some(&department),
        text: "",
        record_id: None,
        task_id: None,
    })?;
    tx.audit(
        now,
        actor,
        "escalation.assign",
        &format!("escalation:{id}"),
        Some(&json!({"department": x.department, "handler": x.handler})),
        Some(&json!({"department": department, "handler": to})),
    )?;
    existing(tx, id, now)
}

/// What recording the handling did.
#[derive(Debug, Clone, Serialize)]
pub struct Handled {
    pub escalation_id: i64,
    pub round: u32,
    /// The re-call-back, made at once.
    pub task_id: TaskId,
    pub opens: NaiveDate,
    pub due: NaiveDate,
}

/// The round of an escalation a re-call-back follows, and its event.
pub(crate) struct Recall {
    pub escalation_id: i64,
    pub round: u32,
    pub event_id: EventId,
    /// The event's, which the task copies.
    pub repeat_count: u32,
}

/// Makes the re-call-back of a round handled on `day` (it opens that day and is due within
/// `[escalation] recall_within`) and marks the round handled, waiting for it. Returns the task
/// and its window. The demo's bulk desk makes its re-call-backs with this too.
pub(crate) fn make_recall(
    tx: &Tx<'_>,
    config: &Config,
    r: &Recall,
    day: NaiveDate,
) -> Result<(TaskId, NaiveDate, NaiveDate)> {
    let due = config
        .escalation
        .recall_within()
        .apply(day, config.calendar())
        .unwrap_or(day);
    let rule = format!("escalation#{} R{}", r.escalation_id, r.round);
    let task_id = tx.insert_task(&TaskInsert {
        event_id: r.event_id,
        kind: Anchor::Completion,
        opens: day,
        due,
        role: config.escalation.recall_role(),
        rule: &rule,
        rules_version: &config.version,
        repeat_count: r.repeat_count,
    })?;
    tx.escalation_handled(r.escalation_id, task_id)?;
    Ok((task_id, day, due))
}

/// Records the handling (measures taken, by whom, now) and makes the re-call-back task, due
/// within `[escalation] recall_within` of today.
pub fn handle(
    tx: &Tx<'_>,
    config: &Config,
    id: i64,
    measures: &str,
    by: Option<&str>,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Handled> {
    let x = existing(tx, id, now)?;
    Acting::load(tx, actor)?.require(
        &[StaffRole::Manager],
        x.handler.as_deref(),
        "record the handling of an escalation",
    )?;
    match x.state {
        EscalationState::Open => {}
        EscalationState::Handled => {
            return Err(BadInput::new(format!(
                "escalation {id} round {} is handled already: its re-call-back is task {}",
                x.round,
                x.recall_task_id.map_or("?".into(), |t| t.to_string())
            ))
            .into());
        }
        EscalationState::Closed => {
            return Err(BadInput::new(format!(
                "escalation {id} is closed: the customer was satisfied"
            ))
            .into());
        }
    }
    let measures = measures.trim();
    if measures.is_empty() {
        return Err(BadInput::new(
            "--measures: say what was done (处理措施): it is what the customer is called back about",
        )
        .into());
    }
    let by = by
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .or(x.handler.as_deref())
        .unwrap_or(actor);
    let event = tx
        .event_by_ref(&x.event_ref)?
        .expect("an escalation's event exists (foreign key)");
    let recall = Recall {
        escalation_id: id,
        round: x.round,
        event_id: event.id,
        repeat_count: event.repeat_count,
    };
    let (task_id, opens, due) = make_recall(tx, config, &recall, now.date())?;
    tx.insert_escalation_step(&StepInsert {
        escalation_id: id,
        round: x.round,
        kind: StepKind::Handled,
        at: now,
        actor,
        person: Some(by),
        department: Some(&x.department),
        text: measures,
        record_id: None,
        task_id: Some(task_id),
    })?;
    tx.audit(
        now,
        actor,
        "escalation.handle",
        &format!("escalation:{id}"),
        Some(&json!({"state": x.state, "round": x.round})),
        Some(&json!({
            "state": "handled",
            "round": x.round,
            "measures": measures,
            "by": by,
            "recall_task_id": task_id,
            "recall_opens": opens,
            "recall_due": due,
        })),
    )?;
    Ok(Handled {
        escalation_id: id,
        round: x.round,
        task_id,
        opens,
        due,
    })
}

/// What a saved record did to escalations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EscalationChange {
    pub id: i64,
    pub round: u32,
    pub state: EscalationState,
}

/// What sends an escalation back to the manager: the text of its step, and the record and task
/// that did it.
struct Reopening<'a> {
    /// The round it reopens in: the same one (nobody reached) or the next (still unsatisfied).
    round: u32,
    text: &'a str,
    record_id: Option<i64>,
    task_id: TaskId,
}

/// Sends an escalation back to the manager: open in the given round, with a new deadline and no
/// re-call-back; a `reopened` step and an audit entry say why.
fn reopen(
    tx: &Tx<'_>,
    config: &Config,
    x: &EscalationView,
    event: &ServiceEvent,
    why: Reopening<'_>,
    actor: &str,
    now: NaiveDateTime,
) -> Result<EscalationChange> {
    let deadline = deadline(config, &event.event.category, now);
    let round = why.round;
    tx.reopen_escalation(x.id, round, deadline)?;
    tx.insert_escalation_step(&StepInsert {
        escalation_id: x.id,
        round,
        kind: StepKind::Reopened,
        at: now,
        actor,
        person: None,
        department: None,
        text: why.text,
        record_id: why.record_id,
        task_id: Some(why.task_id),
    })?;
    tx.audit(
        now,
        actor,
        "escalation.reopen",
        &format!("escalation:{}", x.id),
        Some(&json!({"state": x.state, "round": x.round})),
        Some(&json!({"state": "open", "round": round, "deadline": deadline, "record_id": why.record_id, "task_id": why.task_id})),
    )?;
    Ok(EscalationChange {
        id: x.id,
        round,
        state: EscalationState::Open,
    })
}

/// Why an escalation went back to the manager when its re-call-back reached nobody.
pub(crate) const RECALL_UNREACHABLE: &str = "re-call-back unreachable";

/// After a task ended unreachable: when it was an escalation's re-call-back, the escalation goes
/// back to the manager (open, same round, a new deadline, no re-call-back), so it can be handled
/// again instead of waiting for ever. True when it was one.
pub(super) fn after_unreachable(
    tx: &Tx<'_>,
    config: &Config,
    task: &CallbackTask,
    event: &ServiceEvent,
    actor: &str,
    now: NaiveDateTime,
) -> Result<bool> {
    let Some(id) = tx.escalation_of_recall(task.id)? else {
        return Ok(false);
    };
    let x = existing(tx, id, now)?;
    let why = Reopening {
        round: x.round,
        text: RECALL_UNREACHABLE,
        record_id: None,
        task_id: task.id,
    };
    reopen(tx, config, &x, event, why, actor, now)?;
    Ok(true)
}

/// What a saved record says that may escalate: its outcome, and the discrepancies its answers
/// show (which escalate at once, whatever the outcome, to `discrepancy_role` when named).
pub struct Findings<'a> {
    pub outcome: Outcome,
    pub discrepancies: Vec<String>,
    pub discrepancy_role: Option<&'a str>,
}

impl Findings<'_> {
    /// The reason an escalation step gives: the outcome, then each discrepancy.
    fn reason(&self) -> String {
        std::iter::once(self.outcome.code().to_string())
            .chain(
                self.discrepancies
                    .iter()
                    .map(|d| format!("discrepancy: {d}")),
            )
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// After a record is saved: a re-call-back closes its escalation or opens the next round; any
/// other record opens an escalation when its outcome escalates or its answers show a
/// discrepancy.
#[allow(clippy::too_many_arguments)]
pub(super) fn after_record(
    tx: &Tx<'_>,
    config: &Config,
    task: &CallbackTask,
    event: &ServiceEvent,
    record_id: i64,
    found: &Findings<'_>,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Option<EscalationChange>> {
    let discrepant = !found.discrepancies.is_empty();
    let escalates = config.escalation.escalates(found.outcome) || discrepant;
    let reason = found.reason();
    let Some(id) = tx.escalation_of_recall(task.id)? else {
        if !escalates {
            return Ok(None);
        }
        // One escalation per event: another unsatisfied call-back of it (a special service's
        // end-term one, say) joins the escalation still running, as its next round.
        let running = tx
            .escalations_where(crate::store::EscalationFilter::Event(event.id), now.date())?
            .into_iter()
            .find(|x| x.state != EscalationState::Closed);
        if let Some(x) = running {
            let why = Reopening {
                round: x.round + 1,
                text: &reason,
                record_id: Some(record_id),
                task_id: task.id,
            };
            return Ok(Some(reopen(tx, config, &x, event, why, actor, now)?));
        }
        let role = found.discrepancy_role.filter(|_| discrepant);
        let id = open_to(
            tx,
            config,
            event,
            (Some(record_id), role),
            &reason,
            actor,
            now,
        )?;
        return Ok(Some(EscalationChange {
            id,
            round: 1,
            state: EscalationState::Open,
        }));
    };
    let x = existing(tx, id, now)?;
    let step = |kind, round, text: &str| {
        tx.insert_escalation_step(&StepInsert {
            escalation_id: id,
            round,
            kind,
            at: now,
            actor,
            person: None,
            department: None,
            text,
            record_id: Some(record_id),
            task_id: Some(task.id),
        })
    };
    step(StepKind::Recalled, x.round, &reason)?;
    let change = if escalates {
        let why = Reopening {
            round: x.round + 1,
            text: &reason,
            record_id: Some(record_id),
            task_id: task.id,
        };
        reopen(tx, config, &x, event, why, actor, now)?
    } else {
        tx.close_escalation(id, now)?;
        step(StepKind::Closed, x.round, &reason)?;
        tx.audit(
            now,
            actor,
            "escalation.close",
            &format!("escalation:{id}"),
            Some(&json!({"state": x.state, "round": x.round})),
            Some(&json!({"state": "closed", "round": x.round, "record_id": record_id})),
        )?;
        EscalationChange {
            id,
            round: x.round,
            state: EscalationState::Closed,
        }
    };
    Ok(Some(change))
}
