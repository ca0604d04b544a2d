//! Benchmark: cost growth with the history. At each size (10k, 100k, 1M events by default
//! 10k and 100k), with the release binary:
//!
//! - the demo history (`huifang demo --events N --sites 20 --months 24 --seed 1`), and the
//!   database size per event;
//! - the same events as a CSV (`demo --csv`) imported into an empty database, tasks included;
//! - `huifang due --json`, one whole process, median of 21, and its peak memory;
//! - the monthly and quarterly reports, when the binary has `huifang report`;
//! - the TUI in its own process (the real App and rendering over a TestBackend, 160×48): start
//!   to first full frame, a key (move, open the form, save) median and p99, and peak memory.
//!
//! Each figure is printed with its target (the targets are for one million events).
//!
//!   HUIFANG_BENCH_SIZES=10000,100000,1000000 cargo bench --bench scale
//!
//! Not a test: CI machines are noisy. `tests/scale_smoke.rs` runs this code at 2,000 events
//! in `cargo test`, to keep it working, without looking at the times.

// Also compiled into tests/scale_smoke.rs, which uses only part of it.
#![allow(dead_code)]

#[path = "tui_keys.rs"]
mod tui_keys;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The fixed "now" of every run, so that the sizes are comparable.
pub const NOW: &str = "2026-12-03 10:00";

fn huifang() -> &'static str {
    env!("CARGO_BIN_EXE_huifang")
}

fn run(db: &Path, args: &[&str]) -> (Duration, Output) {
    let t = Instant::now();
    let out = Command::new(huifang())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HUIFANG_NOW", NOW)
        .env("TZ", "Asia/Shanghai")
        .env_remove("HUIFANG_CONFIG")
        .output()
        .expect("the binary runs");
    (t.elapsed(), out)
}

fn ok(db: &Path, args: &[&str]) -> Duration {
    let (t, out) = run(db, args);
    assert!(
        out.status.success(),
        "huifang {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t
}

/// Peak resident memory of one run of `huifang ARGS`, in MiB, by GNU time when installed.
fn peak_mib(db: &Path, args: &[&str]) -> Option<f64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = Command::new(time)
        .args(["-f", "%M"])
        .arg(huifang())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("HUIFANG_NOW", NOW)
        .env("TZ", "Asia/Shanghai")
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let kib: f64 = err.lines().last()?.trim().parse().ok()?;
    Some(kib / 1024.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One figure: what, the value, the target at one million events, and whether it is met.
pub struct Figure {
    pub what: String,
    pub value: String,
    pub target: &'static str,
    /// `None` when the target does not apply at this size or the figure is missing.
    pub met: Option<bool>,
}

fn fig(what: &str, value: String, target: &'static str, met: Option<bool>) -> Figure {
    Figure {
        what: what.to_string(),
        value,
        target,
        met,
    }
}

/// The reports timed: one month and one quarter of the demo's history, all sites.
const REPORT_MONTHLY: &[&str] = &["report", "monthly", "--month", "2026-11"];
const REPORT_QUARTERLY: &[&str] = &["report", "quarterly", "--quarter", "2026-Q3"];

/// Measures everything at `events` events in `dir`; `at_scale` says whether the one-million
/// targets apply (they are judged only at 1M). `tui_apart` measures the TUI in a process of its
/// own (for its peak memory); else in this one.
pub fn measure(dir: &Path, events: usize, at_scale: bool, tui_apart: bool) -> Vec<Figure> {
    let n = events.to_string();
    let sites = "20";
    let mut out = Vec::new();
    let judge = |ok: bool| at_scale.then_some(ok);

    // The demo history.
    let demo = dir.join(format!("demo-{events}.db"));
    let t = ok(
        &demo,
        &[
            "demo", "--events", &n, "--sites", sites, "--months", "24", "--seed", "1",
        ],
    );
    out.push(fig(
        "demo history (generate + intake + desk)",
        format!("{:.2} s", t.as_secs_f64()),
        "≤ 15 s",
        judge(t.as_secs_f64() <= 15.0),
    ));
    // Fold the WAL in, so the file size is the database's.
    rusqlite::Connection::open(&demo)
        .and_then(|c| c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
        .expect("checkpoint");
    let bytes = db_bytes(&demo);
    out.push(fig(
        "database size",
        format!(
            "{:.1} MiB, {:.0} bytes per event",
            bytes as f64 / 1048576.0,
            bytes as f64 / events as f64
        ),
        "reported",
        None,
    ));

    // The same events as a CSV, into an empty database.
    let csv = dir.join(format!("events-{events}.csv"));
    ok(
        &demo,
        &[
            "demo",
            "--events",
            &n,
            "--sites",
            sites,
            "--months",
            "24",
            "--seed",
            "1",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let imported = dir.join(format!("import-{events}.db"));
    let t = ok(&imported, &["import", csv.to_str().unwrap()]);
    out.push(fig(
        "import of the CSV into an empty database",
        format!("{:.2} s", t.as_secs_f64()),
        "≤ 5 s",
        judge(t.as_secs_f64() <= 5.0),
    ));

    // What is due today, one whole process.
    ok(&demo, &["due", "--json"]);
    // 21 runs: a shared machine's noise moves a median of a few runs by milliseconds here.
    let runs: Vec<Duration> = (0..21).map(|_| ok(&demo, &["due", "--json"])).collect();
    let fastest = runs.iter().min().copied().unwrap_or_default();
    let due = median(runs);
    out.push(fig(
        "due --json, whole process (median of 21)",
        format!("{:.1} ms (fastest {:.1} ms)", ms(due), ms(fastest)),
        "≤ 20 ms",
        judge(ms(due) <= 20.0),
    ));
    let rss = peak_mib(&demo, &["due", "--json"]);
    out.push(fig(
        "due --json, peak memory",
        rss.map_or("n/a (no /usr/bin/time)".into(), |m| format!("{m:.1} MiB")),
        "≤ 64 MB",
        rss.and_then(|m| judge(m <= 64.0)),
    ));

    // The reports (a build without `huifang report` says so instead).
    let has_report = run(&demo, &["report", "--help"]).1.status.success();
    for (what, args, target, limit) in [
        (
            "monthly report, one month, all sites",
            REPORT_MONTHLY,
            "≤ 300 ms",
            300.0,
        ),
        (
            "quarterly analysis, one quarter, all sites",
            REPORT_QUARTERLY,
            "≤ 1 s",
            1000.0,
        ),
    ] {
        if !has_report {
            out.push(fig(
                what,
                "not available (no `huifang report` in this build)".into(),
                target,
                None,
            ));
            continue;
        }
        let times: Vec<(Duration, Output)> = (0..3).map(|_| run(&demo, args)).collect();
        if let Some((_, bad)) = times.iter().find(|(_, o)| !o.status.success()) {
            let err = String::from_utf8_lossy(&bad.stderr);
            out.push(fig(
                what,
                format!("failed: {}", err.lines().next().unwrap_or("")),
                target,
                None,
            ));
            continue;
        }
        let t = median(times.into_iter().map(|(t, _)| t).collect());
        out.push(fig(
            what,
            format!("{:.0} ms", ms(t)),
            target,
            judge(ms(t) <= limit),
        ));
    }

    // The TUI, in a process of its own (its peak memory is then its own).
    let tui = if tui_apart {
        tui_in_child(&demo)
    } else {
        tui_keys::measure(&demo, NOW, 5)
    };
    out.push(fig(
        "TUI start to first full frame",
        format!("{:.1} ms", tui.first_ms),
        "≤ 100 ms",
        judge(tui.first_ms <= 100.0),
    ));
    for (what, (median, p99)) in [
        ("TUI key: move (j/k)", tui.moves),
        ("TUI key: open the form (Enter)", tui.opens),
        ("TUI key: save (Ctrl-S)", tui.saves),
        ("TUI key: all keys", tui.all),
    ] {
        out.push(fig(
            what,
            format!("median {median:.2} ms, p99 {p99:.2} ms"),
            "≤ 2 ms / ≤ 10 ms",
            judge(median <= 2.0 && p99 <= 10.0),
        ));
    }
    out.push(fig(
        "TUI peak memory",
        tui.peak_mib.map_or("n/a".into(), |m| format!("{m:.1} MiB")),
        "≤ 64 MB",
        tui.peak_mib.and_then(|m| judge(m <= 64.0)),
    ));
    out
}

fn db_bytes(db: &Path) -> u64 {
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    size(db) + size(&wal)
}

/// Runs this benchmark's binary again with `HUIFANG_BENCH_TUI=DB`: it measures the TUI there
/// and prints one line of figures.
fn tui_in_child(db: &Path) -> tui_keys::Figures {
    let out = Command::new(std::env::current_exe().unwrap())
        .env("HUIFANG_BENCH_TUI", db)
        .output()
        .expect("the benchmark runs itself");
    assert!(
        out.status.success(),
        "TUI measurement: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tui_keys::Figures::parse(&String::from_utf8_lossy(&out.stdout)).expect("TUI figures")
}

pub fn print(events: usize, figures: &[Figure]) {
    println!("\nat {events} events:");
    for f in figures {
        let verdict = match f.met {
            Some(true) => "met",
            Some(false) => "NOT met",
            None => "",
        };
        println!(
            "  {:<44} {:<44} target {:<18} {verdict}",
            f.what, f.value, f.target
        );
    }
}

pub fn sizes() -> Vec<usize> {
    std::env::var("HUIFANG_BENCH_SIZES")
        .ok()
        .map(|s| {
            s.split(',')
                .filter_map(|n| n.trim().replace('_', "").parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![10_000, 100_000])
}

fn main() {
    if let Some(db) = std::env::var_os("HUIFANG_BENCH_TUI") {
        let f = tui_keys::measure(Path::new(&db), NOW, 50);
        println!("{}", f.line());
        return;
    }
    let bench = std::env::args().any(|a| a == "--bench");
    let sizes = if bench { sizes() } else { vec![2_000] };
    println!(
        "huifang scale benchmark ({} cores{}), targets for 1,000,000 events",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model().map_or(String::new(), |m| format!(", {m}"))
    );
    for events in sizes {
        let dir = tempfile::tempdir().unwrap();
        let figures = measure(dir.path(), events, events >= 1_000_000, true);
        print(events, &figures);
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|m| m.trim().to_string())
}
