//! `huifang backup` and `huifang restore`.
//!
//! A backup is SQLite's online backup of the live database, page by page, inside one read
//! transaction of this connection: in WAL mode other processes keep writing meanwhile, and the
//! copy is the database as it was when the backup began (a consistent snapshot, never a mix).
//! It is written to `FILE.partial`, checked (`integrity_check`), then renamed into place.
//!
//! A restore checks the file (an SQLite database that passes `integrity_check`, made by huifang:
//! its tables and a schema version this huifang knows, and not an archive), makes sure no other
//! connection has the live database open, keeps a safety copy of it, and renames a checked copy
//! of the file over it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr, eyre};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::Store;
use crate::error::BadInput;

/// Pages copied per step: small enough for a progress count, large enough to be quick.
const PAGES_PER_STEP: i32 = 256;

#[derive(Debug, Clone, Serialize)]
pub struct BackupDone {
    pub file: PathBuf,
    pub pages: u64,
    pub bytes: u64,
    pub integrity: String,
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Copies the database `from` into the new file `to` with the online backup API, holding one
/// read transaction on `from` across every step so the copy is one snapshot.
fn copy_online(from: &Connection, to: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
    super::create_private(to)?;
    let mut dst = Connection::open(to)?;
    from.execute_batch("BEGIN DEFERRED")?;
    let result = (|| -> Result<u64> {
        // Starts the read transaction now: every step then reads the same snapshot.
        from.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })?;
        let b = Backup::new(from, &mut dst)?;
        loop {
            match b.step(PAGES_PER_STEP)? {
                StepResult::Done => break,
                StepResult::More => {
                    let p = b.progress();
                    progress((p.pagecount - p.remaining) as u64, p.pagecount as u64);
                }
                // The destination is ours alone; a busy source waits a little.
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        Ok(b.progress().pagecount as u64)
    })();
    from.execute_batch("COMMIT")?;
    let pages = result?;
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    drop(dst);
    Ok(pages)
}

fn integrity(c: &Connection) -> Result<String> {
    let rows = c
        .prepare("PRAGMA integrity_check(20)")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.join("; "))
}

fn sync(path: &Path) {
    let _ = std::fs::File::open(path).and_then(|f| f.sync_all());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
}

impl Store {
    /// A consistent copy of this database at `out` (which must not exist), checked, then
    /// renamed into place. Other processes may keep writing meanwhile.
    pub fn backup_to(&self, out: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<BackupDone> {
        let partial = with_suffix(out, ".partial");
        let _ = std::fs::remove_file(&partial);
        let pages = match copy_online(&self.conn, &partial, progress) {
            Ok(p) => p,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e.wrap_err("the backup was not made"));
            }
        };
        let check = Connection::open_with_flags(&partial, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| eyre!(e))
            .and_then(|c| integrity(&c));
        let integrity = match check {
            Ok(i) if i == "ok" => i,
            Ok(i) => {
                let _ = std::fs::remove_file(&partial);
                return Err(eyre!(
                    "the copy fails its integrity check ({i}): no backup was made"
                ));
            }
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e.wrap_err("the copy could not be checked: no backup was made"));
            }
        };
        sync(&partial);
        std::fs::rename(&partial, out)
            .wrap_err_with(|| format!("cannot move the backup into place at {}", out.display()))?;
        sync(out);
        let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
        Ok(BackupDone {
            file: out.to_path_buf(),
            pages,
            bytes,
            integrity,
        })
    }
}

/// What a file offered for restore is.
#[derive(Debug, Clone, Serialize)]
pub struct DbCheck {
    pub schema_version: i64,
    pub events: u64,
    pub audit_entries: u64,
}

/// Opens `path` without changing it or needing its folder to be writable.
fn open_untouched(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// Checks that `path` is a sound huifang database this huifang can use; bad input otherwise.
pub fn check_database(path: &Path) -> Result<DbCheck> {
    let name = path.display();
    if !path.is_file() {
        return Err(BadInput::new(format!("{name}: no such file")).into());
    }
    let not_ours = |why: String| -> color_eyre::eyre::Report {
        BadInput::new(format!(
            "{name}: not a huifang database ({why}): give a file made by `huifang backup`"
        ))
        .into()
    };
    let c = open_untouched(path).map_err(|e| not_ours(e.to_string()))?;
    let check = integrity(&c).map_err(|e| not_ours(e.to_string()))?;
    if check != "ok" {
        return Err(BadInput::new(format!(
            "{name}: the file fails its integrity check ({check}): it is damaged; take another backup"
        ))
        .into());
    }
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in ["events", "tasks", "records", "audit"] {
        if !tables.iter().any(|n| n == t) {
            return Err(not_ours(format!("it has no `{t}` table")));
        }
    }
    let schema_version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = super::schema::migrations()
        .pending_migrations(&c)
        .map_err(|_| {
            BadInput::new(format!(
                "{name}: made by a newer huifang (schema version {schema_version}): upgrade huifang before restoring it"
            ))
        })?;
    if known < 0 {
        return Err(BadInput::new(format!(
            "{name}: made by a newer huifang (schema version {schema_version}): upgrade huifang before restoring it"
        ))
        .into());
    }
    if schema_version == 0 {
        return Err(not_ours("its schema version is 0".into()));
    }
    if let Some((before, source)) = super::archive::archive_of(&c)? {
        return Err(BadInput::new(format!(
            "{name}: an archive (the finished call-backs before {before} of {source}), not a backup: read it with `huifang --db {name}`; restore a file made by `huifang backup`"
        ))
        .into());
    }
    let count = |t: &str| -> Result<u64> {
        Ok(c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
            r.get::<_, i64>(0)
        })? as u64)
    };
    Ok(DbCheck {
        schema_version,
        events: count("events")?,
        audit_entries: count("audit")?,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub file: PathBuf,
    pub database: PathBuf,
    /// The database as it was before, kept beside it (none when there was none).
    pub safety_copy: Option<PathBuf>,
    pub check: DbCheck,
}

/// Puts the checked file `from` in place of the database at `db`, keeping `safety` (a path
/// that must not exist) as a copy of what was there. Refused while another connection has the
/// database open.
pub fn restore(from: &Path, db: &Path, safety: &Path) -> Result<Restored> {
    let check = check_database(from)?;
    if db.exists()
        && let (Ok(a), Ok(b)) = (from.canonicalize(), db.canonicalize())
        && a == b
    {
        return Err(BadInput::new(format!(
            "{}: that is the database itself: restore another file",
            from.display()
        ))
        .into());
    }
    let staged = with_suffix(db, ".restore-partial");
    let _ = std::fs::remove_file(&staged);
    // A checked copy of the file, next to the database so the rename is atomic.
    let src = open_untouched(from)?;
    if let Err(e) = copy_online(&src, &staged, &mut |_, _| {}) {
        let _ = std::fs::remove_file(&staged);
        return Err(e.wrap_err("the file could not be copied: nothing was changed"));
    }
    drop(src);
    let staged_ok = open_untouched(&staged)
        .map_err(|e| eyre!(e))
        .and_then(|c| integrity(&c));
    if !matches!(staged_ok.as_deref(), Ok("ok")) {
        let _ = std::fs::remove_file(&staged);
        return Err(eyre!(
            "the staged copy does not check out: nothing was changed"
        ));
    }
    let mut safety_copy = None;
    // Held until the rename: no other huifang can open the old database in between.
    let mut holder = None;
    if db.exists() {
        let c = Connection::open(db)?;
        c.busy_timeout(Duration::from_millis(500))?;
        // Leaving WAL needs every other connection closed; it also folds the -wal into the file.
        let mode: rusqlite::Result<String> =
            c.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0));
        match mode {
            Ok(m) if m.eq_ignore_ascii_case("delete") => {}
            _ => {
                let _ = std::fs::remove_file(&staged);
                return Err(BadInput::new(format!(
                    "{} is in use (a TUI or another huifang command has it open): close them, then restore; nothing was changed",
                    db.display()
                ))
                .into());
            }
        }
        c.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        c.execute_batch("BEGIN EXCLUSIVE")?;
        std::fs::copy(db, safety)
            .wrap_err_with(|| format!("cannot keep a safety copy at {}", safety.display()))?;
        super::restrict(safety, 0o600);
        sync(safety);
        safety_copy = Some(safety.to_path_buf());
        holder = Some(c);
    }
    sync(&staged);
    std::fs::rename(&staged, db)
        .wrap_err_with(|| format!("cannot put the file in place at {}", db.display()))?;
    sync(db);
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(db, side));
    }
    drop(holder);
    Ok(Restored {
        file: from.to_path_buf(),
        database: db.to_path_buf(),
        safety_copy,
        check,
    })
}
