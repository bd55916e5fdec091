//! The build-cost bench's app with the community `telnyx` crate: dials one call and verifies
//! one webhook, as `telnyx_voice.rs` does with telnyx-voice.
//!
//! `cargo xtask bench` copies this file into a scratch project of its own (it is not part of
//! the workspace), depending on `telnyx` at exactly the version the bench pins.
//!
//! Usage: `app CONNECTION_ID FROM TO WEBHOOK_BODY_FILE` with `TELNYX_API_KEY`,
//! `TELNYX_PUBLIC_KEY`, `WEBHOOK_SIGNATURE` and `WEBHOOK_TIMESTAMP` set.

use std::error::Error;

use telnyx::calls::DialParams;
use telnyx::webhooks::Verifier;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [connection_id, from, to, webhook_file] = args.as_slice() else {
        return Err("usage: app CONNECTION_ID FROM TO WEBHOOK_BODY_FILE".into());
    };

    let client = telnyx::Client::from_env()?;
    let call = client
        .calls()
        .dial(DialParams::new(
            to.as_str(),
            from.as_str(),
            connection_id.as_str(),
        ))
        .await?;
    println!(
        "dialing: call_control_id={}",
        call.call_control_id.as_deref().unwrap_or("?")
    );

    let body = std::fs::read(webhook_file)?;
    let verifier = Verifier::from_env()?;
    let event = verifier.unwrap(
        &std::env::var("WEBHOOK_SIGNATURE")?,
        &std::env::var("WEBHOOK_TIMESTAMP")?,
        &body,
    )?;
    println!("verified webhook: {:?} ({:?})", event.event_type, event.id);
    Ok(())
}
