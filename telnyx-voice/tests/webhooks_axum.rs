//! The axum extractor, exercised through a real server on loopback.
#![cfg(feature = "axum")]

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::FromRef;
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use reqwest::StatusCode;
use telnyx_voice::webhooks::axum::{VerifiedWebhook, MAX_BODY_BYTES};
use telnyx_voice::webhooks::{WebhookVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};

const BODY: &str =
    r#"{"data":{"event_type":"call.answered","payload":{"call_control_id":"v3:xyz"}}}"#;

#[derive(Clone)]
struct AppState {
    verifier: WebhookVerifier,
    name: &'static str,
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[3u8; 32])
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(&STANDARD.encode(key().verifying_key().as_bytes())).unwrap()
}

fn now_string() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

fn sign(ts: &str, body: &[u8]) -> String {
    let mut msg = ts.as_bytes().to_vec();
    msg.push(b'|');
    msg.extend_from_slice(body);
    STANDARD.encode(key().sign(&msg).to_bytes())
}

async fn handler(
    axum::extract::State(state): axum::extract::State<AppState>,
    VerifiedWebhook(event): VerifiedWebhook<serde_json::Value>,
) -> String {
    format!(
        "{}:{}",
        state.name,
        event["data"]["event_type"].as_str().unwrap_or("?")
    )
}

async fn bare_handler(VerifiedWebhook(event): VerifiedWebhook<serde_json::Value>) -> String {
    event["data"]["payload"]["call_control_id"]
        .as_str()
        .unwrap_or("?")
        .to_owned()
}

async fn serve() -> SocketAddr {
    let state = AppState {
        verifier: verifier(),
        name: "app",
    };
    let app = Router::new()
        .route("/hook", post(handler))
        .with_state(state)
        .merge(
            Router::new()
                .route("/bare", post(bare_handler))
                .with_state(verifier()),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    addr
}

async fn post_hook(
    addr: SocketAddr,
    path: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> (StatusCode, String, Option<String>) {
    let client = reqwest::Client::new();
    let mut req = client.post(format!("http://{addr}{path}")).body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, resp.text().await.unwrap(), ctype)
}

#[tokio::test]
async fn axum_extractor_accepts_and_rejects() {
    let addr = serve().await;
    let ts = now_string();
    let sig = sign(&ts, BODY.as_bytes());

    // Genuine delivery, header names in mixed case.
    let (status, text, _) = post_hook(
        addr,
        "/hook",
        BODY.into(),
        &[
            ("Telnyx-Timestamp", &ts),
            ("Telnyx-Signature-Ed25519", &sig),
        ],
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::OK, "app:call.answered")
    );

    // State that is the verifier itself.
    let (status, text, _) = post_hook(
        addr,
        "/bare",
        BODY.into(),
        &[(TIMESTAMP_HEADER, &ts), (SIGNATURE_HEADER, &sig)],
    )
    .await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "v3:xyz"));

    // Body changed after signing.
    let tampered = BODY.replace("answered", "hangup");
    let (status, text, ctype) = post_hook(
        addr,
        "/hook",
        tampered.into(),
        &[(TIMESTAMP_HEADER, &ts), (SIGNATURE_HEADER, &sig)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("signature does not match"), "{text}");
    assert!(ctype.unwrap().starts_with("text/plain"));

    // Missing signature header.
    let (status, text, _) = post_hook(addr, "/hook", BODY.into(), &[(TIMESTAMP_HEADER, &ts)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("telnyx-signature-ed25519"), "{text}");

    // Stale timestamp.
    let old = "1600000000";
    let old_sig = sign(old, BODY.as_bytes());
    let (status, text, _) = post_hook(
        addr,
        "/hook",
        BODY.into(),
        &[(TIMESTAMP_HEADER, old), (SIGNATURE_HEADER, &old_sig)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("too old"), "{text}");

    // Genuine signature over something that is not JSON.
    let junk = b"not json".to_vec();
    let junk_sig = sign(&ts, &junk);
    let (status, text, _) = post_hook(
        addr,
        "/hook",
        junk,
        &[(TIMESTAMP_HEADER, &ts), (SIGNATURE_HEADER, &junk_sig)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("not a valid event"), "{text}");

    // Oversized body, declared by Content-Length.
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    let big_sig = sign(&ts, &big);
    let (status, text, _) = post_hook(
        addr,
        "/hook",
        big,
        &[(TIMESTAMP_HEADER, &ts), (SIGNATURE_HEADER, &big_sig)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("exceeds"), "{text}");
}

#[tokio::test]
async fn axum_extractor_limits_streamed_bodies() {
    // A chunked body has no Content-Length; the read limit must still apply.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let addr = serve().await;
    let ts = now_string();
    let sig = sign(&ts, b"x");
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /hook HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n\
         {TIMESTAMP_HEADER}: {ts}\r\n{SIGNATURE_HEADER}: {sig}\r\nConnection: close\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    // 17 chunks of 64 KiB is just over 1 MiB. The server may stop reading
    // once over the limit, so write errors are expected and ignored.
    for _ in 0..17 {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        if conn.write_all(&piece).await.is_err() {
            break;
        }
    }
    let _ = conn.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        conn.read_to_end(&mut response),
    )
    .await
    .expect("server answered in time");
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("could not be read"), "{text}");
}
