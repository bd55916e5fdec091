//! Send a SIP INFO message on a live call with
//! `calls().actions().send_sip_info()`.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example send_sip_info -- <call_control_id> <content_type> <body>
//! ```
//!
//! For example `application/json '{"key":"value"}'`.

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id, content_type, body] = args.as_slice() else {
        eprintln!(
            "usage: cargo run --example send_sip_info -- <call_control_id> <content_type> <body>"
        );
        return ExitCode::from(2);
    };
    match send_sip_info(call_control_id, content_type, body).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => report(&err),
    }
}

async fn send_sip_info(
    call_control_id: &str,
    content_type: &str,
    body: &str,
) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client
        .calls()
        .actions()
        .send_sip_info(call_control_id, body, content_type)
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
