//! `aws_eks_node_group`: a managed node group, waited for until `ACTIVE`. Scaling, labels and the
//! update configuration change in place (`UpdateNodegroupConfig`), the Kubernetes version with
//! `UpdateNodegroupVersion`; the subnets, role, instance types, AMI and capacity type force
//! replacement. The id is `CLUSTER:NODEGROUP`, which is also the import id.

use crate::client::Aws;
use crate::error::AwsError;
use crate::json::{Json, block, i, opt, s, s_or_empty, set, string_map, strs};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::{Poll, Timeouts, wait_for};
use async_trait::async_trait;
use aws_sdk_eks::types::{
    AmiTypes, CapacityTypes, LaunchTemplateSpecification, Nodegroup, NodegroupScalingConfig,
    NodegroupUpdateConfig, UpdateLabelsPayload,
};
use serde_json::json;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block, Nesting};
use terrane_values::Type;

pub struct AwsEksNodeGroup;

const WHAT: &str = "EKS Node Group";
const TIMEOUTS: Timeouts = Timeouts::minutes(60, 60, 60);

fn split_id(id: &str) -> (&str, &str) {
    id.split_once(':').unwrap_or((id, ""))
}

#[async_trait]
impl Resource for AwsEksNodeGroup {
    fn schema(&self) -> Block {
        let scaling = Block::default()
            .attr("desired_size", Attribute::required(Type::Number))
            .attr("max_size", Attribute::required(Type::Number))
            .attr("min_size", Attribute::required(Type::Number));
        let update = Block::default()
            .attr("max_unavailable", opt_num())
            .attr("max_unavailable_percentage", opt_num());
        let lt = Block::default()
            .attr("id", optc_str().force_new())
            .attr("name", optc_str().force_new())
            .attr("version", req_str());
        let resources = Type::list(Type::object([
            (
                "autoscaling_groups".to_string(),
                Type::list(Type::object([("name".to_string(), Type::String)])),
            ),
            ("remote_access_security_group_id".to_string(), Type::String),
        ]));
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("cluster_name", req_str().force_new())
                .attr("node_group_name", optc_str().force_new())
                .attr("node_group_name_prefix", optc_str().force_new())
                .attr("node_role_arn", req_str().force_new())
                .attr("subnet_ids", Attribute::required(str_set()).force_new())
                .attr(
                    "instance_types",
                    Attribute::optional_computed(str_list()).force_new(),
                )
                .attr("ami_type", optc_str().force_new())
                .attr("capacity_type", optc_str().force_new())
                .attr("disk_size", optc_num().force_new())
                .attr("labels", Attribute::optional(str_map()))
                .attr("version", optc_str())
                .attr("release_version", optc_str())
                .attr("status", comp_str())
                .attr("resources", Attribute::computed(resources)),
        )
        .nested("scaling_config", Nesting::List, scaling)
        .nested("update_config", Nesting::List, update)
        .nested("launch_template", Nesting::List, lt)
    }

    fn computed_blocks(&self) -> &'static [&'static str] {
        &["update_config"]
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let mut d = Diagnostics::new();
        if let Some(sc) = block(config, "scaling_config") {
            let (min, max, want) = (i(sc, "min_size"), i(sc, "max_size"), i(sc, "desired_size"));
            if let (Some(min), Some(max)) = (min, max) {
                if min > max {
                    d.extend(terrane_provider_sdk::error(
                        "Invalid scaling_config",
                        format!("min_size ({min}) must not be greater than max_size ({max})"),
                    ));
                }
                if let Some(w) = want
                    && (w < min || w > max)
                {
                    d.extend(terrane_provider_sdk::error("Invalid scaling_config", format!("desired_size ({w}) must be between min_size ({min}) and max_size ({max})")));
                }
                if max < 1 {
                    d.extend(crate::validate::int_between(
                        "scaling_config.0.max_size",
                        max,
                        1,
                        i64::MAX,
                    ));
                }
            }
        } else if config
            .get("scaling_config")
            .and_then(Json::as_array)
            .is_some_and(|a| a.is_empty())
        {
            d.extend(terrane_provider_sdk::error(
                "Insufficient scaling_config blocks",
                "At least 1 \"scaling_config\" blocks are required.",
            ));
        }
        if let Some(c) = s(config, "capacity_type") {
            d.extend(crate::validate::one_of(
                "capacity_type",
                c,
                &["ON_DEMAND", "SPOT", "CAPACITY_BLOCK"],
            ));
        }
        d
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let cluster = s_or_empty(planned, "cluster_name").to_string();
        let name = match (
            s(planned, "node_group_name"),
            s(planned, "node_group_name_prefix"),
        ) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => crate::ec2::security_group::unique_name(p),
            (None, None) => crate::ec2::security_group::unique_name("terraform-"),
        };
        let mut req = aws
            .eks
            .create_nodegroup()
            .cluster_name(&cluster)
            .nodegroup_name(&name)
            .node_role(s_or_empty(planned, "node_role_arn"))
            .set_subnets(Some(strs(planned, "subnet_ids")))
            .set_scaling_config(block(planned, "scaling_config").map(scaling))
            .set_instance_types(Some(strs(planned, "instance_types")).filter(|v| !v.is_empty()))
            .set_ami_type(s(planned, "ami_type").map(AmiTypes::from))
            .set_capacity_type(s(planned, "capacity_type").map(CapacityTypes::from))
            .set_disk_size(i(planned, "disk_size").map(|x| x as i32))
            .set_version(s(planned, "version").map(str::to_string))
            .set_release_version(s(planned, "release_version").map(str::to_string))
            .set_update_config(block(planned, "update_config").map(update_config))
            .set_labels(
                Some(string_map(planned, "labels").into_iter().collect())
                    .filter(|m: &std::collections::HashMap<_, _>| !m.is_empty()),
            )
            .set_tags(
                Some(tags::all(aws, planned).into_iter().collect())
                    .filter(|m: &std::collections::HashMap<_, _>| !m.is_empty()),
            );
        if let Some(lt) = block(planned, "launch_template") {
            req = req.launch_template(
                LaunchTemplateSpecification::builder()
                    .set_id(s(lt, "id").map(str::to_string))
                    .set_name(s(lt, "name").map(str::to_string))
                    .set_version(s(lt, "version").map(str::to_string))
                    .build(),
            );
        }
        req.send().await.map_err(|e| {
            AwsError::from_sdk("CreateNodegroup", e)
                .diag(format!("creating {WHAT} ({cluster}:{name})"))
        })?;
        let id = format!("{cluster}:{name}");
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        set(&mut state, "node_group_name", name.clone());
        if let Err(e) = wait_active(aws, &cluster, &name, TIMEOUTS.of(planned, "create")).await {
            return Err(Failure::with_state(
                e.diag(format!("waiting for {WHAT} ({id}) create")),
                state,
            ));
        }
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        let id = s_or_empty(state, "id");
        let (cluster, name) = split_id(id);
        match describe(aws, cluster, name).await {
            Ok(Some(g)) => Ok(Some(render(aws, state, &g))),
            Ok(None) => Ok(None),
            Err(e) => Err(e.diag(format!("reading {WHAT} ({id})"))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s_or_empty(prior, "id").to_string();
        let (cluster, name) = split_id(&id);
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({id})")));
        let timeout = TIMEOUTS.of(planned, "update");
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("scaling_config") || changed("labels") || changed("update_config") {
            let (old, new) = (string_map(prior, "labels"), string_map(planned, "labels"));
            let mut req = aws
                .eks
                .update_nodegroup_config()
                .cluster_name(cluster)
                .nodegroup_name(name);
            if changed("scaling_config") {
                req = req.set_scaling_config(block(planned, "scaling_config").map(scaling));
            }
            if changed("update_config") {
                req = req.set_update_config(block(planned, "update_config").map(update_config));
            }
            if changed("labels") {
                let removed: Vec<String> = old
                    .keys()
                    .filter(|k| !new.contains_key(*k))
                    .cloned()
                    .collect();
                let set_labels: std::collections::HashMap<String, String> =
                    new.into_iter().collect();
                req = req.labels(
                    UpdateLabelsPayload::builder()
                        .set_add_or_update_labels(Some(set_labels).filter(|m| !m.is_empty()))
                        .set_remove_labels(Some(removed).filter(|r| !r.is_empty()))
                        .build(),
                );
            }
            req.send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateNodegroupConfig", e)))?;
            wait_active(aws, cluster, name, timeout)
                .await
                .map_err(fail)?;
        }
        if changed("version") || changed("release_version") || changed("launch_template") {
            let lt = block(planned, "launch_template");
            aws.eks
                .update_nodegroup_version()
                .cluster_name(cluster)
                .nodegroup_name(name)
                .set_version(s(planned, "version").map(str::to_string))
                .set_release_version(s(planned, "release_version").map(str::to_string))
                .set_launch_template(lt.map(|lt| {
                    LaunchTemplateSpecification::builder()
                        .set_id(s(lt, "id").map(str::to_string))
                        .set_name(s(lt, "name").map(str::to_string))
                        .set_version(s(lt, "version").map(str::to_string))
                        .build()
                }))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateNodegroupVersion", e)))?;
            wait_active(aws, cluster, name, timeout)
                .await
                .map_err(fail)?;
        }
        if let Some(arn) = s(prior, "arn") {
            super::update_tags(aws, arn, &tags::prior_all(prior), &tags::all(aws, planned))
                .await
                .map_err(fail)?;
        }
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s_or_empty(state, "id");
        let (cluster, name) = split_id(id);
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({id})"));
        match aws
            .eks
            .delete_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(name)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) => {
                let e = AwsError::from_sdk("DeleteNodegroup", e);
                if e.is_not_found() {
                    return Ok(());
                }
                return Err(fail(e));
            }
        }
        let what = format!("{WHAT} ({id})");
        wait_for(
            &aws.patience,
            &what,
            "deleted",
            TIMEOUTS.of(state, "delete"),
            true,
            || async {
                Ok(match describe(aws, cluster, name).await? {
                    None => Poll::Gone,
                    Some(g) => match g.status().map(|s| s.as_str()) {
                        Some("DELETE_FAILED") => Poll::<()>::Failed("DELETE_FAILED".into()),
                        other => Poll::Pending(other.unwrap_or("DELETING").to_string()),
                    },
                })
            },
        )
        .await
        .map(|_| ())
        .map_err(fail)
    }

    async fn import(&self, _aws: &Aws, id: &str) -> Result<Json, Diagnostics> {
        let (cluster, name) = split_id(id);
        if cluster.is_empty() || name.is_empty() {
            return Err(terrane_provider_sdk::error(
                "Invalid import id",
                format!("unexpected format of ID ({id}), expected cluster-name:node-group-name"),
            ));
        }
        Ok(json!({ "id": id, "cluster_name": cluster, "node_group_name": name }))
    }
}

fn scaling(sc: &Json) -> NodegroupScalingConfig {
    NodegroupScalingConfig::builder()
        .set_min_size(i(sc, "min_size").map(|x| x as i32))
        .set_max_size(i(sc, "max_size").map(|x| x as i32))
        .set_desired_size(i(sc, "desired_size").map(|x| x as i32))
        .build()
}

fn update_config(u: &Json) -> NodegroupUpdateConfig {
    NodegroupUpdateConfig::builder()
        .set_max_unavailable(i(u, "max_unavailable").filter(|x| *x > 0).map(|x| x as i32))
        .set_max_unavailable_percentage(
            i(u, "max_unavailable_percentage")
                .filter(|x| *x > 0)
                .map(|x| x as i32),
        )
        .build()
}

/// The node group, or `None` when it (or its cluster) does not exist.
pub async fn describe(aws: &Aws, cluster: &str, name: &str) -> Result<Option<Nodegroup>, AwsError> {
    match aws
        .eks
        .describe_nodegroup()
        .cluster_name(cluster)
        .nodegroup_name(name)
        .send()
        .await
    {
        Ok(o) => Ok(o.nodegroup),
        Err(e) => {
            let e = AwsError::from_sdk("DescribeNodegroup", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

async fn wait_active(
    aws: &Aws,
    cluster: &str,
    name: &str,
    timeout: Duration,
) -> Result<(), AwsError> {
    let what = format!("{WHAT} ({cluster}:{name})");
    wait_for(&aws.patience, &what, "ACTIVE", timeout, false, || async {
        Ok(match describe(aws, cluster, name).await? {
            None => Poll::Gone,
            Some(g) => match g.status().map(|s| s.as_str()) {
                Some("ACTIVE") => Poll::Ready(()),
                Some(s @ ("CREATE_FAILED" | "DEGRADED" | "DELETING" | "DELETE_FAILED")) => {
                    let issues: Vec<String> = g
                        .health()
                        .map(|h| {
                            h.issues()
                                .iter()
                                .map(|i| {
                                    format!(
                                        "{}: {}",
                                        i.code().map_or("", |c| c.as_str()),
                                        i.message().unwrap_or("")
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    Poll::Failed(if issues.is_empty() {
                        s.to_string()
                    } else {
                        format!("{s} ({})", issues.join("; "))
                    })
                }
                other => Poll::Pending(other.unwrap_or("CREATING").to_string()),
            },
        })
    })
    .await
    .map(|_| ())
}

fn render(aws: &Aws, prior: &Json, g: &Nodegroup) -> Json {
    let mut st = prior.clone();
    let (cluster, name) = (
        g.cluster_name().unwrap_or_default(),
        g.nodegroup_name().unwrap_or_default(),
    );
    set(&mut st, "id", format!("{cluster}:{name}"));
    set(&mut st, "cluster_name", cluster);
    set(&mut st, "node_group_name", name);
    if s(prior, "node_group_name_prefix").is_none() {
        set(&mut st, "node_group_name_prefix", "");
    }
    set(&mut st, "arn", opt(g.nodegroup_arn()));
    set(&mut st, "node_role_arn", opt(g.node_role()));
    set(&mut st, "subnet_ids", json!(g.subnets()));
    set(&mut st, "instance_types", json!(g.instance_types()));
    set(&mut st, "ami_type", opt(g.ami_type().map(|a| a.as_str())));
    set(
        &mut st,
        "capacity_type",
        opt(g.capacity_type().map(|a| a.as_str())),
    );
    set(
        &mut st,
        "disk_size",
        g.disk_size().map_or(Json::Null, Json::from),
    );
    set(&mut st, "version", opt(g.version()));
    set(&mut st, "release_version", opt(g.release_version()));
    set(&mut st, "status", g.status().map_or("", |s| s.as_str()));
    let labels = crate::tags::Tags::from_iter(
        g.labels()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())))
            .into_iter()
            .flatten(),
    );
    let prior_null = prior.get("labels").is_none_or(Json::is_null);
    set(
        &mut st,
        "labels",
        if labels.is_empty() && prior_null {
            Json::Null
        } else {
            crate::json::map_json(&labels)
        },
    );
    if let Some(sc) = g.scaling_config() {
        set(
            &mut st,
            "scaling_config",
            json!([{"desired_size": sc.desired_size(), "max_size": sc.max_size(), "min_size": sc.min_size()}]),
        );
    }
    if let Some(u) = g.update_config() {
        set(
            &mut st,
            "update_config",
            json!([{"max_unavailable": u.max_unavailable(), "max_unavailable_percentage": u.max_unavailable_percentage()}]),
        );
    }
    if let Some(lt) = g.launch_template() {
        set(
            &mut st,
            "launch_template",
            json!([{"id": lt.id(), "name": lt.name(), "version": lt.version()}]),
        );
    }
    let res = g.resources();
    set(
        &mut st,
        "resources",
        json!([{
            "autoscaling_groups": res.map(|r| r.auto_scaling_groups().iter().map(|a| json!({"name": a.name()})).collect::<Vec<_>>()).unwrap_or_default(),
            "remote_access_security_group_id": res.and_then(|r| r.remote_access_security_group()).unwrap_or_default(),
        }]),
    );
    tags::set_read(aws, &mut st, prior, super::from_eks(g.tags()));
    st
}
