//! Opens inputs: files, stdin, in-memory bytes (tests and benches), and
//! gzip data recognised by its magic bytes rather than its name.

pub mod chunk;

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use flate2::bufread::MultiGzDecoder;

use crate::error::Error;

/// Where log lines come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSpec {
    Stdin,
    File(PathBuf),
    /// Bytes already in memory, with a name for messages.
    Memory(String, Vec<u8>),
}

impl InputSpec {
    /// `-` is stdin; anything else a path.
    pub fn from_arg(arg: &Path) -> InputSpec {
        if arg == Path::new("-") { InputSpec::Stdin } else { InputSpec::File(arg.to_path_buf()) }
    }

    pub fn name(&self) -> String {
        match self {
            InputSpec::Stdin => "<stdin>".to_string(),
            InputSpec::File(p) => p.display().to_string(),
            InputSpec::Memory(name, _) => name.clone(),
        }
    }
}

/// The system logs tried, in order, when no input is named and stdin is a terminal.
pub const DEFAULT_LOGS: [&str; 2] = ["/var/log/mail.log", "/var/log/maillog"];

/// The inputs to read when none are named: a piped stdin, else the first
/// system mail log that exists.
pub fn default_inputs() -> Result<Vec<InputSpec>, Error> {
    if !io::stdin().is_terminal() {
        return Ok(vec![InputSpec::Stdin]);
    }
    DEFAULT_LOGS
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .map(|p| vec![InputSpec::File(p.to_path_buf())])
        .ok_or(Error::NoDefaultLog { tried: DEFAULT_LOGS.join(" or ") })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
        }
    }
}

/// An opened input.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    pub compression: Compression,
    /// Modification time of a file, the reference for year-less stamps.
    pub modified: Option<SystemTime>,
}

/// Opens an input and sniffs its compression.
pub fn open(spec: &InputSpec) -> Result<Opened, Error> {
    let name = spec.name();
    let (raw, modified): (Box<dyn Read + Send>, _) = match spec {
        InputSpec::Stdin => (Box::new(io::stdin()), None),
        InputSpec::Memory(_, bytes) => (Box::new(io::Cursor::new(bytes.clone())), None),
        InputSpec::File(path) => {
            let file = File::open(path).map_err(|source| Error::Open { path: name.clone(), source })?;
            let meta = file.metadata().map_err(|source| Error::Open { path: name.clone(), source })?;
            if meta.is_dir() {
                return Err(Error::IsDirectory { path: name });
            }
            (Box::new(file), meta.modified().ok())
        }
    };
    let mut buffered = BufReader::with_capacity(256 << 10, raw);
    let head = buffered.fill_buf().map_err(|source| Error::Read { path: name.clone(), source })?;
    if head.starts_with(&[0x1f, 0x8b]) {
        let reader = Box::new(BufReader::with_capacity(256 << 10, MultiGzDecoder::new(buffered)));
        return Ok(Opened { reader, compression: Compression::Gzip, modified });
    }
    Ok(Opened { reader: Box::new(buffered), compression: Compression::None, modified })
}
