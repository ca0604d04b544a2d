use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::cell;
use crate::i18n::fill;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::state::{Focus, State};
use crate::tui::theme::{Role, style};
use crate::tui::update::{Gate, refusal};
use crate::tui::view::pane_block;

/// Id, ref, customer, unit, round, age, deadline, outcome; the operator takes what is left.
/// With the spacing they fit 80 columns (see the queue's widths).
const WIDTHS: [u16; 8] = [4, 11, 10, 12, 4, 4, 10, 8];
/// The same on a wide terminal, where refs and units are shown whole.
const WIDE_WIDTHS: [u16; 8] = [5, 20, 12, 16, 4, 6, 12, 10];

pub fn draw(f: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let x = &state.escalations;
    let overdue = x.overdue_count();
    let title = fill(
        state.t("pane.escalations_title"),
        &[("open", &x.open_count()), ("overdue", &overdue)],
    );
    let mut block = pane_block(title, state.focus == Focus::Escalations);
    if state.focus == Focus::Escalations && !x.items.is_empty() {
        block = block.title_bottom(actions(state, keymap));
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    if x.items.is_empty() {
        f.render_widget(
            Paragraph::new(state.t("msg.no_escalations")).style(style(Role::Muted)),
            inner,
        );
        return;
    }
    let rows_fit = usize::from(inner.height.saturating_sub(1)).max(1);
    let start = x
        .selected
        .saturating_sub(rows_fit - 1)
        .min(x.items.len().saturating_sub(rows_fit));
    let base = if inner.width >= 120 {
        WIDE_WIDTHS
    } else {
        WIDTHS
    };
    let fixed: u16 = base.iter().sum::<u16>() + base.len() as u16;
    let widths: Vec<u16> = base
        .iter()
        .copied()
        .chain([inner.width.saturating_sub(fixed).max(2)])
        .collect();
    let w = |i: usize| usize::from(widths[i]);
    let header = Row::new(
        [
            "col.id",
            "col.ref",
            "col.customer",
            "col.unit",
            "col.round",
            "col.age",
            "col.deadline",
            "col.outcome",
            "col.operator",
        ]
        .iter()
        .enumerate()
        .map(|(i, k)| cell(state.t(k), w(i))),
    )
    .style(style(Role::Muted));
    let zh = state.lang == crate::i18n::Lang::Zh;
    let rows = x
        .items
        .iter()
        .enumerate()
        .skip(start)
        .take(rows_fit)
        .map(|(i, e)| {
            let age = (state.now.date() - e.opened_at.date()).num_days();
            let late = e.overdue;
            let deadline = if late {
                fill(
                    state.t("ui.deadline_passed"),
                    &[("d", &e.deadline.format("%m-%d"))],
                )
            } else {
                e.deadline.format("%m-%d").to_string()
            };
            let row = Row::new(vec![
                Span::raw(cell(&e.id.to_string(), w(0))),
                Span::raw(cell(&e.event_ref, w(1))),
                Span::raw(cell(&e.customer, w(2))),
                Span::raw(cell(&e.unit, w(3))),
                Span::raw(format!(
                    "R{}{}",
                    e.round,
                    if e.state == crate::domain::EscalationState::Handled {
                        "✓"
                    } else {
                        ""
                    }
                )),
                Span::raw(cell(&fill(state.t("ui.age_days"), &[("n", &age)]), w(5))),
                Span::styled(
                    cell(&deadline, w(6)),
                    if late {
                        style(Role::Overdue)
                    } else {
                        style(Role::DueToday)
                    },
                ),
                Span::raw(cell(
                    e.outcome
                        .map(|o| if zh { o.zh() } else { o.code() })
                        .unwrap_or("—"),
                    w(7),
                )),
                Span::raw(cell(e.operator.as_deref().unwrap_or(""), w(8))),
            ]);
            if i == x.selected && state.focus == Focus::Escalations {
                row.style(style(Role::Selected))
            } else {
                row
            }
        });
    f.render_widget(
        Table::new(rows, widths.iter().map(|w| Constraint::Length(*w)))
            .header(header)
            .column_spacing(1),
        inner,
    );
}

/// The pane's actions on its bottom border: open the chain, assign, handle; those the person at
/// the keyboard may not take are struck through, with why.
fn actions(state: &State, keymap: &Keymap) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut why = None;
    for (name, gate) in [
        ("open", None),
        ("assign", Some(Gate::Assign)),
        ("handle", Some(Gate::Handle)),
    ] {
        let label = format!(
            "{} {}  ",
            keymap.key_label(Context::Escalations, name),
            state.t(&format!("key.escalations.{name}"))
        );
        match gate.and_then(|g| refusal(state, g)) {
            Some(reason) => {
                spans.push(Span::styled(
                    label,
                    style(Role::Muted).add_modifier(ratatui::style::Modifier::CROSSED_OUT),
                ));
                why.get_or_insert(reason);
            }
            None => spans.push(Span::styled(label, style(Role::Title))),
        }
    }
    if let Some(w) = why {
        spans.push(Span::styled(w, style(Role::Muted)));
    }
    Line::from(spans)
}
