//! `huifang sheet`: a visit's call-back record sheet (回访记录表), or a day's sign-out register
//! (回访记录签收表), as a printable HTML page on stdout or in a file.

use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::{Result, WrapErr};

use super::{Ctx, date_arg};
use crate::i18n::fill;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["task", "register"])))]
pub struct SheetArgs {
    /// The call-back (task id, as `due` lists it) to print the record sheet of.
    #[arg(
        value_name = "TASK",
        required_unless_present = "register",
        conflicts_with = "register"
    )]
    pub task: Option<i64>,
    /// Print the day's sign-out register instead.
    #[arg(long)]
    pub register: bool,
    /// The register's day (default today).
    #[arg(long, value_name = "DATE", requires = "register")]
    pub date: Option<String>,
    /// Only this site's visits on the register (default: a page per site).
    #[arg(long, requires = "register")]
    pub site: Option<String>,
    /// Write the page to this file (whole or not at all) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, a: &SheetArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let now = ctx.clock.now();
    let (html, count) = match a.task {
        Some(task) => {
            let s = crate::sheet::record_sheet(&store, &ctx.config, ctx.lang, task, now)?;
            (crate::sheet::render_record_sheet(&s, ctx.lang), None)
        }
        None => {
            let day = match &a.date {
                Some(d) => date_arg("--date", d)?,
                None => now.date(),
            };
            let r =
                crate::sheet::register(&store, &ctx.config, ctx.lang, day, a.site.as_deref(), now)?;
            (crate::sheet::render_register(&r, ctx.lang), Some(r.len()))
        }
    };
    let Some(path) = &a.output else {
        print!("{html}");
        return Ok(());
    };
    crate::atomic_write::write_atomic(path, html.as_bytes())
        .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    let msg = match count {
        None => fill(ctx.t("msg.sheet_written"), &[("path", &path.display())]),
        Some(n) => fill(
            ctx.t("msg.register_written"),
            &[("path", &path.display()), ("n", &n)],
        ),
    };
    println!("{msg}");
    Ok(())
}
