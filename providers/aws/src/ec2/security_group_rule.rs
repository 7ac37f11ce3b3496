//! `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule`: one rule of a
//! security group, with its own id and tags. The group forces replacement; everything else is
//! changed in place with `ModifySecurityGroupRules`.

use super::{CHUNK, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, i, opt, s, s_or_empty, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, UserIdGroupPair,
};
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

/// The ingress or egress rule resource.
pub struct AwsSecurityGroupRule {
    /// Whether it is the egress variant.
    pub egress: bool,
}

const SOURCES: [&str; 4] = [
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
];

impl AwsSecurityGroupRule {
    fn what(&self) -> &'static str {
        if self.egress {
            "VPC Security Group Egress Rule"
        } else {
            "VPC Security Group Ingress Rule"
        }
    }
}

fn protocol(v: &Json) -> String {
    super::permissions::normalize_protocol(s_or_empty(v, "ip_protocol"))
}

fn permission(v: &Json) -> IpPermission {
    let proto = protocol(v);
    let d = s(v, "description").map(str::to_string);
    let mut p = IpPermission::builder().ip_protocol(&proto);
    if proto != "-1" {
        p = p
            .set_from_port(i(v, "from_port").map(|x| x as i32))
            .set_to_port(i(v, "to_port").map(|x| x as i32));
    }
    if let Some(c) = s(v, "cidr_ipv4") {
        p = p.ip_ranges(
            IpRange::builder()
                .cidr_ip(c)
                .set_description(d.clone())
                .build(),
        );
    }
    if let Some(c) = s(v, "cidr_ipv6") {
        p = p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(d.clone())
                .build(),
        );
    }
    if let Some(c) = s(v, "prefix_list_id") {
        p = p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(c)
                .set_description(d.clone())
                .build(),
        );
    }
    if let Some(g) = s(v, "referenced_security_group_id") {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(d)
                .build(),
        );
    }
    p.build()
}

#[async_trait]
impl Resource for AwsSecurityGroupRule {
    fn schema(&self) -> Block {
        let mut b = Block::default()
            .attr("id", comp_str())
            .attr("arn", comp_str())
            .attr("security_group_rule_id", comp_str())
            .attr("security_group_id", req_str().force_new())
            .attr("ip_protocol", req_str())
            .attr("from_port", opt_num())
            .attr("to_port", opt_num())
            .attr("description", opt_str());
        for src in SOURCES {
            b = b.attr(src, opt_str());
        }
        tags::with_tags(b)
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let n = SOURCES.iter().filter(|k| s(config, k).is_some()).count();
        if n > 1 {
            return terrane_provider_sdk::error(
                "Invalid Attribute Combination",
                format!(
                    "2 attributes specified when one (and only one) of [{}] is required",
                    SOURCES.join(",")
                ),
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let group = s_or_empty(planned, "security_group_id");
        let what = self.what();
        let spec = tags::ec2_spec(ResourceType::SecurityGroupRule, &tags::all(aws, planned))
            .map(|t| vec![t]);
        let rules = if self.egress {
            aws.ec2
                .authorize_security_group_egress()
                .group_id(group)
                .ip_permissions(permission(planned))
                .set_tag_specifications(spec)
                .send()
                .await
                .map(|o| o.security_group_rules().to_vec())
                .map_err(sdk("AuthorizeSecurityGroupEgress"))
        } else {
            aws.ec2
                .authorize_security_group_ingress()
                .group_id(group)
                .ip_permissions(permission(planned))
                .set_tag_specifications(spec)
                .send()
                .await
                .map(|o| o.security_group_rules().to_vec())
                .map_err(sdk("AuthorizeSecurityGroupIngress"))
        }
        .map_err(|e| e.diag(format!("creating {what} in Security Group ({group})")))?;
        let Some(id) = rules.first().and_then(|r| r.security_group_rule_id()) else {
            return Err(terrane_provider_sdk::error(
                format!("creating {what}"),
                "AWS returned no security group rule id",
            )
            .into());
        };
        let mut state = planned.clone();
        set(&mut state, "id", id);
        read_after_write(self, aws, state, what).await
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
            Ok(mut found) => {
                found.retain(|_, r| r.is_egress() == Some(self.egress));
                super::answer(states, &found, |prior, r| render(aws, prior, r))
            }
            Err(e) => fail_all(states.len(), e.diag(format!("reading {}s", self.what()))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s_or_empty(prior, "id").to_string();
        let group = s_or_empty(prior, "security_group_id");
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {} ({id})", self.what())));
        let changed = ["ip_protocol", "from_port", "to_port", "description"]
            .iter()
            .chain(SOURCES.iter())
            .any(|k| prior.get(*k) != planned.get(*k));
        if changed {
            let proto = protocol(planned);
            let mut req = SecurityGroupRuleRequest::builder()
                .ip_protocol(&proto)
                .set_description(s(planned, "description").map(str::to_string))
                .set_cidr_ipv4(s(planned, "cidr_ipv4").map(str::to_string))
                .set_cidr_ipv6(s(planned, "cidr_ipv6").map(str::to_string))
                .set_prefix_list_id(s(planned, "prefix_list_id").map(str::to_string))
                .set_referenced_group_id(
                    s(planned, "referenced_security_group_id").map(str::to_string),
                );
            if proto != "-1" {
                req = req
                    .set_from_port(i(planned, "from_port").map(|x| x as i32))
                    .set_to_port(i(planned, "to_port").map(|x| x as i32));
            }
            aws.ec2
                .modify_security_group_rules()
                .group_id(group)
                .security_group_rules(
                    SecurityGroupRuleUpdate::builder()
                        .security_group_rule_id(&id)
                        .security_group_rule(req.build())
                        .build(),
                )
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ModifySecurityGroupRules", e)))?;
        }
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        read_after_write(self, aws, planned.clone(), self.what()).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s_or_empty(state, "id");
        let group = s_or_empty(state, "security_group_id");
        let r = if self.egress {
            aws.ec2
                .revoke_security_group_egress()
                .group_id(group)
                .security_group_rule_ids(id)
                .send()
                .await
                .map(|_| ())
                .map_err(sdk("RevokeSecurityGroupEgress"))
        } else {
            aws.ec2
                .revoke_security_group_ingress()
                .group_id(group)
                .security_group_rule_ids(id)
                .send()
                .await
                .map(|_| ())
                .map_err(sdk("RevokeSecurityGroupIngress"))
        };
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.diag(format!("deleting {} ({id})", self.what()))),
        }
    }
}

/// Security group rules by id.
async fn describe(
    aws: &Aws,
    ids: &[String],
) -> Result<HashMap<String, SecurityGroupRule>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_security_group_rules()
            .filters(filter("security-group-rule-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for r in page
                .map_err(sdk("DescribeSecurityGroupRules"))?
                .security_group_rules()
            {
                if let Some(id) = r.security_group_rule_id() {
                    out.insert(id.to_string(), r.clone());
                }
            }
        }
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, r: &SecurityGroupRule) -> Json {
    let id = r.security_group_rule_id().unwrap_or_default();
    let owner = r.group_owner_id().unwrap_or_default();
    let proto = r.ip_protocol().unwrap_or("-1");
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(&mut st, "security_group_rule_id", id);
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:security-group-rule/{id}",
            aws.partition, aws.region
        ),
    );
    set(&mut st, "security_group_id", opt(r.group_id()));
    let same_protocol =
        super::permissions::normalize_protocol(s_or_empty(prior, "ip_protocol")) == proto;
    if !same_protocol {
        set(&mut st, "ip_protocol", proto);
    }
    let port = |p: Option<i32>| {
        if proto == "-1" {
            Json::Null
        } else {
            p.map_or(Json::Null, Json::from)
        }
    };
    set(&mut st, "from_port", port(r.from_port()));
    set(&mut st, "to_port", port(r.to_port()));
    set(&mut st, "description", opt(r.description()));
    set(&mut st, "cidr_ipv4", opt(r.cidr_ipv4()));
    set(&mut st, "cidr_ipv6", opt(r.cidr_ipv6()));
    set(&mut st, "prefix_list_id", opt(r.prefix_list_id()));
    set(
        &mut st,
        "referenced_security_group_id",
        opt(r.referenced_group_info().and_then(|g| g.group_id())),
    );
    tags::set_read(aws, &mut st, prior, tags::from_ec2(r.tags()));
    st
}
