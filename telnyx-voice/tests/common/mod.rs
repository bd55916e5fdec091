//! Helpers shared by several integration tests (each test file uses a part of them).
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use telnyx_voice::media::{MediaStreamConfig, MediaStreamUpgrade};

/// A webhook endpoint for tests: keeps every delivery and can refuse the first few. It also
/// takes media streams at `/stream` (the hook's URL with `ws://` and `/stream`) and reads them
/// to the end.
#[derive(Clone, Default)]
pub struct Receiver {
    pub deliveries: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    pub refuse_first: Arc<AtomicUsize>,
}

impl Receiver {
    pub async fn start(refuse_first: usize) -> (Receiver, String) {
        let receiver = Receiver::default();
        receiver.refuse_first.store(refuse_first, Ordering::SeqCst);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let app = Router::new()
            .route("/hook", post(receive))
            .route("/stream", get(drain_stream))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    pub fn bodies(&self) -> Vec<serde_json::Value> {
        self.deliveries
            .lock()
            .expect("lock")
            .iter()
            .map(|(_, body)| serde_json::from_slice(body).expect("json body"))
            .collect()
    }
}

/// The media-stream URL served beside the webhook URL `hook` of [`Receiver::start`].
pub fn stream_url(hook: &str) -> String {
    hook.replace("http://", "ws://").replace("/hook", "/stream")
}

async fn drain_stream(upgrade: MediaStreamUpgrade) -> Response {
    upgrade.on_stream(MediaStreamConfig::default(), |mut stream| async move {
        while stream.events.next().await.is_some() {}
    })
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let refuse = receiver
        .refuse_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    receiver
        .deliveries
        .lock()
        .expect("lock")
        .push((headers, body));
    if refuse {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// Paths where `expected` (the example) is not reproduced by `actual` (re-serialized).
/// `actual` may add keys only when their value is null; numbers compare as `f64`.
pub fn lost_fields(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let child = format!("{path}.{key}");
                match got.get(key) {
                    Some(found) => lost_fields(&child, value, found, out),
                    None if value.is_null() => {}
                    None => out.push(format!("{child}: missing (expected {value})")),
                }
            }
            for (key, value) in got {
                if !want.contains_key(key) && !value.is_null() {
                    out.push(format!("{path}.{key}: added {value} (not in the example)"));
                }
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                out.push(format!(
                    "{path}: array of {} items became {} items",
                    want.len(),
                    got.len()
                ));
                return;
            }
            for (index, (w, g)) in want.iter().zip(got).enumerate() {
                lost_fields(&format!("{path}[{index}]"), w, g, out);
            }
        }
        (Value::Number(w), Value::Number(g)) => {
            if w.as_f64() != g.as_f64() {
                out.push(format!("{path}: {w} became {g}"));
            }
        }
        (w, g) if w == g => {}
        (w, g) => out.push(format!("{path}: {w} became {g}")),
    }
}
