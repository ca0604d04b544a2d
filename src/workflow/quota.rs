//! Quotas at work (回访频次每月不少于3次): how each site or customer stands this month, and the
//! call-backs `plan` adds so that a quota can be met — the newest events of the month not yet
//! counted, each given one call-back through the quota's channel, due by the month's end.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use serde::Serialize;

use crate::config::{CategoryRule, Config};
use crate::domain::{Anchor, Channel, TaskId};
use crate::rules::{QuotaRule, QuotaScope, scope_key, scope_label};
use crate::store::{QuotaEvent, Reads, TaskInsert, Tx};

/// Where one site or customer stands against one quota in a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaStanding {
    pub category: String,
    pub per: QuotaScope,
    /// The site, or `site/customer` (the phone masked).
    pub scope: String,
    pub channel: Option<Channel>,
    pub min: u32,
    /// Events of the month in the scope: the most call-backs the quota can get from them.
    pub events: u32,
    pub reached: u32,
    /// Call-backs still pending through the channel.
    pub planned: u32,
    pub met: bool,
    /// Fewer events than the quota asks: it cannot be met from this month's events.
    pub short_of_events: bool,
}

/// A call-back a quota added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaFill {
    pub task_id: TaskId,
    pub event_ref: String,
    pub category: String,
    pub scope: String,
    pub channel: Option<Channel>,
    pub due: NaiveDate,
    pub reason: String,
}

/// The quotas of every category, one after the other, with their category.
fn quotas(config: &Config) -> impl Iterator<Item = (&str, &CategoryRule, &QuotaRule)> {
    config
        .categories
        .iter()
        .flat_map(|(k, r)| r.quotas.iter().map(move |q| (k.as_str(), r, q)))
}

/// The month's events of a quota grouped by scope, each group newest first, under the scope's
/// label (the phone masked).
fn by_scope(events: Vec<QuotaEvent>, per: QuotaScope) -> Vec<(String, Vec<QuotaEvent>)> {
    let mut groups: BTreeMap<String, (String, Vec<QuotaEvent>)> = BTreeMap::new();
    for e in events {
        let key = scope_key(per, &e.site, &e.phone, &e.unit, &e.customer);
        groups
            .entry(key)
            .or_insert_with(|| {
                let label = scope_label(per, &e.site, &e.phone, &e.unit, &e.customer);
                (label, Vec::new())
            })
            .1
            .push(e);
    }
    groups.into_values().collect()
}

/// How every site or customer with events in `month` (`YYYY-MM`) stands against each quota.
pub fn standing(
    r: &impl Reads,
    config: &Config,
    month: &str,
    site: Option<&str>,
) -> Result<Vec<QuotaStanding>> {
    let mut out = Vec::new();
    for (key, _, q) in quotas(config) {
        let events = r.quota_events(key, month, q.channel, &q.rule_name())?;
        let events = events
            .into_iter()
            .filter(|e| site.is_none_or(|s| e.site == s))
            .collect();
        for (scope, group) in by_scope(events, q.per) {
            let reached = group.iter().filter(|e| e.reached).count() as u32;
            let planned = group.iter().filter(|e| e.planned && !e.reached).count() as u32;
            out.push(QuotaStanding {
                category: key.to_string(),
                per: q.per,
                scope,
                channel: q.channel,
                min: q.min,
                events: group.len() as u32,
                reached,
                planned,
                met: reached >= q.min,
                short_of_events: (group.len() as u32) < q.min,
            });
        }
    }
    Ok(out)
}

/// The last day of `day`'s month: a quota's call-backs are due by then.
fn month_end(day: NaiveDate) -> NaiveDate {
    let first_next = if day.month() == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), day.month() + 1, 1)
    };
    first_next.and_then(|d| d.pred_opt()).unwrap_or(day)
}

/// Adds the call-backs that let this month's quotas be met: for each site or customer short
/// of a quota, its newest events of the month not yet reached, planned nor tried by the quota
/// get one call-back each through the quota's channel, opening on `day`, due by the month's
/// end; an event not sampled is selected for it, with the reason. Running it again adds
/// nothing new. Audited as done by `actor`.
pub fn fill(
    tx: &Tx<'_>,
    config: &Config,
    day: NaiveDate,
    now: NaiveDateTime,
    actor: &str,
) -> Result<Vec<QuotaFill>> {
    let month = day.format("%Y-%m").to_string();
    let due = month_end(day);
    let mut added = Vec::new();
    for (key, rule, q) in quotas(config) {
        let rule_name = q.rule_name();
        let events = tx.quota_events(key, &month, q.channel, &rule_name)?;
        for (scope, group) in by_scope(events, q.per) {
            let have = group.iter().filter(|e| e.reached || e.planned).count() as u32;
            let need = q.min.saturating_sub(have) as usize;
            // Without a channel a quota only takes events not sampled: a sampled one already
            // has its call-back.
            let candidates = group
                .iter()
                .filter(|e| !e.reached && !e.planned && !e.tried)
                .filter(|e| q.channel.is_some() || !e.selected)
                .take(need);
            for (n, e) in candidates.enumerate() {
                let channel = q
                    .channel
                    .map_or("任意方式".to_string(), |c| c.zh().to_string());
                let reason = format!(
                    "quota: {channel}回访 {}/{} this month for {scope}",
                    have as usize + n + 1,
                    q.min
                );
                if !e.selected {
                    tx.select_event(e.event_id, &reason)?;
                }
                let role = q
                    .role
                    .as_deref()
                    .unwrap_or_else(|| crate::rules::role_for(rule, false));
                let task_id = tx.insert_task(&TaskInsert {
                    event_id: e.event_id,
                    kind: Anchor::Completion,
                    opens: day,
                    due,
                    role,
                    rule: &rule_name,
                    rules_version: &config.version,
                    repeat_count: 0,
                })?;
                if let Some(c) = q.channel {
                    tx.plan_channel(task_id, c)?;
                }
                added.push(QuotaFill {
                    task_id,
                    event_ref: e.reference.clone(),
                    category: key.to_string(),
                    scope: scope.clone(),
                    channel: q.channel,
                    due,
                    reason,
                });
            }
        }
    }
    if !added.is_empty() {
        tx.audit(
            now,
            actor,
            "quota.fill",
            &month,
            None,
            Some(&serde_json::json!({ "created": added })),
        )?;
    }
    Ok(added)
}
