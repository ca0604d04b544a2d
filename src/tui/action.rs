//! The app's vocabulary: every key maps to one of these through the keymap.

use crate::domain::AttemptResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    FocusNext,
    FocusPrev,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter: open the selected call-back (queue) or escalation.
    Open,
    /// Log a "no answer" attempt on the selected call-back at once.
    NoAnswer,
    /// Choose an attempt result from a menu.
    AttemptMenu,
    LogAttempt(AttemptResult),
    Reveal,
    Dial,
    /// Write the selected visit's call-back record sheet (回访记录表) to a file.
    PrintSheet,
    Search,
    CycleSite,
    CycleCategory,
    CycleState,
    Help,
    Quit,
    /// Esc: close, go back, clear the search.
    Back,
    Save,
    NextField,
    PrevField,
    /// A digit on a choice field (outcome 1–3, channel 1–4, scores 1–5).
    Choose(u8),
    /// Space on a yes/no field.
    Toggle,
    /// Typed text for the focused text field.
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    Refresh,
    LoadDemo,
    Yes,
    No,
    /// Assign the selected escalation to a handler (the manager).
    Assign,
    /// Record the handling of the selected escalation.
    Handle,
    /// Open the review queue (审核).
    Review,
    /// Mark the selected record qualified (true) or unqualified (false), with a comment.
    Verdict(bool),
    /// The report pane's next or previous page.
    NextPage,
    PrevPage,
}

impl Action {
    /// A move through a list (line, page, end): what an overlay or pane borrows from the list
    /// under it.
    pub fn is_movement(&self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
        )
    }
}
