//! Substring search for literal needles, with each searcher built once per
//! call site: building a `memmem::Finder` costs more than searching a log
//! line, and a plain first-byte scan stumbles over common bytes such as
//! spaces. The finders pick rare bytes of the needle and search with SIMD,
//! in linear time whatever the line holds.

/// The searcher for a literal, built on first use at this call site.
macro_rules! finder {
    ($ty:ident, $needle:expr) => {{
        static FINDER: ::std::sync::LazyLock<::memchr::memmem::$ty<'static>> =
            ::std::sync::LazyLock::new(|| ::memchr::memmem::$ty::new($needle));
        &*FINDER
    }};
}

/// `find!(hay, b"needle")`: offset of the first occurrence.
macro_rules! find {
    ($hay:expr, $needle:expr) => {
        $crate::formats::bytes::finder!(Finder, $needle).find($hay)
    };
}

/// `rfind!(hay, b"needle")`: offset of the last occurrence. The SIMD
/// forward finder runs again from each hit on: memchr's reverse finder
/// has no vector path and is several times slower on log lines, which
/// rarely hold a needle more than twice. Overlapping hits count.
macro_rules! rfind {
    ($hay:expr, $needle:expr) => {{
        let hay: &[u8] = $hay;
        let finder = $crate::formats::bytes::finder!(Finder, $needle);
        let (mut last, mut from) = (None, 0);
        while let Some(i) = finder.find(&hay[from..]) {
            last = Some(from + i);
            from += i + 1;
        }
        last
    }};
}

/// `find_iter!(hay, b"needle")`: every occurrence, in order.
macro_rules! find_iter {
    ($hay:expr, $needle:expr) => {
        $crate::formats::bytes::finder!(Finder, $needle).find_iter($hay)
    };
}

/// `find_field!(msg, b"name=")`: offset of the value of a `name=` field,
/// where `name=` starts the message or follows a space or a comma.
macro_rules! find_field {
    ($msg:expr, $name:expr) => {{
        let msg: &[u8] = $msg;
        $crate::formats::bytes::find_iter!(msg, $name)
            .find(|&i| i == 0 || matches!(msg[i - 1], b' ' | b','))
            .map(|i| i + $name.len())
    }};
}

pub(crate) use {find, find_field, find_iter, finder, rfind};

use crate::bytemask::mask16;

const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);

/// The high bit of each byte set exactly where that byte of `x` is zero
/// (exact: no false hits after a zero byte, unlike the shorter formula).
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

#[inline(always)]
fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Offset of the first `byte` in the first 24 bytes of `b`, where the
/// answer is at a different place on every line.
#[inline]
pub fn position_in_24(b: &[u8], byte: u8) -> Option<usize> {
    position_of(&b[..b.len().min(24)], byte)
}

/// Offset of the first `byte` in `b`: for the short field values of a
/// log line (`delay=1.4,`) this beats memchr, whose set-up costs more
/// than such a search.
#[inline]
pub fn position_of(b: &[u8], byte: u8) -> Option<usize> {
    position_in_set(b, [byte])
}

/// Offset of the first byte of `b` in `set`, sixteen bytes at a time, the
/// last sixteen read again overlapping those before; spans shorter than
/// that eight at a time.
#[inline(always)]
pub fn position_in_set<const N: usize>(b: &[u8], set: [u8; N]) -> Option<usize> {
    if b.len() < 16 {
        let hits = |w: u64| set.iter().fold(0, |h, &c| h | zero_bytes(w ^ splat(c)));
        return first_hit(b, hits, |c| set.contains(&c));
    }
    let block = |at: usize| mask16(b[at..at + 16].try_into().expect("16 bytes"), set);
    let mut at = 0;
    while at + 16 <= b.len() {
        let m = block(at);
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
        at += 16;
    }
    if at == b.len() {
        return None;
    }
    // The bytes already searched are shifted out.
    let last = b.len() - 16;
    let m = block(last) >> (at - last);
    (m != 0).then(|| at + m.trailing_zeros() as usize)
}

/// Offset of the last `byte` in `b`, sixteen bytes at a time from the end
/// (the first sixteen read again overlapping those after): addresses and
/// host names are short, and memrchr's set-up costs more than their search.
#[inline]
pub fn last_position_of(b: &[u8], byte: u8) -> Option<usize> {
    if b.len() < 16 {
        return b.iter().rposition(|&c| c == byte);
    }
    let block = |at: usize| mask16(b[at..at + 16].try_into().expect("16 bytes"), [byte]);
    let mut end = b.len();
    while end >= 16 {
        let m = block(end - 16);
        if m != 0 {
            return Some(end - 16 + 31 - m.leading_zeros() as usize);
        }
        end -= 16;
    }
    if end == 0 {
        return None;
    }
    // The bytes already searched are masked off.
    let m = block(0) & ((1u32 << end) - 1);
    (m != 0).then(|| 31 - m.leading_zeros() as usize)
}

/// The first byte of `b` that `is` accepts, tested eight at a time by
/// `hits` (the high bit of each accepted byte of a little-endian word),
/// without a branch per byte; the last few bytes one by one.
#[inline(always)]
fn first_hit(b: &[u8], hits: impl Fn(u64) -> u64, is: impl Fn(u8) -> bool) -> Option<usize> {
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let h = hits(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if h != 0 {
            return Some(at + h.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    words.remainder().iter().position(|&c| is(c)).map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::{last_position_of, position_in_24, position_in_set, position_of};

    #[test]
    fn positions_in_head() {
        for len in 0..40 {
            for at in 0..len {
                let mut b = vec![b'a'; len];
                b[at] = b':';
                if at + 1 < len {
                    b[at + 1] = b':';
                }
                b.iter_mut().skip(at + 2).for_each(|c| *c = 0x3a ^ 0x80);
                assert_eq!(position_in_24(&b, b':'), (at < 24).then_some(at), "{len} {at}");
            }
        }
        assert_eq!(position_in_24(&[0xba, 0x3b, 0x39, 0x00, 0xff], b':'), None);
    }

    #[test]
    fn positions_of_three() {
        let set = [b'[', b':', b' '];
        for len in 0..40 {
            for at in 0..=len {
                let mut b = vec![b'a'; len];
                for (i, c) in b.iter_mut().enumerate().skip(at) {
                    *c = set[i % 3];
                }
                // Bytes one bit away from the wanted ones never match.
                b.iter_mut().take(at).enumerate().for_each(|(i, c)| *c = set[i % 3] ^ 1);
                let want = (at < len).then_some(at);
                assert_eq!(position_in_set(&b, set), want, "{len} {at}");
                assert_eq!(position_in_set(&b[..b.len().min(9)], set), want.filter(|&i| i < 9), "{len} {at}");
                assert_eq!(position_of(&b, set[at % 3]), want, "{len} {at}");
            }
        }
    }
    #[test]
    fn last_positions() {
        for len in 0..50 {
            for at in 0..=len {
                for other in [None, Some(0), Some(at / 2)] {
                    let mut b = vec![b'a'; len];
                    if at < len {
                        b[at] = b'@';
                    }
                    if let Some(o) = other.filter(|&o| o < at) {
                        b[o] = b'@';
                    }
                    // Bytes one bit away, after the last hit, never match.
                    b.iter_mut().skip(at + 1).for_each(|c| *c = b'@' ^ 0x80);
                    let want = b.iter().rposition(|&c| c == b'@');
                    assert_eq!(last_position_of(&b, b'@'), want, "{len} {at} {other:?}");
                }
            }
        }
    }

    #[test]
    fn finds_literals() {
        let long = "x".repeat(600) + "needle" + &"y".repeat(10) + "needle";
        for (hay, first, last) in
            [("", None, None), ("a needle in a needle", Some(2), Some(14)), (long.as_str(), Some(600), Some(616))]
        {
            assert_eq!(find!(hay.as_bytes(), b"needle"), first);
            assert_eq!(rfind!(hay.as_bytes(), b"needle"), last);
            assert_eq!(rfind!(b"xaaaa", b"aa"), Some(3));
            assert_eq!(rfind!(b"", b"aa"), None);
            assert_eq!(find_iter!(hay.as_bytes(), b"needle").count(), usize::from(first.is_some()) * 2);
        }
    }
}
