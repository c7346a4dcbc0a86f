//! When to pull: a per-collection interval with jitter, and exponential backoff
//! with a cap after failures (or what the backend asked for with Retry-After).

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct SyncIntervals {
    pub promo: Duration,
    pub services: Duration,
    pub contacts: Duration,
    pub elections: Duration,
    pub notice_board: Duration,
    pub events: Duration,
    pub heartbeat: Duration,
    /// Longest wait after repeated failures.
    pub max_backoff: Duration,
}

impl Default for SyncIntervals {
    fn default() -> Self {
        SyncIntervals {
            promo: Duration::from_secs(300),
            services: Duration::from_secs(3600),
            contacts: Duration::from_secs(3600),
            elections: Duration::from_secs(3600),
            notice_board: Duration::from_secs(900),
            events: Duration::from_secs(60),
            heartbeat: Duration::from_secs(300),
            max_backoff: Duration::from_secs(1800),
        }
    }
}

impl SyncIntervals {
    pub fn for_collection(&self, name: &str) -> Duration {
        match name {
            "promo" => self.promo,
            "services" => self.services,
            "contacts" => self.contacts,
            "elections" => self.elections,
            "notice-board" => self.notice_board,
            _ => self.promo,
        }
    }
}

/// The wait before the next attempt.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// After `failures` failures in a row: base·2^(failures-1), capped; a server's
    /// Retry-After wins if it is longer (but is capped too).
    pub fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << failures.saturating_sub(1).min(16));
        let d = exp.min(self.cap);
        match retry_after {
            Some(r) => r.max(d).min(self.cap),
            None => d,
        }
    }
}

/// Spreads `interval` by ±10 % so that a fleet of kiosks does not pull in step.
/// `unit` is a number in [0, 1).
pub fn jittered(interval: Duration, unit: f64) -> Duration {
    let factor = 0.9 + 0.2 * unit.clamp(0.0, 1.0);
    interval.mul_f64(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Backoff {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(300),
        };
        assert_eq!(b.delay(1, None), Duration::from_secs(10));
        assert_eq!(b.delay(2, None), Duration::from_secs(20));
        assert_eq!(b.delay(4, None), Duration::from_secs(80));
        assert_eq!(b.delay(10, None), Duration::from_secs(300));
        assert_eq!(b.delay(100, None), Duration::from_secs(300));
    }

    #[test]
    fn retry_after_is_honoured_within_the_cap() {
        let b = Backoff {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(300),
        };
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(120))),
            Duration::from_secs(120)
        );
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(9999))),
            Duration::from_secs(300)
        );
        assert_eq!(
            b.delay(3, Some(Duration::from_secs(1))),
            Duration::from_secs(40)
        );
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        let i = Duration::from_secs(100);
        assert_eq!(jittered(i, 0.0), Duration::from_secs(90));
        assert_eq!(jittered(i, 0.5), Duration::from_secs(100));
        assert!(jittered(i, 0.999) <= Duration::from_secs(110));
    }
}
