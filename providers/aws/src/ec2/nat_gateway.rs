//! `aws_nat_gateway`: a NAT gateway in a subnet, waited for until `available` on create and until
//! `deleted` on delete. Everything but the tags forces replacement.

use super::{CHUNK, answer, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, opt, s, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::{Poll, Timeouts, wait_for};
use async_trait::async_trait;
use aws_sdk_ec2::types::{ConnectivityType, NatGateway, NatGatewayState, ResourceType};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsNatGateway;

const WHAT: &str = "EC2 NAT Gateway";
const TIMEOUTS: Timeouts = Timeouts::minutes(10, 10, 30);

#[async_trait]
impl Resource for AwsNatGateway {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("allocation_id", opt_str().force_new())
                .attr("subnet_id", req_str().force_new())
                .attr("connectivity_type", opt_str().force_new())
                .attr("private_ip", optc_str().force_new())
                .attr("public_ip", comp_str())
                .attr("network_interface_id", comp_str())
                .attr("association_id", comp_str()),
        )
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn defaults(&self) -> Json {
        json!({"connectivity_type": "public"})
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        match s(config, "connectivity_type") {
            Some(c) => crate::validate::one_of("connectivity_type", c, &["private", "public"]),
            None => Diagnostics::new(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let out = crate::retry::retry_codes(
            &aws.patience,
            &["InvalidSubnetID.NotFound", "InvalidAllocationID.NotFound"],
            || async {
                aws.ec2
                    .create_nat_gateway()
                    .set_subnet_id(s(planned, "subnet_id").map(str::to_string))
                    .set_allocation_id(s(planned, "allocation_id").map(str::to_string))
                    .connectivity_type(ConnectivityType::from(
                        s(planned, "connectivity_type").unwrap_or("public"),
                    ))
                    .set_private_ip_address(s(planned, "private_ip").map(str::to_string))
                    .set_tag_specifications(
                        tags::ec2_spec(ResourceType::Natgateway, &tags::all(aws, planned))
                            .map(|t| vec![t]),
                    )
                    .send()
                    .await
                    .map_err(sdk("CreateNatGateway"))
            },
        )
        .await
        .map_err(|e| e.diag(format!("creating {WHAT}")))?;
        let id = out
            .nat_gateway()
            .and_then(|v| v.nat_gateway_id())
            .unwrap_or_default()
            .to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        if let Err(e) = wait(aws, &id, "available", TIMEOUTS.of(planned, "create")).await {
            return Err(Failure::with_state(
                e.diag(format!("waiting for {WHAT} ({id}) create")),
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
            Ok(mut found) => {
                found.retain(|_, g| g.state() != Some(&NatGatewayState::Deleted));
                answer(states, &found, |prior, obj| render(aws, prior, obj))
            }
            Err(e) => fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s(prior, "id").unwrap_or_default().to_string();
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(|e| Failure::from(e.diag(format!("updating {WHAT} ({id})"))))?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s(state, "id").unwrap_or_default();
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({id})"));
        match aws.ec2.delete_nat_gateway().nat_gateway_id(id).send().await {
            Ok(_) => {}
            Err(e) => {
                let e = AwsError::from_sdk("DeleteNatGateway", e);
                if e.is_not_found() {
                    return Ok(());
                }
                return Err(fail(e));
            }
        }
        wait(aws, id, "deleted", TIMEOUTS.of(state, "delete"))
            .await
            .map_err(fail)
    }
}

/// Waits until the gateway is `available` (or, for `deleted`, gone).
async fn wait(aws: &Aws, id: &str, target: &str, timeout: Duration) -> Result<(), AwsError> {
    let what = format!("{WHAT} ({id})");
    let deleting = target == "deleted";
    wait_for(&aws.patience, &what, target, timeout, deleting, || async {
        let found = describe(aws, &[id.to_string()]).await?;
        let Some(g) = found.get(id) else {
            // moto answers an empty list for an id it no longer has
            return Ok(if deleting {
                Poll::Gone
            } else {
                Poll::Pending("not yet visible".into())
            });
        };
        let state = g
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        Ok(match state.as_str() {
            s if s == target => Poll::Ready(()),
            "deleted" if deleting => Poll::Ready(()),
            "failed" => Poll::Failed(format!(
                "failed: {}",
                g.failure_message().unwrap_or("no message")
            )),
            "deleted" => Poll::Failed(state),
            _ => Poll::Pending(state),
        })
    })
    .await?;
    Ok(())
}

/// NAT gateways by id.
pub async fn describe(aws: &Aws, ids: &[String]) -> Result<HashMap<String, NatGateway>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_nat_gateways()
            .filter(filter("nat-gateway-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for v in page.map_err(sdk("DescribeNatGateways"))?.nat_gateways() {
                if let Some(id) = v.nat_gateway_id() {
                    out.insert(id.to_string(), v.clone());
                }
            }
        }
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, v: &NatGateway) -> Json {
    let addr = v
        .nat_gateway_addresses()
        .iter()
        .find(|a| a.is_primary().unwrap_or(true));
    let mut st = prior.clone();
    set(&mut st, "id", opt(v.nat_gateway_id()));
    set(&mut st, "subnet_id", opt(v.subnet_id()));
    set(
        &mut st,
        "connectivity_type",
        v.connectivity_type().map_or("public", |c| c.as_str()),
    );
    if let Some(a) = addr {
        if a.allocation_id().is_some() {
            set(&mut st, "allocation_id", opt(a.allocation_id()));
        }
        set(&mut st, "private_ip", opt(a.private_ip()));
        set(&mut st, "public_ip", a.public_ip().unwrap_or_default());
        set(
            &mut st,
            "network_interface_id",
            opt(a.network_interface_id()),
        );
        set(
            &mut st,
            "association_id",
            a.association_id().unwrap_or_default(),
        );
    }
    tags::set_read(aws, &mut st, prior, tags::from_ec2(v.tags()));
    st
}
