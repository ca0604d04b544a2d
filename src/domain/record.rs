use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::{TaskId, coded_enum};

coded_enum! {
    /// How the customer was reached.
    Channel {
        Phone = "phone", "电话";
        Visit = "visit", "上门";
        Sms = "sms", "短信";
        Email = "email", "邮件";
    }
}

coded_enum! {
    /// The customer's satisfaction (满意程度评价), the outcome of a call-back.
    Outcome {
        Satisfied = "satisfied", "满意";
        Basic = "basic", "基本满意";
        Unsatisfied = "unsatisfied", "不满意";
    }
}

coded_enum! {
    /// Why a try to reach the customer failed.
    AttemptResult {
        NoAnswer = "no_answer", "无人接听";
        Busy = "busy", "占线";
        WrongNumber = "wrong_number", "号码错误";
        Refused = "refused", "拒绝回访";
        NotHome = "not_home", "不在家";
    }
}

coded_enum! {
    /// What an evaluation item (评价项目) asks for, and so how its answer is typed and checked.
    ItemKind {
        Score = "score", "评分";
        YesNo = "yes_no", "是否";
        Choice = "choice", "选项";
        Text = "text", "文字";
        Quantity = "quantity", "数量";
    }
}

/// One unsuccessful try to reach the customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    pub id: i64,
    pub task_id: TaskId,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub at: NaiveDateTime,
    pub result: AttemptResult,
    pub channel: Channel,
    pub note: String,
    pub operator: String,
}

/// What the operator enters for a call-back that reached the customer: the five items of the
/// property regulations (quality, effect, satisfaction, shortcomings, suggestions), a note and,
/// for visits, the customer's signature (住户签名确认). A category that asks its own evaluation
/// items keeps their answers in `answers` (item key → canonical value, see `rules::items`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRecord {
    pub channel: Channel,
    pub outcome: Outcome,
    pub quality: Option<u8>,
    pub effect: Option<u8>,
    pub shortcomings: String,
    pub suggestions: String,
    pub note: String,
    pub signed: bool,
    /// Answers to the category's own items (the four above have their own fields).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, String>,
}

impl NewRecord {
    /// A record with just an outcome, everything else empty.
    pub fn outcome(channel: Channel, outcome: Outcome) -> Self {
        Self {
            channel,
            outcome,
            quality: None,
            effect: None,
            shortcomings: String::new(),
            suggestions: String::new(),
            note: String::new(),
            signed: false,
            answers: BTreeMap::new(),
        }
    }
}

/// A saved call-back record (回访记录).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub id: i64,
    pub task_id: TaskId,
    #[serde(flatten)]
    pub record: NewRecord,
    pub operator: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub recorded_at: NaiveDateTime,
}
