use clap::Args;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::table::Table;
use super::{Ctx, JsonFlag, print_json};
use crate::domain::mask_phone;
use crate::store::{EscalationView, Reads};

#[derive(Debug, Args)]
pub struct EscalationsArgs {
    /// Closed ones too.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Serialize)]
struct EscalationJson<'a> {
    #[serde(flatten)]
    view: &'a EscalationView,
    overdue: bool,
}

pub fn run(ctx: &Ctx, a: &EscalationsArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let today = ctx.clock.today();
    let mut list = store.escalations(a.all)?;
    for x in &mut list {
        x.phone = mask_phone(&x.phone);
    }
    if a.json.json {
        let out: Vec<_> = list
            .iter()
            .map(|view| EscalationJson {
                view,
                overdue: view.state != crate::domain::EscalationState::Closed
                    && view.deadline < today,
            })
            .collect();
        return print_json(&out);
    }
    if list.is_empty() {
        println!("{}", ctx.t("msg.no_escalations"));
        return Ok(());
    }
    let zh = ctx.lang == crate::i18n::Lang::Zh;
    let mut t = Table::new(
        &[
            "col.id",
            "col.ref",
            "col.customer",
            "col.unit",
            "col.round",
            "col.state",
            "col.deadline",
            "col.outcome",
            "col.operator",
        ]
        .map(|k| ctx.t(k)),
    );
    for x in &list {
        let overdue = if x.deadline < today { " !" } else { "" };
        t.row(vec![
            x.id.to_string(),
            x.event_ref.clone(),
            x.customer.clone(),
            x.unit.clone(),
            x.round.to_string(),
            if zh { x.state.zh() } else { x.state.code() }.to_string(),
            format!("{}{overdue}", x.deadline),
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
