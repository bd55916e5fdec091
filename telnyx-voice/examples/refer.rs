//! Hand a SIP call over to another SIP endpoint with
//! `calls().actions().refer()` (a SIP REFER).
//!
//! Progress arrives as `call.refer.started`, `call.refer.completed` or
//! `call.refer.failed` webhooks.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example refer -- <call_control_id> <sip_address>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id, sip_address] = args.as_slice() else {
        return support::usage("cargo run --example refer -- <call_control_id> <sip_address>");
    };
    support::finish(refer(call_control_id, sip_address).await)
}

async fn refer(call_control_id: &str, sip_address: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client
        .calls()
        .actions()
        .refer(call_control_id, sip_address)
        .await?;
    println!("result: {}", response.data.result.as_deref().unwrap_or("-"));
    Ok(())
}
