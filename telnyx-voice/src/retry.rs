//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::error::Error;

/// Delay before the first retry; each later retry doubles it.
pub(crate) const BASE_DELAY: Duration = Duration::from_millis(500);
/// Upper bound of the computed exponential delay.
pub(crate) const MAX_DELAY: Duration = Duration::from_secs(8);
/// Longest server-requested wait we honor; longer requests fall back to the
/// computed backoff instead of stalling the caller.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether an HTTP status is worth another attempt.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// Whether a failed attempt is worth another attempt.
pub(crate) fn should_retry(error: &Error) -> bool {
    match error {
        Error::Connection { .. } | Error::Timeout { .. } => true,
        Error::Api(api) => retryable_status(api.status),
        _ => false,
    }
}

/// Reads the server's wait request: `retry-after-ms` (milliseconds, may be
/// fractional) wins over `Retry-After` (whole seconds or an HTTP date).
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
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
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Exponential backoff for the retry numbered `retry` (0 for the first
/// retry), before jitter: 0.5 s, 1 s, 2 s, ... capped at [`MAX_DELAY`].
pub(crate) fn exponential(retry: u32) -> Duration {
    let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
    BASE_DELAY.saturating_mul(factor).min(MAX_DELAY)
}

/// The wait before retry number `retry`. `jitter` in `[0, 1)` shaves up to a
/// quarter off the exponential delay so that many clients do not retry in
/// lockstep. A server request within [`MAX_RETRY_AFTER`] is used as is.
pub(crate) fn delay_with_jitter(
    retry: u32,
    retry_after: Option<Duration>,
    jitter: f64,
) -> Duration {
    if let Some(wait) = retry_after.filter(|wait| *wait <= MAX_RETRY_AFTER) {
        return wait;
    }
    let jitter = jitter.clamp(0.0, 1.0);
    exponential(retry).mul_f64(1.0 - 0.25 * jitter)
}

/// The wait before retry number `retry`, with random jitter.
pub(crate) fn delay(retry: u32, retry_after: Option<Duration>) -> Duration {
    delay_with_jitter(retry, retry_after, fastrand::f64())
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

    #[test]
    fn statuses() {
        for code in [408, 409, 429, 500, 502, 503, 504] {
            assert!(retryable_status(StatusCode::from_u16(code).expect("code")));
        }
        for code in [200, 400, 401, 403, 404, 422] {
            assert!(!retryable_status(StatusCode::from_u16(code).expect("code")));
        }
        assert!(!should_retry(&Error::Config("x".into())));
        assert!(should_retry(&Error::Timeout {
            elapsed: Duration::ZERO
        }));
        assert!(should_retry(&Error::connection(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset
        ))));
        assert!(!should_retry(&Error::invalid_argument("id", "empty")));
    }

    #[test]
    fn exponential_doubles_and_caps() {
        let secs: Vec<f64> = (0..7).map(|n| exponential(n).as_secs_f64()).collect();
        assert_eq!(secs, vec![0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
        assert_eq!(exponential(u32::MAX), MAX_DELAY);
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        assert_eq!(delay_with_jitter(1, None, 0.0), Duration::from_secs(1));
        assert_eq!(delay_with_jitter(1, None, 1.0), Duration::from_millis(750));
        for _ in 0..200 {
            let d = delay(2, None);
            assert!(d >= Duration::from_millis(1500) && d <= Duration::from_secs(2));
        }
    }

    #[test]
    fn retry_after_wins_unless_too_long() {
        let asked = Some(Duration::from_secs(3));
        assert_eq!(delay_with_jitter(0, asked, 0.5), Duration::from_secs(3));
        let huge = Some(Duration::from_secs(3600));
        assert_eq!(delay_with_jitter(0, huge, 0.0), Duration::from_millis(500));
    }

    #[test]
    fn parses_retry_after_headers() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(&headers(&[("retry-after", "4")]), now),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            parse_retry_after(
                &headers(&[("retry-after-ms", "250"), ("retry-after", "4")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(10));
        let mut map = HeaderMap::new();
        map.insert("retry-after", HeaderValue::from_str(&date).expect("date"));
        assert_eq!(parse_retry_after(&map, now), Some(Duration::from_secs(10)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        map.insert("retry-after", HeaderValue::from_str(&past).expect("date"));
        assert_eq!(parse_retry_after(&map, now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(&headers(&[("retry-after", "soon")]), now),
            None
        );
        assert_eq!(
            parse_retry_after(&headers(&[("retry-after-ms", "-5")]), now),
            None
        );
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    }
}
