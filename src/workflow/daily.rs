//! The day's upkeep, run by `huifang plan` and at TUI start: periodic call-backs, the
//! call-backs quotas still need, and those project stages are due for. Import runs the part new
//! events can change (quotas and stages).

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use serde::Serialize;

use super::plan::PlanReport;
use super::quota::QuotaFill;
use super::stage::StageCallback;
use crate::config::Config;
use crate::store::Tx;

/// What new events may need: quota and stage call-backs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AfterIntake {
    pub quota_tasks: Vec<QuotaFill>,
    pub stage_tasks: Vec<StageCallback>,
}

impl AfterIntake {
    pub fn count(&self) -> usize {
        self.quota_tasks.len() + self.stage_tasks.len()
    }
}

/// Whether the rules plan anything at all: periodic call-backs on, or a category with quotas or
/// stages.
pub fn plans_anything(config: &Config) -> bool {
    config.periodic.enabled
        || config
            .categories
            .values()
            .any(|c| !c.quotas.is_empty() || !c.stages.is_empty())
}

/// Quotas and stages, after an import.
pub fn after_intake(
    tx: &Tx<'_>,
    config: &Config,
    day: NaiveDate,
    now: NaiveDateTime,
    actor: &str,
) -> Result<AfterIntake> {
    Ok(AfterIntake {
        quota_tasks: super::quota::fill(tx, config, day, now, actor)?,
        stage_tasks: super::stage::plan(tx, config, day, now, actor)?,
    })
}

/// The whole day's upkeep: periodic call-backs, then quotas and stages.
pub fn run(
    tx: &Tx<'_>,
    config: &Config,
    day: NaiveDate,
    now: NaiveDateTime,
    actor: &str,
) -> Result<(PlanReport, AfterIntake)> {
    let periodic = super::plan::run(tx, config, day, now, actor)?;
    Ok((periodic, after_intake(tx, config, day, now, actor)?))
}
