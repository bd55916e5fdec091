//! What every example does the same way: a usage line, and how a call's result ends the process.

use std::process::ExitCode;

/// Prints the usage line and returns exit status 2 (wrong arguments).
pub fn usage(text: &str) -> ExitCode {
    eprintln!("usage: {text}");
    ExitCode::from(2)
}

/// Exit status 0 on success; on failure, the HTTP status and each Telnyx error detail on stderr
/// and exit status 1.
pub fn finish(result: telnyx_voice::Result<()>) -> ExitCode {
    let Err(err) = result else {
        return ExitCode::SUCCESS;
    };
    match err.api_error() {
        Some(api) => {
            eprintln!("Telnyx API error: HTTP {}", api.status);
            for detail in &api.errors {
                eprintln!("  {detail}");
            }
        }
        None => eprintln!("error: {err}"),
    }
    ExitCode::FAILURE
}
