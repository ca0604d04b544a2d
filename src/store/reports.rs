//! The SQL of the monthly and quarterly reports: every figure is aggregated here with GROUP BY
//! over an indexed range (a month's cohort, a month's or a quarter's records, attempts and
//! escalations), so a report never walks the whole history. Shaping and rendering live in
//! `crate::report`.
//!
//! Ranges are half-open: `[from, to)` over the stored `YYYY-MM-DD HH:MM:SS` text.

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use rusqlite::{Connection, params};

use super::Tx;

/// The outcome of a record after its latest correction (a correction replaces the content).
const OUTCOME: &str = "coalesce((SELECT c.outcome FROM record_corrections c WHERE c.record_id = r.id \
     ORDER BY c.id DESC LIMIT 1), r.outcome)";

/// One site × category × department of a month's cohort (events completed in the month).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortCell {
    pub site: String,
    pub category: String,
    pub department: String,
    pub events: u64,
    pub selected: u64,
    /// Events with a call-back that reached the customer (a record).
    pub reached: u64,
    /// Reached events whose first record was made by the end of its task's window.
    pub on_time: u64,
    /// Selected events without any record whose call-back ended unreachable.
    pub unreachable: u64,
    /// Outcomes of the first record of each reached event.
    pub satisfied: u64,
    pub basic: u64,
    pub unsatisfied: u64,
}

/// Escalations of one site × category: opened and closed in a range, open at its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationCell {
    pub site: String,
    pub category: String,
    pub opened: u64,
    pub closed: u64,
    pub open: u64,
}

/// One operator's work in a range (绩效考评).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperatorCell {
    pub operator: String,
    /// Unsuccessful tries logged (`huifang attempt`).
    pub attempts: u64,
    /// Call-backs recorded (each one a try that reached the customer).
    pub records: u64,
    /// Records made by the end of their task's window.
    pub on_time: u64,
    pub satisfied: u64,
    pub basic: u64,
    pub unsatisfied: u64,
}

/// An escalation still open (not handled) past its deadline: a serious problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueEscalation {
    pub id: i64,
    pub event_ref: String,
    pub site: String,
    pub category: String,
    pub customer: String,
    /// The full number: mask it before showing it.
    pub phone: String,
    pub unit: String,
    pub round: u32,
    pub reason: String,
    pub opened_at: NaiveDateTime,
    pub deadline: NaiveDate,
    pub department: String,
    pub handler: Option<String>,
}

/// A call-back of the quarter that was unsatisfied or reviewed unqualified (不合格).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedRecord {
    pub record_id: i64,
    pub event_ref: String,
    pub site: String,
    pub category: String,
    pub customer: String,
    pub phone: String,
    pub unit: String,
    pub matter: String,
    pub department: String,
    pub operator: String,
    pub recorded_at: NaiveDateTime,
    /// After corrections.
    pub outcome: String,
    /// The supervisor's review, if any: qualified or not, and the comment.
    pub qualified: Option<bool>,
    pub review_comment: String,
    /// The escalation the record opened or joined, with where it stands now.
    pub escalation_id: Option<i64>,
    pub escalation_state: Option<String>,
    pub escalation_round: Option<u32>,
}

/// One step of an escalation's chain, with the outcome of the record it carries (a
/// re-call-back, or the record that opened it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    pub escalation_id: i64,
    pub round: u32,
    pub kind: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub person: Option<String>,
    pub department: Option<String>,
    pub text: String,
    pub record_id: Option<i64>,
    pub outcome: Option<String>,
}

/// A complaint, for the "same matter in a row" analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRow {
    pub event_ref: String,
    pub site: String,
    pub customer: String,
    pub phone: String,
    pub unit: String,
    pub matter: String,
    pub completed_at: NaiveDateTime,
}

/// The same repair (matter) at one unit, 3+ times in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairGroup {
    pub site: String,
    pub unit: String,
    pub matter: String,
    /// The events' refs, oldest first.
    pub refs: Vec<String>,
}

/// A manager's conclusion (纠正或预防措施) kept with a period's report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Conclusion {
    pub id: i64,
    /// `2026-Q4`.
    pub period: String,
    /// `""` for all sites.
    pub site: String,
    pub text: String,
    pub author: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub written_at: NaiveDateTime,
}

/// Reads a date-time column: the stored `YYYY-MM-DD HH:MM:SS` without chrono's format strings
/// (a report reads tens of thousands), anything else as rusqlite does.
fn datetime(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDateTime> {
    if let rusqlite::types::ValueRef::Text(t) = r.get_ref(i)?
        && let Some(d) = std::str::from_utf8(t)
            .ok()
            .and_then(crate::clock::parse_iso_datetime)
    {
        return Ok(d);
    }
    r.get(i)
}

fn n(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
}

/// A month's cohort (events of `month`, `YYYY-MM`, from intake) by site × category ×
/// department: one range of the covering index `events_month_facts`, in its order, over the
/// call-back facts the V5 triggers keep on each event (first record, on time, outcome after
/// corrections, unreachable).
pub(super) fn cohort(c: &Connection, month: &str, site: Option<&str>) -> Result<Vec<CohortCell>> {
    let mut stmt = c.prepare_cached(
        "SELECT site, category, department, count(*), sum(selected), count(first_record), \
           sum(first_record IS NOT NULL AND first_on_time), \
           sum(first_record IS NULL AND selected AND unreachable), \
           sum(first_outcome = 'satisfied'), sum(first_outcome = 'basic'), sum(first_outcome = 'unsatisfied') \
         FROM events WHERE month = ?1 AND origin = 'intake' AND (?2 IS NULL OR site = ?2) \
         GROUP BY site, category, department ORDER BY site, category, department",
    )?;
    let rows = stmt.query_map(params![month, site], |r| {
        Ok(CohortCell {
            site: r.get(0)?,
            category: r.get(1)?,
            department: r.get(2)?,
            events: n(r, 3)?,
            selected: n(r, 4)?,
            reached: n(r, 5)?,
            on_time: n(r, 6)?,
            unreachable: n(r, 7)?,
            satisfied: n(r, 8)?,
            basic: n(r, 9)?,
            unsatisfied: n(r, 10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Escalations by the site × category of their event (kept on each escalation): opened in
/// `[from, to)`, closed in it, and open at `to` (opened before it, not closed before it); only
/// the site × category with any of these. One pass of `escalations_by_site`, in its order: no
/// event looked up, no sort.
pub(super) fn escalation_counts(
    c: &Connection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    site: Option<&str>,
) -> Result<Vec<EscalationCell>> {
    let mut stmt = c.prepare_cached(
        "SELECT ev_site, ev_category, sum(opened), sum(closed), sum(open) FROM ( \
           SELECT ev_site, ev_category, opened_at >= ?1 AND opened_at < ?2 AS opened, \
             coalesce(closed_at >= ?1 AND closed_at < ?2, 0) AS closed, \
             opened_at < ?2 AND (state <> 'closed' OR coalesce(closed_at >= ?2, 0)) AS open \
           FROM escalations WHERE ?3 IS NULL OR ev_site = ?3) \
         GROUP BY ev_site, ev_category HAVING sum(opened) + sum(closed) + sum(open) > 0 \
         ORDER BY ev_site, ev_category",
    )?;
    let rows = stmt.query_map(params![from, to, site], |r| {
        Ok(EscalationCell {
            site: r.get(0)?,
            category: r.get(1)?,
            opened: n(r, 2)?,
            closed: n(r, 3)?,
            open: n(r, 4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Each operator's attempts and records made in `[from, to)`, with the records' timeliness and
/// outcomes (after corrections). Events are joined only to filter by site: without a site the
/// attempts are counted straight off their time index.
pub(super) fn operators(
    c: &Connection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    site: Option<&str>,
) -> Result<Vec<OperatorCell>> {
    let (attempt_join, record_join, site_filter) = if site.is_some() {
        (
            "JOIN tasks t ON t.id = a.task_id JOIN events e ON e.id = t.event_id",
            "JOIN events e ON e.id = t.event_id",
            // `+`: no index on the site, so the plan starts from the month's attempts and
            // records, not from every event of the site.
            "AND +e.site = ?3",
        )
    } else {
        ("", "", "AND ?3 IS NULL")
    };
    let sql = format!(
        "SELECT operator, sum(a), sum(rec), sum(on_time), sum(o = 'satisfied'), sum(o = 'basic'), sum(o = 'unsatisfied') FROM ( \
           SELECT a.operator, 1 AS a, 0 AS rec, 0 AS on_time, NULL AS o FROM attempts a {attempt_join} \
             WHERE a.at >= ?1 AND a.at < ?2 {site_filter} \
           UNION ALL \
           SELECT r.operator, 0, 1, substr(r.recorded_at, 1, 10) <= t.due, {OUTCOME} FROM records r \
             JOIN tasks t ON t.id = r.task_id {record_join} \
             WHERE r.recorded_at >= ?1 AND r.recorded_at < ?2 {site_filter}) \
         GROUP BY operator ORDER BY operator"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![from, to, site], |r| {
        Ok(OperatorCell {
            operator: r.get(0)?,
            attempts: n(r, 1)?,
            records: n(r, 2)?,
            on_time: n(r, 3)?,
            satisfied: n(r, 4)?,
            basic: n(r, 5)?,
            unsatisfied: n(r, 6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Escalations still open (not handled) whose deadline is before `today`, the most overdue
/// first. Walks only the escalations not closed (a partial index).
pub(super) fn overdue_escalations(
    c: &Connection,
    today: NaiveDate,
    site: Option<&str>,
) -> Result<Vec<OverdueEscalation>> {
    let mut stmt = c.prepare_cached(
        "SELECT x.id, e.ref, e.site, e.category, e.customer, e.phone, e.unit, x.round, x.reason, \
                x.opened_at, x.deadline, x.department, x.handler \
         FROM escalations x JOIN events e ON e.id = x.event_id \
         WHERE x.state = 'open' AND x.deadline < ?1 AND (?2 IS NULL OR e.site = ?2) \
         ORDER BY x.deadline, x.id",
    )?;
    let rows = stmt.query_map(params![today, site], |r| {
        Ok(OverdueEscalation {
            id: r.get(0)?,
            event_ref: r.get(1)?,
            site: r.get(2)?,
            category: r.get(3)?,
            customer: r.get(4)?,
            phone: r.get(5)?,
            unit: r.get(6)?,
            round: r.get(7)?,
            reason: r.get(8)?,
            opened_at: datetime(r, 9)?,
            deadline: super::date(r, 10)?,
            department: r.get(11)?,
            handler: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records made in `[from, to)` that are unsatisfied (after corrections) or were reviewed
/// unqualified, oldest first, with the escalation each opened or joined. The quarter's records
/// are first narrowed to the candidates (unsatisfied as recorded, corrected, or reviewed
/// unqualified: cheap tests), and only those are joined and looked into.
pub(super) fn flagged_records(
    c: &Connection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    site: Option<&str>,
) -> Result<Vec<FlaggedRecord>> {
    let sql = format!(
        "WITH cand AS MATERIALIZED ( \
           SELECT r.id AS rid FROM records r WHERE r.recorded_at >= ?1 AND r.recorded_at < ?2 \
             AND (r.outcome = 'unsatisfied' \
               OR EXISTS (SELECT 1 FROM record_corrections c WHERE c.record_id = r.id) \
               OR EXISTS (SELECT 1 FROM reviews v WHERE v.record_id = r.id AND v.qualified = 0))), \
         f AS MATERIALIZED ( \
           SELECT r.id AS rid, e.ref, e.site, e.category, e.customer, e.phone, e.unit, e.matter, e.department, \
             r.operator, r.recorded_at, {OUTCOME} AS outcome, v.qualified, coalesce(v.comment, '') AS comment, \
             coalesce(v.escalation_id, \
               (SELECT x.id FROM escalations x WHERE x.record_id = r.id ORDER BY x.id LIMIT 1), \
               (SELECT s.escalation_id FROM escalation_steps s WHERE s.record_id = r.id ORDER BY s.id LIMIT 1)) AS xid \
           FROM cand JOIN records r ON r.id = cand.rid JOIN tasks t ON t.id = r.task_id \
             JOIN events e ON e.id = t.event_id LEFT JOIN reviews v ON v.record_id = r.id \
           WHERE ?3 IS NULL OR e.site = ?3) \
         SELECT f.*, x.state, x.round FROM f LEFT JOIN escalations x ON x.id = f.xid \
         WHERE f.outcome = 'unsatisfied' OR f.qualified = 0 ORDER BY f.recorded_at, f.rid"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![from, to, site], |r| {
        Ok(FlaggedRecord {
            record_id: r.get(0)?,
            event_ref: r.get(1)?,
            site: r.get(2)?,
            category: r.get(3)?,
            customer: r.get(4)?,
            phone: r.get(5)?,
            unit: r.get(6)?,
            matter: r.get(7)?,
            department: r.get(8)?,
            operator: r.get(9)?,
            recorded_at: datetime(r, 10)?,
            outcome: r.get(11)?,
            qualified: r.get(12)?,
            review_comment: r.get(13)?,
            escalation_id: r.get(14)?,
            escalation_state: r.get(15)?,
            escalation_round: r.get(16)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The chain of one escalation, step by step, with the outcome of each step's record.
pub(super) fn chain(c: &Connection, escalation: i64) -> Result<Vec<ChainRow>> {
    let sql = format!(
        "SELECT s.escalation_id, s.round, s.kind, s.at, s.actor, s.person, s.department, s.text, s.record_id, \
           CASE WHEN r.id IS NULL THEN NULL ELSE {OUTCOME} END \
         FROM escalation_steps s LEFT JOIN records r ON r.id = s.record_id \
         WHERE s.escalation_id = ?1 ORDER BY s.id"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map([escalation], |r| {
        Ok(ChainRow {
            escalation_id: r.get(0)?,
            round: r.get(1)?,
            kind: r.get(2)?,
            at: datetime(r, 3)?,
            actor: r.get(4)?,
            person: r.get(5)?,
            department: r.get(6)?,
            text: r.get(7)?,
            record_id: r.get(8)?,
            outcome: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Events of `category` (from intake) in the cohort months `months`, with a matter, oldest
/// first: the complaints a repeat analysis reads.
pub(super) fn events_of_months(
    c: &Connection,
    category: &str,
    months: &[String],
    site: Option<&str>,
) -> Result<Vec<ComplaintRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT ref, site, customer, phone, unit, matter, completed_at FROM events \
         WHERE category = ?1 AND month IN (?2, ?3, ?4) AND origin = 'intake' AND matter <> '' \
           AND (?5 IS NULL OR site = ?5) \
         ORDER BY completed_at, id",
    )?;
    let m = |i: usize| months.get(i).or(months.last()).cloned().unwrap_or_default();
    let rows = stmt.query_map(params![category, m(0), m(1), m(2), site], |r| {
        Ok(ComplaintRow {
            event_ref: r.get(0)?,
            site: r.get(1)?,
            customer: r.get(2)?,
            phone: r.get(3)?,
            unit: r.get(4)?,
            matter: r.get(5)?,
            completed_at: datetime(r, 6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The same matter of `category` at the same unit `at_least` times or more in the cohort
/// months `months` (up to three), grouped in SQL.
pub(super) fn repeated_at_unit(
    c: &Connection,
    category: &str,
    months: &[String],
    site: Option<&str>,
    at_least: u32,
) -> Result<Vec<RepairGroup>> {
    let mut stmt = c.prepare_cached(
        "SELECT site, unit, matter, group_concat(ref, char(31) ORDER BY completed_at, id) FROM events \
         WHERE category = ?1 AND month IN (?2, ?3, ?4) AND origin = 'intake' AND unit <> '' AND matter <> '' \
           AND (?5 IS NULL OR site = ?5) \
         GROUP BY site, unit, matter HAVING count(*) >= ?6 ORDER BY count(*) DESC, site, unit, matter",
    )?;
    let m = |i: usize| months.get(i).or(months.last()).cloned().unwrap_or_default();
    let rows = stmt.query_map(params![category, m(0), m(1), m(2), site, at_least], |r| {
        let refs: String = r.get(3)?;
        Ok(RepairGroup {
            site: r.get(0)?,
            unit: r.get(1)?,
            matter: r.get(2)?,
            refs: refs.split('\u{1f}').map(str::to_string).collect(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether any event belongs to `site` (to tell a mistyped `--site` from an empty month).
pub(super) fn site_exists(c: &Connection, site: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE site = ?1)")?
            .query_row([site], |r| r.get(0))?,
    )
}

/// The conclusions written for a period and site, oldest first (the last one stands).
pub(super) fn conclusions(c: &Connection, period: &str, site: &str) -> Result<Vec<Conclusion>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, period, site, text, author, written_at FROM report_conclusions \
         WHERE period = ?1 AND site = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![period, site], |r| {
        Ok(Conclusion {
            id: r.get(0)?,
            period: r.get(1)?,
            site: r.get(2)?,
            text: r.get(3)?,
            author: r.get(4)?,
            written_at: datetime(r, 5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Tx<'_> {
    /// Stores a conclusion; an earlier one of the same period and site is kept, not replaced.
    pub fn insert_conclusion(
        &self,
        period: &str,
        site: &str,
        text: &str,
        author: &str,
        at: NaiveDateTime,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO report_conclusions (period, site, text, author, written_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![period, site, text, author, at])?;
        Ok(self.tx.last_insert_rowid())
    }
}
