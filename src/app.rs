//! Orchestration: runs the command the user asked for and writes its
//! output. No parsing or counting happens here.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::cli::{Cli, Command, Format};
use crate::code::Class;
use crate::config::Config;
use crate::error::Error;
use crate::exit::Exit;
use crate::knowledge::knowledge;
use crate::pipeline;
use crate::report::explain::{AnyCode, contrast, page};
use crate::report::{Report, csv, json, text};
use crate::sanitize::for_terminal;

pub fn run(cli: Cli) -> Result<Exit, Error> {
    match cli.command {
        Some(Command::Explain { codes }) => explain(&codes),
        Some(Command::Codes { class }) => list_codes(class),
        None => report(Config::from_args(cli.report)?),
    }
}

fn report(cfg: Config) -> Result<Exit, Error> {
    let (summary, inputs) = pipeline::run(cfg.inputs, &cfg.scan)?;
    let mut exit = Exit::Ok;
    for i in &inputs {
        if let Some(e) = &i.error {
            eprintln!("smtpstat: {}", for_terminal(e));
            exit = Exit::Error;
        }
    }
    let report = Report::build(&summary, inputs, knowledge(), &cfg.report);
    let render = |w: &mut dyn Write| match cfg.format {
        Format::Text => text::render(&report, w),
        Format::Json => json::render(&report, w),
        Format::Csv => csv::render(&report, w),
    };
    match &cfg.output {
        Some(path) => write_atomically(path, render)?,
        None => write_stdout(render)?,
    }
    Ok(exit)
}

fn explain(args: &[String]) -> Result<Exit, Error> {
    let codes = args.iter().map(|a| AnyCode::parse(a)).collect::<Result<Vec<_>, _>>()?;
    let k = knowledge();
    let pages: Vec<_> = codes.iter().map(|c| page(k, *c)).collect();
    let con = match codes[..] {
        [a, b] => Some(contrast(k, a, b)),
        _ => None,
    };
    write_stdout(|w| text::render_explain(&pages, con.as_ref(), w))?;
    Ok(Exit::Ok)
}

fn list_codes(class: Option<u8>) -> Result<Exit, Error> {
    let k = knowledge();
    write_stdout(|w| {
        writeln!(w, "{:<9} {:<13} title", "code", "class")?;
        for b in &k.basic {
            let Some(code) = crate::code::BasicCode::new(b.code) else { continue };
            if class.is_none_or(|c| c == code.class().digit()) {
                writeln!(w, "{:<9} {:<13} {}", b.code, code.class().label(), b.title)?;
            }
        }
        for e in &k.enhanced {
            for c in &e.classes {
                if class.is_none_or(|x| x == *c) {
                    let label = Class::from_digit(*c).map_or("?", Class::label);
                    writeln!(w, "{:<9} {:<13} {}", e.code.replacen('X', &c.to_string(), 1), label, e.title)?;
                }
            }
        }
        Ok(())
    })?;
    Ok(Exit::Ok)
}

/// Writes to stdout; a closed pipe (`smtpstat … | head`) is not an error.
fn write_stdout(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
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
fn write_atomically(path: &Path, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let err = |source| Error::Write { path: path.display().to_string(), source };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    let mut w = BufWriter::new(tmp);
    render(&mut w).and_then(|()| w.flush()).map_err(err)?;
    let tmp = w.into_inner().map_err(|e| err(e.into_error()))?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
