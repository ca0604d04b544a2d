//! End to end: the real binary in a pseudo-terminal, driven with keystrokes, the screen read
//! back through a vt100 emulator, and the database checked afterwards with the CLI.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_huifang");
const ROWS: u16 = 30;
const COLS: u16 = 100;
const WAIT: Duration = Duration::from_secs(10);

const CSV: &str = "\
ref,category,major,site,customer,phone,unit,department,matter,summary,completed_at,contract_start,contract_end
TS-PTY-001,complaint,否,翠苑管理处,欧阳娜娜,13812345678,3栋2单元1201,工程部,卫生间漏水,更换防水层,2026-12-02 15:00,,
TS-PTY-002,complaint,否,翠苑管理处,张伟,13511112222,5栋1单元0302,环境部,垃圾清运不及时,已清运,2026-12-02 16:00,,
";

/// The environment every run gets: its own folders, a frozen clock, no user config.
fn env_for(dir: &Path) -> Vec<(String, String)> {
    let d = |p: &str| dir.join(p).display().to_string();
    vec![
        ("HUIFANG_DB".into(), d("x.db")),
        ("HUIFANG_NOW".into(), "2026-12-03 10:00".into()),
        ("TZ".into(), "Asia/Shanghai".into()),
        ("HOME".into(), d("home")),
        ("XDG_CONFIG_HOME".into(), d("config")),
        ("XDG_DATA_HOME".into(), d("data")),
        ("XDG_STATE_HOME".into(), d("state")),
        ("XDG_CACHE_HOME".into(), d("cache")),
        ("LANG".into(), "zh_CN.UTF-8".into()),
        ("TERM".into(), "xterm-256color".into()),
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
    ]
}

fn cli(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env_clear()
        .envs(env_for(dir))
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "huifang {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The terminal side: what the program wrote, parsed into a screen by a reader thread.
struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits (boundedly) until the screen shows `what`.
    fn wait_for(&self, what: &str) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if self.text().contains(what) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the screen never showed `{what}`:\n{}", self.text());
    }
}

#[test]
fn record_a_call_back_with_keystrokes_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("events.csv");
    std::fs::write(&csv, CSV).unwrap();
    let report = cli(dir.path(), &["import", csv.to_str().unwrap()]);
    assert!(report.contains('2'), "{report}");

    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(["--as", "测试员"]);
    cmd.env_clear();
    for (k, v) in env_for(dir.path()) {
        cmd.env(k, v);
    }
    cmd.env_remove("HUIFANG_CONFIG");
    cmd.cwd(dir.path());
    let mut child = pair.slave.spawn_command(cmd).expect("the TUI starts");
    drop(pair.slave);

    let screen = Screen {
        parser: Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(ROWS).unwrap(),
            NonZeroU16::new(COLS).unwrap(),
            0,
        ))),
        raw: Arc::default(),
    };
    let mut reader = pair.master.try_clone_reader().unwrap();
    let (parser, raw) = (screen.parser.clone(), screen.raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.lock().unwrap().process(&buf[..n]);
            raw.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let mut keys = pair.master.take_writer().unwrap();
    let mut send = |bytes: &[u8]| {
        keys.write_all(bytes).unwrap();
        keys.flush().unwrap();
    };

    // The queue, most urgent first, with the operator in the status bar.
    screen.wait_for("欧阳娜娜");
    screen.wait_for("测试员");
    send(b"\r");
    screen.wait_for("1 满意 2 基本满意");
    send(b"1");
    send(b"\x13"); // Ctrl-S
    screen.wait_for("回访记录已保存");
    // The selection moved on to the next call-back.
    assert!(!screen.text().contains("欧阳娜娜"), "{}", screen.text());
    send(b"q");

    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("huifang did not quit on q:\n{}", screen.text());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit: {status:?}");
    // The terminal was given back: the alternate screen was left.
    let raw = screen.raw.lock().unwrap();
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).to_string();
    assert!(tail.contains("\x1b[?1049l"), "{tail:?}");
    drop(raw);

    // The log has the session, in ids and counts, and no customer data (保密纪律).
    let log = std::fs::read_to_string(dir.path().join("state/huifang/huifang.log"))
        .expect("the TUI logs to the state dir");
    assert!(log.contains("tui started"), "{log}");
    for secret in [
        "欧阳娜娜",
        "13812345678",
        "3栋2单元1201",
        "卫生间漏水",
        "张伟",
    ] {
        assert!(!log.contains(secret), "`{secret}` in the log: {log}");
    }

    let shown: serde_json::Value =
        serde_json::from_str(&cli(dir.path(), &["event", "show", "TS-PTY-001", "--json"])).unwrap();
    let record = &shown["tasks"][0]["record"];
    assert_eq!(record["outcome"], "satisfied", "{shown:#}");
    assert_eq!(record["channel"], "phone", "{shown:#}");
    assert_eq!(record["operator"], "测试员", "{shown:#}");
    assert_eq!(record["recorded_at"], "2026-12-03 10:00", "{shown:#}");
    assert_eq!(shown["tasks"][0]["state"], "done", "{shown:#}");
    let other: serde_json::Value =
        serde_json::from_str(&cli(dir.path(), &["event", "show", "TS-PTY-002", "--json"])).unwrap();
    assert!(
        other["tasks"][0]["record"].is_null(),
        "only the first was recorded: {other:#}"
    );
}
