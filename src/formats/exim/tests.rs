use super::*;

fn ev(msg: &str) -> Event<'_> {
    match parse(msg.as_bytes()) {
        Parsed::Event(e) => e,
        other => panic!("{other:?} for {msg}"),
    }
}

#[test]
fn native_prefixes() {
    let table: &[(&str, Option<(&str, &str)>)] = &[
        ("2026-11-23 04:58:29 1tEX5b-000123-AB <= a@b", Some(("2026-11-23T04:58:29", "1tEX5b-000123-AB <= a@b"))),
        ("2026-11-23 05:50:59.221 [24326] cwd=/ 5 args", Some(("2026-11-23T05:50:59", "cwd=/ 5 args"))),
        ("2026-11-23 05:50:59 +0100 [1] Start queue run", Some(("2026-11-23T05:50:59", "Start queue run"))),
        ("2026-11-23 05:50:59.5 -0500 x", Some(("2026-11-23T05:50:59", "x"))),
        ("2026-11-23T05:50:59 x", None),
        ("Nov 23 05:50:59 host exim[1]: x", None),
        ("2026-11-23 05:50", None),
    ];
    for (line, want) in table {
        let got = native_prefix(line.as_bytes()).map(|(t, _, rest)| {
            (t.map(|t| t.to_string()).unwrap_or_default(), String::from_utf8_lossy(rest).into_owned())
        });
        assert_eq!(got, want.map(|(t, r)| (t.to_string(), r.to_string())), "{line}");
    }
}

#[test]
fn message_ids() {
    assert_eq!(split_message_id(b"1tEX5b-000123-AB => x").0, b"1tEX5b-000123-AB");
    assert_eq!(split_message_id(b"10HmaX-000000005vi-0000 ** x").0, b"10HmaX-000000005vi-0000");
    assert_eq!(split_message_id(b"H=(x) [1.2.3.4] rejected").0, b"");
    assert_eq!(split_message_id(b"1xVMxB-0006LH-1N Completed").1, b"Completed");
}

#[test]
fn deliveries() {
    let e = ev("10HmaX-000000005vi-0000 => a@test.ex R=client T=send_to_server H=127.0.0.1 [127.0.0.1] L C=\"250 OK\"");
    assert_eq!((e.status, e.basic.map(|b| b.value())), (Some(Status::Sent), Some(250)));
    // A success keeps no peer: nothing shows it.
    assert_eq!((e.domain, e.remote), (&b"test.ex"[..], &b""[..]));

    let e = ev(
        "1xVMxB-0006LL-31 == r421@sink.example.net R=capture_sinks T=capture_sink_smtp defer (-44) H=127.0.0.2 [127.0.0.2]:2525 I=[127.0.0.1]:34052 DT=0.000s: SMTP error from remote mail server after RCPT TO:<r421@sink.example.net>: 421 4.7.0 Try again later, closing connection",
    );
    assert_eq!((e.status, e.basic.map(|b| b.value()), e.stage), (Some(Status::Deferred), Some(421), Stage::Rcpt));
    assert_eq!(e.enhanced.unwrap().to_string(), "4.7.0");
    assert_eq!(e.text, b"421 4.7.0 Try again later, closing connection");

    let e = ev(
        "10HmbA-000000005vi-0000 ** userxy@myhost.test.ex F=<CALLER@myhost.test.ex> R=smartuser T=lmtp H=127.0.0.1 [127.0.0.1] : LMTP error after DATA: 550-I don't like this user\\n550 Bad user",
    );
    assert_eq!((e.status, e.basic.map(|b| b.value()), e.stage), (Some(Status::Bounced), Some(550), Stage::Data));

    let e = ev("1xVMxB-0006LH-1N => bob <bob@example.com> R=local_user T=mail_spool");
    assert_eq!((e.status, e.domain), (Some(Status::Sent), &b"example.com"[..]));
    let e = ev(
        "1xVMxK-0006Nh-1p == user@refused.example.net R=capture_sinks T=capture_sink_smtp defer (111): Connection refused DT=0.000s",
    );
    assert_eq!((e.status, e.stage), (Some(Status::Deferred), Stage::Connect));
    let e = ev("1xVMxD-0006MG-1W ** r452@sink.example.net: retry timeout exceeded");
    assert_eq!((e.status, e.domain), (Some(Status::Bounced), &b"sink.example.net"[..]));
    assert_eq!(
        parse(b"1xVMxB-0006LH-1N <= alice@example.com H=(client.example.org) [127.0.0.1]:50911 P=esmtp S=434"),
        Parsed::Line
    );
    assert_eq!(parse(b"1xVMxB-0006LH-1N Completed QT=0.033s"), Parsed::Line);
}

#[test]
fn rejects_and_auth() {
    let e = ev(
        "H=(mail.example.org) [127.0.0.12] F=<carol@example.org> rejected RCPT <someone@elsewhere.example.org>: relay not permitted",
    );
    assert_eq!((e.status, e.basic, e.stage), (Some(Status::Rejected), None, Stage::Rcpt));
    assert_eq!((e.domain, e.remote), (&b"elsewhere.example.org"[..], &b"127.0.0.12"[..]));

    let e =
        ev("H=test.sa.com [1.2.3.4]:18146 temporarily rejected connection in \"connect\" ACL: \"Host is ratelimited\"");
    assert_eq!((e.status, e.stage, e.remote), (Some(Status::Rejected), Stage::Connect, &b"test.sa.com"[..]));

    let e = ev(
        "1xVMXQ-0003AR-39 H=(mail.example.org) [127.0.0.11] F=<carol@example.org> rejected after DATA: content filter",
    );
    assert_eq!((e.status, e.stage), (Some(Status::Rejected), Stage::Data));

    let e = ev(
        "dovecot_login authenticator failed for ([1.2.3.5]) [1.2.3.4]:55379: 535 Incorrect authentication data (set_id=a@b)",
    );
    assert_eq!((e.status, e.basic.map(|b| b.value()), e.stage), (None, Some(535), Stage::Auth));
    assert_eq!(e.remote, b"1.2.3.4");
    let e = ev(
        "login authenticator failed for no-port.example.org [192.0.2.13]: 535 Incorrect authentication data (set_id=user)",
    );
    assert_eq!(e.remote, b"no-port.example.org");

    assert_eq!(
        parse(b"H=tata.test.biz [1.2.3.4]:41584 sender verify fail for <toto@test.biz>: not a valid sender."),
        Parsed::Line
    );
}

#[test]
fn reject_log_continuations() {
    for line in [
        "Envelope-from: <carol@example.org>",
        "P Received: from [127.0.0.11] (helo=x)",
        "\tby mx.example.com with esmtp",
        "  Subject: S13",
        "I Message-ID: <x@y>",
        "F From: <a@b>",
    ] {
        assert!(is_rejectlog_continuation(line.as_bytes()), "{line}");
    }
    assert!(is_rejectlog_continuation("\tfor <ana@example.com>; Tue, 3 Nov 2026 \t10:00:01 +0000".as_bytes()));
    assert!(is_rejectlog_continuation("\tby mx.example.com (Müller's relay)".as_bytes()));
    for line in
        ["not a header", "NOQUEUE: reject: RCPT from x", "connect from x[1.2.3.4]", "\t\u{7f}\u{10}XT", "\tab\0cd"]
    {
        assert!(!is_rejectlog_continuation(line.as_bytes()), "{line}");
    }
}

#[test]
fn failures_without_a_code_keep_their_words() {
    let table = [
        (
            "1tEX5b-000001-AB == a@example.com R=dnslookup T=remote_smtp defer (111): Connection refused",
            "Connection refused",
        ),
        ("1tEX5b-000004-AB ** a@example.com: Unrouteable address", "Unrouteable address"),
        (
            "H=(x) [192.0.2.5] F=<a@example.org> rejected RCPT <b@example.com>: relay not permitted",
            "relay not permitted",
        ),
        (
            "H=x [2001:db8::5] rejected EHLO or HELO x: syntactically invalid argument(s): x",
            "syntactically invalid argument(s): x",
        ),
        ("1tEX5b-000006-AB ** a@example.com R=dnslookup", ""),
        ("H=(x) [127.0.0.1] rejected VRFY <nosuchuser@example.com>", "rejected VRFY <nosuchuser@example.com>"),
        (
            "SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection \
             from H=[192.0.2.7] input=\"EHLO x\\r\\n\"",
            "SMTP protocol synchronization error (input sent without waiting for greeting)",
        ),
    ];
    for (msg, words) in table {
        assert_eq!(String::from_utf8_lossy(ev(msg).text), words, "{msg}");
    }
    // A success keeps no text.
    assert!(ev("1tEX5b-000002-AB => a@example.com R=dnslookup T=remote_smtp H=mx [192.0.2.1]").text.is_empty());
}

#[test]
fn an_lmtp_socket_is_the_remote_without_its_colon() {
    let e = ev("1xUuzx-0008Rz-Qv == ivan@example.com R=dovecot_router T=dovecot_lmtp defer (-46) \
                H=/run/dovecot/lmtp: LMTP error after end of data: 451 4.3.0 <ivan@example.com> Temporary internal error");
    assert_eq!(e.remote, b"/run/dovecot/lmtp");
    assert_eq!(e.basic.map(|b| b.value()), Some(451));
}

#[test]
fn a_callout_reply_keeps_the_check_it_answered() {
    let e = ev(
        "H=[192.0.2.1] U=root sender verify fail for <bad@example.org>: response to \"RCPT TO:<bad@example.org>\" from 192.0.2.9 [192.0.2.9] was: 550 REJECTED",
    );
    assert_eq!(e.basic.map(|b| b.value()), Some(550));
    assert_eq!(
        e.text,
        &b"sender verify fail for <bad@example.org>: response to \"RCPT TO:<bad@example.org>\" from 192.0.2.9 [192.0.2.9] was: 550 REJECTED"[..]
    );
    let e = ev(
        "10HmaY-0005vi-00 == x@y R=r T=t defer (-44) H=h [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<x@y>: 451 Later",
    );
    assert_eq!(e.text, b"451 Later");
}
