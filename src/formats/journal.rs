//! journald's JSON export (`journalctl -o json`, and `-o json-seq` with its
//! leading record separator): one object per line, each field a string,
//! or an array of byte values when it is not printable UTF-8, or `null`
//! when it was too large to show. An entry is rewritten as the
//! `short-unix` syslog line with the same stamp, host, tag and message,
//! which the syslog and MTA parsers then read as any other line.

use std::borrow::Cow;
use std::io::Write;

use serde::Deserialize;

/// Whether `line` may be a journal entry: the cheap test before decoding.
#[inline]
pub fn may_be_entry(line: &[u8]) -> bool {
    matches!(line.first(), Some(b'{' | 0x1e))
}

/// Writes into `out` the syslog line that says what the journal entry
/// `line` says. `false` when `line` is no entry: not a JSON object, or
/// without the wall-clock stamp or the message every entry has.
pub fn to_syslog(line: &[u8], out: &mut Vec<u8>) -> bool {
    let line = line.strip_prefix(b"\x1e").unwrap_or(line);
    let Ok(entry) = serde_json::from_slice::<Entry<'_>>(line) else {
        return false;
    };
    let (Some(micros), Some(message)) = (entry.realtime.as_ref().and_then(Field::text), entry.message) else {
        return false;
    };
    let Some((seconds, fraction)) = stamp(micros) else {
        return false;
    };
    out.clear();
    let _ = write!(out, "{seconds}.{fraction} ");
    word(out, entry.host.as_ref().and_then(Field::text).unwrap_or("localhost"));
    out.push(b' ');
    let tag = [&entry.identifier, &entry.command].into_iter().find_map(|f| f.as_ref().and_then(Field::text));
    word(out, tag.unwrap_or("-"));
    let is_pid = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let pid = [&entry.syslog_pid, &entry.pid].into_iter().find_map(|f| f.as_ref().and_then(Field::text).filter(is_pid));
    if let Some(pid) = pid {
        let _ = write!(out, "[{pid}]");
    }
    out.extend_from_slice(b": ");
    match message {
        Some(Field::Text(text)) => out.extend_from_slice(text.as_bytes()),
        Some(Field::Bytes(bytes)) => out.extend_from_slice(&bytes),
        // A message too large to show, or several: the line still counts,
        // as one of its program's without an outcome.
        Some(Field::Other(_)) | None => {}
    }
    true
}

/// The fields read; journald writes dozens more, which are skipped.
#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(rename = "__REALTIME_TIMESTAMP", borrow)]
    realtime: Option<Field<'a>>,
    #[serde(rename = "_HOSTNAME", borrow)]
    host: Option<Field<'a>>,
    #[serde(rename = "SYSLOG_IDENTIFIER", borrow)]
    identifier: Option<Field<'a>>,
    #[serde(rename = "_COMM", borrow)]
    command: Option<Field<'a>>,
    #[serde(rename = "SYSLOG_PID", borrow)]
    syslog_pid: Option<Field<'a>>,
    #[serde(rename = "_PID", borrow)]
    pid: Option<Field<'a>>,
    /// `Some(None)` for `null`: journalctl left the message out.
    #[serde(rename = "MESSAGE", borrow, default, deserialize_with = "present")]
    message: Option<Option<Field<'a>>>,
}

/// A field that is there, even as `null`.
fn present<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Field<'a>>>, D::Error> {
    Option::<Field<'a>>::deserialize(d).map(Some)
}

/// One field's value as journalctl writes it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Field<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Bytes(Vec<u8>),
    /// `null`, or an array of values for a field set more than once.
    Other(serde::de::IgnoredAny),
}

impl Field<'_> {
    fn text(&self) -> Option<&str> {
        match self {
            Field::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// Microseconds since the epoch as seconds and six fraction digits.
fn stamp(micros: &str) -> Option<(&str, &str)> {
    if micros.len() < 7 || micros.len() > 19 || !micros.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(micros.split_at(micros.len() - 6))
}

/// `text` as one word of the prefix: white space, which would split it,
/// becomes `_`, and an empty value `-`.
fn word(out: &mut Vec<u8>, text: &str) {
    if text.is_empty() {
        out.push(b'-');
    }
    out.extend(text.bytes().map(|b| if b.is_ascii_whitespace() { b'_' } else { b }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syslog(line: &str) -> Option<String> {
        let mut out = Vec::new();
        to_syslog(line.as_bytes(), &mut out).then(|| String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn an_entry_becomes_its_short_unix_line() {
        let line = r#"{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1764914409123456","__MONOTONIC_TIMESTAMP":"99","PRIORITY":"6","SYSLOG_FACILITY":"2","SYSLOG_IDENTIFIER":"postfix/smtpd","SYSLOG_PID":"4242","MESSAGE":"NOQUEUE: reject: RCPT from x[192.0.2.1]: 554 5.7.1 <a@b>: \"quoted\" \\ text","_PID":"4242","_HOSTNAME":"mx1","_COMM":"smtpd"}"#;
        assert_eq!(
            syslog(line).as_deref(),
            Some(
                r#"1764914409.123456 mx1 postfix/smtpd[4242]: NOQUEUE: reject: RCPT from x[192.0.2.1]: 554 5.7.1 <a@b>: "quoted" \ text"#
            )
        );
    }

    #[test]
    fn json_seq_byte_arrays_and_missing_fields() {
        // A message that is no UTF-8 comes as its bytes; no SYSLOG_* fields
        // leaves the command and the process id; no host gives a stand-in.
        let line = "\x1e{\"__REALTIME_TIMESTAMP\":\"1764914409000001\",\"_COMM\":\"exim4\",\"_PID\":\"7\",\"MESSAGE\":[104,105,255]}";
        let mut out = Vec::new();
        assert!(to_syslog(line.as_bytes(), &mut out));
        assert_eq!(out, b"1764914409.000001 localhost exim4[7]: hi\xff");
        // A message journalctl left out for its size still makes a line.
        let null = r#"{"__REALTIME_TIMESTAMP":"1764914409000001","SYSLOG_IDENTIFIER":"postfix/smtp","_HOSTNAME":"my host","MESSAGE":null,"SYSLOG_PID":"x1"}"#;
        assert_eq!(syslog(null).as_deref(), Some("1764914409.000001 my_host postfix/smtp: "));
        // A process id that is no number gives way to the journal's own.
        let pid = null.replace(r#""SYSLOG_PID":"x1""#, r#""SYSLOG_PID":"x1","_PID":"42""#);
        assert_eq!(syslog(&pid).as_deref(), Some("1764914409.000001 my_host postfix/smtp[42]: "));
    }

    proptest::proptest! {
        #[test]
        fn any_message_comes_through_whole(message in ".*", host in "[^\\s]{0,20}", pid in 0u32..99999) {
            // serde_json writes what journalctl writes: quotes, backslashes
            // and control bytes escaped, other text as it is.
            let entry = serde_json::json!({
                "__REALTIME_TIMESTAMP": "1764914409123456",
                "_HOSTNAME": host,
                "SYSLOG_IDENTIFIER": "postfix/smtp",
                "SYSLOG_PID": pid.to_string(),
                "MESSAGE": message,
            });
            let mut out = Vec::new();
            proptest::prop_assert!(to_syslog(entry.to_string().as_bytes(), &mut out));
            let head = format!("1764914409.123456 {} postfix/smtp[{pid}]: ", if host.is_empty() { "-" } else { &host });
            proptest::prop_assert_eq!(&out[..head.len()], head.as_bytes());
            proptest::prop_assert_eq!(&out[head.len()..], message.as_bytes());
        }
    }

    #[test]
    fn not_entries() {
        let mut out = Vec::new();
        for line in [
            &b"{"[..],
            b"{}",
            br#"{"MESSAGE":"no stamp"}"#,
            br#"{"__REALTIME_TIMESTAMP":"12ab","MESSAGE":"bad stamp"}"#,
            br#"{"__REALTIME_TIMESTAMP":"1764914409000001"}"#,
            br#"["__REALTIME_TIMESTAMP","MESSAGE"]"#,
            b"{\"__REALTIME_TIMESTAMP\":\"1764914409000001\",\"MESSAGE\":\"\xff\"}",
        ] {
            assert!(!to_syslog(line, &mut out), "{}", String::from_utf8_lossy(line));
        }
        assert!(!may_be_entry(b"Dec  6 03:00:01 mx postfix/smtpd[1]: {"));
    }
}
