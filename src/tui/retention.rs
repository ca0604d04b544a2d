//! The TUI's part in the quarter close: the quarters whose 10th has passed are closed at start
//! (as every writing command does), and a supervisor is reminded of a close that is due — the
//! quarter that ended last, not closed yet — in the status bar, with a message saying what to do.

use super::app::App;
use crate::domain::StaffRole;
use crate::i18n::fill;
use crate::workflow::quarter;

/// At start: closes what is due, then sets the reminder. Failures are logged, not fatal.
pub fn at_start(app: &mut App) {
    let (today, now) = (app.clock.today(), app.clock.now());
    let closed = app.store.write().and_then(|tx| {
        let c = quarter::auto_close(&tx, today, now)?;
        tx.commit()?;
        Ok(c)
    });
    match closed {
        Ok(Some(c)) => tracing::info!(quarter = %c.quarter, "quarter closed automatically"),
        Ok(None) => {}
        Err(e) => tracing::warn!("quarters not closed: {e}"),
    }
    let acting = &app.state.acting;
    let supervisor = !acting.checks_on || acting.role == Some(StaffRole::Supervisor);
    app.state.close_due = if supervisor {
        quarter::close_due(&app.store, today).unwrap_or_else(|e| {
            tracing::warn!("close reminder not loaded: {e}");
            None
        })
    } else {
        None
    };
    if let Some(c) = &app.state.close_due
        && app.state.message.is_none()
    {
        let text = fill(
            app.state.t("msg.close_due"),
            &[
                ("quarter", &c.quarter),
                ("date", &c.closes_on),
                ("n", &c.unreviewed),
            ],
        );
        app.state.info(text);
    }
}
