use clap::Args;
use color_eyre::eyre::Result;

use super::{Ctx, JsonFlag, print_json};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::rules::quarter::Quarter;
use crate::workflow::quarter;

#[derive(Debug, Args)]
pub struct CloseQuarterArgs {
    /// The quarter to close, `2026-Q3` (default: the quarter that ended last).
    #[arg(long, value_name = "YYYY-Qn")]
    pub quarter: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub fn run(ctx: &Ctx, a: &CloseQuarterArgs) -> Result<()> {
    let q = match &a.quarter {
        Some(s) => Some(Quarter::parse(s).ok_or_else(|| {
            BadInput::new(format!(
                "--quarter: `{s}` is not a quarter: expected 2026-Q3 (Q1 to Q4)"
            ))
        })?),
        None => None,
    };
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let done = quarter::close_by_hand(&tx, q, &ctx.operator, ctx.clock.now())?;
    tx.commit()?;
    if a.json.json {
        return print_json(&done);
    }
    println!(
        "{}",
        fill(
            ctx.t("msg.quarter_closed"),
            &[("quarter", &done.quarter), ("through", &done.through)]
        )
    );
    if done.unreviewed > 0 {
        println!(
            "{}",
            fill(
                ctx.t("msg.quarter_unreviewed"),
                &[("n", &done.unreviewed), ("quarter", &done.quarter)]
            )
        );
    }
    Ok(())
}
