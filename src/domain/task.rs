use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::{EventId, coded_enum};

pub type TaskId = i64;

coded_enum! {
    /// What a call-back window is counted from.
    Anchor {
        Completion = "completion", "完成后";
        ContractMid = "contract_mid", "合同中期";
        ContractEnd = "contract_end", "合同结束后";
    }
}

coded_enum! {
    /// Where a call-back task stands.
    TaskState {
        Pending = "pending", "待回访";
        Done = "done", "已回访";
        Unreachable = "unreachable", "联系不上";
        Cancelled = "cancelled", "已取消";
    }
}

coded_enum! {
    /// How urgent a pending task is on a given day.
    DueState {
        Overdue = "overdue", "已超期";
        DueToday = "due_today", "今日到期";
        Open = "open", "可回访";
        NotYetOpen = "not_yet_open", "未到期";
    }
}

impl DueState {
    /// Where a pending task with window `opens..=due` stands on `day`.
    pub fn on(day: NaiveDate, opens: NaiveDate, due: NaiveDate) -> Self {
        if due < day {
            DueState::Overdue
        } else if due == day {
            DueState::DueToday
        } else if opens <= day {
            DueState::Open
        } else {
            DueState::NotYetOpen
        }
    }
}

/// One call-back owed to a customer for one event, in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallbackTask {
    pub id: TaskId,
    pub event_id: EventId,
    pub kind: Anchor,
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub role: String,
    pub state: TaskState,
    /// The rule that made it, e.g. `complaint#1`.
    pub rule: String,
    /// The rule-set version in force when it was made.
    pub rules_version: String,
    pub attempts: u32,
    #[serde(serialize_with = "crate::clock::ser_opt_datetime")]
    pub closed_at: Option<NaiveDateTime>,
}
