use std::collections::HashMap;

use clap::{Args, Subcommand};
use color_eyre::eyre::Result;
use serde::Serialize;

use super::{Ctx, JsonFlag, print_json};
use crate::domain::{Attempt, CallbackTask, Record, mask_phone};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::import::{Field, build_event};
use crate::store::{EscalationFilter, EscalationView, Reads};
use crate::workflow::{Intake, IntakeResult, check_event};

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Add one event by hand, under the same rules as an import.
    #[command(
        after_help = "Example:\n  huifang event add --ref TS-2026-118 --category 投诉 --site 翠苑管理处 --customer 林一 \\\n    --phone 13912345678 --unit 1栋101 --department 工程部 --matter 漏水 --completed '2026-12-02 09:00'"
    )]
    Add(Box<AddArgs>),
    /// Show an event: whether it was selected and why, its tasks, attempts and records.
    #[command(after_help = "Example:\n  huifang event show TS-2026-118 --json")]
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long = "ref", value_name = "REF")]
    pub reference: String,
    /// Key or Chinese name: complaint 投诉, repair 维修, special_service 特约服务, …
    #[arg(long)]
    pub category: String,
    /// A major complaint (重大投诉).
    #[arg(long)]
    pub major: bool,
    #[arg(long, default_value = "")]
    pub site: String,
    #[arg(long, default_value = "")]
    pub customer: String,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub unit: String,
    #[arg(long, default_value = "")]
    pub department: String,
    #[arg(long, default_value = "")]
    pub matter: String,
    #[arg(long, default_value = "")]
    pub summary: String,
    /// When the work was finished (default now).
    #[arg(long, value_name = "DATETIME")]
    pub completed: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub contract_start: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub contract_end: Option<String>,
    /// individual (个人客户, default) | organisation (企业客户).
    #[arg(long, default_value = "")]
    pub customer_kind: String,
    /// The project stage the event reports (基础施工…), for categories that call back per stage.
    #[arg(long, default_value = "")]
    pub stage: String,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[arg(value_name = "REF")]
    pub reference: String,
    #[command(flatten)]
    pub json: JsonFlag,
}

pub fn run(ctx: &Ctx, c: &EventCommand) -> Result<()> {
    match c {
        EventCommand::Add(a) => add(ctx, a),
        EventCommand::Show(a) => show(ctx, a),
    }
}

fn add(ctx: &Ctx, a: &AddArgs) -> Result<()> {
    let completed = a
        .completed
        .clone()
        .unwrap_or_else(|| crate::clock::fmt_datetime(ctx.clock.now()));
    let values: HashMap<Field, String> = [
        (Field::Ref, a.reference.clone()),
        (Field::Category, a.category.clone()),
        (Field::Major, if a.major { "yes" } else { "no" }.to_string()),
        (Field::Site, a.site.clone()),
        (Field::Customer, a.customer.clone()),
        (Field::Phone, a.phone.clone()),
        (Field::Unit, a.unit.clone()),
        (Field::Department, a.department.clone()),
        (Field::Matter, a.matter.clone()),
        (Field::Summary, a.summary.clone()),
        (Field::CompletedAt, completed),
        (
            Field::ContractStart,
            a.contract_start.clone().unwrap_or_default(),
        ),
        (
            Field::ContractEnd,
            a.contract_end.clone().unwrap_or_default(),
        ),
        (Field::CustomerKind, a.customer_kind.clone()),
        (Field::Stage, a.stage.clone()),
    ]
    .into_iter()
    .map(|(f, v)| (f, v.trim().to_string()))
    .collect();
    let flag = |field: &str| {
        format!(
            "--{}",
            field.replace('_', "-").replace("completed-at", "completed")
        )
    };
    let event = build_event(&values, &ctx.config).map_err(|ps| {
        BadInput::many(
            ps.into_iter()
                .map(|(f, p)| format!("{}: {p}", flag(f)))
                .collect(),
        )
    })?;
    let problems = check_event(&ctx.config, &event);
    if !problems.is_empty() {
        return Err(BadInput::many(
            problems
                .into_iter()
                .map(|(f, p)| format!("{}: {p}", flag(f)))
                .collect(),
        )
        .into());
    }
    let mut store = ctx.open_store()?;
    let tx = store.write()?;
    let result = Intake::new(&ctx.config, ctx.clock.now()).take(&tx, &event)?;
    if let IntakeResult::Imported { selected, tasks } = &result {
        let after = serde_json::json!({ "selected": selected, "tasks": tasks });
        tx.audit(
            ctx.clock.now(),
            &ctx.operator,
            "event_add",
            &event.reference,
            None,
            Some(&after),
        )?;
    }
    tx.commit()?;
    let stored = store.event_by_ref(&event.reference)?;
    match (&result, a.json.json) {
        (IntakeResult::Conflict(fields), _) => Err(BadInput::new(format!(
            "--ref: `{}` is already stored with other content ({}): nothing was changed",
            event.reference,
            fields.join(", ")
        ))
        .into()),
        (_, true) => print_json(
            &serde_json::json!({ "result": format!("{result:?}"), "event": stored.map(|e| e.event.reference) }),
        ),
        (
            IntakeResult::Imported {
                selected: true,
                tasks,
            },
            false,
        ) => {
            println!(
                "{}",
                fill(
                    ctx.t("msg.event_added"),
                    &[("ref", &event.reference), ("tasks", tasks)]
                )
            );
            Ok(())
        }
        (IntakeResult::Skipped, false) => {
            println!(
                "{}",
                fill(ctx.t("msg.event_skipped"), &[("ref", &event.reference)])
            );
            Ok(())
        }
        (_, false) => {
            let reason = stored.map(|e| e.selection_reason).unwrap_or_default();
            println!(
                "{}",
                fill(
                    ctx.t("msg.event_not_selected"),
                    &[("ref", &event.reference), ("reason", &reason)]
                )
            );
            Ok(())
        }
    }
}

#[derive(Serialize)]
struct TaskJson {
    #[serde(flatten)]
    task: CallbackTask,
    task_id: i64,
    attempts_log: Vec<Attempt>,
    record: Option<Record>,
}

fn show(ctx: &Ctx, a: &ShowArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let Some(mut event) = store.event_by_ref(&a.reference)? else {
        return Err(BadInput::new(format!(
            "there is no event `{}`: check the ref (编号)",
            a.reference
        ))
        .into());
    };
    event.event.phone = mask_phone(&event.event.phone);
    let mut tasks = Vec::new();
    for t in store.tasks_of_event(event.id)? {
        tasks.push(TaskJson {
            task_id: t.id,
            attempts_log: store.attempts_of_task(t.id)?,
            record: store.record_of_task(t.id)?,
            task: t,
        });
    }
    let escalations: Vec<EscalationView> = store
        .escalations_where(EscalationFilter::Event(event.id), ctx.clock.today())?
        .into_iter()
        .map(|mut x| {
            x.phone = mask_phone(&x.phone);
            x
        })
        .collect();
    if a.json.json {
        return print_json(
            &serde_json::json!({ "event": event, "tasks": tasks, "escalations": escalations }),
        );
    }
    print!("{}", render_event(ctx, &event, &tasks, &escalations));
    Ok(())
}

fn render_event(
    ctx: &Ctx,
    e: &crate::domain::ServiceEvent,
    tasks: &[TaskJson],
    escalations: &[EscalationView],
) -> String {
    use crate::text::sanitize;
    use std::fmt::Write;
    let ev = &e.event;
    let zh = ctx.lang == crate::i18n::Lang::Zh;
    let cat = ctx
        .config
        .category(&ev.category)
        .map_or(ev.category.clone(), |(k, r)| {
            if zh { r.name.clone() } else { k.to_string() }
        });
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}  {}{}  {}",
        sanitize(&ev.reference),
        cat,
        if ev.major { " ‼" } else { "" },
        sanitize(&ev.site)
    );
    let kind = match (ev.customer_kind, zh) {
        (crate::domain::CustomerKind::Individual, _) => String::new(),
        (k, true) => format!(" ({})", k.zh()),
        (k, false) => format!(" ({})", k.code()),
    };
    let _ = writeln!(
        s,
        "  {}{kind} {}  {}  {}",
        sanitize(&ev.customer),
        sanitize(&ev.unit),
        sanitize(&ev.phone),
        sanitize(&ev.department)
    );
    if !ev.stage.is_empty() {
        let _ = writeln!(s, "  {} {}", ctx.t("label.stage"), sanitize(&ev.stage));
    }
    let _ = writeln!(
        s,
        "  {} {}  {}",
        crate::clock::fmt_datetime(ev.completed_at),
        sanitize(&ev.matter),
        sanitize(&ev.summary)
    );
    let sel = if e.selected {
        ctx.t("label.selected")
    } else {
        ctx.t("label.not_selected")
    };
    let _ = writeln!(s, "  {sel}: {}", sanitize(&e.selection_reason));
    for t in tasks {
        let state = if zh {
            t.task.state.zh()
        } else {
            t.task.state.code()
        };
        let kind = if zh {
            t.task.kind.zh()
        } else {
            t.task.kind.code()
        };
        let _ = writeln!(
            s,
            "  #{} {kind} {}..{} {state} ({})",
            t.task_id, t.task.opens, t.task.due, t.task.rule
        );
        for at in &t.attempts_log {
            let result = if zh { at.result.zh() } else { at.result.code() };
            let _ = writeln!(
                s,
                "      {} {result} {} {}",
                crate::clock::fmt_datetime(at.at),
                sanitize(&at.operator),
                sanitize(&at.note)
            );
        }
        if let Some(r) = &t.record {
            let outcome = if zh {
                r.record.outcome.zh()
            } else {
                r.record.outcome.code()
            };
            let _ = writeln!(
                s,
                "      {} {outcome} {} {}",
                crate::clock::fmt_datetime(r.recorded_at),
                sanitize(&r.operator),
                sanitize(&r.record.note)
            );
        }
    }
    for x in escalations {
        let state = if zh { x.state.zh() } else { x.state.code() };
        let _ = writeln!(
            s,
            "  ⚑ {} #{} R{} {state} {}",
            ctx.t("col.deadline"),
            x.id,
            x.round,
            x.deadline
        );
    }
    s
}
