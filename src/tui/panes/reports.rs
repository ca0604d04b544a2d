//! The report pane: this month's achieved rate against the target per category (bars with the
//! target marked), the outcome shares (stacked bars), and this quarter's repeat lists, one page
//! at a time. Drawn from `state.reports`, which the app fills when the pane is shown.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::cell;
use crate::i18n::fill;
use crate::report::monthly::CategoryMonth;
use crate::report::summary::Summary;
use crate::text::{pad, width};
use crate::tui::state::{Focus, ReportPane, State};
use crate::tui::theme::{Role, style};
use crate::tui::view::{muted, pane_block, plain};

/// Category names take this many cells before the bars.
const LABEL: usize = 10;

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{:.0}%", p * 100.0))
}

fn cells(p: Option<f64>, w: usize) -> usize {
    p.map_or(0, |p| {
        ((p.clamp(0.0, 1.0) * w as f64).round() as usize).min(w)
    })
}

pub fn draw(f: &mut Frame, area: Rect, state: &State) {
    let r = &state.reports;
    let what = match &r.summary {
        Some(s) => page_title(state, s, r.page),
        None => String::new(),
    };
    let title = fill(
        state.t("pane.reports_title"),
        &[
            ("what", &what),
            ("page", &(r.page + 1)),
            ("pages", &ReportPane::PAGES),
        ],
    );
    let block = pane_block(title, state.focus == Focus::Reports);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(s) = &r.summary else {
        f.render_widget(
            Paragraph::new(state.t("rep.pane.loading")).style(style(Role::Muted)),
            inner,
        );
        return;
    };
    let w = usize::from(inner.width);
    let h = usize::from(inner.height);
    let (rows, legend): (Vec<Line>, Option<&str>) = match r.page {
        0 => (
            s.categories.iter().map(|c| rate_line(c, w)).collect(),
            Some("rep.pane.legend_rates"),
        ),
        1 => (
            s.categories
                .iter()
                .map(|c| outcome_line(state, c, w))
                .collect(),
            Some("rep.pane.legend_outcomes"),
        ),
        2 => (
            s.repeat_complaints
                .iter()
                .map(|c| list_line(&[&c.site, &c.who, &c.matter], c.count, &c.refs.join(" "), w))
                .collect(),
            None,
        ),
        _ => (
            s.repeat_repairs
                .iter()
                .map(|g| {
                    list_line(
                        &[&g.site, &g.unit, &g.matter],
                        g.refs.len(),
                        &g.refs.join(" "),
                        w,
                    )
                })
                .collect(),
            None,
        ),
    };
    let mut lines = Vec::new();
    if rows.is_empty() {
        let key = match r.page {
            0 | 1 => "rep.pane.no_events",
            _ => "rep.pane.none",
        };
        lines.push(Line::from(muted(state.t(key).to_string())));
    } else {
        // Room for the legend and a blank line under the rows.
        let fit = h
            .saturating_sub(if legend.is_some() { 2 } else { 0 })
            .max(1);
        let start = r.scroll.min(rows.len().saturating_sub(fit));
        let shown = rows.len().min(fit);
        lines.extend(rows.into_iter().skip(start).take(fit));
        if let Some(k) = legend {
            lines.push(Line::default());
            lines.push(Line::from(muted(cell(state.t(k), w))));
        } else if shown < r.rows() {
            // A list longer than the pane says where it is.
            lines.truncate(fit.saturating_sub(1));
            lines.push(Line::from(muted(fill(
                state.t("rep.pane.more"),
                &[
                    ("from", &(start + 1)),
                    ("to", &(start + fit - 1)),
                    ("n", &r.rows()),
                ],
            ))));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn page_title(state: &State, s: &Summary, page: usize) -> String {
    match page {
        0 => fill(state.t("rep.pane.rates"), &[("month", &s.month)]),
        1 => fill(state.t("rep.pane.outcomes"), &[("month", &s.month)]),
        2 => fill(
            state.t("rep.pane.complaints"),
            &[("quarter", &s.quarter), ("n", &s.repeat_complaints.len())],
        ),
        _ => fill(
            state.t("rep.pane.repairs"),
            &[("quarter", &s.quarter), ("n", &s.repeat_repairs.len())],
        ),
    }
}

/// `投诉     ██████████░░░░┃░░░  71% / 100% ✗  5/7`
fn rate_line(c: &CategoryMonth, w: usize) -> Line<'static> {
    let met = c.target_met.unwrap_or(false);
    let suffix = format!(
        " {:>4} / {:>4} {} {}/{}",
        pct(c.achieved_rate),
        pct(Some(c.required_rate)),
        if met { "✓" } else { "✗" },
        c.reached,
        c.events
    );
    let bar_w = w.saturating_sub(LABEL + 1 + width(&suffix)).max(4);
    let filled = cells(c.achieved_rate, bar_w);
    let target = cells(Some(c.required_rate), bar_w).min(bar_w - 1);
    let fill_style = style(if met { Role::Info } else { Role::DueToday });
    let mut spans = vec![plain(pad(&cell(&c.name, LABEL), LABEL)), plain(" ")];
    for i in 0..bar_w {
        let (sym, st) = if i == target {
            ("┃", style(Role::Title))
        } else if i < filled {
            ("█", fill_style)
        } else {
            ("░", style(Role::Muted))
        };
        spans.push(Span::styled(sym, st));
    }
    spans.push(Span::styled(
        suffix,
        style(if met { Role::Info } else { Role::Overdue }),
    ));
    Line::from(spans)
}

/// `投诉     ████████▒▒░░  满意 60% 基本 20% 不满意 20% · 5`
fn outcome_line(state: &State, c: &CategoryMonth, w: usize) -> Line<'static> {
    let suffix = format!(
        " {}",
        fill(
            state.t("rep.pane.outcome_line"),
            &[
                ("s", &pct(c.satisfied_share)),
                ("b", &pct(c.basic_share)),
                ("u", &pct(c.unsatisfied_share)),
                ("n", &c.reached),
            ],
        )
    );
    let bar_w = w.saturating_sub(LABEL + 1 + width(&suffix)).max(4);
    let mut spans = vec![plain(pad(&cell(&c.name, LABEL), LABEL)), plain(" ")];
    if c.reached == 0 {
        spans.push(muted("·".repeat(bar_w)));
    } else {
        let sat = cells(c.satisfied_share, bar_w);
        let basic = cells(c.basic_share, bar_w).min(bar_w - sat);
        let unsat = bar_w - sat - basic;
        spans.push(Span::styled("█".repeat(sat), style(Role::Info)));
        spans.push(Span::styled("▒".repeat(basic), style(Role::DueToday)));
        spans.push(Span::styled("░".repeat(unsat), style(Role::Overdue)));
    }
    spans.push(plain(cell(&suffix, w.saturating_sub(LABEL + 1 + bar_w))));
    Line::from(spans)
}

/// `翠苑管理处  林一 139****0001  漏水 ×2  P1 P2`
fn list_line(parts: &[&str], count: usize, refs: &str, w: usize) -> Line<'static> {
    let mut s = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("  ");
    s.push_str(&format!(" ×{count}  "));
    let head = cell(&s, w);
    let rest = w.saturating_sub(width(&head));
    Line::from(vec![
        Span::styled(head, style(Role::Title)),
        plain(cell(refs, rest)),
    ])
}
