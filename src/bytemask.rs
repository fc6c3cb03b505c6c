//! Where given bytes occur in a block of 16 or 64, as a bit mask (bit `i`
//! for byte `i`). Log lines are short: a call into a general search costs
//! more in set-up than such a block costs to test, and a mask answers
//! every later question about the block with bit operations. SSE2 is part
//! of every x86-64; other machines test the bytes one by one.

/// Bit `i` set where `block[i]` is one of `set`.
#[inline(always)]
pub fn mask16<const N: usize>(block: &[u8; 16], set: [u8; N]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
        // SAFETY: every x86-64 has SSE2; the unaligned load reads the 16
        // bytes of `block` and needs no alignment.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let mut m = 0;
            for c in set {
                m |= _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))) as u32;
            }
            m
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block.iter().enumerate().filter(|(_, c)| set.contains(c)).fold(0, |m, (i, _)| m | 1 << i)
    }
}

/// Bit `i` set where `lo <= block[i] <= hi`.
#[inline(always)]
pub fn range16(block: &[u8; 16], lo: u8, hi: u8) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_min_epu8, _mm_movemask_epi8,
            _mm_set1_epi8,
        };
        // SAFETY: as in `mask16`. A byte is in range when clamping it to
        // the range leaves it unchanged (unsigned min and max).
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let above = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(lo as i8)), v);
            let below = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(hi as i8)), v);
            _mm_movemask_epi8(_mm_and_si128(above, below)) as u32
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block.iter().enumerate().filter(|(_, c)| (lo..=hi).contains(*c)).fold(0, |m, (i, _)| m | 1 << i)
    }
}

/// Bit `i` set where `block[i]` is 0x80 or more (outside ASCII).
#[inline(always)]
pub fn high16(block: &[u8; 16]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8};
        // SAFETY: as in `mask16`; the byte's top bit is the mask bit.
        unsafe { _mm_movemask_epi8(_mm_loadu_si128(block.as_ptr().cast::<__m128i>())) as u32 }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        block.iter().enumerate().filter(|(_, c)| **c >= 0x80).fold(0, |m, (i, _)| m | 1 << i)
    }
}

/// A 64-byte mask made of the 16-byte masks `quarter` gives.
#[inline(always)]
fn quarters(block: &[u8; 64], quarter: impl Fn(&[u8; 16]) -> u32) -> u64 {
    let q = |k: usize| u64::from(quarter(block[k * 16..k * 16 + 16].try_into().expect("16 bytes")));
    q(0) | q(1) << 16 | q(2) << 32 | q(3) << 48
}

/// Bit `i` set where `block[i]` is one of `set`.
#[inline(always)]
pub fn mask32<const N: usize>(block: &[u8; 32], set: [u8; N]) -> u32 {
    let half = |k: usize| mask16(block[k * 16..k * 16 + 16].try_into().expect("16 bytes"), set);
    half(0) | half(1) << 16
}

/// Bit `i` set where `block[i]` is one of `set`.
#[inline(always)]
pub fn mask64<const N: usize>(block: &[u8; 64], set: [u8; N]) -> u64 {
    quarters(block, |b| mask16(b, set))
}

/// Bit `i` set where `lo <= block[i] <= hi`.
#[inline(always)]
pub fn range64(block: &[u8; 64], lo: u8, hi: u8) -> u64 {
    quarters(block, |b| range16(b, lo, hi))
}

/// The bits `from..to` of a 64-bit mask (positions past 63 hold none).
#[inline(always)]
pub fn bits(from: usize, to: usize) -> u64 {
    let below = |n: usize| if n >= 64 { u64::MAX } else { (1 << n) - 1 };
    below(to) & !below(from)
}

/// `f` of the 64 bytes of `hay` from `at`; past the end of `hay` the block
/// holds zero bytes. Only a tail is copied, into a block made on that
/// path alone, so the blocks read in place (nearly all) cost no zeroing.
#[inline(always)]
pub fn with_block<R>(hay: &[u8], at: usize, f: impl FnOnce(&[u8; 64]) -> R) -> R {
    match hay.get(at..at + 64) {
        Some(block) => f(block.try_into().expect("64 bytes")),
        None => {
            let tail = hay.get(at..).unwrap_or_default();
            let mut block = [0; 64];
            block[..tail.len()].copy_from_slice(tail);
            f(&block)
        }
    }
}

/// Offsets of every byte of a set in a buffer, in order, found 64 bytes
/// at a time.
pub struct Positions<'a, const N: usize> {
    hay: &'a [u8],
    set: [u8; N],
    /// Start of the block `mask` describes.
    base: usize,
    /// Hits in that block not yet returned.
    mask: u64,
}

impl<'a, const N: usize> Positions<'a, N> {
    pub fn new(hay: &'a [u8], set: [u8; N]) -> Self {
        Positions { hay, set, base: 0, mask: block_mask(hay, 0, set) }
    }
}

/// The mask of the 64 bytes from `at`; past the end of `hay` nothing is set.
#[inline(always)]
fn block_mask<const N: usize>(hay: &[u8], at: usize, set: [u8; N]) -> u64 {
    with_block(hay, at, |block| mask64(block, set)) & bits(0, hay.len() - at)
}

impl<const N: usize> Iterator for Positions<'_, N> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.hay.len() {
                return None;
            }
            self.mask = block_mask(self.hay, self.base, self.set);
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// The lines of a buffer (split at `\n`, the last one possibly without
/// it), each with whether it holds a byte of 0x80 or more: a line of
/// ASCII bytes only is valid UTF-8 without further checks. Both are found
/// in one pass, 64 bytes at a time.
pub struct Lines<'a> {
    hay: &'a [u8],
    /// Start of the block the masks describe.
    base: usize,
    /// Newlines in that block not yet returned.
    newlines: u64,
    /// Bytes of 0x80 or more in that block.
    high: u64,
    /// Start of the next line.
    start: usize,
    /// Whether that line has a high byte in the blocks before `base`.
    high_before: bool,
    /// Whether blocks are read with AVX2.
    avx2: bool,
}

impl<'a> Lines<'a> {
    pub fn new(hay: &'a [u8]) -> Self {
        Lines::with(hay, avx2::available())
    }

    fn with(hay: &'a [u8], avx2: bool) -> Self {
        let (newlines, high) = newlines_and_high(hay, 0, avx2);
        Lines { hay, base: 0, newlines, high, start: 0, high_before: false, avx2 }
    }
}

/// Newlines and high bytes of the 64 bytes from `at` (none past the end),
/// 32 bytes at a time with `avx2`.
#[inline(always)]
fn newlines_and_high(hay: &[u8], at: usize, avx2: bool) -> (u64, u64) {
    with_block(hay, at, |block| {
        if avx2 {
            return avx2::newlines_and_high(block);
        }
        (mask64(block, [b'\n']), quarters(block, high16))
    })
}

/// The line split with AVX2, which most x86-64 machines have (checked at
/// run time): half the steps of SSE2 on the one loop that reads every byte.
mod avx2 {
    #[cfg(target_arch = "x86_64")]
    pub fn available() -> bool {
        std::arch::is_x86_feature_detected!("avx2")
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn available() -> bool {
        false
    }

    /// Newlines and high bytes of `block`; call only when [`available`].
    #[cfg(target_arch = "x86_64")]
    #[inline]
    pub fn newlines_and_high(block: &[u8; 64]) -> (u64, u64) {
        // SAFETY: callers check `available()` first.
        unsafe { masks(block) }
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn newlines_and_high(_: &[u8; 64]) -> (u64, u64) {
        unreachable!("AVX2 is never available here")
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn masks(block: &[u8; 64]) -> (u64, u64) {
        use std::arch::x86_64::{
            __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
        };
        // SAFETY: both unaligned loads read 32 bytes inside `block`.
        let (lo, hi) = unsafe {
            let p = block.as_ptr().cast::<__m256i>();
            (_mm256_loadu_si256(p), _mm256_loadu_si256(p.add(1)))
        };
        let nl = _mm256_set1_epi8(b'\n' as i8);
        let bits = |v: __m256i| u64::from(_mm256_movemask_epi8(v) as u32);
        let newlines = bits(_mm256_cmpeq_epi8(lo, nl)) | bits(_mm256_cmpeq_epi8(hi, nl)) << 32;
        (newlines, bits(lo) | bits(hi) << 32)
    }
}

impl<'a> Iterator for Lines<'a> {
    /// A line without its `\n`, and whether it holds a high byte.
    type Item = (&'a [u8], bool);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            // Blocks without high bytes, nearly all, skip the mask work.
            let line_from = self.start.saturating_sub(self.base);
            if self.newlines != 0 {
                let at = self.newlines.trailing_zeros() as usize;
                self.newlines &= self.newlines - 1;
                let high = self.high_before || (self.high != 0 && self.high & bits(line_from, at) != 0);
                let line = &self.hay[self.start..self.base + at];
                (self.start, self.high_before) = (self.base + at + 1, false);
                return Some((line, high));
            }
            if self.high != 0 {
                self.high_before |= self.high & bits(line_from, 64) != 0;
            }
            self.base += 64;
            if self.base >= self.hay.len() {
                if self.start >= self.hay.len() {
                    return None;
                }
                let line = &self.hay[self.start..];
                self.start = self.hay.len();
                return Some((line, self.high_before));
            }
            (self.newlines, self.high) = newlines_and_high(self.hay, self.base, self.avx2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_those_of_a_plain_search() {
        for len in 0..200 {
            let hay: Vec<u8> = (0..len).map(|i| if (i * 7 + len) % 11 == 0 { b'\n' } else { b'a' }).collect();
            let want: Vec<usize> = hay.iter().enumerate().filter(|(_, c)| **c == b'\n').map(|(i, _)| i).collect();
            assert_eq!(Positions::new(&hay, [b'\n']).collect::<Vec<_>>(), want, "{len}");
            let two: Vec<usize> = hay.iter().enumerate().filter(|(_, c)| **c != 0).map(|(i, _)| i).collect();
            assert_eq!(Positions::new(&hay, [b'\n', b'a']).collect::<Vec<_>>(), two, "{len}");
        }
        assert_eq!(Positions::new(&[0xff; 100], [0xff]).count(), 100);
        assert_eq!(Positions::new(&[0; 100], [0]).count(), 100);
        assert_eq!(Positions::new(&[], [b'\n']).count(), 0);
    }

    #[test]
    fn lines_are_those_of_a_split_with_their_high_bytes() {
        for len in 0..300 {
            for seed in 0..4usize {
                let hay: Vec<u8> = (0..len)
                    .map(|i| match (i * 7 + len * 3 + seed * 11) % 23 {
                        0 | 5 => b'\n',
                        3 if seed > 0 => 0xc3,
                        9 if seed == 2 => 0xff,
                        _ => b'a',
                    })
                    .collect();
                let mut want: Vec<(&[u8], bool)> =
                    hay.split(|&c| c == b'\n').map(|l| (l, l.iter().any(|&c| c >= 0x80))).collect();
                if hay.last().is_none_or(|&c| c == b'\n') {
                    want.pop();
                }
                assert_eq!(Lines::new(&hay).collect::<Vec<_>>(), want, "{len} {seed}");
                assert_eq!(Lines::with(&hay, false).collect::<Vec<_>>(), want, "{len} {seed} without AVX2");
            }
        }
        // A long line whose only high byte lies blocks before its end.
        for at in [0, 3, 63, 64, 130, 199] {
            let mut hay = vec![b'a'; 200];
            hay[at] = 0xe2;
            hay.extend_from_slice(b"\nascii\n");
            let got: Vec<_> = Lines::new(&hay).collect();
            assert_eq!(got, [(&hay[..200], true), (&b"ascii"[..], false)], "{at}");
        }
    }

    #[test]
    fn masks_mark_each_byte_of_the_set() {
        let mut block = [b'x'; 16];
        block[3] = b':';
        block[9] = b'[';
        block[15] = b':' ^ 0x80;
        assert_eq!(mask16(&block, [b':', b'[']), 1 << 3 | 1 << 9);
        assert_eq!(mask16(&block, [b' ']), 0);
        let digits = *b"a09/:5\x80\xb9 1234567";
        assert_eq!(range16(&digits, b'0', b'9'), 0b1111_1110_0010_0110);
        assert_eq!(range16(&digits, 0x80, 0xff), 0b1100_0000);
        assert_eq!(high16(&digits), 0b1100_0000);
    }
}
