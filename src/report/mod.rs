//! Builds a `Report` once from the final `Summary` and the knowledge base
//! (sorted, shares computed, top codes explained), then renders it. The
//! renderers see only the `Report`, never raw log bytes; strings that came
//! from a log (domains, hosts, example replies) are marked by living in
//! `Untrusted` so each renderer escapes them for its medium.

pub mod csv;
pub mod explain;
pub mod json;
pub mod text;

use crate::aggregate::{CodeDetail, CodeKey, LineCounts, SAMPLE_MAX_BYTES, Summary, UNCLASSIFIED};
use crate::code::Class;
use crate::event::{Mta, Stage, Status};
use crate::mask::mask;

use crate::pipeline::InputStatus;
use crate::rules::{Classified, Rules, text_in};
use crate::time::LogTime;
use explain::{AnyCode, CodePage, Contrast, Words, contrast, page};

/// Text that came from a log line: valid UTF-8 (invalid bytes replaced) but
/// otherwise as the remote side wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Untrusted(pub String);

impl Untrusted {
    fn from_bytes(b: &[u8]) -> Untrusted {
        Untrusted(String::from_utf8_lossy(b).into_owned())
    }
}

#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// How many codes get an explained section; also the length of the
    /// domain and host lists in them.
    pub top: usize,
    /// The time window asked for, shown in the report.
    pub window: Option<(LogTime, LogTime)>,
    /// How many unrecognised lines that look coded to show.
    pub show_unrecognized: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions { top: 10, window: None, show_unrecognized: 0 }
    }
}

#[derive(Clone, Debug)]
pub struct CodeRow {
    pub code: AnyCode,
    pub class: Class,
    pub count: u64,
    pub share: f64,
    pub title: String,
    pub registered: bool,
}

#[derive(Clone, Debug)]
pub struct InferredRow {
    pub code: String,
    pub enhanced: Option<String>,
    pub count: u64,
}

/// Failures filed under one reason.
#[derive(Clone, Debug)]
pub struct ReasonRow {
    /// The rule's id, or `unclassified`.
    pub id: String,
    pub name: String,
    pub hint: String,
    pub count: u64,
    /// Share of all failures (4xx and 5xx events).
    pub share: f64,
    pub codes: Vec<(AnyCode, u64)>,
    /// Failures of this reason the log gave no code for.
    pub without_code: u64,
    /// Block lists the replies named.
    pub lists: Vec<(Untrusted, u64)>,
    /// For the unclassified failures, their most frequent texts, masked.
    pub examples: Vec<Untrusted>,
}

/// Failures a provider rule recognised, with the provider's own meaning.
#[derive(Clone, Debug)]
pub struct ProviderRow {
    pub id: String,
    pub name: String,
    pub code: AnyCode,
    pub count: u64,
    pub meaning: Option<String>,
    pub fix: Option<String>,
    pub more: Option<String>,
}

/// One frequent code, explained.
#[derive(Clone, Debug)]
pub struct CodeSection {
    pub row: CodeRow,
    pub page: CodePage,
    /// Enhanced codes that came with this basic code: (code, title, count).
    pub paired: Vec<(String, String, u64)>,
    /// What providers that sent this code say it means.
    pub providers: Vec<ProviderRow>,
    pub details: Details,
}

/// The failures logged without a code, as a code's section shows its own.
#[derive(Clone, Debug)]
pub struct CodelessSection {
    pub count: u64,
    pub details: Details,
}

/// Where a set of events came from and what they said.
#[derive(Clone, Debug)]
pub struct Details {
    pub statuses: Vec<(Status, u64)>,
    pub stages: Vec<(Stage, u64)>,
    pub domains: Vec<(Untrusted, u64)>,
    pub remotes: Vec<(Untrusted, u64)>,
    pub distinct_domains: usize,
    pub distinct_remotes: usize,
    /// The reasons of the failures, most frequent first.
    pub reasons: Vec<(String, u64)>,
    /// Events whose domain or host was past the cap.
    pub other_domains: u64,
    pub other_remotes: u64,
    pub samples: Vec<Untrusted>,
}

/// The leading transient code against the leading permanent one.
#[derive(Clone, Debug)]
pub struct ClassContrast {
    pub transient: Option<CodeRow>,
    pub permanent: Option<CodeRow>,
    pub contrast: Option<Contrast>,
    pub transient_total: u64,
    pub permanent_total: u64,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub inputs: Vec<InputStatus>,
    pub period: Option<(LogTime, LogTime)>,
    pub lines: LineCounts,
    pub mtas: Vec<(Mta, u64)>,
    /// Events with a code, per class.
    pub classes: [u64; 4],
    pub coded_events: u64,
    /// Failures (by status) the log gave no code for; they have reasons.
    pub failures_without_code: u64,
    pub codes: Vec<CodeRow>,
    pub enhanced: Vec<CodeRow>,
    pub statuses: Vec<(Status, u64)>,
    pub inferred: Vec<InferredRow>,
    pub sections: Vec<CodeSection>,
    /// The failures logged without a code, when there are any.
    pub codeless: Option<CodelessSection>,
    pub class_contrast: ClassContrast,
    pub hourly: Vec<(LogTime, [u64; 4])>,
    pub window: Option<(LogTime, LogTime)>,
    pub reasons: Vec<ReasonRow>,
    pub providers: Vec<ProviderRow>,
    /// Unrecognised lines that look like they carry a code, masked.
    pub unrecognized_samples: Vec<Untrusted>,
    /// Events left out of a table that reached its cap.
    pub overflow: u64,
    /// Every (recipient domain, code) pair with its count, for domains.csv;
    /// empty when the summary left out the domains of successes.
    pub domain_codes: Vec<(Untrusted, AnyCode, u64)>,
}

/// Every (recipient domain, code) pair, most frequent first.
fn domain_codes(summary: &Summary) -> Vec<(Untrusted, AnyCode, u64)> {
    // Sorted by reference; each name is copied once, into the report.
    let mut pairs: Vec<(&[u8], AnyCode, u64)> = summary
        .details
        .iter()
        .flat_map(|(key, d)| d.domains.iter().map(move |(name, n)| (&name[..], any(*key), *n)))
        .collect();
    pairs.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)).then_with(|| a.1.cmp(&b.1)));
    pairs.into_iter().map(|(d, c, n)| (Untrusted::from_bytes(d), c, n)).collect()
}

fn share(n: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { n as f64 / total as f64 }
}

/// Sorts by count, descending, then by key, so equal counts print stably.
fn top_n<K: Ord + Clone>(items: impl Iterator<Item = (K, u64)>, n: usize) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = items.collect();
    let order = |a: &(K, u64), b: &(K, u64)| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0));
    // The order is total, so the first `n` are the same whether the rest
    // is sorted or not; a table of 10,000 names needs only its top few.
    if n < v.len() {
        v.select_nth_unstable_by(n, order);
        v.truncate(n);
    }
    v.sort_by(order);
    v
}

impl Report {
    pub fn build(
        summary: &Summary,
        classified: &Classified,
        inputs: Vec<InputStatus>,
        k: Words<'_>,
        rules: &Rules,
        opts: &ReportOptions,
    ) -> Report {
        let coded_events: u64 = summary.classes.iter().sum();
        let basic_total: u64 = summary.basic_counts().map(|(_, n)| n).sum();
        let enhanced_total: u64 = summary.enhanced.values().sum();
        let codes = top_n(summary.basic_counts(), usize::MAX)
            .into_iter()
            .map(|(b, n)| row(k, AnyCode::Basic(b), n, basic_total))
            .collect();
        let enhanced = top_n(summary.enhanced.iter().map(|(e, n)| (*e, *n)), usize::MAX)
            .into_iter()
            .map(|(e, n)| row(k, AnyCode::Enhanced(e), n, enhanced_total))
            .collect();
        let keys = top_n(summary.details.iter().map(|(key, d)| (*key, d.count)), usize::MAX);
        let failing: Vec<(CodeKey, u64)> = keys.iter().copied().filter(|(key, _)| key.class().failed()).collect();
        let c = classified;
        let providers = provider_rows(summary, c, k, rules);
        let sections = failing
            .iter()
            .take(opts.top)
            .map(|(key, _)| {
                let own_providers = providers.iter().filter(|p| p.code == any(*key)).cloned().collect();
                let reasons = reason_names(c, k, rules, Some(*key));
                section(summary, k, *key, coded_events, opts.top, reasons, own_providers)
            })
            .collect();
        let leading = |class: Class| {
            failing.iter().find(|(key, _)| key.class() == class).map(|(key, n)| row(k, any(*key), *n, coded_events))
        };
        let (transient, permanent) = (leading(Class::Transient), leading(Class::Permanent));
        let contrast = match (&transient, &permanent) {
            (Some(t), Some(p)) => Some(contrast(k, t.code, p.code)),
            _ => None,
        };
        let mut inferred: Vec<InferredRow> = summary
            .inferred
            .iter()
            .map(|((b, e), n)| InferredRow { code: b.to_string(), enhanced: e.map(|e| e.to_string()), count: *n })
            .collect();
        inferred.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        let mut hourly: Vec<(LogTime, [u64; 4])> = summary.hourly.iter().map(|(h, c)| (*h, *c)).collect();
        hourly.sort();
        // Only `domains.csv` lists every pair (a large log has tens of
        // thousands), and a summary counts every domain only when it is
        // asked for.
        let domain_codes = if summary.skip_success_domains { Vec::new() } else { domain_codes(summary) };
        Report {
            inputs,
            period: summary.first.zip(summary.last),
            lines: summary.lines.clone(),
            mtas: Mta::ALL.iter().map(|m| (*m, summary.per_mta[m.index()])).collect(),
            classes: summary.classes,
            coded_events,
            failures_without_code: summary.codeless.count,
            codes,
            enhanced,
            statuses: Status::ALL.iter().map(|s| (*s, summary.status(*s))).collect(),
            inferred,
            sections,
            codeless: (summary.codeless.count > 0).then(|| CodelessSection {
                count: summary.codeless.count,
                details: details(&summary.codeless, opts.top, reason_names(c, k, rules, None)),
            }),
            class_contrast: ClassContrast {
                transient_total: summary.classes[Class::Transient.index()],
                permanent_total: summary.classes[Class::Permanent.index()],
                transient,
                permanent,
                contrast,
            },
            hourly,
            window: opts.window,
            reasons: reason_rows(c, k, rules),
            providers,
            unrecognized_samples: summary
                .unrecognized_samples
                .texts()
                .take(opts.show_unrecognized)
                .map(|t| Untrusted(t.to_string()))
                .collect(),
            overflow: summary.overflow,
            domain_codes,
        }
    }

    /// Main statuses first, then any other status that occurred.
    pub fn status_count(&self, s: Status) -> u64 {
        self.statuses.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n)
    }
}

/// (id, name, hint) of a reason rule in the report's language.
fn reason_text(k: Words<'_>, rules: &Rules, rule: u16) -> (String, String, String) {
    match rules.reasons.get(usize::from(rule)) {
        Some(r) => (r.id.clone(), text_in(&r.reason, k.l.code).to_string(), text_in(&r.hint, k.l.code).to_string()),
        None => ("unclassified".into(), k.l.t("unclassified").to_string(), k.l.t("unclassified_hint").to_string()),
    }
}

/// Failures grouped by reason, most frequent first.
fn reason_rows(c: &Classified, k: Words<'_>, rules: &Rules) -> Vec<ReasonRow> {
    let failures: u64 = c.reasons.values().sum();
    let mut by_rule: std::collections::BTreeMap<u16, (Vec<(AnyCode, u64)>, u64)> = std::collections::BTreeMap::new();
    for ((rule, key), n) in &c.reasons {
        let (codes, without_code) = by_rule.entry(*rule).or_default();
        match key {
            Some(key) => codes.push((any(*key), *n)),
            None => *without_code += n,
        }
    }
    let mut rows: Vec<ReasonRow> = by_rule
        .into_iter()
        .map(|(rule, (codes, without_code))| {
            let (id, name, hint) = reason_text(k, rules, rule);
            let count = codes.iter().map(|(_, n)| n).sum::<u64>() + without_code;
            let lists = c.reason_lists.get(&rule).map_or_else(Vec::new, |m| {
                top_n(m.iter().map(|(name, n)| (name.clone(), *n)), 5)
                    .into_iter()
                    .map(|(name, n)| (Untrusted::from_bytes(&name), n))
                    .collect()
            });
            ReasonRow {
                id,
                name,
                hint,
                count,
                share: share(count, failures),
                codes: top_n(codes.into_iter(), 5),
                without_code,
                lists,
                examples: if rule == UNCLASSIFIED { unclassified_examples(c) } else { Vec::new() },
            }
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    rows
}

/// The most frequent texts no rule matched, masked as the code examples
/// are; texts alike once masked are shown once.
fn unclassified_examples(c: &Classified) -> Vec<Untrusted> {
    let mut shown: Vec<Untrusted> = Vec::new();
    for (_, text) in &c.unclassified {
        let masked = Untrusted(mask(text, SAMPLE_MAX_BYTES));
        if !shown.iter().any(|s| s.0 == masked.0) {
            shown.push(masked);
        }
    }
    shown
}

/// The reasons of one code's failures.
fn reason_names(c: &Classified, k: Words<'_>, rules: &Rules, key: Option<CodeKey>) -> Vec<(String, u64)> {
    let counts = c.reasons.iter().filter(|((_, c), _)| *c == key).map(|((rule, _), n)| (*rule, *n));
    top_n(counts, 5).into_iter().map(|(rule, n)| (reason_text(k, rules, rule).1, n)).collect()
}

/// Failures per provider and code, with the provider's own explanation.
fn provider_rows(summary: &Summary, c: &Classified, k: Words<'_>, rules: &Rules) -> Vec<ProviderRow> {
    top_n(c.providers.iter().map(|(key, n)| (*key, *n)), usize::MAX)
        .into_iter()
        .filter_map(|((p, key), count)| {
            let provider = rules.providers.get(usize::from(p))?;
            let (basic, enhanced) = match key {
                CodeKey::Basic(b) => (Some(b), None),
                CodeKey::Enhanced(e) => (None, Some(e)),
            };
            // A basic code's most frequent enhanced code gives the provider's
            // specific meaning (Gmail 550 5.7.26 versus 550 5.1.1).
            let enhanced = enhanced.or_else(|| {
                summary
                    .details
                    .get(&key)
                    .and_then(|d| top_n(d.enhanced.iter().map(|(e, n)| (*e, *n)), 1).first().map(|x| x.0))
            });
            let entry = rules.provider_code(p, basic, enhanced);
            Some(ProviderRow {
                id: provider.id.clone(),
                name: provider.name.clone(),
                code: any(key),
                count,
                meaning: entry.map(|e| text_in(&e.meaning, k.l.code).to_string()),
                fix: entry.map(|e| text_in(&e.fix, k.l.code).to_string()),
                more: entry.and_then(|e| e.more.clone()),
            })
        })
        .collect()
}

/// Pairs labels with counts, keeping the non-zero ones.
fn nonzero<T: Copy>(counts: &[u64], all: &[T]) -> Vec<(T, u64)> {
    all.iter().copied().zip(counts.iter().copied()).filter(|(_, n)| *n > 0).collect()
}

fn any(key: CodeKey) -> AnyCode {
    match key {
        CodeKey::Basic(b) => AnyCode::Basic(b),
        CodeKey::Enhanced(e) => AnyCode::Enhanced(e),
    }
}

fn row(k: Words<'_>, code: AnyCode, count: u64, total: u64) -> CodeRow {
    CodeRow {
        code,
        class: code.class(),
        count,
        share: share(count, total),
        title: k.title(code),
        registered: k.is_registered(code),
    }
}

fn section(
    summary: &Summary,
    k: Words<'_>,
    key: CodeKey,
    total: u64,
    top: usize,
    reasons: Vec<(String, u64)>,
    providers: Vec<ProviderRow>,
) -> CodeSection {
    let d = &summary.details[&key];
    let code = any(key);
    let paired = top_n(d.enhanced.iter().map(|(e, n)| (*e, *n)), top.max(3))
        .into_iter()
        .map(|(e, n)| (e.to_string(), k.title(AnyCode::Enhanced(e)), n))
        .collect();
    CodeSection {
        row: row(k, code, d.count, total),
        page: page(k, code),
        paired,
        providers,
        details: details(d, top, reasons),
    }
}

/// The statuses, stages, names and examples of `d`, with `reasons`.
fn details(d: &CodeDetail, top: usize, reasons: Vec<(String, u64)>) -> Details {
    let names = |m: &crate::aggregate::Map<crate::aggregate::Name, u64>| {
        top_n(m.iter().map(|(name, n)| (&name[..], *n)), top.clamp(3, 10))
            .into_iter()
            .map(|(name, n)| (Untrusted::from_bytes(name), n))
            .collect()
    };
    let mut stages: Vec<(Stage, u64)> = nonzero(&d.stages, &Stage::ALL);
    stages.sort_by_key(|s| std::cmp::Reverse(s.1));
    Details {
        statuses: nonzero(&d.statuses, &Status::ALL),
        stages,
        domains: names(&d.domains),
        remotes: names(&d.remotes),
        distinct_domains: d.domains.len(),
        distinct_remotes: d.remotes.len(),
        reasons,
        other_domains: d.other_domains,
        other_remotes: d.other_remotes,
        samples: d.samples.texts().map(|t| Untrusted(t.to_string())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::top_n;

    #[test]
    fn top_n_is_the_head_of_the_full_order() {
        let items: Vec<(u32, u64)> = (0..500u32).map(|k| (k.wrapping_mul(7919) % 501, u64::from(k % 13))).collect();
        let mut all = items.clone();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for n in [0, 1, 3, 10, 499, 500, 501, usize::MAX] {
            assert_eq!(top_n(items.iter().copied(), n), all[..n.min(all.len())], "{n}");
        }
    }
}
