//! Command-line flags as the user types them. `config.rs` turns them into a
//! validated `Config`; nothing past `main` looks at `Cli`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "smtpstat",
    version,
    about = "Counts and explains the SMTP reply codes in mail-server logs.",
    long_about = "Counts and explains the SMTP reply codes in mail-server logs.\n\n\
        smtpstat reads Postfix, Exim and Sendmail logs (plain or compressed, rotated sets, \
        several files into one report, or stdin), \
        extracts every reply code, and reports how many of each, which are transient (4xx, \
        retried) and which permanent (5xx, returned), where they come from, and what to do \
        about them.",
    after_long_help = "Exit status: 0 success, 2 an input could not be read or the arguments are wrong \
        (the report still covers the other inputs).\nSee README.md for examples.",
    subcommand_precedence_over_arg = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Language of explanations and headings: en, hi, tr, zh, vi, or auto.
    ///
    /// `auto` follows LC_ALL, LC_MESSAGES or LANG and falls back to English.
    /// JSON keys and CSV headers stay English in every language.
    #[arg(long, global = true, default_value = "auto", value_parser = ["auto", "en", "hi", "tr", "zh", "vi"])]
    pub lang: String,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain one code, or contrast two (e.g. `explain 421 502`, `explain 4.2.2 5.1.1`).
    Explain {
        /// A reply code (550) or an enhanced status code (5.1.1).
        #[arg(required = true, num_args = 1..=2, value_name = "CODE")]
        codes: Vec<String>,
    },
    /// List every code the knowledge base explains, or export it.
    Codes {
        /// Only codes of this class (2, 3, 4 or 5).
        #[arg(long, value_parser = clap::value_parser!(u8).range(2..=5))]
        class: Option<u8>,
        /// text (a table), json or csv (every field, for other tools).
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MtaArg {
    /// Detect per line (syslog program name, Exim's own time stamp).
    Auto,
    Postfix,
    Exim,
    Sendmail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// When stderr is a terminal and the input is large.
    Auto,
    Never,
    Always,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Log files to read; `-` is stdin. Several files make one report.
    ///
    /// Compressed files (gzip, bzip2, xz, zstd) are recognised by their
    /// content, not their name. A directory stands for the files in it and a
    /// quoted glob is expanded; rotated sets are read oldest first. Without
    /// FILE, a piped stdin is read; otherwise /var/log/mail.log, then
    /// /var/log/maillog, then /var/log/exim4/mainlog. Without a syslog
    /// daemon, pipe the journal: `journalctl -u postfix@- -o json | smtpstat`
    /// (any `-o short*` form is read too).
    #[arg(value_name = "FILE", help_heading = "Input")]
    pub files: Vec<PathBuf>,

    /// Year of time stamps that carry none (classic syslog).
    ///
    /// By default each file's modification time decides, so a log read in
    /// January that starts in December gets last year's December.
    #[arg(long, value_name = "YEAR", help_heading = "Input", value_parser = clap::value_parser!(i32).range(1970..=9999))]
    pub year: Option<i32>,

    /// Which MTA wrote the log.
    ///
    /// `auto` finds the MTA of every line, so one syslog file holding
    /// Postfix, Exim and Sendmail lines gives one report with a per-MTA
    /// breakdown. Naming one reads only that MTA's lines (other programs'
    /// lines are counted as foreign) and reads lines without a syslog
    /// prefix as that MTA's messages.
    #[arg(long, value_enum, default_value_t = MtaArg::Auto, help_heading = "Input")]
    pub mta: MtaArg,

    /// Worker threads (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N", help_heading = "Input", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,

    /// Bytes per work unit handed to a thread (tuning and testing).
    #[arg(long, value_name = "BYTES", hide = true, value_parser = clap::value_parser!(u64).range(1..=(1 << 30)))]
    pub chunk_size: Option<u64>,

    /// Read files with read(2) only, never through a memory map (tuning and testing).
    #[arg(long, hide = true)]
    pub no_mmap: bool,

    /// Count only lines stamped at or after TIME (`YYYY-MM-DD[ HH:MM[:SS]]`).
    ///
    /// Times are on the local clock; stamps that state a UTC offset are
    /// converted to it. Lines without a time stamp always count.
    #[arg(long, value_name = "TIME", help_heading = "Filtering")]
    pub since: Option<String>,

    /// Count only lines stamped before TIME (`YYYY-MM-DD[ HH:MM[:SS]]`).
    #[arg(long, value_name = "TIME", help_heading = "Filtering")]
    pub until: Option<String>,

    /// Count only one calendar day: today, yesterday or YYYY-MM-DD.
    ///
    /// `--day yesterday` is the nightly cron report.
    #[arg(long, value_name = "DAY", help_heading = "Filtering", conflicts_with_all = ["since", "until"])]
    pub day: Option<String>,

    /// Progress bar on stderr (bytes, speed, time left).
    #[arg(long, value_enum, default_value_t = ProgressArg::Auto, help_heading = "Output")]
    pub progress: ProgressArg,

    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    /// Write the report to FILE instead of stdout (replaced atomically).
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Also write one CSV file per table into DIR.
    ///
    /// codes.csv, enhanced.csv, statuses.csv, domains.csv (one row per
    /// recipient domain and code) and hourly.csv (events per hour and
    /// class), each with a header row, plain numbers and ISO dates.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub csv_dir: Option<PathBuf>,

    /// Also print up to N unrecognised lines that look like they carry a
    /// reply code (masked), to notice a log format smtpstat misses.
    #[arg(long, value_name = "N", default_value_t = 0, help_heading = "Output")]
    pub show_unrecognized: usize,

    /// Exit 1 when a condition holds, e.g. `unrecognized>5%,permanent>2%,deferred>1000`.
    ///
    /// The report is still written and each condition that holds is named
    /// on stderr. Metrics: unrecognized, foreign, oversized, recognized (of
    /// lines read); success, intermediate, transient, permanent (of events
    /// with a code); sent, deferred, bounced, expired, rejected (of events
    /// with a status); or a code such as 550 or 5.7.1. OP: >, >=, <, <=.
    #[arg(long, value_name = "CONDITIONS", help_heading = "Output")]
    pub fail_on: Option<String>,

    /// Extra reason and provider rules (TOML, same layout as patterns/*.toml).
    ///
    /// A rule with the id of a built-in one replaces it; new rules are tried
    /// before the built-in ones. A rule that does not load is an error that
    /// names the file and the rule.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub patterns: Vec<PathBuf>,

    /// How many failure codes to explain, and how many domains and hosts to list for each.
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Output")]
    pub top: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_report_flags() {
        let c = Cli::try_parse_from(["smtpstat", "-f", "json", "--top", "3", "a.log", "-"]).unwrap();
        assert!(c.command.is_none());
        assert_eq!(c.report.format, Format::Json);
        assert_eq!(c.report.top, 3);
        assert_eq!(c.report.files.len(), 2);
        assert!(Cli::try_parse_from(["smtpstat", "--threads", "0"]).is_err());
        assert!(Cli::try_parse_from(["smtpstat", "--year", "12"]).is_err());
        assert!(Cli::try_parse_from(["smtpstat", "--day", "yesterday", "--since", "2026-01-01"]).is_err());
        let c = Cli::try_parse_from(["smtpstat", "--mta", "exim", "--csv-dir", "out"]).unwrap();
        assert_eq!(c.report.mta, MtaArg::Exim);
    }

    #[test]
    fn parses_explain() {
        let c = Cli::try_parse_from(["smtpstat", "explain", "421", "502"]).unwrap();
        assert!(matches!(c.command, Some(Command::Explain { ref codes }) if codes == &["421", "502"]));
        let c = Cli::try_parse_from(["smtpstat", "explain", "421", "--lang", "hi"]).unwrap();
        assert_eq!(c.lang, "hi");
        assert!(Cli::try_parse_from(["smtpstat", "--lang", "fr"]).is_err());
        assert!(Cli::try_parse_from(["smtpstat", "explain"]).is_err());
        assert!(Cli::try_parse_from(["smtpstat", "explain", "1", "2", "3"]).is_err());
    }
}
