//! Cuts a byte stream into chunks of whole lines with bounded memory.
//!
//! A chunk ends at the first `\n` at or after `target` bytes, so the cut
//! points depend only on the input and the target, never on how `read`
//! happened to return data. A line longer than [`LINE_CAP`] is never
//! buffered whole: it is counted as oversized and skipped up to its `\n`.
//! Buffers come from a shared pool and go back to it after scanning; they
//! stay initialised between uses, so reading into one never zeroes it first.
//! A chunk can also be a range of a memory-mapped file (`mapped.rs`), which
//! needs no buffer at all.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use super::mapped::MappedFile;
use memchr::{memchr, memrchr};

/// Longest line that is parsed; longer ones are counted and skipped.
pub const LINE_CAP: usize = 1 << 20;
/// Default chunk size: large enough to amortise hand-offs between threads.
pub const DEFAULT_CHUNK: usize = 2 << 20;

/// Recycled chunk buffers.
#[derive(Clone, Default)]
pub struct BufferPool {
    free: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl BufferPool {
    // Enough for the chunks in flight (channel, workers, reader); more would
    // only hold memory.
    const KEEP: usize = 8;

    /// A buffer of at least `len` initialised bytes (zeroed only when new
    /// or grown).
    fn get(&self, len: usize) -> Vec<u8> {
        let buf = self.free.lock().ok().and_then(|mut f| f.pop());
        let mut buf = buf.unwrap_or_default();
        if buf.len() < len {
            buf.resize(len, 0);
        }
        buf
    }

    /// Returns a buffer for reuse.
    pub fn put(&self, buf: Vec<u8>) {
        if let Ok(mut free) = self.free.lock()
            && free.len() < Self::KEEP
        {
            free.push(buf);
        }
    }
}

/// A run of whole lines, plus the number of oversized lines skipped just
/// before it.
#[derive(Debug)]
pub struct Chunk {
    data: Data,
    pub oversized: u64,
    pub oversized_bytes: u64,
}

#[derive(Debug)]
enum Data {
    /// A pool buffer whose first `len` bytes are the lines.
    Buffer { buffer: Vec<u8>, len: usize },
    /// `[start, end)` of a mapped file.
    Mapped { file: Arc<MappedFile>, start: usize, end: usize },
}

impl Chunk {
    pub fn mapped(file: Arc<MappedFile>, start: usize, end: usize) -> Chunk {
        Chunk { data: Data::Mapped { file, start, end }, oversized: 0, oversized_bytes: 0 }
    }

    /// Marks the calling thread as reading this chunk's file, if it is
    /// mapped, so that the file being cut short under it is named.
    pub fn begin_reading(&self) {
        if let Data::Mapped { file, .. } = &self.data {
            file.begin_reading();
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            Data::Buffer { buffer, len } => &buffer[..*len],
            Data::Mapped { file, start, end } => &file.bytes()[*start..*end],
        }
    }

    /// Done with the lines: a buffer goes back to the pool, mapped pages
    /// back to the kernel.
    pub fn recycle(self, pool: &BufferPool) {
        match self.data {
            Data::Buffer { buffer, .. } => pool.put(buffer),
            Data::Mapped { file, start, end } => file.release(start, end),
        }
    }
}

pub struct ChunkReader<R> {
    inner: R,
    /// Bytes read but not yet handed out are `carry[..filled]`.
    carry: Vec<u8>,
    filled: usize,
    target: usize,
    skipping: bool,
    oversized: u64,
    oversized_bytes: u64,
    eof: bool,
    error: Option<io::Error>,
    pool: BufferPool,
    /// Bytes read from `inner` so far.
    pub bytes_read: u64,
}

impl<R: Read> ChunkReader<R> {
    pub fn new(inner: R, target: usize, pool: BufferPool) -> ChunkReader<R> {
        let target = target.max(1);
        let carry = pool.get(Self::capacity_for(target));
        ChunkReader {
            inner,
            carry,
            filled: 0,
            target,
            skipping: false,
            oversized: 0,
            oversized_bytes: 0,
            eof: false,
            error: None,
            pool,
            bytes_read: 0,
        }
    }

    fn capacity_for(target: usize) -> usize {
        target.max(64 << 10) + (64 << 10)
    }

    /// Moves `carry[..cut]` out as a chunk; the rest stays.
    fn take(&mut self, cut: usize) -> Chunk {
        let rest = self.filled - cut;
        let mut next = self.pool.get(Self::capacity_for(self.target).max(rest));
        next[..rest].copy_from_slice(&self.carry[cut..self.filled]);
        self.filled = rest;
        Chunk {
            data: Data::Buffer { buffer: std::mem::replace(&mut self.carry, next), len: cut },
            oversized: std::mem::take(&mut self.oversized),
            oversized_bytes: std::mem::take(&mut self.oversized_bytes),
        }
    }

    fn fill(&mut self) {
        let before = self.filled;
        // Never read past the point where the unfinished line would exceed
        // the cap, so every line over it is seen before its `\n` arrives.
        let partial = before - memrchr(b'\n', &self.carry[..before]).map_or(0, |i| i + 1);
        let room = (LINE_CAP + 1).saturating_sub(partial).max(1);
        let want = self.target.saturating_sub(before).max(64 << 10).min(room);
        let end = before + want;
        if self.carry.len() < end {
            self.carry.resize(end, 0);
        }
        while self.filled < end {
            match self.inner.read(&mut self.carry[self.filled..end]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.eof = true;
                    self.error = Some(e);
                    break;
                }
            }
        }
        let n = self.filled - before;
        self.bytes_read += n as u64;
        if self.skipping && n > 0 {
            match memchr(b'\n', &self.carry[before..self.filled]) {
                Some(i) => {
                    self.oversized_bytes += i as u64 + 1;
                    self.carry.copy_within(before + i + 1..self.filled, before);
                    self.filled -= i + 1;
                    self.skipping = false;
                }
                None => {
                    self.oversized_bytes += n as u64;
                    self.filled = before;
                }
            }
        }
    }

    /// The next chunk; `Ok(None)` at the end. After a read error, what was
    /// read before it is returned first, then the error.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        loop {
            let data = &self.carry[..self.filled];
            if data.len() >= self.target
                && let Some(i) = memchr(b'\n', &data[self.target - 1..])
            {
                return Ok(Some(self.take(self.target + i)));
            }
            let line_start = memrchr(b'\n', data).map_or(0, |i| i + 1);
            if data.len() - line_start > LINE_CAP {
                self.oversized += 1;
                self.oversized_bytes += (data.len() - line_start) as u64;
                self.filled = line_start;
                self.skipping = true;
                if line_start > 0 {
                    return Ok(Some(self.take(line_start)));
                }
                continue;
            }
            if self.eof {
                // A line cut off by the end of the input was skipped whole.
                self.skipping = false;
                if self.filled > 0 || self.oversized > 0 {
                    return Ok(Some(self.take(self.filled)));
                }
                return match self.error.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
            self.fill();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most `step` bytes per call, to prove cut
    /// points do not depend on read sizes.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn chunks(data: &[u8], target: usize, step: usize) -> (Vec<Vec<u8>>, u64) {
        let mut r = ChunkReader::new(Trickle(data, step), target, BufferPool::default());
        let (mut out, mut over) = (Vec::new(), 0);
        while let Some(c) = r.next_chunk().unwrap() {
            over += c.oversized;
            if !c.bytes().is_empty() {
                out.push(c.bytes().to_vec());
            }
        }
        (out, over)
    }

    #[test]
    fn cuts_after_target_at_newline() {
        let data = b"aa\nbbbb\ncc\nd";
        for step in [1, 3, 1000] {
            let (c, _) = chunks(data, 1, step);
            assert_eq!(c, vec![b"aa\n".to_vec(), b"bbbb\n".to_vec(), b"cc\n".to_vec(), b"d".to_vec()]);
            let (c, _) = chunks(data, 5, step);
            assert_eq!(c, vec![b"aa\nbbbb\n".to_vec(), b"cc\nd".to_vec()]);
        }
    }

    #[test]
    fn oversized_lines_are_skipped_and_counted() {
        let mut data = b"first\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', LINE_CAP + 10));
        data.extend_from_slice(b"\nafter\n");
        data.extend(std::iter::repeat_n(b'y', LINE_CAP + 1));
        for step in [4096, 1 << 20] {
            let (c, over) = chunks(&data, 1 << 16, step);
            assert_eq!(over, 2);
            assert_eq!(c.concat(), b"first\nafter\n".to_vec());
        }
    }

    #[test]
    fn error_after_data() {
        struct Fails(bool);
        impl Read for Fails {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "truncated"));
                }
                buf[..7].copy_from_slice(b"a\nb\npar");
                Ok(7)
            }
        }
        let mut r = ChunkReader::new(Fails(false), 1 << 20, BufferPool::default());
        assert_eq!(r.next_chunk().unwrap().unwrap().bytes(), b"a\nb\npar");
        assert_eq!(r.next_chunk().unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        assert!(r.next_chunk().unwrap().is_none());
    }
}
