//! `Config`: the validated settings a run uses, resolved once from `Cli`.

use std::path::PathBuf;

use crate::cli::{Format, ReportArgs};
use crate::error::Error;
use crate::input::{InputSpec, default_inputs};
use crate::pipeline::ScanOptions;
use crate::report::ReportOptions;

#[derive(Debug)]
pub struct Config {
    pub inputs: Vec<InputSpec>,
    pub scan: ScanOptions,
    pub report: ReportOptions,
    pub format: Format,
    pub output: Option<PathBuf>,
}

impl Config {
    pub fn from_args(args: ReportArgs) -> Result<Config, Error> {
        let inputs = if args.files.is_empty() {
            default_inputs()?
        } else {
            args.files.iter().map(|f| InputSpec::from_arg(f)).collect()
        };
        let mut scan = ScanOptions { year: args.year, ..ScanOptions::default() };
        if let Some(t) = args.threads {
            scan.threads = t as usize;
        }
        if let Some(c) = args.chunk_size {
            scan.chunk_bytes = c as usize;
        }
        Ok(Config { inputs, scan, report: ReportOptions { top: args.top }, format: args.format, output: args.output })
    }
}
