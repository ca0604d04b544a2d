//! Renderers of a `Doc`, and writing a report out atomically.

pub mod csv;
pub mod markdown;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and renamed
/// over it: a reader never sees half a report, and a failure leaves any old file as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.wrap_err_with(|| format!("cannot write the report to {}", path.display()))
}
