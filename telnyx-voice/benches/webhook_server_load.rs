//! Verified webhook deliveries per second through an axum server.
//!
//! The server routes `POST /webhooks` to a handler taking
//! `VerifiedWebhook<WebhookEvent>` (signature, timestamp and typed decoding)
//! on a multi-threaded Tokio runtime with one worker per CPU. A load
//! generator in the same process, on a thread and runtime of its own, keeps
//! `--connections` keep-alive connections busy sending the same signed
//! call.answered delivery, and the number of `204` answers per second is
//! printed as one JSON object. Both share the machine's cores, so the figure
//! is a floor for a server with the CPUs to itself.
//!
//! ```text
//! cargo bench -p telnyx-voice --features axum --bench webhook_server_load -- --connections 32
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use axum::routing::post;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use telnyx_voice::webhooks::axum::VerifiedWebhook;
use telnyx_voice::webhooks::{WebhookVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use telnyx_voice::WebhookEvent;

/// The call.answered delivery used when `--body` is not given.
const DEFAULT_BODY: &[u8] = include_bytes!("../../xtask/bench/call_answered.json");

/// Seed of the key deliveries are signed with (the same as the other benches).
const SIGNING_SEED: [u8; 32] = [9u8; 32];

struct Options {
    connections: usize,
    duration: Duration,
    warmup: Duration,
    body: Option<String>,
}

fn main() {
    match parse_args(std::env::args().skip(1)).and_then(|options| run(&options)) {
        Ok(json) => println!("{json}"),
        Err(message) => {
            eprintln!("webhook_server_load: {message}");
            std::process::exit(1);
        }
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        connections: 32,
        duration: Duration::from_secs(3),
        warmup: Duration::from_millis(500),
        body: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--connections" => {
                options.connections = value("--connections")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| "--connections takes a positive whole number".to_owned())?;
            }
            "--duration" => options.duration = seconds(&value("--duration")?)?,
            "--warmup" => options.warmup = seconds(&value("--warmup")?)?,
            "--body" => options.body = Some(value("--body")?),
            // `cargo bench` adds this flag to every bench binary it runs.
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{text} is not a number of seconds"))
}

async fn on_event(VerifiedWebhook(event): VerifiedWebhook<WebhookEvent>) -> StatusCode {
    if matches!(event, WebhookEvent::CallAnswered(_)) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn run(options: &Options) -> Result<String, String> {
    let body = match &options.body {
        Some(path) => std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?,
        None => DEFAULT_BODY.to_vec(),
    };
    let signing = SigningKey::from_bytes(&SIGNING_SEED);
    let verifier = WebhookVerifier::new(&STANDARD.encode(signing.verifying_key().as_bytes()))
        .map_err(|e| e.to_string())?;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "clock before 1970".to_owned())?
        .as_secs()
        .to_string();
    let mut message = timestamp.as_bytes().to_vec();
    message.push(b'|');
    message.extend_from_slice(&body);
    let signature = STANDARD.encode(signing.sign(&message).to_bytes());

    // Server: one worker thread per CPU.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    server.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("server listener");
        let app = axum::Router::new()
            .route("/webhooks", post(on_event))
            .with_state(verifier);
        axum::serve(listener, app).await.expect("server");
    });

    // Load generator: its own single-threaded runtime on this thread.
    let load = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("http://{address}/webhooks");
    let body = bytes::Bytes::from(body);
    let rate = load.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(options.connections)
            .build()
            .map_err(|e| e.to_string())?;
        let send = |done: Arc<AtomicU64>, deadline: Instant| {
            let http = http.clone();
            let url = url.clone();
            let body = body.clone();
            let timestamp = timestamp.clone();
            let signature = signature.clone();
            async move {
                while Instant::now() < deadline {
                    let response = http
                        .post(&url)
                        .header(TIMESTAMP_HEADER, &timestamp)
                        .header(SIGNATURE_HEADER, &signature)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    if response.status() != StatusCode::NO_CONTENT {
                        return Err(format!("server answered {}", response.status()));
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<(), String>(())
            }
        };
        let mut measured = 0.0;
        for (limit, keep) in [(options.warmup, false), (options.duration, true)] {
            let done = Arc::new(AtomicU64::new(0));
            let started = Instant::now();
            let deadline = started + limit;
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..options.connections {
                tasks.spawn(send(done.clone(), deadline));
            }
            while let Some(joined) = tasks.join_next().await {
                joined.map_err(|e| e.to_string())??;
            }
            if keep {
                measured = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
            }
        }
        Ok::<f64, String>(measured)
    })?;
    server.shutdown_timeout(Duration::from_millis(100));
    Ok(format!(
        "{{\"webhook_server_per_s\":{rate:.1},\"connections\":{},\"server_threads\":{}}}",
        options.connections,
        std::thread::available_parallelism().map_or(1, usize::from)
    ))
}
