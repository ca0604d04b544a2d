//! The reports as documents (`Doc`) in the reader's language, for the Markdown, CSV and XLSX
//! renderers. Customer phones arrive masked; nothing here reads the store.

use super::doc::{Block, Cell, Doc, Table};
use super::monthly::Monthly;
use super::quarterly::Quarterly;
use super::{EscCounts, category_name};
use crate::config::Config;
use crate::domain::{Outcome, StepKind};
use crate::i18n::{Lang, fill, t};

fn heads(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(lang, k).to_string()).collect()
}

fn table(lang: Lang, sheet: &str, title: &str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Block {
    Block::Table(Table {
        sheet: t(lang, sheet).to_string(),
        title: t(lang, title).to_string(),
        headers: heads(lang, headers),
        rows,
        empty: t(lang, "rep.none").to_string(),
    })
}

fn txt(s: &str) -> Cell {
    Cell::text(s)
}

fn opt(s: &Option<String>) -> Cell {
    Cell::text(s.clone().unwrap_or_default())
}

fn outcome(lang: Lang, code: &str) -> String {
    match (lang, Outcome::parse(code)) {
        (Lang::Zh, Some(o)) => o.zh().to_string(),
        _ => code.to_string(),
    }
}

/// An escalation's reason or step text as stored (`unsatisfied`, `unqualified: comment`), with
/// its leading code in the reader's language.
fn reason(lang: Lang, s: &str) -> String {
    if lang != Lang::Zh {
        return s.to_string();
    }
    let (code, rest) = s.split_once(": ").map_or((s, None), |(a, b)| (a, Some(b)));
    let zh = match code {
        "unqualified" => "不合格",
        c => match Outcome::parse(c) {
            Some(o) => o.zh(),
            None => return s.to_string(),
        },
    };
    match rest {
        Some(r) => format!("{zh}：{r}"),
        None => zh.to_string(),
    }
}

/// A report's document: its title, the site and when it was made, its blocks, its definitions.
fn doc(
    lang: Lang,
    title: String,
    site: &Option<String>,
    generated_at: chrono::NaiveDateTime,
    blocks: Vec<Block>,
    definitions: &[String],
) -> Doc {
    Doc {
        title,
        meta: vec![
            site_label(lang, site),
            fill(
                t(lang, "rep.meta.generated"),
                &[("at", &crate::clock::fmt_datetime(generated_at))],
            ),
        ],
        blocks,
        notes: definitions.to_vec(),
        notes_sheet: t(lang, "rep.sheet.notes").to_string(),
    }
}

fn site_label(lang: Lang, site: &Option<String>) -> String {
    fill(
        t(lang, "rep.meta.site"),
        &[(
            "site",
            &site
                .clone()
                .unwrap_or_else(|| t(lang, "rep.all_sites").to_string()),
        )],
    )
}

fn dept(lang: Lang, d: &str) -> String {
    if d.trim().is_empty() {
        t(lang, "rep.no_department").to_string()
    } else {
        d.to_string()
    }
}

fn esc_cells(e: &EscCounts) -> [Cell; 3] {
    [Cell::Int(e.opened), Cell::Int(e.closed), Cell::Int(e.open)]
}

pub fn monthly(r: &Monthly, config: &Config, lang: Lang) -> Doc {
    let mut blocks = Vec::new();
    blocks.push(table(
        lang,
        "rep.sheet.serious",
        "rep.title.serious",
        &[
            "rep.h.escalation",
            "rep.h.ref",
            "rep.h.site",
            "rep.h.category",
            "rep.h.customer",
            "rep.h.unit",
            "rep.h.round",
            "rep.h.deadline",
            "rep.h.days_overdue",
            "rep.h.department",
            "rep.h.handler",
            "rep.h.reason",
        ],
        r.serious_problems
            .iter()
            .map(|p| {
                vec![
                    Cell::Int(p.escalation_id as u64),
                    txt(&p.event_ref),
                    txt(&p.site),
                    Cell::text(category_name(config, lang, &p.category)),
                    Cell::text(format!("{} {}", p.customer, p.phone).trim().to_string()),
                    txt(&p.unit),
                    Cell::Int(u64::from(p.round)),
                    Cell::text(p.deadline.to_string()),
                    Cell::Int(p.days_overdue.max(0) as u64),
                    Cell::text(dept(lang, &p.department)),
                    opt(&p.handler),
                    Cell::text(reason(lang, &p.reason)),
                ]
            })
            .collect(),
    ));
    let mut cat_rows = Vec::new();
    let mut dept_rows = Vec::new();
    let mut esc_rows = Vec::new();
    for s in &r.sites {
        for c in &s.categories {
            let mut row = vec![
                txt(&s.site),
                txt(&c.name),
                Cell::Int(c.events),
                Cell::Int(c.selected),
                Cell::Pct(Some(c.required_rate)),
                Cell::Int(c.reached),
                Cell::Pct(c.achieved_rate),
                Cell::Bool(c.target_met),
                Cell::Int(c.on_time),
                Cell::Int(c.late),
                Cell::Int(c.unreachable),
                Cell::Int(c.satisfied),
                Cell::Pct(c.satisfied_share),
                Cell::Int(c.basic),
                Cell::Pct(c.basic_share),
                Cell::Int(c.unsatisfied),
                Cell::Pct(c.unsatisfied_share),
            ];
            row.extend(esc_cells(&c.escalations));
            cat_rows.push(row);
        }
        for d in &s.departments {
            dept_rows.push(vec![
                txt(&s.site),
                Cell::text(dept(lang, &d.department)),
                Cell::Int(d.events),
                Cell::Int(d.reached),
                Cell::Int(d.satisfied),
                Cell::Int(d.basic),
                Cell::Int(d.unsatisfied),
                Cell::Pct(d.satisfied_share),
            ]);
        }
        let mut row = vec![txt(&s.site)];
        row.extend(esc_cells(&s.escalations));
        esc_rows.push(row);
    }
    if !esc_rows.is_empty() {
        let mut row = vec![Cell::text(t(lang, "rep.total"))];
        row.extend(esc_cells(&r.escalations));
        esc_rows.push(row);
    }
    blocks.push(table(
        lang,
        "rep.sheet.categories",
        "rep.title.categories",
        &[
            "rep.h.site",
            "rep.h.category",
            "rep.h.events",
            "rep.h.selected",
            "rep.h.required_rate",
            "rep.h.reached",
            "rep.h.achieved_rate",
            "rep.h.target_met",
            "rep.h.on_time",
            "rep.h.late",
            "rep.h.unreachable",
            "rep.h.satisfied",
            "rep.h.satisfied_share",
            "rep.h.basic",
            "rep.h.basic_share",
            "rep.h.unsatisfied",
            "rep.h.unsatisfied_share",
            "rep.h.esc_opened",
            "rep.h.esc_closed",
            "rep.h.esc_open",
        ],
        cat_rows,
    ));
    blocks.push(table(
        lang,
        "rep.sheet.departments",
        "rep.title.departments",
        &[
            "rep.h.site",
            "rep.h.department",
            "rep.h.events",
            "rep.h.reached",
            "rep.h.satisfied",
            "rep.h.basic",
            "rep.h.unsatisfied",
            "rep.h.satisfied_share",
        ],
        dept_rows,
    ));
    blocks.push(table(
        lang,
        "rep.sheet.operators",
        "rep.title.operators",
        &[
            "rep.h.operator",
            "rep.h.attempts",
            "rep.h.records",
            "rep.h.on_time",
            "rep.h.on_time_share",
            "rep.h.satisfied",
            "rep.h.satisfied_share",
            "rep.h.basic",
            "rep.h.basic_share",
            "rep.h.unsatisfied",
            "rep.h.unsatisfied_share",
        ],
        r.operators
            .iter()
            .map(|o| {
                vec![
                    txt(&o.operator),
                    Cell::Int(o.attempts),
                    Cell::Int(o.records),
                    Cell::Int(o.on_time),
                    Cell::Pct(o.on_time_share),
                    Cell::Int(o.satisfied),
                    Cell::Pct(o.satisfied_share),
                    Cell::Int(o.basic),
                    Cell::Pct(o.basic_share),
                    Cell::Int(o.unsatisfied),
                    Cell::Pct(o.unsatisfied_share),
                ]
            })
            .collect(),
    ));
    blocks.push(table(
        lang,
        "rep.sheet.escalations",
        "rep.title.escalations",
        &[
            "rep.h.site",
            "rep.h.esc_opened",
            "rep.h.esc_closed",
            "rep.h.esc_open",
        ],
        esc_rows,
    ));
    doc(
        lang,
        fill(t(lang, "rep.monthly.title"), &[("month", &r.month)]),
        &r.site,
        r.generated_at,
        blocks,
        &r.definitions,
    )
}

pub fn quarterly(r: &Quarterly, config: &Config, lang: Lang) -> Doc {
    let mut blocks = Vec::new();
    let review = |q: Option<bool>| match q {
        Some(true) => t(lang, "rep.qualified"),
        Some(false) => t(lang, "rep.unqualified"),
        None => t(lang, "rep.not_reviewed"),
    };
    blocks.push(table(
        lang,
        "rep.sheet.flagged",
        "rep.title.flagged",
        &[
            "rep.h.record",
            "rep.h.ref",
            "rep.h.site",
            "rep.h.category",
            "rep.h.customer",
            "rep.h.unit",
            "rep.h.matter",
            "rep.h.operator",
            "rep.h.recorded",
            "rep.h.outcome",
            "rep.h.review",
            "rep.h.escalation",
            "rep.h.esc_state",
            "rep.h.round",
        ],
        r.flagged
            .iter()
            .map(|f| {
                let x = f.escalation.as_ref();
                let state = x
                    .map(|x| match crate::domain::EscalationState::parse(&x.state) {
                        Some(s) if lang == Lang::Zh => s.zh().to_string(),
                        _ => x.state.clone(),
                    })
                    .unwrap_or_default();
                vec![
                    Cell::Int(f.record_id as u64),
                    txt(&f.event_ref),
                    txt(&f.site),
                    Cell::text(category_name(config, lang, &f.category)),
                    Cell::text(format!("{} {}", f.customer, f.phone).trim().to_string()),
                    txt(&f.unit),
                    txt(&f.matter),
                    txt(&f.operator),
                    Cell::text(crate::clock::fmt_datetime(f.recorded_at)),
                    Cell::text(outcome(lang, &f.outcome)),
                    Cell::text(if f.review_comment.is_empty() {
                        review(f.qualified).to_string()
                    } else {
                        format!("{}：{}", review(f.qualified), f.review_comment)
                    }),
                    x.map_or(Cell::text(""), |x| Cell::Int(x.id as u64)),
                    Cell::text(state),
                    x.map_or(Cell::text(""), |x| Cell::Int(u64::from(x.round))),
                ]
            })
            .collect(),
    ));
    // Each escalation's chain once, in the order its first call-back is listed.
    let mut seen = std::collections::BTreeSet::new();
    let mut chain_rows = Vec::new();
    for f in &r.flagged {
        let Some(x) = &f.escalation else { continue };
        if !seen.insert(x.id) {
            continue;
        }
        for s in &x.steps {
            let kind = match (lang, StepKind::parse(&s.kind)) {
                (Lang::Zh, Some(k)) => k.zh().to_string(),
                _ => s.kind.clone(),
            };
            chain_rows.push(vec![
                Cell::Int(x.id as u64),
                Cell::Int(u64::from(s.round)),
                Cell::text(kind),
                Cell::text(crate::clock::fmt_datetime(s.at)),
                txt(&s.actor),
                opt(&s.person),
                opt(&s.department),
                Cell::text(reason(lang, &s.text)),
                s.record_id
                    .map_or(Cell::text(""), |id| Cell::Int(id as u64)),
                Cell::text(
                    s.outcome
                        .as_deref()
                        .map(|o| outcome(lang, o))
                        .unwrap_or_default(),
                ),
            ]);
        }
    }
    blocks.push(table(
        lang,
        "rep.sheet.chains",
        "rep.title.chains",
        &[
            "rep.h.escalation",
            "rep.h.round",
            "rep.h.step",
            "rep.h.at",
            "rep.h.actor",
            "rep.h.person",
            "rep.h.department",
            "rep.h.text",
            "rep.h.record",
            "rep.h.outcome",
        ],
        chain_rows,
    ));
    blocks.push(table(
        lang,
        "rep.sheet.repeat_complaints",
        "rep.title.repeat_complaints",
        &[
            "rep.h.by",
            "rep.h.site",
            "rep.h.who",
            "rep.h.matter",
            "rep.h.count",
            "rep.h.refs",
        ],
        r.repeat_complaints
            .iter()
            .map(|c| {
                vec![
                    Cell::text(t(
                        lang,
                        match c.by {
                            super::repeats::By::Customer => "rep.by.customer",
                            super::repeats::By::Unit => "rep.by.unit",
                        },
                    )),
                    txt(&c.site),
                    txt(&c.who),
                    txt(&c.matter),
                    Cell::Int(c.count as u64),
                    Cell::text(c.refs.join(" ")),
                ]
            })
            .collect(),
    ));
    blocks.push(table(
        lang,
        "rep.sheet.repeat_repairs",
        "rep.title.repeat_repairs",
        &[
            "rep.h.site",
            "rep.h.unit",
            "rep.h.matter",
            "rep.h.count",
            "rep.h.refs",
        ],
        r.repeat_repairs
            .iter()
            .map(|g| {
                vec![
                    txt(&g.site),
                    txt(&g.unit),
                    txt(&g.matter),
                    Cell::Int(g.count as u64),
                    Cell::text(g.refs.join(" ")),
                ]
            })
            .collect(),
    ));
    let mut trend_rows = Vec::new();
    let mut sat_rows = Vec::new();
    for m in &r.trend {
        for c in &m.categories {
            trend_rows.push(vec![
                txt(&m.month),
                txt(&c.name),
                Cell::Int(c.events),
                Cell::Int(c.reached),
                Cell::Pct(Some(c.required_rate)),
                Cell::Pct(c.achieved_rate),
                Cell::Bool(c.target_met),
                Cell::Pct(c.satisfied_share),
            ]);
        }
        sat_rows.push(vec![
            txt(&m.month),
            Cell::Int(m.events),
            Cell::Int(m.reached),
            Cell::Int(m.satisfied),
            Cell::Pct(m.satisfied_share),
            Cell::Int(m.basic),
            Cell::Pct(m.basic_share),
            Cell::Int(m.unsatisfied),
            Cell::Pct(m.unsatisfied_share),
        ]);
    }
    blocks.push(table(
        lang,
        "rep.sheet.trend",
        "rep.title.trend",
        &[
            "rep.h.month",
            "rep.h.category",
            "rep.h.events",
            "rep.h.reached",
            "rep.h.required_rate",
            "rep.h.achieved_rate",
            "rep.h.target_met",
            "rep.h.satisfied_share",
        ],
        trend_rows,
    ));
    blocks.push(table(
        lang,
        "rep.sheet.satisfaction",
        "rep.title.satisfaction",
        &[
            "rep.h.month",
            "rep.h.events",
            "rep.h.reached",
            "rep.h.satisfied",
            "rep.h.satisfied_share",
            "rep.h.basic",
            "rep.h.basic_share",
            "rep.h.unsatisfied",
            "rep.h.unsatisfied_share",
        ],
        sat_rows,
    ));
    let lines = match &r.conclusion {
        Some(c) => {
            let mut l: Vec<String> = c.text.lines().map(str::to_string).collect();
            l.push(fill(
                t(lang, "rep.conclusion.by"),
                &[
                    ("author", &c.author),
                    ("at", &crate::clock::fmt_datetime(c.written_at)),
                    ("n", &r.conclusions_written),
                ],
            ));
            l
        }
        None => vec![fill(
            t(lang, "rep.conclusion.missing"),
            &[("quarter", &r.quarter)],
        )],
    };
    blocks.push(Block::Text {
        sheet: t(lang, "rep.sheet.conclusion").to_string(),
        title: t(lang, "rep.title.conclusion").to_string(),
        lines,
    });
    doc(
        lang,
        fill(t(lang, "rep.quarterly.title"), &[("quarter", &r.quarter)]),
        &r.site,
        r.generated_at,
        blocks,
        &r.definitions,
    )
}
