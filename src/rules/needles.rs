//! A literal prefilter for rule regexes. For each pattern it finds a set
//! of byte strings one of which every match must contain (`user unknown`
//! or `5.1.1` for a rule that says either); one Aho-Corasick pass over a
//! reply then tells which rules can match it at all, and only those run.
//! Most replies contain the needles of one or two rules, so the rules cost
//! one pass instead of one regex search per rule.

use aho_corasick::AhoCorasick;
use regex_syntax::hir::{Class, Hir, HirKind};

use crate::aggregate::Map;

/// Needles shorter than this occur in too many replies to be worth a
/// lookup; a rule whose best needles are shorter always runs.
const MIN_NEEDLE: usize = 3;

/// Alternations with more needles than this are left unfiltered.
const MAX_NEEDLES: usize = 64;

/// Needles of all rules together; rules past it always run, so thousands
/// of user rules cost no more memory than this many needles.
const MAX_TOTAL_NEEDLES: usize = 4096;

/// Which of a list of patterns can match a text.
#[derive(Debug)]
pub struct Prefilter {
    /// Rules without needles: they run on every text.
    always: Vec<bool>,
    /// The rules each needle (by Aho-Corasick pattern id) belongs to.
    owners: Vec<Vec<usize>>,
    finder: Option<AhoCorasick>,
}

impl Prefilter {
    /// The prefilter for the parsed patterns.
    pub fn new(patterns: &[Hir]) -> Prefilter {
        let mut needles: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut index: Map<Vec<u8>, usize> = Map::default();
        let mut always = Vec::with_capacity(patterns.len());
        for (rule, pattern) in patterns.iter().enumerate() {
            let room = MAX_TOTAL_NEEDLES.saturating_sub(needles.len());
            let set = required(pattern)
                .filter(|set| set.len() <= MAX_NEEDLES.min(room) && set.iter().all(|n| n.len() >= MIN_NEEDLE));
            always.push(set.is_none());
            for needle in set.unwrap_or_default() {
                match index.get(&needle) {
                    Some(&i) => owners[i].push(rule),
                    None => {
                        index.insert(needle.clone(), needles.len());
                        needles.push(needle);
                        owners.push(vec![rule]);
                    }
                }
            }
        }
        // Needles are matched without regard to ASCII case, which only
        // lets more texts through: a needle stays necessary.
        let finder = (!needles.is_empty())
            .then(|| AhoCorasick::builder().ascii_case_insensitive(true).build(&needles).ok())
            .flatten();
        if finder.is_none() {
            always.fill(true);
        }
        Prefilter { always, owners, finder }
    }

    /// Marks in `can_match` (one entry per pattern) the patterns that may
    /// match `text`; the others cannot.
    pub fn candidates(&self, text: &[u8], can_match: &mut Vec<bool>) {
        can_match.clear();
        can_match.extend_from_slice(&self.always);
        if let Some(finder) = &self.finder {
            for m in finder.find_overlapping_iter(text) {
                for &rule in &self.owners[m.pattern().as_usize()] {
                    can_match[rule] = true;
                }
            }
        }
    }
}

/// Strings one of which every match of `hir` contains, lower-cased; `None`
/// when no such set was found.
fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_ascii_lowercase()]),
        HirKind::Class(class) => one_byte(class).map(|b| vec![vec![b]]),
        HirKind::Capture(cap) => required(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => required(&rep.sub),
        HirKind::Concat(parts) => concat(parts),
        HirKind::Alternation(branches) => {
            let mut all: Vec<Vec<u8>> = Vec::new();
            for branch in branches {
                for needle in required(branch)? {
                    if !all.contains(&needle) {
                        all.push(needle);
                    }
                }
                // Too many to be worth a lookup (and to compare on).
                if all.len() > MAX_NEEDLES {
                    return None;
                }
            }
            Some(all)
        }
        HirKind::Empty | HirKind::Look(_) | HirKind::Repetition(_) => None,
    }
}

/// The best set a concatenation requires: each run of adjacent literal
/// parts forms needles (one per way a small class in it can read, as in
/// `53[45]`), and each other part brings its own set; any of these is
/// required, so the most selective one is kept.
fn concat(parts: &[Hir]) -> Option<Vec<Vec<u8>>> {
    let mut best: Option<Vec<Vec<u8>>> = None;
    let mut consider = |set: Vec<Vec<u8>>| {
        if best.as_ref().is_none_or(|b| better(&set, b)) {
            best = Some(set);
        }
    };
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    for part in parts {
        match literal_piece(part).filter(|ways| !ways.is_empty() && ways.len() * run.len() <= MAX_RUN_WAYS) {
            Some(ways) => {
                run = run.iter().flat_map(|r| ways.iter().map(move |w| [r.as_slice(), w].concat())).collect();
            }
            None => {
                let ended = std::mem::replace(&mut run, vec![Vec::new()]);
                if ended.iter().all(|n| !n.is_empty()) {
                    consider(ended);
                }
                if let Some(set) = required(part) {
                    consider(set);
                }
            }
        }
    }
    if run.iter().all(|n| !n.is_empty()) {
        consider(run);
    }
    best
}

/// Needles one run of literals may expand to.
const MAX_RUN_WAYS: usize = 10;

/// Whether needle set `a` filters better than `b`: needles long enough
/// to be used at all, then fewer words most replies hold, then a longer
/// shortest needle, then fewer needles.
fn better(a: &[Vec<u8>], b: &[Vec<u8>]) -> bool {
    let rank = |s: &[Vec<u8>]| {
        let shortest = s.iter().map(Vec::len).min().unwrap_or(0);
        let common = s.iter().filter(|n| is_common(n)).count();
        (shortest >= MIN_NEEDLE, std::cmp::Reverse(common), shortest, std::cmp::Reverse(s.len()))
    };
    rank(a) > rank(b)
}

/// Words in a large share of failure replies, and short code fragments
/// (`.7.`, `5.7.`) that also occur in IP addresses: as needles they let
/// most replies through. A rule's other words filter better.
const COMMON: &[&[u8]] = &[
    b"access",
    b"address",
    b"again",
    b"and",
    b"are",
    b"available",
    b"been",
    b"cannot",
    b"command",
    b"connection",
    b"delivery",
    b"denied",
    b"domain",
    b"error",
    b"failed",
    b"failure",
    b"for",
    b"found",
    b"from",
    b"has",
    b"have",
    b"here",
    b"host",
    b"later",
    b"list",
    b"local",
    b"mail",
    b"mailbox",
    b"message",
    b"name",
    b"not",
    b"please",
    b"recipient",
    b"rejected",
    b"sender",
    b"server",
    b"service",
    b"source",
    b"temporary",
    b"that",
    b"the",
    b"this",
    b"unable",
    b"unknown",
    b"user",
    b"was",
    b"with",
    b"your",
];

fn is_common(needle: &[u8]) -> bool {
    COMMON.contains(&needle) || (needle.len() <= 4 && needle.iter().all(|&c| c.is_ascii_digit() || c == b'.'))
}

/// The bytes a part always matches (up to ASCII case), if it is a
/// literal or a class of a few bytes: `[Kk]` (how `(?i)k` reads) gives
/// `k`, `[45]` each of its bytes.
fn literal_piece(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_ascii_lowercase()]),
        HirKind::Class(class) => few_bytes(class),
        _ => None,
    }
}

/// The bytes of a class of at most five, lower-cased and without repeats.
fn few_bytes(class: &Class) -> Option<Vec<Vec<u8>>> {
    let Class::Bytes(bytes) = class else { return None };
    let mut ways: Vec<Vec<u8>> = Vec::new();
    for r in bytes.iter() {
        if usize::from(r.end() - r.start()) >= 8 {
            return None;
        }
        for b in r.start()..=r.end() {
            let b = vec![b.to_ascii_lowercase()];
            if !ways.contains(&b) {
                ways.push(b);
            }
        }
        if ways.len() > 5 {
            return None;
        }
    }
    Some(ways)
}

/// The byte of a class that holds one byte, or one ASCII letter in both
/// cases, lower-cased.
fn one_byte(class: &Class) -> Option<u8> {
    let Class::Bytes(bytes) = class else { return None };
    let mut members = bytes.iter().flat_map(|r| r.start()..=r.end());
    let first = members.next()?;
    match (members.next(), members.next()) {
        (None, _) => Some(first.to_ascii_lowercase()),
        (Some(second), None) if first.is_ascii_alphabetic() && first.to_ascii_lowercase() == second => Some(second),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse;

    fn needles(pattern: &str) -> Option<Vec<String>> {
        let set = required(&parse(pattern).ok()?)?;
        Some(set.into_iter().map(|n| String::from_utf8(n).unwrap()).collect())
    }

    #[test]
    fn needles_are_the_literals_every_match_holds() {
        assert_eq!(needles(r"(?i)quota\s+exceeded"), Some(vec!["exceeded".into()]));
        // A word most replies hold gives way to a rarer one, even shorter.
        assert_eq!(needles(r"(?i)mailbox\s+full"), Some(vec!["full".into()]));
        // A small class is read each way it can be; a large one ends the run.
        assert_eq!(needles(r"(?:^|\s)53[45][\s-]"), Some(vec!["534".into(), "535".into()]));
        assert!(needles(r"(?:^|\s)5[0-9]x").unwrap().iter().all(|n| n.len() == 1));
        // A class that matches nothing adds no way to read a run.
        assert_eq!(needles(r"(?-u:[^\x00-\xff])abc"), Some(vec!["abc".into()]));
        assert_eq!(needles(r"(?xi) (?:^|[^\d.]) 5\.1\.1 (?:[^\d.]|$)"), Some(vec!["5.1.1".into()]));
        assert_eq!(needles(r"(?i)user unknown|no such user"), Some(vec!["user unknown".into(), "no such user".into()]));
        assert_eq!(
            needles(r"(?i)(?:greylist|try later)(?:ed|ing)?"),
            Some(vec!["greylist".into(), "try later".into()])
        );
        // A branch without a literal leaves the whole alternation open.
        assert_eq!(needles(r"(?i)spam|\d+"), None);
        // Optional parts require nothing.
        assert_eq!(needles(r"(?i)(?:quota)?"), None);
        assert_eq!(needles(r"(?i)x(?:quota)+y"), Some(vec!["quota".into()]));
    }

    #[test]
    fn only_rules_whose_needles_occur_are_candidates() {
        let patterns = [r"(?i)mailbox\s+full", r"\d+", r"(?i)user unknown|no such user", r"(?i)x|\w+"];
        let f = Prefilter::new(&patterns.map(|p| parse(p).unwrap()));
        let mut can = Vec::new();
        f.candidates(b"550 5.1.1 No Such User here", &mut can);
        assert_eq!(can, [false, true, true, true]);
        f.candidates(b"452 4.2.2 MAILBOX  full", &mut can);
        assert_eq!(can, [true, true, false, true]);
    }
}
