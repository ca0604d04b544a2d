//! Shared by the TUI test layers: a temp-file database filled through the real workflow, an
//! `App` built on it the way `tui::build` does, keys, and a renderer on `TestBackend`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huifang::clock::Clock;
use huifang::config::Config;
use huifang::domain::{Channel, NewEvent, NewRecord, Outcome};
use huifang::i18n::Lang;
use huifang::store::{Reads, Store};
use huifang::tui::app::App;
use huifang::tui::keymap::Keymap;
use huifang::tui::state::State;
use huifang::tui::{update, view};
use huifang::workflow::{self, Intake, IntakeResult};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a test time")
}

/// The tests' "now": Thursday 2026-12-03 10:00.
pub fn now() -> NaiveDateTime {
    at("2026-12-03 10:00")
}

pub fn clock() -> Clock {
    Clock::fixed(now())
}

/// A long summary that must be cut by display width wherever it is shown in one line.
pub const LONG_SUMMARY: &str = "业主反映卫生间顶部持续渗水,楼上住户不在家,维修师傅两次上门后更换了防水层和排水管件,并约定一周后复查,业主要求回访时确认墙面是否已经干透、有无霉斑以及物业是否承担墙面重新粉刷的费用";

/// One event row, the way an import would give it.
#[allow(clippy::too_many_arguments)]
fn ev(
    reference: &str,
    category: &str,
    major: bool,
    customer: &str,
    phone: &str,
    unit: &str,
    department: &str,
    matter: &str,
    summary: &str,
    completed: &str,
) -> NewEvent {
    NewEvent {
        reference: reference.into(),
        category: category.into(),
        major,
        site: "翠苑管理处".into(),
        customer: customer.into(),
        phone: phone.into(),
        unit: unit.into(),
        department: department.into(),
        matter: matter.into(),
        summary: summary.into(),
        completed_at: at(completed),
        contract_start: None,
        contract_end: None,
        customer_kind: Default::default(),
        stage: String::new(),
    }
}

/// Ten events of a site, most of them due or overdue on 2026-12-03, with wide-character names,
/// units and a long summary.
pub fn events() -> Vec<NewEvent> {
    let mut special = ev(
        "TY-2026-501",
        "special_service",
        false,
        "慕容复",
        "13900139000",
        "8栋1单元0101",
        "客服中心",
        "保洁托管",
        "每周两次上门保洁,合同三个月",
        "2026-10-31 18:00",
    );
    special.contract_start = Some(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    special.contract_end = Some(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    vec![
        ev(
            "TS-2026-101",
            "complaint",
            false,
            "欧阳娜娜",
            "13812345678",
            "3栋2单元1201",
            "工程部",
            "卫生间漏水",
            LONG_SUMMARY,
            "2026-11-28 15:00",
        ),
        ev(
            "TS-2026-102",
            "complaint",
            true,
            "司马相如",
            "13698765432",
            "12栋1单元2003",
            "秩序部",
            "夜间施工噪音",
            "连续三晚十一点后仍在施工,已责令整改",
            "2026-12-01 09:30",
        ),
        ev(
            "TS-2026-103",
            "complaint",
            false,
            "张伟",
            "13511112222",
            "3栋2单元1201",
            "环境部",
            "垃圾清运不及时",
            "楼道垃圾两天未清运",
            "2026-12-02 11:00",
        ),
        ev(
            "TS-2026-104",
            "complaint",
            false,
            "李娜",
            "13733334444",
            "6栋3单元0502",
            "客服中心",
            "快递柜故障",
            "快递柜屏幕黑屏,无法取件",
            "2026-11-30 16:20",
        ),
        ev(
            "TS-2026-105",
            "complaint",
            false,
            "赵敏",
            "13955556666",
            "9栋2单元1802",
            "工程部",
            "电梯异响",
            "2号电梯运行时有金属摩擦声",
            "2026-12-03 08:00",
        ),
        ev(
            "WX-2026-201",
            "repair",
            false,
            "林一",
            "13877778888",
            "5栋1单元0302",
            "工程部",
            "厨房水龙头更换",
            "更换厨房水龙头一个",
            "2026-12-02 14:00",
        ),
        ev(
            "QZ-2026-301",
            "help",
            false,
            "王芳",
            "13699990000",
            "2栋1单元0601",
            "客服中心",
            "钥匙反锁",
            "协助联系开锁",
            "2026-12-01 20:00",
        ),
        ev(
            "JJ-2026-401",
            "emergency",
            false,
            "诸葛亮",
            "13500001111",
            "11栋2单元2201",
            "秩序部",
            "老人晕倒",
            "协助拨打120并护送上车",
            "2026-12-02 07:40",
        ),
        ev(
            "QT-2026-601",
            "other",
            false,
            "欧阳修远",
            "13722223333",
            "7栋1单元1103",
            "客服中心",
            "车位划线",
            "地下车库B区重新划线",
            "2026-12-01 10:00",
        ),
        special,
    ]
}

/// Two older complaints already called back with an unsatisfied outcome: the escalations.
fn escalated() -> Vec<NewEvent> {
    vec![
        ev(
            "TS-2026-090",
            "complaint",
            false,
            "上官婉儿",
            "13611110000",
            "3栋2单元1201",
            "工程部",
            "外墙渗水",
            "雨后外墙渗水到卧室",
            "2026-11-20 10:00",
        ),
        ev(
            "TS-2026-091",
            "complaint",
            false,
            "东方不败",
            "13622220000",
            "10栋1单元0901",
            "秩序部",
            "门禁卡失效",
            "新办门禁卡无法使用",
            "2026-11-29 10:00",
        ),
    ]
}

/// A database file in its own temp dir (WAL needs a file); the dir lives as long as this.
pub struct Db {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Db {
    pub fn empty() -> Db {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("huifang.db");
        Store::open(&path).expect("a new database");
        Db { dir, path }
    }

    /// The standard data set: ten due events and two open escalations.
    pub fn filled() -> Db {
        let db = Db::empty();
        db.import(&escalated(), at("2026-11-29 18:00"));
        let mut store = Store::open(&db.path).unwrap();
        for (reference, when) in [
            ("TS-2026-090", "2026-11-21 15:30"),
            ("TS-2026-091", "2026-11-30 09:10"),
        ] {
            let task = task_of(&store, reference);
            let tx = store.write().unwrap();
            let rec = NewRecord {
                channel: Channel::Phone,
                outcome: Outcome::Unsatisfied,
                quality: Some(2),
                effect: Some(1),
                shortcomings: "处理不彻底,问题反复出现".into(),
                suggestions: "请工程部再次上门".into(),
                note: String::new(),
                signed: false,
                answers: Default::default(),
            };
            workflow::record(
                &tx,
                &Config::builtin(),
                task,
                &rec,
                "周小青",
                at(when),
                false,
            )
            .unwrap();
            tx.commit().unwrap();
        }
        db.import(&events(), now());
        db
    }

    /// Takes events in through the real intake; every one must be new.
    pub fn import(&self, events: &[NewEvent], when: NaiveDateTime) {
        let config = Config::builtin();
        let mut store = Store::open(&self.path).unwrap();
        let tx = store.write().unwrap();
        let mut intake = Intake::new(&config, when);
        for e in events {
            let problems = workflow::check_event(&config, e);
            assert!(problems.is_empty(), "{}: {problems:?}", e.reference);
            let r = intake.take(&tx, e).unwrap();
            assert!(
                matches!(r, IntakeResult::Imported { selected: true, .. }),
                "{}: {r:?}",
                e.reference
            );
        }
        tx.commit().unwrap();
    }

    pub fn store(&self) -> Store {
        Store::open(&self.path).unwrap()
    }

    pub fn app(&self, lang: Lang, operator: &str) -> App {
        app_on(&self.path, lang, operator, &Config::builtin())
    }
}

/// The first task of an event.
pub fn task_of(store: &Store, reference: &str) -> i64 {
    let e = store
        .event_by_ref(reference)
        .unwrap()
        .unwrap_or_else(|| panic!("no event {reference}"));
    store.tasks_of_event(e.id).unwrap()[0].id
}

/// The app as `tui::build` makes it, on a file, with the fixed clock.
pub fn app_on(path: &Path, lang: Lang, operator: &str, config: &Config) -> App {
    let store = Store::open(path).unwrap();
    let keymap = Keymap::new(&config.keys).unwrap();
    let mut state = State::new(lang, operator.to_string(), config.ui.site.clone(), now());
    state.category_names = config
        .categories
        .iter()
        .map(|(k, r)| (k.clone(), r.name.clone()))
        .collect();
    App::new(store, config.clone(), keymap, clock(), state).unwrap()
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Routes a key through the keymap and applies it, as the event loop does. Returns whether
/// the key meant anything.
pub fn press(app: &mut App, e: KeyEvent) -> bool {
    app.state.message = None;
    match update::route(&app.state, &app.keymap, &e) {
        Some(a) => {
            app.handle(a).unwrap();
            true
        }
        None => false,
    }
}

/// Types a string key by key.
pub fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, ch(c));
    }
}

/// Draws the app once on a `w`×`h` test terminal.
pub fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    draw(app, &mut terminal);
    terminal
}

pub fn draw(app: &mut App, terminal: &mut Terminal<TestBackend>) {
    let App {
        state,
        keymap,
        config,
        ..
    } = app;
    terminal
        .draw(|f| view::draw(f, state, keymap, config))
        .unwrap();
}

/// The screen as lines of text (wide characters once, their trailing cells skipped).
pub fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            let s = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            out.push_str(s);
            skip = unicode_width::UnicodeWidthStr::width(s).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}
