use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Row, Table};

use super::cell;
use crate::i18n::fill;
use crate::tui::state::{Focus, State};
use crate::tui::theme::{Role, style};
use crate::tui::view::pane_block;

const WIDTHS: [u16; 9] = [5, 20, 10, 14, 4, 6, 11, 8, 12];

pub fn draw(f: &mut Frame, area: Rect, state: &State) {
    let x = &state.escalations;
    let today = state.now.date();
    let overdue = x.items.iter().filter(|e| e.deadline < today).count();
    let title = fill(
        state.t("pane.escalations_title"),
        &[("open", &x.open_count()), ("overdue", &overdue)],
    );
    let block = pane_block(title, state.focus == Focus::Escalations);
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
        .map(|k| state.t(k)),
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
            let late = e.deadline < today;
            let deadline = if late {
                fill(
                    state.t("ui.deadline_passed"),
                    &[("d", &e.deadline.format("%m-%d"))],
                )
            } else {
                e.deadline.format("%m-%d").to_string()
            };
            let row = Row::new(vec![
                Span::raw(e.id.to_string()),
                Span::raw(cell(&e.event_ref, 20)),
                Span::raw(cell(&e.customer, 10)),
                Span::raw(cell(&e.unit, 14)),
                Span::raw(format!("R{}", e.round)),
                Span::raw(fill(state.t("ui.age_days"), &[("n", &age)])),
                Span::styled(
                    deadline,
                    if late {
                        style(Role::Overdue)
                    } else {
                        style(Role::DueToday)
                    },
                ),
                Span::raw(
                    e.outcome
                        .map(|o| if zh { o.zh() } else { o.code() })
                        .unwrap_or("—")
                        .to_string(),
                ),
                Span::raw(cell(e.operator.as_deref().unwrap_or(""), 12)),
            ]);
            if i == x.selected && state.focus == Focus::Escalations {
                row.style(style(Role::Selected))
            } else {
                row
            }
        });
    f.render_widget(
        Table::new(rows, WIDTHS.map(Constraint::Length))
            .header(header)
            .column_spacing(1),
        inner,
    );
}
