//! What operators and imports do, over the rules and the store: take in finished work, log an
//! attempt, save a record. The CLI and the TUI both call these; neither holds business logic.

mod callback;
mod contact;
mod intake;

pub use callback::{AttemptDone, RecordDone, Try, attempt, record};
pub use contact::{Contact, contact};
pub use intake::{Conflict, Intake, IntakeReport, IntakeResult, check_event};
