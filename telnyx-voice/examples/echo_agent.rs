//! A voice-agent skeleton that echoes the caller, offline against the simulator:
//! `cargo run --example echo_agent`.
//!
//! 1. A caller rings in. On `call.initiated` the app answers with a bidirectional media stream:
//!    `stream_url` points at the app's own WebSocket route, RTP PCMU both ways.
//! 2. The simulator connects to that route as Telnyx would. The app's `MediaStream` gets the
//!    `start` frame, then 20 ms of the caller's audio every 20 ms, and sends each chunk straight
//!    back; every half second of echo it also sends a mark, which comes back once played.
//! 3. The caller talks (a 440 Hz tone) for a second, then presses `#`: the app hangs up, and the
//!    stream stops.
//!
//! The app's steps and the simulator's timeline are printed at the end. The process exits with a
//! failure naming the missing steps if something did not happen within the time limit.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use telnyx_voice::callflow::router::{CallRouter, HandlerResult};
use telnyx_voice::media::g711;
use telnyx_voice::media::{MediaEvent, MediaStream, MediaStreamConfig, MediaStreamUpgrade};
use telnyx_voice::models::{
    CallAnswered, CallHangup, CallInitiated, StreamBidirectionalCodec, StreamBidirectionalMode,
    StreamTrack, StreamingFailed, StreamingStarted, StreamingStopped,
};
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator, StreamAudio};
use telnyx_voice::{CallHandle, Client};

const CONNECTION_ID: &str = "echo-agent-connection";
const OUR_NUMBER: &str = "+15550002000";
const CALLER: &str = "+15550002001";

/// What the app must see and do, in order of the story.
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

/// Steps taken, and errors met (as `(error) ..`).
static STEPS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn steps() -> MutexGuard<'static, BTreeSet<String>> {
    STEPS.lock().unwrap_or_else(|e| e.into_inner())
}

fn step(name: &str) {
    if steps().insert(name.to_string()) {
        println!("app: {name}");
    }
}

fn error(what: String) {
    eprintln!("app error: {what}");
    steps().insert(format!("(error) {what}"));
}

/// What the WebSocket route needs: the client, to hang up.
struct Agent {
    client: Client,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(missing) if missing.is_empty() => {
            println!("echo_agent: every step happened");
            ExitCode::SUCCESS
        }
        Ok(missing) => {
            eprintln!("echo_agent: missing: {}", missing.join(", "));
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
    let caller = FarEnd::default()
        .talk(StreamAudio::tone(440), Duration::from_secs(1))
        .press("#");
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONNECTION_ID, format!("http://{addr}/webhooks"))
            .far_end(CALLER, caller),
    )
    .await?;
    let client = sim.client()?;

    // Webhooks: answer with a bidirectional stream to our own WebSocket route.
    let stream_url = format!("ws://{addr}/stream");
    let router = CallRouter::new(client.clone())
        .on(move |_: CallInitiated, call: CallHandle, _: Option<()>| {
            let stream_url = stream_url.clone();
            async move {
                step("ringing");
                call.answer()
                    .stream_url(stream_url)
                    .stream_track(StreamTrack::InboundTrack)
                    .stream_bidirectional_mode(StreamBidirectionalMode::Rtp)
                    .stream_bidirectional_codec(StreamBidirectionalCodec::Pcmu)
                    .await?;
                Ok(())
            }
        })
        .on_event(|_: CallAnswered| noted("answered"))
        .on_event(|_: StreamingStarted| noted("streaming.started"))
        .on_event(|_: StreamingStopped| noted("streaming.stopped"))
        .on_event(|event: StreamingFailed| async move {
            let reason = event.payload.and_then(|p| p.failure_reason);
            error(format!("streaming.failed: {reason:?}"));
            Ok(())
        })
        .on_event(|_: CallHangup| noted("hung up"))
        .on_error(|err| error(err.to_string()));
    let app = router.into_axum("/webhooks").merge(
        axum::Router::new()
            .route("/stream", get(on_stream))
            .with_state(Arc::new(Agent {
                client: client.clone(),
            })),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let call = sim.inbound_call(CALLER, OUR_NUMBER, CONNECTION_ID).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !EXPECTED.iter().all(|s| steps().contains(*s)) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = sim
        .wait_for(|t| t.events().all(|e| e.delivery.is_final()))
        .await;
    println!("\n--- simulator timeline ---\n{}", sim.timeline());

    let mut missing: Vec<String> = EXPECTED
        .iter()
        .filter(|s| !steps().contains(**s))
        .map(|s| s.to_string())
        .collect();
    missing.extend(steps().iter().filter(|s| s.starts_with("(error)")).cloned());
    match sim.stream_report(&call) {
        Some(report) => {
            println!(
                "stream: sent {} frames, keys {:?}; the app sent back {:.2} s of audio and marks {:?}",
                report.frames_sent,
                report.digits_sent,
                report.app_audio.as_secs_f64(),
                report.marks_echoed
            );
            // The caller talked for a second; the echo must hold about as much.
            if report.app_audio < Duration::from_millis(950) {
                missing.push(format!("a 1 s echo (got {:?})", report.app_audio));
            }
        }
        None => missing.push("a stream on the call".into()),
    }
    sim.shutdown().await;
    server.abort();
    Ok(missing)
}

async fn noted(name: &'static str) -> HandlerResult {
    step(name);
    Ok(())
}

async fn on_stream(State(agent): State<Arc<Agent>>, upgrade: MediaStreamUpgrade) -> Response {
    upgrade.on_stream(MediaStreamConfig::default(), move |stream| {
        echo(agent, stream)
    })
}

/// Echoes every chunk of the caller's audio, marks each half second of echo, hangs up on `#`.
async fn echo(agent: Arc<Agent>, mut stream: MediaStream) {
    step("stream start");
    let call = stream
        .start
        .start
        .call_control_id
        .clone()
        .unwrap_or_default();
    let mut echoed = 0u64;
    let mut loudest = 0i16;
    while let Some(event) = stream.events.next().await {
        match event {
            Ok(MediaEvent::Audio(chunk)) => {
                // PCMU on the wire; the samples show the caller is really talking.
                let peak = g711::ulaw_to_pcm(&chunk.audio)
                    .iter()
                    .map(|s| s.saturating_abs())
                    .max()
                    .unwrap_or(0);
                loudest = loudest.max(peak);
                if let Err(err) = stream.sender.send_audio(&chunk.audio).await {
                    error(format!("echo failed: {err}"));
                    break;
                }
                echoed += 1;
                if echoed == 1 {
                    step("first audio echoed");
                }
                if echoed % 25 == 0 {
                    let _ = stream.sender.mark(format!("echo-{}ms", echoed * 20)).await;
                }
            }
            Ok(MediaEvent::Mark(mark)) => {
                step("mark returned");
                println!("app: mark {} played", mark.mark.name);
            }
            Ok(MediaEvent::Dtmf(key)) if key.dtmf.digit == "#" => {
                step("pressed #");
                if let Err(err) = agent.client.call(call.as_str()).hangup().await {
                    error(format!("hangup failed: {err}"));
                }
            }
            Ok(MediaEvent::Stop(_)) => step("stream stop"),
            Ok(_) => {}
            Err(err) => error(format!("bad frame: {err}")),
        }
    }
    println!(
        "app: echoed {echoed} chunks (loudest sample {loudest}, {} dropped)",
        stream.dropped_frames()
    );
    if loudest < 4000 {
        error(format!("the caller's audio was too quiet (peak {loudest})"));
    }
}
