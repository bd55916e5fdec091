//! Values Telnyx refuses are refused by the simulator too, with Telnyx's codes
//! and a pointer at the field; gathers judge input by their own limits.

use std::time::Duration;

use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator, Timing};

mod common;

use common::Receiver;

const CONN: &str = "conn-valid";
const CALLEE: &str = "+15550007001";

/// The code and pointer of a refused request.
fn refusal(err: &telnyx_voice::Error) -> (Option<String>, Option<String>) {
    let api = err.api_error().expect("an API error");
    let detail = &api.errors[0];
    let pointer = detail.source.as_ref().and_then(|s| s.pointer.clone());
    (detail.code.clone(), pointer)
}

async fn answered_call(sim: &Simulator) -> String {
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+15550007000", CALLEE)
        .await
        .expect("dial");
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    call.data.call_control_id.to_string()
}

#[tokio::test]
async fn bad_values_are_refused_with_telnyx_codes() {
    let (_receiver, url) = Receiver::start(0).await;
    let sim = Simulator::start(SimConfig::default().connection(CONN, url))
        .await
        .expect("simulator starts");
    let client = sim.client().expect("client");
    let actions = client.calls().actions();

    let not_e164 = client
        .calls()
        .dial(CONN, "+15550007000", "not a number")
        .await
        .expect_err("bad destination");
    assert_eq!(
        refusal(&not_e164),
        (Some("10016".into()), Some("/to".into()))
    );
    assert!(sim.calls().is_empty(), "nothing was dialed");

    let id = answered_call(&sim).await;
    let cases = [
        (
            actions.speak(&id, "hi", "robot").await.map(drop),
            ("10032", "/voice"),
        ),
        (
            actions
                .speak(&id, "hi", "female")
                .client_state("not base64!")
                .await
                .map(drop),
            ("10015", "/client_state"),
        ),
        (
            actions.transfer(&id, "not a number").await.map(drop),
            ("10016", "/to"),
        ),
        (
            actions.gather(&id).valid_digits("12x").await.map(drop),
            ("10015", "/valid_digits"),
        ),
        (
            actions.gather(&id).minimum_digits(0).await.map(drop),
            ("10033", "/minimum_digits"),
        ),
        (
            actions
                .start_recording(
                    &id,
                    telnyx_voice::models::RecordChannels::from("single"),
                    telnyx_voice::models::RecordFormat::from("ogg"),
                )
                .await
                .map(drop),
            ("10032", "/format"),
        ),
        (
            actions
                .start_recording(
                    &id,
                    telnyx_voice::models::RecordChannels::from("triple"),
                    telnyx_voice::models::RecordFormat::from("mp3"),
                )
                .await
                .map(drop),
            ("10032", "/channels"),
        ),
        (
            actions
                .gather_using_speak(&id, "Press 1", "female")
                .language("xx-YY")
                .await
                .map(drop),
            ("10032", "/language"),
        ),
    ];
    for (result, (code, pointer)) in cases {
        let err = result.expect_err("refused");
        assert!(err.is_unprocessable(), "{err}");
        assert_eq!(
            refusal(&err),
            (Some(code.to_string()), Some(pointer.to_string())),
            "{err}"
        );
    }
    // None of the refused commands reached the call.
    assert!(sim
        .timeline()
        .requests::<serde_json::Value>(&id, "speak")
        .is_empty());

    actions.hangup(&id).await.expect("hangup");
    let ended = actions.hangup(&id).await.expect_err("already ended");
    assert_eq!(refusal(&ended).0.as_deref(), Some("90018"));
    sim.shutdown().await;
}

#[tokio::test]
async fn commands_that_need_an_answer_say_so() {
    let (_receiver, url) = Receiver::start(0).await;
    let sim = Simulator::start(SimConfig::default().connection(CONN, url))
        .await
        .expect("simulator starts");
    let client = sim.client().expect("client");
    let id = sim.inbound_call("+15550007100", "+15550007000", CONN).await;
    let err = client
        .calls()
        .actions()
        .speak(&id, "too early", "female")
        .await
        .expect_err("not answered");
    assert_eq!(refusal(&err).0.as_deref(), Some("90034"));
    sim.shutdown().await;
}

#[tokio::test]
async fn gathers_judge_input_by_their_limits() {
    let (_receiver, url) = Receiver::start(0).await;
    let timing = Timing {
        gather: Duration::from_millis(60),
        ..Timing::default()
    };
    let sim = Simulator::start(
        SimConfig::default()
            .timing(timing)
            .connection(CONN, url)
            .far_end(
                CALLEE,
                FarEnd::new().press_at_gather(["1#", "", "123", "4"]),
            ),
    )
    .await
    .expect("simulator starts");
    let client = sim.client().expect("client");
    let id = answered_call(&sim).await;
    // 1: one key then the terminator, but three are needed; 2: silence;
    // 3: three keys, all valid; 4: a key the menu does not offer.
    for n in 1..=4 {
        client
            .calls()
            .actions()
            .gather(&id)
            .minimum_digits(3)
            .maximum_digits(3)
            .valid_digits("123")
            .await
            .expect("gather");
        sim.wait_for(|t| t.count_events("call.gather.ended") >= n)
            .await
            .expect("gather ends");
    }
    let ended: Vec<telnyx_voice::models::CallGatherEnded> =
        sim.timeline().events_of(&id, "call.gather.ended");
    let results: Vec<(String, String)> = ended
        .into_iter()
        .filter_map(|event| event.payload)
        .map(|gather| {
            (
                gather
                    .status
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                gather.digits.unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("invalid", "1"),
        ("timeout", ""),
        ("valid", "123"),
        ("invalid", "4"),
    ]
    .map(|(status, digits)| (status.to_string(), digits.to_string()));
    assert_eq!(results, expected);
    sim.shutdown().await;
}
