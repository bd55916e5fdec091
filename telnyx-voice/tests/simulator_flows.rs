//! The simulator's call flows, driven through the SDK as an app would drive Telnyx.

use std::time::Duration;

use telnyx_voice::simulator::{CallState, FarEnd, SimConfig, Simulator, Timing};
use telnyx_voice::WebhookEvent;

mod common;

use common::Receiver;

const CONN: &str = "conn-test";

async fn sim_with(config: SimConfig) -> (Simulator, Receiver) {
    let (receiver, url) = Receiver::start(0).await;
    let sim = Simulator::start(config.connection(CONN, url))
        .await
        .expect("simulator starts");
    (sim, receiver)
}

fn fast_timing() -> Timing {
    Timing {
        inbound_answer_timeout: Duration::from_millis(300),
        ..Timing::default()
    }
}

/// The decoded hangup events the receiver got, as typed SDK events.
fn hangups(receiver: &Receiver) -> Vec<telnyx_voice::models::CallHangupPayload> {
    receiver
        .bodies()
        .into_iter()
        .filter_map(|body| {
            let bytes = serde_json::to_vec(&body).ok()?;
            match WebhookEvent::from_json_bytes(&bytes).ok()? {
                WebhookEvent::CallHangup(event) => event.payload,
                _ => None,
            }
        })
        .collect()
}

#[tokio::test]
async fn outbound_call_speaks_then_hangs_up_in_order() {
    let (sim, receiver) = sim_with(SimConfig::new()).await;
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+15550000001", "+15550000002")
        .client_state("b3V0")
        .await
        .expect("dial");
    let id = call.data.call_control_id.clone();
    assert!(id.starts_with("v3:"), "{id}");
    assert!(call.data.is_alive);
    assert_eq!(call.data.record_type, "call");

    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    assert_eq!(sim.call_state(&id), Some(CallState::Answered));
    client
        .calls()
        .actions()
        .speak(&id, "hello", "female")
        .await
        .expect("speak");
    sim.wait_for_event("call.speak.ended", 1)
        .await
        .expect("spoken");
    client.calls().actions().hangup(&id).await.expect("hangup");
    let timeline = sim.wait_for_event("call.hangup", 1).await.expect("hung up");

    assert_eq!(
        timeline.event_types_for(&id),
        [
            "call.initiated",
            "call.answered",
            "call.speak.started",
            "call.speak.ended",
            "call.hangup"
        ]
    );
    let hangup = hangups(&receiver).pop().expect("hangup delivered");
    assert_eq!(
        hangup.hangup_cause.as_ref().map(|c| c.as_str()),
        Some("normal_clearing")
    );
    assert!(hangup.start_time.is_some());
    assert_eq!(hangup.client_state.as_deref(), Some("b3V0"));

    let status = client.calls().retrieve_status(&id).await.expect("status");
    assert!(!status.data.is_alive);
    assert!(status.data.end_time.is_some());
    sim.shutdown().await;
}

#[tokio::test]
async fn busy_far_end_ends_the_call_with_user_busy() {
    let (sim, receiver) = sim_with(SimConfig::new().far_end("+15550000009", FarEnd::busy())).await;
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+15550000001", "+15550000009")
        .await
        .expect("dial");
    let timeline = sim.wait_for_event("call.hangup", 1).await.expect("hangup");
    assert_eq!(
        timeline.event_types_for(&call.data.call_control_id),
        ["call.initiated", "call.hangup"]
    );
    let hangup = hangups(&receiver).pop().expect("hangup delivered");
    assert_eq!(
        hangup.hangup_cause.as_ref().map(|c| c.as_str()),
        Some("user_busy")
    );
    assert_eq!(
        sim.call_state(&call.data.call_control_id),
        Some(CallState::Ended)
    );
}

#[tokio::test]
async fn unanswered_call_times_out() {
    let config = SimConfig::new().far_end("+15550000008", FarEnd::no_answer());
    let (sim, receiver) = sim_with(config).await;
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+15550000001", "+15550000008")
        .await
        .expect("dial");
    let id = call.data.call_control_id.clone();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.call_state(&id), Some(CallState::Ringing));
    sim.wait_for_event("call.hangup", 1).await.expect("hangup");
    assert_eq!(sim.timeline().count_events("call.answered"), 0);
    let hangup = hangups(&receiver).pop().expect("hangup delivered");
    assert_eq!(
        hangup.hangup_cause.as_ref().map(|c| c.as_str()),
        Some("timeout")
    );
}

#[tokio::test]
async fn far_end_hangs_up_on_its_own() {
    let script =
        FarEnd::answer_after(Duration::from_millis(10)).hang_up_after(Duration::from_millis(50));
    let (sim, receiver) = sim_with(SimConfig::new().far_end("+15550000007", script)).await;
    let client = sim.client().expect("client");
    client
        .calls()
        .dial(CONN, "+15550000001", "+15550000007")
        .await
        .expect("dial");
    sim.wait_for_event("call.hangup", 1).await.expect("hangup");
    let hangup = hangups(&receiver).pop().expect("hangup delivered");
    assert_eq!(
        hangup.hangup_source.as_ref().map(|s| s.as_str()),
        Some("callee")
    );
}

#[tokio::test]
async fn inbound_call_is_answered_gathered_and_transferred() {
    let config = SimConfig::new()
        .timing(fast_timing())
        .far_end("+15550000100", FarEnd::default().press("1#"));
    let (sim, _receiver) = sim_with(config).await;
    let client = sim.client().expect("client");
    let inbound = sim.inbound_call("+15550000100", "+15550000001", CONN).await;
    sim.wait_for_event("call.initiated", 1)
        .await
        .expect("initiated");
    assert_eq!(sim.call_state(&inbound), Some(CallState::Ringing));

    let actions = client.calls().actions();
    actions.answer(&inbound).await.expect("answer");
    actions
        .gather_using_speak(&inbound, "Press one", "female")
        .await
        .expect("gather");
    sim.wait_for_event("call.gather.ended", 1)
        .await
        .expect("gathered");
    let gathered = _receiver
        .bodies()
        .into_iter()
        .find(|body| body["data"]["event_type"] == "call.gather.ended")
        .expect("gather delivered");
    assert_eq!(gathered["data"]["payload"]["digits"], "1");
    assert_eq!(gathered["data"]["payload"]["status"], "valid");

    actions
        .transfer(&inbound, "+15550000200")
        .await
        .expect("transfer");
    let timeline = sim
        .wait_for_event("call.bridged", 2)
        .await
        .expect("bridged");
    let ids = sim.call_ids();
    assert_eq!(ids.len(), 2);
    let target = &ids[1];
    assert_eq!(
        timeline.event_types_for(target),
        ["call.initiated", "call.answered", "call.bridged"]
    );
    assert_eq!(sim.call_state(&inbound), Some(CallState::Bridged));
    assert_eq!(sim.call_state(target), Some(CallState::Bridged));

    actions.hangup(&inbound).await.expect("hangup");
    sim.wait_for_event("call.hangup", 2)
        .await
        .expect("both legs end");
    assert_eq!(sim.call_state(target), Some(CallState::Ended));
}

#[tokio::test]
async fn unanswered_inbound_call_is_abandoned_by_the_caller() {
    let (sim, receiver) = sim_with(SimConfig::new().timing(fast_timing())).await;
    let id = sim.inbound_call("+15550000100", "+15550000001", CONN).await;
    sim.wait_for_event("call.hangup", 1)
        .await
        .expect("caller gives up");
    assert_eq!(sim.call_state(&id), Some(CallState::Ended));
    let hangup = hangups(&receiver).pop().expect("hangup delivered");
    assert_eq!(
        hangup.hangup_cause.as_ref().map(|c| c.as_str()),
        Some("originator_cancel")
    );
}

#[tokio::test]
async fn rejecting_an_inbound_call() {
    let (sim, receiver) = sim_with(SimConfig::new()).await;
    let client = sim.client().expect("client");
    for (cause, expected) in [
        ("USER_BUSY", "user_busy"),
        ("CALL_REJECTED", "call_rejected"),
    ] {
        let id = sim.inbound_call("+15550000100", "+15550000001", CONN).await;
        client
            .calls()
            .actions()
            .reject(&id, telnyx_voice::models::RejectRequestCause::from(cause))
            .await
            .expect("reject");
        let timeline = sim
            .wait_for(|t| {
                t.count_settled("call.hangup") >= 1
                    && t.event_types_for(&id).contains(&"call.hangup")
            })
            .await
            .expect("hangup");
        assert!(timeline.event_types_for(&id).ends_with(&["call.hangup"]));
        let hangup: telnyx_voice::models::CallHangup = timeline
            .last_event(&id, "call.hangup")
            .expect("typed hangup");
        let recorded = hangup.payload.and_then(|payload| payload.hangup_cause);
        assert_eq!(recorded.as_ref().map(|c| c.as_str()), Some(expected));
    }
    sim.wait_for_event("call.hangup", 2)
        .await
        .expect("both hangups");
    let causes: Vec<String> = hangups(&receiver)
        .iter()
        .filter_map(|h| h.hangup_cause.as_ref().map(|c| c.as_str().to_string()))
        .collect();
    assert_eq!(causes, ["user_busy", "call_rejected"]);
}

#[tokio::test]
async fn bridge_two_answered_calls_and_hang_up_both() {
    let (sim, _receiver) = sim_with(SimConfig::new()).await;
    let client = sim.client().expect("client");
    let a = client
        .calls()
        .dial(CONN, "+1555", "+15550000301")
        .await
        .expect("dial a");
    let b = client
        .calls()
        .dial(CONN, "+1555", "+15550000302")
        .await
        .expect("dial b");
    sim.wait_for_event("call.answered", 2)
        .await
        .expect("both answered");
    let (a, b) = (
        a.data.call_control_id.clone(),
        b.data.call_control_id.clone(),
    );
    client
        .calls()
        .actions()
        .bridge(&a, &b)
        .await
        .expect("bridge");
    sim.wait_for_event("call.bridged", 2)
        .await
        .expect("bridged");
    client.calls().actions().hangup(&b).await.expect("hangup");
    sim.wait_for_event("call.hangup", 2)
        .await
        .expect("both ended");
    assert_eq!(sim.call_state(&a), Some(CallState::Ended));
}

#[tokio::test]
async fn playback_start_and_stop() {
    let (sim, receiver) = sim_with(SimConfig::new()).await;
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+1555", "+15550000401")
        .await
        .expect("dial");
    let id = call.data.call_control_id.clone();
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    let actions = client.calls().actions();
    actions
        .start_playback(&id)
        .audio_url("https://example.com/a.mp3")
        .await
        .expect("play");
    actions.stop_playback(&id).await.expect("stop");
    sim.wait_for_event("call.playback.ended", 1)
        .await
        .expect("ended");
    let ended = receiver
        .bodies()
        .into_iter()
        .find(|body| body["data"]["event_type"] == "call.playback.ended")
        .expect("delivered");
    assert_eq!(ended["data"]["payload"]["status"], "cancelled");
    // The natural end of the stopped playback must not be reported as well.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sim.timeline().count_events("call.playback.ended"), 1);
}

#[tokio::test]
async fn active_calls_of_a_connection() {
    let (sim, _receiver) = sim_with(SimConfig::new()).await;
    let client = sim.client().expect("client");
    let a = client
        .calls()
        .dial(CONN, "+1555", "+15550000501")
        .await
        .expect("dial");
    client
        .calls()
        .dial(CONN, "+1555", "+15550000502")
        .await
        .expect("dial");
    let page = client
        .connections()
        .list_active_calls(CONN)
        .await
        .expect("list");
    assert_eq!(page.data.len(), 2);
    sim.wait_for_event("call.answered", 2)
        .await
        .expect("answered");
    client
        .calls()
        .actions()
        .hangup(&a.data.call_control_id)
        .await
        .expect("hangup");
    let page = client
        .connections()
        .list_active_calls(CONN)
        .await
        .expect("list");
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.meta.as_ref().and_then(|m| m.total_items), Some(1));
}

#[tokio::test]
async fn conference_and_queue() {
    let (sim, _receiver) = sim_with(SimConfig::new()).await;
    let client = sim.client().expect("client");
    let a = client
        .calls()
        .dial(CONN, "+1555", "+15550000601")
        .await
        .expect("dial");
    let b = client
        .calls()
        .dial(CONN, "+1555", "+15550000602")
        .await
        .expect("dial");
    let c = client
        .calls()
        .dial(CONN, "+1555", "+15550000603")
        .await
        .expect("dial");
    sim.wait_for_event("call.answered", 3)
        .await
        .expect("answered");
    let conference = client
        .conferences()
        .create(&a.data.call_control_id, "standup")
        .await
        .expect("create");
    assert_eq!(conference.data.name, "standup");
    client
        .conferences()
        .actions()
        .join(&conference.data.id, &b.data.call_control_id)
        .await
        .expect("join");
    client
        .calls()
        .actions()
        .enqueue(&c.data.call_control_id, "support")
        .await
        .expect("enqueue");
    let timeline = sim
        .wait_for_event("call.enqueued", 1)
        .await
        .expect("enqueued");
    assert_eq!(timeline.count_events("conference.created"), 1);
    sim.wait_for_event("conference.participant.joined", 2)
        .await
        .expect("joined");
}

/// Runs the `quickstart` example as a process when it has been built (`cargo test` without
/// target filters builds examples first; with `--test` filters it may be absent).
#[tokio::test]
async fn quickstart_example_finishes_quickly() {
    let exe = std::env::current_exe().expect("current_exe");
    let Some(profile_dir) = exe.parent().and_then(|deps| deps.parent()) else {
        return;
    };
    let path = profile_dir
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        eprintln!("quickstart example not built; skipping (run `cargo build --examples`)");
        return;
    }
    let started = std::time::Instant::now();
    let output = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::process::Command::new(&path).output(),
    )
    .await
    .expect("quickstart finishes")
    .expect("quickstart runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "quickstart failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("every step happened"), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(10));
}
