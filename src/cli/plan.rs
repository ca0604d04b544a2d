use clap::Args;
use color_eyre::eyre::Result;

use super::table::Table;
use super::{Ctx, JsonFlag, date_arg, print_json};
use crate::i18n::fill;
use crate::workflow::plan;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The day to plan (default today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// List what would be made; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub fn run(ctx: &Ctx, a: &PlanArgs) -> Result<()> {
    let day = match &a.date {
        Some(d) => date_arg("--date", d)?,
        None => ctx.clock.today(),
    };
    let mut store = ctx.open_store()?;
    let (report, quota_added) = if a.dry_run {
        (plan::preview(&store, &ctx.config, day)?, Vec::new())
    } else {
        let tx = store.write()?;
        let r = plan::run(&tx, &ctx.config, day, ctx.clock.now(), &ctx.operator)?;
        let q =
            crate::workflow::quota::fill(&tx, &ctx.config, day, ctx.clock.now(), &ctx.operator)?;
        tx.commit()?;
        (r, q)
    };
    if a.json.json {
        return print_json(&serde_json::json!({
            "dry_run": a.dry_run,
            "plan": report,
            "quota_tasks": quota_added,
        }));
    }
    if !quota_added.is_empty() {
        println!(
            "{}",
            fill(ctx.t("msg.quota_added"), &[("n", &quota_added.len())])
        );
        let mut t = Table::new(
            &[
                "col.task",
                "col.ref",
                "col.category",
                "col.quota_scope",
                "col.window",
            ]
            .map(|k| ctx.t(k)),
        );
        for q in &quota_added {
            t.row(vec![
                q.task_id.to_string(),
                q.event_ref.clone(),
                q.category.clone(),
                q.scope.clone(),
                format!("{day} .. {}", q.due),
            ]);
        }
        print!("{}", t.render());
    }
    if !report.enabled {
        println!("{}", ctx.t("msg.periodic_disabled"));
        return Ok(());
    }
    let key = if a.dry_run {
        "msg.plan_would_create"
    } else {
        "msg.plan_created"
    };
    println!(
        "{}",
        fill(
            ctx.t(key),
            &[
                ("date", &report.date),
                ("n", &report.created.len()),
                ("period", &report.period)
            ]
        )
    );
    if !report.created.is_empty() {
        let mut t = Table::new(
            &[
                "col.task",
                "col.ref",
                "col.site",
                "col.customer",
                "col.unit",
                "col.phone",
                "col.since",
                "col.window",
            ]
            .map(|k| ctx.t(k)),
        );
        for p in &report.created {
            t.row(vec![
                p.task_id.map(|i| i.to_string()).unwrap_or_default(),
                p.reference.clone(),
                p.site.clone(),
                p.customer.clone(),
                p.unit.clone(),
                p.phone.clone(),
                p.since.to_string(),
                format!("{} .. {}", p.opens, p.due),
            ]);
        }
        print!("{}", t.render());
    }
    if a.dry_run {
        println!("{}", ctx.t("msg.dry_run"));
    }
    Ok(())
}
