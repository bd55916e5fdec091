//! Transfer a live call to another number or SIP URI with
//! `calls().actions().transfer()`.
//!
//! Telnyx dials `to` and, once it answers, connects it to the call; the
//! outcome is reported through the call's webhooks.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example transfer -- <call_control_id> <to>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id, to] = args.as_slice() else {
        return support::usage("cargo run --example transfer -- <call_control_id> <to>");
    };
    support::finish(transfer(call_control_id, to).await)
}

async fn transfer(call_control_id: &str, to: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client
        .calls()
        .actions()
        .transfer(call_control_id, to)
        .timeout_secs(30)
        .await?;
    println!("result: {}", response.data.result.as_deref().unwrap_or("-"));
    Ok(())
}
