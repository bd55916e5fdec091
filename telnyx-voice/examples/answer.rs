//! Answer an inbound call with `calls().actions().answer()`.
//!
//! Inbound calls must be answered (from your `call.initiated` webhook handler)
//! before any other command works on them. The optional `client_state` is an
//! opaque base64 string Telnyx echoes back in every later webhook of the call.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example answer -- <call_control_id> [client_state]
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (call_control_id, client_state) = match args.as_slice() {
        [id] => (id, None),
        [id, state] => (id, Some(state)),
        _ => {
            return support::usage(
                "cargo run --example answer -- <call_control_id> [client_state]",
            );
        }
    };
    support::finish(answer(call_control_id, client_state).await)
}

async fn answer(call_control_id: &str, client_state: Option<&String>) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let mut request = client.calls().actions().answer(call_control_id);
    if let Some(state) = client_state {
        request = request.client_state(state);
    }
    let response = request.await?;
    println!("result: {}", response.data.result.as_deref().unwrap_or("-"));
    if let Some(recording_id) = &response.data.recording_id {
        println!("recording_id: {recording_id}");
    }
    Ok(())
}
