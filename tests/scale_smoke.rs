//! Keeps the scale benchmark (tests/bench/scale.rs) working: its whole run at 2,000 events,
//! without looking at the times (CI machines are noisy; `cargo bench --bench scale` times).

#[path = "bench/scale.rs"]
mod scale;

#[test]
fn the_scale_benchmark_runs_at_2000_events() {
    let dir = tempfile::tempdir().unwrap();
    let figures = scale::measure(dir.path(), 2_000, false, false);
    scale::print(2_000, &figures);
    let value = |what: &str| {
        figures
            .iter()
            .find(|f| f.what.starts_with(what))
            .map(|f| f.value.clone())
            .unwrap_or_else(|| panic!("no figure for {what}"))
    };
    assert!(value("demo history").ends_with(" s"));
    assert!(value("database size").contains("bytes per event"));
    assert!(value("import of the CSV").ends_with(" s"));
    assert!(value("due --json, whole process").contains(" ms (fastest "));
    assert!(value("TUI start").ends_with(" ms"));
    assert!(value("TUI key: save").starts_with("median"));
    // Judged only at a million events.
    assert!(figures.iter().all(|f| f.met.is_none()));
}
