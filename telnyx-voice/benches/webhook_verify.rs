//! Cost of webhook verification compared with the bare Ed25519 check.
//!
//! Run with `cargo bench -p telnyx-voice --bench webhook_verify`.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ed25519_dalek::{Signer, SigningKey};
use http::{HeaderMap, HeaderValue};
use telnyx_voice::webhooks::{WebhookVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// A call.answered delivery of about 1 KB, shaped like a real one.
const CALL_ANSWERED: &str = r#"{"data":{"event_type":"call.answered","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","occurred_at":"2024-01-15T10:30:00.000000Z","payload":{"call_control_id":"v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg","call_leg_id":"2dc6fc34-f9e0-11ea-b68e-02420a0f7768","call_session_id":"2dc1b3c8-f9e0-11ea-bc5a-02420a0f7768","client_state":"eyJjYW1wYWlnbiI6Indpbi1iYWNrIiwiYWdlbnQiOjQyfQ==","connection_id":"1684641123236054244","from":"+35319605860","to":"+13129457420","direction":"outgoing","state":"answered","start_time":"2024-01-15T10:29:52.000000Z","custom_headers":[{"name":"X-Campaign","value":"winter-2024"},{"name":"X-Agent","value":"42"}],"sip_headers":[{"name":"User-to-User","value":"3e3a3d3c"}],"tags":["outbound","campaign:winter-2024"]},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://example.com/telnyx/webhooks/voice","padding":"this field only brings the body to roughly one kilobyte so the benchmark reflects a typical delivery size...."}}"#;

fn bench(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[9u8; 32]);
    let verifying_key = key.verifying_key();
    let body = CALL_ANSWERED.as_bytes();
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
        .to_string();
    let mut message = ts.as_bytes().to_vec();
    message.push(b'|');
    message.extend_from_slice(body);
    let signature = key.sign(&message);
    let sig_b64 = STANDARD.encode(signature.to_bytes());

    let mut headers = HeaderMap::new();
    headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(&ts).expect("ascii"));
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&sig_b64).expect("ascii"),
    );
    // Generous tolerance so a long benchmark run never crosses the window.
    let verifier = WebhookVerifier::from_key_bytes(verifying_key.to_bytes())
        .expect("valid key")
        .with_tolerance(Duration::from_secs(24 * 3600));
    verifier
        .verify(body, &headers)
        .expect("bench input verifies");

    interleaved_ratio(&verifier, &headers, body, &message, &signature);

    let mut group = c.benchmark_group("webhook_verify");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("bare_verify_strict", |b| {
        b.iter(|| {
            verifying_key
                .verify_strict(black_box(&message), black_box(&signature))
                .expect("valid")
        })
    });
    group.bench_function("WebhookVerifier::verify", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(body), black_box(&headers))
                .expect("valid")
        })
    });
    group.bench_function("WebhookVerifier::unwrap::<Value>", |b| {
        b.iter(|| {
            verifier
                .unwrap::<serde_json::Value, _>(black_box(body), black_box(&headers))
                .expect("valid")
        })
    });
    group.finish();
}

/// On a shared or busy machine sequential Criterion groups can drift by tens
/// of percent. This alternates short batches of the two calls and keeps the
/// fastest batch of each, which cancels most background load, then prints
/// the ratio (it is a sanity print, not a Criterion measurement).
fn interleaved_ratio(
    verifier: &WebhookVerifier,
    headers: &HeaderMap,
    body: &[u8],
    message: &[u8],
    signature: &ed25519_dalek::Signature,
) {
    const ROUNDS: usize = 60;
    const BATCH: u32 = 100;
    let key = verifier.verifying_key();
    let mut best_bare = Duration::MAX;
    let mut best_verify = Duration::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..BATCH {
            key.verify_strict(black_box(message), black_box(signature))
                .expect("valid");
        }
        best_bare = best_bare.min(start.elapsed() / BATCH);
        let start = Instant::now();
        for _ in 0..BATCH {
            verifier
                .verify(black_box(body), black_box(headers))
                .expect("valid");
        }
        best_verify = best_verify.min(start.elapsed() / BATCH);
    }
    eprintln!(
        "interleaved best-of-{ROUNDS}: bare verify_strict {best_bare:?}, \
         WebhookVerifier::verify {best_verify:?}, ratio {:.3}",
        best_verify.as_secs_f64() / best_bare.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    targets = bench
}
criterion_main!(benches);
