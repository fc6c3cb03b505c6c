//! The syslog prefix parser on arbitrary bytes: never panics, and what it
//! returns is a slice of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpstat::formats::syslog;
use smtpstat::time::YearResolver;

fuzz_target!(|data: &[u8]| {
    if let Some(p) = syslog::parse(data, &YearResolver::fixed(2026)) {
        assert!(p.message.len() <= data.len());
        assert!(p.program.len() <= data.len());
    }
});
