use super::*;

/// (message, status, basic, enhanced, domain, remote, stage, text)
type Row = (
    &'static str,
    Option<&'static str>,
    Option<u16>,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn check(rows: &[Row]) {
    for &(msg, status, basic, enhanced, domain, remote, stage, text) in rows {
        let Parsed::Event(ev) = parse(msg.as_bytes(), true) else {
            panic!("no event for {msg}");
        };
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        assert_eq!(ev.status.map(Status::name), status, "status: {msg}");
        assert_eq!(ev.basic.map(|b| b.value()), basic, "basic: {msg}");
        assert_eq!(ev.enhanced.map(|e| e.to_string()).as_deref(), enhanced, "enhanced: {msg}");
        assert_eq!(s(ev.domain), domain, "domain: {msg}");
        assert_eq!(s(ev.remote), remote, "remote: {msg}");
        assert_eq!(ev.stage.name(), stage, "stage: {msg}");
        assert_eq!(s(ev.text), text, "text: {msg}");
        assert!(!ev.inferred);
    }
}

#[test]
fn deliveries() {
    check(&[
        (
            "7EE668039: to=<admin@Example.com>, relay=127.0.0.1[127.0.0.1]:2525, delay=3.6, delays=0.2/0.02/0.04/3.3, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 153053D)",
            Some("sent"),
            Some(250),
            Some("2.0.0"),
            "Example.com",
            // A success keeps no peer or text: nothing shows them.
            "",
            "unknown",
            "",
        ),
        (
            "4E74613FE76: to=<redacted@gmail.com>, relay=gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, dsn=5.7.1, status=bounced (host gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] said: 550-5.7.1 [2607:4100:3:25:1] Our system has detected 550-5.7.1 more text 550 5.7.1 https://support.google.com/mail/?p=UnsolicitedMessageError x8si1 - gsmtp (in reply to end of DATA command))",
            Some("bounced"),
            Some(550),
            Some("5.7.1"),
            "gmail.com",
            "gmail-smtp-in.l.google.com",
            "end of DATA",
            "550-5.7.1 [2607:4100:3:25:1] Our system has detected 550-5.7.1 more text 550 5.7.1 https://support.google.com/mail/?p=UnsolicitedMessageError x8si1 - gsmtp",
        ),
        (
            "A0E85200BD: to=<u@lists.example.org>, relay=open.example.nl[10.49.140.10]:25, delay=2.3, delays=0.25/0.05/2/0.04, dsn=4.2.0, status=deferred (host open.example.nl[10.49.140.10] said: 450 4.2.0 <u@lists.example.org>: Recipient address rejected: Greylisted (in reply to RCPT TO command))",
            Some("deferred"),
            Some(450),
            Some("4.2.0"),
            "lists.example.org",
            "open.example.nl",
            "RCPT TO",
            "450 4.2.0 <u@lists.example.org>: Recipient address rejected: Greylisted",
        ),
        (
            "2DC5552A34: to=<user@yahoo.com>, relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, status=deferred (delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO)",
            Some("deferred"),
            None,
            Some("4.4.2"),
            "yahoo.com",
            "mta7.am0.yahoodns.net",
            "RCPT TO",
            "delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO",
        ),
        (
            "5D2F03A1B2: to=<user@refused.example.net>, relay=none, delay=12, delays=0.1/0/12/0, dsn=4.4.1, status=deferred (connect to 127.0.0.7[127.0.0.7]:2525: Connection refused)",
            Some("deferred"),
            None,
            Some("4.4.1"),
            "refused.example.net",
            "127.0.0.7",
            "connect",
            "connect to 127.0.0.7[127.0.0.7]:2525: Connection refused",
        ),
        (
            "892A0205B6: to=ghdsgfhdslfh@localhost, relay=local, delay=0.05, delays=0.02/0/0/0.02, dsn=5.1.1, status=bounced (unknown user: \"ghdsgfhdslfh\")",
            Some("bounced"),
            None,
            Some("5.1.1"),
            "localhost",
            "local",
            "unknown",
            "unknown user: \"ghdsgfhdslfh\"",
        ),
        (
            "3E29030F8637E: to=<user@yahoo.com>, relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.1.1, status=undeliverable-but-not-cached (User unknown in virtual alias table)",
            Some("undeliverable"),
            None,
            Some("5.1.1"),
            "yahoo.com",
            "",
            "unknown",
            "User unknown in virtual alias table",
        ),
        (
            "4XyZ1b2c3d4e5F6: to=<bob@example.com>, relay=mx.example.com[192.0.2.7]:25, delay=1, delays=0/0/0/1, dsn=4.1.1, status=SOFTBOUNCE (host mx.example.com[192.0.2.7] said: 550 5.1.1 <bob@example.com>: User unknown (in reply to RCPT TO command))",
            Some("softbounce"),
            Some(550),
            Some("4.1.1"),
            "example.com",
            "mx.example.com",
            "RCPT TO",
            "550 5.1.1 <bob@example.com>: User unknown",
        ),
        (
            "585BC3F: from=<>, status=expired, returned to sender",
            Some("expired"),
            None,
            None,
            "",
            "",
            "unknown",
            "status=expired, returned to sender",
        ),
    ]);
}

#[test]
fn rejects() {
    check(&[
        (
            "NOQUEUE: reject: RCPT from unknown[2001:980:cfb1:1:82f:f74e:a45c:3033]: 504 5.5.2 <aap@henk>: Sender address rejected: need fully-qualified address; from=<aap@henk> to=<user@example.com> proto=SMTP helo=<test>",
            Some("rejected"),
            Some(504),
            Some("5.5.2"),
            "example.com",
            "2001:980:cfb1:1:82f:f74e:a45c:3033",
            "RCPT TO",
            "504 5.5.2 <aap@henk>: Sender address rejected: need fully-qualified address",
        ),
        (
            "NOQUEUE: reject: RCPT from [27.157.200.233]:4984: 550 5.7.1 Service unavailable; client [27.157.200.233] blocked using zen.spamhaus.org; from=<h@qhhn.com>, to=<x@example.com>, proto=ESMTP, helo=<qhhn.com>",
            Some("rejected"),
            Some(550),
            Some("5.7.1"),
            "example.com",
            "27.157.200.233",
            "RCPT TO",
            "550 5.7.1 Service unavailable; client [27.157.200.233] blocked using zen.spamhaus.org",
        ),
        (
            "NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 552 5.3.4 Message size exceeds fixed limit; from=<alice@example.com> proto=ESMTP helo=<client.example.org>",
            Some("rejected"),
            Some(552),
            Some("5.3.4"),
            "",
            "localhost",
            "MAIL FROM",
            "552 5.3.4 Message size exceeds fixed limit",
        ),
        (
            // No sender yet: the trailer starts at `proto=`, and the HELO
            // name the client chose is no part of the reply.
            "NOQUEUE: reject: DATA from unknown[198.51.100.7]: 503 5.5.1 Error: need RCPT command; proto=ESMTP helo=<spam.example>",
            Some("rejected"),
            Some(503),
            Some("5.5.1"),
            "",
            "198.51.100.7",
            "DATA",
            "503 5.5.1 Error: need RCPT command",
        ),
        (
            "NOQUEUE: reject: CONNECT from unknown[198.51.100.7]: 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied; helo=<virus.example>",
            Some("rejected"),
            Some(554),
            Some("5.7.1"),
            "",
            "198.51.100.7",
            "connect",
            "554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied",
        ),
        (
            "4104E3D: milter-reject: END-OF-MESSAGE from 061238241086.static.ctinets.com[61.238.241.86]: 5.7.1 Blocked by SpamAssassin; from=<w@cchfdc.com> to=<v@example.com> proto=ESMTP helo=<ecsolved.com>",
            Some("rejected"),
            None,
            Some("5.7.1"),
            "example.com",
            "061238241086.static.ctinets.com",
            "end of DATA",
            "5.7.1 Blocked by SpamAssassin",
        ),
        (
            "NOQUEUE: milter-reject: RCPT from mailrelay.example.com[8.8.8.8]: 451 4.7.1 Greylisting in action, please come back later; from=<s@example.com> to=<e@example.org> proto=ESMTP helo=<mailrelay.example.com>",
            Some("rejected"),
            Some(451),
            Some("4.7.1"),
            "example.org",
            "mailrelay.example.com",
            "RCPT TO",
            "451 4.7.1 Greylisting in action, please come back later",
        ),
        (
            "5B3C1A: reject: header Subject: S13 XXX-SPAM-TEST from me from mail.example.org[127.0.0.11]; from=<carol@example.org> to=<alice@example.com> proto=ESMTP helo=<mail.example.org>: 5.7.1 Message content rejected",
            Some("rejected"),
            None,
            Some("5.7.1"),
            "example.com",
            "mail.example.org",
            "header check",
            "5.7.1 Message content rejected",
        ),
        (
            "NOQUEUE: reject_warning: RCPT from example.com[93.184.216.34]: 553 5.7.1 <s@example.com>: Sender address rejected: not owned by user ph123; from=<s@example.com> to=<r@example.com> proto=ESMTP helo=<example.com>",
            None,
            Some(553),
            Some("5.7.1"),
            "example.com",
            "example.com",
            "RCPT TO",
            "553 5.7.1 <s@example.com>: Sender address rejected: not owned by user ph123",
        ),
        (
            // A client's HELO name may read like fields a reject never has.
            "NOQUEUE: reject: RCPT from x.example[192.0.2.8]: 550 5.7.1 <u@example.com>: Relay access denied; from=<s@example.org> to=<u@example.com> proto=ESMTP helo=<a dsn=2.0.0 status=sent>",
            Some("rejected"),
            Some(550),
            Some("5.7.1"),
            "example.com",
            "x.example",
            "RCPT TO",
            "550 5.7.1 <u@example.com>: Relay access denied",
        ),
        (
            // The text quotes a verification probe's answer: the client and
            // the command are still the reject's own.
            "NOQUEUE: reject: RCPT from client.example.net[192.0.2.7]: 450 4.1.1 <u@example.com>: Recipient address rejected: unverified address: host mx.example.com[198.51.100.2] said: 550 5.1.1 no such user (in reply to MAIL FROM command); from=<s@example.org> to=<u@example.com> proto=ESMTP helo=<client.example.net>",
            Some("rejected"),
            Some(450),
            Some("4.1.1"),
            "example.com",
            "client.example.net",
            "RCPT TO",
            "450 4.1.1 <u@example.com>: Recipient address rejected: unverified address: host mx.example.com[198.51.100.2] said: 550 5.1.1 no such user",
        ),
        (
            // A quoted local part that reads like Postfix's own fields: the
            // recipient and client are still those of the reject.
            r#"NOQUEUE: reject: RCPT from good.example[192.0.2.9]: 550 5.1.1 <"x to=<a@evil.example> from evil[6.6.6.6]"@good.example>: Recipient address rejected: User unknown; from=<s@example.org> to=<"x to=<a@evil.example> from evil[6.6.6.6]"@good.example> proto=ESMTP helo=<h.example>"#,
            Some("rejected"),
            Some(550),
            Some("5.1.1"),
            "good.example",
            "good.example",
            "RCPT TO",
            r#"550 5.1.1 <"x to=<a@evil.example> from evil[6.6.6.6]"@good.example>: Recipient address rejected: User unknown"#,
        ),
        (
            // The same from a milter, without the queue.
            "NOQUEUE: milter-reject: RCPT from mx.example.net[192.0.2.10]: 550 5.7.1 no <b from c[1.1.1.1]> to=<d@evil.example>; from=<s@example.org> to=<r@dest.example> proto=ESMTP helo=<mx.example.net>",
            Some("rejected"),
            Some(550),
            Some("5.7.1"),
            "dest.example",
            "mx.example.net",
            "RCPT TO",
            "550 5.7.1 no <b from c[1.1.1.1]> to=<d@evil.example>",
        ),
    ]);
}

#[test]
fn replies_without_status() {
    check(&[
        (
            "ED59C3D: host mail2.example.com[1.74.253.23] said: 450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted for 5 minutes (in reply to RCPT TO command)",
            None,
            Some(450),
            Some("4.7.1"),
            "",
            "mail2.example.com",
            "RCPT TO",
            "450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted for 5 minutes",
        ),
        (
            "40197AA: host mg2.egov.bg[213.91.191.86] refused to talk to me: 450 4.3.2 try again later",
            None,
            Some(450),
            Some("4.3.2"),
            "",
            "mg2.egov.bg",
            "connect",
            "450 4.3.2 try again later",
        ),
        (
            "D0F29603B4: SASL authentication failed; server xyz.example.com[1.2.3.4] said: 535 5.7.8 Error: authentication failed: authentication failure",
            None,
            Some(535),
            Some("5.7.8"),
            "",
            "xyz.example.com",
            "AUTH",
            "535 5.7.8 Error: authentication failed: authentication failure",
        ),
        (
            "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, contact postmaster@example.com, id=31619-02 - spam; from=<> to=<user2@example2.com> proto=SMTP helo=<17.33.12.53>",
            None,
            Some(554),
            Some("5.7.0"),
            "example2.com",
            "",
            "unknown",
            "554 5.7.0 Reject, contact postmaster@example.com, id=31619-02 - spam",
        ),
    ]);
}

#[test]
fn sasl_failures_are_inferred() {
    let msg = b"warning: ec2-3-84-57-208.compute-1.amazonaws.com[3.84.57.208]: SASL LOGIN authentication failed: UGFzc3dvcmQ6";
    let Parsed::Event(ev) = parse(msg, true) else { panic!() };
    assert!(ev.inferred);
    assert_eq!(ev.basic.unwrap().value(), 535);
    assert_eq!(ev.enhanced.unwrap().to_string(), "5.7.8");
    assert_eq!(ev.remote, b"ec2-3-84-57-208.compute-1.amazonaws.com");
    let msg = b"warning: unknown[192.0.2.9]: SASL PLAIN authentication failed: authentication failure, sasl_username=x";
    let Parsed::Event(ev) = parse(msg, true) else { panic!() };
    assert_eq!(ev.remote, b"192.0.2.9");
}

#[test]
fn lines_without_outcome() {
    for msg in [
        "connect from mail.example.org[192.0.2.1]",
        "4F1A2B3C: client=mail.example.org[192.0.2.1]",
        "4F1A2B3C: message-id=<x@y>",
        "4F1A2B3C: from=<a@b>, size=1234, nrcpt=1 (queue active)",
        "4F1A2B3C: from=<\"x status=sent\"@b>, size=1234, nrcpt=1 (queue active)",
        "NOQUEUE: reject: CONNECT from [1.2.3.4]:1337: too many connections",
        "lost connection after DATA (0 bytes) from unknown[72.13.58.7]",
        "disconnect from unknown[72.10.165.66] ehlo=2 starttls=1 mail=1 rcpt=0/1 data=0/1 quit=1 commands=5/7",
    ] {
        let got = parse(msg.as_bytes(), false);
        if msg.starts_with("NOQUEUE: reject") {
            assert!(
                matches!(got, Parsed::Event(ref e) if e.status == Some(Status::Rejected) && !e.has_code()
                    && e.text == b"too many connections"),
                "{msg}"
            );
        } else {
            assert_eq!(got, Parsed::Line, "{msg}");
        }
    }
    assert_eq!(parse(b"dane/requiretls?", false), Parsed::Unrecognized);
    assert_eq!(parse(b"dane/requiretls?", true), Parsed::Line);
}

#[test]
fn queue_ids() {
    let table: &[(&str, &str)] = &[
        ("4F1A2B3C: x", "4F1A2B3C"),
        ("48rT2v1hQrz1J0N: x", "48rT2v1hQrz1J0N"),
        ("NOQUEUE: x", "NOQUEUE"),
        ("warning: x", ""),
        ("statistics: x", ""),
        ("ABC: x", ""),
    ];
    for (msg, id) in table {
        assert_eq!(split_queue_id(msg.as_bytes()).0, id.as_bytes(), "{msg}");
    }
}

/// Delivery fields as Postfix writes them, in its order or shuffled,
/// some missing, doubled or broken.
fn delivery_fields() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let field = prop_oneof![
        Just("to=<a@one.example>".to_string()),
        Just("to=<\"x, y\"@two.example>".to_string()),
        Just("to=b@three.example".to_string()),
        Just("orig_to=<c@four.example>".to_string()),
        Just("relay=mx.five.example[192.0.2.1]:25".to_string()),
        Just("relay=none".to_string()),
        Just("relay=unknown[192.0.2.9]:25".to_string()),
        Just("conn_use=2".to_string()),
        Just("delay=1.2".to_string()),
        Just("delays=0.1/0/0.5/0.6".to_string()),
        Just("dsn=4.4.1".to_string()),
        Just("dsn=2.0.0".to_string()),
        Just("dsn=x".to_string()),
        Just("size=123".to_string()),
        Just("to=<open".to_string()),
        "[a-z=<>, ]{0,12}",
    ];
    (proptest::collection::vec(field, 0..9), any::<bool>()).prop_map(|(mut fields, ordered)| {
        if ordered {
            let order = ["to=", "orig_to=", "relay=", "conn_use=", "delay=", "delays=", "dsn="];
            fields.sort_by_key(|f| order.iter().position(|o| f.starts_with(o)).unwrap_or(order.len()));
        }
        fields.push("status=deferred (connect to x[192.0.2.1]:25: Connection timed out)".into());
        fields.join(", ")
    })
}

proptest::proptest! {
    /// The fields read in Postfix's order, with the any-order reading taking
    /// over where a line departs from it, give what the any-order reading
    /// alone gives.
    #[test]
    fn fields_in_order_read_as_in_any_order(rest in delivery_fields()) {
        let rest = rest.as_bytes();
        let (mut fast, mut plain) = (Event::default(), Event::default());
        let fast_at = match fields_in_order(rest, &mut fast) {
            Ok(at) => Some(at),
            Err(Some(at)) => fields_any_order(rest, at, &mut fast),
            Err(None) => None,
        };
        let plain_at = fields_any_order(rest, 0, &mut plain);
        proptest::prop_assert_eq!(fast_at, plain_at);
        if plain_at.is_some() {
            proptest::prop_assert_eq!(fast, plain);
        }
    }

    /// The command a reply answered is read after the last `(in reply to `,
    /// as a search for that needle from the back finds it.
    #[test]
    fn stage_reads_the_last_in_reply_to(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "(in reply to ", "(in reply to", "RCPT TO command)", "end of DATA command)", "MAIL FROM", "(", ")", "x ",
        ]), 0..10),
    ) {
        let msg = pieces.concat();
        let msg = msg.as_bytes();
        if let Some(i) = rfind!(msg, b"(in reply to ") {
            proptest::prop_assert_eq!(stage(msg), Stage::from_command(&msg[i + 13..]));
        }
    }

    /// The reply text ends where the first of Postfix's trailers starts,
    /// as a search for each trailer in turn finds it.
    #[test]
    fn reply_text_ends_at_the_first_trailer(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "550 5.1.1 x", " ", "(", ";", "; ", " (in reply to ", "(in reply to ", "; from=<", "; from=", "a", ")",
        ]), 0..12),
        status in proptest::bool::ANY,
    ) {
        let msg = pieces.concat();
        let msg = msg.as_bytes();
        let mut end = msg.len() - usize::from(status && msg.ends_with(b")"));
        if let Some(i) = find!(&msg[..end], b" (in reply to ") {
            end = i;
        }
        if let Some(i) = find!(&msg[..end], b"; from=<") {
            end = i;
        }
        let status_value = status.then_some(0);
        proptest::prop_assert_eq!(reply_text(msg, Some(0), status_value), &msg[..end]);
    }
}
