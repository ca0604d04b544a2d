use chrono::{Datelike, NaiveDate};
use clap::Args;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::table::Table;
use super::{Ctx, JsonFlag, date_arg, print_json};
use crate::error::BadInput;
use crate::i18n::fill;
use crate::rules::{Calendar, DayKind};

/// At most this many days are listed at once (about ten years).
const MAX_DAYS: i64 = 3660;

#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The first day (default today).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The last day, included (default 30 days after --from).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// One day as scripts see it.
#[derive(Serialize)]
struct DayJson {
    date: NaiveDate,
    workday: bool,
    /// `workday`, `weekend`, `holiday` or `makeup_workday`.
    kind: &'static str,
    /// The holiday's name, for a holiday; else null.
    name: Option<String>,
    /// Whether the holiday table has the day's year (if not, only weekends are days off).
    covered: bool,
}

/// "The holiday table has no 2027…", in the user's language.
pub fn uncovered_warning(ctx: &Ctx, calendar: &Calendar, year: i32) -> String {
    fill(
        ctx.t("msg.holiday_year_missing"),
        &[("table", &calendar.name()), ("year", &year)],
    )
}

pub fn run(ctx: &Ctx, a: &CalendarArgs) -> Result<()> {
    let from = match &a.from {
        Some(s) => date_arg("--from", s)?,
        None => ctx.clock.today(),
    };
    let to = match &a.to {
        Some(s) => date_arg("--to", s)?,
        None => from + chrono::Days::new(30),
    };
    if to < from {
        return Err(BadInput::new(format!("--to: {to} is before --from ({from})")).into());
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(BadInput::new(format!(
            "--to: {from}..{to} is too long: at most {MAX_DAYS} days at once"
        ))
        .into());
    }
    let calendar = ctx.config.calendar();
    let days: Vec<(NaiveDate, DayKind)> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| (d, calendar.day_kind(d)))
        .collect();
    let warnings: Vec<String> = calendar
        .uncovered_years(from, to)
        .into_iter()
        .map(|y| uncovered_warning(ctx, calendar, y))
        .collect();
    if a.json.json {
        for w in &warnings {
            eprintln!("{w}");
        }
        return print_json(
            &days
                .iter()
                .map(|(d, k)| DayJson {
                    date: *d,
                    workday: k.is_workday(),
                    kind: k.code(),
                    name: k.name().map(str::to_string),
                    covered: calendar.covers(d.year()),
                })
                .collect::<Vec<_>>(),
        );
    }
    let mut t =
        Table::new(&["col.date", "col.weekday", "col.day_kind", "col.holiday"].map(|k| ctx.t(k)));
    for (d, k) in &days {
        let weekday = format!("weekday.{}", d.weekday().number_from_monday());
        t.row(vec![
            d.to_string(),
            ctx.t(&weekday).to_string(),
            ctx.t(&format!("day.{}", k.code())).to_string(),
            k.name().unwrap_or("").to_string(),
        ]);
    }
    print!("{}", t.render());
    for w in &warnings {
        println!("! {w}");
    }
    Ok(())
}
