//! When to retry an HTTP request to Clerk, and how long to wait: the one retry policy of the
//! crate, used by the Backend API client, the JWKS cache and the interstitial loader.
//!
//! The decision is a pure function ([`decide`]) of the policy, what happened, how many retries
//! were already made and how much time has passed, so every rule is unit-tested exactly. Each
//! caller keeps its own rules through the policy's parameters:
//!
//! | caller | policy | retried | waits |
//! |---|---|---|---|
//! | Backend API client | [`RetryPolicy::default`] (configurable) | see [`RetryPolicy`] | 500 ms doubling, jitter, `Retry-After` |
//! | JWKS cache (auth-rules §4.5) | [`RetryPolicy::doubling`] with [`RetryRule::AnyFailure`] | every failure but an empty key set | 200 ms doubling, 5 attempts |
//! | interstitial (auth-rules §6.3) | [`RetryPolicy::doubling`] with [`RetryRule::TransportOnly`] | transport failures, never a status | 200 ms doubling, 5 attempts |

use std::time::Duration;

/// How the client retries failed requests.
///
/// Retries happen only where they are safe:
///
/// - `429 Too Many Requests`, for any method (Clerk did not process the request), after the
///   `Retry-After` delay when Clerk sends one;
/// - `502`, `503` and `504`, and failures while reading a response, for idempotent methods
///   only (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`);
/// - failures to connect, for any method (nothing was sent).
///
/// Waits grow exponentially from [`initial_backoff`](Self::initial_backoff) up to
/// [`max_backoff`](Self::max_backoff), with full jitter; no retry starts after
/// [`max_elapsed`](Self::max_elapsed). Timeouts are not retried: the timeout is the caller's
/// budget.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use clerk_core::api::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .max_elapsed(Duration::from_secs(60));
/// let never = RetryPolicy::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    /// Which outcomes are retried (crate-internal: the public policy is the Backend API's).
    rule: RetryRule,
    /// Whether waits get full jitter (the Backend API client) or are exact (Clerk's JWKS and
    /// interstitial loaders).
    jitter: bool,
}

/// Which outcomes a [`RetryPolicy`] retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryRule {
    /// The Backend API client's rules (see [`RetryPolicy`]).
    BackendApi,
    /// Every failed attempt (Clerk's JWKS loader: transport failures, non-2xx answers, non-JSON
    /// bodies; the caller stops on the answers it does not retry, such as an empty key set).
    AnyFailure,
    /// Transport failures (connect, read, timeout) only; an answer with a status never is
    /// (Clerk's interstitial loader).
    TransportOnly,
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms initial backoff, 8 s maximum backoff, 30 s total.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(30),
            rule: RetryRule::BackendApi,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Clerk's loader policy: `attempts` attempts in all (at least one), waiting `first_delay`
    /// before the second and doubling each time, without jitter, cap or time budget (the caller
    /// bounds the total), retrying the outcomes `rule` names.
    pub(crate) fn doubling(attempts: u32, first_delay: Duration, rule: RetryRule) -> Self {
        Self {
            max_retries: attempts.max(1) - 1,
            initial_backoff: first_delay,
            max_backoff: Duration::MAX,
            max_elapsed: Duration::MAX,
            rule,
            jitter: false,
        }
    }

    /// A policy that never retries.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The maximum number of retries after the first attempt. `0` disables retries.
    /// Defaults to 3.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The wait before the first retry when Clerk gives no `Retry-After`; doubled for each
    /// further retry. Defaults to 500 ms.
    pub fn initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// The longest computed wait between two attempts. Defaults to 8 s.
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// No retry is started if it would begin later than this after the first attempt
    /// started; this also caps how long a `Retry-After` is honoured. Defaults to 30 s.
    pub fn max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// Whether this policy ever retries.
    pub fn is_enabled(&self) -> bool {
        self.max_retries > 0
    }
}

/// What happened on one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The server answered with this non-success status.
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be established; nothing was sent.
    ConnectFailed,
    /// The request may have been sent, but no complete response was received.
    TransportFailed,
    /// The request timed out.
    TimedOut,
}

/// The outcome of a request that got no answer.
pub(crate) fn transport_outcome(e: &reqwest::Error) -> Outcome {
    if e.is_timeout() {
        Outcome::TimedOut
    } else if e.is_connect() {
        Outcome::ConnectFailed
    } else {
        Outcome::TransportFailed
    }
}

/// Whether `method` may be repeated without changing the result.
pub(crate) fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::OPTIONS
            | http::Method::PUT
            | http::Method::DELETE
            | http::Method::TRACE
    )
}

/// Decide whether to retry and how long to wait first.
///
/// `retries_done` counts the retries already made (0 after the first attempt), `elapsed` is the
/// time since the first attempt started, `jitter` is a random number in `[0, 1)`. Returns the
/// wait before the next attempt, or `None` to give up.
pub(crate) fn decide(
    policy: &RetryPolicy,
    outcome: Outcome,
    idempotent: bool,
    retries_done: u32,
    elapsed: Duration,
    jitter: f64,
) -> Option<Duration> {
    if retries_done >= policy.max_retries {
        return None;
    }
    let mut server_delay = None;
    let retryable = match (policy.rule, outcome) {
        (RetryRule::AnyFailure, _) => true,
        (RetryRule::TransportOnly, Outcome::Status { .. }) => false,
        (RetryRule::TransportOnly, _) => true,
        (
            RetryRule::BackendApi,
            Outcome::Status {
                status: 429,
                retry_after,
            },
        ) => {
            server_delay = retry_after;
            true
        }
        (
            RetryRule::BackendApi,
            Outcome::Status {
                status: 502..=504, ..
            },
        ) => idempotent,
        (RetryRule::BackendApi, Outcome::Status { .. }) => false,
        (RetryRule::BackendApi, Outcome::ConnectFailed) => true,
        (RetryRule::BackendApi, Outcome::TransportFailed) => idempotent,
        (RetryRule::BackendApi, Outcome::TimedOut) => false,
    };
    if !retryable {
        return None;
    }
    let wait = match server_delay {
        Some(d) => d,
        None => backoff(policy, retries_done, jitter),
    };
    if elapsed.saturating_add(wait) > policy.max_elapsed {
        return None;
    }
    Some(wait)
}

/// Exponential backoff with full jitter: a uniform wait in `[base/2, base)` where
/// `base = min(initial * 2^retries, max)`, so waits never collapse to zero. Without jitter in
/// the policy, exactly `base`.
fn backoff(policy: &RetryPolicy, retries_done: u32, jitter: f64) -> Duration {
    let factor = 2u32.saturating_pow(retries_done.min(31));
    let base = policy
        .initial_backoff
        .saturating_mul(factor)
        .min(policy.max_backoff);
    if !policy.jitter {
        return base;
    }
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    base.mul_f64(0.5 + jitter * 0.5)
}

/// Parse a `Retry-After` header value given in seconds (the form Clerk sends). HTTP dates are
/// not supported and give `None`, which falls back to the computed backoff.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    if secs.is_finite() && secs >= 0.0 {
        Duration::try_from_secs_f64(secs).ok()
    } else {
        None
    }
}

/// A random number in `[0, 1)` for jitter, without a dependency on a random number crate.
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn status(status: u16) -> Outcome {
        Outcome::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn retry_after_is_honoured_for_429_on_any_method() {
        let p = RetryPolicy::default();
        let o = Outcome::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(
            decide(&p, o, false, 0, MS(0), 0.3),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            decide(&p, o, true, 2, MS(100), 0.9),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn retry_after_beyond_the_time_budget_gives_up() {
        let p = RetryPolicy::default().max_elapsed(Duration::from_secs(10));
        let o = Outcome::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(11)),
        };
        assert_eq!(decide(&p, o, true, 0, MS(0), 0.0), None);
        let o = Outcome::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(5)),
        };
        assert_eq!(decide(&p, o, true, 0, Duration::from_secs(6), 0.0), None);
    }

    #[test]
    fn gateway_errors_only_for_idempotent_methods() {
        let p = RetryPolicy::default();
        for s in [502, 503, 504] {
            assert!(decide(&p, status(s), true, 0, MS(0), 0.0).is_some(), "{s}");
            assert_eq!(decide(&p, status(s), false, 0, MS(0), 0.0), None, "{s}");
        }
    }

    #[test]
    fn other_statuses_are_never_retried() {
        let p = RetryPolicy::default();
        for s in [400, 401, 403, 404, 409, 422, 500, 501] {
            assert_eq!(decide(&p, status(s), true, 0, MS(0), 0.5), None, "{s}");
        }
    }

    #[test]
    fn connection_failures() {
        let p = RetryPolicy::default();
        assert!(decide(&p, Outcome::ConnectFailed, false, 0, MS(0), 0.0).is_some());
        assert!(decide(&p, Outcome::TransportFailed, true, 0, MS(0), 0.0).is_some());
        assert_eq!(
            decide(&p, Outcome::TransportFailed, false, 0, MS(0), 0.0),
            None
        );
        assert_eq!(decide(&p, Outcome::TimedOut, true, 0, MS(0), 0.0), None);
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_is_capped() {
        let p = RetryPolicy::default()
            .initial_backoff(MS(100))
            .max_backoff(MS(1000))
            .max_retries(10)
            .max_elapsed(Duration::from_secs(3600));
        let o = status(503);
        assert_eq!(decide(&p, o, true, 0, MS(0), 0.0), Some(MS(50)));
        assert_eq!(decide(&p, o, true, 1, MS(0), 0.0), Some(MS(100)));
        assert_eq!(decide(&p, o, true, 2, MS(0), 0.0), Some(MS(200)));
        let top = decide(&p, o, true, 2, MS(0), 0.999_999).unwrap_or_default();
        assert!(top < MS(400) && top > MS(399), "{top:?}");
        // capped at max_backoff
        assert_eq!(decide(&p, o, true, 9, MS(0), 0.0), Some(MS(500)));
        assert_eq!(decide(&p, o, true, 9, MS(0), 1.0), Some(MS(1000)));
        // huge retry counts do not overflow
        let p = p.max_retries(u32::MAX);
        assert_eq!(decide(&p, o, true, 1000, MS(0), 1.0), Some(MS(1000)));
        // nonsense jitter is clamped
        assert_eq!(decide(&p, o, true, 0, MS(0), f64::NAN), Some(MS(50)));
    }

    #[test]
    fn max_retries_and_disabled() {
        let p = RetryPolicy::default().max_retries(2);
        assert!(decide(&p, status(503), true, 1, MS(0), 0.0).is_some());
        assert_eq!(decide(&p, status(503), true, 2, MS(0), 0.0), None);
        let off = RetryPolicy::disabled();
        assert!(!off.is_enabled());
        let o = Outcome::Status {
            status: 429,
            retry_after: Some(MS(1)),
        };
        assert_eq!(decide(&off, o, true, 0, MS(0), 0.0), None);
    }

    #[test]
    fn backoff_respects_total_budget() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_secs(4))
            .max_elapsed(Duration::from_secs(5));
        assert!(decide(&p, status(503), true, 0, MS(0), 0.0).is_some());
        assert_eq!(
            decide(&p, status(503), true, 0, Duration::from_secs(4), 0.0),
            None
        );
    }

    #[test]
    fn jwks_rule_retries_every_failure_with_clerk_delays() {
        // Clerk's JWKS loader: 5 attempts, 200 ms doubling, no jitter, no time budget.
        let p = RetryPolicy::doubling(5, MS(200), RetryRule::AnyFailure);
        let waits: Vec<_> = (0..5)
            .map(|n| decide(&p, status(500), false, n, Duration::from_secs(3600), 0.9))
            .collect();
        assert_eq!(
            waits,
            [
                Some(MS(200)),
                Some(MS(400)),
                Some(MS(800)),
                Some(MS(1600)),
                None
            ]
        );
        for o in [
            status(404),
            Outcome::ConnectFailed,
            Outcome::TransportFailed,
            Outcome::TimedOut,
        ] {
            assert!(decide(&p, o, false, 0, MS(0), 0.0).is_some(), "{o:?}");
        }
        // A 429's Retry-After is the Backend API client's rule, not the loader's.
        let o = Outcome::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(9)),
        };
        assert_eq!(decide(&p, o, false, 0, MS(0), 0.0), Some(MS(200)));
        assert_eq!(
            RetryPolicy::doubling(0, MS(1), RetryRule::AnyFailure).max_retries,
            0
        );
    }

    #[test]
    fn interstitial_rule_retries_transport_failures_only() {
        let p = RetryPolicy::doubling(5, MS(200), RetryRule::TransportOnly);
        for o in [
            Outcome::ConnectFailed,
            Outcome::TransportFailed,
            Outcome::TimedOut,
        ] {
            assert_eq!(decide(&p, o, false, 3, MS(0), 0.5), Some(MS(1600)), "{o:?}");
            assert_eq!(decide(&p, o, false, 4, MS(0), 0.5), None, "{o:?}");
        }
        for s in [429, 500, 503] {
            assert_eq!(decide(&p, status(s), true, 0, MS(0), 0.0), None, "{s}");
        }
    }

    #[test]
    fn parses_retry_after_seconds() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(MS(500)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("inf"), None);
    }

    #[test]
    fn idempotent_methods() {
        assert!(is_idempotent(&http::Method::GET));
        assert!(is_idempotent(&http::Method::DELETE));
        assert!(is_idempotent(&http::Method::PUT));
        assert!(!is_idempotent(&http::Method::POST));
        assert!(!is_idempotent(&http::Method::PATCH));
    }

    #[test]
    fn jitter_is_in_range() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
