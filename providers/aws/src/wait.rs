//! Waiting for an object to become usable (or to go away): poll its status until it reaches a target,
//! a failure status, or the operation's timeout from the `timeouts` block.

use crate::error::AwsError;
use crate::json::{Json, s};
use crate::retry::Patience;
use std::future::Future;
use std::time::Duration;

/// What one poll saw.
#[derive(Debug)]
pub enum Poll<T> {
    /// The target state, with the object.
    Ready(T),
    /// Still on its way, in this status.
    Pending(String),
    /// A status it will not leave by itself.
    Failed(String),
    /// The object does not exist.
    Gone,
}

/// The default timeouts of a resource type, overridden per operation by its `timeouts` block.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// Creating.
    pub create: Duration,
    /// Updating.
    pub update: Duration,
    /// Deleting.
    pub delete: Duration,
}

impl Timeouts {
    /// The same default for every operation, in minutes.
    pub const fn minutes(create: u64, update: u64, delete: u64) -> Timeouts {
        Timeouts {
            create: Duration::from_secs(create * 60),
            update: Duration::from_secs(update * 60),
            delete: Duration::from_secs(delete * 60),
        }
    }

    /// The timeout of `op` (`create`, `update` or `delete`) for an object whose state or plan is `v`.
    pub fn of(&self, v: &Json, op: &str) -> Duration {
        let default = match op {
            "create" => self.create,
            "update" => self.update,
            _ => self.delete,
        };
        crate::json::block(v, "timeouts")
            .and_then(|t| s(t, op))
            .and_then(parse_duration)
            .unwrap_or(default)
    }
}

/// Parses a Go duration as the `timeouts` block takes it: `30s`, `10m`, `1h30m`, `1.5h`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * scale;
    }
    Some(Duration::from_secs_f64(total))
}

/// Whether `text` is a duration the `timeouts` block accepts.
pub fn is_duration(text: &str) -> bool {
    parse_duration(text).is_some()
}

/// Polls `check` until it reports `Ready`, failing on `Failed`, on `Gone` (unless `gone_ok`, when
/// `Ok(None)` is returned), on a non-retryable error, or when `timeout` passes. `what` names the
/// object in messages (`EKS Cluster (main)`), `target` the awaited status.
pub async fn wait_for<T, F, Fut>(
    patience: &Patience,
    what: &str,
    target: &str,
    timeout: Duration,
    gone_ok: bool,
    mut check: F,
) -> Result<Option<T>, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, AwsError>>,
{
    let start = tokio::time::Instant::now();
    let interval = patience
        .poll
        .min(timeout / 10)
        .max(Duration::from_millis(10));
    let mut last = String::from("unknown");
    loop {
        match check().await {
            Ok(Poll::Ready(v)) => return Ok(Some(v)),
            Ok(Poll::Gone) if gone_ok => return Ok(None),
            Ok(Poll::Gone) => {
                return Err(AwsError::other(
                    "wait",
                    format!("{what} disappeared while waiting for it to become {target}"),
                ));
            }
            Ok(Poll::Failed(status)) => {
                return Err(AwsError::other(
                    "wait",
                    format!("{what} reached status {status:?} instead of {target:?}"),
                ));
            }
            Ok(Poll::Pending(status)) => last = status,
            Err(e) if e.is_throttling() => {}
            Err(e) => return Err(e),
        }
        if start.elapsed() + interval > timeout {
            return Err(AwsError::other(
                "wait",
                format!(
                    "timeout while waiting for {what} to become {target:?} (last status {last:?}, timeout {})",
                    format_duration(timeout)
                ),
            ));
        }
        tokio::time::sleep(interval).await;
    }
}

/// A duration as Terraform prints it: `20m0s`, `1h0m0s`, `45s`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Mutex;

    #[test]
    fn durations_as_go_parses_them() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5m"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(format_duration(Duration::from_secs(1200)), "20m0s");
    }

    #[test]
    fn timeouts_block_overrides_the_default() {
        let t = Timeouts::minutes(40, 80, 60);
        let v = json!({"timeouts": {"create": "5m", "update": null, "delete": null}});
        assert_eq!(t.of(&v, "create"), Duration::from_secs(300));
        assert_eq!(t.of(&v, "update"), Duration::from_secs(80 * 60));
        assert_eq!(
            t.of(&json!({"timeouts": null}), "delete"),
            Duration::from_secs(3600)
        );
    }

    /// A scripted status sequence, as DescribeX would answer it.
    fn script(statuses: &[&str]) -> Mutex<Vec<String>> {
        Mutex::new(statuses.iter().rev().map(|s| s.to_string()).collect())
    }

    async fn poll(s: &Mutex<Vec<String>>) -> Result<Poll<String>, AwsError> {
        let next = s.lock().unwrap().pop().unwrap_or_else(|| "creating".into());
        Ok(match next.as_str() {
            "available" => Poll::Ready(next),
            "failed" => Poll::Failed(next),
            "gone" => Poll::Gone,
            _ => Poll::Pending(next),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn polls_until_ready() {
        let p = Patience::default();
        let s = script(&["pending", "pending", "available"]);
        let start = tokio::time::Instant::now();
        let r = wait_for(
            &p,
            "NAT Gateway (nat-1)",
            "available",
            Duration::from_secs(600),
            false,
            || poll(&s),
        )
        .await;
        assert_eq!(r.unwrap().as_deref(), Some("available"));
        assert_eq!(start.elapsed(), Duration::from_secs(20));
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_with_the_last_status() {
        let p = Patience::default();
        let s = script(&[]);
        let start = tokio::time::Instant::now();
        let e = wait_for(
            &p,
            "EKS Cluster (main)",
            "ACTIVE",
            Duration::from_secs(60),
            false,
            || poll(&s),
        )
        .await
        .unwrap_err();
        assert!(e.message.contains("timeout while waiting for EKS Cluster (main) to become \"ACTIVE\" (last status \"creating\", timeout 1m0s)"), "{e}");
        assert!(start.elapsed() <= Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn failure_status_and_disappearance() {
        let p = Patience::default();
        let s = script(&["pending", "failed"]);
        let e = wait_for(
            &p,
            "DB Instance (db)",
            "available",
            Duration::from_secs(600),
            false,
            || poll(&s),
        )
        .await
        .unwrap_err();
        assert!(e.message.contains("reached status \"failed\""), "{e}");
        let s = script(&["deleting", "gone"]);
        let r = wait_for(
            &p,
            "DB Instance (db)",
            "deleted",
            Duration::from_secs(600),
            true,
            || poll(&s),
        )
        .await;
        assert!(r.unwrap().is_none());
    }
}
