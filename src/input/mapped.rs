//! Regular files read through a memory map: the workers scan the page
//! cache in place, with no copy into buffers and no reader thread doing it.
//!
//! A map is only safe to read while the file does not shrink: reading a
//! page past a new end raises SIGBUS. Files written in the last few
//! seconds (a live log that `logrotate copytruncate` might cut) are read
//! with `read` instead, and a SIGBUS that happens anyway ends the run with
//! a message naming the file and exit status 2, never a crash. Pages a
//! worker has scanned are handed back to the kernel, so resident memory
//! stays flat however large the file.

use std::cell::Cell;
use std::fs::{File, Metadata};
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use memchr::{memchr, memrchr};
use memmap2::{Mmap, UncheckedAdvice};

use super::chunk::{Chunk, LINE_CAP};

/// Files smaller than this are read: a map costs more than it saves.
const MIN_MAPPED: u64 = 4 << 20;
/// Files modified more recently than this may still be written or cut.
const QUIET_FOR: Duration = Duration::from_secs(5);
/// Bytes searched at a time for the end of an oversized line, released
/// behind the search so that a huge line never becomes resident whole.
const SKIP_STEP: usize = 1 << 20;

/// A mapped file, shared by the chunks cut from it.
#[derive(Debug)]
pub struct MappedFile {
    map: Mmap,
    /// What to say if the file is cut short under the map.
    message: &'static [u8],
}

impl MappedFile {
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Marks the calling thread as reading this file, so that a SIGBUS on
    /// it names this file.
    pub fn begin_reading(&self) {
        sigbus::reading(self.message);
    }

    /// Hands the whole pages of `[start, end)` back to the kernel once they
    /// have been read. Pages shared with a neighbouring chunk are kept.
    pub fn release(&self, start: usize, end: usize) {
        let page = page_size();
        let first = start.div_ceil(page) * page;
        let last = end.min(self.map.len()) / page * page;
        if first < last {
            // SAFETY: the range lies inside the map, and no slice of it is
            // read again: each chunk is scanned by one worker, which calls
            // this after it has finished. For a shared file map,
            // MADV_DONTNEED only drops the page-table entries; a later read
            // would fault the same bytes back in from the page cache.
            // Failure only leaves pages resident.
            let _ = unsafe { self.map.unchecked_advise_range(UncheckedAdvice::DontNeed, first, last - first) };
        }
    }
}

/// A file mapped for scanning, cut into chunks.
pub struct Mapped {
    file: Arc<MappedFile>,
    pos: usize,
    target: usize,
}

impl Mapped {
    /// Maps `file` when it is a large regular file that has been quiet for
    /// a while; `None` means read it the ordinary way.
    pub fn open(path: &Path, file: &File, meta: &Metadata, target: usize) -> Option<Mapped> {
        let quiet = meta.modified().ok().and_then(|m| SystemTime::now().duration_since(m).ok());
        if !meta.is_file() || meta.len() < MIN_MAPPED || quiet.is_none_or(|q| q < QUIET_FOR) {
            return None;
        }
        let message = sigbus::watch(path);
        // SAFETY: the map is read-only and only ever read as bytes. The file
        // may change under it: appended bytes are not seen (the length is
        // fixed here), rewritten bytes are read as whatever they became,
        // which any byte slice may hold, and a file cut short raises SIGBUS,
        // which `sigbus` turns into a clean exit.
        let map = unsafe { Mmap::map(file) }.ok()?;
        Some(Mapped { file: Arc::new(MappedFile { map, message }), pos: 0, target: target.max(1) })
    }

    /// The whole file, to sniff for compression.
    pub fn bytes(&self) -> &[u8] {
        self.file.bytes()
    }

    /// The next chunk, cut as `ChunkReader` cuts: after the first `\n` at or
    /// past `target` bytes. A line crossing that point and longer than
    /// `LINE_CAP` is skipped and counted as oversized; shorter chunks
    /// may still hold oversized lines, which the scan counts.
    pub fn next_chunk(&mut self) -> Option<Chunk> {
        let data = self.file.bytes();
        let start = self.pos;
        if start >= data.len() {
            return None;
        }
        if data.len() - start <= self.target {
            self.pos = data.len();
            return Some(Chunk::mapped(Arc::clone(&self.file), start, data.len()));
        }
        let from = start + self.target - 1;
        let window = (from + LINE_CAP + 1).min(data.len());
        if let Some(i) = memchr(b'\n', &data[from..window]) {
            self.pos = from + i + 1;
            return Some(Chunk::mapped(Arc::clone(&self.file), start, self.pos));
        }
        if window == data.len() {
            self.pos = data.len();
            return Some(Chunk::mapped(Arc::clone(&self.file), start, data.len()));
        }
        let line = memrchr(b'\n', &data[start..from]).map_or(start, |i| start + i + 1);
        let end = self.skip_line(window);
        let mut chunk = Chunk::mapped(Arc::clone(&self.file), start, line);
        chunk.oversized = 1;
        chunk.oversized_bytes = (end - line) as u64;
        self.file.release(line, end);
        self.pos = end;
        Some(chunk)
    }

    /// The offset after the `\n` that ends the line running at `from`, or the
    /// end of the file; what was searched is released as the search goes.
    fn skip_line(&self, mut from: usize) -> usize {
        let data = self.file.bytes();
        while from < data.len() {
            let to = (from + SKIP_STEP).min(data.len());
            if let Some(i) = memchr(b'\n', &data[from..to]) {
                return from + i + 1;
            }
            self.file.release(from, to);
            from = to;
        }
        data.len()
    }
}

fn page_size() -> usize {
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: sysconf has no preconditions.
            let p = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
            PAGE.store(p, Ordering::Relaxed);
            p
        }
        p => p,
    }
}

/// Turns a SIGBUS (a mapped file cut short while it was read) into a
/// message on stderr and exit status 2.
mod sigbus {
    use super::*;

    thread_local! {
        /// The message for the mapped file this thread reads. Messages are
        /// leaked (one per mapped input): a handler may only read memory
        /// that is never freed.
        static READING: Cell<&'static [u8]> = const { Cell::new(&[]) };
    }

    /// The message for a SIGBUS on `path`, and the handler installed.
    pub fn watch(path: &Path) -> &'static [u8] {
        let text = format!(
            "smtpstat: {} was cut short while it was read (truncated or rotated by copying); no report was written\n",
            crate::sanitize::for_terminal(&path.display().to_string())
        );
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(install);
        let message = Box::leak(text.into_bytes().into_boxed_slice());
        reading(message);
        message
    }

    pub fn reading(message: &'static [u8]) {
        READING.with(|r| r.set(message));
    }

    fn install() {
        // SAFETY: the action is zero-initialised and then filled in as
        // sigaction(2) documents; the handler only calls async-signal-safe
        // functions (write, _exit) and reads a thread-local.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            if libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) != 0 {
                eprintln!("smtpstat: cannot watch for files cut short: {}", io::Error::last_os_error());
            }
        }
    }

    extern "C" fn on_sigbus(_: libc::c_int) {
        // A thread-local with a constant initialiser and no destructor is a
        // plain load from thread storage, safe in a signal handler.
        let message = READING.with(Cell::get);
        let message: &[u8] = if message.is_empty() { b"smtpstat: bus error (SIGBUS)\n" } else { message };
        // SAFETY: write and _exit are async-signal-safe; `message` is static.
        unsafe {
            libc::write(2, message.as_ptr().cast(), message.len());
            libc::_exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::chunk::{BufferPool, ChunkReader};

    fn old_file(data: &[u8]) -> (tempfile::NamedTempFile, Metadata) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        io::Write::write_all(&mut f, data).unwrap();
        f.as_file().set_modified(SystemTime::now() - Duration::from_secs(60)).unwrap();
        let meta = f.as_file().metadata().unwrap();
        (f, meta)
    }

    /// Lines and oversized counts, as a scan would see them.
    fn lines_of(chunks: impl Iterator<Item = Chunk>) -> (Vec<Vec<u8>>, u64) {
        let (mut lines, mut over) = (Vec::new(), 0);
        for c in chunks {
            over += c.oversized;
            for l in c.bytes().split_inclusive(|&b| b == b'\n') {
                if l.len() - usize::from(l.ends_with(b"\n")) > LINE_CAP {
                    over += 1;
                } else {
                    lines.push(l.to_vec());
                }
            }
        }
        (lines, over)
    }

    #[test]
    fn mapped_chunks_hold_the_lines_a_reader_gives() {
        let mut data = Vec::new();
        for i in 0..60_000 {
            data.extend_from_slice(format!("line {i} of a log\n").as_bytes());
            if i % 20_000 == 7 {
                data.extend(std::iter::repeat_n(b'x', LINE_CAP + i % 3));
                data.push(b'\n');
            }
        }
        data.extend(std::iter::repeat_n(b'y', 3 * LINE_CAP));
        data.extend_from_slice(b"\nlast line without newline");
        for target in [1 << 16, LINE_CAP / 2 + 1, 2 << 20] {
            let (f, meta) = old_file(&data);
            let mut m = Mapped::open(f.path(), f.as_file(), &meta, target).expect("an old large file is mapped");
            let mapped = lines_of(std::iter::from_fn(|| m.next_chunk()));
            let mut r = ChunkReader::new(&data[..], target, BufferPool::default());
            let read = lines_of(std::iter::from_fn(|| r.next_chunk().unwrap()));
            assert_eq!(mapped, read, "target {target}");
            // Lines of LINE_CAP + 1 and + 2 bytes and the last long one; LINE_CAP itself is fine.
            assert_eq!(mapped.1, 3);
        }
    }

    #[test]
    fn small_or_fresh_files_are_read() {
        let (f, meta) = old_file(b"a\nb\n");
        assert!(Mapped::open(f.path(), f.as_file(), &meta, 1 << 20).is_none());
        let (f, _) = old_file(&vec![b'a'; MIN_MAPPED as usize]);
        f.as_file().set_modified(SystemTime::now()).unwrap();
        let meta = f.as_file().metadata().unwrap();
        assert!(Mapped::open(f.path(), f.as_file(), &meta, 1 << 20).is_none());
    }
}
