//! End-to-end runs of the binary on the repository's own fixtures.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use predicates::prelude::*;

use crate::util::{code_counts, counts, fixture, flat, flat_stdout, json_report, map, smtpstat};

fn mixed() -> String {
    fixture("postfix-mixed.log").display().to_string()
}

#[test]
fn json_counts_follow_the_contract() {
    let r = json_report(&[&mixed()]);
    assert_eq!(r["schema_version"], 1);
    let l = &r["lines"];
    assert_eq!((l["read"].as_u64(), l["recognized"].as_u64(), l["with_code"].as_u64()), (Some(36), Some(31), Some(19)));
    // The `-- MARK --` line is syslogd's own: another program's.
    assert_eq!((l["unrecognized"].as_u64(), l["foreign"].as_u64(), l["blank"].as_u64()), (Some(1), Some(3), Some(1)));
    assert_eq!(
        code_counts(&r, "codes"),
        map(&[("550", 4), ("421", 2), ("450", 2), ("552", 2), ("250", 1), ("535", 1), ("554", 1)])
    );
    assert_eq!(
        code_counts(&r, "enhanced_codes"),
        map(&[
            ("5.7.1", 4),
            ("2.0.0", 3),
            ("5.1.1", 3),
            ("4.2.1", 1),
            ("4.2.2", 1),
            ("4.3.2", 1),
            ("4.4.1", 1),
            ("4.7.0", 1),
            ("4.7.1", 1),
            ("4.7.28", 1),
            ("5.3.4", 1),
            ("5.7.8", 1)
        ])
    );
    assert_eq!(
        counts(&r["statuses"]),
        map(&[("sent", 3), ("deferred", 3), ("bounced", 2), ("expired", 1), ("rejected", 6)])
    );
    assert_eq!(counts(&r["other_statuses"]), map(&[("undeliverable", 1), ("softbounce", 1)]));
    assert_eq!(counts(&r["classes"]), map(&[("success", 3), ("intermediate", 0), ("transient", 6), ("permanent", 10)]));
    assert_eq!(r["inferred_codes"][0]["code"], "535");
    assert_eq!(r["inferred_codes"][0]["count"], 1);
    assert_eq!(r["period"]["first"], "2026-11-22T08:00:01");
    assert_eq!(r["period"]["last"], "2026-11-22T08:12:00");
    // The first explained code is the most frequent failure, with its context.
    let top = &r["top"][0];
    assert_eq!(top["code"], "550");
    assert!(top["description"].as_str().unwrap().len() > 40);
    assert!(top["fix"].as_str().unwrap().len() > 40);
    let domains: Vec<&str> = top["domains"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert!(domains.contains(&"example.com") && domains.contains(&"outlook.com"), "{domains:?}");
    assert_eq!(r["contrast"]["transient"]["code"], "421");
    assert_eq!(r["contrast"]["permanent"]["code"], "550");
}

#[test]
fn text_report_explains_and_contrasts() {
    let text = flat_stdout(&[&mixed()]);
    for needle in [
        "Lines: 36 read, 31 recognised",
        "Replies by class",
        "Reply codes",
        "Enhanced status codes",
        "550 Mailbox unavailable",
        "What it means:",
        "When you see it:",
        "How to fix:",
        "Recipient domains:",
        "Transient (4xx) vs permanent (5xx)",
        "421 is a 4xx Transient Negative Completion reply",
        "while 550 is a 5xx Permanent Negative Completion reply",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // Example replies are masked.
    assert!(!text.contains("nobody@example.com"), "{text}");
}

#[test]
fn csv_has_a_row_per_code() {
    let out = smtpstat().args(["--format", "csv", &mixed()]).assert().success().get_output().stdout.clone();
    let mut rdr = csv::Reader::from_reader(&out[..]);
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers.iter().take(5).collect::<Vec<_>>(), &["code", "class", "count", "share", "title"]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7 + 12);
    assert_eq!(&rows[0][0], "550");
    assert_eq!(&rows[0][2], "4");
}

#[test]
fn gzip_stdin_and_several_files_agree() {
    let plain = std::fs::read(fixture("postfix-mixed.log")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The name says nothing: gzip is recognised by its magic bytes.
    let gz = dir.path().join("mail.log.2");
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(&plain).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let a = json_report(&[&mixed()]);
    let b = json_report(&[gz.to_str().unwrap()]);
    assert_eq!(a["codes"], b["codes"]);
    assert_eq!(a["lines"]["read"], b["lines"]["read"]);
    assert_eq!(b["inputs"][0]["compression"], "gzip");

    let piped = smtpstat().args(["-f", "json"]).write_stdin(plain.clone()).output().unwrap();
    let piped: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(piped["codes"], a["codes"]);
    let dash = smtpstat().args(["-f", "json", "-"]).write_stdin(plain.clone()).output().unwrap();
    let dash: serde_json::Value = serde_json::from_slice(&dash.stdout).unwrap();
    assert_eq!(dash["inputs"][0]["name"], "<stdin>");

    let both = json_report(&[&mixed(), gz.to_str().unwrap()]);
    assert_eq!(both["lines"]["read"], 72);
    assert_eq!(both["statuses"]["rejected"], 12);
}

#[test]
fn threads_and_chunk_sizes_do_not_change_the_result() {
    let base = json_report(&["--threads", "1", &mixed()]);
    for args in [["--threads", "2", "--chunk-size", "1"], ["--threads", "3", "--chunk-size", "700"]] {
        let mut all: Vec<&str> = args.to_vec();
        let m = mixed();
        all.push(&m);
        let r = json_report(&all);
        assert_eq!(r["codes"], base["codes"]);
        assert_eq!(r["enhanced_codes"], base["enhanced_codes"]);
        assert_eq!(r["lines"], base["lines"]);
        assert_eq!(r["top"], base["top"]);
        assert_eq!(r["hourly"], base["hourly"]);
    }
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    smtpstat().args(["-f", "json", "-o", out.to_str().unwrap(), &mixed()]).assert().success().stdout("");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["lines"]["read"], 36);
    // Only the report is left in the directory: no temporary files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_output_path_that_cannot_be_written_is_named_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no-such-dir").join("report.txt");
    let err = smtpstat().args(["-o", out.to_str().unwrap(), &mixed()]).assert().code(2).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains(&format!("{}: No such file or directory", out.display())), "{err}");
    // Not the temporary file the report would have been written to first.
    assert!(!err.contains("at path"), "{err}");
    assert_eq!(err.matches(".tmp").count(), 1, "the test's own directory alone: {err}");
}

#[test]
fn top_limits_the_explained_codes() {
    let r = json_report(&["--top", "2", &mixed()]);
    assert_eq!(r["top"].as_array().unwrap().len(), 2);
}

#[test]
fn explain_contrasts_two_codes() {
    let text = flat_stdout(&["explain", "421", "502"]);
    for needle in [
        "421 is a 4xx Transient Negative Completion reply in the x2z Connections category, \
         while 502 is a 5xx Permanent Negative Completion reply in the x0z Syntax category.",
        "When each applies",
        "How to fix",
        "What it means",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    let text = flat_stdout(&["explain", "221", "500"]);
    assert!(text.contains("221 is a 2xx Positive Completion reply"), "{text}");
    let text = flat_stdout(&["explain", "4.2.2", "5.1.1"]);
    assert!(text.contains("4.2.2 is a 4.X.X Persistent Transient Failure status in the X.2.X Mailbox"), "{text}");
    assert!(text.contains("5.1.1 is a 5.X.X Permanent Failure status in the X.1.X Addressing"), "{text}");
}

#[test]
fn explain_one_code() {
    let text = flat_stdout(&["explain", "550"]);
    for needle in ["550 Mailbox unavailable", "What it means", "When you see it", "How to fix", "RFC 5321"] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert!(flat_stdout(&["explain", "4.12.343"]).contains("[unregistered]"));
}

#[test]
fn explain_rejects_malformed_codes() {
    for bad in ["abc", "650", "5.1", "12345"] {
        smtpstat()
            .args(["explain", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not an SMTP code"))
            .stdout("");
    }
}

#[test]
fn codes_lists_the_knowledge_base() {
    let out = smtpstat().args(["codes", "--class", "4"]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("421 ") && text.contains("4.2.2 "));
    assert!(!text.contains("\n550 "));
}

#[test]
fn missing_file_is_reported_and_the_rest_counted() {
    let out = smtpstat().args(["-f", "json", "/nonexistent/mail.log", &mixed()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/mail.log"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["read"], 36);
    assert!(v["inputs"][0]["error"].is_string());
}

#[test]
fn an_empty_directory_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    smtpstat().arg(dir.path()).assert().code(2).stderr(predicate::str::contains("directory holds no log files"));
}

#[test]
fn bad_arguments_exit_2() {
    smtpstat().args(["--threads", "0", "x"]).assert().code(2);
    smtpstat().args(["--format", "xml", "x"]).assert().code(2);
}

#[test]
fn explain_speaks_every_language() {
    for lang in ["en", "hi", "tr", "zh", "vi"] {
        for pair in [["421", "502"], ["221", "500"], ["4.2.2", "5.1.1"], ["550", "4.7.28"]] {
            let out = smtpstat().args(["explain", pair[0], pair[1], "--lang", lang]).output().unwrap();
            assert!(out.status.success(), "{lang} {pair:?}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(!text.contains('{'), "{lang} {pair:?}: a placeholder was not filled:\n{text}");
            // Both pages, the differences and the applicability section.
            assert!(text.matches(pair[0]).count() >= 3 && text.matches(pair[1]).count() >= 3, "{lang}:\n{text}");
            assert!(text.lines().filter(|l| l.starts_with("    ")).count() >= 12, "{lang}: thin page:\n{text}");
        }
    }
    // The language comes from the locale when not given.
    let zh = smtpstat()
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(["explain", "550"])
        .output()
        .unwrap();
    assert!(String::from_utf8(zh.stdout).unwrap().contains("永久性"));
    let c = smtpstat()
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(["explain", "550"])
        .output()
        .unwrap();
    assert!(String::from_utf8(c.stdout).unwrap().contains("What it means"));
}

#[test]
fn report_headings_follow_the_language_but_json_keys_do_not() {
    let tr = flat_stdout(&["--lang", "tr", &mixed()]);
    assert!(tr.contains("smtpstat raporu"), "{tr}");
    assert!(!tr.contains("What it means"), "{tr}");
    let r = json_report(&["--lang", "vi", &mixed()]);
    assert_eq!(r["lang"], "vi");
    assert_eq!(r["codes"][0]["code"], "550");
    assert!(r["statuses"]["rejected"].is_u64());
}

#[test]
fn codes_export_as_json_and_csv() {
    let out = smtpstat().args(["codes", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = v["codes"].as_array().unwrap();
    assert!(codes.len() >= 44 + 81);
    assert!(codes.iter().all(|c| c["fix"].as_str().is_some_and(|f| !f.is_empty())));
    let out = smtpstat().args(["codes", "--format", "csv", "--class", "5", "--lang", "zh"]).output().unwrap();
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(rdr.headers().unwrap().get(0), Some("code"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| &r[2] == "permanent"));
    assert!(rows.iter().any(|r| &r[0] == "5.1.1"));
}

#[test]
fn failures_are_grouped_by_reason_and_provider() {
    let r = json_report(&[&mixed()]);
    let reasons = r["reasons"].as_array().unwrap();
    let ids: Vec<&str> = reasons.iter().map(|x| x["id"].as_str().unwrap()).collect();
    let total: u64 = reasons.iter().map(|x| x["count"].as_u64().unwrap()).sum();
    let failures = r["classes"]["transient"].as_u64().unwrap() + r["classes"]["permanent"].as_u64().unwrap();
    // qmgr's expiry notice is a failure without a code.
    assert_eq!(r["failures_without_code"], 1);
    assert_eq!(total, failures + 1, "every failure has exactly one reason: {ids:?}");
    let expired = reasons.iter().find(|x| x["id"] == "expired").expect("the expiry has its reason");
    assert_eq!((expired["count"].as_u64(), expired["without_code"].as_u64()), (Some(1), Some(1)));
    assert!(ids.contains(&"unknown-user"), "{ids:?}");
    let blocklist =
        reasons.iter().find(|x| x["lists"].as_array().is_some_and(|l| !l.is_empty())).expect("a block list named");
    assert_eq!(blocklist["lists"][0]["name"], "zen.spamhaus.org");
    let providers: Vec<&str> =
        r["providers"].as_array().unwrap().iter().map(|p| p["provider"].as_str().unwrap()).collect();
    assert!(providers.contains(&"gmail") && providers.contains(&"yahoo"), "{providers:?}");
    let gmail =
        r["providers"].as_array().unwrap().iter().find(|p| p["provider"] == "gmail" && p["code"] == "421").unwrap();
    assert!(gmail["meaning"].as_str().unwrap().len() > 20, "{gmail}");
    // The same table, in another language.
    let zh = json_report(&["--lang", "zh", &mixed()]);
    assert_ne!(zh["reasons"][0]["reason"], r["reasons"][0]["reason"]);
    assert_eq!(zh["reasons"][0]["id"], r["reasons"][0]["id"]);
}

#[test]
fn a_provider_is_told_by_its_hosts_whatever_digits_they_hold() {
    // The same deferral from Microsoft's hosts (named after a customer's
    // domain, digits and all) and from others: only the former count.
    let line = |n: usize, relay: &str| {
        format!(
            "Nov 22 00:02:{n:02} mx1 postfix/smtp[60407]: 5D25F9C4{n}: to=<u{n}@d{n}04.example.net>, relay={relay}[198.51.100.37]:25, \
             delay=4.3, delays=3.8/0/0.25/0.22, dsn=4.4.2, status=deferred (lost connection with {relay}[198.51.100.37] \
             while receiving the initial server greeting)\n"
        )
    };
    let mut log = String::new();
    for n in 0..3 {
        log += &line(n, &format!("d{n}04-example-net.mail.protection.outlook.com"));
    }
    for n in 3..7 {
        log += &line(n, &format!("mx{n}234.d{n}04.example.net"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.log");
    std::fs::write(&path, log).unwrap();
    let r = json_report(&[path.to_str().unwrap()]);
    let microsoft: u64 = r["providers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["provider"] == "microsoft")
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(microsoft, 3, "{}", r["providers"]);
}

#[test]
fn user_patterns_add_rules_and_bad_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("local.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"vendor-quota\"\nreason = { en = \"Vendor quota\" }\nhint = { en = \"Ask the vendor.\" }\nregex = '''(?i)user\\s+unknown'''\n",
    )
    .unwrap();
    let r = json_report(&["--patterns", rules.to_str().unwrap(), &mixed()]);
    let ids: Vec<&str> = r["reasons"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"vendor-quota"), "new rules are tried first: {ids:?}");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"oops\"\nreason = { en = \"x\" }\nhint = { en = \"y\" }\nregex = '''(unclosed'''\n",
    )
    .unwrap();
    smtpstat()
        .args(["--patterns", rules.to_str().unwrap(), &mixed()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("local.toml"))
        .stderr(predicate::str::contains("oops"));
}

#[test]
fn a_patterns_file_that_is_no_toml_gets_one_short_line() {
    // A log given by mistake as a rules file: one 100 kB line.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("mail.log");
    std::fs::write(&rules, format!("Nov 22 08:01:02 mx1 postfix/smtp[1]: {}\n", "x".repeat(100_000))).unwrap();
    let out = smtpstat().args(["--patterns", rules.to_str().unwrap(), &mixed()]).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with(&format!("smtpstat: {}: line 1, column ", rules.display())), "{err}");
    assert!(err.contains("(in \"Nov 22 08:01:02 mx1"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.len() < 400, "{} bytes", err.len());
}

#[test]
fn unclassified_failures_show_their_most_frequent_texts_masked() {
    let line = |qid: &str, rcpt: &str, reply: &str| {
        format!(
            "Nov 22 08:01:02 mx1 postfix/smtp[1]: {qid}: to=<{rcpt}@example.com>, relay=r[192.0.2.1]:25, status=bounced (host r[192.0.2.1] said: {reply} (in reply to RCPT TO command))\n"
        )
    };
    let mut log = String::new();
    for (i, (reply, n)) in
        [("550 zork <{}@example.com> plonk", 3), ("550 flurble", 2), ("554 quux", 1), ("552 wibble", 1)]
            .iter()
            .enumerate()
    {
        for k in 0..*n {
            let rcpt = format!("user{i}{k}");
            log.push_str(&line(&format!("4F2A1B3C{i}{k}"), &rcpt, &reply.replace("{}", &rcpt)));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.log");
    std::fs::write(&path, log).unwrap();
    let path = path.to_str().unwrap();
    let r = json_report(&[path, "--threads", "1"]);
    let unclassified = r["reasons"].as_array().unwrap().iter().find(|x| x["id"] == "unclassified").unwrap();
    assert_eq!(unclassified["count"], 7);
    // Most frequent first, ties by text (552 before 554); the mailbox name is masked.
    assert_eq!(
        unclassified["examples"],
        serde_json::json!(["550 zork <*@example.com> plonk", "550 flurble", "552 wibble"])
    );
    assert_eq!(json_report(&[path, "--threads", "4"])["reasons"], r["reasons"], "the same on any number of threads");
    let classified = r["reasons"].as_array().unwrap().iter().filter(|x| x["id"] != "unclassified");
    assert!(classified.into_iter().all(|x| x["examples"] == serde_json::json!([])));
    let text = flat_stdout(&[path]);
    assert!(text.contains(r#"Example: "550 zork <*@example.com> plonk""#), "{text}");
}

#[test]
fn codeless_failures_are_reported_with_their_domains_and_hosts() {
    let log = "2026-11-22 08:01:02 H=(x) [192.0.2.7] F=<a@example.org> rejected RCPT <nobody@example.com>: Unrouteable address\n\
               2026-11-22 08:01:03 H=(x) [192.0.2.7] F=<a@example.org> rejected RCPT <ghost@example.com>: Unrouteable address\n";
    let out = smtpstat().write_stdin(log).assert().success().get_output().stdout.clone();
    let text = flat(&out);
    assert!(text.contains("its 2 failures were logged without a code"), "{text}");
    assert!(!text.contains("No failures in this log"), "{text}");
    // They get a section of their own, as a code would.
    assert!(text.contains("Failures without a code — 2 events"), "{text}");
    assert!(text.contains("Recipient domains: example.com (2)"), "{text}");
    let out = smtpstat().args(["--format", "json"]).write_stdin(log).assert().success().get_output().stdout.clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let c = &r["codeless"];
    assert_eq!(c["count"], 2);
    assert_eq!(c["statuses"], serde_json::json!({"rejected": 2}));
    assert_eq!(c["domains"], serde_json::json!([{"name": "example.com", "count": 2}]));
    assert_eq!(c["remotes"], serde_json::json!([{"name": "192.0.2.7", "count": 2}]));
    assert_eq!(c["reasons"], serde_json::json!([{"reason": "Unknown recipient", "count": 2}]));
    assert_eq!(c["examples"], serde_json::json!(["Unrouteable address"]));
    let coded = "Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@example.com>, relay=r[192.0.2.1]:25, dsn=5.1.1, status=bounced (host r[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command))\n";
    let out = smtpstat().args(["--format", "json"]).write_stdin(coded).assert().success().get_output().stdout.clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["failures_without_code"], 0);
    assert!(r["codeless"].is_null(), "no section without such failures");
}
