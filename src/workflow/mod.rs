//! What operators and imports do, over the rules and the store: take in finished work, log an
//! attempt, save a record, review it, escalate and handle, manage staff, plan periodic call-backs,
//! reapply edited rules. The CLI and the TUI
//! both call these; neither holds business logic.

mod callback;
pub mod conclusion;
mod contact;
pub mod daily;
pub mod escalation;
mod intake;
pub mod plan;
pub mod quarter;
pub mod quota;
mod reapply;
pub mod retention;
pub mod review;
pub mod roles;
pub mod stage;

pub use callback::{AttemptDone, RecordDone, Try, attempt, record};
// The demo's generated desk applies the same top-up rules without the per-row reads.
pub(crate) use callback::{TOP_UP_CANDIDATES, can_substitute, short_of_rate, top_up_reason};
pub use contact::{Contact, Contacts, contact};
pub(crate) use intake::create_tasks_with;
pub use intake::{Conflict, Intake, IntakeReport, IntakeResult, check_event, check_event_with};
pub use plan::{PlanReport, Planned};
pub use reapply::{Move, ReapplyReport, Skip, reapply};
