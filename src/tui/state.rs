//! Everything the screen shows, and nothing else: rendered from `&State`, changed only by
//! `update` (keys) and by the app applying what the store returned.

use chrono::{NaiveDate, NaiveDateTime};
use tui_input::Input;

use crate::domain::{
    Channel, DueState, EscalationState, ItemKind, NewRecord, Outcome, Record, ServiceEvent, TaskId,
};
use crate::i18n::Lang;
use crate::rules::ItemRule;
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
    /// The evaluation items the category's record asks.
    pub items: Vec<ItemRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Outcome,
    Channel,
    /// The category's evaluation item at this position.
    Item(usize),
    Note,
    Signed,
}

/// What is entered for one evaluation item: a pick among its options (a score, yes/no, a
/// choice), or typed text (free text, a quantity).
#[derive(Debug, Clone)]
pub enum Answer {
    Pick(Option<usize>),
    Typed(Input),
}

/// The options a picked item offers, as canonical answers: `1`–`5`, `yes`/`no`, the choices.
pub fn options(item: &ItemRule) -> Vec<String> {
    match item.kind {
        ItemKind::Score => (1..=5).map(|n| n.to_string()).collect(),
        ItemKind::YesNo => vec!["yes".into(), "no".into()],
        ItemKind::Choice => item.choices.clone(),
        ItemKind::Text | ItemKind::Quantity => Vec::new(),
    }
}

/// The record form of one call-back: outcome, channel, the category's own items, note, signature.
#[derive(Debug, Clone)]
pub struct Form {
    pub task_id: TaskId,
    pub field: Field,
    pub channel: Channel,
    pub outcome: Option<Outcome>,
    /// The category's evaluation items, and what is entered for each, in the same order.
    pub items: Vec<ItemRule>,
    pub answers: Vec<Answer>,
    pub note: Input,
    pub signed: bool,
    /// Something was entered: leaving asks first.
    pub dirty: bool,
    /// The save failed: the message, with the typed form kept.
    pub error: Option<String>,
}

impl Form {
    pub fn new(task_id: TaskId, items: Vec<ItemRule>) -> Self {
        let answers = items
            .iter()
            .map(|i| match i.kind {
                ItemKind::Text | ItemKind::Quantity => Answer::Typed(Input::default()),
                _ => Answer::Pick(None),
            })
            .collect();
        Self {
            task_id,
            field: Field::Outcome,
            channel: Channel::Phone,
            outcome: None,
            items,
            answers,
            note: Input::default(),
            signed: false,
            dirty: false,
            error: None,
        }
    }

    /// The fields in the order Tab walks them.
    pub fn fields(&self) -> Vec<Field> {
        let items = (0..self.items.len()).map(Field::Item);
        [Field::Outcome, Field::Channel]
            .into_iter()
            .chain(items)
            .chain([Field::Note, Field::Signed])
            .collect()
    }

    /// Keys typed on this field are text, not commands.
    pub fn is_text(&self, field: Field) -> bool {
        match field {
            Field::Note => true,
            Field::Item(i) => matches!(self.answers.get(i), Some(Answer::Typed(_))),
            _ => false,
        }
    }

    /// What is typed so far for the item `key` (a text or a quantity).
    pub fn typed(&self, key: &str) -> Option<&str> {
        let i = self.items.iter().position(|it| it.key == key)?;
        match &self.answers[i] {
            Answer::Typed(input) => Some(input.value()),
            Answer::Pick(_) => None,
        }
    }

    /// The input of the typed item `key`, to fill it at once (a paste, a test).
    pub fn typed_mut(&mut self, key: &str) -> Option<&mut Input> {
        let i = self.items.iter().position(|it| it.key == key)?;
        match &mut self.answers[i] {
            Answer::Typed(input) => Some(input),
            Answer::Pick(_) => None,
        }
    }

    pub fn input_mut(&mut self) -> Option<&mut Input> {
        match self.field {
            Field::Note => Some(&mut self.note),
            Field::Item(i) => match self.answers.get_mut(i) {
                Some(Answer::Typed(input)) => Some(input),
                _ => None,
            },
            _ => None,
        }
    }

    /// The record to save, or the string key of what is missing. The answers are checked
    /// against the category when saved; a refusal is shown with the form kept.
    pub fn to_record(&self) -> Result<NewRecord, &'static str> {
        let outcome = self.outcome.ok_or("form.need_outcome")?;
        let mut rec = NewRecord::outcome(self.channel, outcome);
        for (item, answer) in self.items.iter().zip(&self.answers) {
            let value = match answer {
                Answer::Pick(Some(i)) => options(item).get(*i).cloned().unwrap_or_default(),
                Answer::Pick(None) => String::new(),
                Answer::Typed(input) => input.value().trim().to_string(),
            };
            if !value.is_empty() {
                // Stored raw under the item's key; the workflow puts it in canonical form.
                rec.answers.insert(item.key.clone(), value);
            }
        }
        rec.note = self.note.value().trim().to_string();
        rec.signed = self.signed && self.channel == Channel::Visit;
        Ok(rec)
    }
}

/// The escalations not closed: the first [`Escalations::WINDOW`] of them (overdue first, then
/// oldest), and how many there are in all.
#[derive(Debug, Default)]
pub struct Escalations {
    pub items: Vec<EscalationView>,
    pub selected: usize,
    /// All those not closed, and those of them past their deadline (`items` may hold fewer).
    pub open_total: usize,
    pub overdue_total: usize,
}

impl Escalations {
    /// How many the pane loads: a million-event history has tens of thousands open; the rest
    /// are in `huifang escalations`.
    pub const WINDOW: usize = 500;

    pub fn current(&self) -> Option<&EscalationView> {
        self.items.get(self.selected)
    }

    pub fn open_count(&self) -> usize {
        let loaded = self
            .items
            .iter()
            .filter(|x| x.state != EscalationState::Closed)
            .count();
        self.open_total.max(loaded)
    }

    pub fn overdue_count(&self) -> usize {
        let loaded = self.items.iter().filter(|e| e.overdue).count();
        self.overdue_total.max(loaded)
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
    /// A quarter close a supervisor should see to (see tui/retention.rs).
    pub close_due: Option<crate::workflow::quarter::CloseDue>,
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
            close_due: None,
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
