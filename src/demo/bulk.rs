//! The desk's work applied in bulk: what `workflow::attempt`, `workflow::record`,
//! `escalation::assign` and `escalation::handle` would write, under the same rules (attempt limit
//! and retry spacing of the category, unreachable, the top-up of a cohort short of its rate, an
//! escalation opened or joined, handled, its re-call-back closing it or opening the next round,
//! or reaching nobody), with what those read back row by row kept in memory instead. Only valid
//! on a store filled by this demo run.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use color_eyre::eyre::{Result, eyre};

use super::desk::{Failed, Hands};
use crate::config::{CategoryRule, Config};
use crate::domain::{EscalationState, EventId, NewEvent, NewRecord, StepKind, TaskId, TaskState};
use crate::store::{AttemptInsert, EscalationInsert, OpenTask, Reads, StepInsert, Tx};
use crate::workflow::escalation::{self, EscalationChange, Handled, Recall};
use crate::workflow::{self, IntakeResult};

/// What the desk needs to know of an event.
struct Memo {
    reference: String,
    cohort: usize,
    completed_at: NaiveDateTime,
    contract: Option<(NaiveDate, NaiveDate)>,
    major: bool,
    selected: bool,
    /// A task of it was reached (done) / ended unreachable.
    done: bool,
    unreachable: bool,
}

/// A site × category × month, as `cohort_reach` and `unselected_events` see it.
struct Cohort {
    category: String,
    events: u64,
    selected: u64,
    /// Selected events with an unreachable task and no reached one.
    unreachable: u64,
    /// Its events, in intake order (= completion order, then id).
    members: Vec<usize>,
}

/// An event's escalation not closed yet (one at a time), as the store holds it.
struct Running {
    id: i64,
    round: u32,
    /// The re-call-back it waits for, once the round is handled (state `handled`).
    recall: Option<TaskId>,
    department: String,
    handler: Option<String>,
}

/// What made an escalation step: a record or a task of the desk's work, by whom, when.
struct Cause<'a> {
    text: &'a str,
    record_id: Option<i64>,
    task_id: TaskId,
    actor: &'a str,
    at: NaiveDateTime,
}

impl Cause<'_> {
    fn step(&self, escalation_id: i64, round: u32, kind: StepKind) -> StepInsert<'_> {
        StepInsert {
            escalation_id,
            round,
            kind,
            at: self.at,
            actor: self.actor,
            person: None,
            department: None,
            text: self.text,
            record_id: self.record_id,
            task_id: Some(self.task_id),
        }
    }
}

/// The task being worked.
#[derive(Default)]
struct Work {
    attempts: u32,
    next_attempt_at: Option<NaiveDateTime>,
    end: Option<(TaskState, NaiveDateTime)>,
}

pub(super) struct Bulk<'a, 't> {
    tx: &'a Tx<'t>,
    config: &'a Config,
    first_id: EventId,
    events: Vec<Memo>,
    cohorts: Vec<Cohort>,
    cohort_of: HashMap<(String, String, i32, u32), usize>,
    running: HashMap<EventId, Running>,
    work: Work,
    windows: crate::rules::WindowMemo<'a>,
}

impl<'a, 't> Bulk<'a, 't> {
    pub fn new(tx: &'a Tx<'t>, config: &'a Config) -> Self {
        Self {
            tx,
            config,
            first_id: 0,
            events: Vec::new(),
            cohorts: Vec::new(),
            cohort_of: HashMap::new(),
            running: HashMap::new(),
            work: Work::default(),
            windows: crate::rules::WindowMemo::new(config),
        }
    }

    /// Learns an event the intake took (every demo event is new: ids follow one another).
    pub fn taken(&mut self, e: &NewEvent, r: &IntakeResult) {
        let IntakeResult::Imported {
            event_id, selected, ..
        } = *r
        else {
            return;
        };
        if self.events.is_empty() {
            self.first_id = event_id;
        }
        debug_assert_eq!(event_id, self.first_id + self.events.len() as EventId);
        let key = (
            e.site.clone(),
            e.category.clone(),
            e.completed_at.year(),
            e.completed_at.month(),
        );
        let n = self.cohorts.len();
        let cohort = *self.cohort_of.entry(key).or_insert(n);
        if cohort == n {
            self.cohorts.push(Cohort {
                category: e.category.clone(),
                events: 0,
                selected: 0,
                unreachable: 0,
                members: Vec::new(),
            });
        }
        let c = &mut self.cohorts[cohort];
        c.events += 1;
        c.selected += u64::from(selected);
        c.members.push(self.events.len());
        self.events.push(Memo {
            reference: e.reference.clone(),
            cohort,
            completed_at: e.completed_at,
            contract: e.contract_start.zip(e.contract_end),
            major: e.major,
            selected,
            done: false,
            unreachable: false,
        });
    }

    fn memo(&self, id: EventId) -> Result<usize> {
        let i = (id - self.first_id) as usize;
        if i < self.events.len() {
            Ok(i)
        } else {
            Err(eyre!("event {id} was not made by this demo run"))
        }
    }

    /// A task of event `m` ended.
    fn ended(&mut self, m: usize, state: TaskState) {
        let e = &mut self.events[m];
        let c = &mut self.cohorts[e.cohort];
        match state {
            TaskState::Unreachable if !e.unreachable => {
                e.unreachable = true;
                if e.selected && !e.done {
                    c.unreachable += 1;
                }
            }
            TaskState::Done if !e.done => {
                e.done = true;
                if e.selected && e.unreachable {
                    c.unreachable -= 1;
                }
            }
            _ => {}
        }
    }

    /// `workflow::callback::top_up`, on the cohort counts kept here.
    fn top_up(&mut self, m: usize, rule: &CategoryRule, now: NaiveDateTime) -> Result<()> {
        if rule.rate >= 1.0 {
            return Ok(());
        }
        let ci = self.events[m].cohort;
        let c = &self.cohorts[ci];
        if !workflow::short_of_rate(rule, c.events, c.selected, c.unreachable) {
            return Ok(());
        }
        let Some((key, _)) = self.config.category(&c.category) else {
            return Ok(());
        };
        let found = c
            .members
            .iter()
            .rev()
            .copied()
            .filter(|&k| !self.events[k].selected)
            .take(workflow::TOP_UP_CANDIDATES)
            .find(|&k| {
                let e = &self.events[k];
                workflow::can_substitute(self.config, key, rule, e.completed_at, e.contract, now)
            });
        let Some(k) = found else {
            return Ok(());
        };
        let id = self.first_id + k as EventId;
        let reason = workflow::top_up_reason(&self.events[m].reference, rule);
        self.tx.select_event(id, &reason)?;
        let stored = self
            .tx
            .event_by_id(id)?
            .ok_or_else(|| eyre!("event {id} is gone"))?;
        workflow::create_tasks_with(
            self.tx,
            &mut self.windows,
            id,
            &stored.event,
            stored.repeat_count,
        )?;
        self.events[k].selected = true;
        self.cohorts[ci].selected += 1;
        Ok(())
    }

    /// Whether the task is the re-call-back its event's escalation waits for
    /// (`Reads::escalation_of_recall`).
    fn is_recall(&self, task: &OpenTask) -> bool {
        self.running
            .get(&task.event_id)
            .is_some_and(|x| x.recall == Some(task.task_id))
    }

    fn running(&mut self, event: EventId) -> Result<&mut Running> {
        self.running
            .get_mut(&event)
            .ok_or_else(|| eyre!("event {event} has no escalation running"))
    }

    /// `escalation::open_to`: a new escalation of the task's event, in its first round.
    fn open(&mut self, task: &OpenTask, c: &Cause<'_>) -> Result<EscalationChange> {
        let m = self.memo(task.event_id)?;
        let id = self.tx.insert_escalation(&EscalationInsert {
            event_id: task.event_id,
            record_id: c.record_id,
            round: 1,
            owner_role: escalation::owner_role(self.config, self.events[m].major),
            reason: c.text,
            opened_at: c.at,
            deadline: escalation::deadline(self.config, &task.category, c.at),
        })?;
        self.tx.insert_escalation_step(&StepInsert {
            task_id: None,
            ..c.step(id, 1, StepKind::Opened)
        })?;
        let running = Running {
            id,
            round: 1,
            recall: None,
            department: String::new(),
            handler: None,
        };
        self.running.insert(task.event_id, running);
        Ok(change(id, 1, EscalationState::Open))
    }

    /// `escalation::reopen`: the event's running escalation goes back to the manager, open in
    /// its round plus `next` (0 or 1), with a new deadline and no re-call-back.
    fn reopen(&mut self, task: &OpenTask, next: u32, c: &Cause<'_>) -> Result<EscalationChange> {
        let deadline = escalation::deadline(self.config, &task.category, c.at);
        let x = self.running(task.event_id)?;
        x.round += next;
        x.recall = None;
        let (id, round) = (x.id, x.round);
        self.tx.reopen_escalation(id, round, deadline)?;
        self.tx
            .insert_escalation_step(&c.step(id, round, StepKind::Reopened))?;
        Ok(change(id, round, EscalationState::Open))
    }

    /// `escalation::after_record` for a re-call-back: the round is recalled, then the escalation
    /// closes (satisfied) or goes to its next round.
    fn recalled(
        &mut self,
        task: &OpenTask,
        escalates: bool,
        c: &Cause<'_>,
    ) -> Result<EscalationChange> {
        let x = self.running(task.event_id)?;
        let (id, round) = (x.id, x.round);
        self.tx
            .insert_escalation_step(&c.step(id, round, StepKind::Recalled))?;
        if escalates {
            return self.reopen(task, 1, c);
        }
        self.tx.close_escalation(id, c.at)?;
        self.tx
            .insert_escalation_step(&c.step(id, round, StepKind::Closed))?;
        self.running.remove(&task.event_id);
        Ok(change(id, round, EscalationState::Closed))
    }
}

fn change(id: i64, round: u32, state: EscalationState) -> EscalationChange {
    EscalationChange { id, round, state }
}

impl Hands for Bulk<'_, '_> {
    fn begin(&mut self, _: &OpenTask) -> Result<()> {
        self.work = Work::default();
        Ok(())
    }

    fn attempt(&mut self, task: &OpenTask, rule: &CategoryRule, f: &Failed<'_>) -> Result<bool> {
        self.tx.insert_attempt(&AttemptInsert {
            task_id: task.task_id,
            at: f.at,
            result: f.result,
            channel: f.channel,
            note: f.note,
            operator: f.operator,
            forced: false,
        })?;
        self.work.attempts += 1;
        self.work.next_attempt_at = rule.retry_after.map(|s| f.at + s.0);
        if self.work.attempts < rule.max_attempts {
            return Ok(false);
        }
        self.work.end = Some((TaskState::Unreachable, f.at));
        let m = self.memo(task.event_id)?;
        self.ended(m, TaskState::Unreachable);
        if self.is_recall(task) {
            // Back to the manager, the same round; it does not count towards the month's rate.
            let cause = Cause {
                text: escalation::RECALL_UNREACHABLE,
                record_id: None,
                task_id: task.task_id,
                actor: f.operator,
                at: f.at,
            };
            self.reopen(task, 0, &cause)?;
        } else {
            self.top_up(m, rule, f.at)?;
        }
        Ok(true)
    }

    fn record(
        &mut self,
        task: &OpenTask,
        rec: &NewRecord,
        operator: &str,
        at: NaiveDateTime,
    ) -> Result<Option<EscalationChange>> {
        let record_id = self
            .tx
            .insert_record(task.task_id, rec, operator, at, false)?;
        self.work.end = Some((TaskState::Done, at));
        let m = self.memo(task.event_id)?;
        self.ended(m, TaskState::Done);
        let escalates = self.config.escalation.escalates(rec.outcome);
        let cause = Cause {
            text: rec.outcome.code(),
            record_id: Some(record_id),
            task_id: task.task_id,
            actor: operator,
            at,
        };
        if self.is_recall(task) {
            return self.recalled(task, escalates, &cause).map(Some);
        }
        if !escalates {
            return Ok(None);
        }
        // One escalation per event: another unsatisfied call-back joins it as its next round.
        let x = if self.running.contains_key(&task.event_id) {
            self.reopen(task, 1, &cause)?
        } else {
            self.open(task, &cause)?
        };
        Ok(Some(x))
    }

    fn assign(
        &mut self,
        task: &OpenTask,
        x: &EscalationChange,
        to: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        let department = task.department.as_str();
        self.tx.assign_escalation(x.id, department, to)?;
        self.tx.insert_escalation_step(&StepInsert {
            escalation_id: x.id,
            round: x.round,
            kind: StepKind::Assigned,
            at,
            actor,
            person: Some(to),
            department: Some(department),
            text: "",
            record_id: None,
            task_id: None,
        })?;
        let running = self.running(task.event_id)?;
        running.department = department.to_string();
        running.handler = Some(to.to_string());
        Ok(())
    }

    fn handle(
        &mut self,
        task: &OpenTask,
        x: &EscalationChange,
        measures: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<Handled> {
        let recall = Recall {
            escalation_id: x.id,
            round: x.round,
            event_id: task.event_id,
            repeat_count: task.repeat_count,
        };
        let (tx, config) = (self.tx, self.config);
        let (task_id, opens, due) = escalation::make_recall(tx, config, &recall, at.date())?;
        let running = self.running(task.event_id)?;
        running.recall = Some(task_id);
        tx.insert_escalation_step(&StepInsert {
            escalation_id: x.id,
            round: x.round,
            kind: StepKind::Handled,
            at,
            actor,
            person: Some(running.handler.as_deref().unwrap_or(actor)),
            department: Some(&running.department),
            text: measures,
            record_id: None,
            task_id: Some(task_id),
        })?;
        Ok(Handled {
            escalation_id: x.id,
            round: x.round,
            task_id,
            opens,
            due,
        })
    }

    fn end(&mut self, task: &OpenTask) -> Result<()> {
        let w = std::mem::take(&mut self.work);
        if w.attempts > 0 || w.end.is_some() {
            self.tx
                .set_task_worked(task.task_id, w.attempts, w.next_attempt_at, w.end)?;
        }
        Ok(())
    }
}
