//! The command line: clap definitions, and one small function per subcommand over the core.

mod audit;
mod calendar;
mod callback;
mod correct;
mod demo;
mod doctor;
mod due;
mod escalations;
mod event;
mod import;
mod plan;
mod progress;
mod rates;
mod report;
mod review;
mod rules;
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
        after_help = "Examples:\n  huifang import 投诉处理表.csv 有偿服务单.csv\n  huifang import --dry-run events.jsonl\n  huifang import --inspect 工单导出.xlsx --save-profile wo\n  huifang import 工单导出.xlsx --profile wo --dry-run\n  huifang import 311.csv --profile us-311\n\nWithout --profile, the columns are huifang's own. Columns (English or Chinese): ref 编号, category 类别, major 重大, site 管理处, customer 业户,\nphone 电话, unit 房号, department 责任部门, matter 事项, summary 内容, completed_at 完成时间,\ncontract_start 合同开始, contract_end 合同结束. A file with one bad row is refused whole."
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
        after_help = "Examples:\n  huifang record 42 --outcome satisfied --channel phone\n  huifang record 43 --outcome unsatisfied --channel visit --quality 2 --shortcomings '维修后仍渗水' --signed"
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
    /// Make the periodic call-backs due on a day (default today): customers not reached for
    /// the period in [periodic].
    #[command(
        after_help = "Examples:\n  huifang plan\n  huifang plan --date 2026-12-05 --dry-run --json\n\nOff unless [periodic] enabled = true in the config. Running it again makes nothing new:\na customer gets at most one periodic call-back open at a time."
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
        after_help = "Examples:\n  huifang --db demo.db demo\n  huifang --db big.db demo --events 100000 --sites 10 --months 12 --seed 7\n  HUIFANG_NOW='2026-12-03 10:00' huifang --db a.db demo --seed 1   (the same data on every run)\n\nThe history ends at now: the same seed and the same HUIFANG_NOW give the same database."
    )]
    Demo(demo::DemoArgs),
    /// Check the database (integrity, permissions, WAL, schema) and the holiday table; says what
    /// to do about each problem, and exits non-zero when something is wrong.
    #[command(
        after_help = "Examples:\n  huifang doctor\n  huifang --db /srv/huifang/huifang.db doctor --json"
    )]
    Doctor(doctor::DoctorArgs),
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
    let ctx = Ctx::new(cli)?;
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
    }
}

/// Prints one JSON document on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
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
