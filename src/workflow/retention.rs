//! Retention: records are kept at least `[retention] months` (24 by the regulation, 保存两年) in
//! the live database; `huifang archive --before D` may only move what is older.

use chrono::{Months, NaiveDate};
use color_eyre::eyre::Result;

use crate::config::Config;
use crate::error::BadInput;
use crate::rules::quarter::Quarter;
use crate::store::Reads;

/// The latest `--before` allowed on `today`: the retention's months before it.
pub fn latest_before(config: &Config, today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(Months::new(config.retention.months))
        .unwrap_or(NaiveDate::MIN)
}

/// Refuses a `--before` that would move records younger than the retention, or anything of a
/// quarter not closed yet.
pub fn check_before(
    r: &impl Reads,
    config: &Config,
    before: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    let latest = latest_before(config, today);
    if before > latest {
        return Err(BadInput::new(format!(
            "--before {before}: records are kept {} months ([retention] months), so the latest date allowed today is {latest}: archive with --before {latest} or earlier",
            config.retention.months
        ))
        .into());
    }
    let through = r.latest_close()?.map(|c| c.through);
    if through.is_none_or(|t| before > t) {
        let q = Quarter::of(before);
        return Err(BadInput::new(format!(
            "--before {before}: {q} is not closed yet, and only closed quarters are archived: close it first with `huifang close-quarter --quarter {q}`{}",
            through.map(|t| format!(", or archive with --before {t} or earlier")).unwrap_or_default()
        ))
        .into());
    }
    Ok(())
}
