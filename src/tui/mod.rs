//! The operator's terminal UI: today's due call-backs, the record form, the escalation queue.
//!
//! Data flows one way: store → state → view, and key → action → update → effect → store.

pub mod action;
pub mod app;
pub mod keymap;
pub mod panes;
pub mod retention;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;

use color_eyre::eyre::Result;

use crate::cli::{Cli, Ctx};
use crate::i18n::Lang;

/// Builds the app for the context: store, keymap, state in the configured language.
pub fn build(ctx: &Ctx) -> Result<app::App> {
    let mut store = ctx.open_store()?;
    // The day's periodic, quota and stage call-backs, before the queue is read; a failure is
    // logged, not fatal. Rules that plan nothing take no write lock at start.
    if crate::workflow::daily::plans_anything(&ctx.config) {
        let planned = store.write().and_then(|tx| {
            let (periodic, after) = crate::workflow::daily::run(
                &tx,
                &ctx.config,
                ctx.clock.today(),
                ctx.clock.now(),
                &ctx.operator,
            )?;
            tx.commit()?;
            Ok(periodic.created.len() + after.count())
        });
        match planned {
            Ok(n) => tracing::info!(created = n, "the day's call-backs planned"),
            Err(e) => tracing::warn!("the day's call-backs not planned: {e}"),
        }
    }
    let keymap = keymap::Keymap::new(&ctx.config.keys)?;
    let mut state = state::State::new(
        ctx.lang,
        ctx.operator.clone(),
        ctx.config.ui.site.clone(),
        ctx.clock.now(),
    );
    state.category_names = ctx
        .config
        .categories
        .iter()
        .map(|(k, r)| (k.clone(), r.name.clone()))
        .collect();
    let mut app = app::App::new(store, ctx.config.clone(), keymap, ctx.clock.clone(), state)?;
    retention::at_start(&mut app);
    Ok(app)
}

/// Opens the TUI on the default (or `--db`) database.
pub fn run(cli: &Cli) -> Result<()> {
    let mut ctx = Ctx::new(cli)?;
    ctx.lang = Lang::resolve(cli.lang.as_deref(), ctx.config.ui.language.as_deref());
    let _log = crate::logging::init();
    let mut app = build(&ctx)?;
    tracing::info!(
        due = app.state.queue.all.len(),
        escalations = app.state.escalations.items.len(),
        "tui started"
    );
    let mut terminal = ratatui::init();
    let result = app.run(&mut terminal);
    ratatui::restore();
    if let Err(e) = &result {
        tracing::error!(kind = app::error_kind(e), "tui stopped");
    }
    result
}
