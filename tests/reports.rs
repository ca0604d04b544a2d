//! Monthly and quarterly reports end to end through the real binary: a month built by hand
//! with known counts and every figure checked, repeat detection on crafted sequences, the
//! formats (CSV with a BOM, XLSX read back with calamine against the JSON), the stored
//! conclusion, and bad arguments.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Env, HEADER_EN, Out, row};
use serde_json::{Value, json};

const A: &str = "翠苑管理处";
const B: &str = "金色家园管理处";

/// A complaint at `site` by its own customer (so nothing counts as a repeat by accident).
fn complaint(r: &str, site: &str, dept: &str, phone: &str, at: &str) -> Vec<String> {
    row(
        r,
        "complaint",
        "",
        site,
        "业户",
        phone,
        &format!("{r}室"),
        dept,
        &format!("事项{r}"),
        "",
        at,
        ("", ""),
    )
}

fn import_at(env: &Env, now: &str, name: &str, rows: &[Vec<String>]) {
    let f = env.write_csv(name, HEADER_EN, rows);
    let out = env.run_at(now, &[std::ffi::OsStr::new("import"), f.as_os_str()]);
    out.ok();
}

#[track_caller]
fn json(out: &Out) -> Value {
    out.ok();
    out.json()
}

#[track_caller]
fn task_of(env: &Env, reference: &str) -> String {
    env.show(reference)["tasks"][0]["task_id"]
        .as_i64()
        .unwrap()
        .to_string()
}

#[track_caller]
fn record(env: &Env, now: &str, who: &str, task: &str, outcome: &str) -> Value {
    json(&env.run_at(
        now,
        &[
            "record",
            task,
            "--outcome",
            outcome,
            "--channel",
            "phone",
            "--as",
            who,
            "--json",
        ],
    ))
}

#[track_caller]
fn attempt(env: &Env, now: &str, who: &str, task: &str, channel: &str) {
    env.run_at(
        now,
        &[
            "attempt",
            task,
            "--result",
            "no_answer",
            "--channel",
            channel,
            "--as",
            who,
        ],
    )
    .ok();
}

/// November 2026 at two sites, built by hand (see the comments for what each event is for).
fn november() -> Env {
    let env = Env::new();
    import_at(
        &env,
        "2026-11-03 09:30",
        "b1.csv",
        &[
            // October: out of November's cohort, but its record is November's work of 甲.
            complaint("C0", A, "工程部", "13800000000", "2026-10-30 10:00"),
            complaint("C1", A, "工程部", "13800000001", "2026-11-02 10:00"),
            complaint("C2", A, "工程部", "13800000002", "2026-11-02 11:00"),
            complaint("C3", A, "秩序部", "13800000003", "2026-11-03 09:00"),
            complaint("C4", A, "秩序部", "13800000004", "2026-11-03 09:10"),
            complaint("C5", A, "工程部", "13800000005", "2026-11-03 09:20"),
        ],
    );
    // C0: due 11-01, recorded 11-03: late.
    record(
        &env,
        "2026-11-03 09:40",
        "甲",
        &task_of(&env, "C0"),
        "satisfied",
    );
    // C1, C2: on time (due 11-04).
    record(
        &env,
        "2026-11-03 10:00",
        "甲",
        &task_of(&env, "C1"),
        "satisfied",
    );
    record(
        &env,
        "2026-11-04 10:00",
        "甲",
        &task_of(&env, "C2"),
        "basic",
    );
    // C3: unsatisfied on time → escalation X1, handled, re-call-back satisfied → closed 11-06.
    let v = record(
        &env,
        "2026-11-04 10:30",
        "乙",
        &task_of(&env, "C3"),
        "unsatisfied",
    );
    let x1 = v["escalation_id"]
        .as_i64()
        .expect("an escalation")
        .to_string();
    env.run_at(
        "2026-11-04 11:00",
        &[
            "escalation",
            "assign",
            &x1,
            "--to",
            "王工",
            "--department",
            "秩序部",
        ],
    )
    .ok();
    let h = json(&env.run_at(
        "2026-11-05 09:00",
        &[
            "escalation",
            "handle",
            &x1,
            "--measures",
            "加强巡查",
            "--json",
        ],
    ));
    let recall = h["task_id"].as_i64().unwrap().to_string();
    record(&env, "2026-11-06 10:00", "乙", &recall, "satisfied");
    // C5: three failed tries by 乙 → unreachable.
    let c5 = task_of(&env, "C5");
    attempt(&env, "2026-11-04 10:00", "乙", &c5, "phone");
    attempt(&env, "2026-11-04 14:00", "乙", &c5, "phone");
    attempt(&env, "2026-11-05 10:00", "乙", &c5, "visit");
    // C6: unsatisfied on time → escalation X2, left open past its deadline (11-14).
    import_at(
        &env,
        "2026-11-10 11:00",
        "b2.csv",
        &[complaint(
            "C6",
            A,
            "工程部",
            "13800000006",
            "2026-11-10 10:00",
        )],
    );
    record(
        &env,
        "2026-11-11 10:00",
        "甲",
        &task_of(&env, "C6"),
        "unsatisfied",
    );
    // C7: never called back. K1: the other site, satisfied on time.
    import_at(
        &env,
        "2026-11-16 09:30",
        "b3.csv",
        &[
            complaint("C7", A, "工程部", "13800000007", "2026-11-12 10:00"),
            complaint("K1", B, "客服中心", "13800000008", "2026-11-15 10:00"),
        ],
    );
    record(
        &env,
        "2026-11-16 10:00",
        "甲",
        &task_of(&env, "K1"),
        "satisfied",
    );
    // C4: satisfied, but long after its window (due 11-05): late.
    record(
        &env,
        "2026-11-20 10:00",
        "乙",
        &task_of(&env, "C4"),
        "satisfied",
    );
    // December: in nothing of November's report.
    import_at(
        &env,
        "2026-12-01 11:00",
        "b4.csv",
        &[complaint(
            "D1",
            A,
            "工程部",
            "13800000009",
            "2026-12-01 10:00",
        )],
    );
    record(
        &env,
        "2026-12-02 10:00",
        "甲",
        &task_of(&env, "D1"),
        "satisfied",
    );
    env
}

fn monthly_json(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec![
        "report", "monthly", "--month", "2026-11", "--format", "json",
    ];
    args.extend(extra);
    json(&env.run(&args))
}

fn site<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site"] == name)
        .unwrap_or_else(|| panic!("no site {name} in {v:#}"))
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap_or(f64::NAN) - b).abs() < 1e-9
}

#[test]
fn a_hand_built_month_gives_every_figure() {
    let env = november();
    let v = monthly_json(&env, &[]);
    assert_eq!(v["month"], "2026-11");

    let a = site(&v, A);
    let cats = a["categories"].as_array().unwrap();
    assert_eq!(cats.len(), 1, "{a:#}");
    let c = &cats[0];
    assert_eq!(c["category"], "complaint");
    for (key, want) in [
        ("events", 7),
        ("selected", 7),
        ("reached", 5),
        ("on_time", 4),
        ("late", 1),
        ("unreachable", 1),
        ("satisfied", 2),
        ("basic", 1),
        ("unsatisfied", 2),
    ] {
        assert_eq!(c[key], json!(want), "{key} in {c:#}");
    }
    assert!(close(&c["required_rate"], 1.0));
    assert!(close(&c["achieved_rate"], 5.0 / 7.0), "{c:#}");
    assert_eq!(c["target_met"], json!(false));
    assert!(close(&c["satisfied_share"], 0.4));
    assert!(close(&c["basic_share"], 0.2));
    assert!(close(&c["unsatisfied_share"], 0.4));
    assert_eq!(
        c["escalations"],
        json!({"opened": 2, "closed": 1, "open": 1})
    );
    assert_eq!(
        a["escalations"],
        json!({"opened": 2, "closed": 1, "open": 1})
    );

    let depts: Vec<(String, u64, u64, u64, u64, u64)> = a["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap();
            (
                d["department"].as_str().unwrap().to_string(),
                n("events"),
                n("reached"),
                n("satisfied"),
                n("basic"),
                n("unsatisfied"),
            )
        })
        .collect();
    assert_eq!(
        depts,
        [
            ("工程部".to_string(), 5, 3, 1, 1, 1),
            ("秩序部".to_string(), 2, 2, 1, 0, 1),
        ]
    );

    let b = site(&v, B);
    let k = &b["categories"][0];
    assert_eq!(
        (
            k["events"].clone(),
            k["reached"].clone(),
            k["on_time"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert!(close(&k["achieved_rate"], 1.0));
    assert_eq!(k["target_met"], json!(true));
    assert_eq!(b["departments"][0]["department"], "客服中心");

    // Operators: November's work, whatever month the event is of.
    let ops = v["operators"].as_array().unwrap();
    let op = |name: &str| ops.iter().find(|o| o["operator"] == name).unwrap();
    let jia = op("甲");
    assert_eq!(
        [
            &jia["attempts"],
            &jia["records"],
            &jia["on_time"],
            &jia["satisfied"],
            &jia["basic"],
            &jia["unsatisfied"]
        ],
        [
            &json!(0),
            &json!(5),
            &json!(4),
            &json!(3),
            &json!(1),
            &json!(1)
        ],
        "{jia:#}"
    );
    assert!(close(&jia["on_time_share"], 0.8));
    let yi = op("乙");
    assert_eq!(
        [
            &yi["attempts"],
            &yi["records"],
            &yi["on_time"],
            &yi["satisfied"],
            &yi["basic"],
            &yi["unsatisfied"]
        ],
        [
            &json!(3),
            &json!(3),
            &json!(2),
            &json!(2),
            &json!(0),
            &json!(1)
        ],
        "{yi:#}"
    );
    assert_eq!(ops.len(), 2);

    assert_eq!(
        v["escalations"],
        json!({"opened": 2, "closed": 1, "open": 1})
    );
    // Serious problems: X2 only (X1 is closed), 19 days past its deadline on 12-03.
    let serious = v["serious_problems"].as_array().unwrap();
    assert_eq!(serious.len(), 1, "{serious:#?}");
    assert_eq!(serious[0]["event_ref"], "C6");
    assert_eq!(serious[0]["deadline"], "2026-11-14");
    assert_eq!(serious[0]["days_overdue"], json!(19));
    assert_eq!(serious[0]["phone"], "138****0006", "phones are masked");

    // One site only.
    let only_b = monthly_json(&env, &["--site", B]);
    assert_eq!(only_b["sites"].as_array().unwrap().len(), 1);
    assert_eq!(only_b["operators"][0]["records"], json!(1));
    assert!(only_b["serious_problems"].as_array().unwrap().is_empty());

    // Markdown: serious problems first, the notes as footnotes.
    let md = env.run(&["report", "monthly", "--month", "2026-11"]);
    md.ok();
    let text = &md.stdout;
    let serious_at = text.find("## 严重问题").expect("serious problems section");
    let cats_at = text.find("## 按管理处与类别").expect("categories section");
    assert!(serious_at < cats_at);
    assert!(text.contains("[^1]: 服务事件"), "{text}");
    assert!(text.contains("| 翠苑管理处"));
    assert!(text.contains("71.4%"));
}

#[test]
fn csv_has_a_bom_and_parses_and_xlsx_matches_the_json() {
    let env = november();
    let out = env.run(&["report", "monthly", "--month", "2026-11", "--format", "csv"]);
    out.ok();
    assert!(out.stdout.starts_with('\u{feff}'), "UTF-8 BOM first");
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(out.stdout.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    let header = rows
        .iter()
        .position(|r| r.get(0) == Some("管理处") && r.get(1) == Some("类别"))
        .expect("the categories header");
    let first = &rows[header + 1];
    assert_eq!(first.get(0), Some(A));
    assert_eq!(first.get(2), Some("7"));
    assert_eq!(first.get(6), Some("71.4%"));

    // The same to a file, atomically, and XLSX (English) against the JSON.
    let csv_file = env.path("m.csv");
    env.run(&[
        "report", "monthly", "--month", "2026-11", "--format", "csv", "-o",
    ])
    .bad_input();
    env.run(&[
        "report",
        "monthly",
        "--month",
        "2026-11",
        "--format",
        "csv",
        "-o",
        csv_file.to_str().unwrap(),
    ])
    .ok();
    assert!(
        std::fs::read(&csv_file)
            .unwrap()
            .starts_with(b"\xef\xbb\xbf")
    );

    let xlsx = env.path("m.xlsx");
    env.run(&[
        "--lang",
        "en",
        "report",
        "monthly",
        "--month",
        "2026-11",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ])
    .ok();
    let v = monthly_json(&env, &["--lang", "en"]);
    let mut wb: Xlsx<_> = open_workbook(&xlsx).expect("an XLSX workbook");
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "Serious problems",
            "Categories",
            "Departments",
            "Operators",
            "Escalations",
            "Notes"
        ]
    );
    let range = wb.worksheet_range("Categories").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let heads: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let col = |h: &str| heads.iter().position(|x| x == h).unwrap();
    let json_rows: Vec<(&str, &Value)> = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |c| (s["site"].as_str().unwrap(), c))
        })
        .collect();
    assert_eq!(rows.len() - 1, json_rows.len());
    for (row, (site_name, c)) in rows[1..].iter().zip(&json_rows) {
        assert_eq!(row[col("Site")], Data::String(site_name.to_string()));
        for (h, k) in [
            ("Events", "events"),
            ("Selected", "selected"),
            ("Reached", "reached"),
            ("On time", "on_time"),
            ("Late", "late"),
            ("Unreachable", "unreachable"),
            ("Satisfied", "satisfied"),
            ("Basic", "basic"),
            ("Unsatisfied", "unsatisfied"),
        ] {
            assert_eq!(
                row[col(h)],
                Data::Float(c[k].as_f64().unwrap()),
                "{h} of {site_name}"
            );
        }
        for (h, k) in [
            ("Required", "required_rate"),
            ("Achieved", "achieved_rate"),
            ("Satisfied %", "satisfied_share"),
        ] {
            match &row[col(h)] {
                Data::Float(f) => assert!(close(&c[k], *f), "{h}: {f} vs {}", c[k]),
                other => panic!("{h}: a number expected, got {other:?}"),
            }
        }
        assert_eq!(
            row[col("Met")],
            Data::Bool(c["target_met"].as_bool().unwrap())
        );
        assert_eq!(
            row[col("Esc. opened")],
            Data::Float(c["escalations"]["opened"].as_f64().unwrap())
        );
    }
    let ops = wb.worksheet_range("Operators").unwrap();
    assert_eq!(
        ops.rows().count() - 1,
        v["operators"].as_array().unwrap().len()
    );
}

/// Q4 2026 at one site: complaints and repairs in crafted sequences.
fn quarter_with_repeats() -> Env {
    let env = Env::new();
    let ev = |r: &str, cat: &str, phone: &str, unit: &str, matter: &str, at: &str| {
        row(
            r,
            cat,
            "",
            A,
            "林一",
            phone,
            unit,
            "工程部",
            matter,
            "",
            at,
            ("", ""),
        )
    };
    import_at(
        &env,
        "2026-12-20 10:00",
        "q.csv",
        &[
            // Two complaints on one matter in a row by one customer → listed.
            ev(
                "P1",
                "complaint",
                "13900000001",
                "1-101",
                "漏水",
                "2026-10-05 10:00",
            ),
            ev(
                "P2",
                "complaint",
                "13900000001",
                "1-101",
                "漏水",
                "2026-11-20 10:00",
            ),
            // The same matter twice, but another matter between → not in a row.
            ev(
                "Q1",
                "complaint",
                "13900000002",
                "2-202",
                "噪音",
                "2026-10-06 10:00",
            ),
            ev(
                "Q2",
                "complaint",
                "13900000002",
                "2-202",
                "停车",
                "2026-10-07 10:00",
            ),
            ev(
                "Q3",
                "complaint",
                "13900000002",
                "2-202",
                "噪音",
                "2026-10-08 10:00",
            ),
            // The same repair three times at one unit → listed; twice at another → not.
            ev(
                "R1",
                "repair",
                "13900000003",
                "5-501",
                "水管",
                "2026-10-01 10:00",
            ),
            ev(
                "R2",
                "repair",
                "13900000004",
                "5-501",
                "水管",
                "2026-11-01 10:00",
            ),
            ev(
                "R3",
                "repair",
                "13900000003",
                "5-501",
                "水管",
                "2026-12-01 10:00",
            ),
            ev(
                "S1",
                "repair",
                "13900000005",
                "6-601",
                "门锁",
                "2026-10-02 10:00",
            ),
            ev(
                "S2",
                "repair",
                "13900000005",
                "6-601",
                "门锁",
                "2026-11-02 10:00",
            ),
            // Q3 of another year: outside the quarter.
            ev(
                "R0",
                "repair",
                "13900000003",
                "5-501",
                "水管",
                "2026-09-30 10:00",
            ),
            // Call-backs to flag: one unsatisfied, one reviewed unqualified.
            ev(
                "U1",
                "complaint",
                "13900000006",
                "7-701",
                "电梯",
                "2026-12-20 09:00",
            ),
            ev(
                "U2",
                "complaint",
                "13900000007",
                "8-801",
                "绿化",
                "2026-12-20 09:10",
            ),
            // Recorded satisfied, then corrected to unsatisfied: the correction counts.
            ev(
                "U3",
                "complaint",
                "13900000008",
                "9-901",
                "门禁",
                "2026-12-20 09:20",
            ),
        ],
    );
    let v = record(
        &env,
        "2026-12-21 09:30",
        "甲",
        &task_of(&env, "U3"),
        "satisfied",
    );
    let rec3 = v["record_id"].as_i64().unwrap().to_string();
    env.run_at(
        "2026-12-21 09:40",
        &[
            "correct",
            &rec3,
            "--outcome",
            "unsatisfied",
            "--reason",
            "录入错误",
        ],
    )
    .ok();
    let v = record(
        &env,
        "2026-12-21 10:00",
        "甲",
        &task_of(&env, "U1"),
        "unsatisfied",
    );
    assert!(v["escalation_id"].is_i64());
    let v = record(
        &env,
        "2026-12-21 10:10",
        "甲",
        &task_of(&env, "U2"),
        "satisfied",
    );
    let rec = v["record_id"].as_i64().unwrap().to_string();
    env.run_at(
        "2026-12-21 11:00",
        &[
            "review",
            &rec,
            "--unqualified",
            "--comment",
            "未核实处理结果",
        ],
    )
    .ok();
    env
}

fn quarterly_json(env: &Env) -> Value {
    json(&env.run_at(
        "2026-12-22 10:00",
        &[
            "report",
            "quarterly",
            "--quarter",
            "2026-Q4",
            "--format",
            "json",
        ],
    ))
}

#[test]
fn repeats_in_a_row_and_repeated_repairs_are_listed_with_their_refs() {
    let env = quarter_with_repeats();
    let v = quarterly_json(&env);
    assert_eq!(v["quarter"], "2026-Q4");
    assert_eq!(v["months"], json!(["2026-10", "2026-11", "2026-12"]));
    let runs = v["repeat_complaints"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "only P1, P2 are in a row: {runs:#?}");
    assert_eq!(runs[0]["refs"], json!(["P1", "P2"]));
    assert_eq!(runs[0]["matter"], "漏水");
    assert_eq!(runs[0]["count"], json!(2));
    let repairs = v["repeat_repairs"].as_array().unwrap();
    assert_eq!(
        repairs.len(),
        1,
        "5-501 three times, 6-601 only twice: {repairs:#?}"
    );
    assert_eq!(repairs[0]["refs"], json!(["R1", "R2", "R3"]));
    assert_eq!(repairs[0]["unit"], "5-501");

    // Flagged: the unsatisfied one with its chain, the unqualified one with its review.
    let flagged = v["flagged"].as_array().unwrap();
    let refs: Vec<&str> = flagged
        .iter()
        .map(|f| f["event_ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["U3", "U1", "U2"]);
    assert_eq!(flagged[0]["outcome"], "unsatisfied", "after the correction");
    let flagged = &flagged[1..];
    assert_eq!(flagged[0]["outcome"], "unsatisfied");
    assert_eq!(flagged[0]["escalation"]["steps"][0]["kind"], "opened");
    assert_eq!(
        flagged[0]["escalation"]["steps"][0]["outcome"],
        "unsatisfied"
    );
    assert_eq!(flagged[1]["qualified"], json!(false));
    assert_eq!(flagged[1]["review_comment"], "未核实处理结果");
    assert!(
        flagged[1]["escalation"]["id"].is_i64(),
        "unqualified opens an escalation"
    );

    // The trend has the three months: December's complaints all reached.
    let trend = v["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 3);
    let dec = trend[2]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "complaint")
        .unwrap();
    assert_eq!(
        (dec["events"].clone(), dec["reached"].clone()),
        (json!(3), json!(3))
    );
    // U2 satisfied; U1 and U3 (corrected) unsatisfied.
    assert_eq!(trend[2]["satisfied"], json!(1));
    assert_eq!(trend[2]["unsatisfied"], json!(2));
    assert!(v["conclusion"].is_null());

    let md = env.run_at(
        "2026-12-22 10:00",
        &["report", "quarterly", "--quarter", "2026-Q4"],
    );
    md.ok();
    assert!(md.stdout.contains("## 连续就同一事项投诉两次以上"));
    assert!(md.stdout.contains("P1 P2"));
    assert!(md.stdout.contains("R1 R2 R3"));
    assert!(!md.stdout.contains("S1 S2"));
    assert!(md.stdout.contains("尚未填写"));
}

#[test]
fn the_managers_conclusion_is_stored_audited_and_shown() {
    let env = quarter_with_repeats();
    let text = "加强防水工程验收；漏水投诉48小时内复查";
    env.run_at(
        "2026-12-22 11:00",
        &[
            "report",
            "conclude",
            "--quarter",
            "2026-Q4",
            "--text",
            text,
            "--as",
            "张经理",
        ],
    )
    .ok();
    let v = quarterly_json(&env);
    assert_eq!(v["conclusion"]["text"], text);
    assert_eq!(v["conclusion"]["author"], "张经理");
    assert_eq!(v["conclusions_written"], json!(1));
    let md = env.run_at(
        "2026-12-22 12:00",
        &["report", "quarterly", "--quarter", "2026-Q4"],
    );
    assert!(md.ok().stdout.contains(text));

    // A second one from a file: the latest is shown, both are kept and audited.
    let f = env.write("c.txt", "第二份结论\n");
    env.run_at(
        "2026-12-23 11:00",
        &[
            "report",
            "conclude",
            "--quarter",
            "2026-q4",
            "--file",
            f.to_str().unwrap(),
        ],
    )
    .ok();
    let v = quarterly_json(&env);
    assert_eq!(v["conclusion"]["text"], "第二份结论");
    assert_eq!(v["conclusions_written"], json!(2));
    let audit = json(&env.run(&["audit", "--json"]));
    let entries: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "report.conclude")
        .collect();
    assert_eq!(entries.len(), 2, "{audit:#}");
    assert_eq!(entries[0]["subject"], "report:2026-Q4");
    assert!(
        entries[1]["before"].to_string().contains("加强防水"),
        "{:#}",
        entries[1]
    );
    env.run(&["audit", "verify"]).ok();

    // Once staff are defined, only a manager may write it.
    env.run(&["staff", "add", "张经理", "--role", "manager"])
        .ok();
    env.run(&["staff", "add", "甲", "--role", "operator", "--as", "张经理"])
        .ok();
    let out = env.run(&[
        "report",
        "conclude",
        "--quarter",
        "2026-Q4",
        "--text",
        "x",
        "--as",
        "甲",
    ]);
    out.bad_input();
    assert!(out.stderr.contains("manager"), "{}", out.stderr);
    let out = env.run(&[
        "report",
        "conclude",
        "--quarter",
        "2026-Q4",
        "--text",
        "  ",
        "--as",
        "张经理",
    ]);
    out.bad_input();
    assert_eq!(quarterly_json(&env)["conclusions_written"], json!(2));
}

#[test]
fn bad_arguments_exit_2_with_a_clear_message() {
    let env = Env::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["report", "monthly", "--month", "2026-13"],
            "--month: `2026-13` is not a month",
        ),
        (
            &["report", "monthly", "--month", "11-2026"],
            "expected YYYY-MM",
        ),
        (
            &["report", "quarterly", "--quarter", "2026-Q5"],
            "--quarter: `2026-Q5` is not a quarter",
        ),
        (
            &["report", "monthly", "--format", "pdf"],
            "invalid value 'pdf'",
        ),
        (&["report", "monthly", "--format", "xlsx"], "-o FILE"),
        (&["report", "quarterly", "--format", "xlsx"], "-o FILE"),
        (&["report", "conclude", "--quarter", "2026-Q4"], "--text"),
        (
            &["report", "conclude", "--quarter", "Q4", "--text", "x"],
            "not a quarter",
        ),
    ];
    for (args, want) in cases {
        let out = env.run(args);
        out.bad_input();
        assert!(out.stderr.contains(want), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?} printed {}", out.stdout);
    }
    // A mistyped site is named, not an empty report.
    import_at(
        &env,
        "2026-11-03 09:30",
        "x.csv",
        &[complaint(
            "C1",
            A,
            "工程部",
            "13800000001",
            "2026-11-02 10:00",
        )],
    );
    let out = env.run(&[
        "report",
        "monthly",
        "--month",
        "2026-11",
        "--site",
        "翠院管理处",
    ]);
    out.bad_input();
    assert!(out.stderr.contains("翠院管理处"));
    // Nothing is left behind by a refused xlsx.
    assert!(!env.path("r.xlsx").exists());
}

/// Site, category, events, reached, on time, unreachable, satisfied, basic, unsatisfied.
type Counts = (String, String, u64, u64, u64, u64, u64, u64, u64);

/// The monthly figures come from the call-back facts the V5 triggers keep on each event. On a
/// demo history (intake, sampling, attempts, records, escalations, re-call-backs, corrections)
/// they must equal a count made from the records and tasks themselves.
#[test]
fn the_kept_facts_match_a_count_from_the_records_themselves() {
    let env = Env::new();
    env.run(&[
        "demo", "--events", "3000", "--sites", "3", "--months", "4", "--seed", "3",
    ])
    .ok();
    // Corrections change outcomes after the fact: correct a few first records both ways.
    let c = rusqlite::Connection::open(env.db()).unwrap();
    let firsts: Vec<(i64, String)> = c
        .prepare(
            "SELECT first_record, first_outcome FROM events WHERE first_record IS NOT NULL \
             AND month = '2026-11' ORDER BY id LIMIT 6",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(firsts.len(), 6);
    for (id, outcome) in &firsts {
        let to = if outcome == "unsatisfied" {
            "satisfied"
        } else {
            "unsatisfied"
        };
        env.run(&[
            "correct",
            &id.to_string(),
            "--outcome",
            to,
            "--reason",
            "复核更正",
        ])
        .ok();
    }
    let direct: Vec<Counts> = c
        .prepare(
            "WITH ev AS MATERIALIZED (SELECT e.site, e.category, \
               (SELECT r.id FROM tasks t JOIN records r ON r.task_id = t.id WHERE t.event_id = e.id \
                ORDER BY r.recorded_at, r.id LIMIT 1) AS fr, e.selected, \
               EXISTS (SELECT 1 FROM tasks t WHERE t.event_id = e.id AND t.state = 'unreachable') AS un \
               FROM events e WHERE e.month = '2026-11' AND e.origin = 'intake'), \
             x AS MATERIALIZED (SELECT ev.*, substr(r.recorded_at, 1, 10) <= t.due AS ot, \
               coalesce((SELECT c.outcome FROM record_corrections c WHERE c.record_id = r.id \
                         ORDER BY c.id DESC LIMIT 1), r.outcome) AS o \
               FROM ev LEFT JOIN records r ON r.id = ev.fr LEFT JOIN tasks t ON t.id = r.task_id) \
             SELECT site, category, count(*), count(fr), sum(fr IS NOT NULL AND ot), \
               sum(fr IS NULL AND selected AND un), sum(o = 'satisfied'), sum(o = 'basic'), \
               sum(o = 'unsatisfied') FROM x GROUP BY site, category ORDER BY site, category",
        )
        .unwrap()
        .query_map([], |r| {
            let n = |i| r.get::<_, Option<i64>>(i).map(|v| v.unwrap_or(0) as u64);
            Ok((r.get(0)?, r.get(1)?, n(2)?, n(3)?, n(4)?, n(5)?, n(6)?, n(7)?, n(8)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let v = monthly_json(&env, &["--lang", "en"]);
    let mut reported = Vec::new();
    for s in v["sites"].as_array().unwrap() {
        for c in s["categories"].as_array().unwrap() {
            let n = |k: &str| c[k].as_u64().unwrap();
            reported.push((
                s["site"].as_str().unwrap().to_string(),
                c["category"].as_str().unwrap().to_string(),
                n("events"),
                n("reached"),
                n("on_time"),
                n("unreachable"),
                n("satisfied"),
                n("basic"),
                n("unsatisfied"),
            ));
        }
    }
    reported.sort();
    let mut direct = direct;
    direct.sort();
    assert!(direct.len() >= 10, "{direct:?}");
    assert_eq!(reported, direct);
}
