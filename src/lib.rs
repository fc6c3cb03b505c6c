//! smtpstat reads mail-server logs and reports the SMTP replies in them.
//!
//! The pipeline, one module per stage:
//! `input` (files, stdin, gzip → whole-line chunks; large quiet files
//! memory-mapped) → `scan` (lines of a chunk) → `formats` (one line → one
//! `Event`) → `aggregate` (a mergeable `Summary` per worker, reduced at the
//! end) → `report` (sorted, explained with `knowledge`) → text, JSON or CSV.

pub mod aggregate;
pub mod app;
pub mod bytemask;
pub mod cli;
pub mod code;
pub mod config;
pub mod error;
pub mod event;
pub mod exit;
pub mod fail_on;
pub mod formats;
pub mod i18n;
pub mod input;
pub mod knowledge;
pub mod mask;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod rules;
pub mod sanitize;
pub mod scan;
pub mod time;

/// The benchmarks' log generator, for tests that need a large, realistic log.
#[cfg(test)]
#[path = "../benches/gen.rs"]
mod r#gen;
