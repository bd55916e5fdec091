//! The quickstart app, offline against the simulator: `cargo run --example quickstart`.
//!
//! A `CallRouter` verifies each webhook, drops redeliveries and calls a typed handler with the
//! event, its call and its state. The app dials a customer, greets them and hangs up; then a caller
//! rings in, presses 1 and is transferred to an agent; once both are bridged the app hangs up. It
//! exits with a failure naming the missing steps if any did not happen in time.
//! `quickstart_low_level.rs` is the same app on the low-level API.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use telnyx_voice::callflow::router::{CallRouter, HandlerResult};
use telnyx_voice::models::CallInitiatedPayloadDirection as Direction;
use telnyx_voice::models::{CallAnswered, CallBridged, CallGatherEnded, CallHangup, CallInitiated};
use telnyx_voice::models::{CallSpeakEnded, CallSpeakStarted};
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator};
use telnyx_voice::CallHandle;

const CONNECTION_ID: &str = "quickstart-connection";
const OUR_NUMBER: &str = "+15550001000";
const CUSTOMER: &str = "+15550001001";
const CALLER: &str = "+15550001002";
const AGENT: &str = "+15550001003";
const VOICE: &str = "female";
const GREETING: &str = "Hello from the telnyx-voice quickstart.";
const MENU: &str = "Press 1 to talk to an agent.";

/// What the app has seen and done, by name.
const EXPECTED: &str = "outbound: answered; outbound: greeting started; outbound: greeting finished; \
    outbound: hung up; inbound: ringing; inbound: answered; inbound: pressed 1; inbound: transferred; \
    inbound: bridged; agent: bridged; inbound: hung up; agent: hung up";

/// Which part of the story a call plays: its `client_state`, echoed on each of its events.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Leg {
    Outbound,
    Inbound,
    Agent,
}

/// Steps taken, and errors the router reported (as `(error) ..`).
static STEPS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn steps() -> MutexGuard<'static, BTreeSet<String>> {
    STEPS.lock().unwrap_or_else(|e| e.into_inner())
}

fn step(name: String) {
    println!("app: {name}");
    steps().insert(name);
}

async fn initiated(event: CallInitiated, call: CallHandle, _: Option<Leg>) -> HandlerResult {
    if event.direction() == Some(&Direction::Incoming) {
        step("inbound: ringing".into());
        call.answer().client_state_json(&Leg::Inbound)?.await?;
    }
    Ok(())
}

async fn answered(_: CallAnswered, call: CallHandle, leg: Leg) -> HandlerResult {
    if leg != Leg::Agent {
        step(format!("{leg:?}: answered").to_lowercase());
    }
    match leg {
        Leg::Outbound => call.speak(GREETING, VOICE).await?,
        Leg::Inbound => {
            call.gather_using_speak(MENU, VOICE)
                .maximum_digits(1)
                .await?
        }
        Leg::Agent => return Ok(()),
    };
    Ok(())
}

async fn speak_started(_: CallSpeakStarted, _: CallHandle, leg: Leg) -> HandlerResult {
    if leg == Leg::Outbound {
        step("outbound: greeting started".into());
    }
    Ok(())
}

async fn speak_ended(_: CallSpeakEnded, call: CallHandle, leg: Leg) -> HandlerResult {
    if leg == Leg::Outbound {
        step("outbound: greeting finished".into());
        call.hangup().await?;
    }
    Ok(())
}

async fn gathered(event: CallGatherEnded, call: CallHandle, _: Leg) -> HandlerResult {
    if event.payload.and_then(|p| p.digits).as_deref() == Some("1") {
        step("inbound: pressed 1".into());
        call.transfer(AGENT)
            .target_leg_client_state_json(&Leg::Agent)?
            .await?;
        step("inbound: transferred".into());
    }
    Ok(())
}

async fn bridged(_: CallBridged, _: CallHandle, leg: Leg) -> HandlerResult {
    step(format!("{leg:?}: bridged").to_lowercase());
    Ok(())
}

async fn hung_up(_: CallHangup, _: CallHandle, leg: Leg) -> HandlerResult {
    step(format!("{leg:?}: hung up").to_lowercase());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // `--watch`: wait for Enter before and after the story, to follow it on the simulator's page.
    let watch = std::env::args().nth(1).as_deref() == Some("--watch");
    let started = Instant::now();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let webhook_url = format!("http://{}/webhooks", listener.local_addr()?);
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONNECTION_ID, webhook_url)
            .far_end(CUSTOMER, FarEnd::answer_after(Duration::from_millis(50)))
            .far_end(CALLER, FarEnd::default().press("1"))
            .far_end(AGENT, FarEnd::answer_after(Duration::from_millis(50))),
    )
    .await?;
    println!("simulator: {}", sim.base_url());
    println!("page: {}", sim.page_url());
    let client = sim.client()?; // configured as for production, pointed at the simulator
    let router = CallRouter::new(client.clone())
        .on(initiated)
        .on(answered)
        .on(speak_started)
        .on(speak_ended)
        .on(gathered)
        .on(bridged)
        .on(hung_up)
        .on_error(|err| {
            eprintln!("app error: {err}");
            steps().insert(format!("(error) {err}"));
        });
    let app = router.into_axum("/webhooks");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    if watch {
        println!(
            "open {} to watch the call flow; press Enter to start",
            sim.page_url()
        );
        wait_for_enter().await?;
    }
    let deadline = Instant::now() + Duration::from_secs(8);
    let wait_until = |want: &'static [&'static str]| async move {
        while Instant::now() < deadline && !want.iter().all(|s| steps().contains(*s)) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };

    // Part 1: an outbound call. Part 2: an inbound call, handled by the router.
    let dial = client.calls().dial(CONNECTION_ID, OUR_NUMBER, CUSTOMER);
    let call = dial.client_state_json(&Leg::Outbound)?.await?;
    println!("app: dialed {CUSTOMER}, call {}", call.data.call_control_id);
    wait_until(&["outbound: hung up"]).await;
    let inbound = client.call(sim.inbound_call(CALLER, OUR_NUMBER, CONNECTION_ID).await);
    wait_until(&["inbound: bridged", "agent: bridged"]).await;
    let alive = inbound.retrieve_status().await?.data.is_alive;
    println!("app: inbound call alive: {alive}");
    if steps().contains("inbound: bridged") {
        inbound.hangup().await?;
    }
    wait_until(&["inbound: hung up", "agent: hung up"]).await;

    // Let the last deliveries settle before printing.
    let _ = sim
        .wait_for(|t| t.events().all(|e| e.delivery.is_final()))
        .await;
    println!("\n--- simulator timeline ---\n{}", sim.timeline());
    if watch {
        println!(
            "the simulator's page stays at {}; press Enter to stop",
            sim.page_url()
        );
        wait_for_enter().await?;
    }
    sim.shutdown().await;
    server.abort();
    let steps = steps();
    let errors = steps.iter().filter(|s| s.starts_with("(error)")).cloned();
    let missing: Vec<String> = EXPECTED
        .split("; ")
        .filter(|s| !steps.contains(*s))
        .map(String::from)
        .chain(errors)
        .collect();
    let (ms, missing) = (started.elapsed().as_millis(), missing.join(", "));
    if missing.is_empty() {
        println!("quickstart: every step happened in {ms} ms");
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("quickstart: these steps did not happen: {missing}");
    Ok(ExitCode::FAILURE)
}

/// Waits for a line on standard input (or its end).
async fn wait_for_enter() -> std::io::Result<()> {
    tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new()).map(drop))
        .await
        .map_err(std::io::Error::other)?
}
