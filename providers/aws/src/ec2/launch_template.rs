//! `aws_launch_template`: a launch template. The name forces replacement; any change to the launch
//! data creates a new version (made the default when `update_default_version` is set); the
//! description of the template itself and tags update in place. Reads follow the default version.

use crate::client::Aws;
use crate::error::AwsError;
use crate::json::{Json, b, block, blocks, i, opt, s, s_or_empty, set, string_map, strs};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use async_trait::async_trait;
use aws_sdk_ec2::types::*;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block, Nesting};
use terrane_values::{Path, Type, Value};

pub struct AwsLaunchTemplate;

const WHAT: &str = "EC2 Launch Template";

/// The arguments that make up the launch data (a change makes a new version).
const DATA: [&str; 13] = [
    "image_id",
    "instance_type",
    "key_name",
    "user_data",
    "vpc_security_group_ids",
    "ebs_optimized",
    "block_device_mappings",
    "network_interfaces",
    "iam_instance_profile",
    "metadata_options",
    "monitoring",
    "tag_specifications",
    "description",
];

fn list(b: Block, max: usize) -> (Nesting, Block, usize) {
    (Nesting::List, b, max)
}

#[async_trait]
impl Resource for AwsLaunchTemplate {
    fn schema(&self) -> Block {
        let ebs = Block::default()
            .attr("delete_on_termination", opt_str())
            .attr("encrypted", opt_str())
            .attr("iops", optc_num())
            .attr("kms_key_id", opt_str())
            .attr("snapshot_id", opt_str())
            .attr("throughput", optc_num())
            .attr("volume_size", optc_num())
            .attr("volume_type", optc_str());
        let bdm = Block::default()
            .attr("device_name", opt_str())
            .attr("no_device", opt_str())
            .attr("virtual_name", opt_str())
            .nested("ebs", Nesting::List, ebs);
        let nic = Block::default()
            .attr("associate_public_ip_address", opt_str())
            .attr("delete_on_termination", opt_str())
            .attr("description", opt_str())
            .attr("device_index", opt_num())
            .attr("network_interface_id", opt_str())
            .attr("private_ip_address", opt_str())
            .attr("security_groups", Attribute::optional(str_set()))
            .attr("subnet_id", opt_str());
        let mut b = tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("name", optc_str().force_new())
                .attr("name_prefix", optc_str().force_new())
                .attr("description", opt_str())
                .attr("default_version", optc_num())
                .attr("latest_version", comp_num())
                .attr("update_default_version", opt_bool())
                .attr("image_id", opt_str())
                .attr("instance_type", opt_str())
                .attr("key_name", opt_str())
                .attr("user_data", opt_str())
                .attr("ebs_optimized", opt_str())
                .attr("vpc_security_group_ids", Attribute::optional(str_set())),
        );
        for (name, (nesting, blk, _)) in [
            ("block_device_mappings", list(bdm, 0)),
            ("network_interfaces", list(nic, 0)),
            (
                "iam_instance_profile",
                list(
                    Block::default()
                        .attr("arn", opt_str())
                        .attr("name", opt_str()),
                    1,
                ),
            ),
            (
                "metadata_options",
                list(
                    Block::default()
                        .attr("http_endpoint", optc_str())
                        .attr("http_tokens", optc_str())
                        .attr("http_put_response_hop_limit", optc_num())
                        .attr("instance_metadata_tags", optc_str()),
                    1,
                ),
            ),
            (
                "monitoring",
                list(Block::default().attr("enabled", opt_bool()), 1),
            ),
            (
                "tag_specifications",
                list(
                    Block::default()
                        .attr("resource_type", opt_str())
                        .attr("tags", Attribute::optional(Type::map(Type::String))),
                    0,
                ),
            ),
        ] {
            b = b.nested(name, nesting, blk);
        }
        b
    }

    /// New launch data makes a new version: `latest_version` (and `default_version`, which
    /// follows it with `update_default_version`) are known only after apply, so that a node group
    /// or instance using `latest_version` is updated in the same apply.
    fn customize_plan(
        &self,
        prior: &Value,
        _config: &Value,
        planned: &mut Value,
        _requires_replace: &mut Vec<Path>,
    ) -> Diagnostics {
        if prior.is_null() || planned.is_null() {
            return Diagnostics::new();
        }
        let changed = DATA.iter().any(|k| {
            let old = prior.get_attr(k).map(|v| v.clone().unmark_deep().0);
            let new = planned.get_attr(k).map(|v| v.clone().unmark_deep().0);
            old != new
        });
        if changed {
            let mut attrs = vec!["latest_version"];
            if planned
                .get_attr("update_default_version")
                .is_some_and(|v| v.as_bool() == Some(true))
            {
                attrs.push("default_version");
            }
            for a in attrs {
                *planned =
                    terrane_provider_sdk::with_attr(planned, a, Value::unknown(Type::Number));
            }
        }
        Diagnostics::new()
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        if s(config, "name").is_some() && s(config, "name_prefix").is_some() {
            return terrane_provider_sdk::error(
                "Invalid combination of arguments",
                "\"name\": conflicts with name_prefix",
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = match (s(planned, "name"), s(planned, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => super::security_group::unique_name(p),
            (None, None) => super::security_group::unique_name("terraform-"),
        };
        let out = aws
            .ec2
            .create_launch_template()
            .launch_template_name(&name)
            .set_version_description(s(planned, "description").map(str::to_string))
            .launch_template_data(data(planned))
            .set_tag_specifications(
                tags::ec2_spec(ResourceType::LaunchTemplate, &tags::all(aws, planned))
                    .map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreateLaunchTemplate", e)
                    .diag(format!("creating {WHAT} ({name})"))
            })?;
        let mut state = planned.clone();
        set(
            &mut state,
            "id",
            out.launch_template()
                .and_then(|t| t.launch_template_id())
                .unwrap_or_default(),
        );
        set(&mut state, "name", name);
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        let id = s_or_empty(state, "id");
        let fail = |e: AwsError| e.diag(format!("reading {WHAT} ({id})"));
        let t = match aws
            .ec2
            .describe_launch_templates()
            .launch_template_ids(id)
            .send()
            .await
        {
            Ok(o) => o.launch_templates().first().cloned(),
            Err(e) => {
                let e = AwsError::from_sdk("DescribeLaunchTemplates", e);
                if e.is_not_found() || e.is(&["InvalidLaunchTemplateId.Malformed"]) {
                    return Ok(None);
                }
                return Err(fail(e));
            }
        };
        let Some(t) = t else { return Ok(None) };
        let version = t.default_version_number().unwrap_or(1).to_string();
        let v = aws
            .ec2
            .describe_launch_template_versions()
            .launch_template_id(id)
            .versions(&version)
            .send()
            .await
            .map_err(|e| fail(AwsError::from_sdk("DescribeLaunchTemplateVersions", e)))?;
        let ver = v.launch_template_versions().first();
        Ok(Some(render(aws, state, &t, ver)))
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s_or_empty(prior, "id").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({id})")));
        let mut state = planned.clone();
        if DATA.iter().any(|k| prior.get(*k) != planned.get(*k)) {
            let out = aws
                .ec2
                .create_launch_template_version()
                .launch_template_id(&id)
                .set_version_description(s(planned, "description").map(str::to_string))
                .launch_template_data(data(planned))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("CreateLaunchTemplateVersion", e)))?;
            let n = out
                .launch_template_version()
                .and_then(|v| v.version_number())
                .unwrap_or(1);
            if b(planned, "update_default_version") == Some(true) {
                aws.ec2
                    .modify_launch_template()
                    .launch_template_id(&id)
                    .default_version(n.to_string())
                    .send()
                    .await
                    .map_err(|e| fail(AwsError::from_sdk("ModifyLaunchTemplate", e)))?;
            }
        } else if let Some(d) = i(planned, "default_version")
            && i(prior, "default_version") != Some(d)
        {
            aws.ec2
                .modify_launch_template()
                .launch_template_id(&id)
                .default_version(d.to_string())
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ModifyLaunchTemplate", e)))?;
        }
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        set(&mut state, "id", id.clone());
        read_after_write(self, aws, state, WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s_or_empty(state, "id");
        match aws
            .ec2
            .delete_launch_template()
            .launch_template_id(id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = AwsError::from_sdk("DeleteLaunchTemplate", e);
                if e.is_not_found() {
                    Ok(())
                } else {
                    Err(e.diag(format!("deleting {WHAT} ({id})")))
                }
            }
        }
    }
}

fn tri(v: &Json, k: &str) -> Option<bool> {
    match s(v, k) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}

fn tri_json(v: Option<bool>) -> Json {
    v.map_or(json!(""), |b| json!(b.to_string()))
}

/// The launch data of a configuration.
fn data(v: &Json) -> RequestLaunchTemplateData {
    let mut d = RequestLaunchTemplateData::builder()
        .set_image_id(s(v, "image_id").map(str::to_string))
        .set_instance_type(s(v, "instance_type").map(InstanceType::from))
        .set_key_name(s(v, "key_name").map(str::to_string))
        .set_user_data(s(v, "user_data").map(str::to_string))
        .set_ebs_optimized(tri(v, "ebs_optimized"));
    let sgs = strs(v, "vpc_security_group_ids");
    if !sgs.is_empty() {
        d = d.set_security_group_ids(Some(sgs));
    }
    for m in blocks(v, "block_device_mappings") {
        let mut bm = LaunchTemplateBlockDeviceMappingRequest::builder()
            .set_device_name(s(m, "device_name").map(str::to_string))
            .set_no_device(s(m, "no_device").map(str::to_string))
            .set_virtual_name(s(m, "virtual_name").map(str::to_string));
        if let Some(e) = block(m, "ebs") {
            bm = bm.ebs(
                LaunchTemplateEbsBlockDeviceRequest::builder()
                    .set_delete_on_termination(tri(e, "delete_on_termination"))
                    .set_encrypted(tri(e, "encrypted"))
                    .set_iops(i(e, "iops").filter(|x| *x > 0).map(|x| x as i32))
                    .set_kms_key_id(s(e, "kms_key_id").map(str::to_string))
                    .set_snapshot_id(s(e, "snapshot_id").map(str::to_string))
                    .set_throughput(i(e, "throughput").filter(|x| *x > 0).map(|x| x as i32))
                    .set_volume_size(i(e, "volume_size").filter(|x| *x > 0).map(|x| x as i32))
                    .set_volume_type(s(e, "volume_type").map(VolumeType::from))
                    .build(),
            );
        }
        d = d.block_device_mappings(bm.build());
    }
    for n in blocks(v, "network_interfaces") {
        let groups = strs(n, "security_groups");
        d = d.network_interfaces(
            LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
                .set_associate_public_ip_address(tri(n, "associate_public_ip_address"))
                .set_delete_on_termination(tri(n, "delete_on_termination"))
                .set_description(s(n, "description").map(str::to_string))
                .set_device_index(i(n, "device_index").map(|x| x as i32))
                .set_network_interface_id(s(n, "network_interface_id").map(str::to_string))
                .set_private_ip_address(s(n, "private_ip_address").map(str::to_string))
                .set_groups(Some(groups).filter(|g| !g.is_empty()))
                .set_subnet_id(s(n, "subnet_id").map(str::to_string))
                .build(),
        );
    }
    if let Some(p) = block(v, "iam_instance_profile") {
        d = d.iam_instance_profile(
            LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                .set_arn(s(p, "arn").map(str::to_string))
                .set_name(s(p, "name").map(str::to_string))
                .build(),
        );
    }
    if let Some(m) = block(v, "metadata_options") {
        d = d.metadata_options(
            LaunchTemplateInstanceMetadataOptionsRequest::builder()
                .set_http_endpoint(
                    s(m, "http_endpoint").map(LaunchTemplateInstanceMetadataEndpointState::from),
                )
                .set_http_tokens(s(m, "http_tokens").map(LaunchTemplateHttpTokensState::from))
                .set_http_put_response_hop_limit(
                    i(m, "http_put_response_hop_limit")
                        .filter(|x| *x > 0)
                        .map(|x| x as i32),
                )
                .set_instance_metadata_tags(
                    s(m, "instance_metadata_tags")
                        .map(LaunchTemplateInstanceMetadataTagsState::from),
                )
                .build(),
        );
    }
    if let Some(m) = block(v, "monitoring") {
        d = d.monitoring(
            LaunchTemplatesMonitoringRequest::builder()
                .set_enabled(b(m, "enabled"))
                .build(),
        );
    }
    for t in blocks(v, "tag_specifications") {
        d = d.tag_specifications(
            LaunchTemplateTagSpecificationRequest::builder()
                .set_resource_type(s(t, "resource_type").map(ResourceType::from))
                .set_tags(Some(tags::ec2_tags(&string_map(t, "tags"))))
                .build(),
        );
    }
    d.build()
}

fn render(
    aws: &Aws,
    prior: &Json,
    t: &LaunchTemplate,
    ver: Option<&LaunchTemplateVersion>,
) -> Json {
    let id = t.launch_template_id().unwrap_or_default();
    let owner = aws.account_id.clone().unwrap_or_default();
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:launch-template/{id}",
            aws.partition, aws.region
        ),
    );
    set(
        &mut st,
        "name",
        t.launch_template_name().unwrap_or_default(),
    );
    if s(prior, "name_prefix").is_none() {
        set(&mut st, "name_prefix", "");
    }
    set(
        &mut st,
        "default_version",
        t.default_version_number().unwrap_or(1),
    );
    set(
        &mut st,
        "latest_version",
        t.latest_version_number().unwrap_or(1),
    );
    if let Some(d) = ver.and_then(|v| v.launch_template_data()) {
        set(&mut st, "image_id", opt(d.image_id()));
        set(
            &mut st,
            "instance_type",
            opt(d.instance_type().map(|x| x.as_str())),
        );
        set(&mut st, "key_name", opt(d.key_name()));
        set(&mut st, "user_data", opt(d.user_data()));
        set(&mut st, "ebs_optimized", tri_json(d.ebs_optimized()));
        set(
            &mut st,
            "vpc_security_group_ids",
            json!(d.security_group_ids()),
        );
        let bdms: Vec<Json> = d
            .block_device_mappings()
            .iter()
            .map(|m| {
                let ebs: Vec<Json> = m
                    .ebs()
                    .map(|e| {
                        json!({
                            "delete_on_termination": tri_json(e.delete_on_termination()),
                            "encrypted": tri_json(e.encrypted()),
                            "iops": e.iops().unwrap_or(0),
                            "kms_key_id": opt(e.kms_key_id()),
                            "snapshot_id": opt(e.snapshot_id()),
                            "throughput": e.throughput().unwrap_or(0),
                            "volume_size": e.volume_size().unwrap_or(0),
                            "volume_type": e.volume_type().map_or("", |x| x.as_str()),
                        })
                    })
                    .into_iter()
                    .collect();
                json!({"device_name": opt(m.device_name()), "no_device": opt(m.no_device()), "virtual_name": opt(m.virtual_name()), "ebs": ebs})
            })
            .collect();
        set(&mut st, "block_device_mappings", Json::Array(bdms));
        let nics: Vec<Json> = d
            .network_interfaces()
            .iter()
            .map(|n| {
                json!({
                    "associate_public_ip_address": tri_json(n.associate_public_ip_address()),
                    "delete_on_termination": tri_json(n.delete_on_termination()),
                    "description": opt(n.description()),
                    "device_index": n.device_index(),
                    "network_interface_id": opt(n.network_interface_id()),
                    "private_ip_address": opt(n.private_ip_address()),
                    "security_groups": n.groups(),
                    "subnet_id": opt(n.subnet_id()),
                })
            })
            .collect();
        set(&mut st, "network_interfaces", Json::Array(nics));
        set(
            &mut st,
            "iam_instance_profile",
            json!(
                d.iam_instance_profile()
                    .map(|p| json!({"arn": opt(p.arn()), "name": opt(p.name())}))
                    .into_iter()
                    .collect::<Vec<_>>()
            ),
        );
        set(
            &mut st,
            "metadata_options",
            json!(d
                .metadata_options()
                .map(|m| json!({
                    "http_endpoint": m.http_endpoint().map_or("enabled", |x| x.as_str()),
                    "http_tokens": m.http_tokens().map_or("optional", |x| x.as_str()),
                    "http_put_response_hop_limit": m.http_put_response_hop_limit().unwrap_or(1),
                    "instance_metadata_tags": m.instance_metadata_tags().map_or("disabled", |x| x.as_str()),
                }))
                .into_iter()
                .collect::<Vec<_>>()),
        );
        set(
            &mut st,
            "monitoring",
            json!(
                d.monitoring()
                    .map(|m| json!({"enabled": m.enabled()}))
                    .into_iter()
                    .collect::<Vec<_>>()
            ),
        );
        // Launch data never holds the template's own tags (AWS refuses the "launch-template"
        // resource type there), but moto copies them into it; they are the `tags` argument.
        let tspecs: Vec<Json> = d
            .tag_specifications()
            .iter()
            .filter(|t| t.resource_type() != Some(&ResourceType::LaunchTemplate))
            .map(|t| json!({"resource_type": opt(t.resource_type().map(|r| r.as_str())), "tags": crate::json::map_json(&tags::from_ec2(t.tags()))}))
            .collect();
        set(&mut st, "tag_specifications", Json::Array(tspecs));
        set(
            &mut st,
            "description",
            opt(ver.and_then(|v| v.version_description())),
        );
    }
    tags::set_read(aws, &mut st, prior, tags::from_ec2(t.tags()));
    st
}
