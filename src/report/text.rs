//! The text report, for people and for cron mail, in the language asked
//! for. Everything that came from a log passes through
//! `sanitize::for_terminal` first.

use std::io::{self, Write};

use super::explain::{CodePage, Contrast};
use super::{CodeRow, CodeSection, Details, Report, Untrusted};
use crate::code::Class;
use crate::event::Status;
use crate::i18n::Lang;
use crate::sanitize::for_terminal;

const WIDTH: usize = 78;

pub fn render(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    header(r, l, w)?;
    classes(r, l, w)?;
    statuses(r, l, w)?;
    code_table(w, l, l.t("codes_title"), l.t("col_code"), &r.codes)?;
    code_table(w, l, l.t("enhanced_title"), l.t("col_enhanced"), &r.enhanced)?;
    inferred(r, l, w)?;
    reasons(r, l, w)?;
    for s in &r.sections {
        section(s, l, w)?;
    }
    codeless(r, l, w)?;
    class_contrast(r, l, w)?;
    hourly(r, l, w)?;
    unrecognized(r, l, w)?;
    Ok(())
}

/// `--show-unrecognized N`: lines no parser understood but that look like
/// they carry a reply code, a sign of a log format smtpstat misses.
fn unrecognized(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    if r.unrecognized_samples.is_empty() {
        return Ok(());
    }
    rule(w, l.t("unrecognized_title"))?;
    for s in &r.unrecognized_samples {
        writeln!(w, "  {}", for_terminal(&s.0))?;
    }
    Ok(())
}

fn rule(w: &mut dyn Write, title: &str) -> io::Result<()> {
    writeln!(w)?;
    writeln!(w, "{title}")?;
    writeln!(w, "{}", "=".repeat(width(title).min(WIDTH)))
}

/// Columns a string takes on a terminal: CJK and full-width characters
/// take two, Devanagari vowel signs and other combining marks none.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x0300..=0x036F
            | 0x0900..=0x0903
            | 0x093A..=0x094F
            | 0x0951..=0x0957
            | 0x0962..=0x0963
            | 0x200B..=0x200F => 0,
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// `s` followed by spaces up to `columns` terminal columns.
fn pad(s: &str, columns: usize) -> String {
    format!("{s}{}", " ".repeat(columns.saturating_sub(width(s))))
}

/// Spaces, then `s`, right-aligned in `columns` terminal columns.
fn pad_left(s: &str, columns: usize) -> String {
    format!("{}{s}", " ".repeat(columns.saturating_sub(width(s))))
}

fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn of(n: u64, total: u64) -> String {
    if total == 0 { "-".to_string() } else { pct(n as f64 / total as f64) }
}

/// `Label:` padded so the values of the header lines line up.
fn field(l: &Lang, key: &str) -> String {
    let width =
        ["input", "period", "window", "lines", "mtas"].iter().map(|k| l.t(k).chars().count()).max().unwrap_or(0);
    let label = format!("{}:", l.t(key));
    format!("{label:<w$} ", w = width + 2)
}

fn header(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    let title = l.t("report_title");
    writeln!(w, "{title}")?;
    writeln!(w, "{}", "=".repeat(width(title)))?;
    for i in &r.inputs {
        let compressed = match i.compression {
            crate::input::Compression::None => String::new(),
            c => format!(", {}", c.name()),
        };
        let status = match &i.error {
            Some(e) => format!("  {}: {}", l.t("error"), for_terminal(e)),
            None => String::new(),
        };
        let name = for_terminal(&i.name);
        writeln!(w, "{}{name} ({} {}{compressed}){status}", field(l, "input"), i.bytes, l.t("bytes"))?;
    }
    match r.period {
        Some((a, b)) => writeln!(w, "{}{a} .. {b}", field(l, "period"))?,
        None => writeln!(w, "{}{}", field(l, "period"), l.t("no_stamps"))?,
    }
    if let Some((a, b)) = r.window {
        let show = |t: crate::time::LogTime, open: i64| if t.0 == open { "…".to_string() } else { t.to_string() };
        let note = l.f("window_note", &[("n", &r.lines.outside.to_string())]);
        writeln!(w, "{}{} .. {} ({note})", field(l, "window"), show(a, i64::MIN), show(b, i64::MAX))?;
    }
    let x = &r.lines;
    let n = |v: u64| v.to_string();
    let summary = l.f(
        "lines_summary",
        &[
            ("read", &n(x.read)),
            ("recognized", &n(x.recognized)),
            ("recognized_pct", &of(x.recognized, x.read)),
            ("with_code", &n(x.with_code)),
            ("unrecognized", &n(x.unrecognized)),
            ("unrecognized_pct", &of(x.unrecognized, x.read)),
            ("foreign", &n(x.foreign)),
            ("blank", &n(x.blank)),
        ],
    );
    writeln!(w, "{}{summary}", field(l, "lines"))?;
    if x.oversized > 0 || x.invalid_utf8 > 0 {
        let note = l.f("oversized_note", &[("oversized", &n(x.oversized)), ("invalid", &n(x.invalid_utf8))]);
        writeln!(w, "{}{note}", " ".repeat(field(l, "lines").chars().count()))?;
    }
    let mtas: Vec<String> = r
        .mtas
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(m, count)| l.f("mta_lines", &[("mta", m.name()), ("n", &n(*count))]))
        .collect();
    if !mtas.is_empty() {
        writeln!(w, "{}{}", field(l, "mtas"), mtas.join(", "))?;
    }
    Ok(())
}

fn classes(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    rule(w, l.t("classes_title"))?;
    for class in Class::ALL {
        let n = r.classes[class.index()];
        let what = match class {
            Class::Success => l.t("class_done"),
            Class::Intermediate => l.t("class_waiting"),
            Class::Transient => l.t("class_retry"),
            Class::Permanent => l.t("class_refused"),
        };
        let label = pad(l.class_label(class), 13);
        writeln!(w, "  {}xx {label} {n:>10}  {:>6}  {what}", class.digit(), of(n, r.coded_events))?;
    }
    // The totals end in the column of the class counts, however long
    // their label in the language asked for.
    let total = |w: &mut dyn Write, label: &str, n: u64| {
        let columns = 29usize.saturating_sub(width(label) + 1).max(1);
        writeln!(w, "  {label} {n:>columns$}")
    };
    total(w, l.t("events_with_code"), r.coded_events)?;
    if r.failures_without_code > 0 {
        total(w, l.t("failures_without_code"), r.failures_without_code)?;
    }
    Ok(())
}

fn statuses(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    rule(w, l.t("statuses_title"))?;
    for (s, n) in &r.statuses {
        if Status::MAIN.contains(s) || *n > 0 {
            writeln!(w, "  {} {:>10}", pad(l.label(s.name()), 14), n)?;
        }
    }
    Ok(())
}

fn code_table(w: &mut dyn Write, l: &Lang, title: &str, head: &str, rows: &[CodeRow]) -> io::Result<()> {
    rule(w, title)?;
    if rows.is_empty() {
        return writeln!(w, "  {}", l.t("none"));
    }
    let (class, count, share, title) = (l.t("col_class"), l.t("col_count"), l.t("col_share"), l.t("col_title"));
    writeln!(w, "  {head:<9} {class:<13} {count:>10} {share:>7}  {title}")?;
    for row in rows {
        let mark = if row.registered { String::new() } else { format!(" {}", l.t("unregistered")) };
        let label = l.class_label(row.class);
        writeln!(
            w,
            "  {:<9} {label:<13} {:>10} {:>7}  {}{mark}",
            row.code.to_string(),
            row.count,
            pct(row.share),
            row.title
        )?;
    }
    Ok(())
}

fn inferred(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    if r.inferred.is_empty() {
        return Ok(());
    }
    rule(w, l.t("inferred_title"))?;
    for i in &r.inferred {
        let e = i.enhanced.as_deref().unwrap_or("");
        writeln!(w, "  {:<4} {:<9} {:>10}  {}", i.code, e, i.count, l.t("inferred_sasl"))?;
    }
    Ok(())
}

/// Failures grouped by why they failed, with what to do about each.
fn reasons(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    if r.reasons.is_empty() {
        return Ok(());
    }
    rule(w, l.t("reasons_title"))?;
    let (reason, count, share) = (l.t("col_reason"), l.t("col_count"), l.t("col_share"));
    // Reason names are at most 40 characters.
    writeln!(w, "  {} {} {}  {}", pad(reason, 40), pad_left(count, 8), pad_left(share, 7), l.t("col_code"))?;
    for row in &r.reasons {
        let mut codes: Vec<String> = row.codes.iter().map(|(c, n)| format!("{c} ({n})")).collect();
        if row.without_code > 0 {
            codes.push(format!("{} ({})", l.t("no_code"), row.without_code));
        }
        writeln!(w, "  {} {:>8} {:>7}  {}", pad(&row.name, 40), row.count, pct(row.share), codes.join(", "))?;
        if !row.lists.is_empty() {
            let lists: Vec<String> = row.lists.iter().map(|(n, c)| format!("{} ({c})", for_terminal(&n.0))).collect();
            indented(w, &lists.join(", "))?;
        }
        indented(w, &row.hint)?;
        for example in &row.examples {
            indented(w, &format!("{}: \"{}\"", l.t("example"), for_terminal(&example.0)))?;
        }
    }
    Ok(())
}

/// Text wrapped at the width, every line indented.
fn indented(w: &mut dyn Write, text: &str) -> io::Result<()> {
    wrapped(w, "      ", "      ", text)
}

/// Text wrapped at the width; the first line starts with `first`, the
/// others with `rest`, which is as wide.
fn wrapped(w: &mut dyn Write, first: &str, rest: &str, text: &str) -> io::Result<()> {
    let indent = first.chars().count();
    let mut prefix = first;
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > WIDTH {
            writeln!(w, "{prefix}{line}")?;
            prefix = rest;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(w, "{prefix}{line}")?;
    }
    Ok(())
}

/// `    label: text` on one line when it fits; otherwise the label on its
/// own line and the text wrapped below it, indented.
fn wrap(w: &mut dyn Write, label: &str, text: &str) -> io::Result<()> {
    if 4 + label.chars().count() + 2 + text.chars().count() <= WIDTH {
        return writeln!(w, "    {label}: {text}");
    }
    writeln!(w, "    {label}:")?;
    indented(w, text)
}

fn names(l: &Lang, list: &[(Untrusted, u64)], distinct: usize, other: u64) -> String {
    let mut s: Vec<String> = list.iter().map(|(n, c)| format!("{} ({c})", for_terminal(&n.0))).collect();
    if distinct > list.len() {
        s.push(l.f("and_more", &[("n", &(distinct - list.len()).to_string())]));
    }
    if other > 0 {
        s.push(l.f("other_names", &[("n", &other.to_string())]));
    }
    s.join(", ")
}

fn page_body(w: &mut dyn Write, l: &Lang, p: &CodePage) -> io::Result<()> {
    wrap(w, l.t("what_it_means"), &p.description)?;
    wrap(w, l.t("when_you_see_it"), &p.when)?;
    wrap(w, l.t("how_to_fix"), &p.fix)?;
    wrap(w, l.t("source"), &p.source)
}

fn section(s: &CodeSection, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    let p = &s.page;
    let header = l.f(
        "section_header",
        &[
            ("code", &p.code),
            ("title", &p.title),
            ("class", l.class_label(p.class)),
            ("count", &s.row.count.to_string()),
            ("share", &pct(s.row.share)),
        ],
    );
    rule(w, &header)?;
    wrap(w, l.t("class"), &l.f("section_class", &[("class_name", &p.class_name), ("area", &p.area)]))?;
    page_body(w, l, p)?;
    if !s.paired.is_empty() {
        let v: Vec<String> = s.paired.iter().map(|(c, t, n)| format!("{c} {t} ({n})")).collect();
        wrap(w, l.t("enhanced_codes"), &v.join(", "))?;
    }
    details_head(&s.details, l, w)?;
    for p in &s.providers {
        let mut text = format!("{} ({})", p.name, p.count);
        if let Some(m) = &p.meaning {
            text.push_str(&format!(": {m}"));
        }
        if let Some(f) = &p.fix {
            text.push_str(&format!(" {f}"));
        }
        if let Some(more) = &p.more {
            text.push_str(&format!(" {more}"));
        }
        wrap(w, l.t("provider"), &text)?;
    }
    details_tail(&s.details, l, w)
}

/// The failures logged without a code: their statuses, reasons, domains,
/// hosts and texts.
fn codeless(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    let Some(c) = &r.codeless else { return Ok(()) };
    rule(w, &l.f("codeless_header", &[("count", &c.count.to_string())]))?;
    details_head(&c.details, l, w)?;
    details_tail(&c.details, l, w)
}

/// Statuses, stages and reasons of a section.
fn details_head(d: &Details, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    let st: Vec<String> = d.statuses.iter().map(|(st, n)| format!("{} {n}", l.label(st.name()))).collect();
    if !st.is_empty() {
        wrap(w, l.t("statuses"), &st.join(", "))?;
    }
    let sg: Vec<String> = d.stages.iter().map(|(st, n)| format!("{} {n}", l.label(st.label_key()))).collect();
    if !sg.is_empty() {
        wrap(w, l.t("in_reply_to"), &sg.join(", "))?;
    }
    if !d.reasons.is_empty() {
        let v: Vec<String> = d.reasons.iter().map(|(name, n)| format!("{name} ({n})")).collect();
        wrap(w, l.t("reason"), &v.join(", "))?;
    }
    Ok(())
}

/// Domains, hosts and example texts of a section.
fn details_tail(d: &Details, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    if !d.domains.is_empty() {
        wrap(w, l.t("recipient_domains"), &names(l, &d.domains, d.distinct_domains, d.other_domains))?;
    }
    if !d.remotes.is_empty() {
        wrap(w, l.t("remote_hosts"), &names(l, &d.remotes, d.distinct_remotes, d.other_remotes))?;
    }
    for sample in &d.samples {
        wrap(w, l.t("example"), &format!("\"{}\"", for_terminal(&sample.0)))?;
    }
    Ok(())
}

fn class_contrast(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    let c = &r.class_contrast;
    let n = |s: Status| r.status_count(s).to_string();
    rule(w, l.t("contrast_title"))?;
    let transient = l.f(
        "contrast_transient",
        &[("n", &c.transient_total.to_string()), ("deferred", &n(Status::Deferred)), ("expired", &n(Status::Expired))],
    );
    writeln!(w, "  {transient}")?;
    let permanent = l.f(
        "contrast_permanent",
        &[("n", &c.permanent_total.to_string()), ("bounced", &n(Status::Bounced)), ("rejected", &n(Status::Rejected))],
    );
    writeln!(w, "  {permanent}")?;
    let args = |row: &CodeRow| {
        [("code", row.code.to_string()), ("title", row.title.clone()), ("count", row.count.to_string())]
    };
    let fill = |key: &str, row: &CodeRow| {
        let a = args(row);
        l.f(key, &[(a[0].0, a[0].1.as_str()), (a[1].0, a[1].1.as_str()), (a[2].0, a[2].1.as_str())])
    };
    match (&c.transient, &c.permanent, &c.contrast) {
        (Some(t), Some(p), Some(con)) => {
            writeln!(w, "  {}", fill("leading_transient", t))?;
            writeln!(w, "  {}", fill("leading_permanent", p))?;
            differences(w, con)
        }
        (Some(t), None, _) => writeln!(w, "  {}", fill("only_transient", t)),
        (None, Some(p), _) => writeln!(w, "  {}", fill("only_permanent", p)),
        _ if r.failures_without_code > 0 => {
            writeln!(w, "  {}", l.f("no_coded_failures", &[("n", &r.failures_without_code.to_string())]))
        }
        _ => writeln!(w, "  {}", l.t("no_failures")),
    }
}

fn differences(w: &mut dyn Write, c: &Contrast) -> io::Result<()> {
    for d in &c.differences {
        bullet(w, d)?;
    }
    Ok(())
}

/// `    - text`, wrapped with the continuation lines under the text.
fn bullet(w: &mut dyn Write, text: &str) -> io::Result<()> {
    wrapped(w, "    - ", "      ", text)
}

/// Events per hour and class; per day when the log spans more than two days.
fn hourly(r: &Report, l: &Lang, w: &mut dyn Write) -> io::Result<()> {
    if r.hourly.is_empty() {
        return Ok(());
    }
    let daily = r.hourly.len() > 48;
    let mut rows: Vec<(String, [u64; 4])> = Vec::new();
    for (h, c) in &r.hourly {
        let s = h.to_string();
        let key = if daily { s[..10].to_string() } else { format!("{} {}", &s[..10], &s[11..16]) };
        match rows.last_mut() {
            Some((k, acc)) if *k == key => acc.iter_mut().zip(c).for_each(|(a, b)| *a += b),
            _ => rows.push((key, *c)),
        }
    }
    rule(w, l.t(if daily { "daily_title" } else { "hourly_title" }))?;
    writeln!(w, "  {:<16} {:>9} {:>9} {:>9}  {}", "", "2xx", "4xx", "5xx", l.t("failures"))?;
    let max = rows.iter().map(|(_, c)| c[2] + c[3]).max().unwrap_or(0).max(1);
    for (k, c) in rows {
        let bar = ((c[2] + c[3]) * 30).div_ceil(max) as usize;
        writeln!(w, "  {k:<16} {:>9} {:>9} {:>9}  {}", c[0], c[2], c[3], "#".repeat(bar))?;
    }
    Ok(())
}

/// `smtpstat explain A [B]`.
pub fn render_explain(l: &Lang, pages: &[CodePage], contrast: Option<&Contrast>, w: &mut dyn Write) -> io::Result<()> {
    for p in pages {
        let mark = if p.registered { String::new() } else { format!(" {}", l.t("unregistered")) };
        let head = format!("{} {}{mark}", p.code, p.title);
        writeln!(w, "{head}")?;
        writeln!(w, "{}", "-".repeat(width(&head).min(WIDTH)))?;
        wrap(w, l.t("class"), &format!("{} — {}", p.class_name, p.class_action))?;
        wrap(w, l.t("category"), &format!("{} — {}", p.area, p.area_meaning))?;
        page_body(w, l, p)?;
        if !p.pairs.is_empty() {
            wrap(w, l.t("usually_paired"), &p.pairs.join(", "))?;
        }
        writeln!(w)?;
    }
    if let Some(c) = contrast {
        let head = l.f("key_differences", &[("a", &c.a.code), ("b", &c.b.code)]);
        writeln!(w, "{head}")?;
        writeln!(w, "{}", "-".repeat(width(&head).min(WIDTH)))?;
        differences(w, c)?;
        writeln!(w)?;
        let head = l.t("when_each_applies");
        writeln!(w, "{head}")?;
        writeln!(w, "{}", "-".repeat(width(head)))?;
        wrap(w, &c.a.code, &c.a.when)?;
        wrap(w, &c.b.code, &c.b.when)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{pad, width};

    #[test]
    fn terminal_widths() {
        assert_eq!(width("report"), 6);
        assert_eq!(width("报告"), 4);
        assert_eq!(width("रिपोर्ट"), 4);
        assert_eq!(width("Türkçe raporu"), 13);
        assert_eq!(pad("报告", 6), "报告  ");
        assert_eq!(pad("too long", 3), "too long");
    }
}
