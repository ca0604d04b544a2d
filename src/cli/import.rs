use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::Result;

use super::progress::Progress;
use super::{Ctx, JsonFlag, print_json};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::import::read_file;
use crate::workflow::{Intake, IntakeReport, IntakeResult};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV (UTF-8 or GBK, header row) or JSON Lines (.jsonl) files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check the files and show what would happen, without storing anything.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    // Every file is read and checked before anything is stored: one bad row refuses its file,
    // and a refused file stops the whole run, so a fixed file can simply be imported again.
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for path in &a.files {
        let file = read_file(path, &ctx.config)?;
        for n in &file.notes {
            eprintln!("{}", crate::text::sanitize(n));
        }
        problems.extend(file.problems.iter().cloned());
        parsed.push(file);
    }
    if !problems.is_empty() {
        problems.push(format!(
            "{} bad row(s): nothing was imported; fix them and import again",
            problems.len()
        ));
        return Err(BadInput::many(problems).into());
    }
    let total: usize = parsed.iter().map(|f| f.rows.len()).sum();
    let progress = Progress::new(total);
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let mut intake = Intake::new(&ctx.config, ctx.clock.now());
    let mut report = IntakeReport::default();
    let mut done = 0usize;
    for file in &parsed {
        for (line, event) in &file.rows {
            let result = intake.take(&tx, event)?;
            if let IntakeResult::Conflict(fields) = &result {
                eprintln!(
                    "{}:{line}: ref: `{}` is already stored with other content ({}); kept the stored one",
                    file.name,
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
    if a.dry_run {
        drop(tx);
    } else {
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
    if a.json.json {
        print_json(&serde_json::json!({ "dry_run": a.dry_run, "report": report }))
    } else {
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
        Ok(())
    }
}
