use std::borrow::Cow;

use chrono::NaiveDateTime;
use color_eyre::eyre::{Result, eyre};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

use crate::config::Config;
use crate::domain::NewEvent;
use crate::rules::{self, Cohort, CohortCount, WindowMemo};
use crate::store::{EventInsert, Reads, TaskInsert, Tx};

/// Problems with one event against the rules, as `(field, problem)`.
pub fn check_event(config: &Config, e: &NewEvent) -> Vec<(&'static str, String)> {
    check_event_with(&mut WindowMemo::new(config), e)
}

/// [`check_event`] with the windows remembered across events (a bulk import).
pub fn check_event_with<'c>(
    memo: &mut WindowMemo<'c>,
    e: &NewEvent,
) -> Vec<(&'static str, String)> {
    let config = memo.config();
    let mut out = Vec::new();
    if e.reference.trim().is_empty() {
        out.push((
            "ref",
            "empty: every event needs the number it has in its source system".to_string(),
        ));
    }
    let Some((key, rule)) = config.category(&e.category) else {
        out.push((
            "category",
            format!(
                "unknown category `{}`: expected one of {}",
                e.category,
                config.category_keys()
            ),
        ));
        return out;
    };
    if e.major && key != "complaint" {
        out.push((
            "major",
            format!("only complaints can be major (重大投诉), this is {key}"),
        ));
    }
    let contract = match (e.contract_start, e.contract_end) {
        (Some(s), Some(t)) if t < s => {
            out.push((
                "contract_end",
                format!("{t} is before the contract starts ({s})"),
            ));
            None
        }
        (Some(s), Some(t)) => Some((s, t)),
        (Some(_), None) => {
            out.push((
                "contract_end",
                "missing: a contract needs its end as well as its start".into(),
            ));
            None
        }
        (None, Some(_)) => {
            out.push((
                "contract_start",
                "missing: a contract needs its start as well as its end".into(),
            ));
            None
        }
        (None, None) => None,
    };
    let needs_contract = rule
        .windows
        .iter()
        .any(|w| w.anchor != crate::domain::Anchor::Completion);
    if needs_contract && contract.is_none() {
        if e.contract_start.is_none() && e.contract_end.is_none() {
            out.push(("contract_start", format!(
                "missing: {key} is called back on its contract (mid-term, after the end): contract_start and contract_end are needed"
            )));
        }
    } else if let Err(problem) = memo.windows(key, rule, e.completed_at.date(), contract) {
        out.push(("completed_at", problem));
    }
    out
}

/// Makes the call-back tasks of a selected event (`event` as it is stored), one per window of
/// its category.
pub(crate) fn create_tasks(
    tx: &Tx<'_>,
    config: &Config,
    event_id: crate::domain::EventId,
    event: &NewEvent,
    repeat_count: u32,
) -> Result<usize> {
    create_tasks_with(
        tx,
        &mut WindowMemo::new(config),
        event_id,
        event,
        repeat_count,
    )
}

/// [`create_tasks`] with the windows remembered across events (a bulk import).
pub(crate) fn create_tasks_with(
    tx: &Tx<'_>,
    memo: &mut WindowMemo<'_>,
    event_id: crate::domain::EventId,
    event: &NewEvent,
    repeat_count: u32,
) -> Result<usize> {
    let config = memo.config();
    let (key, rule) = config.category(&event.category).ok_or_else(|| {
        crate::error::BadInput::new(format!("unknown category `{}`", event.category))
    })?;
    let contract = event.contract_start.zip(event.contract_end);
    let windows = memo
        .windows(key, rule, event.completed_at.date(), contract)
        .map_err(crate::error::BadInput::new)?;
    let role = rules::role_for(rule, event.major);
    for w in windows {
        tx.insert_task_of(
            &TaskInsert {
                event_id,
                kind: w.kind,
                opens: w.opens,
                due: w.due,
                role,
                rule: &w.rule,
                rules_version: &config.version,
                repeat_count,
            },
            event,
        )?;
    }
    Ok(windows.len())
}

/// Why an event already stored was not taken again.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub reference: String,
    pub fields: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeResult {
    Imported {
        event_id: crate::domain::EventId,
        selected: bool,
        tasks: usize,
    },
    /// Already stored with the same content.
    Skipped,
    /// Already stored with different content in these fields; left as it was.
    Conflict(Vec<&'static str>),
}

/// Counts of one intake run, printed at the end of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IntakeReport {
    pub imported: u64,
    pub skipped: u64,
    pub conflicts: u64,
    pub tasks_created: u64,
    pub not_selected: u64,
}

impl IntakeReport {
    pub fn add(&mut self, r: &IntakeResult) {
        match r {
            IntakeResult::Imported {
                selected, tasks, ..
            } => {
                self.imported += 1;
                self.tasks_created += *tasks as u64;
                if !selected {
                    self.not_selected += 1;
                }
            }
            IntakeResult::Skipped => self.skipped += 1,
            IntakeResult::Conflict(_) => self.conflicts += 1,
        }
    }
}

/// Takes events into the store under the rules, within one transaction (use a new one for each
/// transaction). It remembers cohort counts so that a big import asks the database once per
/// site × category × month; and when the store held no event at the first event taken (a first
/// import, demo data), everything a repeat or an earlier outcome could be is what this run took,
/// so those look-ups are answered from memory instead of by two queries per event.
pub struct Intake<'c> {
    config: &'c Config,
    windows: WindowMemo<'c>,
    now: NaiveDateTime,
    /// Counts by site, category and month (`YYYY-MM`), joined by U+001F.
    cohorts: HashMap<String, CohortCount>,
    /// The cohort key being looked up.
    cohort_key: String,
    /// `None` until the first event; then whether the run began on an empty store.
    fresh: Option<Option<Taken>>,
}

/// The events one run took, for the repeat look-up in memory: by site, category, matter and
/// phone (or unit), their completion times and their order of intake.
#[derive(Default)]
struct Taken {
    by_phone: HashMap<String, Vec<(NaiveDateTime, u32)>>,
    by_unit: HashMap<String, Vec<(NaiveDateTime, u32)>>,
    count: u32,
    /// The key being looked up, written into one buffer (a million events: no allocation each).
    key: String,
}

/// `parts` joined by U+001F into `buf` (a look-up key; one buffer, no allocation each time).
fn join_key<'k>(buf: &'k mut String, parts: &[&str]) -> &'k str {
    buf.clear();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            buf.push('\u{1f}');
        }
        buf.push_str(part);
    }
    buf
}

impl Taken {
    fn key<'k>(key: &'k mut String, e: &NewEvent, who: &str) -> &'k str {
        join_key(key, &[&e.site, &e.category, &e.matter, who])
    }

    /// What [`crate::store::Reads::repeat_count`] counts, among the events taken: earlier events
    /// on the same matter and category at the same site, of the same phone or the same unit
    /// (once when both), completed from `since` up to the event.
    fn repeat_count(&mut self, e: &NewEvent, since: NaiveDateTime) -> u32 {
        if e.matter.is_empty() || (e.phone.is_empty() && e.unit.is_empty()) {
            return 0;
        }
        let Self {
            by_phone,
            by_unit,
            key,
            ..
        } = self;
        let mut hits = |map: &HashMap<String, Vec<(NaiveDateTime, u32)>>, who: &str| -> Vec<u32> {
            if who.is_empty() {
                return Vec::new();
            }
            map.get(Self::key(key, e, who))
                .into_iter()
                .flatten()
                .filter(|(t, _)| *t >= since && *t <= e.completed_at)
                .map(|&(_, n)| n)
                .collect()
        };
        let by_phone = hits(by_phone, &e.phone);
        let by_unit = hits(by_unit, &e.unit);
        // Both lists are in intake order (`n` rising): one merge finds the events in both
        // (a search of one list per item of the other was cubic in a file of one customer's
        // thousands of events on one matter).
        let (mut i, mut j, mut both) = (0, 0, 0);
        while let (Some(p), Some(u)) = (by_phone.get(i), by_unit.get(j)) {
            match p.cmp(u) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        (by_phone.len() + by_unit.len() - both) as u32
    }

    fn add(&mut self, e: &NewEvent) {
        let n = self.count;
        self.count += 1;
        for (map, who) in [(&mut self.by_phone, &e.phone), (&mut self.by_unit, &e.unit)] {
            if who.is_empty() {
                continue;
            }
            let key = Self::key(&mut self.key, e, who);
            match map.get_mut(key) {
                Some(times) => times.push((e.completed_at, n)),
                None => {
                    map.insert(key.to_owned(), vec![(e.completed_at, n)]);
                }
            }
        }
    }
}

impl<'c> Intake<'c> {
    pub fn new(config: &'c Config, now: NaiveDateTime) -> Self {
        Self {
            config,
            windows: WindowMemo::new(config),
            now,
            cohorts: HashMap::new(),
            cohort_key: String::new(),
            fresh: None,
        }
    }

    /// Stores one event (already checked with [`check_event`]) and its call-back tasks.
    pub fn take(&mut self, tx: &Tx<'_>, e: &NewEvent) -> Result<IntakeResult> {
        if self.fresh.is_none() {
            self.fresh = Some((!tx.has_events()?).then(Taken::default));
        }
        // On a store that held no event when the run began, a ref can only be stored by this
        // run: the insert below finds it, instead of a look-up for every row.
        let fresh_run = matches!(self.fresh, Some(Some(_)));
        if !fresh_run && let Some(known) = Self::stored(tx, e)? {
            return Ok(known);
        }
        let (key, rule) = self.config.category(&e.category).ok_or_else(|| {
            crate::error::BadInput::new(format!("unknown category `{}`", e.category))
        })?;
        let event = if e.category == key {
            Cow::Borrowed(e)
        } else {
            let mut keyed = e.clone();
            keyed.category = key.to_string();
            Cow::Owned(keyed)
        };
        let month = crate::clock::iso_month(event.completed_at);
        join_key(
            &mut self.cohort_key,
            &[&event.site, &event.category, &month],
        );
        let cohort_key = self.cohort_key.as_str();
        let count = match (self.cohorts.get(cohort_key), fresh_run) {
            (Some(c), _) => *c,
            (None, true) => CohortCount::default(),
            (None, false) => tx.cohort_count(&Cohort {
                site: event.site.clone(),
                category: event.category.clone(),
                month,
            })?,
        };
        let since = self
            .config
            .repeats
            .lookback
            .negated()
            .apply(event.completed_at.date(), self.config.calendar())
            .map_or(event.completed_at, crate::clock::start_of);
        let repeat_count = match self.fresh.as_mut().and_then(Option::as_mut) {
            Some(taken) => taken.repeat_count(&event, since),
            None => tx.repeat_count(&event, since)?,
        };
        let forced = self.forced_reason(tx, &event, rule, repeat_count)?;
        let selection = rules::choose(
            &event.reference,
            rule.rate,
            event.major,
            count,
            forced.as_deref(),
        );
        let inserted = tx.insert_event_if_new(&EventInsert {
            event: &event,
            repeat_count,
            selected: selection.selected,
            selection_reason: &selection.reason,
            imported_at: self.now,
        })?;
        let Some(event_id) = inserted else {
            // The same ref twice in a first import: the second is a re-import or a conflict.
            return Self::stored(tx, e)?
                .ok_or_else(|| eyre!("ref `{}`: neither stored nor new", e.reference));
        };
        if let Some(Some(taken)) = self.fresh.as_mut() {
            taken.add(&event);
        }
        let counted = CohortCount {
            events: count.events + 1,
            selected: count.selected + u64::from(selection.selected),
        };
        match self.cohorts.get_mut(cohort_key) {
            Some(c) => *c = counted,
            None => {
                self.cohorts.insert(cohort_key.to_owned(), counted);
            }
        }
        let tasks = if selection.selected {
            create_tasks_with(tx, &mut self.windows, event_id, &event, repeat_count)?
        } else {
            0
        };
        Ok(IntakeResult::Imported {
            event_id,
            selected: selection.selected,
            tasks,
        })
    }

    /// What taking `e` comes to when its ref is stored already: a re-import of the same row, or
    /// a conflict with the stored one (kept as it is); `None` when the ref is new.
    fn stored(tx: &Tx<'_>, e: &NewEvent) -> Result<Option<IntakeResult>> {
        let Some(stored) = tx.event_fingerprint(&e.reference)? else {
            return Ok(None);
        };
        if stored == e.fingerprint() {
            return Ok(Some(IntakeResult::Skipped));
        }
        let old = tx
            .event_by_ref(&e.reference)?
            .expect("fingerprint implies the event");
        Ok(Some(IntakeResult::Conflict(old.event.differing_fields(e))))
    }

    /// Why the event must be called back whatever the sampling says, if it must: a repeat at or
    /// past the category's threshold, or a customer left unsatisfied last time.
    fn forced_reason(
        &self,
        tx: &Tx<'_>,
        e: &NewEvent,
        rule: &crate::config::CategoryRule,
        repeats: u32,
    ) -> Result<Option<String>> {
        if let Some(at) = rule.repeat_select_at.filter(|at| repeats + 1 >= *at) {
            return Ok(Some(format!(
                "repeat: {} events on `{}` within {} (always called back from {at} on)",
                repeats + 1,
                e.matter,
                self.config.repeats.lookback
            )));
        }
        // A run on an empty store has no earlier call-back to look at.
        let fresh = matches!(self.fresh, Some(Some(_)));
        if self.config.repeats.select_after_unsatisfied
            && !fresh
            && tx.last_outcome(e)?.as_deref() == Some("unsatisfied")
        {
            return Ok(Some(
                "last call-back of this customer was unsatisfied".into(),
            ));
        }
        Ok(None)
    }
}
