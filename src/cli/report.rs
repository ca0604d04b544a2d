//! `huifang report monthly|quarterly|conclude`: the monthly statistics and the quarterly
//! analysis in Markdown, CSV, XLSX or JSON, and the manager's conclusion kept with a quarter.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use color_eyre::eyre::Result;

use super::{Ctx, print_json};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::report::format::{csv, markdown, write_atomic, xlsx};
use crate::report::{Month, Quarter, doc::Doc, monthly, quarterly, render};
use crate::store::Reads;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Monthly statistics (回访结果统计): rates, timeliness and outcomes per site and category,
    /// departments, operators, escalations; serious problems first.
    #[command(
        after_help = "Examples:\n  huifang report monthly --month 2026-11\n  huifang report monthly --month 2026-11 --site 翠苑管理处 --format xlsx -o 2026-11.xlsx\n  huifang report monthly --format json | jq '.sites[].categories[]'\n\nWhat each figure counts is said at the end of the report (and in the README)."
    )]
    Monthly(MonthlyArgs),
    /// Quarterly analysis: unqualified and unsatisfied call-backs with their chains, complaints
    /// on the same matter in a row, repeated repairs, the trend, and the manager's conclusion.
    #[command(
        after_help = "Examples:\n  huifang report quarterly --quarter 2026-Q4\n  huifang report quarterly --quarter 2026-Q4 --format xlsx -o 2026-Q4.xlsx\n  huifang report conclude --quarter 2026-Q4 --text '加强防水工程验收' --as 张经理"
    )]
    Quarterly(QuarterlyArgs),
    /// Write the manager's conclusion (纠正或预防措施) of a quarter; shown in its report.
    #[command(
        after_help = "Examples:\n  huifang report conclude --quarter 2026-Q4 --text '加强防水工程验收；漏水投诉48小时内复查' --as 张经理\n  huifang report conclude --quarter 2026-Q4 --site 翠苑管理处 --file 结论.txt\n\nOnly a manager may write it (once staff are defined). An earlier conclusion is kept; the\nreport shows the latest, and the audit log has each."
    )]
    Conclude(ConcludeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown, for reading and printing (default).
    Md,
    /// CSV in UTF-8 with a BOM (Excel, WPS): every table in one file.
    Csv,
    /// XLSX, one sheet per table (needs -o FILE).
    Xlsx,
    /// JSON, for scripts.
    Json,
}

#[derive(Debug, Args)]
pub struct Output {
    /// md, csv, xlsx or json.
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Write to FILE (atomically) instead of standard output; required for xlsx.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MonthlyArgs {
    /// The month, `YYYY-MM` (default this month).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Only this site (管理处).
    #[arg(long)]
    pub site: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
pub struct QuarterlyArgs {
    /// The quarter, `YYYY-Qn` (default this quarter).
    #[arg(long, value_name = "YYYY-Qn")]
    pub quarter: Option<String>,
    /// Only this site (管理处).
    #[arg(long)]
    pub site: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("body").args(["text", "file"]).required(true)))]
pub struct ConcludeArgs {
    /// The quarter, `YYYY-Qn`.
    #[arg(long, value_name = "YYYY-Qn")]
    pub quarter: String,
    /// The conclusion of one site's report (default: the all-sites report).
    #[arg(long)]
    pub site: Option<String>,
    /// The conclusion's text.
    #[arg(long)]
    pub text: Option<String>,
    /// Read the conclusion from a UTF-8 text file.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, c: &ReportCommand) -> Result<()> {
    match c {
        ReportCommand::Monthly(a) => run_monthly(ctx, a),
        ReportCommand::Quarterly(a) => run_quarterly(ctx, a),
        ReportCommand::Conclude(a) => conclude(ctx, a),
    }
}

/// Refuses xlsx to a terminal before any work is done.
fn check_output(out: &Output) -> Result<()> {
    if out.format == Format::Xlsx && out.output.is_none() {
        return Err(BadInput::new(
            "--format xlsx writes a binary workbook: give the file with -o FILE (such as -o report.xlsx)",
        )
        .into());
    }
    Ok(())
}

fn check_site(store: &impl Reads, site: Option<&str>) -> Result<()> {
    if let Some(s) = site
        && !store.site_exists(s)?
    {
        return Err(BadInput::new(format!(
            "--site: no event belongs to the site `{s}`: check its spelling (`huifang rates` lists the sites of a month)"
        ))
        .into());
    }
    Ok(())
}

fn emit<T: serde::Serialize>(out: &Output, json: &T, doc: impl FnOnce() -> Doc) -> Result<()> {
    let bytes = match out.format {
        Format::Json => {
            if out.output.is_none() {
                return print_json(json);
            }
            let mut s = serde_json::to_string_pretty(json)?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Md => markdown::render(&doc()).into_bytes(),
        Format::Csv => csv::render(&doc())?,
        Format::Xlsx => xlsx::render(&doc())?,
    };
    match &out.output {
        Some(path) => write_atomic(path, &bytes),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            stdout.flush()?;
            Ok(())
        }
    }
}

fn run_monthly(ctx: &Ctx, a: &MonthlyArgs) -> Result<()> {
    let month = match &a.month {
        Some(m) => Month::parse("--month", m)?,
        None => Month::of(ctx.clock.today()),
    };
    check_output(&a.out)?;
    let store = ctx.open_store()?;
    check_site(&store, a.site.as_deref())?;
    let report = monthly::build(
        &store,
        &ctx.config,
        ctx.lang,
        month,
        a.site.as_deref(),
        ctx.clock.now(),
    )?;
    emit(&a.out, &report, || {
        render::monthly(&report, &ctx.config, ctx.lang)
    })
}

fn run_quarterly(ctx: &Ctx, a: &QuarterlyArgs) -> Result<()> {
    let quarter = match &a.quarter {
        Some(q) => Quarter::parse("--quarter", q)?,
        None => Quarter::of(ctx.clock.today()),
    };
    check_output(&a.out)?;
    let store = ctx.open_store()?;
    check_site(&store, a.site.as_deref())?;
    let report = quarterly::build(
        &store,
        &ctx.config,
        ctx.lang,
        quarter,
        a.site.as_deref(),
        ctx.clock.now(),
    )?;
    emit(&a.out, &report, || {
        render::quarterly(&report, &ctx.config, ctx.lang)
    })
}

fn conclude(ctx: &Ctx, a: &ConcludeArgs) -> Result<()> {
    let quarter = Quarter::parse("--quarter", &a.quarter)?;
    let text = match (&a.text, &a.file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| {
            BadInput::new(format!(
                "--file {}: cannot read it as UTF-8 text: {e}",
                f.display()
            ))
        })?,
        (None, None) => unreachable!("clap requires --text or --file"),
    };
    let mut store = ctx.open_store()?;
    check_site(&store, a.site.as_deref())?;
    let tx = store.write()?;
    let c = crate::workflow::conclusion::conclude(
        &tx,
        quarter,
        a.site.as_deref(),
        &text,
        &ctx.operator,
        ctx.clock.now(),
    )?;
    tx.commit()?;
    println!(
        "{}",
        fill(
            ctx.t("rep.msg.concluded"),
            &[("quarter", &c.period), ("id", &c.id)]
        )
    );
    Ok(())
}
