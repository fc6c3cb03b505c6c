//! A rule pattern and a reply, both arbitrary: whenever the pattern
//! matches the reply, the literal prefilter lets its rule run (and neither
//! compiling the pattern nor deriving its needles panics).
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpstat::rules::prefilter_keeps_match;

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&c| c == 0) else { return };
    let Ok(pattern) = std::str::from_utf8(&data[..split]) else { return };
    let text = &data[split + 1..];
    assert_ne!(prefilter_keeps_match(pattern, text), Some(false), "{pattern:?} on {text:?}");
});
