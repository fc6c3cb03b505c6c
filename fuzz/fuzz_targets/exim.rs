//! Exim's native prefix and message parser on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpstat::formats::{Parsed, exim};

fuzz_target!(|data: &[u8]| {
    let msg = match exim::native_prefix(data) {
        Some((_, _, rest)) => rest,
        None => data,
    };
    if let Parsed::Event(ev) = exim::parse(msg) {
        assert!(ev.text.len() <= data.len());
    }
    let _ = exim::is_rejectlog_continuation(data);
});
