//! Connect two live calls to each other with `calls().actions().bridge()`.
//!
//! Both calls must be answered; each side then receives a `call.bridged`
//! webhook.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example bridge -- <call_control_id> <other_call_control_id>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id, other] = args.as_slice() else {
        return support::usage(
            "cargo run --example bridge -- <call_control_id> <other_call_control_id>",
        );
    };
    support::finish(bridge(call_control_id, other).await)
}

async fn bridge(call_control_id: &str, other: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client
        .calls()
        .actions()
        .bridge(call_control_id, other)
        .await?;
    println!("result: {}", response.data.result.as_deref().unwrap_or("-"));
    Ok(())
}
