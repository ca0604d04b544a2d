//! The audit log: append-only (triggers refuse UPDATE and DELETE), each entry chained to the one
//! before by a SHA-256 hash, so that an edit or a gap made outside the application shows.
//!
//! The hash of an entry is SHA-256, in lower-case hex, over its fields `seq`, `at`, `actor`,
//! `os_user`, `action`, `subject`, `before`, `after` and `prev` in that order, each written as
//! its UTF-8 byte length in decimal, a colon, the bytes and a newline (a NULL as `~` and a
//! newline). `prev` is the hash of the entry before, or 64 zeros for the first.

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Tx;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// The operating-system user that ran the program (differs from `actor` under `--as`).
    pub os_user: String,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry should carry (see the module's documentation).
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let seq = self.seq.to_string();
        let fields: [Option<&str>; 9] = [
            Some(&seq),
            Some(&self.at),
            Some(&self.actor),
            Some(&self.os_user),
            Some(&self.action),
            Some(&self.subject),
            self.before.as_deref(),
            self.after.as_deref(),
            Some(&self.prev),
        ];
        for f in fields {
            match f {
                Some(s) => {
                    h.update(s.len().to_string().as_bytes());
                    h.update(b":");
                    h.update(s.as_bytes());
                    h.update(b"\n");
                }
                None => h.update(b"~\n"),
            }
        }
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    }
}

/// The user the operating system says runs the program.
pub fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The timestamp format of the log (part of what is hashed).
pub fn fmt_at(at: NaiveDateTime) -> String {
    crate::clock::iso_seconds(at)
}

const COLUMNS: &str = "seq, at, actor, os_user, action, subject, before, after, prev, hash";

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        os_user: r.get(3)?,
        action: r.get(4)?,
        subject: r.get(5)?,
        before: r.get(6)?,
        after: r.get(7)?,
        prev: r.get(8)?,
        hash: r.get(9)?,
    })
}

/// Entries from `since` on (all when `None`), in order.
pub(super) fn list(c: &Connection, since: Option<NaiveDateTime>) -> Result<Vec<AuditEntry>> {
    let sql = format!("SELECT {COLUMNS} FROM audit WHERE ?1 IS NULL OR at >= ?1 ORDER BY seq");
    Ok(c.prepare_cached(&sql)?
        .query_map([since.map(fmt_at)], entry_from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The entry the chain continues from after `huifang archive` moved the older entries out
/// (`audit_anchors`): its `seq` and `hash`. `None` when the log starts at entry 1.
pub(super) fn anchor(c: &Connection) -> Result<Option<(i64, String)>> {
    Ok(
        c.prepare_cached("SELECT seq, hash FROM audit_anchors ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

/// What `audit verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub entries: u64,
    /// The log starts after this entry, whose hash the first entry chains to: the entries up
    /// to it were moved to an archive (`huifang archive`), where they verify on their own.
    pub starts_after: Option<i64>,
    /// The hash of the last entry: note it down to detect a truncated tail later.
    pub last_hash: String,
    pub problems: Vec<String>,
}

/// Walks the whole chain: consecutive sequence numbers from 1 (or from the anchor an archive
/// left), each `prev` the hash before, each `hash` what its fields give.
pub(super) fn verify(c: &Connection) -> Result<Verification> {
    let anchor = anchor(c)?;
    let sql = format!("SELECT {COLUMNS} FROM audit ORDER BY seq");
    let mut stmt = c.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let (mut expected_seq, mut prev) = match &anchor {
        Some((seq, hash)) => (seq + 1, hash.clone()),
        None => (1i64, GENESIS.to_string()),
    };
    let mut problems = Vec::new();
    let mut entries = 0u64;
    while let Some(r) = rows.next()? {
        let e = entry_from_row(r)?;
        entries += 1;
        if e.seq != expected_seq {
            problems.push(format!(
                "entry {}: expected entry {expected_seq} here: {} entr{} missing",
                e.seq,
                e.seq - expected_seq,
                if e.seq - expected_seq == 1 {
                    "y is"
                } else {
                    "ies are"
                }
            ));
        }
        if e.prev != prev {
            problems.push(format!(
                "entry {}: does not follow the entry before it (its `prev` is not that entry's hash): an entry was removed or inserted",
                e.seq
            ));
        }
        if e.compute_hash() != e.hash {
            problems.push(format!(
                "entry {}: its content does not match its hash: it was changed after it was written",
                e.seq
            ));
        }
        expected_seq = e.seq + 1;
        prev = e.hash;
    }
    Ok(Verification {
        entries,
        starts_after: anchor.map(|(seq, _)| seq),
        last_hash: prev,
        problems,
    })
}

impl Tx<'_> {
    /// Appends one entry: who (`actor`, and the OS user), when, what was done to which subject,
    /// and the values before and after (JSON).
    pub fn audit(
        &self,
        at: NaiveDateTime,
        actor: &str,
        action: &str,
        subject: &str,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Result<i64> {
        let last: Option<(i64, String)> = self
            .tx
            .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        // After an archive moved every entry out, the chain continues from its anchor.
        let last = match last {
            Some(l) => Some(l),
            None => anchor(&self.tx)?,
        };
        let (seq, prev) = match last {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS.to_string()),
        };
        let mut e = AuditEntry {
            seq,
            at: fmt_at(at),
            actor: actor.to_string(),
            os_user: os_user(),
            action: action.to_string(),
            subject: subject.to_string(),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
            prev,
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        let sql = format!(
            "INSERT INTO audit ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        );
        self.tx.prepare_cached(&sql)?.execute(params![
            e.seq, e.at, e.actor, e.os_user, e.action, e.subject, e.before, e.after, e.prev, e.hash
        ])?;
        Ok(seq)
    }
}
