//! EC2 and VPC resource types, and what they share: filters, reading many objects by id in one
//! paged Describe call, and the answers for objects that are gone.

pub mod eip;
pub mod instance;
pub mod internet_gateway;
pub mod key_pair;
pub mod launch_template;
pub mod nat_gateway;
pub mod permissions;
pub mod route;
pub mod route_table;
pub mod route_table_association;
pub mod security_group;
pub mod security_group_rule;
pub mod subnet;
pub mod vpc;

use crate::json::{Json, s};
use aws_sdk_ec2::types::Filter;
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;

/// The most ids one filter takes per call.
pub const CHUNK: usize = 200;

/// A Describe filter.
pub fn filter(name: &str, values: impl IntoIterator<Item = impl Into<String>>) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.into_iter().map(Into::into).collect()))
        .build()
}

/// The ids of the states, without duplicates or empties, in order.
pub fn ids(states: &[Json]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for st in states {
        if let Some(id) = s(st, "id")
            && !out.iter().any(|x| x == id)
        {
            out.push(id.to_string());
        }
    }
    out
}

/// The answer for each state from the objects found by id: rendered when found, gone otherwise.
pub fn answer<T>(
    states: &[Json],
    found: &HashMap<String, T>,
    mut render: impl FnMut(&Json, &T) -> Json,
) -> Vec<Result<Option<Json>, Diagnostics>> {
    states
        .iter()
        .map(|st| {
            Ok(s(st, "id")
                .and_then(|id| found.get(id))
                .map(|obj| render(st, obj)))
        })
        .collect()
}

/// The same failure for every state.
pub fn fail_all<T>(n: usize, d: Diagnostics) -> Vec<Result<T, Diagnostics>> {
    (0..n).map(|_| Err(d.clone())).collect()
}

/// Reads one object through a type's `read_many`.
pub async fn read_one(
    r: &dyn crate::resource::Resource,
    aws: &crate::client::Aws,
    state: &Json,
) -> Result<Option<Json>, Diagnostics> {
    r.read_many(aws, std::slice::from_ref(state))
        .await
        .pop()
        .unwrap_or(Ok(None))
}

/// The id of a state, or an error naming what lacks it.
pub fn id_of<'a>(state: &'a Json, what: &str) -> Result<&'a str, Diagnostics> {
    s(state, "id").ok_or_else(|| {
        terrane_provider_sdk::error(format!("reading {what}"), "the state has no id")
    })
}
