//! Inputs as logrotate leaves them and as a mixed syslog holds them:
//! every compression format, rotated sets, three MTAs in one file, time
//! windows and year boundaries, CSV tables.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::util::{code_counts, counts, fixture, json_report, map, smtpstat};

fn mixed_log() -> Vec<u8> {
    std::fs::read(fixture("postfix-mixed.log")).unwrap()
}

fn compress(kind: &str, data: &[u8]) -> Vec<u8> {
    match kind {
        "gz" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "bz2" => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "xz" => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "zst" => {
            // With the checksum, as the zstd command writes by default.
            let mut e = zstd::stream::Encoder::new(Vec::new(), 1).unwrap();
            e.include_checksum(true).unwrap();
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        _ => unreachable!(),
    }
}

#[test]
fn every_compression_format_gives_the_same_report() {
    let plain = json_report(&[fixture("postfix-mixed.log").to_str().unwrap()]);
    let dir = tempfile::tempdir().unwrap();
    for (kind, name) in [("gz", "gzip"), ("bz2", "bzip2"), ("xz", "xz"), ("zst", "zstd")] {
        // Two concatenated members/streams, as `cat a.gz b.gz` makes, and no telling file name.
        let mut data = compress(kind, &mixed_log());
        data.extend(compress(kind, &mixed_log()));
        let path = dir.path().join(format!("log-{kind}"));
        std::fs::write(&path, data).unwrap();
        let r = json_report(&[path.to_str().unwrap()]);
        assert_eq!(r["inputs"][0]["compression"], name);
        assert_eq!(r["lines"]["read"], 2 * plain["lines"]["read"].as_u64().unwrap(), "{name}");
        let doubled: std::collections::BTreeMap<String, u64> =
            code_counts(&plain, "codes").into_iter().map(|(k, v)| (k, 2 * v)).collect();
        assert_eq!(code_counts(&r, "codes"), doubled, "{name}");
    }
}

#[test]
fn corrupt_and_truncated_archives_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let big = mixed_log().repeat(300);
    for kind in ["gz", "bz2", "xz", "zst"] {
        let data = compress(kind, &big);
        let truncated = dir.path().join(format!("mail.log.1.{kind}"));
        std::fs::write(&truncated, &data[..data.len() * 2 / 3]).unwrap();
        let mut corrupt = data.clone();
        let mid = corrupt.len() / 2;
        corrupt[mid..mid + 64].iter_mut().for_each(|b| *b ^= 0x5a);
        let corrupted = dir.path().join(format!("mail.log.2.{kind}"));
        std::fs::write(&corrupted, &corrupt).unwrap();
        for path in [&truncated, &corrupted] {
            let out = smtpstat().args(["-f", "json", path.to_str().unwrap()]).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{}", path.display());
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(path.file_name().unwrap().to_str().unwrap()), "{err}");
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let read = v["lines"]["read"].as_u64().unwrap();
            // What came out before the damage is reported; a checksum at the
            // end of a stream may only catch the damage after everything.
            assert!(read <= 36 * 300, "{kind}: {read} lines");
            if path == &truncated {
                assert!(read < 36 * 300, "{kind}: {read} lines from a truncated archive");
            }
        }
    }
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn rotated_sets_by_directory_or_glob_are_read_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "mail.log", &mixed_log());
    write(d, "mail.log.1", &mixed_log());
    write(d, "mail.log.2.gz", &compress("gz", &mixed_log()));
    write(d, "mail.log.10.zst", &compress("zst", &mixed_log()));
    let names = |r: &serde_json::Value| -> Vec<String> {
        r["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| Path::new(i["name"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let want = ["mail.log.10.zst", "mail.log.2.gz", "mail.log.1", "mail.log"];
    let by_dir = json_report(&[d.to_str().unwrap()]);
    assert_eq!(names(&by_dir), want);
    assert_eq!(by_dir["lines"]["read"], 4 * 36);
    let pattern = format!("{}/mail.log*", d.display());
    assert_eq!(names(&json_report(&[&pattern])), want);
    // The shell's order does not matter either.
    let shell: Vec<String> = ["mail.log", "mail.log.1", "mail.log.10.zst", "mail.log.2.gz"]
        .iter()
        .map(|n| d.join(n).display().to_string())
        .collect();
    let args: Vec<&str> = shell.iter().map(String::as_str).collect();
    assert_eq!(names(&json_report(&args)), want);
    // A pattern that matches nothing is an error, the rest is still reported.
    let none = format!("{}/nothing*.log", d.display());
    let out = smtpstat().args(["-f", "json", &none, d.join("mail.log").to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no file matches"));
}

#[test]
fn one_syslog_with_three_mtas_and_foreign_lines() {
    let r = json_report(&[fixture("mixed-mta.log").to_str().unwrap()]);
    assert_eq!(counts(&r["mtas"]), map(&[("postfix", 4), ("exim", 5), ("sendmail", 3)]));
    assert_eq!(r["lines"]["foreign"], 3);
    assert_eq!(r["lines"]["unrecognized"], 0);
    assert_eq!(code_counts(&r, "codes"), map(&[("550", 3), ("250", 2), ("421", 1), ("451", 1)]));
    assert_eq!(
        counts(&r["statuses"]),
        map(&[("sent", 3), ("deferred", 2), ("bounced", 1), ("expired", 0), ("rejected", 3)])
    );
    // Forcing one MTA counts the others' lines as foreign.
    let exim = json_report(&["--mta", "exim", fixture("mixed-mta.log").to_str().unwrap()]);
    assert_eq!(counts(&exim["mtas"]), map(&[("postfix", 0), ("exim", 5), ("sendmail", 0)]));
    assert_eq!(exim["lines"]["foreign"], 10);
    let text = crate::util::flat_stdout(&[fixture("mixed-mta.log").to_str().unwrap()]);
    assert!(text.contains("MTAs: postfix 4 lines, exim 5 lines, sendmail 3 lines"), "{text}");
}

#[test]
fn day_since_and_until_select_lines_by_time() {
    let dir = tempfile::tempdir().unwrap();
    let log = b"2026-11-21T23:59:59.000000+00:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=5.1.1, status=bounced (host r[192.0.2.1] said: 550 5.1.1 no (in reply to RCPT TO command))
2026-11-22T00:00:00.000000+00:00 mx postfix/smtp[1]: 1A2B3C4D5F: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)
2026-11-22T12:30:00.000000+00:00 mx postfix/smtp[1]: 1A2B3C4D60: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=4.2.0, status=deferred (host r[192.0.2.1] said: 450 4.2.0 busy (in reply to RCPT TO command))
2026-11-22T23:59:59.000000+00:00 mx postfix/smtp[1]: 1A2B3C4D61: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)
2026-11-23T00:00:00.000000+00:00 mx postfix/smtp[1]: 1A2B3C4D62: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)
";
    let path = write(dir.path(), "mail.log", log);
    let p = path.to_str().unwrap();
    let run = |extra: &[&str]| {
        let out = smtpstat()
            .env("TZ", "UTC")
            .env("SMTPSTAT_TODAY", "2026-11-23")
            .args(["-f", "json"])
            .args(extra)
            .arg(p)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let y = run(&["--day", "yesterday"]);
    assert_eq!(code_counts(&y, "codes"), map(&[("250", 2), ("450", 1)]));
    assert_eq!(y["lines"]["outside_window"], 2);
    assert_eq!(y["period"]["first"], "2026-11-22T00:00:00");
    assert_eq!(y["window"]["since"], "2026-11-22T00:00:00");
    assert_eq!(code_counts(&run(&["--day", "2026-11-21"]), "codes"), map(&[("550", 1)]));
    assert_eq!(code_counts(&run(&["--day", "today"]), "codes"), map(&[("250", 1)]));
    let w = run(&["--since", "2026-11-22 12:00", "--until", "2026-11-23"]);
    assert_eq!(code_counts(&w, "codes"), map(&[("250", 1), ("450", 1)]));
    // The same instants written with another offset land on the same local clock.
    let shifted = String::from_utf8_lossy(log).replace("+00:00", "+02:00").replace("T00:00:00", "T02:00:00");
    let path2 = write(dir.path(), "shifted.log", shifted.as_bytes());
    let out = smtpstat().env("TZ", "UTC").args(["-f", "json", path2.to_str().unwrap()]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["period"]["last"], "2026-11-23T00:00:00");
    for bad in [["--day", "someday"], ["--since", "yesterday"]] {
        smtpstat().args(bad).arg(p).assert().code(2);
    }
}

#[test]
fn classic_stamps_get_the_right_year_across_new_year() {
    let dir = tempfile::tempdir().unwrap();
    let log = b"Dec 30 23:10:00 mx postfix/smtp[1]: 1A2B3C4D5E: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)
Dec 31 23:59:59 mx postfix/smtp[1]: 1A2B3C4D5F: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)
Jan  1 00:00:01 mx postfix/smtp[1]: 1A2B3C4D60: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)
Jan  2 08:00:00 mx postfix/smtp[1]: 1A2B3C4D61: to=<a@x.example>, relay=r[192.0.2.1]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)
";
    let path = write(dir.path(), "mail.log", log);
    // Rotated on 2 January 2027: the modification time says which year.
    let jan2 = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_798_848_000 + 3600 * 9);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(jan2).unwrap();
    let r = json_report(&[path.to_str().unwrap()]);
    assert_eq!(r["period"]["first"], "2026-12-30T23:10:00");
    assert_eq!(r["period"]["last"], "2027-01-02T08:00:00");
    let hours: Vec<&str> = r["hourly"].as_array().unwrap().iter().map(|h| h["hour"].as_str().unwrap()).collect();
    assert_eq!(hours, ["2026-12-30T23:00:00", "2026-12-31T23:00:00", "2027-01-01T00:00:00", "2027-01-02T08:00:00"]);
    // --year overrides the file's date.
    let r = json_report(&["--year", "2020", path.to_str().unwrap()]);
    assert_eq!(r["period"]["first"], "2020-01-01T00:00:01");
}

#[test]
fn csv_dir_writes_one_file_per_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tables");
    smtpstat()
        .args(["--csv-dir", out.to_str().unwrap(), "-o", dir.path().join("report.txt").to_str().unwrap()])
        .arg(fixture("postfix-mixed.log"))
        .assert()
        .success();
    let read = |name: &str| -> Vec<csv::StringRecord> {
        let mut r = csv::Reader::from_path(out.join(name)).unwrap();
        r.records().map(Result::unwrap).collect()
    };
    let headers = |name: &str| csv::Reader::from_path(out.join(name)).unwrap().headers().unwrap().clone();
    assert_eq!(headers("codes.csv").iter().take(5).collect::<Vec<_>>(), ["code", "class", "count", "share", "title"]);
    assert_eq!(read("codes.csv").len(), 7);
    assert_eq!(read("enhanced.csv").len(), 12);
    let statuses = read("statuses.csv");
    assert!(statuses.iter().any(|r| &r[0] == "rejected" && &r[1] == "6"));
    assert_eq!(headers("domains.csv").iter().collect::<Vec<_>>(), ["domain", "code", "class", "count"]);
    assert!(read("domains.csv").iter().any(|r| &r[0] == "example.com" && &r[1] == "550"));
    // Successful deliveries' domains are counted when this file is asked for.
    assert!(read("domains.csv").iter().any(|r| &r[0] == "gmail.com" && &r[1] == "250"));
    let hourly = read("hourly.csv");
    assert_eq!(&hourly[0][0], "2026-11-22T08:00:00");
    let total: u64 = hourly.iter().flat_map(|r| (1..5).map(move |i| r[i].parse::<u64>().unwrap())).sum();
    assert_eq!(total, 19);
}

#[test]
fn csv_dir_has_reasons_and_providers() {
    let dir = tempfile::tempdir().unwrap();
    smtpstat()
        .args(["--csv-dir", dir.path().to_str().unwrap(), "-f", "json"])
        .arg(fixture("postfix-mixed.log"))
        .assert()
        .success();
    let mut r = csv::Reader::from_path(dir.path().join("reasons.csv")).unwrap();
    assert_eq!(r.headers().unwrap().get(0), Some("reason"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let total: u64 = rows.iter().map(|x| x[2].parse::<u64>().unwrap()).sum();
    assert_eq!(total, 17);
    let without_code: u64 = rows.iter().map(|x| x[7].parse::<u64>().unwrap()).sum();
    assert_eq!(without_code, 1, "qmgr's expiry notice");
    assert!(dir.path().join("providers.csv").exists());
}

#[test]
fn every_stamp_style_a_syslog_writes_is_read() {
    // The same delivery as journald short-iso, a space-separated ISO
    // template, RFC 5424, the classic form and journald's short-precise,
    // short-full and short-unix: all Postfix, all timed.
    let delivery = "postfix/smtp[7]: 4F1A2B3C: to=<a@example.com>, relay=mx.example.com[192.0.2.1]:25, \
                    delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] \
                    said: 550 5.1.1 User unknown (in reply to RCPT TO command))";
    let rfc5424 = delivery.replacen("[7]: ", " 7 - - ", 1);
    let log = format!(
        "2026-11-23T04:58:29+0000 mx {delivery}\n\
         2026-11-23 04:58:30 mx {delivery}\n\
         <22>1 2026-11-23T04:58:31.000Z mx {rfc5424}\n\
         Nov 23 04:58:32 mx {delivery}\n\
         Nov 23 04:58:33.123456 mx {delivery}\n\
         Mon 2026-11-23 04:58:34 UTC mx {delivery}\n\
         1795409915.000001 mx {delivery}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.log");
    std::fs::write(&path, log).unwrap();
    let out =
        smtpstat().env("TZ", "UTC").args(["-f", "json", "--year", "2026", path.to_str().unwrap()]).output().unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["lines"]["recognized"], 7, "{}", r["lines"]);
    assert_eq!(r["mtas"]["postfix"], 7);
    assert_eq!(code_counts(&r, "codes"), map(&[("550", 7)]));
    let hours: u64 = r["hourly"].as_array().unwrap().iter().map(|h| h["permanent"].as_u64().unwrap()).sum();
    assert_eq!(hours, 7, "every line keeps its time: {}", r["hourly"]);
    assert_eq!(r["period"]["first"], "2026-11-23T04:58:29");
    assert_eq!(r["period"]["last"], "2026-11-23T04:58:35");
}

#[test]
fn facility_and_severity_words_are_read_past() {
    // Alpine's BusyBox syslogd writes `mail.info` between host and tag;
    // FreeBSD's `syslogd -vv` writes `<mail.info>` before the host;
    // Solaris's syslog `[ID n mail.info]` after the tag.
    let log = "Dec  5 06:00:09 mx mail.info postfix/smtpd[1]: connect from a.example[192.0.2.7]\n\
               Dec  5 06:00:09 mx mail.info postfix/smtp[2]: 4F1A2B3C: to=<a@example.com>, relay=mx.example.com[192.0.2.1]:25, \
               delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown \
               (in reply to RCPT TO command))\n\
               Dec  5 06:00:09 mx mail.warning postfix/smtp[2]: 4F1A2B3D: to=<b@example.com>, relay=none, delay=1, \
               delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.2]:25: Connection timed out)\n\
               Dec  5 06:00:10 mx mail.info dovecot: imap-login: Login: user=<a>\n\
               Dec  5 06:00:10 mx mail.info exim[3]: 2026-12-05 06:00:10 1tEX5b-000123-AB ** c@example.net R=dnslookup \
               T=remote_smtp H=mx.example.net [192.0.2.3]: SMTP error from remote mail server after RCPT TO:<c@example.net>: \
               550 5.1.1 No such user\n\
               Dec  5 06:00:11 <mail.info> mx postfix/qmgr[4]: 4F1A2B3C: removed\n\
               Dec  5 06:00:12 mx sendmail[5]: [ID 801593 mail.notice] 4B5C6D7E: ruleset=check_rcpt, arg1=<x@example.org>, \
               relay=z.example [192.0.2.5], reject=550 5.7.1 <x@example.org>... Relaying denied\n\
               Dec  5 06:00:12 mx postfix/smtpd[6]: [ID 197553 mail.info] NOQUEUE: reject: RCPT from z.example[192.0.2.5]: \
               554 5.7.1 <y@example.org>: Relay access denied; from=<a@example.com> to=<y@example.org> proto=ESMTP helo=<z>\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.log");
    std::fs::write(&path, log).unwrap();
    let r = json_report(&["--year", "2026", path.to_str().unwrap()]);
    let l = &r["lines"];
    assert_eq!(
        (l["read"].as_u64(), l["recognized"].as_u64(), l["foreign"].as_u64()),
        (Some(8), Some(7), Some(1)),
        "{l}"
    );
    assert_eq!((r["mtas"]["postfix"].as_u64(), r["mtas"]["sendmail"].as_u64()), (Some(5), Some(1)));
    assert_eq!(code_counts(&r, "codes"), map(&[("550", 3), ("554", 1)]));
    assert_eq!(r["statuses"]["rejected"], 2);
}

#[test]
fn exim_failures_without_a_code_have_reasons() {
    // Exim logs its own refusals and most deferrals without the reply.
    let log = "2026-12-05 06:00:01 1tEX5b-000001-AB == a@example.com R=dnslookup T=remote_smtp defer (111): Connection refused\n\
               2026-12-05 06:00:02 1tEX5b-000002-AB ** b@example.com: Unrouteable address\n\
               2026-12-05 06:00:03 H=(x) [192.0.2.5] F=<c@example.org> rejected RCPT <d@example.com>: relay not permitted\n\
               2026-12-05 06:00:04 H=(x) [192.0.2.5] F=<c@example.org> rejected RCPT <e@example.com>: relay not permitted\n\
               2026-12-05 06:00:05 1tEX5b-000003-AB ** f@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.3]: \
               SMTP error from remote mail server after RCPT TO:<f@example.net>: 550 5.1.1 No such user\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mainlog");
    std::fs::write(&path, log).unwrap();
    let r = json_report(&[path.to_str().unwrap()]);
    assert_eq!(r["failures_without_code"], 4);
    let reasons: Vec<(String, u64, u64)> = r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (x["id"].as_str().unwrap().to_string(), x["count"].as_u64().unwrap(), x["without_code"].as_u64().unwrap())
        })
        .collect();
    let want = [("relay-denied", 2, 2), ("unknown-user", 2, 1), ("connection-refused", 1, 1)];
    assert_eq!(reasons, want.map(|(id, n, w)| (id.to_string(), n, w)), "{}", r["reasons"]);
    let text = smtpstat().arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("  failures without a code     4\n"), "{text}");
    assert!(text.contains("550 (1), no code (1)"), "{text}");
}

#[test]
fn a_memory_mapped_file_gives_the_report_read_gives() {
    // Large files not written for a while are scanned through a map; the
    // report must not depend on it, oversized lines and a last line
    // without `\n` included.
    let mut data = mixed_log().repeat(3000);
    data.extend(std::iter::repeat_n(b'x', (1 << 20) + 5));
    data.push(b'\n');
    data.extend(mixed_log().repeat(100));
    data.extend_from_slice(b"Nov 23 04:58:29 mx postfix/smtp[1]: ABCDEF1: to=<a@b.example>, relay=r[192.0.2.1]:25, dsn=4.4.1, status=deferred (connect to r[192.0.2.1]:25: Connection timed out)");
    assert!(data.len() > 5 << 20, "{}", data.len());
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "mail.log.1", &data);
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
    let p = path.to_str().unwrap();
    for threads in ["1", "2"] {
        let mut mapped = json_report(&["--threads", threads, "--chunk-size", "300000", p]);
        let mut read = json_report(&["--threads", threads, "--chunk-size", "300000", "--no-mmap", p]);
        mapped["generator"] = serde_json::Value::Null;
        read["generator"] = serde_json::Value::Null;
        assert_eq!(mapped, read, "threads {threads}");
        assert_eq!(mapped["lines"]["oversized"], 1);
        assert_eq!(mapped["lines"]["bytes"], data.len() as u64);
    }
}

/// `line` as `journalctl -o json` writes the entry a classic syslog line
/// came from (stamp in microseconds of `year`, UTC), or `None` for a line
/// without a syslog prefix.
fn journal_entry(line: &str, year: i16) -> Option<String> {
    let (stamp, rest) = (line.get(..15)?, line.get(16..)?);
    let (host, rest) = rest.split_once(' ')?;
    let (tag, message) = rest.split_once(": ")?;
    let (identifier, pid) = match tag.split_once('[') {
        Some((name, pid)) => (name, pid.strip_suffix(']')?),
        None => (tag, ""),
    };
    let time = jiff::civil::DateTime::strptime("%Y %b %e %H:%M:%S", format!("{year} {stamp}")).ok()?;
    let micros = time.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp().as_microsecond();
    let mut entry = serde_json::json!({
        "__CURSOR": "s=0;i=1",
        "__REALTIME_TIMESTAMP": micros.to_string(),
        "PRIORITY": "6",
        "SYSLOG_FACILITY": "2",
        "SYSLOG_IDENTIFIER": identifier,
        "MESSAGE": message,
        "_HOSTNAME": host,
        "_TRANSPORT": "syslog",
    });
    if !pid.is_empty() {
        entry["SYSLOG_PID"] = pid.into();
        entry["_PID"] = pid.into();
    }
    Some(entry.to_string())
}

#[test]
fn journal_json_entries_report_as_the_syslog_lines_they_hold() {
    // The same log through rsyslog and through `journalctl -o json` (and
    // `-o json-seq`): the same report, line counts included; a line that
    // is no entry stays as it is on both sides.
    let mut log = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/mail.log")).unwrap();
    log += &String::from_utf8(mixed_log()).unwrap();
    log += &std::fs::read_to_string(fixture("mixed-mta.log")).unwrap();
    let mut json = String::new();
    let mut seq = String::new();
    let mut converted = 0;
    for line in log.lines() {
        match journal_entry(line, 2026) {
            Some(entry) => {
                converted += 1;
                json += &format!("{entry}\n");
                seq += &format!("\x1e{entry}\n");
            }
            None => {
                json += &format!("{line}\n");
                seq += &format!("{line}\n");
            }
        }
    }
    assert!(converted > 700, "{converted}");
    let dir = tempfile::tempdir().unwrap();
    let report = |name: &str, data: &str| {
        let path = write(dir.path(), name, data.as_bytes());
        let out = smtpstat()
            .env("TZ", "UTC")
            .args(["-f", "json", "--year", "2026", "--threads", "2", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        r["inputs"] = serde_json::Value::Null;
        r["lines"]["bytes"] = serde_json::Value::Null;
        r
    };
    let syslog = report("mail.log", &log);
    assert!(syslog["lines"]["recognized"].as_u64().unwrap() > 700, "{}", syslog["lines"]);
    for (name, data) in [("journal.json", &json), ("journal.seq", &seq)] {
        let journal = report(name, data);
        for (key, value) in syslog.as_object().unwrap() {
            assert_eq!(&journal[key], value, "{name}: {key}");
        }
    }
}
