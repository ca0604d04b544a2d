use clap::Subcommand;
use color_eyre::eyre::Result;

use super::table::Table;
use super::{Ctx, JsonFlag, print_json};
use crate::domain::StaffRole;
use crate::i18n::{Lang, fill};
use crate::store::Reads;
use crate::workflow::roles;

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a member of staff with a role. The first one turns the role checks on.
    #[command(
        after_help = "Examples:\n  huifang staff add 张经理 --role manager --site 翠苑管理处\n  huifang staff add 李主管 --role supervisor"
    )]
    Add {
        name: String,
        /// operator | supervisor | manager (or 客服专员, 客服主管, 管理处经理).
        #[arg(long, value_parser = parse_role)]
        role: StaffRole,
        /// The site (管理处) they work at.
        #[arg(long, default_value = "", value_name = "S")]
        site: String,
    },
    /// Who is on the staff list.
    List {
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Take someone off the staff list (their past work stays, under their name).
    Remove { name: String },
}

fn parse_role(s: &str) -> Result<StaffRole, String> {
    StaffRole::parse(s).ok_or_else(|| format!("`{s}` is not one of {}", StaffRole::codes()))
}

pub fn run(ctx: &Ctx, c: &StaffCommand) -> Result<()> {
    let now = ctx.clock.now();
    let zh = ctx.lang == Lang::Zh;
    match c {
        StaffCommand::Add { name, role, site } => {
            let mut store = ctx.open_store()?;
            let tx = store.write()?;
            let s = roles::add_staff(&tx, name, *role, site, &ctx.operator, now)?;
            tx.commit()?;
            let role = if zh { s.role.zh() } else { s.role.code() };
            println!(
                "{}",
                fill(
                    ctx.t("msg.staff_added"),
                    &[("name", &s.name), ("role", &role)]
                )
            );
        }
        StaffCommand::Remove { name } => {
            let mut store = ctx.open_store()?;
            let tx = store.write()?;
            let s = roles::remove_staff(&tx, name, &ctx.operator, now)?;
            tx.commit()?;
            println!("{}", fill(ctx.t("msg.staff_removed"), &[("name", &s.name)]));
        }
        StaffCommand::List { json } => {
            let store = ctx.open_store()?;
            let list = store.staff()?;
            if json.json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("{}", ctx.t("msg.no_staff"));
                return Ok(());
            }
            let mut t =
                Table::new(&["col.name", "col.role", "col.site", "col.added"].map(|k| ctx.t(k)));
            for s in &list {
                t.row(vec![
                    s.name.clone(),
                    if zh { s.role.zh() } else { s.role.code() }.to_string(),
                    s.site.clone(),
                    crate::clock::fmt_datetime(s.added_at),
                ]);
            }
            print!("{}", t.render());
        }
    }
    Ok(())
}
