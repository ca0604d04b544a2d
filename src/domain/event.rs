use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::{Category, coded_enum};

coded_enum! {
    /// Who the customer is (回访对象…包括个人客户和企业客户).
    CustomerKind {
        Individual = "individual", "个人客户";
        Organisation = "organisation", "企业客户";
    }
}

// The enum comes from `coded_enum!`, which cannot mark a default variant.
#[allow(clippy::derivable_impls)]
impl Default for CustomerKind {
    fn default() -> Self {
        CustomerKind::Individual
    }
}

impl CustomerKind {
    /// The code, the Chinese name, or the words spreadsheets use (个人, 企业, 单位, company).
    pub fn read(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "" | "个人" | "person" | "private" => Some(CustomerKind::Individual),
            "企业" | "单位" | "公司" | "company" | "organization" | "business" => {
                Some(CustomerKind::Organisation)
            }
            other => CustomerKind::parse(other),
        }
    }
}

pub type EventId = i64;

/// A finished piece of service work, as it arrives from a source system or by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewEvent {
    #[serde(rename = "ref")]
    pub reference: String,
    pub category: Category,
    pub major: bool,
    pub site: String,
    pub customer: String,
    pub phone: String,
    pub unit: String,
    pub department: String,
    pub matter: String,
    pub summary: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub completed_at: NaiveDateTime,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub customer_kind: CustomerKind,
    /// The project stage the event reports (基础施工, 主体施工…), for categories that call back
    /// per stage; empty otherwise.
    pub stage: String,
}

impl NewEvent {
    /// A stable fingerprint of the content, to tell a re-import of the same row from a conflict.
    pub fn fingerprint(&self) -> String {
        // The hash of the fields joined by U+001F, fed piece by piece (a bulk import hashes
        // millions): the same value as hashing the joined text.
        let contract = |d: Option<chrono::NaiveDate>| d.map(crate::clock::iso_date);
        let completed = crate::clock::iso_seconds(self.completed_at);
        let (start, end) = (contract(self.contract_start), contract(self.contract_end));
        let parts = [
            self.reference.as_str(),
            self.category.as_str(),
            if self.major { "1" } else { "0" },
            &self.site,
            &self.customer,
            &self.phone,
            &self.unit,
            &self.department,
            &self.matter,
            &self.summary,
            &completed,
            start.as_deref().unwrap_or(""),
            end.as_deref().unwrap_or(""),
        ];
        let mut h = crate::rules::StableHasher::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                h.feed("\u{1f}");
            }
            h.feed(p);
        }
        // Added later: only when set, so the fingerprints stored before stay those of re-imports.
        if self.customer_kind != CustomerKind::Individual || !self.stage.is_empty() {
            for p in ["\u{1f}", self.customer_kind.code(), "\u{1f}", &self.stage] {
                h.feed(p);
            }
        }
        format!("{:016x}", h.finish())
    }

    /// Names the fields in which `other` differs, for conflict reports.
    pub fn differing_fields(&self, other: &NewEvent) -> Vec<&'static str> {
        let mut out = Vec::new();
        macro_rules! cmp {
            ($($f:ident => $name:literal),+) => { $( if self.$f != other.$f { out.push($name); } )+ };
        }
        cmp!(category => "category", major => "major", site => "site", customer => "customer",
            phone => "phone", unit => "unit", department => "department", matter => "matter",
            summary => "summary", completed_at => "completed_at", customer_kind => "customer_kind",
            stage => "stage",
            contract_start => "contract_start", contract_end => "contract_end");
        out
    }
}

/// An event as stored, with the sampling decision made at intake.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceEvent {
    pub id: EventId,
    #[serde(flatten)]
    pub event: NewEvent,
    pub selected: bool,
    pub selection_reason: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub imported_at: NaiveDateTime,
    /// Earlier events on the same matter at the same customer or unit (0: not a repeat).
    pub repeat_count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint as first defined: the hash of the joined text. Stored fingerprints must
    /// keep matching re-imports of the same rows.
    fn joined_fingerprint(e: &NewEvent) -> String {
        let mut text = [
            e.reference.as_str(),
            e.category.as_str(),
            if e.major { "1" } else { "0" },
            &e.site,
            &e.customer,
            &e.phone,
            &e.unit,
            &e.department,
            &e.matter,
            &e.summary,
            &crate::clock::iso_seconds(e.completed_at),
            &e.contract_start.map(|d| d.to_string()).unwrap_or_default(),
            &e.contract_end.map(|d| d.to_string()).unwrap_or_default(),
        ]
        .join("\u{1f}");
        if e.customer_kind != CustomerKind::Individual || !e.stage.is_empty() {
            text.push('\u{1f}');
            text.push_str(e.customer_kind.code());
            text.push('\u{1f}');
            text.push_str(&e.stage);
        }
        format!("{:016x}", crate::rules::stable_hash(&text))
    }

    #[test]
    fn fingerprint_is_the_hash_of_the_joined_fields() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let mut e = NewEvent {
            reference: "TS-1".into(),
            category: "complaint".into(),
            major: true,
            site: "翠苑管理处".into(),
            customer: "王先生".into(),
            phone: "13800000000".into(),
            unit: "1号楼101".into(),
            department: "工程部".into(),
            matter: "漏水".into(),
            summary: "卫生间漏水".into(),
            completed_at: day.and_hms_opt(15, 4, 5).unwrap(),
            contract_start: None,
            contract_end: None,
            customer_kind: CustomerKind::Individual,
            stage: String::new(),
        };
        assert_eq!(e.fingerprint(), joined_fingerprint(&e));
        e.contract_start = Some(day);
        e.contract_end = day.checked_add_days(chrono::Days::new(365));
        e.customer_kind = CustomerKind::Organisation;
        e.stage = "基础施工".into();
        assert_eq!(e.fingerprint(), joined_fingerprint(&e));
    }
}
