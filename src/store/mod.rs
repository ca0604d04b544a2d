//! The SQLite store. Every SQL statement of huifang lives in this module, behind an API of
//! domain types, so the rest of the program never knows which engine it talks to.
//!
//! WAL mode, foreign keys on, a busy timeout, and `BEGIN IMMEDIATE` for every writing
//! transaction (a deferred read-then-write transaction would get SQLITE_BUSY at once).

mod archive;
mod audit;
mod backup;
mod escalations;
mod events;
mod plan;
mod quarters;
mod quotas;
mod records;
mod reports;
mod reviews;
mod schema;
mod sheets;
mod staff;
mod stages;
mod tasks;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::{Result, WrapErr, eyre};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::domain::{
    Attempt, CallbackTask, EventId, NewEvent, Record, ServiceEvent, Staff, StaffRole, TaskId,
};
use crate::rules::{Cohort, CohortCount};

pub use archive::{ArchiveDone, ArchivePlan, TableCount};
pub use audit::{AuditEntry, GENESIS, Verification, os_user};
pub use backup::{BackupDone, DbCheck, Restored, check_database, restore};
pub use escalations::{
    EscalationFilter, EscalationInsert, EscalationStep, EscalationView, StepInsert,
};
pub use events::{EventInsert, RateRow};
pub use plan::StaleCustomer;
pub use quarters::QuarterClose;
pub use quotas::QuotaEvent;
pub use records::AttemptInsert;
pub use reports::{
    ChainRow, CohortCell, ComplaintRow, Conclusion, EscalationCell, FlaggedRecord, OperatorCell,
    OverdueEscalation, RepairGroup,
};
pub use reviews::{Correction, Review, ReviewItem};
pub use sheets::RecordedVisit;
pub use stages::StageProject;
pub use tasks::{DueItem, DueQuery, OpenTask, TaskInsert};

/// How long a writer waits for another before giving up with a clear message.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// What `huifang_archiving()` answers on this connection: true only inside an archive's
    /// transaction, so the triggers let it (and nothing else) delete history.
    archiving: Arc<AtomicBool>,
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
    /// Whether the database holds any event (cheap, unlike a count).
    fn has_events(&self) -> Result<bool> {
        events::any(self.conn())
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
    /// The items of [`Reads::due`] as SQLite reads them, unordered, their text borrowed from the
    /// row: for a list written out once (`due --json`), without a copy of each item.
    fn due_each(
        &self,
        q: &DueQuery,
        now: NaiveDateTime,
        each: &mut dyn FnMut(DueItem<&str>) -> Result<()>,
    ) -> Result<()> {
        tasks::due_each(self.conn(), q, now, each)
    }
    /// Pending tasks whose window opened on or before `day`, with an id above `after` (0 for
    /// all), in id order.
    fn open_tasks(&self, day: NaiveDate, after: TaskId) -> Result<Vec<OpenTask>> {
        tasks::open_by(self.conn(), day, after)
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
    /// Call-backs recorded as visits on `day` (at `site` when given), in recording order.
    fn visits_recorded_on(&self, day: NaiveDate, site: Option<&str>) -> Result<Vec<RecordedVisit>> {
        sheets::visits_recorded_on(self.conn(), day, site)
    }
    /// Customers with no pending task and no reached call-back (nor periodic call-back) before
    /// `cutoff`: the periodic call-backs due. One grouped query.
    fn stale_customers(&self, cutoff: NaiveDate) -> Result<Vec<StaleCustomer>> {
        plan::stale_customers(self.conn(), cutoff)
    }
    /// The events of a category's month with what a quota through `channel` counts of each.
    fn quota_events(
        &self,
        category: &str,
        month: &str,
        channel: Option<crate::domain::Channel>,
        rule: &str,
    ) -> Result<Vec<QuotaEvent>> {
        quotas::quota_events(self.conn(), category, month, channel, rule)
    }
    /// Each project of a category that calls back per stage, at its latest stage.
    fn stage_projects(&self, category: &str) -> Result<Vec<StageProject>> {
        stages::stage_projects(self.conn(), category)
    }
    /// Pending tasks (and their events) of events completed from `from` on, or all.
    fn pending_tasks(&self, from: Option<NaiveDate>) -> Result<Vec<(TaskId, EventId)>> {
        plan::pending_tasks(self.conn(), from)
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
    /// The first `limit` escalations not closed, in the order of [`Reads::escalations`]; with
    /// [`Reads::open_escalation_counts`], what a screen shows without loading them all.
    fn open_escalations_first(
        &self,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<EscalationView>> {
        escalations::open_first(self.conn(), today, limit)
    }
    /// How many escalations are not closed, and how many of those are past their deadline.
    fn open_escalation_counts(&self, today: NaiveDate) -> Result<(u64, u64)> {
        escalations::open_counts(self.conn(), today)
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
    /// A month's cohort (`YYYY-MM`) by site × category × department (see store/reports.rs).
    fn report_cohort(&self, month: &str, site: Option<&str>) -> Result<Vec<CohortCell>> {
        reports::cohort(self.conn(), month, site)
    }
    /// Escalations opened and closed in `[from, to)` and open at `to`, by site × category.
    fn report_escalations(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        site: Option<&str>,
    ) -> Result<Vec<EscalationCell>> {
        reports::escalation_counts(self.conn(), from, to, site)
    }
    /// Each operator's attempts and records in `[from, to)`.
    fn report_operators(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        site: Option<&str>,
    ) -> Result<Vec<OperatorCell>> {
        reports::operators(self.conn(), from, to, site)
    }
    /// Escalations open (not handled) past their deadline on `today`, most overdue first.
    fn report_overdue(
        &self,
        today: NaiveDate,
        site: Option<&str>,
    ) -> Result<Vec<OverdueEscalation>> {
        reports::overdue_escalations(self.conn(), today, site)
    }
    /// Unsatisfied or unqualified records made in `[from, to)`.
    fn report_flagged(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        site: Option<&str>,
    ) -> Result<Vec<FlaggedRecord>> {
        reports::flagged_records(self.conn(), from, to, site)
    }
    /// One escalation's steps with their records' outcomes.
    fn report_chain(&self, escalation: i64) -> Result<Vec<ChainRow>> {
        reports::chain(self.conn(), escalation)
    }
    /// Events of a category with a matter in up to three cohort months, oldest first.
    fn report_events_of_months(
        &self,
        category: &str,
        months: &[String],
        site: Option<&str>,
    ) -> Result<Vec<ComplaintRow>> {
        reports::events_of_months(self.conn(), category, months, site)
    }
    /// The same matter of a category at one unit `at_least` times in up to three months.
    fn report_repeated_at_unit(
        &self,
        category: &str,
        months: &[String],
        site: Option<&str>,
        at_least: u32,
    ) -> Result<Vec<RepairGroup>> {
        reports::repeated_at_unit(self.conn(), category, months, site, at_least)
    }
    fn site_exists(&self, site: &str) -> Result<bool> {
        reports::site_exists(self.conn(), site)
    }
    /// The conclusions of a period (`2026-Q4`) and site (`""`: all), oldest first.
    fn conclusions(&self, period: &str, site: &str) -> Result<Vec<Conclusion>> {
        reports::conclusions(self.conn(), period, site)
    }
    /// The latest quarter close (it covers every quarter before it too).
    fn latest_close(&self) -> Result<Option<QuarterClose>> {
        quarters::latest(self.conn())
    }
    /// Records saved in `[from, to)` that no supervisor has reviewed yet.
    fn unreviewed_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u64> {
        quarters::unreviewed_between(self.conn(), from, to)
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
        // Created by us, owner-only, before SQLite opens it: SQLite gives the -wal and -shm
        // files the mode of the database file, so they are owner-only too.
        if !path.exists() {
            create_private(path)
                .wrap_err_with(|| format!("cannot create the database {}", path.display()))?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .wrap_err_with(|| format!("cannot open the database {}", path.display()))?;
        let archiving = Arc::new(AtomicBool::new(false));
        register_archiving(&conn, &archiving)?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            archiving,
        };
        store
            .prepare()
            .wrap_err_with(|| format!("cannot use the database {}", path.display()))?;
        Ok(store)
    }

    /// Pragmas and migrations. Two processes opening a new database at once race for the WAL
    /// switch and the first migration: the busy timeout covers most of it, and what still comes
    /// back busy (or "table already exists" from the loser of the migration) is retried, within
    /// the busy timeout, after looking again at what the winner did.
    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn.set_prepared_statement_cache_capacity(64);
        // The migration transaction takes the write lock before reading the schema version.
        self.conn
            .set_transaction_behavior(TransactionBehavior::Immediate);
        let started = std::time::Instant::now();
        loop {
            match self.prepare_once() {
                Ok(()) => break,
                Err(e) if e.retry && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(e.report),
            }
        }
        self.conn
            .set_transaction_behavior(TransactionBehavior::Deferred);
        Ok(())
    }

    fn prepare_once(&mut self) -> std::result::Result<(), PrepareError> {
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(PrepareError::sql)?;
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(PrepareError::sql)?;
        self.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(PrepareError::sql)?;
        // Reads straight from the mapped file: no page buffer allocated and copied per page read
        // (the due list reads a thousand pages of its index, a report tens of thousands of rows
        // scattered over the file). Writes still go through the WAL. A long-lived process turns
        // it off ([`Store::use_mmap`]): every mapped page it touches counts in its memory.
        self.conn
            .pragma_update(None, "mmap_size", MMAP_BYTES)
            .map_err(PrepareError::sql)?;
        match schema::migrations().to_latest(&mut self.conn) {
            Ok(()) => Ok(()),
            Err(rusqlite_migration::Error::MigrationDefinition(
                rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
            )) => Err(PrepareError {
                retry: false,
                report: eyre!(
                    "the database was made by a newer huifang (its schema is ahead of this one's): upgrade huifang"
                ),
            }),
            // The loser of two first openings finds the tables made ("already exists") or
            // the lock held: another look then sees the schema up to date.
            Err(e) => Err(PrepareError {
                retry: matches!(&e, rusqlite_migration::Error::RusqliteError { err, .. }
                    if is_busy(err) || err.to_string().contains("already exists")),
                report: color_eyre::eyre::Report::new(e)
                    .wrap_err("the database schema could not be brought up to date"),
            }),
        }
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

    /// Lets SQLite read the database file through a memory map of up to `mib` MiB instead of
    /// the whole file (every opening maps it: one-shot commands read pages in place); 0 reads
    /// through the bounded page cache alone, as a long-lived process (the TUI) must, since the
    /// mapped pages it touches count in its resident memory.
    pub fn use_mmap(&self, mib: u32) -> Result<()> {
        self.conn
            .pragma_update(None, "mmap_size", i64::from(mib) * 1024 * 1024)?;
        Ok(())
    }

    /// For one bulk load into an empty database (a first import, demo data): a rollback journal
    /// instead of the WAL, so the load's pages are written once, into the database file, instead
    /// of into the WAL and then copied into the file (a million events: 3 s of its commit). An
    /// empty database has no old pages to keep in the journal, and the transaction is as atomic
    /// either way; `synchronous = FULL` keeps it as durable. The switch needs the database to
    /// itself: with another connection open (a TUI) it is refused at once, not waited for, and
    /// the WAL stays. Returns whether it switched; [`Store::end_bulk_load`] switches back (and the
    /// next opening would).
    pub fn begin_bulk_load(&self) -> Result<bool> {
        if self.has_events()? {
            return Ok(false);
        }
        self.conn.busy_timeout(Duration::ZERO)?;
        let mode = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                r.get::<_, String>(0)
            });
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        let switched = mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete"));
        if switched {
            self.conn.pragma_update(None, "synchronous", "FULL")?;
        }
        Ok(switched)
    }

    /// Back to the WAL after [`Store::begin_bulk_load`] (when it switched), once its transaction
    /// has ended.
    pub fn end_bulk_load(&self, switched: bool) -> Result<()> {
        if switched {
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
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

    /// Runs `f` (a bulk load: a first import, demo data) with the secondary indexes of `tables`
    /// dropped, then builds them again: SQLite then sorts each index once instead of updating it
    /// row by row, several times faster at a million rows. Only when every one of `tables` is
    /// empty (else `f` just runs): a load into a store that holds data looks it up through those
    /// indexes. Uniqueness (`ref`, a task's one record) is kept throughout: those indexes stay.
    /// The indexes are made again from their own stored definitions, so the schema is what the
    /// migrations made; and all of it is inside the transaction: dropped, it rolls back too.
    /// `kept`: indexes the load itself reads through (see [`TRIGGER_LOOKUPS`]).
    pub fn with_indexes_deferred<T>(
        &self,
        tables: &[&str],
        kept: &[&str],
        f: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let mut deferred: Vec<(String, String)> = Vec::new();
        for table in tables {
            // Table names come from the caller's code, never from input; checked all the same.
            if !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(eyre!("not a table name: {table}"));
            }
            let empty: bool = self.tx.query_row(
                &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
                [],
                |r| r.get(0),
            )?;
            if !empty {
                return f();
            }
            let mut stmt = self.tx.prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL \
                 AND upper(sql) NOT LIKE 'CREATE UNIQUE%' AND name NOT IN (SELECT value FROM json_each(?2)) \
                 ORDER BY name",
            )?;
            let rows = stmt
                .query_map(
                    rusqlite::params![table, serde_json::to_string(kept)?],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
            deferred.extend(rows);
        }
        for (name, _) in &deferred {
            self.tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
        let out = f();
        // Each build is a sort of the whole table: SQLite's sorter can use helper threads, but
        // only for the runs it sorts once its memory (the page cache's size) is full; with the
        // big cache of a bulk load all of it is one run sorted by one thread. A small cache
        // while building makes many runs sorted side by side (a million events: 11.6 s of
        // index builds -> 6.8 s).
        let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        self.tx.pragma_update(None, "threads", helpers as i64)?;
        let cache: i64 = self.tx.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.tx.pragma_update(None, "cache_size", -SORT_CACHE_KIB)?;
        let rebuilt = deferred
            .iter()
            .try_for_each(|(_, sql)| self.tx.execute_batch(sql));
        self.tx.pragma_update(None, "threads", 0)?;
        self.tx.pragma_update(None, "cache_size", cache)?;
        let out = out?;
        rebuilt?;
        Ok(out)
    }
}

/// The page cache while deferred indexes are built, in KiB: the size of each run of the sort.
const SORT_CACHE_KIB: i64 = 4096;

/// How much of the database file reads may map: SQLite's own cap, about 2 GiB (it maps at most
/// the file's size; beyond the cap, pages are read as usual).
const MMAP_BYTES: i64 = 0x7fff_0000;

/// Indexes a bulk load that works tasks (the demo's desk) keeps: the triggers of schema V5 look
/// a task's siblings up by event on every change of state, which without this index is a scan
/// of all tasks per row (quadratic: a million-event demo took over a quarter of an hour). An
/// import only adds events and tasks: it keeps none.
pub const TRIGGER_LOOKUPS: &[&str] = &["tasks_event_state"];

/// Registers `huifang_archiving()`, which the delete triggers of schema V6 ask.
fn register_archiving(conn: &Connection, flag: &Arc<AtomicBool>) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flag = Arc::clone(flag);
    conn.create_scalar_function(
        "huifang_archiving",
        0,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_INNOCUOUS,
        move |_| Ok(flag.load(Ordering::SeqCst)),
    )?;
    Ok(())
}

/// Sets the archiving flag while it lives; dropping it (commit, error or panic) clears it.
pub(crate) struct ArchivingGuard(Arc<AtomicBool>);

impl ArchivingGuard {
    pub(crate) fn on(flag: &Arc<AtomicBool>) -> Self {
        flag.store(true, Ordering::SeqCst);
        Self(Arc::clone(flag))
    }
}

impl Drop for ArchivingGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// A failure of `prepare`, and whether it is worth another try.
struct PrepareError {
    retry: bool,
    report: color_eyre::eyre::Report,
}

impl PrepareError {
    fn sql(e: rusqlite::Error) -> Self {
        Self {
            retry: is_busy(&e),
            report: eyre!(e),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn busy_message(e: rusqlite::Error) -> color_eyre::eyre::Report {
    if is_busy(&e) {
        return eyre!(
            "the database is busy: another huifang kept writing for more than {} s; nothing was changed, try again",
            BUSY_TIMEOUT.as_secs()
        );
    }
    eyre!(e)
}

/// What to tell the user about a failure of SQLite itself (busy, disk full, read-only,
/// damaged…), found anywhere in the error's chain; `None` for any other error.
pub fn explain(e: &color_eyre::eyre::Report) -> Option<String> {
    use rusqlite::ErrorCode as C;
    let code = e.chain().find_map(|c| {
        c.downcast_ref::<rusqlite::Error>()
            .and_then(|e| e.sqlite_error_code())
    })?;
    Some(match code {
        C::DatabaseBusy | C::DatabaseLocked => format!(
            "the database is busy: another huifang kept writing for more than {} s; nothing was changed, try again",
            BUSY_TIMEOUT.as_secs()
        ),
        C::DiskFull => "the disk is full (or the database reached its size limit): nothing of this change was stored; free some space and try again".to_string(),
        C::ReadOnly => "the database is read-only (its file or folder is not writable by you, or the disk is mounted read-only): nothing was changed; ask whoever looks after this machine, or see `huifang doctor`".to_string(),
        C::SystemIoFailure => "the database file could not be written (disk full, a file size limit, or a failing disk): nothing of this change was stored; free some space and try again, then run `huifang doctor`".to_string(),
        C::CannotOpen => "the database file cannot be opened (a missing or unwritable folder?): check the path and its permissions, or run `huifang doctor`".to_string(),
        C::PermissionDenied => "no permission to use the database file: check its owner and mode, or run `huifang doctor`".to_string(),
        C::DatabaseCorrupt | C::NotADatabase => "the database file is damaged or is not a huifang database: run `huifang doctor`, and restore it from a backup".to_string(),
        _ => return None,
    })
}

/// The message of a schema trigger that refused a write the user can do otherwise (a date in a
/// closed quarter): such a refusal is bad input (exit 2), not a failure.
pub fn refusal(e: &color_eyre::eyre::Report) -> Option<String> {
    e.chain()
        .find_map(|c| match c.downcast_ref::<rusqlite::Error>()? {
            rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.starts_with("closed quarter:") => {
                Some(msg.clone())
            }
            _ => None,
        })
}

/// Creates an empty file readable and writable by its owner only.
#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        // Another process created it in the meantime: that one is ours to open.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn create_private(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) {}

#[cfg(test)]
mod tests {
    use super::{Reads, Store};

    fn journal(s: &Store) -> String {
        s.conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_bulk_load_uses_a_rollback_journal_only_with_the_database_to_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let store = Store::open(&path).unwrap();
        assert!(store.begin_bulk_load().unwrap());
        assert_eq!(journal(&store), "delete");
        store.end_bulk_load(true).unwrap();
        assert_eq!(journal(&store), "wal");
        // Another connection (a TUI) open: refused at once, not after the busy timeout.
        let other = Store::open(&path).unwrap();
        let started = std::time::Instant::now();
        assert!(!store.begin_bulk_load().unwrap());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(journal(&store), "wal");
        drop(other);
        assert!(store.begin_bulk_load().unwrap());
        store.end_bulk_load(true).unwrap();
    }
    #[test]
    fn sql_datetime_is_what_rusqlite_stores() {
        use rusqlite::types::{ToSql, ToSqlOutput, Value};
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        for t in [
            day.and_hms_opt(5, 6, 7).unwrap(),
            day.and_hms_milli_opt(5, 6, 7, 250).unwrap(),
        ] {
            let Ok(ToSqlOutput::Owned(Value::Text(want))) = t.to_sql() else {
                panic!("rusqlite stores a date-time as text")
            };
            assert_eq!(super::sql_datetime(t), want);
        }
    }
}

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

/// A date-time as rusqlite's chrono support stores it (`%F %T%.f`), without the format-string
/// machinery for whole seconds (every time huifang makes): the bulk loads bind millions (the
/// demo's desk spent about 3 % of a demo in chrono's formatting before its statements used this).
fn sql_datetime(t: NaiveDateTime) -> String {
    use chrono::Timelike;
    if t.nanosecond() == 0 {
        crate::clock::iso_seconds(t)
    } else {
        t.format("%F %T%.f").to_string()
    }
}

/// Reads a date column; the stored `YYYY-MM-DD` without chrono's format strings (the due list
/// reads two per row), anything else as rusqlite does.
fn date(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    if let rusqlite::types::ValueRef::Text(t) = r.get_ref(i)?
        && let Some(d) = std::str::from_utf8(t)
            .ok()
            .and_then(crate::clock::parse_iso_date)
    {
        return Ok(d);
    }
    r.get(i)
}

/// Reads a date-time column the same way.
fn datetime(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDateTime> {
    match opt_datetime(r, i)? {
        Some(t) => Ok(t),
        None => r.get(i),
    }
}

/// Reads a nullable date-time column the same way.
fn opt_datetime(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDateTime>> {
    if let rusqlite::types::ValueRef::Text(t) = r.get_ref(i)?
        && let Some(d) = std::str::from_utf8(t)
            .ok()
            .and_then(crate::clock::parse_iso_datetime)
    {
        return Ok(Some(d));
    }
    r.get(i)
}

/// Reads a string-coded column (`pending`, `phone`…) back into its enum.
fn code<T>(r: &rusqlite::Row<'_>, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s = text(r, i)?;
    parse(s).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(i, s.to_owned(), rusqlite::types::Type::Text)
    })
}

/// A text column, borrowed from the row (no copy: `due --json` reads thousands).
fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| not_text(i, e))
}

/// A nullable text column, borrowed from the row.
fn opt_text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| not_text(i, e))
}

fn not_text(i: usize, e: rusqlite::types::FromSqlError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

/// What `huifang doctor` learns from a database, opened without creating or migrating it.
#[derive(Debug, Clone)]
pub struct Health {
    /// `ok`, or the first problems `PRAGMA integrity_check` found.
    pub integrity: Vec<String>,
    pub journal_mode: String,
    /// `PRAGMA user_version`.
    pub schema_version: i64,
    /// Migrations still to run; `None` when the schema is newer than this huifang.
    pub pending_migrations: Option<i64>,
}

impl Health {
    pub fn integrity_ok(&self) -> bool {
        self.integrity == ["ok"]
    }
}

/// Looks at the database at `path` without changing it (no creation, no migration).
pub fn inspect(path: &Path) -> Result<Health> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .wrap_err_with(|| format!("cannot open the database {}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let integrity = conn
        .prepare("PRAGMA integrity_check(20)")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let journal_mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let pending_migrations = schema::migrations()
        .pending_migrations(&conn)
        .ok()
        .map(i64::from)
        // A schema ahead of this huifang's counts as "negative pending" or as an error.
        .filter(|n| *n >= 0);
    Ok(Health {
        integrity,
        journal_mode: journal_mode.to_lowercase(),
        schema_version,
        pending_migrations,
    })
}
