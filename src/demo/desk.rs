//! The simulated desk: when each task is tried, how often it fails, what the customer says, and
//! how the manager works the escalations that opens. The decisions are drawn here, once;
//! [`Hands`] carry them out, either through the workflow ([`Workflow`]) or in bulk
//! (`super::bulk::Bulk`), so both give the same history.
//!
//! An escalation is worked to its end at once, round after round (直到业户满意为止), before the
//! next task: in each round the site's manager records the handling (see [`handling_time`]:
//! 88 % by the deadline, the rest 1 to 10 days late), in the first round mostly after giving it to
//! a handler of the event's department; the desk then works the re-call-back like any call-back
//! (tries, a record), where the customer is satisfied or basically satisfied 85 % of the time
//! (the escalation closes) and unsatisfied 15 % (the next round); a re-call-back that reaches
//! nobody sends the round back to the manager. Whatever would come after now is left undone: the
//! escalations still open at now are the last days' (within their deadline, or late handlings of
//! the last fortnight), and a re-call-back may still be pending.

use std::collections::HashSet;

use chrono::{Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use color_eyre::eyre::Result;

use super::rng::Rng;
use super::{Site, Summary, pools};
use crate::config::{CategoryRule, Config};
use crate::domain::{AttemptResult, Channel, EscalationState, NewRecord, Outcome, TaskId};
use crate::store::{OpenTask, Tx};
use crate::workflow;
use crate::workflow::escalation::{self, EscalationChange, Handled};

/// One failed try, as the desk decided it.
pub(super) struct Failed<'a> {
    pub result: AttemptResult,
    pub channel: Channel,
    pub note: &'a str,
    pub operator: &'a str,
    pub at: NaiveDateTime,
}

/// What carries out the desk's decisions.
pub(super) trait Hands {
    /// A task is about to be worked.
    fn begin(&mut self, _task: &OpenTask) -> Result<()> {
        Ok(())
    }
    /// Logs a failed try; true when it made the task unreachable.
    fn attempt(&mut self, task: &OpenTask, rule: &CategoryRule, f: &Failed<'_>) -> Result<bool>;
    /// Saves a record; what it did to an escalation: opened one, joined the one still running as
    /// its next round, or (a re-call-back) closed its escalation or opened the next round.
    fn record(
        &mut self,
        task: &OpenTask,
        rec: &NewRecord,
        operator: &str,
        at: NaiveDateTime,
    ) -> Result<Option<EscalationChange>>;
    /// The manager (`actor`) gives the escalation of the task's event to `to`, of the event's
    /// department.
    fn assign(
        &mut self,
        task: &OpenTask,
        x: &EscalationChange,
        to: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<()>;
    /// The handling of the round is recorded (by its handler, else the actor), which makes its
    /// re-call-back.
    fn handle(
        &mut self,
        task: &OpenTask,
        x: &EscalationChange,
        measures: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<Handled>;
    /// The task's work is over (for now).
    fn end(&mut self, _task: &OpenTask) -> Result<()> {
        Ok(())
    }
}

/// Every try, record, assignment and handling through `workflow::attempt`, `workflow::record`,
/// `escalation::assign` and `escalation::handle`.
pub(super) struct Workflow<'a, 't> {
    pub tx: &'a Tx<'t>,
    pub config: &'a Config,
}

impl Hands for Workflow<'_, '_> {
    fn attempt(&mut self, task: &OpenTask, _: &CategoryRule, f: &Failed<'_>) -> Result<bool> {
        let attempt = workflow::Try {
            result: f.result,
            channel: f.channel,
            note: f.note,
            force: false,
        };
        let done = workflow::attempt(
            self.tx,
            self.config,
            task.task_id,
            attempt,
            f.operator,
            f.at,
        )?;
        Ok(done.unreachable)
    }

    fn record(
        &mut self,
        task: &OpenTask,
        rec: &NewRecord,
        operator: &str,
        at: NaiveDateTime,
    ) -> Result<Option<EscalationChange>> {
        let done = workflow::record(self.tx, self.config, task.task_id, rec, operator, at, false)?;
        Ok(done.escalation)
    }

    fn assign(
        &mut self,
        task: &OpenTask,
        x: &EscalationChange,
        to: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        escalation::assign(self.tx, x.id, to, Some(&task.department), actor, at)?;
        Ok(())
    }

    fn handle(
        &mut self,
        _: &OpenTask,
        x: &EscalationChange,
        measures: &str,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<Handled> {
        escalation::handle(self.tx, self.config, x.id, measures, None, actor, at)
    }
}

/// A call-back to work: a task's first, or the re-call-back of an escalation's round.
struct Call {
    /// Not tried before an hour after this: the work's completion, or the handling.
    after: NaiveDateTime,
    /// The round a re-call-back follows.
    recall: Option<EscalationChange>,
}

impl Call {
    fn first(task: &OpenTask) -> Self {
        Self {
            after: task.completed_at,
            recall: None,
        }
    }

    /// After the call-back ended unreachable at `at`: a re-call-back's round goes back to the
    /// manager, the same round (`escalation::after_unreachable`).
    fn unreachable(&self, at: NaiveDateTime) -> Option<Round> {
        self.recall.map(|x| Round {
            x: EscalationChange {
                state: EscalationState::Open,
                ..x
            },
            at,
        })
    }

    /// Outcomes per mille, unsatisfied and basically satisfied (the rest satisfied): a customer
    /// called back after the handling stays unsatisfied more often than a first call-back finds.
    fn odds(&self, task: &OpenTask) -> (u32, u32) {
        match self.recall {
            Some(_) => (150, 200),
            None if task.category == "complaint" => (80, 110),
            None => (30, 110),
        }
    }
}

/// An escalation round waiting for the manager since `at`.
struct Round {
    x: EscalationChange,
    at: NaiveDateTime,
}

/// Works tasks the way a desk does: soon after the window opens, a few tries, then a record.
pub(super) struct Desk<'a> {
    pub config: &'a Config,
    pub now: NaiveDateTime,
    pub rng: Rng,
    pub summary: &'a mut Summary,
    pub hands: &'a mut dyn Hands,
    /// The re-call-backs made, each worked at once after its handling: the passes over the open
    /// tasks leave them alone.
    pub recalls: HashSet<TaskId>,
}

impl Desk<'_> {
    /// Works a task, then the escalation its record opened (or joined), to its end or to now.
    pub fn work(&mut self, task: &OpenTask, site: &Site) -> Result<()> {
        let mut waiting = self.call(task, site, &Call::first(task))?;
        let mut assigned = false;
        while let Some(round) = waiting {
            let Some((recall, call)) = self.manage(task, site, &round, &mut assigned)? else {
                break;
            };
            waiting = self.call(&recall, site, &call)?;
        }
        Ok(())
    }

    /// Works one call-back; the escalation round it leaves waiting for the manager, if any.
    fn call(&mut self, task: &OpenTask, site: &Site, call: &Call) -> Result<Option<Round>> {
        self.hands.begin(task)?;
        let waiting = self.decide(task, site, call)?;
        self.hands.end(task)?;
        Ok(waiting)
    }

    /// The manager's part of a round: gives the escalation to a handler of the event's
    /// department (most of the time, once) and records the handling at [`handling_time`].
    /// Returns the re-call-back to work, or `None` while the handling is still to come at now.
    fn manage(
        &mut self,
        task: &OpenTask,
        site: &Site,
        round: &Round,
        assigned: &mut bool,
    ) -> Result<Option<(OpenTask, Call)>> {
        let deadline = escalation::deadline(self.config, &task.category, round.at);
        let at = handling_time(&mut self.rng, round.at, deadline);
        if at > self.last_moment() {
            return Ok(None);
        }
        let manager = site.manager.as_str();
        if !*assigned {
            *assigned = self.assign(task, round, manager, at)?;
        }
        let measures = measures(&mut self.rng, &task.department);
        let done = self.hands.handle(task, &round.x, measures, manager, at)?;
        self.recalls.insert(done.task_id);
        self.summary.tasks += 1;
        let recall = OpenTask {
            task_id: done.task_id,
            role: self.config.escalation.recall_role().to_string(),
            opens: done.opens,
            due: done.due,
            ..task.clone()
        };
        let call = Call {
            after: at,
            recall: Some(round.x),
        };
        Ok(Some((recall, call)))
    }

    /// Most of the time the manager gives the escalation to a handler of the event's department,
    /// soon after the round opened (in the first half of the time to the handling at `handled`).
    /// True when they did.
    fn assign(
        &mut self,
        task: &OpenTask,
        round: &Round,
        manager: &str,
        handled: NaiveDateTime,
    ) -> Result<bool> {
        let handlers = pools().handling.handlers.get(&task.department);
        let Some(handlers) = handlers.filter(|h| !h.is_empty() && self.rng.chance(ASSIGNED)) else {
            return Ok(false);
        };
        let to = self.rng.pick(handlers);
        let half = (handled - round.at).num_minutes() as u64 / 2;
        let at = round.at + Duration::minutes(5 + self.rng.below(half) as i64);
        self.hands.assign(task, &round.x, to, manager, at)?;
        Ok(true)
    }

    /// The latest the history goes: a little before now.
    fn last_moment(&self) -> NaiveDateTime {
        self.now - Duration::minutes(10)
    }

    /// What a record did to an escalation, counted; the round it leaves waiting, if any.
    fn escalated(&mut self, change: Option<EscalationChange>, at: NaiveDateTime) -> Option<Round> {
        let x = change?;
        match x.state {
            EscalationState::Closed => self.summary.escalations_closed += 1,
            // Round 1 is a new escalation; a later one joined a running one or reopened it.
            EscalationState::Open if x.round == 1 => self.summary.escalations += 1,
            _ => {}
        }
        (x.state == EscalationState::Open).then_some(Round { x, at })
    }

    fn decide(&mut self, task: &OpenTask, site: &Site, call: &Call) -> Result<Option<Round>> {
        let Some((_, rule)) = self.config.category(&task.category) else {
            return Ok(None);
        };
        let today = self.now.date();
        let last = self.last_moment();
        let r = &mut self.rng;
        let at = |d: NaiveDate, h: u32, m: u32| {
            d.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
        };
        let earliest = at(task.opens, 8, 30).max(call.after + Duration::hours(1));
        let window_end = at(task.due, 20, 0);
        // A desk catches up on what it missed: tries and records go on for up to two weeks
        // after the window closes, so what is left overdue is the last fortnight's (a backlog
        // that stays the same however long the history is), not every miss since the start.
        let late_end = window_end + Duration::days(LATE_DAYS);
        let cutoff = late_end.min(last);
        let operator = if task.role == self.config.escalation.role {
            site.manager.as_str()
        } else {
            r.pick(&site.operators).as_str()
        };
        // Some work is left for today: most of what falls due today, some overdue backlog —
        // the less the older it is (the desk catches up: a fifth of yesterday's misses are still
        // open, none after two weeks).
        let late = (today - task.due).num_days();
        let neglected = if task.due == today {
            r.chance(600)
        } else if (1..=LATE_DAYS).contains(&late) {
            r.chance((200 * (LATE_DAYS + 1 - late) / LATE_DAYS) as u32)
        } else {
            false
        };
        // When the desk first picks it up: early in the window, rarely at its end.
        let span = (task.due - earliest.date()).num_days().max(0) + 1;
        let u = r.unit();
        let day = earliest.date() + Days::new(((span as f64) * u * u) as u64);
        let first = at(day, 9, 0) + Duration::minutes(r.below(600) as i64);
        let mut t = first.min(window_end).max(earliest);
        if neglected || t > cutoff {
            // Perhaps tried once already, without luck.
            if t <= cutoff
                && r.chance(300)
                && let Some(at) = self.attempt(task, rule, AttemptResult::NoAnswer, operator, t)?
            {
                return Ok(call.unreachable(at));
            }
            self.count_pending(task, today);
            return Ok(None);
        }
        let max = rule.max_attempts.max(1);
        let failures = if r.chance(45) {
            max
        } else {
            [0u32, 0, 0, 0, 0, 0, 0, 1, 1, 2][r.below(10) as usize].min(max - 1)
        };
        let phone = preferred(rule, Channel::Phone);
        for _ in 0..failures {
            let result = AttemptResult::ALL[self.rng.weighted(&[600, 150, 60, 40, 150])];
            if let Some(at) = self.attempt(task, rule, result, operator, t)? {
                return Ok(call.unreachable(at));
            }
            let prev = t;
            t = next_try(&mut self.rng, t);
            if t > window_end && t - window_end < Duration::days(1) {
                // The window closes tonight: one more quick try before it does.
                t = (window_end - Duration::minutes(self.rng.range(5, 40)))
                    .max(prev + Duration::minutes(5));
            }
            if t > cutoff {
                self.count_pending(task, today);
                return Ok(None);
            }
        }
        let r = &mut self.rng;
        let (unsatisfied, basic) = call.odds(task);
        let outcome = match r.below(1000) as u32 {
            x if x < unsatisfied => Outcome::Unsatisfied,
            x if x < unsatisfied + basic => Outcome::Basic,
            _ => Outcome::Satisfied,
        };
        let visit = rule.channels.contains(&Channel::Visit) && (task.major || r.chance(80));
        let channel = if visit { Channel::Visit } else { phone };
        let (lo, hi) = match outcome {
            Outcome::Satisfied => (4, 5),
            Outcome::Basic => (3, 4),
            Outcome::Unsatisfied => (1, 3),
        };
        let scored = r.chance(900);
        let fb = &pools().feedback;
        let rec = NewRecord {
            channel,
            outcome,
            quality: scored.then(|| r.range(lo, hi) as u8),
            effect: scored.then(|| r.range(lo, hi) as u8),
            shortcomings: match outcome {
                Outcome::Satisfied => String::new(),
                Outcome::Basic => r.pick(&fb.basic_shortcomings).clone(),
                Outcome::Unsatisfied => r.pick(&fb.unsatisfied_shortcomings).clone(),
            },
            suggestions: if r.chance(150) {
                r.pick(&fb.suggestions).clone()
            } else {
                String::new()
            },
            note: if r.chance(100) {
                r.pick(&fb.notes).clone()
            } else {
                String::new()
            },
            signed: channel == Channel::Visit,
            answers: Default::default(),
        };
        let t = if channel == Channel::Phone {
            self.callable(&task.category, channel, t)
        } else {
            t
        };
        if t > cutoff {
            self.count_pending(task, today);
            return Ok(None);
        }
        let change = self.hands.record(task, &rec, operator, t)?;
        self.summary.records += 1;
        Ok(self.escalated(change, t))
    }

    /// Logs one failed try; when it made the task unreachable, the time it did.
    fn attempt(
        &mut self,
        task: &OpenTask,
        rule: &CategoryRule,
        result: AttemptResult,
        operator: &str,
        t: NaiveDateTime,
    ) -> Result<Option<NaiveDateTime>> {
        let notes = &pools().attempt_notes;
        let note = notes
            .get(result.code())
            .filter(|n| !n.is_empty())
            .map(|n| self.rng.pick(n).as_str())
            .unwrap_or("");
        let channel = if result == AttemptResult::NotHome {
            preferred(rule, Channel::Visit)
        } else {
            preferred(rule, Channel::Phone)
        };
        // A desk keeps to the contact hours (the lunch break, held holidays).
        let t = self.callable(&task.category, channel, t);
        if t > self.now {
            return Ok(None);
        }
        let failed = Failed {
            result,
            channel,
            note,
            operator,
            at: t,
        };
        let unreachable = self.hands.attempt(task, rule, &failed)?;
        self.summary.attempts += 1;
        if unreachable {
            self.summary.unreachable += 1;
        }
        Ok(unreachable.then_some(t))
    }

    /// `t`, or the first moment after it when the rules allow calling.
    fn callable(&self, category: &str, channel: Channel, t: NaiveDateTime) -> NaiveDateTime {
        self.config
            .contact_hours(category, channel)
            .next_from(self.config.calendar(), t)
            .unwrap_or(t)
    }

    fn count_pending(&mut self, task: &OpenTask, today: NaiveDate) {
        if task.due < today {
            self.summary.overdue += 1;
        } else if task.due == today {
            self.summary.due_today += 1;
        }
    }
}

/// How many days after a window closes the desk still works a task it missed (late call-backs).
const LATE_DAYS: i64 = 14;

/// Per mille of escalation rounds the manager handles by their deadline; the others are handled
/// 1 to [`LATE_HANDLING_DAYS`] days after it.
const ON_TIME: u32 = 880;
const LATE_HANDLING_DAYS: i64 = 10;
/// Per mille of escalations the manager gives to a handler of the department (the others they
/// handle themselves).
const ASSIGNED: u32 = 800;

/// What the handler did (处理措施): one of the measures of the department (the pools give every
/// department some).
fn measures(r: &mut Rng, department: &str) -> &'static str {
    match pools().handling.measures.get(department) {
        Some(m) if !m.is_empty() => r.pick(m).as_str(),
        _ => "经理已跟进处理",
    }
}

/// When the manager records the handling of a round opened at `opened`, due by `deadline`: by
/// the deadline ([`ON_TIME`]), on an early day of the span more often than on a late one, or
/// some days after it; in office hours, and at the soonest a few hours after it opened (or the
/// next morning), as a next try would be.
fn handling_time(r: &mut Rng, opened: NaiveDateTime, deadline: NaiveDate) -> NaiveDateTime {
    let day = if r.chance(ON_TIME) {
        let span = (deadline - opened.date()).num_days().max(0) + 1;
        let u = r.unit();
        opened.date() + Days::new(((span as f64) * u * u) as u64)
    } else {
        deadline + Days::new(r.range(1, LATE_HANDLING_DAYS) as u64)
    };
    let t = day.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"))
        + Duration::minutes(r.below(540) as i64);
    t.max(next_try(r, opened))
}

/// `want` when the rule allows it, else the rule's first channel.
fn preferred(rule: &CategoryRule, want: Channel) -> Channel {
    if rule.channels.contains(&want) {
        want
    } else {
        rule.channels.first().copied().unwrap_or(want)
    }
}

/// The next try: a few hours later, or the next morning when that would be after hours.
fn next_try(rng: &mut Rng, t: NaiveDateTime) -> NaiveDateTime {
    let next = t + Duration::minutes(rng.range(90, 300));
    if (9..20).contains(&next.hour()) && next.date() == t.date() {
        next
    } else {
        let day = t.date() + Days::new(1);
        day.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"))
            + Duration::minutes(rng.below(180) as i64)
    }
}
