//! Exim's main log and reject log: the native form
//! `2026-11-23 04:58:29[.123][ +0100] [[pid]] [message-id] …` and the same
//! messages wrapped in syslog (`host exim[123]: …`).
//!
//! Outcomes: delivery flags after the message id (`=>`, `->`, `*>` sent,
//! `==` deferred, `**` bounced), remote replies quoted in them
//! (`SMTP error from remote mail server after RCPT TO:<…>: 550 …`,
//! confirmations `C="250 …"`), and Exim's own refusals (`rejected RCPT`,
//! `temporarily rejected connection`, `rejected after DATA`,
//! `authenticator failed … 535 …`). Exim's own refusals carry no code in
//! the log; none is invented.

use super::Parsed;
use super::bytes::{find, find_iter};
use super::reply::find_reply_and_dsn;
use super::stamp::StampCache;
use super::syslog::date_time;
use crate::event::{Event, Stage, Status};
use crate::time::LogTime;

/// A native time stamp, with the optional zone and pid skipped. Returns the
/// time as written, the UTC offset in seconds when the stamp states one
/// (`log_timezone`), and the rest of the line.
pub fn native_prefix(line: &[u8]) -> Option<(Option<LogTime>, Option<i32>, &[u8])> {
    native_prefix_cached(line, &mut StampCache::default())
}

/// [`native_prefix`], remembering the last stamp in `stamps`.
#[inline(never)]
pub fn native_prefix_cached<'a>(
    line: &'a [u8],
    stamps: &mut StampCache,
) -> Option<(Option<LogTime>, Option<i32>, &'a [u8])> {
    let stamp = line.first_chunk::<19>()?;
    if line.len() < 20 || stamp[10] != b' ' {
        return None;
    }
    let time = stamps.iso(stamp, date_time)?;
    let mut i = 19;
    if line.get(i) == Some(&b'.') {
        i += 1 + line[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    if line.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    // `+0100` / `-0500` when log_timezone is set.
    let mut offset = None;
    if let Some(zone) = line.get(i..i + 5)
        && matches!(zone[0], b'+' | b'-')
        && zone[1..].iter().all(u8::is_ascii_digit)
        && line.get(i + 5) == Some(&b' ')
    {
        let d = |k: usize| i32::from(zone[k] - b'0');
        let secs = (d(1) * 10 + d(2)) * 3600 + (d(3) * 10 + d(4)) * 60;
        offset = Some(if zone[0] == b'-' { -secs } else { secs });
        i += 6;
    }
    // `[pid] ` with log_selector +pid.
    if line.get(i) == Some(&b'[')
        && let Some(close) = line[i..].iter().take(12).position(|&c| c == b']')
        && line[i + 1..i + close].iter().all(u8::is_ascii_digit)
        && line.get(i + close + 1) == Some(&b' ')
    {
        i += close + 2;
    }
    Some((time, offset, &line[i..]))
}

/// ASCII letters and digits, by table: one load per byte of an id.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    t
};

/// Splits a message id and the space after it: old `1tEX5b-000123-AB`
/// (6-6-2) or new `10HmaX-000000005vi-0000` (6-11-4).
pub fn split_message_id(msg: &[u8]) -> (&[u8], &[u8]) {
    let run = |from: usize| msg[from.min(msg.len())..].iter().take(12).take_while(|&&c| ALNUM[usize::from(c)]).count();
    let a = run(0);
    if a != 6 || msg.get(6) != Some(&b'-') {
        return (&[], msg);
    }
    let b = run(7);
    if !(6..=11).contains(&b) || msg.get(7 + b) != Some(&b'-') {
        return (&[], msg);
    }
    let c = run(8 + b);
    let end = 8 + b + c;
    if !(2..=4).contains(&c) || !matches!(msg.get(end), Some(b' ') | None) {
        return (&[], msg);
    }
    (&msg[..end], &msg[(end + 1).min(msg.len())..])
}

/// Parses one Exim message (after the stamp, or after `exim[pid]: `).
pub fn parse(msg: &[u8]) -> Parsed<'_> {
    let (id, rest) = split_message_id(msg);
    let flag = flag_status(rest);
    let status = flag.or_else(|| rejected(rest).then_some(Status::Rejected));
    let (reply, dsn) = find_reply_and_dsn(msg);
    let mut ev =
        Event { status, basic: reply.basic, enhanced: dsn.or(reply.enhanced), queue_id: id, ..Event::default() };
    if !ev.has_code() && ev.status.is_none() {
        return Parsed::Line;
    }
    ev.domain = match flag {
        Some(_) => recipient_domain(&rest[3..]),
        None => rejected_recipient_domain(rest),
    };
    // Most events are deliveries that succeeded, and nothing shows a
    // success's peer: the search for it is worth skipping.
    if !ev.succeeded() {
        ev.remote = remote(rest);
    }
    ev.text = match reply.start {
        // A callout's reply is the answer to Exim's own check of an
        // address: the words before it say which.
        Some(s) if flag.is_none() => verify_failure(&msg[..s]).map_or(&msg[s..], |v| &msg[v..]),
        Some(s) => &msg[s..],
        None if ev.status.is_some_and(Status::failed) => failure_words(rest),
        None => &[],
    };
    // As for Postfix, a delivery that succeeded answered no command that
    // needs naming; three searches a line are worth skipping for it.
    if flag != Some(Status::Sent) {
        ev.stage = stage(rest, ev.text);
    }
    Parsed::Event(ev)
}

/// The words of a failure Exim logs without a code: what follows the
/// first `: ` after the address or the refused command (`… defer (111):
/// Connection refused`, `rejected RCPT <a@b>: relay not permitted`), or
/// a refusal that gives no words but itself (`rejected VRFY <a@b>`).
/// Exim's protocol errors put the words first: `SMTP protocol
/// synchronization error (…): rejected connection from H=… input="…"`.
fn failure_words(rest: &[u8]) -> &[u8] {
    match find!(rest, b": ") {
        Some(i) if rest.starts_with(b"SMTP ") => &rest[..i],
        Some(i) => &rest[i + 2..],
        None => find!(rest, b"rejected ").map_or(&[][..], |i| &rest[i..]),
    }
}

fn flag_status(rest: &[u8]) -> Option<Status> {
    if rest.len() < 3 || rest[2] != b' ' {
        return None;
    }
    match &rest[..2] {
        b"=>" | b"->" | b"*>" => Some(Status::Sent),
        b"==" => Some(Status::Deferred),
        b"**" => Some(Status::Bounced),
        _ => None,
    }
}

/// `rejected RCPT`, `temporarily rejected connection`, `rejected after DATA` …
fn rejected(msg: &[u8]) -> bool {
    const WHAT: &[&[u8]] = &[
        b"RCPT",
        b"MAIL",
        b"after",
        b"connection",
        b"EHLO",
        b"HELO",
        b"by",
        b"VRFY",
        b"EXPN",
        b"ETRN",
        b"DATA",
        b"from",
    ];
    find_iter!(msg, b"rejected ").any(|i| {
        let next = &msg[i + 9..];
        WHAT.iter().any(|w| next.starts_with(w) && matches!(next.get(w.len()), None | Some(b' ' | b':')))
    })
}

/// Where `sender verify fail for <…>` or `recipient verify fail for <…>`
/// starts in `before`, the message before a callout's reply.
fn verify_failure(before: &[u8]) -> Option<usize> {
    let at = find!(before, b" verify fail for <")?;
    let word = before[..at].iter().rposition(|&c| c == b' ').map_or(0, |i| i + 1);
    matches!(&before[word..at], b"sender" | b"recipient").then_some(word)
}

/// The recipient after a delivery flag: `user@domain` or `user <user@domain>`,
/// with the colon of `** user@domain: retry timeout exceeded` left out.
fn recipient_domain(after_flag: &[u8]) -> &[u8] {
    let end = after_flag.iter().position(|&c| c == b' ').unwrap_or(after_flag.len());
    let first = &after_flag[..end];
    let first = first.strip_suffix(b":").unwrap_or(first);
    let next = &after_flag[end..];
    if next.starts_with(b" <")
        && let Some(close) = memchr::memchr(b'>', next)
    {
        return super::postfix::domain_of(&next[1..=close]);
    }
    super::postfix::domain_of(first)
}

/// `rejected RCPT <user@domain>: …`
fn rejected_recipient_domain(rest: &[u8]) -> &[u8] {
    let Some(i) = find!(rest, b"rejected RCPT <") else { return &[] };
    let v = &rest[i + 14..];
    let end = memchr::memchr(b'>', v).map_or(v.len(), |e| e + 1);
    super::postfix::domain_of(&v[..end])
}

/// `H=host [ip]`, `H=(helo) [ip]`, `authenticator failed for host (helo) [ip]`.
fn remote(rest: &[u8]) -> &[u8] {
    let start = match find!(rest, b"H=") {
        Some(i) if i == 0 || rest[i - 1] == b' ' => i + 2,
        _ => match find!(rest, b" failed for ") {
            Some(i) => i + 12,
            None => return &[],
        },
    };
    let v = &rest[start..];
    let end = v.iter().position(|&c| c == b' ').unwrap_or(v.len());
    let name = &v[..end];
    if !name.starts_with(b"(") && !name.starts_with(b"[") {
        // An LMTP socket has no address after it: `H=/run/dovecot/lmtp: LMTP error …`.
        return name.strip_suffix(b":").unwrap_or(name);
    }
    // Only a HELO name in parentheses, or a bare address: use the address.
    let open = if name.starts_with(b"[") { Some(0) } else { find!(v, b" [").map(|i| i + 1) };
    match open {
        Some(open) => {
            let inner = &v[open + 1..];
            &inner[..memchr::memchr(b']', inner).unwrap_or(inner.len())]
        }
        None => name,
    }
}

/// The command a reply answered: from `after RCPT TO:`, `after pipelined
/// MAIL FROM:`, `rejected RCPT`, `rejected after DATA`, whichever comes first;
/// none yet when the failure's `text` is a refused connection.
fn stage(rest: &[u8], text: &[u8]) -> Stage {
    let after = find!(rest, b" after ").map(|i| (i, i + 7));
    let rejected = find!(rest, b"rejected ").map(|i| (i, i + 9));
    let first = match (after, rejected) {
        (Some(a), Some(r)) => Some(if a.0 < r.0 { a } else { r }),
        (a, r) => a.or(r),
    };
    if let Some((_, at)) = first {
        let cmd = &rest[at..];
        let cmd = cmd.strip_prefix(b"after ").unwrap_or(cmd);
        return Stage::from_command(cmd.strip_prefix(b"pipelined ").unwrap_or(cmd));
    }
    if find!(rest, b"authenticator failed").is_some() {
        return Stage::Auth;
    }
    // `defer (111): Connection refused`: no command was sent.
    if text.starts_with(b"Connection refused") {
        return Stage::Connect;
    }
    Stage::Unknown
}

/// The reject log follows a refusal after DATA with the message's envelope
/// and headers: `Envelope-from: <…>`, `P Received: …` (a one-letter flag,
/// or a space, before each header), tab-indented continuations.
pub fn is_rejectlog_continuation(line: &[u8]) -> bool {
    if line.starts_with(b"Envelope-from: ") || line.starts_with(b"Envelope-to: ") {
        return true;
    }
    // A header holds no control bytes but tabs, while nearly every line of
    // binary junk that happens to start with a tab does.
    if let Some(rest) = line.strip_prefix(b"\t") {
        return rest.iter().all(|&c| c == b'\t' || (c >= b' ' && c != 0x7f));
    }
    match line {
        [flag, b' ', first, rest @ ..]
            if (flag.is_ascii_uppercase() || *flag == b' ' || *flag == b'*') && first.is_ascii_alphabetic() =>
        {
            let name = rest.iter().take(64).take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count();
            rest.get(name..name + 2) == Some(b": ")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
