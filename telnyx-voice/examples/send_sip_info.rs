//! Send a SIP INFO message on a live call with
//! `calls().actions().send_sip_info()`.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example send_sip_info -- <call_control_id> <content_type> <body>
//! ```
//!
//! For example `application/json '{"key":"value"}'`.

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id, content_type, body] = args.as_slice() else {
        return support::usage(
            "cargo run --example send_sip_info -- <call_control_id> <content_type> <body>",
        );
    };
    support::finish(send_sip_info(call_control_id, content_type, body).await)
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
