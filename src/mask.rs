//! Masks the personal and volatile parts of a reply text before it is kept
//! as an example: mailbox names, IP addresses and long ids. What remains
//! shows the shape of the reply, and equal shapes compare equal.

/// Returns a masked copy, with invalid UTF-8 replaced. Bounded to `max`
/// bytes of input so one huge reply cannot grow memory.
pub fn mask(text: &[u8], max: usize) -> String {
    let text = &text[..text.len().min(max)];
    let mut out = String::with_capacity(text.len());
    // Valid text (nearly all) is copied by slices; tokens end at ASCII
    // separators, which are always character boundaries.
    let valid = std::str::from_utf8(text).ok();
    let mut i = 0;
    while i < text.len() {
        let tok_end = i + text[i..].iter().position(|&c| is_separator(c)).unwrap_or(text.len() - i);
        if tok_end == i {
            out.push(char::from(text[i]));
            i += 1;
            continue;
        }
        push_token(&mut out, Piece { text, valid }, i, tok_end);
        i = tok_end;
    }
    out
}

fn is_separator(c: u8) -> bool {
    matches!(c, b' ' | b'<' | b'>' | b'(' | b')' | b'[' | b']' | b',' | b';' | b'"' | b'\'' | b'=' | b'\t')
}

/// The text being masked, and the same as `str` when it is valid UTF-8.
#[derive(Clone, Copy)]
struct Piece<'a> {
    text: &'a [u8],
    valid: Option<&'a str>,
}

impl Piece<'_> {
    /// Appends `text[from..to]`, invalid UTF-8 replaced.
    fn push(self, out: &mut String, from: usize, to: usize) {
        match self.valid {
            Some(s) => out.push_str(&s[from..to]),
            None => push_lossy(out, &self.text[from..to]),
        }
    }
}

fn push_token(out: &mut String, p: Piece<'_>, start: usize, end: usize) {
    let tok = &p.text[start..end];
    // A trailing `:` or `.` is punctuation, not part of the token.
    let core_end = end - tok.iter().rev().take_while(|&&c| c == b':' || c == b'.').count();
    let core = &p.text[start..core_end];
    // Only a token with a digit, `:` or `@` can be an address, an IP
    // or an id; most words are copied as they stand.
    if !core.iter().any(|&c| c.is_ascii_digit() || matches!(c, b':' | b'@')) {
        p.push(out, start, core_end);
    } else if let Some(at) = memchr::memrchr(b'@', core) {
        out.push_str("*@");
        p.push(out, start + at + 1, core_end);
    } else if is_ip(core) {
        out.push_str("IP");
    } else if is_id(core) {
        out.push('#');
    } else {
        p.push(out, start, core_end);
    }
    p.push(out, core_end, end);
}

fn push_lossy(out: &mut String, b: &[u8]) {
    out.push_str(&String::from_utf8_lossy(b));
}

/// IPv4 dotted quads and IPv6 (hex groups with at least two colons).
fn is_ip(t: &[u8]) -> bool {
    let t = t.strip_prefix(b"IPv6:").unwrap_or(t);
    let dots = t.iter().filter(|&&c| c == b'.').count();
    let colons = t.iter().filter(|&&c| c == b':').count();
    let v4 = dots == 3 && t.iter().all(|c| c.is_ascii_digit() || *c == b'.');
    let v6 = colons >= 2 && t.iter().all(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.'));
    v4 || v6
}

/// Queue ids, session ids, tracking numbers: long tokens with several digits.
fn is_id(t: &[u8]) -> bool {
    let code_part = match t {
        [a, b, c, b'-', rest @ ..] if [a, b, c].iter().all(|d| d.is_ascii_digit()) => rest,
        _ => t,
    };
    if crate::code::EnhancedCode::parse(code_part).is_some() {
        return false;
    }
    let digits = t.iter().filter(|c| c.is_ascii_digit()).count();
    t.len() >= 6
        && digits >= 3
        && t.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/'))
        && !t.contains(&b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Masking token by token with a lossy copy of each, as [`mask`] must.
    fn plain_mask(text: &[u8], max: usize) -> String {
        let text = &text[..text.len().min(max)];
        let mut out = String::new();
        let mut i = 0;
        while i < text.len() {
            let tok_end = i + text[i..].iter().position(|&c| is_separator(c)).unwrap_or(text.len() - i);
            if tok_end == i {
                push_lossy(&mut out, &text[i..i + 1]);
                i += 1;
                continue;
            }
            let tok = &text[i..tok_end];
            let core_len = tok.len() - tok.iter().rev().take_while(|&&c| c == b':' || c == b'.').count();
            let (core, punct) = tok.split_at(core_len);
            if let Some(at) = memchr::memrchr(b'@', core) {
                out.push_str("*@");
                push_lossy(&mut out, &core[at + 1..]);
            } else if is_ip(core) {
                out.push_str("IP");
            } else if is_id(core) {
                out.push('#');
            } else {
                push_lossy(&mut out, core);
            }
            push_lossy(&mut out, punct);
            i = tok_end;
        }
        out
    }

    /// Pieces that make addresses, IPs, ids, codes and words when joined.
    const PIECES: &[&[u8]] = &[
        b" ",
        b"<",
        b">",
        b"(",
        b")",
        b"[",
        b"]",
        b",",
        b";",
        b"\"",
        b"'",
        b"=",
        b"\t",
        b":",
        b".",
        b"@",
        b"/",
        b"-",
        b"_",
        b"1",
        b"22",
        b"333",
        b"4.7.1",
        b"550-",
        b"dead",
        b"beef",
        b"ab",
        b"xyz",
        b"IPv6:",
        b"\xc3\xa9",
        b"\xff",
        b"\xe2\x82",
    ];

    /// Pieces that join into IPv6-like tokens, and near misses.
    const IP_PIECES: &[&[u8]] = &[b"dead", b"beef", b":", b".", b"1", b" ", b"@", b"IPv6:"];

    proptest::proptest! {
        #[test]
        fn masks_as_token_by_token_copies_do(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40),
            max in 0usize..130,
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(mask(&text, max), plain_mask(&text, max));
        }

        #[test]
        fn masks_ip_like_tokens_as_token_by_token_copies_do(pieces in proptest::collection::vec(
            proptest::sample::select(IP_PIECES), 0..30)) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(mask(&text, 200), plain_mask(&text, 200));
        }
    }

    #[test]
    fn masks_personal_and_volatile_parts() {
        let table = [
            (
                "550 5.1.1 <bob@example.com>: Recipient address rejected",
                "550 5.1.1 <*@example.com>: Recipient address rejected",
            ),
            ("250 2.0.0 Ok: queued as 4F1A2B3C9D", "250 2.0.0 Ok: queued as #"),
            (
                "550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org",
                "550 5.7.1 Service unavailable; client [IP] blocked using zen.spamhaus.org",
            ),
            ("421-4.7.0 [2001:db8::1      15] Our system", "421-4.7.0 [IP      15] Our system"),
            (
                "550 5.7.1 https://support.google.com/mail/?p=X x8si14244020wif.39 - gsmtp",
                "550 5.7.1 https://support.google.com/mail/?p=X # - gsmtp",
            ),
        ];
        for (input, want) in table {
            assert_eq!(mask(input.as_bytes(), 1000), want);
        }
        assert_eq!(mask(b"abc \xff", 1000), "abc \u{fffd}");
        assert_eq!(mask(b"abcdef", 3), "abc");
        assert_eq!(mask(b"421 4.7.28 rate", 100), "421 4.7.28 rate");
        assert_eq!(mask(b"from dead:beef::cafe: bye", 100), "from IP: bye");
    }
}
