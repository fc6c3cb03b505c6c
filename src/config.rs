//! `Config`: the validated settings a run uses, resolved once from `Cli`.

use std::path::PathBuf;

use crate::cli::{Format, MtaArg, ProgressArg, ReportArgs};
use crate::error::Error;
use crate::event::Mta;
use crate::fail_on::{self, Condition};
use crate::input::{InputSpec, default_inputs, expand_args};
use crate::pipeline::ScanOptions;
use crate::progress::When;
use crate::report::ReportOptions;
use crate::rules::Rules;
use crate::time::{LogTime, parse_day_arg, parse_time_arg};

#[derive(Debug)]
pub struct Config {
    pub inputs: Vec<InputSpec>,
    /// Arguments that named nothing readable (reported, then skipped).
    pub input_errors: Vec<Error>,
    pub scan: ScanOptions,
    pub report: ReportOptions,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub csv_dir: Option<PathBuf>,
    pub fail_on: Vec<Condition>,
    /// Reason and provider rules: built in, plus `--patterns` files.
    pub rules: LoadingRules,
}

/// Rules being compiled. A user's `--patterns` file is compiled before any
/// log is read, so a broken rule stops the run at once; the built-in rules
/// (checked by the tests) compile on their own thread while the logs are
/// read, which takes their ~10 ms off every run.
#[derive(Debug)]
pub enum LoadingRules {
    Ready(Rules),
    Compiling(std::thread::JoinHandle<Rules>),
}

impl LoadingRules {
    fn start(patterns: &[(String, String)]) -> Result<LoadingRules, Error> {
        if !patterns.is_empty() {
            return Ok(LoadingRules::Ready(Rules::load(patterns)?));
        }
        // The report's knowledge base is parsed there too, off the path
        // that follows the scan.
        let load = || {
            let rules = Rules::builtin();
            crate::knowledge::knowledge();
            rules
        };
        Ok(match std::thread::Builder::new().name("smtpstat-rules".into()).spawn(load) {
            Ok(handle) => LoadingRules::Compiling(handle),
            Err(_) => LoadingRules::Ready(Rules::builtin()),
        })
    }

    /// The compiled rules, waiting for them if need be.
    pub fn wait(self) -> Rules {
        match self {
            LoadingRules::Ready(rules) => rules,
            LoadingRules::Compiling(handle) => handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        }
    }
}

/// The system's time zone. Without `TZ`, `/etc/localtime` is read
/// directly: the library's own lookup first lists the whole zoneinfo tree
/// (about 1 ms, before the scan can start).
fn system_zone() -> jiff::tz::TimeZone {
    if std::env::var_os("TZ").is_none()
        && let Ok(data) = std::fs::read("/etc/localtime")
        && let Ok(zone) = jiff::tz::TimeZone::tzif("localtime", &data)
    {
        return zone;
    }
    jiff::tz::TimeZone::system()
}

impl Config {
    pub fn from_args(args: ReportArgs) -> Result<Config, Error> {
        let (inputs, input_errors) =
            if args.files.is_empty() { (default_inputs()?, Vec::new()) } else { expand_args(&args.files) };
        let now = jiff::Timestamp::now().to_zoned(system_zone());
        let local_offset = now.offset().seconds();
        let today = match std::env::var("SMTPSTAT_TODAY") {
            // Pins "today" for reproducible reports and tests.
            Ok(v) => parse_time_arg(&v)
                .map(|t| t.date())
                .ok_or_else(|| Error::Usage(format!("SMTPSTAT_TODAY {v:?}: expected YYYY-MM-DD")))?,
            Err(_) => (i32::from(now.year()), now.month() as u8, now.day() as u8),
        };
        let window = window(args.since.as_deref(), args.until.as_deref(), args.day.as_deref(), today)?;
        let patterns: Vec<(String, String)> = args
            .patterns
            .iter()
            .map(|p| {
                let name = p.display().to_string();
                std::fs::read_to_string(p)
                    .map(|t| (name.clone(), t))
                    .map_err(|source| Error::Open { path: name, source })
            })
            .collect::<Result<_, _>>()?;
        let mut scan = ScanOptions {
            year: args.year,
            mta: match args.mta {
                MtaArg::Auto => None,
                MtaArg::Postfix => Some(Mta::Postfix),
                MtaArg::Exim => Some(Mta::Exim),
                MtaArg::Sendmail => Some(Mta::Sendmail),
            },
            local_offset,
            window,
            progress: match args.progress {
                ProgressArg::Auto => When::Auto,
                ProgressArg::Never => When::Never,
                ProgressArg::Always => When::Always,
            },
            ..ScanOptions::default()
        };
        if let Some(t) = args.threads {
            scan.threads = t as usize;
        }
        scan.mmap = !args.no_mmap;
        scan.success_domains = args.csv_dir.is_some();
        if let Some(c) = args.chunk_size {
            scan.chunk_bytes = c as usize;
        }
        Ok(Config {
            inputs,
            input_errors,
            scan,
            report: ReportOptions { top: args.top, window, show_unrecognized: args.show_unrecognized },
            format: args.format,
            output: args.output,
            csv_dir: args.csv_dir,
            fail_on: args.fail_on.as_deref().map(fail_on::parse).transpose()?.unwrap_or_default(),
            rules: LoadingRules::start(&patterns)?,
        })
    }
}

/// The `[start, end)` window the filtering flags ask for.
fn window(
    since: Option<&str>,
    until: Option<&str>,
    day: Option<&str>,
    today: (i32, u8, u8),
) -> Result<Option<(LogTime, LogTime)>, Error> {
    let bad = |flag: &str, v: &str, want: &str| Error::Usage(format!("{flag} {v:?}: expected {want}"));
    if let Some(d) = day {
        let start = parse_day_arg(d, today).ok_or_else(|| bad("--day", d, "today, yesterday or YYYY-MM-DD"))?;
        return Ok(Some((start, LogTime(start.0 + 86_400))));
    }
    let parse = |flag: &str, v: Option<&str>| -> Result<Option<LogTime>, Error> {
        v.map(|v| parse_time_arg(v).ok_or_else(|| bad(flag, v, "YYYY-MM-DD[ HH:MM[:SS]]"))).transpose()
    };
    let (start, end) = (parse("--since", since)?, parse("--until", until)?);
    if start.is_none() && end.is_none() {
        return Ok(None);
    }
    let (start, end) = (start.unwrap_or(LogTime(i64::MIN)), end.unwrap_or(LogTime(i64::MAX)));
    if start >= end {
        return Err(Error::Usage("--since must be before --until".into()));
    }
    Ok(Some((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        let today = (2026, 11, 23);
        let w = window(None, None, Some("yesterday"), today).unwrap().unwrap();
        assert_eq!((w.0.to_string(), w.1.to_string()), ("2026-11-22T00:00:00".into(), "2026-11-23T00:00:00".into()));
        assert!(window(None, None, None, today).unwrap().is_none());
        let w = window(Some("2026-11-22 08:00"), None, None, today).unwrap().unwrap();
        assert_eq!(w.0.to_string(), "2026-11-22T08:00:00");
        assert!(window(Some("2026-11-23"), Some("2026-11-22"), None, today).is_err());
        assert!(window(Some("last week"), None, None, today).is_err());
        assert!(window(None, None, Some("someday"), today).is_err());
    }
}
