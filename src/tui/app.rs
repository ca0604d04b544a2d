//! Routing and lifecycle: owns the store and the state, runs effects, refreshes when another
//! process wrote. Rendering and key handling live elsewhere.

use std::time::{Duration, Instant};

use chrono::{Datelike, Duration as ChronoDuration, NaiveDateTime};
use color_eyre::eyre::Result;
use crossterm::event::{self, Event, KeyEventKind};
use ratatui::DefaultTerminal;

use super::keymap::Keymap;
use super::state::{Detail, State};
use super::update::{self, Effect};
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::TaskId;
use crate::i18n::fill;
use crate::store::{DueQuery, Reads, Store};
use crate::workflow;

/// How many records waiting for review the TUI loads (oldest first).
const REVIEW_WINDOW: usize = 500;

pub struct App {
    pub state: State,
    pub store: Store,
    pub config: Config,
    pub keymap: Keymap,
    pub clock: Clock,
    /// SQLite's `data_version`: changes when another connection commits.
    data_version: i64,
}

impl App {
    pub fn new(
        store: Store,
        config: Config,
        keymap: Keymap,
        clock: Clock,
        state: State,
    ) -> Result<Self> {
        // A long-lived process reads through SQLite's bounded page cache, not a map of the whole
        // file: every mapped page it ever touched would count in its memory (60 MiB after a
        // session on 100,000 events), and its reads are a few pages per key.
        store.use_mmap(0)?;
        let mut app = Self {
            state,
            store,
            config,
            keymap,
            clock,
            data_version: 0,
        };
        app.state.dial_configured = app.config.ui.dial_command.is_some();
        app.reload()?;
        Ok(app)
    }

    /// Reloads the lists from the store, keeping the selection and the form.
    pub fn reload(&mut self) -> Result<()> {
        self.state.now = self.clock.now();
        let today = self.state.now.date();
        let calendar = self.config.calendar();
        self.state.holiday = match calendar.day_kind(today) {
            _ if !calendar.covers(today.year()) => Some(crate::i18n::fill(
                self.state.t("status.no_holiday_table"),
                &[("year", &today.year())],
            )),
            kind if kind.code() == "workday" || kind.code() == "weekend" => None,
            kind => Some(kind.name().map_or_else(
                || self.state.t(&format!("day.{}", kind.code())).to_string(),
                str::to_string,
            )),
        };
        // Another operator's work can add or remove rows above the selection: keep the task.
        let keep = self.state.queue.current().map(|d| d.task_id);
        self.state.queue.all = self.store.due(&DueQuery::default(), self.state.now)?;
        let mut contacts = workflow::Contacts::new(&self.config, self.state.now);
        self.state.queue.contact = self
            .state
            .queue
            .all
            .iter()
            .map(|d| (d.task_id, contacts.of(d)))
            .collect();
        if self.state.queue.site.is_none() {
            self.state.queue.site = self
                .state
                .site
                .clone()
                .filter(|s| self.state.queue.all.iter().any(|d| &d.site == s));
        }
        self.state.queue.refilter_keeping(keep);
        self.load_escalations()?;
        self.state.acting = workflow::roles::Acting::load(&self.store, &self.state.operator)?;
        self.load_reviews()?;
        self.state.done_today = self.store.records_since(crate::clock::start_of(today))?;
        self.state.has_events = self.store.has_events()?;
        self.data_version = self.store.data_version()?;
        self.load_shown_detail()
    }

    /// After our own save: the saved task has left the queue already (`update::after_save`);
    /// what else changed is the escalations, the reviews and the day's count, reloaded on their
    /// own instead of the whole queue (which costs a query over every pending call-back). When
    /// another process wrote meanwhile, everything is reloaded.
    fn refresh_after_save(&mut self, escalated: bool) -> Result<()> {
        // Our own commits leave data_version as it was: a change means somebody else's.
        if self.store.data_version()? != self.data_version
            || self.clock.now().date() != self.state.now.date()
        {
            return self.reload();
        }
        self.state.now = self.clock.now();
        if escalated {
            self.load_escalations()?;
        }
        // The new record is the newest: it joins the review list only when that is not full.
        if self.state.reviews.items.len() < REVIEW_WINDOW {
            self.load_reviews()?;
        }
        self.state.done_today += 1;
        self.load_shown_detail()
    }

    fn load_escalations(&mut self) -> Result<()> {
        let today = self.state.now.date();
        let x = &mut self.state.escalations;
        x.items = self
            .store
            .open_escalations_first(today, super::state::Escalations::WINDOW)?;
        let (open, overdue) = self.store.open_escalation_counts(today)?;
        (x.open_total, x.overdue_total) = (open as usize, overdue as usize);
        x.selected = x.selected.min(x.items.len().saturating_sub(1));
        Ok(())
    }

    /// The detail of the call-back shown: the one being recorded while a form is open (the pane
    /// keeps showing it), else the selected one.
    fn load_shown_detail(&mut self) -> Result<()> {
        let shown = self.state.form.as_ref().map(|f| f.task_id);
        if let Some(id) = shown.or_else(|| self.state.queue.current().map(|d| d.task_id)) {
            self.load_detail(id)?;
        } else {
            self.state.detail = None;
        }
        Ok(())
    }

    /// Reloads when another process committed since the last look. Cheap: one pragma.
    pub fn poll_changes(&mut self) -> Result<bool> {
        if self.store.data_version()? != self.data_version {
            self.reload()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn load_detail(&mut self, id: TaskId) -> Result<()> {
        let Some(task) = self.store.task(id)? else {
            self.state.detail = None;
            return Ok(());
        };
        let Some(event) = self.store.event_by_id(task.event_id)? else {
            return Ok(());
        };
        let mut related = Vec::new();
        for e in self.store.related_events(&event, 8)? {
            let record = match self.store.tasks_of_event(e.id)?.first() {
                Some(t) => self.store.record_of_task(t.id)?,
                None => None,
            };
            related.push((e, record));
        }
        let (name, script, items) = self
            .config
            .category(&event.event.category)
            .map(|(_, r)| (r.name.clone(), r.script.clone(), r.items.clone()))
            .unwrap_or_default();
        let fill_script = |line: &String| {
            line.replace("{site}", &event.event.site)
                .replace("{matter}", &event.event.matter)
                .replace("{customer}", &event.event.customer)
        };
        self.state.detail = Some(Detail {
            task_id: id,
            rule_name: name,
            window: (task.opens, task.due),
            rule: format!("{} · {}", task.rule, task.rules_version),
            script: script.iter().map(fill_script).collect(),
            items,
            related,
            event,
        });
        Ok(())
    }

    /// The report pane's figures for today's month and quarter, at the TUI's site (or all).
    /// Counted when the pane is entered and on Ctrl-R, not on every reload: at a million events
    /// a count takes a good part of a second, too long for each write another operator makes.
    fn load_reports(&mut self) -> Result<()> {
        let summary = crate::report::summary::load(
            &self.store,
            &self.config,
            self.state.lang,
            self.state.now.date(),
            self.state.site.as_deref(),
        )?;
        let r = &mut self.state.reports;
        r.summary = Some(summary);
        r.scroll = r.scroll.min(r.rows().saturating_sub(1));
        Ok(())
    }

    fn load_reviews(&mut self) -> Result<()> {
        self.state.reviews.items = self.store.review_queue(Some(REVIEW_WINDOW))?;
        let n = self.state.reviews.items.len();
        self.state.reviews.selected = self.state.reviews.selected.min(n.saturating_sub(1));
        Ok(())
    }

    /// Runs a write through the workflow; its error becomes the status line, and the lists
    /// are reloaded when it succeeded.
    fn write_step<T>(
        &mut self,
        f: impl FnOnce(&crate::store::Tx<'_>, &Config, &str) -> Result<T>,
    ) -> Result<Option<T>> {
        let operator = self.state.operator.clone();
        let result = (|| {
            let tx = self.store.write()?;
            let v = f(&tx, &self.config, &operator)?;
            tx.commit()?;
            Ok::<_, color_eyre::Report>(v)
        })();
        match result {
            Ok(v) => {
                self.reload()?;
                Ok(Some(v))
            }
            Err(e) => {
                self.state.error(error_text(&e));
                Ok(None)
            }
        }
    }

    fn claim_until(&self, now: NaiveDateTime) -> NaiveDateTime {
        now + ChronoDuration::minutes(i64::from(self.config.ui.claim_minutes))
    }

    /// Runs one effect against the store; failures become messages, and the form is kept.
    pub fn run_effect(&mut self, effect: Effect) -> Result<()> {
        let now = self.clock.now();
        let operator = self.state.operator.clone();
        match effect {
            Effect::LoadDetail(id) => self.load_detail(id)?,
            Effect::Reload => self.reload()?,
            Effect::Claim(id) => {
                let until = self.claim_until(now);
                let tx = self.store.write()?;
                let held = tx.claim_task(id, &operator, now, until)?;
                tx.commit()?;
                match held {
                    Some(holder) => self
                        .state
                        .error(fill(self.state.t("msg.claimed_by"), &[("who", &holder)])),
                    None => {
                        self.load_detail(id)?;
                        update::open_form(&mut self.state, id);
                    }
                }
            }
            Effect::Release(id) => {
                let tx = self.store.write()?;
                tx.release_task(id, &operator)?;
                tx.commit()?;
            }
            Effect::Save(id, rec) => {
                let result = (|| {
                    let tx = self.store.write()?;
                    let done =
                        workflow::record(&tx, &self.config, id, &rec, &operator, now, false)?;
                    tx.commit()?;
                    Ok::<_, color_eyre::Report>(done)
                })();
                match result {
                    Ok(done) => {
                        update::after_save(&mut self.state, id);
                        let mut msg = fill(self.state.t("msg.recorded"), &[("task", &id)]);
                        if let Some(x) = done.escalation {
                            msg = format!(
                                "{msg} · {}",
                                crate::cli::escalation_message(self.state.lang, &x)
                            );
                        }
                        self.state.info(msg);
                        self.refresh_after_save(done.escalation.is_some())?;
                    }
                    Err(e) => {
                        let text = error_text(&e);
                        if let Some(f) = self.state.form.as_mut() {
                            f.error = Some(text.clone());
                        }
                        self.state.error(text);
                    }
                }
            }
            Effect::Attempt(id, result) => {
                let channel = self
                    .state
                    .form
                    .as_ref()
                    .filter(|f| f.task_id == id)
                    .map_or(crate::domain::Channel::Phone, |f| f.channel);
                let note = match self.state.dialing {
                    Some((t, at)) if t == id => fill(
                        self.state.t("msg.dial_started"),
                        &[("at", &at.format("%H:%M"))],
                    ),
                    _ => String::new(),
                };
                let outcome = (|| {
                    let tx = self.store.write()?;
                    let t = workflow::Try {
                        result,
                        channel,
                        note: &note,
                        force: false,
                    };
                    let done = workflow::attempt(&tx, &self.config, id, t, &operator, now)?;
                    tx.commit()?;
                    Ok::<_, color_eyre::Report>(done)
                })();
                match outcome {
                    Ok(done) => {
                        let vars: [(&str, &dyn std::fmt::Display); 3] = [
                            ("task", &id),
                            ("n", &done.attempts),
                            ("max", &done.max_attempts),
                        ];
                        let key = if done.unreachable {
                            "msg.unreachable"
                        } else {
                            "msg.attempt"
                        };
                        self.state.info(fill(self.state.t(key), &vars));
                        if self.state.form.as_ref().is_some_and(|f| f.task_id == id)
                            && done.unreachable
                        {
                            self.state.form = None;
                            self.state.focus = super::state::Focus::Queue;
                        }
                        self.reload()?;
                    }
                    Err(e) => self.state.error(error_text(&e)),
                }
            }
            Effect::Dial(id) => self.dial(id, now)?,
            Effect::PrintSheet(id) => self.print_sheet(id, now),
            Effect::LoadEscalation(id) => {
                let view = self
                    .store
                    .escalations_where(crate::store::EscalationFilter::Id(id), now.date())?
                    .into_iter()
                    .next();
                if let Some(v) = view {
                    let record = match v.record_id {
                        Some(r) => self.store.record_by_id(r)?,
                        None => None,
                    };
                    let event = self.store.event_by_ref(&v.event_ref)?;
                    self.state.escalation_detail = Some((v, record, event));
                    let chain = crate::cli::chain(&self.store, id)?;
                    self.state.chain = crate::cli::chain_lines(self.state.lang, &chain);
                }
            }
            Effect::LoadReviews => self.load_reviews()?,
            Effect::LoadReports => self.load_reports()?,
            Effect::Assign(id, text) => {
                let (to, dept) = match text.split_once(['/', '／']) {
                    Some((a, b)) => (a.trim().to_string(), Some(b.trim().to_string())),
                    None => (text.trim().to_string(), None),
                };
                let done = self.write_step(|tx, _, op| {
                    workflow::escalation::assign(tx, id, &to, dept.as_deref(), op, now)
                })?;
                if let Some(x) = done {
                    self.state.info(fill(
                        self.state.t("msg.assigned"),
                        &[("id", &id), ("who", &to), ("dept", &x.department)],
                    ));
                }
            }
            Effect::Handle(id, measures) => {
                let done = self.write_step(|tx, config, op| {
                    workflow::escalation::handle(tx, config, id, &measures, None, op, now)
                })?;
                if let Some(h) = done {
                    self.state.info(fill(
                        self.state.t("msg.handled"),
                        &[
                            ("id", &id),
                            ("round", &h.round),
                            ("task", &h.task_id),
                            ("due", &h.due),
                        ],
                    ));
                }
            }
            Effect::Review(record, qualified, comment) => {
                let done = self.write_step(|tx, config, op| {
                    workflow::review::review(tx, config, record, qualified, &comment, op, now)
                })?;
                if let Some(r) = done {
                    let key = if qualified {
                        "msg.reviewed_qualified"
                    } else {
                        "msg.reviewed_unqualified"
                    };
                    let mut msg = fill(self.state.t(key), &[("id", &record)]);
                    if let Some(x) = r.escalation_id {
                        msg = format!(
                            "{msg} · {}",
                            fill(self.state.t("msg.escalation_opened"), &[("id", &x)])
                        );
                    }
                    self.state.info(msg);
                }
            }
            Effect::AuditReveal(task) => {
                let item = self.state.queue.all.iter().find(|d| d.task_id == task);
                let after = item.map(|d| {
                    serde_json::json!({"event_ref": d.event_ref, "customer": d.customer, "unit": d.unit})
                });
                let tx = self.store.write()?;
                tx.audit(
                    now,
                    &operator,
                    "phone.reveal",
                    &format!("task:{task}"),
                    None,
                    after.as_ref(),
                )?;
                tx.commit()?;
                // Our own write: no reload needed for it.
                self.data_version = self.store.data_version()?;
            }
            Effect::LoadDemo => {
                // Only into an empty database, as `huifang demo` does.
                let tx = self.store.write()?;
                if tx.event_count()? == 0 {
                    let plan = crate::demo::Plan {
                        events: 2000,
                        seed: 1,
                        sites: 3,
                        months: 4,
                    };
                    let s = crate::demo::generate(&tx, &self.config, &plan, now, &mut |_| {})?;
                    tx.commit()?;
                    self.state.info(fill(
                        self.state.t("msg.demo_loaded"),
                        &[("events", &s.events)],
                    ));
                    self.reload()?;
                }
            }
        }
        Ok(())
    }

    /// Writes a visit's record sheet into the sheets folder and says where; a task that is not
    /// a visit, or a folder that cannot be written, is said in the status bar.
    fn print_sheet(&mut self, id: TaskId, now: NaiveDateTime) {
        let written = (|| {
            let lang = self.state.lang;
            let sheet = crate::sheet::record_sheet(&self.store, &self.config, lang, id, now)?;
            let dir = crate::sheet::sheets_dir(&self.config).ok_or_else(|| {
                crate::error::BadInput::new("no data folder for sheets: set ui.sheets_dir")
            })?;
            let path = dir.join(crate::sheet::sheet_file_name(id, &sheet.reference));
            let html = crate::sheet::render_record_sheet(&sheet, lang);
            crate::atomic_write::write_atomic(&path, html.as_bytes())
                .map_err(|e| color_eyre::eyre::eyre!("cannot write {}: {e}", path.display()))?;
            Ok::<_, color_eyre::Report>(path)
        })();
        match written {
            Ok(path) => self.state.info(fill(
                self.state.t("msg.sheet_saved"),
                &[("path", &path.display())],
            )),
            Err(e) => self.state.error(error_text(&e)),
        }
    }

    fn dial(&mut self, id: TaskId, now: NaiveDateTime) -> Result<()> {
        let Some(template) = self.config.ui.dial_command.clone() else {
            self.state.error(self.state.t("msg.no_dial").to_string());
            return Ok(());
        };
        let Some(item) = self.state.queue.all.iter().find(|d| d.task_id == id) else {
            return Ok(());
        };
        // Only digits and + - reach the command: a number from an import cannot inject anything.
        let phone: String = item
            .phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+' || *c == '-')
            .collect();
        let mut words = template
            .split_whitespace()
            .map(|w| w.replace("{phone}", &phone));
        let Some(program) = words.next() else {
            return Ok(());
        };
        let spawned = std::process::Command::new(program)
            .args(words)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        match spawned {
            Ok(_) => {
                self.state.dialing = Some((id, now));
                self.state.info(fill(
                    self.state.t("msg.dialing"),
                    &[("at", &now.format("%H:%M"))],
                ));
            }
            Err(e) => self
                .state
                .error(format!("{}: {e}", self.state.t("msg.dial_failed"))),
        }
        Ok(())
    }

    /// Applies one action and runs what it asks for.
    pub fn handle(&mut self, action: super::action::Action) -> Result<()> {
        for effect in update::update(&mut self.state, action) {
            // A failed write (disk full, a read-only file, a long lock) is shown, not fatal:
            // the form and everything typed stay as they were.
            if let Err(e) = self.run_effect(effect) {
                // Ids and kinds only: an error's text may quote customer data (保密纪律).
                tracing::warn!(kind = error_kind(&e), "effect failed");
                self.state.error(error_text(&e));
            }
        }
        Ok(())
    }

    /// The loop: draw when something changed, wait for a key at most `refresh_ms`, then look for
    /// other operators' work.
    pub fn run(&mut self, terminal: &mut DefaultTerminal) -> Result<()> {
        let result = self.event_loop(terminal);
        // Whatever ended the loop, the claim of an open form is given up for the others.
        if let Some(f) = self.state.form.take() {
            self.run_effect(Effect::Release(f.task_id))?;
        }
        result
    }

    fn event_loop(&mut self, terminal: &mut DefaultTerminal) -> Result<()> {
        let refresh = Duration::from_millis(self.config.ui.refresh_ms);
        let mut dirty = true;
        let mut last_poll = Instant::now();
        while !self.state.quit {
            if dirty {
                terminal
                    .draw(|f| super::view::draw(f, &mut self.state, &self.keymap, &self.config))?;
                dirty = false;
            }
            let wait = refresh.saturating_sub(last_poll.elapsed());
            if event::poll(wait)? {
                match event::read()? {
                    Event::Key(k) if k.kind != KeyEventKind::Release => {
                        self.state.message = None;
                        if let Some(a) = update::route(&self.state, &self.keymap, &k) {
                            self.handle(a)?;
                        }
                        dirty = true;
                    }
                    Event::Resize(..) | Event::Paste(_) | Event::FocusGained => dirty = true,
                    _ => {}
                }
            }
            if last_poll.elapsed() >= refresh {
                last_poll = Instant::now();
                let minute = self.state.now.format("%H:%M").to_string();
                let changed = self.poll_changes().unwrap_or_else(|e| {
                    self.state.error(error_text(&e));
                    true
                });
                if changed {
                    dirty = true;
                } else {
                    self.state.now = self.clock.now();
                    dirty |= self.state.now.format("%H:%M").to_string() != minute;
                }
            }
        }
        Ok(())
    }
}

/// An error as one line for the status bar: what went wrong with the database in words
/// (busy, disk full, read-only…), else the error itself.
fn error_text(e: &color_eyre::Report) -> String {
    match e.downcast_ref::<crate::error::BadInput>() {
        Some(b) => b.to_string().replace('\n', "; "),
        None => crate::store::explain(e).unwrap_or_else(|| e.to_string()),
    }
}

/// What kind of error it was, for the log (never its text).
pub fn error_kind(e: &color_eyre::Report) -> &'static str {
    if e.downcast_ref::<crate::error::BadInput>().is_some() {
        return "bad_input";
    }
    e.chain()
        .find_map(|c| c.downcast_ref::<rusqlite::Error>())
        .and_then(|x| x.sqlite_error_code())
        .map_or("other", |c| match c {
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => "busy",
            rusqlite::ErrorCode::DiskFull => "disk_full",
            rusqlite::ErrorCode::ReadOnly => "read_only",
            rusqlite::ErrorCode::SystemIoFailure => "io",
            _ => "sqlite",
        })
}
