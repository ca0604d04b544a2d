use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::i18n::fill;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::state::{Focus, Level, State};
use crate::tui::theme::{Role, style};
use crate::tui::view::muted;

pub fn draw(f: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let (overdue, today) = state.queue.counts();
    let weekday = state.t(&format!(
        "weekday.{}",
        state.now.weekday().number_from_monday()
    ));
    let mut info = vec![
        Span::styled(
            format!(" {} ", crate::text::sanitize(&state.operator)),
            style(Role::Selected),
        ),
        Span::raw(format!(
            " {} ",
            state
                .site
                .as_deref()
                .map(crate::text::sanitize)
                .unwrap_or_default()
        )),
        Span::raw(format!("{} {weekday} ", state.now.format("%Y-%m-%d %H:%M"))),
    ];
    if let Some(h) = &state.holiday {
        info.push(Span::styled(format!("{h} "), style(Role::DueToday)));
    }
    if let Some(c) = &state.close_due {
        info.push(Span::styled(
            fill(
                state.t("status.close_due"),
                &[
                    ("quarter", &c.quarter),
                    ("date", &c.closes_on.format("%m-%d")),
                ],
            ),
            style(Role::Overdue),
        ));
    }
    info.push(Span::styled(
        fill(state.t("status.overdue"), &[("n", &overdue)]),
        style(Role::Overdue),
    ));
    info.push(Span::styled(
        fill(state.t("status.today"), &[("n", &today)]),
        style(Role::DueToday),
    ));
    info.push(Span::styled(
        fill(state.t("status.done"), &[("n", &state.done_today)]),
        style(Role::Info),
    ));
    if let Some((level, text)) = &state.message {
        let role = if *level == Level::Error {
            Role::Error
        } else {
            Role::Info
        };
        info.push(Span::styled(
            format!("  {}", crate::text::sanitize(text)),
            style(role),
        ));
    }
    // Cut with a mark rather than at the edge.
    let hints = crate::text::truncate(&hints(state, keymap), usize::from(area.width));
    f.render_widget(
        Paragraph::new(vec![Line::from(info), Line::from(muted(hints))]),
        area,
    );
}

/// The focused pane's main keys, from the user's keymap.
fn hints(state: &State, km: &Keymap) -> String {
    let pairs: Vec<(Context, &str)> = if state.queue.searching {
        return format!(
            " Enter {}  Esc {}",
            state.t("key.queue.search"),
            state.t("key.queue.clear")
        );
    } else if state.focus == Focus::Record && state.form.is_some() {
        vec![
            (Context::Form, "save"),
            (Context::Form, "next_field"),
            (Context::Form, "no_answer"),
            (Context::Form, "attempt"),
            (Context::Form, "back"),
        ]
    } else if state.focus == Focus::Reports {
        vec![
            (Context::Reports, "next_page"),
            (Context::Reports, "prev_page"),
            (Context::Queue, "down"),
            (Context::Global, "refresh"),
            (Context::Global, "focus_next"),
            (Context::Global, "help"),
        ]
    } else if state.focus == Focus::Escalations {
        vec![
            (Context::Escalations, "open"),
            (Context::Escalations, "assign"),
            (Context::Escalations, "handle"),
            (Context::Global, "review"),
            (Context::Global, "focus_next"),
            (Context::Global, "help"),
        ]
    } else {
        vec![
            (Context::Queue, "open"),
            (Context::Queue, "no_answer"),
            (Context::Queue, "attempt"),
            (Context::Queue, "search"),
            (Context::Queue, "reveal"),
            (Context::Queue, "filter_site"),
            (Context::Global, "help"),
            (Context::Global, "quit"),
        ]
    };
    let mut s = String::from(" ");
    for (ctx, name) in pairs {
        s.push_str(&format!(
            "{} {}  ",
            km.key_label(ctx, name),
            state.t(&format!("key.{}.{name}", ctx.name()))
        ));
    }
    s
}
