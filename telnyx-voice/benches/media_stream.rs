//! Media-stream throughput, printed as one JSON object.
//!
//! - `--mode decode`: one stream's frames on one thread: a `media` frame of 20 ms PCMU is decoded
//!   (JSON, base64) and the echo is encoded (base64, JSON), as the echo agent does. Reports frames
//!   decoded per second, and seconds of audio handled per CPU second (decode plus echo encode).
//! - `--mode streams --streams N`: the echo agent's WebSocket route on a single-threaded Tokio
//!   runtime of its own thread (one core at most), with the simulator as load generator on
//!   another thread: N calls dialed with a bidirectional `stream_url`, each sending a 20 ms PCMU
//!   frame every 20 ms and counting the echo. Reports the agent thread's CPU use over the window,
//!   the share of frames echoed, and how many 50-frame-a-second streams one core would carry at
//!   the measured CPU cost per echoed frame.
//!
//! ```text
//! cargo bench -p telnyx-voice --features simulator --bench media_stream -- --mode streams --streams 500
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use telnyx_voice::media::{
    decode_inbound, encode_outbound, InboundFrame, MediaEvent, MediaStreamConfig,
    MediaStreamUpgrade, OutboundFrame,
};
use telnyx_voice::models::StreamBidirectionalMode;
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
    std::fs::read_to_string("/proc/thread-self/schedstat")
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

fn streams(options: &Options) -> String {
    // The echo agent: its own thread, a current-thread runtime, so at most one core.
    let echoed = Arc::new(AtomicU64::new(0));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (cpu_tx, cpu_rx) = std::sync::mpsc::channel::<std::sync::mpsc::Sender<Duration>>();
    let agent_echoed = echoed.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let route = move |upgrade: MediaStreamUpgrade| {
                let echoed = agent_echoed.clone();
                async move {
                    let response: Response = upgrade.on_stream(
                        MediaStreamConfig::default(),
                        move |mut stream| async move {
                            while let Some(event) = stream.events.next().await {
                                if let Ok(MediaEvent::Audio(chunk)) = event {
                                    if stream.sender.send_audio(&chunk.audio).await.is_ok() {
                                        echoed.fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                            }
                        },
                    );
                    response
                }
            };
            let app = Router::new()
                .route("/stream", get(route))
                .route("/webhooks", axum::routing::post(|| async { "" }));
            tokio::spawn(async move { axum::serve(listener, app).await });
            // Answers CPU-time questions from this thread.
            let cpu_rx = Arc::new(std::sync::Mutex::new(cpu_rx));
            loop {
                let rx = cpu_rx.clone();
                let asked = tokio::task::spawn_blocking(move || rx.lock().unwrap().recv()).await;
                match asked {
                    Ok(Ok(reply)) => {
                        let _ = reply.send(thread_cpu());
                    }
                    _ => break,
                }
            }
        });
    });
    let addr = addr_rx.recv().unwrap();
    let agent_cpu = || {
        let (tx, rx) = std::sync::mpsc::channel();
        cpu_tx.send(tx).unwrap();
        rx.recv().unwrap()
    };

    // The load generator: the simulator and the dialing client on another thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (window, cpu, echoed_in_window, sent_in_window) = runtime.block_on(async {
        let sim = Simulator::start(
            SimConfig::new().connection("bench", format!("http://{addr}/webhooks")),
        )
        .await
        .unwrap();
        let client = sim.client().unwrap();
        let mut calls = Vec::new();
        for i in 0..options.streams {
            let call = client
                .calls()
                .dial("bench", format!("+1555{i:07}"), "+15550000000")
                .stream_url(format!("ws://{addr}/stream"))
                .stream_bidirectional_mode(StreamBidirectionalMode::Rtp)
                .await
                .unwrap();
            calls.push(call.data.call_control_id.to_string());
        }
        tokio::time::sleep(options.warmup.max(Duration::from_millis(500))).await;
        let sent = |calls: &[String]| -> u64 {
            calls
                .iter()
                .filter_map(|c| sim.stream_report(c))
                .map(|r| r.frames_sent)
                .sum()
        };
        let sent_before = sent(&calls);
        let echoed_before = echoed.load(Ordering::Relaxed);
        let cpu_before = agent_cpu();
        let started = Instant::now();
        tokio::time::sleep(options.duration).await;
        let cpu = agent_cpu().saturating_sub(cpu_before);
        let window = started.elapsed();
        let echoed_now = echoed.load(Ordering::Relaxed) - echoed_before;
        let sent_now = sent(&calls) - sent_before;
        let connected = calls
            .iter()
            .filter_map(|c| sim.stream_report(c))
            .filter(|r| r.connected)
            .count();
        assert_eq!(connected, options.streams, "every stream connected");
        (window, cpu, echoed_now, sent_now)
    });
    let cpu_fraction = cpu.as_secs_f64() / window.as_secs_f64();
    let echo_ratio = echoed_in_window as f64 / sent_in_window.max(1) as f64;
    serde_json::json!({
        "media_streams": options.streams,
        "media_agent_cpu_fraction": cpu_fraction,
        "media_echo_ratio": echo_ratio,
        "media_frames_echoed_per_s": echoed_in_window as f64 / window.as_secs_f64(),
        "media_frames_sent_per_s": sent_in_window as f64 / window.as_secs_f64(),
        // Streams at 50 frames a second that the agent's measured cost per frame fits in one core
        // (the load generator may send fewer frames than N streams would on a busy machine).
        "media_streams_per_core": echoed_in_window as f64 / window.as_secs_f64() / 50.0 / cpu_fraction.max(1e-9),
    })
    .to_string()
}
