//! Retrying calls that fail only because AWS has not caught up yet: throttling, an object created a
//! moment ago that another API does not see yet, a dependency still detaching. Delays grow
//! exponentially from [`Patience::initial`] to [`Patience::max_delay`] until the deadline passes.
//!
//! The SDK's own retry strategy already retries throttled and failed transmissions a few times
//! (`max_retries`); this layer covers the answers the SDK considers final.

use crate::error::AwsError;
use std::future::Future;
use std::time::Duration;

/// How long and how often the provider waits for AWS.
#[derive(Clone, Copy, Debug)]
pub struct Patience {
    /// The first delay between attempts.
    pub initial: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
    /// How long an eventually consistent answer is retried (Terraform's propagation timeout).
    pub propagation: Duration,
    /// The interval between polls of a resource that is becoming ready (at most; shorter for short
    /// timeouts).
    pub poll: Duration,
}

impl Default for Patience {
    fn default() -> Patience {
        Patience {
            initial: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            propagation: Duration::from_secs(120),
            poll: Duration::from_secs(10),
        }
    }
}

impl Patience {
    /// Reads overrides from the environment: `TERRANE_AWS_PROPAGATION_TIMEOUT` and
    /// `TERRANE_AWS_POLL_INTERVAL` (seconds, fractions allowed), used by tests against an emulator
    /// that answers at once.
    pub fn from_env() -> Patience {
        let secs = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|f| *f >= 0.0)
                .map(Duration::from_secs_f64)
        };
        let mut p = Patience::default();
        if let Some(d) = secs("TERRANE_AWS_PROPAGATION_TIMEOUT") {
            p.propagation = d;
            p.max_delay = p.max_delay.min(d.max(Duration::from_millis(50)));
            p.initial = p.initial.min(p.max_delay);
        }
        if let Some(d) = secs("TERRANE_AWS_POLL_INTERVAL") {
            p.poll = d;
        }
        p
    }

    /// The delay before attempt `n` (0-based) after a failure.
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.min(16));
        self.initial.saturating_mul(factor).min(self.max_delay)
    }
}

/// Calls `f` until it succeeds, fails with an error `retryable` rejects, or `timeout` passes (then the
/// last error is returned). Throttling is always retryable.
pub async fn retry<T, F, Fut>(
    patience: &Patience,
    timeout: Duration,
    retryable: impl Fn(&AwsError) -> bool,
    mut f: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let start = tokio::time::Instant::now();
    let mut attempt = 0;
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_throttling() || retryable(&e) => {
                let delay = patience.delay(attempt);
                if start.elapsed() + delay > timeout {
                    return Err(e);
                }
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// [`retry`] over the propagation timeout, retrying the given error codes.
pub async fn retry_codes<T, F, Fut>(
    patience: &Patience,
    codes: &[&str],
    f: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    retry(patience, patience.propagation, |e| e.is(codes), f).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn err(code: &str) -> AwsError {
        AwsError {
            op: "DeleteSubnet",
            code: code.into(),
            message: "has dependencies".into(),
            status: Some(400),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retries_until_success_with_growing_delays() {
        let p = Patience::default();
        let calls = AtomicU32::new(0);
        let start = tokio::time::Instant::now();
        let r = retry_codes(&p, &["DependencyViolation"], || async {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            if n < 3 {
                Err(err("DependencyViolation"))
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
        // 0.5 s + 1 s + 2 s of backoff
        assert_eq!(start.elapsed(), Duration::from_millis(3500));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_the_timeout_with_the_last_error() {
        let p = Patience::default();
        let start = tokio::time::Instant::now();
        let r: Result<(), _> = retry(
            &p,
            Duration::from_secs(30),
            |e| e.is(&["DependencyViolation"]),
            || async { Err(err("DependencyViolation")) },
        )
        .await;
        assert_eq!(r.unwrap_err().code, "DependencyViolation");
        assert!(start.elapsed() <= Duration::from_secs(30));
        assert!(start.elapsed() >= Duration::from_secs(20));
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_fail_at_once_and_throttling_is_retried() {
        let p = Patience::default();
        let r: Result<(), _> =
            retry_codes(&p, &[], || async { Err(err("InvalidParameterValue")) }).await;
        assert_eq!(r.unwrap_err().code, "InvalidParameterValue");
        let calls = AtomicU32::new(0);
        let r = retry_codes(&p, &[], || async {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(err("RequestLimitExceeded"))
            } else {
                Ok(())
            }
        })
        .await;
        assert!(r.is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
