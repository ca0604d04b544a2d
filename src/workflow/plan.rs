//! Periodic call-backs (回访周期一般不超过半年): every customer not reached for the configured
//! period gets one call-back task, made as an event of the configured category through the
//! store, so that it shows in `due`, `event show` and the TUI like any other.

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use serde::Serialize;

use crate::config::{Config, PERIODIC_RULE};
use crate::domain::{Anchor, NewEvent, TaskId, mask_phone};
use crate::error::BadInput;
use crate::store::{EventInsert, Reads, StaleCustomer, TaskInsert, Tx};

/// The matter a periodic event is about.
pub const PERIODIC_MATTER: &str = "定期回访";

/// What planning a day did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    pub date: NaiveDate,
    pub enabled: bool,
    /// `6m`: how long a customer may go without a reached call-back.
    pub period: String,
    /// Customers whose reference time is before this day are due.
    pub cutoff: NaiveDate,
    pub created: Vec<Planned>,
}

/// One periodic call-back.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    #[serde(rename = "ref")]
    pub reference: String,
    /// `None` in a dry run.
    pub task_id: Option<TaskId>,
    pub site: String,
    pub customer: String,
    /// Masked (保密纪律).
    pub phone: String,
    pub unit: String,
    pub category: String,
    /// The date the period counts from: the latest reached call-back, else the latest event.
    pub since: NaiveDate,
    /// The customer was reached at least once before.
    pub reached_before: bool,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub selection_reason: String,
}

/// The first day a customer last seen on `d` is no longer due, i.e. due iff reference < cutoff:
/// the period has passed on the day itself (`day - period`, plus a day).
fn cutoff(config: &Config, day: NaiveDate) -> Result<NaiveDate> {
    config
        .periodic
        .period
        .negated()
        .apply(day, config.calendar())
        .and_then(|d| d.succ_opt())
        .ok_or_else(|| BadInput::new(format!("{day}: the period leaves the calendar")).into())
}

/// The periodic call-backs due on `day`, made nothing yet: what `plan --dry-run` lists.
pub fn preview(r: &impl Reads, config: &Config, day: NaiveDate) -> Result<PlanReport> {
    Ok(collect(r, config, day)?.0)
}

/// The report, and the customer of each planned call-back in the same order.
fn collect(
    r: &impl Reads,
    config: &Config,
    day: NaiveDate,
) -> Result<(PlanReport, Vec<StaleCustomer>)> {
    let p = &config.periodic;
    let cutoff = cutoff(config, day)?;
    let mut report = PlanReport {
        date: day,
        enabled: p.enabled,
        period: p.period.to_string(),
        cutoff,
        created: Vec::new(),
    };
    let mut customers = Vec::new();
    if !p.enabled {
        return Ok((report, customers));
    }
    let (key, rule) = config.category(&p.category).ok_or_else(|| {
        BadInput::new(format!(
            "periodic.category: unknown category `{}`",
            p.category
        ))
    })?;
    let due = p
        .window
        .apply(day, config.calendar())
        .ok_or_else(|| BadInput::new(format!("{day}: the periodic window leaves the calendar")))?;
    for c in r.stale_customers(cutoff)? {
        let reached = c.last_reached.is_some();
        let base = c.last_reached.unwrap_or(c.last_event);
        let since = base.max(c.last_periodic.unwrap_or(base)).date();
        // No ref of the day can exist yet: a periodic event made today would have made the
        // customer not stale (its date is not before the cutoff).
        let reference = periodic_ref(&c, day);
        let what = if reached {
            format!("no reached call-back since {since}")
        } else {
            format!("never reached, latest event {since}")
        };
        report.created.push(Planned {
            reference,
            task_id: None,
            site: c.site.clone(),
            customer: c.customer.clone(),
            phone: mask_phone(&c.phone),
            unit: c.unit.clone(),
            category: key.to_string(),
            since,
            reached_before: reached,
            opens: day,
            due,
            selection_reason: format!(
                "periodic: {what} (a call-back at least every {}; {})",
                p.period, rule.name
            ),
        });
        customers.push(c);
    }
    Ok((report, customers))
}

/// Makes the periodic call-backs due on `day`: an event (origin `periodic`, always selected)
/// and its one task per stale customer. Running it again the same day makes nothing new: the
/// customer then has a pending task.
/// The run is written to the audit log as done by `actor`.
pub fn run(
    tx: &Tx<'_>,
    config: &Config,
    day: NaiveDate,
    now: NaiveDateTime,
    actor: &str,
) -> Result<PlanReport> {
    let (mut report, customers) = collect(tx, config, day)?;
    if report.created.is_empty() {
        return Ok(report);
    }
    let (key, rule) = config
        .category(&config.periodic.category)
        .expect("preview checked the category");
    let role = crate::rules::role_for(rule, false);
    for (planned, c) in report.created.iter_mut().zip(&customers) {
        let event = NewEvent {
            reference: planned.reference.clone(),
            category: key.to_string(),
            major: false,
            site: c.site.clone(),
            customer: c.customer.clone(),
            phone: c.phone.clone(),
            unit: c.unit.clone(),
            department: String::new(),
            matter: PERIODIC_MATTER.to_string(),
            summary: format!("回访周期 {}: {}", config.periodic.period, planned.since),
            completed_at: crate::clock::start_of(day),
            contract_start: None,
            contract_end: None,
            customer_kind: Default::default(),
            stage: String::new(),
        };
        let event_id = tx.insert_event(&EventInsert {
            event: &event,
            repeat_count: 0,
            selected: true,
            selection_reason: &planned.selection_reason,
            imported_at: now,
        })?;
        tx.mark_periodic(event_id)?;
        planned.task_id = Some(tx.insert_task(&TaskInsert {
            event_id,
            kind: Anchor::Completion,
            opens: planned.opens,
            due: planned.due,
            role,
            rule: PERIODIC_RULE,
            rules_version: &config.version,
            repeat_count: 0,
        })?);
    }
    let refs: Vec<&str> = report
        .created
        .iter()
        .map(|p| p.reference.as_str())
        .collect();
    tx.audit(
        now,
        actor,
        "plan",
        &day.to_string(),
        None,
        Some(&serde_json::json!({ "created": refs })),
    )?;
    Ok(report)
}

/// `定期-{site}-{unit}-{date}` for a customer known by their unit; by their phone,
/// `定期-{site}-{masked phone}~{8 hex of the number}-{date}`: the full number never shows in a
/// ref, and two numbers that mask alike still get two refs (4 hex digits collided at 1M events).
pub fn periodic_ref(c: &StaleCustomer, day: NaiveDate) -> String {
    if c.phone.is_empty() {
        format!("定期-{}-{}-{day}", c.site, c.unit)
    } else {
        let h = crate::rules::stable_hash(&c.phone) & 0xffff_ffff;
        format!("定期-{}-{}~{h:08x}-{day}", c.site, mask_phone(&c.phone))
    }
}
