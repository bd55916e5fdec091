//! Decline an inbound call with `calls().actions().reject()`.
//!
//! `cause` is `CALL_REJECTED` or `USER_BUSY` (the default here); it decides
//! what the caller hears.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example reject -- <call_control_id> [CALL_REJECTED|USER_BUSY]
//! ```

mod support;

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
            return support::usage(
                "cargo run --example reject -- <call_control_id> [CALL_REJECTED|USER_BUSY]",
            );
        }
    };
    support::finish(reject(call_control_id, cause).await)
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
