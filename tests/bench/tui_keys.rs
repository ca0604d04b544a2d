//! The TUI measured in process: the real App, store and rendering (ratatui's TestBackend at
//! 160×48) over a database, key by key. Shared by the benchmarks.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huifang::clock::Clock;
use huifang::config::Config;
use huifang::i18n::Lang;
use huifang::store::Store;
use huifang::tui::{app::App, keymap::Keymap, state::State, update, view};
use ratatui::{Terminal, backend::TestBackend};

/// What one run measured, in milliseconds; `(median, p99)` per kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub first_ms: f64,
    pub moves: (f64, f64),
    pub opens: (f64, f64),
    pub saves: (f64, f64),
    pub all: (f64, f64),
    /// The process's peak resident memory (VmHWM), in MiB, where /proc tells it.
    pub peak_mib: Option<f64>,
}

impl Figures {
    /// One line, for a parent process to read back (the scale benchmark's child).
    #[allow(dead_code)]
    pub fn line(&self) -> String {
        format!(
            "TUI {} {} {} {} {} {} {} {} {} {}",
            self.first_ms,
            self.moves.0,
            self.moves.1,
            self.opens.0,
            self.opens.1,
            self.saves.0,
            self.saves.1,
            self.all.0,
            self.all.1,
            self.peak_mib.unwrap_or(-1.0)
        )
    }

    #[allow(dead_code)]
    pub fn parse(out: &str) -> Option<Self> {
        let line = out.lines().find(|l| l.starts_with("TUI "))?;
        let v: Vec<f64> = line[4..]
            .split(' ')
            .map(|x| x.parse().ok())
            .collect::<Option<_>>()?;
        (v.len() == 10).then(|| Figures {
            first_ms: v[0],
            moves: (v[1], v[2]),
            opens: (v[3], v[4]),
            saves: (v[5], v[6]),
            all: (v[7], v[8]),
            peak_mib: (v[9] >= 0.0).then_some(v[9]),
        })
    }
}

fn open_app(path: &Path, now: chrono::NaiveDateTime) -> App {
    let config = Config::builtin();
    let store = Store::open(path).unwrap();
    let keymap = Keymap::new(&config.keys).unwrap();
    let mut state = State::new(Lang::Zh, "基准".into(), None, now);
    state.category_names = config
        .categories
        .iter()
        .map(|(k, r)| (k.clone(), r.name.clone()))
        .collect();
    App::new(store, config, keymap, Clock::fixed(now), state).unwrap()
}

fn key(app: &mut App, terminal: &mut Terminal<TestBackend>, e: KeyEvent) -> Duration {
    let t = Instant::now();
    if let Some(a) = update::route(&app.state, &app.keymap, &e) {
        app.handle(a).unwrap();
    }
    terminal
        .draw(|f| view::draw(f, &mut app.state, &app.keymap, &app.config))
        .unwrap();
    t.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident memory of this process so far, in MiB.
pub fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Opens the TUI on `path` at `now`, draws the first frame, then 400 moves and `rounds` times
/// open the form, choose an outcome, save. The saves change the database.
pub fn measure(path: &Path, now: &str, rounds: usize) -> Figures {
    let now = chrono::NaiveDateTime::parse_from_str(now, "%Y-%m-%d %H:%M").unwrap();
    let t = Instant::now();
    let mut app = open_app(path, now);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal
        .draw(|f| view::draw(f, &mut app.state, &app.keymap, &app.config))
        .unwrap();
    let first = t.elapsed();
    assert!(
        !app.state.queue.all.is_empty(),
        "the database has call-backs due"
    );
    let plain = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let mut moves = Vec::new();
    for i in 0..400 {
        let k = if (i / 40) % 2 == 0 {
            plain('j')
        } else {
            plain('k')
        };
        moves.push(key(&mut app, &mut terminal, k));
    }
    let mut opens = Vec::new();
    let mut saves = Vec::new();
    for _ in 0..rounds.min(app.state.queue.all.len()) {
        opens.push(key(
            &mut app,
            &mut terminal,
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        ));
        key(&mut app, &mut terminal, plain('1'));
        saves.push(key(
            &mut app,
            &mut terminal,
            KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        ));
    }
    let mut all: Vec<Duration> = moves.iter().chain(&opens).chain(&saves).copied().collect();
    let stats = |v: &mut Vec<Duration>| {
        v.sort();
        (ms(percentile(v, 0.5)), ms(percentile(v, 0.99)))
    };
    Figures {
        first_ms: ms(first),
        moves: stats(&mut moves),
        opens: stats(&mut opens),
        saves: stats(&mut saves),
        all: stats(&mut all),
        peak_mib: peak_mib(),
    }
}
