//! Every operation of the Voice API, served by the simulator with state that
//! follows from the operations before it.

use serde_json::Value;
use telnyx_voice::simulator::{NOT_SIMULATED, SERVED_OPERATIONS};

mod common;
#[path = "common/operations.rs"]
mod operations;

use common::Receiver;

#[tokio::test]
async fn every_operation_is_served() {
    let (receiver, hook) = Receiver::start(0).await;
    let driver = operations::run_all(&hook).await;
    let counts = driver.counts();
    let missing: Vec<&&str> = SERVED_OPERATIONS
        .iter()
        .filter(|op| !counts.contains_key(**op))
        .collect();
    assert!(missing.is_empty(), "operations not exercised: {missing:?}");
    assert_eq!(SERVED_OPERATIONS.len(), 96);
    assert!(NOT_SIMULATED.is_empty());

    let timeline = driver.sim.timeline();
    // Recording, AMD, conference and queue events all happened.
    for event in [
        "call.machine.detection.ended",
        "call.machine.greeting.ended",
        "call.recording.saved",
        "call.recording.transcription.saved",
        "conference.created",
        "conference.participant.joined",
        "conference.participant.left",
        "conference.recording.saved",
        "conference.ended",
        "call.enqueued",
        "call.dequeued",
        "call.fork.started",
        "streaming.started",
        "siprec.stopped",
        "call.refer.completed",
        "call.ai_gather.ended",
        "call.conversation.ended",
    ] {
        assert!(timeline.count_events(event) > 0, "no {event}\n{timeline}");
    }
    let machine = timeline.event_payloads("call.machine.detection.ended");
    assert_eq!(machine[0]["payload"]["result"], "machine");
    let ai = timeline.event_payloads("call.ai_gather.ended");
    assert_eq!(ai[0]["payload"]["result"]["department"], "sales please");
    let rejected = timeline
        .event_payloads("call.hangup")
        .into_iter()
        .filter(|e| e["payload"]["hangup_cause"] == "user_busy")
        .count();
    assert_eq!(rejected, 1, "reject's cause reaches the hangup");

    // The recording's URLs are served by the simulator.
    let saved = timeline.event_payloads("call.recording.saved");
    let url = saved[0]["payload"]["recording_urls"]["wav"]
        .as_str()
        .expect("wav url");
    assert!(
        url.starts_with(&format!("http://{}/", driver.sim.addr())),
        "{url}"
    );
    // It was deleted by the run, so its media is gone too.
    let gone = driver.http.get(url).send().await.expect("get");
    assert_eq!(gone.status().as_u16(), 404);

    // Every webhook body carries meta with the attempt and the URL.
    let bodies = receiver.bodies();
    assert!(!bodies.is_empty());
    for body in &bodies {
        assert_eq!(body["meta"]["attempt"], 1, "{body}");
        assert_eq!(
            body["meta"]["delivered_to"],
            Value::String(hook.clone()),
            "{body}"
        );
    }
    driver.sim.shutdown().await;
}
