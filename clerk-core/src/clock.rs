//! The clock behind every time rule (token expiry, not-before, issued-at, JWKS cache ages).

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time, in Unix milliseconds.
///
/// The SDK uses [`SystemClock`] unless you inject another one, which tests do to check every time
/// rule exactly (see [`FixedClock`]).
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        }
    }
}

/// A clock that stands still until told to move: for tests.
///
/// ```
/// use std::time::Duration;
/// use clerk_core::{Clock, FixedClock};
///
/// let clock = FixedClock::from_unix_seconds(1_700_000_000);
/// clock.advance(Duration::from_secs(61));
/// assert_eq!(clock.now_ms(), 1_700_000_061_000);
/// ```
#[derive(Debug, Default)]
pub struct FixedClock {
    ms: AtomicI64,
}

impl FixedClock {
    /// A clock fixed at `seconds` after the Unix epoch.
    #[must_use]
    pub fn from_unix_seconds(seconds: i64) -> Self {
        Self::from_unix_millis(seconds.saturating_mul(1000))
    }

    /// A clock fixed at `ms` milliseconds after the Unix epoch.
    #[must_use]
    pub fn from_unix_millis(ms: i64) -> Self {
        Self {
            ms: AtomicI64::new(ms),
        }
    }

    /// Sets the time, in Unix seconds.
    pub fn set_unix_seconds(&self, seconds: i64) {
        self.ms
            .store(seconds.saturating_mul(1000), Ordering::SeqCst);
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| {
                Some(v.saturating_add(by))
            })
            .ok();
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// JavaScript's `Date.prototype.toUTCString`, e.g. `Mon, 24 Oct 2022 21:51:50 GMT`.
pub(crate) fn js_utc_string(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let year = if y >= 0 {
        format!("{y:04}")
    } else {
        format!("-{:06}", -y)
    };
    format!(
        "{weekday}, {d:02} {} {year} {:02}:{:02}:{:02} GMT",
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_string_matches_javascript() {
        assert_eq!(
            js_utc_string(1_666_648_310_000),
            "Mon, 24 Oct 2022 21:51:50 GMT"
        );
        assert_eq!(js_utc_string(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(js_utc_string(-1000), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(
            js_utc_string(951_782_400_000),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert_eq!(
            js_utc_string(8_640_000_000_000_000),
            "Sat, 13 Sep 275760 00:00:00 GMT"
        );
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::from_unix_seconds(10);
        assert_eq!(c.now_ms(), 10_000);
        c.advance(Duration::from_millis(5));
        assert_eq!(c.now_ms(), 10_005);
        c.set_unix_seconds(1);
        assert_eq!(c.now_ms(), 1000);
        assert!(SystemClock.now_ms() > 1_600_000_000_000);
    }
}
