use chrono::NaiveDateTime;
use serde::Serialize;

use super::coded_enum;

coded_enum! {
    /// What a member of staff may do (see `workflow::roles`).
    StaffRole {
        Operator = "operator", "客服专员";
        Supervisor = "supervisor", "客服主管";
        Manager = "manager", "管理处经理";
    }
}

/// A member of staff, kept in the database.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staff {
    pub name: String,
    pub role: StaffRole,
    pub site: String,
    #[serde(serialize_with = "crate::clock::ser_datetime")]
    pub added_at: NaiveDateTime,
}
