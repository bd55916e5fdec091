//! Media streams of simulated calls: the simulator plays Telnyx's side of the WebSocket.
//!
//! When a command starts a stream (`stream_url` on dial or answer, or `streaming_start`), a task
//! connects to the app's URL over a real WebSocket and sends `connected`, `start`, a `media` frame
//! of PCMU audio every 20 ms (the far end's [`Talk`], then silence), a `dtmf` frame for each key
//! the far end presses, and `stop` when the call ends. In bidirectional mode it reads what the app
//! sends back: audio is counted, marks are echoed at once, clears are counted; all of it shows in
//! the timeline as [`EntryKind::Stream`] lines and in [`Simulator::stream_report`]. The
//! `streaming.started`, `streaming.stopped` and `streaming.failed` (when the URL refuses) webhooks
//! are sent like the other events.
//!
//! The code lives in this file; the rest of the simulator calls it from a few one-line hooks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::state::{rfc3339, Shared};
use super::timeline::EntryKind;
use super::Simulator;
use crate::media::frames::{self, InboundFrame};
use crate::media::{base64_encode, decode_outbound, encode_inbound, g711, OutboundFrame};
use crate::WebhookEvent;

/// Samples per second of the simulated streams (PCMU).
pub const SAMPLE_RATE: u32 = 8000;
/// Samples in one 20 ms media frame.
pub const FRAME_SAMPLES: usize = 160;

/// Audio the far end says into a stream, as 16-bit samples at 8000 Hz.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamAudio {
    /// A sine tone.
    Tone {
        /// Frequency in Hz.
        hz: u32,
        /// Peak amplitude.
        amplitude: i16,
    },
    /// Given samples, repeated.
    Samples(Arc<Vec<i16>>),
    /// Silence.
    Silence,
}

impl StreamAudio {
    /// A 440 Hz-style tone of `hz` at a moderate level.
    pub fn tone(hz: u32) -> Self {
        StreamAudio::Tone {
            hz,
            amplitude: 8000,
        }
    }

    /// The samples of a WAV file: 16-bit PCM, mono, 8000 Hz (anything else is an error).
    pub fn from_wav(bytes: &[u8]) -> Result<Self, String> {
        if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
            return Err("not a RIFF/WAVE file".into());
        }
        let mut at = 12;
        let mut format_ok = false;
        while at + 8 <= bytes.len() {
            let id = &bytes[at..at + 4];
            let size =
                u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]])
                    as usize;
            let body = bytes
                .get(at + 8..at + 8 + size)
                .ok_or("truncated WAV chunk")?;
            if id == b"fmt " {
                if body.len() < 16 {
                    return Err("short fmt chunk".into());
                }
                let format = u16::from_le_bytes([body[0], body[1]]);
                let channels = u16::from_le_bytes([body[2], body[3]]);
                let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                let bits = u16::from_le_bytes([body[14], body[15]]);
                if format != 1 || channels != 1 || rate != SAMPLE_RATE || bits != 16 {
                    return Err(format!(
                        "WAV must be 16-bit PCM mono 8000 Hz (format {format}, {channels} channels, {rate} Hz, {bits} bits)"
                    ));
                }
                format_ok = true;
            } else if id == b"data" {
                if !format_ok {
                    return Err("data before fmt".into());
                }
                let samples = body
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect();
                return Ok(StreamAudio::Samples(Arc::new(samples)));
            }
            at += 8 + size + (size & 1);
        }
        Err("no data chunk".into())
    }

    fn frame(&self, offset: u64) -> Vec<i16> {
        match self {
            StreamAudio::Tone { hz, amplitude } => g711::tone(
                f64::from(*hz),
                SAMPLE_RATE,
                offset,
                FRAME_SAMPLES,
                *amplitude,
            ),
            StreamAudio::Samples(samples) if !samples.is_empty() => (0..FRAME_SAMPLES as u64)
                .map(|i| samples[((offset + i) % samples.len() as u64) as usize])
                .collect(),
            _ => vec![0; FRAME_SAMPLES],
        }
    }
}

/// What the far end says into a media stream before pressing its keys ([`super::FarEnd::talk`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Talk {
    /// The audio.
    pub audio: StreamAudio,
    /// How long; then the far end's keys are pressed, then silence follows.
    pub duration: Duration,
}

/// What happened on one call's media stream.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamReport {
    /// The URL the simulator connected to.
    pub url: String,
    /// Whether the connection succeeded.
    pub connected: bool,
    /// `media` frames sent to the app.
    pub frames_sent: u64,
    /// Keys sent as `dtmf` frames, in order.
    pub digits_sent: String,
    /// `media` frames received from the app (bidirectional mode).
    pub app_frames: u64,
    /// Audio received from the app, at 8000 one-byte samples a second.
    pub app_audio: Duration,
    /// Marks received (and echoed), in order.
    pub marks: Vec<String>,
    /// `clear` frames received.
    pub clears: u64,
    /// Frames from the app that did not decode.
    pub bad_frames: u64,
    /// Whether the stream has ended.
    pub ended: bool,
}

enum Control {
    Press(String),
    Stop,
}

struct Handle {
    control: mpsc::UnboundedSender<Control>,
    report: Arc<Mutex<StreamReport>>,
}

/// Streams by call control id (ids are unique, so one map serves every simulator).
fn streams() -> &'static Mutex<HashMap<String, Handle>> {
    static STREAMS: OnceLock<Mutex<HashMap<String, Handle>>> = OnceLock::new();
    STREAMS.get_or_init(Default::default)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The stream settings of a command body (`stream_url`, `stream_bidirectional_mode`, ...).
#[derive(Debug, Clone)]
struct StreamParams {
    url: String,
    bidirectional: bool,
    auth_token: Option<String>,
}

impl StreamParams {
    fn from_body(body: &[u8]) -> Option<StreamParams> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        Some(StreamParams {
            url: text("stream_url")?,
            bidirectional: text("stream_bidirectional_mode").is_some(),
            auth_token: text("stream_auth_token"),
        })
    }
}

/// Hook: a command on call `id` with this JSON body succeeded; starts a stream when the body
/// has a `stream_url` (dial, answer, `streaming_start`).
pub(crate) fn on_command(shared: &Arc<Shared>, id: &str, body: &[u8]) {
    let Some(params) = StreamParams::from_body(body) else {
        return;
    };
    let Some((talk, digits)) = shared.with_leg(id, |leg| {
        (leg.far_end.talk.clone(), leg.far_end.digits.clone())
    }) else {
        return;
    };
    let (control, rx) = mpsc::unbounded_channel();
    let report = Arc::new(Mutex::new(StreamReport {
        url: params.url.clone(),
        ..StreamReport::default()
    }));
    if let Some(old) = lock(streams()).insert(
        id.to_string(),
        Handle {
            control,
            report: report.clone(),
        },
    ) {
        let _ = old.control.send(Control::Stop);
    }
    let task = tokio::spawn(run(
        Arc::clone(shared),
        id.to_string(),
        params,
        talk,
        digits,
        rx,
        report,
    ));
    shared.track_task(task.abort_handle());
}

/// Hook: the call ended, or `streaming_stop` was sent: the stream sends `stop` and closes.
pub(crate) fn stop(id: &str) {
    if let Some(handle) = lock(streams()).get(id) {
        let _ = handle.control.send(Control::Stop);
    }
}

impl Simulator {
    /// What happened on the media stream of a call so far, if one was started.
    pub fn stream_report(&self, call_control_id: &str) -> Option<StreamReport> {
        lock(streams())
            .get(call_control_id)
            .map(|h| lock(&h.report).clone())
    }

    /// Makes the far end press `digits` now; they go to the app as `dtmf` frames. False when the
    /// call has no live stream.
    pub fn stream_press(&self, call_control_id: &str, digits: &str) -> bool {
        lock(streams())
            .get(call_control_id)
            .is_some_and(|h| h.control.send(Control::Press(digits.to_string())).is_ok())
    }
}

fn streaming_event(
    shared: &Shared,
    id: &str,
    event_type: &str,
    url: &str,
    stream_id: &str,
    failure: Option<&str>,
) {
    shared.emit_on(id, |leg| {
        let mut payload = json!({
            "call_control_id": leg.call_control_id,
            "call_leg_id": leg.call_leg_id,
            "call_session_id": leg.call_session_id,
            "connection_id": leg.connection_id,
            "client_state": leg.client_state,
            "stream_url": url,
            "stream_id": stream_id,
            "stream_type": "websocket",
        });
        if let Some(reason) = failure {
            payload["failure_reason"] = json!(reason);
        }
        let body = json!({
            "event_type": event_type,
            "id": uuid::Uuid::new_v4().to_string(),
            "occurred_at": rfc3339(SystemTime::now()),
            "record_type": "event",
            "payload": payload,
        });
        serde_json::to_vec(&body)
            .ok()
            .and_then(|b| WebhookEvent::from_json_bytes(&b).ok())
    });
}

fn note(shared: &Shared, id: &str, detail: String) {
    shared.record(EntryKind::Stream {
        call_control_id: id.to_string(),
        detail,
    });
}

async fn run(
    shared: Arc<Shared>,
    id: String,
    params: StreamParams,
    talk: Option<Talk>,
    digits: Option<String>,
    mut control: mpsc::UnboundedReceiver<Control>,
    report: Arc<Mutex<StreamReport>>,
) {
    let stream_id = uuid::Uuid::new_v4().to_string();
    let mut request = match params.url.as_str().into_client_request() {
        Ok(request) => request,
        Err(error) => {
            fail(
                &shared,
                &id,
                &params.url,
                &stream_id,
                &error.to_string(),
                &report,
            );
            return;
        }
    };
    if let Some(token) = &params.auth_token {
        if let Ok(value) = format!("Bearer {token}").parse() {
            request.headers_mut().insert("authorization", value);
        }
        if let Ok(value) = token.parse() {
            request
                .headers_mut()
                .insert(crate::media::AUTH_TOKEN_HEADER, value);
        }
    }
    let socket = match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => socket,
        Err(error) => {
            fail(
                &shared,
                &id,
                &params.url,
                &stream_id,
                &error.to_string(),
                &report,
            );
            return;
        }
    };
    lock(&report).connected = true;
    note(&shared, &id, format!("stream connected to {}", params.url));
    streaming_event(
        &shared,
        &id,
        "streaming.started",
        &params.url,
        &stream_id,
        None,
    );
    let (mut sink, mut source) = socket.split();
    let start = shared
        .with_leg(&id, |leg| frames::StartMetadata {
            user_id: Some("simulator".into()),
            call_control_id: Some(leg.call_control_id.clone()),
            call_session_id: Some(leg.call_session_id.clone()),
            from: Some(leg.from.clone()),
            to: Some(leg.to.clone()),
            tags: Some(Vec::new()),
            client_state: leg.client_state.clone(),
            custom_parameters: None,
            media_format: Some(frames::MediaFormat {
                encoding: Some("PCMU".into()),
                sample_rate: Some(i64::from(SAMPLE_RATE)),
                channels: Some(1),
            }),
        })
        .unwrap_or_default();
    let mut sequence: u64 = 1;
    let first = [
        InboundFrame::ConnectedFrame(frames::ConnectedFrame {
            version: Some("1.0.0".into()),
        }),
        InboundFrame::StartFrame(frames::StartFrame {
            sequence_number: Some("1".into()),
            stream_id: stream_id.clone(),
            start,
        }),
    ];
    for frame in &first {
        if sink
            .send(Message::Text(encode_inbound(frame).into()))
            .await
            .is_err()
        {
            break;
        }
    }
    let mut ticker = tokio::time::interval(Duration::from_millis(20));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let talk_frames = talk
        .as_ref()
        .map(|t| (t.duration.as_millis() / 20) as u64)
        .unwrap_or(0);
    let mut chunk: u64 = 0;
    let mut pending_digits = digits;
    let mut app_closed = false;
    loop {
        let outgoing: Vec<InboundFrame> = tokio::select! {
            _ = ticker.tick() => {
                chunk += 1;
                let mut out = Vec::new();
                let audio = match &talk {
                    Some(t) if chunk <= talk_frames => t.audio.frame((chunk - 1) * FRAME_SAMPLES as u64),
                    _ => vec![0; FRAME_SAMPLES],
                };
                sequence += 1;
                out.push(InboundFrame::MediaFrame(frames::MediaFrame {
                    sequence_number: Some(sequence.to_string()),
                    stream_id: Some(stream_id.clone()),
                    media: frames::MediaChunk {
                        track: Some(frames::MediaTrack::Inbound),
                        chunk: Some(chunk.to_string()),
                        timestamp: Some(((chunk - 1) * 20).to_string()),
                        payload: base64_encode(&g711::pcm_to_ulaw(&audio)),
                    },
                }));
                lock(&report).frames_sent += 1;
                if chunk == talk_frames.max(1) {
                    if let Some(keys) = pending_digits.take() {
                        out.extend(dtmf_frames(&keys, &stream_id, &mut sequence));
                        note(&shared, &id, format!("far end pressed {keys}"));
                        lock(&report).digits_sent.push_str(&keys);
                    }
                }
                out
            }
            command = control.recv() => match command {
                Some(Control::Press(keys)) => {
                    note(&shared, &id, format!("far end pressed {keys}"));
                    lock(&report).digits_sent.push_str(&keys);
                    dtmf_frames(&keys, &stream_id, &mut sequence)
                }
                Some(Control::Stop) | None => break,
            },
            message = source.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    app_frame(&shared, &id, text.as_str(), &stream_id, &mut sequence, &report, params.bidirectional)
                }
                Some(Ok(Message::Binary(bytes))) => {
                    lock(&report).bad_frames += 1;
                    note(&shared, &id, format!("app sent a binary message of {} bytes", bytes.len()));
                    Vec::new()
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    app_closed = true;
                    break;
                }
                Some(Ok(_)) => Vec::new(),
            },
        };
        for frame in &outgoing {
            if sink
                .send(Message::Text(encode_inbound(frame).into()))
                .await
                .is_err()
            {
                app_closed = true;
                break;
            }
        }
        if app_closed {
            break;
        }
    }
    if !app_closed {
        sequence += 1;
        let stop = InboundFrame::StopFrame(frames::StopFrame {
            sequence_number: Some(sequence.to_string()),
            stream_id: Some(stream_id.clone()),
            stop: Some(frames::StopMetadata {
                user_id: Some("simulator".into()),
                call_control_id: Some(id.clone()),
            }),
        });
        let _ = sink.send(Message::Text(encode_inbound(&stop).into())).await;
        let _ = sink.close().await;
    }
    let summary = {
        let mut r = lock(&report);
        r.ended = true;
        format!(
            "stream stopped: sent {} frames ({:.2} s) and keys {:?}; app sent {:.2} s of audio in {} frames, marks {:?}, {} clears",
            r.frames_sent,
            r.frames_sent as f64 * 0.02,
            r.digits_sent,
            r.app_audio.as_secs_f64(),
            r.app_frames,
            r.marks,
            r.clears
        )
    };
    note(&shared, &id, summary);
    streaming_event(
        &shared,
        &id,
        "streaming.stopped",
        &params.url,
        &stream_id,
        None,
    );
}

fn fail(
    shared: &Shared,
    id: &str,
    url: &str,
    stream_id: &str,
    reason: &str,
    report: &Mutex<StreamReport>,
) {
    lock(report).ended = true;
    note(shared, id, format!("stream to {url} failed: {reason}"));
    streaming_event(shared, id, "streaming.failed", url, stream_id, Some(reason));
}

fn dtmf_frames(keys: &str, stream_id: &str, sequence: &mut u64) -> Vec<InboundFrame> {
    keys.chars()
        .map(|key| {
            *sequence += 1;
            InboundFrame::DtmfFrame(frames::DtmfFrame {
                sequence_number: Some(sequence.to_string()),
                stream_id: Some(stream_id.to_string()),
                occurred_at: Some(rfc3339(SystemTime::now())),
                dtmf: frames::DtmfDigit {
                    digit: key.to_string(),
                },
            })
        })
        .collect()
}

/// One text frame from the app: counted, and a mark echoed back.
fn app_frame(
    shared: &Shared,
    id: &str,
    text: &str,
    stream_id: &str,
    sequence: &mut u64,
    report: &Mutex<StreamReport>,
    bidirectional: bool,
) -> Vec<InboundFrame> {
    match decode_outbound(text) {
        Ok(OutboundFrame::OutboundMediaFrame(frame)) => {
            match crate::media::base64_decode(&frame.media.payload) {
                Ok(audio) if bidirectional => {
                    let mut r = lock(report);
                    r.app_frames += 1;
                    r.app_audio +=
                        Duration::from_secs_f64(audio.len() as f64 / f64::from(SAMPLE_RATE));
                }
                Ok(_) => {
                    lock(report).bad_frames += 1;
                    note(
                        shared,
                        id,
                        "app sent media on a stream that is not bidirectional".into(),
                    );
                }
                Err(error) => {
                    lock(report).bad_frames += 1;
                    note(shared, id, format!("app sent bad media: {error}"));
                }
            }
            Vec::new()
        }
        Ok(OutboundFrame::MarkFrame(frame)) => {
            lock(report).marks.push(frame.mark.name.clone());
            note(
                shared,
                id,
                format!("app mark {:?} (echoed)", frame.mark.name),
            );
            *sequence += 1;
            vec![InboundFrame::MarkFrame(frames::MarkFrame {
                sequence_number: Some(sequence.to_string()),
                stream_id: Some(stream_id.to_string()),
                mark: frame.mark,
            })]
        }
        Ok(OutboundFrame::ClearFrame(_)) => {
            lock(report).clears += 1;
            note(shared, id, "app clear".into());
            Vec::new()
        }
        Ok(OutboundFrame::Unknown(value)) => {
            lock(report).bad_frames += 1;
            note(shared, id, format!("app sent an unknown frame: {value}"));
            Vec::new()
        }
        Err(error) => {
            lock(report).bad_frames += 1;
            note(shared, id, format!("app sent a bad frame: {error}"));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_is_read_and_checked() {
        let mut wav = Vec::new();
        wav.extend_from_slice(b"RIFF");
        wav.extend_from_slice(&(36u32 + 4).to_le_bytes());
        wav.extend_from_slice(b"WAVEfmt ");
        wav.extend_from_slice(&16u32.to_le_bytes());
        wav.extend_from_slice(&1u16.to_le_bytes());
        wav.extend_from_slice(&1u16.to_le_bytes());
        wav.extend_from_slice(&8000u32.to_le_bytes());
        wav.extend_from_slice(&16000u32.to_le_bytes());
        wav.extend_from_slice(&2u16.to_le_bytes());
        wav.extend_from_slice(&16u16.to_le_bytes());
        wav.extend_from_slice(b"data");
        wav.extend_from_slice(&4u32.to_le_bytes());
        wav.extend_from_slice(&7i16.to_le_bytes());
        wav.extend_from_slice(&(-7i16).to_le_bytes());
        assert_eq!(
            StreamAudio::from_wav(&wav).unwrap(),
            StreamAudio::Samples(Arc::new(vec![7, -7]))
        );
        wav[24..28].copy_from_slice(&16000u32.to_le_bytes());
        assert!(StreamAudio::from_wav(&wav).unwrap_err().contains("8000"));
        assert!(StreamAudio::from_wav(b"nope").is_err());
    }
}
