//! Errors with the context a user needs to act on them.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Open { path: String, source: io::Error },
    #[error("{path}: is a directory")]
    IsDirectory { path: String },
    #[error("{path}: read failed: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}: compressed data is truncated or corrupt ({source}); the report covers what was read before it")]
    Decompress { path: String, source: io::Error },
    #[error("no log given and none found: tried {tried}; name a file or pipe a log into stdin")]
    NoDefaultLog { tried: String },
    #[error("{0}")]
    BadCode(String),
    #[error("{path}: {source}")]
    Write { path: String, source: io::Error },
    #[error("{0}")]
    Usage(String),
    #[error("{file}: {}{message}", if rule.is_empty() { String::new() } else { format!("rule {rule:?}: ") })]
    BadPattern { file: String, rule: String, message: String },
}
