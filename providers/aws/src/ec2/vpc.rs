//! `aws_vpc`: a VPC with its DNS attributes. The CIDR block forces replacement; tenancy, DNS
//! settings, IPv6 and tags update in place.

use super::{CHUNK, answer, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, b, opt, s, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::{Poll, Timeouts, wait_for};
use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, Tenancy, Vpc, VpcAttributeName};
use serde_json::json;
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsVpc;

const WHAT: &str = "EC2 VPC";

#[async_trait]
impl Resource for AwsVpc {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("cidr_block", optc_str().force_new())
                .attr("instance_tenancy", opt_str())
                .attr("enable_dns_support", opt_bool())
                .attr("enable_dns_hostnames", optc_bool())
                .attr("enable_network_address_usage_metrics", optc_bool())
                .attr("assign_generated_ipv6_cidr_block", opt_bool())
                .attr("ipv6_cidr_block", optc_str())
                .attr("ipv6_association_id", comp_str())
                .attr("ipv6_cidr_block_network_border_group", optc_str())
                .attr("default_network_acl_id", comp_str())
                .attr("default_route_table_id", comp_str())
                .attr("default_security_group_id", comp_str())
                .attr("main_route_table_id", comp_str())
                .attr("dhcp_options_id", comp_str())
                .attr("owner_id", comp_str()),
        )
    }

    fn defaults(&self) -> Json {
        json!({"instance_tenancy": "default", "enable_dns_support": true, "assign_generated_ipv6_cidr_block": false})
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let mut d = Diagnostics::new();
        if let Some(c) = s(config, "cidr_block") {
            d.extend(crate::validate::ipv4_cidr("cidr_block", c));
        }
        if let Some(t) = s(config, "instance_tenancy")
            && !["default", "dedicated"].contains(&t)
        {
            d.extend(crate::validate::one_of(
                "instance_tenancy",
                t,
                &["default", "dedicated"],
            ));
        }
        d
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let out = aws
            .ec2
            .create_vpc()
            .set_cidr_block(s(planned, "cidr_block").map(str::to_string))
            .instance_tenancy(Tenancy::from(
                s(planned, "instance_tenancy").unwrap_or("default"),
            ))
            .amazon_provided_ipv6_cidr_block(
                b(planned, "assign_generated_ipv6_cidr_block").unwrap_or(false),
            )
            .set_tag_specifications(
                tags::ec2_spec(ResourceType::Vpc, &tags::all(aws, planned)).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("CreateVpc", e).diag(format!("creating {WHAT}")))?;
        let id = out
            .vpc()
            .and_then(|v| v.vpc_id())
            .unwrap_or_default()
            .to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        let done = async {
            wait_available(aws, &id).await?;
            if b(planned, "enable_dns_hostnames") == Some(true) {
                modify(aws, &id, VpcAttributeName::EnableDnsHostnames, true).await?;
            }
            if b(planned, "enable_dns_support") == Some(false) {
                modify(aws, &id, VpcAttributeName::EnableDnsSupport, false).await?;
            }
            Ok::<(), AwsError>(())
        };
        if let Err(e) = done.await {
            return Err(Failure::with_state(
                e.diag(format!("creating {WHAT} ({id})")),
                state,
            ));
        }
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        super::read_one(self, aws, state).await
    }

    async fn read_many(
        &self,
        aws: &Aws,
        states: &[Json],
    ) -> Vec<Result<Option<Json>, Diagnostics>> {
        let ids = ids(states);
        match describe_full(aws, &ids).await {
            Ok(found) => answer(states, &found, |prior, obj| render(aws, prior, obj)),
            Err(e) => fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s(prior, "id").unwrap_or_default().to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({id})")));
        for (attr, name) in [
            ("enable_dns_hostnames", VpcAttributeName::EnableDnsHostnames),
            ("enable_dns_support", VpcAttributeName::EnableDnsSupport),
            (
                "enable_network_address_usage_metrics",
                VpcAttributeName::EnableNetworkAddressUsageMetrics,
            ),
        ] {
            if let Some(want) = b(planned, attr)
                && b(prior, attr) != Some(want)
            {
                modify(aws, &id, name, want).await.map_err(fail)?;
            }
        }
        if s(planned, "instance_tenancy") != s(prior, "instance_tenancy")
            && let Some(t) = s(planned, "instance_tenancy")
        {
            aws.ec2
                .modify_vpc_tenancy()
                .vpc_id(&id)
                .instance_tenancy(aws_sdk_ec2::types::VpcTenancy::from(t))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ModifyVpcTenancy", e)))?;
        }
        if b(planned, "assign_generated_ipv6_cidr_block") == Some(true)
            && b(prior, "assign_generated_ipv6_cidr_block") != Some(true)
        {
            aws.ec2
                .associate_vpc_cidr_block()
                .vpc_id(&id)
                .amazon_provided_ipv6_cidr_block(true)
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("AssociateVpcCidrBlock", e)))?;
        }
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        read_after_write(self, aws, state, WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s(state, "id").unwrap_or_default();
        let timeout = Timeouts::minutes(0, 0, 5).delete;
        let r = crate::retry::retry(
            &aws.patience,
            timeout,
            |e| e.is(&["DependencyViolation"]),
            || async {
                aws.ec2
                    .delete_vpc()
                    .vpc_id(id)
                    .send()
                    .await
                    .map_err(sdk("DeleteVpc"))
            },
        )
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.diag(format!("deleting {WHAT} ({id})"))),
        }
    }
}

async fn modify(aws: &Aws, id: &str, name: VpcAttributeName, value: bool) -> Result<(), AwsError> {
    let v = AttributeBooleanValue::builder().value(value).build();
    let mut req = aws.ec2.modify_vpc_attribute().vpc_id(id);
    req = match name {
        VpcAttributeName::EnableDnsHostnames => req.enable_dns_hostnames(v),
        VpcAttributeName::EnableDnsSupport => req.enable_dns_support(v),
        _ => req.enable_network_address_usage_metrics(v),
    };
    req.send().await.map_err(sdk("ModifyVpcAttribute"))?;
    Ok(())
}

async fn wait_available(aws: &Aws, id: &str) -> Result<(), AwsError> {
    let what = format!("{WHAT} ({id})");
    wait_for(
        &aws.patience,
        &what,
        "available",
        aws.patience.propagation,
        false,
        || async {
            let found = describe(aws, &[id.to_string()]).await?;
            Ok(match found.get(id).and_then(|v| v.state()) {
                Some(st) if st.as_str() == "available" => Poll::Ready(()),
                Some(st) => Poll::Pending(st.as_str().to_string()),
                None => Poll::Pending("not yet visible".into()),
            })
        },
    )
    .await?;
    Ok(())
}

/// VPCs by id.
pub async fn describe(aws: &Aws, ids: &[String]) -> Result<HashMap<String, Vpc>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_vpcs()
            .filters(filter("vpc-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for v in page.map_err(sdk("DescribeVpcs"))?.vpcs() {
                if let Some(id) = v.vpc_id() {
                    out.insert(id.to_string(), v.clone());
                }
            }
        }
    }
    Ok(out)
}

/// A VPC with what other calls say about it.
pub struct FullVpc {
    vpc: Vpc,
    dns_support: Option<bool>,
    dns_hostnames: Option<bool>,
    nau_metrics: Option<bool>,
    main_route_table: Option<String>,
    default_sg: Option<String>,
    default_acl: Option<String>,
}

async fn attribute(aws: &Aws, id: &str, name: VpcAttributeName) -> Result<Option<bool>, AwsError> {
    let out = aws
        .ec2
        .describe_vpc_attribute()
        .vpc_id(id)
        .attribute(name.clone())
        .send()
        .await;
    let out = match out {
        Ok(o) => o,
        // moto and older regions do not know every attribute
        Err(e) if name == VpcAttributeName::EnableNetworkAddressUsageMetrics => {
            let _ = e;
            return Ok(None);
        }
        Err(e) => return Err(AwsError::from_sdk("DescribeVpcAttribute", e)),
    };
    let v = match name {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
        VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames(),
        _ => out.enable_network_address_usage_metrics(),
    };
    Ok(v.and_then(|v| v.value()))
}

async fn describe_full(aws: &Aws, ids: &[String]) -> Result<HashMap<String, FullVpc>, AwsError> {
    let vpcs = describe(aws, ids).await?;
    if vpcs.is_empty() {
        return Ok(HashMap::new());
    }
    let found: Vec<String> = vpcs.keys().cloned().collect();
    let mut mains = HashMap::new();
    let mut sgs = HashMap::new();
    let mut acls = HashMap::new();
    for chunk in found.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_route_tables()
            .filters(filter("vpc-id", chunk.iter().cloned()))
            .filters(filter("association.main", ["true"]))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for rt in page.map_err(sdk("DescribeRouteTables"))?.route_tables() {
                if let (Some(v), Some(id)) = (rt.vpc_id(), rt.route_table_id()) {
                    mains.insert(v.to_string(), id.to_string());
                }
            }
        }
        let mut pages = aws
            .ec2
            .describe_security_groups()
            .filters(filter("vpc-id", chunk.iter().cloned()))
            .filters(filter("group-name", ["default"]))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for g in page
                .map_err(sdk("DescribeSecurityGroups"))?
                .security_groups()
            {
                if let (Some(v), Some(id)) = (g.vpc_id(), g.group_id()) {
                    sgs.insert(v.to_string(), id.to_string());
                }
            }
        }
        let mut pages = aws
            .ec2
            .describe_network_acls()
            .filters(filter("vpc-id", chunk.iter().cloned()))
            .filters(filter("default", ["true"]))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for a in page.map_err(sdk("DescribeNetworkAcls"))?.network_acls() {
                if let (Some(v), Some(id)) = (a.vpc_id(), a.network_acl_id()) {
                    acls.insert(v.to_string(), id.to_string());
                }
            }
        }
    }
    let mut out = HashMap::new();
    for (id, vpc) in vpcs {
        let full = FullVpc {
            dns_support: attribute(aws, &id, VpcAttributeName::EnableDnsSupport).await?,
            dns_hostnames: attribute(aws, &id, VpcAttributeName::EnableDnsHostnames).await?,
            nau_metrics: attribute(aws, &id, VpcAttributeName::EnableNetworkAddressUsageMetrics)
                .await?,
            main_route_table: mains.remove(&id),
            default_sg: sgs.remove(&id),
            default_acl: acls.remove(&id),
            vpc,
        };
        out.insert(id, full);
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, f: &FullVpc) -> Json {
    let v = &f.vpc;
    let id = v.vpc_id().unwrap_or_default();
    let owner = v.owner_id().unwrap_or_default();
    let ipv6 = v.ipv6_cidr_block_association_set().iter().find(|a| {
        a.ipv6_cidr_block_state()
            .and_then(|s| s.state())
            .is_none_or(|s| s.as_str() == "associated")
    });
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(
        &mut st,
        "arn",
        format!("arn:{}:ec2:{}:{owner}:vpc/{id}", aws.partition, aws.region),
    );
    set(&mut st, "cidr_block", opt(v.cidr_block()));
    set(
        &mut st,
        "instance_tenancy",
        opt(v.instance_tenancy().map(|t| t.as_str())),
    );
    set(&mut st, "dhcp_options_id", opt(v.dhcp_options_id()));
    set(&mut st, "owner_id", owner);
    set(
        &mut st,
        "enable_dns_support",
        json!(f.dns_support.unwrap_or(true)),
    );
    set(
        &mut st,
        "enable_dns_hostnames",
        json!(f.dns_hostnames.unwrap_or(false)),
    );
    set(
        &mut st,
        "enable_network_address_usage_metrics",
        json!(f.nau_metrics.unwrap_or(false)),
    );
    set(
        &mut st,
        "assign_generated_ipv6_cidr_block",
        json!(ipv6.is_some()),
    );
    set(
        &mut st,
        "ipv6_cidr_block",
        ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default(),
    );
    set(
        &mut st,
        "ipv6_association_id",
        ipv6.and_then(|a| a.association_id()).unwrap_or_default(),
    );
    set(
        &mut st,
        "ipv6_cidr_block_network_border_group",
        ipv6.and_then(|a| a.network_border_group())
            .unwrap_or_default(),
    );
    set(
        &mut st,
        "main_route_table_id",
        opt(f.main_route_table.as_deref()),
    );
    set(
        &mut st,
        "default_route_table_id",
        opt(f.main_route_table.as_deref()),
    );
    set(
        &mut st,
        "default_security_group_id",
        opt(f.default_sg.as_deref()),
    );
    set(
        &mut st,
        "default_network_acl_id",
        opt(f.default_acl.as_deref()),
    );
    tags::set_read(aws, &mut st, prior, tags::from_ec2(v.tags()));
    st
}
