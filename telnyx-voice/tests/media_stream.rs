//! Media streaming: frame round trips, malformed frames, and the axum server helper over a real
//! WebSocket on 127.0.0.1.

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use telnyx_voice::media::{
    decode_inbound, decode_outbound, encode_inbound, encode_outbound, InboundFrame, MediaError,
    MediaEvent, MediaStreamConfig, MediaStreamUpgrade, OutboundFrame,
};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

fn inbound_samples() -> Vec<Value> {
    vec![
        json!({"event": "connected", "version": "1.0.0"}),
        json!({"event": "start", "sequence_number": "1", "stream_id": "s-1", "start": {
            "user_id": "u", "call_control_id": "v3:c", "call_session_id": "cs", "from": "+1", "to": "+2",
            "tags": ["a"], "client_state": "eyJzdGVwIjoxfQ==", "custom_parameters": {"k": "v"},
            "media_format": {"encoding": "PCMU", "sample_rate": 8000, "channels": 1}}}),
        json!({"event": "media", "sequence_number": "2", "stream_id": "s-1", "media": {
            "track": "inbound", "chunk": "1", "timestamp": "0", "payload": "//8="}}),
        json!({"event": "dtmf", "sequence_number": "3", "stream_id": "s-1",
            "occurred_at": "2026-01-01T00:00:00Z", "dtmf": {"digit": "#"}}),
        json!({"event": "mark", "sequence_number": "4", "stream_id": "s-1", "mark": {"name": "m"}}),
        json!({"event": "error", "sequence_number": "5", "stream_id": "s-1",
            "payload": {"code": 100002, "title": "t", "detail": "d"}}),
        json!({"event": "stop", "sequence_number": "6", "stream_id": "s-1",
            "stop": {"user_id": "u", "call_control_id": "v3:c"}}),
    ]
}

#[test]
fn every_inbound_frame_type_round_trips() {
    let samples = inbound_samples();
    let mut events = Vec::new();
    for sample in &samples {
        let frame = decode_inbound(&sample.to_string()).unwrap();
        assert!(!matches!(frame, InboundFrame::Unknown(_)), "{sample}");
        events.push(frame.event().to_string());
        let back: Value = serde_json::from_str(&encode_inbound(&frame)).unwrap();
        assert_eq!(&back, sample);
    }
    assert_eq!(events, InboundFrame::EVENTS);
}

#[test]
fn every_outbound_frame_type_round_trips() {
    let samples = [
        json!({"event": "media", "media": {"payload": "//8="}}),
        json!({"event": "mark", "mark": {"name": "m"}}),
        json!({"event": "clear"}),
    ];
    let mut events = Vec::new();
    for sample in &samples {
        let frame = decode_outbound(&sample.to_string()).unwrap();
        assert!(!matches!(frame, OutboundFrame::Unknown(_)), "{sample}");
        events.push(frame.event().to_string());
        let back: Value = serde_json::from_str(&encode_outbound(&frame)).unwrap();
        assert_eq!(&back, sample);
    }
    assert_eq!(events, OutboundFrame::EVENTS);
}

#[test]
fn start_client_state_decodes() {
    let frame = decode_inbound(&inbound_samples()[1].to_string()).unwrap();
    let InboundFrame::StartFrame(start) = frame else {
        panic!("not a start frame")
    };
    let state: Value = start.start.client_state_json().unwrap().unwrap();
    assert_eq!(state, json!({"step": 1}));
}

async fn serve(config: MediaStreamConfig) -> (String, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let route = move |upgrade: MediaStreamUpgrade| {
        let tx = tx.clone();
        let config = config.clone();
        async move {
            let response: Response = upgrade.on_stream(config, move |mut stream| async move {
                let _ = tx.send(format!("start {}", stream.start.stream_id));
                while let Some(event) = stream.events.next().await {
                    let line = match event {
                        Ok(MediaEvent::Audio(chunk)) => {
                            // Too short, then the right size: the first is refused, typed.
                            let short = stream.sender.send_audio(&chunk.audio).await;
                            let _ = tx.send(format!("short {:?}", short.err()));
                            let full = vec![0xffu8; 160];
                            stream.sender.send_audio(&full).await.unwrap();
                            stream.sender.mark("m1").await.unwrap();
                            stream.sender.clear().await.unwrap();
                            format!("audio {}", chunk.audio.len())
                        }
                        Ok(MediaEvent::Dtmf(d)) => format!("dtmf {}", d.dtmf.digit),
                        Ok(MediaEvent::Stop(_)) => "stop".to_string(),
                        Ok(MediaEvent::Other(frame)) => format!("other {}", frame.event()),
                        Ok(other) => format!("{other:?}"),
                        Err(MediaError::BinaryFrame(n)) => format!("binary {n}"),
                        Err(MediaError::Json(_)) => "json error".to_string(),
                        Err(MediaError::Base64(_)) => "base64 error".to_string(),
                        Err(other) => format!("error {other}"),
                    };
                    let _ = tx.send(line);
                }
                let _ = tx.send("closed".to_string());
            });
            response
        }
    };
    let app = Router::new().route("/stream", get(route));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/stream", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, rx)
}

#[tokio::test]
async fn the_server_helper_types_every_frame_and_checks_what_the_app_sends() {
    let config = MediaStreamConfig {
        auth_token: Some("secret".into()),
        ..MediaStreamConfig::default()
    };
    let (url, mut lines) = serve(config).await;

    // Without the token the upgrade is refused.
    let refused = tokio_tungstenite::connect_async(url.as_str()).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected 401, got {other:?}"),
    }

    let mut request = url.as_str().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", "Bearer secret".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let samples = inbound_samples();
    for text in [
        samples[0].to_string(),
        samples[1].to_string(),
        // One byte of audio, so the app's echo of it is too short.
        json!({"event": "media", "media": {"payload": "/w=="}}).to_string(),
    ] {
        socket.send(Message::Text(text.into())).await.unwrap();
    }
    socket
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    for text in [
        "{not json".to_string(),
        json!({"event": "media", "media": {"payload": "%%"}}).to_string(),
        json!({"event": "future_event", "x": 1}).to_string(),
        samples[3].to_string(),
        samples[6].to_string(),
    ] {
        socket.send(Message::Text(text.into())).await.unwrap();
    }

    let mut seen = Vec::new();
    while seen.len() < 9 {
        seen.push(lines.recv().await.unwrap());
    }
    assert_eq!(
        seen,
        [
            "start s-1",
            "short Some(ChunkDuration { duration_ms: 0 })",
            "audio 1",
            "binary 3",
            "json error",
            "base64 error",
            "other future_event",
            "dtmf #",
            "stop",
        ]
    );

    // What the app sent: a 160-byte media frame, a mark and a clear, in order.
    let mut sent = Vec::new();
    while sent.len() < 3 {
        match socket.next().await.unwrap().unwrap() {
            Message::Text(text) => sent.push(decode_outbound(text.as_str()).unwrap()),
            _ => continue,
        }
    }
    assert_eq!(sent[0], OutboundFrame::media(&[0xff; 160]));
    assert_eq!(sent[1], OutboundFrame::mark("m1"));
    assert_eq!(sent[2], OutboundFrame::clear());
    socket.close(None).await.unwrap();
    assert_eq!(lines.recv().await.unwrap(), "closed");
}

/// A message many times the socket's read size still arrives whole (and the reads stay small).
#[tokio::test]
async fn a_frame_larger_than_the_read_buffer_arrives_whole() {
    let config = MediaStreamConfig {
        read_buffer_size: 1024,
        ..MediaStreamConfig::default()
    };
    let (url, mut lines) = serve(config).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    let samples = inbound_samples();
    let big = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        vec![0x7fu8; 30_000],
    );
    for text in [
        samples[1].to_string(),
        json!({"event": "media", "media": {"payload": big}}).to_string(),
    ] {
        socket.send(Message::Text(text.into())).await.unwrap();
    }
    assert_eq!(lines.recv().await.unwrap(), "start s-1");
    assert_eq!(lines.recv().await.unwrap(), "short None");
    assert_eq!(lines.recv().await.unwrap(), "audio 30000");
}
