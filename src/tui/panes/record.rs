use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::cell;
use super::queue::category_name;
use crate::config::Config;
use crate::domain::{Channel, CustomerKind, ItemKind, Outcome, mask_phone};
use crate::i18n::fill;
use crate::text::sanitize;
use crate::tui::state::{self, Answer, Field, Focus, Form, State};
use crate::tui::theme::{Role, style};
use crate::tui::view::{muted, pane_block, plain, split_h};

pub fn draw(f: &mut Frame, area: Rect, state: &State, _config: &Config) {
    let block = pane_block(
        state.t("pane.record").to_string(),
        state.focus == Focus::Record,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(d) = &state.detail else {
        f.render_widget(
            Paragraph::new(state.t("ui.no_selection")).style(style(Role::Muted)),
            inner,
        );
        return;
    };
    let ev = &d.event.event;
    let phone = if state.revealed == Some(d.task_id) {
        ev.phone.clone()
    } else {
        mask_phone(&ev.phone)
    };
    let mut context = vec![
        Line::from(vec![
            Span::styled(sanitize(&ev.reference), style(Role::Title)),
            plain(format!("  {}", category_name(state, &ev.category))),
            if ev.major {
                Span::styled(format!(" {}", state.t("flag.major")), style(Role::Major))
            } else {
                plain("")
            },
            muted(format!("  {}", sanitize(&ev.site))),
        ]),
        Line::from(vec![
            plain(format!(
                "{}{}  {}  ",
                sanitize(&ev.customer),
                match (ev.customer_kind, state.lang) {
                    (CustomerKind::Individual, _) => String::new(),
                    (k, crate::i18n::Lang::Zh) => format!(" ({})", k.zh()),
                    (k, crate::i18n::Lang::En) => format!(" ({})", k.code()),
                },
                sanitize(&ev.unit)
            )),
            plain(phone),
            muted(format!("  {}", sanitize(&ev.department))),
        ]),
        Line::from(vec![
            muted(format!("{} ", state.t("label.matter"))),
            plain(sanitize(&ev.matter)),
            if ev.stage.is_empty() {
                plain("")
            } else {
                plain(format!(
                    "  {} {}",
                    state.t("label.stage"),
                    sanitize(&ev.stage)
                ))
            },
            muted(format!("  {} ", state.t("label.completed"))),
            plain(crate::clock::fmt_datetime(ev.completed_at)),
        ]),
        Line::from(vec![
            muted(format!("{} ", state.t("label.summary"))),
            plain(cell(
                &ev.summary,
                usize::from(inner.width)
                    .saturating_sub(crate::text::width(state.t("label.summary")) + 1),
            )),
        ]),
        Line::from(vec![
            muted(format!("{} ", state.t("label.window"))),
            plain(format!("{} .. {}", d.window.0, d.window.1)),
            muted(format!("  {}", d.rule)),
        ]),
    ];
    let related_title = fill(state.t("label.related"), &[("n", &d.related.len())]);
    context.push(Line::from(muted(related_title)));
    let context_height = context.len() as u16;
    let history: Vec<Line> = d
        .related
        .iter()
        .map(|(e, r)| {
            let outcome = r
                .as_ref()
                .map(|r| outcome_label(state, r.record.outcome).to_string())
                .unwrap_or_else(|| "—".into());
            Line::from(vec![
                muted(format!("{} ", e.event.completed_at.format("%Y-%m-%d"))),
                plain(format!("{} ", category_name(state, &e.event.category))),
                plain(cell(&e.event.matter, 12)),
                muted(format!(" {outcome}")),
            ])
        })
        .collect();
    let history_height = (history.len() as u16).min(4);
    let [ctx_area, hist_area, rest] = Layout::vertical([
        Constraint::Length(context_height),
        Constraint::Length(history_height),
        Constraint::Min(3),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(context), ctx_area);
    f.render_widget(Paragraph::new(history), hist_area);
    let [form_area, script_area] = split_h(rest, 62);
    // A column of space between the form and the script, so neither runs into the other.
    let form_area = Rect {
        width: form_area.width.saturating_sub(1),
        ..form_area
    };
    match &state.form {
        Some(form) if form.task_id == d.task_id => draw_form(f, form_area, state, form),
        _ => {
            let hint = fill(state.t("ui.open_hint"), &[]);
            f.render_widget(
                Paragraph::new(wrapped(&hint, form_area.width)).style(style(Role::Muted)),
                form_area,
            );
        }
    }
    let mut script = vec![Line::from(Span::styled(
        state.t("label.script").to_string(),
        style(Role::Title),
    ))];
    for (i, q) in d.script.iter().enumerate() {
        script.extend(wrapped(
            &format!("{}、{}", i + 1, sanitize(q)),
            script_area.width,
        ));
    }
    f.render_widget(Paragraph::new(script), script_area);
}

/// Lines of at most `width` cells, wrapped here rather than by ratatui, whose wrapper can put a
/// wide character past the area's edge (ratatui issue 2679).
fn wrapped(text: &str, width: u16) -> Vec<Line<'static>> {
    crate::text::wrap(text, usize::from(width))
        .into_iter()
        .map(Line::from)
        .collect()
}

fn outcome_label(state: &State, o: Outcome) -> &'static str {
    if state.lang == crate::i18n::Lang::Zh {
        o.zh()
    } else {
        o.code()
    }
}

fn draw_form(f: &mut Frame, area: Rect, state: &State, form: &Form) {
    let zh = state.lang == crate::i18n::Lang::Zh;
    let mut lines = Vec::new();
    let mut cursor = None;
    for (row, field) in form.fields().into_iter().enumerate() {
        let focused = form.field == field;
        let label_style = if focused {
            style(Role::FieldFocused)
        } else {
            style(Role::Field)
        };
        let label = format!("{} ", field_label(state, form, field));
        let mut spans = vec![Span::styled(label.clone(), label_style)];
        let mut typed = |input: &tui_input::Input, spans: &mut Vec<Span<'static>>| {
            let room = usize::from(area.width)
                .saturating_sub(crate::text::width(&label) + 1)
                .max(1);
            let scroll = input.visual_scroll(room);
            let shown: String = skip_cells(&sanitize(input.value()), scroll);
            spans.push(plain(crate::text::truncate(&shown, room)));
            if focused && state.overlay.is_none() {
                let x = area.x
                    + crate::text::width(&label) as u16
                    + (input.visual_cursor() - scroll) as u16;
                cursor = Some((x.min(area.right().saturating_sub(1)), area.y + row as u16));
            }
        };
        match field {
            Field::Outcome => spans.extend(choices(
                Outcome::ALL
                    .iter()
                    .map(|o| if zh { o.zh() } else { o.code() }),
                form.outcome
                    .and_then(|o| Outcome::ALL.iter().position(|x| *x == o)),
            )),
            Field::Channel => spans.extend(choices(
                Channel::ALL
                    .iter()
                    .map(|c| if zh { c.zh() } else { c.code() }),
                Channel::ALL.iter().position(|c| *c == form.channel),
            )),
            Field::Item(i) => match (&form.items[i], &form.answers[i]) {
                (item, Answer::Pick(v)) if item.kind == ItemKind::Score => {
                    spans.extend(scores(v.map(|i| i as u8 + 1)))
                }
                (item, Answer::Pick(v)) => {
                    let shown: Vec<String> = state::options(item)
                        .iter()
                        .map(|o| item.show(o, state.lang))
                        .collect();
                    spans.extend(choices(shown.iter().map(String::as_str), *v));
                }
                (item, Answer::Typed(input)) => {
                    typed(input, &mut spans);
                    if item.kind == ItemKind::Quantity && !item.unit.is_empty() {
                        spans.push(muted(format!(" {}", sanitize(&item.unit))));
                    }
                }
            },
            Field::Note => typed(&form.note, &mut spans),
            Field::Signed => {
                let mark = if form.signed { "[x]" } else { "[ ]" };
                spans.push(plain(mark));
                if form.channel != Channel::Visit {
                    spans.push(muted(format!(" {}", state.t("form.visits_only"))));
                }
            }
        }
        lines.push(Line::from(spans));
    }
    if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(sanitize(e), style(Role::Error))));
    }
    f.render_widget(Paragraph::new(lines), area);
    if let Some(pos) = cursor {
        f.set_cursor_position(pos);
    }
}

fn choices<'a>(labels: impl Iterator<Item = &'a str>, chosen: Option<usize>) -> Vec<Span<'static>> {
    labels
        .enumerate()
        .map(|(i, l)| {
            let text = format!("{} {l} ", i + 1);
            if Some(i) == chosen {
                Span::styled(text, style(Role::Chosen))
            } else {
                Span::raw(text)
            }
        })
        .collect()
}

fn scores(v: Option<u8>) -> Vec<Span<'static>> {
    (1..=5u8)
        .map(|i| {
            let text = format!("{i} ");
            if Some(i) == v {
                Span::styled(text, style(Role::Chosen))
            } else {
                Span::raw(text)
            }
        })
        .collect()
}

/// Drops the first `cells` display cells of `s` (for a scrolled input).
fn skip_cells(s: &str, cells: usize) -> String {
    let mut used = 0;
    s.chars()
        .skip_while(|c| {
            if used >= cells {
                return false;
            }
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            true
        })
        .collect()
}

/// A field's label: the form's own words for its fixed fields and the property regulations'
/// items, the category's label for its own items.
fn field_label(state: &State, form: &Form, field: Field) -> String {
    let key = match field {
        Field::Outcome => "form.outcome",
        Field::Channel => "form.channel",
        Field::Note => "form.note",
        Field::Signed => "form.signed",
        Field::Item(i) => {
            let item = &form.items[i];
            return if crate::rules::is_builtin_as_is(item) {
                state.t(&format!("form.{}", item.key)).to_string()
            } else {
                sanitize(item.label(state.lang))
            };
        }
    };
    state.t(key).to_string()
}
