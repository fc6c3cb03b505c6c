use std::process::ExitCode;

use clap::Parser;
use smtpstat::cli::Cli;
use smtpstat::exit::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match smtpstat::app::run(cli) {
        Ok(exit) => exit.into(),
        Err(e) => {
            eprintln!("smtpstat: {}", smtpstat::sanitize::for_terminal(&format!("{e:#}")));
            Exit::Error.into()
        }
    }
}
