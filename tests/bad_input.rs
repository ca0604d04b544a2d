//! Bad input never panics and always gets a clear error: importers, the config loader, dates
//! and command-line arguments, by property tests and by the cases spreadsheets really produce.

mod common;

use clap::Parser;
use common::{Env, HEADER_EN, csv_text, simple_row};
use huifang::config::Config;
use huifang::import::parse_bytes;
use proptest::prelude::*;

fn config() -> &'static Config {
    static C: std::sync::OnceLock<Config> = std::sync::OnceLock::new();
    C.get_or_init(Config::builtin)
}

/// Every problem names its file (and line), and a file with problems is not taken.
fn assert_clear(name: &str, problems: &[String]) {
    for p in problems {
        assert!(p.starts_with(&format!("{name}:")), "unclear: {p}");
        assert!(
            p.chars().count() < 2000,
            "a bounded message: {} chars",
            p.len()
        );
    }
}

/// A text value that spreadsheets might hold, control characters and all.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 ,\"\n\r-]{0,12}",
        "\\PC{0,8}",
        any::<String>(),
        Just("2026-02-30".to_string()),
        Just("complaint".to_string()),
        Just("投诉".to_string()),
        Just("2026-12-01 15:00".to_string()),
        Just("\u{1b}[2J\u{202E}\u{0}".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_are_read_or_refused_clearly(bytes in prop::collection::vec(any::<u8>(), 0..400), jsonl: bool) {
        let f = parse_bytes("f.csv", &bytes, jsonl, config());
        assert_clear("f.csv", &f.problems);
    }

    #[test]
    fn any_csv_cells_are_read_or_refused_clearly(
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..14), 0..6),
        jsonl: bool,
    ) {
        let text = if jsonl {
            rows.iter().map(|r| {
                let obj: serde_json::Map<_, _> = r.iter().zip(HEADER_EN).map(|(v, k)| (k.to_string(), serde_json::Value::String(v.clone()))).collect();
                serde_json::Value::Object(obj).to_string()
            }).collect::<Vec<_>>().join("\n")
        } else {
            // Rows of any length, as a hand-edited file has them.
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            w.write_record(HEADER_EN).unwrap();
            for r in &rows {
                w.write_record(r).unwrap();
            }
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        };
        let f = parse_bytes("f.csv", text.as_bytes(), jsonl, config());
        assert_clear("f.csv", &f.problems);
        for (_, e) in &f.rows {
            prop_assert!(!e.reference.is_empty());
        }
    }

    #[test]
    fn any_config_text_loads_or_is_refused_clearly(text in prop_oneof![
        any::<String>(),
        "[a-z_\\[\\]=\" .0-9\n]{0,80}",
    ]) {
        if let Err(e) = Config::from_user_text(Some("c.toml"), &text) {
            prop_assert!(e.problems.iter().all(|p| p.starts_with("c.toml")), "{e}");
        }
    }

    #[test]
    fn a_damaged_example_config_is_refused_clearly(cut in 0usize..6000, junk in "\\PC{0,6}", at in 0usize..6000) {
        let example = include_str!("../config.example.toml");
        let mut text: String = example.chars().take(cut).collect();
        let at = at.min(text.chars().count());
        let byte = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
        text.insert_str(byte, &junk);
        if let Err(e) = Config::from_user_text(Some("c.toml"), &text) {
            prop_assert!(!e.problems.is_empty());
            prop_assert!(e.problems.iter().all(|p| p.starts_with("c.toml")), "{e}");
        }
    }

    #[test]
    fn any_date_text_parses_or_is_none(s in prop_oneof![
        any::<String>(),
        "[0-9]{1,5}[-/.年][0-9]{1,3}[-/.月][0-9]{1,3}日?( [0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?)?",
    ]) {
        let _ = huifang::clock::parse_datetime(&s);
        if let Some(d) = huifang::clock::parse_date(&s) {
            // A date read back is a real date: 2026-02-30 is never one.
            prop_assert!(chrono::Datelike::day(&d) <= 31);
        }
    }

    #[test]
    fn any_command_line_parses_or_is_refused(args in prop::collection::vec(prop_oneof![
        Just("import"), Just("due"), Just("record"), Just("attempt"), Just("rates"), Just("doctor"),
        Just("event"), Just("add"), Just("show"), Just("rules"), Just("explain"), Just("calendar"),
        Just("--json"), Just("--date"), Just("--outcome"), Just("--channel"), Just("--result"),
        Just("--quality"), Just("--month"), Just("--from"), Just("--to"), Just("--db"), Just("--as"),
        Just("--lang"), Just("42"), Just("-1"), Just("0"), Just("99999999999999999999"),
        Just("2026-02-30"), Just("satisfied"), Just("满意"), Just("phone"), Just("6"), Just(""),
        Just("\u{0}"), Just("\u{1b}[2J"), Just("--"), Just("-"),
    ], 0..8)) {
        let argv = std::iter::once("huifang").chain(args.iter().copied());
        if let Err(e) = huifang::cli::Cli::try_parse_from(argv) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

fn problems(bytes: &[u8]) -> Vec<String> {
    let f = parse_bytes("f.csv", bytes, false, config());
    assert_clear("f.csv", &f.problems);
    f.problems
}

#[track_caller]
fn one_problem(bytes: &[u8], want: &str) {
    let ps = problems(bytes);
    assert!(
        ps.iter().any(|p| p.contains(want)),
        "`{want}` not among {ps:?}"
    );
}

fn plain(rows: &[Vec<String>]) -> Vec<u8> {
    csv_text(HEADER_EN, rows).into_bytes()
}

#[test]
fn the_cases_spreadsheets_produce_get_clear_errors() {
    // Invalid UTF-8 that is not GBK either.
    one_problem(
        b"ref,category\n\xff\xfe\xfd\x80,x\n",
        "neither UTF-8 nor GB18030",
    );
    // A GBK file cut in the middle of a character.
    let text = "ref,category,completed_at,summary\r\nG-1,投诉,2026-12-01 10:00,卫生间漏水已修复";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let cut = &gbk[..gbk.len() - 1];
    one_problem(cut, "neither UTF-8 nor GB18030");
    let whole = parse_bytes("f.csv", &gbk, false, config());
    assert!(whole.is_ok(), "{:?}", whole.problems);
    // NUL bytes, and UTF-16 (Excel's "Unicode text").
    one_problem(
        b"ref,category,completed_at\nA-1,com\0plaint,2026-12-01\n",
        "line 2 has a NUL byte",
    );
    one_problem(b"\xff\xfer\0e\0f\0", "UTF-16");
    // A 100 kB field.
    let mut r = simple_row("L-1", "complaint", "2026-12-01 10:00");
    r[4] = "林".repeat(100_000);
    one_problem(
        &plain(&[r]),
        "f.csv:2: customer: 100000 characters is too long: at most 500",
    );
    let mut r = simple_row("L-2", "complaint", "2026-12-01 10:00");
    r[9] = "x".repeat(100_000);
    one_problem(
        &plain(&[r]),
        "summary: 100000 characters is too long: at most 5000",
    );
    // Unknown categories, impossible dates, a contract ending before it starts.
    one_problem(
        &plain(&[simple_row("U-1", "plumbing", "2026-12-01")]),
        "f.csv:2: category: unknown category `plumbing`",
    );
    one_problem(
        &plain(&[simple_row("D-1", "complaint", "2026-02-30")]),
        "f.csv:2: completed_at: `2026-02-30` is not a date-time",
    );
    let mut r = simple_row("S-1", "special_service", "2026-12-01 10:00");
    r[11] = "2026-12-01".into();
    r[12] = "2026-06-01".into();
    one_problem(
        &plain(&[r]),
        "contract_end: 2026-06-01 is before the contract starts (2026-12-01)",
    );
    // The same ref twice in a file: the same row is taken once, a different one refused.
    let a = simple_row("R-1", "complaint", "2026-12-01 10:00");
    let same = parse_bytes("f.csv", &plain(&[a.clone(), a.clone()]), false, config());
    assert!(same.is_ok(), "{:?}", same.problems);
    let mut b = a.clone();
    b[9] = "另一件事".into();
    one_problem(
        &plain(&[a, b]),
        "f.csv:3: ref: `R-1` appears again with different content (first on line 2)",
    );
}

#[test]
fn a_100k_row_file_with_one_bad_row_at_the_end_names_that_row() {
    let n = 100_000;
    let mut text = String::from("ref,category,completed_at\r\n");
    for i in 0..n - 1 {
        text.push_str(&format!("H-{i},complaint,2026-12-01 10:00\r\n"));
    }
    text.push_str("H-last,complaint,2026-12-32 10:00\r\n");
    let t = std::time::Instant::now();
    let f = parse_bytes("big.csv", text.as_bytes(), false, config());
    assert_eq!(
        f.problems,
        [format!(
            "big.csv:{}: completed_at: `2026-12-32 10:00` is not a date-time: expected 2026-12-03 15:04, 2026/12/3 15:04 or 2026-12-03",
            n + 1
        )]
    );
    assert_eq!(f.rows.len(), n - 1);
    eprintln!("100k rows checked in {:.1} s", t.elapsed().as_secs_f64());
}

#[test]
fn the_binary_refuses_bad_arguments_and_files_with_exit_2_and_a_reason() {
    let env = Env::new();
    let f = env.write_csv(
        "ok.csv",
        HEADER_EN,
        &[simple_row("A-1", "complaint", "2026-12-02 09:00")],
    );
    env.import(&[&f]);
    let long = "x".repeat(100_000);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["due", "--date", "2026-02-30"],
            "`2026-02-30` is not a date",
        ),
        (vec!["rates", "--month", "2026-13"], "is not a month"),
        (
            vec![
                "record",
                "abc",
                "--outcome",
                "satisfied",
                "--channel",
                "phone",
            ],
            "invalid value 'abc'",
        ),
        (
            vec!["record", "1", "--outcome", "great", "--channel", "phone"],
            "`great` is not one of",
        ),
        (
            vec![
                "record",
                "1",
                "--outcome",
                "satisfied",
                "--channel",
                "phone",
                "--quality",
                "6",
            ],
            "6 is not in 1..=5",
        ),
        (
            vec![
                "record",
                "99999",
                "--outcome",
                "satisfied",
                "--channel",
                "phone",
            ],
            "there is no call-back task 99999",
        ),
        (
            vec!["attempt", "1", "--result", "maybe"],
            "`maybe` is not one of",
        ),
        (
            vec!["--config", "missing.toml", "due"],
            "cannot read the config",
        ),
        (
            vec![
                "event",
                "add",
                "--ref",
                "E-1",
                "--category",
                "special_service",
                "--completed",
                "2026-12-01",
                "--contract-start",
                "2026-12-01",
                "--contract-end",
                "2026-01-01",
            ],
            "is before the contract starts",
        ),
        (
            vec![
                "event",
                "add",
                "--ref",
                "E-2",
                "--category",
                "complaint",
                "--completed",
                "2026-12-01",
                "--summary",
                &long,
            ],
            "--summary: 100000 characters is too long",
        ),
        (
            vec!["event", "show", "NO-SUCH"],
            "there is no event `NO-SUCH`",
        ),
    ];
    for (args, want) in cases {
        let o = env.run(&args);
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(
            o.stderr.contains(want),
            "{args:?}: `{want}` not in {}",
            o.stderr
        );
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    }
    // A refused file stores nothing, and says which line.
    let bad = env.write(
        "nul.csv",
        b"ref,category,completed_at\nN-1,complaint,2026-12-01\0\n",
    );
    let o = env.run(&[std::ffi::OsStr::new("import"), bad.as_os_str()]);
    o.bad_input();
    assert!(
        o.stderr.contains("nul.csv: line 2 has a NUL byte"),
        "{}",
        o.stderr
    );
    assert_eq!(env.due(Some("2026-12-02")).len(), 1);
}
