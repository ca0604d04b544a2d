//! `huifang rules presets` and `huifang init --preset`: the registry as scripts see it, and a
//! starter config that loads, passes `rules check`, and is never written over by accident.

mod common;

use common::*;

#[test]
fn rules_presets_json_lists_every_preset_with_its_regulation() {
    let env = Env::new();
    let v = env.run(&["rules", "presets", "--json"]).ok().json();
    let list = v.as_array().expect("an array");
    assert_eq!(list.len(), huifang::config::PRESETS.len());
    for p in list {
        for key in ["name", "regulation", "description"] {
            assert!(!s(p, key).is_empty(), "{key} in {p}");
        }
        assert!(p["categories"].as_u64().unwrap() > 0, "{p}");
        assert!(p["default"].is_boolean(), "{p}");
        assert!(s(p, "rules_version").starts_with(s(p, "name")), "{p}");
    }
    let by_name = |n: &str| list.iter().find(|p| s(p, "name") == n).unwrap().clone();
    assert_eq!(
        s(&by_name("callback-sop"), "regulation"),
        "回访管理作业规程"
    );
    assert_eq!(by_name("callback-sop")["default"], true);
    assert_eq!(
        s(&by_name("visit-sop"), "regulation"),
        "走访、回访管理标准作业规程"
    );
    assert_eq!(by_name("visit-sop")["categories"], 8);
}

#[test]
fn rules_presets_table_in_both_languages_even_with_a_broken_config() {
    let env = Env::new();
    let bad = env.write("bad.toml", "[ui]\nclaim_minutes = 0\n");
    let zh = env.run(&[
        "--config".as_ref(),
        bad.as_os_str(),
        "rules".as_ref(),
        "presets".as_ref(),
    ]);
    zh.ok();
    assert!(zh.stdout.contains("规章制度"), "{}", zh.stdout);
    assert!(zh.stdout.contains("走访、回访管理标准作业规程"));
    let en = env.run(&["--lang", "en", "rules", "presets"]);
    en.ok();
    assert!(en.stdout.contains("Regulation"), "{}", en.stdout);
    assert!(en.stdout.contains("visit-sop"));
    let help = env.run(&["rules", "presets", "--help"]);
    assert!(help.stdout.contains("Examples:"), "{}", help.stdout);
}

#[test]
fn init_writes_a_config_that_loads_and_passes_rules_check() {
    let env = Env::new();
    let out = env.run(&["init", "--preset", "visit-sop"]);
    out.ok();
    let path = env.path("xdg-config/huifang/config.toml");
    assert!(path.exists(), "written to the config dir: {}", out.stdout);
    assert!(out.stdout.contains(&path.display().to_string()));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("preset = \"visit-sop\""), "{text}");
    assert!(text.contains("走访、回访管理标准作业规程"));
    let check = env.run(&["rules".as_ref(), "check".as_ref(), path.as_os_str()]);
    check.ok();
    assert!(check.stdout.contains("visit-sop/1"), "{}", check.stdout);
    // And huifang now reads it: the rules are the visit preset's (repairs 80%).
    let explain = env
        .run(&["rules", "explain", "repair", "--json"])
        .ok()
        .json();
    assert_eq!(explain["rate"], 0.8);
    assert_eq!(s(&explain, "rules_version"), "visit-sop/1");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "owner-only: {mode:o}");
    }
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let env = Env::new();
    let file = env.write("desk.toml", "operator = \"小王\"\n");
    let out = env.run(&[
        "init".as_ref(),
        "--preset".as_ref(),
        "visit-sop".as_ref(),
        "-o".as_ref(),
        file.as_os_str(),
    ]);
    out.bad_input();
    assert!(out.stderr.contains("desk.toml"), "{}", out.stderr);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "operator = \"小王\"\n",
        "untouched"
    );
    let out = env.run(&[
        "init".as_ref(),
        "--preset".as_ref(),
        "visit-sop".as_ref(),
        "-o".as_ref(),
        file.as_os_str(),
        "--force".as_ref(),
    ]);
    out.ok();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("preset = \"visit-sop\"")
    );
    // Even a broken config in use does not stop init from replacing it.
    let cfg = env.path("xdg-config/huifang/config.toml");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, "[nonsense\n").unwrap();
    env.run(&["init", "--force"]).ok();
    env.run(&["rules", "check"]).ok();
}

#[test]
fn init_with_an_unknown_preset_lists_the_names() {
    let env = Env::new();
    let out = env.run(&["init", "--preset", "nope", "-o", "x.toml"]);
    out.bad_input();
    assert!(
        out.stderr.contains("unknown preset `nope`"),
        "{}",
        out.stderr
    );
    for (name, _) in huifang::config::PRESETS {
        assert!(out.stderr.contains(name), "{}", out.stderr);
    }
    assert!(!env.path("x.toml").exists());
    let help = env.run(&["init", "--help"]);
    assert!(help.stdout.contains("Examples:"), "{}", help.stdout);
}
