//! Evaluation items (评价项目): what a category's call-back asks, each typed — a score (1–5),
//! yes/no, a choice from a list, free text or a quantity. Answers are checked and kept in one
//! canonical spelling, so that reports and discrepancy rules compare like with like.

use serde::{Deserialize, Serialize};

use crate::config::CategoryRule;
use crate::domain::{ItemKind, NewRecord};
use crate::i18n::Lang;

/// One question of a category's record form.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRule {
    /// The key scripts use: `record --answer KEY=VALUE`, the JSON of a record.
    pub key: String,
    /// The Chinese label the form, the sheet and the reports show.
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    pub kind: ItemKind,
    /// The answers a `choice` item offers, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// What a `quantity` counts (吨, 袋).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// A record without this answer is refused.
    #[serde(default)]
    pub required: bool,
    /// Answers that escalate at once, whatever the satisfaction (a "no" on a safety item).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalate_on: Vec<String>,
}

/// The items of the property regulations that have their own record fields; the fifth,
/// satisfaction (满意程度评价), is the record's outcome.
const BUILTIN: [(&str, ItemKind, &str, &str); 4] = [
    ("quality", ItemKind::Score, "质量评价", "Quality"),
    ("effect", ItemKind::Score, "服务效果评价", "Effect"),
    ("shortcomings", ItemKind::Text, "缺点与不足", "Shortcomings"),
    ("suggestions", ItemKind::Text, "建议征集", "Suggestions"),
];

/// The kind a built-in key must keep, when `key` is one.
pub fn builtin_kind(key: &str) -> Option<ItemKind> {
    BUILTIN.iter().find(|b| b.0 == key).map(|b| b.1)
}

/// True when `item` is a built-in one under its regulation label (the form has a short word
/// for each of those).
pub fn is_builtin_as_is(item: &ItemRule) -> bool {
    BUILTIN.iter().any(|b| b.0 == item.key && b.2 == item.label)
}

/// The items a category asks when it names none: the property regulations' own.
pub fn default_items() -> Vec<ItemRule> {
    BUILTIN
        .iter()
        .map(|&(key, kind, zh, en)| ItemRule {
            key: key.into(),
            label: zh.into(),
            label_en: Some(en.into()),
            kind,
            choices: Vec::new(),
            unit: String::new(),
            required: false,
            escalate_on: Vec::new(),
        })
        .collect()
}

impl ItemRule {
    pub fn label(&self, lang: Lang) -> &str {
        match (lang, &self.label_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.label,
        }
    }

    /// What an answer must look like, for error messages.
    pub fn expected(&self) -> String {
        match self.kind {
            ItemKind::Score => "a score from 1 to 5".into(),
            ItemKind::YesNo => "yes or no (是/否)".into(),
            ItemKind::Choice => format!("one of {}", self.choices.join(" | ")),
            ItemKind::Text => "some text".into(),
            ItemKind::Quantity => match self.unit.as_str() {
                "" => "a number, 0 or more".into(),
                u => format!("a number of {u}, 0 or more"),
            },
        }
    }

    /// The canonical spelling of `raw`, or why it is not an answer to this item.
    pub fn parse(&self, raw: &str) -> Result<String, String> {
        let s = raw.trim();
        let bad = || format!("`{s}` is not an answer: expected {}", self.expected());
        match self.kind {
            ItemKind::Score => match s.parse::<u8>() {
                Ok(n @ 1..=5) => Ok(n.to_string()),
                _ => Err(bad()),
            },
            ItemKind::YesNo => match s.to_lowercase().as_str() {
                "yes" | "y" | "true" | "1" | "是" | "有" | "一致" => Ok("yes".into()),
                "no" | "n" | "false" | "0" | "否" | "无" | "不一致" => Ok("no".into()),
                _ => Err(bad()),
            },
            ItemKind::Choice => {
                let by_number = s
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| self.choices.get(i));
                by_number
                    .or_else(|| self.choices.iter().find(|c| c.as_str() == s))
                    .cloned()
                    .ok_or_else(bad)
            }
            ItemKind::Text => Ok(crate::text::sanitize(s).trim().to_string()),
            ItemKind::Quantity => match s.parse::<f64>() {
                Ok(q) if q.is_finite() && q >= 0.0 => Ok(format_quantity(q)),
                _ => Err(bad()),
            },
        }
    }

    /// How an answer reads to people: yes/no in the language, a quantity with its unit.
    pub fn show(&self, value: &str, lang: Lang) -> String {
        match (self.kind, value, lang) {
            (ItemKind::YesNo, "yes", Lang::Zh) => "是".into(),
            (ItemKind::YesNo, "no", Lang::Zh) => "否".into(),
            (ItemKind::Quantity, v, _) if !self.unit.is_empty() => format!("{v} {}", self.unit),
            (_, v, _) => v.to_string(),
        }
    }
}

/// `10`, `2.5`: no trailing zeros, so equal quantities are equal strings.
fn format_quantity(q: f64) -> String {
    let s = format!("{q:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The answer a record gives to `key`, in canonical form.
pub fn answer(rec: &NewRecord, key: &str) -> Option<String> {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
    match key {
        "quality" => rec.quality.map(|n| n.to_string()),
        "effect" => rec.effect.map(|n| n.to_string()),
        "shortcomings" => text(&rec.shortcomings),
        "suggestions" => text(&rec.suggestions),
        other => rec.answers.get(other).cloned(),
    }
}

/// Puts a canonical answer where the record keeps it; an empty text clears it.
pub fn set_answer(rec: &mut NewRecord, key: &str, value: String) {
    match key {
        "quality" => rec.quality = value.parse().ok(),
        "effect" => rec.effect = value.parse().ok(),
        "shortcomings" => rec.shortcomings = value,
        "suggestions" => rec.suggestions = value,
        other if value.is_empty() => {
            rec.answers.remove(other);
        }
        other => {
            rec.answers.insert(other.to_string(), value);
        }
    }
}

/// The record with every answer in canonical form, checked against its category's items: an
/// answer to an item the category does not ask, an answer of the wrong type and a required item
/// left out are refused, one line each. Answers may come in under any key (`--answer
/// quality=4`); the built-in ones land in their own fields.
pub fn normalize(
    category: &str,
    rule: &CategoryRule,
    rec: &NewRecord,
) -> Result<NewRecord, Vec<String>> {
    let mut problems = Vec::new();
    let keys = || {
        rule.items
            .iter()
            .map(|i| i.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = rec.clone();
    out.answers.clear();
    for b in &BUILTIN {
        set_answer(&mut out, b.0, String::new());
    }
    let given = BUILTIN
        .iter()
        .filter_map(|b| answer(rec, b.0).map(|v| (b.0.to_string(), v)))
        .chain(rec.answers.iter().map(|(k, v)| (k.clone(), v.clone())));
    for (key, raw) in given {
        match rule.items.iter().find(|i| i.key == key) {
            None => problems.push(format!(
                "{key}: {category} does not ask this: its items are {}",
                keys()
            )),
            Some(item) => match item.parse(&raw) {
                Ok(v) => set_answer(&mut out, &key, v),
                Err(e) => problems.push(format!("{key}: {e}")),
            },
        }
    }
    for item in rule.items.iter().filter(|i| i.required) {
        if answer(&out, &item.key).is_none() {
            problems.push(format!(
                "{}: {} is required for {category}: expected {}",
                item.key,
                item.label,
                item.expected()
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// What in a record escalates at once, outside the satisfaction outcome: an answer the rule
/// names (`escalate_on`), or two answers that must agree and do not (`must_match`: delivered ≠
/// received). One line per finding, in Chinese, for the escalation's reason.
pub fn discrepancies(rule: &CategoryRule, rec: &NewRecord) -> Vec<String> {
    let item = |key: &str| rule.items.iter().find(|i| i.key == key);
    let mut found = Vec::new();
    for i in &rule.items {
        let Some(value) = answer(rec, &i.key) else {
            continue;
        };
        let flagged = i
            .escalate_on
            .iter()
            .any(|e| i.parse(e).is_ok_and(|e| e == value));
        if flagged {
            found.push(format!("{}：{}", i.label, i.show(&value, Lang::Zh)));
        }
    }
    for (a, b) in &rule.must_match {
        let (Some(ia), Some(ib)) = (item(a), item(b)) else {
            continue;
        };
        if let (Some(va), Some(vb)) = (answer(rec, a), answer(rec, b))
            && va != vb
        {
            found.push(format!(
                "{} {} ≠ {} {}",
                ia.label,
                ia.show(&va, Lang::Zh),
                ib.label,
                ib.show(&vb, Lang::Zh)
            ));
        }
    }
    found
}

/// Why the items of a category are not usable, by field path under the category.
/// Paths are the keys under the category: `["items", "[2]", "kind"]`.
pub fn check_items(
    rule: &CategoryRule,
    known_role: &dyn Fn(&str) -> bool,
) -> Vec<(Vec<String>, String)> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, i) in rule.items.iter().enumerate() {
        let at = |f: &str| vec!["items".to_string(), format!("[{n}]"), f.to_string()];
        let well_formed = !i.key.is_empty()
            && i.key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            problems.push((
                at("key"),
                format!(
                    "`{}` is not a key: expected lower-case letters, digits and _",
                    i.key
                ),
            ));
        }
        if !seen.insert(i.key.as_str()) {
            problems.push((at("key"), format!("`{}` is asked twice", i.key)));
        }
        if let Some(k) = builtin_kind(&i.key).filter(|k| *k != i.kind) {
            problems.push((
                at("kind"),
                format!("`{}` is a built-in item of kind {}", i.key, k.code()),
            ));
        }
        if i.label.trim().is_empty() {
            problems.push((at("label"), "an item needs a label".into()));
        }
        match i.kind {
            ItemKind::Choice if i.choices.len() < 2 => problems.push((
                at("choices"),
                "a choice item needs at least two choices".into(),
            )),
            ItemKind::Choice => {}
            _ if !i.choices.is_empty() => problems.push((
                at("choices"),
                format!("only a choice item has choices, not a {}", i.kind.code()),
            )),
            _ => {}
        }
        for e in &i.escalate_on {
            if let Err(why) = i.parse(e) {
                problems.push((at("escalate_on"), why));
            }
        }
    }
    for (n, (a, b)) in rule.must_match.iter().enumerate() {
        let at = vec!["must_match".to_string(), format!("[{n}]")];
        let find = |k: &str| rule.items.iter().find(|i| i.key == k);
        match (find(a), find(b)) {
            (Some(x), Some(y)) if x.kind != y.kind => problems.push((
                at,
                format!(
                    "`{a}` is a {} and `{b}` a {}: only answers of one kind compare",
                    x.kind.code(),
                    y.kind.code()
                ),
            )),
            (Some(_), Some(_)) => {}
            _ => problems.push((
                at,
                format!("`{a}` and `{b}` must both be items of the category"),
            )),
        }
    }
    if let Some(r) = rule.discrepancy_role.as_deref().filter(|r| !known_role(r)) {
        problems.push((
            vec!["discrepancy_role".into()],
            format!("unknown role `{r}`"),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind) -> ItemRule {
        ItemRule {
            key: "k".into(),
            label: "项".into(),
            label_en: None,
            kind,
            choices: vec!["袋装".into(), "散装".into()],
            unit: "吨".into(),
            required: false,
            escalate_on: vec![],
        }
    }

    #[test]
    fn answers_take_one_canonical_spelling() {
        let q = item(ItemKind::Quantity);
        assert_eq!(q.parse("10.0").unwrap(), "10");
        assert_eq!(q.parse(" 2.50 ").unwrap(), "2.5");
        assert!(q.parse("-1").is_err() && q.parse("十").is_err() && q.parse("NaN").is_err());
        let y = item(ItemKind::YesNo);
        assert_eq!(y.parse("是").unwrap(), "yes");
        assert_eq!(y.parse("N").unwrap(), "no");
        assert!(y.parse("maybe").is_err());
        let c = item(ItemKind::Choice);
        assert_eq!(c.parse("2").unwrap(), "散装");
        assert_eq!(c.parse("袋装").unwrap(), "袋装");
        assert!(c.parse("3").is_err() && c.parse("桶装").is_err());
        let s = item(ItemKind::Score);
        assert_eq!(s.parse("5").unwrap(), "5");
        assert!(s.parse("0").is_err() && s.parse("6").is_err());
    }

    #[test]
    fn a_mismatch_and_a_flagged_answer_are_discrepancies() {
        let mut rule = CategoryRule::default();
        let mut safety = item(ItemKind::YesNo);
        safety.key = "safety".into();
        safety.label = "安全".into();
        safety.escalate_on = vec!["否".into()];
        let mut sent = item(ItemKind::Quantity);
        sent.key = "sent".into();
        sent.label = "发货数量".into();
        let mut got = sent.clone();
        got.key = "got".into();
        got.label = "收货数量".into();
        rule.items = vec![safety, sent, got];
        rule.must_match = vec![("sent".into(), "got".into())];
        let mut rec = NewRecord::outcome(
            crate::domain::Channel::Phone,
            crate::domain::Outcome::Satisfied,
        );
        set_answer(&mut rec, "sent", "10".into());
        set_answer(&mut rec, "got", "10".into());
        set_answer(&mut rec, "safety", "yes".into());
        assert!(discrepancies(&rule, &rec).is_empty());
        set_answer(&mut rec, "got", "9.5".into());
        set_answer(&mut rec, "safety", "no".into());
        let found = discrepancies(&rule, &rec);
        assert_eq!(found, ["安全：否", "发货数量 10 吨 ≠ 收货数量 9.5 吨"]);
    }

    #[test]
    fn a_record_must_fit_its_items() {
        let mut rule = CategoryRule::default();
        let mut need = item(ItemKind::Score);
        need.key = "progress".into();
        need.required = true;
        rule.items = vec![need];
        let mut rec =
            NewRecord::outcome(crate::domain::Channel::Phone, crate::domain::Outcome::Basic);
        rec.quality = Some(3);
        let problems = normalize("project", &rule, &rec).unwrap_err();
        assert!(
            problems[0].starts_with("quality: project does not ask this"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("progress: 项 is required"),
            "{problems:?}"
        );
        let mut rec =
            NewRecord::outcome(crate::domain::Channel::Phone, crate::domain::Outcome::Basic);
        rec.answers.insert("progress".into(), " 4 ".into());
        assert_eq!(
            normalize("project", &rule, &rec).unwrap().answers["progress"],
            "4"
        );
        rule.items = default_items();
        rec.answers.clear();
        rec.answers.insert("quality".into(), "5".into());
        assert_eq!(normalize("repair", &rule, &rec).unwrap().quality, Some(5));
    }
}
