//! Everything the screen shows, and nothing else: rendered from `&State`, changed only by
//! `update` (keys) and by the app applying what the store returned.

use chrono::{NaiveDate, NaiveDateTime};
use tui_input::Input;

use crate::domain::{
    Channel, DueState, EscalationState, NewRecord, Outcome, Record, ServiceEvent, TaskId,
};
use crate::i18n::Lang;
use crate::store::{DueItem, EscalationView, ReviewItem};
use crate::workflow::roles::Acting;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Queue,
    Record,
    Escalations,
    /// This month's rates and outcomes, this quarter's repeats.
    Reports,
}

impl Focus {
    pub const ORDER: [Focus; 4] = [
        Focus::Queue,
        Focus::Record,
        Focus::Escalations,
        Focus::Reports,
    ];
}

/// The report pane: its figures (loaded when the pane is shown), the page and the scroll.
#[derive(Debug, Default)]
pub struct ReportPane {
    pub summary: Option<crate::report::summary::Summary>,
    /// 0 rates, 1 outcomes, 2 repeated complaints, 3 repeated repairs.
    pub page: usize,
    /// The first row shown of the page's list.
    pub scroll: usize,
}

impl ReportPane {
    pub const PAGES: usize = 4;

    /// How many rows the current page lists.
    pub fn rows(&self) -> usize {
        self.summary.as_ref().map_or(0, |s| match self.page {
            0 | 1 => s.categories.len(),
            2 => s.repeat_complaints.len(),
            _ => s.repeat_repairs.len(),
        })
    }
}

/// The due-today list with its filters and selection.
#[derive(Debug, Default)]
pub struct Queue {
    pub all: Vec<DueItem>,
    /// Indices into `all` that pass the filters and the search, in order.
    pub shown: Vec<usize>,
    pub selected: usize,
    pub site: Option<String>,
    pub category: Option<String>,
    pub state: Option<DueState>,
    pub search: Input,
    pub searching: bool,
    /// When each task can be tried (contact hours, retry spacing) and by which channel.
    pub contact: std::collections::HashMap<TaskId, crate::workflow::Contact>,
}

impl Queue {
    pub fn current(&self) -> Option<&DueItem> {
        self.shown.get(self.selected).and_then(|&i| self.all.get(i))
    }

    /// Recomputes `shown` after the list, a filter or the search changed, keeping the selected
    /// task selected when it is still there.
    pub fn refilter(&mut self) {
        let keep = self.current().map(|d| d.task_id);
        self.refilter_keeping(keep);
    }

    /// Like [`Queue::refilter`], after `all` was replaced: `keep` is the task that was selected
    /// in the old list (the old `shown` indices mean nothing in the new one).
    pub fn refilter_keeping(&mut self, keep: Option<TaskId>) {
        let needle = self.search.value().trim().to_lowercase();
        self.shown = self
            .all
            .iter()
            .enumerate()
            .filter(|(_, d)| self.site.as_ref().is_none_or(|s| &d.site == s))
            .filter(|(_, d)| self.category.as_ref().is_none_or(|c| &d.category == c))
            .filter(|(_, d)| self.state.is_none_or(|s| d.state == s))
            .filter(|(_, d)| {
                needle.is_empty()
                    || [&d.customer, &d.unit, &d.event_ref, &d.matter]
                        .iter()
                        .any(|f| f.to_lowercase().contains(&needle))
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = keep
            .and_then(|id| self.shown.iter().position(|&i| self.all[i].task_id == id))
            .unwrap_or(self.selected)
            .min(self.shown.len().saturating_sub(1));
    }

    pub fn counts(&self) -> (usize, usize) {
        let overdue = self
            .all
            .iter()
            .filter(|d| d.state == DueState::Overdue)
            .count();
        let today = self
            .all
            .iter()
            .filter(|d| d.state == DueState::DueToday)
            .count();
        (overdue, today)
    }
}

/// The selected call-back's context, loaded from the store when the selection changes.
#[derive(Debug, Clone)]
pub struct Detail {
    pub task_id: TaskId,
    pub event: ServiceEvent,
    pub rule_name: String,
    pub window: (NaiveDate, NaiveDate),
    pub rule: String,
    /// Other events of the same customer or unit, with their records.
    pub related: Vec<(ServiceEvent, Option<Record>)>,
    pub script: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Outcome,
    Channel,
    Quality,
    Effect,
    Shortcomings,
    Suggestions,
    Note,
    Signed,
}

impl Field {
    pub const ORDER: [Field; 8] = [
        Field::Outcome,
        Field::Channel,
        Field::Quality,
        Field::Effect,
        Field::Shortcomings,
        Field::Suggestions,
        Field::Note,
        Field::Signed,
    ];

    pub fn is_text(self) -> bool {
        matches!(self, Field::Shortcomings | Field::Suggestions | Field::Note)
    }
}

/// The record form of one call-back.
#[derive(Debug, Clone)]
pub struct Form {
    pub task_id: TaskId,
    pub field: Field,
    pub channel: Channel,
    pub outcome: Option<Outcome>,
    pub quality: Option<u8>,
    pub effect: Option<u8>,
    pub shortcomings: Input,
    pub suggestions: Input,
    pub note: Input,
    pub signed: bool,
    /// Something was entered: leaving asks first.
    pub dirty: bool,
    /// The save failed: the message, with the typed form kept.
    pub error: Option<String>,
}

impl Form {
    pub fn new(task_id: TaskId) -> Self {
        Self {
            task_id,
            field: Field::Outcome,
            channel: Channel::Phone,
            outcome: None,
            quality: None,
            effect: None,
            shortcomings: Input::default(),
            suggestions: Input::default(),
            note: Input::default(),
            signed: false,
            dirty: false,
            error: None,
        }
    }

    pub fn input_mut(&mut self) -> Option<&mut Input> {
        match self.field {
            Field::Shortcomings => Some(&mut self.shortcomings),
            Field::Suggestions => Some(&mut self.suggestions),
            Field::Note => Some(&mut self.note),
            _ => None,
        }
    }

    /// The record to save, or the string key of what is missing.
    pub fn to_record(&self) -> Result<NewRecord, &'static str> {
        let outcome = self.outcome.ok_or("form.need_outcome")?;
        Ok(NewRecord {
            channel: self.channel,
            outcome,
            quality: self.quality,
            effect: self.effect,
            shortcomings: self.shortcomings.value().trim().to_string(),
            suggestions: self.suggestions.value().trim().to_string(),
            note: self.note.value().trim().to_string(),
            signed: self.signed && self.channel == Channel::Visit,
        })
    }
}

#[derive(Debug, Default)]
pub struct Escalations {
    pub items: Vec<EscalationView>,
    pub selected: usize,
}

impl Escalations {
    pub fn current(&self) -> Option<&EscalationView> {
        self.items.get(self.selected)
    }

    pub fn open_count(&self) -> usize {
        self.items
            .iter()
            .filter(|x| x.state != EscalationState::Closed)
            .count()
    }
}

/// The records waiting for a supervisor's review, oldest first.
#[derive(Debug, Default)]
pub struct Reviews {
    pub items: Vec<ReviewItem>,
    pub selected: usize,
}

impl Reviews {
    pub fn current(&self) -> Option<&ReviewItem> {
        self.items.get(self.selected)
    }
}

/// What a one-line prompt is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// The handler (and `/ department`) of an escalation.
    Assign(i64),
    /// The measures taken for an escalation.
    Handle(i64),
    /// The comment (加注意见) of a review: qualified or not.
    Review(i64, bool),
}

/// What sits over the panes and takes the keys first.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    /// Choose an attempt result (1–5) for the task.
    AttemptMenu(TaskId),
    /// Discard the typed form? Then do the action.
    ConfirmDiscard(ThenDo),
    /// An escalation's whole chain, read-only, scrolled by the movement keys.
    EscalationRecord(i64),
    /// The review queue (审核).
    Review,
    /// A line of text to enter, over what was there.
    Prompt(Prompt),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThenDo {
    CloseForm,
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

pub struct State {
    pub lang: Lang,
    pub operator: String,
    pub site: Option<String>,
    pub now: NaiveDateTime,
    /// The holiday name of today, when the rules know it.
    pub holiday: Option<String>,
    pub focus: Focus,
    pub queue: Queue,
    pub detail: Option<Detail>,
    pub form: Option<Form>,
    pub escalations: Escalations,
    pub escalation_detail: Option<(EscalationView, Option<Record>, Option<ServiceEvent>)>,
    /// The opened escalation's history, as lines, and how far it is scrolled.
    pub chain: Vec<String>,
    pub chain_scroll: usize,
    pub reviews: Reviews,
    pub reports: ReportPane,
    /// What is typed into the open prompt.
    pub prompt: Input,
    /// Who is at the keyboard, for the role checks (off while no staff are defined).
    pub acting: Acting,
    pub overlay: Option<Overlay>,
    pub done_today: u64,
    /// Any event at all: an empty database shows the welcome.
    pub has_events: bool,
    pub message: Option<(Level, String)>,
    /// The task whose full phone number is shown.
    pub revealed: Option<TaskId>,
    /// When a dial command was started, and for which task.
    pub dialing: Option<(TaskId, NaiveDateTime)>,
    pub dial_configured: bool,
    pub wide: bool,
    pub quit: bool,
    /// Rows the queue showed last frame, for paging.
    pub page: usize,
    /// Category key → Chinese name, from the rules.
    pub category_names: std::collections::BTreeMap<String, String>,
}

impl State {
    pub fn new(lang: Lang, operator: String, site: Option<String>, now: NaiveDateTime) -> Self {
        Self {
            lang,
            operator: operator.clone(),
            site,
            now,
            holiday: None,
            focus: Focus::Queue,
            queue: Queue::default(),
            detail: None,
            form: None,
            escalations: Escalations::default(),
            escalation_detail: None,
            chain: Vec::new(),
            chain_scroll: 0,
            reviews: Reviews::default(),
            reports: ReportPane::default(),
            prompt: Input::default(),
            acting: Acting {
                name: operator.clone(),
                checks_on: false,
                role: None,
            },
            overlay: None,
            done_today: 0,
            has_events: false,
            message: None,
            revealed: None,
            dialing: None,
            dial_configured: false,
            wide: true,
            quit: false,
            page: 10,
            category_names: Default::default(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        crate::i18n::t(self.lang, key)
    }

    pub fn info(&mut self, text: String) {
        self.message = Some((Level::Info, text));
    }

    pub fn error(&mut self, text: String) {
        self.message = Some((Level::Error, text));
    }
}
