//! The SQLite store. Every SQL statement of huifang lives in this module, behind an API of
//! domain types, so the rest of the program never knows which engine it talks to.
//!
//! WAL mode, foreign keys on, a busy timeout, and `BEGIN IMMEDIATE` for every writing
//! transaction (a deferred read-then-write transaction would get SQLITE_BUSY at once).

mod audit;
mod escalations;
mod events;
mod records;
mod reviews;
mod schema;
mod staff;
mod tasks;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::{Result, WrapErr, eyre};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::domain::{
    Attempt, CallbackTask, EventId, NewEvent, Record, ServiceEvent, Staff, StaffRole, TaskId,
};
use crate::rules::{Cohort, CohortCount};

pub use audit::{AuditEntry, GENESIS, Verification, os_user};
pub use escalations::{
    EscalationFilter, EscalationInsert, EscalationStep, EscalationView, StepInsert,
};
pub use events::{EventInsert, RateRow};
pub use records::AttemptInsert;
pub use reviews::{Correction, Review, ReviewItem};
pub use tasks::{DueItem, DueQuery, OpenTask, TaskInsert};

/// How long a writer waits for another before giving up with a clear message.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A writing transaction (`BEGIN IMMEDIATE`). Dropped without `commit`, it rolls back.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
}

/// Read queries, available on the store and inside a transaction (which sees its own writes).
pub trait Reads {
    #[doc(hidden)]
    fn conn(&self) -> &Connection;

    fn event_by_ref(&self, reference: &str) -> Result<Option<ServiceEvent>> {
        events::by_ref(self.conn(), reference)
    }
    fn event_by_id(&self, id: EventId) -> Result<Option<ServiceEvent>> {
        events::by_id(self.conn(), id)
    }
    /// The content fingerprint of a stored event, to tell a re-import from a conflict.
    fn event_fingerprint(&self, reference: &str) -> Result<Option<String>> {
        events::fingerprint(self.conn(), reference)
    }
    fn cohort_count(&self, cohort: &Cohort) -> Result<CohortCount> {
        events::cohort_count(self.conn(), cohort)
    }
    /// Other events of the same customer or unit at the same site, newest first.
    fn related_events(&self, e: &ServiceEvent, limit: usize) -> Result<Vec<ServiceEvent>> {
        events::related(self.conn(), e, limit)
    }
    /// Earlier events on the same matter at the same customer or unit since `since`.
    fn repeat_count(&self, e: &NewEvent, since: NaiveDateTime) -> Result<u32> {
        events::repeat_count(self.conn(), e, since)
    }
    /// The outcome code of the customer's latest call-back.
    fn last_outcome(&self, e: &NewEvent) -> Result<Option<String>> {
        events::last_outcome(self.conn(), e)
    }
    /// Events, selected, and selected-but-unreachable events of a cohort.
    fn cohort_reach(&self, cohort: &Cohort) -> Result<(u64, u64, u64)> {
        events::cohort_reach(self.conn(), cohort)
    }
    /// Events of a cohort not selected for call-back, newest first.
    fn unselected_events(&self, cohort: &Cohort, limit: usize) -> Result<Vec<ServiceEvent>> {
        events::unselected(self.conn(), cohort, limit)
    }
    /// Rates per site × category of a month (`YYYY-MM`).
    fn rates(&self, month: &str, site: Option<&str>) -> Result<Vec<RateRow>> {
        events::rates(self.conn(), month, site)
    }
    fn event_count(&self) -> Result<u64> {
        events::count(self.conn())
    }
    fn task(&self, id: TaskId) -> Result<Option<CallbackTask>> {
        tasks::by_id(self.conn(), id)
    }
    /// Who holds a claim on the task and until when (an expired claim is still returned).
    fn claim_of(&self, id: TaskId) -> Result<Option<(String, NaiveDateTime)>> {
        tasks::claim_of(self.conn(), id)
    }
    fn tasks_of_event(&self, event: EventId) -> Result<Vec<CallbackTask>> {
        tasks::of_event(self.conn(), event)
    }
    /// The call-backs still to do on a day (default today), most urgent first; those waiting
    /// for their next attempt after the ones that can be tried `now`.
    fn due(&self, q: &DueQuery, now: NaiveDateTime) -> Result<Vec<DueItem>> {
        tasks::due(self.conn(), q, now)
    }
    /// Pending tasks whose window opened on or before `day`, in id order.
    fn open_tasks(&self, day: NaiveDate) -> Result<Vec<OpenTask>> {
        tasks::open_by(self.conn(), day)
    }
    fn record_of_task(&self, task: TaskId) -> Result<Option<Record>> {
        records::record_of_task(self.conn(), task)
    }
    fn record_by_id(&self, id: i64) -> Result<Option<Record>> {
        records::record_by_id(self.conn(), id)
    }
    fn attempts_of_task(&self, task: TaskId) -> Result<Vec<Attempt>> {
        records::attempts_of_task(self.conn(), task)
    }
    fn records_since(&self, since: NaiveDateTime) -> Result<u64> {
        records::records_since(self.conn(), since)
    }
    /// Escalations not closed (or all): those overdue on `today` first, then oldest first.
    fn escalations(&self, all: bool, today: NaiveDate) -> Result<Vec<EscalationView>> {
        let filter = if all {
            EscalationFilter::All
        } else {
            EscalationFilter::Open
        };
        escalations::list(self.conn(), filter, today)
    }
    /// Escalations of one event, or one escalation, in the same order.
    fn escalations_where(
        &self,
        filter: EscalationFilter,
        today: NaiveDate,
    ) -> Result<Vec<EscalationView>> {
        escalations::list(self.conn(), filter, today)
    }
    fn escalation(&self, id: i64, today: NaiveDate) -> Result<Option<EscalationView>> {
        Ok(
            escalations::list(self.conn(), EscalationFilter::Id(id), today)?
                .into_iter()
                .next(),
        )
    }
    /// The history of an escalation, step by step.
    fn escalation_steps(&self, id: i64) -> Result<Vec<EscalationStep>> {
        escalations::steps(self.conn(), id)
    }
    /// The handled escalation whose re-call-back is `task`.
    fn escalation_of_recall(&self, task: TaskId) -> Result<Option<i64>> {
        escalations::by_recall_task(self.conn(), task)
    }
    /// The escalation not closed yet that a record opened or belongs to.
    fn open_escalation_of_record(&self, record: i64) -> Result<Option<i64>> {
        escalations::open_of_record(self.conn(), record)
    }
    fn staff(&self) -> Result<Vec<Staff>> {
        staff::list(self.conn())
    }
    fn staff_member(&self, name: &str) -> Result<Option<Staff>> {
        staff::by_name(self.conn(), name)
    }
    /// How many staff have the role (any role for `None`).
    fn staff_count(&self, role: Option<StaffRole>) -> Result<u64> {
        staff::count(self.conn(), role)
    }
    /// Records waiting for review, oldest first.
    fn review_queue(&self, limit: Option<usize>) -> Result<Vec<ReviewItem>> {
        reviews::queue(self.conn(), limit)
    }
    fn review_of(&self, record: i64) -> Result<Option<Review>> {
        reviews::of_record(self.conn(), record)
    }
    fn corrections_of(&self, record: i64) -> Result<Vec<Correction>> {
        reviews::corrections_of(self.conn(), record)
    }
    /// Audit entries from `since` on, in order.
    fn audit_entries(&self, since: Option<NaiveDateTime>) -> Result<Vec<AuditEntry>> {
        audit::list(self.conn(), since)
    }
    /// Checks the audit log's hash chain.
    fn verify_audit(&self) -> Result<Verification> {
        audit::verify(self.conn())
    }
}

impl Reads for Store {
    fn conn(&self) -> &Connection {
        &self.conn
    }
}

impl Reads for Tx<'_> {
    fn conn(&self) -> &Connection {
        &self.tx
    }
}

impl Store {
    /// Opens (creating it, and its folder, on first use) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            std::fs::create_dir_all(dir)
                .wrap_err_with(|| format!("cannot create the database folder {}", dir.display()))?;
            restrict(dir, 0o700);
        }
        let existed = path.exists();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .wrap_err_with(|| format!("cannot open the database {}", path.display()))?;
        if !existed {
            restrict(path, 0o600);
        }
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
        };
        store
            .prepare()
            .wrap_err_with(|| format!("cannot use the database {}", path.display()))?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.set_prepared_statement_cache_capacity(64);
        schema::migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| eyre!("the database schema could not be brought up to date: {e}"))?;
        Ok(())
    }

    /// Changes whenever another connection commits: the TUI's cheap "did anyone write?" check.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Lets SQLite keep up to `mib` MiB of pages in memory (default 2 MiB), for big writes such
    /// as an import or demo data: the pages of a growing index then stay out of the OS's hands.
    pub fn use_page_cache(&self, mib: u32) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", -(i64::from(mib) * 1024))?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a writing transaction, waiting (up to the busy timeout) for other writers.
    pub fn write(&mut self) -> Result<Tx<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(busy_message)?;
        Ok(Tx { tx })
    }
}

impl Tx<'_> {
    pub fn commit(self) -> Result<()> {
        self.tx.commit().map_err(busy_message)
    }
}

fn busy_message(e: rusqlite::Error) -> color_eyre::eyre::Report {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
        )
    {
        return eyre!(
            "the database is busy: another huifang kept writing for more than {} s; nothing was changed, try again",
            BUSY_TIMEOUT.as_secs()
        );
    }
    eyre!(e)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) {}

/// `huifang.db` in the platform's data dir, unless `HUIFANG_DB` says otherwise.
pub fn default_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("HUIFANG_DB") {
        return Ok(PathBuf::from(p));
    }
    crate::config::project_dirs()
        .map(|d| d.data_dir().join("huifang.db"))
        .ok_or_else(|| {
            eyre!("no home folder to keep the database in: pass --db PATH or set HUIFANG_DB")
        })
}

/// Reads a string-coded column (`pending`, `phone`…) back into its enum.
fn code<T>(r: &rusqlite::Row<'_>, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    parse(&s).ok_or_else(|| rusqlite::Error::InvalidColumnType(i, s, rusqlite::types::Type::Text))
}
