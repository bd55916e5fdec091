//! Runs the compiled example programs as real processes against local servers.
//!
//! `cargo test` (and so `cargo xtask test`) builds the examples before it runs
//! this file; when only this test target is selected they may be missing, and
//! the test then asks for `cargo build --examples --all-features`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::process::Command;

const API_KEY: &str = "KEY_examples_run";
const CALL_CONTROL_ID: &str = "v3:test";
const ERROR_DETAIL: &str = "examples_run: call v3:gone is not active";

/// Path of a built example, e.g. `target/debug/examples/dial`.
fn example(name: &str) -> PathBuf {
    // The test binary is `target/<profile>/deps/examples_run-<hash>`.
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example binary {} is missing: run `cargo build --examples --all-features` first \
         (`cargo test` without target filters builds them too)",
        path.display()
    );
    path
}

#[derive(Clone, Default)]
struct Seen {
    bodies: Arc<Mutex<Vec<(String, Value)>>>,
    auth: Arc<Mutex<Vec<String>>>,
    retry_counts: Arc<Mutex<Vec<Option<String>>>>,
}

impl Seen {
    fn record(&self, path: &str, headers: &HeaderMap, body: Value) {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let retry_count = headers
            .get(telnyx_voice::RETRY_COUNT_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self.auth.lock().unwrap().push(auth);
        self.retry_counts.lock().unwrap().push(retry_count);
        self.bodies.lock().unwrap().push((path.to_owned(), body));
    }
}

/// Connection ids the stand-in API treats specially.
const FLAKY_CONNECTION: &str = "conn-flaky";
const GONE_CONNECTION: &str = "conn-gone";

async fn dial(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let connection = body["connection_id"].as_str().unwrap_or("").to_owned();
    seen.record("/calls", &headers, body);
    let attempts = seen.bodies.lock().unwrap().len();
    if connection == GONE_CONNECTION {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({
                "errors": [{ "code": "10010", "title": "Invalid connection", "detail": ERROR_DETAIL }]
            })),
        );
    }
    if connection == FLAKY_CONNECTION && attempts == 1 {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "errors": [{ "code": "503", "title": "Service Unavailable" }] })),
        );
    }
    (
        StatusCode::OK,
        Json(json!({
            "data": {
                "call_control_id": CALL_CONTROL_ID,
                "call_leg_id": "x",
                "call_session_id": "y",
                "is_alive": true,
                "record_type": "call"
            }
        })),
    )
}

async fn hangup(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    seen.record("/calls/v3:gone/actions/hangup", &headers, body);
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({
            "errors": [{ "code": "90018", "title": "Call ended", "detail": ERROR_DETAIL }]
        })),
    )
}

/// A stand-in for the Telnyx API on a free loopback port.
async fn mock_api() -> (SocketAddr, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/calls", post(dial))
        .route("/calls/{id}/actions/hangup", post(hangup))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, seen)
}

async fn run_example(name: &str, args: &[&str], base_url: &str) -> Output {
    let run = Command::new(example(name))
        .args(args)
        .env("TELNYX_API_KEY", API_KEY)
        .env("TELNYX_BASE_URL", base_url)
        .env_remove("TELNYX_PUBLIC_KEY")
        .stdin(Stdio::null())
        .output();
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .unwrap_or_else(|_| panic!("example {name} did not finish within 30 s"))
        .unwrap_or_else(|e| panic!("cannot run example {name}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `dial` and its blocking twin, which must behave the same.
const DIAL_EXAMPLES: [&str; 2] = ["dial", "dial_blocking"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dial_prints_the_call_control_id() {
    for name in DIAL_EXAMPLES {
        let (addr, seen) = mock_api().await;
        let out = run_example(
            name,
            &["+18005550100", "+18005550101", "conn-123"],
            &format!("http://{addr}"),
        )
        .await;
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "{name} failed: {:?}\nstderr: {}",
            out.status,
            text(&out.stderr)
        );
        assert_eq!(stdout.trim(), CALL_CONTROL_ID, "{name}");

        let bodies = seen.bodies.lock().unwrap();
        let (_, body) = &bodies[0];
        assert_eq!(body["to"], "+18005550100", "{name}");
        assert_eq!(body["from"], "+18005550101", "{name}");
        assert_eq!(body["connection_id"], "conn-123", "{name}");
        assert_eq!(seen.auth.lock().unwrap()[0], format!("Bearer {API_KEY}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dial_retries_a_503_with_the_same_command_id() {
    for name in DIAL_EXAMPLES {
        let (addr, seen) = mock_api().await;
        let out = run_example(
            name,
            &["+18005550100", "+18005550101", FLAKY_CONNECTION],
            &format!("http://{addr}"),
        )
        .await;
        assert!(
            out.status.success(),
            "{name}: {:?}\nstderr: {}",
            out.status,
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout).trim(), CALL_CONTROL_ID, "{name}");
        let bodies = seen.bodies.lock().unwrap();
        assert_eq!(bodies.len(), 2, "{name}: one retry after the 503");
        let first = bodies[0].1["command_id"].as_str().expect("command_id sent");
        assert_eq!(bodies[1].1["command_id"], first, "{name}: command_id kept");
        let counts = seen.retry_counts.lock().unwrap();
        assert_eq!(counts[0].as_deref(), Some("0"), "{name}");
        assert_eq!(counts[1].as_deref(), Some("1"), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dial_api_error_exits_1_with_status_and_detail() {
    for name in DIAL_EXAMPLES {
        let (addr, seen) = mock_api().await;
        let out = run_example(
            name,
            &["+18005550100", "+18005550101", GONE_CONNECTION],
            &format!("http://{addr}"),
        )
        .await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("422"), "{name}: status missing: {stderr}");
        assert!(
            stderr.contains(ERROR_DETAIL),
            "{name}: detail missing: {stderr}"
        );
        assert!(text(&out.stdout).is_empty(), "{name}");
        assert_eq!(
            seen.bodies.lock().unwrap().len(),
            1,
            "{name}: 422 not retried"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_error_exits_1_with_status_and_detail() {
    let (addr, seen) = mock_api().await;
    let out = run_example("hangup", &["v3:gone"], &format!("http://{addr}")).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("422"),
        "status missing from stderr: {stderr}"
    );
    assert!(
        stderr.contains(ERROR_DETAIL),
        "detail missing from stderr: {stderr}"
    );
    assert!(text(&out.stdout).is_empty());
    // 422 is not retried.
    assert_eq!(seen.bodies.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_arguments_print_usage_and_exit_2() {
    for name in DIAL_EXAMPLES {
        let out = run_example(name, &["+18005550100"], "http://127.0.0.1:9").await;
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(text(&out.stderr).contains("usage:"), "{name}");
    }
}

#[cfg(feature = "axum")]
mod webhook_server {
    use super::*;

    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use ed25519_dalek::{Signer, SigningKey};
    use tokio::io::AsyncReadExt;

    const BODY: &str = r#"{"data":{"event_type":"call.answered","id":"0ccc7b54","record_type":"event","payload":{"call_control_id":"v3:answered-1","call_leg_id":"leg","call_session_id":"session"}}}"#;

    fn signing_key() -> SigningKey {
        SigningKey::from_bytes(&[42u8; 32])
    }

    fn sign(timestamp: &str, body: &str) -> String {
        let mut message = timestamp.as_bytes().to_vec();
        message.push(b'|');
        message.extend_from_slice(body.as_bytes());
        STANDARD.encode(signing_key().sign(&message).to_bytes())
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    async fn post(
        http: &reqwest::Client,
        url: &str,
        timestamp: &str,
        signature: &str,
        body: &str,
    ) -> u16 {
        http.post(url)
            .header("content-type", "application/json")
            .header("telnyx-timestamp", timestamp)
            .header("telnyx-signature-ed25519", signature)
            .body(body.to_owned())
            .send()
            .await
            .expect("webhook_server is reachable")
            .status()
            .as_u16()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn accepts_signed_events_and_rejects_tampered_ones() {
        let port = free_port();
        let public_key = STANDARD.encode(signing_key().verifying_key().as_bytes());
        let mut child = Command::new(example("webhook_server"))
            .env("PORT", port.to_string())
            .env("TELNYX_PUBLIC_KEY", public_key)
            .env_remove("TELNYX_API_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start webhook_server");

        // Wait until it listens.
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut ready = false;
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        if !ready {
            child.kill().await.ok();
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .await
                .ok();
            panic!("webhook_server did not listen on {addr}; stderr: {stderr}");
        }

        let url = format!("http://{addr}/webhooks");
        let http = reqwest::Client::new();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let signature = sign(&now, BODY);

        assert_eq!(post(&http, &url, &now, &signature, BODY).await, 200);

        let tampered = BODY.replace("v3:answered-1", "v3:answered-2");
        assert_eq!(post(&http, &url, &now, &signature, &tampered).await, 400);

        let stale = (now.parse::<u64>().unwrap() - 3600).to_string();
        let stale_signature = sign(&stale, BODY);
        assert_eq!(post(&http, &url, &stale, &stale_signature, BODY).await, 400);

        child.kill().await.ok();
        let mut stdout = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .await
            .unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines, ["event call.answered v3:answered-1"]);
    }
}

/// Both quickstarts (call-flow layer and low-level API) run their whole story against the
/// simulator and exit successfully.
#[tokio::test]
async fn both_quickstarts_complete_their_story() {
    for name in ["quickstart", "quickstart_low_level"] {
        let output = run_example(name, &[], "http://127.0.0.1:9").await;
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "{name} failed:\n{stdout}\n{}",
            text(&output.stderr)
        );
        assert!(stdout.contains("app: agent: hung up"), "{name}:\n{stdout}");
        assert!(stdout.contains("every step happened"), "{name}:\n{stdout}");
    }
}

/// The echo agent against the simulator: a real media stream over 127.0.0.1, both directions;
/// the far end talks for a second and presses `#`, the app echoes and hangs up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_agent_echoes_the_caller_and_hangs_up_on_hash() {
    let out = run_example("echo_agent", &[], "http://127.0.0.1:9").await;
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "echo_agent failed: {:?}\nstdout: {stdout}\nstderr: {}",
        out.status,
        text(&out.stderr)
    );
    for line in [
        "echo_agent: every step happened",
        "app: pressed #",
        "app: mark echo-500ms played",
        "stream  ",
        "event   streaming.stopped",
    ] {
        assert!(stdout.contains(line), "no {line:?} in:\n{stdout}");
    }
}
