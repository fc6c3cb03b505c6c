//! Rules that are data: `patterns/reasons.toml` says why a failed reply
//! failed (unknown user, greylisting, a block list …), and
//! `patterns/providers.toml` says who sent it (Gmail, Microsoft, Spamhaus …)
//! and what a code means there. Both are embedded; `--patterns FILE` adds
//! rules of either kind. A rule whose id already exists replaces it; new
//! rules are tried before the built-in ones. Regexes are compiled once and
//! run once per shape of failed reply (see `aggregate::FailureShape`), in
//! order, the first match winning; a literal prefilter (`needles`) skips
//! the reason rules a reply cannot match.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use regex_automata::meta::Regex;
use regex_syntax::hir::Hir;
use serde::Deserialize;

use crate::aggregate::{CodeKey, Map, Shapes, Summary, UNCLASSIFIED, add_map};
use crate::code::{BasicCode, EnhancedCode};
use crate::error::Error;

mod needles;

use needles::Prefilter;

const REASONS: &str = include_str!("../patterns/reasons.toml");
const PROVIDERS: &str = include_str!("../patterns/providers.toml");

/// Text in each language, keyed by language code; English is required.
pub type Texts = BTreeMap<String, String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonRule {
    pub id: String,
    pub reason: Texts,
    pub hint: Texts,
    pub regex: String,
    /// Tried only when no rule's `regex` matches: for codes that say less
    /// than any rule's words (X.3.0 "other mail system status").
    #[serde(default)]
    pub fallback: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub counter_examples: Vec<String>,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderCode {
    /// `4.7.28`, `421`, `421 4.7.28`, or `any`.
    pub code: String,
    pub meaning: Texts,
    pub fix: Texts,
    #[serde(default)]
    pub more: Option<String>,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub regex: String,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub counter_examples: Vec<String>,
    #[serde(default)]
    pub code: Vec<ProviderCode>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<ReasonRule>,
    #[serde(default)]
    provider: Vec<Provider>,
}

/// The compiled rules.
#[derive(Debug)]
pub struct Rules {
    pub reasons: Vec<ReasonRule>,
    reason_regexes: Vec<Regex>,
    /// Which reason rules can match a reply, found in one pass.
    reason_filter: Prefilter,
    /// The rules' `fallback` regexes with their rule, in rule order.
    reason_fallbacks: Vec<(u16, Regex)>,
    pub providers: Vec<Provider>,
    provider_regexes: Vec<Regex>,
}

/// Replies longer than this are classified by their start only.
const MATCH_LIMIT: usize = 1024;

impl Rules {
    /// The built-in rules.
    pub fn builtin() -> Rules {
        Rules::load(&[]).expect("patterns/*.toml are checked by the rules tests")
    }

    /// The built-in rules plus the files given (`(name, text)`), later files first.
    pub fn load(extra: &[(String, String)]) -> Result<Rules, Error> {
        let mut reasons: Vec<(String, ReasonRule)> = Vec::new();
        let mut providers: Vec<(String, Provider)> = Vec::new();
        let builtin =
            [("patterns/providers.toml".to_string(), PROVIDERS), ("patterns/reasons.toml".to_string(), REASONS)];
        let files =
            builtin.iter().map(|(n, t)| (n.clone(), *t)).chain(extra.iter().map(|(n, t)| (n.clone(), t.as_str())));
        for (name, text) in files {
            let file: RulesFile = toml::from_str(text).map_err(|e| Error::BadPattern {
                file: name.clone(),
                rule: String::new(),
                message: toml_error(text, &e),
            })?;
            let user = !name.starts_with("patterns/");
            for r in file.rule {
                upsert(&mut reasons, (name.clone(), r), |x| &x.1.id, user);
            }
            for p in file.provider {
                upsert(&mut providers, (name.clone(), p), |x| &x.1.id, user);
            }
        }
        let bad = |file: &str, rule: &str, message: String| Error::BadPattern {
            file: file.to_string(),
            rule: rule.to_string(),
            message,
        };
        let mut reason_regexes = Vec::with_capacity(reasons.len());
        let mut reason_patterns = Vec::with_capacity(reasons.len());
        let mut reason_fallbacks = Vec::new();
        for (i, (file, r)) in reasons.iter().enumerate() {
            if !r.reason.contains_key("en") || !r.hint.contains_key("en") {
                return Err(bad(file, &r.id, "needs reason.en and hint.en".into()));
            }
            let (regex, hir) = compile(&r.regex).map_err(|e| bad(file, &r.id, e))?;
            reason_regexes.push(regex);
            reason_patterns.push(hir);
            if let Some(fallback) = &r.fallback {
                let index = u16::try_from(i).map_err(|_| bad(file, &r.id, "too many rules".into()))?;
                reason_fallbacks
                    .push((index, compile(fallback).map_err(|e| bad(file, &r.id, format!("fallback: {e}")))?.0));
            }
        }
        let mut provider_regexes = Vec::with_capacity(providers.len());
        for (file, p) in &providers {
            provider_regexes.push(compile(&p.regex).map_err(|e| bad(file, &p.id, e))?.0);
            for c in &p.code {
                if !c.meaning.contains_key("en") || !c.fix.contains_key("en") {
                    return Err(bad(file, &format!("{} {}", p.id, c.code), "needs meaning.en and fix.en".into()));
                }
                if c.code != "any" && parse_code_key(&c.code).is_none() {
                    return Err(bad(
                        file,
                        &format!("{} {}", p.id, c.code),
                        "code must be `any`, `550`, `5.7.1` or `550 5.7.1`".into(),
                    ));
                }
            }
        }
        let reason_filter = Prefilter::new(&reason_patterns);
        Ok(Rules {
            reasons: reasons.into_iter().map(|(_, r)| r).collect(),
            reason_regexes,
            reason_filter,
            reason_fallbacks,
            providers: providers.into_iter().map(|(_, p)| p).collect(),
            provider_regexes,
        })
    }

    /// The first reason whose rule matches, and the block list it names.
    pub fn reason<'t>(&self, text: &'t [u8]) -> Option<(u16, &'t [u8])> {
        self.reason_among(text, &mut Vec::new())
    }

    /// [`Rules::reason`], running only the rules whose needles the text
    /// holds; `can_match` is scratch space.
    fn reason_among<'t>(&self, text: &'t [u8], can_match: &mut Vec<bool>) -> Option<(u16, &'t [u8])> {
        let text = &text[..text.len().min(MATCH_LIMIT)];
        self.reason_filter.candidates(text, can_match);
        let first = self.reason_regexes.iter().zip(can_match.iter()).position(|(r, &can)| can && r.is_match(text));
        let Some(i) = first else {
            // Few rules have a fallback, and only texts no rule knows get
            // here: no prefilter.
            return self.reason_fallbacks.iter().find(|(_, r)| r.is_match(text)).map(|&(i, _)| (i, &[][..]));
        };
        let regex = &self.reason_regexes[i];
        // Captures take a slower engine than a match; most rules name no list.
        let names_list = regex.group_info().all_names().any(|(_, _, name)| name == Some("list"));
        let list = if names_list {
            let mut caps = regex.create_captures();
            regex.captures(text, &mut caps);
            caps.get_group_by_name("list").map(|span| &text[span.range()])
        } else {
            None
        };
        Some((i as u16, list.unwrap_or_default()))
    }

    /// For a failure filed under its enhanced code alone (no reply was
    /// logged, e.g. Sendmail's `dsn=5.6.0, stat=Data format error`) whose
    /// text no rule knows: the reason the rules give that code on its own,
    /// which is its RFC 3463 meaning.
    fn code_reason(&self, key: Option<CodeKey>, can_match: &mut Vec<bool>) -> Option<u16> {
        let Some(CodeKey::Enhanced(code)) = key else {
            return None;
        };
        let text = code.to_string();
        self.reason_among(text.as_bytes(), can_match).map(|(rule, _)| rule)
    }

    /// The first provider recognised in the reply text or the remote host.
    pub fn provider(&self, text: &[u8], remote: &[u8]) -> Option<u16> {
        let text = &text[..text.len().min(MATCH_LIMIT)];
        let first = |t: &[u8]| self.provider_regexes.iter().position(|r| r.is_match(t));
        match (first(text), first(remote)) {
            (Some(a), Some(b)) => Some(a.min(b) as u16),
            (a, b) => a.or(b).map(|i| i as u16),
        }
    }

    /// The provider's own entry for a code: exact basic+enhanced first,
    /// then the enhanced code, then the bare basic code (only for replies
    /// without an enhanced code), then `any`.
    pub fn provider_code(
        &self,
        provider: u16,
        basic: Option<BasicCode>,
        enhanced: Option<EnhancedCode>,
    ) -> Option<&ProviderCode> {
        let p = self.providers.get(usize::from(provider))?;
        let rank = |c: &ProviderCode| -> Option<u8> {
            if c.code == "any" {
                return Some(3);
            }
            match parse_code_key(&c.code)? {
                (Some(b), Some(e)) if Some(b) == basic && Some(e) == enhanced => Some(0),
                (None, Some(e)) if Some(e) == enhanced => Some(1),
                // A bare basic code is the provider's word for replies that
                // carry no enhanced code.
                (Some(b), None) if Some(b) == basic && enhanced.is_none() => Some(2),
                _ => None,
            }
        };
        p.code.iter().filter_map(|c| rank(c).map(|r| (r, c))).min_by_key(|(r, _)| *r).map(|(_, c)| c)
    }
}

/// Reply texts are bytes of any encoding; ASCII semantics for `\b`, `\w`
/// and case folding keep matching on the fast DFA path (Unicode word
/// boundaries would force a much slower engine on every reply).
fn parse(pattern: &str) -> Result<Hir, String> {
    use regex_syntax::Error as E;
    // One line naming the problem and where: the parser's own message
    // draws the pattern over several lines.
    regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build().parse(pattern).map_err(|e| match &e {
        E::Parse(e) => format!("{} at character {}", e.kind(), e.span().start.column),
        E::Translate(e) => format!("{} at character {}", e.kind(), e.span().start.column),
        _ => e.to_string(),
    })
}

/// A TOML error on one line: where it is, what is wrong, and the start of
/// the line. The parser's own message quotes the whole line, which can be
/// megabytes when the file given is no rules file at all.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    const SHOWN: usize = 60;
    let message = e.message().trim_end();
    let Some(at) = e.span().map(|s| s.start.min(text.len())) else {
        return message.to_string();
    };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].split('\n').next().unwrap_or_default();
    let number = text[..at].matches('\n').count() + 1;
    let column = text[line_start..at].chars().count() + 1;
    let shown: String = line.chars().take(SHOWN).collect();
    let more = if shown.len() < line.len() { " …" } else { "" };
    format!("line {number}, column {column}: {message} (in \"{shown}\"{more})")
}

/// The regex for a pattern, and the pattern parsed (for the prefilter).
/// The regex's own literal prefilter is off: replies are short, so it
/// saves no time there, and deriving it was the larger part of compiling.
fn compile(pattern: &str) -> Result<(Regex, Hir), String> {
    let hir = parse(pattern)?;
    let config = Regex::config().auto_prefilter(false);
    let regex = Regex::builder().configure(config).build_from_hir(&hir).map_err(|e| match e.size_limit() {
        Some(limit) => format!("pattern too large: compiled, it would exceed {limit} bytes"),
        None => e.to_string(),
    })?;
    Ok((regex, hir))
}

/// Whether the prefilter keeps a rule of `pattern` for `text` whenever
/// the pattern matches it; `None` when the pattern does not compile. For
/// the fuzz target that checks the needles on arbitrary patterns.
#[doc(hidden)]
pub fn prefilter_keeps_match(pattern: &str, text: &[u8]) -> Option<bool> {
    let (regex, hir) = compile(pattern).ok()?;
    let mut can_match = Vec::new();
    Prefilter::new(std::slice::from_ref(&hir)).candidates(text, &mut can_match);
    Some(can_match[0] || !regex.is_match(text))
}

/// Failures sorted by reason and provider.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Classified {
    /// Failures per (reason rule, code); `UNCLASSIFIED` when no rule
    /// matched, `None` for failures logged without a code.
    pub reasons: Map<(u16, Option<CodeKey>), u64>,
    /// Block lists the reason rules captured, per rule, lower-cased.
    pub reason_lists: Map<u16, Map<Box<[u8]>, u64>>,
    /// Failures per (provider, code) for replies a provider rule recognised.
    pub providers: Map<(u16, CodeKey), u64>,
    /// The most frequent texts no rule matched, with their failures, most
    /// first: what a rule of one's own would have to match.
    pub unclassified: Vec<(u64, Box<[u8]>)>,
}

/// Unclassified texts a report shows.
pub const UNCLASSIFIED_EXAMPLES: usize = 3;

/// Keeps the `UNCLASSIFIED_EXAMPLES` most frequent texts of `list`; ties
/// go to the lower text, so the choice does not depend on thread timing.
fn keep_top(list: &mut Vec<(u64, Box<[u8]>)>) {
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    list.dedup_by(|a, b| a.1 == b.1);
    list.truncate(UNCLASSIFIED_EXAMPLES);
}

impl Rules {
    /// Runs the rules once per failure shape of a summary, on up to
    /// `threads` threads: a few microseconds of regex work per shape adds
    /// up to a visible pause after a large scan.
    pub fn classify(&self, summary: &Summary, threads: usize) -> Classified {
        let next = AtomicUsize::new(0);
        let parts = std::thread::scope(|s| {
            let handles: Vec<_> =
                (0..threads.max(1)).map(|_| s.spawn(|| self.classify_share(&summary.failures, &next))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        });
        Classified::gather(parts, &summary.failures_overflow)
    }

    /// Classifies blocks of `shapes` until none is left. Several threads
    /// may share the work by calling this with the same `next`, the next
    /// block to take; their results, [gathered](Classified::gather), are
    /// the classification of all shapes.
    pub fn classify_share(&self, shapes: &Shapes, next: &AtomicUsize) -> Classified {
        let mut c = Classified::default();
        let mut can_match = Vec::new();
        // Every thread walks the map in the same order (it is not changed
        // meanwhile) and takes blocks in rising order, so one walk each.
        let mut block = next.fetch_add(1, Ordering::Relaxed);
        for (i, ((_, key), shape)) in shapes.iter().enumerate() {
            if i / SHAPES_PER_BLOCK > block {
                block = next.fetch_add(1, Ordering::Relaxed);
            }
            if i / SHAPES_PER_BLOCK < block {
                continue;
            }
            self.count(&mut c, (&shape.text, &shape.remote), *key, shape.count, &mut can_match);
        }
        c
    }

    /// Counts in `c` the `n` failures of `key` that answered `text` from
    /// `remote`, under their reason and provider; `can_match` is scratch.
    fn count(
        &self,
        c: &mut Classified,
        (text, remote): (&[u8], &[u8]),
        key: Option<CodeKey>,
        n: u64,
        can_match: &mut Vec<bool>,
    ) {
        let (rule, list) = self
            .reason_among(text, can_match)
            .or_else(|| self.code_reason(key, can_match).map(|rule| (rule, &[][..])))
            .unwrap_or((UNCLASSIFIED, &[]));
        *c.reasons.entry((rule, key)).or_default() += n;
        if rule == UNCLASSIFIED && !text.is_empty() {
            c.unclassified.push((n, text.into()));
            if c.unclassified.len() > UNCLASSIFIED_EXAMPLES {
                keep_top(&mut c.unclassified);
            }
        }
        if !list.is_empty() {
            let name: Box<[u8]> = list.to_ascii_lowercase().into();
            *c.reason_lists.entry(rule).or_default().entry(name).or_default() += n;
        }
        // A provider's entries explain codes: a failure without one has none.
        if let Some(key) = key
            && let Some(p) = self.provider(text, remote)
        {
            *c.providers.entry((p, key)).or_default() += n;
        }
    }
}

/// Shapes a thread takes at a time. Each thread builds its own regex
/// caches, which costs more than classifying a few hundred shapes, so a
/// small log's shapes are all classified by one thread.
const SHAPES_PER_BLOCK: usize = 256;

impl Classified {
    /// The results of [`Rules::classify_share`] on all threads together,
    /// with the failures past the shape table's cap as unclassified.
    pub fn gather(parts: Vec<Classified>, overflow: &Map<Option<CodeKey>, u64>) -> Classified {
        let mut c = parts.into_iter().reduce(Classified::merge).unwrap_or_default();
        keep_top(&mut c.unclassified);
        for (key, n) in overflow {
            *c.reasons.entry((UNCLASSIFIED, *key)).or_default() += n;
        }
        c
    }

    fn merge(mut self, o: Classified) -> Classified {
        add_map(&mut self.reasons, &o.reasons);
        add_map(&mut self.providers, &o.providers);
        for (rule, lists) in &o.reason_lists {
            add_map(self.reason_lists.entry(*rule).or_default(), lists);
        }
        self.unclassified.extend(o.unclassified);
        keep_top(&mut self.unclassified);
        self
    }
}

/// Inserts or replaces by id. A user's new rule goes first, so it is tried
/// before the built-in ones; a replacement keeps the old rule's place.
fn upsert<T>(list: &mut Vec<T>, item: T, id: impl Fn(&T) -> &String, user: bool) {
    match list.iter().position(|x| id(x) == id(&item)) {
        Some(i) => list[i] = item,
        None if user => list.insert(0, item),
        None => list.push(item),
    }
}

/// `550`, `5.7.1` or `550 5.7.1`.
fn parse_code_key(s: &str) -> Option<(Option<BasicCode>, Option<EnhancedCode>)> {
    let mut parts = s.split_whitespace();
    let (a, b) = (parts.next()?, parts.next());
    if parts.next().is_some() {
        return None;
    }
    match b {
        Some(e) => Some((Some(BasicCode::from_digits(a.as_bytes())?), Some(EnhancedCode::parse(e.as_bytes())?))),
        None => match BasicCode::from_digits(a.as_bytes()) {
            Some(basic) => Some((Some(basic), None)),
            None => Some((None, Some(EnhancedCode::parse(a.as_bytes())?))),
        },
    }
}

/// Text in a language, or English.
pub fn text_in<'a>(t: &'a Texts, lang: &str) -> &'a str {
    t.get(lang).or_else(|| t.get("en")).map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGUAGES;

    #[test]
    fn builtin_rules_hit_their_examples_and_miss_their_counter_examples() {
        let rules = Rules::builtin();
        assert!(rules.reasons.len() >= 20, "{} reasons", rules.reasons.len());
        for (i, r) in rules.reasons.iter().enumerate() {
            assert!(!r.examples.is_empty() && !r.counter_examples.is_empty(), "{}", r.id);
            for lang in LANGUAGES {
                assert!(!text_in(&r.reason, lang).is_empty() && r.reason.contains_key(lang), "{} reason.{lang}", r.id);
                assert!(r.hint.contains_key(lang), "{} hint.{lang}", r.id);
            }
            for ex in &r.examples {
                assert_eq!(rules.reason(ex.as_bytes()).map(|(n, _)| usize::from(n)), Some(i), "{}: {ex}", r.id);
            }
            for ex in &r.counter_examples {
                assert_ne!(rules.reason(ex.as_bytes()).map(|(n, _)| usize::from(n)), Some(i), "{}: {ex}", r.id);
            }
        }
        for (i, p) in rules.providers.iter().enumerate() {
            let (re, _) = compile(&p.regex).unwrap();
            assert!(!p.examples.is_empty(), "{}", p.id);
            for ex in &p.examples {
                assert!(re.is_match(ex.as_bytes()), "{}: {ex}", p.id);
            }
            for ex in &p.counter_examples {
                assert!(!re.is_match(ex.as_bytes()), "{}: {ex}", p.id);
            }
            for c in &p.code {
                for lang in LANGUAGES {
                    assert!(c.meaning.contains_key(lang) && c.fix.contains_key(lang), "{} {} {lang}", p.id, c.code);
                }
            }
            let _ = i;
        }
    }

    /// A user rules file of one rule with an English reason and hint;
    /// `more` adds fields after its regex.
    fn user_rule(id: &str, regex: &str, more: &str) -> String {
        format!(
            "[[rule]]\nid = \"{id}\"\nreason = {{ en = \"r\" }}\nhint = {{ en = \"h\" }}\nregex = '''{regex}'''\n{more}"
        )
    }

    #[test]
    fn user_rules_replace_or_come_first_and_bad_ones_are_named() {
        let user = user_rule("my-rule", "(?i)frobnicated", "");
        let rules = Rules::load(&[("local.toml".into(), user)]).unwrap();
        assert_eq!(rules.reasons[0].id, "my-rule");
        assert_eq!(rules.reason(b"550 5.7.1 message frobnicated").map(|(i, _)| i), Some(0));
        let broken = user_rule("broken", "(unclosed", "");
        let err = Rules::load(&[("mine.toml".into(), broken)]).unwrap_err().to_string();
        assert!(
            err.contains("mine.toml") && err.contains("broken") && err.contains("unclosed group at character 1"),
            "{err}"
        );
        // A user rule's fallback runs after every rule's words, built-in ones
        // included, and a broken one is named as such.
        let fallback = user_rule("vendor-codes", r"(?i)vendor\s+says", r"fallback = '''(?i)\bV-\d+'''");
        let rules = Rules::load(&[("v.toml".into(), fallback.clone())]).unwrap();
        assert_eq!(rules.reason(b"550 V-17 frobnicated").map(|(i, _)| i), Some(0));
        let spam = rules.reason(b"550 V-17 spam").map(|(i, _)| rules.reasons[usize::from(i)].id.as_str());
        assert_eq!(spam, Some("spam-content"));
        let broken = fallback.replace(r"\bV-\d+", "(unclosed");
        let err = Rules::load(&[("v.toml".into(), broken)]).unwrap_err().to_string();
        assert!(err.contains("vendor-codes") && err.contains("fallback: unclosed group"), "{err}");
        let no_en = "[[rule]]\nid = \"x\"\nreason = { hi = \"x\" }\nhint = { en = \"y\" }\nregex = 'x'\n";
        assert!(Rules::load(&[("f.toml".into(), no_en.into())]).unwrap_err().to_string().contains("reason.en"));
        let bad_toml = "[[rule]\n";
        assert!(Rules::load(&[("g.toml".into(), bad_toml.into())]).unwrap_err().to_string().contains("g.toml"));
    }

    static BUILTIN: std::sync::LazyLock<Rules> = std::sync::LazyLock::new(Rules::builtin);

    /// The words of every rule's examples and counter-examples.
    fn example_words() -> Vec<String> {
        let r = &*BUILTIN;
        let texts = r.reasons.iter().flat_map(|r| r.examples.iter().chain(&r.counter_examples));
        let mut words: Vec<String> = texts.flat_map(|t| t.split(' ').map(str::to_string)).collect();
        words.sort();
        words.dedup();
        words
    }

    /// Every rule that matches `text` is a candidate for it, so the first
    /// match is the same with the prefilter as without.
    fn prefilter_keeps_every_match(text: &[u8]) -> Result<(), String> {
        let r = &*BUILTIN;
        let mut can_match = Vec::new();
        r.reason_filter.candidates(text, &mut can_match);
        for (i, re) in r.reason_regexes.iter().enumerate() {
            if re.is_match(text) && !can_match[i] {
                return Err(format!(
                    "{} matches but was filtered out: {}",
                    r.reasons[i].id,
                    String::from_utf8_lossy(text)
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn the_prefilter_keeps_every_rule_that_matches_an_example() {
        for rule in &BUILTIN.reasons {
            for text in rule.examples.iter().chain(&rule.counter_examples) {
                prefilter_keeps_every_match(text.as_bytes()).unwrap();
                prefilter_keeps_every_match(text.to_uppercase().as_bytes()).unwrap();
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_prefilter_keeps_every_rule_that_matches(words in proptest::collection::vec(
            proptest::sample::select(example_words()), 0..40)) {
            let text = words.join(" ");
            proptest::prop_assert_eq!(prefilter_keeps_every_match(text.as_bytes()), Ok(()));
            let plain = BUILTIN.reason_regexes.iter().position(|r| r.is_match(text.as_bytes())).or_else(|| {
                BUILTIN.reason_fallbacks.iter().find(|(_, r)| r.is_match(text.as_bytes())).map(|&(i, _)| usize::from(i))
            });
            proptest::prop_assert_eq!(BUILTIN.reason(text.as_bytes()).map(|(i, _)| usize::from(i)), plain);
        }
    }

    #[test]
    fn every_shape_is_classified_once_whatever_the_threads() {
        use std::fmt::Write;
        // Each relay's domain makes a shape of its own: several blocks' worth.
        let texts: Vec<&String> = BUILTIN.reasons.iter().flat_map(|r| &r.examples).collect();
        let mut log = String::new();
        for i in 0..3 * SHAPES_PER_BLOCK {
            let domain: String = [i / 676, i / 26 % 26, i % 26].iter().map(|&d| char::from(b'a' + d as u8)).collect();
            let (relay, text) = (format!("mx.{domain}.example"), texts[i % texts.len()]);
            writeln!(
                log,
                "Nov 22 08:01:02 mx1 postfix/smtp[1]: 4F2A1B3C5D: to=<a@b.example>, relay={relay}[192.0.2.1]:25, \
                 dsn=5.0.0, status=bounced (host {relay}[192.0.2.1] said: 550 {text})"
            )
            .unwrap();
        }
        let ctx = crate::formats::ParseContext::default();
        let summary = crate::pipeline::scan_sequential(log.as_bytes(), &ctx);
        assert!(summary.failures.len() > 2 * SHAPES_PER_BLOCK, "{} shapes", summary.failures.len());
        let one = BUILTIN.classify(&summary, 1);
        let failures: u64 = summary.failures.values().map(|f| f.count).sum();
        assert_eq!(one.reasons.values().sum::<u64>(), failures);
        assert!(one.reasons.keys().filter(|(rule, _)| *rule != UNCLASSIFIED).count() > 10);
        for threads in 2..=4 {
            assert_eq!(BUILTIN.classify(&summary, threads), one, "{threads} threads");
        }
    }

    /// Every failure's reason and provider, classified reply by reply.
    fn classify_each_reply(log: &[u8], ctx: &crate::formats::ParseContext) -> Classified {
        let (mut c, mut can_match) = (Classified::default(), Vec::new());
        for line in log.split(|&c| c == b'\n') {
            let Some(ev) = crate::formats::parse_line(line, ctx).event.filter(|e| !e.inferred) else {
                continue;
            };
            let key = CodeKey::of(&ev);
            let failed = match key {
                Some(k) => k.class().failed(),
                None => ev.status.is_some_and(crate::event::Status::failed),
            };
            if failed {
                BUILTIN.count(&mut c, (ev.text, ev.remote), key, 1, &mut can_match);
            }
        }
        c
    }

    /// Rules run once per shape, on one of its replies, which is exact
    /// only if no rule tells the replies of a shape apart: the counts per
    /// reason and provider must be those of classifying every reply. On
    /// generated logs of each MTA, and on the shared real ones when present.
    #[test]
    fn shapes_classify_as_each_of_their_replies_would() {
        use crate::r#gen::{GenConfig, Mta, generate_vec};
        let ctx = crate::formats::ParseContext {
            years: crate::time::YearResolver::fixed(2026),
            ..crate::formats::ParseContext::default()
        };
        let mut logs: Vec<(String, Vec<u8>)> = [Mta::Postfix, Mta::Exim, Mta::Sendmail]
            .into_iter()
            .map(|mta| {
                let log = generate_vec(&GenConfig { mta, bytes: 4 << 20, seed: 42, ..GenConfig::default() });
                (format!("generated {mta:?}"), log)
            })
            .collect();
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/real");
        match std::fs::read_dir(&real) {
            Ok(dirs) => {
                for file in dirs.flatten().filter_map(|d| std::fs::read_dir(d.path()).ok()).flatten().flatten() {
                    if file.path().extension().is_some_and(|e| e == "log") {
                        logs.push((file.path().display().to_string(), std::fs::read(file.path()).unwrap()));
                    }
                }
            }
            Err(_) => eprintln!("{} is absent: generated logs only", real.display()),
        }
        for (name, log) in &logs {
            let summary = crate::pipeline::scan_sequential(log, &ctx);
            // The unclassified examples count per shape, not per reply.
            let counts = |c: Classified| (c.reasons, c.reason_lists, c.providers);
            assert_eq!(counts(BUILTIN.classify(&summary, 1)), counts(classify_each_reply(log, &ctx)), "{name}");
        }
        assert!(classify_each_reply(&logs[0].1, &ctx).providers.len() > 3, "the generated log names providers");
    }

    #[test]
    fn a_codeless_failure_the_text_rules_miss_takes_its_enhanced_codes_reason() {
        let log = b"Dec  5 06:00:01 mx sm-mta[1]: 4B5C6D01: to=<a@example.com>, delay=00:00:01, mailer=esmtp, pri=1, \
                    relay=mx.example.com. [192.0.2.1], dsn=5.6.0, stat=Frobnicated\n\
                    Dec  5 06:00:02 mx sm-mta[1]: 4B5C6D02: to=<a@example.com>, delay=00:00:01, mailer=esmtp, pri=1, \
                    relay=mx.example.com. [192.0.2.1], dsn=4.0.0, stat=Deferred: Frobnicated\n\
                    Dec  5 06:00:03 mx sm-mta[1]: 4B5C6D03: to=<a@example.com>, delay=00:00:01, mailer=esmtp, pri=1, \
                    relay=mx.example.com. [192.0.2.1], dsn=5.7.1, stat=User unknown\n";
        let summary = crate::pipeline::scan_sequential(log, &crate::formats::ParseContext::default());
        let c = BUILTIN.classify(&summary, 1);
        let id = |code: &str| {
            let key = CodeKey::Enhanced(EnhancedCode::parse(code.as_bytes()).unwrap());
            let rule = c.reasons.keys().find(|(_, k)| *k == Some(key)).map(|(rule, _)| *rule);
            rule.map(|r| BUILTIN.reasons.get(usize::from(r)).map_or("unclassified", |x| x.id.as_str()))
        };
        // The code's own reason when the text says nothing a rule knows; the
        // text's when it does, even against the code.
        assert_eq!(id("5.6.0"), Some("message-format"));
        assert_eq!(id("4.0.0"), Some("unclassified"));
        assert_eq!(id("5.7.1"), Some("unknown-user"));
    }

    #[test]
    fn code_keys() {
        assert!(parse_code_key("550").is_some_and(|(b, e)| b.is_some() && e.is_none()));
        assert!(parse_code_key("4.7.28").is_some_and(|(b, e)| b.is_none() && e.is_some()));
        assert!(parse_code_key("421 4.7.28").is_some_and(|(b, e)| b.is_some() && e.is_some()));
        assert!(parse_code_key("4.7").is_none() && parse_code_key("550 5.7.1 x").is_none());
    }
}
