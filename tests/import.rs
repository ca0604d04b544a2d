//! `huifang import`: Chinese headers, GBK and BOM files, date formats, files with bad rows
//! (nothing stored, every row named), re-import, conflicts and dry runs.

mod common;

use common::{Env, HEADER_EN, HEADER_ZH, csv_text, row, s, simple_row};
use serde_json::{Value, json};

/// Three rows with Chinese category names: a major complaint, a repair and a special service.
fn chinese_rows() -> Vec<Vec<String>> {
    vec![
        row(
            "TS-2026-118",
            "投诉",
            "是",
            "翠苑管理处",
            "林一",
            "13912345678",
            "1栋101",
            "工程部",
            "漏水",
            "卫生间漏水,已修复",
            "2026-12-01 15:04",
            ("", ""),
        ),
        row(
            "YC-0042",
            "维修",
            "否",
            "翠苑管理处",
            "王二",
            "13800001111",
            "2栋302",
            "维修班",
            "电路",
            "更换插座",
            "2026-12-02 09:00",
            ("", ""),
        ),
        row(
            "TY-7",
            "特约服务",
            "",
            "金湾管理处",
            "张三",
            "13700002222",
            "5栋1201",
            "保洁部",
            "家政",
            "每周保洁",
            "2026-09-01",
            ("2026-09-01", "2026-12-31"),
        ),
    ]
}

#[track_caller]
fn assert_report(report: &Value, want: [u64; 5]) {
    let got = [
        "imported",
        "skipped",
        "conflicts",
        "tasks_created",
        "not_selected",
    ]
    .map(|k| {
        report[k]
            .as_u64()
            .unwrap_or_else(|| panic!("no `{k}` in {report}"))
    });
    assert_eq!(
        got, want,
        "[imported, skipped, conflicts, tasks_created, not_selected] of {report}"
    );
}

/// Checks the three events of [`chinese_rows`] as stored.
#[track_caller]
fn assert_chinese_rows_stored(env: &Env) {
    let ts = env.show("TS-2026-118");
    let e = &ts["event"];
    assert_eq!(s(e, "category"), "complaint");
    assert_eq!(e["major"], json!(true));
    assert_eq!(s(e, "site"), "翠苑管理处");
    assert_eq!(s(e, "customer"), "林一");
    assert_eq!(s(e, "phone"), "139****5678", "masked on show");
    assert_eq!(s(e, "unit"), "1栋101");
    assert_eq!(s(e, "department"), "工程部");
    assert_eq!(s(e, "matter"), "漏水");
    assert_eq!(s(e, "summary"), "卫生间漏水,已修复");
    assert_eq!(s(e, "completed_at"), "2026-12-01 15:04");
    assert_eq!(e["selected"], json!(true));
    let tasks = ts["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{ts:#}");
    // A major complaint: the manager, within 2 days of 12-01.
    assert_eq!(s(&tasks[0], "role"), "manager");
    assert_eq!(s(&tasks[0], "opens"), "2026-12-01");
    assert_eq!(s(&tasks[0], "due"), "2026-12-03");
    assert_eq!(s(&tasks[0], "state"), "pending");

    let wx = env.show("YC-0042");
    assert_eq!(s(&wx["event"], "category"), "repair");
    assert_eq!(wx["event"]["major"], json!(false));
    assert_eq!(s(&wx["event"], "customer"), "王二");

    let ty = env.show("TY-7");
    assert_eq!(s(&ty["event"], "category"), "special_service");
    assert_eq!(s(&ty["event"], "contract_start"), "2026-09-01");
    assert_eq!(s(&ty["event"], "contract_end"), "2026-12-31");
    let windows: Vec<(&str, &str, &str)> = ty["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (s(t, "kind"), s(t, "opens"), s(t, "due")))
        .collect();
    assert_eq!(
        windows,
        [
            ("contract_mid", "2026-10-31", "2026-11-05"),
            ("contract_end", "2026-12-31", "2027-01-05"),
        ]
    );
}

#[test]
fn chinese_headers_and_category_names() {
    let env = Env::new();
    let f = env.write_csv("投诉处理表.csv", HEADER_ZH, &chinese_rows());
    let report = env.import(&[&f]);
    // 1 complaint task + 1 repair task (the first repair of its month is always selected: the
    // cohort would otherwise be at 0% < 60%) + 2 special-service tasks.
    assert_report(&report, [3, 0, 0, 4, 0]);
    assert_chinese_rows_stored(&env);
}

#[test]
fn gbk_file_is_detected() {
    let env = Env::new();
    let text = csv_text(HEADER_ZH, &chinese_rows());
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let f = env.write("gbk.csv", &gbk);
    let report = env.import(&[&f]);
    assert_report(&report, [3, 0, 0, 4, 0]);
    assert_chinese_rows_stored(&env);
}

#[test]
fn gbk_file_with_a_bad_row_names_it_in_readable_text() {
    let env = Env::new();
    let text = csv_text(
        HEADER_ZH,
        &[
            simple_row("G-1", "投诉", "2026-12-01 10:00"),
            simple_row("G-2", "水电", "2026-12-01 10:00"),
        ],
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let f = env.write("gbk-bad.csv", &gbk);
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.bad_input();
    let want = format!("{}:3: category: unknown category `水电`", f.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);
    env.run(&["event", "show", "G-1"]).bad_input();
}

#[test]
fn utf8_bom_file_with_chinese_headers() {
    // Excel's "CSV UTF-8" puts a BOM before the first header (编号).
    let env = Env::new();
    let text = format!("\u{FEFF}{}", csv_text(HEADER_ZH, &chinese_rows()));
    let f = env.write("bom.csv", text);
    let report = env.import(&[&f]);
    assert_report(&report, [3, 0, 0, 4, 0]);
    assert_chinese_rows_stored(&env);
}

#[test]
fn utf8_bom_file_with_english_headers() {
    let env = Env::new();
    let text = format!(
        "\u{FEFF}{}",
        csv_text(
            HEADER_EN,
            &[simple_row("B-1", "complaint", "2026-12-02 08:00")]
        )
    );
    let f = env.write("bom-en.csv", text);
    assert_report(&env.import(&[&f]), [1, 0, 0, 1, 0]);
    let v = env.show("B-1");
    assert_eq!(s(&v["event"], "ref"), "B-1", "no BOM left in the ref");
    assert_eq!(s(&v["event"], "category"), "complaint");
}

#[test]
fn the_three_date_formats() {
    let env = Env::new();
    let f = env.write_csv(
        "dates.csv",
        HEADER_ZH,
        &[
            simple_row("D-1", "complaint", "2026-12-03 15:04"),
            simple_row("D-2", "complaint", "2026/12/3 15:04"),
            simple_row("D-3", "complaint", "2026-12-03"),
        ],
    );
    assert_report(&env.import(&[&f]), [3, 0, 0, 3, 0]);
    for (r, want) in [
        ("D-1", "2026-12-03 15:04"),
        ("D-2", "2026-12-03 15:04"),
        ("D-3", "2026-12-03 00:00"),
    ] {
        let v = env.show(r);
        assert_eq!(s(&v["event"], "completed_at"), want, "{r}");
        // Within 2 days of 12-03.
        assert_eq!(s(&v["tasks"][0], "due"), "2026-12-05", "{r}");
    }
}

/// A file whose lines 3, 4, 6, 7 and 8 are bad, each in another way.
fn bad_file(env: &Env) -> std::path::PathBuf {
    let mut major_repair = simple_row("BAD-MAJOR", "repair", "2026-12-01 10:00");
    major_repair[2] = "yes".into();
    let mut contract = simple_row("BAD-CONTRACT", "special_service", "2026-12-01");
    contract[11] = "2026-12-31".into();
    contract[12] = "2026-09-01".into();
    env.write_csv(
        "bad.csv",
        HEADER_EN,
        &[
            simple_row("OK-1", "complaint", "2026-12-01 10:00"), // line 2
            simple_row("BAD-CAT", "plumbing", "2026-12-01 10:00"), // line 3
            simple_row("BAD-DATE", "complaint", "2026-13-45 10:00"), // line 4
            simple_row("OK-2", "repair", "2026-12-01 10:00"),    // line 5
            simple_row("", "complaint", "2026-12-01 10:00"),     // line 6
            major_repair,                                        // line 7
            contract,                                            // line 8
        ],
    )
}

#[test]
fn a_file_with_bad_rows_names_every_one_and_stores_nothing() {
    let env = Env::new();
    let f = bad_file(&env);
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.bad_input();
    let name = f.display().to_string();
    for want in [
        format!("{name}:3: category: "),
        format!("{name}:4: completed_at: "),
        format!("{name}:6: ref: "),
        format!("{name}:7: major: "),
        format!("{name}:8: contract_end: "),
    ] {
        assert!(
            out.stderr.lines().any(|l| l.starts_with(&want)),
            "no line starting with `{want}` in\n{}",
            out.stderr
        );
    }
    for good in [format!("{name}:2:"), format!("{name}:5:")] {
        assert!(
            !out.stderr.contains(&good),
            "{good} is fine:\n{}",
            out.stderr
        );
    }
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    // Nothing of the file is stored, not even its good rows.
    for r in ["OK-1", "OK-2"] {
        env.run(&["event", "show", r]).bad_input();
    }
    assert_eq!(env.due(None), Vec::<Value>::new());
    assert_eq!(env.due(Some("2026-12-01")), Vec::<Value>::new());
}

#[test]
fn a_bad_file_stops_the_whole_run() {
    // Exit 2 means nothing was stored: a good file given with a bad one is not imported either.
    let env = Env::new();
    let good = env.write_csv(
        "good.csv",
        HEADER_EN,
        &[simple_row("GOOD-1", "complaint", "2026-12-01 10:00")],
    );
    let bad = bad_file(&env);
    let out = env.run(&["import".as_ref(), good.as_os_str(), bad.as_os_str()]);
    out.bad_input();
    assert!(
        out.stderr
            .contains(&format!("{}:3: category: ", bad.display())),
        "{}",
        out.stderr
    );
    env.run(&["event", "show", "GOOD-1"]).bad_input();
    assert_eq!(env.due(None), Vec::<Value>::new());
}

#[test]
fn line_numbers_count_lines_inside_quoted_cells() {
    // Excel writes a cell with a line break as a quoted field over two lines: the bad row after
    // it starts on line 4 of the file, not on the 3rd record.
    let env = Env::new();
    let mut multi = simple_row("ML-1", "complaint", "2026-12-01 10:00");
    multi[9] = "第一行\n第二行".into();
    let f = env.write_csv(
        "multiline.csv",
        HEADER_EN,
        &[multi, simple_row("ML-2", "complaint", "not a date")],
    );
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.bad_input();
    let want = format!("{}:4: completed_at: ", f.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);
}

#[test]
fn a_missing_required_column_is_named_on_the_header_line() {
    let env = Env::new();
    let f = env.write("nocol.csv", "ref,category\nX-1,complaint\n");
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.bad_input();
    let want = format!("{}:1: header: no `completed_at` column", f.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);
    env.run(&["event", "show", "X-1"]).bad_input();
}

#[test]
fn the_same_ref_twice_in_a_file_with_other_content_is_bad() {
    let env = Env::new();
    let mut second = simple_row("DUP-1", "complaint", "2026-12-01 10:00");
    second[9] = "另一件事".into();
    let f = env.write_csv(
        "dup.csv",
        HEADER_EN,
        &[simple_row("DUP-1", "complaint", "2026-12-01 10:00"), second],
    );
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.bad_input();
    let want = format!("{}:3: ref: `DUP-1`", f.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);
    env.run(&["event", "show", "DUP-1"]).bad_input();
}

#[test]
fn reimporting_the_same_file_skips_everything() {
    let env = Env::new();
    let f = env.write_csv("zh.csv", HEADER_ZH, &chinese_rows());
    assert_report(&env.import(&[&f]), [3, 0, 0, 4, 0]);
    let due_before = env.due(Some("2026-12-31"));
    assert_eq!(due_before.len(), 4, "{due_before:#?}");
    let shown_before: Vec<Value> = ["TS-2026-118", "YC-0042", "TY-7"]
        .iter()
        .map(|r| env.show(r))
        .collect();

    assert_report(&env.import(&[&f]), [0, 3, 0, 0, 0]);

    assert_eq!(env.due(Some("2026-12-31")), due_before);
    let shown_after: Vec<Value> = ["TS-2026-118", "YC-0042", "TY-7"]
        .iter()
        .map(|r| env.show(r))
        .collect();
    assert_eq!(
        shown_after, shown_before,
        "nothing changed, nothing doubled"
    );
}

#[test]
fn reimport_with_a_changed_summary_is_a_conflict_and_keeps_the_stored_event() {
    let env = Env::new();
    let f = env.write_csv("v1.csv", HEADER_ZH, &chinese_rows());
    env.import(&[&f]);
    let before = env.show("TS-2026-118");

    let mut rows = chinese_rows();
    rows[0][9] = "卫生间漏水,未修好".into();
    let f2 = env.write_csv("v2.csv", HEADER_ZH, &rows);
    let out = env.run(&["import".as_ref(), "--json".as_ref(), f2.as_os_str()]);
    out.ok();
    assert_report(&out.json()["report"], [0, 2, 1, 0, 0]);
    let want = format!("{}:2: ref: `TS-2026-118`", f2.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);
    assert!(out.stderr.contains("summary"), "{}", out.stderr);

    let after = env.show("TS-2026-118");
    assert_eq!(s(&after["event"], "summary"), "卫生间漏水,已修复");
    assert_eq!(after, before);
}

#[test]
fn a_first_import_of_two_files_with_a_ref_in_both_skips_or_keeps_the_first() {
    // Into an empty database the import learns of a stored ref from the insert itself: the
    // second file's copy of a row is skipped, its changed row a conflict, as on a later import.
    let env = Env::new();
    let first = env.write_csv("a.csv", HEADER_ZH, &chinese_rows());
    let mut rows = chinese_rows();
    rows[1][9] = "更换插座和开关".into();
    let second = env.write_csv("b.csv", HEADER_ZH, &rows[..2]);
    let out = env.run(&[
        "import".as_ref(),
        "--json".as_ref(),
        first.as_os_str(),
        second.as_os_str(),
    ]);
    out.ok();
    assert_report(&out.json()["report"], [3, 1, 1, 4, 0]);
    let want = format!("{}:3: ref: `YC-0042`", second.display());
    assert!(out.stderr.contains(&want), "want {want}\n{}", out.stderr);
    assert_eq!(s(&env.show("YC-0042")["event"], "summary"), "更换插座");
    assert_chinese_rows_stored(&env);
}

#[test]
fn dry_run_checks_and_counts_but_stores_nothing() {
    let env = Env::new();
    let f = env.write_csv("zh.csv", HEADER_ZH, &chinese_rows());
    let out = env.run(&[
        "import".as_ref(),
        "--dry-run".as_ref(),
        "--json".as_ref(),
        f.as_os_str(),
    ]);
    out.ok();
    let v = out.json();
    assert_eq!(v["dry_run"], json!(true));
    assert_report(&v["report"], [3, 0, 0, 4, 0]);
    for r in ["TS-2026-118", "YC-0042", "TY-7"] {
        env.run(&["event", "show", r]).bad_input();
    }
    assert_eq!(env.due(Some("2026-12-31")), Vec::<Value>::new());
    // The real import then takes everything: the dry run left no trace.
    assert_report(&env.import(&[&f]), [3, 0, 0, 4, 0]);
}

#[test]
fn dry_run_of_a_bad_file_fails_the_same_way() {
    let env = Env::new();
    let f = bad_file(&env);
    let out = env.run(&["import".as_ref(), "--dry-run".as_ref(), f.as_os_str()]);
    out.bad_input();
    assert!(
        out.stderr
            .contains(&format!("{}:3: category: ", f.display())),
        "{}",
        out.stderr
    );
}

#[test]
fn json_lines_with_chinese_keys() {
    let env = Env::new();
    let f = env.write(
        "events.jsonl",
        concat!(
            r#"{"编号":"J-1","类别":"投诉","重大":true,"管理处":"翠苑管理处","业户":"林一","电话":"13912345678","完成时间":"2026-12-02 08:30"}"#,
            "\n\n",
            r#"{"ref":"J-2","category":"help","site":"翠苑管理处","completed_at":"2026/12/2 9:00"}"#,
            "\n"
        ),
    );
    assert_report(&env.import(&[&f]), [2, 0, 0, 2, 0]);
    let j1 = env.show("J-1");
    assert_eq!(j1["event"]["major"], json!(true));
    assert_eq!(s(&j1["tasks"][0], "role"), "manager");
    let j2 = env.show("J-2");
    assert_eq!(s(&j2["event"], "completed_at"), "2026-12-02 09:00");
    // Help: the other-work window of 5 days.
    assert_eq!(s(&j2["tasks"][0], "due"), "2026-12-07");
}

#[test]
fn rows_stored_before_a_bad_one_late_in_a_big_file_are_rolled_back() {
    // The rows are stored while the rest of the file is read: thousands are in the transaction
    // when the bad row comes, and all of them go.
    let env = Env::new();
    let mut rows: Vec<Vec<String>> = (0..1100)
        .map(|i| simple_row(&format!("BIG-{i}"), "complaint", "2026-12-01 10:00"))
        .collect();
    rows.push(simple_row("BIG-LAST", "nonsense", "2026-12-01 10:00"));
    let f = env.write_csv("big.csv", HEADER_EN, &rows);
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.bad_input();
    assert!(
        out.stderr
            .contains(&format!("{}:1102: category: ", f.display())),
        "{}",
        out.stderr
    );
    for r in ["BIG-0", "BIG-1099"] {
        env.run(&["event", "show", r]).bad_input();
    }
    assert_eq!(env.due(Some("2026-12-01")), Vec::<Value>::new());
    // The fixed file then goes in whole.
    rows.pop();
    let f = env.write_csv("big.csv", HEADER_EN, &rows);
    env.import(&[&f]);
    env.run(&["event", "show", "BIG-1099"]).ok();
}
