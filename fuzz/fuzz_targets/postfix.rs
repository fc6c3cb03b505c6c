//! The Postfix message parser on arbitrary bytes, with and without a
//! Postfix syslog tag.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpstat::formats::{Parsed, postfix};

fuzz_target!(|data: &[u8]| {
    for tagged in [true, false] {
        if let Parsed::Event(ev) = postfix::parse(data, tagged) {
            assert!(ev.text.len() <= data.len());
            assert!(ev.domain.len() <= data.len());
        }
    }
});
