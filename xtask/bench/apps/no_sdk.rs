//! The build-cost bench's floor: the app of `telnyx_voice.rs` and `community_telnyx.rs` with
//! no SDK, written against the crates both SDKs are built on (reqwest with rustls, serde_json,
//! ed25519-dalek, base64, tokio).
//!
//! It reads every JSON document as a `serde_json::Value`, so it pays for no typed model at all:
//! what an SDK adds to a build is the difference between its app and this one.
//!
//! Usage: `app CONNECTION_ID FROM TO WEBHOOK_BODY_FILE` with `TELNYX_API_KEY`,
//! `TELNYX_PUBLIC_KEY`, `WEBHOOK_SIGNATURE` and `WEBHOOK_TIMESTAMP` set.

use std::error::Error;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [connection_id, from, to, webhook_file] = args.as_slice() else {
        return Err("usage: app CONNECTION_ID FROM TO WEBHOOK_BODY_FILE".into());
    };

    let request = serde_json::json!({ "connection_id": connection_id, "from": from, "to": to });
    let response = reqwest::Client::new()
        .post("https://api.telnyx.com/v2/calls")
        .bearer_auth(std::env::var("TELNYX_API_KEY")?)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&request)?)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let call: serde_json::Value = serde_json::from_slice(&response)?;
    println!(
        "dialing: call_control_id={}",
        call["data"]["call_control_id"].as_str().unwrap_or("?")
    );

    let body = std::fs::read(webhook_file)?;
    let public_key: [u8; 32] = BASE64
        .decode(std::env::var("TELNYX_PUBLIC_KEY")?)?
        .as_slice()
        .try_into()?;
    let signature = BASE64.decode(std::env::var("WEBHOOK_SIGNATURE")?)?;
    let mut signed = std::env::var("WEBHOOK_TIMESTAMP")?.into_bytes();
    signed.push(b'|');
    signed.extend_from_slice(&body);
    ed25519_dalek::VerifyingKey::from_bytes(&public_key)?
        .verify_strict(&signed, &ed25519_dalek::Signature::from_slice(&signature)?)?;
    let event: serde_json::Value = serde_json::from_slice(&body)?;
    println!(
        "verified webhook: {} (call {})",
        event["data"]["event_type"].as_str().unwrap_or("?"),
        event["data"]["payload"]["call_control_id"]
            .as_str()
            .unwrap_or("?")
    );
    Ok(())
}
