//! Substring search tuned for log lines: most haystacks are a few hundred
//! bytes, where building a `memmem` searcher costs more than the search.
//! Short haystacks use memchr on the needle's first byte and compare; long
//! ones (rare, possibly hostile) use `memmem`, which stays linear.

use memchr::{memchr_iter, memmem, memrchr_iter};

const SHORT: usize = 512;

/// Offset of the first `needle` in `hay`.
#[inline]
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() > SHORT {
        return memmem::find(hay, needle);
    }
    let (&first, rest) = needle.split_first()?;
    memchr_iter(first, hay).find(|&i| hay[i + 1..].starts_with(rest))
}

/// Offset of the last `needle` in `hay`.
#[inline]
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() > SHORT {
        return memmem::rfind(hay, needle);
    }
    let (&first, rest) = needle.split_first()?;
    memrchr_iter(first, hay).find(|&i| hay[i + 1..].starts_with(rest))
}

/// Every offset of `needle` in `hay`, in order.
pub fn find_iter<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let i = from + find(hay.get(from..)?, needle)?;
        from = i + 1;
        Some(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_memmem() {
        let long = "x".repeat(600) + "needle" + &"y".repeat(10) + "needle";
        for hay in ["", "n", "needle", "a needle in a needle stack", "needl", long.as_str()] {
            for needle in ["needle", "n", "e", " in ", "zz"] {
                let (h, n) = (hay.as_bytes(), needle.as_bytes());
                assert_eq!(find(h, n), memmem::find(h, n), "{hay} {needle}");
                assert_eq!(rfind(h, n), memmem::rfind(h, n), "{hay} {needle}");
                assert_eq!(find_iter(h, n).collect::<Vec<_>>(), memmem::find_iter(h, n).collect::<Vec<_>>());
            }
        }
    }
}
