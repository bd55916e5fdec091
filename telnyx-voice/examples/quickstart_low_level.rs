//! The quickstart app written with the low-level API (no router, no handles), run against the
//! offline simulator: `cargo run --example quickstart_low_level`. `quickstart.rs` is the same app
//! with the call-flow layer.
//!
//! ```text
//! cargo run --example quickstart_low_level
//! ```
//!
//! Nothing leaves the machine: the simulator plays the Telnyx API on a
//! loopback port, and the app below receives its signed webhooks on another.
//! The app is written exactly as it would be for the real service: the SDK
//! client sends commands, and an axum handler verifies each webhook with
//! `client.webhooks().unwrap(..)` before acting on it.
//!
//! The story:
//!
//! 1. The app dials a customer. On `call.answered` it speaks a greeting, and
//!    on `call.speak.ended` it hangs up.
//! 2. A caller rings in. The app answers, asks for a key with
//!    `gather_using_speak`, and the scripted caller presses `1`.
//! 3. On `call.gather.ended` with digit `1` the app transfers the caller to an
//!    agent; once both sides report `call.bridged` the app hangs up.
//!
//! At the end the simulator's timeline is printed. The process exits with a
//! failure status, naming the missing steps, if anything expected did not
//! happen within the time limit.

#[path = "support/story.rs"]
mod story;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator};
use telnyx_voice::{Client, WebhookEvent};

use story::{AGENT, CALLER, CONNECTION_ID, CUSTOMER, OUR_NUMBER, VOICE};

struct App {
    client: Client,
}

/// Telnyx carries `client_state` as base64; the app uses it to tell its calls apart.
fn tag(label: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(label)
}

fn label(client_state: Option<&String>) -> String {
    client_state
        .and_then(|state| base64::engine::general_purpose::STANDARD.decode(state).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| "untagged".to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    if let Err(err) = run().await {
        eprintln!("quickstart failed: {err}");
        return ExitCode::FAILURE;
    }
    story::verdict(started)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The app's webhook endpoint, on any free loopback port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let webhook_url = format!("http://{}/webhooks", listener.local_addr()?);

    // The simulated Telnyx, sending this connection's webhooks to the app.
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONNECTION_ID, &webhook_url)
            .far_end(CUSTOMER, FarEnd::answer_after(Duration::from_millis(50)))
            .far_end(CALLER, FarEnd::default().press("1"))
            .far_end(AGENT, FarEnd::answer_after(Duration::from_millis(50))),
    )
    .await?;
    println!(
        "simulator: {} (public key {})",
        sim.base_url(),
        sim.public_key_base64()
    );

    // The SDK client, configured as for production but pointed at the simulator.
    let client = Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .public_key(sim.public_key_base64())
        .build()?;
    let app = Arc::new(App {
        client: client.clone(),
    });
    let router = Router::new()
        .route("/webhooks", post(on_webhook))
        .with_state(Arc::clone(&app));
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let deadline = Instant::now() + Duration::from_secs(8);

    // Part 1: an outbound call.
    let call = client
        .calls()
        .dial(CONNECTION_ID, OUR_NUMBER, CUSTOMER)
        .client_state(tag("outbound"))
        .await?;
    println!("app: dialed {CUSTOMER}, call {}", call.data.call_control_id);
    story::wait_for(&["outbound: hung up"], deadline).await;

    // Part 2: an inbound call, answered, gathered and transferred by the webhook handler.
    let inbound = sim.inbound_call(CALLER, OUR_NUMBER, CONNECTION_ID).await;
    story::wait_for(&["inbound: bridged", "agent: bridged"], deadline).await;
    let status = client.calls().retrieve_status(&inbound).await?;
    println!("app: inbound call alive: {}", status.data.is_alive);
    if story::happened(&["inbound: bridged"]) {
        client.calls().actions().hangup(&inbound).await?;
    }
    story::wait_for(&["inbound: hung up", "agent: hung up"], deadline).await;

    story::settle(&sim).await;
    sim.shutdown().await;
    server.abort();
    Ok(())
}

/// Verifies the delivery with the SDK, then reacts to the event.
async fn on_webhook(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let event = match app.client.webhooks().unwrap(&body, &headers) {
        Ok(event) => event,
        Err(err) => {
            story::error(format!("webhook rejected: {err}"));
            return StatusCode::BAD_REQUEST;
        }
    };
    if let Err(err) = react(&app, event).await {
        story::error(err.to_string());
    }
    StatusCode::OK
}

async fn react(app: &App, event: WebhookEvent) -> telnyx_voice::Result<()> {
    let actions = app.client.calls().actions();
    match event {
        WebhookEvent::CallInitiated(event) => {
            let payload = event.payload.unwrap_or_default();
            let incoming = payload
                .direction
                .as_ref()
                .is_some_and(|direction| direction.as_str() == "incoming");
            if incoming {
                story::step("inbound: ringing");
                let id = payload.call_control_id.unwrap_or_default();
                actions.answer(id).client_state(tag("inbound")).await?;
            }
        }
        WebhookEvent::CallAnswered(event) => {
            let payload = event.payload.unwrap_or_default();
            let id = payload.call_control_id.clone().unwrap_or_default();
            match label(payload.client_state.as_ref()).as_str() {
                "outbound" => {
                    story::step("outbound: answered");
                    actions
                        .speak(id, "Hello from the telnyx-voice quickstart.", VOICE)
                        .await?;
                }
                "inbound" => {
                    story::step("inbound: answered");
                    actions
                        .gather_using_speak(id, "Press 1 to talk to an agent.", VOICE)
                        .maximum_digits(1)
                        .await?;
                }
                _ => {}
            }
        }
        WebhookEvent::CallSpeakStarted(event) => {
            let payload = event.payload.unwrap_or_default();
            if label(payload.client_state.as_ref()) == "outbound" {
                story::step("outbound: greeting started");
            }
        }
        WebhookEvent::CallSpeakEnded(event) => {
            let payload = event.payload.unwrap_or_default();
            if label(payload.client_state.as_ref()) == "outbound" {
                story::step("outbound: greeting finished");
                actions
                    .hangup(payload.call_control_id.unwrap_or_default())
                    .await?;
            }
        }
        WebhookEvent::CallGatherEnded(event) => {
            let payload = event.payload.unwrap_or_default();
            if payload.digits.as_deref() == Some("1") {
                story::step("inbound: pressed 1");
                actions
                    .transfer(payload.call_control_id.unwrap_or_default(), AGENT)
                    .target_leg_client_state(tag("agent"))
                    .await?;
                story::step("inbound: transferred");
            }
        }
        WebhookEvent::CallBridged(event) => {
            let payload = event.payload.unwrap_or_default();
            story::step(&format!(
                "{}: bridged",
                label(payload.client_state.as_ref())
            ));
        }
        WebhookEvent::CallHangup(event) => {
            let payload = event.payload.unwrap_or_default();
            story::step(&format!(
                "{}: hung up",
                label(payload.client_state.as_ref())
            ));
        }
        _ => {}
    }
    Ok(())
}
