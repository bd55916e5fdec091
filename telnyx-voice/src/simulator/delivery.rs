//! Signed webhook delivery: one worker posts queued events in order (or, in
//! chaos mode, shuffled within a window), retrying failures, and records every
//! attempt in the timeline. Each body carries `meta.attempt` and
//! `meta.delivered_to`, so it is signed per attempt.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::chaos::Dice;
use super::recorder::Recorder;
use super::timeline::{AttemptOutcome, Delivery, EntryKind};
use super::DeliveryPolicy;
use crate::webhooks::{SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// One event waiting for delivery.
pub(crate) struct Outgoing {
    pub event_id: String,
    pub event_type: String,
    pub url: String,
    /// The event object placed under `data`.
    pub event: Value,
}

/// Signs `timestamp|body` the way Telnyx does and returns the base64 signature.
pub(crate) fn sign(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'|');
    message.extend_from_slice(body);
    base64::engine::general_purpose::STANDARD.encode(key.sign(&message).to_bytes())
}

/// The webhook body of one attempt.
pub(crate) fn body(event: &Value, attempt: u32, url: &str) -> Vec<u8> {
    let body = json!({
        "data": event,
        "meta": { "attempt": attempt, "delivered_to": url },
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

struct Worker {
    recorder: Arc<Recorder>,
    key: SigningKey,
    policy: DeliveryPolicy,
    http: reqwest::Client,
}

/// Delivers queued events, retrying failures; chaos (when set) shuffles, delays and repeats.
pub(crate) async fn run(
    recorder: Arc<Recorder>,
    key: SigningKey,
    policy: DeliveryPolicy,
    chaos: Option<Arc<Dice>>,
    mut inbox: mpsc::UnboundedReceiver<Outgoing>,
) {
    let http = match reqwest::Client::builder()
        .timeout(policy.attempt_timeout)
        .no_proxy()
        .build()
    {
        Ok(http) => http,
        Err(err) => {
            tracing::error!(%err, "simulator could not build its webhook HTTP client");
            return;
        }
    };
    let worker = Worker {
        recorder,
        key,
        policy,
        http,
    };
    while let Some(first) = inbox.recv().await {
        let Some(dice) = &chaos else {
            worker.deliver(&first, false).await;
            continue;
        };
        // Let events queued together arrive, then deliver them in a shuffled order.
        let mut batch = vec![first];
        let window = dice.settings().reorder_window.max(1);
        if window > 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            while batch.len() < window {
                match inbox.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            dice.shuffle(&mut batch);
        }
        for item in &batch {
            let pause = dice.delay();
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
            worker.deliver(item, false).await;
            if dice.duplicate() {
                worker.deliver(item, true).await;
            }
        }
    }
}

impl Worker {
    async fn deliver(&self, item: &Outgoing, repeat: bool) {
        let attempts = self.policy.max_attempts.max(1);
        let mut delivered = false;
        let mut made = 0;
        for attempt in 1..=attempts {
            made = attempt;
            let body = body(&item.event, attempt, &item.url);
            let timestamp = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs()
                .to_string();
            let signature = sign(&self.key, &timestamp, &body);
            let sent = self
                .http
                .post(&item.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(TIMESTAMP_HEADER, &timestamp)
                .header(SIGNATURE_HEADER, signature)
                .body(body)
                .send()
                .await;
            let outcome = match sent {
                Ok(response) => AttemptOutcome::Status(response.status().as_u16()),
                Err(err) => AttemptOutcome::Error(err.to_string()),
            };
            let success = outcome.is_success();
            self.recorder.record(EntryKind::Attempt {
                event_id: item.event_id.clone(),
                event_type: item.event_type.clone(),
                attempt,
                outcome,
            });
            if success {
                delivered = true;
                break;
            }
            if attempt < attempts {
                tokio::time::sleep(self.policy.backoff.saturating_mul(attempt)).await;
            }
        }
        if repeat {
            // A chaos repeat does not change the event's recorded outcome.
            return;
        }
        let status = if delivered {
            Delivery::Delivered { attempts: made }
        } else {
            Delivery::Failed { attempts: made }
        };
        self.recorder.set_delivery(&item.event_id, status);
    }
}
