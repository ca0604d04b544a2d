use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::domain::{AttemptResult, mask_phone};
use crate::i18n::{Lang, fill};
use crate::text::sanitize;
use crate::tui::keymap::Context;
use crate::tui::keymap::Keymap;
use crate::tui::state::{Overlay, Prompt, State, ThenDo};
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
        Overlay::Review => review(f, area, state, keymap),
        Overlay::Prompt(p) => prompt(f, area, state, *p),
    }
}

fn help(f: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    // (section title) or (keys, description), in keymap order.
    let mut entries: Vec<(Option<String>, String)> = Vec::new();
    let mut last = None;
    // A list's movement keys bound as the queue's are listed once, with the queue's.
    const MOVES: [&str; 6] = ["up", "down", "page_up", "page_down", "top", "bottom"];
    let as_queue = |b: &crate::tui::keymap::Binding| {
        b.context != Context::Queue
            && MOVES.contains(&b.name)
            && keymap
                .bindings
                .iter()
                .any(|q| q.context == Context::Queue && q.name == b.name && q.keys == b.keys)
    };
    for b in &keymap.bindings {
        if last != Some(b.context) {
            entries.push((
                None,
                state.t(&format!("help.{}", b.context.name())).to_string(),
            ));
            last = Some(b.context);
            if keymap
                .bindings
                .iter()
                .any(|o| o.context == b.context && as_queue(o))
            {
                entries.push((
                    Some(format!(
                        "{} {} …",
                        keymap.key_label(Context::Queue, "up"),
                        keymap.key_label(Context::Queue, "down")
                    )),
                    state.t("help.moves_as_queue").to_string(),
                ));
            }
        }
        if as_queue(b) {
            continue;
        }
        let label = |b: &crate::tui::keymap::Binding| {
            b.keys
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(" / ")
        };
        // A next/previous pair (pane, page) with short keys shares one line, `Tab | Shift-Tab`,
        // so that the whole list still fits two columns at 80×24.
        let partner = |from: &str, to: &str| {
            let name = b.name.replace(from, to);
            keymap.bindings.iter().find(|o| {
                o.context == b.context
                    && o.name == name
                    && o.name != b.name
                    && crate::text::width(&label(b)) + crate::text::width(&label(o)) + 3 <= 16
            })
        };
        if b.name.contains("prev") && partner("prev", "next").is_some() {
            continue;
        }
        let text = |b: &crate::tui::keymap::Binding| {
            state
                .t(&format!("key.{}.{}", b.context.name(), b.name))
                .to_string()
        };
        match partner("next", "prev").filter(|_| b.name.contains("next")) {
            Some(prev) => entries.push((
                Some(format!("{} | {}", label(b), label(prev))),
                format!("{} | {}", text(b), text(prev)),
            )),
            None => entries.push((Some(label(b)), text(b))),
        }
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
        area.height.saturating_sub(4),
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
            for (item, value) in &r.answers {
                lines.push(Line::from(vec![
                    muted(format!("{} ", sanitize(item))),
                    plain(sanitize(value)),
                ]));
            }
            lines.push(Line::from(muted(format!(
                "{} · {}",
                sanitize(&rec.operator),
                crate::clock::fmt_datetime(rec.recorded_at)
            ))));
        }
        if !x.department.is_empty() || x.handler.is_some() {
            lines.push(Line::from(vec![
                muted(format!("{} ", state.t("col.handler"))),
                plain(format!(
                    "{} · {}",
                    sanitize(x.handler.as_deref().unwrap_or("—")),
                    sanitize(&x.department)
                )),
            ]));
        }
    }
    if !state.chain.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            state.t("ui.chain_title").to_string(),
            style(Role::Title),
        )));
        // The chain scrolls: the selected line first, with the steps before it hidden.
        let skip = state.chain_scroll.min(state.chain.len().saturating_sub(1));
        for l in state.chain.iter().skip(skip) {
            lines.push(Line::from(plain(l.clone())));
        }
    }
    let title = if state.chain.len() > 1 {
        format!(
            "{} · {}/{}",
            state.t("ui.escalation_title"),
            state.chain_scroll.min(state.chain.len() - 1) + 1,
            state.chain.len()
        )
    } else {
        state.t("ui.escalation_title").to_string()
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane_block(title, true)),
        r,
    );
}

fn prompt(f: &mut Frame, area: Rect, state: &State, p: Prompt) {
    let r = centered(f, area, area.width.saturating_sub(10).min(72), 5);
    let (title, hint) = match p {
        Prompt::Assign(id) => (
            fill(state.t("prompt.assign"), &[("id", &id)]),
            state.t("prompt.assign_hint"),
        ),
        Prompt::Handle(id) => (
            fill(state.t("prompt.handle"), &[("id", &id)]),
            state.t("prompt.handle_hint"),
        ),
        Prompt::Review(id, q) => (
            fill(
                state.t(if q {
                    "prompt.review_qualified"
                } else {
                    "prompt.review_unqualified"
                }),
                &[("id", &id)],
            ),
            state.t("prompt.review_hint"),
        ),
    };
    let text = sanitize(state.prompt.value());
    f.render_widget(
        Paragraph::new(vec![
            Line::from(vec![plain(text), Span::styled("▏", style(Role::Title))]),
            Line::from(""),
            Line::from(muted(format!("{hint}   Enter ✓  Esc ✗"))),
        ])
        .block(pane_block(title, true)),
        r,
    );
}

fn review(f: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let r = centered(
        f,
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    );
    let zh = state.lang == Lang::Zh;
    let rv = &state.reviews;
    let title = fill(state.t("ui.review_title"), &[("n", &rv.items.len())]);
    let block = pane_block(title, true);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines: Vec<Line> = Vec::new();
    // Hints, with the verdicts disabled (and why) for someone who may not review.
    let refused = crate::tui::update::refusal(state, crate::tui::update::Gate::Review);
    let mut hint = Vec::new();
    for name in ["qualified", "unqualified", "back"] {
        let label = if name == "back" {
            format!("Esc {}  ", state.t("key.review.back"))
        } else {
            format!(
                "{} {}  ",
                keymap.key_label(Context::Review, name),
                state.t(&format!("key.review.{name}"))
            )
        };
        hint.push(if refused.is_some() && name != "back" {
            Span::styled(
                label,
                style(Role::Muted).add_modifier(ratatui::style::Modifier::CROSSED_OUT),
            )
        } else {
            plain(label)
        });
    }
    if let Some(why) = &refused {
        hint.push(Span::styled(why.clone(), style(Role::Error)));
    }
    lines.push(Line::from(hint));
    if rv.items.is_empty() {
        lines.push(Line::from(muted(state.t("msg.no_reviews").to_string())));
        f.render_widget(Paragraph::new(lines), inner);
        return;
    }
    // The list takes half the box; the selected record's content the rest.
    let list_rows = (usize::from(inner.height) / 2).max(3);
    let start = rv
        .selected
        .saturating_sub(list_rows - 1)
        .min(rv.items.len().saturating_sub(list_rows));
    for (i, item) in rv.items.iter().enumerate().skip(start).take(list_rows) {
        let text = format!(
            "{:>5}  {}  {}  {}  {}  {}",
            item.id,
            crate::clock::fmt_datetime(item.recorded_at),
            crate::tui::panes::cell(&item.event_ref, 14),
            crate::tui::panes::cell(&item.customer, 8),
            if zh {
                item.outcome.zh()
            } else {
                item.outcome.code()
            },
            crate::tui::panes::cell(&item.operator, 10),
        );
        lines.push(Line::from(if i == rv.selected {
            Span::styled(text, style(Role::Selected))
        } else {
            plain(text)
        }));
    }
    if let Some(item) = rv.current() {
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled(sanitize(&item.event_ref), style(Role::Title)),
            plain(format!(
                "  {}  {}  {}",
                sanitize(&item.customer),
                sanitize(&item.unit),
                sanitize(&item.site)
            )),
        ]));
        lines.push(Line::from(vec![
            muted(format!("{} ", state.t("form.outcome"))),
            plain(if zh {
                item.outcome.zh()
            } else {
                item.outcome.code()
            }),
            muted(format!("  {} ", state.t("form.channel"))),
            plain(if zh {
                item.channel.zh()
            } else {
                item.channel.code()
            }),
            muted(format!("  {} ", state.t("form.quality"))),
            plain(item.quality.map_or("—".into(), |v| v.to_string())),
            muted(format!("  {} ", state.t("form.effect"))),
            plain(item.effect.map_or("—".into(), |v| v.to_string())),
        ]));
        for (key, text) in [
            ("form.shortcomings", &item.shortcomings),
            ("form.suggestions", &item.suggestions),
            ("form.note", &item.note),
        ] {
            lines.push(Line::from(vec![
                muted(format!("{} ", state.t(key))),
                plain(sanitize(text)),
            ]));
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
