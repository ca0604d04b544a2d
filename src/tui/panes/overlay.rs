use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::domain::{AttemptResult, mask_phone};
use crate::i18n::{Lang, fill};
use crate::text::sanitize;
use crate::tui::keymap::Keymap;
use crate::tui::state::{Overlay, State, ThenDo};
use crate::tui::theme::{Role, style};
use crate::tui::view::{centered, muted, pane_block, plain};

pub fn draw(f: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let Some(overlay) = &state.overlay else {
        return;
    };
    match overlay {
        Overlay::Help => help(f, area, state, keymap),
        Overlay::AttemptMenu(task) => {
            let r = centered(f, area, 34, AttemptResult::ALL.len() as u16 + 3);
            let mut lines: Vec<Line> = AttemptResult::ALL
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    Line::from(format!(
                        " {}  {}",
                        i + 1,
                        if state.lang == Lang::Zh {
                            a.zh()
                        } else {
                            a.code()
                        }
                    ))
                })
                .collect();
            lines.push(Line::from(muted(" Esc")));
            let title = fill(state.t("ui.attempt_title"), &[("task", task)]);
            f.render_widget(Paragraph::new(lines).block(pane_block(title, true)), r);
        }
        Overlay::ConfirmDiscard(then) => {
            let r = centered(f, area, 44, 4);
            let key = if *then == ThenDo::Quit {
                "ui.confirm_quit"
            } else {
                "ui.confirm_discard"
            };
            f.render_widget(
                Paragraph::new(vec![Line::from(state.t(key)), Line::from(muted("y / n"))])
                    .block(pane_block(state.t("ui.confirm").to_string(), true)),
                r,
            );
        }
        Overlay::EscalationRecord(_) => escalation(f, area, state),
    }
}

fn help(f: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    // (section title) or (keys, description), in keymap order.
    let mut entries: Vec<(Option<String>, String)> = Vec::new();
    let mut last = None;
    for b in &keymap.bindings {
        if last != Some(b.context) {
            entries.push((
                None,
                state.t(&format!("help.{}", b.context.name())).to_string(),
            ));
            last = Some(b.context);
        }
        let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
        entries.push((
            Some(keys.join(" / ")),
            state
                .t(&format!("key.{}.{}", b.context.name(), b.name))
                .to_string(),
        ));
    }
    // The smallest box that shows the list in at most two columns, within the screen.
    let height = (entries.len().div_ceil(2) as u16 + 2)
        .max(area.height.saturating_sub(2))
        .min(area.height);
    let r = centered(f, area, area.width.saturating_sub(2).min(100), height);
    let block = pane_block(state.t("ui.help_title").to_string(), true);
    let inner = block.inner(r);
    f.render_widget(block, r);
    // As many columns as the list needs to be seen whole: every binding is listed.
    let inner_h = usize::from(inner.height).max(1);
    let columns = entries.len().div_ceil(inner_h).max(1);
    let areas =
        ratatui::layout::Layout::horizontal(vec![ratatui::layout::Constraint::Fill(1); columns])
            .split(inner);
    let key_w = entries
        .iter()
        .filter_map(|(k, _)| k.as_deref())
        .map(crate::text::width)
        .max()
        .unwrap_or(0)
        .max(14);
    for (chunk, a) in entries.chunks(inner_h).zip(areas.iter()) {
        let room = usize::from(a.width).saturating_sub(key_w + 4);
        let lines: Vec<Line> = chunk
            .iter()
            .map(|(keys, text)| match keys {
                None => Line::from(Span::styled(
                    crate::text::truncate(text, usize::from(a.width)),
                    style(Role::Title),
                )),
                Some(keys) => Line::from(vec![
                    plain(format!("  {}  ", crate::text::pad(keys, key_w))),
                    plain(crate::text::truncate(text, room)),
                ]),
            })
            .collect();
        f.render_widget(Paragraph::new(lines), *a);
    }
}

fn escalation(f: &mut Frame, area: Rect, state: &State) {
    let r = centered(
        f,
        area,
        area.width.saturating_sub(10).min(100),
        area.height.saturating_sub(4).min(20),
    );
    let zh = state.lang == Lang::Zh;
    let mut lines = Vec::new();
    if let Some((x, record, event)) = &state.escalation_detail {
        lines.push(Line::from(vec![
            Span::styled(sanitize(&x.event_ref), style(Role::Title)),
            plain(format!(
                "  R{}  {}  {} {}",
                x.round,
                if zh { x.state.zh() } else { x.state.code() },
                state.t("col.deadline"),
                x.deadline
            )),
        ]));
        lines.push(Line::from(format!(
            "{}  {}  {}",
            sanitize(&x.customer),
            sanitize(&x.unit),
            mask_phone(&x.phone)
        )));
        if let Some(e) = event {
            let ev = &e.event;
            lines.push(Line::from(vec![
                muted(format!("{} ", state.t("label.matter"))),
                plain(sanitize(&ev.matter)),
                muted(format!("  {} ", state.t("label.completed"))),
                plain(crate::clock::fmt_datetime(ev.completed_at)),
            ]));
            lines.push(Line::from(vec![
                muted(format!("{} ", state.t("label.summary"))),
                plain(sanitize(&ev.summary)),
            ]));
        }
        if let Some(rec) = record {
            let r = &rec.record;
            lines.push(Line::from(""));
            lines.push(Line::from(vec![
                muted(format!("{} ", state.t("form.outcome"))),
                Span::styled(
                    if zh { r.outcome.zh() } else { r.outcome.code() }.to_string(),
                    style(Role::Overdue),
                ),
                muted(format!("  {} ", state.t("form.channel"))),
                plain(if zh { r.channel.zh() } else { r.channel.code() }),
                muted(format!("  {} ", state.t("form.quality"))),
                plain(r.quality.map_or("—".into(), |v| v.to_string())),
                muted(format!("  {} ", state.t("form.effect"))),
                plain(r.effect.map_or("—".into(), |v| v.to_string())),
            ]));
            for (key, text) in [
                ("form.shortcomings", &r.shortcomings),
                ("form.suggestions", &r.suggestions),
                ("form.note", &r.note),
            ] {
                lines.push(Line::from(vec![
                    muted(format!("{} ", state.t(key))),
                    plain(sanitize(text)),
                ]));
            }
            lines.push(Line::from(muted(format!(
                "{} · {}",
                sanitize(&rec.operator),
                crate::clock::fmt_datetime(rec.recorded_at)
            ))));
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane_block(state.t("ui.escalation_title").to_string(), true)),
        r,
    );
}
