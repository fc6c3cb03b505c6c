//! The whole line pipeline: chunks of arbitrary bytes through every parser
//! into a Summary, then into every report format. Splitting the input in
//! two and merging must give the same Summary as scanning it whole, and
//! holding back the events that only add to counters (as the command does
//! without `--csv-dir`) must count what adding each at once counts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpstat::aggregate::Summary;
use smtpstat::formats::ParseContext;
use smtpstat::i18n::english;
use smtpstat::knowledge::knowledge;
use smtpstat::report::explain::Words;
use smtpstat::rules::Rules;
use smtpstat::pipeline::scan_sequential;
use smtpstat::report::{Report, ReportOptions, csv, json, text};
use smtpstat::scan::scan_chunk;
use smtpstat::time::YearResolver;

// Compiled once: building the rules costs far more than one run.
static RULES: std::sync::LazyLock<Rules> = std::sync::LazyLock::new(Rules::builtin);

fuzz_target!(|data: &[u8]| {
    let ctx = ParseContext { years: YearResolver::fixed(2026), ..ParseContext::default() };
    let whole = scan_sequential(data, &ctx);
    assert_eq!(whole.lines.read, whole.lines.blank + whole.lines.recognized + whole.lines.foreign + whole.lines.unrecognized);
    // Split at a line boundary so both halves hold whole lines.
    if let Some(cut) = data.iter().position(|&c| c == b'\n') {
        let merged = scan_sequential(&data[..=cut], &ctx).merge(scan_sequential(&data[cut + 1..], &ctx));
        assert_eq!(merged, whole);
    }
    let mut held = Summary::new(false);
    scan_chunk(data, &ctx, &mut held);
    let mut plain = whole.clone();
    plain.forget_success_domains();
    assert_eq!(held, plain);
    let classified = RULES.classify(&whole, 2);
    let report = Report::build(&whole, &classified, Vec::new(), Words::new(knowledge(), english()), &RULES, &ReportOptions::default());
    let mut out = Vec::new();
    text::render(&report, english(), &mut out).unwrap();
    assert!(!out.contains(&0x1b), "an escape reached the text report");
    json::render(&report, english(), &mut out).unwrap();
    csv::render(&report, &mut out).unwrap();
});
