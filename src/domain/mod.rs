//! Plain types of the call-back domain. No I/O, no terminal.

mod category;
mod escalation;
mod event;
mod phone;
mod record;
mod staff;
mod task;

pub use category::{BUILTIN_CATEGORIES, Category};
pub use escalation::{EscalationState, StepKind};
pub use event::{CustomerKind, EventId, NewEvent, ServiceEvent};
pub use phone::mask_phone;
pub use record::{Attempt, AttemptResult, Channel, ItemKind, NewRecord, Outcome, Record};
pub use staff::{Staff, StaffRole};
pub use task::{Anchor, CallbackTask, DueState, TaskId, TaskState};

/// Declares a closed set of string-coded values with their Chinese names, parsed from either.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code scripts and the database use.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese name operators read.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Accepts the code or the Chinese name.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.code() == s || v.zh() == s)
            }

            /// The codes, for error messages: `a|b|c`.
            pub fn codes() -> String {
                $name::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join("|")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use coded_enum;
