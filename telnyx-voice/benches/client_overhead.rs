//! Throughput of the SDK's hot paths next to the bare libraries under them.
//!
//! `cargo xtask bench` builds this in release mode and runs it once per
//! measurement; every run prints one JSON object on stdout. It can also be
//! run by hand:
//!
//! ```text
//! cargo bench -p telnyx-voice --bench client_overhead -- --mode webhook
//! cargo bench -p telnyx-voice --bench client_overhead -- --mode sdk --concurrency 64
//! ```
//!
//! Modes:
//!
//! * `webhook`: alternates short batches of `WebhookVerifier::unwrap` into the
//!   typed `WebhookEvent` and of a bare `VerifyingKey::verify_strict` over the
//!   same signed message, on one thread, and reports both rates;
//! * `sdk`: `client.calls().actions().answer(..)` in a loop;
//! * `reqwest`: the same HTTP exchange written directly with `reqwest` and
//!   `serde_json` (same headers, a fresh command id, the reply decoded);
//! * `raw`: the same command through the escape hatch,
//!   `client.post(path).json(..).send::<T>()`;
//! * `blocking`: `sdk` through `telnyx_voice::blocking::Client` (the same
//!   generated `answer`, sent with `.send()`), with `--concurrency` plain
//!   threads and no runtime of the caller's.
//!
//! Request modes talk to `--base-url` (the bench task points it at a local
//! nginx stub); without it they start an axum stub in the same process, on a
//! thread of its own. They run on a single-threaded Tokio runtime with
//! `--concurrency` requests in flight over one keep-alive connection pool.
//! Every mode also reports the process's peak resident memory.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use http::{HeaderMap, HeaderValue};
use telnyx_voice::webhooks::{WebhookVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use telnyx_voice::{Client, WebhookEvent};

/// The call.answered delivery used when `--body` is not given.
const DEFAULT_BODY: &[u8] = include_bytes!("../../xtask/bench/call_answered.json");

/// Reply of the in-process stub, shaped like the answer command's documented reply.
const ANSWER_REPLY: &str =
    r#"{"data":{"recording_id":"d7e9c1d4-8b2a-4b8f-b3a7-9a671c9e9b0a","result":"ok"}}"#;

/// Call control id put in every request path.
const CALL_CONTROL_ID: &str = "v3:bench-call-control-id";

/// Path of the answer command, relative to the base URL.
const ANSWER_PATH: &str = "/calls/v3:bench-call-control-id/actions/answer";

/// Seed of the Ed25519 key the deliveries are signed with (the Python side uses the same).
const SIGNING_SEED: [u8; 32] = [9u8; 32];

struct Options {
    mode: String,
    base_url: Option<String>,
    duration: Duration,
    warmup: Duration,
    concurrency: usize,
    body: Option<String>,
}

fn main() {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("client_overhead: {message}");
            std::process::exit(2);
        }
    };
    let result = match options.mode.as_str() {
        "webhook" => webhook(&options),
        #[cfg(feature = "axum")]
        "router" => router(&options),
        "sdk" | "reqwest" | "raw" => requests(&options),
        "blocking" => blocking_requests(&options),
        other => Err(format!(
            "unknown mode {other} (webhook, router, sdk, reqwest, raw or blocking)"
        )),
    };
    match result {
        Ok(json) => println!("{json}"),
        Err(message) => {
            eprintln!("client_overhead: {message}");
            std::process::exit(1);
        }
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        mode: "webhook".to_owned(),
        base_url: None,
        duration: Duration::from_secs(3),
        warmup: Duration::from_millis(500),
        concurrency: 1,
        body: None,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--mode" => options.mode = value("--mode")?,
            "--base-url" => options.base_url = Some(value("--base-url")?),
            "--duration" => options.duration = seconds(&value("--duration")?)?,
            "--warmup" => options.warmup = seconds(&value("--warmup")?)?,
            "--concurrency" => {
                options.concurrency = value("--concurrency")?
                    .parse()
                    .map_err(|_| "--concurrency takes a whole number".to_owned())?;
                if options.concurrency == 0 {
                    return Err("--concurrency must be at least 1".to_owned());
                }
            }
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

/// Typed unwrap against bare `verify_strict`, interleaved batch by batch so
/// that background load hits both alike.
fn webhook(options: &Options) -> Result<String, String> {
    const BATCH: u32 = 200;
    let body = match &options.body {
        Some(path) => std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?,
        None => DEFAULT_BODY.to_vec(),
    };
    let signing = SigningKey::from_bytes(&SIGNING_SEED);
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "clock before 1970".to_owned())?
        .as_secs()
        .to_string();
    let mut message = timestamp.as_bytes().to_vec();
    message.push(b'|');
    message.extend_from_slice(&body);
    let signature = signing.sign(&message);

    let mut headers = HeaderMap::new();
    headers.insert(
        TIMESTAMP_HEADER,
        HeaderValue::from_str(&timestamp).map_err(|e| e.to_string())?,
    );
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&STANDARD.encode(signature.to_bytes())).map_err(|e| e.to_string())?,
    );
    let verifier = WebhookVerifier::new(&STANDARD.encode(signing.verifying_key().as_bytes()))
        .map_err(|e| e.to_string())?;
    let key = *verifier.verifying_key();

    let event = verifier
        .unwrap::<WebhookEvent, _>(&body, &headers)
        .map_err(|e| format!("the bench delivery does not verify: {e}"))?;
    if !matches!(event, WebhookEvent::CallAnswered(_)) {
        return Err(format!(
            "the bench delivery decoded as {}, not call.answered",
            event.event_type()
        ));
    }

    let run = |limit: Duration| {
        let mut bare = Duration::ZERO;
        let mut unwrap = Duration::ZERO;
        let mut batches = 0u32;
        let started = Instant::now();
        while started.elapsed() < limit {
            let t = Instant::now();
            for _ in 0..BATCH {
                key.verify_strict(black_box(&message), black_box(&signature))
                    .expect("bench signature verifies");
            }
            bare += t.elapsed();
            let t = Instant::now();
            for _ in 0..BATCH {
                let event = verifier
                    .unwrap::<WebhookEvent, _>(black_box(&body), black_box(&headers))
                    .expect("bench delivery unwraps");
                black_box(event);
            }
            unwrap += t.elapsed();
            batches += 1;
        }
        (bare, unwrap, batches)
    };
    run(options.warmup);
    let (bare, unwrap, batches) = run(options.duration);
    let ops = f64::from(batches * BATCH);
    let verify_per_s = ops / bare.as_secs_f64();
    let unwrap_per_s = ops / unwrap.as_secs_f64();
    Ok(format!(
        "{{\"webhook_unwrap_per_s\":{unwrap_per_s:.1},\"ed25519_verify_per_s\":{verify_per_s:.1},\
         \"unwrap_cost_ratio\":{:.4},\"body_bytes\":{},\"peak_rss_mb\":{:.2}}}",
        verify_per_s / unwrap_per_s,
        body.len(),
        peak_rss_mb()
    ))
}

/// `CallRouter::handle` (verify, decode, dedupe, dispatch to a no-op `call.answered` handler that
/// decodes the client state) against bare `client.webhooks().unwrap` (verify, decode), over the
/// same signed deliveries, interleaved batch by batch. Each delivery has its own event id and the
/// router remembers fewer ids than there are deliveries, so every event is fresh and the
/// deduplication memory keeps evicting, as in steady service.
#[cfg(feature = "axum")]
fn router(options: &Options) -> Result<String, String> {
    use telnyx_voice::callflow::router::CallRouter;
    use telnyx_voice::models::CallAnswered;
    use telnyx_voice::CallHandle;

    const BATCH: usize = 200;
    const DELIVERIES: usize = 2000;
    let body = match &options.body {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
        }
        None => String::from_utf8(DEFAULT_BODY.to_vec()).map_err(|e| e.to_string())?,
    };
    let original_id = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";
    if !body.contains(original_id) {
        return Err("the bench delivery lacks the expected event id".to_owned());
    }
    let signing = SigningKey::from_bytes(&SIGNING_SEED);
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "clock before 1970".to_owned())?
        .as_secs()
        .to_string();
    let mut deliveries = Vec::with_capacity(DELIVERIES);
    for n in 0..DELIVERIES {
        let body = body.replace(original_id, &format!("0ccc7b54-4df3-4bca-a65a-{n:012}"));
        let mut message = timestamp.as_bytes().to_vec();
        message.push(b'|');
        message.extend_from_slice(body.as_bytes());
        let signature = signing.sign(&message);
        let mut headers = HeaderMap::new();
        headers.insert(
            TIMESTAMP_HEADER,
            HeaderValue::from_str(&timestamp).map_err(|e| e.to_string())?,
        );
        headers.insert(
            SIGNATURE_HEADER,
            HeaderValue::from_str(&STANDARD.encode(signature.to_bytes()))
                .map_err(|e| e.to_string())?,
        );
        deliveries.push((body.into_bytes(), headers));
    }
    let client = Client::builder()
        .api_key("KEY_bench")
        .public_key(STANDARD.encode(signing.verifying_key().as_bytes()))
        .build()
        .map_err(|e| e.to_string())?;
    let router = CallRouter::new(client.clone())
        .dedupe(DELIVERIES / 2, Duration::from_secs(3600))
        .on(
            |event: CallAnswered, _: CallHandle, state: Option<serde_json::Value>| async move {
                black_box((event, state));
                Ok(())
            },
        );
    let stats = router.stats();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let mut next = 0usize;
    let mut run = |limit: Duration| {
        let mut bare = Duration::ZERO;
        let mut routed = Duration::ZERO;
        let mut batches = 0u32;
        let started = Instant::now();
        while started.elapsed() < limit {
            let batch = &deliveries[next..next + BATCH];
            next = (next + BATCH) % DELIVERIES;
            let t = Instant::now();
            for (body, headers) in batch {
                let event = client
                    .webhooks()
                    .unwrap(black_box(body), black_box(headers))
                    .expect("bench delivery unwraps");
                black_box(event);
            }
            bare += t.elapsed();
            let t = Instant::now();
            runtime.block_on(async {
                for (body, headers) in batch {
                    let status = router.handle(black_box(headers), black_box(body)).await;
                    assert_eq!(status, http::StatusCode::OK);
                }
            });
            routed += t.elapsed();
            batches += 1;
        }
        (bare, routed, batches)
    };
    run(options.warmup);
    let handled_before = stats.handled();
    let (bare, routed, batches) = run(options.duration);
    let ops = f64::from(batches) * BATCH as f64;
    if stats.handled() - handled_before != ops as u64 || stats.errors() != 0 {
        return Err(format!(
            "the router did not run the handler for every delivery ({} of {ops}, {} errors)",
            stats.handled() - handled_before,
            stats.errors()
        ));
    }
    let unwrap_per_s = ops / bare.as_secs_f64();
    let router_per_s = ops / routed.as_secs_f64();
    Ok(format!(
        "{{\"router_per_s\":{router_per_s:.1},\"webhook_unwrap_per_s\":{unwrap_per_s:.1},\
         \"router_overhead_ratio\":{:.4},\"peak_rss_mb\":{:.2}}}",
        unwrap_per_s / router_per_s,
        peak_rss_mb()
    ))
}

/// One way of sending the answer command.
#[derive(Clone)]
enum Sender {
    Sdk(Client),
    Raw(Client),
    Bare {
        http: reqwest::Client,
        url: String,
        authorization: HeaderValue,
        user_agent: HeaderValue,
    },
}

#[derive(serde::Serialize)]
struct BareAnswerBody {
    command_id: String,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)] // decoded for the cost of it, never read
struct BareReply {
    data: BareResult,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)] // decoded for the cost of it, never read
struct BareResult {
    result: Option<String>,
    recording_id: Option<String>,
}

impl Sender {
    async fn send(&self) -> Result<(), String> {
        match self {
            Sender::Sdk(client) => {
                let reply = client
                    .calls()
                    .actions()
                    .answer(CALL_CONTROL_ID)
                    .await
                    .map_err(|e| e.to_string())?;
                black_box(reply);
            }
            Sender::Raw(client) => {
                let reply = client
                    .post(ANSWER_PATH)
                    .json(&BareAnswerBody {
                        command_id: uuid::Uuid::new_v4().to_string(),
                    })
                    .send::<BareReply>()
                    .await
                    .map_err(|e| e.to_string())?;
                black_box(reply);
            }
            Sender::Bare {
                http,
                url,
                authorization,
                user_agent,
            } => {
                let body = serde_json::to_vec(&BareAnswerBody {
                    command_id: uuid::Uuid::new_v4().to_string(),
                })
                .map_err(|e| e.to_string())?;
                let response = http
                    .post(url)
                    .header(http::header::AUTHORIZATION, authorization.clone())
                    .header(http::header::USER_AGENT, user_agent.clone())
                    .header(http::header::ACCEPT, "application/json")
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("stub answered {}", response.status()));
                }
                let bytes = response.bytes().await.map_err(|e| e.to_string())?;
                let reply: BareReply = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                black_box(reply);
            }
        }
        Ok(())
    }
}

/// Runs `concurrency` loops of `sender` until `limit` has passed; returns
/// how many requests completed.
async fn drive(sender: &Sender, concurrency: usize, limit: Duration) -> Result<u64, String> {
    let deadline = Instant::now() + limit;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let sender = sender.clone();
        tasks.spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                sender.send().await?;
                done += 1;
            }
            Ok::<u64, String>(done)
        });
    }
    let mut total = 0;
    while let Some(joined) = tasks.join_next().await {
        total += joined.map_err(|e| e.to_string())??;
    }
    Ok(total)
}

fn requests(options: &Options) -> Result<String, String> {
    let base_url = match &options.base_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => start_stub()?,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let sdk = || {
            Client::builder()
                .api_key("KEY_BENCH_NOT_A_REAL_KEY")
                .base_url(&base_url)
                .build()
                .map_err(|e| e.to_string())
        };
        let sender = if options.mode == "sdk" {
            Sender::Sdk(sdk()?)
        } else if options.mode == "raw" {
            Sender::Raw(sdk()?)
        } else {
            Sender::Bare {
                http: reqwest::Client::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| e.to_string())?,
                url: format!("{base_url}/calls/{CALL_CONTROL_ID}/actions/answer"),
                authorization: HeaderValue::from_static("Bearer KEY_BENCH_NOT_A_REAL_KEY"),
                user_agent: HeaderValue::from_static("telnyx-voice-bench/bare-reqwest"),
            }
        };
        drive(&sender, options.concurrency, options.warmup).await?;
        let cpu_before = cpu_seconds();
        let started = Instant::now();
        let done = drive(&sender, options.concurrency, options.duration).await?;
        let elapsed = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        let cpu_us_per_request = if done == 0 {
            0.0
        } else {
            cpu * 1e6 / done as f64
        };
        Ok(format!(
            "{{\"requests_per_s\":{:.1},\"requests\":{done},\"concurrency\":{},\
             \"cpu_us_per_request\":{cpu_us_per_request:.2},\"peak_rss_mb\":{:.2}}}",
            done as f64 / elapsed,
            options.concurrency,
            peak_rss_mb()
        ))
    })
}

/// The `sdk` command from `--concurrency` plain threads through the
/// blocking client.
fn blocking_requests(options: &Options) -> Result<String, String> {
    let base_url = match &options.base_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => start_stub()?,
    };
    let client = telnyx_voice::blocking::Client::builder()
        .api_key("KEY_BENCH_NOT_A_REAL_KEY")
        .base_url(&base_url)
        .build()
        .map_err(|e| e.to_string())?;
    let drive = |limit: Duration| -> Result<u64, String> {
        let deadline = Instant::now() + limit;
        let threads: Vec<_> = (0..options.concurrency)
            .map(|_| {
                let client = client.clone();
                std::thread::spawn(move || {
                    let mut done = 0u64;
                    while Instant::now() < deadline {
                        let reply = client
                            .calls()
                            .actions()
                            .answer(CALL_CONTROL_ID)
                            .send()
                            .map_err(|e| e.to_string())?;
                        black_box(reply);
                        done += 1;
                    }
                    Ok::<u64, String>(done)
                })
            })
            .collect();
        let mut total = 0;
        for thread in threads {
            total += thread.join().map_err(|_| "a bench thread panicked")??;
        }
        Ok(total)
    };
    drive(options.warmup)?;
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let done = drive(options.duration)?;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let cpu_us_per_request = if done == 0 {
        0.0
    } else {
        cpu * 1e6 / done as f64
    };
    Ok(format!(
        "{{\"requests_per_s\":{:.1},\"requests\":{done},\"concurrency\":{},\
         \"cpu_us_per_request\":{cpu_us_per_request:.2},\"peak_rss_mb\":{:.2}}}",
        done as f64 / elapsed,
        options.concurrency,
        peak_rss_mb()
    ))
}

/// Starts an axum server answering the answer command on a thread of its
/// own and returns its base URL.
fn start_stub() -> Result<String, String> {
    use axum::routing::post;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("stub runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("stub listener");
            let app = axum::Router::new().route(
                "/v2/calls/{id}/actions/answer",
                post(|| async { ([("content-type", "application/json")], ANSWER_REPLY) }),
            );
            axum::serve(listener, app).await.expect("stub server");
        });
    });
    Ok(format!("http://{address}/v2"))
}

/// User plus system CPU time of this process so far, from `/proc/self/stat`
/// (0 where that file does not exist).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesized command name; utime and stime are the
    // 14th and 15th fields of the whole line, in clock ticks (100 per second
    // on Linux).
    let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => 0.0,
    }
}

/// Peak resident set size of this process in MiB, from `VmHWM` in
/// `/proc/self/status` (0 where that file does not exist).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
        })
        .map_or(0.0, |kib| kib / 1024.0)
}
