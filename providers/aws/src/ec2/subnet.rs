//! `aws_subnet`: a subnet of a VPC. The VPC, CIDR block and availability zone force replacement; the
//! launch-time settings (public IPs, IPv6, DNS names) and tags update in place.

use super::{CHUNK, answer, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, b, opt, s, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::Timeouts;
use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, HostnameType, ResourceType, Subnet};
use serde_json::json;
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsSubnet;

const WHAT: &str = "EC2 Subnet";
const TIMEOUTS: Timeouts = Timeouts::minutes(10, 10, 20);

/// The boolean launch settings that ModifySubnetAttribute changes one at a time.
const FLAGS: [&str; 5] = [
    "map_public_ip_on_launch",
    "assign_ipv6_address_on_creation",
    "enable_dns64",
    "enable_resource_name_dns_a_record_on_launch",
    "enable_resource_name_dns_aaaa_record_on_launch",
];

#[async_trait]
impl Resource for AwsSubnet {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("vpc_id", req_str().force_new())
                .attr("cidr_block", opt_str().force_new())
                .attr("availability_zone", optc_str().force_new())
                .attr("availability_zone_id", optc_str().force_new())
                .attr("map_public_ip_on_launch", opt_bool())
                .attr("assign_ipv6_address_on_creation", opt_bool())
                .attr("ipv6_cidr_block", optc_str())
                .attr("ipv6_cidr_block_association_id", comp_str())
                .attr("ipv6_native", opt_bool().force_new())
                .attr("enable_dns64", opt_bool())
                .attr("enable_resource_name_dns_a_record_on_launch", opt_bool())
                .attr("enable_resource_name_dns_aaaa_record_on_launch", opt_bool())
                .attr("private_dns_hostname_type_on_launch", optc_str())
                .attr("owner_id", comp_str()),
        )
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn defaults(&self) -> Json {
        let mut d = serde_json::Map::new();
        for f in FLAGS.iter().chain(&["ipv6_native"]) {
            d.insert(f.to_string(), json!(false));
        }
        Json::Object(d)
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        match s(config, "cidr_block") {
            Some(c) => crate::validate::ipv4_cidr("cidr_block", c),
            None => Diagnostics::new(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let out = crate::retry::retry_codes(&aws.patience, &["InvalidVpcID.NotFound"], || async {
            aws.ec2
                .create_subnet()
                .set_vpc_id(s(planned, "vpc_id").map(str::to_string))
                .set_cidr_block(s(planned, "cidr_block").map(str::to_string))
                .set_availability_zone(s(planned, "availability_zone").map(str::to_string))
                .set_availability_zone_id(s(planned, "availability_zone_id").map(str::to_string))
                .set_ipv6_cidr_block(s(planned, "ipv6_cidr_block").map(str::to_string))
                .set_ipv6_native(b(planned, "ipv6_native").filter(|x| *x))
                .set_tag_specifications(
                    tags::ec2_spec(ResourceType::Subnet, &tags::all(aws, planned)).map(|t| vec![t]),
                )
                .send()
                .await
                .map_err(sdk("CreateSubnet"))
        })
        .await
        .map_err(|e| e.diag(format!("creating {WHAT}")))?;
        let id = out
            .subnet()
            .and_then(|v| v.subnet_id())
            .unwrap_or_default()
            .to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        let empty = json!({});
        if let Err(e) = modify(aws, &id, &empty, planned).await {
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
        match describe(aws, &ids(states)).await {
            Ok(found) => answer(states, &found, |prior, obj| render(aws, prior, obj)),
            Err(e) => fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s(prior, "id").unwrap_or_default().to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({id})")));
        modify(aws, &id, prior, planned).await.map_err(fail)?;
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s(state, "id").unwrap_or_default();
        let r = crate::retry::retry(
            &aws.patience,
            TIMEOUTS.of(state, "delete"),
            |e| e.is(&["DependencyViolation"]),
            || async {
                aws.ec2
                    .delete_subnet()
                    .subnet_id(id)
                    .send()
                    .await
                    .map_err(sdk("DeleteSubnet"))
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

/// Applies the launch settings that differ between `prior` and `planned`.
async fn modify(aws: &Aws, id: &str, prior: &Json, planned: &Json) -> Result<(), AwsError> {
    for flag in FLAGS {
        let Some(want) = b(planned, flag) else {
            continue;
        };
        if b(prior, flag).unwrap_or(false) == want {
            continue;
        }
        let v = AttributeBooleanValue::builder().value(want).build();
        let req = aws.ec2.modify_subnet_attribute().subnet_id(id);
        let req = match flag {
            "map_public_ip_on_launch" => req.map_public_ip_on_launch(v),
            "assign_ipv6_address_on_creation" => req.assign_ipv6_address_on_creation(v),
            "enable_dns64" => req.enable_dns64(v),
            "enable_resource_name_dns_a_record_on_launch" => {
                req.enable_resource_name_dns_a_record_on_launch(v)
            }
            _ => req.enable_resource_name_dns_aaaa_record_on_launch(v),
        };
        req.send().await.map_err(sdk("ModifySubnetAttribute"))?;
    }
    if let Some(t) = s(planned, "private_dns_hostname_type_on_launch")
        && s(prior, "private_dns_hostname_type_on_launch") != Some(t)
    {
        aws.ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .private_dns_hostname_type_on_launch(HostnameType::from(t))
            .send()
            .await
            .map_err(sdk("ModifySubnetAttribute"))?;
    }
    Ok(())
}

/// Subnets by id, in one paged call per 200 ids.
pub async fn describe(aws: &Aws, ids: &[String]) -> Result<HashMap<String, Subnet>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_subnets()
            .filters(filter("subnet-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for v in page.map_err(sdk("DescribeSubnets"))?.subnets() {
                if let Some(id) = v.subnet_id() {
                    out.insert(id.to_string(), v.clone());
                }
            }
        }
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, v: &Subnet) -> Json {
    let id = v.subnet_id().unwrap_or_default();
    let owner = v.owner_id().unwrap_or_default();
    let ipv6 = v.ipv6_cidr_block_association_set().iter().find(|a| {
        a.ipv6_cidr_block_state()
            .and_then(|s| s.state())
            .is_none_or(|s| s.as_str() == "associated")
    });
    let dns = v.private_dns_name_options_on_launch();
    let mut st = prior.clone();
    set(&mut st, "id", id);
    let arn = v.subnet_arn().map(str::to_string).unwrap_or_else(|| {
        format!(
            "arn:{}:ec2:{}:{owner}:subnet/{id}",
            aws.partition, aws.region
        )
    });
    set(&mut st, "arn", arn);
    set(&mut st, "vpc_id", opt(v.vpc_id()));
    set(&mut st, "cidr_block", opt(v.cidr_block()));
    set(&mut st, "availability_zone", opt(v.availability_zone()));
    set(
        &mut st,
        "availability_zone_id",
        opt(v.availability_zone_id()),
    );
    set(
        &mut st,
        "map_public_ip_on_launch",
        json!(v.map_public_ip_on_launch().unwrap_or(false)),
    );
    set(
        &mut st,
        "assign_ipv6_address_on_creation",
        json!(v.assign_ipv6_address_on_creation().unwrap_or(false)),
    );
    set(
        &mut st,
        "ipv6_native",
        json!(v.ipv6_native().unwrap_or(false)),
    );
    set(
        &mut st,
        "enable_dns64",
        json!(v.enable_dns64().unwrap_or(false)),
    );
    set(
        &mut st,
        "ipv6_cidr_block",
        ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default(),
    );
    set(
        &mut st,
        "ipv6_cidr_block_association_id",
        ipv6.and_then(|a| a.association_id()).unwrap_or_default(),
    );
    set(
        &mut st,
        "enable_resource_name_dns_a_record_on_launch",
        json!(
            dns.and_then(|d| d.enable_resource_name_dns_a_record())
                .unwrap_or(false)
        ),
    );
    set(
        &mut st,
        "enable_resource_name_dns_aaaa_record_on_launch",
        json!(
            dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())
                .unwrap_or(false)
        ),
    );
    set(
        &mut st,
        "private_dns_hostname_type_on_launch",
        opt(dns.and_then(|d| d.hostname_type()).map(|h| h.as_str())),
    );
    set(&mut st, "owner_id", owner);
    tags::set_read(aws, &mut st, prior, tags::from_ec2(v.tags()));
    st
}
