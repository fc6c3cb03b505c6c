//! Wall-clock times as logs write them. Classic syslog stamps carry no year
//! and no zone, so times are kept as the log's own wall clock (seconds since
//! 1970-01-01 00:00 of that clock), and the missing year is resolved from a
//! reference date.

use std::fmt;

/// Seconds since the epoch of the log's wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogTime(pub i64);

impl LogTime {
    pub fn from_parts(year: i32, month: u8, day: u8, h: u8, m: u8, s: u8) -> Option<LogTime> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || h > 23 || m > 59 || s > 60 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(LogTime(days * 86_400 + i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)))
    }

    /// Start of the hour this time falls in.
    pub fn hour(self) -> LogTime {
        LogTime(self.0.div_euclid(3600) * 3600)
    }

    pub fn date(self) -> (i32, u8, u8) {
        civil_from_days(self.0.div_euclid(86_400))
    }
}

impl fmt::Display for LogTime {
    /// ISO 8601 without zone: `2026-11-23T04:58:29`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d) = self.date();
        let secs = self.0.rem_euclid(86_400);
        write!(f, "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// Picks the year for a year-less stamp. A month more than one month after
/// the reference month belongs to the year before: a log read on 2 January
/// that holds December lines is last year's December.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearResolver {
    year_for_month: [i32; 12],
}

impl YearResolver {
    /// Resolves against a reference date (e.g. the file's modification time).
    pub fn from_reference(year: i32, month: u8) -> YearResolver {
        let mut year_for_month = [year; 12];
        for (i, y) in year_for_month.iter_mut().enumerate() {
            if i as u8 + 1 > month.saturating_add(1) {
                *y = year - 1;
            }
        }
        YearResolver { year_for_month }
    }

    /// Every stamp gets this year (`--year`).
    pub fn fixed(year: i32) -> YearResolver {
        YearResolver { year_for_month: [year; 12] }
    }

    /// The reference is a Unix time (seconds, UTC).
    pub fn from_unix(secs: i64) -> YearResolver {
        let (y, m, _) = civil_from_days(secs.div_euclid(86_400));
        YearResolver::from_reference(y, m)
    }

    pub fn now() -> YearResolver {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        YearResolver::from_unix(secs)
    }

    pub fn year(&self, month: u8) -> i32 {
        self.year_for_month[usize::from(month.clamp(1, 12) - 1)]
    }
}

impl Default for YearResolver {
    fn default() -> Self {
        YearResolver::now()
    }
}

/// Parses a time argument on the local clock: `YYYY-MM-DD`,
/// `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS` (or with a `T`).
pub fn parse_time_arg(arg: &str) -> Option<LogTime> {
    let b = arg.trim().as_bytes();
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        part.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (n(0..4)? as i32, n(5..7)? as u8, n(8..10)? as u8);
    let (h, mi, s) = match b.len() {
        10 => (0, 0, 0),
        16 if matches!(b[10], b' ' | b'T') && b[13] == b':' => (n(11..13)?, n(14..16)?, 0),
        19 if matches!(b[10], b' ' | b'T') && b[13] == b':' && b[16] == b':' => (n(11..13)?, n(14..16)?, n(17..19)?),
        _ => return None,
    };
    LogTime::from_parts(y, mo, d, h as u8, mi as u8, s as u8)
}

/// The start of the local day that `arg` names (`today`, `yesterday`,
/// `YYYY-MM-DD`), given today's local date.
pub fn parse_day_arg(arg: &str, today: (i32, u8, u8)) -> Option<LogTime> {
    let midnight = |(y, m, d): (i32, u8, u8)| LogTime::from_parts(y, m, d, 0, 0, 0);
    match arg.trim() {
        "today" => midnight(today),
        "yesterday" => midnight(today).map(|t| LogTime(t.0 - 86_400)),
        other if other.len() == 10 => parse_time_arg(other),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_arguments() {
        let t = |s: &str| parse_time_arg(s).map(|t| t.to_string());
        assert_eq!(t("2026-11-22").as_deref(), Some("2026-11-22T00:00:00"));
        assert_eq!(t("2026-11-22 08:30").as_deref(), Some("2026-11-22T08:30:00"));
        assert_eq!(t("2026-11-22T08:30:05").as_deref(), Some("2026-11-22T08:30:05"));
        for bad in ["", "yesterday", "2026-13-01", "2026-11-22 25:00", "22/11/2026", "2026-11-22 08"] {
            assert!(parse_time_arg(bad).is_none(), "{bad}");
        }
        let today = (2027, 1, 1);
        assert_eq!(parse_day_arg("yesterday", today).unwrap().to_string(), "2026-12-31T00:00:00");
        assert_eq!(parse_day_arg("today", today).unwrap().to_string(), "2027-01-01T00:00:00");
        assert_eq!(parse_day_arg("2026-03-01", today).unwrap().to_string(), "2026-03-01T00:00:00");
        assert!(parse_day_arg("2026-03-01 10:00", today).is_none());
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 10_957, 20_415, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(LogTime::from_parts(2026, 11, 23, 4, 58, 29).unwrap().to_string(), "2026-11-23T04:58:29");
        assert_eq!(LogTime::from_parts(2024, 2, 29, 0, 0, 0).unwrap().to_string(), "2024-02-29T00:00:00");
        assert!(LogTime::from_parts(2026, 2, 29, 0, 0, 0).is_none());
        assert!(LogTime::from_parts(2026, 13, 1, 0, 0, 0).is_none());
    }

    #[test]
    fn year_rolls_back_over_new_year() {
        let r = YearResolver::from_reference(2027, 1);
        assert_eq!(r.year(12), 2026);
        assert_eq!(r.year(1), 2027);
        assert_eq!(r.year(2), 2027);
        let r = YearResolver::from_reference(2026, 11);
        assert_eq!(r.year(11), 2026);
        assert_eq!(r.year(12), 2026);
        assert_eq!(r.year(3), 2026);
        assert_eq!(YearResolver::fixed(2020).year(12), 2020);
    }
}
