//! The providers built into terrane, with Terraform's resource type and attribute names:
//! `null` (`null_resource`, `null_data_source`), `terraform` (`terraform_data`), and more.
//!
//! [`registry`] lists them by provider source address, each with a constructor, so the CLI can hand
//! the engine a fresh instance per provider configuration.
#![deny(missing_docs)]

pub mod null;
mod rng;
pub mod terraform;

use std::sync::Arc;
use terrane_addrs::Provider as ProviderAddr;
use terrane_provider_api::Provider;

/// A constructor of provider instances.
pub type Factory = fn() -> Arc<dyn Provider>;

/// Every built-in provider: its source address and its constructor.
pub fn registry() -> Vec<(ProviderAddr, Factory)> {
    vec![
        (ProviderAddr::new("hashicorp", "null"), || Arc::new(null::provider())),
        (ProviderAddr::implied("terraform"), || Arc::new(terraform::provider())),
    ]
}
