use clap::{Args, Subcommand};
use color_eyre::eyre::Result;
use serde::Serialize;

use super::table::Table;
use super::{Ctx, JsonFlag, date_arg, print_json};
use crate::i18n::fill;
use crate::store::{AuditEntry, Reads};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Entries from this day on (2026-12-01).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain: exit 1 when an entry was changed, removed or inserted outside huifang.
    Verify {
        #[command(flatten)]
        json: JsonFlag,
    },
}

/// An entry with its before and after as JSON values rather than text.
#[derive(Serialize)]
struct EntryJson<'a> {
    seq: i64,
    at: &'a str,
    actor: &'a str,
    os_user: &'a str,
    action: &'a str,
    subject: &'a str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    prev: &'a str,
    hash: &'a str,
}

fn value(s: &Option<String>) -> Option<serde_json::Value> {
    s.as_deref()
        .map(|t| serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::String(t.into())))
}

pub fn run(ctx: &Ctx, a: &AuditArgs) -> Result<()> {
    let store = ctx.open_store()?;
    if let Some(AuditCommand::Verify { json }) = &a.command {
        let v = store.verify_audit()?;
        if json.json {
            print_json(&v)?;
        } else if v.problems.is_empty() {
            println!(
                "{}",
                fill(
                    ctx.t("msg.audit_ok"),
                    &[("n", &v.entries), ("hash", &v.last_hash)]
                )
            );
            if let Some(seq) = v.starts_after {
                println!("{}", fill(ctx.t("msg.audit_anchor"), &[("seq", &seq)]));
            }
        } else {
            for p in &v.problems {
                eprintln!("{p}");
            }
        }
        if !v.problems.is_empty() {
            return Err(color_eyre::eyre::eyre!(
                "the audit log does not verify: {} problem(s) in {} entries",
                v.problems.len(),
                v.entries
            ));
        }
        return Ok(());
    }
    let since = match &a.since {
        Some(s) => Some(crate::clock::start_of(date_arg("--since", s)?)),
        None => None,
    };
    let entries: Vec<AuditEntry> = store.audit_entries(since)?;
    if a.json.json {
        let out: Vec<_> = entries
            .iter()
            .map(|e| EntryJson {
                seq: e.seq,
                at: &e.at,
                actor: &e.actor,
                os_user: &e.os_user,
                action: &e.action,
                subject: &e.subject,
                before: value(&e.before),
                after: value(&e.after),
                prev: &e.prev,
                hash: &e.hash,
            })
            .collect();
        return print_json(&out);
    }
    if entries.is_empty() {
        println!("{}", ctx.t("msg.no_audit"));
        return Ok(());
    }
    let mut t = Table::new(
        &[
            "col.seq",
            "col.at",
            "col.actor",
            "col.action",
            "col.subject",
        ]
        .map(|k| ctx.t(k)),
    );
    for e in &entries {
        let actor = if e.actor == e.os_user {
            e.actor.clone()
        } else {
            format!("{} ({})", e.actor, e.os_user)
        };
        t.row(vec![
            e.seq.to_string(),
            e.at.clone(),
            actor,
            e.action.clone(),
            e.subject.clone(),
        ]);
    }
    print!("{}", t.render());
    Ok(())
}
