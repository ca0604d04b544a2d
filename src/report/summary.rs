//! What the TUI's report pane shows: this month's achieved rate against the target and the
//! outcome shares per category (all the pane's sites together), and this quarter's repeat
//! lists. The same queries as the reports, without what the pane does not show.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::monthly::{CategoryMonth, merged_categories};
use super::period::{Month, Quarter};
use super::quarterly::{COMPLAINTS_IN_A_ROW, REPAIRS_AT_UNIT};
use super::repeats::{ComplaintRun, complaint_runs};
use crate::config::Config;
use crate::i18n::Lang;
use crate::store::{Reads, RepairGroup};

#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// `2026-12`.
    pub month: String,
    /// `2026-Q4`.
    pub quarter: String,
    pub site: Option<String>,
    pub categories: Vec<CategoryMonth>,
    pub repeat_complaints: Vec<ComplaintRun>,
    pub repeat_repairs: Vec<RepairGroup>,
}

pub fn load(
    store: &impl Reads,
    config: &Config,
    lang: Lang,
    today: NaiveDate,
    site: Option<&str>,
) -> Result<Summary> {
    let month = Month::of(today);
    let quarter = Quarter::of(today);
    let months: Vec<String> = quarter.months().iter().map(|m| m.key()).collect();
    let cohort = store.report_cohort(&month.key(), site)?;
    let complaints = store.report_events_of_months("complaint", &months, site)?;
    Ok(Summary {
        month: month.key(),
        quarter: quarter.key(),
        site: site.map(str::to_string),
        categories: merged_categories(config, lang, &cohort),
        repeat_complaints: complaint_runs(&complaints, COMPLAINTS_IN_A_ROW),
        repeat_repairs: store.report_repeated_at_unit("repair", &months, site, REPAIRS_AT_UNIT)?,
    })
}
