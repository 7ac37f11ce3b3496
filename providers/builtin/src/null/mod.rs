//! The `null` provider (hashicorp/null): resources that do nothing but exist, and a data source that
//! echoes its inputs.

mod data_source;
mod resource;

use terrane_provider_sdk::SdkProvider;

/// The null provider.
pub fn provider() -> SdkProvider {
    SdkProvider::new()
        .resource("null_resource", resource::NullResource)
        .data_source("null_data_source", data_source::NullDataSource)
}
