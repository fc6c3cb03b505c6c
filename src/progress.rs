//! A progress bar on stderr for long runs: bytes read, speed, time left.
//! Shown only when stderr is a terminal and the input is large (or when
//! asked for), never in pipes or cron mail.

use std::io::{self, IsTerminal, Read};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs smaller than this finish too fast for a bar to help.
const LARGE: u64 = 64 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Auto,
    Never,
    Always,
}

/// A handle the reader reports bytes to; does nothing when hidden.
#[derive(Clone, Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// `total`: the bytes the inputs hold on disk, when known.
    pub fn new(when: When, total: Option<u64>) -> Progress {
        let show = match when {
            When::Never => false,
            When::Always => true,
            When::Auto => io::stderr().is_terminal() && total.is_none_or(|t| t >= LARGE),
        };
        if !show {
            return Progress::hidden();
        }
        let bar = match total {
            Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr_with_hz(4)).with_style(
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}")
                    .expect("valid template"),
            ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4)).with_style(
                ProgressStyle::with_template("{spinner} {bytes} read, {binary_bytes_per_sec}").expect("valid template"),
            ),
        };
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress { bar: Some(bar) }
    }

    pub fn add(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    /// Wraps a reader so every byte read is reported.
    pub fn wrap<R: Read>(&self, inner: R) -> Counted<R> {
        Counted { inner, progress: self.clone() }
    }
}

pub struct Counted<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}
