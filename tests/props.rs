//! Properties that parallelism, chunking and hostile bytes must not break.

use proptest::prelude::*;
use smtpstat::aggregate::Summary;
use smtpstat::formats::{ParseContext, StampCache, parse_line, parse_line_cached};
use smtpstat::input::InputSpec;
use smtpstat::pipeline::{ScanOptions, merge_and_classify, run, scan_sequential};
use smtpstat::rules::Rules;
use smtpstat::time::YearResolver;

// Compiled once: building the rules costs far more than one case.
static RULES: std::sync::LazyLock<Rules> = std::sync::LazyLock::new(Rules::builtin);

/// Pieces of real-shaped Postfix lines; random concatenations of them make
/// inputs that hit every parser path, including broken ones.
const PIECES: &[&str] = &[
    "Nov 22 08:01:02 mx1 postfix/smtp[1501]: ",
    "2026-11-22T08:03:00.123456+00:00 mx1 postfix/submission/smtpd[1]: ",
    "Mar  7 01:02:03 mx postfix-out/smtp[9]: ",
    "Nov 22 08:10:00 mx1 dovecot: ",
    "4F2A1B3C5D: ",
    "4XyZ1b2c3d4e5F6: ",
    "NOQUEUE: reject: RCPT from unknown[2001:db8::25]: ",
    "NOQUEUE: milter-reject: ",
    "reject: header Subject: x from h[192.0.2.1]; from=<a@b> to=<c@d>: ",
    "to=<dave@Gmail.com>, relay=gmail-smtp-in.l.google.com[192.0.2.201]:25, delay=3, ",
    "dsn=4.7.28, ",
    "dsn=5.1.1, ",
    "status=sent (",
    "status=deferred (",
    "status=bounced (",
    "status=expired, returned to sender",
    "host mx.example.net[192.0.2.50] said: ",
    "550 5.1.1 <x@example.net>: unknown",
    "550-5.7.1 first 550 5.7.1 second",
    "421-4.7.0 [192.0.2.1      15] rate ",
    "250 2.0.0 Ok: queued as 4F2A1B3C5D",
    "5.7.1 Message content rejected",
    " (in reply to RCPT TO command)",
    ")",
    "; from=<a@b> to=<c@example.org> proto=ESMTP",
    "warning: unknown[192.0.2.99]: SASL LOGIN authentication failed: x",
    "\r",
    "\n",
    "\n",
    "\n",
    "\u{1b}[31m",
    "\u{0}",
    ": ",
    "=",
    "999 ",
];

fn log_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
            1 => prop::collection::vec(any::<u8>(), 0..12),
        ],
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

/// Stamps and hosts that lines share or nearly share, and tags that do or
/// do not name Postfix, for the path that reuses the previous line's prefix.
const STAMP_HOSTS: &[&str] = &[
    "Nov 22 08:01:02 mx1 ",
    "Nov 22 08:01:02 mx1.example.net ",
    "Nov 22 08:01:02 mx ",
    "Nov 22 08:01:02 mx12345678901234567890 ",
    "Nov 22 08:01:02  mx1 ",
    "Nov 22 08:01:03 mx1 ",
    "Sep 7 07:14:19 h ",
    "Nov 22 08:01:02 ",
    "<22>Nov 22 08:01:02 mx1 ",
    // The previous host followed by more than a space.
    "Nov 22 08:01:02 mx1-",
    "Nov 22 08:01:02 mx",
    // RFC 3339: fractions differ from line to line, zones may not.
    "2026-11-22T08:01:02.123456+00:00 mx1 ",
    "2026-11-22T08:01:02.9+00:00 mx1 ",
    "2026-11-22T08:01:02+00:00 mx1 ",
    "2026-11-22T08:01:02.5+01:00 mx1 ",
    "2026-11-22T08:01:02.5+0100 mx1 ",
    "2026-11-22T08:01:02.5Z mx1 ",
    "2026-11-22T08:01:02. mx1 ",
    "2026-11-22T08:01:02.5+00:00mx1 ",
    "2026-11-22T08:01:02 mx1 ",
    "2026-11-22T08:01:02.5 mx1 ",
    "2026-11-22T08:01:03.5+00:00 mx1 ",
    // Exim's own stamp, and syslog templates that write one like it.
    "2026-11-22 08:01:02 mx1 ",
    "2026-11-22 08:01:02.5 mx1 ",
    // FreeBSD's `syslogd -vv` before the host.
    "Nov 22 08:01:02 <mail.info> mx1 ",
    // journald's short-full and short-unix.
    "Sun 2026-11-22 08:01:02 UTC mx1 ",
    "Sun 2026-11-22 08:01:02 CET mx1 ",
    "1795334462.123456 mx1 ",
];
const TAGS: &[&str] = &[
    "postfix/smtp[1501]: ",
    "postfix/submission/smtpd[1]: ",
    "postfix: ",
    "postfix",
    "postfix/qmgr[12]:",
    "postfix[1]x ",
    "postfixx/y[1]: ",
    "postsuper[3]: ",
    "dovecot: ",
    "postfix/smtp [1]: ",
    "dovecot[7]: ",
    "exim[2]: ",
    "sm-mta[3]: ",
    ": ",
    "x",
    // BusyBox's facility and severity between host and tag.
    "mail.info postfix/smtp[1501]: ",
    "mail.info postfix/qmgr[12]:",
    "mail.info postfix ",
    "daemon.err dovecot: ",
    "<22> postfix/smtp[1]: ",
    "mail.info ",
    // Solaris's message id after the tag.
    "postfix/smtpd[1]: [ID 197553 mail.info] ",
    "postfix/smtpd[1]: [ID 197553 mail.info]",
    "sendmail[1]: [ID 801593 mail.info] ",
];

fn prefixed_line() -> impl Strategy<Value = Vec<u8>> {
    (prop::sample::select(STAMP_HOSTS), prop::sample::select(TAGS), log_strategy()).prop_map(|(p, t, rest)| {
        let mut line = [p.as_bytes(), t.as_bytes()].concat();
        line.extend(rest.split(|&c| c == b'\n').next().unwrap_or_default());
        line
    })
}

fn ctx() -> ParseContext {
    ParseContext { years: YearResolver::fixed(2026), ..ParseContext::default() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(line in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_line(&line, &ctx());
    }

    #[test]
    fn parsers_never_panic_on_log_like_bytes(log in log_strategy()) {
        for line in log.split(|&c| c == b'\n') {
            let _ = parse_line(line, &ctx());
        }
    }

    #[test]
    fn parallel_scan_equals_sequential(log in log_strategy(), threads in 1usize..5, chunk in 1usize..400) {
        let want = scan_sequential(&log, &ctx());
        let opts = ScanOptions { threads, chunk_bytes: chunk, year: Some(2026), ..ScanOptions::default() };
        let (parts, inputs) = run(vec![InputSpec::Memory("prop".into(), log.clone())], &opts).unwrap();
        prop_assert!(inputs[0].error.is_none());
        let (got, classified) = merge_and_classify(parts, &RULES, threads);
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(classified, RULES.classify(&want, 1));
    }

    #[test]
    fn a_line_parses_the_same_after_any_others(lines in prop::collection::vec(prefixed_line(), 1..5)) {
        // The cache learns the stamp from one line and the host from the
        // next, so it takes three lines to reach every path.
        let mut cache = StampCache::default();
        for line in &lines {
            prop_assert_eq!(parse_line_cached(line, &ctx(), &mut cache), parse_line(line, &ctx()));
        }
    }

    #[test]
    fn merge_is_associative_and_commutative(a in log_strategy(), b in log_strategy(), c in log_strategy()) {
        let s = |x: &[u8]| scan_sequential(x, &ctx());
        let left = s(&a).merge(s(&b)).merge(s(&c));
        let right = s(&a).merge(s(&b).merge(s(&c)));
        prop_assert_eq!(&left, &right);
        prop_assert_eq!(s(&a).merge(s(&b)), s(&b).merge(s(&a)));
        prop_assert_eq!(Summary::default().merge(s(&a)), s(&a));
    }
}

#[test]
fn chunks_of_one_line_give_the_same_summary() {
    let log = std::fs::read(crate::util::fixture("postfix-mixed.log")).unwrap();
    let want = scan_sequential(&log, &ctx());
    for threads in [1, 2, 4] {
        let opts = ScanOptions { threads, chunk_bytes: 1, year: Some(2026), ..ScanOptions::default() };
        let (parts, _) = run(vec![InputSpec::Memory("fixture".into(), log.clone())], &opts).unwrap();
        let (got, classified) = merge_and_classify(parts, &RULES, threads);
        assert_eq!(got, want, "threads={threads}");
        assert_eq!(classified, RULES.classify(&want, 1), "threads={threads}");
    }
}

#[test]
fn past_the_name_cap_every_thread_count_keeps_the_same_names() {
    // More distinct rejected clients for one code than a table keeps, the
    // later ones first seen in chunks a second worker may take early.
    let cap = smtpstat::aggregate::NAMES_PER_CODE;
    let mut log = String::new();
    for i in 0..cap + 3_000 {
        let (a, b) = (i / 250, i % 250);
        log.push_str(&format!(
            "Nov 22 08:01:02 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from c{i}.example[10.{}.{a}.{b}]: 554 5.7.1 <u@example.com>: Relay access denied; from=<s@x{}.example> to=<u@example.com> proto=ESMTP helo=<h>\n",
            i % 7,
            i % 50
        ));
    }
    let log = log.into_bytes();
    let want = scan_sequential(&log, &ctx());
    let detail = want.details.values().next().unwrap();
    assert_eq!((detail.remotes.len(), detail.other_remotes), (cap, 3_000));
    for threads in [1, 2, 3] {
        let opts = ScanOptions { threads, chunk_bytes: 64 << 10, year: Some(2026), ..ScanOptions::default() };
        let (parts, _) = run(vec![InputSpec::Memory("many".into(), log.clone())], &opts).unwrap();
        let (got, _) = merge_and_classify(parts, &RULES, threads);
        assert_eq!(got, want, "threads={threads}");
    }
}
