//! Visit sheets (上门回访): the call-back record sheet (回访记录表) a visitor takes to the customer
//! to fill in and have signed (住户签名确认), and the day's sign-out register (回访记录签收表) on
//! which visitors sign for the sheets they take and bring back (回访管理作业规程: 回访人员应到客户
//! 服务中心领取《回访记录表》,并在《回访记录签收表》上签收).
//!
//! This module gathers what a sheet shows from the store and the rules; `html` renders it as a
//! self-contained printable page. Phones are masked: the sheet is left with the customer.

mod html;
mod questions;

pub use html::{render_record_sheet, render_register};
pub use questions::{Question, QuestionKind, sheet_questions};

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;

use crate::config::Config;
use crate::domain::{Anchor, Channel, TaskId, TaskState, mask_phone};
use crate::error::BadInput;
use crate::i18n::Lang;
use crate::store::{DueItem, DueQuery, Reads};

/// What a call-back record sheet shows.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSheet {
    pub company: Option<String>,
    pub site: String,
    pub task_id: TaskId,
    pub reference: String,
    pub category: String,
    pub category_name: String,
    pub major: bool,
    pub customer: String,
    pub unit: String,
    /// Masked (139****5678).
    pub phone: String,
    pub department: String,
    pub matter: String,
    pub summary: String,
    pub completed_at: NaiveDateTime,
    pub kind: Anchor,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub role: String,
    /// The category's call script (话术), placeholders filled in.
    pub script: Vec<String>,
    pub questions: Vec<Question>,
    /// The rule set's name (the regulation) and version.
    pub rule_set: String,
    pub rules_version: String,
    pub printed_at: NaiveDateTime,
}

/// Gathers the sheet of a pending call-back whose category may be called on in person.
///
/// A task whose category has no visit channel is refused rather than printed with a note: its
/// record could not be entered as a visit (`record` refuses a channel the rules do not allow),
/// so a signed sheet for it would be paper the desk cannot file.
pub fn record_sheet(
    store: &impl Reads,
    config: &Config,
    lang: Lang,
    task_id: TaskId,
    now: NaiveDateTime,
) -> Result<RecordSheet> {
    let task = store.task(task_id)?.ok_or_else(|| {
        BadInput::new(format!(
            "task {task_id}: no such call-back: `huifang due` lists the open ones"
        ))
    })?;
    if task.state != TaskState::Pending {
        return Err(BadInput::new(format!(
            "task {task_id} is {} ({}): a sheet is printed for a visit still to make",
            task.state.code(),
            task.state.zh()
        ))
        .into());
    }
    let event = store
        .event_by_id(task.event_id)?
        .expect("a task's event exists (foreign key)")
        .event;
    let (key, rule) = config.category(&event.category).ok_or_else(|| {
        BadInput::new(format!(
            "task {task_id}: category `{}` is not in the rules any more: add it back to the config",
            event.category
        ))
    })?;
    if !rule.channels.contains(&Channel::Visit) {
        let channels: Vec<_> = rule.channels.iter().map(|c| c.code()).collect();
        return Err(BadInput::new(format!(
            "task {task_id}: {} ({key}) is not called back in person: its channels are {}; a sheet is for visits (add \"visit\" to categories.{key}.channels to make them)",
            rule.name,
            channels.join(", ")
        ))
        .into());
    }
    let fill = |line: &String| {
        line.replace("{site}", &event.site)
            .replace("{matter}", &event.matter)
            .replace("{customer}", &event.customer)
    };
    Ok(RecordSheet {
        company: config.ui.company.clone(),
        site: event.site.clone(),
        task_id,
        reference: event.reference.clone(),
        category: key.to_string(),
        category_name: category_label(config, key, lang),
        major: event.major,
        customer: event.customer.clone(),
        unit: event.unit.clone(),
        phone: mask_phone(&event.phone),
        department: event.department.clone(),
        matter: event.matter.clone(),
        summary: event.summary.clone(),
        completed_at: event.completed_at,
        kind: task.kind,
        opens: task.opens,
        due: task.due,
        role: config.role_label(&task.role, lang).to_string(),
        script: rule.script.iter().map(fill).collect(),
        questions: sheet_questions(config, key, lang),
        rule_set: config.name.clone(),
        rules_version: task.rules_version,
        printed_at: now,
    })
}

/// The day's sign-out register: the visits of each site.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub company: Option<String>,
    pub day: NaiveDate,
    /// Site → its rows; a site with no visit that day is left out.
    pub sites: BTreeMap<String, Vec<RegisterRow>>,
    pub printed_at: NaiveDateTime,
}

/// One visit on the register.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterRow {
    pub task_id: TaskId,
    pub reference: String,
    pub category_name: String,
    pub customer: String,
    pub unit: String,
    pub due: NaiveDate,
    /// Who holds or made it: the holder of an unexpired claim, or the operator who recorded it.
    pub visitor: Option<String>,
    /// When it was recorded, for visits already made.
    pub recorded_at: Option<NaiveDateTime>,
}

impl Register {
    pub fn len(&self) -> usize {
        self.sites.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The register of `day`: the visits still to make that day — pending call-backs open on it
/// (overdue ones included) that are made in person now (see [`visit_now`]) — and, after them,
/// the call-backs recorded as visits on that day, so a past day's register can be printed again.
pub fn register(
    store: &impl Reads,
    config: &Config,
    lang: Lang,
    day: NaiveDate,
    site: Option<&str>,
    now: NaiveDateTime,
) -> Result<Register> {
    let q = DueQuery {
        day: Some(day),
        site: site.map(str::to_string),
        category: None,
        limit: None,
    };
    let mut sites: BTreeMap<String, Vec<RegisterRow>> = BTreeMap::new();
    for d in store.due(&q, now)? {
        if !visit_now(config, &d, now) {
            continue;
        }
        sites.entry(d.site.clone()).or_default().push(RegisterRow {
            task_id: d.task_id,
            category_name: category_label(config, &d.category, lang),
            reference: d.event_ref,
            customer: d.customer,
            unit: d.unit,
            due: d.due,
            // Who has it open now; an expired claim names nobody.
            visitor: d
                .claimed_by
                .filter(|_| d.claimed_until.is_some_and(|until| until > now)),
            recorded_at: None,
        });
    }
    for v in store.visits_recorded_on(day, site)? {
        sites.entry(v.site.clone()).or_default().push(RegisterRow {
            task_id: v.task_id,
            category_name: category_label(config, &v.category, lang),
            reference: v.event_ref,
            customer: v.customer,
            unit: v.unit,
            due: v.due,
            visitor: Some(v.operator),
            recorded_at: Some(v.recorded_at),
        });
    }
    Ok(Register {
        company: config.ui.company.clone(),
        day,
        sites,
        printed_at: now,
    })
}

/// Whether a pending call-back is made in person now: its category's first channel is visit
/// (the visit SOP's 与住户面谈、现场察看), or it has come to the category's fallback to visit
/// after failed calls. A category that merely allows visits beside phone calls is a phone
/// call-back until then.
pub fn visit_now(config: &Config, item: &DueItem, now: NaiveDateTime) -> bool {
    let Some((_, rule)) = config.category(&item.category) else {
        return false;
    };
    rule.channels.first() == Some(&Channel::Visit)
        || crate::workflow::contact(config, item, now).channel == Channel::Visit
}

/// A category as the sheet names it: the Chinese name, or the key in English.
fn category_label(config: &Config, key: &str, lang: Lang) -> String {
    match (config.category(key), lang) {
        (Some((_, r)), Lang::Zh) if !r.name.is_empty() => r.name.clone(),
        (Some((k, _)), _) => k.to_string(),
        (None, _) => key.to_string(),
    }
}

/// Where the TUI writes sheets: `ui.sheets_dir`, else `sheets` in the data dir.
pub fn sheets_dir(config: &Config) -> Option<PathBuf> {
    config
        .ui
        .sheets_dir
        .clone()
        .or_else(|| crate::config::project_dirs().map(|d| d.data_dir().join("sheets")))
}

/// A file name for a task's sheet that any file system takes: `sheet-42-TS-2026-101.html`.
pub fn sheet_file_name(task_id: TaskId, reference: &str) -> String {
    let safe: String = reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("sheet-{task_id}-{safe}.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(
            sheet_file_name(7, "TS-2026/101 <x>"),
            "sheet-7-TS-2026_101__x_.html"
        );
        assert_eq!(sheet_file_name(8, "../../etc"), "sheet-8-______etc.html");
    }
}
