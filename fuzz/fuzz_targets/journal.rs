//! Journal entries from arbitrary bytes: never panics, and an entry read
//! becomes a line the syslog prefix parser reads, message last.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpstat::formats::{journal, syslog};
use smtpstat::time::YearResolver;

fuzz_target!(|data: &[u8]| {
    let mut line = Vec::new();
    if journal::to_syslog(data, &mut line) {
        let p = syslog::parse(&line, &YearResolver::fixed(2026));
        // A stamp too large for a date leaves the line unread, nothing worse.
        if let Some(p) = p {
            assert!(line.ends_with(p.message));
        }
    }
});
