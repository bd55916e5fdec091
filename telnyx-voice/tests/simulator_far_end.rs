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
