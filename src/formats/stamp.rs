//! Remembers the last time stamp parsed, and the host after a classic one.
//! Consecutive lines of a busy log mostly share their second and always
//! their host, so a comparison of a few bytes replaces the parse and the
//! calendar arithmetic for nearly every line.

use crate::time::LogTime;

/// Results keyed by the exact bytes they were parsed from: a hit returns
/// what parsing those bytes again would return.
#[derive(Clone, Debug, Default)]
pub struct StampCache {
    /// A classic syslog stamp never reads past its 16th byte
    /// (`Mmm dd hh:mm:ss `), so those bytes decide the time and its length.
    classic: Option<([u8; 16], Option<LogTime>, usize)>,
    /// `YYYY-MM-DD?hh:mm:ss` (RFC 3339 and Exim), before any fraction or zone.
    iso: Option<([u8; 19], Option<Option<LogTime>>)>,
    /// The host of the last classic line read by [`StampCache::classic_host`].
    host: [u8; HOST_MAX],
    host_len: usize,
}

/// Longest host name remembered; longer ones are read every time.
const HOST_MAX: usize = 32;

impl StampCache {
    /// The classic stamp at the start of `line`, parsed by `parse` on a miss.
    pub fn classic(
        &mut self,
        line: &[u8],
        parse: impl FnOnce(&[u8]) -> Option<(Option<LogTime>, usize)>,
    ) -> Option<(Option<LogTime>, usize)> {
        let Some(key) = line.first_chunk::<16>() else {
            return parse(line);
        };
        if let Some((k, time, len)) = &self.classic
            && k == key
        {
            return Some((*time, *len));
        }
        let (time, len) = parse(line)?;
        self.classic = Some((*key, time, len));
        Some((time, len))
    }

    /// For a line that starts with the last classic stamp seen: its time and
    /// the rest after `host `, exactly as parsing the stamp and splitting the
    /// host off would give them. `None` for any other line.
    #[inline]
    pub fn classic_host<'a>(&mut self, line: &'a [u8]) -> Option<(Option<LogTime>, &'a [u8])> {
        let (key, time, len) = self.classic.as_ref()?;
        if line.first_chunk::<16>()? != key {
            return None;
        }
        let (time, rest) = (*time, &line[*len..]);
        let n = self.host_len;
        if n > 0 && rest.get(n) == Some(&b' ') && same_start(rest, &self.host, n) {
            return Some((time, &rest[n + 1..]));
        }
        // A new host: the word up to the first space, as the parser splits it.
        let end = rest.iter().position(|&c| c == b' ').filter(|&e| e > 0)?;
        if end <= HOST_MAX {
            self.host = [0; HOST_MAX];
            self.host[..end].copy_from_slice(&rest[..end]);
            self.host_len = end;
        }
        Some((time, &rest[end + 1..]))
    }

    /// The 19-byte date and clock `stamp` read by `parse` on a miss: `None`
    /// when it is not one, `Some(None)` when it is but names no real time.
    pub fn iso(
        &mut self,
        stamp: &[u8; 19],
        parse: impl FnOnce(&[u8; 19]) -> Option<Option<LogTime>>,
    ) -> Option<Option<LogTime>> {
        if let Some((k, time)) = &self.iso
            && k == stamp
        {
            return *time;
        }
        let time = parse(stamp);
        self.iso = Some((*stamp, time));
        time
    }
}

/// Whether `a` starts with the first `n` bytes of `b` (`a` holds at least
/// `n`), compared eight bytes at a time: host names are short, and a
/// library comparison costs a call on every line.
#[inline]
fn same_start(a: &[u8], b: &[u8; HOST_MAX], n: usize) -> bool {
    let word = |s: &[u8], k: usize| u64::from_le_bytes(s[k..k + 8].try_into().unwrap_or_default());
    if n > 16 || a.len() < 16 {
        return a[..n] == b[..n];
    }
    let mask = |bytes: usize| if bytes >= 8 { u64::MAX } else { (1u64 << (bytes * 8)) - 1 };
    // `b` is zero beyond the host, so only `a` needs masking.
    (word(a, 0) & mask(n)) == word(b, 0) && (n <= 8 || (word(a, 8) & mask(n - 8)) == word(b, 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_only_on_equal_bytes() {
        let mut c = StampCache::default();
        let mut calls = 0;
        let mut parse = |line: &[u8]| {
            calls += 1;
            Some((LogTime::from_parts(2026, 11, 23, 0, 0, line[0] - b'0'), 15))
        };
        let a = c.classic(b"1 line one that is long", &mut parse);
        assert_eq!(c.classic(b"1 line one that is long too", &mut parse), a);
        let b = c.classic(b"2 line two that is long", &mut parse);
        assert_ne!(a, b);
        assert_eq!(c.classic(b"short", &mut parse).map(|x| x.1), Some(15));
        assert_eq!(calls, 3);
        let t = c.iso(b"2026-11-23 04:58:29", |_| Some(LogTime::from_parts(2026, 11, 23, 4, 58, 29)));
        assert_eq!(c.iso(b"2026-11-23 04:58:29", |_| None), t);
        assert_eq!(c.iso(b"2026-11-23 04:58:30", |_| None), None);
    }

    #[test]
    fn classic_host_needs_the_same_stamp_and_splits_the_host() {
        let mut c = StampCache::default();
        let t = LogTime::from_parts(2026, 11, 23, 4, 58, 29);
        assert_eq!(c.classic_host(b"Nov 23 04:58:29 mx p: x"), None);
        c.classic(b"Nov 23 04:58:29 mx p: x", |_| Some((t, 16)));
        assert_eq!(c.classic_host(b"Nov 23 04:58:29 mx p: x"), Some((t, &b"p: x"[..])));
        assert_eq!(c.classic_host(b"Nov 23 04:58:29 mx2 q: y"), Some((t, &b"q: y"[..])));
        assert_eq!(c.classic_host(b"Nov 23 04:58:29 mx2 q: z"), Some((t, &b"q: z"[..])));
        assert_eq!(c.classic_host(b"Nov 23 04:58:29 mx3 q: z"), Some((t, &b"q: z"[..])));
        assert_eq!(
            c.classic_host(b"Nov 23 04:58:29 mail.example.net q: a long message"),
            Some((t, &b"q: a long message"[..]))
        );
        assert_eq!(
            c.classic_host(b"Nov 23 04:58:29 mail.example.net q: a long message"),
            Some((t, &b"q: a long message"[..]))
        );
        assert_eq!(
            c.classic_host(b"Nov 23 04:58:29 mail.example.org q: a long message"),
            Some((t, &b"q: a long message"[..]))
        );
        assert_eq!(c.host_len, 16);
        assert_eq!(c.classic_host(b"Nov 23 04:58:29 mx"), None);
        assert_eq!(c.classic_host(b"Nov 23 04:58:29  mx p: x"), None);
        assert_eq!(c.classic_host(b"Nov 23 04:58:30 mx p: x"), None);
    }
}
