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

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
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

/// A file mapped for scanning.
pub struct Mapped {
    map: Arc<Mmap>,
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
        sigbus::watch(path);
        // SAFETY: the map is read-only and only ever read as bytes. The file
        // may change under it: appended bytes are not seen (the length is
        // fixed here), rewritten bytes are read as whatever they became,
        // which any byte slice may hold, and a file cut short raises SIGBUS,
        // which `sigbus` turns into a clean exit.
        let map = unsafe { Mmap::map(file) }.ok()?;
        Some(Mapped { map: Arc::new(map), pos: 0, target: target.max(1) })
    }

    /// The whole file, to sniff for compression.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// The next chunk, cut as `ChunkReader` cuts: after the first `\n` at or
    /// past `target` bytes. A line crossing that point and longer than
    /// `LINE_CAP` is skipped and counted as oversized; shorter chunks
    /// may still hold oversized lines, which the scan counts.
    pub fn next_chunk(&mut self) -> Option<Chunk> {
        let data: &[u8] = &self.map;
        let start = self.pos;
        if start >= data.len() {
            return None;
        }
        if data.len() - start <= self.target {
            self.pos = data.len();
            return Some(Chunk::mapped(Arc::clone(&self.map), start, data.len()));
        }
        let from = start + self.target - 1;
        let window = (from + LINE_CAP + 1).min(data.len());
        if let Some(i) = memchr(b'\n', &data[from..window]) {
            self.pos = from + i + 1;
            return Some(Chunk::mapped(Arc::clone(&self.map), start, self.pos));
        }
        if window == data.len() {
            self.pos = data.len();
            return Some(Chunk::mapped(Arc::clone(&self.map), start, data.len()));
        }
        let line = memrchr(b'\n', &data[start..from]).map_or(start, |i| start + i + 1);
        let end = self.skip_line(window);
        let mut chunk = Chunk::mapped(Arc::clone(&self.map), start, line);
        chunk.oversized = 1;
        chunk.oversized_bytes = (end - line) as u64;
        release(&self.map, line, end);
        self.pos = end;
        Some(chunk)
    }

    /// The offset after the `\n` that ends the line running at `from`, or the
    /// end of the file; what was searched is released as the search goes.
    fn skip_line(&self, mut from: usize) -> usize {
        let data: &[u8] = &self.map;
        while from < data.len() {
            let to = (from + SKIP_STEP).min(data.len());
            if let Some(i) = memchr(b'\n', &data[from..to]) {
                return from + i + 1;
            }
            release(&self.map, from, to);
            from = to;
        }
        data.len()
    }
}

/// Hands the whole pages of `map[start..end]` back to the kernel once they
/// have been read. Pages shared with a neighbouring chunk are kept.
pub fn release(map: &Mmap, start: usize, end: usize) {
    let page = page_size();
    let first = start.div_ceil(page) * page;
    let last = end.min(map.len()) / page * page;
    if first < last {
        // SAFETY: the range lies inside the map, and no slice of it is read
        // again: each chunk is scanned by one worker, which calls this after
        // it has finished. For a shared file map, MADV_DONTNEED only drops
        // the page-table entries; a later read would fault the same bytes
        // back in from the page cache. Failure only leaves pages resident.
        let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, first, last - first) };
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

    /// The message for the file mapped last, leaked: a handler may only
    /// read memory that is never freed.
    static MESSAGE: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
    static LEN: AtomicUsize = AtomicUsize::new(0);

    pub fn watch(path: &Path) {
        let text = format!(
            "smtpstat: {} was cut short while it was read (truncated or rotated by copying); no report was written\n",
            crate::sanitize::for_terminal(&path.display().to_string())
        );
        let text: &'static mut [u8] = Box::leak(text.into_bytes().into_boxed_slice());
        LEN.store(0, Ordering::SeqCst);
        MESSAGE.store(text.as_mut_ptr(), Ordering::SeqCst);
        LEN.store(text.len(), Ordering::SeqCst);
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(install);
    }

    fn install() {
        // SAFETY: the action is zero-initialised and then filled in as
        // sigaction(2) documents; the handler only calls async-signal-safe
        // functions (write, _exit) and reads atomics.
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
        let (ptr, len) = (MESSAGE.load(Ordering::SeqCst), LEN.load(Ordering::SeqCst));
        // SAFETY: `ptr` is null or points at `len` bytes leaked in `watch`.
        unsafe {
            if !ptr.is_null() {
                libc::write(2, ptr as *const libc::c_void, len);
            }
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
