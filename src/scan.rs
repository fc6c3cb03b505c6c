//! Scans one chunk of whole lines into a `Summary`. Pure: no I/O, no
//! threads; the pipeline decides which chunk goes where.

use crate::aggregate::Summary;
use crate::bytemask::Lines;
use crate::formats::{LineKind, ParseContext, StampCache, journal, parse_line_cached};
use crate::input::chunk::LINE_CAP;

/// Counts every line of `chunk` (whole lines; the last may lack its `\n`).
pub fn scan_chunk(chunk: &[u8], ctx: &ParseContext, summary: &mut Summary) {
    summary.lines.bytes += chunk.len() as u64;
    let mut stamps = StampCache::default();
    let mut journal_line = Vec::new();
    // The split notes which lines hold a byte outside ASCII; only those
    // can be invalid UTF-8, so the others need no check of their own.
    for (line, high) in Lines::new(chunk) {
        // A mapped chunk may hold a line a reader would have skipped.
        if line.len() > LINE_CAP {
            summary.lines.skip_oversized(1);
            continue;
        }
        if high && simdutf8::basic::from_utf8(line).is_err() {
            summary.lines.invalid_utf8 += 1;
        }
        let mut parsed = parse_line_cached(line, ctx, &mut stamps);
        // A journal entry is read as the syslog line it stands for; tried
        // only on lines found unrecognised, so other logs pay nothing.
        if parsed.kind == LineKind::Unrecognized
            && journal::may_be_entry(line)
            && journal::to_syslog(line, &mut journal_line)
        {
            parsed = parse_line_cached(&journal_line, ctx, &mut stamps);
        }
        if let (Some((start, end)), Some(t)) = (ctx.window, parsed.time)
            && (t < start || t >= end)
        {
            summary.lines.read += 1;
            summary.lines.outside += 1;
            continue;
        }
        summary.add_line(line, parsed.kind, parsed.time, parsed.event.as_ref());
    }
    summary.settle();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_line() {
        let text = b"Nov 23 04:58:29 mx postfix/smtp[1]: ABCDEF1: to=<a@b.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n\nNov 23 04:58:30 mx dovecot: imap\n\xff\xfe junk\nlast line without newline";
        let mut s = Summary::default();
        scan_chunk(text, &ParseContext::default(), &mut s);
        assert_eq!(s.lines.read, 5);
        assert_eq!(s.lines.blank, 1);
        assert_eq!(s.lines.recognized, 1);
        assert_eq!(s.lines.with_code, 1);
        assert_eq!(s.lines.foreign, 1);
        assert_eq!(s.lines.unrecognized, 2);
        assert_eq!(s.lines.invalid_utf8, 1);
        assert_eq!(s.lines.bytes, text.len() as u64);
    }
}
