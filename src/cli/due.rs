use clap::Args;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::table::Table;
use super::{Ctx, JsonFlag, category_arg, date_arg, print_json_seq};
use crate::domain::mask_phone;
use crate::store::{DueItem, DueQuery, Reads};
use crate::workflow::{Contact, Contacts};

#[derive(Debug, Args)]
pub struct DueArgs {
    /// The day to look at (default today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Only this site (管理处).
    #[arg(long)]
    pub site: Option<String>,
    /// Only this category (key or Chinese name).
    #[arg(long)]
    pub category: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// A due item as scripts see it: the phone masked.
#[derive(Serialize)]
struct DueJson<'a> {
    task_id: i64,
    event_ref: &'a str,
    category: &'a str,
    major: bool,
    site: &'a str,
    customer: &'a str,
    phone: String,
    unit: &'a str,
    matter: &'a str,
    kind: &'a str,
    #[serde(serialize_with = "crate::clock::ser_date")]
    opens: chrono::NaiveDate,
    #[serde(serialize_with = "crate::clock::ser_date")]
    due: chrono::NaiveDate,
    state: &'a str,
    attempts: u32,
    role: &'a str,
    claimed_by: Option<&'a str>,
    /// Earlier events on the same matter at the same customer or unit.
    repeat_count: u32,
    #[serde(serialize_with = "crate::clock::ser_opt_datetime")]
    next_attempt_at: Option<chrono::NaiveDateTime>,
    // The three of `Contact`, written out: `flatten` would go through a map serializer.
    channel: crate::domain::Channel,
    callable_now: bool,
    #[serde(serialize_with = "crate::clock::ser_opt_datetime")]
    next_callable_at: Option<chrono::NaiveDateTime>,
}

impl<'a> DueJson<'a> {
    fn new(d: &'a DueItem, contact: Contact) -> Self {
        Self {
            task_id: d.task_id,
            event_ref: &d.event_ref,
            category: &d.category,
            major: d.major,
            site: &d.site,
            customer: &d.customer,
            phone: mask_phone(&d.phone),
            unit: &d.unit,
            matter: &d.matter,
            kind: d.kind.code(),
            opens: d.opens,
            due: d.due,
            state: d.state.code(),
            attempts: d.attempts,
            role: &d.role,
            claimed_by: d.claimed_by.as_deref(),
            repeat_count: d.repeat_count,
            next_attempt_at: d.next_attempt_at,
            channel: contact.channel,
            callable_now: contact.callable_now,
            next_callable_at: contact.next_callable_at,
        }
    }
}

pub fn run(ctx: &Ctx, a: &DueArgs) -> Result<()> {
    let q = DueQuery {
        day: a
            .date
            .as_deref()
            .map(|d| date_arg("--date", d))
            .transpose()?,
        site: a.site.clone(),
        category: a
            .category
            .as_deref()
            .map(|c| category_arg(&ctx.config, c))
            .transpose()?,
        limit: None,
    };
    let store = ctx.open_store()?;
    let items = store.due(&q, ctx.clock.now())?;
    if a.json.json {
        // Streamed: at a million events the list is thousands of items, megabytes of JSON.
        let mut contacts = Contacts::new(&ctx.config, ctx.clock.now());
        let items = items.iter().map(|d| DueJson::new(d, contacts.of(d)));
        return print_json_seq(items);
    }
    if items.is_empty() {
        println!("{}", ctx.t("msg.no_due"));
        return Ok(());
    }
    let zh = ctx.lang == crate::i18n::Lang::Zh;
    let mut t = Table::new(
        &[
            "col.task",
            "col.state",
            "col.due",
            "col.category",
            "col.customer",
            "col.unit",
            "col.phone",
            "col.attempts",
            "col.role",
        ]
        .map(|k| ctx.t(k)),
    );
    for d in &items {
        let category = ctx
            .config
            .category(&d.category)
            .map_or(
                d.category.as_str(),
                |(k, r)| if zh { r.name.as_str() } else { k },
            );
        t.row(vec![
            d.task_id.to_string(),
            if zh { d.state.zh() } else { d.state.code() }.to_string(),
            d.due.to_string(),
            format!("{category}{}", if d.major { " ‼" } else { "" }),
            d.customer.clone(),
            d.unit.clone(),
            mask_phone(&d.phone),
            d.attempts.to_string(),
            ctx.config.role_label(&d.role, ctx.lang).to_string(),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}
