//! Shared helpers for the integration tests: a temporary, isolated environment per test, a way
//! to run the real binary in it, and CSV writers.
//!
//! Not every test file uses every helper.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

/// The frozen clock every CLI test runs at (local time, Asia/Shanghai).
pub const NOW: &str = "2026-12-03 10:00";

/// The English and Chinese column headers, in the order `row()` fills them.
pub const HEADER_EN: &[&str] = &[
    "ref",
    "category",
    "major",
    "site",
    "customer",
    "phone",
    "unit",
    "department",
    "matter",
    "summary",
    "completed_at",
    "contract_start",
    "contract_end",
];
pub const HEADER_ZH: &[&str] = &[
    "编号",
    "类别",
    "重大",
    "管理处",
    "业户",
    "电话",
    "房号",
    "责任部门",
    "事项",
    "内容",
    "完成时间",
    "合同开始",
    "合同结束",
];

/// A temporary folder holding the database, the config files and the inputs of one test. The
/// binary run in it sees no config or data of the machine it runs on.
pub struct Env {
    pub dir: TempDir,
    now: String,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    fn from(o: Output) -> Self {
        Self {
            code: o
                .status
                .code()
                .expect("the binary was not killed by a signal"),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Asserts exit code 0 and returns self.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts exit code 2 (bad input) and returns self.
    #[track_caller]
    pub fn bad_input(&self) -> &Self {
        assert_eq!(
            self.code, 2,
            "expected exit 2 (bad input)\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Stdout parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Env {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
            now: NOW.to_string(),
        }
    }

    /// The same environment with the clock frozen at another local time.
    pub fn at(mut self, now: &str) -> Self {
        self.now = now.to_string();
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> PathBuf {
        self.path("data/x.db")
    }

    /// The binary, with its environment pointing into the temporary folder only.
    pub fn cmd(&self) -> Command {
        let root = self.dir.path();
        let mut c = Command::new(env!("CARGO_BIN_EXE_huifang"));
        c.current_dir(root)
            .env_remove("HUIFANG_CONFIG")
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env("HUIFANG_DB", self.db())
            .env("HUIFANG_NOW", &self.now)
            .env("TZ", "Asia/Shanghai")
            .env("USER", "tester")
            .env("HOME", root)
            .env("XDG_CONFIG_HOME", root.join("xdg-config"))
            .env("XDG_DATA_HOME", root.join("xdg-data"))
            .env("XDG_CACHE_HOME", root.join("xdg-cache"))
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0");
        c
    }

    /// Runs the binary with `args`.
    pub fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Out {
        Out::from(self.cmd().args(args).output().expect("the binary runs"))
    }

    /// Runs the binary with the clock frozen at `now` for this run only.
    pub fn run_at<S: AsRef<std::ffi::OsStr>>(&self, now: &str, args: &[S]) -> Out {
        Out::from(
            self.cmd()
                .env("HUIFANG_NOW", now)
                .args(args)
                .output()
                .expect("the binary runs"),
        )
    }

    /// Runs the binary with `--config CONFIG` and `args`.
    pub fn run_config(&self, config: &Path, args: &[&str]) -> Out {
        self.run_config_at(config, &self.now.clone(), args)
    }

    /// Runs the binary with `--config CONFIG` and `args`, the clock at `now` for this run.
    pub fn run_config_at(&self, config: &Path, now: &str, args: &[&str]) -> Out {
        let mut all: Vec<&std::ffi::OsStr> = vec!["--config".as_ref(), config.as_os_str()];
        all.extend(args.iter().map(|a| std::ffi::OsStr::new(*a)));
        self.run_at(now, &all)
    }

    /// Writes a file into the temporary folder and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write a test file");
        p
    }

    /// Writes a config file selecting `preset` (and `extra` TOML after it).
    pub fn preset_config(&self, preset: &str, extra: &str) -> PathBuf {
        self.write(
            &format!("{preset}.toml"),
            format!("preset = \"{preset}\"\n{extra}"),
        )
    }

    /// Writes a CSV file (UTF-8, no BOM) of `header` and `rows`.
    pub fn write_csv(&self, name: &str, header: &[&str], rows: &[Vec<String>]) -> PathBuf {
        self.write(name, csv_text(header, rows))
    }

    /// `event show REF --json`, which must succeed.
    #[track_caller]
    pub fn show(&self, reference: &str) -> Value {
        self.run(&["event", "show", reference, "--json"])
            .ok()
            .json()
    }

    /// `due --json` (on `date` when given), which must succeed: the array.
    #[track_caller]
    pub fn due(&self, date: Option<&str>) -> Vec<Value> {
        let mut args = vec!["due", "--json"];
        if let Some(d) = date {
            args.extend(["--date", d]);
        }
        match self.run(&args).ok().json() {
            Value::Array(a) => a,
            other => panic!("due --json is not an array: {other}"),
        }
    }

    /// `import FILE… --json`, which must succeed: the report.
    #[track_caller]
    pub fn import(&self, files: &[&Path]) -> Value {
        let mut args: Vec<&std::ffi::OsStr> = vec!["import".as_ref(), "--json".as_ref()];
        args.extend(files.iter().map(|p| p.as_os_str()));
        let out = self.run(&args);
        out.ok();
        out.json()["report"].clone()
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

/// CSV text (quoted where needed) of a header and rows.
pub fn csv_text(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// One row in the order of [`HEADER_EN`] / [`HEADER_ZH`].
#[allow(clippy::too_many_arguments)]
pub fn row(
    reference: &str,
    category: &str,
    major: &str,
    site: &str,
    customer: &str,
    phone: &str,
    unit: &str,
    department: &str,
    matter: &str,
    summary: &str,
    completed_at: &str,
    contract: (&str, &str),
) -> Vec<String> {
    [
        reference,
        category,
        major,
        site,
        customer,
        phone,
        unit,
        department,
        matter,
        summary,
        completed_at,
        contract.0,
        contract.1,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A plain row: `reference` of `category` at 翠苑管理处, finished at `completed_at`.
pub fn simple_row(reference: &str, category: &str, completed_at: &str) -> Vec<String> {
    row(
        reference,
        category,
        "",
        "翠苑管理处",
        "林一",
        "13912345678",
        "1栋101",
        "工程部",
        "漏水",
        "卫生间漏水已修复",
        completed_at,
        ("", ""),
    )
}

/// A field of a JSON object as a string (panics with the document when it is not one).
#[track_caller]
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v:#}"))
}
