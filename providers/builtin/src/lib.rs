//! The providers built into terrane, with Terraform's resource type and attribute names, defaults,
//! validation and behaviour:
//!
//! - `null` (hashicorp/null): `null_resource`, `null_data_source`;
//! - `random` (hashicorp/random): `random_id`, `random_integer`, `random_password`, `random_pet`,
//!   `random_shuffle`, `random_string`, `random_uuid`;
//! - `local` (hashicorp/local): `local_file`, `local_sensitive_file` and the data sources of the same
//!   names;
//! - `time` (hashicorp/time): `time_static`, `time_sleep`;
//! - `terraform` (built in): `terraform_data`.
//!
//! Each is an [`SdkProvider`](terrane_provider_sdk::SdkProvider), wrapped in [`defaults::WithDefaults`]
//! where arguments have defaults. [`registry`] lists them by provider source address, each with a
//! constructor, so the CLI can hand the engine a fresh instance per provider configuration.
#![deny(missing_docs)]

pub mod defaults;
pub mod local;
pub mod null;
pub mod random;
mod rng;
pub mod terraform;
pub mod time;

use std::sync::Arc;
use terrane_addrs::Provider as ProviderAddr;
use terrane_provider_api::Provider;

/// A constructor of provider instances.
pub type Factory = fn() -> Arc<dyn Provider>;

/// Every built-in provider: its source address and its constructor.
pub fn registry() -> Vec<(ProviderAddr, Factory)> {
    vec![
        (ProviderAddr::new("hashicorp", "null"), || {
            Arc::new(null::provider())
        }),
        (ProviderAddr::new("hashicorp", "random"), || {
            Arc::new(random::provider())
        }),
        (ProviderAddr::new("hashicorp", "local"), || {
            Arc::new(local::provider())
        }),
        (ProviderAddr::new("hashicorp", "time"), || {
            Arc::new(time::provider())
        }),
        (ProviderAddr::implied("terraform"), || {
            Arc::new(terraform::provider())
        }),
    ]
}
