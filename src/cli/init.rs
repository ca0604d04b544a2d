//! `huifang init`: a config of the user's own that starts from a preset, written whole or not at
//! all, never over an existing file unless asked.

use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::{Result, WrapErr};

use crate::config::{Config, DEFAULT_PRESET, default_config_path};
use crate::error::BadInput;
use crate::i18n::{Lang, fill, t};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The preset to start from (`huifang rules presets` lists them).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_PRESET)]
    pub preset: String,
    /// Where to write it (default: config.toml in the user's config dir, which huifang reads).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs without loading any config: it is how a missing or broken one gets replaced.
pub fn run(lang: Lang, explicit_config: Option<&std::path::Path>, a: &InitArgs) -> Result<()> {
    let preset = crate::presets::find("--preset", &a.preset)?;
    let path = match &a.output {
        Some(p) => p.clone(),
        None => default_config_path().ok_or_else(|| {
            BadInput::new("-o: no config dir on this machine: name the file with -o FILE")
        })?,
    };
    if path.is_dir() {
        return Err(BadInput::new(format!(
            "{}: is a folder: name a file with -o FILE",
            path.display()
        ))
        .into());
    }
    if path.exists() && !a.force {
        return Err(BadInput::new(format!(
            "{}: exists already: pass --force to replace it, or -o FILE to write another",
            path.display()
        ))
        .into());
    }
    let text = crate::presets::starter_config(&preset);
    // What is written must load: checked before anything touches the disk.
    let config = Config::from_user_text(Some(&path.display().to_string()), &text)
        .wrap_err("the starter config does not load (a bug in huifang)")?;
    crate::atomic_write::write_atomic(&path, text.as_bytes())
        .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    println!(
        "{}",
        fill(
            t(lang, "msg.init_written"),
            &[
                ("path", &path.display()),
                ("preset", &preset.name),
                ("regulation", &preset.regulation),
                ("n", &config.categories.len()),
            ]
        )
    );
    // The file is not the one huifang reads when another is named: say so.
    let in_use = explicit_config
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HUIFANG_CONFIG").map(PathBuf::from))
        .or_else(|| a.output.is_some().then(default_config_path).flatten());
    if let Some(used) = in_use.filter(|u| *u != path) {
        println!(
            "{}",
            fill(
                t(lang, "msg.init_not_in_use"),
                &[("path", &path.display()), ("used", &used.display())]
            )
        );
    }
    Ok(())
}
