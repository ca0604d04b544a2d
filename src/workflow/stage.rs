//! Call-backs per project stage (地产工程回访制度 第十一条: 根据项目的不同阶段，确定回访频率和内容):
//! while a project is in a stage its category lists, it gets a call-back every so often, counted
//! from the event that reported the stage or from its latest stage call-back.

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use serde::Serialize;

use crate::config::Config;
use crate::domain::{Anchor, TaskId};
use crate::store::{Reads, TaskInsert, Tx};

/// A stage call-back made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageCallback {
    pub task_id: TaskId,
    pub event_ref: String,
    pub category: String,
    pub site: String,
    pub stage: String,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub reason: String,
}

/// Makes the stage call-backs due on `day`: one per project whose stage has a frequency, that
/// has none pending, and whose stage report or latest stage call-back is at least that long
/// ago. It opens on `day` and is due as the category's first window would be from `day`.
/// Running it again the same day makes nothing new. Audited as done by `actor`.
pub fn plan(
    tx: &Tx<'_>,
    config: &Config,
    day: NaiveDate,
    now: NaiveDateTime,
    actor: &str,
) -> Result<Vec<StageCallback>> {
    let mut made = Vec::new();
    for (key, rule) in config
        .categories
        .iter()
        .filter(|(_, r)| !r.stages.is_empty())
    {
        for p in tx.stage_projects(key)? {
            let Some(every) = rule.stages.get(&p.stage) else {
                continue;
            };
            let since = p
                .last_called
                .map_or(p.reported_at.date(), |d| d.max(p.reported_at.date()));
            let Some(next) = every.apply(since, config.calendar()) else {
                continue;
            };
            if p.pending || day < next {
                continue;
            }
            let due = rule
                .windows
                .first()
                .and_then(|w| w.due.apply(day, config.calendar()))
                .unwrap_or(day)
                .max(day);
            let stage_rule = format!("stage#{}", p.stage);
            let task_id = tx.insert_task(&TaskInsert {
                event_id: p.event_id,
                kind: Anchor::Completion,
                opens: day,
                due,
                role: crate::rules::role_for(rule, false),
                rule: &stage_rule,
                rules_version: &config.version,
                repeat_count: 0,
            })?;
            made.push(StageCallback {
                task_id,
                event_ref: p.reference.clone(),
                category: key.clone(),
                site: p.site.clone(),
                stage: p.stage.clone(),
                opens: day,
                due,
                reason: format!("stage {}: a call-back every {every} since {since}", p.stage),
            });
        }
    }
    if !made.is_empty() {
        tx.audit(
            now,
            actor,
            "stage.plan",
            &day.to_string(),
            None,
            Some(&serde_json::json!({ "created": made })),
        )?;
    }
    Ok(made)
}
