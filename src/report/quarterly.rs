//! The quarterly analysis (4.8.2, 4.8.3): unqualified and unsatisfied call-backs with their
//! outcome chains, complaints on the same matter in a row, the same repair three times or more
//! at one unit, the month-by-month trend, and the manager's conclusion (纠正或预防措施).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::monthly::{CategoryMonth, merged_categories};
use super::period::Quarter;
use super::repeats::{ComplaintRun, complaint_runs};
use super::share;
use crate::config::Config;
use crate::domain::mask_phone;
use crate::i18n::{Lang, t};
use crate::store::{ChainRow, Conclusion, Reads};

/// Complaints on one matter in a row from this many on (两次以上).
pub const COMPLAINTS_IN_A_ROW: usize = 2;
/// The same repair at one unit from this many on (3次以上).
pub const REPAIRS_AT_UNIT: u32 = 3;

#[derive(Debug, Clone, Serialize)]
pub struct Quarterly {
    pub quarter: String,
    pub site: Option<String>,
    pub months: Vec<String>,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub generated_at: NaiveDateTime,
    pub flagged: Vec<Flagged>,
    pub repeat_complaints: Vec<ComplaintRun>,
    pub repeat_repairs: Vec<RepeatRepair>,
    pub trend: Vec<TrendMonth>,
    /// The manager's latest conclusion for this quarter and site, if written.
    pub conclusion: Option<Conclusion>,
    /// How many conclusions were written in all (earlier ones are kept).
    pub conclusions_written: usize,
    pub definitions: Vec<String>,
}

/// An unsatisfied or unqualified call-back, with its escalation's chain.
#[derive(Debug, Clone, Serialize)]
pub struct Flagged {
    pub record_id: i64,
    pub event_ref: String,
    pub site: String,
    pub category: String,
    pub customer: String,
    /// Masked.
    pub phone: String,
    pub unit: String,
    pub matter: String,
    pub department: String,
    pub operator: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub recorded_at: NaiveDateTime,
    pub outcome: String,
    /// The review: `true` qualified, `false` unqualified (不合格), `null` not reviewed.
    pub qualified: Option<bool>,
    pub review_comment: String,
    pub escalation: Option<EscalationChain>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EscalationChain {
    pub id: i64,
    pub state: String,
    pub round: u32,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub round: u32,
    pub kind: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub at: NaiveDateTime,
    pub actor: String,
    pub person: Option<String>,
    pub department: Option<String>,
    pub text: String,
    pub record_id: Option<i64>,
    /// The outcome of the step's record (a re-call-back's), after corrections.
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RepeatRepair {
    pub site: String,
    pub unit: String,
    pub matter: String,
    pub count: usize,
    pub refs: Vec<String>,
}

/// One month of the trend: achieved rate per category and the outcome shares.
#[derive(Debug, Clone, Serialize)]
pub struct TrendMonth {
    pub month: String,
    pub categories: Vec<TrendCategory>,
    pub events: u64,
    pub reached: u64,
    pub satisfied: u64,
    pub basic: u64,
    pub unsatisfied: u64,
    pub satisfied_share: Option<f64>,
    pub basic_share: Option<f64>,
    pub unsatisfied_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendCategory {
    pub category: String,
    pub name: String,
    pub events: u64,
    pub reached: u64,
    pub required_rate: f64,
    pub achieved_rate: Option<f64>,
    pub target_met: Option<bool>,
    pub satisfied_share: Option<f64>,
}

pub fn build(
    store: &impl Reads,
    config: &Config,
    lang: Lang,
    quarter: Quarter,
    site: Option<&str>,
    now: NaiveDateTime,
) -> Result<Quarterly> {
    let (from, to) = quarter.range();
    let months: Vec<String> = quarter.months().iter().map(|m| m.key()).collect();
    let mut chains: BTreeMap<i64, Vec<ChainRow>> = BTreeMap::new();
    let mut flagged = Vec::new();
    for f in store.report_flagged(from, to, site)? {
        let escalation = match f.escalation_id {
            Some(id) => {
                if let std::collections::btree_map::Entry::Vacant(v) = chains.entry(id) {
                    v.insert(store.report_chain(id)?);
                }
                Some(EscalationChain {
                    id,
                    state: f.escalation_state.clone().unwrap_or_default(),
                    round: f.escalation_round.unwrap_or(1),
                    steps: chains[&id].iter().map(step).collect(),
                })
            }
            None => None,
        };
        flagged.push(Flagged {
            record_id: f.record_id,
            event_ref: f.event_ref,
            site: f.site,
            category: f.category,
            customer: f.customer,
            phone: mask_phone(&f.phone),
            unit: f.unit,
            matter: f.matter,
            department: f.department,
            operator: f.operator,
            recorded_at: f.recorded_at,
            outcome: f.outcome,
            qualified: f.qualified,
            review_comment: f.review_comment,
            escalation,
        });
    }
    let complaints = store.report_events_of_months("complaint", &months, site)?;
    let repeat_complaints = complaint_runs(&complaints, COMPLAINTS_IN_A_ROW);
    let repeat_repairs = store
        .report_repeated_at_unit("repair", &months, site, REPAIRS_AT_UNIT)?
        .into_iter()
        .map(|g| RepeatRepair {
            count: g.refs.len(),
            site: g.site,
            unit: g.unit,
            matter: g.matter,
            refs: g.refs,
        })
        .collect();
    let mut trend = Vec::new();
    for m in quarter.months() {
        let cohort = store.report_cohort(&m.key(), site)?;
        trend.push(trend_month(config, lang, &m.key(), &cohort));
    }
    let conclusions = store.conclusions(&quarter.key(), site.unwrap_or(""))?;
    Ok(Quarterly {
        quarter: quarter.key(),
        site: site.map(str::to_string),
        months,
        generated_at: now,
        flagged,
        repeat_complaints,
        repeat_repairs,
        trend,
        conclusions_written: conclusions.len(),
        conclusion: conclusions.into_iter().last(),
        definitions: definitions(lang),
    })
}

fn step(c: &ChainRow) -> Step {
    Step {
        round: c.round,
        kind: c.kind.clone(),
        at: c.at,
        actor: c.actor.clone(),
        person: c.person.clone(),
        department: c.department.clone(),
        text: c.text.clone(),
        record_id: c.record_id,
        outcome: c.outcome.clone(),
    }
}

fn trend_month(
    config: &Config,
    lang: Lang,
    month: &str,
    cohort: &[crate::store::CohortCell],
) -> TrendMonth {
    // All sites together: per category summed over sites.
    let cats = merged_categories(config, lang, cohort);
    let sum = |f: fn(&CategoryMonth) -> u64| cats.iter().map(f).sum::<u64>();
    let (events, reached) = (sum(|c| c.events), sum(|c| c.reached));
    let (satisfied, basic, unsatisfied) = (
        sum(|c| c.satisfied),
        sum(|c| c.basic),
        sum(|c| c.unsatisfied),
    );
    TrendMonth {
        month: month.to_string(),
        categories: cats
            .iter()
            .map(|c| TrendCategory {
                category: c.category.clone(),
                name: c.name.clone(),
                events: c.events,
                reached: c.reached,
                required_rate: c.required_rate,
                achieved_rate: c.achieved_rate,
                target_met: c.target_met,
                satisfied_share: c.satisfied_share,
            })
            .collect(),
        events,
        reached,
        satisfied,
        basic,
        unsatisfied,
        satisfied_share: share(satisfied, reached),
        basic_share: share(basic, reached),
        unsatisfied_share: share(unsatisfied, reached),
    }
}

pub fn definitions(lang: Lang) -> Vec<String> {
    [
        "rep.qdef.flagged",
        "rep.qdef.chain",
        "rep.qdef.complaints",
        "rep.qdef.repairs",
        "rep.qdef.trend",
        "rep.qdef.conclusion",
    ]
    .iter()
    .map(|k| t(lang, k).to_string())
    .collect()
}
