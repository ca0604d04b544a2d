//! huifang (回访): service events become call-back tasks under a company's regulations, kept in
//! a local SQLite store, worked through a command line and a keyboard-first TUI.
//!
//! The core (`domain`, `rules`, `store`, `import`, `workflow`) knows nothing of the terminal;
//! `cli` and `tui` are two thin front ends over it.

pub mod atomic_write;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod logging;
pub mod presets;
pub mod report;
pub mod rules;
pub mod sheet;
pub mod store;
pub mod text;
pub mod tui;
pub mod workflow;
