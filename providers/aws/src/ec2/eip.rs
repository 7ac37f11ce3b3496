//! `aws_eip`: an Elastic IP address, associated with an instance or network interface when one is
//! given. The domain, address and pool force replacement; the association and tags update in place.

use super::{CHUNK, answer, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, opt, s, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::Timeouts;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Address, DomainType, ResourceType};
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsEip;

const WHAT: &str = "EC2 EIP";
const TIMEOUTS: Timeouts = Timeouts::minutes(15, 5, 3);

#[async_trait]
impl Resource for AwsEip {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("allocation_id", comp_str())
                .attr("association_id", comp_str())
                .attr("domain", optc_str().force_new())
                .attr("instance", optc_str())
                .attr("network_interface", optc_str())
                .attr("associate_with_private_ip", opt_str())
                .attr("address", opt_str().force_new())
                .attr("public_ipv4_pool", optc_str().force_new())
                .attr("network_border_group", optc_str().force_new())
                .attr("public_ip", comp_str())
                .attr("public_dns", comp_str())
                .attr("private_ip", comp_str())
                .attr("private_dns", comp_str())
                .attr("carrier_ip", comp_str())
                .attr("customer_owned_ip", comp_str())
                .attr("ptr_record", comp_str()),
        )
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        match s(config, "domain") {
            Some(d) => crate::validate::one_of("domain", d, &["vpc", "standard"]),
            None => Diagnostics::new(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let out = aws
            .ec2
            .allocate_address()
            .domain(DomainType::from(s(planned, "domain").unwrap_or("vpc")))
            .set_address(s(planned, "address").map(str::to_string))
            .set_public_ipv4_pool(s(planned, "public_ipv4_pool").map(str::to_string))
            .set_network_border_group(s(planned, "network_border_group").map(str::to_string))
            .set_tag_specifications(
                tags::ec2_spec(ResourceType::ElasticIp, &tags::all(aws, planned)).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("AllocateAddress", e).diag(format!("creating {WHAT}"))
            })?;
        let id = out.allocation_id().unwrap_or_default().to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        if let Err(e) = associate(aws, &id, planned).await {
            return Err(Failure::with_state(
                e.diag(format!("associating {WHAT} ({id})")),
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
        let moved = ["instance", "network_interface", "associate_with_private_ip"]
            .iter()
            .any(|k| s(prior, k) != s(planned, k));
        if moved {
            if let Some(assoc) = s(prior, "association_id") {
                disassociate(aws, assoc).await.map_err(fail)?;
            }
            associate(aws, &id, planned).await.map_err(fail)?;
        }
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s(state, "id").unwrap_or_default();
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({id})"));
        if let Some(assoc) = s(state, "association_id") {
            disassociate(aws, assoc).await.map_err(fail)?;
        }
        let r = crate::retry::retry(
            &aws.patience,
            TIMEOUTS.of(state, "delete"),
            |e| e.is(&["InvalidIPAddress.InUse", "AuthFailure"]),
            || async {
                aws.ec2
                    .release_address()
                    .allocation_id(id)
                    .send()
                    .await
                    .map_err(sdk("ReleaseAddress"))
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

async fn associate(aws: &Aws, id: &str, planned: &Json) -> Result<(), AwsError> {
    let (instance, eni) = (s(planned, "instance"), s(planned, "network_interface"));
    if instance.is_none() && eni.is_none() {
        return Ok(());
    }
    crate::retry::retry_codes(
        &aws.patience,
        &["InvalidAllocationID.NotFound", "InvalidInstanceID"],
        || async {
            aws.ec2
                .associate_address()
                .allocation_id(id)
                .set_instance_id(instance.map(str::to_string))
                .set_network_interface_id(eni.map(str::to_string))
                .set_private_ip_address(s(planned, "associate_with_private_ip").map(str::to_string))
                .send()
                .await
                .map_err(sdk("AssociateAddress"))
        },
    )
    .await?;
    Ok(())
}

async fn disassociate(aws: &Aws, association: &str) -> Result<(), AwsError> {
    match aws
        .ec2
        .disassociate_address()
        .association_id(association)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DisassociateAddress", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}

/// Addresses by allocation id.
pub async fn describe(aws: &Aws, ids: &[String]) -> Result<HashMap<String, Address>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let page = aws
            .ec2
            .describe_addresses()
            .filters(filter("allocation-id", chunk.iter().cloned()))
            .send()
            .await
            .map_err(sdk("DescribeAddresses"))?;
        for v in page.addresses() {
            if let Some(id) = v.allocation_id() {
                out.insert(id.to_string(), v.clone());
            }
        }
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, v: &Address) -> Json {
    let id = v.allocation_id().unwrap_or_default();
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(&mut st, "allocation_id", id);
    let owner = aws.account_id.clone().unwrap_or_default();
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:elastic-ip/{id}",
            aws.partition, aws.region
        ),
    );
    set(
        &mut st,
        "association_id",
        v.association_id().unwrap_or_default(),
    );
    set(&mut st, "domain", opt(v.domain().map(|d| d.as_str())));
    set(&mut st, "instance", v.instance_id().unwrap_or_default());
    set(
        &mut st,
        "network_interface",
        v.network_interface_id().unwrap_or_default(),
    );
    set(&mut st, "public_ip", v.public_ip().unwrap_or_default());
    set(
        &mut st,
        "private_ip",
        v.private_ip_address().unwrap_or_default(),
    );
    set(
        &mut st,
        "public_ipv4_pool",
        v.public_ipv4_pool().unwrap_or_default(),
    );
    set(
        &mut st,
        "network_border_group",
        v.network_border_group().unwrap_or_default(),
    );
    set(&mut st, "carrier_ip", v.carrier_ip().unwrap_or_default());
    set(
        &mut st,
        "customer_owned_ip",
        v.customer_owned_ip().unwrap_or_default(),
    );
    let dns = |ip: Option<&str>, private: bool| {
        ip.filter(|i| !i.is_empty()).map_or(String::new(), |ip| {
            let dashed = ip.replace('.', "-");
            let zone = if aws.region == "us-east-1" {
                if private {
                    "ec2.internal".to_string()
                } else {
                    "compute-1.amazonaws.com".to_string()
                }
            } else if private {
                format!("{}.compute.internal", aws.region)
            } else {
                format!("{}.compute.amazonaws.com", aws.region)
            };
            format!("ip-{dashed}.{zone}").replacen("ip-", if private { "ip-" } else { "ec2-" }, 1)
        })
    };
    set(&mut st, "public_dns", dns(v.public_ip(), false));
    set(&mut st, "private_dns", dns(v.private_ip_address(), true));
    set(&mut st, "ptr_record", "");
    tags::set_read(aws, &mut st, prior, tags::from_ec2(v.tags()));
    st
}
