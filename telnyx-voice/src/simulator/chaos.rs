//! Chaos mode: the unreliability of a real network, on purpose and seeded.
//!
//! Telnyx does not promise webhook order and redelivers events, and its API
//! sometimes answers 5xx or 429. With [`Chaos`] set on the
//! [`SimConfig`](super::SimConfig) the simulator does the same: webhooks
//! queued close together leave in a shuffled order, some are sent twice (same
//! event `id`), some are held back a little, and some commands are refused with
//! 503 or with 429 plus `Retry-After` before they run, so retrying them is safe.
//! A retry of a refused request (same method, path and body) is never refused
//! again. Every decision comes from one generator seeded with [`Chaos::seed`], so
//! a run that failed can be replayed with the same seed (decisions are drawn in
//! the order requests and events arrive).

use std::sync::Mutex;
use std::time::Duration;

use super::failure::Failure;
use super::recorder::lock;

/// Chaos mode settings. Percentages are of commands (failures) or events (the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chaos {
    /// Seed of the decisions; the same seed makes the same decisions.
    pub seed: u64,
    /// Events queued within this many of each other may be delivered in any order
    /// (1 keeps the order).
    pub reorder_window: usize,
    /// Percentage of events delivered a second time.
    pub duplicate_percent: u8,
    /// Longest extra wait before an event's delivery.
    pub max_delay: Duration,
    /// Percentage of commands refused with 503.
    pub fail_percent: u8,
    /// Percentage of commands refused with 429 and `Retry-After`.
    pub throttle_percent: u8,
}

impl Chaos {
    /// Chaos with every kind of disorder at a moderate rate: reorder window 3,
    /// 10% duplicates, up to 30 ms delay, 10% of commands refused with 503 and 10% with 429.
    pub fn seeded(seed: u64) -> Self {
        Chaos {
            seed,
            reorder_window: 3,
            duplicate_percent: 10,
            max_delay: Duration::from_millis(30),
            fail_percent: 10,
            throttle_percent: 10,
        }
    }

    /// Sets the reorder window.
    pub fn reorder_window(mut self, events: usize) -> Self {
        self.reorder_window = events.max(1);
        self
    }

    /// Sets the share of events delivered twice.
    pub fn duplicate_percent(mut self, percent: u8) -> Self {
        self.duplicate_percent = percent.min(100);
        self
    }

    /// Sets the longest extra delivery delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the share of commands refused with 503.
    pub fn fail_percent(mut self, percent: u8) -> Self {
        self.fail_percent = percent.min(100);
        self
    }

    /// Sets the share of commands refused with 429.
    pub fn throttle_percent(mut self, percent: u8) -> Self {
        self.throttle_percent = percent.min(100);
        self
    }

    /// Parses `SEED` or `SEED,key=value,...` with the keys `reorder`, `duplicate`,
    /// `delay_ms`, `fail` and `throttle` (as read from the `TELNYX_SIM_CHAOS` variable).
    pub fn parse(text: &str) -> Result<Chaos, String> {
        let mut parts = text.split(',').map(str::trim);
        let seed = parts
            .next()
            .and_then(|seed| seed.parse::<u64>().ok())
            .ok_or_else(|| format!("chaos settings must start with a numeric seed: `{text}`"))?;
        let mut chaos = Chaos::seeded(seed);
        for part in parts.filter(|part| !part.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("chaos setting `{part}` is not key=value"))?;
            let number: u64 = value
                .parse()
                .map_err(|_| format!("chaos setting `{part}` needs a number"))?;
            let percent = u8::try_from(number.min(100)).unwrap_or(100);
            chaos = match key {
                "reorder" => chaos.reorder_window(usize::try_from(number).unwrap_or(usize::MAX)),
                "duplicate" => chaos.duplicate_percent(percent),
                "delay_ms" => chaos.max_delay(Duration::from_millis(number)),
                "fail" => chaos.fail_percent(percent),
                "throttle" => chaos.throttle_percent(percent),
                other => return Err(format!("unknown chaos setting `{other}`")),
            };
        }
        Ok(chaos)
    }
}

/// The seeded decision maker shared by the HTTP layer and the delivery worker.
pub(crate) struct Dice {
    chaos: Chaos,
    rng: Mutex<fastrand::Rng>,
    /// The last refused request, which is let through when it comes again.
    refused: Mutex<Option<(String, String, Vec<u8>)>>,
}

impl Dice {
    pub fn new(chaos: Chaos) -> Dice {
        let rng = fastrand::Rng::with_seed(chaos.seed);
        Dice {
            chaos,
            rng: Mutex::new(rng),
            refused: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> &Chaos {
        &self.chaos
    }

    fn roll(&self, percent: u8) -> bool {
        percent > 0 && lock(&self.rng).u8(0..100) < percent
    }

    /// Whether to refuse this request before it runs, and how.
    pub fn refuse(&self, method: &str, path: &str, body: &[u8]) -> Option<Failure> {
        let key = (method.to_string(), path.to_string(), body.to_vec());
        let mut refused = lock(&self.refused);
        if refused.as_ref() == Some(&key) {
            *refused = None;
            return None;
        }
        let failure = if self.roll(self.chaos.fail_percent) {
            Failure::new(
                503,
                "10007",
                "Service unavailable",
                "chaos mode refused this request; retry it".to_string(),
            )
        } else if self.roll(self.chaos.throttle_percent) {
            Failure {
                retry_after: Some(1),
                ..Failure::new(
                    429,
                    "429",
                    "Too Many Requests",
                    "chaos mode throttled this request; retry after the given time".to_string(),
                )
            }
        } else {
            return None;
        };
        *refused = Some(key);
        Some(failure)
    }

    pub fn duplicate(&self) -> bool {
        self.roll(self.chaos.duplicate_percent)
    }

    pub fn delay(&self) -> Duration {
        let max = u64::try_from(self.chaos.max_delay.as_millis()).unwrap_or(u64::MAX);
        if max == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(lock(&self.rng).u64(0..=max))
    }

    pub fn shuffle<T>(&self, items: &mut [T]) {
        lock(&self.rng).shuffle(items);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_settings() {
        let chaos = Chaos::parse("7,duplicate=0,fail=20,delay_ms=5").expect("parses");
        assert_eq!(chaos.seed, 7);
        assert_eq!(chaos.duplicate_percent, 0);
        assert_eq!(chaos.fail_percent, 20);
        assert_eq!(chaos.max_delay, Duration::from_millis(5));
        assert!(Chaos::parse("x").is_err());
        assert!(Chaos::parse("1,colour=3").is_err());
    }

    #[test]
    fn a_refused_request_passes_when_retried() {
        let dice = Dice::new(Chaos::seeded(1).fail_percent(100));
        assert!(dice.refuse("POST", "/calls", b"{}").is_some());
        assert!(dice.refuse("POST", "/calls", b"{}").is_none());
    }

    #[test]
    fn same_seed_same_decisions() {
        let draw = || {
            let dice = Dice::new(Chaos::seeded(42));
            (0..50).map(|_| dice.duplicate()).collect::<Vec<_>>()
        };
        assert_eq!(draw(), draw());
    }
}
