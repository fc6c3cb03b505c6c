//! Log formats: one pure parser per MTA plus the shared syslog prefix and
//! reply-code rules. A parser takes one line of bytes and returns what it
//! says; no I/O, no allocation, no output options.

mod bytes;
pub mod exim;
pub mod journal;
pub mod postfix;
pub mod reply;
pub mod sendmail;
mod stamp;
pub mod syslog;

pub use stamp::StampCache;

use crate::event::{Event, Mta};
use crate::time::{LogTime, YearResolver};

/// Per-input settings a parser needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseContext {
    pub years: YearResolver,
    /// Read every line as this MTA's (`--mta`); `None` detects it per line.
    pub mta: Option<Mta>,
    /// The reader's UTC offset in seconds. Stamps that state their own
    /// offset (RFC 3339, Exim's `log_timezone`) are moved to this one, so
    /// every time in a report is on one clock; stamps without one are
    /// taken to be on it already.
    pub local_offset: i32,
    /// Only lines stamped in `[start, end)` count (`--since`, `--until`, `--day`).
    pub window: Option<(LogTime, LogTime)>,
}

impl ParseContext {
    fn on_local_clock(&self, time: Option<LogTime>, offset: Option<i32>) -> Option<LogTime> {
        match (time, offset) {
            (Some(t), Some(o)) if o != self.local_offset => {
                Some(LogTime(t.0 - i64::from(o) + i64::from(self.local_offset)))
            }
            (t, _) => t,
        }
    }
}

/// What one MTA parser makes of a message.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// It reports an SMTP outcome.
    Event(Event<'a>),
    /// A line of this MTA without an outcome (connections, queue entries …).
    Line,
    /// Nothing this MTA would write.
    Unrecognized,
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

/// Classifies one line (without its `\n`; a trailing `\r` is ignored). The
/// MTA is found per line: Exim's native stamp, else the syslog program name;
/// lines with neither are read as Postfix messages (or as `--mta` says).
pub fn parse_line<'a>(line: &'a [u8], ctx: &ParseContext) -> ParsedLine<'a> {
    parse_line_cached(line, ctx, &mut StampCache::default())
}

/// [`parse_line`] for a run of lines, remembering the last stamp in `stamps`.
pub fn parse_line_cached<'a>(line: &'a [u8], ctx: &ParseContext, stamps: &mut StampCache) -> ParsedLine<'a> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // The common lines: a Postfix tag, or another program's, after the
    // last stamp and host.
    if ctx.mta.is_none_or(|m| m == Mta::Postfix) {
        match known_prefix(line, ctx, stamps) {
            Some(Known::Postfix(time, message)) => {
                let kind = LineKind::Recognized(Mta::Postfix);
                return match postfix::parse(message, true) {
                    Parsed::Event(event) => ParsedLine { kind, time, event: Some(Event { time, ..event }) },
                    // A tagged Postfix line is never `Unrecognized`.
                    Parsed::Line | Parsed::Unrecognized => ParsedLine { kind, time, event: None },
                };
            }
            Some(Known::Foreign(time)) => return ParsedLine { kind: LineKind::Foreign, time, event: None },
            None => {}
        }
    }
    let (time, mta, message) = match prefix(line, ctx, stamps, false) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let (mta, known) = match (ctx.mta, mta) {
        (Some(forced), Some(found)) if forced != found => {
            return ParsedLine { kind: LineKind::Foreign, time, event: None };
        }
        (_, Some(found)) => (found, true),
        (Some(forced), None) => (forced, false),
        (None, None) => (Mta::Postfix, false),
    };
    let parsed = match mta {
        Mta::Postfix => postfix::parse(message, known),
        Mta::Exim => exim::parse(message),
        Mta::Sendmail => sendmail::parse(message),
    };
    match parsed {
        Parsed::Event(mut event) => {
            event.time = time;
            ParsedLine { kind: LineKind::Recognized(mta), time, event: Some(event) }
        }
        Parsed::Line if known || mta == Mta::Postfix => {
            ParsedLine { kind: LineKind::Recognized(mta), time, event: None }
        }
        _ if !known && ctx.mta.is_none_or(|m| m == Mta::Exim) && exim::is_rejectlog_continuation(line) => {
            ParsedLine { kind: LineKind::Recognized(Mta::Exim), time, event: None }
        }
        Parsed::Line | Parsed::Unrecognized => ParsedLine { kind: LineKind::Unrecognized, time, event: None },
    }
}

/// A line's time, the MTA its syslog tag or stamp names, and its message.
type Split<'a> = (Option<LogTime>, Option<Mta>, &'a [u8]);

/// The [`Split`] of a line; `Err` holds the whole answer for blank lines
/// and other programs' lines.
fn prefix<'a>(
    line: &'a [u8],
    ctx: &ParseContext,
    stamps: &mut StampCache,
    after_service: bool,
) -> Result<Split<'a>, ParsedLine<'a>> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err(ParsedLine { kind: LineKind::Blank, time: None, event: None });
    }
    // Only a date (`2026-`) can start Exim's own stamp.
    let exim_stamp = if line.get(4) == Some(&b'-') { exim::native_prefix_cached(line, stamps) } else { None };
    if let Some((time, offset, rest)) = exim_stamp {
        let time = ctx.on_local_clock(time, offset);
        // Some syslog templates write `YYYY-MM-DD hh:mm:ss host prog[pid]: `,
        // Exim's own stamp: an MTA's syslog tag after it tells them apart.
        return Ok(match syslog::host_and_tag(rest).and_then(|(_, p, m)| program_mta(p).map(|mta| (mta, m))) {
            Some((mta, message)) => (time, Some(mta), message),
            None => (time, Some(Mta::Exim), rest),
        });
    }
    // journalctl's own lines: `-- Boot 1a2b… --`, `-- No entries --`.
    if line.starts_with(b"-- ") && line.ends_with(b" --") {
        return Err(ParsedLine { kind: LineKind::Foreign, time: None, event: None });
    }
    let Some(p) = syslog::parse_cached(line, &ctx.years, stamps) else {
        return if after_service { Ok((None, None, line)) } else { after_compose_service(line, ctx, stamps) };
    };
    let time = ctx.on_local_clock(p.time, p.offset);
    match program_mta(p.program) {
        Some(mta) => Ok((time, Some(mta), p.message)),
        // syslogd's own `-- MARK --`.
        None if p.program.is_empty() && p.message == b"-- MARK --" => {
            Err(ParsedLine { kind: LineKind::Foreign, time, event: None })
        }
        None if p.program.is_empty() => Ok((time, None, p.message)),
        None => Err(ParsedLine { kind: LineKind::Foreign, time, event: None }),
    }
}

/// A line that is none of the above, read after the service name
/// `docker compose logs` writes before each line of a container's log;
/// only once, so a line of many `a | ` goes no deeper. Out of line: the
/// common lines never come here.
#[cold]
#[inline(never)]
fn after_compose_service<'a>(
    line: &'a [u8],
    ctx: &ParseContext,
    stamps: &mut StampCache,
) -> Result<Split<'a>, ParsedLine<'a>> {
    // A journal entry (`{"__CURSOR":…`) is no message of any MTA; the
    // scan reads it as the syslog line it stands for.
    if journal::may_be_entry(line) {
        return Err(ParsedLine { kind: LineKind::Unrecognized, time: None, event: None });
    }
    match compose_service(line) {
        Some(rest) => prefix(rest, ctx, stamps, true),
        None => Ok((None, None, line)),
    }
}

/// The line after `service-1  | `, as `docker compose logs` writes it
/// (Compose v1: `service_1  | `), when `line` starts so.
fn compose_service(line: &[u8]) -> Option<&[u8]> {
    let name = line.iter().take(64).position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')))?;
    let spaces = line[name..].iter().take_while(|&&c| c == b' ').count();
    if name == 0 || spaces == 0 || !line[0].is_ascii_alphanumeric() {
        return None;
    }
    let rest = line[name + spaces..].strip_prefix(b"|")?;
    match rest.first() {
        None => Some(rest),
        Some(b' ') => Some(&rest[1..]),
        Some(_) => None,
    }
}

/// What the prefix of a common line says, read without the general parser.
enum Known<'a> {
    /// A Postfix tag: the time and the message.
    Postfix(Option<LogTime>, &'a [u8]),
    /// Another program's tag (dovecot, amavis …): the time.
    Foreign(Option<LogTime>),
}

/// The prefix of the common line, read without the general parser: a
/// syslog tag after the stamp (classic or RFC 3339) of the line before and
/// a host. The answer is the one [`prefix`] gives; `None` sends any other
/// line there.
#[inline]
fn known_prefix<'a>(line: &'a [u8], ctx: &ParseContext, stamps: &mut StampCache) -> Option<Known<'a>> {
    let (time, offset, rest) = stamps.known_host(line)?;
    let time = ctx.on_local_clock(time, offset);
    // `postfix` holds none of the bytes that end a tag, so the program the
    // tag names starts with it.
    let mut rest = rest;
    if !rest.starts_with(b"postfix") {
        // A program that is no MTA makes the line another program's, as the
        // parser finds: a remembered stamp is classic or has the `T` of RFC
        // 3339, so it is never Exim's own (`YYYY-MM-DD hh:mm:ss`).
        let (program, _) = syslog::tag(rest);
        if !program.is_empty() {
            return program_mta(program).is_none().then_some(Known::Foreign(time));
        }
        // BusyBox's `host mail.info postfix/smtp[1]: `.
        rest = syslog::skip_severity(rest, false);
        if !rest.starts_with(b"postfix") {
            return None;
        }
    }
    let (program, message) = syslog::postfix_tag(rest);
    (!program.is_empty()).then_some(Known::Postfix(time, syslog::skip_message_id(message)))
}

/// The MTA behind a syslog program name: `postfix/smtp`, `postfix-out/smtp`
/// and Postfix's admin commands; `exim`, `exim4`; `sendmail`, `sm-mta`,
/// `sm-msp-queue` and the process titles Sendmail gives itself (`sm-…`).
#[inline]
fn program_mta(p: &[u8]) -> Option<Mta> {
    if p.starts_with(b"postfix")
        || matches!(
            p,
            b"postsuper" | b"postqueue" | b"postdrop" | b"postmap" | b"postalias" | b"postlogd" | b"postmulti"
        )
    {
        Some(Mta::Postfix)
    } else if p.starts_with(b"exim") {
        Some(Mta::Exim)
    } else if p == b"sendmail" || p.starts_with(b"sm-") {
        Some(Mta::Sendmail)
    } else {
        None
    }
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
        // The logging system's own lines are another program's.
        assert_eq!(kind("Nov 23 04:58:29 mx -- MARK --"), LineKind::Foreign);
        assert_eq!(kind("-- Boot 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d --"), LineKind::Foreign);
        assert_eq!(kind("-- No entries --"), LineKind::Foreign);
        assert_eq!(
            kind("-- Logs begin at Sat 2026-12-05 06:00:09 UTC, end at Sun 2026-12-06 03:00:00 UTC. --"),
            LineKind::Foreign
        );
        assert_eq!(kind("-- not journalctl's"), LineKind::Unrecognized);
        assert_eq!(kind("connect from x[192.0.2.1]"), LineKind::Recognized(Mta::Postfix));
        assert_eq!(kind("2026-11-23 04:58:29 mx postfix/qmgr[5]: 4F1A2: removed"), LineKind::Recognized(Mta::Postfix));
        assert_eq!(kind("2026-11-23 04:58:29 mx sm-mta[5]: x: from=<a@b>"), LineKind::Recognized(Mta::Sendmail));
        assert_eq!(kind("2026-11-23 04:58:29 1tEX5b-000123-AB <= a@b"), LineKind::Recognized(Mta::Exim));
        assert_eq!(kind("2026-11-23 04:58:29 Start queue run: pid=1"), LineKind::Recognized(Mta::Exim));
        assert_eq!(kind("dane/requiretls"), LineKind::Unrecognized);
        assert_eq!(kind("\u{0}\u{1}garbage 550"), LineKind::Unrecognized);
    }

    #[test]
    fn reads_lines_after_a_compose_service() {
        let ctx = ParseContext { years: YearResolver::fixed(2026), ..ParseContext::default() };
        for (line, mta) in [
            (
                "mailserver-1  | Nov 23 04:58:29 mail postfix/smtp[5]: 4F1A2: to=<a@b.example>, relay=h[192.0.2.1]:25, dsn=5.1.1, status=bounced (host h said: 550 5.1.1 No)",
                Mta::Postfix,
            ),
            (
                "mail_1 | 2026-11-23 04:58:29 1tEX5b-000123-AB ** x@b.example R=r T=t H=h [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<x@b.example>: 550 5.1.1 No",
                Mta::Exim,
            ),
            (
                "mx.example-1  | 2026-11-23T04:58:29.123+00:00 mx sm-mta[5]: x: to=<a@b.example>, delay=0, mailer=esmtp, relay=h. [192.0.2.1], dsn=5.1.1, stat=User unknown",
                Mta::Sendmail,
            ),
        ] {
            let p = parse_line(line.as_bytes(), &ctx);
            assert_eq!(p.kind, LineKind::Recognized(mta), "{line}");
            assert_eq!(p.time.unwrap().to_string(), "2026-11-23T04:58:29", "{line}");
            assert!(p.event.is_some(), "{line}");
        }
        assert_eq!(kind("svc-1  | "), LineKind::Blank);
        assert_eq!(kind("svc-1  | Nov 23 04:58:29 mx dovecot: imap"), LineKind::Foreign);
        // Nothing else loses its first word: no space before the bar, a
        // second bar, a name that starts with punctuation.
        for line in ["a| 550 5.1.1 x", "-a  | 550 5.1.1 x", "svc-1  || 550 5.1.1 x", "svc-1  |x"] {
            assert_eq!(compose_service(line.as_bytes()), None, "{line}");
        }
        assert_eq!(compose_service(b"a | b | c"), Some(&b"b | c"[..]));
    }

    #[test]
    fn events_carry_the_prefix_time() {
        let line = b"Nov 23 04:58:29 mx postfix/smtp[5]: 4F1A2: to=<a@b.example>, relay=h[192.0.2.1]:25, dsn=5.1.1, status=bounced (550 5.1.1 No)\r";
        let ctx = ParseContext { years: YearResolver::fixed(2026), ..ParseContext::default() };
        let ev = parse_line(line, &ctx).event.unwrap();
        assert_eq!(ev.time.unwrap().to_string(), "2026-11-23T04:58:29");
        assert_eq!(ev.text, b"550 5.1.1 No");
    }
}
