//! The quickstart, offline against the simulator: `cargo run --example quickstart`. A `CallRouter`
//! verifies webhooks, drops redeliveries and calls typed handlers. The app dials a customer, greets
//! them and hangs up; a caller rings in, presses 1 and is transferred to an agent; the app hangs up.
//! `support/story.rs` checks the story; `quickstart_low_level.rs` tells it with the low-level API.

#[path = "support/story.rs"]
mod story;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use telnyx_voice::callflow::router::{CallRouter, HandlerResult};
use telnyx_voice::models::CallInitiatedPayloadDirection as Direction;
use telnyx_voice::models::{CallAnswered, CallBridged, CallGatherEnded, CallHangup, CallInitiated};
use telnyx_voice::models::{CallSpeakEnded, CallSpeakStarted};
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator};
use telnyx_voice::CallHandle;

use story::{AGENT, CALLER, CONNECTION_ID, CUSTOMER, OUR_NUMBER, VOICE};

/// Which part of the story a call plays: its `client_state`, echoed on each of its events.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Leg {
    Outbound,
    Inbound,
    Agent,
}

fn step(leg: Leg, what: &str) {
    story::step(&format!("{leg:?}: {what}").to_lowercase());
}

async fn initiated(event: CallInitiated, call: CallHandle, _: Option<Leg>) -> HandlerResult {
    if event.direction() == Some(&Direction::Incoming) {
        step(Leg::Inbound, "ringing");
        call.answer().client_state_json(&Leg::Inbound)?.await?;
    }
    Ok(())
}

async fn answered(_: CallAnswered, call: CallHandle, leg: Leg) -> HandlerResult {
    match leg {
        Leg::Outbound => {
            call.speak("Hello from the telnyx-voice quickstart.", VOICE)
                .await?
        }
        Leg::Inbound => {
            let menu = call.gather_using_speak("Press 1 to talk to an agent.", VOICE);
            menu.maximum_digits(1).await?
        }
        Leg::Agent => return Ok(()),
    };
    step(leg, "answered");
    Ok(())
}

async fn speak_started(_: CallSpeakStarted, _: CallHandle, leg: Leg) -> HandlerResult {
    if leg == Leg::Outbound {
        step(leg, "greeting started");
    }
    Ok(())
}

async fn speak_ended(_: CallSpeakEnded, call: CallHandle, leg: Leg) -> HandlerResult {
    if leg == Leg::Outbound {
        step(leg, "greeting finished");
        call.hangup().await?;
    }
    Ok(())
}

async fn gathered(event: CallGatherEnded, call: CallHandle, leg: Leg) -> HandlerResult {
    if event.payload.and_then(|p| p.digits).as_deref() == Some("1") {
        step(leg, "pressed 1");
        let transfer = call.transfer(AGENT);
        transfer.target_leg_client_state_json(&Leg::Agent)?.await?;
        step(leg, "transferred");
    }
    Ok(())
}

async fn bridged(_: CallBridged, _: CallHandle, leg: Leg) -> HandlerResult {
    step(leg, "bridged");
    Ok(())
}

async fn hung_up(_: CallHangup, _: CallHandle, leg: Leg) -> HandlerResult {
    step(leg, "hung up");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let webhook_url = format!("http://{}/webhooks", listener.local_addr()?);
    let pick_up = || FarEnd::answer_after(Duration::from_millis(50));
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONNECTION_ID, webhook_url)
            .far_end(CUSTOMER, pick_up())
            .far_end(CALLER, FarEnd::default().press("1"))
            .far_end(AGENT, pick_up()),
    )
    .await?;
    println!("simulator: {}\npage: {}", sim.base_url(), sim.page_url());
    let client = sim.client()?; // configured as for production, pointed at the simulator
    let router = CallRouter::new(client.clone())
        .on(initiated)
        .on(answered)
        .on(speak_started)
        .on(speak_ended)
        .on(gathered)
        .on(bridged)
        .on(hung_up)
        .on_error(|err| story::error(err));
    let app = router.into_axum("/webhooks");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    story::pause(
        &sim,
        "open {page} to watch the call flow; press Enter to start",
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs(8);

    // Part 1: an outbound call. Part 2: an inbound call, handled by the router.
    let dial = client.calls().dial(CONNECTION_ID, OUR_NUMBER, CUSTOMER);
    let call = dial.client_state_json(&Leg::Outbound)?.await?;
    println!("app: dialed {CUSTOMER}, call {}", call.data.call_control_id);
    story::wait_for(&["outbound: hung up"], deadline).await;
    let inbound = client.call(sim.inbound_call(CALLER, OUR_NUMBER, CONNECTION_ID).await);
    story::wait_for(&["inbound: bridged", "agent: bridged"], deadline).await;
    let alive = inbound.retrieve_status().await?.data.is_alive;
    println!("app: inbound call alive: {alive}");
    if story::happened(&["inbound: bridged"]) {
        inbound.hangup().await?;
    }
    story::wait_for(&["inbound: hung up", "agent: hung up"], deadline).await;

    story::settle(&sim).await;
    story::pause(
        &sim,
        "the simulator's page stays at {page}; press Enter to stop",
    )
    .await?;
    sim.shutdown().await;
    server.abort();
    Ok(story::verdict(started))
}
