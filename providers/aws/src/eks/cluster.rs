//! `aws_eks_cluster`: an EKS control plane, waited for until `ACTIVE` (create and updates) and until
//! gone (delete), honouring `timeouts`. The name, role and Kubernetes network settings force
//! replacement; the Kubernetes version (`UpdateClusterVersion`), the subnets and security groups,
//! endpoint access and public CIDRs, control plane logging (each its own `UpdateClusterConfig`, as
//! EKS takes one kind of update at a time, since terraform-provider-aws 5.25) and tags update in
//! place.

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, b, block, opt, s, s_or_empty, set, strs};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::{Poll, Timeouts, wait_for};
use async_trait::async_trait;
use aws_sdk_eks::types::{
    AuthenticationMode, Cluster, CreateAccessConfigRequest, IpFamily,
    KubernetesNetworkConfigRequest, LogSetup, LogType, Logging, VpcConfigRequest,
};
use serde_json::json;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block, Nesting};

pub struct AwsEksCluster;

const WHAT: &str = "EKS Cluster";
const TIMEOUTS: Timeouts = Timeouts::minutes(30, 60, 15);
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

#[async_trait]
impl Resource for AwsEksCluster {
    fn schema(&self) -> Block {
        let vpc = Block::default()
            .attr("subnet_ids", Attribute::required(str_set()))
            .attr("security_group_ids", Attribute::optional(str_set()))
            .attr("endpoint_private_access", optc_bool())
            .attr("endpoint_public_access", optc_bool())
            .attr(
                "public_access_cidrs",
                Attribute::optional_computed(str_set()),
            )
            .attr("cluster_security_group_id", comp_str())
            .attr("vpc_id", comp_str());
        let knc = Block::default()
            .attr("service_ipv4_cidr", optc_str().force_new())
            .attr("service_ipv6_cidr", comp_str())
            .attr("ip_family", optc_str().force_new());
        let access = Block::default()
            .attr("authentication_mode", optc_str())
            .attr(
                "bootstrap_cluster_creator_admin_permissions",
                optc_bool().force_new(),
            );
        let oidc = Block::default().attr("issuer", comp_str());
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("name", req_str().force_new())
                .attr("role_arn", req_str().force_new())
                .attr("version", optc_str())
                .attr("enabled_cluster_log_types", Attribute::optional(str_set()))
                .attr("endpoint", comp_str())
                .attr("platform_version", comp_str())
                .attr("status", comp_str())
                .attr("created_at", comp_str())
                .attr("cluster_id", comp_str())
                .attr(
                    "certificate_authority",
                    Attribute::computed(terrane_values::Type::list(terrane_values::Type::object(
                        [("data".to_string(), terrane_values::Type::String)],
                    ))),
                )
                .attr(
                    "identity",
                    Attribute::computed(terrane_values::Type::list(terrane_values::Type::object(
                        [(
                            "oidc".to_string(),
                            terrane_values::Type::list(oidc.implied_type()),
                        )],
                    ))),
                ),
        )
        .nested("vpc_config", Nesting::List, vpc)
        .nested("kubernetes_network_config", Nesting::List, knc)
        .nested("access_config", Nesting::List, access)
    }

    fn computed_blocks(&self) -> &'static [&'static str] {
        &["kubernetes_network_config", "access_config"]
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let mut d = Diagnostics::new();
        if let Some(name) = s(config, "name")
            && (name.len() > 100
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                || !name.starts_with(|c: char| c.is_ascii_alphanumeric()))
        {
            d.extend(terrane_provider_sdk::error("Invalid value", format!("\"name\" ({name}) must be 1-100 letters, digits, '-' or '_', starting with a letter or digit")));
        }
        for t in strs(config, "enabled_cluster_log_types") {
            d.extend(crate::validate::one_of(
                "enabled_cluster_log_types",
                &t,
                &LOG_TYPES,
            ));
        }
        if config
            .get("vpc_config")
            .and_then(Json::as_array)
            .is_some_and(|a| a.is_empty())
        {
            d.extend(terrane_provider_sdk::error(
                "Insufficient vpc_config blocks",
                "At least 1 \"vpc_config\" blocks are required.",
            ));
        }
        d
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = s_or_empty(planned, "name").to_string();
        let vpc = block(planned, "vpc_config").cloned().unwrap_or(json!({}));
        let cidrs = strs(&vpc, "public_access_cidrs");
        let mut req = aws
            .eks
            .create_cluster()
            .name(&name)
            .role_arn(s_or_empty(planned, "role_arn"))
            .set_version(s(planned, "version").map(str::to_string))
            .resources_vpc_config(
                VpcConfigRequest::builder()
                    .set_subnet_ids(Some(strs(&vpc, "subnet_ids")))
                    .set_security_group_ids(
                        Some(strs(&vpc, "security_group_ids")).filter(|v| !v.is_empty()),
                    )
                    .endpoint_private_access(b(&vpc, "endpoint_private_access").unwrap_or(false))
                    .endpoint_public_access(b(&vpc, "endpoint_public_access").unwrap_or(true))
                    .set_public_access_cidrs(Some(cidrs).filter(|v| !v.is_empty()))
                    .build(),
            )
            .logging(logging(&strs(planned, "enabled_cluster_log_types")))
            .set_tags(
                Some(tags::all(aws, planned).into_iter().collect())
                    .filter(|t: &std::collections::HashMap<_, _>| !t.is_empty()),
            );
        if let Some(k) = block(planned, "kubernetes_network_config") {
            req = req.kubernetes_network_config(
                KubernetesNetworkConfigRequest::builder()
                    .set_service_ipv4_cidr(s(k, "service_ipv4_cidr").map(str::to_string))
                    .set_ip_family(s(k, "ip_family").map(IpFamily::from))
                    .build(),
            );
        }
        if let Some(a) = block(planned, "access_config") {
            req = req.access_config(
                CreateAccessConfigRequest::builder()
                    .set_authentication_mode(
                        s(a, "authentication_mode").map(AuthenticationMode::from),
                    )
                    .set_bootstrap_cluster_creator_admin_permissions(b(
                        a,
                        "bootstrap_cluster_creator_admin_permissions",
                    ))
                    .build(),
            );
        }
        // A role created a moment ago may not be assumable by EKS yet.
        crate::retry::retry(
            &aws.patience,
            aws.patience.propagation,
            |e| e.is(&["InvalidParameterException"]) && e.message.contains("role"),
            || async { req.clone().send().await.map_err(sdk("CreateCluster")) },
        )
        .await
        .map_err(|e| e.diag(format!("creating {WHAT} ({name})")))?;
        let mut state = planned.clone();
        set(&mut state, "id", name.clone());
        if let Err(e) = wait_active(aws, &name, TIMEOUTS.of(planned, "create")).await {
            return Err(Failure::with_state(
                e.diag(format!("waiting for {WHAT} ({name}) create")),
                state,
            ));
        }
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        let name = s_or_empty(state, "id");
        match describe(aws, name).await {
            Ok(Some(c)) => Ok(Some(render(aws, state, &c))),
            Ok(None) => Ok(None),
            Err(e) => Err(e.diag(format!("reading {WHAT} ({name})"))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let name = s_or_empty(prior, "id").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({name})")));
        let timeout = TIMEOUTS.of(planned, "update");
        if let Some(v) = s(planned, "version")
            && s(prior, "version") != Some(v)
        {
            aws.eks
                .update_cluster_version()
                .name(&name)
                .version(v)
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateClusterVersion", e)))?;
            wait_active(aws, &name, timeout).await.map_err(fail)?;
        }
        let (old_vpc, new_vpc) = (
            block(prior, "vpc_config").cloned().unwrap_or(json!({})),
            block(planned, "vpc_config").cloned().unwrap_or(json!({})),
        );
        let placement_changed = ["subnet_ids", "security_group_ids"]
            .iter()
            .any(|k| old_vpc.get(*k) != new_vpc.get(*k));
        if placement_changed {
            aws.eks
                .update_cluster_config()
                .name(&name)
                .resources_vpc_config(
                    VpcConfigRequest::builder()
                        .set_subnet_ids(Some(strs(&new_vpc, "subnet_ids")))
                        .set_security_group_ids(Some(strs(&new_vpc, "security_group_ids")))
                        .build(),
                )
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateClusterConfig", e)))?;
            wait_active(aws, &name, timeout).await.map_err(fail)?;
        }
        let access_changed = [
            "endpoint_private_access",
            "endpoint_public_access",
            "public_access_cidrs",
        ]
        .iter()
        .any(|k| old_vpc.get(*k) != new_vpc.get(*k));
        if access_changed {
            let cidrs = strs(&new_vpc, "public_access_cidrs");
            aws.eks
                .update_cluster_config()
                .name(&name)
                .resources_vpc_config(
                    VpcConfigRequest::builder()
                        .set_endpoint_private_access(b(&new_vpc, "endpoint_private_access"))
                        .set_endpoint_public_access(b(&new_vpc, "endpoint_public_access"))
                        .set_public_access_cidrs(Some(cidrs).filter(|v| !v.is_empty()))
                        .build(),
                )
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateClusterConfig", e)))?;
            wait_active(aws, &name, timeout).await.map_err(fail)?;
        }
        let (old_logs, new_logs) = (
            strs(prior, "enabled_cluster_log_types"),
            strs(planned, "enabled_cluster_log_types"),
        );
        if old_logs != new_logs {
            aws.eks
                .update_cluster_config()
                .name(&name)
                .logging(logging(&new_logs))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateClusterConfig", e)))?;
            wait_active(aws, &name, timeout).await.map_err(fail)?;
        }
        if let Some(arn) = s(prior, "arn") {
            super::update_tags(aws, arn, &tags::prior_all(prior), &tags::all(aws, planned))
                .await
                .map_err(fail)?;
        }
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let name = s_or_empty(state, "id");
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({name})"));
        // Node groups and Fargate profiles being deleted keep the cluster busy for a while.
        let r = crate::retry::retry(
            &aws.patience,
            TIMEOUTS.of(state, "delete"),
            |e| e.is(&["ResourceInUseException"]),
            || async {
                aws.eks
                    .delete_cluster()
                    .name(name)
                    .send()
                    .await
                    .map_err(sdk("DeleteCluster"))
            },
        )
        .await;
        match r {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(fail(e)),
        }
        let what = format!("{WHAT} ({name})");
        wait_for(
            &aws.patience,
            &what,
            "deleted",
            TIMEOUTS.of(state, "delete"),
            true,
            || async {
                Ok(match describe(aws, name).await? {
                    None => Poll::Gone,
                    Some(c) => Poll::<()>::Pending(
                        c.status()
                            .map_or("DELETING".into(), |s| s.as_str().to_string()),
                    ),
                })
            },
        )
        .await
        .map(|_| ())
        .map_err(fail)
    }
}

fn logging(types: &[String]) -> Logging {
    let enabled: Vec<LogType> = types.iter().map(|t| LogType::from(t.as_str())).collect();
    let disabled: Vec<LogType> = LOG_TYPES
        .iter()
        .filter(|t| !types.iter().any(|x| x == *t))
        .map(|t| LogType::from(*t))
        .collect();
    let mut setups = Vec::new();
    if !enabled.is_empty() {
        setups.push(
            LogSetup::builder()
                .set_types(Some(enabled))
                .enabled(true)
                .build(),
        );
    }
    if !disabled.is_empty() {
        setups.push(
            LogSetup::builder()
                .set_types(Some(disabled))
                .enabled(false)
                .build(),
        );
    }
    Logging::builder().set_cluster_logging(Some(setups)).build()
}

/// The cluster, or `None` when it does not exist.
pub async fn describe(aws: &Aws, name: &str) -> Result<Option<Cluster>, AwsError> {
    match aws.eks.describe_cluster().name(name).send().await {
        Ok(o) => Ok(o.cluster),
        Err(e) => {
            let e = AwsError::from_sdk("DescribeCluster", e);
            if e.is_not_found() { Ok(None) } else { Err(e) }
        }
    }
}

/// Waits until the cluster is `ACTIVE`.
pub async fn wait_active(aws: &Aws, name: &str, timeout: Duration) -> Result<(), AwsError> {
    let what = format!("{WHAT} ({name})");
    wait_for(&aws.patience, &what, "ACTIVE", timeout, false, || async {
        Ok(match describe(aws, name).await? {
            None => Poll::Gone,
            Some(c) => match c.status().map(|s| s.as_str()) {
                Some("ACTIVE") => Poll::Ready(()),
                Some(s @ ("FAILED" | "DELETING")) => Poll::Failed(s.to_string()),
                other => Poll::Pending(other.unwrap_or("CREATING").to_string()),
            },
        })
    })
    .await
    .map(|_| ())
}

fn render(aws: &Aws, prior: &Json, c: &Cluster) -> Json {
    let mut st = prior.clone();
    let name = c.name().unwrap_or_default();
    set(&mut st, "id", name);
    set(&mut st, "name", name);
    set(&mut st, "arn", opt(c.arn()));
    set(&mut st, "role_arn", opt(c.role_arn()));
    set(&mut st, "version", opt(c.version()));
    set(&mut st, "endpoint", c.endpoint().unwrap_or_default());
    set(
        &mut st,
        "platform_version",
        c.platform_version().unwrap_or_default(),
    );
    set(&mut st, "status", c.status().map_or("", |s| s.as_str()));
    set(
        &mut st,
        "created_at",
        c.created_at().map(|d| d.to_string()).unwrap_or_default(),
    );
    set(&mut st, "cluster_id", c.id().unwrap_or_default());
    set(
        &mut st,
        "certificate_authority",
        json!([{"data": c.certificate_authority().and_then(|a| a.data())}]),
    );
    set(
        &mut st,
        "identity",
        json!([{"oidc": [{"issuer": c.identity().and_then(|i| i.oidc()).and_then(|o| o.issuer())}]}]),
    );
    let mut logs: Vec<&str> = c
        .logging()
        .map(|l| l.cluster_logging())
        .unwrap_or_default()
        .iter()
        .filter(|s| s.enabled() == Some(true))
        .flat_map(|s| s.types().iter().map(|t| t.as_str()))
        .collect();
    logs.sort();
    let prior_logs_null = prior
        .get("enabled_cluster_log_types")
        .is_none_or(Json::is_null);
    set(
        &mut st,
        "enabled_cluster_log_types",
        if logs.is_empty() && prior_logs_null {
            Json::Null
        } else {
            json!(logs)
        },
    );
    if let Some(v) = c.resources_vpc_config() {
        set(
            &mut st,
            "vpc_config",
            json!([{
                "subnet_ids": v.subnet_ids(),
                "security_group_ids": v.security_group_ids(),
                "endpoint_private_access": v.endpoint_private_access(),
                "endpoint_public_access": v.endpoint_public_access(),
                "public_access_cidrs": v.public_access_cidrs(),
                "cluster_security_group_id": v.cluster_security_group_id().unwrap_or_default(),
                "vpc_id": v.vpc_id().unwrap_or_default(),
            }]),
        );
    }
    if let Some(k) = c.kubernetes_network_config() {
        set(
            &mut st,
            "kubernetes_network_config",
            json!([{
                "service_ipv4_cidr": k.service_ipv4_cidr().unwrap_or_default(),
                "service_ipv6_cidr": k.service_ipv6_cidr().unwrap_or_default(),
                "ip_family": k.ip_family().map_or("ipv4", |f| f.as_str()),
            }]),
        );
    }
    if let Some(a) = c.access_config() {
        let prior_bootstrap = block(prior, "access_config")
            .and_then(|p| b(p, "bootstrap_cluster_creator_admin_permissions"));
        set(
            &mut st,
            "access_config",
            json!([{
                "authentication_mode": a.authentication_mode().map_or("CONFIG_MAP", |m| m.as_str()),
                "bootstrap_cluster_creator_admin_permissions": a.bootstrap_cluster_creator_admin_permissions().or(prior_bootstrap).unwrap_or(true),
            }]),
        );
    }
    tags::set_read(aws, &mut st, prior, super::from_eks(c.tags()));
    st
}
