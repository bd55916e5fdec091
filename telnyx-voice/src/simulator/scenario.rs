//! Scenario files: far-end scripts, inbound calls and chaos settings written as
//! JSON, for the `telnyx-sim` binary (`--scenario PATH`) or for tests.
//!
//! ```
//! use telnyx_voice::simulator::{Scenario, SimConfig};
//!
//! let scenario = Scenario::from_json(r##"{
//!     "far_ends": {
//!         "+15550001002": { "answer_after_ms": 50, "press_at_gather": ["", "2"] },
//!         "+15550001003": { "busy": true },
//!         "+15550001004": { "answer_after_ms": 10, "answerer": "machine" },
//!         "+15550001005": { "talk": { "tone_hz": 440, "ms": 1000 }, "press": "#" }
//!     },
//!     "inbound": [
//!         { "from": "+15550001002", "to": "+15550001000", "connection_id": "conn", "after_ms": 100 }
//!     ],
//!     "chaos": "7,duplicate=0"
//! }"##).expect("valid scenario");
//! let config = scenario.apply(SimConfig::new());
//! assert_eq!(config.far_ends.len(), 4);
//! assert_eq!(config.chaos.map(|chaos| chaos.seed), Some(7));
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::chaos::Chaos;
use super::engine::Shared;
use super::script::{Answerer, FarEnd, StreamAudio};
use super::SimConfig;

/// Why a scenario could not be used.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Read {
        /// The path given.
        path: String,
        /// The operating system's complaint.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a scenario.
    #[error("invalid scenario: {0}")]
    Invalid(String),
}

/// A far end as written in a scenario file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FarEndSpec {
    /// Pick up after this many milliseconds (default 20).
    #[serde(default)]
    pub answer_after_ms: Option<u64>,
    /// Refuse as busy.
    #[serde(default)]
    pub busy: bool,
    /// Never pick up.
    #[serde(default)]
    pub no_answer: bool,
    /// Keys pressed at every gather past `press_at_gather`.
    #[serde(default)]
    pub press: Option<String>,
    /// Keys pressed at the first, second, ... gather (`""` stays silent).
    #[serde(default)]
    pub press_at_gather: Vec<String>,
    /// What is said at the first, second, ... AI gather.
    #[serde(default)]
    pub say_at_ai_gather: Vec<String>,
    /// Hang up this many milliseconds after answering.
    #[serde(default)]
    pub hang_up_after_ms: Option<u64>,
    /// `human` (default), `machine` or `not_sure`, for answering machine detection.
    #[serde(default)]
    pub answerer: Option<String>,
    /// What the far end says into a media stream ([`FarEnd::talk`]).
    #[serde(default)]
    pub talk: Option<TalkSpec>,
}

/// What a far end says into a media stream, as written in a scenario file: a tone or a WAV
/// file (16-bit PCM, mono, 8000 Hz), for `ms` milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TalkSpec {
    /// A tone of this many Hz (440 when neither `tone_hz` nor `wav` is given).
    #[serde(default)]
    pub tone_hz: Option<u32>,
    /// A WAV file to play instead, its path relative to the working directory.
    #[serde(default)]
    pub wav: Option<String>,
    /// How long to talk, in milliseconds (default 1000).
    #[serde(default)]
    pub ms: Option<u64>,
}

impl TalkSpec {
    fn audio(&self) -> Result<StreamAudio, ScenarioError> {
        match (&self.wav, self.tone_hz) {
            (Some(_), Some(_)) => Err(ScenarioError::Invalid(
                "talk: give `tone_hz` or `wav`, not both".into(),
            )),
            (Some(path), None) => {
                let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
                    path: path.clone(),
                    source,
                })?;
                StreamAudio::from_wav(&bytes)
                    .map_err(|err| ScenarioError::Invalid(format!("talk: {path}: {err}")))
            }
            (None, hz) => Ok(StreamAudio::tone(hz.unwrap_or(440))),
        }
    }
}

impl FarEndSpec {
    /// The script this describes.
    pub fn to_far_end(&self) -> Result<FarEnd, ScenarioError> {
        let mut far_end = if self.busy {
            FarEnd::busy()
        } else if self.no_answer {
            FarEnd::no_answer()
        } else {
            FarEnd::new()
        };
        if let Some(ms) = self.answer_after_ms {
            far_end = far_end.pick_up_after(Duration::from_millis(ms));
        }
        if let Some(keys) = &self.press {
            far_end = far_end.press(keys.clone());
        }
        far_end = far_end
            .press_at_gather(self.press_at_gather.clone())
            .say_at_ai_gather(self.say_at_ai_gather.clone());
        if let Some(ms) = self.hang_up_after_ms {
            far_end = far_end.hang_up_after(Duration::from_millis(ms));
        }
        if let Some(talk) = &self.talk {
            let duration = Duration::from_millis(talk.ms.unwrap_or(1000));
            far_end = far_end.talk(talk.audio()?, duration);
        }
        far_end.answerer = match self.answerer.as_deref() {
            None | Some("human") => Answerer::Human,
            Some("machine") => Answerer::Machine,
            Some("not_sure") => Answerer::NotSure,
            Some(other) => {
                return Err(ScenarioError::Invalid(format!(
                    "answerer `{other}` is not human, machine or not_sure"
                )))
            }
        };
        Ok(far_end)
    }
}

/// An inbound call a scenario starts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundSpec {
    /// The caller.
    pub from: String,
    /// The app's number.
    pub to: String,
    /// The connection the call arrives on; may be left out when only one is configured.
    #[serde(default)]
    pub connection_id: Option<String>,
    /// Ring this many milliseconds after the simulator starts.
    #[serde(default)]
    pub after_ms: u64,
    /// A script for this call only.
    #[serde(default)]
    pub far_end: Option<FarEndSpec>,
}

/// A scenario file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Connection id to webhook URL.
    #[serde(default)]
    pub connections: BTreeMap<String, String>,
    /// Scripts by phone number.
    #[serde(default)]
    pub far_ends: BTreeMap<String, FarEndSpec>,
    /// Script for numbers without their own.
    #[serde(default)]
    pub default_far_end: Option<FarEndSpec>,
    /// Inbound calls to ring.
    #[serde(default)]
    pub inbound: Vec<InboundSpec>,
    /// Chaos settings as [`Chaos::parse`] reads them.
    #[serde(default)]
    pub chaos: Option<String>,
}

impl Scenario {
    /// Parses a scenario written as JSON, checking every script.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|err| ScenarioError::Invalid(err.to_string()))?;
        for spec in scenario.far_ends.values().chain(&scenario.default_far_end) {
            spec.to_far_end()?;
        }
        for call in &scenario.inbound {
            if let Some(spec) = &call.far_end {
                spec.to_far_end()?;
            }
        }
        if let Some(chaos) = &scenario.chaos {
            Chaos::parse(chaos).map_err(ScenarioError::Invalid)?;
        }
        Ok(scenario)
    }

    /// Reads and parses a scenario file.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Scenario::from_json(&text)
    }

    /// Adds the scenario's connections, scripts and chaos settings to `config`.
    pub fn apply(&self, mut config: SimConfig) -> SimConfig {
        for (id, url) in &self.connections {
            config = config.connection(id, url);
        }
        for (number, spec) in &self.far_ends {
            if let Ok(script) = spec.to_far_end() {
                config = config.far_end(number, script);
            }
        }
        if let Some(Ok(script)) = self.default_far_end.as_ref().map(FarEndSpec::to_far_end) {
            config = config.default_far_end(script);
        }
        if let Some(Ok(chaos)) = self.chaos.as_deref().map(Chaos::parse) {
            config = config.chaos(chaos);
        }
        config
    }
}

/// Rings the scenario's inbound calls, each after its delay.
pub(crate) fn play(shared: &Arc<Shared>, scenario: &Scenario) {
    for call in &scenario.inbound {
        let connection_id = match &call.connection_id {
            Some(id) => id.clone(),
            None => match shared.config.connections.keys().next() {
                Some(id) if shared.config.connections.len() == 1 => id.clone(),
                _ => {
                    tracing::warn!("scenario call from {} names no connection", call.from);
                    continue;
                }
            },
        };
        let script = call
            .far_end
            .as_ref()
            .and_then(|spec| spec.to_far_end().ok());
        let (from, to) = (call.from.clone(), call.to.clone());
        shared.after(Duration::from_millis(call.after_ms), move |shared| {
            shared.inbound_with(&from, &to, &connection_id, script);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn talk_is_a_tone_or_a_wav_file() {
        let scenario = Scenario::from_json(
            r#"{ "far_ends": { "+15550001001": { "talk": { "tone_hz": 600, "ms": 250 } } } }"#,
        )
        .unwrap();
        let far_end = scenario.far_ends["+15550001001"].to_far_end().unwrap();
        let talk = far_end.talk.expect("talk");
        assert_eq!(talk.audio, StreamAudio::tone(600));
        assert_eq!(talk.duration, Duration::from_millis(250));
        let both = r#"{ "far_ends": { "+1": { "talk": { "tone_hz": 600, "wav": "a.wav" } } } }"#;
        assert!(matches!(
            Scenario::from_json(both),
            Err(ScenarioError::Invalid(_))
        ));
        let missing = r#"{ "far_ends": { "+1": { "talk": { "wav": "no-such-file.wav" } } } }"#;
        assert!(matches!(
            Scenario::from_json(missing),
            Err(ScenarioError::Read { .. })
        ));
        let typo = r#"{ "far_ends": { "+1": { "talk": { "tone": 600 } } } }"#;
        assert!(Scenario::from_json(typo).is_err());
    }
}
