//! Media streams of simulated calls: the simulator plays Telnyx's side of the WebSocket.
//!
//! A command with a `stream_url` (answer, `streaming_start`, or dial, whose stream waits for
//! the far end to answer) opens a stream: a task connects to the URL over a real WebSocket and
//! sends `connected`, `start`, and a `media` frame every 20 ms carrying what the far end says
//! ([`FarEnd::talk`](super::FarEnd::talk), then silence), a `dtmf` frame for each key the far end
//! presses, and `stop` when the call ends or `streaming_stop` arrives. In bidirectional mode it
//! reads what the app sends back: audio is counted and "played" in real time, a `mark` is sent
//! back once the audio queued before it has played, and `clear` drops what is queued (its marks
//! come back at once). The `streaming.started`, `streaming.stopped` and `streaming.failed` (the
//! URL refused the connection) webhooks go out like every other event.
//!
//! What happened is kept in the leg's [`StreamReport`] and in the timeline as
//! [`EntryKind::Stream`] lines (connected, keys, marks, clears, a closing summary; single audio
//! frames are counted, not listed).
//!
//! Dependencies run one way: this module uses `engine` (to emit events and read legs) and
//! `model`; `engine` reaches a running stream only through the leg's [`StreamLink`].

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use super::engine::Shared;
use super::model::{new_uuid, rfc3339, Leg, StreamControl, StreamLink, StreamReport};
use super::recorder::lock;
use super::script::{Talk, STREAM_RATE};
use super::timeline::EntryKind;
use super::validate::text;
use crate::media::frames::{self, InboundFrame, MediaTrack};
use crate::media::{decode_outbound, encode_inbound, g711, OutboundFrame, AUTH_TOKEN_HEADER};

/// Samples in one 20 ms frame at 8000 Hz.
const FRAME_SAMPLES: usize = 160;
/// How long the simulator waits for the app's WebSocket to accept.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes read from the app's socket at a time (the library zeroes this much before each read,
/// 128 KiB by default; the app's frames are small, larger ones take several reads).
const READ_BUFFER_SIZE: usize = 4 * 1024;
/// Refused frames from the app noted one by one in the timeline; later ones are only counted.
const BAD_FRAMES_NOTED: u64 = 3;

/// How the stream encodes the far end's audio (`stream_codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Pcmu,
    Pcma,
}

impl Codec {
    fn name(self) -> &'static str {
        match self {
            Codec::Pcmu => "PCMU",
            Codec::Pcma => "PCMA",
        }
    }

    fn encode(self, samples: &[i16]) -> Vec<u8> {
        match self {
            Codec::Pcmu => g711::pcm_to_ulaw(samples),
            Codec::Pcma => g711::pcm_to_alaw(samples),
        }
    }
}

/// What the app sends back in bidirectional mode, as far as its duration can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Back {
    /// RTP with a fixed sample size (PCMU, PCMA: 1 byte; L16: 2 bytes) at this rate.
    Rtp { sample_bytes: u32, rate: u32 },
    /// RTP with a codec whose duration is not measured (G722, OPUS, AMR-WB), or mp3.
    Unmeasured,
}

impl Back {
    fn duration(self, bytes: usize) -> Duration {
        match self {
            Back::Rtp { sample_bytes, rate } => {
                let samples = bytes as f64 / f64::from(sample_bytes.max(1));
                Duration::from_secs_f64(samples / f64::from(rate.max(1)))
            }
            Back::Unmeasured => Duration::ZERO,
        }
    }
}

/// The stream settings of a dial, answer or `streaming_start` body.
#[derive(Debug, Clone)]
struct Params {
    url: String,
    /// `inbound_track` (default), `outbound_track` or `both_tracks`.
    track: String,
    codec: Codec,
    back: Option<Back>,
    auth_token: Option<String>,
    custom_parameters: BTreeMap<String, String>,
}

impl Params {
    fn from_body(body: &Value) -> Option<Params> {
        let url = text(body, "stream_url")?.to_string();
        let codec = match text(body, "stream_codec") {
            Some("PCMA") => Codec::Pcma,
            // The simulator streams G.711; other codecs are sent as PCMU (the `start`
            // frame's `media_format` says so).
            _ => Codec::Pcmu,
        };
        let back = text(body, "stream_bidirectional_mode").map(|mode| {
            let rate = body
                .get("stream_bidirectional_sampling_rate")
                .and_then(Value::as_u64)
                .and_then(|rate| u32::try_from(rate).ok())
                .unwrap_or(STREAM_RATE);
            match (
                mode,
                text(body, "stream_bidirectional_codec").unwrap_or("PCMU"),
            ) {
                ("rtp", "PCMU" | "PCMA") => Back::Rtp {
                    sample_bytes: 1,
                    rate,
                },
                ("rtp", "L16") => Back::Rtp {
                    sample_bytes: 2,
                    rate,
                },
                _ => Back::Unmeasured,
            }
        });
        let custom_parameters = body
            .get("custom_parameters")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|item| {
                        let name = item.get("name")?.as_str()?;
                        let value = item.get("value")?.as_str()?;
                        Some((name.to_string(), value.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Params {
            url,
            track: text(body, "stream_track")
                .unwrap_or("inbound_track")
                .to_string(),
            codec,
            back,
            auth_token: text(body, "stream_auth_token").map(str::to_string),
            custom_parameters,
        })
    }

    fn tracks(&self) -> &'static [MediaTrack] {
        match self.track.as_str() {
            "outbound_track" => &[MediaTrack::Outbound],
            "both_tracks" => &[MediaTrack::Inbound, MediaTrack::Outbound],
            _ => &[MediaTrack::Inbound],
        }
    }
}

impl Shared {
    /// Hook of dial, answer and `streaming_start`: when `body` has a `stream_url`, starts the
    /// leg's media stream task (a dial's waits for [`StreamControl::Answered`]). `cause` is the
    /// seq of the command, which the stream's events are attributed to.
    pub(crate) fn open_stream(self: &Arc<Self>, leg: &mut Leg, body: &Value, cause: Option<u64>) {
        let Some(params) = Params::from_body(body) else {
            return;
        };
        let stream_id = new_uuid();
        let (control, orders) = mpsc::unbounded_channel();
        let report = Arc::new(Mutex::new(StreamReport {
            url: params.url.clone(),
            stream_id: stream_id.clone(),
            bidirectional: params.back.is_some(),
            ..StreamReport::default()
        }));
        leg.activities.stream = Some(StreamLink {
            stream_id: stream_id.clone(),
            control,
        });
        leg.activities.stream_report = Some(Arc::clone(&report));
        let task = StreamTask {
            shared: Arc::clone(self),
            call: leg.call_control_id.clone(),
            stream_id,
            params,
            cause,
            report,
            sequence: 0,
            track_chunk: 0,
        };
        let wait_for_answer = !leg.talking();
        self.spawn(task.run(orders, wait_for_answer));
    }

    /// The report of the latest media stream of a call.
    pub(crate) fn stream_report(&self, call_control_id: &str) -> Option<StreamReport> {
        let world = self.world();
        let report = world
            .calls
            .get(call_control_id)?
            .activities
            .stream_report
            .clone()?;
        drop(world);
        let report = lock(&report).clone();
        Some(report)
    }
}

/// Audio the app sent that is still "playing", and the marks waiting for it.
#[derive(Default)]
struct Playout {
    /// When the audio queued so far has played.
    until: Option<Instant>,
    /// Marks in order, each with the time the audio before it has played.
    marks: VecDeque<(Instant, frames::MarkName)>,
}

impl Playout {
    fn queue_audio(&mut self, now: Instant, duration: Duration) {
        let start = self.until.filter(|until| *until > now).unwrap_or(now);
        self.until = Some(start + duration);
    }

    fn queue_mark(&mut self, now: Instant, mark: frames::MarkName) {
        let due = self.until.filter(|until| *until > now).unwrap_or(now);
        self.marks.push_back((due, mark));
    }

    /// Drops the queued audio; returns how much was left and the marks waiting for it.
    fn clear(&mut self, now: Instant) -> (Duration, Vec<frames::MarkName>) {
        let left = self
            .until
            .take()
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        (left, self.marks.drain(..).map(|(_, mark)| mark).collect())
    }

    fn next_due(&self) -> Option<Instant> {
        self.marks.front().map(|(due, _)| *due)
    }

    fn due_marks(&mut self, now: Instant) -> Vec<frames::MarkName> {
        let mut due = Vec::new();
        while self.marks.front().is_some_and(|(at, _)| *at <= now) {
            if let Some((_, mark)) = self.marks.pop_front() {
                due.push(mark);
            }
        }
        due
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Why the frame loop ended.
enum End {
    /// `stop` by the simulator: the call ended (`None`) or `streaming_stop` (its seq).
    Stopped(Option<u64>),
    /// The app closed the socket, or it broke.
    AppClosed,
}

struct StreamTask {
    shared: Arc<Shared>,
    call: String,
    stream_id: String,
    params: Params,
    /// The seq of the command that opened the stream.
    cause: Option<u64>,
    report: Arc<Mutex<StreamReport>>,
    sequence: u64,
    /// `chunk` of the last media frame, counted per track.
    track_chunk: u64,
}

impl StreamTask {
    async fn run(
        mut self,
        mut orders: mpsc::UnboundedReceiver<StreamControl>,
        wait_for_answer: bool,
    ) {
        if wait_for_answer {
            loop {
                match orders.recv().await {
                    Some(StreamControl::Answered) => break,
                    Some(StreamControl::Press(_)) => {}
                    Some(StreamControl::Stop(_)) | None => {
                        // The call ended unanswered: there never was a stream.
                        lock(&self.report).ended = true;
                        self.note("the call ended before it was answered: no stream".into());
                        return;
                    }
                }
            }
        }
        let socket = match self.connect().await {
            Ok(socket) => socket,
            Err(reason) => {
                self.failed(&reason);
                return;
            }
        };
        lock(&self.report).connected = true;
        self.note(format!("connected to {}", self.params.url));
        self.event(
            "streaming.started",
            json!({ "stream_url": self.params.url }),
            self.cause,
        );
        let end = self.frames(socket, &mut orders).await;
        let cause = match end {
            End::Stopped(Some(seq)) => Some(seq),
            End::Stopped(None) | End::AppClosed => self.cause,
        };
        let summary = {
            let mut report = lock(&self.report);
            report.ended = true;
            format!(
                "stopped{}: sent {} media frames ({:.2} s) and keys {:?}; app sent {:.2} s of audio in {} frames, marks {:?} (echoed {:?}), {} clears, {} refused frames",
                if matches!(end, End::AppClosed) { " (the app closed the socket)" } else { "" },
                report.frames_sent,
                report.frames_sent as f64 / self.params.tracks().len() as f64 * 0.02,
                report.digits_sent,
                report.app_audio.as_secs_f64(),
                report.app_frames,
                report.marks,
                report.marks_echoed,
                report.clears,
                report.bad_frames,
            )
        };
        self.note(summary);
        self.forget_link();
        self.event(
            "streaming.stopped",
            json!({ "stream_url": self.params.url }),
            cause,
        );
    }

    async fn connect(&self) -> Result<Socket, String> {
        let mut request = self
            .params
            .url
            .as_str()
            .into_client_request()
            .map_err(|error| error.to_string())?;
        if let Some(token) = &self.params.auth_token {
            if let Ok(value) = format!("Bearer {token}").parse() {
                request.headers_mut().insert("authorization", value);
            }
            if let Ok(value) = token.parse() {
                request.headers_mut().insert(AUTH_TOKEN_HEADER, value);
            }
        }
        let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_SIZE);
        let connect = tokio_tungstenite::connect_async_with_config(request, Some(config), false);
        match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
            Ok(Ok((socket, _))) => Ok(socket),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())),
        }
    }

    /// The URL refused: `streaming.failed`, and the call is no longer streaming.
    fn failed(&self, reason: &str) {
        {
            let mut report = lock(&self.report);
            report.ended = true;
            report.failure = Some(reason.to_string());
        }
        self.note(format!(
            "connecting to {} failed: {reason}",
            self.params.url
        ));
        self.forget_link();
        self.event(
            "streaming.failed",
            json!({
                "failure_reason": "connection_failed",
                "stream_id": self.stream_id,
                "stream_params": { "stream_url": self.params.url, "track": self.params.track },
                "stream_type": "websocket",
            }),
            self.cause,
        );
    }

    /// Sends frames until the stream is stopped or the app closes it.
    async fn frames(
        &mut self,
        socket: Socket,
        orders: &mut mpsc::UnboundedReceiver<StreamControl>,
    ) -> End {
        let (mut sink, mut source) = socket.split();
        let start = self.start_frame();
        let first = [
            InboundFrame::ConnectedFrame(frames::ConnectedFrame {
                version: Some("1.0.0".into()),
            }),
            start,
        ];
        for frame in &first {
            if sink.send(text_message(frame)).await.is_err() {
                return End::AppClosed;
            }
        }
        let talk: Option<Talk> = self.with_leg(|leg| leg.far_end.talk.clone()).flatten();
        let keys_after_talk = self.with_leg(|leg| leg.far_end.digits.clone()).flatten();
        let talk_frames = talk
            .as_ref()
            .map_or(0, |talk| (talk.duration.as_millis() / 20) as u64);
        let silence = crate::media::base64_encode(&self.params.codec.encode(&[0; FRAME_SAMPLES]));
        let mut keys_after_talk = talk.as_ref().and(keys_after_talk);
        let mut playout = Playout::default();
        let mut ticker = tokio::time::interval(Duration::from_millis(20));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let far_future = Instant::now() + Duration::from_secs(365 * 24 * 3600);
        loop {
            let mark_due = playout.next_due();
            let outgoing: Vec<InboundFrame> = tokio::select! {
                _ = ticker.tick() => {
                    self.track_chunk += 1;
                    let chunk = self.track_chunk;
                    let payload = match &talk {
                        Some(talk) if chunk <= talk_frames => {
                            let samples = talk.audio.samples((chunk - 1) * FRAME_SAMPLES as u64, FRAME_SAMPLES);
                            crate::media::base64_encode(&self.params.codec.encode(&samples))
                        }
                        _ => silence.clone(),
                    };
                    let out = self.media_frames(chunk, &payload);
                    if chunk >= talk_frames {
                        if let Some(keys) = keys_after_talk.take() {
                            // Through the engine, so `call.dtmf.received` goes out too and the
                            // keys come back here as an order.
                            let _ = self.shared.press(&self.call, &keys);
                        }
                    }
                    out
                }
                _ = tokio::time::sleep_until(mark_due.unwrap_or(far_future)), if mark_due.is_some() => {
                    let marks = playout.due_marks(Instant::now());
                    self.echo_marks(marks, "played")
                }
                order = orders.recv() => match order {
                    Some(StreamControl::Press(keys)) => self.dtmf_frames(&keys),
                    Some(StreamControl::Answered) => Vec::new(),
                    Some(StreamControl::Stop(seq)) => {
                        self.sequence += 1;
                        let stop = InboundFrame::StopFrame(frames::StopFrame {
                            sequence_number: Some(self.sequence.to_string()),
                            stream_id: Some(self.stream_id.clone()),
                            stop: Some(frames::StopMetadata {
                                user_id: Some("simulator".into()),
                                call_control_id: Some(self.call.clone()),
                            }),
                        });
                        let _ = sink.send(text_message(&stop)).await;
                        let _ = sink.close().await;
                        return End::Stopped(seq);
                    }
                    // The simulator shut down.
                    None => return End::Stopped(None),
                },
                message = source.next() => match message {
                    Some(Ok(Message::Text(text))) => self.app_frame(text.as_str(), &mut playout),
                    Some(Ok(Message::Binary(bytes))) => {
                        self.refused(format!("a binary message of {} bytes", bytes.len()));
                        Vec::new()
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return End::AppClosed,
                    Some(Ok(_)) => Vec::new(),
                },
            };
            for frame in &outgoing {
                if sink.send(text_message(frame)).await.is_err() {
                    return End::AppClosed;
                }
            }
        }
    }

    fn start_frame(&mut self) -> InboundFrame {
        let metadata = self
            .with_leg(|leg| frames::StartMetadata {
                user_id: Some("simulator".into()),
                call_control_id: Some(leg.call_control_id.clone()),
                call_session_id: Some(leg.call_session_id.clone()),
                from: Some(leg.from.clone()),
                to: Some(leg.to.clone()),
                tags: Some(Vec::new()),
                client_state: leg.client_state.clone(),
                custom_parameters: Some(self.params.custom_parameters.clone()),
                media_format: Some(frames::MediaFormat {
                    encoding: Some(self.params.codec.name().into()),
                    sample_rate: Some(i64::from(STREAM_RATE)),
                    channels: Some(1),
                }),
            })
            .unwrap_or_default();
        self.sequence += 1;
        InboundFrame::StartFrame(frames::StartFrame {
            sequence_number: Some(self.sequence.to_string()),
            stream_id: self.stream_id.clone(),
            start: metadata,
        })
    }

    /// The `media` frames of one 20 ms tick: the far end's audio on the inbound track,
    /// silence on the outbound one.
    fn media_frames(&mut self, chunk: u64, inbound_payload: &str) -> Vec<InboundFrame> {
        let tracks = self.params.tracks();
        let silence = (tracks.len() > 1 || tracks[0] == MediaTrack::Outbound)
            .then(|| crate::media::base64_encode(&self.params.codec.encode(&[0; FRAME_SAMPLES])));
        let mut out = Vec::with_capacity(tracks.len());
        for track in tracks {
            self.sequence += 1;
            let payload = match track {
                MediaTrack::Inbound => inbound_payload.to_string(),
                _ => silence.clone().unwrap_or_default(),
            };
            out.push(InboundFrame::MediaFrame(frames::MediaFrame {
                sequence_number: Some(self.sequence.to_string()),
                stream_id: Some(self.stream_id.clone()),
                media: frames::MediaChunk {
                    track: Some(track.clone()),
                    chunk: Some(chunk.to_string()),
                    timestamp: Some(((chunk - 1) * 20).to_string()),
                    payload,
                },
            }));
        }
        lock(&self.report).frames_sent += out.len() as u64;
        out
    }

    fn dtmf_frames(&mut self, keys: &str) -> Vec<InboundFrame> {
        let keys: String = keys
            .chars()
            .filter(|key| super::model::is_dtmf(*key))
            .collect();
        if keys.is_empty() {
            return Vec::new();
        }
        lock(&self.report).digits_sent.push_str(&keys);
        self.note(format!("far end pressed {keys}"));
        let occurred_at = rfc3339(SystemTime::now());
        keys.chars()
            .map(|key| {
                self.sequence += 1;
                InboundFrame::DtmfFrame(frames::DtmfFrame {
                    sequence_number: Some(self.sequence.to_string()),
                    stream_id: Some(self.stream_id.clone()),
                    occurred_at: Some(occurred_at.clone()),
                    dtmf: frames::DtmfDigit {
                        digit: key.to_string(),
                    },
                })
            })
            .collect()
    }

    fn echo_marks(&mut self, marks: Vec<frames::MarkName>, why: &str) -> Vec<InboundFrame> {
        marks
            .into_iter()
            .map(|mark| {
                lock(&self.report).marks_echoed.push(mark.name.clone());
                self.note(format!("mark {:?} sent back ({why})", mark.name));
                self.sequence += 1;
                InboundFrame::MarkFrame(frames::MarkFrame {
                    sequence_number: Some(self.sequence.to_string()),
                    stream_id: Some(self.stream_id.clone()),
                    mark,
                })
            })
            .collect()
    }

    /// One text frame from the app; returns the frames to send back (marks of a `clear`).
    fn app_frame(&mut self, text: &str, playout: &mut Playout) -> Vec<InboundFrame> {
        let now = Instant::now();
        match decode_outbound(text) {
            Ok(OutboundFrame::OutboundMediaFrame(frame)) => {
                let Some(back) = self.params.back else {
                    self.refused("media on a stream that is not bidirectional".into());
                    return Vec::new();
                };
                match crate::media::base64_decode(&frame.media.payload) {
                    Ok(audio) => {
                        let duration = back.duration(audio.len());
                        playout.queue_audio(now, duration);
                        let first = {
                            let mut report = lock(&self.report);
                            report.app_frames += 1;
                            report.app_audio += duration;
                            report.app_frames == 1
                        };
                        if first {
                            self.note("the app started sending audio".into());
                        }
                    }
                    Err(error) => self.refused(format!("media with a bad payload: {error}")),
                }
                Vec::new()
            }
            Ok(OutboundFrame::MarkFrame(frame)) => {
                lock(&self.report).marks.push(frame.mark.name.clone());
                self.note(format!("app mark {:?}", frame.mark.name));
                playout.queue_mark(now, frame.mark);
                // A mark with no audio before it has "played" at once.
                let due = playout.due_marks(now);
                self.echo_marks(due, "played")
            }
            Ok(OutboundFrame::ClearFrame(_)) => {
                let (left, marks) = playout.clear(now);
                lock(&self.report).clears += 1;
                self.note(format!(
                    "app clear: {} ms of queued audio dropped",
                    left.as_millis()
                ));
                self.echo_marks(marks, "cleared")
            }
            Ok(OutboundFrame::Unknown(value)) => {
                self.refused(format!(
                    "an unknown frame: {}",
                    super::timeline::short(&value)
                ));
                Vec::new()
            }
            Err(error) => {
                self.refused(format!("a frame that does not decode: {error}"));
                Vec::new()
            }
        }
    }

    fn refused(&self, what: String) {
        let count = {
            let mut report = lock(&self.report);
            report.bad_frames += 1;
            report.bad_frames
        };
        if count <= BAD_FRAMES_NOTED {
            self.note(format!("refused from the app: {what}"));
        }
    }

    fn with_leg<R>(&self, read: impl FnOnce(&Leg) -> R) -> Option<R> {
        self.shared.world().calls.get(&self.call).map(read)
    }

    /// The stream ended on its own: the call is no longer streaming (unless a newer stream
    /// replaced this one).
    fn forget_link(&self) {
        let mut world = self.shared.world();
        if let Some(leg) = world.calls.get_mut(&self.call) {
            let ours = leg
                .activities
                .stream
                .as_ref()
                .is_some_and(|link| link.stream_id == self.stream_id);
            if ours {
                leg.activities.stream = None;
            }
        }
    }

    fn event(&self, event_type: &str, extra: Value, cause: Option<u64>) {
        let world = self.shared.world();
        if let Some(leg) = world.calls.get(&self.call) {
            self.shared.emit_call(leg, event_type, extra, cause);
        }
    }

    fn note(&self, detail: String) {
        self.shared.recorder.record(EntryKind::Stream {
            call_control_id: self.call.clone(),
            stream_id: self.stream_id.clone(),
            detail,
        });
    }
}

fn text_message(frame: &InboundFrame) -> Message {
    Message::Text(encode_inbound(frame).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_follow_the_command_body() {
        let params = Params::from_body(&json!({
            "stream_url": "ws://127.0.0.1:1/s",
            "stream_track": "both_tracks",
            "stream_codec": "PCMA",
            "stream_bidirectional_mode": "rtp",
            "stream_bidirectional_codec": "L16",
            "stream_bidirectional_sampling_rate": 16000,
            "custom_parameters": [{ "name": "agent", "value": "echo" }],
        }))
        .unwrap();
        assert_eq!(params.codec, Codec::Pcma);
        assert_eq!(params.tracks().len(), 2);
        assert_eq!(
            params.back,
            Some(Back::Rtp {
                sample_bytes: 2,
                rate: 16000
            })
        );
        assert_eq!(params.custom_parameters["agent"], "echo");
        // 640 bytes of L16 at 16 kHz are 20 ms.
        assert_eq!(
            params.back.unwrap().duration(640),
            Duration::from_millis(20)
        );
        assert!(Params::from_body(&json!({ "stream_track": "both_tracks" })).is_none());
        let plain = Params::from_body(&json!({ "stream_url": "ws://x" })).unwrap();
        assert_eq!((plain.codec, plain.back), (Codec::Pcmu, None));
    }

    #[test]
    fn marks_wait_for_the_audio_before_them_and_clear_returns_them() {
        let now = Instant::now();
        let mut playout = Playout::default();
        playout.queue_audio(now, Duration::from_millis(40));
        playout.queue_mark(now, frames::MarkName { name: "a".into() });
        playout.queue_audio(now, Duration::from_millis(20));
        playout.queue_mark(now, frames::MarkName { name: "b".into() });
        assert_eq!(playout.next_due(), Some(now + Duration::from_millis(40)));
        assert!(playout
            .due_marks(now + Duration::from_millis(39))
            .is_empty());
        let due = playout.due_marks(now + Duration::from_millis(40));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].name, "a");
        let (left, marks) = playout.clear(now + Duration::from_millis(50));
        assert_eq!(left, Duration::from_millis(10));
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].name, "b");
        assert_eq!(playout.next_due(), None);
    }
}
