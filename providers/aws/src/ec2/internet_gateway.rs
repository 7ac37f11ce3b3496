//! `aws_internet_gateway`: an internet gateway, attached to `vpc_id` when set. Changing the VPC
//! detaches and attaches in place; deleting detaches first, retrying while addresses are still
//! mapped in the VPC.

use super::{CHUNK, answer, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, opt, s, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::Timeouts;
use async_trait::async_trait;
use aws_sdk_ec2::types::{InternetGateway, ResourceType};
use std::collections::HashMap;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsInternetGateway;

const WHAT: &str = "EC2 Internet Gateway";
const TIMEOUTS: Timeouts = Timeouts::minutes(20, 20, 20);

#[async_trait]
impl Resource for AwsInternetGateway {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("vpc_id", opt_str())
                .attr("owner_id", comp_str()),
        )
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let out = aws
            .ec2
            .create_internet_gateway()
            .set_tag_specifications(
                tags::ec2_spec(ResourceType::InternetGateway, &tags::all(aws, planned))
                    .map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreateInternetGateway", e).diag(format!("creating {WHAT}"))
            })?;
        let id = out
            .internet_gateway()
            .and_then(|v| v.internet_gateway_id())
            .unwrap_or_default()
            .to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        if let Some(vpc) = s(planned, "vpc_id")
            && let Err(e) = attach(aws, &id, vpc, TIMEOUTS.of(planned, "create")).await
        {
            set(&mut state, "vpc_id", Json::Null);
            return Err(Failure::with_state(
                e.diag(format!("attaching {WHAT} ({id}) to VPC ({vpc})")),
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
        let timeout = TIMEOUTS.of(planned, "update");
        if s(prior, "vpc_id") != s(planned, "vpc_id") {
            if let Some(old) = s(prior, "vpc_id") {
                detach(aws, &id, old, timeout).await.map_err(fail)?;
            }
            if let Some(new) = s(planned, "vpc_id") {
                attach(aws, &id, new, timeout).await.map_err(fail)?;
            }
        }
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s(state, "id").unwrap_or_default();
        let timeout = TIMEOUTS.of(state, "delete");
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({id})"));
        if let Some(vpc) = s(state, "vpc_id") {
            match detach(aws, id, vpc, timeout).await {
                Ok(()) => {}
                Err(e) if e.is_not_found() || e.is(&["Gateway.NotAttached"]) => {}
                Err(e) => return Err(fail(e)),
            }
        }
        let r = crate::retry::retry(
            &aws.patience,
            timeout,
            |e| e.is(&["DependencyViolation"]),
            || async {
                aws.ec2
                    .delete_internet_gateway()
                    .internet_gateway_id(id)
                    .send()
                    .await
                    .map_err(sdk("DeleteInternetGateway"))
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

async fn attach(aws: &Aws, id: &str, vpc: &str, timeout: Duration) -> Result<(), AwsError> {
    crate::retry::retry(
        &aws.patience,
        timeout.min(aws.patience.propagation),
        |e| e.is(&["InvalidInternetGatewayID.NotFound"]),
        || async {
            aws.ec2
                .attach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(vpc)
                .send()
                .await
                .map_err(sdk("AttachInternetGateway"))
        },
    )
    .await?;
    Ok(())
}

async fn detach(aws: &Aws, id: &str, vpc: &str, timeout: Duration) -> Result<(), AwsError> {
    // A VPC with public addresses still mapped refuses the detach until they are released.
    crate::retry::retry(
        &aws.patience,
        timeout,
        |e| e.is(&["DependencyViolation"]),
        || async {
            aws.ec2
                .detach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(vpc)
                .send()
                .await
                .map_err(sdk("DetachInternetGateway"))
        },
    )
    .await?;
    Ok(())
}

/// Internet gateways by id.
pub async fn describe(
    aws: &Aws,
    ids: &[String],
) -> Result<HashMap<String, InternetGateway>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_internet_gateways()
            .filters(filter("internet-gateway-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for v in page
                .map_err(sdk("DescribeInternetGateways"))?
                .internet_gateways()
            {
                if let Some(id) = v.internet_gateway_id() {
                    out.insert(id.to_string(), v.clone());
                }
            }
        }
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, v: &InternetGateway) -> Json {
    let id = v.internet_gateway_id().unwrap_or_default();
    let owner = v.owner_id().unwrap_or_default();
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:internet-gateway/{id}",
            aws.partition, aws.region
        ),
    );
    set(&mut st, "owner_id", owner);
    set(
        &mut st,
        "vpc_id",
        opt(v.attachments().first().and_then(|a| a.vpc_id())),
    );
    tags::set_read(aws, &mut st, prior, tags::from_ec2(v.tags()));
    st
}
