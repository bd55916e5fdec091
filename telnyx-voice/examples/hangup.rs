//! Hang up a live call with `calls().actions().hangup()`.
//!
//! A `call.hangup` webhook follows once the call is torn down.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example hangup -- <call_control_id>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id] = args.as_slice() else {
        return support::usage("cargo run --example hangup -- <call_control_id>");
    };
    support::finish(hangup(call_control_id).await)
}

async fn hangup(call_control_id: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client.calls().actions().hangup(call_control_id).await?;
    println!("result: {}", response.data.result.as_deref().unwrap_or("-"));
    Ok(())
}
