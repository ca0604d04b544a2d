//! The rules engine: pure functions from typed rules and an event to windows, selection and
//! roles. Nothing here reads a clock, a file or the database.

pub mod calendar;
mod hours;
mod items;
mod offset;
pub mod quarter;
mod quota;
mod sampling;
mod window;

pub use calendar::{Calendar, DayKind, WorkingDays};
pub use hours::{ContactHours, Spacing, Span};
pub use items::{
    ItemRule, answer, builtin_kind, check_items, default_items, discrepancies, is_builtin_as_is,
    normalize, set_answer,
};
pub use offset::{Offset, OffsetUnit, Resolved};
pub use quota::{QuotaRule, QuotaScope, scope_key, scope_label};
pub use sampling::{Cohort, CohortCount, Selection, StableHasher, choose, stable_hash};
pub use window::{Window, WindowMemo, windows_for};

use crate::config::CategoryRule;

/// The role that must do the call-backs of an event of this category.
pub fn role_for(rule: &CategoryRule, major: bool) -> &str {
    match (&rule.major_role, major) {
        (Some(r), true) => r,
        _ => &rule.role,
    }
}
