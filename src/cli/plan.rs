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
    let (report, after) = if a.dry_run {
        (plan::preview(&store, &ctx.config, day)?, Default::default())
    } else {
        let tx = store.write()?;
        let r = crate::workflow::daily::run(&tx, &ctx.config, day, ctx.clock.now(), &ctx.operator)?;
        tx.commit()?;
        r
    };
    if a.json.json {
        return print_json(&serde_json::json!({
            "dry_run": a.dry_run,
            "plan": report,
            "quota_tasks": after.quota_tasks,
            "stage_tasks": after.stage_tasks,
        }));
    }
    print_after_intake(ctx, &after);
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

/// The call-backs quotas and project stages added, one table each.
pub fn print_after_intake(ctx: &Ctx, after: &crate::workflow::daily::AfterIntake) {
    if !after.quota_tasks.is_empty() {
        println!(
            "{}",
            fill(ctx.t("msg.quota_added"), &[("n", &after.quota_tasks.len())])
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
        for q in &after.quota_tasks {
            t.row(vec![
                q.task_id.to_string(),
                q.event_ref.clone(),
                q.category.clone(),
                q.scope.clone(),
                format!(".. {}", q.due),
            ]);
        }
        print!("{}", t.render());
    }
    if !after.stage_tasks.is_empty() {
        println!(
            "{}",
            fill(ctx.t("msg.stage_added"), &[("n", &after.stage_tasks.len())])
        );
        let mut t = Table::new(
            &[
                "col.task",
                "col.ref",
                "col.site",
                "label.stage",
                "col.window",
            ]
            .map(|k| ctx.t(k)),
        );
        for c in &after.stage_tasks {
            t.row(vec![
                c.task_id.to_string(),
                c.event_ref.clone(),
                c.site.clone(),
                c.stage.clone(),
                format!("{} .. {}", c.opens, c.due),
            ]);
        }
        print!("{}", t.render());
    }
}
