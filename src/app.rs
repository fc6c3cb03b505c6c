//! Orchestration: runs the command the user asked for and writes its
//! output. No parsing or counting happens here.

use std::io::Write;

use serde_json::json;

use crate::cli::{Cli, Command, Format};
use crate::code::BasicCode;
use crate::config::Config;
use crate::error::Error;
use crate::exit::Exit;
use crate::i18n::{self, Lang};
use crate::knowledge::knowledge;
use crate::output::{write_atomically, write_stdout};
use crate::pipeline::{self, InputStatus};
use crate::report::explain::{AnyCode, CodePage, Words, contrast, page};
use crate::report::{Report, csv, json, text};
use crate::sanitize::for_terminal;

pub fn run(cli: Cli) -> Result<Exit, Error> {
    let lang = match cli.lang.as_str() {
        "auto" => i18n::from_locale(|v| std::env::var(v).ok()),
        code => i18n::lang(code).unwrap_or_else(i18n::english),
    };
    match cli.command {
        Some(Command::Explain { codes }) => explain(&codes, lang),
        Some(Command::Codes { class, format }) => list_codes(class, format, lang),
        None => report(Config::from_args(cli.report)?, lang),
    }
}

fn report(cfg: Config, lang: &Lang) -> Result<Exit, Error> {
    let (partials, mut inputs) = pipeline::run(cfg.inputs, &cfg.scan)?;
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
    let rules = cfg.rules.wait();
    let (summary, classified) = pipeline::merge_and_classify(partials, &rules, cfg.scan.threads);
    let report = Report::build(&summary, &classified, inputs, Words::new(knowledge(), lang), &rules, &cfg.report);
    let render = |w: &mut dyn Write| match cfg.format {
        Format::Text => text::render(&report, lang, w),
        Format::Json => json::render(&report, lang, w),
        Format::Csv => csv::render(&report, w),
    };
    if let Some(dir) = &cfg.csv_dir {
        csv::write_dir(&report, dir)?;
    }
    match &cfg.output {
        Some(path) => write_atomically(path, render)?,
        None => write_stdout(render)?,
    }
    for reason in cfg.fail_on.iter().filter_map(|c| c.check(&summary)) {
        eprintln!("smtpstat: {reason}");
        exit = exit.max(Exit::Threshold);
    }
    // The run ends here: freeing the tables and compiled rules one
    // allocation at a time would only delay the exit (~5 ms on a large log).
    std::mem::forget((summary, classified, report, rules));
    Ok(exit)
}

fn explain(args: &[String], lang: &Lang) -> Result<Exit, Error> {
    let codes = args.iter().map(|a| AnyCode::parse(a)).collect::<Result<Vec<_>, _>>()?;
    let words = Words::new(knowledge(), lang);
    let pages: Vec<_> = codes.iter().map(|c| page(words, *c)).collect();
    let con = match codes[..] {
        [a, b] => Some(contrast(words, a, b)),
        _ => None,
    };
    write_stdout(|w| text::render_explain(lang, &pages, con.as_ref(), w))?;
    Ok(Exit::Ok)
}

/// Every code of the knowledge base, in class order, as the pages
/// `explain` would show.
fn all_codes(class: Option<u8>) -> Vec<AnyCode> {
    let k = knowledge();
    let basic = k.basic.iter().filter_map(|b| BasicCode::new(b.code)).map(AnyCode::Basic);
    let enhanced = k.enhanced.iter().flat_map(|e| {
        let detail = e.code.strip_prefix("X.").unwrap_or(&e.code).to_string();
        e.classes.iter().filter_map(move |c| AnyCode::parse(&format!("{c}.{detail}")).ok())
    });
    basic.chain(enhanced).filter(|c| class.is_none_or(|d| c.class().digit() == d)).collect()
}

fn list_codes(class: Option<u8>, format: Format, lang: &Lang) -> Result<Exit, Error> {
    let words = Words::new(knowledge(), lang);
    let pages: Vec<_> = all_codes(class).into_iter().map(|c| page(words, c)).collect();
    write_stdout(|w| match format {
        Format::Text => {
            writeln!(w, "{:<9} {:<13} {}", lang.t("col_code"), lang.t("col_class"), lang.t("col_title"))?;
            for p in &pages {
                writeln!(w, "{:<9} {:<13} {}", p.code, lang.class_label(p.class), p.title)?;
            }
            Ok(())
        }
        Format::Json => {
            let v: Vec<_> = pages
                .iter()
                .map(|p| {
                    json!({
                        "code": p.code, "kind": kind(p),
                        "class": p.class.label(), "class_name": p.class_name, "category": p.area,
                        "title": p.title, "description": p.description, "when": p.when, "fix": p.fix,
                        "source": p.source, "pairs": p.pairs,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *w, &json!({"lang": lang.code, "codes": v}))?;
            writeln!(w)
        }
        Format::Csv => {
            let mut out = ::csv::Writer::from_writer(w);
            out.write_record(["code", "kind", "class", "title", "description", "when", "fix", "source", "pairs"])?;
            for p in &pages {
                out.write_record([
                    p.code.as_str(),
                    kind(p),
                    p.class.label(),
                    &p.title,
                    &p.description,
                    &p.when,
                    &p.fix,
                    &p.source,
                    &p.pairs.join(" "),
                ])?;
            }
            out.flush()
        }
    })?;
    Ok(Exit::Ok)
}

/// `basic` for a reply code, `enhanced` for an enhanced status code.
fn kind(p: &CodePage) -> &'static str {
    if p.code.contains('.') { "enhanced" } else { "basic" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Class;

    #[test]
    fn the_knowledge_base_lists_every_class_once() {
        let all = all_codes(None);
        assert!(all.len() >= 44 + 81);
        let fours = all_codes(Some(4));
        assert!(fours.iter().all(|c| c.class() == Class::Transient));
        assert!(fours.iter().any(|c| c.to_string() == "4.2.2") && fours.iter().any(|c| c.to_string() == "421"));
    }
}
