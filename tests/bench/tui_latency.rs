//! Benchmark: the TUI in process — the real App state, store and rendering (ratatui's
//! TestBackend at 160×48) — over a demo database: start to first full frame, and a key to the
//! next frame (moving, opening the form, saving), median and p99.
//! Targets (at any size): first frame ≤ 100 ms; a key ≤ 2 ms median, ≤ 10 ms p99.
//!
//!   cargo bench --bench tui_latency              (20,000 events; HUIFANG_BENCH_EVENTS=N for others)
//!
//! Run without `--bench` (as `cargo test --benches` does) it only checks a small database.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huifang::clock::Clock;
use huifang::config::Config;
use huifang::i18n::Lang;
use huifang::store::{Reads, Store};
use huifang::tui::{app::App, keymap::Keymap, state::State, update, view};
use ratatui::{Terminal, backend::TestBackend};

fn now() -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str("2026-12-03 10:00", "%Y-%m-%d %H:%M").unwrap()
}

fn build_db(path: &std::path::Path, events: usize) {
    let config = Config::builtin();
    let mut store = Store::open(path).unwrap();
    store.use_page_cache(256).unwrap();
    let tx = store.write().unwrap();
    let plan = huifang::demo::Plan {
        events,
        seed: 7,
        sites: 10,
        months: 12,
    };
    huifang::demo::generate(&tx, &config, &plan, now(), &mut |_| {}).unwrap();
    tx.commit().unwrap();
}

fn open_app(path: &std::path::Path) -> App {
    let config = Config::builtin();
    let store = Store::open(path).unwrap();
    let keymap = Keymap::new(&config.keys).unwrap();
    let mut state = State::new(Lang::Zh, "基准".into(), None, now());
    state.category_names = config
        .categories
        .iter()
        .map(|(k, r)| (k.clone(), r.name.clone()))
        .collect();
    App::new(store, config, keymap, Clock::fixed(now()), state).unwrap()
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

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let events: usize = std::env::var("HUIFANG_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { 20_000 } else { 500 });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let t = Instant::now();
    // HUIFANG_BENCH_DB=FILE: a copy of an existing database (saves then change only the copy).
    let events = match std::env::var_os("HUIFANG_BENCH_DB") {
        Some(src) => {
            std::fs::copy(&src, &path).unwrap();
            let n = Store::open(&path).unwrap().event_count().unwrap() as usize;
            eprintln!(
                "copied {} ({n} events)",
                std::path::Path::new(&src).display()
            );
            n
        }
        None => {
            build_db(&path, events);
            eprintln!(
                "built a demo database of {events} events in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            events
        }
    };

    let t = Instant::now();
    let mut app = open_app(&path);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal
        .draw(|f| view::draw(f, &mut app.state, &app.keymap, &app.config))
        .unwrap();
    let first = t.elapsed();
    assert!(
        !app.state.queue.all.is_empty(),
        "the demo leaves call-backs due"
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
    let rounds = if bench { 50 } else { 5 }.min(app.state.queue.all.len());
    for _ in 0..rounds {
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
    all.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let report = |name: &str, v: &mut Vec<Duration>| {
        v.sort();
        println!(
            "  {name:<24} median {:>7.3} ms   p99 {:>7.3} ms   ({} keys)",
            ms(percentile(v, 0.5)),
            ms(percentile(v, 0.99)),
            v.len()
        );
    };
    println!("TUI latency at {events} events (160×48, release when run with cargo bench):");
    println!(
        "  start to first frame     {:>7.1} ms   target ≤ 100 ms: {}",
        ms(first),
        if ms(first) <= 100.0 { "met" } else { "NOT met" }
    );
    report("move (j/k)", &mut moves);
    report("open the form (Enter)", &mut opens);
    report("save (Ctrl-S)", &mut saves);
    let (median, p99) = (ms(percentile(&all, 0.5)), ms(percentile(&all, 0.99)));
    println!(
        "  every key                median {median:>7.3} ms   p99 {p99:>7.3} ms   target ≤ 2 / ≤ 10 ms: {}",
        if median <= 2.0 && p99 <= 10.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}
