//! The single integration-test binary: runs `smtpstat` on fixtures, checks
//! the counting contract against the shared truth files when they are
//! present, and property-tests the parsers and the parallel scan.

mod util;

mod cli;
mod hostile;
mod inputs;
mod props;
mod readme;
mod truth;
