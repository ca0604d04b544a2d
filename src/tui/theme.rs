//! Semantic styles. Panes ask for a role, never a colour; `NO_COLOR` keeps only bold/reverse.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    FocusedBorder,
    Border,
    Overdue,
    DueToday,
    Muted,
    Selected,
    Major,
    Error,
    Info,
    Field,
    FieldFocused,
    Chosen,
}

pub fn style(role: Role) -> Style {
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let base = Style::default();
    let c = |s: Style, fg: Color| if color { s.fg(fg) } else { s };
    match role {
        Role::Title => c(base.add_modifier(Modifier::BOLD), Color::Cyan),
        Role::FocusedBorder => c(base.add_modifier(Modifier::BOLD), Color::Cyan),
        Role::Border => c(base, Color::DarkGray),
        Role::Overdue => c(base.add_modifier(Modifier::BOLD), Color::Red),
        Role::DueToday => c(base, Color::Yellow),
        Role::Muted => c(base, Color::DarkGray),
        Role::Selected => base.add_modifier(Modifier::REVERSED),
        Role::Major => c(base.add_modifier(Modifier::BOLD), Color::Magenta),
        Role::Error => c(base.add_modifier(Modifier::BOLD), Color::Red),
        Role::Info => c(base, Color::Green),
        Role::Field => c(base, Color::Gray),
        Role::FieldFocused => base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        Role::Chosen => c(
            base.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            Color::Green,
        ),
    }
}
