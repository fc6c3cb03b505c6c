//! The Sendmail message parser on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpstat::formats::{Parsed, sendmail};

fuzz_target!(|data: &[u8]| {
    if let Parsed::Event(ev) = sendmail::parse(data) {
        assert!(ev.text.len() <= data.len());
    }
});
