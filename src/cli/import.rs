use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::Result;

use super::progress::Progress;
use super::table::Table;
use super::{Ctx, JsonFlag, print_json};
use crate::domain::NewEvent;
use crate::domain::mask_phone;
use crate::error::BadInput;
use crate::i18n::fill;
use crate::import::inspect::{ColumnKind, Inspection, inspect};
use crate::import::{Parsed, ParsedFile, Profile, ReadOptions, read_file_streamed, save_profile};
use crate::workflow::{Intake, IntakeReport, IntakeResult};

/// How many rows a dry run shows as huifang would store them.
const PREVIEW_ROWS: usize = 10;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV (UTF-8 or GBK), JSON Lines (.jsonl) or spreadsheet (.xlsx, .xls, .ods) files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check the files and show what would happen, without storing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// A mapping profile for another system's export: a TOML file, or the name of one in the
    /// config ([profiles.NAME]), saved with --save-profile, or shipped (property-work-orders,
    /// hotline-12345, us-311).
    #[arg(long, value_name = "FILE|NAME")]
    pub profile: Option<String>,
    /// The sheet of a workbook to read (default: the profile's, else the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Show the files' columns, sample values and types, and propose a profile; imports nothing.
    #[arg(long, conflicts_with_all = ["profile", "dry_run"])]
    pub inspect: bool,
    /// With --inspect: save the proposed profile as NAME, to edit and use with --profile NAME.
    #[arg(long, value_name = "NAME", requires = "inspect")]
    pub save_profile: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    if a.inspect {
        return run_inspect(ctx, a);
    }
    let profile = match &a.profile {
        Some(p) => Some(Profile::find(p, &ctx.config)?),
        None => None,
    };
    let opts = ReadOptions {
        profile: profile.as_ref(),
        sheet: a.sheet.as_deref(),
    };
    let mut store = ctx.open_store()?;
    // A big import keeps the pages of its growing tables and indexes in memory.
    store.use_page_cache(1024)?;
    let bulk = !a.dry_run && store.begin_bulk_load()?;
    let tx = store.write()?;
    let mut intake = Intake::new(&ctx.config, ctx.clock.now());
    let mut report = IntakeReport::default();
    // The files are read and checked on a thread of their own while their good rows are stored
    // here, in one transaction (a million rows: the reading hides behind the storing). One bad
    // row refuses its file and a refused file refuses the run: the transaction is then rolled
    // back whole, so a fixed file can simply be imported again.
    let (read, taken) = std::thread::scope(|s| {
        let (send, received) = std::sync::mpsc::sync_channel(8);
        let reader = s.spawn(|| read_files(&a.files, &ctx.config, opts, send));
        // Into an empty database, the indexes are built once at the end (none is read while the
        // rows go in: a first import asks the store nothing but whether a ref is new).
        let taken = tx.with_indexes_deferred(&["events", "tasks"], &[], || {
            take_rows(&tx, &mut intake, &mut report, &a.files, received)
        });
        let read = reader
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (read, taken)
    });
    let parsed = read?;
    for n in parsed.iter().flat_map(|f| &f.notes) {
        eprintln!("{}", crate::text::sanitize(n));
    }
    if a.dry_run && !a.json.json {
        preview(ctx, &parsed);
    }
    let counts = |f: &ParsedFile| {
        fill(
            ctx.t("msg.import_counts"),
            &[
                ("file", &f.name),
                ("read", &f.read),
                ("good", &f.good),
                ("bad", &f.bad_rows),
                ("filtered", &f.filtered),
            ],
        )
    };
    let mut problems: Vec<String> = parsed.iter().flat_map(|f| f.problems.clone()).collect();
    if !problems.is_empty() {
        drop(tx);
        problems.extend(parsed.iter().map(counts));
        let bad: usize = parsed.iter().map(|f| f.bad_rows).sum();
        problems.push(format!(
            "{bad} bad row(s), {} problem(s): nothing was imported; fix them and import again",
            problems.len() - parsed.len()
        ));
        return Err(BadInput::many(problems).into());
    }
    taken?;
    let filtered: usize = parsed.iter().map(|f| f.filtered).sum();
    let read: usize = parsed.iter().map(|f| f.read).sum();
    let mut after = crate::workflow::daily::AfterIntake::default();
    if a.dry_run {
        drop(tx);
    } else {
        // This month's quotas may now be short of call-backs the new events can fill, and new
        // stage reports may be due.
        after = crate::workflow::daily::after_intake(
            &tx,
            &ctx.config,
            ctx.clock.today(),
            ctx.clock.now(),
            &ctx.operator,
        )?;
        let files: Vec<String> = a.files.iter().map(|f| f.display().to_string()).collect();
        tx.audit(
            ctx.clock.now(),
            &ctx.operator,
            "import",
            &files.join(", "),
            None,
            Some(&serde_json::json!({ "files": files, "report": report })),
        )?;
        tx.commit()?;
    }
    store.end_bulk_load(bulk)?;
    if a.json.json {
        print_json(&serde_json::json!({
            "dry_run": a.dry_run,
            "report": report,
            "read": read,
            "filtered": filtered,
            "quota_tasks": after.quota_tasks,
            "stage_tasks": after.stage_tasks,
        }))
    } else {
        if a.dry_run || profile.is_some() || filtered > 0 {
            for f in &parsed {
                println!("{}", counts(f));
            }
        }
        let line = fill(
            ctx.t("msg.imported"),
            &[
                ("imported", &report.imported),
                ("skipped", &report.skipped),
                ("conflicts", &report.conflicts),
                ("tasks", &report.tasks_created),
                ("not_selected", &report.not_selected),
            ],
        );
        if a.dry_run {
            println!("{line} {}", ctx.t("msg.dry_run"));
        } else {
            println!("{line}");
        }
        super::plan::print_after_intake(ctx, &after);
        Ok(())
    }
}

/// What the reading thread hands the storing one.
enum Read {
    /// A file is open: at most this many more rows to come.
    Table(usize),
    /// Good rows of the file at this index of the command line, by line.
    Rows(usize, Vec<(usize, NewEvent)>),
}

/// How many rows go over at once (one hand-over per row would cost more than a row's check).
const BATCH: usize = 512;

/// Reads and checks `files` in order, sending their good rows on as they come; the first
/// `PREVIEW_ROWS` of each stay in its `rows` (a dry run shows them). Stops early when the storing
/// side has stopped listening (it failed).
fn read_files(
    files: &[PathBuf],
    config: &crate::config::Config,
    opts: ReadOptions<'_>,
    send: std::sync::mpsc::SyncSender<Read>,
) -> Result<Vec<ParsedFile>, BadInput> {
    let mut parsed = Vec::with_capacity(files.len());
    for (i, path) in files.iter().enumerate() {
        let mut first = Vec::new();
        let mut batch = Vec::with_capacity(BATCH);
        let mut listening = true;
        let mut file = read_file_streamed(path, config, opts, &mut |p| {
            if !listening {
                return;
            }
            match p {
                Parsed::Table(n) => listening = send.send(Read::Table(n)).is_ok(),
                Parsed::Row(line, e) => {
                    if first.len() < PREVIEW_ROWS {
                        first.push((line, e.clone()));
                    }
                    batch.push((line, e));
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        listening = send.send(Read::Rows(i, full)).is_ok();
                    }
                }
            }
        })?;
        if listening && !batch.is_empty() {
            let _ = send.send(Read::Rows(i, batch));
        }
        file.rows = first;
        parsed.push(file);
    }
    Ok(parsed)
}

/// Takes the rows `received` into the store, with a progress count; a row whose ref is stored
/// with other content keeps the stored one, with a warning.
fn take_rows(
    tx: &crate::store::Tx<'_>,
    intake: &mut Intake<'_>,
    report: &mut IntakeReport,
    files: &[PathBuf],
    received: std::sync::mpsc::Receiver<Read>,
) -> Result<()> {
    let mut progress = Progress::new(0);
    let mut done = 0usize;
    for r in received {
        let (i, rows) = match r {
            Read::Table(n) => {
                progress.add_total(n);
                continue;
            }
            Read::Rows(i, rows) => (i, rows),
        };
        for (line, event) in &rows {
            let result = intake.take(tx, event)?;
            if let IntakeResult::Conflict(fields) = &result {
                eprintln!(
                    "{}:{line}: ref: `{}` is already stored with other content ({}); kept the stored one",
                    files[i].display(),
                    crate::text::sanitize(&event.reference),
                    fields.join(", ")
                );
            }
            report.add(&result);
            done += 1;
            progress.tick(done);
        }
    }
    progress.finish();
    Ok(())
}

/// The first rows as huifang would store them.
fn preview(ctx: &Ctx, parsed: &[ParsedFile]) {
    let keys = [
        "col.row",
        "col.ref",
        "col.category",
        "col.major",
        "col.site",
        "col.customer",
        "col.phone",
        "col.unit",
        "col.department",
        "col.matter",
        "col.completed",
    ];
    let headers: Vec<&str> = keys.iter().map(|k| ctx.t(k)).collect();
    for f in parsed {
        if f.rows.is_empty() {
            continue;
        }
        println!("{}", fill(ctx.t("msg.preview_head"), &[("file", &f.name)]));
        let mut t = Table::new(&headers);
        for (line, e) in f.rows.iter().take(PREVIEW_ROWS) {
            t.row(vec![
                line.to_string(),
                e.reference.clone(),
                e.category.clone(),
                if e.major {
                    ctx.t("label.yes").to_string()
                } else {
                    String::new()
                },
                e.site.clone(),
                e.customer.clone(),
                mask_phone(&e.phone),
                e.unit.clone(),
                e.department.clone(),
                e.matter.clone(),
                crate::clock::fmt_datetime(e.completed_at),
            ]);
        }
        print!("{}", t.render());
        if f.good > PREVIEW_ROWS {
            println!(
                "{}",
                fill(
                    ctx.t("msg.preview_more"),
                    &[("n", &(f.good - PREVIEW_ROWS))]
                )
            );
        }
    }
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
}

fn kind_label(ctx: &Ctx, k: &ColumnKind) -> String {
    match k {
        ColumnKind::Empty => ctx.t("type.empty").to_string(),
        ColumnKind::Text => ctx.t("type.text").to_string(),
        ColumnKind::Number => ctx.t("type.number").to_string(),
        ColumnKind::Flag => ctx.t("type.flag").to_string(),
        ColumnKind::Date { text_formats, .. } if text_formats.is_empty() => {
            ctx.t("type.datetime").to_string()
        }
        ColumnKind::Date {
            cells,
            text_formats,
        } => fill(
            ctx.t(if *cells {
                "type.date_mixed"
            } else {
                "type.date_text"
            }),
            &[("format", &text_formats.join(" | "))],
        ),
    }
}

fn kind_code(k: &ColumnKind) -> &'static str {
    match k {
        ColumnKind::Empty => "empty",
        ColumnKind::Text => "text",
        ColumnKind::Number => "number",
        ColumnKind::Flag => "flag",
        ColumnKind::Date { text_formats, .. } if text_formats.is_empty() => "datetime",
        ColumnKind::Date { cells: true, .. } => "datetime_mixed",
        ColumnKind::Date { .. } => "datetime_text",
    }
}

fn run_inspect(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    if a.save_profile.is_some() && a.files.len() != 1 {
        crate::bad_input!("--save-profile: inspect one file to save its proposed profile");
    }
    let mut results: Vec<(String, Inspection)> = Vec::new();
    for path in &a.files {
        let name = path.display().to_string();
        let bytes =
            std::fs::read(path).map_err(|e| BadInput::new(format!("{name}: cannot read: {e}")))?;
        let i =
            inspect(&name, path, &bytes, a.sheet.as_deref(), &ctx.config).map_err(BadInput::new)?;
        results.push((name, i));
    }
    let saved = match (&a.save_profile, results.first()) {
        (Some(n), Some((_, i))) => Some(save_profile(n, &i.profile)?),
        _ => None,
    };
    if a.json.json {
        let files: Vec<_> = results
            .iter()
            .map(|(name, i)| {
                serde_json::json!({
                    "file": name,
                    "sheets": i.sheets,
                    "rows": i.rows,
                    "columns": i.columns.iter().map(|c| serde_json::json!({
                        "position": c.position,
                        "header": c.header,
                        "type": kind_code(&c.kind),
                        "date_formats": match &c.kind { ColumnKind::Date { text_formats, .. } => text_formats.clone(), _ => Vec::new() },
                        "samples": c.samples,
                        "proposed": c.proposed,
                    })).collect::<Vec<_>>(),
                    "profile": i.profile,
                })
            })
            .collect();
        return print_json(&serde_json::json!({
            "files": files,
            "saved": saved.map(|p| p.display().to_string()),
        }));
    }
    for (name, i) in &results {
        println!(
            "{}",
            fill(
                ctx.t("msg.inspect_head"),
                &[("file", name), ("rows", &i.rows)]
            )
        );
        if !i.sheets.is_empty() {
            let sheet = a.sheet.clone().unwrap_or_else(|| i.sheets[0].clone());
            println!(
                "{}",
                fill(
                    ctx.t("msg.inspect_sheets"),
                    &[("sheets", &i.sheets.join(", ")), ("sheet", &sheet)]
                )
            );
        }
        let mut t = Table::new(&[
            ctx.t("col.id"),
            ctx.t("col.column"),
            ctx.t("col.type"),
            ctx.t("col.samples"),
            ctx.t("col.field"),
        ]);
        for c in &i.columns {
            t.row(vec![
                c.position.to_string(),
                c.header.clone(),
                kind_label(ctx, &c.kind),
                c.samples
                    .iter()
                    .map(|s| s.replace(['\n', '\r'], " "))
                    .collect::<Vec<_>>()
                    .join(" | "),
                c.proposed.clone().unwrap_or_default(),
            ]);
        }
        print!("{}", t.render());
        println!("\n{}", ctx.t("msg.proposed_profile"));
        for l in i.profile.lines() {
            println!("{}", crate::text::sanitize(l));
        }
    }
    if let (Some(p), Some(n)) = (saved, &a.save_profile) {
        println!(
            "\n{}",
            fill(
                ctx.t("msg.profile_saved"),
                &[("path", &p.display()), ("name", n)]
            )
        );
    }
    Ok(())
}
