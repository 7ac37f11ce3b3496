//! RDS DB instances, DB subnet groups and DB parameter groups.
//!
//! DescribeDBSubnetGroups and DescribeDBParameterGroups do not return tags: with a tag filter, each
//! group's tags cost a ListTagsForResource call. Parameter groups have no VPC, so a `vpc-id` filter
//! leaves them out.

use super::{Found, Wanted};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use aws_sdk_rds::types::Tag;

/// The DB subnet group AWS makes for the default VPC.
const DEFAULT_SUBNET_GROUP: &str = "default";

/// The prefix of the DB parameter groups AWS makes for every engine version.
const DEFAULT_PARAMETER_GROUPS: &str = "default.";

fn pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub(super) async fn list(aws: &Aws, w: &Wanted, found: &mut Found) -> Result<(), AwsError> {
    let mut pages = aws.rds.describe_db_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        for db in page.map_err(sdk("DescribeDBInstances"))?.db_instances() {
            let vpc = db.db_subnet_group().and_then(|g| g.vpc_id());
            let gone = db.db_instance_status() == Some("deleting");
            if !gone && w.vpc_match(vpc) && w.tags_match(&pairs(db.tag_list())) {
                let Some(ident) = db.db_instance_identifier() else {
                    continue;
                };
                // The resource's id is the DBI resource id, as terraform-provider-aws has it; it
                // imports by identifier.
                let id = db.dbi_resource_id().unwrap_or(ident);
                found.add_object(
                    "aws_db_instance",
                    id,
                    ident.to_string(),
                    Some(ident.to_string()),
                    None,
                );
            }
        }
    }
    let mut groups = Vec::new();
    let mut pages = aws.rds.describe_db_subnet_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        for g in page
            .map_err(sdk("DescribeDBSubnetGroups"))?
            .db_subnet_groups()
        {
            if let Some(name) = g.db_subnet_group_name()
                && name != DEFAULT_SUBNET_GROUP
                && w.vpc_match(g.vpc_id())
            {
                groups.push((
                    name.to_string(),
                    g.db_subnet_group_arn().map(str::to_string),
                ));
            }
        }
    }
    for (name, arn) in groups {
        if tags_match(aws, w, arn.as_deref()).await? {
            found.add("aws_db_subnet_group", Some(&name), Some(name.clone()));
        }
    }
    if w.vpc.is_some() {
        return Ok(());
    }
    let mut groups = Vec::new();
    let mut pages = aws
        .rds
        .describe_db_parameter_groups()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for g in page
            .map_err(sdk("DescribeDBParameterGroups"))?
            .db_parameter_groups()
        {
            if let Some(name) = g.db_parameter_group_name()
                && !name.starts_with(DEFAULT_PARAMETER_GROUPS)
            {
                groups.push((
                    name.to_string(),
                    g.db_parameter_group_arn().map(str::to_string),
                ));
            }
        }
    }
    for (name, arn) in groups {
        if tags_match(aws, w, arn.as_deref()).await? {
            found.add("aws_db_parameter_group", Some(&name), Some(name.clone()));
        }
    }
    Ok(())
}

/// Whether the object's tags match (a call, only when there is a tag filter).
async fn tags_match(aws: &Aws, w: &Wanted, arn: Option<&str>) -> Result<bool, AwsError> {
    if w.tags.is_empty() {
        return Ok(true);
    }
    let Some(arn) = arn else {
        return Ok(false);
    };
    match aws
        .rds
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
    {
        Ok(out) => Ok(w.tags_match(&pairs(out.tag_list()))),
        Err(e) => {
            let e = AwsError::from_sdk("ListTagsForResource", e);
            // deleted since it was listed
            if e.is_not_found() { Ok(false) } else { Err(e) }
        }
    }
}
