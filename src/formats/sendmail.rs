//! Sendmail messages (after `sendmail[pid]: `, `sm-mta[pid]: `,
//! `sm-msp-queue[pid]: `, or a rewritten process title such as
//! `sm-acceptingconnections[pid]: `).
//!
//! Outcomes: delivery lines `QID: to=<r>,<r2>, …, relay=host [ip],
//! dsn=X.Y.Z, [reply=…, ]stat=Sent (…)|Deferred: 421 …|User unknown`, and
//! rejections `QID: ruleset=check_rcpt, arg1=<r>, relay=host [ip],
//! reject=550 5.7.1 …`.

use super::Parsed;
use super::bytes::{find, find_field};
use super::postfix::domain_of;
use super::reply::find_reply_and_dsn;
use crate::code::EnhancedCode;
use crate::event::{Event, Stage, Status};

/// Splits a leading queue id (`6AN5glE8020943: `), 8 to 20 letters and digits.
pub fn split_queue_id(msg: &[u8]) -> (&[u8], &[u8]) {
    let n = msg.iter().take(21).take_while(|c| c.is_ascii_alphanumeric()).count();
    if (8..=20).contains(&n) && msg.get(n..n + 2) == Some(b": ") && msg[..n].iter().any(u8::is_ascii_digit) {
        (&msg[..n], &msg[n + 2..])
    } else {
        (&[], msg)
    }
}

pub fn parse(msg: &[u8]) -> Parsed<'_> {
    let (queue_id, rest) = split_queue_id(msg);
    // The queue id holds no `dsn=`, so the field is the same read on `msg`.
    let (reply, dsn) = find_reply_and_dsn(msg);
    let stat_at = find_field!(rest, b"stat=");
    let status = if find_field!(rest, b"reject=").is_some() {
        Some(Status::Rejected)
    } else {
        stat_at.map(|i| stat_status(&rest[i..], dsn.map(|d| d.class_digit())))
    };
    let mut ev = Event { status, basic: reply.basic, enhanced: dsn.or(reply.enhanced), queue_id, ..Event::default() };
    if !ev.has_code() && ev.status.is_none() {
        return auth_failure(queue_id, rest).map_or(Parsed::Line, Parsed::Event);
    }
    ev.domain = find_field!(rest, b"to=").or_else(|| find_field!(rest, b"arg1=")).map_or(&[][..], |i| {
        let v = &rest[i..];
        let end = v.iter().position(|&c| c == b',' || c == b' ').unwrap_or(v.len());
        domain_of(&v[..end])
    });
    ev.stage = stage(rest);
    // Nothing shows the peer or text of a success: most events skip them.
    if ev.succeeded() {
        return Parsed::Event(ev);
    }
    ev.remote = match (find_field!(rest, b"relay="), stat_at) {
        (Some(i), _) => relay_host(&rest[i..]),
        (None, Some(i)) => stat_host(&rest[i..]),
        (None, None) => &[],
    };
    ev.text = match (reply.start, find_field!(rest, b"reply=")) {
        (_, Some(r)) => until(&rest[r..], find!(&rest[r..], b", stat=")),
        (Some(s), None) => until(&msg[s..], find!(&msg[s..], b", ")),
        (None, None) => stat_at.map_or(&[][..], |i| &rest[i..]),
    };
    Parsed::Event(ev)
}

/// A client's failed SMTP AUTH, which Sendmail logs without the reply it
/// sent (`535 5.7.0 authentication failed`): `AUTH failure (PLAIN):
/// authentication failure (-13) SASL(-13): …, relay=host [ip]`. Counted
/// apart, as inferred, like Postfix's.
fn auth_failure<'a>(queue_id: &'a [u8], rest: &'a [u8]) -> Option<Event<'a>> {
    if !rest.starts_with(b"AUTH failure (") {
        return None;
    }
    let remote = find_field!(rest, b"relay=").map_or(&[][..], |i| relay_host(&rest[i..]));
    Some(Event::failed_auth(EnhancedCode::new(5, 7, 0), remote, rest, queue_id))
}

/// `Sent …` is sent, `Deferred…` deferred, anything else a bounce when the
/// DSN is permanent (`User unknown`, `Service unavailable`), or `queued`.
fn stat_status(stat: &[u8], dsn_class: Option<u8>) -> Status {
    if stat.starts_with(b"Sent") {
        Status::Sent
    } else if stat.starts_with(b"Deferred") {
        Status::Deferred
    } else if dsn_class == Some(5) {
        Status::Bounced
    } else if stat.starts_with(b"queued") {
        Status::Queued
    } else {
        Status::Other
    }
}

/// `relay=mx.example.net. [192.0.2.1]` → `mx.example.net`; `relay=[192.0.2.1] [192.0.2.1]` → the address.
fn relay_host(v: &[u8]) -> &[u8] {
    let end = v.iter().position(|&c| c == b' ' || c == b',').unwrap_or(v.len());
    let host = &v[..end];
    let host = host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")).unwrap_or(host);
    let host = host.strip_prefix(b"IPv6:").unwrap_or(host);
    host.strip_suffix(b".").unwrap_or(host)
}

/// The host a status names when the line has no `relay=`: `Deferred:
/// Connection timed out with HOST.`, `… Connection refused by HOST.`,
/// `… Connection reset by HOST.` Other words before `with` or `by` name
/// no peer (`local mailer (…) exited with EX_TEMPFAIL`).
fn stat_host(stat: &[u8]) -> &[u8] {
    let at = find!(stat, b"timed out with ")
        .map(|i| i + b"timed out with ".len())
        .or_else(|| find!(stat, b"refused by ").map(|i| i + b"refused by ".len()))
        .or_else(|| find!(stat, b"reset by ").map(|i| i + b"reset by ".len()));
    at.map_or(&[], |i| relay_host(&stat[i..]))
}

fn until(v: &[u8], end: Option<usize>) -> &[u8] {
    &v[..end.unwrap_or(v.len())]
}

fn stage(rest: &[u8]) -> Stage {
    match find_field!(rest, b"ruleset=").map(|i| &rest[i..]) {
        Some(r) if r.starts_with(b"check_rcpt") => Stage::Rcpt,
        Some(r) if r.starts_with(b"check_mail") => Stage::Mail,
        Some(r) if r.starts_with(b"check_relay") => Stage::Connect,
        Some(r) if r.starts_with(b"check_data") || r.starts_with(b"check_eom") => Stage::EndOfData,
        Some(_) => Stage::Header,
        None => Stage::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(msg: &str) -> Event<'_> {
        match parse(msg.as_bytes()) {
            Parsed::Event(e) => e,
            other => panic!("{other:?} for {msg}"),
        }
    }

    #[test]
    fn deliveries_and_rejects() {
        let e = ev(
            "6AN5glE8020943: to=<ok@sink.example.net>, ctladdr=<alice@example.com> (1001/1001), delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=30219, relay=[127.0.0.2] [127.0.0.2], dsn=2.0.0, stat=Sent (Ok: queued as SINK00001)",
        );
        assert_eq!(
            (e.status, e.basic, e.enhanced.map(|x| x.to_string())),
            (Some(Status::Sent), None, Some("2.0.0".into()))
        );
        // A success keeps no peer or text: nothing shows them.
        assert_eq!(
            (e.domain, e.remote, e.text, e.queue_id),
            (&b"sink.example.net"[..], &b""[..], &b""[..], &b"6AN5glE8020943"[..])
        );

        let e = ev(
            "u31FFPtp032300: to=<deferred2@example.com>, delay=1+00:00:15, xdelay=00:00:15, mailer=esmtp, pri=34527, relay=[93.184.216.34] [93.184.216.34], dsn=4.3.5, stat=Deferred: 451 4.3.5 Server configuration problem",
        );
        assert_eq!((e.status, e.basic.map(|b| b.value())), (Some(Status::Deferred), Some(451)));
        assert_eq!(e.text, b"451 4.3.5 Server configuration problem");

        let e = ev(
            "6AN5gnJD020958: to=<r550@sink.example.net>, delay=00:00:00, mailer=esmtp, pri=30219, relay=[127.0.0.2] [127.0.0.2], dsn=5.1.1, reply=550 5.1.1 <r550@sink.example.net>: Recipient address rejected: User unknown, stat=User unknown",
        );
        assert_eq!((e.status, e.basic), (Some(Status::Bounced), None));
        assert_eq!(e.text, b"550 5.1.1 <r550@sink.example.net>: Recipient address rejected: User unknown");

        let e = ev(
            "6AN5gusT021056: ruleset=check_rcpt, arg1=<someone@elsewhere.example.org>, relay=relay-attempt.example.org [127.0.0.12], reject=550 5.7.1 <someone@elsewhere.example.org>... Relaying denied. Proper authentication required.",
        );
        assert_eq!((e.status, e.basic.map(|b| b.value()), e.stage), (Some(Status::Rejected), Some(550), Stage::Rcpt));
        assert_eq!((e.domain, e.remote), (&b"elsewhere.example.org"[..], &b"relay-attempt.example.org"[..]));

        let e = ev("s1GNXHYB005133: to=<a@b.example>, delay=00:00:01, mailer=esmtp, pri=1, dsn=4.0.0, stat=queued");
        assert_eq!(e.status, Some(Status::Queued));

        // Without `relay=`, the host a deferral names.
        for (stat, host) in [
            (
                "Connection timed out with n195-example-org.mail.protection.outlook.com.",
                "n195-example-org.mail.protection.outlook.com",
            ),
            ("Connection refused by [127.0.0.7]", "127.0.0.7"),
            ("Connection reset by mx.example.net.", "mx.example.net"),
            ("Operation timed out with mx.example.net.", "mx.example.net"),
            ("local mailer (/usr/libexec/mail.local) exited with EX_TEMPFAIL", ""),
            ("Host unknown, sent by the name server", ""),
        ] {
            let line =
                format!("6AM00GUr043499: to=<a@b.example>, mailer=esmtp, pri=1, dsn=4.0.0, stat=Deferred: {stat}");
            assert_eq!(ev(&line).remote, host.as_bytes(), "{stat}");
        }
    }

    #[test]
    fn failed_auth_is_inferred() {
        let e = ev(
            "6AN5gxZT021068: AUTH failure (PLAIN): authentication failure (-13) SASL(-13): authentication failure: Password verification failed, user=smtpuser, relay=laptop.example.org [127.0.0.15]",
        );
        assert!(e.inferred);
        assert_eq!((e.basic.map(|b| b.value()), e.enhanced.map(|c| c.to_string())), (Some(535), Some("5.7.0".into())));
        assert_eq!((e.stage, e.remote, e.status), (Stage::Auth, &b"laptop.example.org"[..], None));
        // A successful AUTH is no failure.
        assert_eq!(
            parse(b"AUTH=server, relay=laptop.example.org [127.0.0.15], authid=smtpuser, mech=PLAIN, bits=0"),
            Parsed::Line
        );
    }

    #[test]
    fn lines_without_outcome() {
        for msg in [
            "u31FFPtp032300: from=<g@gmail.com>, size=5938, class=0, nrcpts=7, msgid=<x@gmail.com>, proto=ESMTP, daemon=MTA, relay=[64.233.187.27]",
            "s1GNXHYB005133: [190.5.230.178]: possible SMTP attack: command=AUTH, count=5",
            "u31FFPtp032300: Milter: no active filter",
            "starting daemon (8.17.1.9): SMTP+queueing@00:00:20",
        ] {
            assert_eq!(parse(msg.as_bytes()), Parsed::Line, "{msg}");
        }
    }
}
