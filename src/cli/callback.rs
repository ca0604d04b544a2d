use clap::Args;
use color_eyre::eyre::Result;

use super::{Ctx, JsonFlag, print_json};
use crate::domain::{AttemptResult, Channel, NewRecord, Outcome};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::workflow;

#[derive(Debug, Args)]
pub struct AttemptArgs {
    /// The task id (from `huifang due`).
    pub task: i64,
    /// no_answer | busy | wrong_number | refused | not_home (or 无人接听, 占线…).
    #[arg(long, value_parser = parse_result)]
    pub result: AttemptResult,
    /// phone (default) | visit | sms | email.
    #[arg(long, value_parser = parse_channel, default_value = "phone")]
    pub channel: Channel,
    #[arg(long, default_value = "")]
    pub note: String,
    /// Log it although it is outside the contact hours (kept with the attempt).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The task id (from `huifang due`).
    pub task: i64,
    /// satisfied | basic | unsatisfied (or 满意, 基本满意, 不满意).
    #[arg(long, value_parser = parse_outcome)]
    pub outcome: Outcome,
    /// phone | visit | sms | email (or 电话, 上门, 短信, 邮件).
    #[arg(long, value_parser = parse_channel)]
    pub channel: Channel,
    /// Quality score (质量评价), 1–5.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub quality: Option<u8>,
    /// Service effect score (服务效果评价), 1–5.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub effect: Option<u8>,
    /// 缺点与不足.
    #[arg(long, default_value = "")]
    pub shortcomings: String,
    /// 建议征集.
    #[arg(long, default_value = "")]
    pub suggestions: String,
    #[arg(long, default_value = "")]
    pub note: String,
    /// The customer signed the visit record (住户签名确认).
    #[arg(long)]
    pub signed: bool,
    /// An answer to one of the category's evaluation items, repeatable:
    /// `--answer received_qty=9.5`. `huifang rules explain CATEGORY` lists its items.
    #[arg(long = "answer", value_name = "KEY=VALUE", value_parser = parse_answer)]
    pub answers: Vec<(String, String)>,
    /// Record although the window has not opened yet, or a phone call-back outside the contact
    /// hours (kept with the record).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

fn coded<T>(s: &str, parse: fn(&str) -> Option<T>, codes: String) -> Result<T, String> {
    parse(s).ok_or_else(|| format!("`{s}` is not one of {codes}"))
}

fn parse_result(s: &str) -> Result<AttemptResult, String> {
    coded(s, AttemptResult::parse, AttemptResult::codes())
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    coded(s, Channel::parse, Channel::codes())
}

pub(super) fn parse_answer(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not KEY=VALUE, e.g. received_qty=9.5")),
    }
}

fn parse_outcome(s: &str) -> Result<Outcome, String> {
    coded(s, Outcome::parse, Outcome::codes())
}

pub fn attempt(ctx: &Ctx, a: &AttemptArgs) -> Result<()> {
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let t = workflow::Try {
        result: a.result,
        channel: a.channel,
        note: &a.note,
        force: a.force,
    };
    let done = workflow::attempt(&tx, &ctx.config, a.task, t, &ctx.operator, ctx.clock.now())?;
    tx.commit()?;
    if a.json.json {
        return print_json(&done);
    }
    let vars: [(&str, &dyn std::fmt::Display); 3] = [
        ("task", &done.task_id),
        ("n", &done.attempts),
        ("max", &done.max_attempts),
    ];
    println!("{}", fill(ctx.t("msg.attempt"), &vars));
    if done.unreachable {
        println!("{}", fill(ctx.t("msg.unreachable"), &vars));
    }
    if let Some(sub) = &done.substitute {
        println!("{}", fill(ctx.t("msg.substitute"), &[("ref", sub)]));
    }
    Ok(())
}

pub fn record(ctx: &Ctx, a: &RecordArgs) -> Result<()> {
    if a.signed && a.channel != Channel::Visit {
        return Err(BadInput::new(
            "--signed: only a visit record is signed by the customer (--channel visit)",
        )
        .into());
    }
    let rec = NewRecord {
        channel: a.channel,
        outcome: a.outcome,
        quality: a.quality,
        effect: a.effect,
        shortcomings: a.shortcomings.trim().to_string(),
        suggestions: a.suggestions.trim().to_string(),
        note: a.note.trim().to_string(),
        signed: a.signed,
        answers: a.answers.iter().cloned().collect(),
    };
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let done = workflow::record(
        &tx,
        &ctx.config,
        a.task,
        &rec,
        &ctx.operator,
        ctx.clock.now(),
        a.force,
    )?;
    tx.commit()?;
    if a.json.json {
        return print_json(&done);
    }
    println!(
        "{}",
        fill(ctx.t("msg.recorded"), &[("task", &done.task_id)])
    );
    let id = done.escalation.map_or(0, |x| x.id);
    for d in &done.discrepancies {
        println!(
            "{}",
            fill(ctx.t("msg.discrepancy"), &[("what", d), ("id", &id)])
        );
    }
    // A discrepancy's own line already says it escalated; the outcome's would say "unsatisfied".
    if let Some(x) = done.escalation.filter(|_| done.discrepancies.is_empty()) {
        println!("{}", escalation_message(ctx.lang, &x));
    }
    Ok(())
}

/// What a record did to an escalation, in a line.
pub fn escalation_message(
    lang: crate::i18n::Lang,
    x: &crate::workflow::escalation::EscalationChange,
) -> String {
    use crate::domain::EscalationState;
    let key = match (x.state, x.round) {
        (EscalationState::Closed, _) => "msg.escalation_closed",
        (_, 1) => "msg.escalated",
        _ => "msg.escalation_next_round",
    };
    fill(
        crate::i18n::t(lang, key),
        &[("id", &x.id), ("round", &x.round)],
    )
}
