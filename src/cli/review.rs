use clap::Args;
use color_eyre::eyre::Result;

use super::table::Table;
use super::{Ctx, JsonFlag, print_json};
use crate::i18n::{Lang, fill};
use crate::store::Reads;
use crate::workflow::review;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("verdict").args(["qualified", "unqualified"]).requires("record")))]
pub struct ReviewArgs {
    /// The record to review; without it, the records waiting for review, oldest first.
    pub record: Option<i64>,
    /// The record is qualified (合格).
    #[arg(long)]
    pub qualified: bool,
    /// The record is unqualified (不合格): opens an escalation.
    #[arg(long)]
    pub unqualified: bool,
    /// The supervisor's comment (加注意见).
    #[arg(long, default_value = "", value_name = "TEXT")]
    pub comment: String,
    /// At most this many records in the queue.
    #[arg(long)]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub fn run(ctx: &Ctx, a: &ReviewArgs) -> Result<()> {
    let Some(record) = a.record else {
        return queue(ctx, a);
    };
    if !a.qualified && !a.unqualified {
        return Err(crate::error::BadInput::new(format!(
            "review {record}: say --qualified or --unqualified (with --comment TEXT)"
        ))
        .into());
    }
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let done = review::review(
        &tx,
        &ctx.config,
        record,
        a.qualified,
        &a.comment,
        &ctx.operator,
        ctx.clock.now(),
    )?;
    tx.commit()?;
    if a.json.json {
        return print_json(&done);
    }
    let key = if done.qualified {
        "msg.reviewed_qualified"
    } else {
        "msg.reviewed_unqualified"
    };
    println!("{}", fill(ctx.t(key), &[("id", &record)]));
    if let Some(x) = done.escalation_id {
        println!("{}", fill(ctx.t("msg.escalation_opened"), &[("id", &x)]));
    }
    Ok(())
}

fn queue(ctx: &Ctx, a: &ReviewArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let list = store.review_queue(a.limit)?;
    if a.json.json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("{}", ctx.t("msg.no_reviews"));
        return Ok(());
    }
    let zh = ctx.lang == Lang::Zh;
    let mut t = Table::new(
        &[
            "col.id",
            "col.ref",
            "col.customer",
            "col.outcome",
            "col.operator",
            "col.recorded",
            "form.note",
        ]
        .map(|k| ctx.t(k)),
    );
    for r in &list {
        t.row(vec![
            r.id.to_string(),
            r.event_ref.clone(),
            r.customer.clone(),
            if zh { r.outcome.zh() } else { r.outcome.code() }.to_string(),
            r.operator.clone(),
            crate::clock::fmt_datetime(r.recorded_at),
            r.note.clone(),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}
