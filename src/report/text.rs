//! The text report, for people and for cron mail. Everything that came from
//! a log passes through `sanitize::for_terminal` first.

use std::io::{self, Write};

use super::explain::{CodePage, Contrast};
use super::{CodeRow, CodeSection, Report, Untrusted};
use crate::code::Class;
use crate::event::Status;
use crate::sanitize::for_terminal;

const WIDTH: usize = 78;

pub fn render(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    header(r, w)?;
    classes(r, w)?;
    statuses(r, w)?;
    code_table(w, "Reply codes", "code", &r.codes)?;
    code_table(w, "Enhanced status codes", "enhanced", &r.enhanced)?;
    inferred(r, w)?;
    for s in &r.sections {
        section(s, w)?;
    }
    class_contrast(r, w)?;
    hourly(r, w)?;
    Ok(())
}

/// Events per hour and class; per day when the log spans more than two days.
fn hourly(r: &Report, w: &mut dyn Write) -> io::Result<()> {
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
    rule(w, if daily { "Events per day" } else { "Events per hour" })?;
    writeln!(w, "  {:<16} {:>9} {:>9} {:>9}  failures", "", "2xx", "4xx", "5xx")?;
    let max = rows.iter().map(|(_, c)| c[2] + c[3]).max().unwrap_or(0).max(1);
    for (k, c) in rows {
        let bar = ((c[2] + c[3]) * 30).div_ceil(max) as usize;
        writeln!(w, "  {k:<16} {:>9} {:>9} {:>9}  {}", c[0], c[2], c[3], "#".repeat(bar))?;
    }
    Ok(())
}

fn rule(w: &mut dyn Write, title: &str) -> io::Result<()> {
    writeln!(w)?;
    writeln!(w, "{title}")?;
    writeln!(w, "{}", "=".repeat(title.chars().count().min(WIDTH)))
}

fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn of(n: u64, total: u64) -> String {
    if total == 0 { "-".to_string() } else { pct(n as f64 / total as f64) }
}

fn header(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "smtpstat report")?;
    writeln!(w, "===============")?;
    for i in &r.inputs {
        let compressed = match i.compression {
            crate::input::Compression::None => String::new(),
            c => format!(", {}", c.name()),
        };
        let status = match &i.error {
            Some(e) => format!("  ERROR: {}", for_terminal(e)),
            None => String::new(),
        };
        writeln!(w, "Input:   {} ({} bytes{compressed}){status}", for_terminal(&i.name), i.bytes)?;
    }
    match r.period {
        Some((a, b)) => writeln!(w, "Period:  {a} .. {b}")?,
        None => writeln!(w, "Period:  no time stamps found")?,
    }
    if let Some((a, b)) = r.window {
        let show = |t: crate::time::LogTime, open: i64| if t.0 == open { "…".to_string() } else { t.to_string() };
        writeln!(
            w,
            "Window:  {} .. {} (exclusive); {} lines stamped outside it were skipped",
            show(a, i64::MIN),
            show(b, i64::MAX),
            r.lines.outside
        )?;
    }
    let l = &r.lines;
    writeln!(
        w,
        "Lines:   {} read, {} recognised ({}), {} with a code, {} unrecognised ({}), {} from other programs, {} blank",
        l.read,
        l.recognized,
        of(l.recognized, l.read),
        l.with_code,
        l.unrecognized,
        of(l.unrecognized, l.read),
        l.foreign,
        l.blank
    )?;
    if l.oversized > 0 || l.invalid_utf8 > 0 {
        writeln!(w, "         {} oversized lines skipped, {} lines with invalid UTF-8", l.oversized, l.invalid_utf8)?;
    }
    let mtas: Vec<String> =
        r.mtas.iter().filter(|(_, n)| *n > 0).map(|(m, n)| format!("{} {n} lines", m.name())).collect();
    if !mtas.is_empty() {
        writeln!(w, "MTAs:    {}", mtas.join(", "))?;
    }
    Ok(())
}

fn classes(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    rule(w, "Replies by class")?;
    for class in Class::ALL {
        let n = r.classes[class.index()];
        let what = match class {
            Class::Success => "done",
            Class::Intermediate => "waiting for more input",
            Class::Transient => "not now: the sender retries",
            Class::Permanent => "refused: the message returns to its sender",
        };
        writeln!(w, "  {}xx {:<13} {:>10}  {:>6}  {what}", class.digit(), class.label(), n, of(n, r.coded_events))?;
    }
    writeln!(w, "  {:<18} {:>10}", "events with a code", r.coded_events)
}

fn statuses(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    rule(w, "Delivery statuses")?;
    for (s, n) in &r.statuses {
        if Status::MAIN.contains(s) || *n > 0 {
            writeln!(w, "  {:<14} {:>10}", s.name(), n)?;
        }
    }
    Ok(())
}

fn code_table(w: &mut dyn Write, title: &str, head: &str, rows: &[CodeRow]) -> io::Result<()> {
    rule(w, title)?;
    if rows.is_empty() {
        return writeln!(w, "  (none)");
    }
    writeln!(w, "  {head:<9} {:<13} {:>10} {:>7}  title", "class", "count", "share")?;
    for row in rows {
        let mark = if row.registered { "" } else { " [unregistered]" };
        writeln!(
            w,
            "  {:<9} {:<13} {:>10} {:>7}  {}{mark}",
            row.code.to_string(),
            row.class.label(),
            row.count,
            pct(row.share),
            row.title
        )?;
    }
    Ok(())
}

fn inferred(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    if r.inferred.is_empty() {
        return Ok(());
    }
    rule(w, "Inferred codes (not written in the log, counted apart)")?;
    for i in &r.inferred {
        let e = i.enhanced.as_deref().unwrap_or("");
        writeln!(
            w,
            "  {:<4} {:<9} {:>10}  authentication failures logged by smtpd without the reply",
            i.code, e, i.count
        )?;
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
    let indent = 6;
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > WIDTH {
            writeln!(w, "{}{line}", " ".repeat(indent))?;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(w, "{}{line}", " ".repeat(indent))?;
    }
    Ok(())
}

fn names(list: &[(Untrusted, u64)], distinct: usize) -> String {
    let mut s: Vec<String> = list.iter().map(|(n, c)| format!("{} ({c})", for_terminal(&n.0))).collect();
    if distinct > list.len() {
        s.push(format!("and {} more", distinct - list.len()));
    }
    s.join(", ")
}

fn page_body(w: &mut dyn Write, p: &CodePage) -> io::Result<()> {
    wrap(w, "What it means", &p.description)?;
    wrap(w, "When you see it", &p.when)?;
    wrap(w, "How to fix", &p.fix)?;
    wrap(w, "Source", &p.source)
}

fn section(s: &CodeSection, w: &mut dyn Write) -> io::Result<()> {
    let p = &s.page;
    rule(
        w,
        &format!("{} {} — {}, {} events ({} of all)", p.code, p.title, p.class.label(), s.row.count, pct(s.row.share)),
    )?;
    writeln!(w, "    Class: {}, category {}", p.class_name, p.area)?;
    page_body(w, p)?;
    if !s.paired.is_empty() {
        let v: Vec<String> = s.paired.iter().map(|(c, t, n)| format!("{c} {t} ({n})")).collect();
        wrap(w, "Enhanced codes", &v.join(", "))?;
    }
    let st: Vec<String> = s.statuses.iter().map(|(st, n)| format!("{} {n}", st.name())).collect();
    if !st.is_empty() {
        wrap(w, "Statuses", &st.join(", "))?;
    }
    let sg: Vec<String> = s.stages.iter().map(|(st, n)| format!("{} {n}", st.name())).collect();
    if !sg.is_empty() {
        wrap(w, "In reply to", &sg.join(", "))?;
    }
    if !s.domains.is_empty() {
        wrap(w, "Recipient domains", &names(&s.domains, s.distinct_domains))?;
    }
    if !s.remotes.is_empty() {
        wrap(w, "Remote hosts", &names(&s.remotes, s.distinct_remotes))?;
    }
    for sample in &s.samples {
        wrap(w, "Example", &format!("\"{}\"", for_terminal(&sample.0)))?;
    }
    Ok(())
}

fn class_contrast(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    let c = &r.class_contrast;
    rule(w, "Transient (4xx) vs permanent (5xx)")?;
    writeln!(
        w,
        "  transient {}: deferred {}, expired {} (retried until the queue lifetime ran out)",
        c.transient_total,
        r.status_count(Status::Deferred),
        r.status_count(Status::Expired)
    )?;
    writeln!(
        w,
        "  permanent {}: bounced {}, rejected {} (returned to the sender or refused at the door)",
        c.permanent_total,
        r.status_count(Status::Bounced),
        r.status_count(Status::Rejected)
    )?;
    match (&c.transient, &c.permanent, &c.contrast) {
        (Some(t), Some(p), Some(con)) => {
            writeln!(w, "  Leading transient code: {} {} ({})", t.code, t.title, t.count)?;
            writeln!(w, "  Leading permanent code: {} {} ({})", p.code, p.title, p.count)?;
            differences(w, con)
        }
        (Some(t), None, _) => writeln!(w, "  Only transient failures: leading {} {} ({}).", t.code, t.title, t.count),
        (None, Some(p), _) => writeln!(w, "  Only permanent failures: leading {} {} ({}).", p.code, p.title, p.count),
        _ => writeln!(w, "  No failures in this log."),
    }
}

fn differences(w: &mut dyn Write, c: &Contrast) -> io::Result<()> {
    for d in &c.differences {
        wrap(w, "-", d)?;
    }
    Ok(())
}

/// `smtpstat explain A [B]`.
pub fn render_explain(pages: &[CodePage], contrast: Option<&Contrast>, w: &mut dyn Write) -> io::Result<()> {
    for p in pages {
        let mark = if p.registered { "" } else { " [unregistered]" };
        writeln!(w, "{} {}{mark}", p.code, p.title)?;
        writeln!(w, "{}", "-".repeat((p.code.len() + p.title.len() + 1 + mark.len()).min(WIDTH)))?;
        wrap(w, "Class", &format!("{} — {}", p.class_name, p.class_action))?;
        wrap(w, "Category", &format!("{} — {}", p.area, p.area_meaning))?;
        page_body(w, p)?;
        if !p.pairs.is_empty() {
            wrap(w, "Usually paired with", &p.pairs.join(", "))?;
        }
        writeln!(w)?;
    }
    if let Some(c) = contrast {
        writeln!(w, "{} vs {}: the key differences", c.a.code, c.b.code)?;
        writeln!(w, "{}", "-".repeat(40))?;
        differences(w, c)?;
        writeln!(w)?;
        writeln!(w, "When each applies")?;
        writeln!(w, "{}", "-".repeat(17))?;
        wrap(w, &c.a.code, &c.a.when)?;
        wrap(w, &c.b.code, &c.b.when)?;
    }
    Ok(())
}
