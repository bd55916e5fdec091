//! The build-cost bench's app with telnyx-voice: dials one call and verifies one webhook.
//!
//! `cargo xtask bench` copies this file into a scratch project of its own (it is not part of
//! the workspace) and times its builds beside `community_telnyx.rs`, which does the same with
//! the community `telnyx` crate.
//!
//! Usage: `app CONNECTION_ID FROM TO WEBHOOK_BODY_FILE` with `TELNYX_API_KEY`,
//! `TELNYX_PUBLIC_KEY`, `WEBHOOK_SIGNATURE` and `WEBHOOK_TIMESTAMP` set.

use std::error::Error;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [connection_id, from, to, webhook_file] = args.as_slice() else {
        return Err("usage: app CONNECTION_ID FROM TO WEBHOOK_BODY_FILE".into());
    };

    let client = telnyx_voice::Client::from_env()?;
    let call = client
        .calls()
        .dial(connection_id.as_str(), from.as_str(), to.as_str())
        .await?;
    println!("dialing: call_control_id={}", call.data.call_control_id);

    let body = std::fs::read(webhook_file)?;
    let headers = [
        (
            "telnyx-signature-ed25519",
            std::env::var("WEBHOOK_SIGNATURE")?,
        ),
        ("telnyx-timestamp", std::env::var("WEBHOOK_TIMESTAMP")?),
    ];
    let event = client.webhooks().unwrap(&body, &headers[..])?;
    println!(
        "verified webhook: {} (call {})",
        event.event_type(),
        event.call_control_id().unwrap_or("?")
    );
    Ok(())
}
