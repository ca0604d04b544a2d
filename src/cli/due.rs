use clap::Args;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::json;
use super::table::Table;
use super::{Ctx, JsonFlag, category_arg, date_arg, print_json_seq};
use crate::domain::mask_phone;
use crate::store::Store;
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
    fn new<S: AsRef<str>>(d: &'a DueItem<S>, contact: Contact) -> Self {
        Self {
            task_id: d.task_id,
            event_ref: d.event_ref.as_ref(),
            category: d.category.as_ref(),
            major: d.major,
            site: d.site.as_ref(),
            customer: d.customer.as_ref(),
            phone: mask_phone(d.phone.as_ref()),
            unit: d.unit.as_ref(),
            matter: d.matter.as_ref(),
            kind: d.kind.code(),
            opens: d.opens,
            due: d.due,
            state: d.state.code(),
            attempts: d.attempts,
            role: d.role.as_ref(),
            claimed_by: d.claimed_by.as_ref().map(AsRef::as_ref),
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
    if a.json.json {
        return print_json(ctx, &store, &q);
    }
    let items = store.due(&q, ctx.clock.now())?;
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

/// `due --json`. On a terminal, pretty, through serde. Into a pipe (scripts; at a million events
/// thousands of items, megabytes), each item is written as it is read, its text straight from
/// SQLite's row into one buffer, and the items are then put in due order: no copy of an item's
/// text, no escaping pass over text that needs none.
fn print_json(ctx: &Ctx, store: &Store, q: &DueQuery) -> Result<()> {
    use std::io::{IsTerminal, Write};
    let now = ctx.clock.now();
    let mut contacts = Contacts::new(&ctx.config, now);
    if std::io::stdout().is_terminal() {
        let items = store.due(q, now)?;
        return print_json_seq(items.iter().map(|d| DueJson::new(d, contacts.of(d))));
    }
    // Room for a long list up front (only what is written is touched): a growing buffer would
    // be copied into fresh pages, and fresh pages are a good part of this command's time.
    let mut buf = Vec::with_capacity(16 << 20);
    let mut order = Vec::new();
    store.due_each(q, now, &mut |d| {
        let start = buf.len();
        write_item(&mut buf, &d, contacts.of(&d));
        order.push((d.urgency_key(now), start..buf.len()));
        Ok(())
    })?;
    order.sort_unstable_by_key(|(key, _)| *key);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    out.write_all(b"[")?;
    for (i, (_, item)) in order.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(&buf[item])?;
    }
    out.write_all(b"]\n")?;
    out.flush()?;
    Ok(())
}

/// One item, byte for byte as `serde_json` writes a [`DueJson`] (the tests hold them to it).
fn write_item(out: &mut Vec<u8>, d: &DueItem<&str>, c: Contact) {
    out.extend_from_slice(b"{\"task_id\":");
    json::int(out, d.task_id);
    out.extend_from_slice(b",\"event_ref\":");
    json::text(out, d.event_ref);
    out.extend_from_slice(b",\"category\":");
    json::text(out, d.category);
    out.extend_from_slice(b",\"major\":");
    json::flag(out, d.major);
    out.extend_from_slice(b",\"site\":");
    json::text(out, d.site);
    out.extend_from_slice(b",\"customer\":");
    json::text(out, d.customer);
    out.extend_from_slice(b",\"phone\":");
    json::text(out, &mask_phone(d.phone));
    out.extend_from_slice(b",\"unit\":");
    json::text(out, d.unit);
    out.extend_from_slice(b",\"matter\":");
    json::text(out, d.matter);
    out.extend_from_slice(b",\"kind\":");
    json::text(out, d.kind.code());
    out.extend_from_slice(b",\"opens\":");
    json::text(out, &crate::clock::iso_date(d.opens));
    out.extend_from_slice(b",\"due\":");
    json::text(out, &crate::clock::iso_date(d.due));
    out.extend_from_slice(b",\"state\":");
    json::text(out, d.state.code());
    out.extend_from_slice(b",\"attempts\":");
    json::int(out, d.attempts);
    out.extend_from_slice(b",\"role\":");
    json::text(out, d.role);
    out.extend_from_slice(b",\"claimed_by\":");
    json::opt_text(out, d.claimed_by);
    out.extend_from_slice(b",\"repeat_count\":");
    json::int(out, d.repeat_count);
    out.extend_from_slice(b",\"next_attempt_at\":");
    json::opt_text(
        out,
        d.next_attempt_at.map(crate::clock::fmt_datetime).as_deref(),
    );
    out.extend_from_slice(b",\"channel\":");
    json::text(out, c.channel.code());
    out.extend_from_slice(b",\"callable_now\":");
    json::flag(out, c.callable_now);
    out.extend_from_slice(b",\"next_callable_at\":");
    json::opt_text(
        out,
        c.next_callable_at
            .map(crate::clock::fmt_datetime)
            .as_deref(),
    );
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Anchor, Channel, DueState};

    fn item<'a>(text: &'a str, claimed_by: Option<&'a str>, kind: Anchor) -> DueItem<&'a str> {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        DueItem {
            task_id: 9_007_199_254,
            event_ref: text,
            category: "repair",
            major: claimed_by.is_some(),
            site: text,
            customer: text,
            phone: "13912345678",
            unit: text,
            matter: text,
            kind,
            opens: day,
            due: day,
            state: DueState::Overdue,
            attempts: 3,
            role: text,
            claimed_by,
            claimed_until: None,
            repeat_count: 2,
            next_attempt_at: claimed_by.map(|_| day.and_hms_opt(14, 5, 9).unwrap()),
            phone_attempts: 1,
            planned_channel: None,
        }
    }

    #[test]
    fn an_item_is_written_byte_for_byte_as_serde_writes_it() {
        let texts = [
            "R-1",
            "物业服务中心 3栋",
            "a \"quoted\" \\ back\nslash\t\u{1}",
            "",
        ];
        let mut checked = 0;
        for text in texts {
            for claimed_by in [None, Some("王芳"), Some("\"x\"")] {
                for (kind, channel) in Anchor::ALL.iter().zip(Channel::ALL.iter().cycle()) {
                    let d = item(text, claimed_by, *kind);
                    let contact = Contact {
                        channel: *channel,
                        callable_now: claimed_by.is_none(),
                        next_callable_at: d.next_attempt_at,
                    };
                    let mut ours = Vec::new();
                    write_item(&mut ours, &d, contact);
                    let serde = serde_json::to_vec(&DueJson::new(&d, contact)).unwrap();
                    assert_eq!(
                        String::from_utf8(ours).unwrap(),
                        String::from_utf8(serde).unwrap()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 12);
        // Every channel, whatever the zip above paired it with.
        for channel in Channel::ALL {
            let mut ours = Vec::new();
            json::text(&mut ours, channel.code());
            assert_eq!(ours, serde_json::to_vec(channel).unwrap());
        }
    }
}
