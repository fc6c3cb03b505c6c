//! Synthetic mail-log generator.
//!
//! ```text
//! cargo run --release --example genlog -- --mta postfix --size 1G --seed 42 \
//!     [--stamp classic|rfc3339|mixed] [--start-unix N] [--lines-per-sec F] > mail.log
//! ```
//! Writes the log to stdout and `lines=N bytes=N` to stderr.

// `gen` is a reserved keyword in edition 2024, hence the raw identifier.
#[path = "../benches/gen.rs"]
mod r#gen;

use std::io::Write;
use std::process::ExitCode;

use r#gen::{GenConfig, Mta, Stamp};

const USAGE: &str = "usage: genlog [--mta postfix|exim|sendmail] [--size N[K|M|G]] [--seed N] \
[--stamp classic|rfc3339|mixed] [--start-unix N] [--lines-per-sec F]";

/// `123`, `64K`, `100M`, `1G` (binary multiples; an optional trailing `B`/`iB` is accepted).
fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (digits, mult) = match t.as_bytes().last()? {
        b'k' | b'K' => (&t[..t.len() - 1], 1u64 << 10),
        b'm' | b'M' => (&t[..t.len() - 1], 1 << 20),
        b'g' | b'G' => (&t[..t.len() - 1], 1 << 30),
        b't' | b'T' => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

fn parse_args(args: &[String]) -> Result<GenConfig, String> {
    let mut cfg = GenConfig::default();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if arg == "-h" || arg == "--help" {
            return Err(String::new());
        }
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k, Some(v.to_string())),
            _ => (arg, None),
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i).cloned().ok_or_else(|| format!("{key} needs a value"))?
            }
        };
        match key {
            "--mta" => {
                cfg.mta = match value.to_ascii_lowercase().as_str() {
                    "postfix" => Mta::Postfix,
                    "exim" => Mta::Exim,
                    "sendmail" => Mta::Sendmail,
                    _ => return Err(format!("unknown --mta {value}")),
                }
            }
            "--size" => cfg.bytes = parse_size(&value).ok_or_else(|| format!("bad --size {value}"))?,
            "--seed" => cfg.seed = value.parse().map_err(|_| format!("bad --seed {value}"))?,
            "--stamp" => {
                cfg.stamp = match value.to_ascii_lowercase().as_str() {
                    "classic" => Stamp::Classic,
                    "rfc3339" => Stamp::Rfc3339,
                    "mixed" => Stamp::Mixed,
                    _ => return Err(format!("unknown --stamp {value}")),
                }
            }
            "--start-unix" => cfg.start_unix = value.parse().map_err(|_| format!("bad --start-unix {value}"))?,
            "--lines-per-sec" => {
                cfg.lines_per_sec = value.parse().map_err(|_| format!("bad --lines-per-sec {value}"))?;
                if !(cfg.lines_per_sec > 0.0 && cfg.lines_per_sec.is_finite()) {
                    return Err(format!("bad --lines-per-sec {value}"));
                }
            }
            _ => return Err(format!("unknown argument {arg}")),
        }
        i += 1;
    }
    Ok(cfg)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cfg = match parse_args(&args) {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("genlog: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(if e.is_empty() { 0 } else { 2 });
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match r#gen::generate(&cfg, &mut out) {
        Ok(stats) => {
            let _ = out.flush();
            eprintln!("lines={} bytes={}", stats.lines, stats.bytes);
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genlog: {e}");
            ExitCode::FAILURE
        }
    }
}
