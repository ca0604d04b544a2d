use clap::Args;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::table::Table;
use super::{Ctx, JsonFlag, print_json};
use crate::error::BadInput;
use crate::store::{RateRow, Reads};

#[derive(Debug, Args)]
pub struct RatesArgs {
    /// The month, `YYYY-MM` (default this month).
    #[arg(long, value_name = "MONTH")]
    pub month: Option<String>,
    /// Only this site (管理处).
    #[arg(long)]
    pub site: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Serialize)]
struct RateJson<'a> {
    #[serde(flatten)]
    row: &'a RateRow,
    required_rate: f64,
    /// Reached customers over events.
    achieved_rate: f64,
    target_met: bool,
}

pub fn run(ctx: &Ctx, a: &RatesArgs) -> Result<()> {
    let month = match &a.month {
        Some(m) => {
            chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|_| {
                BadInput::new(format!("--month: `{m}` is not a month: expected 2026-11"))
            })?;
            m.clone()
        }
        None => ctx.clock.today().format("%Y-%m").to_string(),
    };
    let store = ctx.open_store()?;
    let rows = store.rates(&month, a.site.as_deref())?;
    let quotas = crate::workflow::quota::standing(&store, &ctx.config, &month, a.site.as_deref())?;
    let out: Vec<RateJson> = rows
        .iter()
        .map(|row| {
            let required = ctx
                .config
                .category(&row.category)
                .map_or(0.0, |(_, r)| r.rate);
            let achieved = if row.events == 0 {
                0.0
            } else {
                row.reached as f64 / row.events as f64
            };
            RateJson {
                row,
                required_rate: required,
                achieved_rate: achieved,
                target_met: achieved + 1e-9 >= required,
            }
        })
        .collect();
    if a.json.json {
        return print_json(&serde_json::json!({ "month": month, "rates": out, "quotas": quotas }));
    }
    let mut t = Table::new(
        &[
            "col.site",
            "col.category",
            "col.events",
            "col.selected",
            "col.reached",
            "col.unreachable",
            "col.required",
            "col.achieved",
            "col.met",
        ]
        .map(|k| ctx.t(k)),
    );
    for r in &out {
        let name = ctx
            .config
            .category(&r.row.category)
            .map_or(r.row.category.clone(), |(k, c)| {
                if ctx.lang == crate::i18n::Lang::Zh {
                    c.name.clone()
                } else {
                    k.to_string()
                }
            });
        t.row(vec![
            r.row.site.clone(),
            name,
            r.row.events.to_string(),
            r.row.selected.to_string(),
            r.row.reached.to_string(),
            r.row.unreachable.to_string(),
            format!("{:.0}%", r.required_rate * 100.0),
            format!("{:.0}%", r.achieved_rate * 100.0),
            if r.target_met { "✓" } else { "✗" }.to_string(),
        ]);
    }
    println!("{month}");
    print!("{}", t.render());
    if !quotas.is_empty() {
        print!("{}", quota_table(ctx, &quotas));
    }
    Ok(())
}

/// Each site or customer against each quota: reached, planned, met.
fn quota_table(ctx: &Ctx, quotas: &[crate::workflow::quota::QuotaStanding]) -> String {
    let mut t = Table::new(
        &[
            "col.category",
            "col.quota_scope",
            "col.quota",
            "col.events",
            "col.quota_reached",
            "col.quota_planned",
            "col.quota_met",
        ]
        .map(|k| ctx.t(k)),
    );
    let zh = ctx.lang == crate::i18n::Lang::Zh;
    for q in quotas {
        let channel = match (q.channel, zh) {
            (Some(c), true) => c.zh(),
            (Some(c), false) => c.code(),
            (None, true) => "任意方式",
            (None, false) => "any",
        };
        let met = match (q.met, q.short_of_events) {
            (true, _) => "✓".to_string(),
            (false, true) => format!("✗ {}", ctx.t("msg.quota_short")),
            (false, false) => "✗".to_string(),
        };
        t.row(vec![
            q.category.clone(),
            q.scope.clone(),
            format!("≥{} {channel}", q.min),
            q.events.to_string(),
            q.reached.to_string(),
            q.planned.to_string(),
            met,
        ]);
    }
    t.render()
}
