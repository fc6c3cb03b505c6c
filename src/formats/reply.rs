//! Finds the SMTP reply a log message carries, by the anchoring rules every
//! MTA parser shares: a basic code counts only right after `: `,
//! `status=<word> (`, `stat=<word> (`, `reject=` or `C="`, and only when a
//! reply-like delimiter follows it. Continuation codes inside a flattened
//! multi-line reply (`550-5.7.1 … 550 5.7.1 …`) are never anchored, so one
//! reply counts once.

use super::bytes::find_iter;

use crate::bytemask::Positions;
use crate::code::{BasicCode, EnhancedCode};

/// The first reply found in a message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub basic: Option<BasicCode>,
    /// The first enhanced code that follows a basic code, or that stands
    /// alone right after `: ` (Postfix cleanup and milter rejects).
    pub enhanced: Option<EnhancedCode>,
    /// Offset in the message where the reply (its first code) starts.
    pub start: Option<usize>,
}

/// Scans `msg` once, left to right, for anchored codes.
pub fn find_reply(msg: &[u8]) -> Reply {
    scan(msg, false).0
}

/// [`find_reply`] and [`dsn_field`] together: the `dsn=` field is noticed
/// on the way past each `=`, so most lines need no second search.
pub fn find_reply_and_dsn(msg: &[u8]) -> (Reply, Option<EnhancedCode>) {
    scan(msg, true)
}

fn scan(msg: &[u8], want_dsn: bool) -> (Reply, Option<EnhancedCode>) {
    let mut reply = Reply::default();
    let mut enhanced_at = usize::MAX;
    // `Some` once the first `dsn=` field has been passed.
    let mut dsn = None;
    // Where the scan stopped early, having found both codes.
    let mut stopped = None;
    for i in Positions::new(msg, [b':', b'=']) {
        if want_dsn && dsn.is_none() && msg[i] == b'=' && ends_dsn_name(msg, i) {
            dsn = Some(EnhancedCode::parse_prefix(&msg[i + 1..]).map(|(e, _)| e));
        }
        let Some(p) = anchor_end(msg, i) else { continue };
        let rest = &msg[p..];
        if let Some((basic, len)) = basic_at(rest) {
            if reply.basic.is_none() {
                reply.basic = Some(basic);
                reply.start = Some(reply.start.map_or(p, |s| s.min(p)));
            }
            if p < enhanced_at
                && let Some(e) = enhanced_after(rest, len)
            {
                reply.enhanced = Some(e);
                enhanced_at = p;
            }
            if reply.enhanced.is_some() {
                stopped = Some(i);
                break;
            }
        } else if msg[i] == b':' && p < enhanced_at {
            // Case (c): an enhanced code alone after `: `.
            if let Some((e, _)) = EnhancedCode::parse_prefix(rest) {
                reply.enhanced = Some(e);
                enhanced_at = p;
                reply.start = Some(reply.start.map_or(p, |s| s.min(p)));
                if reply.basic.is_some() {
                    stopped = Some(i);
                    break;
                }
            }
        }
    }
    // A scan that stopped early has seen every `=` up to where it stopped,
    // so only the rest is searched.
    let dsn = match (dsn, stopped) {
        (Some(d), _) => d,
        (None, Some(at)) if want_dsn => dsn_field_from(msg, at + 1),
        (None, _) => None,
    };
    (reply, dsn)
}

/// Whether the `=` at `i` ends a `dsn` field name (at the start, or after a
/// space or comma), as [`dsn_field`] reads it.
fn ends_dsn_name(msg: &[u8], i: usize) -> bool {
    i >= 3 && &msg[i - 3..i] == b"dsn" && (i == 3 || matches!(msg[i - 4], b' ' | b','))
}

/// [`find_reply`] for a message that starts `status=<word> (` (Postfix
/// delivery results). A basic code at that first anchor is the reply's
/// start and its basic code; with an enhanced code after it, or when the
/// caller has one already (`need_enhanced` false: the `dsn=` field), that
/// is the whole answer and no scan is needed. Then only `enhanced` may
/// differ from the general scan's (`None` when the caller has one, or
/// where the scan might find one later); anything else takes the general
/// path.
pub fn status_reply(msg: &[u8], need_enhanced: bool) -> Reply {
    if let Some(p) = msg.strip_prefix(b"status=").and_then(after_status_word).map(|o| 7 + o)
        && let Some((basic, len)) = basic_at(&msg[p..])
    {
        let enhanced = if need_enhanced { enhanced_after(&msg[p..], len) } else { None };
        if enhanced.is_some() || !need_enhanced {
            return Reply { basic: Some(basic), enhanced, start: Some(p) };
        }
    }
    find_reply(msg)
}

/// Case (a): the enhanced code right after a basic code of `len` bytes at
/// the start of `reply` and one space or `-` (`550 5.1.1`, `450-4.2.1`).
fn enhanced_after(reply: &[u8], len: usize) -> Option<EnhancedCode> {
    if !matches!(reply.get(len), Some(b' ' | b'-')) {
        return None;
    }
    EnhancedCode::parse_prefix(&reply[len + 1..]).map(|(e, _)| e)
}

/// The value of the `dsn=` field, as Postfix and Sendmail write it.
pub fn dsn_field(msg: &[u8]) -> Option<EnhancedCode> {
    dsn_field_from(msg, 0)
}

/// [`dsn_field`] for a field that starts at `from` or later.
fn dsn_field_from(msg: &[u8], from: usize) -> Option<EnhancedCode> {
    for i in find_iter!(&msg[from..], b"dsn=").map(|i| from + i) {
        if i == 0 || matches!(msg[i - 1], b' ' | b',') {
            return EnhancedCode::parse_prefix(&msg[i + 4..]).map(|(e, _)| e);
        }
    }
    None
}

/// Given the index of a `:` or `=`, the offset where an anchored code would
/// start, if that byte ends one of the anchors.
fn anchor_end(msg: &[u8], i: usize) -> Option<usize> {
    let before = &msg[..i];
    let after = &msg[i + 1..];
    if msg[i] == b':' {
        return (after.first() == Some(&b' ')).then_some(i + 2);
    }
    // Most `=` end field names that are no anchor (`H=`, `size=`): the
    // byte before tells them apart at once.
    match before.last() {
        Some(b't') if before.ends_with(b"reject") => Some(i + 1),
        Some(b'C') => (after.first() == Some(&b'"')).then_some(i + 2),
        Some(b's' | b't') if before.ends_with(b"status") || before.ends_with(b"stat") => {
            after_status_word(after).map(|o| i + 1 + o)
        }
        _ => None,
    }
}

/// In the value of a `status=` or `stat=` field, `<word> (`, the offset
/// after the parenthesis, where a reply may start; the word runs to the
/// first space.
fn after_status_word(value: &[u8]) -> Option<usize> {
    let word = value.iter().position(|&c| c == b' ')?;
    (word > 0 && value.get(word + 1) == Some(&b'(')).then_some(word + 2)
}

/// A basic code at the start of `b`, if a reply-like delimiter follows it.
fn basic_at(b: &[u8]) -> Option<(BasicCode, usize)> {
    let code = BasicCode::from_digits(b.get(..3)?)?;
    let ok = match b.get(3) {
        None | Some(b' ' | b'"' | b')' | b',' | b';') => true,
        // A `-` is the multi-line marker unless a digit follows, which is
        // only allowed when it starts an enhanced code (`450-4.2.1`).
        Some(b'-') => match b.get(4) {
            Some(c) if c.is_ascii_digit() => EnhancedCode::parse_prefix(&b[4..]).is_some(),
            _ => true,
        },
        _ => false,
    };
    ok.then_some((code, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_and_dsn_agree_with_the_two_searches() {
        for msg in [
            "to=<a@b>, relay=x[1.2.3.4]:25, dsn=5.1.1, status=bounced (host x said: 550 5.1.1 no (in reply to RCPT TO command))",
            "dsn=4.4.1, status=deferred (connect to x: Connection timed out)",
            "reject: RCPT from x[1.2.3.4]: 554 5.7.1 <a@b>: Relay access denied; from=<c@d> to=<a@b> proto=ESMTP",
            "550 5.1.1 said first; then dsn=5.1.2",
            "host x said: 550 5.1.1 no; dsn=5.1.2",
            "host x said: 550 5.1.1 no,dsn=4.0.0 dsn=5.1.2",
            "xdsn=5.1.1 notdsn=4.1.1, dsn=2.0.0",
            "dsn=junk, dsn=5.1.1",
            "=> a@b R=r T=t H=h [1.2.3.4] C=\"250 2.0.0 OK id=1abc\"",
            "<= a@b H=h [2001:db8::1] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 S=100",
            "dsn=",
            "",
        ] {
            let m = msg.as_bytes();
            assert_eq!(find_reply_and_dsn(m), (find_reply(m), dsn_field(m)), "{msg}");
        }
    }

    #[test]
    fn status_reply_agrees_with_the_general_scan() {
        for msg in [
            "status=sent (250 2.0.0 Ok: queued as 4Xyz)",
            "status=sent (250 Ok: 2.0.0 queued)",
            "status=sent (250 OK id=1xUuzx-0008Oh-Kh)",
            "status=sent (delivered to maildir)",
            "status=bounced (host x[1.2.3.4] said: 550 5.1.1 unknown (in reply to RCPT TO command))",
            "status=deferred (connect to x[1.2.3.4]:25: Connection timed out)",
            "status=sent (250-2.0.0 Ok)",
            "status=sent (2500 2.0.0 Ok)",
            "status=sent (250 2.0.0.1 Ok)",
            "status=sent(250 2.0.0 Ok)",
            "status= (250 2.0.0 Ok)",
            "status=sent (250 2.0.0",
            "status=sent (250",
            "status=sent",
            "status=",
            "reject=550 5.7.1 x",
        ] {
            let (general, m) = (find_reply(msg.as_bytes()), msg.as_bytes());
            assert_eq!(status_reply(m, true), general, "{msg}");
            let known = status_reply(m, false);
            assert_eq!((known.basic, known.start), (general.basic, general.start), "{msg}");
            assert!(known.enhanced.is_none() || known.enhanced == general.enhanced, "{msg}");
        }
    }

    fn show(msg: &str) -> (Option<u16>, Option<String>) {
        let r = find_reply(msg.as_bytes());
        (r.basic.map(|b| b.value()), r.enhanced.map(|e| e.to_string()))
    }

    #[test]
    fn anchors_and_delimiters() {
        let table: &[(&str, Option<u16>, Option<&str>)] = &[
            ("host x[1.2.3.4] said: 550 5.1.1 <a@b>: unknown (in reply to RCPT TO command)", Some(550), Some("5.1.1")),
            ("to=<a@b>, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 1)", Some(250), Some("2.0.0")),
            ("to=<a@b>, dsn=2.0.0, status=sent (delivered to mailbox)", None, None),
            ("said: 550-5.7.1 first 550-5.7.1 second 550 5.7.1 last", Some(550), Some("5.7.1")),
            ("said: 421-4.7.0 [1.2.3.4      15] Our system", Some(421), Some("4.7.0")),
            ("helo=<x>: 5.7.1 Message content rejected", None, Some("5.7.1")),
            ("stat=Deferred: 421 4.7.0 Try later", Some(421), Some("4.7.0")),
            ("relay=x, reject=550 5.7.1 <a@b>... Relaying denied", Some(550), Some("5.7.1")),
            ("C=\"250 OK id=1\"", Some(250), None),
            ("from 211-75-6-133.hinet.net: 211-75-6-133.hinet.net", None, None),
            ("x: 9999 nope", None, None),
            ("x: 5500 nope", None, None),
            ("x: 550", Some(550), None),
            ("x: 499 4.1234.343 bad", Some(499), None),
            ("x: 599 5.12.3 edge", Some(599), Some("5.12.3")),
            ("x:550 no space", None, None),
            ("x: 650 out of range", None, None),
            ("status=SOFTBOUNCE (host h said: 550 5.1.1 x)", Some(550), Some("5.1.1")),
        ];
        for (msg, basic, enh) in table {
            let (b, e) = show(msg);
            assert_eq!((b, e.as_deref()), (*basic, *enh), "{msg}");
        }
    }

    #[test]
    fn first_reply_wins() {
        let msg = "proxy-accept: END-OF-MESSAGE: 250 2.0.0 from MTA(smtp:[127.0.0.1]:10013): 250 2.1.0 Ok";
        assert_eq!(show(msg), (Some(250), Some("2.0.0".into())));
        assert_eq!(find_reply(msg.as_bytes()).start, Some(30));
    }

    #[test]
    fn dsn() {
        let m = b"to=<a@b>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to x: Connection refused)";
        assert_eq!(dsn_field(m).unwrap().to_string(), "4.4.1");
        assert_eq!(dsn_field(b"xdsn=5.1.1"), None);
        assert_eq!(dsn_field(b"dsn=5.1"), None);
    }
}
