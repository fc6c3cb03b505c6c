use std::process::ExitCode;

use clap::Parser;
use smtpstat::cli::Cli;
use smtpstat::exit::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C: stop at once, without leaving a temporary report behind.
    let _ = ctrlc::set_handler(|| {
        smtpstat::output::remove_pending();
        eprintln!("smtpstat: interrupted");
        std::process::exit(130);
    });
    match smtpstat::app::run(cli) {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("smtpstat: {}", smtpstat::sanitize::for_terminal(&format!("{e:#}")));
            Exit::Error.into()
        }
    }
}
