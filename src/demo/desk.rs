//! The simulated desk: when each task is tried, how often it fails, what the customer says. The
//! decisions are drawn here, once; [`Hands`] carry them out, either through the workflow
//! ([`Workflow`]) or in bulk (`super::bulk::Bulk`), so both give the same history.

use chrono::{Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use color_eyre::eyre::Result;

use super::rng::Rng;
use super::{Site, Summary, pools};
use crate::config::{CategoryRule, Config};
use crate::domain::{AttemptResult, Channel, NewRecord, Outcome};
use crate::store::{OpenTask, Tx};
use crate::workflow;

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
    /// Saves a record; true when it opened an escalation or joined one still running.
    fn record(
        &mut self,
        task: &OpenTask,
        rec: &NewRecord,
        operator: &str,
        at: NaiveDateTime,
    ) -> Result<bool>;
    /// The task's work is over (for now).
    fn end(&mut self, _task: &OpenTask) -> Result<()> {
        Ok(())
    }
}

/// Every try and record through `workflow::attempt` and `workflow::record`.
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
    ) -> Result<bool> {
        let done = workflow::record(self.tx, self.config, task.task_id, rec, operator, at, false)?;
        Ok(done.escalation_id.is_some())
    }
}

/// Works tasks the way a desk does: soon after the window opens, a few tries, then a record.
pub(super) struct Desk<'a> {
    pub config: &'a Config,
    pub now: NaiveDateTime,
    pub rng: Rng,
    pub summary: &'a mut Summary,
    pub hands: &'a mut dyn Hands,
}

impl Desk<'_> {
    pub fn work(&mut self, task: &OpenTask, site: &Site) -> Result<()> {
        self.hands.begin(task)?;
        self.decide(task, site)?;
        self.hands.end(task)
    }

    fn decide(&mut self, task: &OpenTask, site: &Site) -> Result<()> {
        let Some((_, rule)) = self.config.category(&task.category) else {
            return Ok(());
        };
        let today = self.now.date();
        let r = &mut self.rng;
        let at = |d: NaiveDate, h: u32, m: u32| {
            d.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
        };
        let earliest = at(task.opens, 8, 30).max(task.completed_at + Duration::hours(1));
        let window_end = at(task.due, 20, 0);
        // A desk catches up on what it missed: tries and records go on for up to two weeks
        // after the window closes, so what is left overdue is the last fortnight's (a backlog
        // that stays the same however long the history is), not every miss since the start.
        let late_end = window_end + Duration::days(LATE_DAYS);
        let cutoff = late_end.min(self.now - Duration::minutes(10));
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
            if t <= cutoff && r.chance(300) {
                self.attempt(task, rule, AttemptResult::NoAnswer, operator, t)?;
            }
            self.count_pending(task, today);
            return Ok(());
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
            if self.attempt(task, rule, result, operator, t)? {
                return Ok(());
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
                return Ok(());
            }
        }
        let r = &mut self.rng;
        let unsatisfied = if task.category == "complaint" { 80 } else { 30 };
        let outcome = match r.below(1000) as u32 {
            x if x < unsatisfied => Outcome::Unsatisfied,
            x if x < unsatisfied + 110 => Outcome::Basic,
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
            return Ok(());
        }
        let escalated = self.hands.record(task, &rec, operator, t)?;
        self.summary.records += 1;
        if escalated {
            self.summary.escalations += 1;
        }
        Ok(())
    }

    /// Logs one failed try; true when it made the task unreachable.
    fn attempt(
        &mut self,
        task: &OpenTask,
        rule: &CategoryRule,
        result: AttemptResult,
        operator: &str,
        t: NaiveDateTime,
    ) -> Result<bool> {
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
            return Ok(false);
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
        Ok(unreachable)
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
