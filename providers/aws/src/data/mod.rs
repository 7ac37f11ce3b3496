//! Data sources, and the `filter` blocks several of them share.

pub mod ami;
pub mod availability_zones;
pub mod caller_identity;
pub mod iam_policy_document;
pub mod partition;
pub mod region;
pub mod subnets;
pub mod vpc;

use crate::json::{Json, blocks, s, strs};
use terrane_provider_api::schema::{Attribute, Block, Nesting};

/// Adds the `filter { name = ..., values = [...] }` blocks.
pub fn with_filters(b: Block) -> Block {
    b.nested(
        "filter",
        Nesting::Set,
        Block::default()
            .attr("name", Attribute::required(terrane_values::Type::String))
            .attr(
                "values",
                Attribute::required(terrane_values::Type::set(terrane_values::Type::String)),
            ),
    )
}

/// The EC2 filters of a configuration's `filter` blocks.
pub fn filters(cfg: &Json) -> Vec<aws_sdk_ec2::types::Filter> {
    blocks(cfg, "filter")
        .iter()
        .map(|f| crate::ec2::filter(s(f, "name").unwrap_or_default(), strs(f, "values")))
        .collect()
}

/// EC2 filters matching a tag map (`tag:KEY = VALUE`).
pub fn tag_filters(cfg: &Json, key: &str) -> Vec<aws_sdk_ec2::types::Filter> {
    crate::json::string_map(cfg, key)
        .into_iter()
        .map(|(k, v)| crate::ec2::filter(&format!("tag:{k}"), [v]))
        .collect()
}

/// The error for a query that matched no object.
pub fn no_match(what: &str) -> terrane_diagnostics::Diagnostics {
    terrane_provider_sdk::error(
        format!("no matching {what} found"),
        "Your query returned no results. Please change your search criteria and try again.",
    )
}
