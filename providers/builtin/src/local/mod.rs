//! The `local` provider (hashicorp/local).
use crate::defaults::WithDefaults;
use terrane_provider_sdk::SdkProvider;
/// The local provider.
pub fn provider() -> WithDefaults { WithDefaults::new(SdkProvider::new()) }
