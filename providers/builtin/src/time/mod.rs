//! The `time` provider (hashicorp/time).
use crate::defaults::WithDefaults;
use terrane_provider_sdk::SdkProvider;
/// The time provider.
pub fn provider() -> WithDefaults { WithDefaults::new(SdkProvider::new()) }
