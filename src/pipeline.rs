//! Runs the scan: one reader thread opens the inputs in order and hands out
//! whole-line chunks through a bounded channel; each rayon worker folds the
//! chunks it takes into its own `Summary`, and the summaries are merged at
//! the end, while the failures are classified. No locks or shared maps on
//! the hot path, and at most a few chunks in flight, so memory stays flat
//! however large the input.

use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc::sync_channel;
use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::aggregate::{Ledger, Summary};
use crate::error::Error;
use crate::event::Mta;
use crate::formats::ParseContext;
use crate::input::chunk::{BufferPool, Chunk, ChunkReader, DEFAULT_CHUNK};
use crate::input::{Compression, InputSpec, Source, open, total_size};
use crate::progress::{Progress, When};
use crate::rules::{Classified, Rules};
use crate::scan::scan_chunk;
use crate::time::{LogTime, YearResolver};

#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub threads: usize,
    pub chunk_bytes: usize,
    /// Year for stamps without one; default: from each file's mtime.
    pub year: Option<i32>,
    /// Read every line as this MTA's; default: detect per line.
    pub mta: Option<Mta>,
    /// The clock times are reported on (seconds east of UTC).
    pub local_offset: i32,
    /// Only lines stamped in `[start, end)` count.
    pub window: Option<(LogTime, LogTime)>,
    /// Whether to draw a progress bar on stderr.
    pub progress: When,
    /// Whether large, quiet regular files may be memory-mapped.
    pub mmap: bool,
    /// Whether the recipient domains of successful deliveries are counted:
    /// only `domains.csv` shows them.
    pub success_domains: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: thread::available_parallelism().map_or(1, |n| n.get()),
            chunk_bytes: DEFAULT_CHUNK,
            year: None,
            mta: None,
            local_offset: 0,
            window: None,
            progress: When::Never,
            mmap: true,
            success_domains: true,
        }
    }
}

/// How reading one input went.
#[derive(Clone, Debug)]
pub struct InputStatus {
    pub name: String,
    pub compression: Compression,
    /// Bytes of log text read (after decompression).
    pub bytes: u64,
    pub error: Option<String>,
}

struct Work {
    chunk: Chunk,
    ctx: ParseContext,
    /// The chunk's place in the input, from 0.
    seq: u64,
}

/// Scans all inputs, into one `Summary` per worker thread (see
/// [`merge_and_classify`]).
pub fn run(inputs: Vec<InputSpec>, opts: &ScanOptions) -> Result<(Vec<Summary>, Vec<InputStatus>), Error> {
    let threads = opts.threads.max(1);
    let pool = BufferPool::default();
    let progress = Progress::new(opts.progress, total_size(&inputs));
    let (tx, rx) = sync_channel::<Work>(threads * 2);
    let reader = {
        let pool = pool.clone();
        let opts = opts.clone();
        let progress = progress.clone();
        thread::Builder::new()
            .name("smtpstat-reader".into())
            .spawn(move || {
                let mut seq = 0;
                read_all(inputs, &opts, &pool, &progress, |mut w| {
                    w.seq = seq;
                    seq += 1;
                    tx.send(w).is_ok()
                })
            })
            .map_err(|e| Error::Usage(format!("cannot start reader thread: {e}")))?
    };
    let workers = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} worker threads: {e}")))?;
    // One Summary per worker for the whole run, merged once at the end:
    // memory is the worker count times the distinct keys, whatever the
    // input size (a fold over a bridged iterator may keep many partial
    // summaries alive until its final reduce).
    let rx = Mutex::new(rx);
    let partials = Mutex::new(Vec::with_capacity(threads));
    // Names go to capped tables in input order, so which fit does not
    // depend on which worker scanned which chunk.
    let ledger = Mutex::new(Ledger::default());
    workers.scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|_| {
                let mut s = Summary::new(opts.success_domains);
                s.defer_names = true;
                while let Some(w) = rx.lock().ok().and_then(|r| r.recv().ok()) {
                    w.chunk.begin_reading();
                    scan_work(&w, &mut s);
                    w.chunk.recycle(&pool);
                    let names = s.take_chunk_names();
                    if let Some(spare) = ledger.lock().ok().and_then(|mut l| l.hand_in(w.seq, names)) {
                        s.reuse_chunk_names(spare);
                    }
                }
                if let Ok(mut p) = partials.lock() {
                    p.push(s);
                }
            });
        }
    });
    let mut partials = partials.into_inner().map_err(|_| Error::Usage("a worker thread panicked".into()))?;
    let ledger = ledger.into_inner().map_err(|_| Error::Usage("a worker thread panicked".into()))?;
    if let Some(first) = partials.first_mut() {
        first.ordered_names = ledger.tables;
    }
    let statuses = reader.join().map_err(|_| Error::Usage("reader thread panicked".into()))?;
    progress.finish();
    Ok((partials, statuses))
}

/// The workers' summaries merged, and their failures classified by
/// `rules` on `threads` threads. Classification starts as soon as the
/// failure shapes are merged; the thread that merges the larger tables
/// joins it when done.
pub fn merge_and_classify(partials: Vec<Summary>, rules: &Rules, threads: usize) -> (Summary, Classified) {
    let next = AtomicUsize::new(0);
    let (summary, parts) = Summary::merge_beside(partials, threads, |shapes| rules.classify_share(shapes, &next));
    let classified = Classified::gather(parts, &summary.failures_overflow);
    (summary, classified)
}

fn scan_work(w: &Work, s: &mut Summary) {
    scan_chunk(w.chunk.bytes(), &w.ctx, s);
    s.lines.skip_oversized(w.chunk.oversized);
    s.lines.bytes += w.chunk.oversized_bytes;
}

/// Reads every input in order, passing chunks to `send` until it refuses.
fn read_all(
    inputs: Vec<InputSpec>,
    opts: &ScanOptions,
    pool: &BufferPool,
    progress: &Progress,
    mut send: impl FnMut(Work) -> bool,
) -> Vec<InputStatus> {
    let mut statuses = Vec::with_capacity(inputs.len());
    for spec in &inputs {
        let mut status = InputStatus { name: spec.name(), compression: Compression::None, bytes: 0, error: None };
        match open(spec, progress, opts.mmap.then_some(opts.chunk_bytes)) {
            Err(e) => status.error = Some(e.to_string()),
            Ok(opened) => {
                status.compression = opened.compression;
                let ctx = ParseContext {
                    years: year_resolver(opts.year, opened.modified),
                    mta: opts.mta,
                    local_offset: opts.local_offset,
                    window: opts.window,
                };
                let reader = match opened.source {
                    Source::Stream(reader) => reader,
                    Source::Mapped(mut mapped) => {
                        status.bytes = mapped.bytes().len() as u64;
                        while let Some(chunk) = mapped.next_chunk() {
                            progress.add(chunk.bytes().len() as u64 + chunk.oversized_bytes);
                            if !send(Work { chunk, ctx, seq: 0 }) {
                                break;
                            }
                        }
                        statuses.push(status);
                        continue;
                    }
                };
                let mut reader = ChunkReader::new(reader, opts.chunk_bytes, pool.clone());
                loop {
                    match reader.next_chunk() {
                        Ok(Some(chunk)) => {
                            if !send(Work { chunk, ctx, seq: 0 }) {
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(source) => {
                            let path = status.name.clone();
                            let err = match opened.compression {
                                Compression::None => Error::Read { path, source },
                                _ => Error::Decompress { path, source },
                            };
                            status.error = Some(err.to_string());
                            break;
                        }
                    }
                }
                status.bytes = reader.bytes_read;
            }
        }
        statuses.push(status);
    }
    statuses
}

fn year_resolver(year: Option<i32>, modified: Option<SystemTime>) -> YearResolver {
    if let Some(y) = year {
        return YearResolver::fixed(y);
    }
    match modified.and_then(|m| m.duration_since(UNIX_EPOCH).ok()) {
        Some(d) => YearResolver::from_unix(d.as_secs() as i64),
        None => YearResolver::now(),
    }
}

/// Scans bytes on the calling thread, for tests and benchmarks that need
/// the sequential answer to compare with.
pub fn scan_sequential(data: &[u8], ctx: &ParseContext) -> Summary {
    let mut s = Summary::default();
    scan_chunk(data, ctx, &mut s);
    s
}
