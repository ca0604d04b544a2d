use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::Result;

use super::progress::Progress;
use super::{Ctx, JsonFlag, print_json};
use crate::error::BadInput;
use crate::i18n::fill;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (replaced atomically when it exists).
    pub file: PathBuf,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file made by `huifang backup`.
    pub file: PathBuf,
    #[command(flatten)]
    pub json: JsonFlag,
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

pub fn backup(ctx: &Ctx, a: &BackupArgs) -> Result<()> {
    let db = ctx.db_path()?;
    if !db.exists() {
        return Err(BadInput::new(format!(
            "there is no database at {} to back up: pass --db PATH",
            db.display()
        ))
        .into());
    }
    if same_file(&db, &a.file) {
        return Err(BadInput::new(format!(
            "{}: that is the database itself: back it up to another file",
            a.file.display()
        ))
        .into());
    }
    let store = ctx.open_store()?;
    let mut progress: Option<Progress> = None;
    let done = store.backup_to(&a.file, &mut |done, total| {
        let p = progress.get_or_insert_with(|| Progress::on_terminal(total as usize));
        p.tick_some(done as usize);
    })?;
    if let Some(p) = &progress {
        p.finish();
    }
    if a.json.json {
        return print_json(&done);
    }
    println!(
        "{}",
        fill(
            ctx.t("msg.backup_done"),
            &[
                ("file", &done.file.display()),
                ("mib", &format!("{:.1}", done.bytes as f64 / 1_048_576.0)),
            ]
        )
    );
    Ok(())
}

pub fn restore(ctx: &Ctx, a: &RestoreArgs) -> Result<()> {
    let db = ctx.db_path()?;
    let stamp = ctx.clock.now().format("%Y%m%d-%H%M%S");
    let mut safety = PathBuf::from(format!("{}.before-restore-{stamp}", db.display()));
    let mut n = 2;
    while safety.exists() {
        safety = PathBuf::from(format!("{}.before-restore-{stamp}-{n}", db.display()));
        n += 1;
    }
    let done = crate::store::restore(&a.file, &db, &safety)?;
    if a.json.json {
        return print_json(&done);
    }
    println!(
        "{}",
        fill(
            ctx.t("msg.restore_done"),
            &[
                ("file", &done.file.display()),
                ("db", &done.database.display()),
                ("events", &done.check.events),
            ]
        )
    );
    if let Some(s) = &done.safety_copy {
        println!(
            "{}",
            fill(ctx.t("msg.restore_safety"), &[("file", &s.display())])
        );
    }
    Ok(())
}
