//! Where output goes: stdout (a closed pipe is not an error) or a file
//! replaced atomically.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::error::Error;

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
/// so a failed run never leaves a half-written report.
pub fn write_atomically(path: &Path, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let err = |source| Error::Write { path: path.display().to_string(), source };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    let mut w = BufWriter::new(tmp);
    render(&mut w).and_then(|()| w.flush()).map_err(err)?;
    let tmp = w.into_inner().map_err(|e| err(e.into_error()))?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
