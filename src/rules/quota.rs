//! Quotas: "at least N call-backs a month" (回访频次每月不少于3次; 上门回访的频次每月不少于一次),
//! per site or per customer, by one channel or any. A rate says which share of the events to
//! call back; a quota says how many call-backs a month a site or a customer must get.

use serde::{Deserialize, Serialize};

use crate::domain::{Channel, coded_enum};

coded_enum! {
    /// What a quota is counted over, each calendar month.
    QuotaScope {
        Site = "site", "管理处";
        Customer = "customer", "客户";
    }
}

/// One quota of a category.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaRule {
    /// At least this many call-backs each calendar month.
    pub min: u32,
    /// Per site or per customer (their phone at a site, else their unit there).
    pub per: QuotaScope,
    /// Only call-backs through this channel count (three by phone, one visit); none: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Who makes the call-backs the quota adds (上门回访由企管科与销售科共同完成), over the
    /// category's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl QuotaRule {
    /// The rule name the call-backs it adds carry: `quota#visit`, `quota#any`.
    pub fn rule_name(&self) -> String {
        format!("quota#{}", self.channel.map_or("any", |c| c.code()))
    }

    /// Why this quota cannot work for a category with `channels`, by key under the quota.
    pub fn check(
        &self,
        channels: &[Channel],
        known_role: &dyn Fn(&str) -> bool,
    ) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if self.min == 0 || self.min > 1000 {
            problems.push((
                "min",
                format!("{} is not a quota: expected 1 to 1000 a month", self.min),
            ));
        }
        if let Some(c) = self.channel.filter(|c| !channels.contains(c)) {
            problems.push((
                "channel",
                format!("{c} is not among the category's channels"),
            ));
        }
        if let Some(r) = self.role.as_deref().filter(|r| !known_role(r)) {
            problems.push(("role", format!("unknown role `{r}`")));
        }
        problems
    }
}

/// Who a quota counts an event for: its site, or its customer there (phone, else unit, else
/// name — as periodic call-backs tell customers apart). The key groups; [`scope_label`] shows.
pub fn scope_key(per: QuotaScope, site: &str, phone: &str, unit: &str, customer: &str) -> String {
    match per {
        QuotaScope::Site => site.to_string(),
        QuotaScope::Customer => {
            let who = [phone, unit, customer]
                .into_iter()
                .find(|s| !s.is_empty())
                .unwrap_or("");
            format!("{site}/{who}")
        }
    }
}

/// The scope as people read it: the phone masked (保密纪律), the customer's name beside it.
pub fn scope_label(per: QuotaScope, site: &str, phone: &str, unit: &str, customer: &str) -> String {
    match per {
        QuotaScope::Site => site.to_string(),
        QuotaScope::Customer if !phone.is_empty() => {
            let name = if customer.is_empty() || customer == phone {
                String::new()
            } else {
                format!(" {customer}")
            };
            format!("{site}/{}{name}", crate::domain::mask_phone(phone))
        }
        QuotaScope::Customer => scope_key(per, site, phone, unit, customer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_their_phone_else_their_unit_at_a_site() {
        let k = |p, u, c| scope_key(QuotaScope::Customer, "平原", p, u, c);
        assert_eq!(k("139", "1栋", "甲"), "平原/139");
        assert_eq!(k("", "1栋", "甲"), "平原/1栋");
        assert_eq!(k("", "", "甲"), "平原/甲");
        assert_eq!(scope_key(QuotaScope::Site, "平原", "139", "", ""), "平原");
        let shown = scope_label(QuotaScope::Customer, "平原", "13912345678", "", "城东工地");
        assert_eq!(shown, "平原/139****5678 城东工地");
    }

    #[test]
    fn a_quota_names_a_channel_of_its_category() {
        let q = QuotaRule {
            min: 0,
            per: QuotaScope::Customer,
            channel: Some(Channel::Visit),
            role: Some("nobody".into()),
        };
        let problems = q.check(&[Channel::Phone], &|_| false);
        let keys: Vec<_> = problems.iter().map(|p| p.0).collect();
        assert_eq!(keys, ["min", "channel", "role"]);
    }
}
