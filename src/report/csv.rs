//! The CSV report: one row per code (basic codes, then enhanced codes),
//! written through the csv crate so quoting is always right. Cells that a
//! spreadsheet would read as a formula are neutralised.

use std::io::{self, Write};
use std::path::Path;

use super::{CodeRow, Report};
use crate::error::Error;
use crate::output::write_atomically;

pub fn render(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["code", "class", "count", "share", "title", "kind", "registered"])?;
    let rows = r.codes.iter().map(|c| (c, "basic")).chain(r.enhanced.iter().map(|c| (c, "enhanced")));
    for (row, kind) in rows {
        write_row(&mut out, row, kind)?;
    }
    out.flush()
}

fn write_row<W: Write>(out: &mut csv::Writer<W>, row: &CodeRow, kind: &str) -> io::Result<()> {
    let [code, class, count, share, title, registered] = code_cells(row);
    out.write_record([code, class, count, share, title, kind.to_string(), registered])?;
    Ok(())
}

/// code, class, count, share, title, registered.
fn code_cells(row: &CodeRow) -> [String; 6] {
    [
        row.code.to_string(),
        row.class.label().to_string(),
        row.count.to_string(),
        format!("{:.6}", row.share),
        safe_cell(&row.title).into_owned(),
        row.registered.to_string(),
    ]
}

/// `--csv-dir`: one file per table, each with a header row, plain numbers
/// and ISO dates, usable as-is in a spreadsheet.
pub fn write_dir(r: &Report, dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.display().to_string(), source })?;
    let file = |name: &str, f: &dyn Fn(&mut csv::Writer<&mut dyn Write>) -> io::Result<()>| {
        let path = dir.join(name);
        write_atomically(&path, |w| {
            let mut out = csv::Writer::from_writer(w);
            f(&mut out)?;
            out.flush()
        })
    };
    file("codes.csv", &|out| {
        out.write_record(["code", "class", "count", "share", "title", "registered"])?;
        r.codes.iter().try_for_each(|row| code_record(out, row))
    })?;
    file("enhanced.csv", &|out| {
        out.write_record(["code", "class", "count", "share", "title", "registered"])?;
        r.enhanced.iter().try_for_each(|row| code_record(out, row))
    })?;
    file("statuses.csv", &|out| {
        out.write_record(["status", "count"])?;
        r.statuses.iter().try_for_each(|(s, n)| out.write_record([s.name(), &n.to_string()]).map_err(io::Error::from))
    })?;
    file("domains.csv", &|out| {
        out.write_record(["domain", "code", "class", "count"])?;
        r.domain_codes.iter().try_for_each(|(d, code, n)| {
            out.write_record([safe_cell(&d.0).as_ref(), &code.to_string(), code.class().label(), &n.to_string()])
                .map_err(io::Error::from)
        })
    })?;
    file("reasons.csv", &|out| {
        out.write_record(["reason", "id", "count", "share", "codes", "lists", "hint", "without_code"])?;
        r.reasons.iter().try_for_each(|row| {
            let codes: Vec<String> = row.codes.iter().map(|(c, n)| format!("{c}:{n}")).collect();
            let lists: Vec<String> = row.lists.iter().map(|(l, n)| format!("{}:{n}", l.0)).collect();
            out.write_record([
                safe_cell(&row.name).as_ref(),
                &row.id,
                &row.count.to_string(),
                &format!("{:.6}", row.share),
                &codes.join(" "),
                safe_cell(&lists.join(" ")).as_ref(),
                safe_cell(&row.hint).as_ref(),
                &row.without_code.to_string(),
            ])
            .map_err(io::Error::from)
        })
    })?;
    file("providers.csv", &|out| {
        out.write_record(["provider", "code", "count", "meaning", "fix", "more"])?;
        r.providers.iter().try_for_each(|p| {
            out.write_record([
                p.name.as_str(),
                &p.code.to_string(),
                &p.count.to_string(),
                safe_cell(p.meaning.as_deref().unwrap_or("")).as_ref(),
                safe_cell(p.fix.as_deref().unwrap_or("")).as_ref(),
                p.more.as_deref().unwrap_or(""),
            ])
            .map_err(io::Error::from)
        })
    })?;
    file("hourly.csv", &|out| {
        out.write_record(["hour", "success", "intermediate", "transient", "permanent"])?;
        r.hourly.iter().try_for_each(|(h, c)| {
            let mut rec = vec![h.to_string()];
            rec.extend(c.iter().map(u64::to_string));
            out.write_record(&rec).map_err(io::Error::from)
        })
    })?;
    Ok(())
}

fn code_record(out: &mut csv::Writer<&mut dyn Write>, row: &CodeRow) -> io::Result<()> {
    out.write_record(code_cells(row))?;
    Ok(())
}

/// Prefixes a quote to cells that start like a formula (`=`, `+`, `-`,
/// `@`, tab, CR), so spreadsheets show them as text.
pub fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn neutralises_formulas() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("-2+3"), "'-2+3");
        assert_eq!(safe_cell("Mailbox unavailable"), "Mailbox unavailable");
    }
}
