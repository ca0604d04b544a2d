//! Benchmark: the TUI in process — the real App state, store and rendering (ratatui's
//! TestBackend at 160×48) — over a demo database: start to first full frame, and a key to the
//! next frame (moving, opening the form, saving), median and p99.
//! Targets (at any size): first frame ≤ 100 ms; a key ≤ 2 ms median, ≤ 10 ms p99.
//!
//!   cargo bench --bench tui_latency              (20,000 events; HUIFANG_BENCH_EVENTS=N for others)
//!
//! Run without `--bench` (as `cargo test --benches` does) it only checks a small database.

#[path = "tui_keys.rs"]
mod tui_keys;

use std::time::Instant;

use huifang::config::Config;
use huifang::store::{Reads, Store};

const NOW: &str = "2026-12-03 10:00";

fn now() -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(NOW, "%Y-%m-%d %H:%M").unwrap()
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

    let f = tui_keys::measure(&path, NOW, if bench { 50 } else { 5 });
    let line = |name: &str, (median, p99): (f64, f64)| {
        println!("  {name:<24} median {median:>7.3} ms   p99 {p99:>7.3} ms");
    };
    println!("TUI latency at {events} events (160×48, release when run with cargo bench):");
    println!(
        "  start to first frame     {:>7.1} ms   target ≤ 100 ms: {}",
        f.first_ms,
        if f.first_ms <= 100.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    line("move (j/k)", f.moves);
    line("open the form (Enter)", f.opens);
    line("save (Ctrl-S)", f.saves);
    let (median, p99) = f.all;
    println!(
        "  every key                median {median:>7.3} ms   p99 {p99:>7.3} ms   target ≤ 2 / ≤ 10 ms: {}",
        if median <= 2.0 && p99 <= 10.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    if let Some(mib) = f.peak_mib {
        println!("  peak memory              {mib:>7.1} MiB   target ≤ 64 MB");
    }
}
