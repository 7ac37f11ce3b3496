//! `aws_instance`: an EC2 instance, waited for until `running`. The AMI, subnet, key, address and
//! placement force replacement; the instance type is changed in place by stopping the instance,
//! modifying it and starting it again; security groups, monitoring, termination protection, source
//! and destination checks and tags update in place without a stop.

use super::{fail_all, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, b, block, i, s, s_or_empty, set, strs};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::{Poll, Timeouts, wait_for};
use async_trait::async_trait;
use aws_sdk_ec2::types::*;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block, Nesting};
use terrane_values::{Path, Value};

pub struct AwsInstance;

mod read;

use read::*;

const WHAT: &str = "EC2 Instance";
const TIMEOUTS: Timeouts = Timeouts::minutes(10, 10, 20);

#[async_trait]
impl Resource for AwsInstance {
    fn schema(&self) -> Block {
        let root = Block::default()
            .attr("delete_on_termination", optc_bool())
            .attr("device_name", comp_str())
            .attr("encrypted", optc_bool().force_new())
            .attr("iops", optc_num())
            .attr("kms_key_id", optc_str().force_new())
            .attr("throughput", optc_num())
            .attr("volume_id", comp_str())
            .attr("volume_size", optc_num())
            .attr("volume_type", optc_str());
        let lt = Block::default()
            .attr("id", optc_str().force_new())
            .attr("name", optc_str().force_new())
            .attr("version", opt_str().force_new());
        let meta = Block::default()
            .attr("http_endpoint", optc_str())
            .attr("http_tokens", optc_str())
            .attr("http_put_response_hop_limit", optc_num())
            .attr("instance_metadata_tags", optc_str());
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("ami", optc_str().force_new())
                .attr("instance_type", optc_str())
                .attr("key_name", optc_str().force_new())
                .attr("subnet_id", optc_str().force_new())
                .attr("availability_zone", optc_str().force_new())
                .attr(
                    "vpc_security_group_ids",
                    Attribute::optional_computed(str_set()),
                )
                .attr(
                    "security_groups",
                    Attribute::optional_computed(str_set()).force_new(),
                )
                .attr("associate_public_ip_address", optc_bool().force_new())
                .attr("private_ip", optc_str().force_new())
                .attr("user_data", opt_str())
                .attr("user_data_base64", opt_str())
                .attr("user_data_replace_on_change", opt_bool())
                .attr("iam_instance_profile", optc_str())
                .attr("monitoring", optc_bool())
                .attr("ebs_optimized", optc_bool().force_new())
                .attr("disable_api_termination", optc_bool())
                .attr("source_dest_check", opt_bool())
                .attr("tenancy", optc_str().force_new())
                .attr("instance_state", comp_str())
                .attr("public_ip", comp_str())
                .attr("public_dns", comp_str())
                .attr("private_dns", comp_str())
                .attr("primary_network_interface_id", comp_str())
                .attr("outpost_arn", comp_str())
                .attr("password_data", comp_str()),
        )
        .nested("root_block_device", Nesting::List, root)
        .nested("launch_template", Nesting::List, lt)
        .nested("metadata_options", Nesting::List, meta)
    }

    fn computed_blocks(&self) -> &'static [&'static str] {
        &["root_block_device", "metadata_options", "launch_template"]
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn defaults(&self) -> Json {
        json!({"source_dest_check": true, "user_data_replace_on_change": false})
    }

    fn customize_plan(
        &self,
        prior: &Value,
        config: &Value,
        planned: &mut Value,
        rr: &mut Vec<Path>,
    ) -> Diagnostics {
        // New user data restarts the instance, or replaces it when the configuration asks so.
        if !prior.is_null()
            && planned
                .get_attr("user_data_replace_on_change")
                .is_some_and(|v| v.as_bool() == Some(true))
        {
            for attr in ["user_data", "user_data_base64"] {
                let (old, new) = (prior.get_attr(attr), planned.get_attr(attr));
                if old.map(|v| v.clone().unmark_deep().0) != new.map(|v| v.clone().unmark_deep().0)
                {
                    rr.push(Path::root().attr(attr));
                }
            }
        }
        if prior.is_null()
            && config
                .get_attr("ami")
                .is_none_or(|v| v.is_null() && v.is_known())
            && config
                .get_attr("launch_template")
                .is_none_or(|v| v.length() == Some(0))
        {
            return terrane_provider_sdk::error(
                "Missing required argument",
                "\"ami\": one of `ami,launch_template` must be specified",
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let sgs = strs(planned, "vpc_security_group_ids");
        let names = strs(planned, "security_groups");
        let mut req = aws
            .ec2
            .run_instances()
            .min_count(1)
            .max_count(1)
            .set_image_id(s(planned, "ami").map(str::to_string))
            .set_instance_type(s(planned, "instance_type").map(InstanceType::from))
            .set_key_name(s(planned, "key_name").map(str::to_string))
            .set_user_data(
                s(planned, "user_data")
                    .map(base64)
                    .or(s(planned, "user_data_base64").map(str::to_string)),
            )
            .set_ebs_optimized(b(planned, "ebs_optimized"))
            .set_disable_api_termination(b(planned, "disable_api_termination"))
            .set_monitoring(
                b(planned, "monitoring")
                    .map(|m| RunInstancesMonitoringEnabled::builder().enabled(m).build()),
            )
            .set_iam_instance_profile(s(planned, "iam_instance_profile").map(|p| {
                let spec = IamInstanceProfileSpecification::builder();
                if p.starts_with("arn:") {
                    spec.arn(p).build()
                } else {
                    spec.name(p).build()
                }
            }))
            .set_tag_specifications(
                tags::ec2_spec(ResourceType::Instance, &tags::all(aws, planned)).map(|t| {
                    let volume = TagSpecification::builder()
                        .resource_type(ResourceType::Volume)
                        .set_tags(t.tags.clone())
                        .build();
                    vec![t, volume]
                }),
            );
        let placement = (s(planned, "availability_zone"), s(planned, "tenancy"));
        if placement.0.is_some() || placement.1.is_some() {
            req = req.placement(
                Placement::builder()
                    .set_availability_zone(placement.0.map(str::to_string))
                    .set_tenancy(placement.1.map(Tenancy::from))
                    .build(),
            );
        }
        if let Some(public) = b(planned, "associate_public_ip_address") {
            req = req.network_interfaces(
                InstanceNetworkInterfaceSpecification::builder()
                    .device_index(0)
                    .associate_public_ip_address(public)
                    .set_subnet_id(s(planned, "subnet_id").map(str::to_string))
                    .set_private_ip_address(s(planned, "private_ip").map(str::to_string))
                    .set_groups(Some(sgs.clone()).filter(|g| !g.is_empty()))
                    .build(),
            );
        } else {
            req = req
                .set_subnet_id(s(planned, "subnet_id").map(str::to_string))
                .set_private_ip_address(s(planned, "private_ip").map(str::to_string))
                .set_security_group_ids(Some(sgs).filter(|g| !g.is_empty()))
                .set_security_groups(Some(names).filter(|g| !g.is_empty()));
        }
        if let Some(lt) = block(planned, "launch_template") {
            req = req.launch_template(
                LaunchTemplateSpecification::builder()
                    .set_launch_template_id(s(lt, "id").map(str::to_string))
                    .set_launch_template_name(s(lt, "name").map(str::to_string))
                    .set_version(s(lt, "version").map(str::to_string))
                    .build(),
            );
        }
        if let Some(root) = block(planned, "root_block_device") {
            req = req.block_device_mappings(
                BlockDeviceMapping::builder()
                    .device_name("/dev/xvda")
                    .ebs(
                        EbsBlockDevice::builder()
                            .set_delete_on_termination(
                                b(root, "delete_on_termination").or(Some(true)),
                            )
                            .set_encrypted(b(root, "encrypted"))
                            .set_volume_size(
                                i(root, "volume_size").filter(|x| *x > 0).map(|x| x as i32),
                            )
                            .set_volume_type(s(root, "volume_type").map(VolumeType::from))
                            .set_iops(i(root, "iops").filter(|x| *x > 0).map(|x| x as i32))
                            .set_throughput(
                                i(root, "throughput").filter(|x| *x > 0).map(|x| x as i32),
                            )
                            .set_kms_key_id(s(root, "kms_key_id").map(str::to_string))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(m) = block(planned, "metadata_options") {
            req = req.metadata_options(metadata(m));
        }
        let out = crate::retry::retry_codes(&aws.patience, &["InvalidParameterValue"], || async {
            req.clone().send().await.map_err(sdk("RunInstances"))
        });
        let out = out.await.map_err(|e| e.diag(format!("creating {WHAT}")))?;
        let id = out
            .instances()
            .first()
            .and_then(|x| x.instance_id())
            .unwrap_or_default()
            .to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        if let Err(e) = wait_state(aws, &id, "running", TIMEOUTS.of(planned, "create")).await {
            return Err(Failure::with_state(
                e.diag(format!("waiting for {WHAT} ({id}) create")),
                state,
            ));
        }
        if b(planned, "source_dest_check") == Some(false)
            && let Err(e) = modify_bool(aws, &id, "source_dest_check", false).await
        {
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
        let found = match describe(aws, &ids(states)).await {
            Ok(f) => f,
            Err(e) => return fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        };
        let mut extra = HashMap::new();
        for id in found.keys() {
            match attributes(aws, id).await {
                Ok(a) => {
                    extra.insert(id.clone(), a);
                }
                Err(e) => return fail_all(states.len(), e.diag(format!("reading {WHAT} ({id})"))),
            }
        }
        let volumes = root_volumes(aws, &found).await.unwrap_or_default();
        super::answer(states, &found, |prior, inst| {
            render(
                aws,
                prior,
                inst,
                extra.get(s_or_empty(prior, "id")),
                &volumes,
            )
        })
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s_or_empty(prior, "id").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({id})")));
        let timeout = TIMEOUTS.of(planned, "update");
        let new_type =
            s(planned, "instance_type").filter(|t| s(prior, "instance_type") != Some(*t));
        let new_user_data = ["user_data", "user_data_base64"]
            .iter()
            .any(|k| s(prior, k) != s(planned, k));
        // Both take a stopped instance: stop once, change them, start again.
        if new_type.is_some() || new_user_data {
            aws.ec2
                .stop_instances()
                .instance_ids(&id)
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("StopInstances", e)))?;
            wait_state(aws, &id, "stopped", timeout)
                .await
                .map_err(fail)?;
            let changed = async {
                if let Some(t) = new_type {
                    aws.ec2
                        .modify_instance_attribute()
                        .instance_id(&id)
                        .instance_type(AttributeValue::builder().value(t).build())
                        .send()
                        .await
                        .map_err(sdk("ModifyInstanceAttribute"))?;
                }
                if new_user_data {
                    // The SDK base64-encodes the bytes itself.
                    let raw = match s(planned, "user_data_base64") {
                        Some(b64) => decode_base64(b64),
                        None => s(planned, "user_data")
                            .unwrap_or_default()
                            .as_bytes()
                            .to_vec(),
                    };
                    aws.ec2
                        .modify_instance_attribute()
                        .instance_id(&id)
                        .user_data(
                            SecureBlobAttributeValue::builder()
                                .value(aws_smithy_types::Blob::new(raw))
                                .build(),
                        )
                        .send()
                        .await
                        .map_err(sdk("ModifyInstanceAttribute"))?;
                }
                Ok::<(), AwsError>(())
            }
            .await;
            // Started again even when a change failed, so a failed update does not leave the
            // instance stopped.
            aws.ec2
                .start_instances()
                .instance_ids(&id)
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("StartInstances", e)))?;
            wait_state(aws, &id, "running", timeout)
                .await
                .map_err(fail)?;
            changed.map_err(fail)?;
        }
        let (old_sg, new_sg) = (
            strs(prior, "vpc_security_group_ids"),
            strs(planned, "vpc_security_group_ids"),
        );
        if !new_sg.is_empty() && old_sg != new_sg {
            aws.ec2
                .modify_instance_attribute()
                .instance_id(&id)
                .set_groups(Some(new_sg))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ModifyInstanceAttribute", e)))?;
        }
        for attr in ["disable_api_termination", "source_dest_check"] {
            if let Some(v) = b(planned, attr)
                && b(prior, attr) != Some(v)
            {
                modify_bool(aws, &id, attr, v).await.map_err(fail)?;
            }
        }
        if let Some(m) = b(planned, "monitoring")
            && b(prior, "monitoring") != Some(m)
        {
            let r = if m {
                aws.ec2
                    .monitor_instances()
                    .instance_ids(&id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(sdk("MonitorInstances"))
            } else {
                aws.ec2
                    .unmonitor_instances()
                    .instance_ids(&id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(sdk("UnmonitorInstances"))
            };
            r.map_err(fail)?;
        }
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s_or_empty(state, "id");
        let fail = |e: AwsError| e.diag(format!("terminating {WHAT} ({id})"));
        if b(state, "disable_api_termination") == Some(true) {
            modify_bool(aws, id, "disable_api_termination", false)
                .await
                .map_err(fail)?;
        }
        match aws.ec2.terminate_instances().instance_ids(id).send().await {
            Ok(_) => {}
            Err(e) => {
                let e = AwsError::from_sdk("TerminateInstances", e);
                if e.is_not_found() {
                    return Ok(());
                }
                return Err(fail(e));
            }
        }
        wait_state(aws, id, "terminated", TIMEOUTS.of(state, "delete"))
            .await
            .map_err(fail)
    }
}

/// The bytes of base64 text (`user_data_base64`); characters outside the alphabet are skipped.
fn decode_base64(text: &str) -> Vec<u8> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let Some(v) = T.iter().position(|x| *x == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn base64(text: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in text.as_bytes().chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn metadata(m: &Json) -> InstanceMetadataOptionsRequest {
    InstanceMetadataOptionsRequest::builder()
        .set_http_endpoint(s(m, "http_endpoint").map(InstanceMetadataEndpointState::from))
        .set_http_tokens(s(m, "http_tokens").map(HttpTokensState::from))
        .set_http_put_response_hop_limit(
            i(m, "http_put_response_hop_limit")
                .filter(|x| *x > 0)
                .map(|x| x as i32),
        )
        .set_instance_metadata_tags(
            s(m, "instance_metadata_tags").map(InstanceMetadataTagsState::from),
        )
        .build()
}

async fn modify_bool(aws: &Aws, id: &str, attr: &str, v: bool) -> Result<(), AwsError> {
    let value = AttributeBooleanValue::builder().value(v).build();
    let req = aws.ec2.modify_instance_attribute().instance_id(id);
    let req = if attr == "source_dest_check" {
        req.source_dest_check(value)
    } else {
        req.disable_api_termination(value)
    };
    req.send().await.map_err(sdk("ModifyInstanceAttribute"))?;
    Ok(())
}

async fn wait_state(aws: &Aws, id: &str, target: &str, timeout: Duration) -> Result<(), AwsError> {
    let what = format!("{WHAT} ({id})");
    let terminating = target == "terminated";
    wait_for(
        &aws.patience,
        &what,
        target,
        timeout,
        terminating,
        || async {
            let found = describe_all_states(aws, id).await?;
            let Some(state) = found else {
                return Ok(if terminating {
                    Poll::Gone
                } else {
                    Poll::Pending("not yet visible".into())
                });
            };
            Ok(match state.as_str() {
                s if s == target => Poll::Ready(()),
                "terminated" | "shutting-down" if !terminating && target != "stopped" => {
                    Poll::Failed(state)
                }
                _ => Poll::Pending(state),
            })
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_data_round_trips_through_base64() {
        for text in ["", "a", "ab", "abc", "#!/bin/sh\necho hello\n"] {
            assert_eq!(super::decode_base64(&super::base64(text)), text.as_bytes());
        }
    }

    #[test]
    fn user_data_is_base64_encoded() {
        assert_eq!(super::base64("hello"), "aGVsbG8=");
        assert_eq!(super::base64("#!/bin/sh\n"), "IyEvYmluL3NoCg==");
    }
}
