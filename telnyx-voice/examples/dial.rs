//! Place an outbound call with `calls().dial()` and print its `call_control_id`.
//!
//! Telnyx answers right away with the identifiers of the new call leg; what
//! happens next (ringing, answer, hangup) arrives later as webhooks.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example dial -- <to> <from> <connection_id>
//! ```
//!
//! `to` and `from` are E.164 numbers (`+18005550100`) or SIP URIs;
//! `connection_id` is the id of your Call Control Application.

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [to, from, connection_id] = args.as_slice() else {
        return support::usage("cargo run --example dial -- <to> <from> <connection_id>");
    };
    support::finish(dial(to, from, connection_id).await)
}

async fn dial(to: &str, from: &str, connection_id: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client.calls().dial(connection_id, from, to).await?;
    println!("{}", response.data.call_control_id);
    Ok(())
}
