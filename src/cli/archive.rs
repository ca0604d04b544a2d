use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::Result;

use super::progress::Progress;
use super::table::Table;
use super::{Ctx, JsonFlag, date_arg, print_json};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::store::{ArchivePlan, Reads};
use crate::workflow::retention;

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// Move the finished call-back chains dated before this day (2024-10-01).
    #[arg(long, value_name = "DATE")]
    pub before: String,
    /// The archive file to write (a new SQLite database; never overwritten).
    #[arg(long, value_name = "FILE", required_unless_present = "dry_run")]
    pub out: Option<PathBuf>,
    /// Say what would move; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

fn print_plan(ctx: &Ctx, plan: &ArchivePlan) {
    let mut t = Table::new(&[ctx.t("col.table"), ctx.t("col.rows")]);
    for c in &plan.tables {
        t.row(vec![c.table.clone(), c.rows.to_string()]);
    }
    let audit = match (plan.audit_from, plan.audit_to) {
        (Some(f), Some(to)) => format!("{} ({f}–{to})", to - f + 1),
        _ => "0".to_string(),
    };
    t.row(vec!["audit".to_string(), audit]);
    print!("{}", t.render());
    if plan.events_kept > 0 {
        println!(
            "{}",
            fill(
                ctx.t("msg.archive_kept"),
                &[("n", &plan.events_kept), ("before", &plan.before)]
            )
        );
    }
}

pub fn run(ctx: &Ctx, a: &ArchiveArgs) -> Result<()> {
    let before = date_arg("--before", &a.before)?;
    let mut store = ctx.open_store()?;
    retention::check_before(&store, &ctx.config, before, ctx.clock.today())?;
    if let Some(out) = &a.out
        && !a.dry_run
        && out.exists()
    {
        return Err(BadInput::new(format!(
            "--out {}: the file exists: an archive is never overwritten; choose another name",
            out.display()
        ))
        .into());
    }
    if store.archive_info()?.is_some() {
        return Err(BadInput::new(format!(
            "{} is itself an archive: archive the live database",
            store.path().display()
        ))
        .into());
    }
    let plan = store.archive_plan(before)?;
    if a.dry_run || plan.is_empty() {
        if a.json.json {
            return print_json(&serde_json::json!({"dry_run": a.dry_run, "plan": plan}));
        }
        if plan.is_empty() {
            println!(
                "{}",
                fill(ctx.t("msg.archive_nothing"), &[("before", &before)])
            );
        } else {
            println!(
                "{}",
                fill(ctx.t("msg.archive_would"), &[("before", &before)])
            );
        }
        print_plan(ctx, &plan);
        return Ok(());
    }
    let out = a
        .out
        .clone()
        .expect("clap requires --out without --dry-run");
    let audit_rows = plan
        .audit_to
        .zip(plan.audit_from)
        .map_or(0, |(to, from)| (to - from + 1) as u64);
    let progress = Progress::on_terminal((plan.rows() + audit_rows) as usize);
    let mut done_rows = 0u64;
    let done = store.archive(before, &out, &ctx.operator, ctx.clock.now(), &mut |n, _| {
        done_rows += n;
        if done_rows.is_multiple_of(1000) {
            progress.tick_some(done_rows as usize);
        }
    })?;
    progress.finish();
    let v = store.verify_audit()?;
    if a.json.json {
        return print_json(
            &serde_json::json!({"archive": done, "live_audit_ok": v.problems.is_empty()}),
        );
    }
    println!(
        "{}",
        fill(
            ctx.t("msg.archive_done"),
            &[("before", &before), ("file", &out.display())]
        )
    );
    print_plan(ctx, &done.plan);
    println!(
        "{}",
        fill(
            ctx.t("msg.archive_verified"),
            &[("digest", &done.digest), ("file", &out.display())]
        )
    );
    Ok(())
}
