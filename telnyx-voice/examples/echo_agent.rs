//! A voice-agent skeleton that echoes the caller, run against the offline simulator.
//!
//! ```text
//! cargo run --example echo_agent
//! ```
//!
//! 1. A caller rings in. On `call.initiated` the app answers with a bidirectional media stream
//!    (`stream_url` pointing at its own WebSocket route, RTP PCMU).
//! 2. The simulator connects to that route like Telnyx would. The app's `MediaStream` gets the
//!    `start` frame, then 20 ms of the caller's audio every 20 ms, and sends each chunk straight
//!    back; every half second it also sends a mark, which comes back when "played".
//! 3. The caller talks for a second, then presses `#`: the app hangs up, and the stream stops.
//!
//! At the end the app's log and the simulator's timeline are printed; the process fails, naming
//! the missing steps, if something expected did not happen within the time limit.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use telnyx_voice::media::{MediaEvent, MediaStream, MediaStreamConfig, MediaStreamUpgrade};
use telnyx_voice::models::{StreamBidirectionalCodec, StreamBidirectionalMode};
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator, StreamAudio};
use telnyx_voice::{Client, WebhookEvent};

const CONNECTION_ID: &str = "echo-agent-connection";
const OUR_NUMBER: &str = "+15550002000";
const CALLER: &str = "+15550002001";

const EXPECTED: &[&str] = &[
    "ringing",
    "answered",
    "streaming.started",
    "stream start",
    "first audio echoed",
    "mark returned",
    "pressed #",
    "hung up",
    "stream stop",
    "streaming.stopped",
];

struct App {
    client: Client,
    stream_url: String,
    started: Instant,
    steps: Mutex<BTreeSet<String>>,
    errors: Mutex<Vec<String>>,
}

impl App {
    fn step(&self, name: &str) {
        println!("{:>6} ms  app: {name}", self.started.elapsed().as_millis());
        lock(&self.steps).insert(name.to_string());
    }

    fn has(&self, name: &str) -> bool {
        lock(&self.steps).contains(name)
    }

    fn error(&self, what: String) {
        eprintln!("app error: {what}");
        lock(&self.errors).push(what);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(missing) if missing.is_empty() => {
            println!("echo_agent: every step happened");
            ExitCode::SUCCESS
        }
        Ok(missing) => {
            eprintln!(
                "echo_agent: these steps did not happen: {}",
                missing.join(", ")
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("echo_agent failed: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONNECTION_ID, format!("http://{addr}/webhooks"))
            .far_end(
                CALLER,
                FarEnd::default()
                    .talk(StreamAudio::tone(440), Duration::from_secs(1))
                    .press("#"),
            ),
    )
    .await?;
    let client = Client::builder()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .public_key(sim.public_key_base64())
        .build()?;
    let app = Arc::new(App {
        client,
        stream_url: format!("ws://{addr}/stream"),
        started: Instant::now(),
        steps: Mutex::new(BTreeSet::new()),
        errors: Mutex::new(Vec::new()),
    });
    let router = Router::new()
        .route("/webhooks", post(on_webhook))
        .route("/stream", get(on_stream))
        .with_state(Arc::clone(&app));
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let call = sim.inbound_call(CALLER, OUR_NUMBER, CONNECTION_ID).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !EXPECTED.iter().all(|step| app.has(step)) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = sim
        .wait_for(|timeline| timeline.events().all(|event| event.delivery.is_final()))
        .await;
    println!("\n--- simulator timeline ---\n{}", sim.timeline());
    let mut missing: Vec<String> = EXPECTED
        .iter()
        .filter(|step| !app.has(step))
        .map(|step| step.to_string())
        .collect();
    match sim.stream_report(&call) {
        Some(report) => {
            println!("stream report: {report:?}");
            // The caller talked for a second; the app must have echoed about as much.
            if report.app_audio < Duration::from_millis(900) {
                missing.push(format!("echo of 1 s (got {:?})", report.app_audio));
            }
        }
        None => missing.push("a stream on the call".into()),
    }
    missing.extend(lock(&app.errors).iter().map(|err| format!("(error) {err}")));
    sim.shutdown().await;
    server.abort();
    Ok(missing)
}

async fn on_webhook(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let event = match app.client.webhooks().unwrap(&body, &headers) {
        Ok(event) => event,
        Err(err) => {
            app.error(format!("webhook rejected: {err}"));
            return StatusCode::BAD_REQUEST;
        }
    };
    match event {
        WebhookEvent::CallInitiated(event) => {
            app.step("ringing");
            let id = event
                .payload
                .and_then(|p| p.call_control_id)
                .unwrap_or_default();
            let answered = app
                .client
                .calls()
                .actions()
                .answer(id)
                .stream_url(app.stream_url.clone())
                .stream_track("inbound_track")
                .stream_bidirectional_mode(StreamBidirectionalMode::Rtp)
                .stream_bidirectional_codec(StreamBidirectionalCodec::Pcmu)
                .await;
            if let Err(err) = answered {
                app.error(format!("answer failed: {err}"));
            }
        }
        WebhookEvent::CallAnswered(_) => app.step("answered"),
        WebhookEvent::CallHangup(_) => app.step("hung up"),
        other if other.event_type().starts_with("streaming.") => app.step(other.event_type()),
        _ => {}
    }
    StatusCode::OK
}

async fn on_stream(State(app): State<Arc<App>>, upgrade: MediaStreamUpgrade) -> Response {
    upgrade.on_stream(MediaStreamConfig::default(), move |stream| {
        echo(app, stream)
    })
}

/// Echoes every audio chunk, marks each half second of echoed audio, hangs up on `#`.
async fn echo(app: Arc<App>, mut stream: MediaStream) {
    app.step("stream start");
    let call = stream
        .start
        .start
        .call_control_id
        .clone()
        .unwrap_or_default();
    let mut echoed = 0u64;
    while let Some(event) = stream.events.next().await {
        match event {
            Ok(MediaEvent::Audio(chunk)) => {
                if let Err(err) = stream.sender.send_audio(&chunk.audio).await {
                    app.error(format!("echo failed: {err}"));
                    continue;
                }
                echoed += 1;
                if echoed == 1 {
                    app.step("first audio echoed");
                }
                if echoed % 25 == 0 {
                    let _ = stream
                        .sender
                        .mark(format!("echoed-{}ms", echoed * 20))
                        .await;
                }
            }
            Ok(MediaEvent::Mark(mark)) => {
                if !app.has("mark returned") {
                    app.step("mark returned");
                }
                println!("          mark {} played", mark.mark.name);
            }
            Ok(MediaEvent::Dtmf(dtmf)) if dtmf.dtmf.digit == "#" => {
                app.step("pressed #");
                if let Err(err) = app.client.calls().actions().hangup(call.as_str()).await {
                    app.error(format!("hangup failed: {err}"));
                }
            }
            Ok(MediaEvent::Stop(_)) => app.step("stream stop"),
            Ok(_) => {}
            Err(err) => app.error(format!("bad frame: {err}")),
        }
    }
    println!(
        "          echoed {echoed} chunks ({} dropped)",
        stream.dropped_frames()
    );
}
