//! Drives every operation of the Voice API against a simulator over real HTTP,
//! in an order where each one makes sense, and reports what was run.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use telnyx_voice::simulator::{FarEnd, SimConfig, Simulator, Timeline, Timing};

pub const CONN: &str = "conn-ops";
pub const APP_NUMBER: &str = "+15550003000";
pub const CUSTOMER: &str = "+15550003001";
pub const SECOND: &str = "+15550003002";
pub const THIRD: &str = "+15550003003";
pub const AGENT: &str = "+15550003009";
pub const CALLER: &str = "+15550003100";

/// One operation that was run: its operationId, the timeline seq of its command and its answer.
#[derive(Debug, Clone)]
pub struct Ran {
    pub operation: &'static str,
    pub seq: u64,
    pub status: u16,
    pub body: Value,
}

/// A simulator plus a raw HTTP client, keeping the log of operations run.
pub struct Driver {
    pub sim: Simulator,
    pub http: reqwest::Client,
    pub ran: Vec<Ran>,
}

pub async fn simulator(webhook_url: &str) -> Simulator {
    let timing = Timing {
        speak: Duration::from_millis(20),
        playback: Duration::from_millis(20),
        gather: Duration::from_millis(40),
        amd: Duration::from_millis(10),
        action: Duration::from_millis(10),
        ..Timing::default()
    };
    let config = SimConfig::default()
        .timing(timing)
        .connection(CONN, webhook_url)
        .far_end(
            CUSTOMER,
            FarEnd::answer_after(Duration::from_millis(5)).machine(),
        )
        .far_end(CALLER, FarEnd::new().say_at_ai_gather(["sales please"]));
    Simulator::start(config).await.expect("simulator starts")
}

impl Driver {
    pub fn new(sim: Simulator) -> Driver {
        Driver {
            sim,
            http: reqwest::Client::builder().no_proxy().build().expect("http"),
            ran: Vec::new(),
        }
    }

    /// Sends one request, asserts a 2xx answer, logs it and returns the decoded body.
    pub async fn call(
        &mut self,
        operation: &'static str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let url = format!("{}{path}", self.sim.base_url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .http
            .request(method.clone(), &url)
            .bearer_auth(self.sim.api_key());
        if let Some(body) = &body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let before = self.sim.timeline().entries.len();
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        assert!(
            response.headers().contains_key("x-request-id"),
            "{operation}: no x-request-id"
        );
        let bytes = response.bytes().await.expect("body");
        let answer: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON answer")
        };
        assert!(
            (200..300).contains(&status),
            "{operation} {method} {path} answered {status}: {answer}\n{}",
            self.sim.timeline()
        );
        let timeline = self.sim.timeline();
        let bare = path.split('?').next().unwrap_or(path);
        let seq = timeline.entries[before..]
            .iter()
            .find_map(|entry| match &entry.kind {
                telnyx_voice::simulator::EntryKind::Command { path: p, .. } if p == bare => {
                    Some(entry.seq)
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("{operation}: command not recorded"));
        self.ran.push(Ran {
            operation,
            seq,
            status,
            body: answer.clone(),
        });
        answer
    }

    pub async fn post(&mut self, operation: &'static str, path: &str, body: Value) -> Value {
        self.call(operation, "POST", path, Some(body)).await
    }

    pub async fn get(&mut self, operation: &'static str, path: &str) -> Value {
        self.call(operation, "GET", path, None).await
    }

    pub async fn action(
        &mut self,
        operation: &'static str,
        call: &str,
        action: &str,
        body: Value,
    ) -> Value {
        self.post(operation, &format!("/calls/{call}/actions/{action}"), body)
            .await
    }

    pub async fn wait_event(&self, call: &str, event_type: &str, count: usize) -> Timeline {
        self.sim
            .wait_for(|t| {
                t.events()
                    .filter(|e| e.event_type == event_type && e.call_control_id == Some(call))
                    .count()
                    >= count
            })
            .await
            .unwrap_or_else(|err| panic!("waiting for {event_type} on {call}: {err}"))
    }

    pub async fn dial(&mut self, to: &str, extra: Value) -> String {
        let mut body = json!({ "connection_id": CONN, "from": APP_NUMBER, "to": to });
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
            body.extend(extra);
        }
        let answer = self.post("DialCall", "/calls", body).await;
        let id = answer["data"]["call_control_id"]
            .as_str()
            .expect("id")
            .to_string();
        self.wait_event(&id, "call.answered", 1).await;
        id
    }

    /// Which operations ran, by operationId, with how many times.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for ran in &self.ran {
            *counts.entry(ran.operation).or_insert(0) += 1;
        }
        counts
    }
}

/// Runs every operation once or more; returns the driver with its log.
pub async fn run_all(webhook_url: &str) -> Driver {
    let mut d = Driver::new(simulator(webhook_url).await);

    // Applications and connections.
    let app = d
        .post(
            "CreateCallControlApplication",
            "/call_control_applications",
            json!({ "application_name": "ops", "webhook_event_url": webhook_url }),
        )
        .await;
    let app_id = app["data"]["id"].as_str().expect("app id").to_string();
    d.get("ListCallControlApplications", "/call_control_applications")
        .await;
    d.get(
        "RetrieveCallControlApplication",
        &format!("/call_control_applications/{app_id}"),
    )
    .await;
    d.call(
        "UpdateCallControlApplication",
        "PATCH",
        &format!("/call_control_applications/{app_id}"),
        Some(json!({ "application_name": "ops 2", "webhook_event_url": webhook_url })),
    )
    .await;
    d.get("ListConnections", "/connections").await;
    d.get("RetrieveConnection", &format!("/connections/{CONN}"))
        .await;

    // One answered call carries the call actions.
    let a = d
        .dial(
            CUSTOMER,
            json!({ "answering_machine_detection": "detect_beep" }),
        )
        .await;
    d.wait_event(&a, "call.machine.greeting.ended", 1).await;
    d.get("RetrieveCallStatus", &format!("/calls/{a}")).await;
    d.get(
        "ListConnectionActiveCalls",
        &format!("/connections/{CONN}/active_calls"),
    )
    .await;
    d.call(
        "UpdateClientState",
        "PUT",
        &format!("/calls/{a}/actions/client_state_update"),
        Some(json!({ "client_state": "aGVsbG8=" })),
    )
    .await;
    d.action(
        "SpeakCall",
        &a,
        "speak",
        json!({ "payload": "Hi", "voice": "female" }),
    )
    .await;
    d.wait_event(&a, "call.speak.ended", 1).await;
    d.action(
        "StartCallPlayback",
        &a,
        "playback_start",
        json!({ "audio_url": "https://example.com/a.mp3" }),
    )
    .await;
    d.action("StopCallPlayback", &a, "playback_stop", json!({}))
        .await;
    d.action("GatherCall", &a, "gather", json!({ "maximum_digits": 1 }))
        .await;
    d.action("StopCallGather", &a, "gather_stop", json!({}))
        .await;
    d.wait_event(&a, "call.gather.ended", 1).await;
    d.action(
        "GatherUsingSpeak",
        &a,
        "gather_using_speak",
        json!({ "payload": "Press 1", "voice": "female" }),
    )
    .await;
    d.wait_event(&a, "call.gather.ended", 2).await;
    d.action(
        "GatherUsingAudio",
        &a,
        "gather_using_audio",
        json!({ "audio_url": "https://example.com/menu.mp3" }),
    )
    .await;
    d.wait_event(&a, "call.gather.ended", 3).await;
    d.action("SendDTMF", &a, "send_dtmf", json!({ "digits": "1w2" }))
        .await;
    d.action(
        "SendSIPInfo",
        &a,
        "send_sip_info",
        json!({ "content_type": "application/json", "body": "{}" }),
    )
    .await;
    d.action(
        "StartCallRecord",
        &a,
        "record_start",
        json!({ "channels": "single", "format": "mp3", "transcription": true }),
    )
    .await;
    d.action("PauseCallRecording", &a, "record_pause", json!({}))
        .await;
    d.action("ResumeCallRecording", &a, "record_resume", json!({}))
        .await;
    d.action("StopCallRecording", &a, "record_stop", json!({}))
        .await;
    d.action("StartCallFork", &a, "fork_start", json!({})).await;
    d.action("StopCallFork", &a, "fork_stop", json!({})).await;
    // The receiver takes the media stream; stop it once it runs.
    d.action(
        "StartCallStreaming",
        &a,
        "streaming_start",
        json!({ "stream_url": crate::common::stream_url(webhook_url) }),
    )
    .await;
    d.wait_event(&a, "streaming.started", 1).await;
    d.action("StopCallStreaming", &a, "streaming_stop", json!({}))
        .await;
    d.wait_event(&a, "streaming.stopped", 1).await;
    d.action(
        "StartCallTranscription",
        &a,
        "transcription_start",
        json!({}),
    )
    .await;
    d.action("StopCallTranscription", &a, "transcription_stop", json!({}))
        .await;
    d.action("StartSiprecSession", &a, "siprec_start", json!({}))
        .await;
    d.action("StopSiprecSession", &a, "siprec_stop", json!({}))
        .await;
    d.action("noiseSuppressionStart", &a, "suppression_start", json!({}))
        .await;
    d.action("noiseSuppressionStop", &a, "suppression_stop", json!({}))
        .await;
    let started = d
        .action("CallStartAIAssistant", &a, "ai_assistant_start", json!({}))
        .await;
    let conversation = started["data"]["conversation_id"]
        .as_str()
        .expect("conversation")
        .to_string();
    d.action(
        "CallAddMessagesToAIAssistant",
        &a,
        "ai_assistant_add_messages",
        json!({}),
    )
    .await;
    d.action(
        "CallJoinAIAssistant",
        &a,
        "ai_assistant_join",
        json!({ "conversation_id": conversation, "participant": { "id": a, "role": "user" } }),
    )
    .await;
    d.action("CallStopAIAssistant", &a, "ai_assistant_stop", json!({}))
        .await;
    d.action(
        "CallStartConversationRelay",
        &a,
        "conversation_relay_start",
        json!({ "url": "wss://example.com/relay" }),
    )
    .await;
    d.action(
        "CallStopConversationRelay",
        &a,
        "conversation_relay_stop",
        json!({}),
    )
    .await;
    d.action(
        "ReferCall",
        &a,
        "refer",
        json!({ "sip_address": "sip:agent@example.com" }),
    )
    .await;
    d.wait_event(&a, "call.refer.completed", 1).await;

    // Queues.
    d.post("CreateQueue", "/queues", json!({ "queue_name": "support" }))
        .await;
    d.get("ListQueues", "/queues").await;
    d.get("RetrieveCallQueue", "/queues/support").await;
    d.post("UpdateQueue", "/queues/support", json!({ "max_size": 10 }))
        .await;
    d.action(
        "EnqueueCall",
        &a,
        "enqueue",
        json!({ "queue_name": "support" }),
    )
    .await;
    d.get("ListQueueCalls", "/queues/support/calls").await;
    d.get(
        "RetrieveCallFromQueue",
        &format!("/queues/support/calls/{a}"),
    )
    .await;
    d.call(
        "UpdateCallInQueue",
        "PATCH",
        &format!("/queues/support/calls/{a}"),
        Some(json!({})),
    )
    .await;
    d.call(
        "RemoveQueueCall",
        "DELETE",
        &format!("/queues/support/calls/{a}"),
        None,
    )
    .await;
    d.action(
        "EnqueueCall",
        &a,
        "enqueue",
        json!({ "queue_name": "support" }),
    )
    .await;
    d.action("LeaveQueue", &a, "leave_queue", json!({})).await;
    d.call("DeleteQueue", "DELETE", "/queues/support", None)
        .await;

    // Conferences.
    let b = d.dial(SECOND, json!({})).await;
    let conference = d
        .post(
            "CreateConference",
            "/conferences",
            json!({ "call_control_id": a, "name": "room" }),
        )
        .await;
    let conf = conference["data"]["id"]
        .as_str()
        .expect("conference id")
        .to_string();
    let base = format!("/conferences/{conf}");
    d.get("ListConferences", "/conferences").await;
    d.get("RetrieveConference", &base).await;
    d.post(
        "JoinConference",
        &format!("{base}/actions/join"),
        json!({ "call_control_id": b }),
    )
    .await;
    d.get(
        "ListConferenceParticipants",
        &format!("{base}/participants"),
    )
    .await;
    d.get(
        "RetrieveConferenceParticipant",
        &format!("{base}/participants/{b}"),
    )
    .await;
    d.call(
        "UpdateConferenceParticipant",
        "PATCH",
        &format!("{base}/participants/{b}"),
        Some(json!({ "muted": true })),
    )
    .await;
    d.post(
        "MuteConferenceParticipants",
        &format!("{base}/actions/mute"),
        json!({}),
    )
    .await;
    d.post(
        "UnmuteConferenceParticipants",
        &format!("{base}/actions/unmute"),
        json!({}),
    )
    .await;
    d.post(
        "HoldConferenceParticipants",
        &format!("{base}/actions/hold"),
        json!({}),
    )
    .await;
    d.post(
        "UnholdConferenceParticipants",
        &format!("{base}/actions/unhold"),
        json!({ "call_control_ids": [b] }),
    )
    .await;
    d.post(
        "PlayConferenceAudio",
        &format!("{base}/actions/play"),
        json!({ "audio_url": "https://example.com/a.mp3" }),
    )
    .await;
    d.post(
        "StopConferenceAudio",
        &format!("{base}/actions/stop"),
        json!({}),
    )
    .await;
    d.post(
        "SpeakTextToConference",
        &format!("{base}/actions/speak"),
        json!({ "payload": "Welcome", "voice": "female" }),
    )
    .await;
    d.post(
        "ConferenceSendDTMF",
        &format!("{base}/actions/send_dtmf"),
        json!({ "digits": "1" }),
    )
    .await;
    d.post(
        "StartConferenceRecording",
        &format!("{base}/actions/record_start"),
        json!({ "format": "mp3" }),
    )
    .await;
    d.post(
        "PauseConferenceRecording",
        &format!("{base}/actions/record_pause"),
        json!({}),
    )
    .await;
    d.post(
        "ResumeConferenceRecording",
        &format!("{base}/actions/record_resume"),
        json!({}),
    )
    .await;
    d.post(
        "StopConferenceRecording",
        &format!("{base}/actions/record_stop"),
        json!({}),
    )
    .await;
    d.post(
        "ConferenceGatherUsingAudio",
        &format!("{base}/actions/gather_using_audio"),
        json!({ "call_control_id": b, "audio_url": "https://example.com/menu.mp3" }),
    )
    .await;
    d.post(
        "UpdateConference",
        &format!("{base}/actions/update"),
        json!({ "call_control_id": b, "supervisor_role": "monitor" }),
    )
    .await;
    d.action(
        "SwitchSupervisorRole",
        &b,
        "switch_supervisor_role",
        json!({ "role": "barge" }),
    )
    .await;
    d.post(
        "LeaveConference",
        &format!("{base}/actions/leave"),
        json!({ "call_control_id": b }),
    )
    .await;
    d.post("EndConference", &format!("{base}/actions/end"), json!({}))
        .await;

    // Bridge, hang up, transfer.
    d.action("BridgeCall", &a, "bridge", json!({ "call_control_id": b }))
        .await;
    d.wait_event(&b, "call.bridged", 1).await;
    d.action("HangupCall", &a, "hangup", json!({})).await;
    d.wait_event(&b, "call.hangup", 1).await;
    let c = d.dial(THIRD, json!({})).await;
    d.action("TransferCall", &c, "transfer", json!({ "to": AGENT }))
        .await;
    d.wait_event(&c, "call.bridged", 1).await;

    // Inbound calls: one answered (and gathered with AI), one rejected.
    let inbound = d.sim.inbound_call(CALLER, APP_NUMBER, CONN).await;
    d.action("AnswerCall", &inbound, "answer", json!({})).await;
    d.action(
        "callGatherUsingAI",
        &inbound,
        "gather_using_ai",
        json!({ "parameters": { "properties": { "department": { "type": "string" } } } }),
    )
    .await;
    d.wait_event(&inbound, "call.ai_gather.ended", 1).await;
    let refused = d.sim.inbound_call("+15550003101", APP_NUMBER, CONN).await;
    d.action(
        "RejectCall",
        &refused,
        "reject",
        json!({ "cause": "USER_BUSY" }),
    )
    .await;
    d.wait_event(&refused, "call.hangup", 1).await;

    // Recordings and transcriptions.
    let recordings = d.get("GetRecordings", "/recordings").await;
    let ids: Vec<String> = recordings["data"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    assert!(
        ids.len() >= 2,
        "a call and a conference recording: {recordings}"
    );
    d.get("GetRecording", &format!("/recordings/{}", ids[0]))
        .await;
    let transcriptions = d
        .get("getRecordingTranscriptions", "/recording_transcriptions")
        .await;
    let transcription = transcriptions["data"][0]["id"]
        .as_str()
        .expect("transcription")
        .to_string();
    d.get(
        "getRecordingTranscription",
        &format!("/recording_transcriptions/{transcription}"),
    )
    .await;
    d.call(
        "deleteRecordingTranscription",
        "DELETE",
        &format!("/recording_transcriptions/{transcription}"),
        None,
    )
    .await;
    d.call(
        "DeleteRecording",
        "DELETE",
        &format!("/recordings/{}", ids[1]),
        None,
    )
    .await;
    d.post(
        "DeleteRecordings",
        "/recordings/actions/delete",
        json!({ "ids": [ids[0]] }),
    )
    .await;

    // Custom storage credentials.
    let storage = format!("/custom_storage_credentials/{CONN}");
    let configuration = json!({ "backend": "s3", "bucket": "recordings", "region": "us-east-1" });
    d.post(
        "CreateCustomStorageCredentials",
        &storage,
        json!({ "backend": "s3", "configuration": configuration }),
    )
    .await;
    d.get("GetCustomStorageCredentials", &storage).await;
    d.call(
        "UpdateCustomStorageCredentials",
        "PUT",
        &storage,
        Some(json!({ "backend": "s3", "configuration": configuration })),
    )
    .await;
    d.call("DeleteCustomStorageCredentials", "DELETE", &storage, None)
        .await;

    // What the simulator recorded, as the API lists it.
    d.sim
        .wait_for(|t| t.events().all(|e| e.delivery.is_final()))
        .await
        .expect("deliveries settle");
    d.get("ListCallEvents", "/call_events").await;
    let deliveries = d
        .get("GetWebhookDeliveries", "/webhook_deliveries?page[size]=250")
        .await;
    let delivery = deliveries["data"][0]["id"]
        .as_str()
        .expect("delivery")
        .to_string();
    d.get(
        "GetWebhookDelivery",
        &format!("/webhook_deliveries/{delivery}"),
    )
    .await;
    d.call(
        "DeleteCallControlApplication",
        "DELETE",
        &format!("/call_control_applications/{app_id}"),
        None,
    )
    .await;
    d
}
