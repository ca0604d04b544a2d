use clap::Args;
use color_eyre::eyre::Result;

use super::{Ctx, JsonFlag, print_json};
use crate::domain::Outcome;
use crate::i18n::fill;
use crate::workflow::review::{self, Changes};

#[derive(Debug, Args)]
pub struct CorrectArgs {
    /// The record's id.
    pub record: i64,
    /// Why it is corrected (kept with the correction).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// satisfied | basic | unsatisfied.
    #[arg(long, value_parser = parse_outcome)]
    pub outcome: Option<Outcome>,
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub quality: Option<u8>,
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub effect: Option<u8>,
    #[arg(long)]
    pub shortcomings: Option<String>,
    #[arg(long)]
    pub suggestions: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// A corrected answer to one of the category's own items, repeatable: `--answer received_qty=30`.
    #[arg(long = "answer", value_name = "KEY=VALUE", value_parser = super::callback::parse_answer)]
    pub answers: Vec<(String, String)>,
    #[command(flatten)]
    pub json: JsonFlag,
}

fn parse_outcome(s: &str) -> Result<Outcome, String> {
    Outcome::parse(s).ok_or_else(|| format!("`{s}` is not one of {}", Outcome::codes()))
}

pub fn run(ctx: &Ctx, a: &CorrectArgs) -> Result<()> {
    let changes = Changes {
        outcome: a.outcome,
        quality: a.quality,
        effect: a.effect,
        shortcomings: a.shortcomings.as_deref().map(|s| s.trim().to_string()),
        suggestions: a.suggestions.as_deref().map(|s| s.trim().to_string()),
        note: a.note.as_deref().map(|s| s.trim().to_string()),
        answers: a.answers.iter().cloned().collect(),
    };
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let k = review::correct(
        &tx,
        &ctx.config,
        a.record,
        &changes,
        &a.reason,
        &ctx.operator,
        ctx.clock.now(),
    )?;
    tx.commit()?;
    if a.json.json {
        return print_json(&k);
    }
    println!(
        "{}",
        fill(
            ctx.t("msg.corrected"),
            &[("id", &a.record), ("correction", &k.id)]
        )
    );
    Ok(())
}
