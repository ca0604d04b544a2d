use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::{EventId, coded_enum};

coded_enum! {
    /// Where an escalation (升级 / 不合格处理) stands.
    EscalationState {
        Open = "open", "待处理";
        Handled = "handled", "已处理";
        Closed = "closed", "已关闭";
    }
}

coded_enum! {
    /// One step in an escalation's history.
    StepKind {
        Opened = "opened", "升级";
        Assigned = "assigned", "指派";
        Handled = "handled", "处理";
        Recalled = "recalled", "再次回访";
        Reopened = "reopened", "再次升级";
        Closed = "closed", "关闭";
    }
}

/// An unsatisfied or unqualified call-back, owned by the manager until the customer is satisfied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Escalation {
    pub id: i64,
    pub event_id: EventId,
    pub event_ref: String,
    pub record_id: Option<i64>,
    pub round: u32,
    pub state: EscalationState,
    pub owner_role: String,
    pub reason: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub opened_at: NaiveDateTime,
    pub deadline: NaiveDate,
}
