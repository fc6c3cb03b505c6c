//! Opens inputs: files, stdin, in-memory bytes (tests and benches), and
//! gzip, bzip2, xz and zstd data recognised by their magic bytes rather
//! than their names. Expands directories and globs into rotated sets read
//! oldest first.

pub mod chunk;
pub mod mapped;

use mapped::Mapped;

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bzip2::bufread::MultiBzDecoder;
use flate2::bufread::MultiGzDecoder;
use liblzma::bufread::XzDecoder;

use crate::error::Error;
use crate::progress::Progress;

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
pub const DEFAULT_LOGS: [&str; 3] = ["/var/log/mail.log", "/var/log/maillog", "/var/log/exim4/mainlog"];

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
        .ok_or(Error::NoDefaultLog { tried: DEFAULT_LOGS.join(", ") })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
        }
    }

    /// Recognises a compressed stream by its first bytes.
    pub fn sniff(head: &[u8]) -> Compression {
        match head {
            [0x1f, 0x8b, ..] => Compression::Gzip,
            [b'B', b'Z', b'h', b'1'..=b'9', ..] => Compression::Bzip2,
            [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Compression::Xz,
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
            _ => Compression::None,
        }
    }
}

/// Where an opened input's bytes come from.
pub enum Source {
    /// Read (and decompressed) from a stream.
    Stream(Box<dyn Read + Send>),
    /// A large, quiet, uncompressed regular file, scanned in place.
    Mapped(Mapped),
}

/// An opened input.
pub struct Opened {
    pub source: Source,
    pub compression: Compression,
    /// Modification time of a file, the reference for year-less stamps.
    pub modified: Option<SystemTime>,
}

/// Opens an input and sniffs its compression. With `map_chunks`, a file
/// [`Mapped::open`] takes is mapped and cut into chunks of that size.
pub fn open(spec: &InputSpec, progress: &Progress, map_chunks: Option<usize>) -> Result<Opened, Error> {
    let name = spec.name();
    let (raw, modified): (Box<dyn Read + Send>, _) = match spec {
        InputSpec::Stdin => (Box::new(progress.wrap(io::stdin())), None),
        InputSpec::Memory(_, bytes) => (Box::new(progress.wrap(io::Cursor::new(bytes.clone()))), None),
        InputSpec::File(path) => {
            let file = File::open(path).map_err(|source| Error::Open { path: name.clone(), source })?;
            let meta = file.metadata().map_err(|source| Error::Open { path: name.clone(), source })?;
            if meta.is_dir() {
                return Err(Error::IsDirectory { path: name });
            }
            if !meta.is_file() {
                // A FIFO or device is read as a stream; nothing else is.
                use std::os::unix::fs::FileTypeExt;
                let ft = meta.file_type();
                if !(ft.is_fifo() || ft.is_char_device()) {
                    return Err(Error::Open { path: name, source: io::Error::other("not a regular file") });
                }
            }
            let modified = meta.modified().ok();
            if let Some(target) = map_chunks
                && let Some(mapped) = Mapped::open(path, &file, &meta, target)
                && Compression::sniff(&mapped.bytes()[..mapped.bytes().len().min(16)]) == Compression::None
            {
                return Ok(Opened { source: Source::Mapped(mapped), compression: Compression::None, modified });
            }
            (Box::new(progress.wrap(file)), modified)
        }
    };
    let mut buffered = BufReader::with_capacity(256 << 10, raw);
    let head = buffered.fill_buf().map_err(|source| Error::Read { path: name.clone(), source })?;
    let compression = Compression::sniff(head);
    // Concatenated members and frames (as `cat a.gz b.gz` makes) are all read.
    let reader: Box<dyn Read + Send> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(BufReader::with_capacity(256 << 10, MultiGzDecoder::new(buffered))),
        Compression::Bzip2 => Box::new(BufReader::with_capacity(256 << 10, MultiBzDecoder::new(buffered))),
        Compression::Xz => Box::new(BufReader::with_capacity(256 << 10, XzDecoder::new_multi_decoder(buffered))),
        Compression::Zstd => {
            let d = zstd::stream::read::Decoder::with_buffer(buffered)
                .map_err(|source| Error::Decompress { path: name.clone(), source })?;
            Box::new(BufReader::with_capacity(256 << 10, d))
        }
    };
    Ok(Opened { source: Source::Stream(reader), compression, modified })
}

/// The bytes the inputs hold on disk, when every one has a known size.
pub fn total_size(inputs: &[InputSpec]) -> Option<u64> {
    inputs
        .iter()
        .map(|i| match i {
            InputSpec::File(p) => std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len()),
            InputSpec::Memory(_, b) => Some(b.len() as u64),
            InputSpec::Stdin => None,
        })
        .sum()
}

/// Turns the FILE arguments into inputs: `-` is stdin, a directory stands
/// for the files in it, a pattern with `*`, `?` or `[` that names no file is
/// expanded. Rotated sets (`mail.log.2.gz mail.log.1 mail.log`,
/// `maillog-20261121 maillog`) are put oldest first, whatever order the
/// shell gave them in. Returns the inputs and the arguments that matched nothing.
pub fn expand_args(args: &[PathBuf]) -> (Vec<InputSpec>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            files.push(InputSpec::Stdin);
            continue;
        }
        if arg.is_dir() {
            match std::fs::read_dir(arg) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                        .collect();
                    if found.is_empty() {
                        errors.push(Error::Usage(format!("{}: directory holds no log files", arg.display())));
                    }
                    sort_rotated(&mut found);
                    files.extend(found.into_iter().map(InputSpec::File));
                }
                Err(source) => errors.push(Error::Open { path: arg.display().to_string(), source }),
            }
            continue;
        }
        let text = arg.to_string_lossy();
        if !arg.exists() && text.contains(['*', '?', '[']) {
            let mut found: Vec<PathBuf> = glob::glob(&text)
                .map(|paths| paths.filter_map(Result::ok).filter(|p| p.is_file()).collect())
                .unwrap_or_default();
            if found.is_empty() {
                errors.push(Error::Usage(format!("{text}: no file matches")));
            }
            sort_rotated(&mut found);
            files.extend(found.into_iter().map(InputSpec::File));
            continue;
        }
        files.push(InputSpec::File(arg.clone()));
    }
    order_rotated_sets(&mut files);
    (files, errors)
}

/// Sorts paths oldest first within each rotated set.
fn sort_rotated(paths: &mut [PathBuf]) {
    paths.sort_by_key(|p| rotation_key(p));
}

/// Reorders file inputs so every rotated set is oldest first; stdin and
/// in-memory inputs keep their place.
fn order_rotated_sets(inputs: &mut [InputSpec]) {
    // Only files of one set move, within the slots that set occupies;
    // unrelated files keep the order given.
    let mut sets: std::collections::BTreeMap<String, Vec<(usize, PathBuf)>> = std::collections::BTreeMap::new();
    for (slot, spec) in inputs.iter().enumerate() {
        if let InputSpec::File(p) = spec {
            sets.entry(rotation_key(p).0).or_default().push((slot, p.clone()));
        }
    }
    for members in sets.into_values() {
        let mut sorted: Vec<PathBuf> = members.iter().map(|(_, p)| p.clone()).collect();
        sort_rotated(&mut sorted);
        for ((slot, _), p) in members.into_iter().zip(sorted) {
            inputs[slot] = InputSpec::File(p);
        }
    }
}

/// (set name, rank within the set): `mail.log.3.gz` → ("mail.log", 0, -3),
/// `maillog-20261121.xz` → ("maillog", 1, 20261121), `mail.log` → ("mail.log", 2, 0).
fn rotation_key(path: &Path) -> (String, u8, i64) {
    let name = path.to_string_lossy();
    let mut base: &str = &name;
    for ext in [".gz", ".bz2", ".xz", ".zst", ".zstd"] {
        if let Some(b) = base.strip_suffix(ext) {
            base = b;
            break;
        }
    }
    if let Some((stem, n)) = base.rsplit_once('.')
        && !n.is_empty()
        && n.len() <= 4
        && n.bytes().all(|c| c.is_ascii_digit())
    {
        return (stem.to_string(), 0, -n.parse::<i64>().unwrap_or(0));
    }
    if let Some((stem, d)) = base.rsplit_once('-')
        && d.len() == 8
        && d.bytes().all(|c| c.is_ascii_digit())
    {
        return (stem.to_string(), 1, d.parse().unwrap_or(0));
    }
    (base.to_string(), 2, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_compression() {
        assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(Compression::sniff(b"BZh91AY&SY"), Compression::Bzip2);
        assert_eq!(Compression::sniff(&[0xfd, b'7', b'z', b'X', b'Z', 0]), Compression::Xz);
        assert_eq!(Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]), Compression::Zstd);
        assert_eq!(Compression::sniff(b"Nov 22 00:00:01 mx1"), Compression::None);
        assert_eq!(Compression::sniff(b"BZh"), Compression::None);
    }

    #[test]
    fn rotated_sets_are_read_oldest_first() {
        let names = ["/l/mail.log", "/l/mail.log.1", "/l/mail.log.10.gz", "/l/mail.log.2.gz", "/l/other.log"];
        let mut inputs: Vec<InputSpec> = names.iter().map(|n| InputSpec::File(PathBuf::from(n))).collect();
        inputs.insert(1, InputSpec::Stdin);
        order_rotated_sets(&mut inputs);
        let got: Vec<String> = inputs.iter().map(InputSpec::name).collect();
        assert_eq!(
            got,
            ["/l/mail.log.10.gz", "<stdin>", "/l/mail.log.2.gz", "/l/mail.log.1", "/l/mail.log", "/l/other.log"]
        );
        let mut dated =
            vec![PathBuf::from("maillog"), PathBuf::from("maillog-20261122.xz"), PathBuf::from("maillog-20261121")];
        sort_rotated(&mut dated);
        assert_eq!(
            dated,
            [PathBuf::from("maillog-20261121"), PathBuf::from("maillog-20261122.xz"), PathBuf::from("maillog")]
        );
    }
}
