//! Periodic call-backs (回访周期一般不超过半年) through the real binary: `huifang plan` makes one
//! call-back per customer not reached for the period, none for a customer reached recently,
//! none twice, nothing in a dry run, and nothing at all while [periodic] is off.

mod common;

use common::{Env, HEADER_EN, row, s};
use serde_json::{Value, json};

const ON: &str =
    "[periodic]\nenabled = true\nperiod = \"6m\"\ncategory = \"other\"\nwindow = \"7d\"\n";

fn ev(reference: &str, phone: &str, unit: &str, at: &str) -> Vec<String> {
    row(
        reference,
        "complaint",
        "",
        "翠苑管理处",
        "林一",
        phone,
        unit,
        "工程部",
        "噪音",
        "",
        at,
        ("", ""),
    )
}

/// Customers: A and B reached today, C (unit only) never reached, last event 2026-01 (stale),
/// D with a call-back still pending (skipped).
fn setup(env: &Env, cfg: &str) {
    let f = env.write_csv(
        "in.csv",
        HEADER_EN,
        &[
            ev("A-1", "13900000001", "1栋101", "2026-03-01 10:00"),
            ev("B-1", "13900000002", "1栋102", "2026-11-01 10:00"),
            ev("C-1", "", "1栋103", "2026-01-01 10:00"),
            ev("D-1", "13900000004", "1栋104", "2026-12-02 10:00"),
        ],
    );
    env.run(&["--config", cfg, "import", f.to_str().unwrap()])
        .ok();
    for (r, outcome) in [
        ("A-1", Some("satisfied")),
        ("B-1", Some("satisfied")),
        ("C-1", None),
    ] {
        let id = env.show(r)["tasks"][0]["task_id"]
            .as_i64()
            .unwrap()
            .to_string();
        match outcome {
            Some(o) => {
                env.run(&[
                    "--config",
                    cfg,
                    "record",
                    &id,
                    "--outcome",
                    o,
                    "--channel",
                    "phone",
                    "--force",
                ])
                .ok();
            }
            None => {
                for _ in 0..3 {
                    env.run(&["--config", cfg, "attempt", &id, "--result", "no_answer"])
                        .ok();
                }
            }
        }
    }
}

fn plan(env: &Env, cfg: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--config", cfg, "plan", "--json"];
    args.extend(extra);
    env.run(&args).ok().json()
}

fn refs(v: &Value) -> Vec<String> {
    v["plan"]["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| s(c, "ref").to_string())
        .collect()
}

#[test]
fn plan_makes_one_call_back_per_stale_customer_and_none_twice() {
    // A's call-back was recorded when the clock said 2026-03-02.
    let early = Env::new().at("2026-03-02 10:00");
    let cfg = early.write("on.toml", ON);
    let cfg = cfg.to_str().unwrap();
    let f = early.write_csv(
        "a.csv",
        HEADER_EN,
        &[ev("A-1", "13900000001", "1栋101", "2026-03-01 10:00")],
    );
    early
        .run(&["--config", cfg, "import", f.to_str().unwrap()])
        .ok();
    let id = early.show("A-1")["tasks"][0]["task_id"]
        .as_i64()
        .unwrap()
        .to_string();
    early
        .run(&[
            "--config",
            cfg,
            "record",
            &id,
            "--outcome",
            "satisfied",
            "--channel",
            "phone",
        ])
        .ok();

    // The same folder, now on 2026-12-03.
    let env = early.at(common::NOW);
    let more = env.write_csv(
        "b.csv",
        HEADER_EN,
        &[
            ev("B-1", "13900000002", "1栋102", "2026-11-01 10:00"),
            ev("C-1", "", "1栋103", "2026-01-01 10:00"),
            ev("D-1", "13900000004", "1栋104", "2026-12-02 10:00"),
        ],
    );
    env.run(&["--config", cfg, "import", more.to_str().unwrap()])
        .ok();
    let b = env.show("B-1")["tasks"][0]["task_id"]
        .as_i64()
        .unwrap()
        .to_string();
    env.run(&[
        "--config",
        cfg,
        "record",
        &b,
        "--outcome",
        "satisfied",
        "--channel",
        "phone",
    ])
    .ok();
    let c = env.show("C-1")["tasks"][0]["task_id"]
        .as_i64()
        .unwrap()
        .to_string();
    for _ in 0..3 {
        env.run(&["--config", cfg, "attempt", &c, "--result", "no_answer"])
            .ok();
    }

    let v = plan(&env, cfg, &[]);
    let mut got = refs(&v);
    got.sort();
    assert_eq!(
        got.len(),
        2,
        "A (reached 2026-03-02) and C (never reached): {v:#}"
    );
    assert!(
        got.iter().any(|r| r == "定期-翠苑管理处-1栋103-2026-12-03"),
        "{got:?}"
    );
    let a_ref = got
        .iter()
        .find(|r| r.starts_with("定期-翠苑管理处-139****0001~"))
        .expect("A's periodic call-back");
    assert!(
        !a_ref.contains("13900000001"),
        "the full number never shows in a ref"
    );
    let a = v["plan"]["created"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ref"] == a_ref.as_str())
        .unwrap();
    assert_eq!(s(a, "since"), "2026-03-02");
    assert_eq!(s(a, "phone"), "139****0001");
    assert!(a["task_id"].is_i64());

    // It is a call-back like any other: due, shown, with its reason.
    let due = env.due(None);
    let d = due
        .iter()
        .find(|d| d["event_ref"] == a_ref.as_str())
        .expect("in due");
    assert_eq!(s(d, "category"), "other");
    assert_eq!(s(d, "opens"), "2026-12-03");
    assert_eq!(s(d, "due"), "2026-12-10");
    let shown = env.show(a_ref);
    assert!(
        s(&shown["event"], "selection_reason")
            .starts_with("periodic: no reached call-back since 2026-03-02"),
        "{shown:#}"
    );
    assert_eq!(s(&shown["tasks"][0], "rule"), "periodic#1");

    // Again the same day, and the next day: nothing new (one open at a time).
    assert_eq!(refs(&plan(&env, cfg, &[])), Vec::<String>::new());
    assert_eq!(
        refs(&plan(&env, cfg, &["--date", "2026-12-04"])),
        Vec::<String>::new()
    );

    // Periodic events are not service events: they stay out of the month's rates.
    let rates = env
        .run(&["--config", cfg, "rates", "--month", "2026-12", "--json"])
        .ok()
        .json();
    assert_eq!(rates["rates"].as_array().unwrap().len(), 1, "{rates:#}");

    // Reached: the customer is not due again until the period has passed once more.
    let t = shown["tasks"][0]["task_id"].as_i64().unwrap().to_string();
    env.run(&[
        "--config",
        cfg,
        "record",
        &t,
        "--outcome",
        "satisfied",
        "--channel",
        "phone",
    ])
    .ok();
    let later = plan(&env, cfg, &["--date", "2027-05-01", "--dry-run"]);
    assert!(
        !refs(&later).iter().any(|r| r.contains("0001")),
        "{later:#}"
    );
}

#[test]
fn dry_run_stores_nothing_and_off_makes_nothing() {
    let env = Env::new();
    let on = env.write("on.toml", ON);
    let on = on.to_str().unwrap();
    setup(&env, on);
    let before = env.due(None).len();

    // Off (the presets' default): nothing, whatever is stale.
    let off = env.run(&["plan", "--json"]).ok().json();
    assert_eq!(off["plan"]["enabled"], json!(false));
    assert_eq!(refs(&off), Vec::<String>::new());

    let dry = plan(&env, on, &["--dry-run"]);
    assert_eq!(dry["dry_run"], json!(true));
    let mut listed = refs(&dry);
    listed.sort();
    assert_eq!(listed, ["定期-翠苑管理处-1栋103-2026-12-03"], "{dry:#}");
    assert!(
        dry["plan"]["created"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["task_id"].is_null())
    );
    assert_eq!(env.due(None).len(), before, "a dry run stores nothing");
    env.run(&["event", "show", &listed[0]]).bad_input();

    let mut made = refs(&plan(&env, on, &[]));
    made.sort();
    assert_eq!(made, listed, "the dry run listed what the run makes");
    assert_eq!(env.due(None).len(), before + 1);
}

#[test]
fn a_bad_periodic_category_names_the_line() {
    let env = Env::new();
    let cfg = env.write(
        "bad.toml",
        "[periodic]\nenabled = true\ncategory = \"nope\"\n",
    );
    let out = env.run(&["--config", cfg.to_str().unwrap(), "plan"]);
    out.bad_input();
    assert!(
        out.stderr.contains("bad.toml:3: periodic.category"),
        "{}",
        out.stderr
    );
}
