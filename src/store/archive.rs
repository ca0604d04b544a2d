//! `huifang archive`: moves whole, finished call-back chains older than a date, and the audit
//! entries before it, into a self-contained SQLite file with the same schema; verifies the file;
//! then removes those rows from the live database in the same transaction that selected them.
//!
//! A chain is an event with its tasks, attempts, records, reviews, corrections, escalations and
//! escalation steps. It moves only whole, and only when everything in it is dated before the
//! date: the event completed, every task finished (none pending), every escalation closed, and
//! no attempt, record, review, correction or step on or after the date. An event whose
//! escalation is still open stays, with everything it holds.
//!
//! The audit log moves as a prefix: the entries up to the last one dated before the date with
//! no later-dated entry before it. The live database keeps an anchor (`audit_anchors`: the last
//! moved entry's `seq` and `hash`), so its chain verifies from there; the archive keeps the
//! anchor it started from, so its own chain verifies too, and it ends at the hash the live
//! log continues from.
//!
//! Deleting history is refused by triggers unless `huifang_archiving()` is true, which it is
//! only on this connection while this function holds the flag (see `ArchivingGuard`).

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::{Result, WrapErr, eyre};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{ArchivingGuard, Reads, Store, Tx};

/// The tables of a chain, parents first (the order rows are written into the archive; they are
/// removed from the live database in the reverse order).
const CHAIN_TABLES: &[&str] = &[
    "events",
    "tasks",
    "records",
    "record_answers",
    "attempts",
    "escalations",
    "reviews",
    "record_corrections",
    "escalation_steps",
];

/// How each chain table's rows are found from the selected events.
const CHAIN_SELECT: &[(&str, &str)] = &[
    (
        "tasks",
        "SELECT id FROM tasks WHERE event_id IN (SELECT id FROM temp.arch_events)",
    ),
    (
        "records",
        "SELECT id FROM records WHERE task_id IN (SELECT id FROM temp.arch_tasks)",
    ),
    (
        "record_answers",
        "SELECT id FROM record_answers WHERE record_id IN (SELECT id FROM temp.arch_records)",
    ),
    (
        "attempts",
        "SELECT id FROM attempts WHERE task_id IN (SELECT id FROM temp.arch_tasks)",
    ),
    (
        "escalations",
        "SELECT id FROM escalations WHERE event_id IN (SELECT id FROM temp.arch_events)",
    ),
    (
        "reviews",
        "SELECT id FROM reviews WHERE record_id IN (SELECT id FROM temp.arch_records)",
    ),
    (
        "record_corrections",
        "SELECT id FROM record_corrections WHERE record_id IN (SELECT id FROM temp.arch_records)",
    ),
    (
        "escalation_steps",
        "SELECT id FROM escalation_steps WHERE escalation_id IN (SELECT id FROM temp.arch_escalations)",
    ),
];

/// Events whose whole chain is dated before ?1 (a `YYYY-MM-DD`; text comparison of the stored
/// `YYYY-MM-DD HH:MM:SS` timestamps).
const SELECT_EVENTS: &str = "
SELECT e.id FROM events e
WHERE e.completed_at < ?1
  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id
        AND (t.state = 'pending' OR t.closed_at IS NULL OR t.closed_at >= ?1))
  AND NOT EXISTS (SELECT 1 FROM tasks t JOIN attempts a ON a.task_id = t.id
        WHERE t.event_id = e.id AND a.at >= ?1)
  AND NOT EXISTS (SELECT 1 FROM tasks t JOIN records r ON r.task_id = t.id
        WHERE t.event_id = e.id AND r.recorded_at >= ?1)
  AND NOT EXISTS (SELECT 1 FROM tasks t JOIN records r ON r.task_id = t.id
        JOIN reviews v ON v.record_id = r.id WHERE t.event_id = e.id AND v.reviewed_at >= ?1)
  AND NOT EXISTS (SELECT 1 FROM tasks t JOIN records r ON r.task_id = t.id
        JOIN record_corrections k ON k.record_id = r.id WHERE t.event_id = e.id AND k.at >= ?1)
  AND NOT EXISTS (SELECT 1 FROM escalations x WHERE x.event_id = e.id
        AND (x.state <> 'closed' OR x.closed_at IS NULL OR x.closed_at >= ?1 OR x.opened_at >= ?1))
  AND NOT EXISTS (SELECT 1 FROM escalations x JOIN escalation_steps s ON s.escalation_id = x.id
        WHERE x.event_id = e.id AND s.at >= ?1)";

/// Rows of one table that move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: u64,
}

/// What an archive moves (or, with `--dry-run`, would move).
#[derive(Debug, Clone, Serialize)]
pub struct ArchivePlan {
    pub before: NaiveDate,
    pub tables: Vec<TableCount>,
    /// Audit entries moved: `seq` from `audit_from` to `audit_to`.
    pub audit_from: Option<i64>,
    pub audit_to: Option<i64>,
    /// Events completed before the date that stay, because their chain is not finished or
    /// reaches the date.
    pub events_kept: u64,
}

impl ArchivePlan {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    pub fn count(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.rows)
    }

    pub fn is_empty(&self) -> bool {
        self.rows() == 0
    }
}

/// What an archive did.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveDone {
    pub plan: ArchivePlan,
    pub file: PathBuf,
    /// SHA-256 over every moved row, table by table in id order: the same in both files.
    pub digest: String,
    pub integrity: String,
}

/// Selects the rows into `temp.arch_*` tables on the transaction's connection.
fn select(c: &Connection, before: NaiveDate) -> Result<ArchivePlan> {
    let d = before.to_string();
    for t in CHAIN_TABLES {
        c.execute_batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS arch_{t} (id INTEGER PRIMARY KEY); DELETE FROM temp.arch_{t};"
        ))?;
    }
    c.execute(
        &format!("INSERT INTO temp.arch_events (id) {SELECT_EVENTS}"),
        [&d],
    )?;
    for (t, sql) in CHAIN_SELECT {
        c.execute(&format!("INSERT INTO temp.arch_{t} (id) {sql}"), [])?;
    }
    let mut tables = Vec::new();
    for t in CHAIN_TABLES {
        let rows: i64 = c.query_row(&format!("SELECT count(*) FROM temp.arch_{t}"), [], |r| {
            r.get(0)
        })?;
        tables.push(TableCount {
            table: t.to_string(),
            rows: rows as u64,
        });
    }
    let before_d: i64 = c.query_row(
        "SELECT count(*) FROM events WHERE completed_at < ?1",
        [&d],
        |r| r.get(0),
    )?;
    let events_kept = before_d as u64 - tables[0].rows;
    // The audit prefix: everything before the first entry dated on or after the date.
    let (first, last): (Option<i64>, Option<i64>) =
        c.query_row("SELECT min(seq), max(seq) FROM audit", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let first_young: Option<i64> =
        c.query_row("SELECT min(seq) FROM audit WHERE at >= ?1", [&d], |r| {
            r.get(0)
        })?;
    let audit_to = match (first, first_young) {
        (None, _) => None,
        (Some(f), Some(y)) if y <= f => None,
        (Some(_), Some(y)) => Some(y - 1),
        (Some(_), None) => last,
    };
    Ok(ArchivePlan {
        before,
        tables,
        audit_from: audit_to.and(first),
        audit_to,
        events_kept,
    })
}

fn columns(c: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = c.prepare(&format!("PRAGMA table_info({table})"))?;
    let cols = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

/// Feeds one value to the digest, typed, so that `1` and `'1'` differ.
fn hash_value(h: &mut Sha256, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => h.update(b"n;"),
        ValueRef::Integer(i) => h.update(format!("i{i};").as_bytes()),
        ValueRef::Real(f) => h.update(format!("r{};", f.to_bits()).as_bytes()),
        ValueRef::Text(t) => {
            h.update(format!("t{}:", t.len()).as_bytes());
            h.update(t);
        }
        ValueRef::Blob(b) => {
            h.update(format!("b{}:", b.len()).as_bytes());
            h.update(b);
        }
    }
}

/// The `SELECT` of one table's moving rows: on the live side through the `temp.arch_*`
/// selection, on the archive side every row.
fn rows_sql(table: &str, cols: &[String], live: bool, audit_to: Option<i64>) -> String {
    let list = cols.join(", ");
    match (table, live) {
        ("audit", true) => format!(
            "SELECT {list} FROM audit WHERE seq <= {} ORDER BY seq",
            audit_to.unwrap_or(0)
        ),
        ("audit", false) => format!("SELECT {list} FROM audit ORDER BY seq"),
        (t, true) => {
            format!("SELECT {list} FROM {t} WHERE id IN (SELECT id FROM temp.arch_{t}) ORDER BY id")
        }
        (t, false) => format!("SELECT {list} FROM {t} ORDER BY id"),
    }
}

/// SHA-256 over the moving rows of every chain table and the audit prefix.
fn digest(c: &Connection, live: bool, audit_to: Option<i64>) -> Result<String> {
    let mut h = Sha256::new();
    for t in CHAIN_TABLES.iter().chain(&["audit"]) {
        let cols = columns(c, t)?;
        h.update(format!("table {t}\n").as_bytes());
        let mut stmt = c.prepare(&rows_sql(t, &cols, live, audit_to))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            for i in 0..cols.len() {
                hash_value(&mut h, r.get_ref(i)?);
            }
            h.update(b"\n");
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Copies the moving rows of `table` from the live transaction into the archive's.
fn copy_table(
    from: &Connection,
    to: &Connection,
    table: &str,
    audit_to: Option<i64>,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let cols = columns(from, table)?;
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let mut insert = to.prepare(&format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        cols.join(", "),
        marks.join(", ")
    ))?;
    let mut stmt = from.prepare(&rows_sql(table, &cols, true, audit_to))?;
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let values = (0..cols.len())
            .map(|i| r.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        insert.execute(rusqlite::params_from_iter(values))?;
        n += 1;
        progress(1);
    }
    Ok(n)
}

/// Copies every row of a small table (staff, quarter closes, anchors) as it is.
fn copy_all(from: &Connection, to: &Connection, table: &str) -> Result<()> {
    let cols = columns(from, table)?;
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let mut insert = to.prepare(&format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        cols.join(", "),
        marks.join(", ")
    ))?;
    let mut stmt = from.prepare(&format!("SELECT {} FROM {table}", cols.join(", ")))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let values = (0..cols.len())
            .map(|i| r.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        insert.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

fn counts_json(plan: &ArchivePlan) -> String {
    let mut m = serde_json::Map::new();
    for t in &plan.tables {
        m.insert(t.table.clone(), t.rows.into());
    }
    m.insert(
        "audit".into(),
        (plan.audit_to.zip(plan.audit_from))
            .map_or(0, |(to, from)| to - from + 1)
            .into(),
    );
    serde_json::Value::Object(m).to_string()
}

/// Checks the finished archive file on a fresh read-only connection: integrity, foreign keys,
/// the row count of each table, the digest, and its audit chain.
fn verify_file(path: &Path, plan: &ArchivePlan, want_digest: &str) -> Result<String> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        return Err(eyre!("the archive fails its integrity check: {integrity}"));
    }
    let fk: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if fk != 0 {
        return Err(eyre!(
            "the archive has {fk} row(s) pointing at rows it does not hold: a chain is not whole"
        ));
    }
    for t in &plan.tables {
        let n: i64 = c.query_row(&format!("SELECT count(*) FROM {}", t.table), [], |r| {
            r.get(0)
        })?;
        if n as u64 != t.rows {
            return Err(eyre!(
                "the archive holds {n} row(s) of {} where {} were selected",
                t.table,
                t.rows
            ));
        }
    }
    let got = digest(&c, false, None)?;
    if got != want_digest {
        return Err(eyre!(
            "the archive's content digest {got} differs from the selected rows' {want_digest}"
        ));
    }
    let v = super::audit::verify(&c)?;
    if !v.problems.is_empty() {
        return Err(eyre!(
            "the archive's audit log does not verify: {}",
            v.problems.join("; ")
        ));
    }
    Ok(integrity)
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)?.sync_all()?;
    Ok(())
}

impl Store {
    /// What an archive before `before` would move, without moving anything.
    /// A deferred transaction: it only reads the database (the selection goes to temp tables),
    /// so a dry run takes no write lock and works on a read-only file.
    pub fn archive_plan(&mut self, before: NaiveDate) -> Result<ArchivePlan> {
        let tx = self.conn.transaction()?;
        let plan = select(&tx, before)?;
        drop(tx);
        Ok(plan)
    }

    /// Moves the rows of [`ArchivePlan`] into a new archive at `out` (refused when it exists),
    /// verifies it, and removes them from this database. `progress` hears of each row copied,
    /// out of `ArchivePlan::rows()` plus the audit entries.
    pub fn archive(
        &mut self,
        before: NaiveDate,
        out: &Path,
        actor: &str,
        now: NaiveDateTime,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ArchiveDone> {
        let partial = partial_path(out);
        let _ = std::fs::remove_file(&partial);
        let flag = std::sync::Arc::clone(&self.archiving);
        let source = self.path.display().to_string();
        let tx = self.write()?;
        let plan = select(&tx.tx, before)?;
        let audit_rows = plan
            .audit_to
            .zip(plan.audit_from)
            .map_or(0, |(to, from)| (to - from + 1) as u64);
        let total = plan.rows() + audit_rows;
        let want = digest(&tx.tx, true, plan.audit_to)?;
        let written = write_archive(&tx, &partial, &plan, &want, &source, now, &mut |n| {
            progress(n, total)
        });
        let integrity = match written.and_then(|()| verify_file(&partial, &plan, &want)) {
            Ok(i) => i,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e.wrap_err("the archive was not written: nothing was removed"));
            }
        };
        sync_file(&partial)?;
        std::fs::rename(&partial, out)
            .wrap_err_with(|| format!("cannot move the archive into place at {}", out.display()))?;
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        // The archive is safe on disk: now the rows go, in one transaction.
        let removed = (|| -> Result<()> {
            let _guard = ArchivingGuard::on(&flag);
            for t in CHAIN_TABLES.iter().rev() {
                tx.tx.execute(
                    &format!("DELETE FROM {t} WHERE id IN (SELECT id FROM temp.arch_{t})"),
                    [],
                )?;
            }
            if let Some(to) = plan.audit_to {
                let hash: String =
                    tx.tx
                        .query_row("SELECT hash FROM audit WHERE seq = ?1", [to], |r| r.get(0))?;
                tx.tx.execute("DELETE FROM audit WHERE seq <= ?1", [to])?;
                tx.tx.execute(
                    "INSERT INTO audit_anchors (seq, hash, archive, at) VALUES (?1, ?2, ?3, ?4)",
                    params![to, hash, out.display().to_string(), now],
                )?;
            }
            Ok(())
        })();
        if let Err(e) = removed {
            return Err(e.wrap_err(format!(
                "the archive {} was written and verified, but the rows could not be removed from the live database (nothing was removed): remove the archive file, or keep it as a copy",
                out.display()
            )));
        }
        tx.tx.execute(
            "INSERT INTO archives (role, before, file, made_at, counts, digest) VALUES ('source', ?1, ?2, ?3, ?4, ?5)",
            params![before, out.display().to_string(), now, counts_json(&plan), want],
        )?;
        tx.audit(
            now,
            actor,
            "archive",
            &format!("archive:{}", out.display()),
            None,
            Some(&serde_json::json!({
                "before": before,
                "file": out.display().to_string(),
                "counts": serde_json::from_str::<serde_json::Value>(&counts_json(&plan))?,
                "audit_to": plan.audit_to,
                "digest": want,
            })),
        )?;
        for t in CHAIN_TABLES {
            tx.tx
                .execute_batch(&format!("DROP TABLE IF EXISTS temp.arch_{t};"))?;
        }
        tx.commit().wrap_err_with(|| {
            format!(
                "the archive {} was written, but removing its rows from the live database failed (nothing was removed)",
                out.display()
            )
        })?;
        Ok(ArchiveDone {
            plan,
            file: out.to_path_buf(),
            digest: want,
            integrity,
        })
    }
}

/// `FILE.partial`: where the archive is written until it is verified.
fn partial_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_os_string();
    s.push(".partial");
    PathBuf::from(s)
}

/// Writes the archive file: the same schema (migrations), the moving rows, the staff list, the
/// quarter closes, the anchor its audit log starts from, and what it holds.
fn write_archive(
    live: &Tx<'_>,
    path: &Path,
    plan: &ArchivePlan,
    digest: &str,
    source: &str,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut archive = Store::open(path)
        .wrap_err_with(|| format!("cannot create the archive {}", path.display()))?;
    let flag = std::sync::Arc::clone(&archive.archiving);
    {
        let atx = archive.write()?;
        let _guard = ArchivingGuard::on(&flag);
        for t in CHAIN_TABLES {
            copy_table(&live.tx, &atx.tx, t, plan.audit_to, &mut |n| progress(n))?;
        }
        if plan.audit_to.is_some() {
            copy_table(&live.tx, &atx.tx, "audit", plan.audit_to, &mut |n| {
                progress(n)
            })?;
        }
        for t in ["staff", "audit_anchors", "quarter_closes"] {
            copy_all(&live.tx, &atx.tx, t)?;
        }
        atx.tx.execute(
            "INSERT INTO archives (role, before, file, made_at, counts, digest) VALUES ('archive', ?1, ?2, ?3, ?4, ?5)",
            params![plan.before, source, now, counts_json(plan), digest],
        )?;
        atx.commit()?;
    }
    // One self-contained file: no -wal beside it.
    archive.conn.pragma_update(None, "journal_mode", "DELETE")?;
    drop(archive);
    Ok(())
}

/// The archive a database file is, if it is one: (before, source).
pub(super) fn archive_of(c: &Connection) -> Result<Option<(String, String)>> {
    use rusqlite::OptionalExtension;
    let has: bool = c.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'archives')",
        [],
        |r| r.get(0),
    )?;
    if !has {
        return Ok(None);
    }
    Ok(c.query_row(
        "SELECT before, file FROM archives WHERE role = 'archive' LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?)
}

impl Store {
    /// When this database is an archive file: the date it holds rows before, and where from.
    pub fn archive_info(&self) -> Result<Option<(String, String)>> {
        archive_of(self.conn())
    }
}
