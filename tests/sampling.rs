//! Sampling: an event of a category with a rate below 100% is selected for call-back or not at
//! intake. Property tests of `huifang::rules::choose` over a simulated intake — after every event
//! the selected share of each site × category × month cohort is at or above the rate, and the
//! same sequence gives the same choices — and an end-to-end check through the store.

mod common;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;

use huifang::config::Config;
use huifang::domain::NewEvent;
use huifang::rules::{CohortCount, Selection, choose};
use huifang::store::{Reads, Store};
use huifang::workflow::{Intake, IntakeResult};

/// One simulated arrival: (site, category, month) indices and the event's ref.
type Arrival = (usize, usize, usize, String);

/// Feeds `arrivals` through `choose` the way intake does, keeping a count per cohort. Returns the
/// choices, or the first arrival after which some cohort's share fell below its rate. Rates are
/// whole percents, so the check is exact: selected × 100 ≥ percent × events.
fn simulate(arrivals: &[Arrival], percents: &[u32]) -> Result<Vec<Selection>, String> {
    let mut cohorts: HashMap<(usize, usize, usize), CohortCount> = HashMap::new();
    let mut out = Vec::new();
    for (i, (site, cat, month, reference)) in arrivals.iter().enumerate() {
        let key = (*site, *cat, *month);
        let so_far = cohorts.get(&key).copied().unwrap_or_default();
        let pct = percents[*cat];
        let sel = choose(reference, f64::from(pct) / 100.0, false, so_far, None);
        let c = cohorts.entry(key).or_default();
        c.events += 1;
        c.selected += u64::from(sel.selected);
        for (k, c) in &cohorts {
            if c.selected * 100 < u64::from(percents[k.1]) * c.events {
                return Err(format!(
                    "after arrival {i} ({reference}): cohort {k:?} at {}/{} < {}%",
                    c.selected, c.events, percents[k.1]
                ));
            }
        }
        out.push(sel);
    }
    Ok(out)
}

fn arrivals(max: usize) -> impl Strategy<Value = Vec<Arrival>> {
    prop::collection::vec(
        (0..3usize, 0..4usize, 0..3usize, "[A-Z]{1,3}-[0-9]{1,6}"),
        1..max,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_cohort_stays_at_or_above_its_rate(
        arrivals in arrivals(400),
        percents in prop::collection::vec(1u32..=100, 4),
    ) {
        if let Err(e) = simulate(&arrivals, &percents) {
            prop_assert!(false, "{}", e);
        }
    }

    #[test]
    fn the_regulations_rates_hold_in_every_cohort(arrivals in arrivals(400)) {
        // repair 60%, help 50%, publication 10%, visit-sop repair 80%.
        let percents = [60, 50, 10, 80];
        if let Err(e) = simulate(&arrivals, &percents) {
            prop_assert!(false, "{}", e);
        }
    }

    #[test]
    fn any_fractional_rate_holds(
        refs in prop::collection::vec("[a-z0-9]{1,12}", 1..300),
        rate in 0.0f64..1.0,
    ) {
        let mut c = CohortCount::default();
        for r in &refs {
            let sel = choose(r, rate, false, c, None);
            c.events += 1;
            c.selected += u64::from(sel.selected);
            prop_assert!(
                c.selected as f64 >= rate * c.events as f64 - 1e-9,
                "{}/{} < {}", c.selected, c.events, rate
            );
        }
    }

    #[test]
    fn the_same_sequence_gives_the_same_choices(
        arrivals in arrivals(300),
        percents in prop::collection::vec(1u32..=100, 4),
    ) {
        let a = simulate(&arrivals, &percents);
        let b = simulate(&arrivals, &percents);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn one_choice_depends_only_on_its_inputs(
        reference in "[A-Z]{2}-[0-9]{1,8}",
        rate in 0.0f64..1.0,
        events in 0u64..1000,
        share in 0.0f64..=1.0,
    ) {
        let so_far = CohortCount { events, selected: (events as f64 * share) as u64 };
        let a = choose(&reference, rate, false, so_far, None);
        let b = choose(&reference, rate, false, so_far, None);
        prop_assert!(!a.reason.is_empty());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn major_complaints_and_full_rates_are_always_selected(
        reference in "[A-Z]{2}-[0-9]{1,8}",
        rate in 0.0f64..1.0,
        events in 0u64..1000,
    ) {
        // Even a cohort far above its rate.
        let so_far = CohortCount { events, selected: events };
        prop_assert!(choose(&reference, rate, true, so_far, None).selected);
        prop_assert!(choose(&reference, 1.0, false, so_far, None).selected);
    }

    #[test]
    fn below_full_rate_it_is_a_sample_not_everything(
        n in 100usize..300,
        percent in 10u32..=80,
        salt in "[a-z]{0,4}",
    ) {
        // With distinct refs and a rate of at most 80%, a cohort of 100+ events must leave some
        // out (all selected by chance: below 0.8^90 ≈ 2e-9).
        let arrivals: Vec<Arrival> = (0..n).map(|i| (0, 0, 0, format!("WX{salt}-{i}"))).collect();
        let choices = simulate(&arrivals, &[percent, 0, 0, 0]).map_err(TestCaseError::fail)?;
        let selected = choices.iter().filter(|c| c.selected).count();
        prop_assert!(selected < n, "all {} selected at {}%", n, percent);
        for c in choices.iter().filter(|c| !c.selected) {
            prop_assert!(c.reason.starts_with("not sampled"), "{}", c.reason);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Through the store
// ---------------------------------------------------------------------------------------------

const SITE: &str = "翠苑管理处";

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

/// A repair at its own unit and customer: no two of them are repeats of each other (a repeat
/// is always selected, which is tested in tests/repeats.rs).
fn repair(reference: String, site: &str, completed_at: NaiveDateTime) -> NewEvent {
    let n = huifang::rules::stable_hash(&reference) % 100_000_000;
    NewEvent {
        unit: format!("{}栋{}", n % 97, reference),
        phone: format!("139{n:08}"),
        reference,
        category: "repair".into(),
        major: false,
        site: site.into(),
        customer: "林一".into(),
        department: "维修班".into(),
        matter: "漏水".into(),
        summary: "换阀门".into(),
        completed_at,
        contract_start: None,
        contract_end: None,
        customer_kind: Default::default(),
        stage: String::new(),
    }
}

/// 200 repairs of 翠苑 in November 2026, with a few of another site and of December mixed in
/// (other cohorts, which must not count towards November's 翠苑 share).
fn events() -> Vec<NewEvent> {
    let mut v = Vec::new();
    for i in 0..200u32 {
        v.push(repair(
            format!("WX-2026-11-{i:04}"),
            SITE,
            at(2026, 11, 1 + i % 30, 8 + i % 10),
        ));
        if i % 10 == 3 {
            v.push(repair(
                format!("JW-2026-11-{i:04}"),
                "金湾管理处",
                at(2026, 11, 1 + i % 30, 9),
            ));
        }
        if i % 25 == 7 {
            v.push(repair(
                format!("WX-2026-12-{i:04}"),
                SITE,
                at(2026, 12, 1 + i % 28, 9),
            ));
        }
    }
    v
}

fn now() -> NaiveDateTime {
    at(2026, 12, 3, 10)
}

/// Takes `events` into the store in one transaction; the results.
fn take(store: &mut Store, config: &Config, events: &[NewEvent]) -> Vec<IntakeResult> {
    let tx = store.write().unwrap();
    let mut intake = Intake::new(config, now());
    let out = events
        .iter()
        .map(|e| intake.take(&tx, e).unwrap())
        .collect();
    tx.commit().unwrap();
    out
}

/// `ref → selected` as stored, checking each selected event has exactly its one task.
fn stored_choices(store: &Store, events: &[NewEvent]) -> Vec<(String, bool)> {
    events
        .iter()
        .map(|e| {
            let s = store.event_by_ref(&e.reference).unwrap().expect("stored");
            let tasks = store.tasks_of_event(s.id).unwrap();
            assert_eq!(
                tasks.len(),
                usize::from(s.selected),
                "{}: selected={} with {} task(s)",
                e.reference,
                s.selected,
                tasks.len()
            );
            assert!(!s.selection_reason.is_empty(), "{}: a reason", e.reference);
            (e.reference.clone(), s.selected)
        })
        .collect()
}

/// In arrival order, the selected share of every cohort after every event.
#[track_caller]
fn assert_share_after_every_event(events: &[NewEvent], choices: &[(String, bool)], rate_pct: u64) {
    let mut cohorts: HashMap<(String, String), (u64, u64)> = HashMap::new();
    for (e, (_, selected)) in events.iter().zip(choices) {
        let c = cohorts
            .entry((e.site.clone(), e.completed_at.format("%Y-%m").to_string()))
            .or_default();
        c.0 += 1;
        c.1 += u64::from(*selected);
        assert!(
            c.1 * 100 >= rate_pct * c.0,
            "after {}: {}/{} < {rate_pct}%",
            e.reference,
            c.1,
            c.0
        );
    }
}

#[test]
fn store_intake_keeps_the_rate_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::builtin();
    assert_eq!(config.category("repair").unwrap().1.rate, 0.6);
    let events = events();
    let mut store = Store::open(&dir.path().join("x.db")).unwrap();

    let results = take(&mut store, &config, &events);
    assert!(
        results
            .iter()
            .all(|r| matches!(r, IntakeResult::Imported { .. })),
        "{results:?}"
    );
    let choices = stored_choices(&store, &events);
    assert_share_after_every_event(&events, &choices, 60);

    // The 200 of 翠苑 in November: at least 60% selected, and some left out (it is a sample).
    let november: Vec<bool> = choices
        .iter()
        .filter(|(r, _)| r.starts_with("WX-2026-11-"))
        .map(|(_, s)| *s)
        .collect();
    assert_eq!(november.len(), 200);
    let selected = november.iter().filter(|s| **s).count();
    assert!(selected >= 120, "{selected}/200 < 60%");
    assert!(selected < 200, "every event selected: not a sample");
    let cohort = huifang::rules::Cohort {
        site: SITE.into(),
        category: "repair".into(),
        month: "2026-11".into(),
    };
    assert_eq!(
        store.cohort_count(&cohort).unwrap(),
        CohortCount {
            events: 200,
            selected: selected as u64
        }
    );

    // Re-import: all skipped, nothing stored twice, no choice changed.
    let again = take(&mut store, &config, &events);
    assert!(
        again.iter().all(|r| *r == IntakeResult::Skipped),
        "{again:?}"
    );
    assert_eq!(store.event_count().unwrap(), events.len() as u64);
    assert_eq!(stored_choices(&store, &events), choices);
}

#[test]
fn the_same_events_give_the_same_choices_in_any_batching() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::builtin();
    let events = events();

    let mut one = Store::open(&dir.path().join("one.db")).unwrap();
    take(&mut one, &config, &events);
    let a = stored_choices(&one, &events);

    // Another database, the same events in three imports: the cohort counts then come from the
    // database rather than from the intake's memory.
    let mut three = Store::open(&dir.path().join("three.db")).unwrap();
    let (x, rest) = events.split_at(70);
    let (y, z) = rest.split_at(90);
    for part in [x, y, z] {
        take(&mut three, &config, part);
    }
    let b = stored_choices(&three, &events);
    assert_eq!(a, b);
    assert_share_after_every_event(&events, &b, 60);
}

#[test]
fn cli_import_makes_the_same_choices_as_the_library() {
    let env = common::Env::new();
    let config = Config::builtin();
    let events = events();
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            common::row(
                &e.reference,
                &e.category,
                "",
                &e.site,
                &e.customer,
                &e.phone,
                &e.unit,
                &e.department,
                &e.matter,
                &e.summary,
                &e.completed_at.format("%Y-%m-%d %H:%M").to_string(),
                ("", ""),
            )
        })
        .collect();
    let f = env.write_csv("repairs.csv", common::HEADER_EN, &rows);
    let report = env.import(&[&f]);

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("lib.db")).unwrap();
    take(&mut store, &config, &events);
    let lib = stored_choices(&store, &events);
    let selected = lib.iter().filter(|(_, s)| *s).count() as u64;

    assert_eq!(report["imported"], events.len() as u64);
    assert_eq!(report["tasks_created"], selected);
    assert_eq!(report["not_selected"], events.len() as u64 - selected);
    for (r, sel) in lib.iter().step_by(17) {
        assert_eq!(env.show(r)["event"]["selected"], *sel, "{r}");
    }

    let again = env.import(&[&f]);
    assert_eq!(again["imported"], 0);
    assert_eq!(again["skipped"], events.len() as u64);
    assert_eq!(again["tasks_created"], 0);
}
