//! The command line: clap definitions, and one small function per subcommand over the core.

mod archive;
mod audit;
mod backup;
mod calendar;
mod callback;
mod close_quarter;
mod correct;
mod demo;
mod doctor;
mod due;
mod escalations;
mod event;
mod import;
mod init;
mod json;
mod plan;
mod progress;
mod rates;
mod report;
mod review;
mod rules;
mod sheet;
mod staff;
pub mod table;

pub use callback::escalation_message;
pub use escalations::{ChainRecord, ChainStep, chain, chain_lines};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::Result;

use crate::clock::Clock;
use crate::config::Config;
use crate::i18n::Lang;
use crate::store::Store;

const EXAMPLES: &str = "\
Examples:
  huifang                                  open the TUI on today's call-backs
  huifang --db demo.db demo                try it out on generated demo data
  huifang import 投诉处理表.csv              take in finished work
  huifang due --json                       what is due today, for scripts
  huifang record 42 --outcome satisfied --channel phone
  huifang escalation handle 3 --measures '更换防水层' --as 张经理
  huifang review 17 --unqualified --comment '未核实维修结果'
  huifang rules explain repair --completed '2026-12-01 15:00'";

#[derive(Debug, Parser)]
#[command(name = "huifang", version, about = "回访 — service call-backs under your regulations, kept in a local SQLite store", after_help = EXAMPLES)]
pub struct Cli {
    /// The database file (default: huifang.db in the user's data dir; or HUIFANG_DB).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// A config file merged over the built-in rules (or HUIFANG_CONFIG).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// UI language: zh (default) or en.
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,
    /// Who is acting (default: the config's operator, else the OS user). Role checks and the
    /// audit log use this name; the log keeps the OS user beside it.
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub operator: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import finished service work from CSV, JSON Lines or spreadsheet (XLSX, XLS, ODS) files.
    #[command(
        after_help = "Examples:\n  huifang import 投诉处理表.csv 有偿服务单.csv\n  huifang import --dry-run events.jsonl\n  huifang import --inspect 工单导出.xlsx --save-profile wo\n  huifang import 工单导出.xlsx --profile wo --dry-run\n  huifang import 311.csv --profile us-311\n\nWithout --profile, the columns are huifang's own. Columns (English or Chinese): ref 编号, category 类别, major 重大, site 管理处, customer 业户,\nphone 电话, unit 房号, department 责任部门, matter 事项, summary 内容, completed_at 完成时间,\ncontract_start 合同开始, contract_end 合同结束, customer_kind 客户类型, stage 阶段. A file with one bad row is refused whole."
    )]
    Import(import::ImportArgs),
    /// Add or show one service event.
    #[command(subcommand)]
    Event(event::EventCommand),
    /// Call-backs due on a day (default today): overdue first.
    #[command(
        after_help = "Examples:\n  huifang due\n  huifang due --date 2026-12-05 --site 翠苑管理处 --category repair --json"
    )]
    Due(due::DueArgs),
    /// Log an unsuccessful try to reach the customer.
    #[command(after_help = "Example:\n  huifang attempt 42 --result no_answer --note '下午再打'")]
    Attempt(callback::AttemptArgs),
    /// Record a call-back that reached the customer; completes the task.
    #[command(
        after_help = "Examples:\n  huifang record 42 --outcome satisfied --channel phone\n  huifang record 43 --outcome unsatisfied --channel visit --quality 2 --shortcomings '维修后仍渗水' --signed\n  huifang record 44 --outcome satisfied --channel phone --answer delivered_qty=30 --answer received_qty=30\n\nA category's own evaluation items (huifang rules explain CATEGORY lists them) take --answer KEY=VALUE."
    )]
    Record(callback::RecordArgs),
    /// Escalations not closed (or --all): past their deadline first, then oldest first.
    #[command(after_help = "Example:\n  huifang escalations --json")]
    Escalations(escalations::EscalationsArgs),
    /// One escalation: show its chain, assign it, record its handling, or open one by hand.
    #[command(subcommand)]
    Escalation(escalations::EscalationCommand),
    /// Supervisor review (审核): the records waiting, oldest first; or review one.
    #[command(
        after_help = "Examples:\n  huifang review --json\n  huifang review 17 --qualified --comment '记录完整'\n  huifang review 18 --unqualified --comment '未核实维修结果'   (opens an escalation)"
    )]
    Review(review::ReviewArgs),
    /// Correct a saved record: a new entry linked to it; the record stays as it was.
    #[command(
        after_help = "Example:\n  huifang correct 17 --outcome basic --reason '录入错误，业户实为基本满意'"
    )]
    Correct(correct::CorrectArgs),
    /// Staff and their roles (operator, supervisor, manager).
    #[command(subcommand)]
    Staff(staff::StaffCommand),
    /// The audit log: every write, who, when, before and after; `audit verify` checks its chain.
    #[command(
        after_help = "Examples:\n  huifang audit --since 2026-12-01\n  huifang audit --json\n  huifang audit verify"
    )]
    Audit(audit::AuditArgs),
    /// Call-back rates per site × category of a month: events, selected, reached, achieved.
    #[command(
        after_help = "Examples:\n  huifang rates\n  huifang rates --month 2026-11 --site 翠苑管理处 --json"
    )]
    Rates(rates::RatesArgs),
    /// Monthly and quarterly reports (回访结果统计) in Markdown, CSV, XLSX or JSON, and the
    /// manager's conclusion of a quarter.
    #[command(
        subcommand,
        after_help = "Examples:\n  huifang report monthly --month 2026-11\n  huifang report quarterly --quarter 2026-Q4 --format xlsx -o 2026-Q4.xlsx\n  huifang report conclude --quarter 2026-Q4 --text '加强防水工程验收' --as 张经理"
    )]
    Report(report::ReportCommand),
    /// Make the call-backs due on a day (default today): periodic ones for customers not reached
    /// for the period in [periodic], and those quotas and project stages need.
    #[command(
        after_help = "Examples:\n  huifang plan\n  huifang plan --date 2026-12-05 --dry-run --json\n\nPeriodic call-backs are off unless [periodic] enabled = true in the config. Running it again\nmakes nothing new: a customer gets at most one periodic call-back open at a time. It also adds\nthe call-backs this month's quotas still need and those project stages are due for (categories'\nquotas and stages); --dry-run lists the periodic ones only. The TUI runs it at start."
    )]
    Plan(plan::PlanArgs),
    /// Explain, check or reapply the rules.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Working days, weekends, holidays and make-up working days (调休) from --from to --to.
    #[command(
        after_help = "Examples:\n  huifang calendar --from 2026-09-28 --to 2026-10-12\n  huifang calendar --from 2026-02-01 --to 2026-03-01 --json\n\nHolidays follow the table in [holidays] (default cn, the State Council's notices for\n2024-2026). Add next year as [holidays.years.2027] in the config; a year no table covers is\ncounted weekends only, and says so."
    )]
    Calendar(calendar::CalendarArgs),
    /// Fill an empty database with a few months of realistic, reproducible demo data.
    #[command(
        after_help = "Examples:\n  huifang --db demo.db demo\n  huifang --db big.db demo --events 100000 --sites 10 --months 12 --seed 7\n  HUIFANG_NOW='2026-12-03 10:00' huifang --db a.db demo --seed 1   (the same data on every run)\n\n  huifang demo --events 1000000 --sites 20 --months 24 --csv events.csv   (the same events as an import file)\n\nThe history ends at now: the same seed and the same HUIFANG_NOW give the same database."
    )]
    Demo(demo::DemoArgs),
    /// Visits (上门回访): print a call-back's record sheet (回访记录表) for the customer to sign,
    /// or the day's sign-out register (回访记录签收表), as a printable HTML page.
    #[command(
        after_help = "Examples:\n  huifang sheet 42 -o 回访记录表-42.html\n  huifang sheet 42 > sheet.html          (stdout without -o)\n  huifang sheet --register --date 2026-12-05 --site 翠苑管理处 -o 签收表.html\n\nThe page is self-contained (open it in a browser and print, A4). Phones are masked: the sheet\nis left with the customer. A call-back whose category has no visit channel is refused.\nThe register lists the visits open on the day (overdue ones included) whose category calls\nin person first or that have fallen back to a visit, then those recorded as visits that day."
    )]
    Sheet(sheet::SheetArgs),
    /// Write a config of your own that starts from a preset (default: the config dir's
    /// config.toml, which huifang reads).
    #[command(
        after_help = "Examples:\n  huifang init --preset visit-sop\n  huifang init --preset callback-sop -o desk.toml\n  huifang init --preset visit-sop --force        (replace the existing config)\n\nThe file names the preset and lists its rules commented out: uncomment what you change,\nthen check it with `huifang rules check FILE`. `huifang rules presets` lists the presets."
    )]
    Init(init::InitArgs),
    /// Check the database (integrity, permissions, WAL, schema) and the holiday table; says what
    /// to do about each problem, and exits non-zero when something is wrong.
    #[command(
        after_help = "Examples:\n  huifang doctor\n  huifang --db /srv/huifang/huifang.db doctor --json"
    )]
    Doctor(doctor::DoctorArgs),
    /// Close a quarter (结账) before its 10th: nothing can be dated in it afterwards.
    #[command(
        name = "close-quarter",
        after_help = "Examples:\n  huifang close-quarter                      the quarter that ended last\n  huifang close-quarter --quarter 2026-Q3 --as 李主管\n\nA quarter closes by itself on the 10th of the month after it ends; this closes it earlier.\nA close covers every quarter before it too. Afterwards nothing (attempt, record, review,\ncorrection, escalation step) can be dated inside it; a record of it is corrected with a new\nentry dated today (huifang correct). A supervisor's task once staff are defined."
    )]
    CloseQuarter(close_quarter::CloseQuarterArgs),
    /// Move finished call-back chains older than a date into an archive file, then remove them.
    #[command(
        after_help = "Examples:\n  huifang archive --before 2024-10-01 --dry-run\n  huifang archive --before 2024-10-01 --out 回访档案-2024Q3.db\n  huifang --db 回访档案-2024Q3.db event show TS-2024-118     (the archive is a huifang database)\n\nOnly whole chains move: an event with every task finished, every escalation closed, and all of\nit dated before the date. The audit entries before it move too; the live log keeps an anchor\nso `huifang audit verify` passes on both files. The archive is checked (integrity, row counts,\na content digest, its audit chain) before anything is removed. A date that would move records\nyounger than [retention] months (24) is refused, and so is one in a quarter not closed yet."
    )]
    Archive(archive::ArchiveArgs),
    /// A consistent copy of the live database (SQLite online backup), while others keep working.
    #[command(
        after_help = "Examples:\n  huifang backup /backup/huifang-$(date +%F).db\n  huifang --db /srv/huifang/huifang.db backup /mnt/usb/huifang.db --json\n\nThe copy is one snapshot of the database, written beside its target, checked (integrity_check),\nthen renamed into place."
    )]
    Backup(backup::BackupArgs),
    /// Put a backup in place of the database, after checking it; keeps a copy of the old one.
    #[command(
        after_help = "Examples:\n  huifang restore /backup/huifang-2026-12-01.db\n  huifang --db /srv/huifang/huifang.db restore /mnt/usb/huifang.db\n\nRefused when the file is not a sound huifang database (integrity_check, its tables, a schema\nversion this huifang knows), when it is an archive, and while a TUI or another command has the\ndatabase open: close them first. The old database is kept as DB.before-restore-TIMESTAMP."
    )]
    Restore(backup::RestoreArgs),
}

impl Command {
    /// Whether the command writes to the database: those close the quarters whose 10th has
    /// passed before they run (reading commands never write, so they work on read-only files).
    fn writes(&self) -> bool {
        match self {
            Command::Import(a) => !a.dry_run && !a.inspect,
            Command::Event(c) => matches!(c, event::EventCommand::Add(_)),
            Command::Attempt(_) | Command::Record(_) | Command::Correct(_) => true,
            // `demo --csv` writes a file and leaves the database alone (not even created).
            Command::Demo(a) => a.csv.is_none(),
            Command::Escalation(c) => !matches!(c, escalations::EscalationCommand::Show { .. }),
            Command::Review(a) => a.record.is_some(),
            Command::Staff(c) => !matches!(c, staff::StaffCommand::List { .. }),
            Command::Plan(a) => !a.dry_run,
            Command::Rules(rules::RulesCommand::Reapply(a)) => !a.dry_run,
            Command::Archive(_) | Command::CloseQuarter(_) => true,
            _ => false,
        }
    }
}

/// Before a writing command: refuses to write into an archive file, and closes every quarter
/// whose 10th has passed. A failure of the close is not the command's: it is logged, and the
/// command goes on (and meets the same problem, if it is the database's).
fn before_write(ctx: &Ctx) -> Result<()> {
    let Ok(mut store) = ctx.open_store() else {
        return Ok(());
    };
    if let Ok(Some((before, source))) = store.archive_info() {
        return Err(crate::error::BadInput::new(format!(
            "{} is an archive (the finished call-backs before {before} of {source}): it is read, not written; use the live database",
            store.path().display()
        ))
        .into());
    }
    let closed = store.write().and_then(|tx| {
        let c = crate::workflow::quarter::auto_close(&tx, ctx.clock.today(), ctx.clock.now())?;
        tx.commit()?;
        Ok(c)
    });
    match closed {
        Ok(Some(c)) => tracing::info!(quarter = %c.quarter, "quarter closed automatically"),
        Ok(None) => {}
        Err(e) => tracing::warn!("quarters not closed: {e}"),
    }
    Ok(())
}

/// What every command works with.
pub struct Ctx {
    pub config: Config,
    pub clock: Clock,
    pub lang: Lang,
    pub operator: String,
    db: Option<PathBuf>,
}

impl Ctx {
    pub fn new(cli: &Cli) -> Result<Self> {
        let config = Config::load(cli.config.as_deref())?;
        let clock = Clock::from_env(
            crate::clock::Zone::parse(&config.timezone).map_err(crate::error::BadInput::new)?,
        )?;
        let operator = cli
            .operator
            .clone()
            .or_else(|| config.operator.clone())
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "operator".to_string());
        Ok(Self {
            lang: Lang::resolve(cli.lang.as_deref(), None),
            config,
            clock,
            operator,
            db: cli.db.clone(),
        })
    }

    pub fn db_path(&self) -> Result<PathBuf> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => crate::store::default_path(),
        }
    }

    pub fn open_store(&self) -> Result<Store> {
        Store::open(&self.db_path()?)
    }

    pub fn t(&self, key: &str) -> &'static str {
        crate::i18n::t(self.lang, key)
    }
}

/// Runs a subcommand.
pub fn run(cli: &Cli, command: &Command) -> Result<()> {
    // These need no config: they are how a missing or broken one is found out about or replaced.
    let lang = Lang::resolve(cli.lang.as_deref(), None);
    match command {
        Command::Init(a) => return init::run(lang, cli.config.as_deref(), a),
        Command::Rules(rules::RulesCommand::Presets(a)) => return rules::presets(lang, a),
        _ => {}
    }
    let ctx = Ctx::new(cli)?;
    if command.writes() {
        before_write(&ctx)?;
    }
    match command {
        Command::Import(a) => import::run(&ctx, a),
        Command::Event(c) => event::run(&ctx, c),
        Command::Due(a) => due::run(&ctx, a),
        Command::Attempt(a) => callback::attempt(&ctx, a),
        Command::Record(a) => callback::record(&ctx, a),
        Command::Escalations(a) => escalations::run(&ctx, a),
        Command::Escalation(c) => escalations::command(&ctx, c),
        Command::Review(a) => review::run(&ctx, a),
        Command::Correct(a) => correct::run(&ctx, a),
        Command::Staff(c) => staff::run(&ctx, c),
        Command::Audit(a) => audit::run(&ctx, a),
        Command::Rules(c) => rules::run(&ctx, c),
        Command::Rates(a) => rates::run(&ctx, a),
        Command::Report(c) => report::run(&ctx, c),
        Command::Plan(a) => plan::run(&ctx, a),
        Command::Calendar(a) => calendar::run(&ctx, a),
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Doctor(a) => doctor::run(&ctx, a),
        Command::CloseQuarter(a) => close_quarter::run(&ctx, a),
        Command::Archive(a) => archive::run(&ctx, a),
        Command::Backup(a) => backup::backup(&ctx, a),
        Command::Restore(a) => backup::restore(&ctx, a),
        Command::Init(a) => init::run(ctx.lang, cli.config.as_deref(), a),
        Command::Sheet(a) => sheet::run(&ctx, a),
    }
}

/// Prints one JSON document on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// Prints a JSON array item by item through a buffer: no copy of the whole list, nor of its
/// text, is made. Indented as [`print_json`] does on a terminal; compact into a pipe or a file,
/// where a script reads it (a due list of thousands is megabytes of indentation otherwise).
pub fn print_json_seq<T: serde::Serialize>(items: impl Iterator<Item = T>) -> Result<()> {
    use serde::Serializer;
    use std::io::{IsTerminal, Write};
    let stdout = std::io::stdout();
    let pretty = stdout.is_terminal();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if pretty {
        serde_json::Serializer::pretty(&mut out).collect_seq(items)?;
    } else {
        serde_json::Serializer::new(&mut out).collect_seq(items)?;
    }
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Parses a `--date` value, or says what was expected.
pub fn date_arg(flag: &str, s: &str) -> Result<chrono::NaiveDate> {
    crate::clock::parse_date(s).ok_or_else(|| {
        crate::error::BadInput::new(format!("{flag}: `{s}` is not a date: expected 2026-12-03"))
            .into()
    })
}

/// The category key for a `--category` value (key or Chinese name).
pub fn category_arg(config: &Config, s: &str) -> Result<String> {
    config
        .category(s)
        .map(|(k, _)| k.to_string())
        .ok_or_else(|| {
            crate::error::BadInput::new(format!(
                "--category: unknown category `{s}`: expected one of {}",
                config.category_keys()
            ))
            .into()
        })
}

/// Flags shared by commands that print either a table or JSON.
#[derive(Debug, Args, Clone, Copy)]
pub struct JsonFlag {
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    pub json: bool,
}
