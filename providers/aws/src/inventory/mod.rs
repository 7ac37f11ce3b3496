//! Listing the AWS objects of the supported types that exist in the configured account and region
//! (for drift checks that look for objects no state manages): paged List and Describe calls per
//! type, narrowed on AWS's side where the API can (`tag:KEY` and `vpc-id` filters of EC2), and again
//! here where it cannot.
//!
//! Every object is named by its resource type, its `id` as that type's state holds it, and the id
//! `terrane import` takes (terraform-provider-aws's conventions). Objects that belong to another
//! (routes, route table associations, security group rules, role policy attachments, EKS node
//! groups) match the filters through the object they belong to.
//!
//! The objects AWS makes or manages on its own are left out: the default VPC and everything in it,
//! every VPC's default security group (with its rules) and main route table, local and propagated
//! routes, the main route table association, service-linked roles, AWS-managed policies, `default.*`
//! DB parameter groups and the `default` DB subnet group, and objects that are being deleted.

mod compute;
mod eks;
mod iam;
mod network;
mod rds;

use crate::client::Aws;
use crate::ec2::filter;
use crate::error::{AwsError, sdk};
use aws_sdk_ec2::types::{Filter, Tag};
use std::collections::HashSet;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider_api::{ListPart, ListResponse, ListedObject, PartOf};

/// The resource types listed whose objects are the same from every region.
pub const GLOBAL_TYPES: [&str; 3] = [
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_role_policy_attachment",
];

/// The resource types listed whose objects live in a region.
pub const REGIONAL_TYPES: [&str; 19] = [
    "aws_db_instance",
    "aws_db_parameter_group",
    "aws_db_subnet_group",
    "aws_eip",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_instance",
    "aws_internet_gateway",
    "aws_key_pair",
    "aws_launch_template",
    "aws_nat_gateway",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_security_group",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
];

/// What the user's filters ask for.
#[derive(Default)]
pub(crate) struct Wanted {
    pub tags: Vec<(String, String)>,
    pub vpc: Option<String>,
}

impl Wanted {
    fn parse(filters: &[(String, String)]) -> Result<Wanted, Diagnostics> {
        let mut w = Wanted::default();
        for (k, v) in filters {
            if let Some(key) = k.strip_prefix("tag:") {
                w.tags.push((key.to_string(), v.clone()));
            } else if k == "vpc-id" {
                w.vpc = Some(v.clone());
            } else {
                return Err(Diagnostics::from(Diagnostic::error(
                    "Unsupported filter",
                    format!(
                        "The AWS provider lists objects by `tag:KEY=VALUE` and `vpc-id=ID`, not by {k:?}."
                    ),
                )));
            }
        }
        Ok(w)
    }

    /// The EC2 Describe filters: the tags, and the VPC under the name the call knows it by (None:
    /// the type has no VPC, so a VPC filter leaves it out).
    pub fn ec2(&self, vpc_name: Option<&str>) -> Option<Vec<Filter>> {
        let mut out: Vec<Filter> = self
            .tags
            .iter()
            .map(|(k, v)| filter(&format!("tag:{k}"), [v.clone()]))
            .collect();
        if let Some(vpc) = &self.vpc {
            out.push(filter(vpc_name?, [vpc.clone()]));
        }
        Some(out)
    }

    /// Checks an EC2 object on this side too: not every endpoint applies every Describe filter
    /// (moto ignores tag filters of DescribeNatGateways).
    pub fn ec2_match(&self, tags: &[Tag], vpc: Option<&str>) -> bool {
        self.tags_match(&ec2_tags(tags)) && self.vpc_match(vpc)
    }

    pub fn vpc_match(&self, vpc: Option<&str>) -> bool {
        self.vpc.as_deref().is_none_or(|want| vpc == Some(want))
    }

    pub fn tags_match(&self, tags: &[(String, String)]) -> bool {
        self.tags
            .iter()
            .all(|want| tags.iter().any(|have| have == want))
    }
}

pub(crate) fn ec2_tags(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub(crate) fn name_tag(tags: &[Tag]) -> Option<String> {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value().map(str::to_string))
}

/// The objects found so far.
pub(crate) struct Found {
    /// Where the objects being listed are: the region, none for IAM's global objects.
    location: Option<String>,
    objects: Vec<ListedObject>,
}

impl Found {
    /// An object whose import id is its id.
    pub fn add(&mut self, ty: &str, id: Option<&str>, name: Option<String>) {
        if let Some(id) = id {
            self.add_object(ty, id, id.to_string(), name, None);
        }
    }

    /// An object with everything said.
    pub fn add_object(
        &mut self,
        ty: &str,
        id: &str,
        import_id: String,
        name: Option<String>,
        part_of: Option<PartOf>,
    ) {
        self.objects.push(ListedObject {
            type_name: ty.to_string(),
            id: id.to_string(),
            import_id,
            name,
            location: self.location.clone(),
            part_of,
        });
    }
}

/// The parent of a listed object, with the block of its type that can manage the object inline.
pub(crate) fn part_of(ty: &str, id: &str, block: &str) -> Option<PartOf> {
    Some(PartOf {
        type_name: ty.to_string(),
        id: id.to_string(),
        block: block.to_string(),
        with_parent: false,
    })
}

/// Lists the objects of the types of `part` ([`REGIONAL_TYPES`], [`GLOBAL_TYPES`]) that match the
/// filters.
pub async fn list(aws: &Aws, filters: &[(String, String)], part: ListPart) -> ListResponse {
    let wanted = match Wanted::parse(filters) {
        Ok(w) => w,
        Err(diagnostics) => {
            return ListResponse {
                diagnostics,
                ..ListResponse::default()
            };
        }
    };
    let mut found = Found {
        location: Some(aws.region.clone()),
        objects: Vec::new(),
    };
    let mut diagnostics = Diagnostics::new();
    let mut types = Vec::new();
    if part != ListPart::Global {
        regional(aws, &wanted, &mut found, &mut diagnostics).await;
        types.extend(REGIONAL_TYPES);
    }
    if part != ListPart::Regional {
        found.location = None;
        if let Err(e) = iam::list(aws, &wanted, &mut found).await {
            diagnostics.extend(e.diag("listing IAM objects"));
        }
        types.extend(GLOBAL_TYPES);
    }
    let mut objects = found.objects;
    objects.sort();
    objects.dedup();
    types.sort();
    ListResponse {
        types: types.into_iter().map(str::to_string).collect(),
        objects,
        diagnostics,
    }
}

async fn regional(aws: &Aws, wanted: &Wanted, found: &mut Found, diagnostics: &mut Diagnostics) {
    match default_vpcs(aws).await {
        Err(e) => diagnostics.extend(e.diag("listing EC2 objects")),
        Ok(defaults) => {
            if let Err(e) = network::list(aws, wanted, &defaults, found).await {
                diagnostics.extend(e.diag("listing VPC objects"));
            }
            if let Err(e) = compute::list(aws, wanted, &defaults, found).await {
                diagnostics.extend(e.diag("listing EC2 objects"));
            }
        }
    }
    if let Err(e) = rds::list(aws, wanted, found).await {
        diagnostics.extend(e.diag("listing RDS objects"));
    }
    if let Err(e) = eks::list(aws, wanted, found).await {
        diagnostics.extend(e.diag("listing EKS objects"));
    }
}

/// The account's default VPCs: AWS made them and what is in them.
async fn default_vpcs(aws: &Aws) -> Result<HashSet<String>, AwsError> {
    let out = aws
        .ec2
        .describe_vpcs()
        .filters(filter("is-default", ["true"]))
        .send()
        .await
        .map_err(sdk("DescribeVpcs"))?;
    Ok(out
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_string))
        .collect())
}
