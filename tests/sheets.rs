//! Visit sheets: the call-back record sheet of one visit (回访记录表) and the day's sign-out
//! register (回访记录签收表), from the real binary on a real store, and the TUI's print key.

mod common;
mod common_tui;

use common::*;

/// The tags of an HTML page balance (void elements aside), and nothing is fetched or run.
#[track_caller]
fn assert_self_contained_page(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("@page { size: A4"), "A4 print CSS");
    for banned in ["<script", "src=", "href=", "@import", "url("] {
        assert!(
            !html.contains(banned),
            "`{banned}` in a self-contained page"
        );
    }
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[..end];
        rest = &rest[end..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "meta" {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(open.pop().as_deref(), Some(name.as_str()), "</{name}>");
        } else {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
}

const HOSTILE: &str = "<script>alert('x')</script>\u{202E}林一";

fn visit_env() -> (Env, std::path::PathBuf) {
    let env = Env::new();
    // Complaints are made in person first; repairs by phone (and every repair is called back).
    let config = env.write(
        "visits.toml",
        "[ui]\ncompany = \"安居物业服务有限公司\"\n\
         [categories.complaint]\nchannels = [\"visit\", \"phone\"]\n\
         [categories.repair]\nrate = 1.0\n\
         [categories.hotline]\nname = \"热线\"\nrate = 1.0\nrole = \"customer_service\"\n\
         channels = [\"phone\", \"sms\"]\nmax_attempts = 3\n\
         windows = [{ anchor = \"completion\", opens = \"0d\", due = \"3d\" }]\n",
    );
    let mut hostile = simple_row("TS-1", "complaint", "2026-12-02 09:00");
    hostile[4] = HOSTILE.into();
    hostile[8] = "卫生间漏水".into();
    let mut second = simple_row("TS-2", "complaint", "2026-12-02 10:00");
    second[4] = "欧阳娜娜".into();
    second[5] = "13812345678".into();
    second[6] = "3栋2单元1201".into();
    let csv = env.write_csv(
        "events.csv",
        HEADER_EN,
        &[
            hostile,
            second,
            simple_row("WX-1", "repair", "2026-12-02 11:00"),
            simple_row("RX-1", "hotline", "2026-12-02 12:00"),
        ],
    );
    let out = env.run(&[
        "--config".as_ref(),
        config.as_os_str(),
        "import".as_ref(),
        csv.as_os_str(),
    ]);
    out.ok();
    (env, config)
}

fn task_id(env: &Env, config: &std::path::Path, reference: &str) -> String {
    let v = env
        .run(&[
            "--config".as_ref(),
            config.as_os_str(),
            "event".as_ref(),
            "show".as_ref(),
            reference.as_ref(),
            "--json".as_ref(),
        ])
        .ok()
        .json();
    v["tasks"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a task in {v}"))
        .to_string()
}

fn run_with(env: &Env, config: &std::path::Path, args: &[&str]) -> Out {
    let mut all: Vec<&std::ffi::OsStr> = vec!["--config".as_ref(), config.as_os_str()];
    all.extend(args.iter().map(|a| std::ffi::OsStr::new(*a)));
    env.run(&all)
}

#[test]
fn a_record_sheet_carries_the_event_the_questions_and_the_signature_line() {
    let (env, config) = visit_env();
    let task = task_id(&env, &config, "TS-1");
    let out = run_with(&env, &config, &["sheet", &task]);
    out.ok();
    let html = &out.stdout;
    assert_self_contained_page(html);
    for needle in [
        "回访记录表",
        "安居物业服务有限公司",
        "翠苑管理处",
        "TS-1",
        "1栋101",
        "139****5678",
        "卫生间漏水",
        "2026-12-02 09:00",
        "2026-12-02 至 2026-12-04",
        // The five items of the regulations, satisfaction as boxes.
        "质量评价",
        "服务效果评价",
        "满意程度评价",
        "缺点与不足",
        "建议征集",
        "基本满意",
        // The category's script, filled in.
        "您反映的“卫生间漏水”问题已处理完毕",
        "住户签名确认",
        "回访人签名",
        "日期",
        "审核意见",
    ] {
        assert!(html.contains(needle), "`{needle}` missing:\n{html}");
    }
    assert!(!html.contains("13912345678"), "the full number is masked");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\u{FFFD}林一"),
        "the hostile name is escaped and its bidi override neutralised:\n{html}"
    );
    assert!(!html.contains('\u{202E}'));

    // English labels with --lang en; the same event.
    let en = run_with(&env, &config, &["--lang", "en", "sheet", &task]);
    en.ok();
    assert!(en.stdout.contains("Customer's signature"), "{}", en.stdout);
    assert!(en.stdout.contains("Basically satisfied"));
    assert!(en.stdout.contains("<html lang=\"en\">"));
}

#[test]
fn sheet_to_a_file_is_written_whole_and_owner_only() {
    let (env, config) = visit_env();
    let task = task_id(&env, &config, "TS-2");
    let file = env.path("out/sheet.html");
    let out = run_with(
        &env,
        &config,
        &["sheet", &task, "-o", file.to_str().unwrap()],
    );
    out.ok();
    assert!(out.stdout.contains("sheet.html"), "{}", out.stdout);
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("TS-2") && html.contains("欧阳娜娜"));
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["sheet.html"], "no temporary file left");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}

#[test]
fn a_category_without_visits_is_refused_and_so_is_a_done_task() {
    let (env, config) = visit_env();
    let hotline = task_id(&env, &config, "RX-1");
    let out = run_with(&env, &config, &["sheet", &hotline, "-o", "x.html"]);
    out.bad_input();
    assert!(
        out.stderr.contains("not called back in person")
            && out.stderr.contains("categories.hotline.channels"),
        "{}",
        out.stderr
    );
    assert!(!env.path("x.html").exists(), "nothing written");
    let out = run_with(&env, &config, &["sheet", "999"]);
    out.bad_input();
    assert!(out.stderr.contains("task 999"), "{}", out.stderr);
    let task = task_id(&env, &config, "TS-2");
    run_with(
        &env,
        &config,
        &[
            "record",
            &task,
            "--outcome",
            "satisfied",
            "--channel",
            "visit",
            "--signed",
        ],
    )
    .ok();
    let out = run_with(&env, &config, &["sheet", &task]);
    out.bad_input();
    assert!(out.stderr.contains("is done"), "{}", out.stderr);
}

#[test]
fn the_register_lists_the_days_visits_not_its_phone_calls() {
    let (env, config) = visit_env();
    // TS-2 is visited and recorded at 14:30; TS-1 is still to visit; WX-1 is a phone call.
    let ts2 = task_id(&env, &config, "TS-2");
    let out = env.run_at(
        "2026-12-03 14:30",
        &[
            "--config",
            config.to_str().unwrap(),
            "--as",
            "周小青",
            "record",
            &ts2,
            "--outcome",
            "satisfied",
            "--channel",
            "visit",
            "--signed",
        ],
    );
    out.ok();
    let file = env.path("register.html");
    let out = env.run_at(
        "2026-12-03 15:00",
        &[
            "--config",
            config.to_str().unwrap(),
            "sheet",
            "--register",
            "--date",
            "2026-12-03",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    out.ok();
    assert!(
        out.stdout.contains("上门回访 2 户"),
        "two visits: {}",
        out.stdout
    );
    let html = std::fs::read_to_string(&file).unwrap();
    assert_self_contained_page(&html);
    for needle in [
        "回访记录签收表",
        "2026-12-03 周四",
        "序号",
        "单号",
        "业户",
        "房号",
        "回访人",
        "领取签名",
        "交回签名/时间",
        "TS-1",
        "TS-2",
        "周小青",
        "已记录 14:30",
        "上门回访 2 户",
    ] {
        assert!(html.contains(needle), "`{needle}` missing:\n{html}");
    }
    assert!(
        !html.contains("WX-1"),
        "a phone call-back is not on the register"
    );
    assert!(!html.contains("RX-1"));
    assert!(
        html.contains("&lt;script&gt;"),
        "escaped on the register too"
    );
    assert!(!html.contains('\u{202E}'));
    // The visit still to make comes first, then the one recorded.
    assert!(html.find("TS-1").unwrap() < html.find("TS-2").unwrap());

    // Another site, or a day with nothing: the page says so.
    let out = run_with(
        &env,
        &config,
        &[
            "sheet",
            "--register",
            "--date",
            "2026-12-03",
            "--site",
            "别处管理处",
        ],
    );
    out.ok();
    assert!(out.stdout.contains("当日没有上门回访"), "{}", out.stdout);
    let out = run_with(
        &env,
        &config,
        &["sheet", "--register", "--date", "2026-12-31"],
    );
    out.ok();
    assert!(
        out.stdout.contains("TS-1"),
        "an overdue visit stays on the register"
    );
    let out = run_with(
        &env,
        &config,
        &["sheet", "--register", "--date", "2026-13-01"],
    );
    out.bad_input();
    let out = run_with(&env, &config, &["sheet", "--date", "2026-12-03"]);
    assert_eq!(out.code, 2, "--date without --register: {}", out.stderr);
    let help = env.run(&["sheet", "--help"]);
    assert!(help.stdout.contains("Examples:"), "{}", help.stdout);
}

#[test]
fn a_phone_category_comes_to_the_register_when_it_falls_back_to_a_visit() {
    let env = Env::new();
    // Default rules: a complaint is phoned first, visited after two failed calls.
    let csv = env.write_csv(
        "e.csv",
        HEADER_EN,
        &[simple_row("TS-9", "complaint", "2026-12-02 09:00")],
    );
    env.import(&[&csv]);
    let register = |now: &str| {
        env.run_at(now, &["sheet", "--register", "--date", "2026-12-03"])
            .ok()
            .stdout
            .clone()
    };
    assert!(
        !register("2026-12-03 09:00").contains("TS-9"),
        "phoned first"
    );
    let task = env.due(None)[0]["task_id"].to_string();
    env.run_at(
        "2026-12-03 09:00",
        &["attempt", &task, "--result", "no_answer"],
    )
    .ok();
    env.run_at(
        "2026-12-03 11:30",
        &["attempt", &task, "--result", "no_answer"],
    )
    .ok();
    assert!(register("2026-12-03 14:00").contains("TS-9"), "now a visit");
}

#[test]
fn p_in_the_queue_writes_the_selected_visits_sheet_and_says_where() {
    use common_tui::{Db, app_on, ch, press};
    use huifang::config::Config;
    use huifang::i18n::Lang;

    let db = Db::filled();
    let dir = db.dir.path().join("sheets");
    let text = format!(
        "[ui]\nsheets_dir = \"{}\"\n[categories.other]\nchannels = [\"phone\"]\n",
        dir.display()
    );
    let config = Config::from_user_text(None, &text).unwrap();
    let mut app = app_on(&db.path, Lang::Zh, "测试员", &config);
    let first = app.state.queue.current().cloned().expect("a due call-back");
    assert!(press(&mut app, ch('p')), "p is bound in the queue");
    let (_, msg) = app.state.message.clone().expect("a message");
    let file = dir.join(huifang::sheet::sheet_file_name(
        first.task_id,
        &first.event_ref,
    ));
    assert!(msg.contains(&file.display().to_string()), "{msg}");
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(
        html.contains(&first.event_ref),
        "the selected call-back's sheet"
    );
    assert!(html.contains("住户签名确认"));

    // A phone-only category: refused in the status bar, nothing written.
    while app.state.queue.current().map(|d| d.event_ref.as_str()) != Some("QT-2026-601") {
        assert!(press(&mut app, ch('j')));
    }
    press(&mut app, ch('p'));
    let (_, msg) = app.state.message.clone().expect("a message");
    assert!(msg.contains("not called back in person"), "{msg}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

    // A folder that cannot be made: said, not fatal.
    let blocker = db.dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let text = format!("[ui]\nsheets_dir = \"{}/sub\"\n", blocker.display());
    let config = Config::from_user_text(None, &text).unwrap();
    let mut app = app_on(&db.path, Lang::En, "tester", &config);
    press(&mut app, ch('p'));
    let (_, msg) = app.state.message.clone().expect("a message");
    assert!(msg.contains("cannot write"), "{msg}");

    // Rebindable: P instead of p.
    let text = format!(
        "[ui]\nsheets_dir = \"{}\"\n[keys.queue]\nprint_sheet = \"P\"\n",
        dir.display()
    );
    let config = Config::from_user_text(None, &text).unwrap();
    let mut app = app_on(&db.path, Lang::En, "tester", &config);
    assert!(!press(&mut app, ch('p')));
    assert!(press(&mut app, ch('P')));
    let (_, msg) = app.state.message.clone().expect("a message");
    assert!(msg.contains("visit sheet saved"), "{msg}");
}
