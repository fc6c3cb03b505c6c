//! `Summary`: everything a report needs, counted from events. Each worker
//! folds its chunks into its own `Summary`; `merge` is associative and
//! commutative, so the result does not depend on how the input was split.
//! Memory grows with the number of distinct keys (codes, domains, hosts,
//! hours), never with the number of lines.

use std::collections::HashMap;
use std::hash::BuildHasher;

use crate::code::{BasicCode, Class, EnhancedCode};
use crate::event::{Event, Mta, Stage, Status};
use crate::formats::LineKind;
use crate::mask::{mask, same_mask};
use crate::time::LogTime;

mod names;
mod shape;

use names::Field;
pub use names::{ChunkNames, Ledger, OrderedNames};
pub use shape::FailureShape;
#[cfg(test)]
use shape::SHAPE_TEXT_MAX;
use shape::shape_hash;

pub type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Failures by (shape hash, code); `None` for failures the log gives no
/// code for (Exim's `rejected RCPT …: relay not permitted`, its deferrals).
pub type Shapes = Map<(u64, Option<CodeKey>), FailureShape>;

/// A host or domain name as a map key. Most names fit inline, so a lookup
/// compares bytes in the table itself instead of chasing a pointer per probe.
pub type Name = smallvec::SmallVec<[u8; 24]>;

/// How many example replies are kept per code.
pub const SAMPLES_PER_CODE: usize = 3;
/// How many unrecognised lines that look like they carry a code are kept.
pub const UNRECOGNIZED_SAMPLES: usize = 50;
/// Distinct names kept per code, for recipient domains and for remote
/// hosts. Beyond it, events of new names are counted in `other`, so a
/// million domains cost the memory of this many. The names kept are the
/// first seen in the input, the same for any thread count (see `names`).
pub const NAMES_PER_CODE: usize = 10_000;
/// Distinct names kept over all codes:
/// crafted input with thousands of codes, each with thousands of names,
/// would otherwise hold millions. Events of names past it count in
/// `other` as past `NAMES_PER_CODE`. About 15 MiB of tables.
pub const NAMES_HELD: usize = 200_000;
/// Distinct enhanced codes, and codes with details, kept; the registry has
/// a few hundred, so only crafted input reaches these.
pub const DISTINCT_CODES: usize = 10_000;
/// Enhanced codes kept per basic code (a real log has a handful): with
/// `DISTINCT_CODES` alone, crafted input could keep millions.
pub const ENHANCED_PER_CODE: usize = 1_000;
/// Distinct hours kept for the histogram (over eleven years).
pub const DISTINCT_HOURS: usize = 100_000;
/// The reason of failures no rule matched.
pub const UNCLASSIFIED: u16 = u16::MAX;
/// Distinct failure shapes kept for classification.
pub const DISTINCT_SHAPES: usize = 50_000;
/// Bytes of example text the shapes of one summary hold: replies run up
/// to `shape::SHAPE_TEXT_MAX`, so crafted ones, each of its own shape, would
/// otherwise hold 50 MiB per worker. A real log's shapes hold well under
/// one.
pub const SHAPE_BYTES: usize = 8 << 20;

/// Longest reply text kept in an example.
pub const SAMPLE_MAX_BYTES: usize = 400;

/// What happened to every line read. `read` is the sum of `blank`,
/// `recognized`, `foreign`, `unrecognized` and `outside` (stamped outside
/// the time window); `oversized` lines are part of `unrecognized`,
/// `with_code` part of `recognized`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineCounts {
    pub read: u64,
    pub bytes: u64,
    pub blank: u64,
    pub recognized: u64,
    pub with_code: u64,
    pub foreign: u64,
    pub unrecognized: u64,
    pub oversized: u64,
    pub invalid_utf8: u64,
    pub outside: u64,
}

impl LineCounts {
    /// Counts `n` lines over `LINE_CAP`, skipped unread.
    pub fn skip_oversized(&mut self, n: u64) {
        self.read += n;
        self.unrecognized += n;
        self.oversized += n;
    }

    fn merge(&mut self, o: &LineCounts) {
        self.read += o.read;
        self.bytes += o.bytes;
        self.blank += o.blank;
        self.recognized += o.recognized;
        self.with_code += o.with_code;
        self.foreign += o.foreign;
        self.unrecognized += o.unrecognized;
        self.oversized += o.oversized;
        self.invalid_utf8 += o.invalid_utf8;
        self.outside += o.outside;
    }
}

/// The code an event is filed under: its basic code, or its enhanced code
/// when the line gives no basic one (cleanup rejects, `dsn=4.4.1` deferrals).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeKey {
    Basic(BasicCode),
    Enhanced(EnhancedCode),
}

impl CodeKey {
    /// The code an event is filed under, if it has one.
    #[inline]
    pub fn of(ev: &Event<'_>) -> Option<CodeKey> {
        ev.basic.map(CodeKey::Basic).or(ev.enhanced.map(CodeKey::Enhanced))
    }

    pub fn class(self) -> Class {
        match self {
            CodeKey::Basic(b) => b.class(),
            CodeKey::Enhanced(e) => e.class(),
        }
    }
}

/// Examples kept for one code: the `SAMPLES_PER_CODE` distinct masked texts
/// whose raw text hashes lowest. A fixed hash makes the choice independent
/// of input order, which keeps `merge` commutative.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Samples {
    items: Vec<Sample>,
}

/// One kept example: the lowest hash of the raw texts that mask to it, and
/// that raw text (cut to `SAMPLE_MAX_BYTES`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sample {
    hash: u64,
    text: String,
    raw: Box<[u8]>,
}

impl Samples {
    #[cfg(test)]
    fn offer(&mut self, raw: &[u8]) {
        self.offer_up_to(raw, SAMPLE_HASH.hash_one(raw), SAMPLES_PER_CODE);
    }

    /// Offers `raw`, whose `SAMPLE_HASH` is `h`, to the `keep` lowest.
    fn offer_up_to(&mut self, raw: &[u8], h: u64, keep: usize) {
        if raw.is_empty() {
            return;
        }
        let full = self.items.len() >= keep;
        // Masking is the costly part; skip it for texts that cannot get in,
        // and for a text already kept (the same raw text hashes the same).
        if (full && h >= self.items[keep - 1].hash) || self.items.iter().any(|s| s.hash == h) {
            return;
        }
        let raw = &raw[..raw.len().min(SAMPLE_MAX_BYTES)];
        // A reply that masks like a kept one (most do when a code has few
        // shapes, and the list never fills) can only lower that one's hash:
        // found by comparing with its raw text, without masking.
        if let Some(pos) = self.items.iter().position(|s| same_mask(&s.raw, raw, SAMPLE_MAX_BYTES)) {
            if self.items[pos].hash > h {
                let mut lower = self.items.remove(pos);
                (lower.hash, lower.raw) = (h, raw.into());
                self.place(lower, keep);
            }
            return;
        }
        self.place(Sample { hash: h, text: mask(raw, SAMPLE_MAX_BYTES), raw: raw.into() }, keep);
    }

    /// Keeps `new` unless its text is kept with a lower hash, in (hash,
    /// text) order, at most `keep`.
    fn place(&mut self, new: Sample, keep: usize) {
        if let Some(pos) = self.items.iter().position(|s| s.text == new.text) {
            if self.items[pos].hash <= new.hash {
                return;
            }
            self.items.remove(pos);
        }
        let at = self.items.partition_point(|s| (s.hash, s.text.as_str()) < (new.hash, new.text.as_str()));
        self.items.insert(at, new);
        self.items.truncate(keep);
    }

    fn merge(&mut self, other: &Samples, keep: usize) {
        for s in &other.items {
            self.place(s.clone(), keep);
        }
    }

    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|s| s.text.as_str())
    }
}

/// A fixed seed: the same text hashes the same in every worker and run.
const SAMPLE_HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x5eed_cafe);

/// Everything known about one code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeDetail {
    pub count: u64,
    /// Enhanced codes seen with this basic code.
    pub enhanced: Map<EnhancedCode, u64>,
    pub statuses: [u64; Status::ALL.len()],
    pub stages: [u64; Stage::ALL.len()],
    /// Recipient domains, lower-cased.
    pub domains: Map<Name, u64>,
    /// Relays delivered to or clients rejected, lower-cased.
    pub remotes: Map<Name, u64>,
    /// Events whose domain or host did not fit under `NAMES_PER_CODE`.
    pub other_domains: u64,
    pub other_remotes: u64,
    pub samples: Samples,
}

impl CodeDetail {
    fn merge(&mut self, o: &CodeDetail) {
        self.count += o.count;
        add_capped_map(&mut self.enhanced, &o.enhanced, ENHANCED_PER_CODE);
        add_arrays(&mut self.statuses, &o.statuses);
        add_arrays(&mut self.stages, &o.stages);
        self.other_domains += o.other_domains + add_capped_map(&mut self.domains, &o.domains, NAMES_PER_CODE);
        self.other_remotes += o.other_remotes + add_capped_map(&mut self.remotes, &o.remotes, NAMES_PER_CODE);
        self.samples.merge(&o.samples, SAMPLES_PER_CODE);
    }

    fn table(&mut self, field: Field) -> (&mut Map<Name, u64>, &mut u64) {
        match field {
            Field::Domain => (&mut self.domains, &mut self.other_domains),
            Field::Remote => (&mut self.remotes, &mut self.other_remotes),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: LineCounts,
    /// Recognised lines per MTA.
    pub per_mta: [u64; Mta::ALL.len()],
    /// Events per basic code, indexed by `BasicCode::index`.
    pub basic: Vec<u64>,
    pub enhanced: Map<EnhancedCode, u64>,
    /// Events per class (basic code's class, else the enhanced code's).
    pub classes: [u64; 4],
    pub statuses: [u64; Status::ALL.len()],
    pub details: Map<CodeKey, CodeDetail>,
    /// Failures the log states without a code (Exim's own refusals and
    /// most of its deferrals, Postfix expiries): their statuses, domains,
    /// hosts and texts, as a code's detail has them.
    pub codeless: CodeDetail,
    /// Codes the log implies but does not state, counted apart.
    pub inferred: Map<(BasicCode, Option<EnhancedCode>), u64>,
    /// Events per hour (start of hour) and class.
    pub hourly: Map<LogTime, [u64; 4]>,
    pub first: Option<LogTime>,
    pub last: Option<LogTime>,
    /// Unrecognised lines that look like they carry a reply code, masked.
    pub unrecognized_samples: Samples,
    /// Failures per reply shape and code, each with one example reply,
    /// for the reason and provider rules to classify once per shape.
    pub failures: Shapes,
    /// Failures past `DISTINCT_SHAPES` or `SHAPE_BYTES`, by code.
    pub failures_overflow: Map<Option<CodeKey>, u64>,
    /// Events left out of a table because it reached its cap.
    pub overflow: u64,
    /// Leaves out the recipient domains of codes that are not failures
    /// (a table lookup on most events of a log) when no output shows them.
    /// Their events then only add to counters, and runs of alike ones are
    /// held in `pending` (see [`Summary::settle`]).
    pub skip_success_domains: bool,
    /// Names held in the tables of `details` and `codeless`, against `NAMES_HELD`.
    names_held: usize,
    /// Names of the chunk being scanned, in first-seen order; `settle`
    /// adds them to the tables unless `defer_names` (a worker of several,
    /// which hands them to the run's [`Ledger`] instead).
    chunk_names: ChunkNames,
    pub(crate) defer_names: bool,
    /// The ledger's tables, carried by one worker's summary to the merge.
    pub(crate) ordered_names: OrderedNames,
    /// Bytes of example text held in `failures`, against `SHAPE_BYTES`.
    shape_bytes: usize,
    pending: [Option<(Tally, u64)>; PENDING],
    /// The slot of `pending` filled longest ago.
    oldest: usize,
}

/// Tallies held back at a time: the few kinds of success a server logs
/// (a relay's `250 2.0.0`, local delivery's `2.0.0`, an LMTP `2.6.0` …).
const PENDING: usize = 4;

/// The counters one event adds to, when it adds no name or example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tally {
    key: CodeKey,
    enhanced: Option<EnhancedCode>,
    status: Option<Status>,
    stage: Stage,
    hour: Option<LogTime>,
}

impl Summary {
    /// An empty summary; `success_domains` says whether the recipient
    /// domains of codes that are not failures are counted.
    pub fn new(success_domains: bool) -> Summary {
        Summary { skip_success_domains: !success_domains, ..Summary::default() }
    }

    /// Counts one line and what it said.
    #[inline]
    pub fn add_line(&mut self, line: &[u8], kind: LineKind, time: Option<LogTime>, event: Option<&Event<'_>>) {
        // Most lines are an MTA's without an outcome: counted in place.
        match (kind, event) {
            (LineKind::Recognized(mta), None) => self.add_recognized(mta, time),
            _ => self.add_other_line(line, kind, time, event),
        }
    }

    fn add_other_line(&mut self, line: &[u8], kind: LineKind, time: Option<LogTime>, event: Option<&Event<'_>>) {
        match kind {
            LineKind::Recognized(mta) => self.add_recognized(mta, time),
            LineKind::Blank => {
                self.lines.read += 1;
                self.lines.blank += 1;
            }
            LineKind::Foreign => {
                self.lines.read += 1;
                self.lines.foreign += 1;
                self.see_time(time);
            }
            LineKind::Unrecognized => {
                self.lines.read += 1;
                self.lines.unrecognized += 1;
                self.see_time(time);
                if looks_coded(line) {
                    self.unrecognized_samples.offer_up_to(line, SAMPLE_HASH.hash_one(line), UNRECOGNIZED_SAMPLES);
                }
            }
        }
        if let Some(ev) = event {
            self.add_event(ev);
        }
    }

    /// A line of a known MTA, the most common line by far.
    #[inline]
    fn add_recognized(&mut self, mta: Mta, time: Option<LogTime>) {
        self.lines.read += 1;
        self.lines.recognized += 1;
        self.per_mta[mta.index()] += 1;
        self.see_time(time);
    }

    /// Keeps a failure under its shape, for classification at report time;
    /// `text_hash` is the `SAMPLE_HASH` of its text.
    fn record_failure(&mut self, ev: &Event<'_>, key: Option<CodeKey>, text_hash: u64) {
        // The remote host only names a provider, whose entries explain
        // codes: a failure without one is shaped by its text alone, which
        // keeps one shape for a refusal that many clients get.
        let remote = if key.is_some() { ev.remote } else { &[] };
        let shape = (shape_hash(ev.text, remote), key);
        let full = self.failures.len() >= DISTINCT_SHAPES || self.shape_bytes >= SHAPE_BYTES;
        if full && !self.failures.contains_key(&shape) {
            *self.failures_overflow.entry(key).or_default() += 1;
            return;
        }
        let f = self.failures.entry(shape).or_default();
        f.count += 1;
        let before = f.text.len() + f.remote.len();
        f.offer(SAMPLE_HASH.hash_one((text_hash, remote)), ev.text, remote);
        self.shape_bytes = (self.shape_bytes + f.text.len() + f.remote.len()).saturating_sub(before);
    }

    fn see_time(&mut self, time: Option<LogTime>) {
        if let Some(t) = time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }

    fn add_event(&mut self, ev: &Event<'_>) {
        if ev.inferred {
            if let Some(b) = ev.basic {
                *self.inferred.entry((b, ev.enhanced)).or_default() += 1;
            }
            return;
        }
        if let Some(s) = ev.status {
            self.statuses[s.index()] += 1;
        }
        let Some(key) = CodeKey::of(ev) else {
            // Without a code, a failure still has a reason to find, and
            // domains and hosts behind it.
            if ev.status.is_some_and(Status::failed) {
                let h = SAMPLE_HASH.hash_one(ev.text);
                self.record_failure(ev, None, h);
                self.add_codeless(ev, h);
            }
            return;
        };
        self.lines.with_code += 1;
        if let Some(b) = ev.basic {
            if self.basic.is_empty() {
                self.basic = vec![0; BasicCode::COUNT];
            }
            self.basic[b.index()] += 1;
        }
        let class = key.class();
        self.classes[class.index()] += 1;
        let failing = class.failed();
        let tally =
            Tally { key, enhanced: ev.enhanced, status: ev.status, stage: ev.stage, hour: ev.time.map(LogTime::hour) };
        if !failing && self.skip_success_domains {
            // Only counters change: alike events are added at once.
            self.hold(tally);
            return;
        }
        // A failure's text is hashed once, for its shape's example and its
        // code's.
        let text_hash = failing.then(|| SAMPLE_HASH.hash_one(ev.text));
        if let Some(h) = text_hash {
            self.record_failure(ev, Some(key), h);
        }
        let Some(d) = self.add_tally(tally, 1) else {
            return;
        };
        // Only failing codes get a section with hosts and example replies;
        // for the others (most events of a log) these would be a table
        // lookup and a hash of the reply per event for nothing shown.
        if let Some(h) = text_hash {
            d.samples.offer_up_to(ev.text, h, SAMPLES_PER_CODE);
            self.chunk_names.count((Some(key), Field::Remote), ev.remote);
        }
        self.chunk_names.count((Some(key), Field::Domain), ev.domain);
    }

    /// A failure without a code, whose text hashes to `text_hash`.
    fn add_codeless(&mut self, ev: &Event<'_>, text_hash: u64) {
        let d = &mut self.codeless;
        d.count += 1;
        if let Some(s) = ev.status {
            d.statuses[s.index()] += 1;
        }
        d.stages[ev.stage.index()] += 1;
        d.samples.offer_up_to(ev.text, text_hash, SAMPLES_PER_CODE);
        self.chunk_names.count((None, Field::Domain), ev.domain);
        self.chunk_names.count((None, Field::Remote), ev.remote);
    }

    /// Adds `n` events that count as `t` to the tables; the code's detail
    /// when it has room.
    fn add_tally(&mut self, t: Tally, n: u64) -> Option<&mut CodeDetail> {
        let class = t.key.class();
        if let Some(e) = t.enhanced {
            self.overflow += add_capped(&mut self.enhanced, &e, n, DISTINCT_CODES);
        }
        if let Some(hour) = t.hour {
            let room = self.hourly.len() < DISTINCT_HOURS;
            match self.hourly.get_mut(&hour) {
                Some(h) => h[class.index()] += n,
                None if room => self.hourly.entry(hour).or_default()[class.index()] += n,
                None => self.overflow += n,
            }
        }
        if self.details.len() >= DISTINCT_CODES && !self.details.contains_key(&t.key) {
            self.overflow += n;
            return None;
        }
        let d = self.details.entry(t.key).or_default();
        d.count += n;
        if let (CodeKey::Basic(_), Some(e)) = (t.key, t.enhanced) {
            add_capped(&mut d.enhanced, &e, n, ENHANCED_PER_CODE);
        }
        if let Some(s) = t.status {
            d.statuses[s.index()] += n;
        }
        d.stages[t.stage.index()] += n;
        Some(d)
    }

    /// Counts an event of `t` in `pending`; a tally without a slot there
    /// takes the place of the one held longest, which goes to the tables.
    fn hold(&mut self, t: Tally) {
        if let Some((_, n)) = self.pending.iter_mut().flatten().find(|(held, _)| *held == t) {
            *n += 1;
            return;
        }
        let slot = self.pending.iter().position(Option::is_none).unwrap_or(self.oldest);
        if let Some((old, n)) = self.pending[slot].replace((t, 1)) {
            self.add_tally(old, n);
            self.oldest = (slot + 1) % PENDING;
        }
    }

    /// Adds the events held back in `pending` to the tables. The scan does
    /// this at the end of each chunk, so a summary it hands on holds none.
    pub fn settle(&mut self) {
        for slot in 0..PENDING {
            if let Some((t, n)) = self.pending[slot].take() {
                self.add_tally(t, n);
            }
        }
        self.oldest = 0;
        if !self.defer_names {
            self.add_chunk_names();
        }
    }

    /// The names of the chunk just scanned, for a [`Ledger`] (workers set
    /// `defer_names`; otherwise `settle` adds them to the tables itself).
    pub fn take_chunk_names(&mut self) -> ChunkNames {
        std::mem::take(&mut self.chunk_names)
    }

    /// An emptied list for the next chunk's names, so its tables keep
    /// their room instead of growing again chunk after chunk.
    pub fn reuse_chunk_names(&mut self, spare: ChunkNames) {
        debug_assert!(spare.is_empty() && self.chunk_names.is_empty());
        self.chunk_names = spare;
    }

    /// Adds the names of the chunk just scanned to the code tables, in
    /// the order they first occurred.
    fn add_chunk_names(&mut self) {
        let Summary { chunk_names, details, codeless, names_held, .. } = self;
        for (slot, name) in chunk_names.iter() {
            if let Some((table, other)) = slot_table(details, codeless, slot) {
                names::admit(table, other, name, 1, names_held);
            }
        }
        chunk_names.clear();
    }

    /// Adds another summary into this one.
    pub fn merge(self, other: Summary) -> Summary {
        Summary::merge_beside(vec![self, other], 1, |_| ()).0
    }

    /// The summaries of several workers merged, and `work` run `threads`
    /// times beside the merge. The per-code details, with the name tables
    /// the run's [`Ledger`] filled in input order, are merged on a thread
    /// of their own, which then runs `work` once; the other runs start at
    /// once, as soon as the failure shapes (all `work` is given) are merged.
    pub fn merge_beside<R: Send>(
        parts: Vec<Summary>,
        threads: usize,
        work: impl Fn(&Shapes) -> R + Sync,
    ) -> (Summary, Vec<R>) {
        let mut parts: Vec<Summary> = parts
            .into_iter()
            .map(|mut p| {
                p.settle();
                p
            })
            .collect();
        // The largest summary takes in the others: fewer keys to copy.
        let Some(big) = (0..parts.len()).max_by_key(|&i| (parts[i].lines.read, std::cmp::Reverse(i))) else {
            return (Summary::default(), vec![work(&Shapes::default())]);
        };
        let mut big = parts.remove(big);
        for p in &parts {
            big.add(p);
        }
        let ordered: Vec<OrderedNames> = parts.iter_mut().map(|p| std::mem::take(&mut p.ordered_names)).collect();
        let Summary { details, overflow, failures, codeless, ordered_names, names_held, .. } = &mut big;
        let (failures, work) = (&*failures, &work);
        let merge_details = move || {
            for p in &parts {
                add_details(details, &p.details, overflow);
            }
            for o in ordered.into_iter().chain([std::mem::take(ordered_names)]) {
                for (slot, (names, other)) in o.tables {
                    let Some((table, others)) = slot_table(details, codeless, slot) else {
                        continue;
                    };
                    *others += other;
                    if table.is_empty() {
                        *table = names;
                    } else {
                        for (name, n) in names {
                            names::admit(table, others, &name, n, names_held);
                        }
                    }
                }
            }
        };
        let results = if threads < 2 {
            merge_details();
            vec![work(failures)]
        } else {
            std::thread::scope(|s| {
                let tables = s.spawn(move || {
                    merge_details();
                    work(failures)
                });
                let others: Vec<_> = (2..threads).map(|_| s.spawn(move || work(failures))).collect();
                let mut results = vec![work(failures)];
                for h in others.into_iter().chain([tables]) {
                    results.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                }
                results
            })
        };
        big.names_held = big.names_in_tables();
        // The merged summary is no worker's: it adds its own names.
        big.defer_names = false;
        big.shape_bytes = big.failures.values().map(|f| f.text.len() + f.remote.len()).sum();
        (big, results)
    }

    /// Drops the recipient domains of codes that are not failures, as a
    /// summary scanned with `skip_success_domains` never had them: the
    /// tests and fuzz targets compare such summaries with full ones.
    #[doc(hidden)]
    pub fn forget_success_domains(&mut self) {
        for (key, d) in &mut self.details {
            if !key.class().failed() {
                d.domains.clear();
                d.other_domains = 0;
            }
        }
        self.skip_success_domains = true;
        self.names_held = self.names_in_tables();
    }

    /// The names the tables of `details` and `codeless` hold.
    fn names_in_tables(&self) -> usize {
        let names = |d: &CodeDetail| d.domains.len() + d.remotes.len();
        self.details.values().map(names).sum::<usize>() + names(&self.codeless)
    }

    /// Adds everything of another summary but its per-code details.
    fn add(&mut self, other: &Summary) {
        self.lines.merge(&other.lines);
        add_arrays(&mut self.per_mta, &other.per_mta);
        if self.basic.is_empty() {
            self.basic.clone_from(&other.basic);
        } else if !other.basic.is_empty() {
            add_arrays(&mut self.basic, &other.basic);
        }
        self.overflow += other.overflow + add_capped_map(&mut self.enhanced, &other.enhanced, DISTINCT_CODES);
        add_arrays(&mut self.classes, &other.classes);
        add_arrays(&mut self.statuses, &other.statuses);
        add_map(&mut self.inferred, &other.inferred);
        for (h, c) in &other.hourly {
            let room = self.hourly.len() < DISTINCT_HOURS;
            match self.hourly.get_mut(h) {
                Some(mine) => add_arrays(mine, c),
                None if room => add_arrays(self.hourly.entry(*h).or_default(), c),
                None => self.overflow += c.iter().sum::<u64>(),
            }
        }
        self.see_time(other.first);
        self.see_time(other.last);
        self.unrecognized_samples.merge(&other.unrecognized_samples, UNRECOGNIZED_SAMPLES);
        self.codeless.merge(&other.codeless);
        for (k, f) in &other.failures {
            let room = self.failures.len() < DISTINCT_SHAPES;
            match self.failures.get_mut(k) {
                Some(mine) => mine.merge(f),
                None if room => {
                    self.failures.insert(*k, f.clone());
                }
                None => *self.failures_overflow.entry(k.1).or_default() += f.count,
            }
        }
        add_map(&mut self.failures_overflow, &other.failures_overflow);
    }

    /// Events per basic code, skipping codes never seen.
    pub fn basic_counts(&self) -> impl Iterator<Item = (BasicCode, u64)> + '_ {
        self.basic.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, n)| (BasicCode::from_index(i), *n))
    }

    pub fn status(&self, s: Status) -> u64 {
        self.statuses[s.index()]
    }
}

/// The table a name of `slot` goes to: the code's (none when the code
/// got no detail, past `DISTINCT_CODES`) or the codeless failures'.
fn slot_table<'a>(
    details: &'a mut Map<CodeKey, CodeDetail>,
    codeless: &'a mut CodeDetail,
    (key, field): names::Slot,
) -> Option<(&'a mut Map<Name, u64>, &'a mut u64)> {
    let d = match key {
        None => codeless,
        Some(k) => details.get_mut(&k)?,
    };
    Some(d.table(field))
}

/// Adds per-code details into `mine`; events of codes that find no room
/// go to `overflow`.
fn add_details(mine: &mut Map<CodeKey, CodeDetail>, other: &Map<CodeKey, CodeDetail>, overflow: &mut u64) {
    for (k, d) in other {
        let room = mine.len() < DISTINCT_CODES;
        match mine.get_mut(k) {
            Some(m) => m.merge(d),
            None if room => mine.entry(*k).or_default().merge(d),
            None => *overflow += d.count,
        }
    }
}

fn add_arrays(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

pub fn add_map<K: Clone + Eq + std::hash::Hash>(a: &mut Map<K, u64>, b: &Map<K, u64>) {
    for (k, v) in b {
        *a.entry(k.clone()).or_default() += v;
    }
}

/// Adds `n` under `key` unless the map is full and the key new; returns
/// what did not fit. The key is copied only when it is new (a long name
/// costs an allocation to copy).
fn add_capped<K: Clone + Eq + std::hash::Hash>(map: &mut Map<K, u64>, key: &K, n: u64, cap: usize) -> u64 {
    if let Some(v) = map.get_mut(key) {
        *v += n;
        return 0;
    }
    if map.len() >= cap {
        return n;
    }
    map.insert(key.clone(), n);
    0
}

/// Adds another map within a cap; returns the count that did not fit.
fn add_capped_map<K: Clone + Eq + std::hash::Hash>(a: &mut Map<K, u64>, b: &Map<K, u64>, cap: usize) -> u64 {
    b.iter().map(|(k, n)| add_capped(a, k, *n, cap)).sum()
}

/// A line that looks like it carries a reply code (`550 `, `4.7.1`),
/// worth showing when no parser understood it.
fn looks_coded(line: &[u8]) -> bool {
    line.windows(5).any(|w| {
        matches!(w[0], b' ' | b':' | b'(' | b'=' | b'"')
            && matches!(w[1], b'2'..=b'5')
            && w[2].is_ascii_digit()
            && w[3].is_ascii_digit()
            && matches!(w[4], b' ' | b'-')
    })
}

/// Whether `name` holds an ASCII capital, eight bytes at a time: a byte
/// below 0x80 is one when adding 0x3f carries it past 0x7f (from `A`) and
/// adding 0x25 does not (up to `Z`).
fn has_upper(name: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    let upper = |w: u64| {
        let low = w & (ONES * 0x7f);
        (low + ONES * 0x3f) & !(low + ONES * 0x25) & !w & (ONES * 0x80) != 0
    };
    let mut words = name.chunks_exact(8);
    words.any(|w| upper(u64::from_le_bytes(w.try_into().unwrap_or_default())))
        || words.remainder().iter().any(u8::is_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPES: &[&str] = &[
        "250 2.0.0 Ok: queued as {}",
        "550 5.1.1 <{}>: Recipient address rejected",
        "421 4.7.0 [{}] try again later",
        "250 {} ok",
    ];
    const WORDS: &[&str] =
        &["4F2A1B3C5D", "9E8D7C6B5A", "ann@example.com", "bob@example.org", "192.0.2.1", "::1", "x", "y"];

    proptest::proptest! {
        /// The examples kept are those a plain reading gives: the distinct
        /// masked texts whose lowest raw hash is lowest, however many of the
        /// replies the comparison with kept raw texts spared from masking.
        #[test]
        fn samples_are_the_distinct_masked_texts_of_lowest_hash(replies in proptest::collection::vec(
            (proptest::sample::select(SHAPES), proptest::sample::select(WORDS)), 0..200)) {
            let raws: Vec<String> = replies.iter().map(|(shape, word)| shape.replace("{}", word)).collect();
            let mut samples = Samples::default();
            let mut lowest: std::collections::BTreeMap<String, u64> = Default::default();
            for raw in &raws {
                samples.offer(raw.as_bytes());
                let h = SAMPLE_HASH.hash_one(raw.as_bytes());
                let low = lowest.entry(mask(raw.as_bytes(), SAMPLE_MAX_BYTES)).or_insert(h);
                *low = (*low).min(h);
            }
            let mut want: Vec<(u64, String)> = lowest.into_iter().map(|(t, h)| (h, t)).collect();
            want.sort();
            want.truncate(SAMPLES_PER_CODE);
            let want: Vec<&str> = want.iter().map(|(_, t)| t.as_str()).collect();
            proptest::prop_assert_eq!(samples.texts().collect::<Vec<_>>(), want);
        }
    }

    fn ev(basic: u16, text: &'static str, domain: &'static str) -> Event<'static> {
        Event {
            basic: BasicCode::new(basic),
            text: text.as_bytes(),
            domain: domain.as_bytes(),
            status: Some(Status::Bounced),
            ..Event::default()
        }
    }

    #[test]
    fn names_over_all_codes_stay_within_their_budget() {
        // More codes with a full table each than the budget holds.
        let codes = NAMES_HELD / NAMES_PER_CODE + 2;
        let mut s = Summary::new(true);
        let mut events = 0;
        for c in 0..codes {
            for i in 0..NAMES_PER_CODE {
                let domain = format!("d{i}.example");
                let e = Event {
                    basic: None,
                    enhanced: EnhancedCode::new(5, 1, c as u16),
                    domain: domain.as_bytes(),
                    ..ev(550, "550 no", "")
                };
                s.add_line(b"", LineKind::Recognized(Mta::Postfix), None, Some(&e));
                events += 1;
            }
        }
        s.settle();
        assert_eq!(s.names_held, NAMES_HELD);
        assert_eq!(s.names_in_tables(), NAMES_HELD);
        // Every event still counts, under its name or among the others.
        let counted: u64 = s.details.values().map(|d| d.domains.values().sum::<u64>() + d.other_domains).sum();
        assert_eq!(counted, events);
        assert!(s.details.values().any(|d| d.domains.is_empty() && d.other_domains == NAMES_PER_CODE as u64));
    }

    #[test]
    fn failure_shapes_stay_within_their_bytes() {
        // Long replies, each of a shape of its own (words without digits).
        let n = SHAPE_BYTES / 1000 + 50;
        let mut s = Summary::new(true);
        for i in 0..n {
            let word: String =
                format!("{i:x}").chars().map(|c| char::from(b'g' + c.to_digit(16).unwrap() as u8)).collect();
            let text = format!("550 {}", format!("{word} ").repeat(1000 / (word.len() + 1)));
            let text: &'static str = Box::leak(text.into_boxed_str());
            s.add_line(b"", LineKind::Recognized(Mta::Postfix), None, Some(&ev(550, text, "example.com")));
        }
        s.settle();
        assert!(s.shape_bytes <= SHAPE_BYTES + SHAPE_TEXT_MAX, "{}", s.shape_bytes);
        let kept: u64 = s.failures.values().map(|f| f.count).sum();
        let over: u64 = s.failures_overflow.values().sum();
        assert!(over > 0);
        assert_eq!(kept + over, n as u64);
    }

    #[test]
    fn capitals_are_found_in_any_byte() {
        for len in 0..20 {
            for at in 0..len {
                for (c, want) in
                    [(b'A', true), (b'Z', true), (b'@', false), (b'[', false), (b'a', false), (0xc1, false)]
                {
                    let mut name = vec![b'x'; len];
                    name[at] = c;
                    assert_eq!(has_upper(&name), want, "{len} {at} {c}");
                }
            }
        }
    }

    #[test]
    fn merge_equals_single_pass() {
        let events = [
            ev(550, "550 5.1.1 <a@example.com>: unknown", "Example.com"),
            ev(550, "550 5.1.1 <b@example.com>: unknown", "example.com"),
            ev(550, "550 5.7.1 spam", "other.example"),
            ev(450, "450 4.2.0 greylisted", "example.com"),
            ev(550, "550 5.7.1 blocked", "x.example"),
            ev(550, "550 5.7.1 blocked again", "y.example"),
        ];
        let mut whole = Summary::default();
        for e in &events {
            whole.add_line(b"", LineKind::Recognized(Mta::Postfix), None, Some(e));
        }
        whole.settle();
        for split in 0..events.len() {
            let (mut a, mut b) = (Summary::default(), Summary::default());
            for e in &events[..split] {
                a.add_line(b"", LineKind::Recognized(Mta::Postfix), None, Some(e));
            }
            for e in &events[split..] {
                b.add_line(b"", LineKind::Recognized(Mta::Postfix), None, Some(e));
            }
            assert_eq!(a.clone().merge(b.clone()), whole);
            assert_eq!(b.merge(a), whole);
        }
        let d = &whole.details[&CodeKey::Basic(BasicCode::new(550).unwrap())];
        assert_eq!(d.count, 5);
        assert_eq!(d.domains[&b"example.com"[..]], 2);
        assert_eq!(d.samples.texts().count(), SAMPLES_PER_CODE);
        assert_eq!(whole.lines.with_code, 6);
        assert_eq!(whole.classes, [0, 0, 1, 5]);
    }

    #[test]
    fn names_and_examples_are_kept_where_a_report_shows_them() {
        let host = |e: Event<'static>| Event { remote: b"mx.example", ..e };
        let (sent, failed) =
            (host(ev(250, "250 2.0.0 Ok", "gmail.com")), host(ev(550, "550 5.1.1 unknown", "example.com")));
        let key = |code| CodeKey::Basic(BasicCode::new(code).unwrap());
        for skip in [false, true] {
            let mut s = Summary::new(!skip);
            for e in [&sent, &failed] {
                s.add_line(b"", LineKind::Recognized(Mta::Postfix), None, Some(e));
            }
            s.settle();
            let (ok, bad) = (&s.details[&key(250)], &s.details[&key(550)]);
            assert_eq!(ok.domains.len(), usize::from(!skip), "skip {skip}");
            assert_eq!((ok.remotes.len(), ok.samples.texts().count()), (0, 0));
            assert_eq!((bad.domains.len(), bad.remotes.len(), bad.samples.texts().count()), (1, 1, 1));
        }
    }

    proptest::proptest! {
        /// Holding back the events that only add to counters, in runs and
        /// across more kinds than `pending` has slots, counts what adding
        /// each at once counts (the success domains aside).
        #[test]
        fn held_events_count_as_added_ones(events in proptest::collection::vec(
            (proptest::sample::select(&[250u16, 251, 354, 450, 550][..]), 0u32..3, 0usize..3, 0i64..3, proptest::bool::ANY), 0..300)) {
            let (mut held, mut plain) = (Summary::new(false), Summary::new(true));
            for (i, (code, enhanced, status, hour, split)) in events.iter().enumerate() {
                let ev = Event {
                    enhanced: EnhancedCode::new((code / 100) as u8, 0, *enhanced as u16),
                    status: Some([Status::Sent, Status::Deferred, Status::Other][*status]),
                    stage: [Stage::Unknown, Stage::Rcpt, Stage::Data][*status],
                    time: Some(LogTime(hour * 3600 + i as i64)),
                    remote: b"mx.example",
                    ..ev(*code, "reply", "example.com")
                };
                for s in [&mut held, &mut plain] {
                    s.add_line(b"", LineKind::Recognized(Mta::Postfix), ev.time, Some(&ev));
                }
                if *split {
                    held.settle();
                }
            }
            held.settle();
            plain.settle();
            plain.forget_success_domains();
            proptest::prop_assert_eq!(held.names_held, held.names_in_tables());
            proptest::prop_assert_eq!(held, plain);
        }
    }
}
