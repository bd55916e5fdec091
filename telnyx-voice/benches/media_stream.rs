//! Media-stream throughput, printed as one JSON object.
//!
//! - `--mode decode`: one stream's frames on one thread: a `media` frame of 20 ms PCMU is decoded
//!   (JSON, base64) and the echo is encoded (base64, JSON), as the echo agent does. Reports frames
//!   decoded per second, and seconds of audio handled per CPU second (decode plus echo encode).
//! ```text
//! cargo bench -p telnyx-voice --bench media_stream -- --mode decode
//! ```

use std::time::{Duration, Instant};

use telnyx_voice::media::{decode_inbound, encode_outbound, InboundFrame, OutboundFrame};

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
