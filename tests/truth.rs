//! The counting contract against data the repository does not own:
//! `../shared/testdata/real/postfix` with independent truth files, and the
//! logs real Postfix servers wrote in `../shared/testdata/mta/postfix`,
//! checked against a second, regex-based counter written from the counting
//! rules alone and against the scenarios those logs were made from.
//! Each test skips with a message when `../shared` is absent.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde_json::Value;

use crate::util::{code_counts, counts, json_report, map, shared_testdata};

fn check_truth(file: &str) {
    let Some(dir) = shared_testdata(file) else { return };
    let log = dir.join("real/postfix").join(format!("{file}.log"));
    let truth: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("real/truth/postfix-{file}.json"))).unwrap()).unwrap();
    let r = json_report(&[log.to_str().unwrap()]);
    assert_eq!(code_counts(&r, "codes"), counts(&truth["event_basic_codes"]), "codes of {file}");
    assert_eq!(code_counts(&r, "enhanced_codes"), counts(&truth["event_enhanced_codes"]), "enhanced codes of {file}");
    assert_eq!(counts(&r["statuses"]), counts(&truth["delivery_status"]), "statuses of {file}");
    assert_eq!(counts(&r["other_statuses"]), counts(&truth["other_status"]), "other statuses of {file}");
    assert_eq!(r["lines"]["read"], truth["total_lines"], "lines of {file}");
    assert_eq!(r["lines"]["with_code"], truth["lines_with_any_code"], "lines with a code in {file}");
}

#[test]
fn real_postfix_whyscream_grok_patterns() {
    check_truth("whyscream-postfix-grok-patterns");
}

#[test]
fn real_postfix_crowdsec_hub() {
    check_truth("crowdsec-hub");
}

#[test]
fn real_postfix_ossec_hids_ruletests() {
    check_truth("ossec-hids-ruletests");
}

/// Counts of a log by the counting rules, written with regexes and without
/// any of smtpstat's parsing code.
struct ReferenceCount {
    codes: BTreeMap<String, u64>,
    enhanced: BTreeMap<String, u64>,
    statuses: BTreeMap<String, u64>,
}

fn reference_count(log: &[u8]) -> ReferenceCount {
    let anchor = Regex::new(r#"(?:: |status=\S+ \(|stat=\S+ \(|reject=|C=")([2-5][0-9]{2})"#).unwrap();
    let enhanced = Regex::new(r"^[245]\.[0-9]{1,3}\.[0-9]{1,3}").unwrap();
    let alone = Regex::new(r": ([245]\.[0-9]{1,3}\.[0-9]{1,3})").unwrap();
    let dsn = Regex::new(r"dsn=([245]\.[0-9]{1,3}\.[0-9]{1,3})").unwrap();
    let status = Regex::new(r"status=([A-Za-z]+)").unwrap();
    let reject = Regex::new(r"(?:NOQUEUE|[0-9A-Za-z]{5,}): reject: |milter-reject: ").unwrap();
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
        let st = match status.captures(line) {
            Some(c) => Some(c[1].to_string()),
            None if reject.is_match(line) => Some("rejected".to_string()),
            None => None,
        };
        if let Some(s) = st {
            *rc.statuses.entry(s.to_lowercase()).or_default() += 1;
        }
    }
    rc
}

/// An enhanced code at the start of `s` that is not followed by a digit or a dot.
fn enhanced_at(re: &Regex, s: &str) -> Option<String> {
    let m = re.find(s)?;
    match s.as_bytes()[m.end()..].first() {
        Some(c) if c.is_ascii_digit() || *c == b'.' => None,
        _ => Some(m.as_str().to_string()),
    }
}

fn check_mta_log(file: &str) {
    let Some(dir) = shared_testdata(file) else { return };
    let path = dir.join("mta/postfix").join(file);
    let reference = reference_count(&std::fs::read(&path).unwrap());
    let r = json_report(&[path.to_str().unwrap()]);
    assert_eq!(code_counts(&r, "codes"), reference.codes, "codes of {file}");
    assert_eq!(code_counts(&r, "enhanced_codes"), reference.enhanced, "enhanced codes of {file}");
    let mut st = counts(&r["statuses"]);
    st.extend(counts(&r["other_statuses"]));
    st.retain(|_, n| *n > 0);
    assert_eq!(st, reference.statuses, "statuses of {file}");
    check_scenarios(&r, file);
}

/// What the capture's scenarios must produce, whichever way Postfix logged
/// them (see the scenario table of the capture's README).
fn check_scenarios(r: &Value, file: &str) {
    let l = &r["lines"];
    assert_eq!(l["unrecognized"], 0, "every line of {file} is Postfix's");
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

#[test]
fn mta_postfix_syslog_traditional() {
    check_mta_log("syslog-traditional.log");
}

#[test]
fn mta_postfix_syslog_rfc3339() {
    check_mta_log("syslog-rfc3339.log");
}

#[test]
fn mta_postfix_postlog() {
    check_mta_log("postlog.log");
}

#[test]
fn reference_counter_agrees_with_the_truth_files() {
    // The regex counter itself is checked against the independent truth.
    let Some(dir) = shared_testdata("reference_counter_agrees_with_the_truth_files") else { return };
    for name in ["whyscream-postfix-grok-patterns", "crowdsec-hub", "ossec-hids-ruletests"] {
        let log = std::fs::read(dir.join("real/postfix").join(format!("{name}.log"))).unwrap();
        let truth: Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("real/truth/postfix-{name}.json"))).unwrap())
                .unwrap();
        let rc = reference_count(&log);
        assert_eq!(rc.codes, counts(&truth["event_basic_codes"]), "{name}");
        assert_eq!(rc.enhanced, counts(&truth["event_enhanced_codes"]), "{name}");
        let mut st = counts(&truth["delivery_status"]);
        st.extend(counts(&truth["other_status"]));
        st.retain(|_, n| *n > 0);
        assert_eq!(rc.statuses, st, "{name}");
    }
}

#[test]
fn own_fixture_agrees_with_the_reference_counter() {
    let path = crate::util::fixture("postfix-mixed.log");
    let rc = reference_count(&std::fs::read(&path).unwrap());
    let r = json_report(&[path.to_str().unwrap()]);
    assert_eq!(code_counts(&r, "codes"), rc.codes);
    assert_eq!(code_counts(&r, "enhanced_codes"), rc.enhanced);
    let _ = (Path::new("."), map(&[]));
}
