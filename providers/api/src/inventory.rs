//! What a provider can tell about the remote objects themselves rather than one object of a
//! state: the objects that exist (to find those no state manages) and how many API requests it made.

use terrane_diagnostics::Diagnostics;

/// `ListResources`: list the objects of every resource type the provider can enumerate, in the
/// account and region it is configured for.
#[derive(Clone, Debug, Default)]
pub struct ListRequest {
    /// Narrows the listing, as `(name, value)` pairs the provider interprets (the AWS provider:
    /// `tag:KEY` = value, `vpc-id` = id). Every filter must match; an object type a filter does not
    /// apply to (a `vpc-id` filter and an IAM role) is left out.
    pub filters: Vec<(String, String)>,
}

/// One object found by [`ListRequest`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListedObject {
    /// The resource type that would manage it (`aws_vpc`).
    pub type_name: String,
    /// Its id, as the resource type's `id` attribute holds it.
    pub id: String,
    /// A human name when it has one (a `Name` tag, a role name).
    pub name: Option<String>,
    /// Where it is (a region), when the provider is regional.
    pub location: Option<String>,
}

/// The answer to [`ListRequest`].
#[derive(Clone, Debug, Default)]
pub struct ListResponse {
    /// The resource types that were listed (the provider supports listing them).
    pub types: Vec<String>,
    /// The objects found.
    pub objects: Vec<ListedObject>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// How much a provider has used its remote API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Operations called since the provider was made (a retried operation counts once).
    pub api_calls: u64,
    /// The same by operation name (`EC2.DescribeSubnets`), when the provider tells them apart.
    pub by_operation: std::collections::BTreeMap<String, u64>,
}
