//! Scripts for the simulated far end of a call: the person (or phone) the app
//! is talking to.

use std::sync::Arc;
use std::time::Duration;

/// How the far end reacts when the simulator rings it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pickup {
    /// Pick up after this long.
    After(Duration),
    /// Refuse at once with a busy signal (`hangup_cause` `user_busy`).
    Busy,
    /// Let it ring until the dial timeout runs out (`hangup_cause` `timeout`).
    NoAnswer,
}

/// Who picks up, as answering machine detection reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Answerer {
    /// A person (`human`; premium detection says `human_residence`).
    #[default]
    Human,
    /// A voicemail greeting (`machine`, then `beep_detected` when the greeting ends).
    Machine,
    /// Detection cannot decide (`not_sure`).
    NotSure,
}

/// What the simulated far end of a call does.
///
/// For an outbound call the script is picked by the dialed number, for an
/// inbound call by the caller's number; numbers without a script use the
/// simulator's default (pick up quickly, press nothing, never hang up).
///
/// Input is scripted per gather: [`press_at_gather`](Self::press_at_gather)
/// gives the keys for the first, second, ... gather (an empty string stays
/// silent, so that gather times out), and [`press`](Self::press) gives keys
/// for every gather past that list.
///
/// ```
/// use std::time::Duration;
/// use telnyx_voice::simulator::{Answerer, FarEnd};
///
/// let caller = FarEnd::new()
///     .pick_up_after(Duration::from_millis(50))
///     .press_at_gather(["", "2"])
///     .hang_up_after(Duration::from_secs(2));
/// assert_eq!(caller.keys_for_gather(0), None);
/// assert_eq!(caller.keys_for_gather(1), Some("2"));
///
/// let voicemail = FarEnd::answer_after(Duration::from_millis(50)).machine();
/// assert_eq!(voicemail.answerer, Answerer::Machine);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarEnd {
    /// Reaction to an outbound call ringing (ignored for inbound calls, whose
    /// far end is the caller).
    pub pickup: Pickup,
    /// Keys pressed at every gather not covered by [`gathers`](Self::gathers);
    /// `None` lets those gathers time out.
    pub digits: Option<String>,
    /// Keys pressed at the first, second, ... gather; an empty string presses nothing.
    pub gathers: Vec<String>,
    /// What the far end says at the first, second, ... AI gather.
    pub speech: Vec<String>,
    /// Hang up on its own this long after the call is answered.
    pub hangup_after: Option<Duration>,
    /// Who answers, for answering machine detection.
    pub answerer: Answerer,
    /// What the far end says into the call's media stream, if one is started.
    pub talk: Option<Talk>,
}

impl Default for FarEnd {
    fn default() -> Self {
        FarEnd::answer_after(Duration::from_millis(20))
    }
}

impl FarEnd {
    /// The default far end: picks up after 20 ms, presses nothing, never hangs up.
    pub fn new() -> Self {
        FarEnd::default()
    }

    /// A far end that picks up after `delay`.
    pub fn answer_after(delay: Duration) -> Self {
        FarEnd {
            pickup: Pickup::After(delay),
            digits: None,
            gathers: Vec::new(),
            speech: Vec::new(),
            hangup_after: None,
            answerer: Answerer::Human,
            talk: None,
        }
    }

    /// A far end that is busy.
    pub fn busy() -> Self {
        FarEnd {
            pickup: Pickup::Busy,
            ..FarEnd::default()
        }
    }

    /// A far end that never picks up.
    pub fn no_answer() -> Self {
        FarEnd {
            pickup: Pickup::NoAnswer,
            ..FarEnd::default()
        }
    }

    /// Makes the far end pick up after `delay`.
    pub fn pick_up_after(mut self, delay: Duration) -> Self {
        self.pickup = Pickup::After(delay);
        self
    }

    /// Sets the keys pressed at every gather past the per-gather list.
    pub fn press(mut self, digits: impl Into<String>) -> Self {
        self.digits = Some(digits.into());
        self
    }

    /// Sets the keys pressed at the first, second, ... gather (`""`: stay silent).
    pub fn press_at_gather<I, S>(mut self, per_gather: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.gathers = per_gather.into_iter().map(Into::into).collect();
        self
    }

    /// Sets what the far end says at the first, second, ... AI gather.
    pub fn say_at_ai_gather<I, S>(mut self, per_gather: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.speech = per_gather.into_iter().map(Into::into).collect();
        self
    }

    /// Makes the far end hang up this long after the call is answered.
    pub fn hang_up_after(mut self, delay: Duration) -> Self {
        self.hangup_after = Some(delay);
        self
    }

    /// Says `audio` for `duration` into the call's media stream once it is connected, then
    /// presses the keys of [`press`](Self::press), if any (sent as `dtmf` frames and
    /// `call.dtmf.received` events); silence follows.
    ///
    /// ```
    /// use std::time::Duration;
    /// use telnyx_voice::simulator::{FarEnd, StreamAudio};
    ///
    /// let caller = FarEnd::new()
    ///     .talk(StreamAudio::tone(440), Duration::from_secs(1))
    ///     .press("#");
    /// assert_eq!(caller.talk.unwrap().duration, Duration::from_secs(1));
    /// ```
    pub fn talk(mut self, audio: StreamAudio, duration: Duration) -> Self {
        self.talk = Some(Talk { audio, duration });
        self
    }

    /// Answering machine detection finds a machine.
    pub fn machine(mut self) -> Self {
        self.answerer = Answerer::Machine;
        self
    }

    /// Answering machine detection finds a person (the default).
    pub fn human(mut self) -> Self {
        self.answerer = Answerer::Human;
        self
    }

    /// The keys pressed at gather number `index` (from 0), `None` for silence.
    pub fn keys_for_gather(&self, index: usize) -> Option<&str> {
        let keys = match self.gathers.get(index) {
            Some(keys) => Some(keys.as_str()),
            None => self.digits.as_deref(),
        };
        keys.filter(|keys| !keys.is_empty())
    }

    /// What is said at AI gather number `index` (from 0), `None` for silence.
    pub fn speech_for_gather(&self, index: usize) -> Option<&str> {
        self.speech
            .get(index)
            .or_else(|| self.speech.last())
            .map(String::as_str)
            .filter(|said| !said.is_empty())
    }
}

/// Samples per second of the audio the far end says into a media stream.
pub(crate) const STREAM_RATE: u32 = 8000;

/// Audio the far end says into a media stream ([`FarEnd::talk`]), as 16-bit samples at 8000 Hz.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamAudio {
    /// A sine tone.
    Tone {
        /// Frequency in Hz.
        hz: u32,
        /// Peak amplitude.
        amplitude: i16,
    },
    /// These samples, played from the start again when they run out.
    Samples(Arc<Vec<i16>>),
    /// Silence.
    Silence,
}

/// Why [`StreamAudio::from_wav`] refused a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unusable WAV file: {0}")]
pub struct WavError(String);

impl StreamAudio {
    /// A tone of `hz` at a moderate level (peak 8000 of 32767).
    pub fn tone(hz: u32) -> Self {
        StreamAudio::Tone {
            hz,
            amplitude: 8000,
        }
    }

    /// The samples of a WAV file, which must hold 16-bit PCM, mono, at 8000 Hz.
    pub fn from_wav(bytes: &[u8]) -> Result<Self, WavError> {
        let fail = |why: &str| WavError(why.to_string());
        if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
            return Err(fail("not a RIFF/WAVE file"));
        }
        let mut at = 12;
        let mut format_seen = false;
        while at + 8 <= bytes.len() {
            let id = &bytes[at..at + 4];
            let size =
                u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
            let size = usize::try_from(size).map_err(|_| fail("chunk too large"))?;
            let body = (at + 8)
                .checked_add(size)
                .and_then(|end| bytes.get(at + 8..end))
                .ok_or_else(|| fail("truncated chunk"))?;
            if id == b"fmt " {
                if body.len() < 16 {
                    return Err(fail("short fmt chunk"));
                }
                let format = u16::from_le_bytes([body[0], body[1]]);
                let channels = u16::from_le_bytes([body[2], body[3]]);
                let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                let bits = u16::from_le_bytes([body[14], body[15]]);
                if format != 1 || channels != 1 || rate != STREAM_RATE || bits != 16 {
                    return Err(WavError(format!(
                        "need 16-bit PCM, mono, 8000 Hz; found format {format}, {channels} channels, {rate} Hz, {bits} bits"
                    )));
                }
                format_seen = true;
            } else if id == b"data" {
                if !format_seen {
                    return Err(fail("data chunk before fmt chunk"));
                }
                let samples = body
                    .chunks_exact(2)
                    .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                    .collect();
                return Ok(StreamAudio::Samples(Arc::new(samples)));
            }
            // Chunks are padded to an even length.
            at += 8 + size + (size & 1);
        }
        Err(fail("no data chunk"))
    }

    /// `count` samples starting at sample `offset` of the audio.
    pub(crate) fn samples(&self, offset: u64, count: usize) -> Vec<i16> {
        match self {
            StreamAudio::Tone { hz, amplitude } => {
                crate::media::g711::tone(f64::from(*hz), STREAM_RATE, offset, count, *amplitude)
            }
            StreamAudio::Samples(samples) if !samples.is_empty() => {
                let len = samples.len() as u64;
                (0..count as u64)
                    .map(|i| samples[((offset + i) % len) as usize])
                    .collect()
            }
            _ => vec![0; count],
        }
    }
}

/// What the far end says into a media stream before pressing its keys ([`FarEnd::talk`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Talk {
    /// The audio.
    pub audio: StreamAudio,
    /// How long the far end talks.
    pub duration: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(rate: u32, samples: &[i16]) -> Vec<u8> {
        let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut out = Vec::new();
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes()); // PCM
        out.extend_from_slice(&1u16.to_le_bytes()); // mono
        out.extend_from_slice(&rate.to_le_bytes());
        out.extend_from_slice(&(rate * 2).to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(b"data");
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
        out
    }

    #[test]
    fn wav_is_read_and_checked() {
        let audio = StreamAudio::from_wav(&wav(8000, &[7, -7, 300])).unwrap();
        assert_eq!(audio, StreamAudio::Samples(Arc::new(vec![7, -7, 300])));
        // Samples repeat from the start.
        assert_eq!(audio.samples(2, 4), vec![300, 7, -7, 300]);
        let err = StreamAudio::from_wav(&wav(16000, &[1])).unwrap_err();
        assert!(err.to_string().contains("16000 Hz"), "{err}");
        assert!(StreamAudio::from_wav(b"nope").is_err());
        let mut cut = wav(8000, &[1, 2, 3]);
        cut.truncate(cut.len() - 2);
        assert!(StreamAudio::from_wav(&cut).is_err());
    }

    #[test]
    fn tone_and_silence_give_the_samples_asked_for() {
        assert_eq!(StreamAudio::Silence.samples(0, 160), vec![0; 160]);
        let tone = StreamAudio::tone(1000).samples(0, 8);
        // 1000 Hz at 8000 Hz: a period of 8 samples, peaks near 8000 at samples 2 and 6.
        assert_eq!(tone[0], 0);
        assert!((7990..=8000).contains(&tone[2]), "{tone:?}");
        assert!((-8000..=-7990).contains(&tone[6]), "{tone:?}");
    }
}
