//! The monthly statistics of call-back results (回访结果统计, 4.8.1): per site × category, per
//! department, per operator, the escalations, and the serious problems first.
//!
//! What "the month" means differs by figure, and the report says so in its notes
//! (`definitions`): the rate figures follow the sampling cohort (events completed in the
//! month), the operators' figures the work done in the month, the escalations what happened to
//! them in the month.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use serde::Serialize;

use super::period::Month;
use super::{EscCounts, category_name, share};
use crate::config::Config;
use crate::domain::mask_phone;
use crate::i18n::{Lang, t};
use crate::store::{CohortCell, EscalationCell, OperatorCell, Reads};

#[derive(Debug, Clone, Serialize)]
pub struct Monthly {
    pub month: String,
    pub site: Option<String>,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub generated_at: NaiveDateTime,
    /// Open escalations past their deadline on the day the report was made (serious problems).
    pub serious_problems: Vec<SeriousProblem>,
    pub sites: Vec<SiteMonth>,
    pub operators: Vec<OperatorMonth>,
    pub escalations: EscCounts,
    pub definitions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteMonth {
    pub site: String,
    pub categories: Vec<CategoryMonth>,
    pub departments: Vec<DepartmentMonth>,
    pub escalations: EscCounts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CategoryMonth {
    pub category: String,
    /// The category's name in the report's language.
    pub name: String,
    pub events: u64,
    pub selected: u64,
    pub required_rate: f64,
    pub reached: u64,
    /// Reached ÷ events; `null` without events.
    pub achieved_rate: Option<f64>,
    /// `null` without events.
    pub target_met: Option<bool>,
    pub on_time: u64,
    pub late: u64,
    pub unreachable: u64,
    pub satisfied: u64,
    pub basic: u64,
    pub unsatisfied: u64,
    /// Each outcome ÷ reached.
    pub satisfied_share: Option<f64>,
    pub basic_share: Option<f64>,
    pub unsatisfied_share: Option<f64>,
    pub escalations: EscCounts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DepartmentMonth {
    /// 责任部门 as imported; empty when the event named none.
    pub department: String,
    pub events: u64,
    pub reached: u64,
    pub satisfied: u64,
    pub basic: u64,
    pub unsatisfied: u64,
    pub satisfied_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperatorMonth {
    pub operator: String,
    pub attempts: u64,
    pub records: u64,
    pub on_time: u64,
    pub on_time_share: Option<f64>,
    pub satisfied: u64,
    pub basic: u64,
    pub unsatisfied: u64,
    pub satisfied_share: Option<f64>,
    pub basic_share: Option<f64>,
    pub unsatisfied_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriousProblem {
    pub escalation_id: i64,
    pub event_ref: String,
    pub site: String,
    pub category: String,
    pub customer: String,
    /// Masked (保密纪律).
    pub phone: String,
    pub unit: String,
    pub round: u32,
    pub reason: String,
    pub deadline: NaiveDate,
    pub days_overdue: i64,
    pub department: String,
    pub handler: Option<String>,
}

/// Builds the report of `month` (all sites, or one) as of `now`.
pub fn build(
    store: &impl Reads,
    config: &Config,
    lang: Lang,
    month: Month,
    site: Option<&str>,
    now: NaiveDateTime,
) -> Result<Monthly> {
    let (from, to) = month.range();
    let cohort = store.report_cohort(&month.key(), site)?;
    let escalations = store.report_escalations(from, to, site)?;
    let operators = store.report_operators(from, to, site)?;
    let overdue = store.report_overdue(now.date(), site)?;
    let sites = shape_sites(config, lang, &cohort, &escalations);
    let mut total = EscCounts::default();
    for s in &sites {
        total.add(&s.escalations);
    }
    Ok(Monthly {
        month: month.key(),
        site: site.map(str::to_string),
        generated_at: now,
        serious_problems: overdue
            .into_iter()
            .map(|x| SeriousProblem {
                days_overdue: (now.date() - x.deadline).num_days(),
                escalation_id: x.id,
                event_ref: x.event_ref,
                site: x.site,
                category: x.category,
                customer: x.customer,
                phone: mask_phone(&x.phone),
                unit: x.unit,
                round: x.round,
                reason: x.reason,
                deadline: x.deadline,
                department: x.department,
                handler: x.handler,
            })
            .collect(),
        sites,
        operators: operators.iter().map(operator_month).collect(),
        escalations: total,
        definitions: definitions(lang),
    })
}

/// Folds the cohort cells (site × category × department) and escalation cells into sites.
pub fn shape_sites(
    config: &Config,
    lang: Lang,
    cohort: &[CohortCell],
    escalations: &[EscalationCell],
) -> Vec<SiteMonth> {
    #[derive(Default)]
    struct Acc {
        categories: BTreeMap<String, CohortCell>,
        departments: BTreeMap<String, CohortCell>,
        escalations: BTreeMap<String, EscCounts>,
    }
    let mut by_site: BTreeMap<String, Acc> = BTreeMap::new();
    for c in cohort {
        let acc = by_site.entry(c.site.clone()).or_default();
        add_cell(acc.categories.entry(c.category.clone()).or_default(), c);
        add_cell(acc.departments.entry(c.department.clone()).or_default(), c);
    }
    for x in escalations {
        let acc = by_site.entry(x.site.clone()).or_default();
        acc.categories.entry(x.category.clone()).or_default();
        acc.escalations
            .entry(x.category.clone())
            .or_default()
            .add(&EscCounts {
                opened: x.opened,
                closed: x.closed,
                open: x.open,
            });
    }
    by_site
        .into_iter()
        .map(|(site, acc)| {
            let mut site_esc = EscCounts::default();
            let mut categories: Vec<CategoryMonth> = acc
                .categories
                .iter()
                .map(|(key, c)| {
                    let esc = acc.escalations.get(key).cloned().unwrap_or_default();
                    site_esc.add(&esc);
                    category_month(config, lang, key, c, esc)
                })
                .collect();
            // The regulations' order (complaint, repair, …), then any other category by key.
            categories.sort_by_key(|c| (category_rank(&c.category), c.category.clone()));
            SiteMonth {
                site,
                categories,
                departments: acc
                    .departments
                    .into_iter()
                    .map(|(department, c)| DepartmentMonth {
                        department,
                        events: c.events,
                        reached: c.reached,
                        satisfied: c.satisfied,
                        basic: c.basic,
                        unsatisfied: c.unsatisfied,
                        satisfied_share: share(c.satisfied, c.reached),
                    })
                    .collect(),
                escalations: site_esc,
            }
        })
        .collect()
}

/// The cohort cells of all sites summed per category, as category figures (no escalations).
pub fn merged_categories(config: &Config, lang: Lang, cohort: &[CohortCell]) -> Vec<CategoryMonth> {
    let mut merged: BTreeMap<String, CohortCell> = BTreeMap::new();
    for c in cohort {
        let m = merged.entry(c.category.clone()).or_default();
        m.category = c.category.clone();
        add_cell(m, c);
    }
    let cells: Vec<CohortCell> = merged.into_values().collect();
    shape_sites(config, lang, &cells, &[])
        .into_iter()
        .flat_map(|s| s.categories)
        .collect()
}

fn category_rank(key: &str) -> usize {
    crate::domain::BUILTIN_CATEGORIES
        .iter()
        .position(|(k, _)| *k == key)
        .unwrap_or(usize::MAX)
}

fn add_cell(into: &mut CohortCell, c: &CohortCell) {
    into.events += c.events;
    into.selected += c.selected;
    into.reached += c.reached;
    into.on_time += c.on_time;
    into.unreachable += c.unreachable;
    into.satisfied += c.satisfied;
    into.basic += c.basic;
    into.unsatisfied += c.unsatisfied;
}

/// The figures of one category from its summed cohort cell.
pub fn category_month(
    config: &Config,
    lang: Lang,
    key: &str,
    c: &CohortCell,
    escalations: EscCounts,
) -> CategoryMonth {
    let required_rate = config.category(key).map_or(0.0, |(_, r)| r.rate);
    let achieved_rate = share(c.reached, c.events);
    CategoryMonth {
        category: key.to_string(),
        name: category_name(config, lang, key),
        events: c.events,
        selected: c.selected,
        required_rate,
        reached: c.reached,
        achieved_rate,
        target_met: achieved_rate.map(|a| a + 1e-9 >= required_rate),
        on_time: c.on_time,
        late: c.reached - c.on_time,
        unreachable: c.unreachable,
        satisfied: c.satisfied,
        basic: c.basic,
        unsatisfied: c.unsatisfied,
        satisfied_share: share(c.satisfied, c.reached),
        basic_share: share(c.basic, c.reached),
        unsatisfied_share: share(c.unsatisfied, c.reached),
        escalations,
    }
}

fn operator_month(o: &OperatorCell) -> OperatorMonth {
    OperatorMonth {
        operator: o.operator.clone(),
        attempts: o.attempts,
        records: o.records,
        on_time: o.on_time,
        on_time_share: share(o.on_time, o.records),
        satisfied: o.satisfied,
        basic: o.basic,
        unsatisfied: o.unsatisfied,
        satisfied_share: share(o.satisfied, o.records),
        basic_share: share(o.basic, o.records),
        unsatisfied_share: share(o.unsatisfied, o.records),
    }
}

/// What each figure counts, in the report's language (also in the README).
pub fn definitions(lang: Lang) -> Vec<String> {
    [
        "rep.def.cohort",
        "rep.def.reached",
        "rep.def.on_time",
        "rep.def.unreachable",
        "rep.def.outcomes",
        "rep.def.escalations",
        "rep.def.serious",
        "rep.def.operators",
        "rep.def.departments",
    ]
    .iter()
    .map(|k| t(lang, k).to_string())
    .collect()
}
