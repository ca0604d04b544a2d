use std::path::PathBuf;

use clap::{Args, Subcommand};
use color_eyre::eyre::Result;
use serde::Serialize;

use super::{Ctx, JsonFlag, date_arg, print_json};
use crate::config::Config;
use crate::error::BadInput;
use crate::i18n::fill;
use crate::rules::{Window, role_for, windows_for};
use crate::text::{pad, sanitize, width};

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// How the rules apply to one piece of work: rate, role, channels and each window's dates.
    #[command(
        after_help = "Examples:\n  huifang rules explain complaint --completed '2026-12-01 15:00'\n  huifang rules explain 特约服务 --contract-start 2026-09-01 --contract-end 2026-12-31 --json"
    )]
    Explain(ExplainArgs),
    /// Check a config file (default: the one in use); exit 2 with the errors if it is bad.
    #[command(after_help = "Example:\n  huifang rules check ~/.config/huifang/config.toml")]
    Check(CheckArgs),
    /// Recompute the windows of pending tasks under the current rules and list what moves.
    /// Editing the config never moves existing tasks: only this does.
    #[command(
        after_help = "Examples:\n  huifang rules reapply --dry-run\n  huifang rules reapply --from 2026-11-01 --json"
    )]
    Reapply(ReapplyArgs),
    /// The presets shipped with huifang: each one's regulation, categories and what it is for.
    #[command(
        after_help = "Examples:\n  huifang rules presets\n  huifang rules presets --json\n  huifang init --preset visit-sop     (a config of your own that starts from one)\n\nSelect one with `preset = \"NAME\"` in the config."
    )]
    Presets(PresetsArgs),
}

#[derive(Debug, Args)]
pub struct PresetsArgs {
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ReapplyArgs {
    /// Only tasks of events completed on or after this date.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// List what would move; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Key or Chinese name.
    pub category: String,
    /// When the work was finished (default now).
    #[arg(long, value_name = "DATETIME")]
    pub completed: Option<String>,
    #[arg(long, value_name = "DATE", requires = "contract_end")]
    pub contract_start: Option<String>,
    #[arg(long, value_name = "DATE", requires = "contract_start")]
    pub contract_end: Option<String>,
    /// A major complaint (重大投诉).
    #[arg(long)]
    pub major: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    pub file: Option<PathBuf>,
}

#[derive(Serialize)]
struct Explained<'a> {
    category: &'a str,
    name: &'a str,
    rate: f64,
    role: &'a str,
    channels: Vec<&'static str>,
    max_attempts: u32,
    windows: Vec<Window>,
    /// The evaluation items its record asks, in order.
    items: &'a [crate::rules::ItemRule],
    must_match: &'a [(String, String)],
    discrepancy_role: Option<&'a str>,
    rule_set: &'a str,
    rules_version: &'a str,
    /// Plain statements of what the dates could not take into account, e.g. a year the
    /// holiday table does not cover.
    warnings: Vec<String>,
}

pub fn run(ctx: &Ctx, c: &RulesCommand) -> Result<()> {
    match c {
        RulesCommand::Explain(a) => explain(ctx, a),
        RulesCommand::Check(a) => check(ctx, a),
        RulesCommand::Reapply(a) => reapply(ctx, a),
        RulesCommand::Presets(a) => presets(ctx.lang, a),
    }
}

/// One preset as `rules presets --json` gives it.
#[derive(Serialize)]
struct PresetJson {
    name: &'static str,
    regulation: &'static str,
    categories: usize,
    description: &'static str,
    description_en: Option<&'static str>,
    default: bool,
    rules_version: String,
}

/// Lists the presets. Needs no config, so that it works while the user's own is broken.
pub fn presets(lang: crate::i18n::Lang, a: &PresetsArgs) -> Result<()> {
    let mut rows = Vec::new();
    for p in crate::presets::all() {
        let config = p.config()?;
        rows.push(PresetJson {
            name: p.name,
            regulation: p.regulation,
            categories: config.categories.len(),
            description: p.description,
            description_en: p.description_en,
            default: p.is_default(),
            rules_version: config.version,
        });
    }
    if a.json.json {
        return print_json(&rows);
    }
    let t = |k| crate::i18n::t(lang, k);
    // Name, regulation and categories line up; the description has a line of its own below,
    // whole (a table column would cut it).
    let names: Vec<String> = rows
        .iter()
        .map(|r| {
            if r.default {
                format!("{} {}", r.name, t("label.default_mark"))
            } else {
                r.name.to_string()
            }
        })
        .collect();
    let w_name = names
        .iter()
        .map(|n| width(n))
        .chain([width(t("col.preset"))])
        .max()
        .unwrap_or(0);
    let w_reg = rows
        .iter()
        .map(|r| width(r.regulation))
        .chain([width(t("col.regulation"))])
        .max()
        .unwrap_or(0);
    println!(
        "{}  {}  {}",
        pad(t("col.preset"), w_name),
        pad(t("col.regulation"), w_reg),
        t("col.categories")
    );
    for ((r, name), p) in rows.iter().zip(&names).zip(crate::presets::all()) {
        println!(
            "{}  {}  {}",
            pad(name, w_name),
            pad(&sanitize(r.regulation), w_reg),
            r.categories
        );
        println!("{}  {}", pad("", w_name), sanitize(p.description(lang)));
    }
    println!("{}", t("msg.presets_hint"));
    Ok(())
}

fn explain(ctx: &Ctx, a: &ExplainArgs) -> Result<()> {
    let config = &ctx.config;
    let (key, rule) = config.category(&a.category).ok_or_else(|| {
        BadInput::new(format!(
            "unknown category `{}`: expected one of {}",
            a.category,
            config.category_keys()
        ))
    })?;
    let completed = match &a.completed {
        Some(s) => crate::clock::parse_datetime(s).ok_or_else(|| {
            BadInput::new(format!(
                "--completed: `{s}` is not a date-time: expected 2026-12-01 15:00"
            ))
        })?,
        None => ctx.clock.now(),
    };
    let contract = match (&a.contract_start, &a.contract_end) {
        (Some(s), Some(e)) => {
            let (s, e) = (
                date_arg("--contract-start", s)?,
                date_arg("--contract-end", e)?,
            );
            if e < s {
                return Err(BadInput::new(format!(
                    "--contract-end: {e} is before the contract starts ({s})"
                ))
                .into());
            }
            Some((s, e))
        }
        _ => None,
    };
    if a.major && key != "complaint" {
        return Err(BadInput::new(format!(
            "--major: only complaints can be major, this is {key}"
        ))
        .into());
    }
    let calendar = config.calendar();
    let windows = windows_for(key, rule, completed.date(), contract, calendar)
        .map_err(|p| BadInput::new(format!("{p} (--contract-start, --contract-end)")))?;
    let mut uncovered: Vec<i32> = windows
        .iter()
        .flat_map(|w| w.uncovered_years.iter().copied())
        .collect();
    uncovered.sort_unstable();
    uncovered.dedup();
    let warnings = uncovered
        .iter()
        .map(|y| super::calendar::uncovered_warning(ctx, calendar, *y))
        .collect();
    let out = Explained {
        category: key,
        name: &rule.name,
        rate: rule.rate,
        role: role_for(rule, a.major),
        channels: rule.channels.iter().map(|c| c.code()).collect(),
        max_attempts: rule.max_attempts,
        windows,
        items: &rule.items,
        must_match: &rule.must_match,
        discrepancy_role: rule.discrepancy_role.as_deref(),
        rule_set: &config.name,
        rules_version: &config.version,
        warnings,
    };
    if a.json.json {
        return print_json(&out);
    }
    println!(
        "{key} {}  ({} · {} {})",
        out.name,
        out.rule_set,
        ctx.t("label.rules_version"),
        out.rules_version
    );
    println!(
        "  {} {:.0}%   {} {}   {} {}",
        ctx.t("label.rate"),
        out.rate * 100.0,
        ctx.t("col.role"),
        config.role_label(out.role, ctx.lang),
        ctx.t("label.channels"),
        out.channels.join(", ")
    );
    for w in &out.windows {
        println!("  {} {} .. {}   {}", w.kind, w.opens, w.due, w.explanation);
    }
    for i in out.items {
        let detail = match i.kind {
            crate::domain::ItemKind::Choice => format!(": {}", i.choices.join(" | ")),
            crate::domain::ItemKind::Quantity if !i.unit.is_empty() => format!(": {}", i.unit),
            _ => String::new(),
        };
        let kind = match ctx.lang {
            crate::i18n::Lang::Zh => i.kind.zh(),
            crate::i18n::Lang::En => i.kind.code(),
        };
        let mut line = format!(
            "  {} {} {} ({kind}{detail})",
            ctx.t("label.item"),
            i.key,
            i.label(ctx.lang)
        );
        if i.required {
            line.push_str(&format!("  {}", ctx.t("label.required")));
        }
        if !i.escalate_on.is_empty() {
            line.push_str(&format!(
                "  {} {}",
                ctx.t("label.escalate_on"),
                i.escalate_on.join(", ")
            ));
        }
        println!("{line}");
    }
    for (a, b) in out.must_match {
        println!("  {} {a} = {b}", ctx.t("label.must_match"));
    }
    for warning in &out.warnings {
        println!("  ! {warning}");
    }
    Ok(())
}

fn check(ctx: &Ctx, a: &CheckArgs) -> Result<()> {
    let (config, origin) = match &a.file {
        Some(p) => (Config::from_file(p)?, p.display().to_string()),
        None => (ctx.config.clone(), "built-in / active config".to_string()),
    };
    println!(
        "{}",
        fill(
            ctx.t("msg.config_ok"),
            &[
                ("origin", &origin),
                ("n", &config.categories.len()),
                ("version", &config.version)
            ]
        )
    );
    Ok(())
}

fn reapply(ctx: &Ctx, a: &ReapplyArgs) -> Result<()> {
    let from = a
        .from
        .as_deref()
        .map(|d| date_arg("--from", d))
        .transpose()?;
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let report = crate::workflow::reapply(
        &tx,
        &ctx.config,
        from,
        a.dry_run,
        &ctx.operator,
        ctx.clock.now(),
    )?;
    if a.dry_run {
        drop(tx);
    } else {
        tx.commit()?;
    }
    if a.json.json {
        return print_json(&report);
    }
    println!(
        "{}",
        fill(
            ctx.t(if a.dry_run {
                "msg.reapply_would_move"
            } else {
                "msg.reapply_moved"
            }),
            &[
                ("n", &report.moved.len()),
                ("checked", &report.checked),
                ("restamped", &report.restamped),
                ("version", &report.rules_version)
            ]
        )
    );
    if !report.moved.is_empty() {
        let mut t = crate::cli::table::Table::new(
            &[
                "col.task",
                "col.ref",
                "col.rule",
                "col.old_window",
                "col.new_window",
                "col.role",
                "col.version",
            ]
            .map(|k| ctx.t(k)),
        );
        for m in &report.moved {
            let role = if m.old_role == m.new_role {
                ctx.config.role_label(&m.new_role, ctx.lang).to_string()
            } else {
                format!(
                    "{} → {}",
                    ctx.config.role_label(&m.old_role, ctx.lang),
                    ctx.config.role_label(&m.new_role, ctx.lang)
                )
            };
            t.row(vec![
                m.task_id.to_string(),
                m.reference.clone(),
                m.rule.clone(),
                format!("{} .. {}", m.old_opens, m.old_due),
                format!("→ {} .. {}", m.new_opens, m.new_due),
                role,
                format!("{} → {}", m.old_version, m.new_version),
            ]);
        }
        print!("{}", t.render());
    }
    for s in &report.skipped {
        println!(
            "  ! {}",
            fill(
                ctx.t("msg.reapply_skipped"),
                &[
                    ("task", &s.task_id),
                    ("ref", &s.reference),
                    ("reason", &s.reason)
                ]
            )
        );
    }
    if a.dry_run {
        println!("{}", ctx.t("msg.dry_run"));
    }
    Ok(())
}
