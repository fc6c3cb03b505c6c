//! The CSV report: one row per code (basic codes, then enhanced codes),
//! written through the csv crate so quoting is always right. Cells that a
//! spreadsheet would read as a formula are neutralised.

use std::io::{self, Write};

use super::{CodeRow, Report};

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
    out.write_record([
        row.code.to_string(),
        row.class.label().to_string(),
        row.count.to_string(),
        format!("{:.6}", row.share),
        safe_cell(&row.title).into_owned(),
        kind.to_string(),
        row.registered.to_string(),
    ])?;
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
