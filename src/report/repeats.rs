//! Repeats the quarterly analysis lists (4.8.2): the same matter complained about two or more
//! times in a row by the same customer or unit (连续就同一事项投诉两次以上). Pure: it reads the
//! quarter's complaints, oldest first, as the store returns them.
//!
//! "In a row" means consecutive among that customer's (or unit's) complaints: A, A is a repeat;
//! A, B, A is not, since the customer complained about something else in between.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::domain::mask_phone;
use crate::store::ComplaintRow;

/// Who a run of complaints belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// The same customer (by phone, else by name, at one site).
    Customer,
    /// The same unit (房号) at one site.
    Unit,
}

/// Two or more consecutive complaints on one matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplaintRun {
    pub by: By,
    pub site: String,
    /// The customer (name and masked phone) or the unit.
    pub who: String,
    pub matter: String,
    pub count: usize,
    /// The events' refs, oldest first.
    pub refs: Vec<String>,
}

/// The runs of `at_least` or more consecutive complaints on one matter, by customer and by unit;
/// a unit's run that is the same events as a customer's run is listed once (as the customer's).
pub fn complaint_runs(rows: &[ComplaintRow], at_least: usize) -> Vec<ComplaintRun> {
    let mut runs = runs_by(rows, By::Customer, at_least);
    let seen: BTreeSet<Vec<String>> = runs.iter().map(|r| r.refs.clone()).collect();
    runs.extend(
        runs_by(rows, By::Unit, at_least)
            .into_iter()
            .filter(|r| !seen.contains(&r.refs)),
    );
    runs.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.site.cmp(&b.site))
            .then_with(|| a.refs.cmp(&b.refs))
    });
    runs
}

fn key_of(r: &ComplaintRow, by: By) -> Option<String> {
    let k = match by {
        By::Customer if !r.phone.trim().is_empty() => format!("p{}", r.phone.trim()),
        By::Customer if !r.customer.trim().is_empty() => format!("n{}", r.customer.trim()),
        By::Customer => return None,
        By::Unit if !r.unit.trim().is_empty() => r.unit.trim().to_string(),
        By::Unit => return None,
    };
    Some(k)
}

fn runs_by(rows: &[ComplaintRow], by: By, at_least: usize) -> Vec<ComplaintRun> {
    // Each customer's (unit's) complaints in the order given (oldest first).
    let mut seqs: BTreeMap<(String, String), Vec<&ComplaintRow>> = BTreeMap::new();
    for r in rows {
        if let Some(k) = key_of(r, by) {
            seqs.entry((r.site.clone(), k)).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for ((site, _), seq) in seqs {
        let mut start = 0;
        for i in 1..=seq.len() {
            if i == seq.len() || seq[i].matter.trim() != seq[start].matter.trim() {
                if i - start >= at_least {
                    let first = seq[start];
                    let who = match by {
                        By::Customer => {
                            let phone = mask_phone(&first.phone);
                            match (first.customer.trim().is_empty(), phone.is_empty()) {
                                (false, false) => format!("{} {phone}", first.customer.trim()),
                                (false, true) => first.customer.trim().to_string(),
                                _ => phone,
                            }
                        }
                        By::Unit => first.unit.trim().to_string(),
                    };
                    out.push(ComplaintRun {
                        by,
                        site: site.clone(),
                        who,
                        matter: first.matter.trim().to_string(),
                        count: i - start,
                        refs: seq[start..i].iter().map(|r| r.event_ref.clone()).collect(),
                    });
                }
                start = i;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn c(r: &str, phone: &str, unit: &str, matter: &str, day: u32) -> ComplaintRow {
        ComplaintRow {
            event_ref: r.into(),
            site: "翠苑".into(),
            customer: "林一".into(),
            phone: phone.into(),
            unit: unit.into(),
            matter: matter.into(),
            completed_at: NaiveDate::from_ymd_opt(2026, 10, day)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        }
    }

    #[test]
    fn two_in_a_row_are_a_run_and_interleaved_ones_are_not() {
        let rows = [
            c("A1", "13900000001", "1-101", "漏水", 1),
            c("A2", "13900000001", "1-101", "漏水", 5),
            c("B1", "13900000002", "2-202", "噪音", 2),
            c("B2", "13900000002", "2-202", "停车", 3),
            c("B3", "13900000002", "2-202", "噪音", 4),
        ];
        let runs = complaint_runs(&rows, 2);
        assert_eq!(runs.len(), 1, "{runs:#?}");
        assert_eq!(runs[0].refs, ["A1", "A2"]);
        assert_eq!(runs[0].by, By::Customer);
        assert_eq!(runs[0].who, "林一 139****0001");
    }

    #[test]
    fn a_unit_run_of_different_customers_is_listed_by_unit() {
        let rows = [
            c("U1", "13900000001", "3-301", "电梯", 1),
            c("U2", "13900000009", "3-301", "电梯", 2),
            c("U3", "13900000001", "3-301", "电梯", 3),
        ];
        let runs = complaint_runs(&rows, 2);
        // The customer 0001 has U1, U3 in a row (nothing else between for them); the unit has
        // all three.
        assert_eq!(runs.len(), 2, "{runs:#?}");
        assert_eq!(runs[0].by, By::Unit);
        assert_eq!(runs[0].refs, ["U1", "U2", "U3"]);
        assert_eq!(runs[1].refs, ["U1", "U3"]);
    }
}
