use clap::{Args, Subcommand};
use color_eyre::eyre::Result;
use serde::Serialize;

use super::table::Table;
use super::{Ctx, JsonFlag, print_json};
use crate::domain::{Record, mask_phone};
use crate::error::BadInput;
use crate::i18n::{Lang, fill};
use crate::store::{Correction, EscalationStep, EscalationView, Reads, Review, Store};
use crate::workflow::escalation;

#[derive(Debug, Args)]
pub struct EscalationsArgs {
    /// Closed ones too.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum EscalationCommand {
    /// The whole chain of one escalation: the event, every record, every handling.
    #[command(after_help = "Example:\n  huifang escalation show 3 --json")]
    Show {
        id: i64,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Give it to a handler (and a department; default the event's), as the manager.
    #[command(after_help = "Example:\n  huifang escalation assign 3 --to 王工 --department 工程部")]
    Assign {
        id: i64,
        /// Who handles it.
        #[arg(long, value_name = "NAME")]
        to: String,
        /// The department (责任部门); default the one it has, else the event's.
        #[arg(long, value_name = "DEPT")]
        department: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Record the handling (处理措施); makes the re-call-back task at once.
    #[command(
        after_help = "Example:\n  huifang escalation handle 3 --measures '更换防水层，已试水' --by 王工"
    )]
    Handle {
        id: i64,
        /// What was done.
        #[arg(long, value_name = "TEXT")]
        measures: String,
        /// Who did it (default the assigned handler, else you).
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Open an escalation by hand for an event (a manager or supervisor).
    #[command(after_help = "Example:\n  huifang escalation open TS-9 --reason '业户来电再次投诉'")]
    Open {
        /// The event's ref (编号).
        event: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        json: JsonFlag,
    },
}

fn masked(mut v: EscalationView) -> EscalationView {
    v.phone = mask_phone(&v.phone);
    v
}

pub fn run(ctx: &Ctx, a: &EscalationsArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let today = ctx.clock.today();
    let list: Vec<_> = store
        .escalations(a.all, today)?
        .into_iter()
        .map(masked)
        .collect();
    if a.json.json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("{}", ctx.t("msg.no_escalations"));
        return Ok(());
    }
    let zh = ctx.lang == Lang::Zh;
    let mut t = Table::new(
        &[
            "col.id",
            "col.ref",
            "col.customer",
            "col.unit",
            "col.round",
            "col.state",
            "col.deadline",
            "col.handler",
            "col.outcome",
            "col.operator",
        ]
        .map(|k| ctx.t(k)),
    );
    for x in &list {
        let overdue = if x.overdue { " !" } else { "" };
        t.row(vec![
            x.id.to_string(),
            x.event_ref.clone(),
            x.customer.clone(),
            x.unit.clone(),
            x.round.to_string(),
            if zh { x.state.zh() } else { x.state.code() }.to_string(),
            format!("{}{overdue}", x.deadline),
            x.handler.clone().unwrap_or_default(),
            x.outcome
                .map(|o| if zh { o.zh() } else { o.code() })
                .unwrap_or("")
                .to_string(),
            x.operator.clone().unwrap_or_default(),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}

pub fn command(ctx: &Ctx, c: &EscalationCommand) -> Result<()> {
    let now = ctx.clock.now();
    match c {
        EscalationCommand::Show { id, json } => show(ctx, *id, json.json),
        EscalationCommand::Assign {
            id,
            to,
            department,
            json,
        } => {
            let mut store = ctx.open_store()?;
            let tx = store.write()?;
            let x = escalation::assign(&tx, *id, to, department.as_deref(), &ctx.operator, now)?;
            tx.commit()?;
            if json.json {
                return print_json(&masked(x));
            }
            println!(
                "{}",
                fill(
                    ctx.t("msg.assigned"),
                    &[("id", &x.id), ("who", &to.trim()), ("dept", &x.department)]
                )
            );
            Ok(())
        }
        EscalationCommand::Handle {
            id,
            measures,
            by,
            json,
        } => {
            let mut store = ctx.open_store()?;
            let tx = store.write()?;
            let done = escalation::handle(
                &tx,
                &ctx.config,
                *id,
                measures,
                by.as_deref(),
                &ctx.operator,
                now,
            )?;
            tx.commit()?;
            if json.json {
                return print_json(&done);
            }
            println!(
                "{}",
                fill(
                    ctx.t("msg.handled"),
                    &[
                        ("id", &done.escalation_id),
                        ("round", &done.round),
                        ("task", &done.task_id),
                        ("due", &done.due),
                    ]
                )
            );
            Ok(())
        }
        EscalationCommand::Open {
            event,
            reason,
            json,
        } => {
            let mut store = ctx.open_store()?;
            let tx = store.write()?;
            let id = escalation::open_by_hand(&tx, &ctx.config, event, reason, &ctx.operator, now)?;
            tx.commit()?;
            if json.json {
                return print_json(&serde_json::json!({ "escalation_id": id }));
            }
            println!("{}", fill(ctx.t("msg.escalation_opened"), &[("id", &id)]));
            Ok(())
        }
    }
}

/// A record in an escalation's chain, with its review and corrections.
#[derive(Debug, Clone, Serialize)]
pub struct ChainRecord {
    #[serde(flatten)]
    pub record: Record,
    pub review: Option<Review>,
    pub corrections: Vec<Correction>,
}

/// One step of the chain, with its record in full.
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    #[serde(flatten)]
    pub step: EscalationStep,
    pub record: Option<ChainRecord>,
}

/// The whole chain of an escalation, for `escalation show` (and the TUI).
pub fn chain(store: &impl Reads, id: i64) -> Result<Vec<ChainStep>> {
    let mut out = Vec::new();
    for step in store.escalation_steps(id)? {
        let record = match step.record_id {
            Some(r) => match store.record_by_id(r)? {
                Some(record) => Some(ChainRecord {
                    review: store.review_of(r)?,
                    corrections: store.corrections_of(r)?,
                    record,
                }),
                None => None,
            },
            None => None,
        };
        out.push(ChainStep { step, record });
    }
    Ok(out)
}

fn show(ctx: &Ctx, id: i64, json: bool) -> Result<()> {
    let store: Store = ctx.open_store()?;
    let Some(x) = store.escalation(id, ctx.clock.today())? else {
        return Err(BadInput::new(format!(
            "there is no escalation {id}: `huifang escalations --all` lists them"
        ))
        .into());
    };
    let x = masked(x);
    let mut event = store.event_by_ref(&x.event_ref)?;
    if let Some(e) = event.as_mut() {
        e.event.phone = mask_phone(&e.event.phone);
    }
    let history = chain(&store, id)?;
    if json {
        return print_json(&serde_json::json!({
            "escalation": x,
            "id": x.id,
            "event_ref": x.event_ref,
            "round": x.round,
            "state": x.state,
            "deadline": x.deadline,
            "overdue": x.overdue,
            "event": event,
            "history": history,
        }));
    }
    print!("{}", render(ctx, &x, event.as_ref(), &history));
    Ok(())
}

fn render(
    ctx: &Ctx,
    x: &EscalationView,
    event: Option<&crate::domain::ServiceEvent>,
    history: &[ChainStep],
) -> String {
    use crate::text::sanitize;
    use std::fmt::Write;
    let zh = ctx.lang == Lang::Zh;
    let mut s = String::new();
    let state = if zh { x.state.zh() } else { x.state.code() };
    let _ = writeln!(
        s,
        "{} {} · {} · R{} · {} · {} {}{}",
        ctx.t("label.escalation"),
        x.id,
        sanitize(&x.event_ref),
        x.round,
        state,
        ctx.t("col.deadline"),
        x.deadline,
        if x.overdue {
            format!(" ({})", ctx.t("label.overdue"))
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        s,
        "{} {} · {} · {}",
        sanitize(&x.customer),
        sanitize(&x.unit),
        x.phone,
        sanitize(&x.site)
    );
    if !x.department.is_empty() || x.handler.is_some() {
        let _ = writeln!(
            s,
            "{} {} · {}",
            ctx.t("col.handler"),
            sanitize(x.handler.as_deref().unwrap_or("—")),
            sanitize(&x.department)
        );
    }
    if let Some(e) = event {
        let _ = writeln!(
            s,
            "{} {} · {}",
            ctx.t("label.matter"),
            sanitize(&e.event.matter),
            sanitize(&e.event.summary)
        );
    }
    s.push('\n');
    for line in chain_lines(ctx.lang, history) {
        let _ = writeln!(s, "{line}");
    }
    s
}

/// The chain as lines of text, one or more per step (also shown by the TUI).
pub fn chain_lines(lang: Lang, history: &[ChainStep]) -> Vec<String> {
    use crate::text::sanitize;
    let zh = lang == Lang::Zh;
    let t = |k: &str| crate::i18n::t(lang, k);
    let mut out = Vec::new();
    for c in history {
        let st = &c.step;
        let kind = if zh { st.kind.zh() } else { st.kind.code() };
        let mut line = format!(
            "{}  R{}  {:<8}  {}",
            crate::clock::fmt_datetime(st.at),
            st.round,
            kind,
            sanitize(&st.actor)
        );
        match st.kind {
            crate::domain::StepKind::Assigned => {
                line.push_str(&format!(
                    " → {} ({})",
                    sanitize(st.person.as_deref().unwrap_or("")),
                    sanitize(st.department.as_deref().unwrap_or(""))
                ));
            }
            crate::domain::StepKind::Handled => {
                line.push_str(&format!(
                    " · {} {} · {}: {}",
                    t("label.by"),
                    sanitize(st.person.as_deref().unwrap_or("")),
                    t("label.measures"),
                    sanitize(&st.text)
                ));
                if let Some(task) = st.task_id {
                    line.push_str(&format!(" · {} {task}", t("label.recall_task")));
                }
            }
            _ if !st.text.is_empty() => {
                let text = crate::domain::Outcome::parse(&st.text)
                    .map(|o| if zh { o.zh() } else { o.code() }.to_string())
                    .unwrap_or_else(|| sanitize(&st.text));
                line.push_str(&format!(" · {text}"));
            }
            _ => {}
        }
        out.push(line);
        if let Some(r) = &c.record
            && matches!(
                st.kind,
                crate::domain::StepKind::Opened | crate::domain::StepKind::Recalled
            )
        {
            let rec = &r.record.record;
            out.push(format!(
                "      {} {} · {} {} · {} · {} {}",
                t("label.record"),
                r.record.id,
                t("form.outcome"),
                if zh {
                    rec.outcome.zh()
                } else {
                    rec.outcome.code()
                },
                sanitize(&r.record.operator),
                t("form.channel"),
                if zh {
                    rec.channel.zh()
                } else {
                    rec.channel.code()
                },
            ));
            for (key, text) in [
                ("form.shortcomings", &rec.shortcomings),
                ("form.suggestions", &rec.suggestions),
                ("form.note", &rec.note),
            ] {
                if !text.is_empty() {
                    out.push(format!("      {} {}", t(key), sanitize(text)));
                }
            }
            // The category's own evaluation items, by key (the chain spans one event).
            for (item, value) in &rec.answers {
                out.push(format!("      {} {}", sanitize(item), sanitize(value)));
            }
            if let Some(v) = &r.review {
                out.push(format!(
                    "      {} {} · {} · {}",
                    t("label.review"),
                    if v.qualified {
                        t("label.qualified")
                    } else {
                        t("label.unqualified")
                    },
                    sanitize(&v.reviewer),
                    sanitize(&v.comment)
                ));
            }
            for k in &r.corrections {
                out.push(format!(
                    "      {} {} · {} · {} · {}",
                    t("label.correction"),
                    k.id,
                    if zh { k.outcome.zh() } else { k.outcome.code() },
                    sanitize(&k.actor),
                    sanitize(&k.reason)
                ));
                for (item, value) in &k.answers {
                    out.push(format!("        {} {}", sanitize(item), sanitize(value)));
                }
            }
        }
    }
    out
}
