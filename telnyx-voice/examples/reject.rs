//! Decline an inbound call with `calls().actions().reject()`.
//!
//! `cause` is `CALL_REJECTED` or `USER_BUSY` (the default here); it decides
//! what the caller hears.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example reject -- <call_control_id> [CALL_REJECTED|USER_BUSY]
//! ```

use std::process::ExitCode;

use telnyx_voice::models::RejectRequestCause;
use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (call_control_id, cause) = match args.as_slice() {
        [id] => (id, RejectRequestCause::UserBusy),
        [id, cause] => (id, RejectRequestCause::from(cause.as_str())),
        _ => {
            eprintln!(
                "usage: cargo run --example reject -- <call_control_id> [CALL_REJECTED|USER_BUSY]"
            );
            return ExitCode::from(2);
        }
    };
    match reject(call_control_id, cause).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => report(&err),
    }
}

async fn reject(call_control_id: &str, cause: RejectRequestCause) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client
        .calls()
        .actions()
        .reject(call_control_id, cause)
        .await?;
    println!("result: {}", response.data.result.as_deref().unwrap_or("-"));
    Ok(())
}

/// Prints the HTTP status and each Telnyx error detail to stderr.
fn report(err: &telnyx_voice::Error) -> ExitCode {
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
