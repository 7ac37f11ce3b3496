//! Security groups and their rules, instances, key pairs, Elastic IPs and launch templates.

use super::{Found, Wanted, name_tag, part_of};
use crate::client::Aws;
use crate::ec2::{CHUNK, filter};
use crate::error::{AwsError, sdk};
use aws_sdk_ec2::types::SecurityGroupRule;
use std::collections::HashSet;

pub(super) async fn list(
    aws: &Aws,
    w: &Wanted,
    defaults: &HashSet<String>,
    found: &mut Found,
) -> Result<(), AwsError> {
    security_groups(aws, w, defaults, found).await?;
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
    // Key pairs, addresses and launch templates have no VPC: a VPC filter leaves them out.
    let Some(f) = w.ec2(None) else {
        return Ok(());
    };
    let out = aws
        .ec2
        .describe_key_pairs()
        .set_filters(Some(f.clone()))
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
    let out = aws
        .ec2
        .describe_addresses()
        .set_filters(Some(f.clone()))
        .send()
        .await
        .map_err(sdk("DescribeAddresses"))?;
    for a in out.addresses() {
        if w.ec2_match(a.tags(), None) {
            found.add("aws_eip", a.allocation_id(), name_tag(a.tags()));
        }
    }
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
    Ok(())
}

/// Security groups (not the default ones), then the rules of those that match: one paged
/// DescribeSecurityGroupRules, narrowed to the matching groups when a filter is set.
async fn security_groups(
    aws: &Aws,
    w: &Wanted,
    defaults: &HashSet<String>,
    found: &mut Found,
) -> Result<(), AwsError> {
    let Some(f) = w.ec2(Some("vpc-id")) else {
        return Ok(());
    };
    let mut groups: HashSet<String> = HashSet::new();
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
            let in_default = g.vpc_id().is_some_and(|v| defaults.contains(v));
            if g.group_name() != Some("default")
                && !in_default
                && w.ec2_match(g.tags(), g.vpc_id())
                && let Some(id) = g.group_id()
            {
                found.add(
                    "aws_security_group",
                    Some(id),
                    g.group_name().map(str::to_string),
                );
                groups.insert(id.to_string());
            }
        }
    }
    let filtered = !w.tags.is_empty() || w.vpc.is_some();
    if filtered && groups.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<&String> = groups.iter().collect();
    ids.sort();
    // Unfiltered, one listing of every rule; filtered, only the rules of the groups found.
    let chunks: Vec<Option<Vec<String>>> = if filtered {
        ids.chunks(CHUNK)
            .map(|c| Some(c.iter().map(|s| s.to_string()).collect()))
            .collect()
    } else {
        vec![None]
    };
    for chunk in chunks {
        let mut pages = aws
            .ec2
            .describe_security_group_rules()
            .set_filters(chunk.map(|ids| vec![filter("group-id", ids)]))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for r in page
                .map_err(sdk("DescribeSecurityGroupRules"))?
                .security_group_rules()
            {
                let (Some(id), Some(group)) = (r.security_group_rule_id(), r.group_id()) else {
                    continue;
                };
                if !groups.contains(group) {
                    continue;
                }
                let (ty, block) = if r.is_egress().unwrap_or(false) {
                    ("aws_vpc_security_group_egress_rule", "egress")
                } else {
                    ("aws_vpc_security_group_ingress_rule", "ingress")
                };
                let mut parent = part_of("aws_security_group", group, block);
                if let Some(p) = &mut parent {
                    p.with_parent = is_default_egress(r);
                }
                found.add_object(ty, id, id.to_string(), name_tag(r.tags()), parent);
            }
        }
    }
    Ok(())
}

/// The rule AWS adds to every new security group in a VPC: all traffic out, to every IPv4 address
/// (and every IPv6 address when the VPC has IPv6).
fn is_default_egress(r: &SecurityGroupRule) -> bool {
    r.is_egress() == Some(true)
        && r.ip_protocol() == Some("-1")
        && (r.cidr_ipv4() == Some("0.0.0.0/0") || r.cidr_ipv6() == Some("::/0"))
        && r.description().is_none_or(str::is_empty)
}
