//! The simulator streams call audio over a real WebSocket on 127.0.0.1 to an app's axum route
//! (`MediaStreamUpgrade::on_stream`): frames and audio as sent, keys, stop, the app's audio
//! played back with its marks and clears, refused URLs, and `streaming_stop`.

use std::time::{Duration, Instant};

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use telnyx_voice::media::frames::MediaTrack;
use telnyx_voice::media::OutboundFrame;
use telnyx_voice::media::{g711, MediaEvent, MediaStream, MediaStreamConfig, MediaStreamUpgrade};
use telnyx_voice::models::{
    CallControlWebhookToolParamsHeadersItem, StreamBidirectionalCodec, StreamBidirectionalMode,
};
use telnyx_voice::simulator::{CallState, FarEnd, SimConfig, Simulator, StreamAudio};
use tokio::sync::mpsc;
use tokio::time::timeout;

mod common;

use common::Receiver;

const CONN: &str = "conn";
const APP: &str = "+15550004000";
const CALLER: &str = "+15550004001";
const CALLEE: &str = "+15550004002";
const BUSY: &str = "+15550004003";

/// An app's media-stream route; each accepted stream (after its `start` frame) is handed to the
/// test, which then reads and writes it directly.
async fn stream_server(
    config: MediaStreamConfig,
) -> (mpsc::UnboundedReceiver<MediaStream>, String) {
    let (tx, rx) = mpsc::unbounded_channel();
    let route = move |upgrade: MediaStreamUpgrade| {
        let tx = tx.clone();
        let config = config.clone();
        async move {
            let response: Response = upgrade.on_stream(config, move |stream| async move {
                let _ = tx.send(stream);
            });
            response
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/stream", listener.local_addr().unwrap());
    let app = Router::new().route("/stream", get(route));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (rx, url)
}

async fn accepted(streams: &mut mpsc::UnboundedReceiver<MediaStream>) -> MediaStream {
    timeout(Duration::from_secs(5), streams.recv())
        .await
        .expect("the simulator connected within 5 s")
        .expect("server running")
}

/// The next frame; fails the test after 5 s, or when the socket closed or a frame is malformed.
async fn next(stream: &mut MediaStream) -> MediaEvent {
    timeout(Duration::from_secs(5), stream.events.next())
        .await
        .expect("a frame within 5 s")
        .expect("the stream is open")
        .expect("the frame decodes")
}

/// Reads frames up to the first that `pick` takes, skipping the rest (audio, mostly).
async fn until<T>(stream: &mut MediaStream, mut pick: impl FnMut(MediaEvent) -> Option<T>) -> T {
    loop {
        if let Some(found) = pick(next(stream).await) {
            return found;
        }
    }
}

/// The socket closes after `stop`: no more frames.
async fn closes(stream: &mut MediaStream) {
    let end = timeout(Duration::from_secs(5), async {
        while let Some(frame) = stream.events.next().await {
            assert!(
                matches!(frame, Ok(MediaEvent::Audio(_))),
                "after stop: {frame:?}"
            );
        }
    })
    .await;
    assert!(end.is_ok(), "the socket was not closed after stop");
}

/// A WAV file of 16-bit PCM, mono, 8000 Hz.
fn wav(samples: &[i16]) -> Vec<u8> {
    let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    for field in [16u32.to_le_bytes(), [1, 0, 1, 0]] {
        out.extend_from_slice(&field);
    }
    out.extend_from_slice(&8000u32.to_le_bytes());
    out.extend_from_slice(&16000u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 16, 0]);
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_call_streams_its_audio_keys_and_stop_to_the_app() {
    let (_receiver, hook) = Receiver::start(0).await;
    let (mut streams, stream_url) = stream_server(MediaStreamConfig::default()).await;
    // 200 ms of noise the test can recognise chunk by chunk, then the keys 5 and #.
    let samples: Vec<i16> = (0..1600u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 18) as i16 - 8000)
        .collect();
    let caller = FarEnd::default()
        .talk(
            StreamAudio::from_wav(&wav(&samples)).unwrap(),
            Duration::from_millis(200),
        )
        .press("5#");
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONN, hook)
            .far_end(CALLER, caller),
    )
    .await
    .unwrap();
    let client = sim.client().unwrap();
    let id = sim.inbound_call(CALLER, APP, CONN).await;
    let call = client.call(id.as_str());
    call.answer()
        .stream_url(&stream_url)
        .client_state_json(&json!({ "agent": "echo" }))
        .unwrap()
        .await
        .unwrap();

    let mut stream = accepted(&mut streams).await;
    assert_eq!(stream.version.as_deref(), Some("1.0.0"));
    let start = &stream.start.start;
    assert_eq!(start.call_control_id.as_deref(), Some(id.as_str()));
    assert_eq!(start.from.as_deref(), Some(CALLER));
    assert_eq!(start.to.as_deref(), Some(APP));
    let state: Value = start.client_state_json().unwrap().expect("client_state");
    assert_eq!(state["agent"], "echo");
    let format = start.media_format.as_ref().expect("media_format");
    assert_eq!(format.encoding.as_deref(), Some("PCMU"));
    assert_eq!((format.sample_rate, format.channels), (Some(8000), Some(1)));

    // The talk arrives as 20 ms PCMU chunks, exactly the WAV's samples, then the keys.
    let mut chunks = Vec::new();
    let mut keys = String::new();
    while keys.len() < 2 {
        match next(&mut stream).await {
            MediaEvent::Audio(chunk) => chunks.push(chunk),
            MediaEvent::Dtmf(dtmf) => keys.push_str(&dtmf.dtmf.digit),
            other => panic!("unexpected frame {other:?}"),
        }
    }
    assert_eq!(keys, "5#");
    assert!(
        chunks.len() >= 10,
        "{} chunks before the keys",
        chunks.len()
    );
    for (i, chunk) in chunks.iter().take(10).enumerate() {
        let i64_ = i as u64;
        assert_eq!(chunk.chunk, Some(i64_ + 1));
        assert_eq!(chunk.timestamp_ms, Some(i64_ * 20));
        assert_eq!(chunk.track, Some(MediaTrack::Inbound));
        let expected = g711::pcm_to_ulaw(&samples[i * 160..(i + 1) * 160]);
        assert_eq!(&chunk.audio[..], &expected[..], "chunk {}", i + 1);
    }
    let sequences: Vec<u64> = chunks.iter().map(|c| c.sequence.unwrap()).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    // After the talk: silence (mu-law 0xff).
    let silence = until(&mut stream, |event| match event {
        MediaEvent::Audio(chunk) => Some(chunk),
        _ => None,
    })
    .await;
    assert!(
        silence.audio.iter().all(|b| *b == 0xff),
        "{:?}",
        silence.audio
    );

    // The stream is not bidirectional: audio from the app is refused, not played.
    stream.sender.send_audio(&[0xff; 160]).await.unwrap();
    sim.wait_for(|t| {
        t.stream_notes(&id)
            .iter()
            .any(|note| note.contains("not bidirectional"))
    })
    .await
    .unwrap();
    // The keys were also reported as webhooks.
    sim.wait_for_event("call.dtmf.received", 2).await.unwrap();

    // The app hangs up: `stop` names the call, then the socket closes.
    call.hangup().await.unwrap();
    let stop = until(&mut stream, |event| match event {
        MediaEvent::Stop(stop) => Some(stop),
        _ => None,
    })
    .await;
    assert_eq!(
        stop.stop.and_then(|s| s.call_control_id).as_deref(),
        Some(id.as_str())
    );
    closes(&mut stream).await;

    let timeline = sim.wait_for_event("streaming.stopped", 1).await.unwrap();
    let types = timeline.event_types_for(&id);
    let at = |name: &str| {
        types
            .iter()
            .position(|t| *t == name)
            .unwrap_or_else(|| panic!("no {name} in {types:?}"))
    };
    assert!(at("call.answered") < at("streaming.started"), "{types:?}");
    assert!(at("streaming.started") < at("call.hangup"), "{types:?}");
    assert!(at("call.hangup") < at("streaming.stopped"), "{types:?}");
    let stopped = timeline.event_payloads("streaming.stopped");
    assert_eq!(stopped[0]["payload"]["stream_url"], stream_url.as_str());

    let report = sim.stream_report(&id).expect("a stream report");
    assert!(report.connected && report.ended && !report.bidirectional);
    assert_eq!(report.digits_sent, "5#");
    assert_eq!(report.stream_id, stream.start.stream_id);
    assert_eq!((report.app_frames, report.bad_frames), (0, 1));
    assert!(report.frames_sent >= 11, "{report:?}");
    let notes = timeline.stream_notes(&id);
    assert!(
        notes.iter().any(|n| n.starts_with("connected to ws://")),
        "{notes:?}"
    );
    assert!(notes.contains(&"far end pressed 5#"), "{notes:?}");
    assert!(
        notes.last().unwrap().starts_with("stopped: sent "),
        "{notes:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dialed_bidirectional_stream_plays_the_app_audio_returns_marks_and_honours_clear() {
    let (_receiver, hook) = Receiver::start(0).await;
    let (mut streams, stream_url) = stream_server(MediaStreamConfig::default()).await;
    let callee = FarEnd::answer_after(Duration::from_millis(100))
        .talk(StreamAudio::tone(1000), Duration::from_secs(30));
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONN, hook)
            .far_end(CALLEE, callee),
    )
    .await
    .unwrap();
    let client = sim.client().unwrap();
    let dialed = client
        .calls()
        .dial(CONN, APP, CALLEE)
        .stream_url(&stream_url)
        .stream_bidirectional_mode(StreamBidirectionalMode::Rtp)
        .stream_bidirectional_codec(StreamBidirectionalCodec::Pcmu)
        .await
        .unwrap();
    let id = dialed.data.call_control_id.to_string();
    let mut stream = accepted(&mut streams).await;
    // The dial's stream connected once the far end answered.
    let events = sim.timeline().event_types_for(&id).join(" ");
    assert!(events.contains("call.answered"), "{events}");

    // Echo ten chunks of the caller's tone.
    for _ in 0..10 {
        let chunk = until(&mut stream, |event| match event {
            MediaEvent::Audio(chunk) => Some(chunk),
            _ => None,
        })
        .await;
        let peak = g711::ulaw_to_pcm(&chunk.audio)
            .iter()
            .map(|s| s.saturating_abs())
            .max()
            .unwrap();
        assert!(peak > 7000, "the tone is in the audio (peak {peak})");
        stream.sender.send_audio(&chunk.audio).await.unwrap();
    }
    // A mark after 300 ms more audio comes back once that audio has played.
    let sent = Instant::now();
    stream.sender.send_audio(&[0xff; 2400]).await.unwrap();
    stream.sender.mark("after-300ms").await.unwrap();
    let mark = until(&mut stream, |event| match event {
        MediaEvent::Mark(mark) => Some(mark),
        _ => None,
    })
    .await;
    assert_eq!(mark.mark.name, "after-300ms");
    assert_eq!(
        mark.stream_id.as_deref(),
        Some(stream.start.stream_id.as_str())
    );
    assert!(
        sent.elapsed() >= Duration::from_millis(300),
        "mark returned after {:?}",
        sent.elapsed()
    );
    // `clear` drops 2 s of queued audio: the mark behind it comes back at once.
    let sent = Instant::now();
    stream.sender.send_audio(&[0xff; 16_000]).await.unwrap();
    stream.sender.mark("cut").await.unwrap();
    stream.sender.clear().await.unwrap();
    let mark = until(&mut stream, |event| match event {
        MediaEvent::Mark(mark) => Some(mark),
        _ => None,
    })
    .await;
    assert_eq!(mark.mark.name, "cut");
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "{:?}",
        sent.elapsed()
    );
    // A frame the simulator does not know is refused and counted.
    stream
        .sender
        .send(&OutboundFrame::Unknown(json!({ "event": "pause" })))
        .await
        .unwrap();
    sim.wait_for(|t| {
        t.stream_notes(&id)
            .iter()
            .any(|note| note.contains("an unknown frame"))
    })
    .await
    .unwrap();

    // `stop_streaming` ends the stream; the call stays up.
    client.call(id.as_str()).stop_streaming().await.unwrap();
    until(&mut stream, |event| match event {
        MediaEvent::Stop(_) => Some(()),
        _ => None,
    })
    .await;
    closes(&mut stream).await;
    let timeline = sim.wait_for_event("streaming.stopped", 1).await.unwrap();
    assert_eq!(sim.call_state(&id), Some(CallState::Answered));
    let stop_command = timeline
        .commands_for(&id)
        .into_iter()
        .find(|c| c.action == Some("streaming_stop"))
        .expect("the stop command");
    assert_eq!(
        timeline.events_caused_by(stop_command.seq),
        vec!["streaming.stopped"]
    );
    let dial_command = timeline.all_commands()[0].seq;
    assert!(timeline
        .events_caused_by(dial_command)
        .contains(&"streaming.started"));

    let report = sim.stream_report(&id).unwrap();
    assert!(report.bidirectional && report.ended);
    assert_eq!(report.app_frames, 12);
    // Ten 20 ms echoes, 300 ms and 2 s: what the app sent, by its codec and rate.
    assert_eq!(report.app_audio, Duration::from_millis(2500));
    assert_eq!(report.marks, ["after-300ms", "cut"]);
    assert_eq!(report.marks_echoed, ["after-300ms", "cut"]);
    assert_eq!((report.clears, report.bad_frames), (1, 1));
    let notes = timeline.stream_notes(&id);
    assert!(
        notes.contains(&"mark \"after-300ms\" sent back (played)"),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"mark \"cut\" sent back (cleared)"),
        "{notes:?}"
    );
    let clear = notes
        .iter()
        .find_map(|n| n.strip_prefix("app clear: "))
        .expect("a clear line");
    let dropped: u64 = clear.split(' ').next().unwrap().parse().unwrap();
    assert!((1500..=2000).contains(&dropped), "{clear}");
    // The diagram draws the stream lines in the call's lane.
    assert!(timeline.to_mermaid().contains("media stream: app clear"));

    // The call can stream again.
    client
        .call(id.as_str())
        .start_streaming()
        .stream_url(&stream_url)
        .await
        .unwrap();
    let again = accepted(&mut streams).await;
    assert_ne!(again.start.stream_id, stream.start.stream_id);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_urls_and_wrong_tokens_are_streaming_failed_and_the_call_can_stream_again() {
    let (_receiver, hook) = Receiver::start(0).await;
    let config = MediaStreamConfig {
        auth_token: Some("s3cret".into()),
        ..MediaStreamConfig::default()
    };
    let (mut streams, stream_url) = stream_server(config).await;
    // A port that was just free: nothing listens there.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("ws://{}/stream", listener.local_addr().unwrap())
    };
    let sim = Simulator::start(
        SimConfig::new()
            .connection(CONN, hook)
            .far_end(BUSY, FarEnd::busy()),
    )
    .await
    .unwrap();
    let client = sim.client().unwrap();
    let id = sim.inbound_call(CALLER, APP, CONN).await;
    let call = client.call(id.as_str());
    call.answer().stream_url(&closed).await.unwrap();

    let timeline = sim.wait_for_event("streaming.failed", 1).await.unwrap();
    assert_eq!(timeline.count_events("streaming.started"), 0);
    let report = sim.stream_report(&id).unwrap();
    assert!(!report.connected && report.ended);
    assert!(report.failure.is_some(), "{report:?}");
    let failed = timeline.event_payloads("streaming.failed")[0]["payload"].clone();
    assert_eq!(failed["failure_reason"], "connection_failed");
    assert_eq!(failed["stream_params"]["stream_url"], closed.as_str());
    assert_eq!(failed["stream_params"]["track"], "inbound_track");
    assert_eq!(failed["stream_type"], "websocket");
    assert_eq!(failed["stream_id"], report.stream_id.as_str());
    assert_eq!(failed["call_control_id"], id.as_str());
    // The answer's stream failed, so the call is not streaming.
    let err = call.stop_streaming().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");

    // The app's route refuses a wrong token (401): also `streaming.failed`.
    call.start_streaming()
        .stream_url(&stream_url)
        .stream_auth_token("wrong")
        .await
        .unwrap();
    sim.wait_for_event("streaming.failed", 2).await.unwrap();
    let report = sim.stream_report(&id).unwrap();
    assert!(report.failure.unwrap().contains("401"), "refused with 401");

    // With the right token the stream starts, carrying the custom parameters.
    call.start_streaming()
        .stream_url(&stream_url)
        .stream_auth_token("s3cret")
        .custom_parameters([CallControlWebhookToolParamsHeadersItem {
            name: Some("agent".into()),
            value: Some("echo".into()),
        }])
        .await
        .unwrap();
    let stream = accepted(&mut streams).await;
    let parameters = stream.start.start.custom_parameters.clone().unwrap();
    assert_eq!(parameters["agent"], "echo");
    sim.wait_for_event("streaming.started", 1).await.unwrap();
    // Streaming twice at once is refused.
    let err = call
        .start_streaming()
        .stream_url(&stream_url)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");

    // A dial's stream waits for the answer: a busy far end never gets one.
    let busy = client
        .calls()
        .dial(CONN, APP, BUSY)
        .stream_url(&stream_url)
        .await
        .unwrap();
    let busy_id = busy.data.call_control_id.to_string();
    sim.wait_for(|t| !t.stream_notes(&busy_id).is_empty())
        .await
        .unwrap();
    let notes = sim.timeline().stream_notes(&busy_id).join("\n");
    assert_eq!(notes, "the call ended before it was answered: no stream");
    let report = sim.stream_report(&busy_id).unwrap();
    assert!(!report.connected && report.ended, "{report:?}");
    let types = sim.timeline().event_types_for(&busy_id).join(" ");
    assert!(!types.contains("streaming."), "{types}");
    sim.shutdown().await;
}
