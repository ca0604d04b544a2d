//! The manager's conclusion on a quarter's analysis (4.8.3: 管理处经理根据统计结果决定是否需要
//! 采取纠正或预防措施), stored with the report. A new conclusion does not replace an earlier one:
//! both are kept, the report shows the latest, and the audit log has each.

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use serde_json::json;

use super::roles::Acting;
use crate::domain::StaffRole;
use crate::error::BadInput;
use crate::report::Quarter;
use crate::store::{Conclusion, Reads, Tx};

/// The longest conclusion kept (a page or two of text).
pub const MAX_CHARS: usize = 20_000;

pub fn conclude(
    tx: &Tx<'_>,
    quarter: Quarter,
    site: Option<&str>,
    text: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Conclusion> {
    Acting::load(tx, actor)?.require(
        &[StaffRole::Manager],
        None,
        "write the conclusion of a quarterly report (纠正或预防措施)",
    )?;
    let text = text.trim();
    if text.is_empty() {
        return Err(BadInput::new(
            "report conclude: the conclusion is empty: give --text TEXT or --file FILE",
        )
        .into());
    }
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(BadInput::new(format!(
            "report conclude: the conclusion has {chars} characters: at most {MAX_CHARS} are kept"
        ))
        .into());
    }
    let period = quarter.key();
    let site = site.unwrap_or("").trim();
    let before = tx.conclusions(&period, site)?.into_iter().last();
    let id = tx.insert_conclusion(&period, site, text, actor, now)?;
    let stored = tx
        .conclusions(&period, site)?
        .into_iter()
        .find(|c| c.id == id)
        .expect("just stored");
    tx.audit(
        now,
        actor,
        "report.conclude",
        &format!(
            "report:{period}{}{site}",
            if site.is_empty() { "" } else { ":" }
        ),
        before.as_ref().map(|b| json!(b)).as_ref(),
        Some(&json!(stored)),
    )?;
    Ok(stored)
}
