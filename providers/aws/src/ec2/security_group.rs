//! `aws_security_group`: a security group with inline `ingress` and `egress` blocks. The name,
//! description and VPC force replacement; rules and tags update in place. On create, the allow-all
//! egress rule AWS adds is removed, so only configured rules exist. Without `ingress` (or `egress`)
//! blocks in the configuration, the existing rules of that direction are left alone, so that
//! `aws_vpc_security_group_*_rule` resources can manage them.

use super::permissions::{blocks_of, permissions, rules_of_blocks, rules_of_permissions};
use super::{CHUNK, answer, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, b, blocks, s, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::Timeouts;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType, SecurityGroup};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block, Nesting};
use terrane_values::Type;

pub struct AwsSecurityGroup;

const WHAT: &str = "Security Group";
const TIMEOUTS: Timeouts = Timeouts::minutes(10, 10, 15);

fn rule_block() -> Block {
    Block::default()
        .attr("from_port", Attribute::required(Type::Number))
        .attr("to_port", Attribute::required(Type::Number))
        .attr("protocol", req_str())
        .attr("cidr_blocks", Attribute::optional(str_list()))
        .attr("ipv6_cidr_blocks", Attribute::optional(str_list()))
        .attr("prefix_list_ids", Attribute::optional(str_list()))
        .attr("security_groups", Attribute::optional(str_set()))
        .attr("self", opt_bool())
        .attr("description", opt_str())
}

/// A unique name as Terraform makes them: the prefix, a timestamp and a counter.
pub fn unique_name(prefix: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{prefix}{}{:08}", now.as_millis(), n + 1)
}

#[async_trait]
impl Resource for AwsSecurityGroup {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("name", optc_str().force_new())
                .attr("name_prefix", optc_str().force_new())
                .attr("description", opt_str().force_new())
                .attr("vpc_id", optc_str().force_new())
                .attr("owner_id", comp_str())
                .attr("revoke_rules_on_delete", opt_bool()),
        )
        .nested("ingress", Nesting::Set, rule_block())
        .nested("egress", Nesting::Set, rule_block())
    }

    fn inline_blocks(&self) -> &'static [&'static str] {
        &["ingress", "egress"]
    }

    fn computed_blocks(&self) -> &'static [&'static str] {
        &["ingress", "egress"]
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn defaults(&self) -> Json {
        json!({"description": "Managed by Terraform", "revoke_rules_on_delete": false})
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        if s(config, "name").is_some() && s(config, "name_prefix").is_some() {
            return terrane_provider_sdk::error(
                "Invalid combination of arguments",
                "\"name\": conflicts with name_prefix",
            );
        }
        if s(config, "name").is_some_and(|n| n.starts_with("sg-")) {
            return terrane_provider_sdk::error(
                "Invalid value",
                "\"name\" cannot begin with \"sg-\"",
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = match (s(planned, "name"), s(planned, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => unique_name(p),
            (None, None) => unique_name("terraform-"),
        };
        let out = aws
            .ec2
            .create_security_group()
            .group_name(&name)
            .description(s(planned, "description").unwrap_or("Managed by Terraform"))
            .set_vpc_id(s(planned, "vpc_id").map(str::to_string))
            .set_tag_specifications(
                tags::ec2_spec(ResourceType::SecurityGroup, &tags::all(aws, planned))
                    .map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreateSecurityGroup", e)
                    .diag(format!("creating {WHAT} ({name})"))
            })?;
        let id = out.group_id().unwrap_or_default().to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        set(&mut state, "name", name);
        let result = async {
            let found = describe(aws, std::slice::from_ref(&id)).await?;
            if let Some(g) = found.get(&id)
                && g.vpc_id().is_some()
            {
                let default_egress = rules_of_permissions(g.ip_permissions_egress());
                change_rules(aws, &id, true, &default_egress, &BTreeSet::new()).await?;
            }
            change_rules(
                aws,
                &id,
                false,
                &BTreeSet::new(),
                &rules_of_blocks(blocks(planned, "ingress"), &id),
            )
            .await?;
            change_rules(
                aws,
                &id,
                true,
                &BTreeSet::new(),
                &rules_of_blocks(blocks(planned, "egress"), &id),
            )
            .await
        };
        if let Err(e) = result.await {
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
        for (dir, egress) in [("ingress", false), ("egress", true)] {
            let old = rules_of_blocks(blocks(prior, dir), &id);
            let new = rules_of_blocks(blocks(planned, dir), &id);
            change_rules(aws, &id, egress, &old, &new)
                .await
                .map_err(fail)?;
        }
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s(state, "id").unwrap_or_default();
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({id})"));
        if b(state, "revoke_rules_on_delete") == Some(true) {
            let found = describe(aws, &[id.to_string()]).await.map_err(fail)?;
            if let Some(g) = found.get(id) {
                change_rules(
                    aws,
                    id,
                    false,
                    &rules_of_permissions(g.ip_permissions()),
                    &BTreeSet::new(),
                )
                .await
                .map_err(fail)?;
                change_rules(
                    aws,
                    id,
                    true,
                    &rules_of_permissions(g.ip_permissions_egress()),
                    &BTreeSet::new(),
                )
                .await
                .map_err(fail)?;
            }
        }
        // Network interfaces (load balancers, EKS, Lambda) can hold the group for a while.
        let r = crate::retry::retry(
            &aws.patience,
            TIMEOUTS.of(state, "delete"),
            |e| e.is(&["DependencyViolation", "InvalidGroup.InUse"]),
            || async {
                aws.ec2
                    .delete_security_group()
                    .group_id(id)
                    .send()
                    .await
                    .map_err(sdk("DeleteSecurityGroup"))
            },
        )
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(fail(e)),
        }
    }
}

/// Revokes the rules only in `old` and authorizes the ones only in `new`.
async fn change_rules(
    aws: &Aws,
    id: &str,
    egress: bool,
    old: &BTreeSet<super::permissions::Rule>,
    new: &BTreeSet<super::permissions::Rule>,
) -> Result<(), AwsError> {
    let revoke: BTreeSet<_> = old.difference(new).cloned().collect();
    let grant: BTreeSet<_> = new.difference(old).cloned().collect();
    if !revoke.is_empty() {
        let perms = Some(permissions(&revoke));
        if egress {
            aws.ec2
                .revoke_security_group_egress()
                .group_id(id)
                .set_ip_permissions(perms)
                .send()
                .await
                .map_err(sdk("RevokeSecurityGroupEgress"))?;
        } else {
            aws.ec2
                .revoke_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(perms)
                .send()
                .await
                .map_err(sdk("RevokeSecurityGroupIngress"))?;
        }
    }
    if !grant.is_empty() {
        let perms = Some(permissions(&grant));
        crate::retry::retry_codes(&aws.patience, &["InvalidGroup.NotFound"], || async {
            if egress {
                aws.ec2
                    .authorize_security_group_egress()
                    .group_id(id)
                    .set_ip_permissions(perms.clone())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(sdk("AuthorizeSecurityGroupEgress"))
            } else {
                aws.ec2
                    .authorize_security_group_ingress()
                    .group_id(id)
                    .set_ip_permissions(perms.clone())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(sdk("AuthorizeSecurityGroupIngress"))
            }
        })
        .await?;
    }
    Ok(())
}

/// Security groups by id.
pub async fn describe(
    aws: &Aws,
    ids: &[String],
) -> Result<HashMap<String, SecurityGroup>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_security_groups()
            .filters(filter("group-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for v in page
                .map_err(sdk("DescribeSecurityGroups"))?
                .security_groups()
            {
                if let Some(id) = v.group_id() {
                    out.insert(id.to_string(), v.clone());
                }
            }
        }
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, g: &SecurityGroup) -> Json {
    let id = g.group_id().unwrap_or_default();
    let owner = g.owner_id().unwrap_or_default();
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:security-group/{id}",
            aws.partition, aws.region
        ),
    );
    set(&mut st, "name", g.group_name().unwrap_or_default());
    set(&mut st, "description", g.description().unwrap_or_default());
    set(&mut st, "vpc_id", g.vpc_id().unwrap_or_default());
    set(&mut st, "owner_id", owner);
    if s(prior, "name_prefix").is_none() {
        set(&mut st, "name_prefix", "");
    }
    let ingress = blocks_of(
        &rules_of_permissions(g.ip_permissions()),
        blocks(prior, "ingress"),
        id,
    );
    let egress = blocks_of(
        &rules_of_permissions(g.ip_permissions_egress()),
        blocks(prior, "egress"),
        id,
    );
    set(&mut st, "ingress", Json::Array(ingress));
    set(&mut st, "egress", Json::Array(egress));
    tags::set_read(aws, &mut st, prior, tags::from_ec2(g.tags()));
    st
}
