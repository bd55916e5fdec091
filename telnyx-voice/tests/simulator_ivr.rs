//! An IVR tested the way a user of the crate would test theirs: the app is an
//! ordinary webhook handler using the public SDK, and the test only drives the
//! simulator through its public API, then asserts on what the app sent and on
//! what Telnyx told it. This is the example the README shows.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use telnyx_voice::models::{
    CallGatherEnded, CallGatherEndedPayloadStatus, CallHangup, CallHangupPayloadHangupCause,
    GatherUsingSpeakRequest, TransferCallRequest,
};
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator};
use telnyx_voice::{Client, WebhookEvent};

const CONNECTION: &str = "ivr";
const MAIN_LINE: &str = "+15550004000";
const CALLER: &str = "+15550004001";
const SALES: &str = "+15550004100";
const SUPPORT: &str = "+15550004200";
const MENU: &str = "For sales press 1, for support press 2.";

/// The app under test: answers, plays the menu, retries on bad input, routes the call.
async fn webhook(State(client): State<Arc<Client>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Ok(event) = client.webhooks().unwrap(&body, &headers) else {
        return StatusCode::BAD_REQUEST;
    };
    let actions = client.calls().actions();
    let result = match event {
        WebhookEvent::CallInitiated(event) => {
            let call = event.payload.unwrap_or_default();
            let incoming = call
                .direction
                .as_ref()
                .is_some_and(|d| d.as_str() == "incoming");
            if incoming {
                actions
                    .answer(call.call_control_id.unwrap_or_default())
                    .await
                    .map(drop)
            } else {
                Ok(())
            }
        }
        WebhookEvent::CallAnswered(event) => {
            let call = event.payload.unwrap_or_default();
            if call.to.as_deref() == Some(MAIN_LINE) {
                menu(&client, call.call_control_id.unwrap_or_default()).await
            } else {
                Ok(())
            }
        }
        WebhookEvent::CallGatherEnded(event) => {
            let gather = event.payload.unwrap_or_default();
            let id = gather.call_control_id.unwrap_or_default();
            match (gather.status, gather.digits.as_deref()) {
                (Some(CallGatherEndedPayloadStatus::Valid), Some("1")) => {
                    actions.transfer(id, SALES).await.map(drop)
                }
                (Some(CallGatherEndedPayloadStatus::Valid), Some("2")) => {
                    actions.transfer(id, SUPPORT).await.map(drop)
                }
                _ => menu(&client, id).await,
            }
        }
        _ => Ok(()),
    };
    match result {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn menu(
    client: &Client,
    id: telnyx_voice::models::CallControlId,
) -> telnyx_voice::Result<()> {
    client
        .calls()
        .actions()
        .gather_using_speak(id, MENU, "female")
        .valid_digits("12")
        .maximum_digits(1)
        .await
        .map(drop)
}

#[tokio::test]
async fn caller_presses_a_wrong_key_then_reaches_sales() {
    // The app's webhook endpoint.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook_url = format!("http://{}/webhooks", listener.local_addr().unwrap());

    // The simulated Telnyx: the caller presses 9 (not on the menu), then 1;
    // sales picks up and hangs up after a short talk.
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONNECTION, &webhook_url)
            .far_end(CALLER, FarEnd::new().press_at_gather(["9", "1"]))
            .far_end(
                SALES,
                FarEnd::answer_after(Duration::from_millis(30))
                    .hang_up_after(Duration::from_millis(100)),
            ),
    )
    .await
    .unwrap();
    let client = Arc::new(sim.client().unwrap());
    let app = Router::new()
        .route("/webhooks", post(webhook))
        .with_state(Arc::clone(&client));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let call = sim.inbound_call(CALLER, MAIN_LINE, CONNECTION).await;

    // The caller was transferred to sales...
    let transfer: TransferCallRequest = sim
        .wait_for_request(&call, "transfer", |transfer: &TransferCallRequest| {
            transfer.to == SALES
        })
        .await
        .unwrap();
    assert_eq!(transfer.to, SALES);

    // ...after hearing the menu twice: the first answer was invalid, the second valid.
    let hangup: CallHangup = sim
        .wait_for_event_where(&call, "call.hangup", |_: &CallHangup| true)
        .await
        .unwrap();
    let timeline = sim.timeline();
    let menus: Vec<GatherUsingSpeakRequest> = timeline.requests(&call, "gather_using_speak");
    assert_eq!(menus.len(), 2);
    assert!(menus.iter().all(|menu| menu.payload == MENU));
    let gathers: Vec<CallGatherEnded> = timeline.events_of(&call, "call.gather.ended");
    let results: Vec<_> = gathers
        .into_iter()
        .filter_map(|event| event.payload)
        .map(|gather| (gather.status, gather.digits))
        .collect();
    assert_eq!(
        results,
        [
            (
                Some(CallGatherEndedPayloadStatus::Invalid),
                Some("9".to_string())
            ),
            (
                Some(CallGatherEndedPayloadStatus::Valid),
                Some("1".to_string())
            ),
        ]
    );

    // The call ended normally when sales hung up.
    let cause = hangup.payload.and_then(|payload| payload.hangup_cause);
    assert_eq!(cause, Some(CallHangupPayloadHangupCause::NormalClearing));
    sim.shutdown().await;
}
