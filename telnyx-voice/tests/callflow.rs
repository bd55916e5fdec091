//! Call handles, typed client_state and the router, end to end against the simulator.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use telnyx_voice::callflow::router::{CallRouter, HandlerResult, RouteError};
use telnyx_voice::models::{CallAnswered, CallHangup, CallInitiated};
use telnyx_voice::simulator::{DeliveryPolicy, FarEnd, SimConfig, Simulator};
use telnyx_voice::{CallHandle, ClientStateError, EventFacts, WebhookEvent};

const CONNECTION: &str = "callflow-connection";
const SEED: [u8; 32] = [9; 32];

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
struct Flow {
    step: String,
    attempt: u32,
}

type Log = Arc<Mutex<Vec<String>>>;

fn push(log: &Log, line: String) {
    log.lock().unwrap().push(line);
}

fn lines(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// Serves `router` on a free port (optionally answering 500 once, after the router handled the
/// first `call.answered`) and starts a simulator posting to it.
async fn start(router: CallRouter, fail_first_answered: bool) -> Simulator {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    let router = Arc::new(router);
    let failed = Arc::new(Mutex::new(!fail_first_answered));
    let app = axum::Router::new().route(
        "/webhooks",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let router = Arc::clone(&router);
            let failed = Arc::clone(&failed);
            async move {
                let status = router.handle(&headers, &body).await;
                let answered = std::str::from_utf8(&body)
                    .unwrap()
                    .contains("\"call.answered\"");
                let mut failed = failed.lock().unwrap();
                if answered && !*failed {
                    *failed = true;
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                status
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Simulator::start(
        SimConfig::new()
            .seed(SEED)
            .connection(CONNECTION, url)
            .delivery(DeliveryPolicy {
                max_attempts: 3,
                backoff: Duration::from_millis(10),
                attempt_timeout: Duration::from_secs(5),
            })
            .default_far_end(FarEnd::answer_after(Duration::from_millis(10))),
    )
    .await
    .unwrap()
}

/// A client for the simulator that [`start`] will run: the same seed, so the same public key.
fn client_for_seed() -> telnyx_voice::Client {
    let public = SigningKey::from_bytes(&SEED).verifying_key();
    telnyx_voice::Client::builder()
        .api_key(telnyx_voice::simulator::DEFAULT_API_KEY)
        .base_url("http://127.0.0.1:9/v2")
        .public_key(base64::engine::general_purpose::STANDARD.encode(public.as_bytes()))
        .build()
        .unwrap()
}

async fn settled(sim: &Simulator, event_type: &str) {
    sim.wait_for(|t| t.count_events(event_type) > 0 && t.events().all(|e| e.delivery.is_final()))
        .await
        .unwrap();
}

#[tokio::test]
async fn outbound_state_round_trips_and_a_redelivery_after_a_500_runs_the_handler_once() {
    let log: Log = Log::default();
    // The router's client must point at the simulator, which is started after it: route commands
    // through a handle built from the simulator's own client instead.
    let sim_client: Arc<Mutex<Option<telnyx_voice::Client>>> = Arc::default();
    let (l, c) = (log.clone(), sim_client.clone());
    let router = CallRouter::new(client_for_seed()).on(
        move |event: CallAnswered, call: CallHandle, flow: Flow| {
            let (log, client) = (l.clone(), c.lock().unwrap().clone().unwrap());
            async move {
                push(&log, format!("answered {} {flow:?}", call.id()));
                assert_eq!(event.call_control_id(), Some(call.id()));
                let next = Flow {
                    step: "bye".into(),
                    attempt: flow.attempt + 1,
                };
                client
                    .call(call.id())
                    .hangup()
                    .client_state_json(&next)?
                    .await?;
                Ok(())
            }
        },
    );
    let l = log.clone();
    let router = router.on(move |_: CallHangup, _: CallHandle, flow: Flow| {
        let log = l.clone();
        async move {
            push(&log, format!("hangup {flow:?}"));
            Ok(())
        }
    });
    let stats = router.stats();
    let sim = start(router, true).await;
    let client = sim.client().unwrap();
    *sim_client.lock().unwrap() = Some(client.clone());

    let flow = Flow {
        step: "greet".into(),
        attempt: 1,
    };
    let dialed = client
        .calls()
        .dial(CONNECTION, "+15550002000", "+15550002001")
        .client_state_json(&flow)
        .unwrap()
        .await
        .unwrap();
    settled(&sim, "call.hangup").await;

    let id = dialed.data.call_control_id.to_string();
    let got = lines(&log);
    assert_eq!(got[0], format!("answered {id} {flow:?}"));
    assert_eq!(
        got.iter().filter(|l| l.starts_with("answered")).count(),
        1,
        "{got:?}"
    );
    assert!(
        got.iter().any(|l| l
            == &format!(
                "hangup {:?}",
                Flow {
                    step: "bye".into(),
                    attempt: 2
                }
            )),
        "{got:?}"
    );
    let timeline = sim.timeline();
    let attempts = timeline.attempts_for("call.answered");
    assert_eq!(
        attempts.len(),
        2,
        "the 500 made the simulator deliver again"
    );
    assert_eq!(stats.duplicates_dropped(), 1);
    assert_eq!(stats.errors(), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn inbound_call_without_state_then_answered_with_typed_state() {
    let log: Log = Log::default();
    let sim_client: Arc<Mutex<Option<telnyx_voice::Client>>> = Arc::default();
    let (l, c) = (log.clone(), sim_client.clone());
    let router = CallRouter::new(client_for_seed())
        .on(
            move |event: CallInitiated, call: CallHandle, flow: Option<Flow>| {
                let (log, client) = (l.clone(), c.lock().unwrap().clone().unwrap());
                async move {
                    push(&log, format!("initiated {:?} {flow:?}", event.direction()));
                    let state = Flow {
                        step: "menu".into(),
                        attempt: 0,
                    };
                    client
                        .call(call.id())
                        .answer()
                        .client_state_json(&state)?
                        .await?;
                    Ok(())
                }
            },
        )
        .on({
            let log = log.clone();
            move |event: CallAnswered, _: CallHandle, flow: Flow| {
                let log = log.clone();
                async move {
                    push(
                        &log,
                        format!(
                            "answered {} {} {flow:?}",
                            event.from().unwrap_or("?"),
                            event.to().unwrap_or("?")
                        ),
                    );
                    Ok(())
                }
            }
        });
    let stats = router.stats();
    let sim = start(router, false).await;
    *sim_client.lock().unwrap() = Some(sim.client().unwrap());
    sim.inbound_call("+15550003001", "+15550003000", CONNECTION)
        .await;
    settled(&sim, "call.answered").await;
    assert_eq!(
        lines(&log),
        [
            "initiated Some(Incoming) None".to_string(),
            format!(
                "answered +15550003001 +15550003000 {:?}",
                Flow {
                    step: "menu".into(),
                    attempt: 0
                }
            )
        ]
    );
    assert_eq!(stats.errors(), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn malformed_client_state_is_reported_answered_200_and_not_redelivered() {
    let errors: Log = Log::default();
    let ran: Log = Log::default();
    let (e, r) = (errors.clone(), ran.clone());
    let router = CallRouter::new(client_for_seed())
        .on(move |_: CallAnswered, _: CallHandle, _: Flow| {
            let ran = r.clone();
            async move {
                push(&ran, "handler ran".into());
                Ok(())
            }
        })
        .on_error(move |err| {
            let kind = match err {
                RouteError::ClientState {
                    source: ClientStateError::Base64(_),
                    ..
                } => "bad base64".to_string(),
                other => other.to_string(),
            };
            push(&e, kind);
        });
    let sim = start(router, false).await;
    let client = sim.client().unwrap();
    client
        .calls()
        .dial(CONNECTION, "+15550004000", "+15550004001")
        .client_state("not base64!")
        .await
        .unwrap();
    settled(&sim, "call.answered").await;
    assert_eq!(lines(&errors), ["bad base64"]);
    assert!(lines(&ran).is_empty());
    assert_eq!(sim.timeline().attempts_for("call.answered").len(), 1);
    sim.shutdown().await;
}

fn signed(body: &str) -> HeaderMap {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let mut message = timestamp.clone().into_bytes();
    message.push(b'|');
    message.extend_from_slice(body.as_bytes());
    let signature = SigningKey::from_bytes(&SEED).sign(&message);
    let mut headers = HeaderMap::new();
    headers.insert(
        "telnyx-timestamp",
        HeaderValue::from_str(&timestamp).unwrap(),
    );
    headers.insert(
        "telnyx-signature-ed25519",
        HeaderValue::from_str(
            &base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()),
        )
        .unwrap(),
    );
    headers
}

#[tokio::test]
async fn an_event_for_an_unknown_call_reports_the_failed_command_and_unknown_types_reach_the_fallback(
) {
    let sim = Simulator::start(SimConfig::new().seed(SEED)).await.unwrap();
    let errors: Log = Log::default();
    let fallback: Log = Log::default();
    let (e, f) = (errors.clone(), fallback.clone());
    let router = CallRouter::new(sim.client().unwrap())
        .on(
            |_: CallAnswered, call: CallHandle, _: Option<Flow>| async move {
                call.hangup().await?;
                Ok(())
            },
        )
        .fallback(move |event: WebhookEvent| {
            let f = f.clone();
            async move {
                push(&f, format!("{} {:?}", event.event_type(), event.event_id()));
                HandlerResult::Ok(())
            }
        })
        .on_error(move |err| push(&e, format!("{err}")));
    let stats = router.stats();

    let body = r#"{"data":{"event_type":"call.answered","id":"ev-1","record_type":"event","payload":{"call_control_id":"v3:nobody"}}}"#;
    assert_eq!(
        router.handle(&signed(body), body.as_bytes()).await,
        StatusCode::OK
    );
    let got = lines(&errors);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("handler of `call.answered` failed"),
        "{got:?}"
    );
    assert!(sim.call_state("v3:nobody").is_none());

    // The same delivery again is dropped; an unknown type goes to the fallback with its id.
    assert_eq!(
        router.handle(&signed(body), body.as_bytes()).await,
        StatusCode::OK
    );
    let other = r#"{"data":{"event_type":"call.something_new","id":"ev-2"}}"#;
    assert_eq!(
        router.handle(&signed(other), other.as_bytes()).await,
        StatusCode::OK
    );
    assert_eq!(lines(&fallback), [r#"call.something_new Some("ev-2")"#]);
    assert_eq!(stats.duplicates_dropped(), 1);

    // A forged delivery is refused.
    let mut forged = signed(body);
    forged.insert("telnyx-timestamp", HeaderValue::from_static("1"));
    assert_eq!(
        router.handle(&forged, body.as_bytes()).await,
        StatusCode::BAD_REQUEST
    );
    sim.shutdown().await;
}

#[test]
fn facts_without_unwrapping_the_payload() {
    let body = r#"{"data":{"event_type":"call.initiated","id":"e1","occurred_at":"2026-01-01T00:00:00Z",
        "payload":{"call_control_id":"v3:a","call_leg_id":"l","call_session_id":"s","connection_id":"c",
        "from":"+1","to":"+2","direction":"incoming","client_state":"eyJzdGVwIjoieCIsImF0dGVtcHQiOjN9"}}}"#;
    let event = WebhookEvent::from_json_bytes(body.as_bytes()).unwrap();
    let facts = event.facts();
    assert_eq!(facts.call_leg_id().map(|id| id.as_str()), Some("l"));
    assert_eq!(facts.call_session_id().map(|id| id.as_str()), Some("s"));
    assert_eq!(facts.connection_id().map(|id| id.as_str()), Some("c"));
    assert_eq!((facts.from(), facts.to()), (Some("+1"), Some("+2")));
    assert_eq!(facts.occurred_at(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(
        event.client_state::<Flow>().unwrap(),
        Flow {
            step: "x".into(),
            attempt: 3
        }
    );
    let WebhookEvent::CallInitiated(initiated) = &event else {
        panic!("not call.initiated: {event:?}");
    };
    assert_eq!(
        initiated.direction(),
        Some(&telnyx_voice::models::CallInitiatedPayloadDirection::Incoming)
    );
    let client = client_for_seed();
    assert_eq!(
        initiated.call(&client).map(|c| c.id().to_string()),
        Some("v3:a".into())
    );
}
