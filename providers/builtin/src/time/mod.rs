//! The `time` provider (hashicorp/time): timestamps kept in state (`time_static`) and deliberate
//! delays (`time_sleep`).

mod duration;
mod rfc3339;
mod sleep;
mod static_time;

use terrane_provider_sdk::SdkProvider;

/// The time provider.
pub fn provider() -> SdkProvider {
    SdkProvider::new()
        .resource("time_sleep", sleep::TimeSleep)
        .resource("time_static", static_time::TimeStatic)
}
