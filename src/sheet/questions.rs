//! The questions a visit sheet asks, with space to answer. The one place that decides them.

use crate::config::Config;
use crate::domain::{ItemKind, Outcome};
use crate::i18n::{Lang, t};

/// How a question is answered on paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    /// 1 (poor) to 5 (good), one box ticked.
    Score,
    YesNo,
    /// One box of the list ticked.
    Choice(Vec<String>),
    /// Written in a box.
    Text,
    /// A number written before its unit (吨, 袋).
    Quantity {
        unit: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub label: String,
    pub kind: QuestionKind,
}

/// The questions of a category's visit sheet, in order: the category's evaluation items (the
/// property regulations' by default — 回访的内容 4.1.4: 质量评价, 服务效果评价, 缺点与不足,
/// 建议征集), with satisfaction (满意程度评价, the record's outcome) before the first free-text
/// item, as the regulations list them.
pub fn sheet_questions(config: &Config, category: &str, lang: Lang) -> Vec<Question> {
    let items = config
        .category(category)
        .map(|(_, r)| r.items.clone())
        .unwrap_or_else(crate::rules::default_items);
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| match lang {
            Lang::Zh => o.zh().to_string(),
            Lang::En => t(lang, &format!("sheet.outcome.{}", o.code())).to_string(),
        })
        .collect();
    let satisfaction = Question {
        label: t(lang, "sheet.q.satisfaction").to_string(),
        kind: QuestionKind::Choice(outcomes),
    };
    let mut questions: Vec<Question> = items
        .iter()
        .map(|item| Question {
            label: if crate::rules::is_builtin_as_is(item) {
                t(lang, &format!("sheet.q.{}", item.key)).to_string()
            } else {
                item.label(lang).to_string()
            },
            kind: match item.kind {
                ItemKind::Score => QuestionKind::Score,
                ItemKind::YesNo => QuestionKind::YesNo,
                ItemKind::Choice => QuestionKind::Choice(item.choices.clone()),
                ItemKind::Text => QuestionKind::Text,
                ItemKind::Quantity => QuestionKind::Quantity {
                    unit: item.unit.clone(),
                },
            },
        })
        .collect();
    let at = questions
        .iter()
        .position(|q| q.kind == QuestionKind::Text)
        .unwrap_or(questions.len());
    questions.insert(at, satisfaction);
    questions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_with_its_own_items_asks_them() {
        let c = Config::from_user_text(None, "preset = \"delivery\"\n").unwrap();
        let qs = sheet_questions(&c, "delivery", Lang::Zh);
        let labels: Vec<_> = qs.iter().map(|q| q.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "发货品种",
                "发货数量",
                "收货品种",
                "收货数量",
                "满意程度评价",
                "建议征集"
            ]
        );
        assert_eq!(qs[1].kind, QuestionKind::Quantity { unit: "吨".into() });
    }

    #[test]
    fn the_five_items_of_the_regulations() {
        let qs = sheet_questions(&Config::builtin(), "repair", Lang::Zh);
        let labels: Vec<_> = qs.iter().map(|q| q.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "质量评价",
                "服务效果评价",
                "满意程度评价",
                "缺点与不足",
                "建议征集"
            ]
        );
        assert_eq!(
            qs[2].kind,
            QuestionKind::Choice(vec!["满意".into(), "基本满意".into(), "不满意".into()])
        );
        let en = sheet_questions(&Config::builtin(), "repair", Lang::En);
        assert_eq!(
            en[2].kind,
            QuestionKind::Choice(vec![
                "Satisfied".into(),
                "Basically satisfied".into(),
                "Unsatisfied".into()
            ])
        );
    }
}
