use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Row, Table};

use super::cell;
use crate::domain::{DueState, mask_phone};
use crate::i18n::{Lang, fill};
use crate::tui::state::{Focus, State};
use crate::tui::theme::{Role, style};
use crate::tui::view::{muted, pane_block};

/// State, due, category, customer, unit, phone, attempts; the flags take what is left. They
/// add up (with the spacing) to fit 80 columns: a table wider than its area has its columns
/// shrunk by ratatui, which cuts text without a mark.
const WIDTHS: [u16; 7] = [7, 14, 8, 10, 12, 11, 4];

pub fn draw(f: &mut Frame, area: Rect, state: &State) {
    let q = &state.queue;
    let (overdue, today) = q.counts();
    let mut title = fill(
        state.t("pane.queue_title"),
        &[
            ("overdue", &overdue),
            ("today", &today),
            ("shown", &q.shown.len()),
            ("all", &q.all.len()),
        ],
    );
    let filters: Vec<String> = [
        q.site.clone(),
        q.category.clone().map(|c| category_name(state, &c)),
        q.state.map(|s| due_label(state.lang, s).to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !filters.is_empty() {
        title.push_str(&format!(" [{}]", filters.join(" · ")));
    }
    let block = pane_block(title, state.focus == Focus::Queue);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut body = inner;
    if q.searching || !q.search.value().is_empty() {
        let [search, rest] =
            ratatui::layout::Layout::vertical([Constraint::Length(1), Constraint::Min(1)])
                .areas(inner);
        body = rest;
        let prompt = format!("/ {}", state.t("ui.search_prompt"));
        let value = crate::text::sanitize(q.search.value());
        f.render_widget(
            Paragraph::new(Line::from(vec![
                muted(prompt.clone()),
                Span::raw(" "),
                Span::raw(value),
            ])),
            search,
        );
        if q.searching {
            let x =
                search.x + crate::text::width(&prompt) as u16 + 1 + q.search.visual_cursor() as u16;
            f.set_cursor_position((x.min(search.right().saturating_sub(1)), search.y));
        }
    }
    if !state.has_events {
        // Wrapped here: ratatui's wrapper can put a wide character past the area's edge.
        let lines: Vec<Line> = crate::text::wrap(state.t("ui.welcome"), usize::from(body.width))
            .into_iter()
            .map(Line::from)
            .collect();
        f.render_widget(Paragraph::new(Text::from(lines)), body);
        return;
    }
    if q.shown.is_empty() {
        f.render_widget(
            Paragraph::new(state.t("ui.queue_empty")).style(style(Role::Muted)),
            body,
        );
        return;
    }
    let rows_fit = usize::from(body.height.saturating_sub(1)).max(1);
    // Only the visible window of rows is built: the selection stays in view.
    let start = q
        .selected
        .saturating_sub(rows_fit - 1)
        .min(q.shown.len().saturating_sub(rows_fit));
    let fixed: u16 = WIDTHS.iter().sum::<u16>() + WIDTHS.len() as u16;
    let flags_w = body.width.saturating_sub(fixed).max(2);
    let widths: Vec<u16> = WIDTHS.iter().copied().chain([flags_w]).collect();
    let header = Row::new(
        [
            "col.state",
            "col.due",
            "col.category",
            "col.customer",
            "col.unit",
            "col.phone",
            "col.attempts",
            "col.flags",
        ]
        .iter()
        .zip(&widths)
        .map(|(k, w)| cell(state.t(k), usize::from(*w))),
    )
    .style(style(Role::Muted));
    let rows = q
        .shown
        .iter()
        .enumerate()
        .skip(start)
        .take(rows_fit)
        .map(|(pos, &i)| {
            let d = &q.all[i];
            let state_style = match d.state {
                DueState::Overdue => style(Role::Overdue),
                DueState::DueToday => style(Role::DueToday),
                _ => ratatui::style::Style::default(),
            };
            let days = (d.due - state.now.date()).num_days();
            let left = match d.state {
                DueState::Overdue => fill(state.t("ui.days_over"), &[("n", &-days)]),
                DueState::DueToday => state.t("ui.today").to_string(),
                _ => fill(state.t("ui.days_left"), &[("n", &days)]),
            };
            let phone = if state.revealed == Some(d.task_id) {
                d.phone.clone()
            } else {
                mask_phone(&d.phone)
            };
            let mut flags = Vec::new();
            if d.major {
                flags.push(state.t("flag.major").to_string());
            }
            if let Some(c) = q.contact.get(&d.task_id).filter(|c| !c.callable_now) {
                let at = c.next_callable_at.map_or("—".to_string(), |t| {
                    if t.date() == state.now.date() {
                        t.format("%H:%M").to_string()
                    } else {
                        t.format("%m-%d").to_string()
                    }
                });
                flags.push(fill(state.t("flag.wait"), &[("at", &at)]));
            }
            if let Some(c) = q
                .contact
                .get(&d.task_id)
                .filter(|c| c.channel != crate::domain::Channel::Phone)
            {
                let name = if state.lang == Lang::Zh {
                    c.channel.zh()
                } else {
                    c.channel.code()
                };
                // Planned for a channel (a quota's visit), or switched to it after failed calls.
                let key = if d.planned_channel.is_some() {
                    "flag.planned_channel"
                } else {
                    "flag.channel"
                };
                flags.push(fill(state.t(key), &[("channel", &name)]));
            }
            if d.repeat_count > 0 {
                flags.push(fill(
                    state.t("flag.repeat"),
                    &[("n", &(d.repeat_count + 1))],
                ));
            }
            if let (Some(by), Some(until)) = (&d.claimed_by, d.claimed_until)
                && by != &state.operator
                && until > state.now
            {
                flags.push(fill(
                    state.t("flag.claimed"),
                    &[("who", &crate::text::sanitize(by))],
                ));
            }
            let row = Row::new(vec![
                Span::styled(
                    cell(due_label(state.lang, d.state), usize::from(widths[0])),
                    state_style,
                ),
                Span::raw(cell(
                    &format!("{} {left}", d.due.format("%m-%d")),
                    usize::from(widths[1]),
                )),
                Span::raw(cell(
                    &category_name(state, &d.category),
                    usize::from(widths[2]),
                )),
                Span::raw(cell(&d.customer, usize::from(widths[3]))),
                Span::raw(cell(&d.unit, usize::from(widths[4]))),
                Span::raw(cell(&phone, usize::from(widths[5]))),
                Span::raw(d.attempts.to_string()),
                Span::styled(
                    cell(&flags.join(" "), usize::from(flags_w)),
                    style(Role::Major),
                ),
            ]);
            if pos == q.selected {
                row.style(style(Role::Selected))
            } else {
                row
            }
        });
    let table = Table::new(rows, widths.iter().map(|w| Constraint::Length(*w)))
        .header(header)
        .column_spacing(1);
    f.render_widget(table, body);
}

pub fn due_label(lang: Lang, s: DueState) -> &'static str {
    crate::i18n::t(
        lang,
        match s {
            DueState::Overdue => "due.overdue",
            DueState::DueToday => "due.today",
            DueState::Open => "due.open",
            DueState::NotYetOpen => "due.later",
        },
    )
}

/// The category's name in the UI language: the rule's Chinese name, or its key in English.
pub fn category_name(state: &State, key: &str) -> String {
    match state.lang {
        Lang::En => key.replace('_', " "),
        Lang::Zh => state
            .category_names
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string()),
    }
}
