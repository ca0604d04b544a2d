//! `import --inspect`: what a source file holds (columns, sample values, detected types) and a
//! proposed profile, matching its headers to huifang's fields by Chinese and English synonyms.

use std::fmt::Write as _;
use std::path::Path;

use super::fields::Field;
use super::profile::parse_with;
use super::source::{Cell, Table, read_table};
use crate::config::Config;

/// What a column's cells are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKind {
    Empty,
    Text,
    Number,
    /// Yes/no values.
    Flag,
    /// Dates: real date-time cells, text in a format, or both.
    Date {
        cells: bool,
        /// The formats the text dates are in, first seen first.
        text_formats: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct ColumnInfo {
    /// 1-based.
    pub position: usize,
    pub header: String,
    pub kind: ColumnKind,
    /// Up to three distinct non-empty values, as text.
    pub samples: Vec<String>,
    /// The field the proposal maps it to, with how (`ref`, `unit {…}`, `completed_at fallback`).
    pub proposed: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Inspection {
    pub sheets: Vec<String>,
    pub rows: usize,
    pub columns: Vec<ColumnInfo>,
    /// The proposed profile, as TOML to save and edit.
    pub profile: String,
}

/// Date formats tried on text columns, most specific first.
const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%Y年%m月%d日",
    "%Y.%m.%d",
];

/// Header synonyms, compared after [`norm`], by field.
fn synonyms(f: Field) -> &'static [&'static str] {
    match f {
        Field::Ref => &[
            "ref",
            "编号",
            "单号",
            "工单号",
            "工单编号",
            "单据编号",
            "留言编号",
            "受理编号",
            "投诉编号",
            "报修单号",
            "派工单号",
            "工单id",
            "uniquekey",
            "id",
            "ticket",
            "ticketid",
            "ticketno",
            "caseid",
            "casenumber",
            "orderno",
            "workorder",
            "workorderno",
            "srnumber",
            "servicerequestnumber",
            "reference",
        ],
        Field::Category => &[
            "category",
            "类别",
            "类型",
            "报修类型",
            "工单类型",
            "投诉类型",
            "业务类型",
            "分类",
            "事件类型",
            "诉求类型",
            "留言类型",
            "服务类型",
            "complainttype",
            "type",
            "requesttype",
            "casetype",
        ],
        Field::Major => &["major", "重大", "是否重大", "重大投诉", "ismajor"],
        Field::Site => &[
            "site",
            "管理处",
            "小区",
            "项目",
            "项目名称",
            "小区名称",
            "物业项目",
            "所属项目",
            "管理处名称",
            "所属小区",
            "borough",
            "community",
            "property",
        ],
        Field::Customer => &[
            "customer",
            "业户",
            "客户",
            "业主",
            "住户",
            "报修人",
            "投诉人",
            "联系人",
            "客户姓名",
            "业主姓名",
            "来电人",
            "留言人",
            "姓名",
            "customername",
            "caller",
            "callername",
            "name",
            "contactname",
            "resident",
        ],
        Field::Phone => &[
            "phone",
            "电话",
            "联系电话",
            "手机",
            "手机号",
            "手机号码",
            "电话号码",
            "来电号码",
            "联系方式",
            "phonenumber",
            "contactphone",
            "mobile",
            "tel",
            "telephone",
        ],
        Field::Unit => &[
            "unit",
            "房号",
            "地址",
            "房间号",
            "门牌号",
            "住址",
            "房屋",
            "incidentaddress",
            "address",
            "apartment",
            "apt",
        ],
        Field::Department => &[
            "department",
            "责任部门",
            "部门",
            "处理部门",
            "承办单位",
            "处理单位",
            "责任单位",
            "维修班组",
            "派工部门",
            "agency",
            "agencyname",
            "dept",
            "assignedto",
        ],
        Field::Matter => &[
            "matter",
            "事项",
            "留言主题",
            "主题",
            "标题",
            "事项名称",
            "报修项目",
            "descriptor",
            "subject",
            "title",
            "issue",
        ],
        Field::Summary => &[
            "summary",
            "内容",
            "摘要",
            "留言内容",
            "描述",
            "问题描述",
            "报修内容",
            "投诉内容",
            "处理结果",
            "答复内容",
            "处理情况",
            "description",
            "resolutiondescription",
            "details",
        ],
        Field::CompletedAt => &[
            "completedat",
            "完成时间",
            "处理完成时间",
            "答复时间",
            "办结时间",
            "结案时间",
            "完工时间",
            "关闭时间",
            "回复时间",
            "closeddate",
            "closedat",
            "completed",
            "completiondate",
            "resolvedat",
            "resolveddate",
            "closetime",
        ],
        Field::ContractStart => &["contractstart", "合同开始", "合同开始日期", "startdate"],
        Field::ContractEnd => &["contractend", "合同结束", "合同结束日期", "enddate"],
        Field::CustomerKind => &["customerkind", "客户类型", "客户性质", "客户类别"],
        Field::Stage => &["stage", "阶段", "项目阶段", "工程阶段"],
    }
}

/// When the work was asked for: the fallback for a missing completion time.
const CREATED: &[&str] = &[
    "留言时间",
    "创建时间",
    "报修时间",
    "受理时间",
    "登记时间",
    "来电时间",
    "投诉时间",
    "createddate",
    "createdat",
    "created",
    "opendate",
    "datereceived",
];
const STATUS: &[&str] = &["状态", "工单状态", "处理状态", "办理状态", "status"];
const DONE: &[&str] = &[
    "Closed",
    "closed",
    "已完成",
    "已办结",
    "已关闭",
    "完成",
    "已处理",
    "已回复",
    "已结案",
];
const BUILDING: &[&str] = &["楼栋", "楼号", "栋号", "楼宇", "栋", "building"];
const ENTRANCE: &[&str] = &["单元", "单元号"];
const ROOM: &[&str] = &["房号", "房间号", "房间", "室", "room"];

/// Lowercase, without spaces, underscores, dashes, dots and brackets.
fn norm(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{FEFF}')
        .chars()
        .filter(|c| !c.is_whitespace() && !"_-.()（）:：/".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header proposes, by the synonyms.
pub fn propose_field(header: &str) -> Option<Field> {
    let h = norm(header);
    Field::ALL
        .iter()
        .copied()
        .find(|f| synonyms(*f).iter().any(|s| norm(s) == h))
}

fn is(list: &[&str], header: &str) -> bool {
    let h = norm(header);
    list.iter().any(|s| norm(s) == h)
}

/// A TOML string literal.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The huifang category a source value proposes: a category's key or Chinese name, or a
/// common word for one.
fn propose_category(v: &str, config: &Config) -> Option<String> {
    if let Some((k, _)) = config.category(v) {
        return Some(k.to_string());
    }
    let l = v.trim().to_lowercase();
    let pick = |words: &[&str]| words.iter().any(|w| l.contains(w));
    let key = if pick(&[
        "报修",
        "维修",
        "修理",
        "repair",
        "heat",
        "hot water",
        "plumbing",
        "elevator",
        "leak",
    ]) {
        "repair"
    } else if pick(&["投诉", "complaint", "noise"]) {
        "complaint"
    } else if pick(&["咨询", "求助", "help", "inquiry", "question"]) {
        "help"
    } else if pick(&["急救", "紧急", "emergency"]) {
        "emergency"
    } else if pick(&["建议", "其他", "其它", "other"]) {
        "other"
    } else {
        return None;
    };
    config.category(key).map(|(k, _)| k.to_string())
}

fn kind_of(cells: &[&Cell]) -> ColumnKind {
    let filled: Vec<&Cell> = cells.iter().copied().filter(|c| !c.is_empty()).collect();
    if filled.is_empty() {
        return ColumnKind::Empty;
    }
    let date_cells = filled.iter().any(|c| matches!(c, Cell::DateTime(_)));
    let texts: Vec<String> = filled
        .iter()
        .filter(|c| !matches!(c, Cell::DateTime(_)))
        .map(|c| c.text().trim().to_string())
        .collect();
    // Every text a date in one of the formats: the formats, in the order first needed.
    let mut formats: Vec<String> = Vec::new();
    let all_dates =
        texts.iter().all(
            |t| match DATE_FORMATS.iter().find(|f| parse_with(t, f).is_some()) {
                Some(f) => {
                    if !formats.iter().any(|g| g == f) {
                        formats.push(f.to_string());
                    }
                    true
                }
                None => false,
            },
        );
    if all_dates && (date_cells || !texts.is_empty()) {
        return ColumnKind::Date {
            cells: date_cells,
            text_formats: formats,
        };
    }
    if filled.iter().all(|c| matches!(c, Cell::Number(_)))
        || texts
            .iter()
            .all(|t| !t.is_empty() && t.parse::<f64>().is_ok())
    {
        return ColumnKind::Number;
    }
    if filled.iter().all(|c| match c {
        Cell::Bool(_) => true,
        other => super::parse_flag(&other.text()).is_some(),
    }) {
        return ColumnKind::Flag;
    }
    ColumnKind::Text
}

/// Inspects a file: its columns and a proposed profile.
pub fn inspect(
    name: &str,
    path: &Path,
    bytes: &[u8],
    sheet: Option<&str>,
    config: &Config,
) -> Result<Inspection, String> {
    let sheets = if super::source::Kind::of(path) == super::source::Kind::Spreadsheet {
        super::source::sheet_names(name, bytes)?
    } else {
        Vec::new()
    };
    let table = read_table(name, path, bytes, sheet, 1)?;
    Ok(inspect_table(name, &table, sheets, sheet, config))
}

fn inspect_table(
    name: &str,
    table: &Table,
    sheets: Vec<String>,
    sheet: Option<&str>,
    config: &Config,
) -> Inspection {
    // Types are told from the first rows; 2000 are plenty and keep inspection quick.
    let sample_rows: Vec<&Vec<Cell>> = table.rows.iter().take(2000).map(|(_, r)| r).collect();
    let mut columns: Vec<ColumnInfo> = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let cells: Vec<&Cell> = sample_rows
                .iter()
                .map(|r| r.get(i).unwrap_or(&Cell::Empty))
                .collect();
            let mut samples: Vec<String> = Vec::new();
            for c in &cells {
                let t = c.text().trim().to_string();
                if !t.is_empty() && !samples.contains(&t) {
                    samples.push(t);
                    if samples.len() == 3 {
                        break;
                    }
                }
            }
            ColumnInfo {
                position: i + 1,
                header: h.clone(),
                kind: kind_of(&cells),
                samples,
                proposed: None,
            }
        })
        .collect();

    // The proposal.
    let headers: Vec<String> = columns.iter().map(|c| c.header.clone()).collect();
    let find = |list: &[&str]| headers.iter().position(|h| is(list, h));
    let template = match (find(BUILDING), find(ENTRANCE), find(ROOM)) {
        (Some(b), e, Some(r)) => Some(
            [Some(b), e, Some(r)]
                .into_iter()
                .flatten()
                .collect::<Vec<usize>>(),
        ),
        _ => None,
    };
    let mut fields: Vec<(Field, String, Vec<usize>)> = Vec::new();
    for f in Field::ALL {
        if *f == Field::Unit
            && let Some(cols) = &template
        {
            let t = cols
                .iter()
                .map(|i| format!("{{{}}}", columns[*i].header))
                .collect::<Vec<_>>()
                .join("-");
            fields.push((*f, q(&t), cols.clone()));
            continue;
        }
        let Some(i) = columns.iter().position(|c| {
            c.proposed.is_none()
                && propose_field(&c.header) == Some(*f)
                && !fields
                    .iter()
                    .any(|(_, _, used)| used.contains(&(c.position - 1)))
        }) else {
            continue;
        };
        let mut used = vec![i];
        let mut src = q(&columns[i].header);
        if *f == Field::CompletedAt
            && let Some(c) = find(CREATED).filter(|c| *c != i)
        {
            src = format!(
                "{{ column = {}, fallback = {} }}",
                q(&columns[i].header),
                q(&columns[c].header)
            );
            used.push(c);
        }
        fields.push((*f, src, used));
    }
    if !fields.iter().any(|(f, _, _)| *f == Field::CompletedAt)
        && let Some(c) = find(CREATED)
    {
        fields.push((Field::CompletedAt, q(&columns[c].header), vec![c]));
    }
    for (f, _, used) in &fields {
        for (n, i) in used.iter().enumerate() {
            let how = match (*f, n) {
                (Field::Unit, _) if template.is_some() => format!("{} {{…}}", f.key()),
                (Field::CompletedAt, 1) => format!("{} (fallback)", f.key()),
                _ => f.key().to_string(),
            };
            columns[*i].proposed = Some(how);
        }
    }
    let status = find(STATUS);
    if let Some(s) = status
        && columns[s].proposed.is_none()
    {
        columns[s].proposed = Some("filter".into());
    }

    let mut p = String::new();
    let _ = writeln!(
        p,
        "# Proposed by `huifang import --inspect {name}` from its headers. Check every line, then\n# try it: huifang import FILE --profile THIS --dry-run"
    );
    let _ = writeln!(p, "description = {}", q(&format!("from {name}")));
    let _ = writeln!(
        p,
        "# Put before every ref, so that refs from two systems never collide.\nref_prefix = \"\""
    );
    if let Some(s) = sheet {
        let _ = writeln!(p, "sheet = {}", q(s));
    }
    let mut formats: Vec<String> = Vec::new();
    for c in &columns {
        if let ColumnKind::Date { text_formats, .. } = &c.kind {
            for f in text_formats {
                if !formats.contains(f) {
                    formats.push(f.clone());
                }
            }
        }
    }
    let _ = writeln!(
        p,
        "# Tried in order on dates written as text; real date cells need none.\ndate_formats = [{}]",
        formats.iter().map(|f| q(f)).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(p, "\n[fields]");
    for (f, src, _) in &fields {
        let _ = writeln!(p, "{} = {src}", f.key());
    }
    let unused: Vec<&str> = columns
        .iter()
        .filter(|c| c.proposed.is_none() && !c.header.is_empty())
        .map(|c| c.header.as_str())
        .collect();
    if !unused.is_empty() {
        let _ = writeln!(p, "# Not mapped: {}", unused.join(", "));
    }
    let has = |f: Field| fields.iter().any(|(g, _, _)| *g == f);
    let _ = writeln!(p, "\n[constants]");
    if !has(Field::Category) {
        let _ = writeln!(
            p,
            "# No category column was found: say what these rows are ({}).\ncategory = \"complaint\"",
            config.category_keys()
        );
    }
    if !has(Field::Site) {
        let _ = writeln!(p, "# site = \"翠苑管理处\"");
    }
    if !has(Field::Ref) {
        let _ = writeln!(
            p,
            "# No ref column was found: add `ref = \"COLUMN\"` under [fields]."
        );
    }
    if let Some((_, _, used)) = fields.iter().find(|(f, _, _)| *f == Field::Category) {
        let i = used[0];
        let mut distinct: Vec<String> = Vec::new();
        for r in &table.rows {
            let v = r.1.get(i).map(Cell::text).unwrap_or_default();
            let v = v.trim();
            if !v.is_empty() && !distinct.iter().any(|d| d == v) {
                distinct.push(v.to_string());
                if distinct.len() == 40 {
                    break;
                }
            }
        }
        let _ = writeln!(
            p,
            "\n# A value not listed below is a problem row; or give a default: default = \"other\""
        );
        let _ = writeln!(p, "[values.category.map]");
        for v in &distinct {
            match propose_category(v, config) {
                Some(k) => {
                    let _ = writeln!(p, "{} = {}", q(v), q(&k));
                }
                None => {
                    let _ = writeln!(p, "# {} = \"\"   # one of {}", q(v), config.category_keys());
                }
            }
        }
    }
    let _ = writeln!(
        p,
        "\n[clean]\n# Collapse runs of spaces inside these fields.\ncollapse_spaces = [\"customer\", \"summary\"]"
    );
    match status {
        Some(s) => {
            let header = &columns[s].header;
            let done = table
                .rows
                .iter()
                .filter_map(|r| r.1.get(s).map(|c| c.text().trim().to_string()))
                .find(|v| DONE.contains(&v.as_str()));
            let _ = writeln!(p, "\n# Only finished work is called back.");
            match done {
                Some(d) => {
                    let _ = writeln!(p, "[filter]\ncolumn = {}\nequals = {}", q(header), q(&d));
                }
                None => {
                    let _ = writeln!(
                        p,
                        "# [filter]\n# column = {}\n# equals = \"DONE VALUE\"",
                        q(header)
                    );
                }
            }
        }
        None => {
            let _ = writeln!(
                p,
                "\n# [filter]\n# column = \"Status\"\n# equals = \"Closed\""
            );
        }
    }
    Inspection {
        sheets,
        rows: table.rows.len(),
        columns,
        profile: p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_in_both_languages() {
        assert_eq!(propose_field("工单编号"), Some(Field::Ref));
        assert_eq!(propose_field("Unique Key"), Some(Field::Ref));
        assert_eq!(propose_field("Complaint Type"), Some(Field::Category));
        assert_eq!(propose_field("Closed Date"), Some(Field::CompletedAt));
        assert_eq!(propose_field("答复时间"), Some(Field::CompletedAt));
        assert_eq!(propose_field("Incident Address"), Some(Field::Unit));
        assert_eq!(propose_field("处理部门"), Some(Field::Department));
        assert_eq!(propose_field("Status"), None);
    }

    #[test]
    fn kinds() {
        let t = |s: &str| Cell::Text(s.into());
        let dt = Cell::DateTime(
            chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        );
        assert_eq!(
            kind_of(&[&dt, &t("2026/12/3 9:00:00")]),
            ColumnKind::Date {
                cells: true,
                text_formats: vec!["%Y/%m/%d %H:%M:%S".into()]
            }
        );
        assert_eq!(
            kind_of(&[&t("12/03/2026 09:00:00 AM")]),
            ColumnKind::Date {
                cells: false,
                text_formats: vec!["%m/%d/%Y %I:%M:%S %p".into()]
            }
        );
        assert_eq!(kind_of(&[&Cell::Number(13912345678.0)]), ColumnKind::Number);
        assert_eq!(kind_of(&[&t("是"), &t("否")]), ColumnKind::Flag);
        assert_eq!(kind_of(&[&t("漏水")]), ColumnKind::Text);
        assert_eq!(kind_of(&[&Cell::Empty]), ColumnKind::Empty);
    }
}
