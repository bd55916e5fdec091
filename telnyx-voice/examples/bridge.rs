//! Connect two live calls to each other with `calls().actions().bridge()`.
//!
//! Both calls must be answered; each side then receives a `call.bridged`
//! webhook.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example bridge -- <call_control_id> <other_call_control_id>
//! ```

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id, other] = args.as_slice() else {
        eprintln!("usage: cargo run --example bridge -- <call_control_id> <other_call_control_id>");
        return ExitCode::from(2);
    };
    match bridge(call_control_id, other).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => report(&err),
    }
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
