//! Failure shapes: failed replies that differ only in numbers, ids,
//! addresses' local parts and IP addresses share one, so the reason and
//! provider rules run once per shape instead of once per event.

use std::hash::{BuildHasher, Hasher};

use super::SAMPLE_HASH;
use crate::bytemask::{bits, mask64, range64, with_block};
use crate::code::EnhancedCode;
use crate::mask::is_ip;

/// Longest reply kept as the example of a shape.
pub const SHAPE_TEXT_MAX: usize = 1024;

/// Failed replies that differ only in numbers, ids, addresses' local parts
/// and IP addresses share a shape; the reason and provider rules run once
/// per shape, on its example, instead of once per event. The example is
/// the reply whose text and remote hash lowest, so it does not depend on
/// the order the events came in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailureShape {
    pub count: u64,
    /// The hash of the example, once there is one.
    example_hash: Option<u64>,
    pub text: Box<[u8]>,
    pub remote: Box<[u8]>,
}

impl FailureShape {
    /// `h` hashes text and remote together, so equal hashes mean an equal
    /// example and the choice never depends on arrival order.
    pub(super) fn offer(&mut self, h: u64, text: &[u8], remote: &[u8]) {
        if self.example_hash.is_none_or(|e| h < e) {
            self.example_hash = Some(h);
            self.text = text[..text.len().min(SHAPE_TEXT_MAX)].into();
            self.remote = remote.into();
        }
    }

    pub(super) fn merge(&mut self, o: &FailureShape) {
        self.count += o.count;
        if let Some(h) = o.example_hash {
            self.offer(h, &o.text, &o.remote);
        }
    }
}

/// The shape of a failed reply: its words without tokens of three digits
/// or more (codes, ids, IP addresses, sizes), without other tokens with
/// digits but neither a dot nor a bracket (generated ids and names), and
/// without the local part of addresses, plus the domain of the remote host
/// when it is a name.
pub(super) fn shape_hash(text: &[u8], remote: &[u8]) -> u64 {
    let text = &text[..text.len().min(SHAPE_TEXT_MAX)];
    let mut buf = [0; SHAPE_TEXT_MAX + 1];
    let mut kept = Kept { text, buf: &mut buf, len: 0, copied: 0, last_kept: true };
    // Tokens end at spaces. Each 64-byte block is classified at once into
    // masks of spaces, digits, dots and `@`. Most tokens hold neither a
    // digit nor an `@` and are kept as they stand, so only the others are
    // read off the masks between two spaces.
    let mut token = Token::default();
    for at in (0..text.len()).step_by(64) {
        let (mut spaces, digits, dots, ats) = with_block(text, at, |block| {
            (mask64(block, [b' ']), range64(block, b'0', b'9'), mask64(block, [b'.']), mask64(block, [b'@']))
        });
        let special = digits | ats;
        let mut from = 0;
        while spaces != 0 {
            let end = spaces.trailing_zeros() as usize;
            let part = bits(from, end);
            // A token begun in an earlier block may have digits there.
            if special & part != 0 || token.start < at {
                token.take(at, part, digits, dots, ats);
                kept.token(&token, at + end);
            }
            token = Token { start: at + end + 1, ..Token::default() };
            from = end + 1;
            spaces &= spaces - 1;
        }
        token.take(at, bits(from, 64), digits, dots, ats);
    }
    kept.token(&token, text.len());
    kept.hash(remote)
}

/// The kept tokens of a text, each followed by a space: the text with the
/// dropped tokens (and the space after each) and the local parts of
/// addresses cut out, gathered into one buffer so it is hashed at once.
/// Each kept token is followed by a space in the text or ends it, so the
/// gathered bytes are at most one longer than the text.
struct Kept<'a> {
    text: &'a [u8],
    buf: &'a mut [u8; SHAPE_TEXT_MAX + 1],
    len: usize,
    /// `text[..copied]` has been gathered or cut.
    copied: usize,
    /// Whether the last token read was kept.
    last_kept: bool,
}

impl<'a> Kept<'a> {
    /// Takes in the token that ends at `end` and holds a digit or an `@`
    /// (or may: other tokens are kept whole and need no call).
    #[inline(always)]
    fn token(&mut self, token: &Token, end: usize) {
        self.last_kept = token.kept(self.text, end);
        let cut_to = match (self.last_kept, token.at) {
            (true, None) => return,
            (true, Some(at)) => at,
            (false, _) => (end + 1).min(self.text.len()),
        };
        self.gather(token.start);
        self.copied = cut_to;
        // A dropped host name keeps the labels that name its provider,
        // with a space of its own after them.
        if !self.last_kept
            && let Some(tail) = token.host_tail(self.text, end)
        {
            self.buf[self.len..self.len + tail.len()].copy_from_slice(tail);
            self.buf[self.len + tail.len()] = b' ';
            self.len += tail.len() + 1;
        }
    }

    /// Copies the text not yet gathered up to `to`.
    fn gather(&mut self, to: usize) {
        let run = &self.text[self.copied..to];
        self.buf[self.len..self.len + run.len()].copy_from_slice(run);
        self.len += run.len();
        self.copied = to;
    }

    fn hash(&mut self, remote: &[u8]) -> u64 {
        self.gather(self.text.len());
        if self.last_kept {
            self.buf[self.len] = b' ';
            self.len += 1;
        }
        let mut h = SAMPLE_HASH.build_hasher();
        h.write(&self.buf[..self.len]);
        hash_remote(&mut h, remote);
        h.finish()
    }
}

/// Host names can name a provider, which their last two labels show
/// (`google.com`, `outlook.com`, also after digits such as
/// `shop1046-example-net.mail.protection.outlook.com`); bare addresses
/// only split shapes.
fn hash_remote(h: &mut impl Hasher, remote: &[u8]) {
    if !is_ip(remote) {
        let tail = last_two_labels(remote).unwrap_or(remote);
        // Lower-cased in pieces, so a long name needs no allocation.
        let mut lower = [0; 64];
        for piece in tail.chunks(lower.len()) {
            let lower = &mut lower[..piece.len()];
            lower.copy_from_slice(piece);
            lower.make_ascii_lowercase();
            h.write(lower);
        }
    }
}

/// What the part of a token read so far holds.
#[derive(Default)]
struct Token {
    start: usize,
    digits: u32,
    dotted: bool,
    at: Option<usize>,
}

impl Token {
    /// Adds the token's bytes `part` of the block at `at`.
    #[inline]
    fn take(&mut self, at: usize, part: u64, digits: u64, dots: u64, ats: u64) {
        self.digits += (digits & part).count_ones();
        self.dotted |= dots & part != 0;
        if self.at.is_none() && ats & part != 0 {
            self.at = Some(at + (ats & part).trailing_zeros() as usize);
        }
    }

    /// The last two labels of a host name the token holds (before any
    /// `[address]` and trailing punctuation), when they hold no digit:
    /// `outlook.com.` of `n195-example-org.mail.protection.outlook.com.`,
    /// which provider rules match, where ids and numbers give none.
    fn host_tail<'t>(&self, text: &'t [u8], end: usize) -> Option<&'t [u8]> {
        if !self.dotted || self.at.is_some() {
            return None;
        }
        let token = &text[self.start..end];
        let name = &token[..token.iter().position(|&c| c == b'[').unwrap_or(token.len())];
        let trimmed =
            name.len() - name.iter().rev().take_while(|c| matches!(c, b'.' | b',' | b':' | b';' | b')')).count();
        last_two_labels(&name[..trimmed])
            .filter(|tail| tail.iter().all(|&c| c.is_ascii_alphabetic() || matches!(c, b'.' | b'-')))
    }

    /// Whether the token, which ends at `end`, is kept. Tokens with three
    /// digits or more are numbers and ids, unless enhanced status codes
    /// (`5.2.3`, which rules match); with fewer digits they are ids too
    /// (`<DESKTOP-7MIVAG1>:`), unless dotted names (`dnsbl-1.example.net`,
    /// which rules capture) or bracketed tokens (`[TSS04]`, which provider
    /// rules match).
    #[inline(always)]
    fn kept(&self, text: &[u8], end: usize) -> bool {
        let named = self.dotted || matches!(text.get(self.start), Some(b'[' | b'('));
        self.digits == 0
            || (self.digits < 3 && named)
            || (self.dotted && self.digits <= 7 && enhanced_code(&text[self.start..end]))
    }
}

/// The last two labels of a host name (`outlook.com` of
/// `mx.protection.outlook.com`), which name its provider; `None` for a name
/// of fewer labels.
fn last_two_labels(name: &[u8]) -> Option<&[u8]> {
    memchr::memrchr_iter(b'.', name).nth(1).map(|dot| &name[dot + 1..])
}

/// Whether a token is an enhanced status code, as replies write it
/// (`5.7.1`, `#5.1.1`, `(4.7.28)`, `5.2.3:`).
fn enhanced_code(token: &[u8]) -> bool {
    let token = token.strip_prefix(b"#").or_else(|| token.strip_prefix(b"(")).unwrap_or(token);
    // Most dotted tokens with digits are addresses: told apart at once.
    if !matches!(token, [b'2' | b'4' | b'5', b'.', ..]) {
        return false;
    }
    EnhancedCode::parse_prefix(token)
        .is_some_and(|(_, n)| token[n..].iter().all(|c| matches!(c, b',' | b':' | b';' | b')')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_ignore_ids_but_keep_names_rules_read() {
        let same = |a: &str, b: &str| {
            shape_hash(a.as_bytes(), b"mx.example.net") == shape_hash(b.as_bytes(), b"mx.example.net")
        };
        assert!(same("504 5.5.2 <DESKTOP-7MIVAG1>: Helo rejected", "504 5.5.2 <DESKTOP-OAF1CP1>: Helo rejected"));
        assert!(same("550 5.1.1 <ann@example.com>: unknown", "550 5.1.1 <bob12@example.com>: unknown"));
        assert!(same("421 Try again later (id 123456)", "421 Try again later (id 98765)"));
        assert!(!same("554 blocked using dnsbl-1.example.net", "554 blocked using dnsbl-2.example.net"));
        assert!(!same(
            "553 5.7.1 [TSS04] Messages temporarily deferred",
            "553 5.7.1 [TSS09] Messages temporarily deferred"
        ));
        assert!(!same("550 5.1.1 unknown", "550 5.1.1 unknown user"));
        // Host names with digits still show their provider's domain.
        assert!(same(
            "Deferred: Connection timed out with n195-example-org.mail.protection.outlook.com.",
            "Deferred: Connection timed out with n7734-example-net.mail.protection.outlook.com."
        ));
        assert!(!same(
            "Deferred: Connection timed out with n195-example-org.mail.protection.outlook.com.",
            "Deferred: Connection timed out with mx1.n195.example.org."
        ));
        assert!(same(
            "lost connection with mx1.d3312.example.net[192.0.2.7]",
            "lost connection with mx2.d12.example.net[192.0.2.9]"
        ));
        assert!(same("id 2024-05-14T09:23:12.345Z here", "id 2025-01-01T00:00:00.999Z here"));
        // Rules match enhanced codes in the text (`5.2.3` is too large).
        assert!(!same("599 5.2.3 Main and extended code", "599 5.12.3 Main and extended code"));
        assert!(!same("421 4.7.28 try later", "421 (4.7.0) try later"));
        assert!(same("550 #5.1.1 <a@x.example>: unknown (id 123456)", "550 #5.1.1 <b@x.example>: unknown (id 7654)"));
        assert!(!same("550 no such user", "550 nosuch user"));
        // The most the gathered tokens can take: one byte past the text.
        let widest = "a ".repeat(SHAPE_TEXT_MAX / 2 - 1);
        assert!(!same(&format!("{widest}aa"), &format!("{widest}ab")));
        let remote = |r: &str| shape_hash(b"421 try later", r.as_bytes());
        assert_eq!(remote("MX1.Example.NET"), remote("mx2.example.net"));
        assert_ne!(remote("mx1.example.net"), remote("mx1.example.org"));
        // Names with digits still show their provider; addresses do not.
        assert_eq!(
            remote("d904-example-net.mail.protection.outlook.com"),
            remote("hotmail-com.olc.protection.outlook.com")
        );
        assert_ne!(remote("d904-example-net.mail.protection.outlook.com"), remote("mx1234.d904.example.net"));
        assert_eq!(remote("192.0.2.7"), remote("2001:db8::25"));
        let long = format!("mx.{}.example.net", "a".repeat(200));
        assert_eq!(remote(&long), remote(&long.to_uppercase()));
    }

    /// The token rules read byte by byte, as the masks must read them.
    fn plain_shape_hash(text: &[u8], remote: &[u8]) -> u64 {
        let text = &text[..text.len().min(SHAPE_TEXT_MAX)];
        let mut kept = Vec::new();
        let mut token = Token::default();
        let mut end_token = |token: &Token, end: usize| {
            if token.kept(text, end) {
                kept.extend_from_slice(&text[token.at.unwrap_or(token.start)..end]);
                kept.push(b' ');
            } else if let Some(tail) = token.host_tail(text, end) {
                kept.extend_from_slice(tail);
                kept.push(b' ');
            }
        };
        for (i, &c) in text.iter().enumerate() {
            match c {
                b' ' => {
                    end_token(&token, i);
                    token = Token { start: i + 1, ..Token::default() };
                }
                b'0'..=b'9' => token.digits += 1,
                b'.' => token.dotted = true,
                b'@' if token.at.is_none() => token.at = Some(i),
                _ => {}
            }
        }
        end_token(&token, text.len());
        let mut h = SAMPLE_HASH.build_hasher();
        h.write(&kept);
        hash_remote(&mut h, remote);
        h.finish()
    }

    proptest::proptest! {
        #[test]
        fn masks_read_tokens_as_bytes_do(text in proptest::collection::vec(
            proptest::sample::select(b" 0123456789.@[(ab\xc3".to_vec()), 0..1100)) {
            proptest::prop_assert_eq!(shape_hash(&text, b"mx.example.net"), plain_shape_hash(&text, b"mx.example.net"));
        }
    }
}
