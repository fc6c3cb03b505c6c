//! Log formats: one pure parser per MTA plus the shared syslog prefix and
//! reply-code rules. A parser takes one line of bytes and returns what it
//! says; no I/O, no allocation, no output options.

mod bytes;
pub mod postfix;
pub mod reply;
pub mod syslog;

use crate::event::{Event, Mta};
use crate::time::{LogTime, YearResolver};

/// Per-input settings a parser needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseContext {
    pub years: YearResolver,
}

/// How a line was classified; every line read gets exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    /// Written by an MTA smtpstat reads.
    Recognized(Mta),
    /// Written by another program (dovecot, amavis, opendkim …).
    Foreign,
    /// Neither: a format smtpstat does not know.
    Unrecognized,
}

#[derive(Debug, PartialEq, Eq)]
pub struct ParsedLine<'a> {
    pub kind: LineKind,
    pub time: Option<LogTime>,
    pub event: Option<Event<'a>>,
}

/// Classifies one line (without its `\n`; a trailing `\r` is ignored).
pub fn parse_line<'a>(line: &'a [u8], ctx: &ParseContext) -> ParsedLine<'a> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return ParsedLine { kind: LineKind::Blank, time: None, event: None };
    }
    let (time, program, message) = match syslog::parse(line, &ctx.years) {
        Some(p) => (p.time, Some(p.program), p.message),
        None => (None, None, line),
    };
    let from_postfix = match program {
        Some(p) if is_postfix_program(p) => true,
        Some([]) | None => false,
        Some(_) => return ParsedLine { kind: LineKind::Foreign, time, event: None },
    };
    match postfix::parse(message, from_postfix) {
        postfix::Parsed::Event(mut event) => {
            event.time = time;
            ParsedLine { kind: LineKind::Recognized(Mta::Postfix), time, event: Some(event) }
        }
        postfix::Parsed::Line => ParsedLine { kind: LineKind::Recognized(Mta::Postfix), time, event: None },
        postfix::Parsed::Unrecognized => ParsedLine { kind: LineKind::Unrecognized, time, event: None },
    }
}

/// `postfix/smtp`, `postfix-out/smtp`, `postfix/submission/smtpd`, and the
/// Postfix admin commands that log under their own names.
fn is_postfix_program(p: &[u8]) -> bool {
    p.starts_with(b"postfix")
        || matches!(
            p,
            b"postsuper" | b"postqueue" | b"postdrop" | b"postmap" | b"postalias" | b"postlogd" | b"postmulti"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: &str) -> LineKind {
        parse_line(line.as_bytes(), &ParseContext::default()).kind
    }

    #[test]
    fn classifies_lines() {
        assert_eq!(kind(""), LineKind::Blank);
        assert_eq!(kind("  \r"), LineKind::Blank);
        assert_eq!(kind("Nov 23 04:58:29 mx postfix/qmgr[5]: 4F1A2: removed"), LineKind::Recognized(Mta::Postfix));
        assert_eq!(kind("Nov 23 04:58:29 mx postfix-out/smtp[5]: anything"), LineKind::Recognized(Mta::Postfix));
        assert_eq!(kind("Nov 23 04:58:29 mx dovecot: imap-login: Login: user=<a>"), LineKind::Foreign);
        assert_eq!(kind("Nov 23 04:58:29 mx -- MARK --"), LineKind::Unrecognized);
        assert_eq!(kind("connect from x[192.0.2.1]"), LineKind::Recognized(Mta::Postfix));
        assert_eq!(kind("dane/requiretls"), LineKind::Unrecognized);
        assert_eq!(kind("\u{0}\u{1}garbage 550"), LineKind::Unrecognized);
    }

    #[test]
    fn events_carry_the_prefix_time() {
        let line = b"Nov 23 04:58:29 mx postfix/smtp[5]: 4F1A2: to=<a@b.example>, relay=h[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)\r";
        let ctx = ParseContext { years: YearResolver::fixed(2026) };
        let ev = parse_line(line, &ctx).event.unwrap();
        assert_eq!(ev.time.unwrap().to_string(), "2026-11-23T04:58:29");
        assert_eq!(ev.text, b"250 2.0.0 Ok");
    }
}
