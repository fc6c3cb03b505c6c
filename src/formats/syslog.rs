//! The syslog prefix in front of MTA messages: the classic BSD form
//! `Nov 23 04:58:29 host prog[pid]: ` (RFC 3164; single-digit days padded
//! with a space) and the RFC 3339 form rsyslog writes by default
//! `2026-11-23T04:58:29.123456+00:00 host prog[pid]: ` (also with a
//! `+0000` zone, as `journalctl -o short-iso` writes), and RFC 5424
//! (`<PRI>1 stamp host app procid msgid [sd] message`), and journald's
//! `short-full` (`Sat 2026-12-05 06:00:09 UTC `) and `short-unix`
//! (`1764914409.123456 `). A leading `<PRI>` is skipped. The wall clock is returned as written, with the offset the
//! stamp states; the caller moves it to the reader's clock.

use super::bytes::{position_in_24, position_in_set};
use super::stamp::StampCache;
use crate::bytemask::mask32;
use crate::time::{LogTime, YearResolver};

/// A parsed prefix; `message` is everything after `prog[pid]: `.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix<'a> {
    pub time: Option<LogTime>,
    /// The UTC offset the stamp states, in seconds (RFC 3339 form only).
    pub offset: Option<i32>,
    pub host: &'a [u8],
    /// The tag before `[pid]` or `:`, e.g. `postfix/submission/smtpd`.
    pub program: &'a [u8],
    pub message: &'a [u8],
}

/// Parses the prefix, or returns `None` when the line does not start with a
/// syslog time stamp.
pub fn parse<'a>(line: &'a [u8], years: &YearResolver) -> Option<Prefix<'a>> {
    parse_cached(line, years, &mut StampCache::default())
}

/// [`parse`], remembering the last stamp in `stamps`.
pub fn parse_cached<'a>(line: &'a [u8], years: &YearResolver, stamps: &mut StampCache) -> Option<Prefix<'a>> {
    let line = skip_priority(line);
    let (time, offset, rest) = match line.first()? {
        b'1'..=b'9' if line.get(1) == Some(&b' ') => return rfc5424(&line[2..], stamps),
        b'0'..=b'9' => match rfc3339(line, stamps) {
            Some(found) => found,
            None => match year_first(line) {
                Some((time, len)) => (time, None, &line[len..]),
                None => unix(line)?,
            },
        },
        _ => match stamps.classic(line, |l| classic(l, years)) {
            Some((time, len)) => (time, None, &line[len..]),
            None => full(line)?,
        },
    };
    let (host, program, message) = host_and_tag_of_syslog(rest)?;
    Some(Prefix { time, offset, host, program, message })
}

/// The rest of an RFC 5424 line after `<PRI>1 `:
/// `TIMESTAMP HOST APP PROCID MSGID STRUCTURED-DATA [MSG]`, each header
/// field `-` when absent, as rsyslog's `RSYSLOG_SyslogProtocol23Format` writes.
fn rfc5424<'a>(line: &'a [u8], stamps: &mut StampCache) -> Option<Prefix<'a>> {
    let (time, offset, rest) = match line.strip_prefix(b"- ") {
        Some(rest) => (None, None, rest),
        None => rfc3339(line, stamps)?,
    };
    let nil = |w: &'a [u8]| if w == b"-" { &[][..] } else { w };
    let (host, rest) = split_word(rest)?;
    let (app, rest) = split_word(rest)?;
    let (_procid, rest) = split_word(rest)?;
    let (_msgid, rest) = split_word(rest)?;
    let message = skip_structured_data(rest)?;
    let message = message.strip_prefix("\u{feff}".as_bytes()).unwrap_or(message);
    Some(Prefix { time, offset, host: nil(host), program: nil(app), message })
}

/// Skips `-` or `[id k="v" …]…` and the space after it. Values are quoted,
/// with `\"`, `\\` and `\]` escaped.
fn skip_structured_data(b: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = b.strip_prefix(b"-") {
        return Some(rest.strip_prefix(b" ").unwrap_or(rest));
    }
    let mut i = 0;
    while b.get(i) == Some(&b'[') {
        let mut quoted = false;
        i += 1;
        loop {
            match *b.get(i)? {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    (i > 0).then(|| {
        let rest = &b[i..];
        rest.strip_prefix(b" ").unwrap_or(rest)
    })
}

/// `host prog[pid]: message` after a syslog stamp: the host, the program
/// (empty when there is no tag) and the message, past any facility words
/// a syslog daemon puts around them.
#[inline]
fn host_and_tag_of_syslog(rest: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (host, rest) = split_word(skip_severity(rest, true))?;
    let (program, message) = tag(skip_severity(rest, false));
    Some((host, program, skip_message_id(message)))
}

/// `host prog[pid]: message` as syslog templates write it after an
/// Exim-like `YYYY-MM-DD hh:mm:ss` stamp: the host, the program (empty
/// when there is no tag) and the message. No daemon that writes such a
/// stamp adds facility words, and Exim's own lines come this way, so they
/// are not looked for.
#[inline]
pub fn host_and_tag(rest: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (host, rest) = split_word(rest)?;
    let (program, message) = tag(rest);
    Some((host, program, message))
}

/// `message` after the `[ID 197553 mail.info] ` Solaris's and illumos's
/// syslog puts in front of every message; any other `message` whole.
#[inline]
pub fn skip_message_id(message: &[u8]) -> &[u8] {
    if message.first() == Some(&b'[') { after_message_id(message) } else { message }
}

/// [`skip_message_id`] for a message that starts with `[`: rare, kept out
/// of the line loop.
#[cold]
#[inline(never)]
fn after_message_id(message: &[u8]) -> &[u8] {
    let Some(rest) = message.strip_prefix(b"[ID ") else {
        return message;
    };
    let digits = rest.iter().take(12).take_while(|c| c.is_ascii_digit()).count();
    let Some(pair) = rest.get(digits + 1..).filter(|_| digits > 0 && rest[digits] == b' ') else {
        return message;
    };
    match pair.iter().take(24).position(|&c| c == b']') {
        Some(end) if pair.get(end + 1) == Some(&b' ') && is_named_pair(&pair[..end]) => &pair[end + 2..],
        _ => message,
    }
}

/// `rest` after a leading facility and severity and its space: BusyBox's
/// syslogd (Alpine's) writes `mail.info` (or `<22>` for a pair it has no
/// names for) between host and tag; FreeBSD's `syslogd -vv` writes
/// `<mail.info>` (`-v`: `<2.6>`) before the host. Any other `rest` comes
/// back whole: a tag ends in `:` or `[`, so such a word is never one.
/// `before_host` takes only FreeBSD's forms: a bare `mail.info` there
/// could be a host's own name, and `<22>` is no form written there.
#[inline]
pub fn skip_severity(rest: &[u8], before_host: bool) -> &[u8] {
    // Every form starts with `<` or a facility's lower-case letter; most
    // words (hosts, tags, Exim's message ids) are ruled out by that byte.
    match rest.first() {
        Some(b'<') => {}
        Some(b'a'..=b'z') if !before_host => {}
        _ => return rest,
    }
    let Some(end) = rest.iter().take(24).position(|&c| c == b' ') else {
        return rest;
    };
    let word = &rest[..end];
    let inner = word.strip_prefix(b"<").and_then(|w| w.strip_suffix(b">"));
    let digits = |d: &[u8]| !d.is_empty() && d.len() <= 3 && d.iter().all(u8::is_ascii_digit);
    let dotted =
        |w: &[u8]| w.iter().position(|&c| c == b'.').is_some_and(|dot| digits(&w[..dot]) && digits(&w[dot + 1..]));
    let skip = match inner {
        Some(w) => is_named_pair(w) || dotted(w) || (!before_host && digits(w)),
        None => !before_host && is_named_pair(word),
    };
    if skip { &rest[end + 1..] } else { rest }
}

/// `mail.info`: a facility and a severity by name.
fn is_named_pair(w: &[u8]) -> bool {
    w.iter().position(|&c| c == b'.').is_some_and(|dot| is_facility(&w[..dot]) && is_severity(&w[dot + 1..]))
}

/// The facility names of `<syslog.h>`.
fn is_facility(w: &[u8]) -> bool {
    matches!(
        w,
        b"auth"
            | b"authpriv"
            | b"cron"
            | b"daemon"
            | b"ftp"
            | b"kern"
            | b"lpr"
            | b"mail"
            | b"mark"
            | b"news"
            | b"security"
            | b"syslog"
            | b"user"
            | b"uucp"
    ) || matches!(w, [b'l', b'o', b'c', b'a', b'l', b'0'..=b'7'])
}

/// The severity names of `<syslog.h>`.
fn is_severity(w: &[u8]) -> bool {
    matches!(
        w,
        b"emerg"
            | b"panic"
            | b"alert"
            | b"crit"
            | b"err"
            | b"error"
            | b"warn"
            | b"warning"
            | b"notice"
            | b"info"
            | b"debug"
    )
}

fn skip_priority(line: &[u8]) -> &[u8] {
    if line.first() == Some(&b'<')
        && let Some(end) = line.iter().take(5).position(|&c| c == b'>')
        && end > 1
        && line[1..end].iter().all(u8::is_ascii_digit)
    {
        return &line[end + 1..];
    }
    line
}

fn month_number(m: &[u8]) -> Option<u8> {
    const MONTHS: [&[u8; 3]; 12] =
        [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    // Three-byte arrays compare as integers, not through memcmp.
    let m: &[u8; 3] = m.try_into().ok()?;
    MONTHS.iter().position(|x| *x == m).map(|i| i as u8 + 1)
}

/// Four digits as a year.
fn year4(b: &[u8]) -> Option<i32> {
    b.iter().try_fold(0i32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0')))
}

fn digits2(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

/// `hh:mm:ss` at the start of `b`.
fn clock(b: &[u8]) -> Option<(u8, u8, u8)> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    Some((digits2(&b[0..2])?, digits2(&b[3..5])?, digits2(&b[6..8])?))
}

/// `Mmm dd hh:mm:ss ` / `Mmm  d hh:mm:ss ` / `Mmm d hh:mm:ss `, the
/// seconds perhaps with a fraction: the time and the length of the stamp
/// with its space. Without a fraction it reads at most 16 bytes.
fn classic(line: &[u8], years: &YearResolver) -> Option<(Option<LogTime>, usize)> {
    let month = month_number(line.get(..3)?)?;
    if line.get(3) != Some(&b' ') {
        return None;
    }
    let mut i = 4;
    if line.get(i) == Some(&b' ') {
        i += 1;
    }
    let day_len = line[i..].iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    let day = match day_len {
        1 => line[i] - b'0',
        2 => digits2(&line[i..i + 2])?,
        _ => return None,
    };
    i += day_len;
    if line.get(i) != Some(&b' ') {
        return None;
    }
    // Some templates put the year after the day: `Dec  5 2026 06:00:09`.
    let year = match line.get(i + 1..i + 6) {
        Some([year @ .., b' ']) => year4(year).inspect(|_| i += 5),
        _ => None,
    };
    let (h, m, s) = clock(line.get(i + 1..)?)?;
    let mut end = i + 9;
    // `journalctl -o short-precise` adds microseconds: `Dec 05 06:00:09.123456`.
    let frac = fraction_len(line.get(end..)?)?;
    if frac > 10 {
        return None;
    }
    end += frac;
    if line.get(end) != Some(&b' ') {
        return None;
    }
    let time = LogTime::from_parts(year.unwrap_or_else(|| years.year(month)), month, day, h, m, s);
    Some((time, end + 1))
}

/// A classic stamp after its year, `2026 Dec  5 06:00:09 `, as some
/// templates write it.
fn year_first(line: &[u8]) -> Option<(Option<LogTime>, usize)> {
    let (digits, rest) = line.split_first_chunk::<4>()?;
    let rest = rest.strip_prefix(b" ")?;
    let (time, len) = classic(rest, &YearResolver::fixed(year4(digits)?))?;
    Some((time, 5 + len))
}

/// `YYYY-MM-DDThh:mm:ss[.frac][Z|±hh:mm|±hhmm] `.
fn rfc3339<'a>(line: &'a [u8], stamps: &mut StampCache) -> Option<(Option<LogTime>, Option<i32>, &'a [u8])> {
    let stamp = line.first_chunk::<19>()?;
    if line.len() < 20 || !matches!(stamp[10], b'T' | b't') {
        return None;
    }
    let time = stamps.iso(stamp, date_time)?;
    let mut i = 19 + fraction_len(&line[19..])?;
    let zone_at = i;
    // Some templates leave the zone out: the clock is the reader's own.
    // Such stamps are rare enough to skip the stamp cache.
    if line.get(i) == Some(&b' ') {
        return Some((time, None, &line[i + 1..]));
    }
    let offset = match line.get(i)? {
        b'Z' | b'z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            // `+01:00`, or `+0100` as `journalctl -o short-iso` writes it.
            let (zh, zm, len) = match line.get(i + 1..)? {
                [a, b, b':', c, d, ..] => (digits2(&[*a, *b])?, digits2(&[*c, *d])?, 5),
                [a, b, c, d, ..] => (digits2(&[*a, *b])?, digits2(&[*c, *d])?, 4),
                _ => return None,
            };
            i += 1 + len;
            utc_offset(*sign, zh, zm)?
        }
        _ => return None,
    };
    if line.get(i) != Some(&b' ') {
        return None;
    }
    stamps.remember_iso(line, zone_at, i + 1, time, offset);
    Some((time, Some(offset), &line[i + 1..]))
}

/// `journalctl -o short-full`: `Sat 2026-12-05 06:00:09 CET `. A zone
/// named `UTC`/`GMT` or written `+hh[mm]` gives the offset; a local
/// abbreviation (`CET`, `EST`) does not, so the clock is taken as the
/// reader's own, which is where journalctl prints it.
fn full(line: &[u8]) -> Option<(Option<LogTime>, Option<i32>, &[u8])> {
    const DAYS: [&[u8; 4]; 7] = [b"Mon ", b"Tue ", b"Wed ", b"Thu ", b"Fri ", b"Sat ", b"Sun "];
    let day: &[u8; 4] = line.first_chunk::<4>()?;
    if !DAYS.contains(&day) {
        return None;
    }
    let stamp = line.get(4..)?.first_chunk::<19>()?;
    if stamp[10] != b' ' || line.get(23) != Some(&b' ') {
        return None;
    }
    let time = date_time(stamp)?;
    let rest = &line[24..];
    let end = rest.iter().take(8).position(|&c| c == b' ').filter(|&e| e > 0)?;
    let offset = match &rest[..end] {
        b"UTC" | b"GMT" => Some(0),
        [sign @ (b'+' | b'-'), a, b, tail @ ..] => {
            let minutes = match tail {
                [] => 0,
                [c, d] => digits2(&[*c, *d])?,
                _ => return None,
            };
            Some(utc_offset(*sign, digits2(&[*a, *b])?, minutes)?)
        }
        zone if zone.iter().all(u8::is_ascii_alphabetic) => None,
        _ => return None,
    };
    Some((time, offset, &rest[end + 1..]))
}

/// `journalctl -o short-unix`: `1764914409.123456 `, seconds since the
/// epoch in UTC.
fn unix(line: &[u8]) -> Option<(Option<LogTime>, Option<i32>, &[u8])> {
    let secs = line.iter().take(12).take_while(|c| c.is_ascii_digit()).count();
    let frac = fraction_len(&line[secs..])?;
    if !(9..=11).contains(&secs) || !(2..=10).contains(&frac) || line.get(secs + frac) != Some(&b' ') {
        return None;
    }
    let value = line[..secs].iter().fold(0i64, |acc, &c| acc * 10 + i64::from(c - b'0'));
    Some((Some(LogTime(value)), Some(0), &line[secs + frac + 1..]))
}

/// The length of the `.123456` fraction at the start of `b`, its dot
/// included: 0 when `b` does not start with a dot, `None` for a dot
/// without digits.
#[inline]
pub(super) fn fraction_len(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&b'.') {
        return Some(0);
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    (digits > 0).then_some(1 + digits)
}

/// A stated zone `±hh:mm` as seconds east of UTC; `None` out of range.
fn utc_offset(sign: u8, hours: u8, minutes: u8) -> Option<i32> {
    if hours > 23 || minutes > 59 {
        return None;
    }
    let secs = i32::from(hours) * 3600 + i32::from(minutes) * 60;
    Some(if sign == b'-' { -secs } else { secs })
}

/// `YYYY-MM-DD?hh:mm:ss` with any separator between date and clock:
/// `None` when the digits are not there, `Some(None)` for an impossible date.
pub fn date_time(b: &[u8; 19]) -> Option<Option<LogTime>> {
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = year4(&b[..4])?;
    let month = digits2(&b[5..7])?;
    let day = digits2(&b[8..10])?;
    let (h, m, s) = clock(&b[11..])?;
    Some(LogTime::from_parts(year, month, day, h, m, s))
}

#[inline]
fn split_word(b: &[u8]) -> Option<(&[u8], &[u8])> {
    // Host names are short: a plain loop beats a memchr call here.
    let end = b.iter().position(|&c| c == b' ')?;
    (end > 0).then(|| (&b[..end], &b[end + 1..]))
}

/// Splits `prog[pid]: message` or `prog: message`. Without a recognisable tag
/// the program is empty and the message is the whole rest.
#[inline]
pub(super) fn tag(rest: &[u8]) -> (&[u8], &[u8]) {
    tag_after(rest, 0)
}

/// [`tag`] for a `rest` that starts `postfix`: the common `postfix/name[pid]: `
/// is read from masks of the 32 bytes after `postfix`, all four searches
/// at once (one after another, each waits on the one before); any other
/// form goes to [`tag_after`].
#[inline]
pub(super) fn postfix_tag(rest: &[u8]) -> (&[u8], &[u8]) {
    const PLAIN: usize = b"postfix".len();
    if let Some(w) = rest.get(PLAIN..PLAIN + 32).and_then(|w| <&[u8; 32]>::try_from(w).ok()) {
        let (stops, closes) = (mask32(w, [b'[', b':', b' ']), mask32(w, [b']']));
        let open = stops.trailing_zeros() as usize;
        if open < 31 && w[open] == b'[' {
            // The pid's `]` within 24 bytes, then `: `, all inside `w`.
            let close = open + 1 + (closes >> (open + 1)).trailing_zeros() as usize;
            if close < open + 1 + 24 && close + 2 < 32 && w[close + 1] == b':' && w[close + 2] == b' ' {
                return (&rest[..PLAIN + open], &rest[PLAIN + close + 3..]);
            }
        }
    }
    tag_after(rest, PLAIN)
}

/// [`tag`] for a `rest` whose first `plain` bytes are known to hold no
/// `[`, `:` or space, so the search for the tag's end starts after them.
#[inline]
pub(super) fn tag_after(rest: &[u8], plain: usize) -> (&[u8], &[u8]) {
    let end = position_in_set(&rest[plain..rest.len().min(128)], [b'[', b':', b' ']).map(|e| e + plain);
    match end {
        Some(e) if e > 0 && rest[e] == b'[' => {
            let after = &rest[e + 1..];
            let Some(close) = position_in_24(after, b']') else {
                return (&[], rest);
            };
            match after.get(close + 1..close + 3) {
                Some(b": ") => (&rest[..e], &after[close + 3..]),
                _ if after.len() == close + 2 && after[close + 1] == b':' => (&rest[..e], &[]),
                _ => (&[], rest),
            }
        }
        Some(e) if e > 0 && rest[e] == b':' => match rest.get(e + 1) {
            Some(b' ') => (&rest[..e], &rest[e + 2..]),
            None => (&rest[..e], &[]),
            _ => (&[], rest),
        },
        _ => (&[], rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Option<(String, String, String, String)> {
        let years = YearResolver::fixed(2026);
        parse(line.as_bytes(), &years).map(|p| {
            let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            (p.time.map(|t| t.to_string()).unwrap_or_default(), s(p.host), s(p.program), s(p.message))
        })
    }

    fn ok(t: &str, h: &str, prog: &str, msg: &str) -> Option<(String, String, String, String)> {
        Some((t.into(), h.into(), prog.into(), msg.into()))
    }

    #[test]
    fn postfix_tags_read_as_any_tag() {
        let long = format!("postfix/smtp[{}]: x", "1".repeat(30));
        for rest in [
            "postfix/smtpd[1501]: connect from x",
            "postfix/submission/smtpd[123456]: NOQUEUE: reject",
            "postfix/a/b/c/d/e/f/g/h/i/j/smtp[1]: x",
            "postfix/a/b/c/d/e/f/g/h/i/j/k/smtp[1]: x",
            "postfix/smtp[1]: ",
            "postfix/smtp[1]:",
            "postfix/smtp[1]:x and more bytes to fill the window",
            "postfix/smtp[1] x and more bytes to fill the window",
            "postfix/smtp[1]]: x and more bytes to fill the window",
            "postfix/smtp[[1]: x and more bytes to fill the window",
            "postfix/smtp: x and more bytes to fill the window up",
            "postfix/smtp x and more bytes to fill the window up",
            "postfix-out/smtp[9]: 4F2A1B3C5D: to=<a@b>, relay=none",
            "postfix[1]: x and more bytes to fill the window up to",
            "postfix",
            long.as_str(),
        ] {
            assert_eq!(postfix_tag(rest.as_bytes()), tag(rest.as_bytes()), "{rest}");
        }
    }

    #[test]
    fn journal_stamps_state_their_offset() {
        let years = YearResolver::fixed(2026);
        let offset = |line: &str| parse(line.as_bytes(), &years).map(|p| p.offset);
        assert_eq!(offset("Sat 2026-12-05 06:00:09 UTC mx postfix/smtp[1]: x"), Some(Some(0)));
        assert_eq!(offset("Sat 2026-12-05 06:00:09 GMT mx postfix/smtp[1]: x"), Some(Some(0)));
        assert_eq!(offset("Sat 2026-12-05 06:00:09 CET mx postfix/smtp[1]: x"), Some(None));
        assert_eq!(offset("Sat 2026-12-05 06:00:09 +0330 mx postfix/smtp[1]: x"), Some(Some(12_600)));
        assert_eq!(offset("Sat 2026-12-05 06:00:09 -05 mx postfix/smtp[1]: x"), Some(Some(-18_000)));
        assert_eq!(offset("1764914409.123456 mx postfix/smtp[1]: x"), Some(Some(0)));
        assert_eq!(offset("2026-12-05T06:00:09.5 mx postfix/smtp[1]: x"), Some(None));
    }

    #[test]
    fn prefixes() {
        let table = [
            (
                "Nov 23 04:58:29 mx postfix/smtp[123]: ABC: to=<a@b>",
                ok("2026-11-23T04:58:29", "mx", "postfix/smtp", "ABC: to=<a@b>"),
            ),
            (
                "Mar  7 01:02:03 mx postfix/smtpd[9]: connect from x",
                ok("2026-03-07T01:02:03", "mx", "postfix/smtpd", "connect from x"),
            ),
            (
                "Sep 7 07:14:19 mx postfix/anvil[9]: statistics",
                ok("2026-09-07T07:14:19", "mx", "postfix/anvil", "statistics"),
            ),
            ("Dec 05 06:00:09.123456 mx postfix/smtp[1]: x", ok("2026-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("Dec  5 06:00:09.5 mx postfix/smtp[1]: x", ok("2026-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("Dec 05 06:00:09. mx postfix/smtp[1]: x", None),
            ("Dec  5 2024 06:00:09 mx postfix/smtp[1]: x", ok("2024-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("Dec 05 2024 06:00:09.5 mx postfix/smtp[1]: x", ok("2024-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            (
                "2013 Jun 12 06:35:24.123 gds39d postfix/smtpd[5]: x",
                ok("2013-06-12T06:35:24", "gds39d", "postfix/smtpd", "x"),
            ),
            ("2013 Jun 12 06:35:24 mx postfix/smtpd[5]: x", ok("2013-06-12T06:35:24", "mx", "postfix/smtpd", "x")),
            ("2013 Jun 12 mx postfix/smtpd[5]: x", None),
            ("Dec  5 202 06:00:09 mx postfix/smtp[1]: x", None),
            ("Sat 2026-12-05 06:00:09 UTC mx postfix/smtp[1]: x", ok("2026-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("Sat 2026-12-05 06:00:09 CET mx postfix/smtp[1]: x", ok("2026-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("Sat 2026-12-05 06:00:09 +0330 mx exim[1]: x", ok("2026-12-05T06:00:09", "mx", "exim", "x")),
            ("Sat 2026-12-05 06:00:09 +03 mx exim[1]: x", ok("2026-12-05T06:00:09", "mx", "exim", "x")),
            ("Sat 2026-12-05 06:00:09 +3 mx exim[1]: x", None),
            ("Sat 2026-12-05T06:00:09 UTC mx exim[1]: x", None),
            ("Sun 2026-12-05 06:00:09 UTC", None),
            ("1764914409.123456 mx postfix/smtp[1]: x", ok("2025-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("1764914409 mx postfix/smtp[1]: x", None),
            ("1764914409. mx postfix/smtp[1]: x", None),
            ("12345.5 mx postfix/smtp[1]: x", None),
            ("Dec  5 06:00:09 mx mail.info postfix/smtp[1]: x", ok("2026-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("Dec  5 06:00:09 mx local7.warning exim[1]: x", ok("2026-12-05T06:00:09", "mx", "exim", "x")),
            ("Dec  5 06:00:09 mx <22> sm-mta[1]: x", ok("2026-12-05T06:00:09", "mx", "sm-mta", "x")),
            ("Dec  5 06:00:09 <mail.err> mx postfix/smtp[1]: x", ok("2026-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            ("Dec  5 06:00:09 <2.3> mx postfix/smtp[1]: x", ok("2026-12-05T06:00:09", "mx", "postfix/smtp", "x")),
            (
                "Dec  5 06:00:09 mx sendmail[1]: [ID 801593 mail.info] 4B5C6D: from=<a@b>",
                ok("2026-12-05T06:00:09", "mx", "sendmail", "4B5C6D: from=<a@b>"),
            ),
            (
                "Dec  5 06:00:09 mx sendmail[1]: [ID 801593 mail.info]x",
                ok("2026-12-05T06:00:09", "mx", "sendmail", "[ID 801593 mail.info]x"),
            ),
            (
                "Dec  5 06:00:09 mx sendmail[1]: [ID mail.info] x",
                ok("2026-12-05T06:00:09", "mx", "sendmail", "[ID mail.info] x"),
            ),
            (
                "Dec  5 06:00:09 mx sendmail[1]: [ID 8 mail.loud] x",
                ok("2026-12-05T06:00:09", "mx", "sendmail", "[ID 8 mail.loud] x"),
            ),
            // A host named like a pair stays the host; unknown names stay text.
            (
                "Dec  5 06:00:09 mail.info postfix/smtp[1]: x",
                ok("2026-12-05T06:00:09", "mail.info", "postfix/smtp", "x"),
            ),
            (
                "Dec  5 06:00:09 mx mail.loud postfix/smtp[1]: x",
                ok("2026-12-05T06:00:09", "mx", "", "mail.loud postfix/smtp[1]: x"),
            ),
            ("Dec  5 06:00:09 mx mail.info: x", ok("2026-12-05T06:00:09", "mx", "mail.info", "x")),
            ("Dec 05 06:00:09.1234567890 mx postfix/smtp[1]: x", None),
            (
                "2026-11-23T04:58:29.123456+00:00 mx postfix/submission/smtpd[1]: hi",
                ok("2026-11-23T04:58:29", "mx", "postfix/submission/smtpd", "hi"),
            ),
            (
                "2024-08-26T01:33:38Z mx postfix-out/smtp[77]: hi",
                ok("2024-08-26T01:33:38", "mx", "postfix-out/smtp", "hi"),
            ),
            ("2026-11-23T04:58:29+0100 mx postfix/smtp[7]: hi", ok("2026-11-23T04:58:29", "mx", "postfix/smtp", "hi")),
            (
                "2026-11-23T04:58:29.5-0330 mx postfix/smtp[7]: hi",
                ok("2026-11-23T04:58:29", "mx", "postfix/smtp", "hi"),
            ),
            ("2026-11-23T04:58:29+01 mx postfix/smtp[7]: hi", None),
            ("2026-11-23T04:58:29 mx postfix/smtp[7]: hi", ok("2026-11-23T04:58:29", "mx", "postfix/smtp", "hi")),
            ("2026-11-23T04:58:29.25 mx postfix/smtp[7]: hi", ok("2026-11-23T04:58:29", "mx", "postfix/smtp", "hi")),
            ("2026-11-23T04:58:29+01:0 mx postfix/smtp[7]: hi", None),
            (
                "2024-08-26T01:33:38-05:00 mx dovecot: imap-login: Login",
                ok("2024-08-26T01:33:38", "mx", "dovecot", "imap-login: Login"),
            ),
            ("<22>Nov 23 04:58:29 mx postfix/qmgr[5]: x", ok("2026-11-23T04:58:29", "mx", "postfix/qmgr", "x")),
            (
                "<22>1 2026-11-23T04:58:29.003Z mx postfix/smtp 123 - - 4F1A2: to=<a@b>",
                ok("2026-11-23T04:58:29", "mx", "postfix/smtp", "4F1A2: to=<a@b>"),
            ),
            (
                "<22>1 2026-11-23T04:58:29+01:00 mx sm-mta 9 ID47 [ex@1 a=\"x\\\"]y\"][b c=\"d\"] \u{feff}hi",
                ok("2026-11-23T04:58:29", "mx", "sm-mta", "hi"),
            ),
            ("<22>1 - - - - - -", ok("", "", "", "")),
            ("1 - mx postfix/smtp - - -", ok("", "mx", "postfix/smtp", "")),
            ("<22>1 2026-11-23T04:58:29Z mx app 1 - [unclosed", None),
            ("<22>1 2026-11-23T04:58:29Z mx app", None),
            ("Nov 23 04:58:29 mx -- MARK --", ok("2026-11-23T04:58:29", "mx", "", "-- MARK --")),
            ("Feb 30 04:58:29 mx postfix/qmgr[5]: x", ok("", "mx", "postfix/qmgr", "x")),
            ("NOQUEUE: reject: RCPT from x", None),
            ("2026-11-23 04:58:29 1tEX5b-000123-AB <= a@b", None),
            ("Nov 23 04:58", None),
            ("Nov", None),
            ("", None),
        ];
        for (line, want) in table {
            assert_eq!(p(line), want, "{line}");
        }
    }
}
