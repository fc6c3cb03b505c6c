//! Broken and hostile input through the binary: never a panic, a clear
//! message where something was wrong, and the rest of the report intact.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use predicates::prelude::*;

use crate::util::{fixture, smtpstat};

const GOOD: &[u8] = b"Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@example.com>, relay=r[192.0.2.1]:25, dsn=5.1.1, status=bounced (host r[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command))\n";

fn run_json(input: Vec<u8>) -> serde_json::Value {
    let out = smtpstat().args(["-f", "json"]).write_stdin(input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn binary_junk_invalid_utf8_nul_and_crlf() {
    let mut input = Vec::new();
    input.extend_from_slice(b"\x00\x01\x02\xff\xfe binary junk\n");
    input.extend_from_slice(&GOOD[..GOOD.len() - 1]);
    input.extend_from_slice(b"\r\n");
    let mut bad_utf8 = GOOD.to_vec();
    bad_utf8.splice(60..60, *b"\xc3\x28\x00");
    input.extend_from_slice(&bad_utf8);
    input.extend_from_slice(b"\n\n\x1b[31m\x1b]0;owned\x07\n");
    let v = run_json(input);
    assert_eq!(v["lines"]["read"], 6);
    assert_eq!(v["lines"]["with_code"], 2);
    assert_eq!(v["lines"]["invalid_utf8"], 2);
    assert_eq!(v["codes"][0]["count"], 2);
}

#[test]
fn escape_sequences_in_replies_never_reach_the_terminal() {
    let line = "Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@example.com>, relay=r[192.0.2.1]:25, dsn=5.7.1, status=bounced (host r[192.0.2.1] said: 550 5.7.1 \x1b[2J\x1b]0;pwned\x07 go away\u{202e} (in reply to RCPT TO command))\n";
    let out = smtpstat().write_stdin(line).assert().success().get_output().stdout.clone();
    assert!(!out.contains(&0x1b), "raw ESC in the text report");
    assert!(!out.contains(&0x07), "raw BEL in the text report");
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\\x1b[2J"), "{text}");
    assert!(!text.contains('\u{202e}'));
}

#[test]
fn a_line_of_several_megabytes_is_skipped_and_counted() {
    let mut input = GOOD.to_vec();
    input.extend(std::iter::repeat_n(b'A', 3 << 20));
    input.push(b'\n');
    input.extend_from_slice(GOOD);
    let v = run_json(input);
    assert_eq!(v["lines"]["read"], 3);
    assert_eq!(v["lines"]["oversized"], 1);
    assert_eq!(v["lines"]["unrecognized"], 1);
    assert_eq!(v["codes"][0]["count"], 2);
}

#[test]
fn empty_input() {
    let v = run_json(Vec::new());
    assert_eq!(v["lines"]["read"], 0);
    assert_eq!(v["codes"].as_array().unwrap().len(), 0);
    smtpstat().write_stdin("").assert().success().stdout(predicate::str::contains("No failures"));
}

#[test]
fn truncated_gzip_reports_what_was_read_and_exits_2() {
    let plain = std::fs::read(fixture("postfix-mixed.log")).unwrap().repeat(200);
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(&plain).unwrap();
    let gz = enc.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("mail.log.1.gz");
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let out = smtpstat().args(["-f", "json", cut.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mail.log.1.gz") && err.contains("truncated or corrupt"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let read = v["lines"]["read"].as_u64().unwrap();
    assert!(read > 100 && read < 36 * 200, "{read}");
}

#[test]
fn closed_stdout_is_not_an_error() {
    // `smtpstat … | head -1`: the reader goes away; we exit quietly.
    let input = std::fs::read(fixture("postfix-mixed.log")).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("smtpstat"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Peak RSS of a finished child in KiB, by /usr/bin/time when it exists.
fn peak_rss_kib(args: &[&str], stdin: Option<std::fs::File>) -> Option<u64> {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("skipping the memory check: /usr/bin/time is absent");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rss");
    let mut cmd = std::process::Command::new(time);
    cmd.args(["-f", "%M", "-o", out.to_str().unwrap()]).arg(assert_cmd::cargo::cargo_bin("smtpstat")).args(args);
    cmd.stdout(std::process::Stdio::null());
    if let Some(f) = stdin {
        cmd.stdin(f);
    }
    let status = cmd.status().unwrap();
    assert!(status.success() || status.code() == Some(2), "{status:?}");
    std::fs::read_to_string(out).ok()?.trim().lines().last()?.parse().ok()
}

#[test]
fn random_binary_is_counted_not_fatal() {
    // A fixed xorshift stream: the same bytes on every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..2_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let v = run_json(bytes);
    assert_eq!(v["lines"]["read"], lines);
    let l = &v["lines"];
    let sum = ["blank", "recognized", "foreign", "unrecognized"].iter().map(|k| l[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum, lines, "every line lands in exactly one bucket");
    // Noise that happens to start like a log line (a tab, a stamp) is rare.
    assert!(l["recognized"].as_u64().unwrap() * 1000 < lines, "{l}");
}

#[test]
fn a_50_mb_line_is_skipped_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.log");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(GOOD).unwrap();
    let chunk = vec![b'Z'; 1 << 20];
    for _ in 0..50 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\n").unwrap();
    f.write_all(GOOD).unwrap();
    drop(f);
    let v = crate::util::json_report(&[path.to_str().unwrap()]);
    assert_eq!(v["lines"]["oversized"], 1);
    assert_eq!(v["lines"]["read"], 3);
    assert_eq!(v["codes"][0]["count"], 2);
    if let Some(kib) = peak_rss_kib(&[path.to_str().unwrap()], None) {
        assert!(kib < 100 * 1024, "peak RSS {kib} KiB for a 50 MB line");
    }
}

#[test]
fn a_fifo_is_read_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let ok = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    if !ok {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new().write(true).open(writer_path).unwrap();
        for _ in 0..1000 {
            w.write_all(GOOD).unwrap();
        }
    });
    let v = crate::util::json_report(&[fifo.to_str().unwrap()]);
    writer.join().unwrap();
    assert_eq!(v["lines"]["read"], 1000);
    assert_eq!(v["codes"][0]["count"], 1000);
}

#[test]
fn an_unreadable_file_among_readable_ones() {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.log");
    std::fs::write(&locked, GOOD).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        eprintln!("skipping: running with privileges that read any file");
        return;
    }
    let open = dir.path().join("open.log");
    std::fs::write(&open, GOOD).unwrap();
    let out = smtpstat().args(["-f", "json", locked.to_str().unwrap(), open.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("locked.log"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["read"], 1);
}

#[test]
fn a_file_that_grows_while_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing.log");
    std::fs::write(&path, GOOD.repeat(20_000)).unwrap();
    let p = path.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
        for _ in 0..200 {
            f.write_all(&GOOD.repeat(100)).unwrap();
        }
    });
    let v = crate::util::json_report(&[path.to_str().unwrap()]);
    writer.join().unwrap();
    let read = v["lines"]["read"].as_u64().unwrap();
    assert!((20_000..=40_000).contains(&read), "{read}");
    assert_eq!(v["codes"][0]["count"].as_u64().unwrap(), read, "every whole line counted once");
}

#[test]
fn a_20_gb_compressed_stream_keeps_memory_flat() {
    // One zstd frame of 64 MiB of a byte, repeated: 20 GiB when inflated.
    // It decodes to one enormous line (skipped as oversized) and a real one.
    let frame = zstd::encode_all(&vec![b'q'; 64 << 20][..], 3).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.zst");
    let mut f = std::fs::File::create(&path).unwrap();
    for _ in 0..320 {
        f.write_all(&frame).unwrap();
    }
    let tail = zstd::encode_all(&[b"\n".as_slice(), GOOD].concat()[..], 3).unwrap();
    f.write_all(&tail).unwrap();
    drop(f);
    let v = crate::util::json_report(&[path.to_str().unwrap()]);
    assert_eq!(v["lines"]["oversized"], 1);
    assert_eq!(v["codes"][0]["count"], 1);
    assert!(v["lines"]["bytes"].as_u64().unwrap() > 20 << 30);
    if let Some(kib) = peak_rss_kib(&[path.to_str().unwrap()], None) {
        assert!(kib < 100 * 1024, "peak RSS {kib} KiB");
    }
}

#[test]
fn a_million_recipient_domains_cost_bounded_memory() {
    let mut log = Vec::with_capacity(200 << 20);
    for i in 0..1_000_000u32 {
        log.extend_from_slice(b"Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@d");
        log.extend_from_slice(i.to_string().as_bytes());
        log.extend_from_slice(b".example>, relay=none, dsn=5.1.1, status=bounced (host r[192.0.2.1] said: 550 5.1.1 no (in reply to RCPT TO command))\n");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("domains.log");
    std::fs::write(&path, &log).unwrap();
    let v = crate::util::json_report(&[path.to_str().unwrap()]);
    let top = &v["top"][0];
    assert_eq!(top["count"], 1_000_000);
    let kept = top["distinct_domains"].as_u64().unwrap();
    assert!(kept <= 10_000, "{kept} domains kept");
    assert_eq!(kept + top["other_domains"].as_u64().unwrap(), 1_000_000);
    if let Some(kib) = peak_rss_kib(&[path.to_str().unwrap()], None) {
        assert!(kib < 150 * 1024, "peak RSS {kib} KiB");
    }
}

#[test]
fn csv_cells_from_logs_cannot_be_formulas() {
    let line = "Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@=HYPERLINK(\"http://x.example\")>, relay=r[192.0.2.1]:25, dsn=5.1.1, status=bounced (host r[192.0.2.1] said: 550 5.1.1 no (in reply to RCPT TO command))\n";
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("t");
    smtpstat().args(["--csv-dir", tables.to_str().unwrap(), "-f", "json"]).write_stdin(line).assert().success();
    let text = std::fs::read_to_string(tables.join("domains.csv")).unwrap();
    assert!(text.contains("'=hyperlink"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with('=') || l.starts_with("\"=")), "{text}");
}

#[test]
fn invalid_utf8_makes_valid_json() {
    let line = b"Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@b\xff\xfe.example>, relay=r\xc0[192.0.2.1]:25, dsn=5.1.1, status=bounced (host r[192.0.2.1] said: 550 5.1.1 bad \xed\xa0\x80 bytes (in reply to RCPT TO command))\n";
    let out = smtpstat().args(["-f", "json"]).write_stdin(line.to_vec()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["lines"]["invalid_utf8"], 1);
    assert!(v["top"][0]["examples"][0].as_str().unwrap().contains('\u{fffd}'));
}

#[test]
fn a_failed_output_leaves_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing-dir").join("report.json");
    smtpstat()
        .args(["-f", "json", "-o", target.to_str().unwrap()])
        .write_stdin(GOOD)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("report.json"));
    assert!(!target.exists());
}

#[test]
fn sigint_stops_promptly_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    // Stdin stays open, so only the signal can end the run.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("smtpstat"))
        .args(["-o", report.to_str().unwrap(), "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&GOOD.repeat(1000)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    if !killed.is_ok_and(|s| s.success()) {
        eprintln!("skipping: kill is not available");
        let _ = child.kill();
        let _ = child.wait();
        return;
    }
    let start = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    drop(stdin);
    assert!(!report.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left");
}

#[test]
fn unrecognized_lines_with_codes_are_shown_masked() {
    let input = [
        GOOD,
        b"Nov 22 08:01:02 mx1 postfix/smtp[1]: ok\n",
        b"2026-11-22 08:01:02,123 newmta deliver to bob@example.com failed with 550 5.1.1 no such user\n",
        b"garbage without any code\n",
    ]
    .concat();
    let text = smtpstat().args(["--show-unrecognized", "5"]).write_stdin(input).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Unrecognised lines that look like they carry a code"), "{text}");
    assert!(text.contains("*@example.com failed with 550 5.1.1 no such user"), "{text}");
    assert!(!text.contains("garbage without"), "{text}");
}

#[test]
fn fail_on_exits_1_with_the_reason_and_still_writes_the_report() {
    let input = [GOOD, b"garbage\n"].concat();
    let out = smtpstat()
        .args(["-f", "json", "--fail-on", "unrecognized>10%,deferred>5"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unrecognized>10%") && err.contains("50.00%"), "{err}");
    assert!(!err.contains("deferred>5"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lines"]["read"], 2);
    smtpstat().args(["--fail-on", "permanent>99%"]).write_stdin(input.clone()).assert().code(1);
    smtpstat().args(["--fail-on", "permanent<1%"]).write_stdin(input.clone()).assert().code(0);
    smtpstat()
        .args(["--fail-on", "bogus>1"])
        .write_stdin(input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown metric"));
}

/// Runs a one-thread JSON report on `path` and cuts the file to 1000 lines
/// and a part line `ms` milliseconds after the start.
fn cut_while_read(path: &std::path::Path, args: &[&str], ms: u64) -> std::process::Output {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("smtpstat"))
        .args(["-f", "json", "--threads", "1"])
        .args(args)
        .arg(path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(ms));
    std::fs::OpenOptions::new().write(true).open(path).unwrap().set_len(GOOD.len() as u64 * 1000 + 17).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_file_truncated_while_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shrinking.log");
    std::fs::write(&path, GOOD.repeat(400_000)).unwrap();
    let out = cut_while_read(&path, &[], 20);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let read = v["lines"]["read"].as_u64().unwrap();
    // However far the read got, the counts agree with each other.
    assert!((1000..=400_000).contains(&read), "{read}");
    let l = &v["lines"];
    let sum = ["blank", "recognized", "foreign", "unrecognized"].iter().map(|k| l[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum, read);
}

#[test]
fn a_quiet_file_cut_short_while_mapped_ends_with_a_message_not_a_crash() {
    // Files not written for a while are read through a memory map; cutting
    // one short under the scan must not kill the process with SIGBUS.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.log.1");
    std::fs::write(&path, GOOD.repeat(300_000)).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
    let out = cut_while_read(&path, &["--chunk-size", "65536"], 30);
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        // The scan got past the cut: a clean error naming the file.
        Some(2) => {
            assert!(err.contains("mail.log.1") && err.contains("cut short while it was read"), "{err}");
            assert!(out.stdout.is_empty());
        }
        // The scan finished before the cut, or started after it.
        Some(0) => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let read = v["lines"]["read"].as_u64().unwrap();
            assert!(read == 300_000 || read == 1001, "{read}");
        }
        other => panic!("ended by {other:?} (a signal?): {err}"),
    }
}

#[test]
fn escape_sequences_in_unclassified_replies_never_reach_the_terminal() {
    let line = "Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@example.com>, relay=r[192.0.2.1]:25, status=bounced (host r[192.0.2.1] said: 550 zork \x1b[2J\x1b]0;pwned\x07 quux (in reply to RCPT TO command))\n";
    let out = smtpstat().write_stdin(line).assert().success().get_output().stdout.clone();
    assert!(!out.contains(&0x1b) && !out.contains(&0x07), "raw control bytes in the text report");
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("Example: \"550 zork \\x1b[2J"), "{text}");
}
