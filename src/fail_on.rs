//! `--fail-on`: conditions that make a cron run fail loudly (exit 1, the
//! reason on stderr, the report still written), such as
//! `unrecognized>5%,permanent>2%,deferred>1000`.
//!
//! A condition is `METRIC OP VALUE[%]` with OP one of `>`, `>=`, `<`, `<=`.
//! Metrics and what a percentage is taken of:
//! - lines: `unrecognized`, `foreign`, `oversized`, `recognized` (of lines read);
//! - classes: `success`, `intermediate`, `transient`, `permanent` (of events with a code);
//! - statuses: `sent`, `deferred`, `bounced`, `expired`, `rejected` (of events with a status);
//! - a code: `550`, `5.7.1` (of events with a code).

use crate::aggregate::Summary;
use crate::code::{BasicCode, Class, EnhancedCode};
use crate::error::Error;
use crate::event::Status;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Clone, Debug, PartialEq)]
enum Metric {
    Lines(&'static str),
    Class(Class),
    Status(Status),
    Basic(BasicCode),
    Enhanced(EnhancedCode),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    text: String,
    metric: Metric,
    op: Op,
    value: f64,
    percent: bool,
}

/// Parses `a>5%,b>=10`; an error names the condition and says what is allowed.
pub fn parse(spec: &str) -> Result<Vec<Condition>, Error> {
    spec.split(',').map(str::trim).filter(|s| !s.is_empty()).map(parse_one).collect()
}

fn parse_one(s: &str) -> Result<Condition, Error> {
    let bad = |why: &str| {
        Error::Usage(format!(
            "--fail-on {s:?}: {why}; expected METRIC>VALUE or METRIC>VALUE% (also >=, <, <=), \
             METRIC one of unrecognized, foreign, oversized, recognized, success, intermediate, \
             transient, permanent, sent, deferred, bounced, expired, rejected, or a code such as 550 or 5.7.1"
        ))
    };
    let at = s.find(['>', '<']).ok_or_else(|| bad("no comparison"))?;
    let (name, rest) = (s[..at].trim(), &s[at..]);
    let (op, value) = match rest {
        r if r.starts_with(">=") => (Op::Ge, &r[2..]),
        r if r.starts_with("<=") => (Op::Le, &r[2..]),
        r if r.starts_with('>') => (Op::Gt, &r[1..]),
        r => (Op::Lt, &r[1..]),
    };
    let value = value.trim();
    let (number, percent) = match value.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (value, false),
    };
    let value: f64 = number.parse().map_err(|_| bad("the value is not a number"))?;
    if !value.is_finite() || value < 0.0 || (percent && value > 100.0) {
        return Err(bad("the value is out of range"));
    }
    let metric = match name {
        "unrecognized" | "unrecognised" => Metric::Lines("unrecognized"),
        "foreign" => Metric::Lines("foreign"),
        "oversized" => Metric::Lines("oversized"),
        "recognized" | "recognised" => Metric::Lines("recognized"),
        "success" => Metric::Class(Class::Success),
        "intermediate" => Metric::Class(Class::Intermediate),
        "transient" => Metric::Class(Class::Transient),
        "permanent" => Metric::Class(Class::Permanent),
        "sent" => Metric::Status(Status::Sent),
        "deferred" => Metric::Status(Status::Deferred),
        "bounced" => Metric::Status(Status::Bounced),
        "expired" => Metric::Status(Status::Expired),
        "rejected" => Metric::Status(Status::Rejected),
        n => match (BasicCode::from_digits(n.as_bytes()), EnhancedCode::parse(n.as_bytes())) {
            (Some(b), _) => Metric::Basic(b),
            (_, Some(e)) => Metric::Enhanced(e),
            _ => return Err(bad("unknown metric")),
        },
    };
    Ok(Condition { text: s.to_string(), metric, op, value, percent })
}

impl Condition {
    /// `(count, base)`: the metric and what its percentage is taken of.
    fn measure(&self, s: &Summary) -> (u64, u64) {
        let coded: u64 = s.classes.iter().sum();
        match &self.metric {
            Metric::Lines(which) => {
                let l = &s.lines;
                let n = match *which {
                    "unrecognized" => l.unrecognized,
                    "foreign" => l.foreign,
                    "oversized" => l.oversized,
                    _ => l.recognized,
                };
                (n, l.read)
            }
            Metric::Class(c) => (s.classes[c.index()], coded),
            Metric::Status(st) => (s.status(*st), s.statuses.iter().sum()),
            Metric::Basic(b) => (s.basic.get(b.index()).copied().unwrap_or(0), coded),
            Metric::Enhanced(e) => (s.enhanced.get(e).copied().unwrap_or(0), coded),
        }
    }

    /// `Some(message)` when the condition holds for this summary.
    pub fn check(&self, s: &Summary) -> Option<String> {
        let (n, base) = self.measure(s);
        let actual = if self.percent {
            if base == 0 {
                return None;
            }
            n as f64 * 100.0 / base as f64
        } else {
            n as f64
        };
        let hit = match self.op {
            Op::Gt => actual > self.value,
            Op::Ge => actual >= self.value,
            Op::Lt => actual < self.value,
            Op::Le => actual <= self.value,
        };
        let shown = if self.percent { format!("{actual:.2}% ({n} of {base})") } else { n.to_string() };
        hit.then(|| format!("--fail-on {}: the value is {shown}", self.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::ParseContext;
    use crate::pipeline::scan_sequential;

    #[test]
    fn parses_conditions() {
        let c = parse("unrecognized>5%, permanent>=2% ,deferred>1000,550>0,5.7.1<=3").unwrap();
        assert_eq!(c.len(), 5);
        for bad in ["unrecognized", "bogus>1", "permanent>x", "permanent>150%", "sent>-1", "4.7>1", "550=>1"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn checks_against_a_summary() {
        let log = b"Nov 22 08:01:02 mx postfix/smtp[1]: ABCDEF1: to=<a@b.example>, relay=r[192.0.2.1]:25, dsn=5.1.1, status=bounced (host r[192.0.2.1] said: 550 5.1.1 no (in reply to RCPT TO command))\nnot a log line\n";
        let s = scan_sequential(log, &ParseContext::default());
        let hits = |spec: &str| parse(spec).unwrap().iter().filter_map(|c| c.check(&s)).count();
        assert_eq!(hits("unrecognized>40%"), 1);
        assert_eq!(hits("unrecognized>60%"), 0);
        assert_eq!(hits("permanent>99%,bounced>=1,550>0,5.1.1>0"), 4);
        assert_eq!(hits("deferred>0,transient>0%"), 0);
        let msg = parse("unrecognized>5%").unwrap()[0].check(&s).unwrap();
        assert!(msg.contains("50.00% (1 of 2)"), "{msg}");
    }
}
