//! Reliability under load and failure, with real processes: eight writers on one database,
//! processes killed at random moments, a full disk, a read-only database, doctor, permissions,
//! masking and escapes. Counts are small here; `HUIFANG_SOAK=1 cargo test --test reliability
//! -- --nocapture` multiplies them by ten (see the README's Reliability section).

mod common;
mod common_tui;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Env, HEADER_EN, Out, csv_text, row};

/// 1, or 10 with `HUIFANG_SOAK=1`.
fn soak() -> usize {
    if std::env::var_os("HUIFANG_SOAK").is_some_and(|v| v != "0") {
        10
    } else {
        1
    }
}

/// A complaint row of its own customer and matter, finished on 2026-12-02 (due on 2026-12-03).
fn complaint(reference: &str, n: usize) -> Vec<String> {
    row(
        reference,
        "complaint",
        "",
        "翠苑管理处",
        &format!("客户{n}"),
        "13912345678",
        &format!("{}栋{}", n % 30, 100 + n),
        "工程部",
        &format!("事项{reference}"),
        "已处理",
        "2026-12-02 09:00",
        ("", ""),
    )
}

fn csv_of(prefix: &str, n: usize) -> String {
    let rows: Vec<_> = (0..n)
        .map(|i| complaint(&format!("{prefix}-{i}"), i))
        .collect();
    csv_text(HEADER_EN, &rows)
}

fn sql(db: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).expect("open the database");
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c
}

fn count(db: &Path, q: &str) -> i64 {
    sql(db).query_row(q, [], |r| r.get(0)).expect(q)
}

#[track_caller]
fn assert_intact(db: &Path) {
    let ok: String = sql(db)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "integrity_check");
}

fn task_ids(env: &Env) -> Vec<i64> {
    let mut ids: Vec<i64> = env
        .due(None)
        .iter()
        .map(|d| d["task_id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

/// Nobody is ever shown SQLite's lock: writes wait their turn.
#[track_caller]
fn assert_not_locked(o: &Out, what: &str) {
    let e = o.stderr.to_lowercase();
    assert!(
        !e.contains("locked") && !e.contains("busy"),
        "{what}: {}",
        o.stderr
    );
}

#[test]
fn eight_writers_lose_nothing_and_record_nothing_twice() {
    let k = soak();
    let env = Env::new();
    let n_record = 60 * k;
    let n_attempt = 10 * k;
    let base = env.write("base.csv", csv_of("C", n_record + n_attempt + 1));
    env.import(&[&base]);
    let ids = task_ids(&env);
    assert_eq!(ids.len(), n_record + n_attempt + 1);
    let (record_ids, rest) = ids.split_at(n_record);
    let (attempt_ids, claimed) = rest.split_at(n_attempt);
    let claimed = claimed[0];

    // A claim made in one process (the TUI) holds in another (the CLI).
    let config = huifang::config::Config::builtin();
    let mut tui = common_tui::app_on(&env.db(), huifang::i18n::Lang::En, "tui-holder", &config);
    tui.run_effect(huifang::tui::update::Effect::Claim(claimed))
        .unwrap();
    assert!(
        tui.state
            .form
            .as_ref()
            .is_some_and(|f| f.task_id == claimed)
    );
    let o = env.run(&[
        "record",
        &claimed.to_string(),
        "--outcome",
        "satisfied",
        "--channel",
        "phone",
        "--as",
        "cli-other",
    ]);
    o.bad_input();
    assert!(
        o.stderr.contains("being worked on by tui-holder"),
        "{}",
        o.stderr
    );
    drop(tui);

    let started = Instant::now();
    let ops = Arc::new(Mutex::new(HashMap::<&'static str, usize>::new()));
    let tally = |ops: &Arc<Mutex<HashMap<&'static str, usize>>>, what: &'static str| {
        *ops.lock().unwrap().entry(what).or_default() += 1;
    };
    let record_wins = Arc::new(Mutex::new(Vec::<i64>::new()));
    let attempt_ok = Arc::new(Mutex::new(HashMap::<i64, i64>::new()));
    let imports = 10 * k;
    std::thread::scope(|s| {
        // Three CLI recorders race for the same tasks, each in its own order.
        for w in 0..3 {
            let (env, ops, wins) = (&env, &ops, &record_wins);
            s.spawn(move || {
                let mut mine: Vec<i64> = record_ids.to_vec();
                mine.rotate_left(w * record_ids.len() / 3);
                if w == 1 {
                    mine.reverse();
                }
                for id in mine {
                    let o = env.run(&[
                        "record",
                        &id.to_string(),
                        "--outcome",
                        "satisfied",
                        "--channel",
                        "phone",
                        "--as",
                        &format!("cli-{w}"),
                    ]);
                    assert_not_locked(&o, "record");
                    tally(ops, "record");
                    match o.code {
                        0 => wins.lock().unwrap().push(id),
                        2 => assert!(
                            o.stderr.contains("already done")
                                || o.stderr.contains("already recorded")
                                || o.stderr.contains("being worked on"),
                            "the loser is told why: {}",
                            o.stderr
                        ),
                        c => panic!("record {id}: exit {c}: {}", o.stderr),
                    }
                }
            });
        }
        // Two CLI callers log no-answers on the same tasks, past their maximum of three.
        for w in 0..2 {
            let (env, ops, tries) = (&env, &ops, &attempt_ok);
            s.spawn(move || {
                for round in 0..2 {
                    for &id in attempt_ids {
                        let o = env.run(&[
                            "attempt",
                            &id.to_string(),
                            "--result",
                            "no_answer",
                            "--as",
                            &format!("caller-{w}-{round}"),
                        ]);
                        assert_not_locked(&o, "attempt");
                        tally(ops, "attempt");
                        match o.code {
                            0 => *tries.lock().unwrap().entry(id).or_default() += 1,
                            2 => assert!(o.stderr.contains("already unreachable"), "{}", o.stderr),
                            c => panic!("attempt {id}: exit {c}: {}", o.stderr),
                        }
                    }
                }
            });
        }
        // Two importers take in files of their own, and each one a second time (skipped).
        for w in 0..2 {
            let (env, ops) = (&env, &ops);
            s.spawn(move || {
                for j in 0..imports {
                    let f = env.write(&format!("imp-{w}-{j}.csv"), csv_of(&format!("I{w}{j}"), 5));
                    for _ in 0..if j == 0 { 2 } else { 1 } {
                        let o = env.run(&[std::ffi::OsStr::new("import"), f.as_os_str()]);
                        assert_not_locked(&o, "import");
                        o.ok();
                        tally(ops, "import");
                    }
                }
            });
        }
        // One TUI session (the library App, its own connection) claims and saves records too.
        {
            let (env, ops, wins, config) = (&env, &ops, &record_wins, &config);
            s.spawn(move || {
                let mut app =
                    common_tui::app_on(&env.db(), huifang::i18n::Lang::En, "tui-op", config);
                for &id in record_ids.iter().rev().step_by(2) {
                    app.state.message = None;
                    app.run_effect(huifang::tui::update::Effect::Claim(id))
                        .unwrap();
                    tally(ops, "tui");
                    if app.state.form.as_ref().is_none_or(|f| f.task_id != id) {
                        continue;
                    }
                    let rec = huifang::domain::NewRecord {
                        channel: huifang::domain::Channel::Phone,
                        outcome: huifang::domain::Outcome::Basic,
                        quality: None,
                        effect: None,
                        shortcomings: String::new(),
                        suggestions: String::new(),
                        note: String::new(),
                        signed: false,
                        answers: Default::default(),
                    };
                    app.run_effect(huifang::tui::update::Effect::Save(id, rec))
                        .unwrap();
                    let (level, text) = app.state.message.clone().expect("a message");
                    assert!(!text.to_lowercase().contains("locked"), "{text}");
                    if level == huifang::tui::state::Level::Info {
                        wins.lock().unwrap().push(id);
                    } else {
                        assert!(text.contains("already done"), "{text}");
                        app.state.form = None;
                    }
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let db = env.db();
    assert_intact(&db);
    // Every task recorded exactly once, by exactly one winner.
    let mut wins = record_wins.lock().unwrap().clone();
    wins.sort();
    assert_eq!(wins, record_ids, "one winner per call-back");
    assert_eq!(
        count(&db, "SELECT count(*) FROM records") as usize,
        n_record
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT task_id FROM records GROUP BY task_id HAVING count(*) > 1)"
        ),
        0
    );
    // Every logged attempt is stored, none beyond the maximum.
    let tries = attempt_ok.lock().unwrap().clone();
    for &id in attempt_ids {
        let stored = count(
            &db,
            &format!("SELECT count(*) FROM attempts WHERE task_id = {id}"),
        );
        assert_eq!(stored, tries.get(&id).copied().unwrap_or(0), "task {id}");
        assert_eq!(stored, 3, "task {id} reached its maximum");
    }
    // Every imported event is stored once.
    assert_eq!(
        count(&db, "SELECT count(*) FROM events") as usize,
        n_record + n_attempt + 1 + 2 * imports * 5
    );
    let ops = ops.lock().unwrap();
    eprintln!(
        "8 writers: {} operations ({ops:?}) in {:.1} s",
        ops.values().sum::<usize>(),
        elapsed.as_secs_f64()
    );
}

/// Eight processes opening a database that does not exist yet: they race to create it, switch
/// it to WAL and run the first migration. Every one must succeed.
#[test]
fn eight_processes_creating_one_database_at_once_all_succeed() {
    for round in 0..3 * soak() {
        let env = Env::new();
        let outs: Vec<Out> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|i| {
                    let env = &env;
                    s.spawn(move || {
                        if i % 2 == 0 {
                            env.run(&["due", "--json"])
                        } else {
                            env.run(&[
                                "event",
                                "add",
                                "--ref",
                                &format!("N-{i}"),
                                "--category",
                                "complaint",
                                "--completed",
                                "2026-12-02 09:00",
                            ])
                        }
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for o in &outs {
            assert_eq!(o.code, 0, "round {round}: {o:?}");
        }
        assert_intact(&env.db());
        assert_eq!(count(&env.db(), "SELECT count(*) FROM events"), 4);
    }
}

/// A small deterministic generator (xorshift64*), so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// Starts the binary, lets it run `delay`, then SIGKILLs it. True when it was killed before it
/// finished; `Some(success)` when it finished first.
fn run_and_kill(env: &Env, args: &[&std::ffi::OsStr], delay: Duration) -> Option<bool> {
    let mut child = env
        .cmd()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(delay);
    if let Some(status) = child.try_wait().unwrap() {
        return Some(status.success());
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    None
}

fn timed(env: &Env, args: &[&std::ffi::OsStr]) -> Duration {
    let t = Instant::now();
    env.run(args).ok();
    t.elapsed()
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

#[test]
fn sigkill_at_random_moments_loses_no_committed_work() {
    let k = soak();
    let env = Env::new();
    let db = env.db();
    let base = env.write("base.csv", csv_of("B", 40 * k));
    env.import(&[&base]);
    let mut pending = task_ids(&env);
    let big_rows = 1000;
    let file = |r: usize| env.write(&format!("big-{r}.csv"), csv_of(&format!("K{r}"), big_rows));
    // How long each kind of run takes undisturbed: kills land anywhere in 0..1.3× of it.
    let f0 = file(0);
    let t_import = timed(&env, &[os("import"), f0.as_os_str()]);
    let t_report = timed(&env, &[os("rates")]);
    let mut rng = Rng(0x6b11_2026);
    let rounds = 12 * k;
    let (mut kills, mut finished) = (HashMap::new(), 0usize);
    let mut imported = big_rows;
    let mut recorded = 0i64;
    let start = Instant::now();
    for r in 1..=rounds {
        let kind = ["import", "record", "report"][r % 3];
        let budget = match kind {
            "import" => t_import,
            _ => t_report,
        };
        let delay = budget.mul_f64(rng.below(130) as f64 / 100.0);
        let outcome = match kind {
            "import" => {
                let f = file(r);
                let prefix = format!("K{r}-%");
                let out = run_and_kill(&env, &[os("import"), f.as_os_str()], delay);
                assert_intact(&db);
                let n = count(
                    &db,
                    &format!("SELECT count(*) FROM events WHERE ref LIKE '{prefix}'"),
                );
                // All or nothing; re-running it completes it.
                assert!(n == 0 || n == big_rows as i64, "half an import: {n} rows");
                if out == Some(true) {
                    assert_eq!(n, big_rows as i64, "a finished import is kept");
                }
                env.run(&[os("import"), f.as_os_str()]).ok();
                assert_eq!(
                    count(
                        &db,
                        &format!("SELECT count(*) FROM events WHERE ref LIKE '{prefix}'")
                    ),
                    big_rows as i64
                );
                imported += big_rows;
                out
            }
            "record" => {
                let id = pending.pop().expect("tasks left to record");
                let out = run_and_kill(
                    &env,
                    &[
                        os("record"),
                        os(&id.to_string()),
                        os("--outcome"),
                        os("satisfied"),
                        os("--channel"),
                        os("phone"),
                    ],
                    delay,
                );
                assert_intact(&db);
                let has = count(
                    &db,
                    &format!("SELECT count(*) FROM records WHERE task_id = {id}"),
                );
                let done = count(
                    &db,
                    &format!("SELECT count(*) FROM tasks WHERE id = {id} AND state = 'done'"),
                );
                assert_eq!(has, done, "a record and its task's state go together");
                if out == Some(true) {
                    assert_eq!(has, 1, "a saved record is kept");
                }
                recorded += has;
                out
            }
            _ => {
                let report = if r % 2 == 0 { "rates" } else { "due" };
                let out = run_and_kill(&env, &[os(report)], delay);
                assert_intact(&db);
                out
            }
        };
        match outcome {
            None => *kills.entry(kind).or_insert(0usize) += 1,
            Some(ok) => {
                assert!(ok, "{kind} failed without being killed");
                finished += 1
            }
        }
        // Nothing committed earlier was lost.
        assert_eq!(
            count(&db, "SELECT count(*) FROM events") as usize,
            40 * k + imported
        );
        assert_eq!(count(&db, "SELECT count(*) FROM records"), recorded);
    }
    let total: usize = kills.values().sum();
    eprintln!(
        "{rounds} runs, {total} killed mid-run ({kills:?}), {finished} finished first, in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert!(
        kills.get("import").copied().unwrap_or(0) > 0,
        "some imports were killed mid-run: {kills:?}"
    );
    // The database opens and works after it all.
    env.run(&["due"]).ok();
}

/// The environment of `env.cmd()` around another program (a shell, setpriv).
fn wrapped(env: &Env, program: &str) -> Command {
    let inner = env.cmd();
    let mut c = Command::new(program);
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.current_dir(env.dir.path());
    c
}

fn out_of(c: &mut Command) -> Out {
    let o = c.output().expect("runs");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

/// A full disk, for real: the import runs under a file-size limit (`ulimit -f`, with SIGXFSZ
/// ignored, so a write past it fails the way it does on a full file system).
#[test]
fn a_full_disk_is_a_clear_error_and_stores_nothing() {
    let env = Env::new();
    let db = env.db();
    env.import(&[&env.write("base.csv", csv_of("B", 5))]);
    let big = env.write("big.csv", csv_of("F", 3000));
    let o = out_of(
        wrapped(&env, "sh")
            .arg("-c")
            .arg("ulimit -f 64; trap '' XFSZ; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_huifang"))
            .args([os("import"), big.as_os_str()]),
    );
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr.contains("disk is full") || o.stderr.contains("could not be written"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("nothing of this change was stored"),
        "{}",
        o.stderr
    );
    assert_intact(&db);
    assert_eq!(count(&db, "SELECT count(*) FROM events"), 5);
    // With room again, the same import completes.
    env.run(&[os("import"), big.as_os_str()]).ok();
    assert_eq!(count(&db, "SELECT count(*) FROM events"), 3005);
    assert_intact(&db);
}

fn is_root() -> bool {
    let o = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&o.stdout).trim() == "0"
}

/// A read-only database file. Root ignores file modes, so as root the binary runs as `nobody`
/// (setpriv) on files `nobody` owns.
#[test]
fn a_read_only_database_is_a_clear_error_and_stays_intact() {
    let env = Env::new();
    let db = env.db();
    env.import(&[&env.write("base.csv", csv_of("R", 3))]);
    let id = task_ids(&env)[0].to_string();
    let root = is_root();
    if root {
        let st = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(env.dir.path())
            .status()
            .unwrap();
        assert!(st.success());
    }
    let huifang = |args: &[&str]| {
        let mut c = if root {
            let mut c = wrapped(&env, "setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_huifang"));
            c
        } else {
            wrapped(&env, env!("CARGO_BIN_EXE_huifang"))
        };
        out_of(c.args(args))
    };
    let chmod = |mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    chmod(0o400);
    let record = [
        "record",
        &id,
        "--outcome",
        "satisfied",
        "--channel",
        "phone",
    ];
    let o = huifang(&record);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("read-only"), "{}", o.stderr);
    // Reading still works.
    let o = huifang(&["due", "--json"]);
    assert_eq!(o.code, 0, "{o:?}");
    chmod(0o600);
    assert_intact(&db);
    assert_eq!(count(&db, "SELECT count(*) FROM records"), 0);
    let o = huifang(&record);
    assert_eq!(o.code, 0, "{o:?}");
    assert_eq!(count(&db, "SELECT count(*) FROM records"), 1);
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

#[test]
fn the_database_its_wal_and_its_folder_are_the_owners_only() {
    let env = Env::new();
    let db = env.db();
    let store = huifang::store::Store::open(&db).unwrap();
    // Open, in WAL mode: the -wal and -shm files exist now.
    let _ = huifang::store::Reads::event_count(&store).unwrap();
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&with_suffix(&db, "-wal")), 0o600);
    assert_eq!(mode(&with_suffix(&db, "-shm")), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}

fn checks(v: &serde_json::Value, status: &str) -> Vec<String> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == status)
        .map(|c| c["check"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn doctor_checks_the_database_and_says_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let db = env.db();
    // No database yet: said, and nothing created.
    let o = env.run(&["doctor"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stdout.contains("没有数据库"), "{}", o.stdout);
    assert!(!db.exists(), "doctor creates nothing");

    env.import(&[&env.write("a.csv", csv_of("D", 3))]);
    let o = env.run(&["doctor", "--json", "--lang", "en"]);
    assert_eq!(o.code, 0, "{o:?}");
    let v = o.json();
    assert_eq!(v["ok"], true, "{v:#}");
    let ok = checks(&v, "ok");
    for c in ["permissions", "integrity", "wal", "schema", "holidays"] {
        assert!(ok.contains(&c.to_string()), "{c}: {v:#}");
    }
    // 2027 has no holiday table yet (warning only, in 2026).
    assert_eq!(checks(&v, "warn"), ["holidays"], "{v:#}");

    // Looser permissions, a journal out of WAL, a schema from a newer huifang: each reported
    // with its fix, and a non-zero exit.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(db.parent().unwrap(), std::fs::Permissions::from_mode(0o755)).unwrap();
    {
        let c = sql(&db);
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let o = env.run(&["doctor", "--lang", "en"]);
    assert_eq!(o.code, 1, "{o:?}");
    for want in [
        "can be read by other users (mode 644)",
        "chmod 600",
        "chmod 700",
        "journal mode is delete",
        "newer huifang",
        "upgrade huifang",
        "4 problem(s) found",
    ] {
        assert!(o.stdout.contains(want), "`{want}` in:\n{}", o.stdout);
    }
    let v = env.run(&["doctor", "--json"]).json();
    assert_eq!(v["ok"], false);
    assert_eq!(
        checks(&v, "fail"),
        ["permissions", "permissions", "wal", "schema"]
    );

    // A damaged file.
    {
        let c = sql(&db);
        c.pragma_update(None, "user_version", 2).unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096..len.min(4096 * 3)] {
        *b = 0xA5;
    }
    std::fs::write(&db, bytes).unwrap();
    let v = env.run(&["doctor", "--json"]).json();
    assert!(
        checks(&v, "fail").contains(&"integrity".to_string()),
        "{v:#}"
    );

    // In a year no holiday table covers, that is a problem.
    let later = Env::new().at("2027-03-01 10:00");
    later.import(&[&later.write("a.csv", csv_of("L", 1))]);
    let o = later.run(&["doctor", "--lang", "en"]);
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stdout.contains("no holiday table for 2027"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("[holidays.years.2027]"), "{}", o.stdout);
}

const EVIL_NAME: &str = "林\x1b[31m一\u{202E}";

fn assert_inert(what: &str, s: &str) {
    for bad in ['\x1b', '\x07', '\u{202E}', '\u{9b}', '\r'] {
        assert!(!s.contains(bad), "{bad:?} in {what}: {s:?}");
    }
}

#[test]
fn escapes_in_imported_text_are_shown_as_text_in_the_cli_and_the_tui() {
    let env = Env::new();
    let mut r = complaint("ESC-1", 1);
    r[4] = EVIL_NAME.to_string();
    r[5] = "\x1b[2J5678".to_string();
    r[6] = "3栋\x07\x1b]0;pwned\x07".to_string();
    r[9] = "第一行\x1b[2J\u{9b}31m".to_string();
    let f = env.write_csv("evil.csv", HEADER_EN, &[r]);
    env.import(&[&f]);
    let id = task_ids(&env)[0].to_string();
    env.run(&[
        "record",
        &id,
        "--outcome",
        "unsatisfied",
        "--channel",
        "phone",
        "--as",
        "坏\x1b[2J人",
    ])
    .ok();
    for args in [
        vec!["due", "--date", "2026-12-01"],
        vec!["event", "show", "ESC-1"],
        vec!["escalations"],
        vec!["rates", "--month", "2026-12"],
    ] {
        let o = env.run(&args);
        o.ok();
        assert_inert(&format!("{args:?}"), &o.stdout);
    }
    let shown = env.run(&["event", "show", "ESC-1"]).stdout;
    assert!(
        shown.contains("林\u{FFFD}[31m一\u{FFFD}"),
        "shown, neutralised: {shown}"
    );
    // An error quoting the file's text is neutralised too.
    let bad = env.write(
        "bad.csv",
        "ref,category,completed_at\nX-1,\x1b[2J投诉\u{202E},2026-12-01\n",
    );
    let o = env.run(&[os("import"), bad.as_os_str()]);
    o.bad_input();
    assert_inert("the import error", &o.stderr);
    assert!(o.stderr.contains("\u{FFFD}[2J"), "{}", o.stderr);
    // The TUI on the same database file.
    let config = huifang::config::Config::builtin();
    let mut app = common_tui::app_on(&env.db(), huifang::i18n::Lang::Zh, "测试员", &config);
    app.run_effect(huifang::tui::update::Effect::Reload)
        .unwrap();
    let terminal = common_tui::render(&mut app, 160, 48);
    for cell in terminal.backend().buffer().content() {
        assert_inert("the TUI screen", cell.symbol());
    }
}

#[test]
fn phone_numbers_are_masked_everywhere_unless_revealed() {
    let env = Env::new();
    env.import(&[&env.write("p.csv", csv_of("P", 2))]);
    let id = task_ids(&env)[0].to_string();
    env.run(&[
        "record",
        &id,
        "--outcome",
        "unsatisfied",
        "--channel",
        "phone",
    ])
    .ok();
    for args in [
        vec!["due"],
        vec!["due", "--json"],
        vec!["event", "show", "P-0"],
        vec!["event", "show", "P-0", "--json"],
        vec!["escalations"],
        vec!["escalations", "--json"],
    ] {
        let o = env.run(&args);
        o.ok();
        assert!(!o.stdout.contains("13912345678"), "{args:?}: {}", o.stdout);
    }
    assert!(env.run(&["due"]).stdout.contains("139****5678"));
    let config = huifang::config::Config::builtin();
    let mut app = common_tui::app_on(&env.db(), huifang::i18n::Lang::Zh, "测试员", &config);
    let text = common_tui::screen_text(&common_tui::render(&mut app, 160, 48));
    assert!(
        !text.contains("13912345678") && text.contains("139****5678"),
        "{text}"
    );
    common_tui::press(&mut app, common_tui::ch('r'));
    let text = common_tui::screen_text(&common_tui::render(&mut app, 160, 48));
    assert!(text.contains("13912345678"), "revealed on purpose: {text}");
}

/// A failed save (disk full, read-only) is shown in the TUI and keeps everything typed.
#[test]
fn the_tui_keeps_the_typed_form_when_the_disk_is_full_or_read_only() {
    use common_tui::{ch, ctrl, key, press};
    use crossterm::event::KeyCode;
    use huifang::store::Reads;
    let db = common_tui::Db::filled();
    let mut app = db.app(huifang::i18n::Lang::Zh, "测试员");
    let task = app.state.queue.current().unwrap().task_id;
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, ch('2'));
    let typed = "墙面仍有水渍,".repeat(300);
    *app.state
        .form
        .as_mut()
        .unwrap()
        .typed_mut("shortcomings")
        .unwrap() = tui_input::Input::new(typed.clone());
    // No free pages left to fill: the store can only grow, and growing is what fails.
    app.store.conn().execute_batch("VACUUM").unwrap();
    for (pragma, value, says) in [
        ("max_page_count", None, "disk is full"),
        ("query_only", Some(1), "read-only"),
    ] {
        let c = app.store.conn();
        let v =
            value.unwrap_or_else(|| c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap());
        c.pragma_update(None, pragma, v).unwrap();
        press(&mut app, ctrl('s'));
        let form = app.state.form.as_ref().expect("the form stays open");
        assert_eq!(form.task_id, task);
        assert_eq!(form.outcome, Some(huifang::domain::Outcome::Basic));
        assert_eq!(
            form.typed("shortcomings").unwrap(),
            typed,
            "nothing to retype"
        );
        let err = form.error.clone().unwrap_or_default();
        assert!(err.contains(says), "{pragma}: {err}");
        let (_, msg) = app.state.message.clone().unwrap();
        assert!(msg.contains(says), "{msg}");
        let text = common_tui::screen_text(&common_tui::render(&mut app, 120, 40));
        assert!(text.contains(says), "on screen: {text}");
        assert!(db.store().record_of_task(task).unwrap().is_none());
        let reset = if pragma == "max_page_count" {
            1_073_741_823
        } else {
            0
        };
        app.store.conn().pragma_update(None, pragma, reset).unwrap();
    }
    press(&mut app, ctrl('s'));
    assert!(app.state.form.is_none(), "{:?}", app.state.message);
    let rec = db
        .store()
        .record_of_task(task)
        .unwrap()
        .expect("saved once there is room");
    assert_eq!(rec.record.shortcomings, typed);
    assert_intact(&db.path);
}

#[test]
fn a_reader_that_closes_the_pipe_early_ends_the_command_quietly() {
    let env = Env::new();
    // Ten years of calendar is ~400 KB, far more than a pipe buffers.
    let mut child = env
        .cmd()
        .args([
            "calendar",
            "--from",
            "2017-01-02",
            "--to",
            "2026-12-31",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up as `| head -1` does.
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!first.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
}
