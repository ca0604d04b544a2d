//! The questions a visit sheet asks, with space to answer. The one place that decides them.

use crate::config::Config;
use crate::domain::Outcome;
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

/// The questions of a category's visit sheet, in order. Today every category asks the five
/// items of the property regulations (回访的内容 4.1.4: 质量评价, 服务效果评价, 满意程度评价,
/// 缺点与不足, 建议征集; satisfaction is the record's outcome). When categories carry typed
/// evaluation items of their own in the config, this function reads them, and nothing else on
/// the sheet changes: that is why it takes the config and the category.
pub fn sheet_questions(_config: &Config, _category: &str, lang: Lang) -> Vec<Question> {
    let q = |key: &str, kind| Question {
        label: t(lang, key).to_string(),
        kind,
    };
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| match lang {
            Lang::Zh => o.zh().to_string(),
            Lang::En => t(lang, &format!("sheet.outcome.{}", o.code())).to_string(),
        })
        .collect();
    vec![
        q("sheet.q.quality", QuestionKind::Score),
        q("sheet.q.effect", QuestionKind::Score),
        q("sheet.q.satisfaction", QuestionKind::Choice(outcomes)),
        q("sheet.q.shortcomings", QuestionKind::Text),
        q("sheet.q.suggestions", QuestionKind::Text),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

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
