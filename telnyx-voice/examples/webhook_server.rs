//! Receive Telnyx webhooks with axum, accepting only deliveries whose
//! Ed25519 signature and timestamp check out.
//!
//! The [`VerifiedWebhook`] extractor reads the raw body, verifies it with the
//! [`WebhookVerifier`] kept in the router state, and decodes it into a typed
//! [`WebhookEvent`]; anything that fails verification is answered with
//! `400 Bad Request` before the handler runs.
//!
//! ```text
//! TELNYX_PUBLIC_KEY=... PORT=8080 cargo run --example webhook_server --features axum
//! ```
//!
//! Each verified event prints one line, `event <event_type> <call_control_id>`
//! (`-` when the event has no call). In a real application this is where you
//! would send the next command, e.g. `client.calls().actions().answer(id)` on
//! `call.initiated`.

use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use std::io::Write;
use telnyx_voice::webhooks::axum::VerifiedWebhook;
use telnyx_voice::webhooks::{verifier_from_env, WebhookVerifier};
use telnyx_voice::WebhookEvent;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Fails early when TELNYX_PUBLIC_KEY is missing or not a valid key.
    let verifier: WebhookVerifier = verifier_from_env()?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse()?,
        Err(_) => 8080,
    };

    let app = Router::new()
        .route("/webhooks", post(on_event))
        .with_state(verifier);

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}/webhooks", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn on_event(VerifiedWebhook(event): VerifiedWebhook<WebhookEvent>) -> StatusCode {
    let call_control_id = event.call_control_id().unwrap_or("-");
    let mut out = std::io::stdout().lock();
    // A failed write must not make Telnyx redeliver the event.
    let _ = writeln!(out, "event {} {call_control_id}", event.event_type());
    let _ = out.flush();
    StatusCode::OK
}
