//! VPCs, subnets, internet gateways, NAT gateways, and route tables with their routes and
//! associations (all from one paged DescribeRouteTables).

use super::{Found, Wanted, name_tag, part_of};
use crate::client::Aws;
use crate::ec2::route::route_id;
use crate::error::{AwsError, sdk};
use aws_sdk_ec2::types::{Route, RouteTable};
use std::collections::HashSet;

pub(super) async fn list(
    aws: &Aws,
    w: &Wanted,
    defaults: &HashSet<String>,
    found: &mut Found,
) -> Result<(), AwsError> {
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
                if !in_default(rt.vpc_id()) && w.ec2_match(rt.tags(), rt.vpc_id()) {
                    route_table(rt, found);
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
    Ok(())
}

/// A route table (unless it is its VPC's main one), the routes someone added to it, and its
/// associations with subnets and gateways.
fn route_table(rt: &RouteTable, found: &mut Found) {
    let Some(table) = rt.route_table_id() else {
        return;
    };
    let main = rt.associations().iter().any(|a| a.main().unwrap_or(false));
    if !main {
        found.add("aws_route_table", Some(table), name_tag(rt.tags()));
    }
    for r in rt.routes() {
        // The local route comes with the table, propagated ones with a VPN gateway.
        if r.origin().map(|o| o.as_str()) != Some("CreateRoute") {
            continue;
        }
        if let Some(dest) = destination(r) {
            found.add_object(
                "aws_route",
                &route_id(table, dest),
                format!("{table}_{dest}"),
                None,
                part_of("aws_route_table", table, "route"),
            );
        }
    }
    for a in rt.associations() {
        let associated = a
            .association_state()
            .and_then(|s| s.state())
            .is_none_or(|s| s.as_str() == "associated");
        let target = a.subnet_id().or(a.gateway_id());
        if let (Some(id), Some(target), false, true) = (
            a.route_table_association_id(),
            target,
            a.main().unwrap_or(false),
            associated,
        ) {
            found.add_object(
                "aws_route_table_association",
                id,
                format!("{target}/{table}"),
                None,
                None,
            );
        }
    }
}

/// A route's destination, as its import id names it.
fn destination(r: &Route) -> Option<&str> {
    r.destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())
}
