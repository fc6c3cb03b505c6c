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
