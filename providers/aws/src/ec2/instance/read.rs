//! Reading instances: Describe calls (many instances per call) and the state they make.

use crate::client::Aws;
use crate::ec2::{CHUNK, filter};
use crate::error::{AwsError, sdk};
use crate::json::{Json, opt, set};
use crate::tags;
use aws_sdk_ec2::types::*;
use serde_json::json;
use std::collections::HashMap;

pub(super) async fn describe_all_states(aws: &Aws, id: &str) -> Result<Option<String>, AwsError> {
    let out = aws
        .ec2
        .describe_instances()
        .filters(filter("instance-id", [id]))
        .send()
        .await
        .map_err(sdk("DescribeInstances"))?;
    Ok(out
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .find(|i| i.instance_id() == Some(id))
        .and_then(|i| {
            i.state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_string())
        }))
}

/// Instances by id, terminated ones left out.
pub(super) async fn describe(
    aws: &Aws,
    ids: &[String],
) -> Result<HashMap<String, Instance>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_instances()
            .filters(filter("instance-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for r in page.map_err(sdk("DescribeInstances"))?.reservations() {
                for inst in r.instances() {
                    let gone = inst
                        .state()
                        .and_then(|s| s.name())
                        .is_some_and(|n| n.as_str() == "terminated");
                    if let (Some(id), false) = (inst.instance_id(), gone) {
                        out.insert(id.to_string(), inst.clone());
                    }
                }
            }
        }
    }
    Ok(out)
}

/// What DescribeInstanceAttribute adds: termination protection.
pub(super) async fn attributes(aws: &Aws, id: &str) -> Result<Option<bool>, AwsError> {
    let out = aws
        .ec2
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(InstanceAttributeName::DisableApiTermination)
        .send()
        .await
        .map_err(sdk("DescribeInstanceAttribute"))?;
    Ok(out.disable_api_termination().and_then(|v| v.value()))
}

pub(super) async fn root_volumes(
    aws: &Aws,
    found: &HashMap<String, Instance>,
) -> Result<HashMap<String, Volume>, AwsError> {
    let ids: Vec<String> = found
        .values()
        .filter_map(|inst| {
            let root = inst.root_device_name()?;
            inst.block_device_mappings()
                .iter()
                .find(|m| m.device_name() == Some(root))?
                .ebs()?
                .volume_id()
                .map(str::to_string)
        })
        .collect();
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let page = aws
        .ec2
        .describe_volumes()
        .filters(filter("volume-id", ids))
        .send()
        .await
        .map_err(sdk("DescribeVolumes"))?;
    for v in page.volumes() {
        if let Some(id) = v.volume_id() {
            out.insert(id.to_string(), v.clone());
        }
    }
    Ok(out)
}

pub(super) fn render(
    aws: &Aws,
    prior: &Json,
    inst: &Instance,
    protect: Option<&Option<bool>>,
    volumes: &HashMap<String, Volume>,
) -> Json {
    let id = inst.instance_id().unwrap_or_default();
    let owner = aws.account_id.clone().unwrap_or_default();
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:instance/{id}",
            aws.partition, aws.region
        ),
    );
    set(&mut st, "ami", opt(inst.image_id()));
    set(
        &mut st,
        "instance_type",
        opt(inst.instance_type().map(|t| t.as_str())),
    );
    set(&mut st, "key_name", inst.key_name().unwrap_or_default());
    set(&mut st, "subnet_id", inst.subnet_id().unwrap_or_default());
    set(
        &mut st,
        "availability_zone",
        opt(inst.placement().and_then(|p| p.availability_zone())),
    );
    set(
        &mut st,
        "tenancy",
        inst.placement()
            .and_then(|p| p.tenancy())
            .map_or("default", |t| t.as_str()),
    );
    let groups = inst.security_groups();
    if inst.vpc_id().is_some() {
        set(
            &mut st,
            "vpc_security_group_ids",
            json!(
                groups
                    .iter()
                    .filter_map(|g| g.group_id())
                    .collect::<Vec<_>>()
            ),
        );
        if st.get("security_groups").is_none_or(|v| v.is_null()) {
            set(&mut st, "security_groups", json!([]));
        }
    } else {
        set(
            &mut st,
            "security_groups",
            json!(
                groups
                    .iter()
                    .filter_map(|g| g.group_name())
                    .collect::<Vec<_>>()
            ),
        );
        set(&mut st, "vpc_security_group_ids", json!([]));
    }
    set(
        &mut st,
        "associate_public_ip_address",
        json!(inst.public_ip_address().is_some()),
    );
    set(
        &mut st,
        "private_ip",
        inst.private_ip_address().unwrap_or_default(),
    );
    set(
        &mut st,
        "public_ip",
        inst.public_ip_address().unwrap_or_default(),
    );
    set(
        &mut st,
        "public_dns",
        inst.public_dns_name().unwrap_or_default(),
    );
    set(
        &mut st,
        "private_dns",
        inst.private_dns_name().unwrap_or_default(),
    );
    set(
        &mut st,
        "instance_state",
        inst.state()
            .and_then(|s| s.name())
            .map_or("", |n| n.as_str()),
    );
    set(
        &mut st,
        "iam_instance_profile",
        inst.iam_instance_profile()
            .and_then(|p| p.arn())
            .and_then(|a| a.rsplit('/').next())
            .unwrap_or_default(),
    );
    set(
        &mut st,
        "monitoring",
        json!(
            inst.monitoring()
                .and_then(|m| m.state())
                .is_some_and(|s| s.as_str() == "enabled" || s.as_str() == "pending")
        ),
    );
    set(
        &mut st,
        "ebs_optimized",
        json!(inst.ebs_optimized().unwrap_or(false)),
    );
    set(
        &mut st,
        "source_dest_check",
        json!(inst.source_dest_check().unwrap_or(true)),
    );
    set(
        &mut st,
        "disable_api_termination",
        json!(protect.copied().flatten().unwrap_or(false)),
    );
    set(
        &mut st,
        "primary_network_interface_id",
        inst.network_interfaces()
            .iter()
            .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0))
            .and_then(|n| n.network_interface_id())
            .unwrap_or_default(),
    );
    set(
        &mut st,
        "outpost_arn",
        inst.outpost_arn().unwrap_or_default(),
    );
    set(&mut st, "password_data", "");
    if let Some(m) = inst.metadata_options() {
        set(
            &mut st,
            "metadata_options",
            json!([{
                "http_endpoint": m.http_endpoint().map_or("enabled", |x| x.as_str()),
                "http_tokens": m.http_tokens().map_or("optional", |x| x.as_str()),
                "http_put_response_hop_limit": m.http_put_response_hop_limit().unwrap_or(1),
                "instance_metadata_tags": m.instance_metadata_tags().map_or("disabled", |x| x.as_str()),
            }]),
        );
    }
    let root = inst.root_device_name().and_then(|r| {
        inst.block_device_mappings()
            .iter()
            .find(|m| m.device_name() == Some(r))
    });
    if let Some(m) = root {
        let ebs = m.ebs();
        let vol = ebs.and_then(|e| e.volume_id()).and_then(|v| volumes.get(v));
        set(
            &mut st,
            "root_block_device",
            json!([{
                "delete_on_termination": ebs.and_then(|e| e.delete_on_termination()).unwrap_or(true),
                "device_name": opt(m.device_name()),
                "encrypted": vol.and_then(|v| v.encrypted()).unwrap_or(false),
                "iops": vol.and_then(|v| v.iops()).unwrap_or(0),
                "kms_key_id": vol.and_then(|v| v.kms_key_id()).unwrap_or_default(),
                "throughput": vol.and_then(|v| v.throughput()).unwrap_or(0),
                "volume_id": opt(ebs.and_then(|e| e.volume_id())),
                "volume_size": vol.and_then(|v| v.size()).unwrap_or(0),
                "volume_type": vol.and_then(|v| v.volume_type()).map_or("", |t| t.as_str()),
            }]),
        );
    }
    tags::set_read(aws, &mut st, prior, tags::from_ec2(inst.tags()));
    st
}
