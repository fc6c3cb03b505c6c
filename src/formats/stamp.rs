//! Remembers the last time stamps parsed (classic and RFC 3339) and the host
//! after them.
//! Consecutive lines of a busy log mostly share their second and always
//! their host, so a comparison of a few bytes replaces the parse and the
//! calendar arithmetic for nearly every line.

use crate::time::LogTime;

/// Results keyed by the exact bytes they were parsed from: a hit returns
/// what parsing those bytes again would return.
#[derive(Clone, Debug, Default)]
pub struct StampCache {
    /// A classic syslog stamp without a fraction never reads past its
    /// 16th byte (`Mmm dd hh:mm:ss `), so those bytes decide the time and
    /// its length; stamps with a fraction are longer and not kept.
    classic: Option<([u8; 16], Option<LogTime>, usize)>,
    /// `YYYY-MM-DD?hh:mm:ss` (RFC 3339 and Exim), before any fraction or zone.
    iso: Option<([u8; 19], Option<Option<LogTime>>)>,
    /// The last whole RFC 3339 stamp read (fractions differ from line to
    /// line, so they are skipped, not compared).
    iso_line: Option<IsoStamp>,
    /// The host of the last line read by [`StampCache::known_host`].
    host: [u8; HOST_MAX],
    host_len: usize,
}

/// An RFC 3339 stamp: its date and clock, the zone and space after the
/// fraction, and the time and UTC offset they gave.
#[derive(Clone, Debug)]
struct IsoStamp {
    clock: [u8; 19],
    zone: [u8; ZONE_MAX],
    zone_len: usize,
    time: Option<LogTime>,
    offset: i32,
}

/// `+hh:mm ` is the longest zone with its space.
const ZONE_MAX: usize = 7;

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
        if len <= key.len() {
            self.classic = Some((*key, time, len));
        }
        Some((time, len))
    }

    /// Notes a whole RFC 3339 stamp that parsed: `line[..zone_at]` is the
    /// clock and fraction, `line[zone_at..end]` the zone and its space.
    pub fn remember_iso(&mut self, line: &[u8], zone_at: usize, end: usize, time: Option<LogTime>, offset: i32) {
        let (Some(clock), Some(zone)) = (line.first_chunk::<19>(), line.get(zone_at..end)) else {
            return;
        };
        if zone.len() <= ZONE_MAX {
            let mut z = [0; ZONE_MAX];
            z[..zone.len()].copy_from_slice(zone);
            self.iso_line = Some(IsoStamp { clock: *clock, zone: z, zone_len: zone.len(), time, offset });
        }
    }

    /// For a line that starts with the last stamp seen, classic or RFC
    /// 3339 (any fraction, the same zone): its time, the UTC offset the
    /// stamp states, and the rest after `host `, exactly as parsing the
    /// stamp and splitting the host off would give them. `None` for any
    /// other line.
    #[inline]
    pub fn known_host<'a>(&mut self, line: &'a [u8]) -> Option<(Option<LogTime>, Option<i32>, &'a [u8])> {
        let (time, offset, rest) = self.known_stamp(line)?;
        Some((time, offset, self.split_host(rest)?))
    }

    #[inline]
    fn known_stamp<'a>(&self, line: &'a [u8]) -> Option<(Option<LogTime>, Option<i32>, &'a [u8])> {
        if let Some((key, time, len)) = &self.classic
            && line.first_chunk::<16>() == Some(key)
        {
            return Some((*time, None, &line[*len..]));
        }
        let iso = self.iso_line.as_ref()?;
        if line.first_chunk::<19>()? != &iso.clock {
            return None;
        }
        let i = 19 + super::syslog::fraction_len(&line[19..])?;
        let rest = line[i..].strip_prefix(&iso.zone[..iso.zone_len])?;
        Some((iso.time, Some(iso.offset), rest))
    }

    /// `rest` after its first word (the host) and the space after it.
    #[inline]
    fn split_host<'a>(&mut self, rest: &'a [u8]) -> Option<&'a [u8]> {
        // FreeBSD's `<mail.info>` before the host is the parser's to read.
        if rest.first() == Some(&b'<') {
            return None;
        }
        let n = self.host_len;
        if n > 0 && rest.get(n) == Some(&b' ') && same_start(rest, &self.host, n) {
            return Some(&rest[n + 1..]);
        }
        // A new host: the word up to the first space, as the parser splits it.
        let end = rest.iter().position(|&c| c == b' ').filter(|&e| e > 0)?;
        if end <= HOST_MAX {
            self.host = [0; HOST_MAX];
            self.host[..end].copy_from_slice(&rest[..end]);
            self.host_len = end;
        }
        Some(&rest[end + 1..])
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
        // A stamp longer than the key (a fraction) is parsed every time.
        let long = |_: &[u8]| Some((LogTime::from_parts(2026, 11, 23, 0, 0, 0), 20));
        assert_eq!(c.classic(b"Dec 05 06:00:09.123 x", long).map(|x| x.1), Some(20));
        assert_eq!(c.classic(b"Dec 05 06:00:09.1 x", |_| None), None);
        let t = c.iso(b"2026-11-23 04:58:29", |_| Some(LogTime::from_parts(2026, 11, 23, 4, 58, 29)));
        assert_eq!(c.iso(b"2026-11-23 04:58:29", |_| None), t);
        assert_eq!(c.iso(b"2026-11-23 04:58:30", |_| None), None);
    }

    #[test]
    fn classic_host_needs_the_same_stamp_and_splits_the_host() {
        let mut c = StampCache::default();
        let t = LogTime::from_parts(2026, 11, 23, 4, 58, 29);
        assert_eq!(c.known_host(b"Nov 23 04:58:29 mx p: x"), None);
        c.classic(b"Nov 23 04:58:29 mx p: x", |_| Some((t, 16)));
        assert_eq!(c.known_host(b"Nov 23 04:58:29 mx p: x"), Some((t, None, &b"p: x"[..])));
        assert_eq!(c.known_host(b"Nov 23 04:58:29 mx2 q: y"), Some((t, None, &b"q: y"[..])));
        assert_eq!(c.known_host(b"Nov 23 04:58:29 mx2 q: z"), Some((t, None, &b"q: z"[..])));
        assert_eq!(c.known_host(b"Nov 23 04:58:29 mx3 q: z"), Some((t, None, &b"q: z"[..])));
        assert_eq!(
            c.known_host(b"Nov 23 04:58:29 mail.example.net q: a long message"),
            Some((t, None, &b"q: a long message"[..]))
        );
        assert_eq!(
            c.known_host(b"Nov 23 04:58:29 mail.example.net q: a long message"),
            Some((t, None, &b"q: a long message"[..]))
        );
        assert_eq!(
            c.known_host(b"Nov 23 04:58:29 mail.example.org q: a long message"),
            Some((t, None, &b"q: a long message"[..]))
        );
        assert_eq!(c.host_len, 16);
        assert_eq!(c.known_host(b"Nov 23 04:58:29 mx"), None);
        assert_eq!(c.known_host(b"Nov 23 04:58:29  mx p: x"), None);
        assert_eq!(c.known_host(b"Nov 23 04:58:30 mx p: x"), None);
    }

    #[test]
    fn known_host_reads_any_fraction_of_the_last_rfc3339_stamp() {
        let mut c = StampCache::default();
        let t = LogTime::from_parts(2026, 11, 23, 4, 58, 29);
        let line = b"2026-11-23T04:58:29.123456+01:00 mx p: x";
        assert_eq!(c.known_host(line), None);
        c.remember_iso(line, 26, 33, t, 3600);
        assert_eq!(c.known_host(line), Some((t, Some(3600), &b"p: x"[..])));
        assert_eq!(c.known_host(b"2026-11-23T04:58:29.9+01:00 mx q: y"), Some((t, Some(3600), &b"q: y"[..])));
        assert_eq!(c.known_host(b"2026-11-23T04:58:29+01:00 mx q: y"), Some((t, Some(3600), &b"q: y"[..])));
        for other in [
            &b"2026-11-23T04:58:29.9+0100 mx q: y"[..],
            b"2026-11-23T04:58:29.9Z mx q: y",
            b"2026-11-23T04:58:29. +01:00 mx q: y",
            b"2026-11-23T04:58:29.+01:00 mx q: y",
            b"2026-11-23T04:58:30.9+01:00 mx q: y",
            b"2026-11-23T04:58:29.9+01:00",
        ] {
            assert_eq!(c.known_host(other), None, "{}", String::from_utf8_lossy(other));
        }
    }
}
