//! Intake of other systems' exports: XLSX (real date cells and text dates mixed, padded cells,
//! sheets), GBK CSV with quoted line breaks, mapping profiles (templates, value maps with a
//! default or an error, fallbacks, filters, ref prefixes), `--inspect` and `--save-profile`,
//! dry-run previews, and profile errors named by file, line and key.

mod common;

use common::{Env, s};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{Value, json};

fn dt(y: u16, m: u8, d: u8, h: u16, mi: u8, sec: u8) -> ExcelDateTime {
    ExcelDateTime::from_ymd(y, m, d)
        .unwrap()
        .and_hms(h, mi, sec)
        .unwrap()
}

/// A cell of a fixture row.
enum C<'a> {
    T(&'a str),
    N(f64),
    D(ExcelDateTime),
}

/// Writes a workbook: a notes sheet first (so `--sheet` matters), then `sheet` with `rows`.
fn write_xlsx(env: &Env, name: &str, sheet: &str, header: &[&str], rows: &[Vec<C>]) -> String {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes
        .write_string(0, 0, "导出说明:本表由工单系统生成")
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                C::T("") => {}
                C::T(t) => {
                    ws.write_string(r, c, *t).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                C::D(d) => {
                    ws.write_datetime_with_format(r, c, d, &date).unwrap();
                }
            }
        }
    }
    let p = env.path(name);
    wb.save(&p).unwrap();
    p.display().to_string()
}

const WO_HEADER: &[&str] = &[
    "工单编号",
    "报修类型",
    "楼栋",
    "单元",
    "房号",
    "报修人",
    "联系电话",
    "处理部门",
    "完成时间",
    "状态",
];

/// Five work orders: a real date cell, text dates in two styles, one not finished (filtered),
/// one of a category the profile does not map.
fn work_orders(env: &Env) -> String {
    use C::*;
    write_xlsx(
        env,
        "工单导出.xlsx",
        "工单",
        WO_HEADER,
        &[
            vec![
                T("WO1001"),
                T("报修"),
                T("3栋"),
                T("2单元"),
                T("1201"),
                T("  林   一 \t"),
                N(13912345678.0),
                T("\n工程部 "),
                D(dt(2026, 12, 1, 15, 4, 5)),
                T("已完成"),
            ],
            vec![
                T("WO1002"),
                T("投诉"),
                T("5栋"),
                T("1单元"),
                T("302"),
                T("王二"),
                T("13800001111"),
                T("秩序部"),
                T("2026/12/2 9:05:00"),
                T("已完成"),
            ],
            vec![
                T("WO1003"),
                T("咨询"),
                T("5栋"),
                T(""),
                T("101"),
                T("张三"),
                T("13700002222"),
                T("客服中心"),
                T("12/02/2026 03:30:00 PM"),
                T("已完成"),
            ],
            vec![
                T("WO1004"),
                T("报修"),
                T("1栋"),
                T("1单元"),
                T("101"),
                T("赵四"),
                T("13600003333"),
                T("工程部"),
                T(""),
                T("处理中"),
            ],
            vec![
                T("WO1005"),
                T("表扬"),
                T("2栋"),
                T("1单元"),
                T("202"),
                T("钱五"),
                T("13500004444"),
                T("客服中心"),
                D(dt(2026, 12, 2, 10, 0, 0)),
                T("已完成"),
            ],
        ],
    )
}

const WO_PROFILE: &str = r#"description = "test work orders"
sheet = "工单"
ref_prefix = "PM-"
date_formats = ["%Y/%m/%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"]

[fields]
ref = "工单编号"
category = "报修类型"
unit = "{楼栋}-{单元}-{房号}"
customer = "报修人"
phone = 7
department = "处理部门"
completed_at = "完成时间"

[constants]
site = "翠苑管理处"

[values.category.map]
"报修" = "repair"
"投诉" = "complaint"
"咨询" = "help"

[clean]
collapse_spaces = ["customer"]

[filter]
column = "状态"
equals = "已完成"
"#;

#[track_caller]
fn report(out: &common::Out) -> Value {
    out.ok();
    out.json()
}

#[test]
fn xlsx_with_date_cells_text_dates_padding_an_unmapped_value_and_a_filter() {
    let env = Env::new();
    let f = work_orders(&env);
    let p = env.write("wo.toml", WO_PROFILE);
    let p = p.to_str().unwrap();

    // The unmapped 表扬 refuses the file, named by its spreadsheet row; nothing is stored.
    let out = env.run(&["--lang", "en", "import", &f, "--profile", p]);
    out.bad_input();
    let want = format!("{f}:6: category: `表扬` is not in the profile's value map");
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);
    assert!(
        out.stderr
            .contains("5 row(s) read · 3 good · 1 with problems · 1 left out by the filter"),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stderr.matches(": category:").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    env.run(&["event", "show", "PM-WO1001"]).bad_input();

    // The dry run shows the rows as they would be stored, then the problem row, then counts.
    let out = env.run(&["--lang", "en", "import", &f, "--profile", p, "--dry-run"]);
    out.bad_input();
    let table: Vec<&str> = out.stdout.lines().collect();
    assert!(table[1].starts_with("Row"), "{}", out.stdout);
    assert!(
        table[2].starts_with("2    PM-WO1001  repair"),
        "{}",
        out.stdout
    );
    assert!(
        table[2].contains("林 一"),
        "padding trimmed, inner spaces collapsed: {}",
        table[2]
    );
    assert!(table[2].contains("139****5678"), "{}", table[2]);
    assert!(table[2].contains("3栋-2单元-1201"), "{}", table[2]);
    assert!(table[2].contains("2026-12-01 15:04"), "{}", table[2]);
    assert!(
        table[4].contains("5栋--101"),
        "an empty cell in the template: {}",
        table[4]
    );
    assert!(!out.stdout.contains("WO1004"), "filtered: {}", out.stdout);
    assert!(out.stderr.contains(&want), "{}", out.stderr);

    // With a default for unmapped values, the file goes in whole.
    let fixed = WO_PROFILE.replace(
        "[values.category.map]",
        "[values.category]\ndefault = \"other\"\n\n[values.category.map]",
    );
    env.write("wo.toml", &fixed);
    let v = report(&env.run(&["import", &f, "--profile", p, "--json"]));
    assert_eq!(v["filtered"], json!(1));
    assert_eq!(v["read"], json!(5));
    assert_eq!(v["report"]["imported"], json!(4));

    let e = env.show("PM-WO1001");
    let ev = &e["event"];
    assert_eq!(s(ev, "category"), "repair");
    assert_eq!(s(ev, "unit"), "3栋-2单元-1201");
    assert_eq!(s(ev, "customer"), "林 一");
    assert_eq!(s(ev, "department"), "工程部");
    assert_eq!(s(ev, "site"), "翠苑管理处");
    assert_eq!(s(ev, "phone"), "139****5678", "a number cell, not 1.39e10");
    assert_eq!(
        s(ev, "completed_at"),
        "2026-12-01 15:04",
        "a real date cell"
    );
    let e2 = env.show("PM-WO1002");
    assert_eq!(
        s(&e2["event"], "completed_at"),
        "2026-12-02 09:05",
        "unpadded text date"
    );
    assert_eq!(s(&e2["event"], "category"), "complaint");
    let e3 = env.show("PM-WO1003");
    assert_eq!(
        s(&e3["event"], "completed_at"),
        "2026-12-02 15:30",
        "12-hour text date"
    );
    assert_eq!(s(&e3["event"], "category"), "help");
    assert_eq!(s(&env.show("PM-WO1005")["event"], "category"), "other");
    env.run(&["event", "show", "PM-WO1004"]).bad_input();

    // Re-import is idempotent; a changed row is a conflict, reported, the stored one kept.
    let v = report(&env.run(&["import", &f, "--profile", p, "--json"]));
    assert_eq!(v["report"]["skipped"], json!(4));
    assert_eq!(v["report"]["imported"], json!(0));
    let changed = fixed.replace("site = \"翠苑管理处\"", "site = \"金湾管理处\"");
    env.write("wo.toml", &changed);
    let out = env.run(&["import", &f, "--profile", p, "--json"]);
    assert_eq!(report(&out)["report"]["conflicts"], json!(4));
    assert!(
        out.stderr.contains(&format!("{f}:2: ref: `PM-WO1001`")),
        "{}",
        out.stderr
    );
    assert_eq!(s(&env.show("PM-WO1001")["event"], "site"), "翠苑管理处");
}

#[test]
fn sheets_are_chosen_by_name() {
    let env = Env::new();
    let f = work_orders(&env);
    // Without --sheet (and a profile that names none) the first sheet, the notes, is read.
    let p = env.write("nosheet.toml", WO_PROFILE.replace("sheet = \"工单\"\n", ""));
    let p = p.to_str().unwrap();
    let out = env.run(&["import", &f, "--profile", p]);
    out.bad_input();
    assert!(
        out.stderr
            .contains("names column `工单编号`, which the file does not have"),
        "{}",
        out.stderr
    );
    let out = env.run(&["import", &f, "--profile", p, "--sheet", "汇总"]);
    out.bad_input();
    assert!(
        out.stderr
            .contains("sheet: no sheet `汇总`: the sheets are 说明, 工单"),
        "{}",
        out.stderr
    );
    let out = env.run(&[
        "import",
        &f,
        "--profile",
        p,
        "--sheet",
        "工单",
        "--dry-run",
        "--json",
    ]);
    out.bad_input();
    assert!(out.stderr.contains(":6: category:"), "{}", out.stderr);
}

/// A 12345 hotline export saved by Excel in a Chinese locale: GBK, CRLF, quoted cells holding
/// commas and line breaks, padded subjects.
fn hotline_csv(bad_row: bool) -> Vec<u8> {
    let mut text = String::from("留言编号,留言主题,留言内容,留言时间,答复时间\r\n");
    text.push_str("RX-1,\"  楼上   装修,噪音  \",\"每天早上七点开始\r\n周末也不停\",2026-11-30 08:00:00,2026-12-01 10:30:00\r\n");
    text.push_str("RX-2,电梯停运,\"3栋电梯, 停了两天\",2026-12-01 09:00:00,\r\n");
    if bad_row {
        text.push_str("RX-3,垃圾清运,未清运,2026-12-01 09:00:00,昨天下午\r\n");
    }
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    gbk.into_owned()
}

#[test]
fn gbk_csv_with_quoted_line_breaks_through_the_shipped_hotline_profile() {
    let env = Env::new();
    let bad = env.write("12345-bad.csv", hotline_csv(true));
    let out = env.run(&[
        "import".as_ref(),
        bad.as_os_str(),
        "--profile".as_ref(),
        "hotline-12345".as_ref(),
    ]);
    out.bad_input();
    // Line 5: the header, a record over two lines, one more, then the bad one.
    let want = format!(
        "{}:5: completed_at: `昨天下午` is not a date-time",
        bad.display()
    );
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);

    let f = env.write("12345.csv", hotline_csv(false));
    let out = env.run(&[
        "import".as_ref(),
        f.as_os_str(),
        "--profile".as_ref(),
        "hotline-12345".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(report(&out)["report"]["imported"], json!(2));
    let e = env.show("12345-RX-1");
    assert_eq!(s(&e["event"], "matter"), "楼上 装修,噪音");
    assert_eq!(s(&e["event"], "category"), "complaint");
    assert_eq!(s(&e["event"], "department"), "客服中心");
    assert_eq!(s(&e["event"], "completed_at"), "2026-12-01 10:30");
    // No reply time: the message time is the fallback.
    let e2 = env.show("12345-RX-2");
    assert_eq!(s(&e2["event"], "completed_at"), "2026-12-01 09:00");
}

const US_HEADER: &[&str] = &[
    "Unique Key",
    "Created Date",
    "Closed Date",
    "Agency",
    "Complaint Type",
    "Incident Address",
    "Status",
];

#[test]
fn the_shipped_311_profile_filters_maps_with_a_default_and_prefixes_refs() {
    let env = Env::new();
    let rows: Vec<Vec<String>> = [
        [
            "59001",
            "12/01/2026 08:00:00 AM",
            "12/02/2026 03:04:05 PM",
            "HPD",
            "HEAT/HOT WATER",
            "  12  MAIN   ST ",
            "Closed",
        ],
        [
            "59002",
            "12/01/2026 09:00:00 AM",
            "12/01/2026 11:00:00 PM",
            "NYPD",
            "Noise - Residential",
            "5 ELM ST",
            "Closed",
        ],
        [
            "59003",
            "12/01/2026 09:30:00 AM",
            "",
            "NYPD",
            "Illegal Parking",
            "9 OAK AVE",
            "Closed",
        ],
        [
            "59004",
            "12/01/2026 10:00:00 AM",
            "",
            "DOT",
            "Street Condition",
            "1 PINE RD",
            "Open",
        ],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    let f = env.write_csv("311.csv", US_HEADER, &rows);
    let out = env.run(&[
        "import".as_ref(),
        f.as_os_str(),
        "--profile".as_ref(),
        "us-311".as_ref(),
        "--json".as_ref(),
    ]);
    let v = report(&out);
    assert_eq!(v["filtered"], json!(1));
    assert_eq!(v["report"]["imported"], json!(3));
    let e = env.show("311-59001");
    assert_eq!(s(&e["event"], "category"), "repair");
    assert_eq!(s(&e["event"], "matter"), "HEAT/HOT WATER");
    assert_eq!(s(&e["event"], "unit"), "12 MAIN ST");
    assert_eq!(s(&e["event"], "completed_at"), "2026-12-02 15:04");
    assert_eq!(
        s(&env.show("311-59002")["event"], "completed_at"),
        "2026-12-01 23:00"
    );
    let e3 = env.show("311-59003");
    assert_eq!(s(&e3["event"], "category"), "complaint", "the default");
    assert_eq!(
        s(&e3["event"], "completed_at"),
        "2026-12-01 09:30",
        "Created Date fallback"
    );
    env.run(&["event", "show", "311-59004"]).bad_input();
    // The plain text output counts the filtered row too.
    let out = env.run(&[
        "--lang".as_ref(),
        "en".as_ref(),
        "import".as_ref(),
        f.as_os_str(),
        "--profile".as_ref(),
        "us-311".as_ref(),
    ]);
    out.ok();
    assert!(
        out.stdout
            .contains("4 row(s) read · 3 good · 0 with problems · 1 left out by the filter"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("skipped 3"), "{}", out.stdout);
}

#[track_caller]
fn proposed(inspection: &Value) -> Vec<(String, String)> {
    inspection["files"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                s(c, "header").to_string(),
                c["proposed"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn inspect_proposes_the_fields_of_chinese_headers_and_the_saved_profile_imports() {
    let env = Env::new();
    let f = work_orders(&env);
    let out = env.run(&["import", "--inspect", &f, "--sheet", "工单", "--json"]);
    let v = report(&out);
    let got = proposed(&v);
    let want: Vec<(String, String)> = [
        ("工单编号", "ref"),
        ("报修类型", "category"),
        ("楼栋", "unit {…}"),
        ("单元", "unit {…}"),
        ("房号", "unit {…}"),
        ("报修人", "customer"),
        ("联系电话", "phone"),
        ("处理部门", "department"),
        ("完成时间", "completed_at"),
        ("状态", "filter"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let cols = &v["files"][0]["columns"];
    assert_eq!(cols[6]["type"], json!("number"));
    assert_eq!(cols[8]["type"], json!("datetime_mixed"), "{}", cols[8]);
    assert_eq!(
        cols[8]["date_formats"],
        json!(["%Y/%m/%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"])
    );
    assert_eq!(v["files"][0]["sheets"], json!(["说明", "工单"]));
    assert_eq!(v["files"][0]["rows"], json!(5));
    let profile = s(&v["files"][0], "profile");
    assert!(
        profile.contains("unit = \"{楼栋}-{单元}-{房号}\""),
        "{profile}"
    );
    assert!(profile.contains("\"报修\" = \"repair\""), "{profile}");
    assert!(
        profile.contains("# \"表扬\" = \"\""),
        "unknown values left to the user: {profile}"
    );
    assert!(
        profile.contains("column = \"状态\"\nequals = \"已完成\""),
        "{profile}"
    );

    // The text form is a table and the profile; --save-profile stores it for --profile NAME.
    let out = env.run(&[
        "import",
        "--inspect",
        &f,
        "--sheet",
        "工单",
        "--save-profile",
        "wo",
    ]);
    out.ok();
    assert!(out.stdout.contains("工单编号"), "{}", out.stdout);
    let saved = env.path("xdg-config/huifang/profiles/wo.toml");
    assert!(saved.is_file(), "{}", out.stdout);
    let again = env.run(&["import", "--inspect", &f, "--save-profile", "wo"]);
    again.bad_input();
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    // As proposed, 表扬 is unmapped: named, nothing stored.
    let out = env.run(&["import", &f, "--sheet", "工单", "--profile", "wo"]);
    out.bad_input();
    assert!(
        out.stderr.contains(&format!("{f}:6: category: `表扬`")),
        "{}",
        out.stderr
    );
    // Edited with a default, and the sheet named, it imports.
    let text = std::fs::read_to_string(&saved).unwrap().replace(
        "[values.category.map]",
        "[values.category]\ndefault = \"other\"\n[values.category.map]",
    );
    std::fs::write(&saved, text).unwrap();
    let out = env.run(&["import", &f, "--sheet", "工单", "--profile", "wo", "--json"]);
    let v = report(&out);
    assert_eq!(v["report"]["imported"], json!(4));
    assert_eq!(s(&env.show("WO1002")["event"], "unit"), "5栋-1单元-302");
}

#[test]
fn inspect_proposes_the_fields_of_english_headers() {
    use C::*;
    let env = Env::new();
    let f = write_xlsx(
        &env,
        "311.xlsx",
        "requests",
        US_HEADER,
        &[
            vec![
                N(59001.0),
                D(dt(2026, 12, 1, 8, 0, 0)),
                T("12/02/2026 03:04:05 PM"),
                T("HPD"),
                T("HEAT/HOT WATER"),
                T("12 MAIN ST"),
                T("Closed"),
            ],
            vec![
                N(59002.0),
                D(dt(2026, 12, 1, 9, 0, 0)),
                T(""),
                T("NYPD"),
                T("Noise - Residential"),
                T("5 ELM ST"),
                T("Open"),
            ],
        ],
    );
    let v = report(&env.run(&["import", "--inspect", &f, "--sheet", "requests", "--json"]));
    let want: Vec<(String, String)> = [
        ("Unique Key", "ref"),
        ("Created Date", "completed_at (fallback)"),
        ("Closed Date", "completed_at"),
        ("Agency", "department"),
        ("Complaint Type", "category"),
        ("Incident Address", "unit"),
        ("Status", "filter"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(proposed(&v), want);
    let cols = &v["files"][0]["columns"];
    assert_eq!(
        cols[0]["samples"],
        json!(["59001", "59002"]),
        "numbers without .0"
    );
    assert_eq!(cols[1]["type"], json!("datetime"));
    assert_eq!(cols[2]["type"], json!("datetime_text"));
    assert_eq!(cols[2]["date_formats"], json!(["%m/%d/%Y %I:%M:%S %p"]));
    let profile = s(&v["files"][0], "profile");
    assert!(
        profile
            .contains("completed_at = { column = \"Closed Date\", fallback = \"Created Date\" }"),
        "{profile}"
    );
    assert!(
        profile.contains("date_formats = [\"%m/%d/%Y %I:%M:%S %p\"]"),
        "{profile}"
    );
    assert!(
        profile.contains("\"HEAT/HOT WATER\" = \"repair\""),
        "{profile}"
    );
    // The proposal is a profile huifang reads.
    let p = env.write("proposed.toml", profile);
    let out = env.run(&[
        "import".as_ref(),
        f.as_ref(),
        "--sheet".as_ref(),
        "requests".as_ref(),
        "--profile".as_ref(),
        p.as_os_str(),
        "--dry-run".as_ref(),
        "--json".as_ref(),
    ]);
    let v = report(&out);
    assert_eq!(v["report"]["imported"], json!(1));
    assert_eq!(v["filtered"], json!(1));
}

#[test]
fn profile_errors_name_the_file_line_and_key() {
    let env = Env::new();
    let f = work_orders(&env);
    for (text, want) in [
        (
            WO_PROFILE.replace("ref_prefix", "ref_prefx"),
            ":3: ref_prefx: unknown field `ref_prefx`",
        ),
        (
            WO_PROFILE.replace("{楼栋}-{单元}-{房号}", "{楼栋}-{单元-{房号}"),
            ":9: fields.unit: bad template `{楼栋}-{单元-{房号}`",
        ),
        (
            WO_PROFILE.replace("customer = \"报修人\"", "customr = \"报修人\""),
            ":10: fields.customr: unknown field `customr`",
        ),
        (
            WO_PROFILE.replace("\"咨询\" = \"help\"", "\"咨询\" = \"hlep\""),
            ":21: values.category.map.咨询: unknown category `hlep`",
        ),
        (
            WO_PROFILE.replace("equals = \"已完成\"", ""),
            ":26: filter: no `equals` or `not_equals`",
        ),
    ] {
        let p = env.write("bad.toml", &text);
        let out = env.run(&["import", &f, "--profile", p.to_str().unwrap()]);
        out.bad_input();
        let want = format!("{}{want}", p.display());
        assert!(
            out.stderr.lines().any(|l| l.starts_with(&want)),
            "want {want}\n{}",
            out.stderr
        );
    }
    // A profile in the config is checked when the config is loaded, located in the config.
    let cfg = env.write(
        "config.toml",
        "timezone = \"Asia/Shanghai\"\n\n[profiles.wo]\nref_prefix = \"A-\"\n[profiles.wo.fields]\nref = 1\ncategory = 2\ncompleted_at = \"{完成时间\"\n",
    );
    let out = env.run(&[
        "--config".as_ref(),
        cfg.as_os_str(),
        "import".as_ref(),
        f.as_ref(),
        "--profile".as_ref(),
        "wo".as_ref(),
    ]);
    out.bad_input();
    let want = format!(
        "{}:8: profiles.wo.fields.completed_at: bad template",
        cfg.display()
    );
    assert!(out.stderr.starts_with(&want), "want {want}\n{}", out.stderr);
    // An unknown profile lists the ones there are.
    let out = env.run(&["import", &f, "--profile", "nope"]);
    out.bad_input();
    assert!(
        out.stderr
            .contains("property-work-orders, hotline-12345, us-311"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_profile_in_the_config_is_used_by_name() {
    let env = Env::new();
    let f = work_orders(&env);
    let body = WO_PROFILE
        .replace("[fields]", "[profiles.pm.fields]")
        .replace("[constants]", "[profiles.pm.constants]")
        .replace(
            "[values.category.map]",
            "[profiles.pm.values.category]\ndefault = \"other\"\n[profiles.pm.values.category.map]",
        )
        .replace("[clean]", "[profiles.pm.clean]")
        .replace("[filter]", "[profiles.pm.filter]")
        .replacen("description", "[profiles.pm]\ndescription", 1);
    let cfg = env.write("config.toml", &body);
    let out = env.run(&[
        "--config".as_ref(),
        cfg.as_os_str(),
        "import".as_ref(),
        f.as_ref(),
        "--profile".as_ref(),
        "pm".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(report(&out)["report"]["imported"], json!(4));
    assert_eq!(s(&env.show("PM-WO1003")["event"], "unit"), "5栋--101");
}

#[test]
fn the_shipped_work_order_profile_reads_its_export() {
    use C::*;
    let env = Env::new();
    let f = write_xlsx(
        &env,
        "派工单.xlsx",
        "Sheet1",
        &WO_HEADER[..9],
        &[vec![
            T("20261201-7"),
            T("报修"),
            T("3栋"),
            T("2单元"),
            T("1201"),
            T("林一"),
            T("13912345678"),
            T("工程部"),
            T("2026/12/1 15:04:00"),
        ]],
    );
    // The workbook's first sheet is the notes: the data sheet is named.
    let out = env.run(&[
        "import",
        &f,
        "--sheet",
        "Sheet1",
        "--profile",
        "property-work-orders",
        "--json",
    ]);
    assert_eq!(report(&out)["report"]["imported"], json!(1));
    let e = env.show("WO-20261201-7");
    assert_eq!(s(&e["event"], "unit"), "3栋-2单元-1201");
    assert_eq!(s(&e["event"], "completed_at"), "2026-12-01 15:04");
}

#[test]
fn an_xlsx_in_huifangs_own_columns_needs_no_profile() {
    use C::*;
    let env = Env::new();
    let f = write_xlsx(
        &env,
        "own.xlsx",
        "events",
        &["编号", "类别", "电话", "完成时间"],
        &[vec![
            T("X-1"),
            T("投诉"),
            N(13912345678.0),
            D(dt(2026, 12, 2, 8, 30, 0)),
        ]],
    );
    let out = env.run(&["import", &f, "--sheet", "events", "--json"]);
    assert_eq!(report(&out)["report"]["imported"], json!(1));
    let e = env.show("X-1");
    assert_eq!(s(&e["event"], "completed_at"), "2026-12-02 08:30");
    assert_eq!(s(&e["event"], "phone"), "139****5678");
}

/// XLS (Excel 97-2003) and ODS files as other programs write them (tests/fixtures/, made by
/// make_legacy.py with xlwt and odfpy): real date-time cells, a number cell for the phone, a
/// text date, Chinese headers.
#[test]
fn xls_and_ods_files_are_read_with_their_date_cells() {
    for name in ["events.xls", "events.ods"] {
        let env = Env::new();
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
        let f = format!("{fixture}{name}");
        let out = env.run(&["import", &f, "--json"]);
        assert_eq!(
            report(&out)["report"]["imported"],
            json!(3),
            "{name}: {}",
            out.stderr
        );
        let e = env.show("L-1");
        assert_eq!(s(&e["event"], "completed_at"), "2026-12-02 08:30", "{name}");
        assert_eq!(
            s(&e["event"], "phone"),
            "139****5678",
            "{name}: a number cell, not 1.39e10"
        );
        assert_eq!(s(&e["event"], "unit"), "3栋2单元1201", "{name}");
        assert_eq!(s(&e["event"], "category"), "complaint", "{name}");
        assert_eq!(
            s(&env.show("L-2")["event"], "completed_at"),
            "2026-12-01 15:04",
            "{name}"
        );
        assert_eq!(
            s(&env.show("L-3")["event"], "completed_at"),
            "2026-12-01 20:00",
            "{name}: a text date"
        );
        let again = env.run(&["import", &f, "--json"]);
        assert_eq!(
            report(&again)["report"]["skipped"],
            json!(3),
            "{name}: re-import changes nothing"
        );
    }
}

/// On an empty store the intake answers repeats and cohorts from memory; on a store that holds
/// events, from the store. Both must choose alike: the same events taken one intake per event
/// (each after the first asks the store) and all in one intake (memory) store the same rows.
#[test]
fn repeats_and_cohorts_from_memory_match_the_store() {
    use huifang::workflow::Intake;
    let config = huifang::config::Config::builtin();
    let now = chrono::NaiveDateTime::parse_from_str("2026-12-03 10:00", "%Y-%m-%d %H:%M").unwrap();
    // Few sites, long span: many repeats at the same phone or unit.
    let plan = huifang::demo::Plan {
        events: 3000,
        seed: 5,
        sites: 2,
        months: 6,
    };
    let mut stream = huifang::demo::Events::new(&config, &plan, now).unwrap();
    let mut events = Vec::new();
    while let Some(e) = stream.next_event() {
        events.push(e.unwrap());
    }
    // Out of completion order too, as files come.
    events.swap(10, 2500);
    events.swap(700, 1200);
    let dir = tempfile::tempdir().unwrap();
    let rows = |path: &std::path::Path| -> Vec<String> {
        let c = rusqlite::Connection::open(path).unwrap();
        let mut stmt = c
            .prepare("SELECT ref, repeat_count, selected, selection_reason, (SELECT count(*) FROM tasks t WHERE t.event_id = e.id) FROM events e ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let memory = dir.path().join("memory.db");
    let mut store = huifang::store::Store::open(&memory).unwrap();
    let tx = store.write().unwrap();
    let mut intake = Intake::new(&config, now);
    for e in &events {
        intake.take(&tx, e).unwrap();
    }
    tx.commit().unwrap();
    let looked_up = dir.path().join("store.db");
    let mut store = huifang::store::Store::open(&looked_up).unwrap();
    let tx = store.write().unwrap();
    for e in &events {
        Intake::new(&config, now).take(&tx, e).unwrap();
    }
    tx.commit().unwrap();
    let (a, b) = (rows(&memory), rows(&looked_up));
    assert_eq!(a.len(), 3000);
    assert!(
        a.iter().filter(|r| r.contains("repeat:")).count() > 20,
        "few repeats"
    );
    assert_eq!(a, b);
}
