//! SMTP reply codes: the three-digit basic code (RFC 5321 §4.2) and the
//! enhanced status code (RFC 3463 §2), parsed from bytes without allocation.

use std::fmt;

/// The class a reply belongs to, taken from its first digit (RFC 5321 §4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// 2yz: the action is done.
    Success,
    /// 3yz: accepted, more input expected.
    Intermediate,
    /// 4yz: not done now; the sender keeps the message and retries.
    Transient,
    /// 5yz: not done; the message comes back to its sender.
    Permanent,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Success, Class::Intermediate, Class::Transient, Class::Permanent];

    /// The class of a first digit, if it is one SMTP defines.
    pub fn from_digit(d: u8) -> Option<Class> {
        match d {
            2 => Some(Class::Success),
            3 => Some(Class::Intermediate),
            4 => Some(Class::Transient),
            5 => Some(Class::Permanent),
            _ => None,
        }
    }

    pub fn digit(self) -> u8 {
        self.index() as u8 + 2
    }

    /// 4yz or 5yz: the action was not done.
    #[inline]
    pub fn failed(self) -> bool {
        matches!(self, Class::Transient | Class::Permanent)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The stable machine name used in JSON and CSV.
    pub fn label(self) -> &'static str {
        match self {
            Class::Success => "success",
            Class::Intermediate => "intermediate",
            Class::Transient => "transient",
            Class::Permanent => "permanent",
        }
    }
}

/// A basic reply code such as 550. Always three digits with a first digit of 2–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BasicCode(u16);

impl BasicCode {
    pub const MIN: u16 = 200;
    pub const MAX: u16 = 599;

    pub fn new(n: u16) -> Option<BasicCode> {
        (Self::MIN..=Self::MAX).contains(&n).then_some(BasicCode(n))
    }

    /// Parses exactly three ASCII digits.
    pub fn from_digits(b: &[u8]) -> Option<BasicCode> {
        match b {
            [a @ b'2'..=b'5', c @ b'0'..=b'9', d @ b'0'..=b'9'] => {
                Some(BasicCode(u16::from(a - b'0') * 100 + u16::from(c - b'0') * 10 + u16::from(d - b'0')))
            }
            _ => None,
        }
    }

    pub fn value(self) -> u16 {
        self.0
    }

    #[inline]
    pub fn class(self) -> Class {
        Class::from_digit((self.0 / 100) as u8).expect("constructor keeps 200..=599")
    }

    /// The second digit: the category (RFC 5321 §4.2.1).
    pub fn category(self) -> u8 {
        ((self.0 / 10) % 10) as u8
    }

    /// RFC 5321's ABNF only allows 0–5 as the second digit; 571 and the like
    /// are vendor inventions.
    pub fn is_well_formed(self) -> bool {
        self.category() <= 5
    }

    /// Dense index for array-backed counters.
    pub fn index(self) -> usize {
        usize::from(self.0 - Self::MIN)
    }

    pub fn from_index(i: usize) -> BasicCode {
        BasicCode(Self::MIN + i as u16)
    }

    pub const COUNT: usize = (Self::MAX - Self::MIN + 1) as usize;
}

impl fmt::Display for BasicCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An enhanced status code `class.subject.detail` (RFC 3463 §2), packed in a u32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnhancedCode(u32);

impl EnhancedCode {
    pub fn new(class: u8, subject: u16, detail: u16) -> Option<EnhancedCode> {
        let ok = matches!(class, 2 | 4 | 5) && subject <= 999 && detail <= 999;
        ok.then(|| EnhancedCode(u32::from(class) * 1_000_000 + u32::from(subject) * 1000 + u32::from(detail)))
    }

    /// Parses a code at the start of `b`: `[245].d{1,3}.d{1,3}`, not followed by a
    /// digit or a dot. Returns the code and its length in bytes.
    #[inline]
    pub fn parse_prefix(b: &[u8]) -> Option<(EnhancedCode, usize)> {
        // Nearly every code in a log has one-digit parts (`2.0.0`, `5.7.1`).
        if let [c @ (b'2' | b'4' | b'5'), b'.', s @ b'0'..=b'9', b'.', d @ b'0'..=b'9', rest @ ..] = b
            && !matches!(rest.first(), Some(b'0'..=b'9' | b'.'))
        {
            let code = u32::from(c - b'0') * 1_000_000 + u32::from(s - b'0') * 1000 + u32::from(d - b'0');
            return Some((EnhancedCode(code), 5));
        }
        let class = match b.first()? {
            c @ (b'2' | b'4' | b'5') => c - b'0',
            _ => return None,
        };
        if b.get(1) != Some(&b'.') {
            return None;
        }
        let (subject, n1) = parse_1_to_3_digits(&b[2..])?;
        let dot = 2 + n1;
        if b.get(dot) != Some(&b'.') {
            return None;
        }
        let (detail, n2) = parse_1_to_3_digits(&b[dot + 1..])?;
        let end = dot + 1 + n2;
        if matches!(b.get(end), Some(b'0'..=b'9' | b'.')) {
            return None;
        }
        Some((EnhancedCode::new(class, subject, detail)?, end))
    }

    /// Parses a whole string such as `5.1.1`.
    #[inline]
    pub fn parse(b: &[u8]) -> Option<EnhancedCode> {
        match EnhancedCode::parse_prefix(b)? {
            (code, n) if n == b.len() => Some(code),
            _ => None,
        }
    }

    pub fn class_digit(self) -> u8 {
        (self.0 / 1_000_000) as u8
    }

    #[inline]
    pub fn class(self) -> Class {
        Class::from_digit(self.class_digit()).expect("constructor keeps 2, 4 or 5")
    }

    pub fn subject(self) -> u16 {
        ((self.0 / 1000) % 1000) as u16
    }

    pub fn detail(self) -> u16 {
        (self.0 % 1000) as u16
    }
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class_digit(), self.subject(), self.detail())
    }
}

fn parse_1_to_3_digits(b: &[u8]) -> Option<(u16, usize)> {
    let n = b.iter().take(4).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 3 {
        return None;
    }
    let v = b[..n].iter().fold(0u16, |acc, &c| acc * 10 + u16::from(c - b'0'));
    Some((v, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_codes() {
        assert_eq!(BasicCode::from_digits(b"550").unwrap().value(), 550);
        assert_eq!(BasicCode::from_digits(b"550").unwrap().class(), Class::Permanent);
        assert_eq!(BasicCode::from_digits(b"421").unwrap().category(), 2);
        assert!(BasicCode::from_digits(b"650").is_none());
        assert!(BasicCode::from_digits(b"199").is_none());
        assert!(BasicCode::from_digits(b"55").is_none());
        assert!(!BasicCode::from_digits(b"571").unwrap().is_well_formed());
        let c = BasicCode::from_digits(b"599").unwrap();
        assert_eq!(BasicCode::from_index(c.index()), c);
    }

    #[test]
    fn enhanced_codes() {
        let table: &[(&str, Option<&str>)] = &[
            ("5.1.1", Some("5.1.1")),
            ("5.12.345", Some("5.12.345")),
            ("4.7.28", Some("4.7.28")),
            ("2.0.0", Some("2.0.0")),
            ("4.1234.343", None),
            ("3.1.1", None),
            ("5.1", None),
            ("5.1.1.", None),
            ("5.1.1234", None),
            ("5..1", None),
        ];
        for (input, want) in table {
            let got = EnhancedCode::parse(input.as_bytes()).map(|c| c.to_string());
            assert_eq!(got.as_deref(), *want, "{input}");
        }
        let (c, n) = EnhancedCode::parse_prefix(b"4.2.1 Mailbox busy").unwrap();
        assert_eq!((c.to_string().as_str(), n), ("4.2.1", 5));
        assert_eq!(c.class(), Class::Transient);
        assert_eq!((c.subject(), c.detail()), (2, 1));
    }
}
