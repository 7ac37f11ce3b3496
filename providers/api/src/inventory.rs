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
    /// Which of the provider's types to list.
    pub part: ListPart,
}

/// The types of a listing: for a regional provider, those whose objects live in a region, and those
/// whose objects are the same from every region (AWS IAM), so that an account with several regions
/// has its global objects listed once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListPart {
    /// Every type.
    #[default]
    All,
    /// The types whose objects live in the configured region.
    Regional,
    /// The types whose objects are the same from every region.
    Global,
}

impl std::fmt::Display for ListPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ListPart::All => "all",
            ListPart::Regional => "regional",
            ListPart::Global => "global",
        })
    }
}

/// One object found by [`ListRequest`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ListedObject {
    /// The resource type that would manage it (`aws_vpc`).
    pub type_name: String,
    /// Its id, as the resource type's `id` attribute holds it.
    pub id: String,
    /// The id `terrane import` takes for it (`rtb-1_10.0.0.0/8` for a route whose `id` is
    /// `r-rtb-11080289494`); the same as `id` for most types.
    pub import_id: String,
    /// The object it is part of, when that object's resource type can also manage it inline (a
    /// route of a route table, a rule of a security group).
    pub part_of: Option<PartOf>,
    /// A human name when it has one (a `Name` tag, a role name).
    pub name: Option<String>,
    /// Where it is (a region), when the provider is regional.
    pub location: Option<String>,
}

/// The object a listed object belongs to, and the nested block of that object's resource type that
/// manages such objects inline (`aws_route_table` `rtb-1`, block `route`): when the configuration of
/// the resource managing the parent sets that block, the listed object is managed through it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartOf {
    /// The parent's resource type.
    pub type_name: String,
    /// The parent's id.
    pub id: String,
    /// The nested block (or attribute) of the parent's type.
    pub block: String,
    /// AWS made it together with the parent (the allow-all egress rule of a new security group):
    /// while the parent is unmanaged too, it is part of the parent's listing rather than a finding
    /// of its own.
    pub with_parent: bool,
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

/// How a managed object is recognised in a listing, beside its `id`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManagedIdentity {
    /// The id `terrane import` would take for it, when it differs from its `id` (an
    /// `aws_iam_role_policy_attachment` has a generated `id`, and `ROLE/POLICY_ARN` as import id).
    pub import_id: Option<String>,
    /// The nested blocks of its type that manage objects of a listed type inline (`route` of
    /// `aws_route_table`, `ingress` and `egress` of `aws_security_group`).
    pub inline_blocks: Vec<String>,
}

/// How much a provider has used its remote API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Operations called since the provider was made (a retried operation counts once).
    pub api_calls: u64,
    /// The same by operation name (`EC2.DescribeSubnets`), when the provider tells them apart.
    pub by_operation: std::collections::BTreeMap<String, u64>,
}
