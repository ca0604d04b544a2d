//! Projects that report stages: the latest stage of each, and when it was last called back for
//! a stage.

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;
use rusqlite::{Connection, params};

use crate::domain::EventId;

/// A project (its unit at a site, else its customer there) of a category that calls back per
/// stage, at its latest reported stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageProject {
    /// The event that reported the latest stage; stage call-backs are made on it.
    pub event_id: EventId,
    pub reference: String,
    pub site: String,
    /// `u:UNIT` or `c:CUSTOMER`.
    pub project: String,
    pub stage: String,
    pub reported_at: NaiveDateTime,
    /// When the project's latest stage call-back opened.
    pub last_called: Option<NaiveDate>,
    /// A stage call-back of the project is still pending.
    pub pending: bool,
}

/// One row per project of `category` with a stage, on the partial `events_stage` index.
pub(super) fn stage_projects(c: &Connection, category: &str) -> Result<Vec<StageProject>> {
    Ok(c.prepare_cached(
        "WITH staged AS ( \
           SELECT id, ref, site, stage, completed_at, \
                  CASE WHEN unit <> '' THEN 'u:' || unit ELSE 'c:' || customer END AS project \
           FROM events WHERE category = ?1 AND stage <> '' AND origin = 'intake'), \
         latest AS ( \
           SELECT s.* FROM staged s WHERE NOT EXISTS ( \
             SELECT 1 FROM staged n WHERE n.site = s.site AND n.project = s.project \
               AND (n.completed_at > s.completed_at OR (n.completed_at = s.completed_at AND n.id > s.id)))) \
         SELECT l.id, l.ref, l.site, l.project, l.stage, l.completed_at, \
                (SELECT max(t.opens) FROM tasks t JOIN staged x ON x.id = t.event_id \
                 WHERE x.site = l.site AND x.project = l.project AND t.rule LIKE 'stage#%'), \
                EXISTS (SELECT 1 FROM tasks t JOIN staged x ON x.id = t.event_id \
                 WHERE x.site = l.site AND x.project = l.project AND t.rule LIKE 'stage#%' AND t.state = 'pending') \
         FROM latest l ORDER BY l.site, l.project",
    )?
    .query_map(params![category], |r| {
        Ok(StageProject {
            event_id: r.get(0)?,
            reference: r.get(1)?,
            site: r.get(2)?,
            project: r.get(3)?,
            stage: r.get(4)?,
            reported_at: r.get(5)?,
            last_called: r.get(6)?,
            pending: r.get(7)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()?)
}
