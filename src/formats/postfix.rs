//! Postfix messages (the part after `postfix/<daemon>[pid]: `).
//!
//! Shapes that carry an SMTP outcome:
//! - delivery agents (smtp, lmtp, local, virtual, pipe, error, discard):
//!   `QID: to=<r>, relay=h[ip]:25, …, dsn=X.Y.Z, status=sent (250 2.0.0 …)`;
//! - qmgr expiry: `QID: from=<s>, status=expired, returned to sender`;
//! - smtpd / postscreen rejects: `NOQUEUE: reject: RCPT from h[ip]: 550 5.1.1 …; from=<s> to=<r> …`;
//! - cleanup header/body checks: `QID: reject: header Subject: … from h[ip]; from=<s> …: 5.7.1 text`;
//! - milters: `QID: milter-reject: END-OF-MESSAGE from h[ip]: 5.7.1 …`;
//! - remote replies without a status: `QID: host h[ip] said: 450 … (in reply to RCPT TO command)`,
//!   `host h[ip] refused to talk to me: 421 …`, `SASL authentication failed; server h[ip] said: 535 …`;
//! - smtpd SASL failures, which never log the reply: `warning: h[ip]: SASL LOGIN
//!   authentication failed: …` (Postfix always answers `535 5.7.8`; counted as inferred).
//!
//! The reply code itself is found by [`super::reply`], so a shape not listed
//! here still counts when it carries an anchored code.

use super::Parsed;
use super::bytes::{find, find_field, last_position_of, position_in_24, position_in_set, position_of, rfind};
use super::reply::{find_reply, find_reply_and_dsn, status_reply};
use crate::code::EnhancedCode;
use crate::event::{Event, Stage, Status};

/// Parses one message. `from_postfix` says the syslog tag already named a
/// Postfix program; message-only lines must then look like Postfix to count.
pub fn parse(msg: &[u8], from_postfix: bool) -> Parsed<'_> {
    let (queue_id, rest) = split_queue_id(msg);
    if is_routine(rest) {
        return Parsed::Line;
    }
    if rest.starts_with(b"to=")
        && let Some(ev) = delivery(msg, queue_id, rest)
    {
        return Parsed::Event(ev);
    }
    let rejected = (!queue_id.is_empty() && rest.starts_with(b"reject: ")) || rest.starts_with(b"milter-reject: ");
    // Postfix writes no `status=` or `dsn=` field in a reject, so such
    // words there are text the client wrote (a HELO name, an address).
    let (reply, dsn, status_at, status) = if rejected {
        (find_reply(msg), None, None, Some(Status::Rejected))
    } else {
        // The queue id holds no `dsn=`, so the field is the same read on `msg`.
        let (reply, dsn) = find_reply_and_dsn(msg);
        let status_at = find_field!(rest, b"status=");
        (reply, dsn, status_at, status_at.map(|i| Status::from_word(&rest[i..])))
    };
    let mut ev = Event { status, basic: reply.basic, enhanced: dsn.or(reply.enhanced), queue_id, ..Event::default() };
    if !ev.has_code() && ev.status.is_none() {
        if let Some(remote) = smtpd_sasl_failure(rest) {
            return Parsed::Event(Event::failed_auth(EnhancedCode::new(5, 7, 8), remote, rest, queue_id));
        }
        let known = from_postfix || !queue_id.is_empty() || looks_like_postfix(rest);
        return if known { Parsed::Line } else { Parsed::Unrecognized };
    }
    // A reject names the refused command and client before any text the
    // client or a remote server wrote, so words in that text (`host X
    // said:`, `(in reply to …)`, ` to=<…>`) cannot stand in for them.
    match reject_body(rest) {
        Some(body) => {
            ev.stage = Stage::from_command(body);
            ev.remote = reject_client(body).map_or_else(|| remote_host(rest), host_of);
            ev.domain = reject_recipient_domain(rest);
        }
        None => {
            ev.remote = remote_host(rest);
            ev.stage = stage(rest);
            ev.domain = recipient_domain(rest);
        }
    }
    ev.text = reply_text(msg, reply.start, status_at.map(|i| msg.len() - rest.len() + i));
    // A failure without a reply keeps the words that tell its reason:
    // qmgr's `status=expired, returned to sender`, and postscreen's
    // `reject: CONNECT from [ip]:port: too many connections` after the client.
    if ev.text.is_empty() && !ev.has_code() {
        if let Some(i) = status_at {
            ev.text = &rest[i - b"status=".len()..];
        } else if let Some(client) = reject_body(rest).and_then(reject_client) {
            ev.text = find!(client, b": ").map_or(&[][..], |i| &client[i + 2..]);
        }
    }
    Parsed::Event(ev)
}

/// The frequent lines that never carry an outcome: smtpd's connect,
/// disconnect and client lines, cleanup's message-id, qmgr's queue entry
/// and removal, postscreen's connection log.
fn is_routine(rest: &[u8]) -> bool {
    // Each arm tests only the starts that begin with its byte. These lines
    // name hosts and counters but never a reply, so no code can hide in them.
    let any = |starts: &[&[u8]]| starts.iter().any(|s| rest.starts_with(s));
    match rest.first() {
        Some(b'c') => any(&[b"connect from ", b"client="]),
        Some(b'd') => rest.starts_with(b"disconnect from "),
        Some(b'm') => rest.starts_with(b"message-id="),
        Some(b'r') => rest.starts_with(b"removed"),
        Some(b'u') => rest.starts_with(b"uid="),
        // qmgr's queue entry ends with its own words, which no sender
        // address can move; an expiry states a status instead.
        Some(b'f') => {
            rest.starts_with(b"from=<")
                && (rest.ends_with(b" (queue active)") || find_field!(rest, b"status=").is_none())
        }
        Some(b'C') => rest.starts_with(b"CONNECT from "),
        Some(b'P') => any(&[b"PASS OLD ", b"PASS NEW "]),
        Some(b'D') => any(&[b"DISCONNECT ", b"DNSBL rank "]),
        Some(b'A') => rest.starts_with(b"Anonymous TLS connection established "),
        Some(b'T') => rest.starts_with(b"Trusted TLS connection established "),
        Some(b'U') => rest.starts_with(b"Untrusted TLS connection established "),
        Some(b'V') => rest.starts_with(b"Verified TLS connection established "),
        Some(b'l') => rest.starts_with(b"lost connection after "),
        Some(b't') => rest.starts_with(b"timeout after "),
        Some(b's') => any(&[b"sender non-delivery notification: ", b"sender delay notification: ", b"statistics: "]),
        _ => false,
    }
}

/// A delivery agent's result, read field by field in one pass:
/// `to=<r>, [orig_to=<o>, ]relay=h[ip]:port, delay=…, delays=…, dsn=X.Y.Z, status=word (text)`.
/// `None` when the line does not follow that layout; the general path
/// then reads it.
fn delivery<'a>(msg: &'a [u8], queue_id: &'a [u8], rest: &'a [u8]) -> Option<Event<'a>> {
    let mut ev = Event { queue_id, ..Event::default() };
    let status_at = match fields_in_order(rest, &mut ev) {
        Ok(at) => at,
        Err(Some(at)) => fields_any_order(rest, at, &mut ev)?,
        Err(None) => return None,
    };
    let status = &rest[status_at..];
    ev.status = Some(Status::from_word(status));
    // `note_field` leaves the relay field's value whole: no success keeps
    // its peer, so the host is cut out of it below for the others alone.
    let relay = std::mem::take(&mut ev.remote);
    // The anchor `status=word (` is part of the reply rules, so the search
    // starts at the field name.
    let from = msg.len() - rest.len() + status_at - 7;
    let reply = position_of(status, b'(').map(|open| (open, status_reply(&msg[from..], ev.enhanced.is_none())));
    if let Some((_, r)) = &reply {
        ev.basic = r.basic;
        ev.enhanced = ev.enhanced.or(r.enhanced);
    }
    // Most deliveries succeed, and nothing shows a success's text or peer.
    if ev.succeeded() {
        return Some(ev);
    }
    ev.remote = host_of(relay);
    let Some((open, reply)) = reply else {
        return Some(ev);
    };
    let text = status[open + 1..].strip_suffix(b")").unwrap_or(&status[open + 1..]);
    ev.text = reply_text(msg, reply.start.map(|s| from + s), Some(msg.len() - rest.len() + status_at));
    // `sent` with a failing reply is no line Postfix writes; like any
    // `sent`, its text is not read for a command or a peer.
    if ev.status != Some(Status::Sent) {
        ev.stage = stage(text);
        if ev.remote.is_empty() {
            ev.remote = remote_host(text);
        }
    }
    Some(ev)
}

/// The fields before `status=` in the order Postfix writes them, each
/// name tested where it comes (one predictable branch per field, where a
/// dispatch on the name's first byte would jump somewhere new each time).
/// `Ok` holds the offset of the status word; `Err(Some(at))` the field at
/// `at` that is not where it was expected, for [`fields_any_order`] to go
/// on from; `Err(None)` a line that breaks the layout.
#[inline]
fn fields_in_order<'a>(rest: &'a [u8], ev: &mut Event<'a>) -> Result<usize, Option<usize>> {
    let mut i = 0;
    take(rest, &mut i, b"to=", Field::To, ev)?;
    take(rest, &mut i, b"orig_to=", Field::Other, ev)?;
    take(rest, &mut i, b"relay=", Field::Relay, ev)?;
    take(rest, &mut i, b"conn_use=", Field::Other, ev)?;
    take(rest, &mut i, b"delay=", Field::Other, ev)?;
    take(rest, &mut i, b"delays=", Field::Other, ev)?;
    take(rest, &mut i, b"dsn=", Field::Dsn, ev)?;
    if rest[i..].starts_with(b"status=") { Ok(i + 7) } else { Err(Some(i)) }
}

/// Reads the field `name` (`field`) when it starts `rest[*i..]`, moving
/// `*i` past its value and the `, ` after it; `Err(None)` when the line
/// breaks the layout there.
#[inline(always)]
fn take<'a>(rest: &'a [u8], i: &mut usize, name: &[u8], field: Field, ev: &mut Event<'a>) -> Result<(), Option<usize>> {
    let Some(value) = rest[*i..].strip_prefix(name) else {
        return Ok(());
    };
    let len = value_len(value).ok_or(None)?;
    if !value[len..].starts_with(b", ") {
        return Err(None);
    }
    note_field(ev, field, &value[..len]);
    *i += name.len() + len + 2;
    Ok(())
}

/// What a delivery field's value `v` tells of the event.
#[inline(always)]
fn note_field<'a>(ev: &mut Event<'a>, field: Field, v: &'a [u8]) {
    match field {
        Field::To => ev.domain = domain_of(v),
        Field::Relay if v != b"none" => ev.remote = v,
        Field::Dsn => ev.enhanced = EnhancedCode::parse(v),
        _ => {}
    }
}

/// The length of a field's value: an address in `<>` whole, else up to
/// the next comma. `None` for an address that never closes.
#[inline(always)]
fn value_len(value: &[u8]) -> Option<usize> {
    if value.first() == Some(&b'<') {
        Some(position_of(value, b'>')? + 1)
    } else {
        Some(position_of(value, b',').unwrap_or(value.len()))
    }
}

/// The fields from `rest[i..]` on, in any order, as far as `status=`
/// (the offset of its word is returned); `None` when the line does not
/// follow the layout.
fn fields_any_order<'a>(rest: &'a [u8], mut i: usize, ev: &mut Event<'a>) -> Option<usize> {
    loop {
        let field = &rest[i..];
        let (name, eq) = field_name(field)?;
        if name == Field::Status {
            return Some(i + eq + 1);
        }
        let value = &field[eq + 1..];
        let len = value_len(value)?;
        note_field(ev, name, &value[..len]);
        i += eq + 1 + len;
        if !rest[i..].starts_with(b", ") {
            return None;
        }
        i += 2;
    }
}

/// The delivery fields read; any other is skipped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    To,
    Relay,
    Dsn,
    Status,
    Other,
}

/// A delivery field's name and the offset of the `=` that ends it. The
/// names Postfix writes are matched whole (one literal comparison each,
/// chosen by the first byte); any other is looked for within 32 bytes.
#[inline]
fn field_name(field: &[u8]) -> Option<(Field, usize)> {
    let known = |name: &[u8], f: Field| field.starts_with(name).then_some((f, name.len() - 1));
    let found = match field.first() {
        Some(b't') => known(b"to=", Field::To),
        Some(b'r') => known(b"relay=", Field::Relay),
        Some(b'd') => known(b"delay=", Field::Other)
            .or_else(|| known(b"delays=", Field::Other))
            .or_else(|| known(b"dsn=", Field::Dsn)),
        Some(b's') => known(b"status=", Field::Status),
        Some(b'o') => known(b"orig_to=", Field::Other),
        Some(b'c') => known(b"conn_use=", Field::Other),
        _ => None,
    };
    // A field read above always starts with its own name, so any other
    // name is one to skip.
    found.or_else(|| Some((Field::Other, field.iter().take(32).position(|&c| c == b'=')?)))
}

/// The domain of `<local@domain>` or `local@domain`.
pub(super) fn domain_of(addr: &[u8]) -> &[u8] {
    let addr = addr.strip_prefix(b"<").unwrap_or(addr);
    let addr = addr.strip_suffix(b">").unwrap_or(addr);
    last_position_of(addr, b'@').map_or(&[], |at| &addr[at + 1..])
}

const DIGIT: u8 = 1;
const UPPER_HEX: u8 = 2;
const UPPER_NON_HEX: u8 = 4;
const LOWER: u8 = 8;
const OTHER: u8 = 16;

/// What each byte is, for queue-id checks.
static ID_CHAR: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'9' => DIGIT,
            b'A'..=b'F' => UPPER_HEX,
            b'G'..=b'Z' => UPPER_NON_HEX,
            b'a'..=b'z' => LOWER,
            _ => OTHER,
        };
        c += 1;
    }
    t
};

/// Splits a leading `QUEUEID: ` or `NOQUEUE: `. Short ids are upper-case hex;
/// long ids (`enable_long_queue_ids`) are 12 or more letters and digits with
/// both digits and upper-case letters in them.
#[inline]
pub fn split_queue_id(msg: &[u8]) -> (&[u8], &[u8]) {
    // Most lines are rejected by looking for the `: ` alone; only a
    // candidate id is classified byte by byte.
    let Some(n) = position_in_24(msg, b':') else {
        return (&[], msg);
    };
    if n < 5 || msg.get(n + 1) != Some(&b' ') {
        return (&[], msg);
    }
    let id = &msg[..n];
    // One table lookup per byte, OR-ed together: no branch per character.
    let bits = id.iter().fold(0u8, |acc, &c| acc | ID_CHAR[usize::from(c)]);
    if bits & OTHER != 0 {
        return (&[], msg);
    }
    let hex_upper = bits & (UPPER_NON_HEX | LOWER) == 0;
    let digit = bits & DIGIT != 0;
    let upper = bits & (UPPER_HEX | UPPER_NON_HEX) != 0;
    if hex_upper || (n >= 12 && digit && upper) || id == b"NOQUEUE" { (id, &msg[n + 2..]) } else { (&[], msg) }
}

/// The domain of `to=<local@domain>` (or `to=local@domain,`).
fn recipient_domain(msg: &[u8]) -> &[u8] {
    let Some(i) = find_field!(msg, b"to=") else { return &[] };
    let v = &msg[i..];
    let addr = if v.first() == Some(&b'<') {
        &v[..position_of(v, b'>').map_or(v.len(), |e| e + 1)]
    } else {
        &v[..v.iter().position(|&c| c == b',' || c == b' ').unwrap_or(v.len())]
    };
    domain_of(addr)
}

/// The remote side: the relay of a delivery, the host that answered, or the
/// client that was rejected.
fn remote_host(msg: &[u8]) -> &[u8] {
    if let Some(i) = find_field!(msg, b"relay=") {
        let v = &msg[i..];
        let v = &v[..v.iter().position(|&c| c == b',').unwrap_or(v.len())];
        if v != b"none" {
            return host_of(v);
        }
    }
    for at in [find!(msg, b"host ").map(|i| i + 5), find!(msg, b"server ").map(|i| i + 7)].into_iter().flatten() {
        let v = &msg[at..];
        if let Some(sp) = position_of(v, b' ') {
            let who = &v[sp..];
            if who.starts_with(b" said: ") || who.starts_with(b" refused to talk to me: ") {
                return host_of(&v[..sp]);
            }
        }
    }
    let peer = find!(msg, b"connect to ")
        .map(|i| i + 11)
        .or_else(|| find!(msg, b"lost connection with ").map(|i| i + 21))
        .or_else(|| find!(msg, b"conversation with ").map(|i| i + 18));
    peer.map_or(&[], |at| host_of(&msg[at..]))
}

/// What follows `reject: `, `milter-reject: ` or `reject_warning: `:
/// the refused command, then ` from ` and the client.
fn reject_body(msg: &[u8]) -> Option<&[u8]> {
    msg.strip_prefix(b"reject: ")
        .or_else(|| msg.strip_prefix(b"milter-reject: "))
        .or_else(|| msg.strip_prefix(b"reject_warning: "))
}

/// The client in a reject's `body`: `CMD from client[ip]…`.
fn reject_client(body: &[u8]) -> Option<&[u8]> {
    // smtpd and milters name the command first (`RCPT from client[ip]:
    // reply`): the client follows it, before the reply, which quotes
    // addresses the client chose.
    let word = position_of(body, b' ').unwrap_or(body.len());
    if word > 0 && body[..word].iter().all(|&c| c.is_ascii_uppercase() || c == b'-') {
        return body[word..].strip_prefix(b" from ");
    }
    // Header and body checks quote attacker text first; the client follows
    // the last ` from ` before `; from=`.
    let limit = find!(body, b"; from=").unwrap_or(body.len());
    rfind!(&body[..limit], b" from ").map(|i| &body[i + 6..])
}

/// The recipient domain of a reject: its `to=<…>` field, which Postfix
/// writes after the reply (`…; from=<s> to=<r> proto=ESMTP helo=<h>`).
/// The reply and the addresses may quote a ` to=<` of the client's, so
/// the field is looked for after `; from=<`, and the address ends where
/// ` proto=` follows.
fn reject_recipient_domain(rest: &[u8]) -> &[u8] {
    let trailer = &rest[find!(rest, b"; from=<").unwrap_or(0)..];
    let Some(i) = find_field!(trailer, b"to=<") else { return &[] };
    let v = &trailer[i..];
    let end =
        find!(v, b"> proto=").or_else(|| find!(v, b">, proto=")).or_else(|| position_of(v, b'>')).unwrap_or(v.len());
    domain_of(&v[..end])
}

/// `host[ip]:port` → `host`, but `unknown[ip]` and `[ip]` → `ip`.
fn host_of(v: &[u8]) -> &[u8] {
    let end = position_in_set(v, [b' ', b',', b';', b':', b'[']).unwrap_or(v.len());
    let name = &v[..end];
    if (name.is_empty() || name == b"unknown") && v.get(end) == Some(&b'[') {
        let inner = &v[end + 1..];
        return &inner[..position_of(inner, b']').unwrap_or(inner.len())];
    }
    name
}

fn stage(msg: &[u8]) -> Stage {
    // The last `(in reply to `, found from the `(`s back to front: most
    // texts end with it, so the first `(` tried is the one.
    if let Some(i) = memchr::memrchr_iter(b'(', msg).find(|&i| msg[i..].starts_with(b"(in reply to ")) {
        return Stage::from_command(&msg[i + 13..]);
    }
    if find!(msg, b"refused to talk to me").is_some() || find!(msg, b"initial server greeting").is_some() {
        return Stage::Connect;
    }
    if let Some(i) = find!(msg, b" while sending ") {
        return Stage::from_command(&msg[i + 15..]);
    }
    if find!(msg, b"SASL authentication failed").is_some() {
        return Stage::Auth;
    }
    if find!(msg, b"connect to ").is_some() {
        return Stage::Connect;
    }
    Stage::Unknown
}

/// The reply text: from its code to the end of the reply, without Postfix's
/// trailers (`(in reply to …)`, `; from=<…> to=<…>`, the status parenthesis).
/// Without a code, the status parenthesis is the text.
fn reply_text(msg: &[u8], start: Option<usize>, status_value: Option<usize>) -> &[u8] {
    let start = match (start, status_value) {
        (Some(s), _) => s,
        (None, Some(v)) => match position_of(&msg[v..], b'(') {
            Some(p) => v + p + 1,
            None => return &[],
        },
        (None, None) => return &[],
    };
    let tail = &msg[start..];
    let mut end = tail.len();
    if status_value.is_some() && tail.ends_with(b")") {
        end -= 1;
    }
    // The text ends where the first trailer starts. A reply holds few `(`
    // and `;`, so testing each for a trailer is one scan of the text where
    // a search for each trailer would be two.
    let text = &tail[..end];
    let Some(mut at) = position_in_set(text, [b'(', b';']) else {
        return text;
    };
    loop {
        let rest = &text[at..];
        if is_reject_trailer(rest) {
            return &text[..at];
        }
        if at > 0 && text[at - 1] == b' ' && rest.starts_with(b"(in reply to ") {
            return &text[..at - 1];
        }
        match position_in_set(&rest[1..], [b'(', b';']) {
            Some(p) => at += 1 + p,
            None => return text,
        }
    }
}

/// Whether `rest` starts smtpd's reject trailer `; from=<s> to=<r>
/// proto=P helo=<h>`, where each field is there only when smtpd knew it:
/// a reject before `MAIL FROM` starts at `proto=` or `helo=`.
fn is_reject_trailer(rest: &[u8]) -> bool {
    [&b"; from=<"[..], b"; to=<", b"; proto=", b"; helo=<"].iter().any(|t| rest.starts_with(t))
}

/// `warning: host[ip]: SASL LOGIN authentication failed: …` from smtpd.
fn smtpd_sasl_failure(msg: &[u8]) -> Option<&[u8]> {
    let rest = msg.strip_prefix(b"warning: ")?;
    let i = find!(rest, b": SASL ")?;
    let after = &rest[i + 7..];
    let mech_end = position_of(after, b' ')?;
    after[mech_end..].starts_with(b" authentication failed").then(|| host_of(&rest[..i]))
}

/// Message starts that only Postfix writes, for lines without a syslog tag.
fn looks_like_postfix(msg: &[u8]) -> bool {
    const STARTS: &[&[u8]] = &[
        b"connect from ",
        b"disconnect from ",
        b"lost connection ",
        b"timeout after ",
        b"warning: ",
        b"statistics: ",
        b"CONNECT from ",
        b"DISCONNECT ",
        b"PASS NEW ",
        b"PASS OLD ",
        b"DNSBL rank ",
        b"HANGUP ",
        b"PREGREET ",
        b"COMMAND ",
        b"NON-SMTP COMMAND",
        b"BARE NEWLINE",
        b"WHITELISTED ",
        b"WHITELIST VETO ",
        b"ALLOWLISTED ",
        b"ALLOWLIST VETO ",
        b"BLACKLISTED ",
        b"DENYLISTED ",
        b"Anonymous TLS connection",
        b"Trusted TLS connection",
        b"Untrusted TLS connection",
        b"Verified TLS connection",
        b"connect to ",
        b"SSL_accept error",
        b"SSL_connect error",
        b"proxy-accept: ",
        b"proxy-reject: ",
        b"daemon started",
        b"reload -- ",
        b"terminating on signal",
        b"fatal: ",
        b"panic: ",
        b"error: ",
        b"addr ",
        b"cache ",
        b"improper command pipelining",
        b"bare <LF> received",
        b"certificate verification failed",
        b"too many errors after",
        b"discarding EHLO keywords",
        b"Deleted: ",
        b"Requeued: ",
        b"Placed on hold: ",
        b"Released from hold: ",
        b"SASL authentication failed",
        b"host ",
        b"enabling PIX workarounds",
        b"dnsblog_query",
        b"refreshing the Postfix mail system",
        b"stopping the Postfix mail system",
        b"starting the Postfix mail system",
    ];
    STARTS.iter().any(|s| msg.starts_with(s))
}

#[cfg(test)]
mod tests;
