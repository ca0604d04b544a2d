use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::Calendar;
use super::offset::{Offset, Resolved};
use crate::config::{CategoryRule, WindowRule};
use crate::domain::Anchor;

/// One call-back window as it applies to one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    pub kind: Anchor,
    /// The date the offsets count from.
    pub anchor: NaiveDate,
    pub opens: NaiveDate,
    /// The last day of the window (due by its end).
    pub due: NaiveDate,
    /// Which rule made it: `complaint#1`.
    pub rule: String,
    /// How the dates were computed, for `rules explain`.
    pub explanation: String,
    /// Years the working days were counted in that the holiday table does not cover (counted
    /// weekends only). Empty for windows in calendar days.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncovered_years: Vec<i32>,
}

/// The windows an event of category `key` gets, completed on `completed`, with its contract
/// period when it has one. A window anchored on a contract needs the contract dates. Offsets in
/// working days count on `calendar`.
pub fn windows_for(
    key: &str,
    rule: &CategoryRule,
    completed: NaiveDate,
    contract: Option<(NaiveDate, NaiveDate)>,
    calendar: &Calendar,
) -> Result<Vec<Window>, String> {
    rule.windows
        .iter()
        .enumerate()
        .map(|(i, w)| one_window(key, i, w, completed, contract, calendar))
        .collect()
}

/// [`windows_for`] remembered per category, completion day and contract, under one config: a
/// bulk import asks for the same few thousand combinations a million times, and each answer
/// formats its explanation.
pub struct WindowMemo<'c> {
    config: &'c crate::config::Config,
    seen: HashMap<WindowKey<'c>, Result<Vec<Window>, String>>,
}

type WindowKey<'c> = (&'c str, NaiveDate, Option<(NaiveDate, NaiveDate)>);

/// Past this many remembered answers (contracts each bring their own dates), start again.
const WINDOW_MEMO_MAX: usize = 50_000;

impl<'c> WindowMemo<'c> {
    pub fn new(config: &'c crate::config::Config) -> Self {
        Self {
            config,
            seen: HashMap::new(),
        }
    }

    pub fn config(&self) -> &'c crate::config::Config {
        self.config
    }

    /// What [`windows_for`] answers for the category `key` of the config, with its `rule`.
    pub fn windows(
        &mut self,
        key: &'c str,
        rule: &'c CategoryRule,
        completed: NaiveDate,
        contract: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<&[Window], String> {
        if self.seen.len() >= WINDOW_MEMO_MAX {
            self.seen.clear();
        }
        let calendar = self.config.calendar();
        self.seen
            .entry((key, completed, contract))
            .or_insert_with(|| windows_for(key, rule, completed, contract, calendar))
            .as_deref()
            .map_err(Clone::clone)
    }
}

fn one_window(
    key: &str,
    index: usize,
    w: &WindowRule,
    completed: NaiveDate,
    contract: Option<(NaiveDate, NaiveDate)>,
    calendar: &Calendar,
) -> Result<Window, String> {
    let (anchor, anchor_text) = match w.anchor {
        Anchor::Completion => (completed, format!("completed {completed}")),
        Anchor::ContractMid | Anchor::ContractEnd => {
            let (start, end) = contract.ok_or_else(|| {
                format!("category {key} calls back on the contract ({}): contract_start and contract_end are needed", w.anchor)
            })?;
            if w.anchor == Anchor::ContractEnd {
                (end, format!("contract ends {end}"))
            } else {
                let mid = start + chrono::Days::new(((end - start).num_days() / 2) as u64);
                (mid, format!("contract midpoint {mid} ({start}..{end})"))
            }
        }
    };
    let out_of_range = || format!("category {key}: window {} leaves the calendar", index + 1);
    let opens = w.opens.resolve(anchor, calendar).ok_or_else(out_of_range)?;
    let due = w.due.resolve(anchor, calendar).ok_or_else(out_of_range)?;
    let mut uncovered_years: Vec<i32> = [&opens, &due]
        .iter()
        .filter_map(|r| r.working.as_ref())
        .flat_map(|w| w.uncovered_years.iter().copied())
        .collect();
    uncovered_years.sort_unstable();
    uncovered_years.dedup();
    Ok(Window {
        kind: w.anchor,
        anchor,
        opens: opens.date,
        due: due.date,
        rule: format!("{key}#{}", index + 1),
        explanation: format!(
            "{anchor_text}; opens {}; due by the end of {}",
            step(anchor, w.opens, &opens),
            step(anchor, w.due, &due)
        ),
        uncovered_years,
    })
}

/// `2026-09-30 + 3wd = 2026-10-10 (3rd working day after 2026-09-30; skipped …)`.
fn step(anchor: NaiveDate, offset: Offset, r: &Resolved) -> String {
    match &r.working {
        Some(w) => format!("{anchor} + {offset} = {} ({})", r.date, w.summary()),
        None => format!("{anchor} + {offset} = {}", r.date),
    }
}
