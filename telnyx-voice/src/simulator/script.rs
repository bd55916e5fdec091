//! Scripts for the simulated far end of a call: the person (or phone) the app
//! is talking to.

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

/// What the simulated far end of a call does.
///
/// For an outbound call the script is picked by the dialed number, for an
/// inbound call by the caller's number; numbers without a script use the
/// simulator's default (pick up quickly, press nothing, never hang up).
///
/// ```
/// use std::time::Duration;
/// use telnyx_voice::simulator::FarEnd;
///
/// let script = FarEnd::answer_after(Duration::from_millis(50))
///     .press("42#")
///     .hang_up_after(Duration::from_secs(2));
/// assert_eq!(script.digits.as_deref(), Some("42#"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarEnd {
    /// Reaction to an outbound call ringing (ignored for inbound calls, whose
    /// far end is the caller).
    pub pickup: Pickup,
    /// Keys pressed when the app gathers input; `None` lets every gather time out.
    pub digits: Option<String>,
    /// Hang up on its own this long after the call is answered.
    pub hangup_after: Option<Duration>,
    /// What the far end says into a media stream before pressing its keys.
    pub talk: Option<super::media::Talk>,
}

impl Default for FarEnd {
    fn default() -> Self {
        FarEnd::answer_after(Duration::from_millis(20))
    }
}

impl FarEnd {
    /// A far end that picks up after `delay`.
    pub fn answer_after(delay: Duration) -> Self {
        FarEnd {
            pickup: Pickup::After(delay),
            digits: None,
            hangup_after: None,
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

    /// Sets the keys pressed whenever the app gathers input.
    pub fn press(mut self, digits: impl Into<String>) -> Self {
        self.digits = Some(digits.into());
        self
    }

    /// Says `audio` for `duration` into the call's media stream, then presses the keys of
    /// [`FarEnd::press`] (as `dtmf` frames).
    pub fn talk(mut self, audio: super::media::StreamAudio, duration: Duration) -> Self {
        self.talk = Some(super::media::Talk { audio, duration });
        self
    }

    /// Makes the far end hang up this long after the call is answered.
    pub fn hang_up_after(mut self, delay: Duration) -> Self {
        self.hangup_after = Some(delay);
        self
    }
}
