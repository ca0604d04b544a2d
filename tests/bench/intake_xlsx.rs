//! Benchmark: a 100,000-row work-order XLSX (real date cells and text dates, a unit template, a
//! value map, a filter) mapped by a profile and imported by the binary into a fresh database.
//! Target: at most 10 s in release.
//!
//!   cargo bench --bench intake_xlsx                 (100,000 rows; HUIFANG_BENCH_ROWS=N for others)
//!
//! Run without `--bench` (as `cargo test --benches` does) it only checks a small file.

use std::process::Command;
use std::time::Instant;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const TARGET_SECS: f64 = 10.0;

const PROFILE: &str = r#"ref_prefix = "B-"
date_formats = ["%Y/%m/%d %H:%M:%S"]
[fields]
ref = "工单编号"
category = "报修类型"
unit = "{楼栋}-{单元}-{房号}"
customer = "报修人"
phone = "联系电话"
department = "处理部门"
completed_at = "完成时间"
summary = "报修内容"
[constants]
site = "翠苑管理处"
[values.category]
default = "other"
[values.category.map]
"报修" = "repair"
"投诉" = "complaint"
"咨询" = "help"
[clean]
collapse_spaces = ["summary"]
[filter]
column = "状态"
equals = "已完成"
"#;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let rows: u32 = std::env::var("HUIFANG_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if full { 100_000 } else { 500 });
    let dir = tempfile::tempdir().expect("a temporary folder");
    let xlsx = dir.path().join("bench.xlsx");
    let profile = dir.path().join("bench.toml");
    std::fs::write(&profile, PROFILE).unwrap();

    let t = Instant::now();
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let ws = wb.add_worksheet();
    let header = [
        "工单编号",
        "报修类型",
        "楼栋",
        "单元",
        "房号",
        "报修人",
        "联系电话",
        "处理部门",
        "完成时间",
        "报修内容",
        "状态",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let kinds = ["报修", "投诉", "咨询", "表扬"];
    let depts = ["工程部", "秩序部", "保洁部", "客服中心"];
    let mut filtered = 0;
    for i in 0..rows {
        let r = i + 1;
        let day = (i % 28) as u8 + 1;
        let (h, m) = ((i % 10) as u16 + 8, (i % 60) as u8);
        ws.write_string(r, 0, format!("WO{i:07}")).unwrap();
        ws.write_string(r, 1, kinds[(i % 4) as usize]).unwrap();
        ws.write_string(r, 2, format!("{}栋", i % 30 + 1)).unwrap();
        ws.write_string(r, 3, format!("{}单元", i % 4 + 1)).unwrap();
        ws.write_number(r, 4, f64::from(100 * (i % 30 + 1) + i % 4))
            .unwrap();
        ws.write_string(r, 5, format!("  业主{}  ", i % 5000))
            .unwrap();
        ws.write_number(r, 6, 13_900_000_000.0 + f64::from(i))
            .unwrap();
        ws.write_string(r, 7, depts[(i % 4) as usize]).unwrap();
        if i % 2 == 0 {
            let d = ExcelDateTime::from_ymd(2026, 11, day)
                .unwrap()
                .and_hms(h, m, 0)
                .unwrap();
            ws.write_datetime_with_format(r, 8, &d, &date).unwrap();
        } else {
            ws.write_string(r, 8, format!("2026/11/{day} {h}:{m:02}:00"))
                .unwrap();
        }
        ws.write_string(r, 9, format!("第{i}号  报修   已处理"))
            .unwrap();
        let done = i % 20 != 0;
        if !done {
            filtered += 1;
        }
        ws.write_string(r, 10, if done { "已完成" } else { "处理中" })
            .unwrap();
    }
    wb.save(&xlsx).unwrap();
    let made = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(&xlsx).unwrap().len();

    let bin = env!("CARGO_BIN_EXE_huifang");
    let root = dir.path();
    let t = Instant::now();
    let out = Command::new(bin)
        .args(["import", "--json", "--profile"])
        .arg(&profile)
        .arg(&xlsx)
        .env_remove("HUIFANG_CONFIG")
        .env("HUIFANG_DB", root.join("bench.db"))
        .env("HUIFANG_NOW", "2026-12-03 10:00")
        .env("TZ", "Asia/Shanghai")
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("cfg"))
        .env("XDG_DATA_HOME", root.join("data"))
        .output()
        .expect("the binary runs");
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "import failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let imported = v["report"]["imported"].as_u64().unwrap();
    assert_eq!(imported, u64::from(rows - filtered), "{v}");
    assert_eq!(v["filtered"].as_u64().unwrap(), u64::from(filtered), "{v}");
    println!(
        "intake_xlsx: {rows} rows ({:.1} MB XLSX, made in {made:.1} s): mapped and imported in {secs:.2} s \
         ({imported} imported, {filtered} filtered) — target ≤ {TARGET_SECS} s: {}",
        size as f64 / 1e6,
        if !full {
            "not timed (a check run; use cargo bench)"
        } else if secs <= TARGET_SECS {
            "met"
        } else {
            "MISSED"
        }
    );
}
