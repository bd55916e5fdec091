//! The far end driven by hand through the simulator handle: pressing keys, hanging up,
//! and the call list.

use std::time::Duration;

use telnyx_voice::simulator::{CallState, Direction, FarEndError, SimConfig, Simulator, Timing};

mod common;

use common::Receiver;

const CONN: &str = "conn-far";

async fn sim() -> (Simulator, Receiver) {
    let (receiver, url) = Receiver::start(0).await;
    let timing = Timing {
        gather: Duration::from_millis(400),
        ..Timing::default()
    };
    let sim = Simulator::start(SimConfig::new().timing(timing).connection(CONN, url))
        .await
        .expect("simulator starts");
    (sim, receiver)
}

#[tokio::test]
async fn pressed_keys_reach_the_app_and_the_gather() {
    let (sim, _receiver) = sim().await;
    let client = sim.client().expect("client");
    let id = sim.inbound_call("+15550001111", "+15550002222", CONN).await;
    let calls = sim.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].call_control_id, id);
    assert_eq!(calls[0].direction, Direction::Incoming);
    assert_eq!(calls[0].state, CallState::Ringing);
    assert_eq!(
        sim.press(&id, "1"),
        Err(FarEndError::NotAnswered(id.clone()))
    );
    client.calls().actions().answer(&id).await.expect("answer");
    client
        .calls()
        .actions()
        .gather(&id)
        .maximum_digits(2)
        .await
        .expect("gather");
    sim.press(&id, "42").expect("press");
    let timeline = sim
        .wait_for_event("call.gather.ended", 1)
        .await
        .expect("gathered");
    assert_eq!(timeline.count_events("call.dtmf.received"), 2);
    assert_eq!(sim.press(&id, "x"), Err(FarEndError::InvalidDigit('x')));
    assert_eq!(
        sim.press("v3:nope", "1"),
        Err(FarEndError::UnknownCall("v3:nope".into()))
    );
    sim.hang_up(&id).expect("far end hangs up");
    sim.wait_for_event("call.hangup", 1).await.expect("hangup");
    assert_eq!(sim.calls()[0].state, CallState::Ended);
    assert_eq!(sim.hang_up(&id), Err(FarEndError::Ended(id.clone())));
}

#[tokio::test]
async fn a_failed_wait_shows_the_bodies_that_differ() {
    let (receiver, url) = Receiver::start(0).await;
    let sim = Simulator::start(
        SimConfig::new()
            .wait_timeout(Duration::from_millis(200))
            .connection(CONN, url),
    )
    .await
    .expect("simulator starts");
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+15550001000", "+15550001001")
        .await
        .expect("dial");
    let id = call.data.call_control_id.clone();
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    client
        .calls()
        .actions()
        .transfer(&id, "+15550009999")
        .await
        .expect("transfer");
    let err = sim
        .wait_for_request(
            &id,
            "transfer",
            |t: &telnyx_voice::models::TransferCallRequest| t.to == "+15550002000",
        )
        .await
        .expect_err("the app transferred elsewhere");
    let text = err.to_string();
    assert!(text.contains("`transfer` on"), "{text}");
    assert!(
        text.contains("+15550009999"),
        "the differing body is shown: {text}"
    );
    assert!(text.contains("timeline so far"), "{text}");
    drop(receiver);
    sim.shutdown().await;
}

#[tokio::test]
async fn recordings_are_served_while_they_exist() {
    let (_receiver, url) = Receiver::start(0).await;
    let sim = Simulator::start(SimConfig::new().connection(CONN, url))
        .await
        .expect("simulator starts");
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+15550001000", "+15550001001")
        .await
        .expect("dial");
    let id = call.data.call_control_id.clone();
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    let actions = client.calls().actions();
    actions
        .start_recording(
            &id,
            telnyx_voice::models::RecordChannels::from("dual"),
            telnyx_voice::models::RecordFormat::from("wav"),
        )
        .await
        .expect("record");
    actions
        .hangup(&id)
        .await
        .expect("hangup saves the recording");
    let saved: telnyx_voice::models::CallRecordingSaved = sim
        .wait_for_event_where(
            &id,
            "call.recording.saved",
            |_: &telnyx_voice::models::CallRecordingSaved| true,
        )
        .await
        .expect("saved");
    let payload = saved.payload.expect("payload");
    let urls = payload.recording_urls.expect("urls");
    let wav = urls.wav.expect("wav url");
    let audio = reqwest::get(&wav).await.expect("download");
    assert_eq!(audio.status().as_u16(), 200);
    assert_eq!(audio.headers()["content-type"], "audio/wav");
    let bytes = audio.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"RIFF"), "a WAV file");
    let listed = client.recordings().list().await.expect("list recordings");
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].call_control_id.as_deref(), Some(id.as_str()));
    sim.shutdown().await;
}
