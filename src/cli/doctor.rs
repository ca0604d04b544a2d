//! `huifang doctor`: checks the database and the holiday table, and says what to do about each
//! problem. Changes nothing (the database is neither created nor migrated).

use std::path::Path;

use chrono::Datelike;
use clap::Args;
use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use super::{Ctx, JsonFlag, print_json};
use crate::i18n::fill;

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
struct Check {
    check: &'static str,
    status: Status,
    detail: String,
    /// What to do about it; empty when all is well.
    fix: String,
}

struct Checks<'a> {
    ctx: &'a Ctx,
    list: Vec<Check>,
}

impl Checks<'_> {
    fn add(&mut self, check: &'static str, status: Status, detail: String, fix: String) {
        self.list.push(Check {
            check,
            status,
            detail,
            fix,
        });
    }

    fn t(&self, key: &str) -> &'static str {
        self.ctx.t(key)
    }
}

pub fn run(ctx: &Ctx, a: &DoctorArgs) -> Result<()> {
    let path = ctx.db_path()?;
    let shown = path.display().to_string();
    let mut c = Checks {
        ctx,
        list: Vec::new(),
    };
    if !path.exists() {
        c.add(
            "database",
            Status::Fail,
            fill(c.t("doctor.no_database"), &[("path", &shown)]),
            c.t("doctor.fix_no_database").to_string(),
        );
    } else {
        permissions(&mut c, &path);
        database(&mut c, &path);
    }
    holidays(&mut c);
    let problems = c.list.iter().filter(|x| x.status == Status::Fail).count();
    if a.json.json {
        print_json(&serde_json::json!({
            "database": shown,
            "ok": problems == 0,
            "checks": c.list,
        }))?;
    } else {
        println!("{}", fill(ctx.t("doctor.database"), &[("path", &shown)]));
        for x in &c.list {
            let label = match x.status {
                Status::Ok => ctx.t("doctor.ok"),
                Status::Warn => ctx.t("doctor.warn"),
                Status::Fail => ctx.t("doctor.fail"),
            };
            println!("{label:<6} {}", crate::text::sanitize(&x.detail));
            if !x.fix.is_empty() {
                println!("       → {}", crate::text::sanitize(&x.fix));
            }
        }
        let summary = if problems == 0 {
            ctx.t("doctor.summary_ok").to_string()
        } else {
            fill(ctx.t("doctor.summary_bad"), &[("n", &problems)])
        };
        println!("{summary}");
    }
    if problems > 0 {
        return Err(eyre!("doctor found {problems} problem(s)"));
    }
    Ok(())
}

/// The database, its folder and its -wal/-shm files must be the owner's only.
fn permissions(c: &mut Checks<'_>, path: &Path) {
    let mut files = vec![(path.to_path_buf(), 0o600)];
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        files.push((p.into(), 0o600));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        files.push((dir.to_path_buf(), 0o700));
    }
    let mut loose = 0;
    for (p, want) in files {
        let Some(mode) = mode_of(&p) else { continue };
        if mode & 0o077 != 0 {
            loose += 1;
            let shown = p.display().to_string();
            c.add(
                "permissions",
                Status::Fail,
                fill(
                    c.t("doctor.perm_loose"),
                    &[("path", &shown), ("mode", &format!("{mode:o}"))],
                ),
                fill(
                    c.t("doctor.fix_chmod"),
                    &[("path", &shown), ("mode", &format!("{want:o}"))],
                ),
            );
        }
    }
    if loose == 0 {
        c.add(
            "permissions",
            Status::Ok,
            c.t("doctor.perm_ok").to_string(),
            String::new(),
        );
    }
}

#[cfg(unix)]
fn mode_of(p: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode_of(_: &Path) -> Option<u32> {
    None
}

fn database(c: &mut Checks<'_>, path: &Path) {
    let shown = path.display().to_string();
    let h = match crate::store::inspect(path) {
        Ok(h) => h,
        Err(e) => {
            let detail = crate::store::explain(&e).unwrap_or_else(|| {
                e.chain()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(": ")
            });
            c.add(
                "integrity",
                Status::Fail,
                fill(c.t("doctor.cannot_open"), &[("detail", &detail)]),
                fill(c.t("doctor.fix_integrity"), &[("path", &shown)]),
            );
            return;
        }
    };
    if h.integrity_ok() {
        c.add(
            "integrity",
            Status::Ok,
            c.t("doctor.integrity_ok").to_string(),
            String::new(),
        );
    } else {
        c.add(
            "integrity",
            Status::Fail,
            fill(
                c.t("doctor.integrity_bad"),
                &[("detail", &h.integrity.join("; "))],
            ),
            fill(c.t("doctor.fix_integrity"), &[("path", &shown)]),
        );
    }
    if h.journal_mode == "wal" {
        c.add(
            "wal",
            Status::Ok,
            c.t("doctor.wal_ok").to_string(),
            String::new(),
        );
    } else {
        c.add(
            "wal",
            Status::Fail,
            fill(c.t("doctor.wal_bad"), &[("mode", &h.journal_mode)]),
            c.t("doctor.fix_wal").to_string(),
        );
    }
    let version = h.schema_version;
    match h.pending_migrations {
        Some(0) => c.add(
            "schema",
            Status::Ok,
            fill(c.t("doctor.schema_ok"), &[("version", &version)]),
            String::new(),
        ),
        Some(n) => c.add(
            "schema",
            Status::Fail,
            fill(
                c.t("doctor.schema_old"),
                &[("version", &version), ("pending", &n)],
            ),
            c.t("doctor.fix_schema_old").to_string(),
        ),
        None => c.add(
            "schema",
            Status::Fail,
            fill(c.t("doctor.schema_new"), &[("version", &version)]),
            c.t("doctor.fix_schema_new").to_string(),
        ),
    }
}

/// This year's holiday table is needed now (a problem when missing); next year's is a warning:
/// the State Council publishes it late in the year.
fn holidays(c: &mut Checks<'_>) {
    let year = c.ctx.clock.today().year();
    for (y, missing) in [(year, Status::Fail), (year + 1, Status::Warn)] {
        if c.ctx.config.calendar().covers(y) {
            c.add(
                "holidays",
                Status::Ok,
                fill(c.t("doctor.holidays_ok"), &[("year", &y)]),
                String::new(),
            );
        } else {
            c.add(
                "holidays",
                missing,
                fill(c.t("doctor.holidays_missing"), &[("year", &y)]),
                fill(c.t("doctor.fix_holidays"), &[("year", &y)]),
            );
        }
    }
}
