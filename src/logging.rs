//! Logs go to a file under the state dir (`~/.local/state/huifang/huifang.log`), never to the
//! terminal. They carry ids and counts, never customer data (保密纪律).

use std::path::PathBuf;

/// Where the log file lives: `HUIFANG_LOG_DIR`, else the platform's state (or data) dir.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HUIFANG_LOG_DIR") {
        return Some(PathBuf::from(p));
    }
    let dirs = crate::config::project_dirs()?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// Starts logging to the file. Returns the guard that flushes it on drop; `None` when there is
/// no place to log, which is not worth failing for.
pub fn init() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let file = tracing_appender::rolling::never(&dir, "huifang.log");
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .try_init()
        .ok()?;
    Some(guard)
}
