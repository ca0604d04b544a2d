//! The frame: layout by terminal size, then each pane draws itself from the state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::keymap::Keymap;
use super::panes;
use super::state::{Focus, State};
use super::theme::{Role, style};
use crate::config::Config;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
pub const WIDE: u16 = 120;

/// Draws everything. Takes `&mut State` only to remember the page size for PgUp/PgDn.
pub fn draw(f: &mut Frame, state: &mut State, keymap: &Keymap, config: &Config) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = crate::i18n::fill(
            state.t("ui.too_small"),
            &[
                ("w", &area.width),
                ("h", &area.height),
                ("mw", &MIN_WIDTH),
                ("mh", &MIN_HEIGHT),
            ],
        );
        // Wrapped here, by display width: ratatui's word wrapper panics on wide characters in a
        // two-column area.
        let lines: Vec<Line> = crate::text::wrap(&text, usize::from(area.width))
            .into_iter()
            .map(Line::from)
            .collect();
        f.render_widget(Paragraph::new(lines).style(style(Role::Error)), area);
        return;
    }
    state.wide = area.width >= WIDE;
    let [main, status] = Layout::vertical([Constraint::Min(10), Constraint::Length(2)]).areas(area);
    if state.wide && state.focus == Focus::Reports {
        // The charts take the whole width; Tab goes back to the desk's three panes.
        state.page = usize::from(main.height.saturating_sub(4)).max(1);
        panes::reports::draw(f, main, state);
    } else if state.wide {
        let [top, bottom] =
            Layout::vertical([Constraint::Percentage(68), Constraint::Percentage(32)]).areas(main);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
        state.page = usize::from(left.height.saturating_sub(3)).max(1);
        panes::queue::draw(f, left, state);
        panes::record::draw(f, right, state, config);
        panes::escalations::draw(f, bottom, state, keymap);
    } else {
        let [tabs, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(5)]).areas(main);
        draw_tabs(f, tabs, state);
        state.page = usize::from(body.height.saturating_sub(3)).max(1);
        match state.focus {
            Focus::Queue => panes::queue::draw(f, body, state),
            Focus::Record => panes::record::draw(f, body, state, config),
            Focus::Escalations => panes::escalations::draw(f, body, state, keymap),
            Focus::Reports => panes::reports::draw(f, body, state),
        }
    }
    panes::status::draw(f, status, state, keymap);
    panes::overlay::draw(f, area, state, keymap);
}

fn draw_tabs(f: &mut Frame, area: Rect, state: &State) {
    let mut spans = Vec::new();
    for (focus, key) in [
        (Focus::Queue, "pane.queue"),
        (Focus::Record, "pane.record"),
        (Focus::Escalations, "pane.escalations"),
        (Focus::Reports, "pane.reports"),
    ] {
        let s = if focus == state.focus {
            style(Role::Selected)
        } else {
            style(Role::Muted)
        };
        spans.push(Span::styled(format!(" {} ", state.t(key)), s));
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A bordered block with a title, highlighted when focused.
pub fn pane_block(title: String, focused: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(style(if focused {
            Role::FocusedBorder
        } else {
            Role::Border
        }))
        .title(Span::styled(title, style(Role::Title)))
}

/// A centred box of `w`×`h` cells inside `area`, cleared.
pub fn centered(f: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    r
}

pub fn split_h(area: Rect, left_pct: u16) -> [Rect; 2] {
    Layout::default()
        .direction(Direction::Horizontal)
        .constraints([
            Constraint::Percentage(left_pct),
            Constraint::Percentage(100 - left_pct),
        ])
        .split(area)
        .as_ref()
        .try_into()
        .unwrap_or([area, Rect::default()])
}

pub fn muted(s: impl Into<String>) -> Span<'static> {
    Span::styled(s.into(), style(Role::Muted))
}

pub fn plain(s: impl Into<String>) -> Span<'static> {
    Span::styled(s.into(), Style::default())
}
