//! Listing the AWS objects of the supported types that exist in the configured region (for drift
//! checks that look for objects no state manages): one paged Describe call per type, narrowed on
//! AWS's side by the `tag:KEY` and `vpc-id` filters.
//!
//! The objects AWS makes on its own are left out: the default VPC and its subnets, internet gateway
//! and default security group, every VPC's default security group and main route table, and
//! instances that are terminated.

use crate::client::Aws;
use crate::ec2::filter;
use crate::error::{AwsError, sdk};
use aws_sdk_ec2::types::{Filter, Tag};
use std::collections::HashSet;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider_api::{ListResponse, ListedObject};

/// The resource types listed.
pub const TYPES: [&str; 12] = [
    "aws_db_instance",
    "aws_eip",
    "aws_eks_cluster",
    "aws_instance",
    "aws_internet_gateway",
    "aws_key_pair",
    "aws_launch_template",
    "aws_nat_gateway",
    "aws_route_table",
    "aws_security_group",
    "aws_subnet",
    "aws_vpc",
];

/// What the user's filters ask for.
#[derive(Default)]
struct Wanted {
    tags: Vec<(String, String)>,
    vpc: Option<String>,
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
    fn ec2(&self, vpc_name: Option<&str>) -> Option<Vec<Filter>> {
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
    fn ec2_match(&self, tags: &[Tag], vpc: Option<&str>) -> bool {
        let tags: Vec<(String, String)> = tags
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect();
        self.tags_match(&tags) && self.vpc.as_deref().is_none_or(|want| vpc == Some(want))
    }

    fn tags_match(&self, tags: &[(String, String)]) -> bool {
        self.tags
            .iter()
            .all(|want| tags.iter().any(|have| have == want))
    }
}

fn name_tag(tags: &[Tag]) -> Option<String> {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value().map(str::to_string))
}

struct Found<'a> {
    aws: &'a Aws,
    objects: Vec<ListedObject>,
}

impl Found<'_> {
    fn add(&mut self, ty: &str, id: Option<&str>, name: Option<String>) {
        if let Some(id) = id {
            self.objects.push(ListedObject {
                type_name: ty.to_string(),
                id: id.to_string(),
                name,
                location: Some(self.aws.region.clone()),
            });
        }
    }
}

/// Lists the objects of [`TYPES`] that match the filters.
pub async fn list(aws: &Aws, filters: &[(String, String)]) -> ListResponse {
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
        aws,
        objects: Vec::new(),
    };
    let mut diagnostics = Diagnostics::new();
    if let Err(e) = list_ec2(aws, &wanted, &mut found).await {
        diagnostics.extend(e.diag("listing EC2 objects"));
    }
    if let Err(e) = list_rds(aws, &wanted, &mut found).await {
        diagnostics.extend(e.diag("listing RDS DB instances"));
    }
    if let Err(e) = list_eks(aws, &wanted, &mut found).await {
        diagnostics.extend(e.diag("listing EKS clusters"));
    }
    let mut objects = found.objects;
    objects.sort();
    objects.dedup();
    ListResponse {
        types: TYPES.iter().map(|t| t.to_string()).collect(),
        objects,
        diagnostics,
    }
}

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

async fn list_ec2(aws: &Aws, w: &Wanted, found: &mut Found<'_>) -> Result<(), AwsError> {
    let defaults = default_vpcs(aws).await?;
    let in_default = |vpc: Option<&str>| vpc.is_some_and(|v| defaults.contains(v));
    if let Some(f) = w.ec2(Some("vpc-id")) {
        let mut pages = aws
            .ec2
            .describe_vpcs()
            .set_filters(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for v in page.map_err(sdk("DescribeVpcs"))?.vpcs() {
                if !v.is_default().unwrap_or(false) && w.ec2_match(v.tags(), v.vpc_id()) {
                    found.add("aws_vpc", v.vpc_id(), name_tag(v.tags()));
                }
            }
        }
    }
    if let Some(f) = w.ec2(Some("vpc-id")) {
        let mut pages = aws
            .ec2
            .describe_subnets()
            .set_filters(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for s in page.map_err(sdk("DescribeSubnets"))?.subnets() {
                if !s.default_for_az().unwrap_or(false)
                    && !in_default(s.vpc_id())
                    && w.ec2_match(s.tags(), s.vpc_id())
                {
                    found.add("aws_subnet", s.subnet_id(), name_tag(s.tags()));
                }
            }
        }
    }
    if let Some(f) = w.ec2(Some("vpc-id")) {
        let mut pages = aws
            .ec2
            .describe_security_groups()
            .set_filters(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for g in page
                .map_err(sdk("DescribeSecurityGroups"))?
                .security_groups()
            {
                if g.group_name() != Some("default")
                    && !in_default(g.vpc_id())
                    && w.ec2_match(g.tags(), g.vpc_id())
                {
                    found.add(
                        "aws_security_group",
                        g.group_id(),
                        g.group_name().map(str::to_string),
                    );
                }
            }
        }
    }
    if let Some(f) = w.ec2(Some("attachment.vpc-id")) {
        let mut pages = aws
            .ec2
            .describe_internet_gateways()
            .set_filters(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for g in page
                .map_err(sdk("DescribeInternetGateways"))?
                .internet_gateways()
            {
                let vpc = g.attachments().first().and_then(|a| a.vpc_id());
                if !g.attachments().iter().any(|a| in_default(a.vpc_id()))
                    && w.ec2_match(g.tags(), vpc)
                {
                    found.add(
                        "aws_internet_gateway",
                        g.internet_gateway_id(),
                        name_tag(g.tags()),
                    );
                }
            }
        }
    }
    if let Some(f) = w.ec2(Some("vpc-id")) {
        let mut pages = aws
            .ec2
            .describe_route_tables()
            .set_filters(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for rt in page.map_err(sdk("DescribeRouteTables"))?.route_tables() {
                let main = rt.associations().iter().any(|a| a.main().unwrap_or(false));
                if !main && !in_default(rt.vpc_id()) && w.ec2_match(rt.tags(), rt.vpc_id()) {
                    found.add("aws_route_table", rt.route_table_id(), name_tag(rt.tags()));
                }
            }
        }
    }
    if let Some(f) = w.ec2(Some("vpc-id")) {
        let mut pages = aws
            .ec2
            .describe_nat_gateways()
            .set_filter(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for n in page.map_err(sdk("DescribeNatGateways"))?.nat_gateways() {
                let gone = matches!(
                    n.state().map(|s| s.as_str()),
                    Some("deleted") | Some("deleting") | Some("failed")
                );
                if !gone && w.ec2_match(n.tags(), n.vpc_id()) {
                    found.add("aws_nat_gateway", n.nat_gateway_id(), name_tag(n.tags()));
                }
            }
        }
    }
    if let Some(mut f) = w.ec2(Some("vpc-id")) {
        f.push(filter(
            "instance-state-name",
            ["pending", "running", "stopping", "stopped"],
        ));
        let mut pages = aws
            .ec2
            .describe_instances()
            .set_filters(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for r in page.map_err(sdk("DescribeInstances"))?.reservations() {
                for i in r.instances() {
                    if w.ec2_match(i.tags(), i.vpc_id()) {
                        found.add("aws_instance", i.instance_id(), name_tag(i.tags()));
                    }
                }
            }
        }
    }
    if let Some(f) = w.ec2(None) {
        let out = aws
            .ec2
            .describe_key_pairs()
            .set_filters(Some(f))
            .send()
            .await
            .map_err(sdk("DescribeKeyPairs"))?;
        for k in out.key_pairs() {
            if w.ec2_match(k.tags(), None) {
                found.add(
                    "aws_key_pair",
                    k.key_name(),
                    k.key_name().map(str::to_string),
                );
            }
        }
        let f = w.ec2(None).unwrap_or_default();
        let out = aws
            .ec2
            .describe_addresses()
            .set_filters(Some(f))
            .send()
            .await
            .map_err(sdk("DescribeAddresses"))?;
        for a in out.addresses() {
            if w.ec2_match(a.tags(), None) {
                found.add("aws_eip", a.allocation_id(), name_tag(a.tags()));
            }
        }
        let f = w.ec2(None).unwrap_or_default();
        let mut pages = aws
            .ec2
            .describe_launch_templates()
            .set_filters(Some(f))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for t in page
                .map_err(sdk("DescribeLaunchTemplates"))?
                .launch_templates()
            {
                if w.ec2_match(t.tags(), None) {
                    found.add(
                        "aws_launch_template",
                        t.launch_template_id(),
                        t.launch_template_name().map(str::to_string),
                    );
                }
            }
        }
    }
    Ok(())
}

async fn list_rds(aws: &Aws, w: &Wanted, found: &mut Found<'_>) -> Result<(), AwsError> {
    let mut pages = aws.rds.describe_db_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        for db in page.map_err(sdk("DescribeDBInstances"))?.db_instances() {
            let tags: Vec<(String, String)> = db
                .tag_list()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            let vpc = db.db_subnet_group().and_then(|g| g.vpc_id());
            let vpc_ok = w.vpc.as_deref().is_none_or(|want| vpc == Some(want));
            if vpc_ok && w.tags_match(&tags) {
                // The resource's id is the DBI resource id, as terraform-provider-aws has it.
                let id = db.dbi_resource_id().or(db.db_instance_identifier());
                found.add(
                    "aws_db_instance",
                    id,
                    db.db_instance_identifier().map(str::to_string),
                );
            }
        }
    }
    Ok(())
}

/// EKS clusters: one ListClusters call per page, then a DescribeCluster per cluster (tags and VPC
/// are only in the description).
async fn list_eks(aws: &Aws, w: &Wanted, found: &mut Found<'_>) -> Result<(), AwsError> {
    let mut names = Vec::new();
    let mut pages = aws.eks.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        names.extend(
            page.map_err(sdk("ListClusters"))?
                .clusters()
                .iter()
                .cloned(),
        );
    }
    for name in names {
        let out = match aws.eks.describe_cluster().name(&name).send().await {
            Ok(out) => out,
            Err(e) => {
                let e = AwsError::from_sdk("DescribeCluster", e);
                // deleted since it was listed
                if e.is_not_found() {
                    continue;
                }
                return Err(e);
            }
        };
        let Some(c) = out.cluster() else { continue };
        let tags: Vec<(String, String)> = c
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let vpc = c.resources_vpc_config().and_then(|v| v.vpc_id());
        let vpc_ok = w.vpc.as_deref().is_none_or(|want| vpc == Some(want));
        if vpc_ok && w.tags_match(&tags) {
            found.add("aws_eks_cluster", Some(&name), Some(name.clone()));
        }
    }
    Ok(())
}
