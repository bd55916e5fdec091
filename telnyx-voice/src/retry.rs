//! When to try a request again, and how long to wait first.
//!
//! Every decision here is made on plain values (an HTTP status or its
//! absence, the server's `x-should-retry` answer, a retry count and the
//! response headers), so this module knows nothing about the crate's error
//! type; `Error::is_retryable` asks [`RetryPolicy::is_retryable`].

use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// Name of the request header that carries how many times this request was
/// already retried: `0` on the first attempt, `1` on the first retry, and so
/// on. Server logs can tell a retry from a new request by it.
pub const RETRY_COUNT_HEADER: &str = "x-telnyx-retry-count";

/// Longest server-requested wait that is honoured. A `Retry-After`,
/// `retry-after-ms` or `x-ratelimit-reset` asking for more falls back to the
/// policy's own backoff instead of stalling the caller.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Statuses retried by [`RetryPolicy::default`]: request timeout, conflict,
/// too many requests, and every server error.
const DEFAULT_STATUSES: [u16; 3] = [408, 409, 429];

/// Which failed attempts are tried again, how often, and how long to wait in
/// between.
///
/// The default policy allows 2 retries of connection failures, timeouts and
/// answers with status 408, 409, 429 or 5xx, waiting 0.5 s, 1 s, 2 s, ... (at
/// most 8 s, less up to a quarter of random jitter) unless the server asks
/// for a wait of at most [`MAX_RETRY_AFTER`]. A response header
/// `x-should-retry: true` or `false` overrides the status list either way.
///
/// Set a policy for a whole client with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy) or for
/// one call with
/// [`RequestOptions::with_retry_policy`](crate::RequestOptions::with_retry_policy):
///
/// ```
/// use std::time::Duration;
/// use http::StatusCode;
/// use telnyx_voice::RetryPolicy;
///
/// // Up to 5 retries, only on 429 and 503, starting at 100 ms.
/// let policy = RetryPolicy::default()
///     .with_max_retries(5)
///     .with_retryable_statuses([StatusCode::TOO_MANY_REQUESTS, StatusCode::SERVICE_UNAVAILABLE])
///     .with_backoff(Duration::from_millis(100), Duration::from_secs(2));
/// assert!(policy.should_retry(Some(StatusCode::SERVICE_UNAVAILABLE), None, 4));
/// assert!(!policy.should_retry(Some(StatusCode::BAD_GATEWAY), None, 0));
/// // A connection failure or timeout (no status) is retried too.
/// assert!(policy.should_retry(None, None, 0));
/// // The server has the last word.
/// assert!(!policy.should_retry(Some(StatusCode::SERVICE_UNAVAILABLE), Some(false), 0));
/// assert!(!RetryPolicy::never().should_retry(None, None, 0));
/// ```
#[derive(Clone, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    /// One bit per status code 0..=1023.
    statuses: [u64; 16],
    initial_backoff: Duration,
    max_backoff: Duration,
    jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        let mut policy = RetryPolicy {
            max_retries: 2,
            statuses: [0; 16],
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            jitter: 0.25,
        };
        for code in DEFAULT_STATUSES.into_iter().chain(500..=599) {
            policy.set_status(code);
        }
        policy
    }
}

impl RetryPolicy {
    /// The default policy (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries.
    pub fn never() -> Self {
        Self::default().with_max_retries(0)
    }

    /// Allows at most `max_retries` extra attempts (`0` sends once).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Replaces the set of statuses worth another attempt.
    pub fn with_retryable_statuses(
        mut self,
        statuses: impl IntoIterator<Item = StatusCode>,
    ) -> Self {
        self.statuses = [0; 16];
        for status in statuses {
            self.set_status(status.as_u16());
        }
        self
    }

    /// Exponential backoff: the first retry waits `initial`, each later one
    /// twice as long as the one before, never more than `max`.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The largest share (0.0 to 1.0) randomly taken off each computed
    /// backoff, so that many clients do not retry in lockstep. Defaults to
    /// 0.25; `0.0` makes waits exact.
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// How many retries are allowed after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The statuses worth another attempt, in increasing order.
    pub fn retryable_statuses(&self) -> impl Iterator<Item = StatusCode> + '_ {
        (0u16..1024)
            .filter(|code| self.has_status(*code))
            .filter_map(|code| StatusCode::from_u16(code).ok())
    }

    /// Whether a failed attempt is of a kind worth repeating, regardless of
    /// how many retries were already made.
    ///
    /// `status` is the HTTP status of the failure response, or `None` when
    /// no complete response arrived (connection failure, reset, timeout).
    /// `server_says` is the response's `x-should-retry` header (`true` or
    /// `false`), which wins over the status list when present.
    pub fn is_retryable(&self, status: Option<StatusCode>, server_says: Option<bool>) -> bool {
        if let Some(answer) = server_says {
            return answer;
        }
        match status {
            None => true,
            Some(status) => self.has_status(status.as_u16()),
        }
    }

    /// Whether to try again after a failed attempt, `retries_done` retries
    /// into the call (0 after the first attempt). See
    /// [`RetryPolicy::is_retryable`] for the other arguments.
    pub fn should_retry(
        &self,
        status: Option<StatusCode>,
        server_says: Option<bool>,
        retries_done: u32,
    ) -> bool {
        retries_done < self.max_retries && self.is_retryable(status, server_says)
    }

    /// The computed backoff before retry number `retries_done` (0 for the
    /// first retry), without jitter.
    pub fn backoff(&self, retries_done: u32) -> Duration {
        let factor = 1u32.checked_shl(retries_done.min(20)).unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The wait before retry number `retries_done`. A `server_wait` of at
    /// most [`MAX_RETRY_AFTER`] is used as is; otherwise the backoff with
    /// random jitter.
    pub fn delay(&self, retries_done: u32, server_wait: Option<Duration>) -> Duration {
        self.delay_with_jitter(retries_done, server_wait, fastrand::f64())
    }

    /// [`RetryPolicy::delay`] with the random draw `unit` (in `[0, 1)`) given.
    pub(crate) fn delay_with_jitter(
        &self,
        retries_done: u32,
        server_wait: Option<Duration>,
        unit: f64,
    ) -> Duration {
        if let Some(wait) = server_wait.filter(|wait| *wait <= MAX_RETRY_AFTER) {
            return wait;
        }
        let unit = unit.clamp(0.0, 1.0);
        self.backoff(retries_done).mul_f64(1.0 - self.jitter * unit)
    }

    fn set_status(&mut self, code: u16) {
        let code = usize::from(code);
        if let Some(word) = self.statuses.get_mut(code / 64) {
            *word |= 1 << (code % 64);
        }
    }

    fn has_status(&self, code: u16) -> bool {
        let code = usize::from(code);
        self.statuses
            .get(code / 64)
            .is_some_and(|word| word & (1 << (code % 64)) != 0)
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let statuses: Vec<u16> = self.retryable_statuses().map(|s| s.as_u16()).collect();
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("retryable_statuses", &statuses)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("jitter", &self.jitter)
            .finish()
    }
}

/// The `x-should-retry` response header: `Some(true)` or `Some(false)` when
/// it says so, `None` when absent or unreadable.
pub(crate) fn parse_should_retry(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get("x-should-retry")?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Reads the server's wait request, uncapped. `retry-after-ms` (milliseconds,
/// may be fractional) wins over `Retry-After` (whole seconds or an HTTP
/// date). When `rate_limited` (a 429) and neither is present,
/// `x-ratelimit-reset` is used: a number up to 10^9 is a count of seconds
/// from now, a larger one a Unix time in seconds.
pub(crate) fn parse_retry_after(
    headers: &HeaderMap,
    rate_limited: bool,
    now: SystemTime,
) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64(ms.min(1.0e12) / 1000.0));
        }
    }
    if let Some(value) = text("retry-after") {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = httpdate::parse_http_date(value) {
            return Some(date.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    if rate_limited {
        let seconds = text("x-ratelimit-reset")?.parse::<f64>().ok()?;
        if !seconds.is_finite() || seconds < 0.0 {
            return None;
        }
        let seconds = seconds.min(1.0e12);
        if seconds <= 1.0e9 {
            return Some(Duration::from_secs_f64(seconds));
        }
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(seconds);
        return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn status(code: u16) -> Option<StatusCode> {
        Some(StatusCode::from_u16(code).expect("code"))
    }

    #[test]
    fn default_statuses() {
        let policy = RetryPolicy::default();
        for code in [408, 409, 429, 500, 502, 503, 504, 599] {
            assert!(policy.is_retryable(status(code), None), "{code}");
        }
        for code in [200, 400, 401, 403, 404, 422, 302] {
            assert!(!policy.is_retryable(status(code), None), "{code}");
        }
        assert!(policy.is_retryable(None, None), "transport failures");
        assert_eq!(policy.retryable_statuses().count(), 103);
    }

    #[test]
    fn server_header_wins_both_ways() {
        let policy = RetryPolicy::default();
        assert!(policy.is_retryable(status(400), Some(true)));
        assert!(!policy.is_retryable(status(503), Some(false)));
        assert!(
            !policy.should_retry(status(400), Some(true), 2),
            "count still applies"
        );
        assert_eq!(
            parse_should_retry(&headers(&[("x-should-retry", "true")])),
            Some(true)
        );
        assert_eq!(
            parse_should_retry(&headers(&[("x-should-retry", " FALSE ")])),
            Some(false)
        );
        assert_eq!(
            parse_should_retry(&headers(&[("x-should-retry", "maybe")])),
            None
        );
        assert_eq!(parse_should_retry(&HeaderMap::new()), None);
    }

    #[test]
    fn count_limit() {
        let policy = RetryPolicy::default();
        assert!(policy.should_retry(None, None, 0));
        assert!(policy.should_retry(None, None, 1));
        assert!(!policy.should_retry(None, None, 2));
        assert!(!RetryPolicy::never().should_retry(status(503), Some(true), 0));
    }

    #[test]
    fn custom_statuses_replace_the_default_set() {
        let policy = RetryPolicy::default().with_retryable_statuses([StatusCode::BAD_REQUEST]);
        assert!(policy.is_retryable(status(400), None));
        assert!(!policy.is_retryable(status(503), None));
        let shown = format!("{policy:?}");
        assert!(shown.contains("retryable_statuses: [400]"), "{shown}");
    }

    #[test]
    fn exponential_doubles_and_caps() {
        let policy = RetryPolicy::default();
        let secs: Vec<f64> = (0..7).map(|n| policy.backoff(n).as_secs_f64()).collect();
        assert_eq!(secs, vec![0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
        assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(8));
        let fast = policy
            .clone()
            .with_backoff(Duration::from_millis(10), Duration::from_millis(25));
        let ms: Vec<u128> = (0..4).map(|n| fast.backoff(n).as_millis()).collect();
        assert_eq!(ms, vec![10, 20, 25, 25]);
    }

    #[test]
    fn jitter_stays_within_its_share() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay_with_jitter(1, None, 0.0),
            Duration::from_secs(1)
        );
        assert_eq!(
            policy.delay_with_jitter(1, None, 1.0),
            Duration::from_millis(750)
        );
        for _ in 0..200 {
            let d = policy.delay(2, None);
            assert!(d >= Duration::from_millis(1500) && d <= Duration::from_secs(2));
        }
        let exact = policy.clone().with_jitter(0.0);
        assert_eq!(exact.delay(2, None), Duration::from_secs(2));
        assert_eq!(
            policy.with_jitter(f64::NAN).delay(0, None),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn server_wait_wins_unless_longer_than_a_minute() {
        let policy = RetryPolicy::default();
        let asked = Some(Duration::from_secs(3));
        assert_eq!(
            policy.delay_with_jitter(0, asked, 0.5),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.delay_with_jitter(0, Some(MAX_RETRY_AFTER), 0.5),
            MAX_RETRY_AFTER
        );
        let huge = Some(Duration::from_secs(61));
        assert_eq!(
            policy.delay_with_jitter(0, huge, 0.0),
            Duration::from_millis(500)
        );
        assert_eq!(
            policy.delay_with_jitter(0, Some(Duration::ZERO), 0.0),
            Duration::ZERO
        );
    }

    #[test]
    fn parses_retry_after_headers() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let parse = |map: &HeaderMap| parse_retry_after(map, false, now);
        assert_eq!(
            parse(&headers(&[("retry-after", "4")])),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            parse(&headers(&[("retry-after-ms", "250"), ("retry-after", "4")])),
            Some(Duration::from_millis(250))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(10));
        let mut map = HeaderMap::new();
        map.insert("retry-after", HeaderValue::from_str(&date).expect("date"));
        assert_eq!(parse(&map), Some(Duration::from_secs(10)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        map.insert("retry-after", HeaderValue::from_str(&past).expect("date"));
        assert_eq!(parse(&map), Some(Duration::ZERO));
        assert_eq!(parse(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(parse(&headers(&[("retry-after-ms", "-5")])), None);
        assert_eq!(parse(&HeaderMap::new()), None);
    }

    #[test]
    fn ratelimit_reset_only_on_429_and_after_retry_after() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let delta = headers(&[("x-ratelimit-reset", "7")]);
        assert_eq!(
            parse_retry_after(&delta, true, now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(parse_retry_after(&delta, false, now), None);
        let epoch = headers(&[("x-ratelimit-reset", "1700000012")]);
        assert_eq!(
            parse_retry_after(&epoch, true, now),
            Some(Duration::from_secs(12))
        );
        let both = headers(&[("x-ratelimit-reset", "7"), ("retry-after", "2")]);
        assert_eq!(
            parse_retry_after(&both, true, now),
            Some(Duration::from_secs(2))
        );
        let bad = headers(&[("x-ratelimit-reset", "-1")]);
        assert_eq!(parse_retry_after(&bad, true, now), None);
    }
}
