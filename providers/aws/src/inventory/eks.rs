//! EKS clusters and their node groups.
//!
//! Tags and VPC are only in a cluster's description, so each cluster costs a DescribeCluster; node
//! groups are one ListNodegroups per cluster that matches, and match the filters through it.

use super::{Found, Wanted};
use crate::client::Aws;
use crate::error::{AwsError, sdk};

pub(super) async fn list(aws: &Aws, w: &Wanted, found: &mut Found) -> Result<(), AwsError> {
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
        if !w.vpc_match(vpc) || !w.tags_match(&tags) {
            continue;
        }
        found.add("aws_eks_cluster", Some(&name), Some(name.clone()));
        let mut pages = aws
            .eks
            .list_nodegroups()
            .cluster_name(&name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    let e = AwsError::from_sdk("ListNodegroups", e);
                    if e.is_not_found() {
                        break;
                    }
                    return Err(e);
                }
            };
            for group in page.nodegroups() {
                let id = format!("{name}:{group}");
                found.add("aws_eks_node_group", Some(&id), Some(group.clone()));
            }
        }
    }
    Ok(())
}
