//! `data "aws_vpc"`: one VPC, by id, CIDR block, default flag, state, tags or `filter` blocks.

use crate::client::Aws;
use crate::error::sdk;
use crate::json::{Json, b, opt, s, set};
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};

pub struct Vpc;

#[async_trait]
impl DataSource for Vpc {
    fn schema(&self) -> Block {
        super::with_filters(
            Block::default()
                .attr("id", optc_str())
                .attr("cidr_block", optc_str())
                .attr("default", optc_bool())
                .attr("state", optc_str())
                .attr("tags", Attribute::optional_computed(str_map()))
                .attr("arn", comp_str())
                .attr("dhcp_options_id", comp_str())
                .attr(
                    "enable_dns_support",
                    Attribute::computed(terrane_values::Type::Bool),
                )
                .attr(
                    "enable_dns_hostnames",
                    Attribute::computed(terrane_values::Type::Bool),
                )
                .attr("instance_tenancy", comp_str())
                .attr("ipv6_association_id", comp_str())
                .attr("ipv6_cidr_block", comp_str())
                .attr("main_route_table_id", comp_str())
                .attr("owner_id", comp_str()),
        )
    }

    async fn read(&self, aws: &Aws, config: &Json) -> Result<Json, Diagnostics> {
        let mut filters = super::filters(config);
        filters.extend(super::tag_filters(config, "tags"));
        if let Some(c) = s(config, "cidr_block") {
            filters.push(crate::ec2::filter("cidr", [c]));
        }
        if let Some(d) = b(config, "default") {
            filters.push(crate::ec2::filter("is-default", [d.to_string()]));
        }
        if let Some(st) = s(config, "state") {
            filters.push(crate::ec2::filter("state", [st]));
        }
        if let Some(id) = s(config, "id") {
            filters.push(crate::ec2::filter("vpc-id", [id]));
        }
        let out = aws
            .ec2
            .describe_vpcs()
            .set_filters(Some(filters).filter(|f| !f.is_empty()))
            .send()
            .await
            .map_err(|e| sdk("DescribeVpcs")(e).diag("reading EC2 VPC"))?;
        let vpc = match out.vpcs() {
            [one] => one,
            [] => return Err(super::no_match("EC2 VPC")),
            _ => {
                return Err(terrane_provider_sdk::error(
                    "multiple EC2 VPCs matched; use additional constraints to reduce matches to a single EC2 VPC",
                    "",
                ));
            }
        };
        let id = vpc.vpc_id().unwrap_or_default().to_string();
        // The resource's reader knows the attributes that take further calls.
        let full = crate::ec2::read_one(&crate::ec2::vpc::AwsVpc, aws, &json!({"id": id}))
            .await?
            .unwrap_or_default();
        let mut st = config.clone();
        for k in [
            "arn",
            "dhcp_options_id",
            "enable_dns_support",
            "enable_dns_hostnames",
            "instance_tenancy",
            "ipv6_association_id",
            "ipv6_cidr_block",
            "main_route_table_id",
            "owner_id",
            "cidr_block",
        ] {
            set(&mut st, k, full.get(k).cloned().unwrap_or(Json::Null));
        }
        set(&mut st, "id", id);
        set(&mut st, "default", vpc.is_default().unwrap_or(false));
        set(&mut st, "state", opt(vpc.state().map(|s| s.as_str())));
        set(
            &mut st,
            "tags",
            crate::json::map_json(&crate::tags::from_ec2(vpc.tags())),
        );
        Ok(st)
    }
}
