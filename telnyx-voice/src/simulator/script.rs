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
