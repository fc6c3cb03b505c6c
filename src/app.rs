//! Orchestration: runs the command the user asked for and writes its
//! output. No parsing or counting happens here.

use std::io::Write;

use crate::cli::{Cli, Command, Format};
use crate::code::Class;
use crate::config::Config;
use crate::error::Error;
use crate::exit::Exit;
use crate::knowledge::knowledge;
use crate::output::{write_atomically, write_stdout};
use crate::pipeline;
use crate::pipeline::InputStatus;
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
    let (summary, mut inputs) = pipeline::run(cfg.inputs, &cfg.scan)?;
    let mut exit = Exit::Ok;
    for e in &cfg.input_errors {
        inputs.push(InputStatus {
            name: String::new(),
            compression: crate::input::Compression::None,
            bytes: 0,
            error: Some(e.to_string()),
        });
    }
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
    if let Some(dir) = &cfg.csv_dir {
        csv::write_dir(&report, dir)?;
    }
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
