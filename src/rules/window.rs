use chrono::NaiveDate;
use serde::Serialize;

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
}

/// The windows an event of category `key` gets, completed on `completed`, with its contract
/// period when it has one. A window anchored on a contract needs the contract dates.
pub fn windows_for(
    key: &str,
    rule: &CategoryRule,
    completed: NaiveDate,
    contract: Option<(NaiveDate, NaiveDate)>,
) -> Result<Vec<Window>, String> {
    rule.windows
        .iter()
        .enumerate()
        .map(|(i, w)| one_window(key, i, w, completed, contract))
        .collect()
}

fn one_window(
    key: &str,
    index: usize,
    w: &WindowRule,
    completed: NaiveDate,
    contract: Option<(NaiveDate, NaiveDate)>,
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
    let opens = w.opens.apply(anchor).ok_or_else(out_of_range)?;
    let due = w.due.apply(anchor).ok_or_else(out_of_range)?;
    Ok(Window {
        kind: w.anchor,
        anchor,
        opens,
        due,
        rule: format!("{key}#{}", index + 1),
        explanation: format!(
            "{anchor_text}; opens {anchor} + {} = {opens}; due by the end of {anchor} + {} = {due}",
            w.opens, w.due
        ),
    })
}
