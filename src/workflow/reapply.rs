//! `rules reapply`: the one way a config change reaches tasks already made. Every pending task
//! (of events completed from a date on, when given) gets its window and role recomputed under
//! the current rules; the ones that change are listed and, unless it is a dry run, moved, with
//! the current rules version.

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use serde::Serialize;

use crate::config::{Config, PERIODIC_RULE};
use crate::domain::{CallbackTask, ServiceEvent, TaskId};
use crate::rules;
use crate::store::{Reads, Tx};

/// One task whose window or role changes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Move {
    pub task_id: TaskId,
    #[serde(rename = "ref")]
    pub reference: String,
    pub rule: String,
    pub old_opens: NaiveDate,
    pub old_due: NaiveDate,
    pub new_opens: NaiveDate,
    pub new_due: NaiveDate,
    pub old_role: String,
    pub new_role: String,
    pub old_version: String,
    pub new_version: String,
}

/// A pending task the current rules cannot recompute; it is left as it is.
#[derive(Debug, Clone, Serialize)]
pub struct Skip {
    pub task_id: TaskId,
    #[serde(rename = "ref")]
    pub reference: String,
    pub rule: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReapplyReport {
    pub from: Option<NaiveDate>,
    pub rules_version: String,
    /// Pending tasks looked at.
    pub checked: usize,
    pub moved: Vec<Move>,
    /// Same window and role, made under another version: only the version is updated.
    pub restamped: usize,
    pub skipped: Vec<Skip>,
    pub dry_run: bool,
}

/// Recomputes the pending tasks; writes the changes unless `dry_run` (the caller commits).
pub fn reapply(
    tx: &Tx<'_>,
    config: &Config,
    from: Option<NaiveDate>,
    dry_run: bool,
    actor: &str,
    now: chrono::NaiveDateTime,
) -> Result<ReapplyReport> {
    let mut report = ReapplyReport {
        from,
        rules_version: config.version.clone(),
        checked: 0,
        moved: Vec::new(),
        restamped: 0,
        skipped: Vec::new(),
        dry_run,
    };
    for (task_id, event_id) in tx.pending_tasks(from)? {
        let (Some(task), Some(event)) = (tx.task(task_id)?, tx.event_by_id(event_id)?) else {
            continue;
        };
        report.checked += 1;
        let (opens, due, role) = match recompute(config, &task, &event) {
            Ok(w) => w,
            Err(reason) => {
                report.skipped.push(Skip {
                    task_id,
                    reference: event.event.reference.clone(),
                    rule: task.rule.clone(),
                    reason,
                });
                continue;
            }
        };
        let moved = (opens, due, role.as_str()) != (task.opens, task.due, task.role.as_str());
        if !moved && task.rules_version == config.version {
            continue;
        }
        if !dry_run {
            tx.reapply_task(task_id, opens, due, &role, &config.version)?;
        }
        if moved {
            report.moved.push(Move {
                task_id,
                reference: event.event.reference.clone(),
                rule: task.rule.clone(),
                old_opens: task.opens,
                old_due: task.due,
                new_opens: opens,
                new_due: due,
                old_role: task.role.clone(),
                new_role: role,
                old_version: task.rules_version.clone(),
                new_version: config.version.clone(),
            });
        } else {
            report.restamped += 1;
        }
    }
    if !dry_run && (!report.moved.is_empty() || report.restamped > 0) {
        let moved: Vec<i64> = report.moved.iter().map(|m| m.task_id).collect();
        let after = serde_json::json!({ "rules_version": report.rules_version, "moved": moved, "restamped": report.restamped });
        tx.audit(
            now,
            actor,
            "rules_reapply",
            &report.rules_version,
            None,
            Some(&after),
        )?;
    }
    Ok(report)
}

/// The window and role the current rules give a task: its rule's window (`repair#1` is the
/// first window of repairs) over its event, or the periodic window from the planning day.
fn recompute(
    config: &Config,
    task: &CallbackTask,
    event: &ServiceEvent,
) -> Result<(NaiveDate, NaiveDate, String), String> {
    let ev = &event.event;
    let day = ev.completed_at.date();
    let (_, rule) = config
        .category(&ev.category)
        .ok_or_else(|| format!("category `{}` is not in the rules any more", ev.category))?;
    if task.rule == PERIODIC_RULE {
        let p = &config.periodic;
        let (_, prule) = config
            .category(&p.category)
            .ok_or_else(|| format!("periodic.category `{}` is unknown", p.category))?;
        let due = p
            .window
            .apply(day, config.calendar())
            .ok_or("the periodic window leaves the calendar")?;
        return Ok((day, due, rules::role_for(prule, false).to_string()));
    }
    let index = task
        .rule
        .rsplit_once('#')
        .and_then(|(_, i)| i.parse::<usize>().ok())
        .filter(|i| *i >= 1)
        .ok_or_else(|| format!("rule `{}` names no window", task.rule))?;
    let windows = rules::windows_for(
        &ev.category,
        rule,
        day,
        ev.contract_start.zip(ev.contract_end),
        config.calendar(),
    )?;
    let w = windows.get(index - 1).ok_or_else(|| {
        format!(
            "{} has {} window(s) now: window {index} is gone",
            ev.category,
            windows.len()
        )
    })?;
    if w.kind != task.kind {
        return Err(format!(
            "window {index} of {} is now anchored on {}, the task on {}",
            ev.category, w.kind, task.kind
        ));
    }
    Ok((w.opens, w.due, rules::role_for(rule, ev.major).to_string()))
}
