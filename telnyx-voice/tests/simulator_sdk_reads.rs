//! What the simulator lists and retrieves decodes into the SDK's generated
//! response models (required fields present, types right), read back through
//! the SDK after a little activity.

use serde_json::json;
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator};

mod common;

use common::Receiver;

const CONN: &str = "conn-reads";

#[tokio::test]
async fn lists_and_retrievals_decode_into_the_sdk_models() {
    let (_receiver, url) = Receiver::start(0).await;
    let sim = Simulator::start(
        SimConfig::default()
            .connection(CONN, &url)
            .far_end("+15550008001", FarEnd::new().say_at_ai_gather(["hello"])),
    )
    .await
    .expect("simulator starts");
    let client = sim.client().expect("client");
    let actions = client.calls().actions();
    let mut calls = Vec::new();
    for to in ["+15550008001", "+15550008002", "+15550008003"] {
        let call = client
            .calls()
            .dial(CONN, "+15550008000", to)
            .await
            .expect("dial");
        calls.push(call.data.call_control_id.clone());
    }
    sim.wait_for_event("call.answered", 3)
        .await
        .expect("answered");
    let (a, b, c) = (&calls[0], &calls[1], &calls[2]);

    // A transcribed recording.
    actions
        .start_recording(
            a,
            telnyx_voice::models::RecordChannels::from("single"),
            telnyx_voice::models::RecordFormat::from("mp3"),
        )
        .transcription(true)
        .await
        .expect("record");
    actions.stop_recording(a).await.expect("stop");
    // A conference of two, a queue of one.
    let conference = client
        .conferences()
        .create(a, "reads")
        .await
        .expect("conference");
    let conf = conference.data.id.clone();
    client
        .conferences()
        .actions()
        .join(&conf, b)
        .await
        .expect("join");
    actions.enqueue(c, "line").await.expect("enqueue");
    let app = client
        .call_control_applications()
        .create("reads app", &url)
        .await
        .expect("application");
    let http = reqwest::Client::builder().no_proxy().build().expect("http");
    let stored = http
        .post(format!(
            "{}/custom_storage_credentials/{CONN}",
            sim.base_url()
        ))
        .bearer_auth(sim.api_key())
        .header("content-type", "application/json")
        .body(
            json!({
                "backend": "s3",
                "configuration": { "backend": "s3", "bucket": "b", "region": "us-east-1" }
            })
            .to_string(),
        )
        .send()
        .await
        .expect("storage");
    assert_eq!(stored.status().as_u16(), 200);
    sim.wait_for(|t| t.events().all(|e| e.delivery.is_final()))
        .await
        .expect("deliveries settle");

    let conferences = client.conferences().list().await.expect("conferences");
    assert_eq!(conferences.data.len(), 1);
    assert_eq!(conferences.data[0].name, "reads");
    let one = client
        .conferences()
        .retrieve(&conf)
        .await
        .expect("conference");
    assert_eq!(one.data.id, conf);
    let participants = client
        .conferences()
        .participants()
        .list(&conf)
        .await
        .expect("participants");
    assert_eq!(participants.data.len(), 2);
    let member = client
        .conferences()
        .participants()
        .retrieve(&conf, b)
        .await
        .expect("participant");
    assert_eq!(member.data.call_control_id.as_deref(), Some(b.as_str()));

    let queues = client.queues().list().await.expect("queues");
    assert_eq!(queues.data[0].name, "line");
    assert_eq!(queues.data[0].current_size, 1);
    let waiting = client
        .queues()
        .calls()
        .list("line")
        .await
        .expect("queue calls");
    assert_eq!(&waiting.data[0].call_control_id, c);
    let queued = client
        .queues()
        .calls()
        .retrieve("line", c)
        .await
        .expect("queued call");
    assert_eq!(queued.data.queue_position, 1);

    let recordings = client.recordings().list().await.expect("recordings");
    assert_eq!(recordings.data.len(), 1);
    let recording_id = recordings.data[0].id.clone().expect("recording id");
    client
        .recordings()
        .retrieve(&recording_id)
        .await
        .expect("recording");
    let transcriptions = client
        .recording_transcriptions()
        .list()
        .await
        .expect("transcriptions");
    assert_eq!(transcriptions.data.len(), 1);
    assert_eq!(
        transcriptions.data[0].recording_id.as_deref(),
        Some(recording_id.as_str())
    );

    let deliveries = client
        .webhook_deliveries()
        .list()
        .await
        .expect("deliveries");
    assert!(!deliveries.data.is_empty());
    let delivery_id = deliveries.data[0].id.clone().expect("delivery id");
    client
        .webhook_deliveries()
        .retrieve(&delivery_id)
        .await
        .expect("delivery");
    let events = client.call_events().list().await.expect("call events");
    assert!(!events.data.is_empty());

    let connections = client.connections().list().await.expect("connections");
    let ids: Vec<_> = connections
        .data
        .iter()
        .filter_map(|c| c.id.clone())
        .collect();
    let app_id = app.data.id.clone().expect("application id");
    assert!(
        ids.contains(&CONN.to_string()) && ids.contains(&app_id),
        "{ids:?}"
    );
    client
        .call_control_applications()
        .retrieve(&app_id)
        .await
        .expect("application");
    let storage = client
        .custom_storage_credentials()
        .retrieve(CONN)
        .await
        .expect("storage credentials");
    assert_eq!(storage.connection_id, CONN);

    let status = client.calls().retrieve_status(a).await.expect("status");
    assert!(status.data.is_alive);
    let active = client
        .connections()
        .list_active_calls(CONN)
        .await
        .expect("active calls");
    assert_eq!(active.data.len(), 3);
    sim.shutdown().await;
}
