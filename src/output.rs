//! Where output goes: stdout (a closed pipe is not an error) or a file
//! replaced atomically.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::error::Error;

/// Temporary files being written, removed if the run is interrupted.
static PENDING: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes the temporary files of reports being written (on SIGINT), so
/// an interrupted run leaves neither a half report nor litter.
pub fn remove_pending() {
    if let Ok(mut pending) = PENDING.lock() {
        for p in pending.drain(..) {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn track(path: &Path, add: bool) {
    if let Ok(mut pending) = PENDING.lock() {
        if add {
            pending.push(path.to_path_buf());
        } else {
            pending.retain(|p| p != path);
        }
    }
}

/// Writes to stdout; a closed pipe (`smtpstat … | head`) is not an error.
pub fn write_stdout(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let stdout = io::stdout();
    let mut w = BufWriter::with_capacity(64 << 10, stdout.lock());
    let res = render(&mut w).and_then(|()| w.flush());
    match res {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Write { path: "<stdout>".into(), source }),
        Ok(()) => Ok(()),
    }
}

/// Writes to a temporary file beside `path`, then renames it over `path`,
/// so a failed run never leaves a half-written report. A path that exists
/// and is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO) is written
/// in place: renaming over it would replace the device or pipe.
pub fn write_atomically(path: &Path, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let err = |source| Error::Write { path: path.display().to_string(), source };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let file = std::fs::OpenOptions::new().write(true).open(path).map_err(err)?;
        let mut w = BufWriter::new(file);
        return render(&mut w).and_then(|()| w.flush()).map_err(err);
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // tempfile's error names the temporary file, which the user never asked
    // for; the OS error alone reads right after the path given.
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| err(without_path(e)))?;
    let tmp_path = tmp.path().to_path_buf();
    track(&tmp_path, true);
    let mut w = BufWriter::new(tmp);
    let result = render(&mut w)
        .and_then(|()| w.flush())
        .map_err(err)
        .and_then(|()| w.into_inner().map_err(|e| err(e.into_error())))
        .and_then(|tmp| tmp.persist(path).map(drop).map_err(|e| err(e.error)));
    track(&tmp_path, false);
    result
}

/// An error of tempfile's without the ` at path "…"` it adds: the user
/// named the report's path, never the temporary file's.
fn without_path(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.rsplit_once(" at path ") {
        Some((message, _)) => io::Error::new(e.kind(), message.to_string()),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_written_in_place_files_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        write_atomically(Path::new("/dev/null"), |w| w.write_all(b"discarded")).unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(!meta.is_file(), "/dev/null must stay a device");
    }
}
