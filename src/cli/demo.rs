use clap::Args;
use color_eyre::eyre::Result;

use super::progress::Progress;
use super::{Ctx, JsonFlag, print_json};
use crate::demo::{Plan, Tick, generate, write_csv};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::store::Reads;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many service events to generate.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub events: u64,
    /// The seed: the same seed (and the same HUIFANG_NOW) gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many sites (管理处).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=500))]
    pub sites: u64,
    /// How many months of history, up to now (default: about 2,000 events a site a month, as a
    /// busy desk takes them, from 4 months up to the 24 that records are kept: 2,000 events on
    /// 3 sites give 4 months, a million on 20 sites two years).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: Option<u32>,
    /// Write the events as a CSV import file instead of filling a database: `huifang import FILE`
    /// into an empty database then takes in the same events and tasks (without the desk's work).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Events a site takes in a month in a default demo history.
const EVENTS_PER_SITE_MONTH: u64 = 2000;

/// The history's length when `--months` is not given: a busy desk's volume per site, within 4
/// months and the two years records are kept.
fn default_months(events: u64, sites: u64) -> u32 {
    let months = events.div_ceil(sites.max(1) * EVENTS_PER_SITE_MONTH);
    months.clamp(4, 24) as u32
}

pub fn run(ctx: &Ctx, a: &DemoArgs) -> Result<()> {
    let plan = Plan {
        events: a.events as usize,
        seed: a.seed,
        sites: a.sites as usize,
        months: a
            .months
            .unwrap_or_else(|| default_months(a.events, a.sites)),
    };
    if let Some(file) = &a.csv {
        return write_csv_file(ctx, a, &plan, file);
    }
    let path = ctx.db_path()?;
    let mut store = ctx.open_store()?;
    store.use_page_cache(1024)?;
    let bulk = store.begin_bulk_load()?;
    let tx = store.write()?;
    let held = tx.event_count()?;
    if held > 0 {
        return Err(BadInput::new(format!(
            "{}: the database already holds {held} events; demo data goes only into an empty one: \
             point at a fresh file with --db demo.db (or HUIFANG_DB=demo.db)",
            path.display()
        ))
        .into());
    }
    let mut bar: Option<Progress> = None;
    let summary = generate(&tx, &ctx.config, &plan, ctx.clock.now(), &mut |t| match t {
        Tick::Start(total) => bar = Some(Progress::new(total)),
        Tick::Done(done) => bar.iter().for_each(|b| b.tick(done)),
        Tick::End => bar.take().iter().for_each(Progress::finish),
    })?;
    tx.commit()?;
    store.end_bulk_load(bulk)?;
    if a.json.json {
        return print_json(&summary);
    }
    let s = &summary;
    println!(
        "{}",
        fill(
            ctx.t("msg.demo"),
            &[
                ("path", &path.display()),
                ("events", &s.events),
                ("sites", &s.sites.len()),
                ("tasks", &s.tasks),
                ("not_selected", &s.not_selected),
                ("records", &s.records),
                ("attempts", &s.attempts),
                ("unreachable", &s.unreachable),
                ("escalations", &s.escalations),
                ("escalations_closed", &s.escalations_closed),
                ("escalations_overdue", &s.escalations_overdue),
                ("pending", &s.pending),
                ("overdue", &s.overdue),
                ("due_today", &s.due_today),
            ]
        )
    );
    Ok(())
}

/// `demo --csv FILE`: the same events as an import file; the database is not touched.
fn write_csv_file(ctx: &Ctx, a: &DemoArgs, plan: &Plan, file: &std::path::Path) -> Result<()> {
    let out = std::fs::File::create(file)
        .map_err(|e| BadInput::new(format!("{}: cannot write: {e}", file.display())))?;
    let mut bar: Option<Progress> = None;
    let n = write_csv(out, &ctx.config, plan, ctx.clock.now(), &mut |t| match t {
        Tick::Start(total) => bar = Some(Progress::new(total)),
        Tick::Done(done) => bar.iter().for_each(|b| b.tick(done)),
        Tick::End => bar.take().iter().for_each(Progress::finish),
    })?;
    if a.json.json {
        return print_json(&serde_json::json!({ "csv": file.display().to_string(), "events": n }));
    }
    println!(
        "{}",
        fill(
            ctx.t("msg.demo_csv"),
            &[("path", &file.display()), ("events", &n)]
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::default_months;

    #[test]
    fn the_default_history_grows_with_the_volume_from_4_months_to_two_years() {
        assert_eq!(default_months(2000, 3), 4);
        assert_eq!(default_months(100_000, 10), 5);
        assert_eq!(default_months(1_000_000, 20), 24);
        assert_eq!(default_months(10_000_000, 1), 24);
    }
}
