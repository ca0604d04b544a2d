//! Demo data: a few months of a property-management hotline's work, generated from a seed.
//!
//! Events go through the real intake (sampling, rates, windows) and the history is worked by a
//! simulated desk (attempts, records, escalations handled and called back until the customer is
//! satisfied) at times inside each window, under the workflow's rules (see [`generate`]). The
//! same seed and the same "now" give the same database, row for row; `--csv` gives the same
//! events as an import file.

mod bulk;
mod desk;
mod names;
mod rng;

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{Days, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime};
use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use crate::config::Config;
use crate::domain::{Anchor, NewEvent};
use crate::store::{Reads, Tx};
use crate::workflow::{Intake, IntakeReport, IntakeResult, check_event_with};

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
    /// Escalations opened (a round joined or reopened is not another one).
    pub escalations: u64,
    /// Of those, closed by a satisfied re-call-back.
    pub escalations_closed: u64,
    /// Of those, open at now past their deadline, not handled (the report's serious problems).
    pub escalations_overdue: u64,
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

/// The demo's service events, one at a time, in completion order (as a source system would
/// deliver them), with the sites they belong to. The same plan, seed and "now" give the same
/// events, whether they go into a database or into a CSV file.
pub struct Events<'a> {
    cats: Vec<Cat<'a>>,
    weights: Vec<u32>,
    sites: Vec<Site>,
    times: Vec<NaiveDateTime>,
    rng: Rng,
    next: usize,
    /// The rules' windows, worked out once per category and day (each event is checked).
    windows: crate::rules::WindowMemo<'a>,
}

impl<'a> Events<'a> {
    pub fn new(config: &'a Config, plan: &Plan, now: NaiveDateTime) -> Result<Self> {
        let pools = pools();
        let rng = Rng::new(plan.seed);
        let cats = categories(config, pools)?;
        let sites = make_sites(pools, plan, &mut rng.fork(1));
        let times = timeline(plan, now, &mut rng.fork(2));
        Ok(Self {
            weights: cats.iter().map(|c| c.pool.weight).collect(),
            cats,
            sites,
            times,
            rng: rng.fork(3),
            next: 0,
            windows: crate::rules::WindowMemo::new(config),
        })
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    pub fn site_names(&self) -> Vec<String> {
        self.sites.iter().map(|s| s.name.clone()).collect()
    }

    /// The next event, checked against the rules (a demo event that does not fit is a bug).
    pub fn next_event(&mut self) -> Option<Result<NewEvent>> {
        let i = self.next;
        let &completed_at = self.times.get(i)?;
        self.next += 1;
        let (r, cats) = (&mut self.rng, &self.cats);
        let s = r.below(self.sites.len() as u64) as usize;
        let site = &mut self.sites[s];
        // A repeat: the same household calls again about the same matter.
        let repeat = (!site.recent.is_empty() && r.chance(80))
            .then(|| *r.pick(site.recent.make_contiguous()))
            .filter(|&(_, c, _)| matches!(cats[c].key, "repair" | "complaint"));
        let (h, c, m) = repeat.unwrap_or_else(|| {
            let c = r.weighted(&self.weights);
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
        if let Some((field, problem)) = check_event_with(&mut self.windows, &event)
            .into_iter()
            .next()
        {
            return Some(Err(eyre!(
                "demo event {} does not fit the rules: {field}: {problem}",
                event.reference
            )));
        }
        Some(Ok(event))
    }
}

/// Fills `tx` with `plan.events` events over the last `plan.months` months before `now`, then
/// works the history. The caller checks the store is empty and commits.
///
/// Events go through the real intake (the same `check_event`, sampling, repeats and windows as an
/// import). The desk's work is decided by the same code as [`generate_worked`], with the same
/// numbers drawn, and applied by the same rules (attempt limits, retry spacing, unreachable,
/// top-ups, escalations opened and joined, assigned, handled, called back, closed or reopened),
/// but computed in memory and written with prepared statements instead of read back row by row:
/// a million events take seconds instead of minutes. Audit: one `demo.import` and one
/// `demo.desk` entry for the whole batch instead of one per attempt, record and escalation step
/// (it is generated history, not anybody's work).
pub fn generate(
    tx: &Tx<'_>,
    config: &Config,
    plan: &Plan,
    now: NaiveDateTime,
    tick: &mut dyn FnMut(Tick),
) -> Result<Summary> {
    let mut events = Events::new(config, plan, now)?;
    let mut bulk = bulk::Bulk::new(tx, config);
    // Nothing the generator reads back needs them: the indexes are built once, at the end.
    let tables = [
        "events",
        "tasks",
        "attempts",
        "records",
        "escalations",
        "escalation_steps",
    ];
    let mut summary = tx.with_indexes_deferred(&tables, crate::store::TRIGGER_LOOKUPS, || {
        let mut summary = intake(tx, config, plan, now, &mut events, tick, &mut |e, r| {
            bulk.taken(e, r)
        })?;
        work(
            tx,
            config,
            now,
            &events.sites,
            plan.seed,
            &mut bulk,
            &mut summary,
            tick,
        )?;
        Ok(summary)
    })?;
    summary.pending = summary.tasks - summary.records - summary.unreachable;
    tx.audit(
        now,
        "demo",
        "demo.desk",
        "demo",
        None,
        Some(&serde_json::json!({
            "attempts": summary.attempts,
            "records": summary.records,
            "unreachable": summary.unreachable,
            "escalations": summary.escalations,
            "escalations_closed": summary.escalations_closed,
            "note": "generated history: one audit entry for the desk's work instead of one per attempt, record and escalation step",
        })),
    )?;
    Ok(summary)
}

/// [`generate`] the slow way: every attempt, record and escalation step through the workflow
/// (`workflow::attempt`, `workflow::record`, `escalation::assign`, `escalation::handle`), with its
/// reads, checks and audit entries. The same seed gives the same rows as [`generate`]
/// (tests/demo.rs compares them); kept to prove that.
#[doc(hidden)]
pub fn generate_worked(
    tx: &Tx<'_>,
    config: &Config,
    plan: &Plan,
    now: NaiveDateTime,
    tick: &mut dyn FnMut(Tick),
) -> Result<Summary> {
    let mut events = Events::new(config, plan, now)?;
    let mut summary = intake(tx, config, plan, now, &mut events, tick, &mut |_, _| {})?;
    let mut hands = desk::Workflow { tx, config };
    work(
        tx,
        config,
        now,
        &events.sites,
        plan.seed,
        &mut hands,
        &mut summary,
        tick,
    )?;
    Ok(summary)
}

/// Writes the demo's events as a CSV import file (huifang's own columns), without a database:
/// `huifang import FILE` into an empty database then takes in the same events with the same
/// tasks as `huifang demo` (which also works the desk's history). Returns how many.
pub fn write_csv(
    out: impl std::io::Write,
    config: &Config,
    plan: &Plan,
    now: NaiveDateTime,
    tick: &mut dyn FnMut(Tick),
) -> Result<usize> {
    let mut events = Events::new(config, plan, now)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, out));
    w.write_record([
        "ref",
        "category",
        "major",
        "site",
        "customer",
        "phone",
        "unit",
        "department",
        "matter",
        "summary",
        "completed_at",
        "contract_start",
        "contract_end",
    ])?;
    tick(Tick::Start(events.len()));
    let mut n = 0;
    let date = |d: Option<NaiveDate>| d.map(crate::clock::iso_date).unwrap_or_default();
    while let Some(e) = events.next_event() {
        let e = e?;
        w.write_record([
            e.reference.as_str(),
            &e.category,
            if e.major { "1" } else { "0" },
            &e.site,
            &e.customer,
            &e.phone,
            &e.unit,
            &e.department,
            &e.matter,
            &e.summary,
            &crate::clock::iso_seconds(e.completed_at),
            &date(e.contract_start),
            &date(e.contract_end),
        ])?;
        n += 1;
        if n % 4096 == 0 {
            tick(Tick::Done(n));
        }
    }
    w.flush()?;
    tick(Tick::End);
    Ok(n)
}

/// Takes every event in through the real intake, in completion order; `seen` learns each one.
fn intake(
    tx: &Tx<'_>,
    config: &Config,
    plan: &Plan,
    now: NaiveDateTime,
    events: &mut Events<'_>,
    tick: &mut dyn FnMut(Tick),
    seen: &mut dyn FnMut(&NewEvent, &IntakeResult),
) -> Result<Summary> {
    let mut intake = Intake::new(config, now);
    let mut report = IntakeReport::default();
    tick(Tick::Start(events.len()));
    let mut n = 0;
    while let Some(event) = events.next_event() {
        let event = event?;
        let result = intake.take(tx, &event)?;
        seen(&event, &result);
        report.add(&result);
        n += 1;
        if n % 1024 == 0 {
            tick(Tick::Done(n));
        }
    }
    tick(Tick::End);
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
    Ok(Summary {
        events: report.imported,
        not_selected: report.not_selected,
        tasks: report.tasks_created,
        sites: events.site_names(),
        ..Default::default()
    })
}

/// The desk's history: every task whose window has opened by now is worked, or not, as a real
/// desk would have done it, and every escalation it opens is worked by the manager and the desk
/// (see `desk`).
#[allow(clippy::too_many_arguments)]
fn work(
    tx: &Tx<'_>,
    config: &Config,
    now: NaiveDateTime,
    sites: &[Site],
    seed: u64,
    hands: &mut dyn desk::Hands,
    summary: &mut Summary,
    tick: &mut dyn FnMut(Tick),
) -> Result<()> {
    let site_of: HashMap<&str, usize> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let mut open = tx.open_tasks(now.date(), 0)?;
    let mut desk = desk::Desk {
        config,
        now,
        rng: Rng::new(seed).fork(4),
        summary,
        hands,
        recalls: HashSet::new(),
    };
    tick(Tick::Start(open.len()));
    let mut done = 0;
    // Working tasks creates some (the substitute selected when a cohort falls short of its
    // rate): the desk works those too, round after round, until none is left unseen.
    while let Some(last) = open.last().map(|t| t.task_id) {
        for task in &open {
            let site = &sites[site_of[task.site.as_str()]];
            desk.work(task, site)?;
            if done % 1024 == 0 {
                tick(Tick::Done(done + 1));
            }
            done += 1;
        }
        open = tx.open_tasks(now.date(), last)?;
        // Re-call-backs were worked after their handling (and counted when made).
        open.retain(|t| !desk.recalls.contains(&t.task_id));
        desk.summary.tasks += open.len() as u64;
    }
    tick(Tick::End);
    desk.summary.pending = desk.summary.tasks - desk.summary.records - desk.summary.unreachable;
    desk.summary.escalations_overdue = tx.open_escalation_counts(now.date())?.1;
    Ok(())
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
