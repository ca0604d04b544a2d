//! Sheets as printable HTML pages: one self-contained file (inline CSS, no scripts, no fetches),
//! A4 when printed, Chinese fonts first. Every string from the store or the config is escaped
//! and wrapped in `<bdi>`, with control and bidi-override characters neutralised first, so
//! that no customer name can add markup or reorder the text around it.

use chrono::Datelike;

use super::{QuestionKind, RecordSheet, Register, RegisterRow};
use crate::i18n::{Lang, fill, t};

const STYLE: &str = r#"
@page { size: A4 portrait; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 182mm; color: #000; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "微软雅黑", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Serif CJK SC", "SimSun", "宋体",
    "Songti SC", sans-serif;
  font-size: 10.5pt; line-height: 1.5; }
@media screen { body { padding: 10mm 0; } }
.org { text-align: center; font-size: 12pt; margin: 0; }
h1 { text-align: center; font-size: 18pt; letter-spacing: .3em; margin: 1mm 0 2mm; }
h2 { font-size: 11pt; margin: 3mm 0 1mm; }
.meta { display: flex; justify-content: space-between; gap: 4mm; font-size: 9pt; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0 0 2mm; }
th, td { border: .3mm solid #000; padding: 1.2mm 2mm; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; word-break: break-word; }
th { background: #f0f0f0; font-weight: normal; }
tr, section { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.event th { width: 24mm; }
.questions th { width: 34mm; }
.answer { height: 20mm; }
.box { display: inline-block; width: 3.6mm; height: 3.6mm; border: .3mm solid #000;
  vertical-align: -.6mm; margin: 0 1mm 0 0; }
.opt { display: inline-block; margin-right: 5mm; white-space: nowrap; }
.blank { display: inline-block; min-width: 30mm; border-bottom: .3mm solid #000; height: 5mm; }
.hint { color: #444; font-size: 8.5pt; }
ol.script { margin: 0 0 2mm; padding-left: 7mm; }
.sign th { width: 30mm; }
.sign td { height: 16mm; }
.office { margin-top: 3mm; }
.register td { height: 11mm; }
.register .n { width: 10mm; text-align: center; }
.done { color: #444; font-size: 8.5pt; }
.page + .page { break-before: page; page-break-before: always; }
footer { font-size: 8pt; color: #444; margin-top: 2mm; }
"#;

/// Text from the store or the config as HTML: neutralised, escaped, isolated.
fn text(s: &str) -> String {
    let one = s.replace("\r\n", " ").replace(['\n', '\r'], " ");
    format!("<bdi>{}</bdi>", escape(&crate::text::sanitize(&one)))
}

/// `&`, `<`, `>`, `"` and `'` as entities.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page_start(lang: Lang, title: &str) -> String {
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        text(title).replace("<bdi>", "").replace("</bdi>", "")
    )
}

const PAGE_END: &str = "</body>\n</html>\n";

/// The company and site line above a sheet's title.
fn org_line(company: Option<&str>, site: &str) -> String {
    let parts: Vec<String> = company
        .into_iter()
        .chain([site])
        .filter(|s| !s.trim().is_empty())
        .map(text)
        .collect();
    format!("<p class=\"org\">{}</p>\n", parts.join(" · "))
}

fn boxes<'a>(options: impl IntoIterator<Item = &'a str>) -> String {
    options
        .into_iter()
        .map(|o| {
            format!(
                "<span class=\"opt\"><span class=\"box\"></span>{}</span>",
                text(o)
            )
        })
        .collect()
}

/// The call-back record sheet (回访记录表) of one visit.
pub fn render_record_sheet(s: &RecordSheet, lang: Lang) -> String {
    let tr = |k: &str| t(lang, k);
    let mut h = page_start(lang, &format!("{} {}", tr("sheet.title"), s.reference));
    h.push_str("<div class=\"page\">\n");
    h.push_str(&org_line(s.company.as_deref(), &s.site));
    h.push_str(&format!("<h1>{}</h1>\n", tr("sheet.title")));
    h.push_str(&format!(
        "<div class=\"meta\"><span>{} {}</span><span>{} {}</span><span>{} {}</span></div>\n",
        tr("sheet.ref"),
        text(&s.reference),
        tr("sheet.task"),
        s.task_id,
        tr("sheet.printed"),
        s.printed_at.format("%Y-%m-%d %H:%M")
    ));
    // The event.
    let category = if s.major {
        format!("{}({})", text(&s.category_name), tr("sheet.major"))
    } else {
        text(&s.category_name)
    };
    let window = fill(
        tr("sheet.window_value"),
        &[
            ("opens", &s.opens),
            ("due", &s.due),
            ("kind", &kind_label(s.kind, lang)),
        ],
    );
    let row2 = |a: &str, av: String, b: &str, bv: String| {
        format!("<tr><th>{a}</th><td>{av}</td><th>{b}</th><td>{bv}</td></tr>\n")
    };
    h.push_str("<section>\n<table class=\"event\">\n");
    h.push_str(&row2(
        tr("sheet.customer"),
        text(&s.customer),
        tr("sheet.unit"),
        text(&s.unit),
    ));
    h.push_str(&row2(
        tr("sheet.phone"),
        text(&s.phone),
        tr("sheet.category"),
        category,
    ));
    h.push_str(&row2(
        tr("sheet.department"),
        text(&s.department),
        tr("sheet.role"),
        text(&s.role),
    ));
    h.push_str(&row2(
        tr("sheet.completed"),
        s.completed_at.format("%Y-%m-%d %H:%M").to_string(),
        tr("sheet.window"),
        escape(&window),
    ));
    h.push_str(&format!(
        "<tr><th>{}</th><td colspan=\"3\">{}</td></tr>\n",
        tr("sheet.matter"),
        text(&s.matter)
    ));
    h.push_str(&format!(
        "<tr><th>{}</th><td colspan=\"3\">{}</td></tr>\n",
        tr("sheet.summary"),
        text(&s.summary)
    ));
    h.push_str("</table>\n</section>\n");
    // What to say.
    if !s.script.is_empty() {
        h.push_str(&format!(
            "<section>\n<h2>{}</h2>\n<ol class=\"script\">\n",
            tr("sheet.script")
        ));
        for line in &s.script {
            h.push_str(&format!("<li>{}</li>\n", text(line)));
        }
        h.push_str("</ol>\n</section>\n");
    }
    // What to ask, with space to answer.
    h.push_str(&format!(
        "<section>\n<h2>{}</h2>\n<table class=\"questions\">\n",
        tr("sheet.questions")
    ));
    for q in &s.questions {
        let (class, answer) = match &q.kind {
            QuestionKind::Score => (
                "",
                format!(
                    "{}<span class=\"hint\">{}</span>",
                    boxes(["1", "2", "3", "4", "5"]),
                    tr("sheet.score_hint")
                ),
            ),
            QuestionKind::YesNo => ("", boxes([tr("sheet.yes"), tr("sheet.no")])),
            QuestionKind::Choice(options) => ("", boxes(options.iter().map(String::as_str))),
            QuestionKind::Text => (" class=\"answer\"", String::new()),
            QuestionKind::Quantity { unit } => {
                ("", format!("<span class=\"blank\"></span> {}", text(unit)))
            }
        };
        h.push_str(&format!(
            "<tr><th>{}</th><td{class}>{answer}</td></tr>\n",
            text(&q.label)
        ));
    }
    h.push_str("</table>\n</section>\n");
    // Signatures.
    h.push_str(&format!(
        "<section>\n<table class=\"sign\">\n<tr><th>{}</th><td></td><th>{}</th><td></td></tr>\n\
         <tr><th>{}</th><td></td><th>{}</th><td></td></tr>\n</table>\n</section>\n",
        tr("sheet.customer_signature"),
        tr("sheet.date"),
        tr("sheet.visitor_signature"),
        tr("sheet.date"),
    ));
    // For the desk: the review and, for an unqualified outcome, the handling (审核, 处理意见).
    h.push_str(&format!(
        "<section class=\"office\">\n<h2>{}</h2>\n<table class=\"sign\">\n\
         <tr><th>{}</th><td colspan=\"3\"></td></tr>\n\
         <tr><th>{}</th><td colspan=\"3\"></td></tr>\n\
         <tr><th>{}</th><td></td><th>{}</th><td></td></tr>\n</table>\n</section>\n",
        tr("sheet.office"),
        tr("sheet.review"),
        tr("sheet.handling"),
        tr("sheet.reviewer"),
        tr("sheet.date"),
    ));
    h.push_str(&format!(
        "<footer>{}</footer>\n",
        fill(
            &escape(tr("sheet.footer")),
            &[
                ("rules", &text(&s.rule_set)),
                ("version", &text(&s.rules_version)),
            ]
        )
    ));
    h.push_str("</div>\n");
    h.push_str(PAGE_END);
    h
}

/// The day's sign-out register (回访记录签收表): a page per site.
pub fn render_register(r: &Register, lang: Lang) -> String {
    let tr = |k: &str| t(lang, k);
    let day = format!(
        "{} {}",
        r.day,
        tr(&format!("weekday.{}", r.day.weekday().number_from_monday()))
    );
    let mut h = page_start(lang, &format!("{} {}", tr("sheet.register_title"), r.day));
    let empty = [(String::new(), Vec::new())];
    let sites: Vec<(&String, &Vec<RegisterRow>)> = if r.sites.is_empty() {
        empty.iter().map(|(s, v)| (s, v)).collect()
    } else {
        r.sites.iter().collect()
    };
    for (site, rows) in sites {
        h.push_str("<div class=\"page\">\n");
        h.push_str(&org_line(r.company.as_deref(), site));
        h.push_str(&format!("<h1>{}</h1>\n", tr("sheet.register_title")));
        h.push_str(&format!(
            "<div class=\"meta\"><span>{} {day}</span><span>{}</span><span>{} {}</span></div>\n",
            tr("sheet.register_date"),
            fill(tr("sheet.register_count"), &[("n", &rows.len())]),
            tr("sheet.printed"),
            r.printed_at.format("%Y-%m-%d %H:%M")
        ));
        h.push_str("<table class=\"register\">\n<thead><tr>");
        for (k, w) in [
            ("sheet.col.n", " class=\"n\""),
            ("sheet.col.ref", " style=\"width:24mm\""),
            ("sheet.col.category", " style=\"width:16mm\""),
            ("sheet.col.customer", ""),
            ("sheet.col.unit", ""),
            ("sheet.col.due", " style=\"width:20mm\""),
            ("sheet.col.visitor", ""),
            ("sheet.col.taken", ""),
            ("sheet.col.returned", ""),
        ] {
            h.push_str(&format!("<th{w}>{}</th>", tr(k)));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        if rows.is_empty() {
            h.push_str(&format!(
                "<tr><td colspan=\"9\">{}</td></tr>\n",
                tr("sheet.register_none")
            ));
        }
        for (i, row) in rows.iter().enumerate() {
            let returned = row.recorded_at.map_or(String::new(), |at| {
                format!(
                    "<span class=\"done\">{}</span>",
                    escape(&fill(
                        tr("sheet.recorded_at"),
                        &[("at", &at.format("%H:%M"))]
                    ))
                )
            });
            h.push_str(&format!(
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td></td><td>{returned}</td></tr>\n",
                i + 1,
                text(&row.reference),
                text(&row.category_name),
                text(&row.customer),
                text(&row.unit),
                row.due,
                row.visitor.as_deref().map(text).unwrap_or_default(),
            ));
        }
        h.push_str("</tbody>\n</table>\n");
        h.push_str(&format!(
            "<footer>{}</footer>\n</div>\n",
            escape(tr("sheet.register_footer"))
        ));
    }
    h.push_str(PAGE_END);
    h
}

fn kind_label(kind: crate::domain::Anchor, lang: Lang) -> String {
    match lang {
        Lang::Zh => kind.zh().to_string(),
        Lang::En => kind.code().replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::Question;

    fn sheet(questions: Vec<Question>) -> RecordSheet {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        RecordSheet {
            company: None,
            site: "大坝水泥".into(),
            task_id: 1,
            reference: "SH-1".into(),
            category: "delivery".into(),
            category_name: "送货确认".into(),
            major: false,
            customer: "平原建材".into(),
            unit: String::new(),
            phone: "****5678".into(),
            department: String::new(),
            matter: String::new(),
            summary: String::new(),
            completed_at: at.and_hms_opt(9, 0, 0).unwrap(),
            kind: crate::domain::Anchor::Completion,
            opens: at,
            due: at,
            role: String::new(),
            script: Vec::new(),
            questions,
            rule_set: "客户回访管理措施".into(),
            rules_version: "delivery/1".into(),
            printed_at: at.and_hms_opt(10, 0, 0).unwrap(),
        }
    }

    #[test]
    fn every_kind_of_question_has_its_answer_space() {
        let q = |label: &str, kind| Question {
            label: label.into(),
            kind,
        };
        let html = render_record_sheet(
            &sheet(vec![
                q(
                    "收货数量",
                    QuestionKind::Quantity {
                        unit: "吨<b>".into(),
                    },
                ),
                q("品种一致", QuestionKind::YesNo),
                q(
                    "安全",
                    QuestionKind::Choice(vec!["合格".into(), "不合格".into()]),
                ),
                q("进度", QuestionKind::Score),
                q("其他", QuestionKind::Text),
            ]),
            Lang::Zh,
        );
        assert!(
            html.contains("<span class=\"blank\"></span> <bdi>吨&lt;b&gt;</bdi>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"box\"></span><bdi>是</bdi>"));
        assert!(html.contains("<span class=\"box\"></span><bdi>不合格</bdi>"));
        assert!(html.contains("<span class=\"box\"></span><bdi>5</bdi>"));
        assert!(html.contains("<th><bdi>其他</bdi></th><td class=\"answer\"></td>"));
        assert!(!html.contains("回访话术"), "no script, no script section");
    }

    #[test]
    fn hostile_text_is_escaped_neutralised_and_isolated() {
        let s = text("<script>alert('x')</script>&\u{202E}gnp.exe\n二");
        assert_eq!(
            s,
            "<bdi>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\u{FFFD}gnp.exe 二</bdi>"
        );
    }
}
