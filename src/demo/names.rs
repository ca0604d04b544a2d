//! The name pools of `assets/demo/pools.toml`, compiled in.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const POOLS: &str = include_str!("../../assets/demo/pools.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pools {
    pub surnames: Vec<String>,
    pub given: Vec<String>,
    pub mobile_prefixes: Vec<String>,
    pub sites: Vec<String>,
    pub site_suffix: String,
    pub phases: Vec<String>,
    pub unit_patterns: Vec<String>,
    pub operators: Vec<String>,
    pub managers: Vec<String>,
    pub attempt_notes: BTreeMap<String, Vec<String>>,
    pub feedback: Feedback,
    pub handling: Handling,
    /// By category key.
    pub categories: BTreeMap<String, CategoryPool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub basic_shortcomings: Vec<String>,
    pub unsatisfied_shortcomings: Vec<String>,
    pub suggestions: Vec<String>,
    pub notes: Vec<String>,
}

/// How escalations are worked, by department (责任部门).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handling {
    /// Whom the manager gives an escalation to.
    pub handlers: BTreeMap<String, Vec<String>>,
    /// What was done about it (处理措施).
    pub measures: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryPool {
    /// Share of the events, per mille (relative: they need not add up to 1000).
    pub weight: u32,
    /// The source system's ref prefix: `WX` for 维修单, `TS` for 投诉…
    pub prefix: String,
    /// Major complaints (重大投诉) per mille of this category's events.
    #[serde(default)]
    pub major_per_mille: u32,
    /// `[min, max]` contract length in days, for categories called back on a contract.
    #[serde(default)]
    pub contract_days: Option<[u32; 2]>,
    pub matters: Vec<Matter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matter {
    pub matter: String,
    pub department: String,
    pub summaries: Vec<String>,
}

/// The pools, parsed once.
pub fn pools() -> &'static Pools {
    static P: OnceLock<Pools> = OnceLock::new();
    P.get_or_init(|| toml::from_str(POOLS).expect("assets/demo/pools.toml is valid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_parse_and_are_not_empty() {
        let p = pools();
        assert!(p.surnames.len() > 50 && p.given.len() > 30);
        assert!(!p.sites.is_empty() && !p.unit_patterns.is_empty());
        assert!(!p.operators.is_empty() && !p.managers.is_empty());
        assert!(p.mobile_prefixes.iter().all(|m| m.len() == 3));
        for (key, c) in &p.categories {
            assert!(!c.matters.is_empty(), "{key}");
            assert!(c.matters.iter().all(|m| !m.summaries.is_empty()), "{key}");
            for m in &c.matters {
                let d = &m.department;
                let h = &p.handling;
                assert!(h.handlers.get(d).is_some_and(|v| !v.is_empty()), "{d}");
                assert!(h.measures.get(d).is_some_and(|v| !v.is_empty()), "{d}");
            }
        }
        for (code, _) in crate::domain::BUILTIN_CATEGORIES {
            assert!(p.categories.contains_key(*code), "{code} has no pool");
        }
        for r in crate::domain::AttemptResult::ALL {
            assert!(p.attempt_notes.contains_key(r.code()), "{r}");
        }
    }
}
