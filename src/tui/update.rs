//! Keys become actions (routing), and actions change the state and ask for effects. Nothing
//! here touches the store: effects are run by the app, which reports back.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::keymap::{Context, Key, Keymap};
use super::state::{self, Answer, Field, Focus, Form, Overlay, Prompt, State, ThenDo};
use crate::domain::{AttemptResult, Channel, DueState, NewRecord, Outcome, TaskId};
use tui_input::InputRequest;

/// Work for the app to do against the store (or the system).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Load the context of the selected call-back.
    LoadDetail(TaskId),
    /// Claim the call-back for this operator, then open its form.
    Claim(TaskId),
    Release(TaskId),
    Save(TaskId, NewRecord),
    Attempt(TaskId, AttemptResult),
    Reload,
    Dial(TaskId),
    /// Write the call-back record sheet of a visit to the sheets folder.
    PrintSheet(TaskId),
    LoadEscalation(i64),
    LoadDemo,
    /// Assign an escalation: `NAME` or `NAME / DEPARTMENT`.
    Assign(i64, String),
    /// Record the handling of an escalation with these measures.
    Handle(i64, String),
    /// Review a record: qualified or not, with a comment.
    Review(i64, bool, String),
    LoadReviews,
    /// Compute the report pane's figures.
    LoadReports,
    /// A full phone number was shown: goes to the audit log.
    AuditReveal(TaskId),
}

/// An action guarded by a role, for the disabled-with-why display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Assign,
    Handle,
    Review,
}

/// Why the person at the keyboard may not take the action, in the UI's language; `None` when
/// they may (always, while no staff are defined). The workflow checks again when it runs.
pub fn refusal(state: &State, gate: Gate) -> Option<String> {
    use crate::domain::StaffRole;
    let handler = match gate {
        Gate::Handle => state.escalations.current().and_then(|x| x.handler.clone()),
        _ => None,
    };
    let (allowed, key): (&[StaffRole], &str) = match gate {
        Gate::Assign => (&[StaffRole::Manager], "disabled.assign"),
        Gate::Handle => (&[StaffRole::Manager], "disabled.handle"),
        Gate::Review => (&[StaffRole::Supervisor], "disabled.review"),
    };
    state.acting.refusal(allowed, handler.as_deref(), "")?;
    let who = if state.acting.role.is_none() {
        state.t("disabled.not_staff")
    } else {
        ""
    };
    Some(format!("{}{who}", state.t(key)))
}

/// The action a key means here: the overlay first, then the focused layer, then global keys;
/// an unbound printable key falls through to the focused text field.
pub fn route(state: &State, keymap: &Keymap, e: &KeyEvent) -> Option<Action> {
    let key = Key::from_event(e);
    let plain_char = match (
        key.code,
        key.mods
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT),
    ) {
        (KeyCode::Char(c), false) => Some(c),
        _ => None,
    };
    if let Some(overlay) = &state.overlay {
        return match overlay {
            Overlay::AttemptMenu(_) => match plain_char {
                Some(c @ '1'..='5') => Some(Action::Choose(c as u8 - b'0')),
                _ if key.code == KeyCode::Esc => Some(Action::Back),
                _ => None,
            },
            Overlay::ConfirmDiscard(_) => match plain_char {
                Some('y' | 'Y') => Some(Action::Yes),
                Some('n' | 'N') => Some(Action::No),
                _ if key.code == KeyCode::Esc => Some(Action::No),
                _ => None,
            },
            Overlay::Help => Some(Action::Back),
            Overlay::EscalationRecord(_) => keymap
                .lookup(Context::Escalations, key)
                .filter(Action::is_movement)
                .or(Some(Action::Back)),
            // The verdicts are the review's own keys; it moves with the escalation list's.
            Overlay::Review => keymap.lookup(Context::Review, key).or_else(|| {
                keymap
                    .lookup(Context::Escalations, key)
                    .filter(Action::is_movement)
                    .or_else(|| {
                        matches!(key.code, KeyCode::Esc | KeyCode::Char('q'))
                            .then_some(Action::Back)
                    })
            }),
            Overlay::Prompt(_) => match key.code {
                KeyCode::Esc => Some(Action::Back),
                KeyCode::Enter => Some(Action::Save),
                _ => text_action(key.code, plain_char),
            },
        };
    }
    if state.queue.searching {
        return match key.code {
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Enter | KeyCode::Down | KeyCode::Up | KeyCode::Tab => Some(Action::Search),
            _ => text_action(key.code, plain_char),
        };
    }
    let form_focused = state.focus == Focus::Record && state.form.is_some();
    if form_focused {
        let on_text = state.form.as_ref().is_some_and(|f| f.is_text(f.field));
        if let Some(c) = plain_char {
            if on_text {
                return Some(Action::Char(c));
            }
            if let Some(d) = c.to_digit(10).filter(|d| (1..=9).contains(d)) {
                return Some(Action::Choose(d as u8));
            }
        }
        // ← → step through the options of a pick (an outcome, a score, a choice).
        if !on_text && key.mods.is_empty() {
            match key.code {
                KeyCode::Left => return Some(Action::Left),
                KeyCode::Right => return Some(Action::Right),
                _ => {}
            }
        }
        if on_text
            && let Some(a) = text_action(key.code, None).filter(|_| key.mods.is_empty())
            && !matches!(key.code, KeyCode::Up | KeyCode::Down)
        {
            return Some(a);
        }
        return keymap
            .lookup(Context::Form, key)
            .or_else(|| keymap.lookup(Context::Global, key));
    }
    if state.focus == Focus::Reports {
        // The pane turns pages with its own keys and scrolls with the queue's movement keys.
        return keymap.lookup(Context::Reports, key).or_else(|| {
            keymap
                .lookup(Context::Queue, key)
                .filter(Action::is_movement)
                .or_else(|| keymap.lookup(Context::Global, key))
        });
    }
    let ctx = match state.focus {
        Focus::Escalations => Context::Escalations,
        Focus::Queue | Focus::Record | Focus::Reports => Context::Queue,
    };
    keymap
        .lookup(ctx, key)
        .or_else(|| keymap.lookup(Context::Global, key))
}

fn text_action(code: KeyCode, plain_char: Option<char>) -> Option<Action> {
    match code {
        KeyCode::Backspace => Some(Action::Backspace),
        KeyCode::Delete => Some(Action::Delete),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        KeyCode::Home => Some(Action::Home),
        KeyCode::End => Some(Action::End),
        _ => plain_char.map(Action::Char),
    }
}

fn edit(input: &mut tui_input::Input, a: Action) -> bool {
    let req = match a {
        Action::Char(c) => InputRequest::InsertChar(c),
        Action::Backspace => InputRequest::DeletePrevChar,
        Action::Delete => InputRequest::DeleteNextChar,
        Action::Left => InputRequest::GoToPrevChar,
        Action::Right => InputRequest::GoToNextChar,
        Action::Home => InputRequest::GoToStart,
        Action::End => InputRequest::GoToEnd,
        _ => return false,
    };
    input.handle(req);
    matches!(a, Action::Char(_) | Action::Backspace | Action::Delete)
}

/// Applies an action. Returns the effects the app must run.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(overlay) = state.overlay.clone() {
        return update_overlay(state, overlay, action);
    }
    if state.queue.searching {
        return update_search(state, action);
    }
    if state.focus == Focus::Record
        && state.form.is_some()
        && let Some(effects) = update_form(state, action)
    {
        return effects;
    }
    match action {
        Action::Quit => {
            if state.form.as_ref().is_some_and(|f| f.dirty) {
                state.overlay = Some(Overlay::ConfirmDiscard(ThenDo::Quit));
                Vec::new()
            } else {
                state.quit = true;
                state
                    .form
                    .take()
                    .map(|f| vec![Effect::Release(f.task_id)])
                    .unwrap_or_default()
            }
        }
        Action::Help => {
            state.overlay = Some(Overlay::Help);
            Vec::new()
        }
        Action::Refresh if state.focus == Focus::Reports => {
            vec![Effect::Reload, Effect::LoadReports]
        }
        Action::Refresh => vec![Effect::Reload],
        Action::Review => {
            state.overlay = Some(Overlay::Review);
            vec![Effect::LoadReviews]
        }
        Action::FocusNext | Action::FocusPrev => {
            let i = Focus::ORDER
                .iter()
                .position(|f| *f == state.focus)
                .unwrap_or(0);
            let n = Focus::ORDER.len();
            let j = if action == Action::FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            state.focus = Focus::ORDER[j];
            if state.focus == Focus::Reports {
                // Computed when shown, not on every reload of the desk.
                return vec![Effect::LoadReports];
            }
            Vec::new()
        }
        _ if state.focus == Focus::Escalations => update_escalations(state, action),
        _ if state.focus == Focus::Reports => update_reports(state, action),
        _ => update_queue(state, action),
    }
}

fn update_overlay(state: &mut State, overlay: Overlay, action: Action) -> Vec<Effect> {
    match (overlay, action) {
        (Overlay::AttemptMenu(task), Action::Choose(n)) => {
            state.overlay = None;
            match AttemptResult::ALL.get(usize::from(n) - 1) {
                Some(r) => vec![Effect::Attempt(task, *r)],
                None => Vec::new(),
            }
        }
        (Overlay::ConfirmDiscard(then), Action::Yes) => {
            state.overlay = None;
            let mut effects = Vec::new();
            if let Some(f) = state.form.take() {
                effects.push(Effect::Release(f.task_id));
            }
            state.focus = Focus::Queue;
            if then == ThenDo::Quit {
                state.quit = true;
            }
            effects
        }
        (Overlay::ConfirmDiscard(_), Action::No | Action::Back) => {
            state.overlay = None;
            Vec::new()
        }
        (
            Overlay::AttemptMenu(_)
            | Overlay::Help
            | Overlay::EscalationRecord(_)
            | Overlay::Review,
            Action::Back,
        ) => {
            state.overlay = None;
            Vec::new()
        }
        (Overlay::EscalationRecord(_), a) => {
            let len = state.chain.len();
            move_in_list(&mut state.chain_scroll, len, state.page, a);
            Vec::new()
        }
        (Overlay::Review, Action::Verdict(qualified)) => {
            if let Some(why) = refusal(state, Gate::Review) {
                state.error(why);
            } else if let Some(r) = state.reviews.current() {
                state.prompt.reset();
                state.overlay = Some(Overlay::Prompt(Prompt::Review(r.id, qualified)));
            }
            Vec::new()
        }
        (Overlay::Review, a) => {
            let len = state.reviews.items.len();
            move_in_list(&mut state.reviews.selected, len, state.page, a);
            Vec::new()
        }
        (Overlay::Prompt(p), Action::Save) => {
            let text = state.prompt.value().trim().to_string();
            if text.is_empty() && !matches!(p, Prompt::Review(..)) {
                state.error(state.t("prompt.empty").to_string());
                return Vec::new();
            }
            state.overlay = None;
            match p {
                Prompt::Assign(id) => vec![Effect::Assign(id, text)],
                Prompt::Handle(id) => vec![Effect::Handle(id, text)],
                Prompt::Review(id, q) => {
                    state.overlay = Some(Overlay::Review);
                    vec![Effect::Review(id, q, text)]
                }
            }
        }
        (Overlay::Prompt(p), Action::Back) => {
            state.overlay = matches!(p, Prompt::Review(..)).then_some(Overlay::Review);
            Vec::new()
        }
        (Overlay::Prompt(_), a) => {
            edit(&mut state.prompt, a);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn update_search(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Back => {
            state.queue.searching = false;
            state.queue.search.reset();
        }
        Action::Search => state.queue.searching = false,
        a => {
            edit(&mut state.queue.search, a);
        }
    }
    state.queue.refilter();
    detail_effect(state)
}

/// The form's own actions. `None`: not a form action, let the global handling have it.
fn update_form(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let form = state.form.as_mut()?;
    form.error = None;
    match action {
        Action::Save => {
            return Some(match form.to_record() {
                Ok(rec) => vec![Effect::Save(form.task_id, rec)],
                Err(key) => {
                    let msg = crate::i18n::t(state.lang, key).to_string();
                    form.field = Field::Outcome;
                    form.error = Some(msg);
                    Vec::new()
                }
            });
        }
        Action::Back => {
            if form.dirty {
                state.overlay = Some(Overlay::ConfirmDiscard(ThenDo::CloseForm));
                return Some(Vec::new());
            }
            let id = form.task_id;
            state.form = None;
            state.focus = Focus::Queue;
            return Some(vec![Effect::Release(id)]);
        }
        Action::NextField | Action::PrevField => {
            let fields = form.fields();
            let i = fields.iter().position(|f| *f == form.field).unwrap_or(0);
            let n = fields.len();
            form.field = fields[if action == Action::NextField {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
        }
        Action::AttemptMenu => state.overlay = Some(Overlay::AttemptMenu(form.task_id)),
        Action::LogAttempt(r) => return Some(vec![Effect::Attempt(form.task_id, r)]),
        Action::Choose(n) => {
            match form.field {
                Field::Outcome => {
                    form.outcome = Outcome::ALL
                        .get(usize::from(n) - 1)
                        .copied()
                        .or(form.outcome)
                }
                Field::Channel => {
                    form.channel = Channel::ALL
                        .get(usize::from(n) - 1)
                        .copied()
                        .unwrap_or(form.channel)
                }
                Field::Item(i) => {
                    let count = form.items.get(i).map_or(0, |it| state::options(it).len());
                    if let Some(Answer::Pick(v)) = form.answers.get_mut(i)
                        && usize::from(n) <= count
                    {
                        *v = Some(usize::from(n) - 1);
                    }
                }
                _ => {}
            }
            form.dirty = true;
        }
        Action::Toggle if form.field == Field::Signed => {
            form.signed = !form.signed;
            form.dirty = true;
        }
        Action::Left | Action::Right if !form.is_text(form.field) => {
            let step = |i: usize, n: usize| {
                if action == Action::Right {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }
            };
            match form.field {
                Field::Outcome => {
                    let i = form
                        .outcome
                        .and_then(|o| Outcome::ALL.iter().position(|x| *x == o))
                        .unwrap_or(0);
                    form.outcome = Some(Outcome::ALL[step(i, Outcome::ALL.len())]);
                }
                Field::Channel => {
                    let i = Channel::ALL
                        .iter()
                        .position(|x| *x == form.channel)
                        .unwrap_or(0);
                    form.channel = Channel::ALL[step(i, Channel::ALL.len())];
                }
                Field::Item(i) => {
                    let item = &form.items[i];
                    let n = state::options(item).len().max(1);
                    if let Some(Answer::Pick(v)) = form.answers.get_mut(i) {
                        // A score starts from the middle (3), any other list from its ends.
                        *v = Some(match (*v, item.kind) {
                            (Some(cur), _) => step(cur, n),
                            (None, crate::domain::ItemKind::Score) => step(2, n),
                            (None, _) if action == Action::Right => 0,
                            (None, _) => n - 1,
                        });
                    }
                }
                _ => {}
            }
            form.dirty = true;
        }
        a @ (Action::Char(_)
        | Action::Backspace
        | Action::Delete
        | Action::Left
        | Action::Right
        | Action::Home
        | Action::End) => {
            if let Some(input) = form.input_mut()
                && edit(input, a)
            {
                form.dirty = true;
            }
        }
        _ => return None,
    }
    Some(Vec::new())
}

fn update_queue(state: &mut State, action: Action) -> Vec<Effect> {
    let q = &mut state.queue;
    let len = q.shown.len();
    let before = q.selected;
    match action {
        _ if move_in_list(&mut q.selected, len, state.page, action) => {}
        Action::Search => {
            q.searching = true;
        }
        Action::Back
            if (!q.search.value().is_empty()
                || q.site.is_some()
                || q.category.is_some()
                || q.state.is_some()) =>
        {
            q.search.reset();
            q.site = None;
            q.category = None;
            q.state = None;
            q.refilter();
        }
        Action::CycleSite => {
            q.site = cycle(&distinct(&q.all, |d| &d.site), q.site.as_ref()).cloned();
            q.refilter();
        }
        Action::CycleCategory => {
            q.category = cycle(&distinct(&q.all, |d| &d.category), q.category.as_ref()).cloned();
            q.refilter();
        }
        Action::CycleState => {
            let states = [DueState::Overdue, DueState::DueToday, DueState::Open];
            let refs: Vec<&DueState> = states.iter().collect();
            q.state = cycle(&refs, q.state.as_ref()).copied();
            q.refilter();
        }
        Action::Open => {
            let Some(id) = q.current().map(|d| d.task_id) else {
                return Vec::new();
            };
            // One form at a time: back to it when it is this call-back or holds typed input,
            // else the old claim is given up before the new one is taken.
            return match state.form.as_ref() {
                Some(f) if f.task_id == id => {
                    state.focus = Focus::Record;
                    Vec::new()
                }
                Some(f) if f.dirty => {
                    state.focus = Focus::Record;
                    state.message = Some((
                        super::state::Level::Error,
                        crate::i18n::t(state.lang, "msg.form_open").to_string(),
                    ));
                    Vec::new()
                }
                Some(f) => {
                    let old = f.task_id;
                    state.form = None;
                    vec![Effect::Release(old), Effect::Claim(id)]
                }
                None => vec![Effect::Claim(id)],
            };
        }
        Action::NoAnswer => {
            return q
                .current()
                .map(|d| vec![Effect::Attempt(d.task_id, AttemptResult::NoAnswer)])
                .unwrap_or_default();
        }
        Action::AttemptMenu => {
            if let Some(d) = q.current() {
                state.overlay = Some(Overlay::AttemptMenu(d.task_id));
            }
            return Vec::new();
        }
        Action::Reveal => {
            let id = q.current().map(|d| d.task_id);
            state.revealed = if state.revealed == id { None } else { id };
            // Showing a customer's full number is a disclosure (保密纪律): it is audited.
            return state
                .revealed
                .map(Effect::AuditReveal)
                .into_iter()
                .collect();
        }
        Action::Dial => {
            return q
                .current()
                .map(|d| vec![Effect::Dial(d.task_id)])
                .unwrap_or_default();
        }
        Action::PrintSheet => {
            return q
                .current()
                .map(|d| vec![Effect::PrintSheet(d.task_id)])
                .unwrap_or_default();
        }
        Action::LoadDemo if !state.has_events => return vec![Effect::LoadDemo],
        _ => {}
    }
    if state.queue.selected != before
        || matches!(
            action,
            Action::CycleSite | Action::CycleCategory | Action::CycleState | Action::Back
        )
    {
        state.revealed = None;
        return detail_effect(state);
    }
    Vec::new()
}

/// The distinct values of a field in the queue, sorted: what a filter cycles through.
fn distinct(
    items: &[crate::store::DueItem],
    field: fn(&crate::store::DueItem) -> &String,
) -> Vec<&String> {
    let mut values: Vec<&String> = items.iter().map(field).collect();
    values.sort();
    values.dedup();
    values
}

/// The next value of a filter: none → first → … → last → none.
fn cycle<'a, T: PartialEq>(values: &[&'a T], current: Option<&T>) -> Option<&'a T> {
    match current.and_then(|c| values.iter().position(|v| *v == c)) {
        None => values.first().copied(),
        Some(i) => values.get(i + 1).copied(),
    }
}

fn detail_effect(state: &State) -> Vec<Effect> {
    // While a form is open the pane keeps showing the call-back being recorded.
    if state.form.is_some() {
        return Vec::new();
    }
    match state.queue.current() {
        Some(d) if state.detail.as_ref().is_none_or(|x| x.task_id != d.task_id) => {
            vec![Effect::LoadDetail(d.task_id)]
        }
        _ => Vec::new(),
    }
}

/// Moves a list's selection for the movement actions; false for any other action.
fn move_in_list(selected: &mut usize, len: usize, page: usize, action: Action) -> bool {
    let last = len.saturating_sub(1);
    *selected = match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (*selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(page.max(1)),
        Action::PageDown => (*selected + page.max(1)).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}

/// Pages turn with the page keys; the movement keys scroll the page's list.
fn update_reports(state: &mut State, action: Action) -> Vec<Effect> {
    let r = &mut state.reports;
    let n = super::state::ReportPane::PAGES;
    match action {
        Action::NextPage => {
            r.page = (r.page + 1) % n;
            r.scroll = 0;
        }
        Action::PrevPage => {
            r.page = (r.page + n - 1) % n;
            r.scroll = 0;
        }
        a => {
            let len = r.rows();
            move_in_list(&mut r.scroll, len, state.page, a);
        }
    }
    Vec::new()
}

fn update_escalations(state: &mut State, action: Action) -> Vec<Effect> {
    let x = &mut state.escalations;
    let len = x.items.len();
    match action {
        _ if move_in_list(&mut x.selected, len, state.page, action) => {}
        Action::Open => {
            if let Some(e) = x.current() {
                let id = e.id;
                state.chain_scroll = 0;
                state.overlay = Some(Overlay::EscalationRecord(id));
                return vec![Effect::LoadEscalation(id)];
            }
        }
        Action::Assign | Action::Handle => {
            let gate = if action == Action::Assign {
                Gate::Assign
            } else {
                Gate::Handle
            };
            let Some(e) = x.current() else {
                return Vec::new();
            };
            let (id, st) = (e.id, e.state);
            if let Some(why) = refusal(state, gate) {
                state.error(why);
            } else if st == crate::domain::EscalationState::Closed
                || (gate == Gate::Handle && st != crate::domain::EscalationState::Open)
            {
                state.error(state.t("disabled.not_open").to_string());
            } else {
                state.prompt.reset();
                state.overlay = Some(Overlay::Prompt(if gate == Gate::Assign {
                    Prompt::Assign(id)
                } else {
                    Prompt::Handle(id)
                }));
            }
        }
        Action::Back => state.focus = Focus::Queue,
        _ => {}
    }
    Vec::new()
}

/// Called by the app when a claim succeeded: opens the form, focused on the outcome, with the
/// channel preset to phone (or the category's fallback after failed calls).
pub fn open_form(state: &mut State, task: TaskId) {
    let items = state
        .detail
        .as_ref()
        .filter(|d| d.task_id == task)
        .map(|d| d.items.clone())
        .unwrap_or_else(crate::rules::default_items);
    let mut form = Form::new(task, items);
    if let Some(c) = state.queue.contact.get(&task) {
        form.channel = c.channel;
    }
    state.form = Some(form);
    state.focus = Focus::Record;
}

/// Called by the app after a record was saved: close the form, move on to the next call-back.
pub fn after_save(state: &mut State, task: TaskId) {
    state.form = None;
    state.focus = Focus::Queue;
    let q = &mut state.queue;
    // The call-back after the saved one, in the order shown.
    let next = q
        .shown
        .iter()
        .map(|&i| &q.all[i])
        .skip_while(|d| d.task_id != task)
        .nth(1)
        .map(|d| d.task_id);
    q.all.retain(|d| d.task_id != task);
    q.refilter_keeping(next);
}
