//! Demo data: a few months of a property-management hotline's work, generated from a seed.
//!
//! Events go through the real intake (sampling, rates, windows) and the history is worked
//! through the real workflow (attempts, records, escalations), at simulated times inside each
//! window. The same seed and the same "now" give the same database, row for row.

mod names;
mod rng;

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{Days, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use crate::config::{CategoryRule, Config};
use crate::domain::{Anchor, AttemptResult, Channel, NewEvent, NewRecord, Outcome};
use crate::store::{OpenTask, Reads, Tx};
use crate::workflow::{self, Intake, IntakeReport, check_event};

pub use names::{Pools, pools};
use rng::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub events: usize,
    pub seed: u64,
    pub sites: usize,
    /// How far back the history goes, in calendar months before now.
    pub months: u32,
}

/// How far the generator is, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Tick {
    /// A phase of `total` steps starts.
    Start(usize),
    Done(usize),
    End,
}

/// What was generated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub events: u64,
    pub not_selected: u64,
    pub tasks: u64,
    pub records: u64,
    pub attempts: u64,
    pub unreachable: u64,
    pub escalations: u64,
    /// Tasks still pending: overdue, due today, open, or not yet open.
    pub pending: u64,
    pub overdue: u64,
    pub due_today: u64,
    pub sites: Vec<String>,
}

/// One household of a compound: who calls the hotline from which unit.
struct Household {
    name: String,
    /// 王先生 / 李女士, as the desk often writes it down.
    polite: String,
    phone: String,
    unit: String,
}

struct Site {
    name: String,
    households: Vec<Household>,
    operators: Vec<String>,
    manager: String,
    /// Recent work (household, category, matter), for repeat calls on the same matter.
    recent: VecDeque<(usize, usize, usize)>,
}

/// A category of the rules with its pool.
struct Cat<'a> {
    key: &'a str,
    pool: &'a names::CategoryPool,
    contract: bool,
}

/// Fills `tx` with `plan.events` events over the last `plan.months` months before `now`, then
/// works the history. The caller checks the store is empty and commits.
pub fn generate(
    tx: &Tx<'_>,
    config: &Config,
    plan: &Plan,
    now: NaiveDateTime,
    tick: &mut dyn FnMut(Tick),
) -> Result<Summary> {
    let pools = pools();
    let rng = Rng::new(plan.seed);
    let cats = categories(config, pools)?;
    let mut sites = make_sites(pools, plan, &mut rng.fork(1));
    let times = timeline(plan, now, &mut rng.fork(2));
    let mut summary = Summary {
        sites: sites.iter().map(|s| s.name.clone()).collect(),
        ..Default::default()
    };

    // Intake, in completion order, as a source system would deliver it.
    let weights: Vec<u32> = cats.iter().map(|c| c.pool.weight).collect();
    let mut events_rng = rng.fork(3);
    let r = &mut events_rng;
    let mut intake = Intake::new(config, now);
    let mut report = IntakeReport::default();
    tick(Tick::Start(times.len()));
    for (i, &completed_at) in times.iter().enumerate() {
        let s = r.below(sites.len() as u64) as usize;
        let site = &mut sites[s];
        // A repeat: the same household calls again about the same matter.
        let repeat = (!site.recent.is_empty() && r.chance(80))
            .then(|| *r.pick(site.recent.make_contiguous()))
            .filter(|&(_, c, _)| matches!(cats[c].key, "repair" | "complaint"));
        let (h, c, m) = repeat.unwrap_or_else(|| {
            let c = r.weighted(&weights);
            let m = r.below(cats[c].pool.matters.len() as u64) as usize;
            let n = site.households.len();
            // A few households call far more often than the rest.
            let h = if r.chance(150) {
                r.below((n as u64 / 20).max(1))
            } else {
                r.below(n as u64)
            } as usize;
            (h, c, m)
        });
        if site.recent.len() == 64 {
            site.recent.pop_front();
        }
        site.recent.push_back((h, c, m));
        let cat = &cats[c];
        let matter = &cat.pool.matters[m];
        let household = &site.households[h];
        let (contract_start, contract_end) = if cat.contract {
            let [lo, hi] = cat.pool.contract_days.unwrap_or([30, 180]);
            let start = completed_at.date();
            let days = r.range(i64::from(lo), i64::from(hi.max(lo))) as u64;
            (Some(start), start.checked_add_days(Days::new(days)))
        } else {
            (None, None)
        };
        let event = NewEvent {
            reference: format!(
                "{}-{}-{:06}",
                cat.pool.prefix,
                completed_at.format("%Y%m%d"),
                i + 1
            ),
            category: cat.key.to_string(),
            major: cat.key == "complaint" && r.chance(cat.pool.major_per_mille),
            site: site.name.clone(),
            customer: if r.chance(100) {
                household.polite.clone()
            } else {
                household.name.clone()
            },
            phone: household.phone.clone(),
            unit: household.unit.clone(),
            department: matter.department.clone(),
            matter: matter.matter.clone(),
            summary: r.pick(&matter.summaries).clone(),
            completed_at,
            contract_start,
            contract_end,
            customer_kind: Default::default(),
            stage: String::new(),
        };
        if let Some((field, problem)) = check_event(config, &event).into_iter().next() {
            return Err(eyre!(
                "demo event {} does not fit the rules: {field}: {problem}",
                event.reference
            ));
        }
        report.add(&intake.take(tx, &event)?);
        tick(Tick::Done(i + 1));
    }
    tick(Tick::End);
    summary.events = report.imported;
    summary.not_selected = report.not_selected;
    summary.tasks = report.tasks_created;
    tx.audit(
        now,
        "demo",
        "demo.import",
        "demo",
        None,
        Some(&serde_json::json!({
            "seed": plan.seed,
            "events": plan.events,
            "sites": plan.sites,
            "months": plan.months,
            "report": report,
        })),
    )?;

    // The desk's history: every task whose window has opened by now is worked, or not, as a
    // real desk would have done it.
    let site_of: HashMap<&str, usize> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let open = tx.open_tasks(now.date())?;
    let mut desk = Desk {
        tx,
        config,
        now,
        rng: rng.fork(4),
        summary: &mut summary,
    };
    tick(Tick::Start(open.len()));
    for (i, task) in open.iter().enumerate() {
        let site = &sites[site_of[task.site.as_str()]];
        desk.work(task, site)?;
        tick(Tick::Done(i + 1));
    }
    tick(Tick::End);
    summary.pending = summary.tasks - summary.records - summary.unreachable;
    Ok(summary)
}

/// The categories of the rules that have a pool (or borrow `other`'s), in the rules' order.
fn categories<'a>(config: &'a Config, pools: &'a Pools) -> Result<Vec<Cat<'a>>> {
    let fallback = pools
        .categories
        .get("other")
        .ok_or_else(|| eyre!("the demo pools have no `other` category"))?;
    let cats: Vec<Cat<'a>> = config
        .categories
        .iter()
        .map(|(key, rule)| Cat {
            key,
            pool: pools.categories.get(key).unwrap_or(fallback),
            contract: rule.windows.iter().any(|w| w.anchor != Anchor::Completion),
        })
        .collect();
    if cats.is_empty() {
        return Err(eyre!("the rules have no categories"));
    }
    Ok(cats)
}

fn make_sites(pools: &Pools, plan: &Plan, rng: &mut Rng) -> Vec<Site> {
    let per_site = plan.events / plan.sites.max(1);
    (0..plan.sites)
        .map(|i| {
            let base = &pools.sites[i % pools.sites.len()];
            let phase = match i / pools.sites.len() {
                0 => String::new(),
                p => pools
                    .phases
                    .get(p - 1)
                    .cloned()
                    .unwrap_or_else(|| format!("{}期", p + 1)),
            };
            let name = format!("{base}{phase}{}", pools.site_suffix);
            let pattern = rng.pick(&pools.unit_patterns).as_str();
            let entrances = if pattern.contains("{u}") {
                rng.range(1, 4)
            } else {
                1
            };
            let (buildings, floors, rooms) = (rng.range(8, 36), rng.range(6, 32), rng.range(2, 4));
            let capacity = (buildings * entrances * floors * rooms) as usize;
            let wanted = (per_site * 3 / 5).clamp(150, 8000).min(capacity);
            let mut taken = HashSet::new();
            let mut households = Vec::with_capacity(wanted);
            while households.len() < wanted {
                let k = rng.below(capacity as u64) as i64;
                if !taken.insert(k) {
                    continue;
                }
                let room = k % rooms + 1;
                let floor = k / rooms % floors + 1;
                let entrance = k / rooms / floors % entrances + 1;
                let building = k / rooms / floors / entrances + 1;
                let unit = pattern
                    .replace("{b}", &building.to_string())
                    .replace("{u}", &entrance.to_string())
                    .replace("{f}", &floor.to_string())
                    .replace("{r}", &format!("{room:02}"));
                households.push(household(pools, rng, unit));
            }
            let start = rng.below(pools.operators.len() as u64) as usize;
            let operators = (0..3.min(pools.operators.len()))
                .map(|k| pools.operators[(start + k) % pools.operators.len()].clone())
                .collect();
            Site {
                name,
                households,
                operators,
                manager: pools.managers[i % pools.managers.len()].clone(),
                recent: VecDeque::new(),
            }
        })
        .collect()
}

fn household(pools: &Pools, rng: &mut Rng, unit: String) -> Household {
    let surname = rng.pick_head(&pools.surnames);
    let given = rng.pick(&pools.given);
    let title = if rng.chance(500) { "先生" } else { "女士" };
    let prefix = rng.pick(&pools.mobile_prefixes);
    Household {
        name: format!("{surname}{given}"),
        polite: format!("{surname}{title}"),
        phone: format!("{prefix}{:08}", rng.below(100_000_000)),
        unit,
    }
}

/// Completion times over the months before `now`, mostly in working hours, oldest first.
fn timeline(plan: &Plan, now: NaiveDateTime, rng: &mut Rng) -> Vec<NaiveDateTime> {
    let first = now
        .date()
        .checked_sub_months(Months::new(plan.months))
        .unwrap_or(now.date());
    let days = (now.date() - first).num_days().max(0) + 1;
    let latest = now - Duration::minutes(30);
    // Hours 07–21, with the day's peak in the morning and early afternoon.
    const HOUR_WEIGHTS: [u32; 15] = [2, 6, 10, 12, 11, 6, 9, 11, 10, 8, 6, 4, 3, 2, 1];
    let mut out: Vec<NaiveDateTime> = (0..plan.events)
        .map(|_| {
            loop {
                let day = first + Days::new(rng.below(days as u64));
                let hour = 7 + rng.weighted(&HOUR_WEIGHTS) as u32;
                let minute = rng.below(60) as u32;
                let t = day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"));
                if t <= latest {
                    break t;
                }
            }
        })
        .collect();
    out.sort_unstable();
    out
}

/// Works tasks the way a desk does: soon after the window opens, a few tries, then a record.
struct Desk<'a, 't> {
    tx: &'a Tx<'t>,
    config: &'a Config,
    now: NaiveDateTime,
    rng: Rng,
    summary: &'a mut Summary,
}

impl Desk<'_, '_> {
    fn work(&mut self, task: &OpenTask, site: &Site) -> Result<()> {
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
        let cutoff = window_end.min(self.now - Duration::minutes(10));
        let operator = if task.role == self.config.escalation.role {
            site.manager.as_str()
        } else {
            r.pick(&site.operators).as_str()
        };
        // Some work is left for today: most of what falls due today, some overdue backlog.
        let neglected = if task.due == today {
            r.chance(600)
        } else if task.due < today && (today - task.due).num_days() <= 14 {
            r.chance(200)
        } else {
            false
        };
        // When the desk first picks it up: early in the window, rarely at its end.
        let span = (task.due - earliest.date()).num_days().max(0) + 1;
        let u = r.unit();
        let day = earliest.date() + Days::new(((span as f64) * u * u) as u64);
        let first = at(day, 9, 0) + Duration::minutes(r.below(600) as i64);
        let mut t = first.max(earliest).min(window_end);
        if neglected || t > cutoff || earliest > window_end {
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
        let done = workflow::record(self.tx, self.config, task.task_id, &rec, operator, t, false)?;
        self.summary.records += 1;
        if done.escalation_id.is_some() {
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
        let attempt = workflow::Try {
            result,
            channel,
            note,
            force: false,
        };
        let done = workflow::attempt(self.tx, self.config, task.task_id, attempt, operator, t)?;
        self.summary.attempts += 1;
        if done.unreachable {
            self.summary.unreachable += 1;
        }
        Ok(done.unreachable)
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
