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
        let tok_end = token_end(text, i);
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

/// Where the token that starts at `from` ends: at the next separator.
fn token_end(t: &[u8], from: usize) -> usize {
    from + t[from..].iter().position(|&c| is_separator(c)).unwrap_or(t.len() - from)
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

/// What a token's core (the token without trailing `:` and `.`) becomes.
#[derive(Clone, Copy)]
enum Masked {
    /// Copied as it stands.
    Kept,
    /// `*@` and the domain, which starts at this offset.
    Address(usize),
    Ip,
    Id,
}

/// Where a token's core ends, and what it becomes.
fn classify(tok: &[u8]) -> (usize, Masked) {
    // A trailing `:` or `.` is punctuation, not part of the token.
    let core_end = tok.len() - tok.iter().rev().take_while(|&&c| c == b':' || c == b'.').count();
    let core = &tok[..core_end];
    // Only a token with a digit, `:` or `@` can be an address, an IP or
    // an id; most words are copied as they stand.
    let masked = if !core.iter().any(|&c| c.is_ascii_digit() || matches!(c, b':' | b'@')) {
        Masked::Kept
    } else if let Some(at) = memchr::memrchr(b'@', core) {
        Masked::Address(at + 1)
    } else if is_ip(core) {
        Masked::Ip
    } else if is_id(core) {
        Masked::Id
    } else {
        Masked::Kept
    };
    (core_end, masked)
}

fn push_token(out: &mut String, p: Piece<'_>, start: usize, end: usize) {
    let (core_end, masked) = classify(&p.text[start..end]);
    let core_end = start + core_end;
    match masked {
        Masked::Kept => p.push(out, start, core_end),
        Masked::Address(domain) => {
            out.push_str("*@");
            p.push(out, start + domain, core_end);
        }
        Masked::Ip => out.push_str("IP"),
        Masked::Id => out.push('#'),
    }
    p.push(out, core_end, end);
}

/// Whether `a` and `b` mask to the same text, found without masking
/// either: the texts are compared eight bytes at a time, and only the
/// tokens where they differ are classified. `false` may also mean "could
/// not tell" (texts whose tokens differ but mask alike another way).
pub fn same_mask(a: &[u8], b: &[u8], max: usize) -> bool {
    let (a, b) = (&a[..a.len().min(max)], &b[..b.len().min(max)]);
    // `a[..i]` and `b[..j]` mask alike and both end at a token boundary.
    let (mut i, mut j) = (0, 0);
    loop {
        let same = common_prefix(&a[i..], &b[j..]);
        if i + same == a.len() && j + same == b.len() {
            return true;
        }
        // The differing token starts after the last separator of the
        // common part (its bytes are the same in both).
        let back = a[i..i + same].iter().rev().position(|&c| is_separator(c)).unwrap_or(same);
        let (ta, tb) = (i + same - back, j + same - back);
        let starts_token = |t: &[u8], at: usize| t.get(at).is_some_and(|&c| !is_separator(c));
        if !starts_token(a, ta) || !starts_token(b, tb) {
            return false;
        }
        let (ea, eb) = (token_end(a, ta), token_end(b, tb));
        if !same_token_mask(&a[ta..ea], &b[tb..eb]) {
            return false;
        }
        (i, j) = (ea, eb);
    }
}

/// How many leading bytes `a` and `b` share, eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let word = |t: &[u8], k: usize| u64::from_le_bytes(t[k..k + 8].try_into().unwrap_or_default());
    let mut k = 0;
    while k + 8 <= n {
        let differ = word(a, k) ^ word(b, k);
        if differ != 0 {
            return k + (differ.trailing_zeros() / 8) as usize;
        }
        k += 8;
    }
    k + a[k..n].iter().zip(&b[k..n]).take_while(|(x, y)| x == y).count()
}

/// Whether two different tokens mask alike: both addresses at the same
/// domain, or both IPs or both ids, with the same punctuation after them.
fn same_token_mask(a: &[u8], b: &[u8]) -> bool {
    let ((ca, ma), (cb, mb)) = (classify(a), classify(b));
    match (ma, mb) {
        (Masked::Address(x), Masked::Address(y)) => a[x..] == b[y..],
        (Masked::Ip, Masked::Ip) | (Masked::Id, Masked::Id) => a[ca..] == b[cb..],
        _ => false,
    }
}

fn push_lossy(out: &mut String, b: &[u8]) {
    out.push_str(&String::from_utf8_lossy(b));
}

/// IPv4 dotted quads and IPv6 (hex groups with at least two colons).
pub fn is_ip(t: &[u8]) -> bool {
    let t = t.strip_prefix(b"IPv6:").unwrap_or(t);
    // One pass, left at the first byte neither form holds (at once for
    // most host names).
    let (mut dots, mut colons, mut letters) = (0, 0, false);
    for &c in t {
        match c {
            b'.' => dots += 1,
            b':' => colons += 1,
            b'0'..=b'9' => {}
            b'a'..=b'f' | b'A'..=b'F' => letters = true,
            _ => return false,
        }
    }
    (dots == 3 && colons == 0 && !letters) || colons >= 2
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
            let tok_end = token_end(text, i);
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
        fn texts_said_to_mask_alike_do(
            a in proptest::collection::vec(proptest::sample::select(PIECES), 0..30),
            b in proptest::collection::vec(proptest::sample::select(PIECES), 0..30),
            max in 0usize..130,
        ) {
            let (a, b) = (a.concat(), b.concat());
            if same_mask(&a, &b, max) {
                proptest::prop_assert_eq!(mask(&a, max), mask(&b, max));
            }
            proptest::prop_assert!(same_mask(&a, &a, max));
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
        let alike = |a: &str, b: &str| same_mask(a.as_bytes(), b.as_bytes(), 1000);
        assert!(alike("250 2.0.0 Ok: queued as 4F2A1B3C5D", "250 2.0.0 Ok: queued as 9E8D7C6B5A"));
        assert!(alike("550 <ann@example.com>: no [192.0.2.1]", "550 <bob@example.com>: no [2001:db8::1]"));
        assert!(!alike("550 <ann@example.com>: no", "550 <ann@example.org>: no"));
        assert!(!alike("250 Ok: queued as 4F2A1B3C5D.", "250 Ok: queued as 4F2A1B3C5D"));
        assert!(!alike("421 try later", "421 try  later"));
    }
}
