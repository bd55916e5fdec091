//! Media-stream throughput, printed as one JSON object.
//!
//! - `--mode decode`: one stream's frames on one thread: a `media` frame of 20 ms PCMU is decoded
//!   (JSON, base64) and the echo is encoded (base64, JSON), as the echo agent does. Reports frames
//!   decoded per second, and seconds of audio handled per CPU second (decode plus echo encode).
//! - `--mode streams --streams N`: the echo agent's WebSocket route (`MediaStreamUpgrade`, each
//!   audio chunk sent straight back) on a single-threaded Tokio runtime of its own thread, so on
//!   one core at most, with the simulator as load generator on another runtime: N calls dialed
//!   with a bidirectional `stream_url`, each sending a 20 ms PCMU frame every 20 ms. After the
//!   warm-up it measures, over the window, the agent thread's CPU time, the frames the simulator
//!   sent and the frames the agent echoed, and reports how many 50-frame-a-second streams one
//!   core carries at the measured CPU cost per echoed frame.
//!
//! ```text
//! cargo bench -p telnyx-voice --bench media_stream -- --mode decode
//! cargo bench -p telnyx-voice --bench media_stream -- --mode streams --streams 500
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use telnyx_voice::media::{
    decode_inbound, encode_outbound, InboundFrame, MediaEvent, MediaStreamConfig,
    MediaStreamUpgrade, OutboundFrame,
};
use telnyx_voice::models::{StreamBidirectionalCodec, StreamBidirectionalMode};
use telnyx_voice::simulator::{SimConfig, Simulator};

struct Options {
    mode: String,
    streams: usize,
    duration: Duration,
    warmup: Duration,
}

fn main() {
    let mut options = Options {
        mode: "decode".into(),
        streams: 500,
        duration: Duration::from_secs(3),
        warmup: Duration::from_millis(500),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--mode" => options.mode = value(),
            "--streams" => options.streams = value().parse().unwrap_or(500),
            "--duration" => {
                options.duration = Duration::from_secs_f64(value().parse().unwrap_or(3.0))
            }
            "--warmup" => options.warmup = Duration::from_secs_f64(value().parse().unwrap_or(0.5)),
            "--bench" => {}
            other => {
                eprintln!("media_stream: unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    let json = match options.mode.as_str() {
        "decode" => decode(&options),
        "streams" => streams(&options),
        other => {
            eprintln!("media_stream: unknown mode {other}");
            std::process::exit(2);
        }
    };
    println!("{json}");
}

/// CPU time of the calling thread (Linux `schedstat`, nanoseconds); zero elsewhere.
fn thread_cpu() -> Duration {
    cpu_of("/proc/thread-self/schedstat")
}

/// CPU time from a `schedstat` file (its first field, nanoseconds); zero when unreadable.
fn cpu_of(schedstat: &str) -> Duration {
    std::fs::read_to_string(schedstat)
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

fn decode(options: &Options) -> String {
    let payload = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [0x7fu8; 160]);
    let text = format!(
        r#"{{"event":"media","sequence_number":"12","stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC","media":{{"track":"inbound","chunk":"11","timestamp":"200","payload":"{payload}"}}}}"#
    );
    let run = |window: Duration, echo: bool| {
        let started = Instant::now();
        let cpu = thread_cpu();
        let mut frames = 0u64;
        while started.elapsed() < window {
            for _ in 0..256 {
                let frame = decode_inbound(std::hint::black_box(&text)).expect("decodes");
                let InboundFrame::MediaFrame(media) = frame else {
                    panic!("not media")
                };
                let audio = media.media.audio().expect("base64");
                if echo {
                    std::hint::black_box(encode_outbound(&OutboundFrame::media(&audio)));
                } else {
                    std::hint::black_box(audio);
                }
                frames += 1;
            }
        }
        let cpu = thread_cpu().saturating_sub(cpu);
        let cpu = if cpu.is_zero() {
            started.elapsed()
        } else {
            cpu
        };
        (frames, started.elapsed(), cpu)
    };
    run(options.warmup, true);
    let (frames, wall, _) = run(options.duration, false);
    let (echo_frames, _, echo_cpu) = run(options.duration, true);
    serde_json::json!({
        "media_frames_decoded_per_s": frames as f64 / wall.as_secs_f64(),
        "media_audio_s_per_cpu_s": echo_frames as f64 * 0.02 / echo_cpu.as_secs_f64(),
    })
    .to_string()
}

/// The echo agent of `examples/echo_agent.rs`, reduced to its media route: every audio chunk is
/// sent straight back. Runs on the calling thread until the process ends; `addr` gets its
/// address, `echoed` counts echoed chunks.
fn run_agent(addr: std::sync::mpsc::Sender<std::net::SocketAddr>, echoed: Arc<AtomicU64>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("agent runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        addr.send(listener.local_addr().expect("addr"))
            .expect("main thread waits");
        let route = move |upgrade: MediaStreamUpgrade| {
            let echoed = Arc::clone(&echoed);
            async move {
                let response: Response =
                    upgrade.on_stream(MediaStreamConfig::default(), move |mut stream| async move {
                        while let Some(event) = stream.events.next().await {
                            if let Ok(MediaEvent::Audio(chunk)) = event {
                                if stream.sender.send_audio(&chunk.audio).await.is_ok() {
                                    echoed.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                        }
                    });
                response
            }
        };
        let app = Router::new()
            .route("/stream", get(route))
            .route("/webhooks", post(|| async { "" }));
        axum::serve(listener, app).await.expect("agent serves");
    });
}

fn streams(options: &Options) -> String {
    // The agent: its own thread and a current-thread runtime, so one core at most. Its CPU
    // time is read from its `schedstat` by thread id.
    let echoed = Arc::new(AtomicU64::new(0));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let agent_echoed = Arc::clone(&echoed);
    std::thread::spawn(move || {
        let me = std::fs::read_link("/proc/thread-self")
            .map(|path| format!("/proc/{}/schedstat", path.display()))
            .unwrap_or_default();
        tid_tx.send(me).expect("main thread waits");
        run_agent(addr_tx, agent_echoed);
    });
    let agent_schedstat = tid_rx.recv().expect("agent thread started");
    let addr = addr_rx.recv().expect("agent listening");
    let agent_cpu = || cpu_of(&agent_schedstat);

    // The load generator: the simulator and the dialing client on one worker thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("simulator runtime");
    let (window, cpu, echoed_in_window, sent_in_window) = runtime.block_on(async {
        let sim = Simulator::start(
            SimConfig::new().connection("bench", format!("http://{addr}/webhooks")),
        )
        .await
        .expect("simulator");
        let client = sim.client().expect("client");
        let mut calls = Vec::with_capacity(options.streams);
        for i in 0..options.streams {
            let call = client
                .calls()
                .dial("bench", "+15550000000", format!("+1555{i:07}"))
                .stream_url(format!("ws://{addr}/stream"))
                .stream_bidirectional_mode(StreamBidirectionalMode::Rtp)
                .stream_bidirectional_codec(StreamBidirectionalCodec::Pcmu)
                .await
                .expect("dial");
            calls.push(call.data.call_control_id.to_string());
        }
        let connected = || {
            calls
                .iter()
                .filter_map(|call| sim.stream_report(call))
                .filter(|report| report.connected)
                .count()
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while connected() < options.streams && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(connected(), options.streams, "every stream connected");
        tokio::time::sleep(options.warmup).await;
        let sent = || -> u64 {
            calls
                .iter()
                .filter_map(|call| sim.stream_report(call))
                .map(|report| report.frames_sent)
                .sum()
        };
        let (sent_before, echoed_before, cpu_before) =
            (sent(), echoed.load(Ordering::Relaxed), agent_cpu());
        let started = Instant::now();
        tokio::time::sleep(options.duration).await;
        let (sent_after, echoed_after, cpu_after) =
            (sent(), echoed.load(Ordering::Relaxed), agent_cpu());
        let window = started.elapsed();
        sim.shutdown().await;
        (
            window,
            cpu_after.saturating_sub(cpu_before),
            echoed_after - echoed_before,
            sent_after - sent_before,
        )
    });
    let seconds = window.as_secs_f64();
    let cpu_fraction = cpu.as_secs_f64() / seconds;
    let echoed_per_s = echoed_in_window as f64 / seconds;
    serde_json::json!({
        "media_streams": options.streams,
        "media_agent_cpu_fraction": cpu_fraction,
        "media_echo_ratio": echoed_in_window as f64 / sent_in_window.max(1) as f64,
        "media_frames_echoed_per_s": echoed_per_s,
        "media_frames_sent_per_s": sent_in_window as f64 / seconds,
        // Streams of 50 frames a second that one core carries at the agent's measured CPU cost
        // per echoed frame (on a busy machine the simulator may send fewer than N streams would).
        "media_streams_per_core": echoed_per_s / 50.0 / cpu_fraction.max(1e-9),
    })
    .to_string()
}
