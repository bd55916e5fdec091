//! The simulator's failure paths: refused commands, repeated command ids,
//! webhook retries, authentication, invalid bodies and signatures.

use std::time::Duration;

use base64::Engine as _;
use telnyx_voice::simulator::{
    AttemptOutcome, Delivery, DeliveryPolicy, EntryKind, SimConfig, Simulator,
};
use telnyx_voice::webhooks::WebhookVerifier;
use telnyx_voice::{Client, WebhookEvent};

mod common;

use common::Receiver;

const CONN: &str = "conn-test";

async fn sim_with(config: SimConfig, refuse_first: usize) -> (Simulator, Receiver) {
    let (receiver, url) = Receiver::start(refuse_first).await;
    let sim = Simulator::start(config.connection(CONN, url))
        .await
        .expect("simulator starts");
    (sim, receiver)
}

fn fast_retries() -> DeliveryPolicy {
    DeliveryPolicy {
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        attempt_timeout: Duration::from_secs(2),
    }
}

#[tokio::test]
async fn command_on_an_ended_call_is_refused_with_422() {
    let (sim, _receiver) = sim_with(SimConfig::new(), 0).await;
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+1555", "+15550000001")
        .await
        .expect("dial");
    let id = call.data.call_control_id.clone();
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    client.calls().actions().hangup(&id).await.expect("hangup");

    let err = client
        .calls()
        .actions()
        .speak(&id, "too late", "female")
        .await
        .expect_err("speak on an ended call");
    assert!(err.is_unprocessable(), "{err}");
    let api = err.api_error().expect("api error");
    assert_eq!(api.errors[0].code.as_deref(), Some("90018"));
    assert_eq!(
        api.errors[0].title.as_deref(),
        Some("Call has already ended")
    );

    let err = client
        .calls()
        .actions()
        .hangup(&id)
        .await
        .expect_err("second hangup");
    assert!(err.is_unprocessable(), "{err}");
}

#[tokio::test]
async fn command_before_answer_is_refused() {
    let (sim, _receiver) = sim_with(SimConfig::new(), 0).await;
    let client = sim.client().expect("client");
    let id = sim.inbound_call("+15550000100", "+15550000001", CONN).await;
    let err = client
        .calls()
        .actions()
        .speak(&id, "not yet", "female")
        .await
        .expect_err("speak before answer");
    assert!(err.is_unprocessable(), "{err}");
}

#[tokio::test]
async fn unknown_call_is_422_with_code_90015() {
    let (sim, _receiver) = sim_with(SimConfig::new(), 0).await;
    let client = sim.client().expect("client");
    for err in [
        client
            .calls()
            .retrieve_status("v3:nope")
            .await
            .expect_err("unknown call"),
        client
            .calls()
            .actions()
            .hangup("v3:nope")
            .await
            .expect_err("unknown call"),
    ] {
        assert!(err.is_unprocessable(), "{err}");
        let api = err.api_error().expect("an API error");
        assert_eq!(api.errors[0].code.as_deref(), Some("90015"));
        assert_eq!(
            api.errors[0].title.as_deref(),
            Some("Invalid Call Control ID")
        );
        let pointer = api.errors[0]
            .source
            .as_ref()
            .and_then(|s| s.pointer.as_deref());
        assert_eq!(pointer, Some("/call_control_id"));
    }
}

#[tokio::test]
async fn repeated_command_id_is_answered_but_ignored() {
    let (sim, _receiver) = sim_with(SimConfig::new(), 0).await;
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+1555", "+15550000001")
        .await
        .expect("dial");
    let id = call.data.call_control_id.clone();
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");

    for _ in 0..2 {
        let result = client
            .calls()
            .actions()
            .speak(&id, "once", "female")
            .command_id("speak-1")
            .await
            .expect("speak");
        assert_eq!(result.data.result.as_deref(), Some("ok"));
    }
    sim.wait_for_event("call.speak.ended", 1)
        .await
        .expect("spoken");
    tokio::time::sleep(Duration::from_millis(150)).await;
    let timeline = sim.timeline();
    assert_eq!(timeline.count_events("call.speak.started"), 1);
    assert_eq!(timeline.count_events("call.speak.ended"), 1);
    let duplicates = timeline
        .entries
        .iter()
        .filter(|entry| {
            matches!(
                entry.kind,
                EntryKind::Command {
                    duplicate: true,
                    ..
                }
            )
        })
        .count();
    assert_eq!(duplicates, 1);

    // A repeated id on an ended call is still just acknowledged.
    client
        .calls()
        .actions()
        .hangup(&id)
        .command_id("bye")
        .await
        .expect("hangup");
    client
        .calls()
        .actions()
        .hangup(&id)
        .command_id("bye")
        .await
        .expect("repeated hangup is acknowledged");
    sim.wait_for_event("call.hangup", 1).await.expect("hangup");
    assert_eq!(sim.timeline().count_events("call.hangup"), 1);
}

#[tokio::test]
async fn failed_delivery_is_retried() {
    let (sim, receiver) = sim_with(SimConfig::new().delivery(fast_retries()), 1).await;
    let client = sim.client().expect("client");
    client
        .calls()
        .dial(CONN, "+1555", "+15550000001")
        .await
        .expect("dial");
    let timeline = sim
        .wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    assert_eq!(
        timeline.attempts_for("call.initiated"),
        [
            (1, &AttemptOutcome::Status(500)),
            (2, &AttemptOutcome::Status(200))
        ]
    );
    let initiated = timeline
        .events()
        .find(|event| event.event_type == "call.initiated")
        .expect("event");
    assert_eq!(initiated.delivery, Delivery::Delivered { attempts: 2 });
    // The endpoint saw the first event twice, then the answer once.
    let types: Vec<String> = receiver
        .bodies()
        .iter()
        .map(|body| {
            body["data"]["event_type"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(types, ["call.initiated", "call.initiated", "call.answered"]);
}

#[tokio::test]
async fn unreachable_endpoint_gives_up_after_the_last_attempt() {
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        listener.local_addr().expect("addr")
    };
    let sim = Simulator::start(
        SimConfig::new()
            .delivery(fast_retries())
            .connection(CONN, format!("http://{closed}/hook")),
    )
    .await
    .expect("start");
    let client = sim.client().expect("client");
    client
        .calls()
        .dial(CONN, "+1555", "+15550000001")
        .await
        .expect("dial");
    let timeline = sim
        .wait_for_event("call.initiated", 1)
        .await
        .expect("settled");
    let initiated = timeline.events().next().expect("event");
    assert_eq!(initiated.delivery, Delivery::Failed { attempts: 3 });
    let attempts = timeline.attempts_for("call.initiated");
    assert_eq!(attempts.len(), 3);
    assert!(attempts
        .iter()
        .all(|(_, outcome)| matches!(outcome, AttemptOutcome::Error(_))));
}

#[tokio::test]
async fn wrong_api_key_is_401() {
    let (sim, _receiver) = sim_with(SimConfig::new(), 0).await;
    let client = Client::builder()
        .api_key("KEY_WRONG")
        .base_url(sim.base_url())
        .max_retries(0)
        .build()
        .expect("client");
    let err = client
        .calls()
        .dial(CONN, "+1555", "+15550000001")
        .await
        .expect_err("refused");
    assert!(err.is_unauthorized(), "{err}");
    assert_eq!(
        err.api_error().expect("api error").errors[0]
            .code
            .as_deref(),
        Some("10009")
    );
    assert!(sim.call_ids().is_empty());
    assert_eq!(sim.timeline().commands(), [("POST", "/calls", 401)]);
}

#[tokio::test]
async fn invalid_body_is_422_with_a_pointer() {
    let (sim, _receiver) = sim_with(SimConfig::new(), 0).await;
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        http.post(format!("{}/calls", sim.base_url()))
            .bearer_auth(sim.api_key())
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };

    let missing_to = post(serde_json::json!({"connection_id": CONN, "from": "+1555"}))
        .await
        .expect("send");
    assert_eq!(missing_to.status().as_u16(), 422);
    let body: serde_json::Value =
        serde_json::from_slice(&missing_to.bytes().await.expect("body")).expect("json");
    assert_eq!(body["errors"][0]["code"], "10004");
    assert_eq!(body["errors"][0]["title"], "Missing required parameter");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/to");

    let wrong_type = post(serde_json::json!({"connection_id": CONN, "from": 5, "to": "+1"}))
        .await
        .expect("send");
    assert_eq!(wrong_type.status().as_u16(), 422);
    let body: serde_json::Value =
        serde_json::from_slice(&wrong_type.bytes().await.expect("body")).expect("json");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/from");

    let unknown_connection =
        post(serde_json::json!({"connection_id": "other", "from": "+1", "to": "+2"}))
            .await
            .expect("send");
    assert_eq!(unknown_connection.status().as_u16(), 422);
    let body: serde_json::Value =
        serde_json::from_slice(&unknown_connection.bytes().await.expect("body")).expect("json");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/connection_id");

    // The SDK reads the same error.
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+1555", "+15550000001")
        .await
        .expect("dial");
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    let speak_without_voice = http
        .post(format!(
            "{}/calls/{}/actions/speak",
            sim.base_url(),
            call.data.call_control_id
        ))
        .bearer_auth(sim.api_key())
        .header("content-type", "application/json")
        .body(serde_json::json!({"payload": "hi"}).to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(speak_without_voice.status().as_u16(), 422);
    let body: serde_json::Value =
        serde_json::from_slice(&speak_without_voice.bytes().await.expect("body")).expect("json");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/voice");
}

#[tokio::test]
async fn deliveries_verify_with_the_public_key() {
    let seed = [9u8; 32];
    let (sim, receiver) = sim_with(SimConfig::new().seed(seed), 0).await;
    let expected_key = base64::engine::general_purpose::STANDARD.encode(
        ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .as_bytes(),
    );
    assert_eq!(sim.public_key_base64(), expected_key);

    let client = sim.client().expect("client");
    client
        .calls()
        .dial(CONN, "+1555", "+15550000001")
        .await
        .expect("dial");
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");

    let verifier = WebhookVerifier::new(sim.public_key_base64()).expect("verifier");
    let stranger_key = base64::engine::general_purpose::STANDARD.encode(
        ed25519_dalek::SigningKey::from_bytes(&[1u8; 32])
            .verifying_key()
            .as_bytes(),
    );
    let stranger = WebhookVerifier::new(&stranger_key).expect("verifier");
    let deliveries = receiver.deliveries.lock().expect("lock").clone();
    assert_eq!(deliveries.len(), 2);
    for (headers, body) in &deliveries {
        let event: WebhookEvent = verifier.unwrap(body, headers).expect("verifies");
        assert!(matches!(
            event,
            WebhookEvent::CallInitiated(_) | WebhookEvent::CallAnswered(_)
        ));
        // The SDK's client-side path accepts it too.
        client
            .webhooks()
            .unwrap(body, headers)
            .expect("client verifies");
        assert!(stranger.verify(body, headers).is_err());
    }
}

#[tokio::test]
async fn an_action_the_simulator_does_not_know_is_501_with_a_reason() {
    let (sim, _receiver) = sim_with(SimConfig::new(), 0).await;
    let http = reqwest::Client::builder().no_proxy().build().expect("http");
    let answer = http
        .post(format!("{}/calls/v3:any/actions/teleport", sim.base_url()))
        .bearer_auth(sim.api_key())
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status().as_u16(), 501);
    assert!(answer.headers().contains_key("x-request-id"));
    let body: serde_json::Value =
        serde_json::from_slice(&answer.bytes().await.expect("body")).expect("json");
    assert_eq!(body["errors"][0]["title"], "Not simulated");
    assert!(body["errors"][0]["detail"]
        .as_str()
        .is_some_and(|detail| detail.contains("teleport")));
}
