use chrono::NaiveDateTime;
use serde::Serialize;

use crate::config::Config;
use crate::domain::Channel;
use crate::store::DueItem;

/// How and when a pending call-back can be tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// The channel to use: the one planned (a quota's visit), else phone, or the category's
    /// fallback after enough failed calls.
    pub channel: Channel,
    /// Within the contact hours and past the retry spacing.
    pub callable_now: bool,
    /// The first moment both allow (`None`: no callable time in the next 60 days).
    #[serde(serialize_with = "crate::clock::ser_opt_datetime")]
    pub next_callable_at: Option<NaiveDateTime>,
}

/// The planned channel, else phone, or the category's fallback after enough failed calls.
fn channel_of<S: AsRef<str>>(config: &Config, item: &DueItem<S>) -> Channel {
    let rule = config.category(item.category.as_ref()).map(|(_, r)| r);
    match rule.and_then(|r| r.fallback_channel.zip(r.fallback_after)) {
        _ if item.planned_channel.is_some() => item.planned_channel.unwrap_or(Channel::Phone),
        Some((fallback, after)) if item.phone_attempts >= after => fallback,
        _ => Channel::Phone,
    }
}

/// Works out the channel and the next callable time of a due item.
pub fn contact<S: AsRef<str>>(config: &Config, item: &DueItem<S>, now: NaiveDateTime) -> Contact {
    let channel = channel_of(config, item);
    let hours = config.contact_hours(item.category.as_ref(), channel);
    let from = item.next_attempt_at.filter(|t| *t > now).unwrap_or(now);
    let next = hours.next_from(config.calendar(), from);
    Contact {
        channel,
        callable_now: next == Some(now),
        next_callable_at: next,
    }
}

/// [`contact`] for a whole due list: most items have no retry spacing pending, so their next
/// callable time depends only on the category and the channel, worked out once per pair (a
/// handful: looked up in a short list).
pub struct Contacts<'a> {
    config: &'a Config,
    now: NaiveDateTime,
    from_now: Vec<(String, Channel, Option<NaiveDateTime>)>,
}

impl<'a> Contacts<'a> {
    pub fn new(config: &'a Config, now: NaiveDateTime) -> Self {
        Self {
            config,
            now,
            from_now: Vec::new(),
        }
    }

    /// The same as `contact(config, item, now)`.
    pub fn of<S: AsRef<str>>(&mut self, item: &DueItem<S>) -> Contact {
        if item.next_attempt_at.is_some_and(|t| t > self.now) {
            return contact(self.config, item, self.now);
        }
        let channel = channel_of(self.config, item);
        let category = item.category.as_ref();
        let known = self
            .from_now
            .iter()
            .find(|(c, ch, _)| *ch == channel && c == category);
        let next = match known {
            Some(&(_, _, next)) => next,
            None => {
                let next = self
                    .config
                    .contact_hours(category, channel)
                    .next_from(self.config.calendar(), self.now);
                self.from_now.push((category.to_owned(), channel, next));
                next
            }
        };
        Contact {
            channel,
            callable_now: next == Some(self.now),
            next_callable_at: next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Anchor, DueState};

    fn item(category: &str, next: Option<NaiveDateTime>, phone_attempts: u32) -> DueItem {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        DueItem {
            task_id: 1,
            event_ref: "R1".into(),
            category: category.into(),
            major: false,
            site: "S".into(),
            customer: "C".into(),
            phone: "13912345678".into(),
            unit: "U".into(),
            matter: "M".into(),
            kind: Anchor::Completion,
            opens: day,
            due: day,
            state: DueState::DueToday,
            attempts: phone_attempts,
            role: "customer_service".into(),
            claimed_by: None,
            claimed_until: None,
            repeat_count: 0,
            next_attempt_at: next,
            phone_attempts,
            planned_channel: None,
        }
    }

    /// The memo gives what `contact` gives, item by item, whatever order they come in.
    #[test]
    fn contacts_agree_with_contact() {
        let config = Config::builtin();
        let at = |h, m| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        for now in [at(7, 0), at(10, 0), at(12, 30), at(23, 0)] {
            let mut items = Vec::new();
            for category in config.categories.keys().chain([&"unknown".to_string()]) {
                for next in [None, Some(at(6, 0)), Some(at(13, 5)), Some(at(22, 0))] {
                    for tries in [0, 1, 5] {
                        items.push(item(category, next, tries));
                    }
                }
            }
            let mut memo = Contacts::new(&config, now);
            for d in &items {
                assert_eq!(
                    memo.of(d),
                    contact(&config, d, now),
                    "{} at {now}",
                    d.category
                );
            }
        }
    }
}
