//! The counting contract against data the repository does not own:
//! `../shared/testdata/real` with independent truth files, and the logs
//! real Postfix, Exim and Sendmail servers wrote in `../shared/testdata/mta`,
//! checked against a second, regex-based counter written from the counting
//! rules alone and against the scenarios those logs were made from.
//! Each test skips with a message when `../shared` is absent.

use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::util::{code_counts, counts, json_report, shared_testdata};

fn check_truth(mta: &str, file: &str) {
    let Some(dir) = shared_testdata(file) else { return };
    let log = dir.join("real").join(mta).join(format!("{file}.log"));
    let truth: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("real/truth/{mta}-{file}.json"))).unwrap()).unwrap();
    let r = json_report(&[log.to_str().unwrap()]);
    assert_eq!(code_counts(&r, "codes"), counts(&truth["event_basic_codes"]), "codes of {file}");
    assert_eq!(code_counts(&r, "enhanced_codes"), counts(&truth["event_enhanced_codes"]), "enhanced codes of {file}");
    assert_eq!(counts(&r["statuses"]), counts(&truth["delivery_status"]), "statuses of {file}");
    assert_eq!(counts(&r["other_statuses"]), counts(&truth["other_status"]), "other statuses of {file}");
    assert_eq!(r["lines"]["read"], truth["total_lines"], "lines of {file}");
    assert_eq!(r["lines"]["with_code"], truth["lines_with_any_code"], "lines with a code in {file}");
    check_reasons(&r, file);
}

/// Every failure, with a code or without, is filed under exactly one reason.
fn check_reasons(r: &Value, file: &str) {
    let failures = r["classes"]["transient"].as_u64().unwrap()
        + r["classes"]["permanent"].as_u64().unwrap()
        + r["failures_without_code"].as_u64().unwrap();
    let reasons: u64 = r["reasons"].as_array().unwrap().iter().map(|x| x["count"].as_u64().unwrap()).sum();
    assert_eq!(reasons, failures, "reasons of {file}");
    // The codeless section holds every failure without a code, or is null.
    match r["failures_without_code"].as_u64().unwrap() {
        0 => assert!(r["codeless"].is_null(), "{file}"),
        n => assert_eq!(r["codeless"]["count"], n, "{file}"),
    }
}

/// One test per file of `real/`, named after it.
macro_rules! truth_tests {
    ($($name:ident: $mta:literal, $file:literal;)*) => {
        $(#[test] fn $name() { check_truth($mta, $file); })*
    };
}

truth_tests! {
    real_postfix_whyscream_grok_patterns: "postfix", "whyscream-postfix-grok-patterns";
    real_postfix_crowdsec_hub: "postfix", "crowdsec-hub";
    real_postfix_ossec_hids_ruletests: "postfix", "ossec-hids-ruletests";
    real_exim_crowdsec_hub: "exim", "crowdsec-hub";
    real_exim_ossec_hids_ruletests: "exim", "ossec-hids-ruletests";
    real_exim_testsuite_0215: "exim", "exim-testsuite-0215";
    real_exim_testsuite_0217: "exim", "exim-testsuite-0217";
    real_exim_testsuite_0227: "exim", "exim-testsuite-0227";
    real_exim_testsuite_0511: "exim", "exim-testsuite-0511";
    real_exim_testsuite_0536: "exim", "exim-testsuite-0536";
    real_exim_testsuite_0548: "exim", "exim-testsuite-0548";
    real_exim_testsuite_0612: "exim", "exim-testsuite-0612";
    real_exim_testsuite_0622: "exim", "exim-testsuite-0622";
    real_exim_testsuite_3400: "exim", "exim-testsuite-3400";
    real_sendmail_fluent_plugin: "sendmail", "fluent-plugin-sendmail";
    real_sendmail_fail2ban_auth: "sendmail", "fail2ban-sendmail-auth";
}

/// Counts of a log by the counting rules, written with regexes and without
/// any of smtpstat's parsing code.
struct ReferenceCount {
    codes: BTreeMap<String, u64>,
    enhanced: BTreeMap<String, u64>,
    statuses: BTreeMap<String, u64>,
}

fn reference_count(log: &[u8], mta: &str) -> ReferenceCount {
    let anchor = Regex::new(r#"(?:: |status=\S+ \(|stat=\S+ \(|reject=|C=")([2-5][0-9]{2})"#).unwrap();
    let enhanced = Regex::new(r"^[245]\.[0-9]{1,3}\.[0-9]{1,3}").unwrap();
    let alone = Regex::new(r": ([245]\.[0-9]{1,3}\.[0-9]{1,3})").unwrap();
    let dsn = Regex::new(r"dsn=([245]\.[0-9]{1,3}\.[0-9]{1,3})").unwrap();
    let status = Regex::new(r"status=([A-Za-z]+)").unwrap();
    let reject = Regex::new(r"(?:NOQUEUE|[0-9A-Za-z]{5,}): reject: |milter-reject: ").unwrap();
    let exim_flag = Regex::new(r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} (=>|->|\*>|==|\*\*) ").unwrap();
    let exim_reject =
        Regex::new(r"rejected (RCPT|MAIL|after|connection|EHLO|HELO|by|VRFY|EXPN|ETRN|DATA|from)\b").unwrap();
    let sendmail_stat = Regex::new(r"stat=(\S+)").unwrap();
    let ends_ok = |rest: &str| match rest.as_bytes().first() {
        None | Some(b' ' | b'"' | b')' | b',' | b';') => true,
        Some(b'-') => match rest.as_bytes().get(1) {
            Some(c) if c.is_ascii_digit() => enhanced_at(&enhanced, &rest[1..]).is_some(),
            _ => true,
        },
        _ => false,
    };
    let mut rc = ReferenceCount { codes: BTreeMap::new(), enhanced: BTreeMap::new(), statuses: BTreeMap::new() };
    for line in String::from_utf8_lossy(log).lines() {
        let line = line.trim_end_matches('\r');
        let mut first_basic = None;
        let mut first_enhanced: Option<(usize, String)> = None;
        for c in anchor.captures_iter(line) {
            let m = c.get(1).unwrap();
            let rest = &line[m.end()..];
            if !ends_ok(rest) {
                continue;
            }
            first_basic.get_or_insert(m.as_str().to_string());
            if rest.starts_with([' ', '-'])
                && let Some(e) = enhanced_at(&enhanced, &rest[1..])
                && first_enhanced.as_ref().is_none_or(|(p, _)| m.start() < *p)
            {
                first_enhanced = Some((m.start(), e));
            }
        }
        for c in alone.captures_iter(line) {
            let m = c.get(1).unwrap();
            if let Some(e) = enhanced_at(&enhanced, &line[m.start()..])
                && first_enhanced.as_ref().is_none_or(|(p, _)| m.start() < *p)
            {
                first_enhanced = Some((m.start(), e));
            }
        }
        let event_enhanced = dsn
            .captures(line)
            .and_then(|c| enhanced_at(&enhanced, &line[c.get(1).unwrap().start()..]))
            .or(first_enhanced.map(|(_, e)| e));
        if let Some(b) = first_basic {
            *rc.codes.entry(b).or_default() += 1;
        }
        if let Some(e) = event_enhanced {
            *rc.enhanced.entry(e).or_default() += 1;
        }
        let st = match mta {
            "postfix" => match status.captures(line) {
                Some(c) => Some(c[1].to_string()),
                None if reject.is_match(line) => Some("rejected".to_string()),
                None => None,
            },
            "exim" => match exim_flag.captures(line) {
                Some(c) if &c[1] == "==" => Some("deferred".to_string()),
                Some(c) if &c[1] == "**" => Some("bounced".to_string()),
                Some(_) => Some("sent".to_string()),
                None => exim_reject.is_match(line).then(|| "rejected".to_string()),
            },
            _ => {
                if line.contains("reject=") {
                    Some("rejected".to_string())
                } else {
                    sendmail_stat.captures(line).map(|c| {
                        let dsn5 = line.contains("dsn=5.");
                        match &c[1] {
                            w if w.starts_with("Sent") => "sent".to_string(),
                            w if w.starts_with("Deferred") => "deferred".to_string(),
                            _ if dsn5 => "bounced".to_string(),
                            w if w.starts_with("queued") => "queued".to_string(),
                            _ => "other".to_string(),
                        }
                    })
                }
            }
        };
        if let Some(s) = st {
            *rc.statuses.entry(s.to_lowercase()).or_default() += 1;
        }
    }
    rc
}

/// The main and the other statuses together, those that occurred.
fn statuses(main: &Value, other: &Value) -> BTreeMap<String, u64> {
    let mut st = counts(main);
    st.extend(counts(other));
    st.retain(|_, n| *n > 0);
    st
}

/// An enhanced code at the start of `s` that is not followed by a digit or a dot.
fn enhanced_at(re: &Regex, s: &str) -> Option<String> {
    let m = re.find(s)?;
    match s.as_bytes()[m.end()..].first() {
        Some(c) if c.is_ascii_digit() || *c == b'.' => None,
        _ => Some(m.as_str().to_string()),
    }
}

fn check_mta_log(mta: &str, file: &str) {
    let Some(dir) = shared_testdata(file) else { return };
    let path = dir.join("mta").join(mta).join(file);
    let reference = reference_count(&std::fs::read(&path).unwrap(), mta);
    let r = json_report(&[path.to_str().unwrap()]);
    assert_eq!(code_counts(&r, "codes"), reference.codes, "codes of {file}");
    assert_eq!(code_counts(&r, "enhanced_codes"), reference.enhanced, "enhanced codes of {file}");
    assert_eq!(statuses(&r["statuses"], &r["other_statuses"]), reference.statuses, "statuses of {file}");
    assert_eq!(r["lines"]["unrecognized"], 0, "every line of {file} is the MTA's");
    assert_eq!(r["mtas"][mta], r["lines"]["recognized"], "{file} is all {mta}");
    check_reasons(&r, file);
    // Real servers' replies mostly say why; few should stay unclassified.
    let unclassified = r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "unclassified")
        .map_or(0, |x| x["count"].as_u64().unwrap());
    let failures: u64 = r["reasons"].as_array().unwrap().iter().map(|x| x["count"].as_u64().unwrap()).sum();
    assert!(unclassified * 4 <= failures, "{file}: {unclassified} of {failures} failures unclassified");
    match mta {
        "postfix" => check_postfix_scenarios(&r, file),
        "exim" if file.contains("mainlog") => check_exim_scenarios(&r, file),
        "sendmail" => check_sendmail_scenarios(&r, file),
        _ => {}
    }
}

/// What the capture's scenarios must produce, whichever way Postfix logged
/// them (see the scenario table of the capture's README).
fn check_postfix_scenarios(r: &Value, file: &str) {
    // S03 S04 S10 S11 S12×2 S13 S14 S23: nine refusals by smtpd and cleanup.
    assert_eq!(r["statuses"]["rejected"], 9, "{file}");
    // Bounced at once: R06-R11, R13, R14, R17, R24's r550, and S19's pipe.
    assert_eq!(r["statuses"]["bounced"], 11, "{file}");
    // Every message that only ever got 4xx expired (R02-R05, R12, R15-R16, R18-R23, R24's r450).
    assert_eq!(r["statuses"]["expired"], 14, "{file}");
    let codes = code_counts(r, "codes");
    for code in ["250", "421", "450", "451", "452", "504", "550", "551", "552", "553", "554"] {
        assert!(codes.contains_key(code), "{code} missing in {file}: {codes:?}");
    }
    // S16's failed AUTH is logged without its reply; counted apart.
    assert_eq!(r["inferred_codes"][0]["code"], "535", "{file}");
    // R20: a 554 greeting is deferred by Postfix (dsn 4.7.1), never bounced.
    let top554 = r["top"].as_array().unwrap().iter().find(|t| t["code"] == "554").unwrap();
    assert!(top554["statuses"]["deferred"].as_u64().unwrap() >= 5, "{file}");
}

/// Exim bounces a 5xx at once (greeting 554 included) and defers every 4xx
/// until its retry rule gives up; its own refusals carry no code.
fn check_exim_scenarios(r: &Value, file: &str) {
    // Refused by Exim's ACLs in the SMTP session (S03 S04 S05 S06 S08 S10 S11 S12×2 S13 S14 S15 S23).
    assert_eq!(r["statuses"]["rejected"], 13, "{file}");
    // Bounced: the R scenarios with a 5xx, the pipe of S19, and the retry-timeouts.
    assert_eq!(r["statuses"]["bounced"], 25, "{file}");
    let codes = code_counts(r, "codes");
    for code in ["250", "421", "450", "451", "452", "550", "551", "552", "553", "554", "535"] {
        assert!(codes.contains_key(code), "{code} missing in {file}: {codes:?}");
    }
    assert_eq!(r["statuses"]["expired"], 0, "Exim never logs expiry as a status");
}

/// Sendmail: one `to=` line per attempt, deferred every queue run; a 5xx
/// greeting (R20) bounces at once, like Exim.
fn check_sendmail_scenarios(r: &Value, file: &str) {
    // S04 S11 S12×2 S13: the `reject=` lines of check_rcpt, check_mail and the header ruleset.
    assert_eq!(r["statuses"]["rejected"], 5, "{file}");
    // R06-R11 R13 R14 R17 R20 R24's r550 and S19's pipe.
    assert_eq!(r["statuses"]["bounced"], 12, "{file}");
    assert!(r["statuses"]["deferred"].as_u64().unwrap() > 100, "{file}");
    let enhanced = code_counts(r, "enhanced_codes");
    for code in ["2.0.0", "4.2.0", "4.3.0", "4.4.1", "4.4.2", "5.1.1", "5.7.1"] {
        assert!(enhanced.contains_key(code), "{code} missing in {file}: {enhanced:?}");
    }
    // S16's failed AUTH: Sendmail logs `AUTH failure (PLAIN)` and not its 535 5.7.0.
    assert_eq!(r["inferred_codes"][0]["code"], "535", "{file}");
    assert_eq!(r["inferred_codes"][0]["enhanced"], "5.7.0", "{file}");
    assert_eq!(r["inferred_codes"][0]["count"], 1, "{file}");
}

macro_rules! mta_tests {
    ($($name:ident: $mta:literal, $file:literal;)*) => {
        $(#[test] fn $name() { check_mta_log($mta, $file); })*
    };
}

mta_tests! {
    mta_postfix_syslog_traditional: "postfix", "syslog-traditional.log";
    mta_postfix_syslog_rfc3339: "postfix", "syslog-rfc3339.log";
    mta_postfix_postlog: "postfix", "postlog.log";
    mta_exim_default_mainlog: "exim", "default-mainlog.log";
    mta_exim_default_rejectlog: "exim", "default-rejectlog.log";
    mta_exim_all_mainlog: "exim", "all-mainlog.log";
    mta_exim_all_rejectlog: "exim", "all-rejectlog.log";
    mta_sendmail_syslog_traditional: "sendmail", "syslog-traditional.log";
    mta_sendmail_syslog_rfc3339: "sendmail", "syslog-rfc3339.log";
}

#[test]
fn reference_counter_agrees_with_the_truth_files() {
    // The regex counter itself is checked against the independent truth.
    let Some(dir) = shared_testdata("reference_counter_agrees_with_the_truth_files") else { return };
    for entry in std::fs::read_dir(dir.join("real/truth")).unwrap() {
        let truth: Value = serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        let (mta, name) = (truth["mta"].as_str().unwrap(), truth["file"].as_str().unwrap());
        let log = std::fs::read(dir.join("real").join(mta).join(name)).unwrap();
        let rc = reference_count(&log, mta);
        assert_eq!(rc.codes, counts(&truth["event_basic_codes"]), "{name}");
        assert_eq!(rc.enhanced, counts(&truth["event_enhanced_codes"]), "{name}");
        assert_eq!(rc.statuses, statuses(&truth["delivery_status"], &truth["other_status"]), "{name}");
    }
}

#[test]
fn own_fixture_agrees_with_the_reference_counter() {
    let path = crate::util::fixture("postfix-mixed.log");
    let rc = reference_count(&std::fs::read(&path).unwrap(), "postfix");
    let r = json_report(&[path.to_str().unwrap()]);
    assert_eq!(code_counts(&r, "codes"), rc.codes);
    assert_eq!(code_counts(&r, "enhanced_codes"), rc.enhanced);
}

/// The counting contract on any logs at hand: every `<mta>/*.log` under the
/// folder `SMTPSTAT_EXTRA_LOGS` names (public logs outside the repository)
/// is counted by smtpstat and by the reference counter, and every file
/// where they differ is listed. Run with
/// `SMTPSTAT_EXTRA_LOGS=DIR cargo test --test tests extra_logs -- --ignored --nocapture`.
#[test]
#[ignore = "needs SMTPSTAT_EXTRA_LOGS"]
fn extra_logs_agree_with_the_reference_counter() {
    let Some(dir) = std::env::var_os("SMTPSTAT_EXTRA_LOGS") else {
        eprintln!("skipping: SMTPSTAT_EXTRA_LOGS is not set");
        return;
    };
    let (mut checked, mut differ) = (0, Vec::new());
    for mta in ["postfix", "exim", "sendmail"] {
        let Ok(entries) = std::fs::read_dir(std::path::Path::new(&dir).join(mta)) else { continue };
        let mut paths: Vec<_> =
            entries.map(|e| e.unwrap().path()).filter(|p| p.extension() == Some("log".as_ref())).collect();
        paths.sort();
        for path in paths {
            let rc = reference_count(&std::fs::read(&path).unwrap(), mta);
            let r = json_report(&[path.to_str().unwrap()]);
            let st = statuses(&r["statuses"], &r["other_statuses"]);
            let got = (code_counts(&r, "codes"), code_counts(&r, "enhanced_codes"), st);
            checked += 1;
            if got != (rc.codes.clone(), rc.enhanced.clone(), rc.statuses.clone()) {
                eprintln!(
                    "{}:\n  smtpstat  {got:?}\n  reference {:?}",
                    path.display(),
                    (rc.codes, rc.enhanced, rc.statuses)
                );
                differ.push(path);
            }
        }
    }
    eprintln!("{checked} files checked, {} differ", differ.len());
    assert!(differ.is_empty(), "{differ:?}");
}
