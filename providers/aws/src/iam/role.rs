//! `aws_iam_role`: an IAM role. The name and path force replacement; the trust policy, description,
//! session duration, permissions boundary and tags update in place. Deleting detaches managed
//! policies and removes inline ones when `force_detach_policies` is set.

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, b, i, opt, s, s_or_empty, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};

pub struct AwsIamRole;

const WHAT: &str = "IAM Role";

#[async_trait]
impl Resource for AwsIamRole {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("name", optc_str().force_new())
                .attr("name_prefix", optc_str().force_new())
                .attr("path", opt_str().force_new())
                .attr("assume_role_policy", req_str())
                .attr("description", opt_str())
                .attr("max_session_duration", opt_num())
                .attr("permissions_boundary", opt_str())
                .attr("force_detach_policies", opt_bool())
                .attr(
                    "managed_policy_arns",
                    Attribute::optional_computed(str_set()),
                )
                .attr("create_date", comp_str())
                .attr("unique_id", comp_str()),
        )
    }

    fn inline_blocks(&self) -> &'static [&'static str] {
        &["managed_policy_arns"]
    }

    fn defaults(&self) -> Json {
        json!({"path": "/", "max_session_duration": 3600, "force_detach_policies": false})
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let mut d = Diagnostics::new();
        if let Some(p) = s(config, "assume_role_policy") {
            d.extend(super::validate_policy("assume_role_policy", p));
        }
        if let Some(n) = i(config, "max_session_duration") {
            d.extend(crate::validate::int_between(
                "max_session_duration",
                n,
                3600,
                43200,
            ));
        }
        if s(config, "name").is_some_and(|n| n.len() > 64) {
            d.extend(terrane_provider_sdk::error(
                "Invalid value",
                "expected length of name to be in the range (1 - 64)",
            ));
        }
        d
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = match (s(planned, "name"), s(planned, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => crate::ec2::security_group::unique_name(p),
            (None, None) => crate::ec2::security_group::unique_name("terraform-"),
        };
        let all = tags::all(aws, planned);
        aws.iam
            .create_role()
            .role_name(&name)
            .path(s(planned, "path").unwrap_or("/"))
            .assume_role_policy_document(s_or_empty(planned, "assume_role_policy"))
            .set_description(s(planned, "description").map(str::to_string))
            .set_max_session_duration(i(planned, "max_session_duration").map(|x| x as i32))
            .set_permissions_boundary(s(planned, "permissions_boundary").map(str::to_string))
            .set_tags(Some(super::iam_tags(&all)).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreateRole", e).diag(format!("creating {WHAT} ({name})"))
            })?;
        let mut state = planned.clone();
        set(&mut state, "id", name.clone());
        set(&mut state, "name", name.clone());
        for arn in crate::json::strs(planned, "managed_policy_arns") {
            if let Err(e) = aws
                .iam
                .attach_role_policy()
                .role_name(&name)
                .policy_arn(&arn)
                .send()
                .await
            {
                let e = AwsError::from_sdk("AttachRolePolicy", e);
                return Err(Failure::with_state(
                    e.diag(format!("creating {WHAT} ({name})")),
                    state,
                ));
            }
        }
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        let name = s_or_empty(state, "id");
        let role = match aws.iam.get_role().role_name(name).send().await {
            Ok(o) => o.role,
            Err(e) => {
                let e = AwsError::from_sdk("GetRole", e);
                if e.is_not_found() {
                    return Ok(None);
                }
                return Err(e.diag(format!("reading {WHAT} ({name})")));
            }
        };
        let Some(r) = role else { return Ok(None) };
        let attached = attached_policies(aws, name)
            .await
            .map_err(|e| e.diag(format!("reading {WHAT} ({name})")))?;
        let mut st = state.clone();
        set(&mut st, "id", r.role_name());
        set(&mut st, "name", r.role_name());
        set(&mut st, "arn", r.arn());
        set(&mut st, "path", r.path());
        set(&mut st, "unique_id", r.role_id());
        set(&mut st, "create_date", r.create_date().to_string());
        set(&mut st, "description", opt(r.description()));
        set(
            &mut st,
            "max_session_duration",
            r.max_session_duration().unwrap_or(3600),
        );
        set(
            &mut st,
            "permissions_boundary",
            opt(r
                .permissions_boundary()
                .and_then(|p| p.permissions_boundary_arn())),
        );
        if let Some(doc) = r.assume_role_policy_document() {
            set(
                &mut st,
                "assume_role_policy",
                super::policy_to_record(s(state, "assume_role_policy"), doc),
            );
        }
        if s(state, "name_prefix").is_none() {
            set(&mut st, "name_prefix", "");
        }
        if b(state, "force_detach_policies").is_none() {
            set(&mut st, "force_detach_policies", false);
        }
        set(&mut st, "managed_policy_arns", json!(attached));
        tags::set_read(aws, &mut st, state, super::from_iam(r.tags()));
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let name = s_or_empty(prior, "id").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({name})")));
        if s(prior, "assume_role_policy") != s(planned, "assume_role_policy") {
            aws.iam
                .update_assume_role_policy()
                .role_name(&name)
                .policy_document(s_or_empty(planned, "assume_role_policy"))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateAssumeRolePolicy", e)))?;
        }
        if s(prior, "description") != s(planned, "description")
            || i(prior, "max_session_duration") != i(planned, "max_session_duration")
        {
            aws.iam
                .update_role()
                .role_name(&name)
                .description(s_or_empty(planned, "description"))
                .set_max_session_duration(i(planned, "max_session_duration").map(|x| x as i32))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UpdateRole", e)))?;
        }
        if s(prior, "permissions_boundary") != s(planned, "permissions_boundary") {
            match s(planned, "permissions_boundary") {
                Some(pb) => aws
                    .iam
                    .put_role_permissions_boundary()
                    .role_name(&name)
                    .permissions_boundary(pb)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(sdk("PutRolePermissionsBoundary")),
                None => aws
                    .iam
                    .delete_role_permissions_boundary()
                    .role_name(&name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(sdk("DeleteRolePermissionsBoundary")),
            }
            .map_err(fail)?;
        }
        let (old, new) = (
            crate::json::strs(prior, "managed_policy_arns"),
            crate::json::strs(planned, "managed_policy_arns"),
        );
        if planned
            .get("managed_policy_arns")
            .is_some_and(|v| !v.is_null())
            && old != new
        {
            for arn in old.iter().filter(|a| !new.contains(a)) {
                aws.iam
                    .detach_role_policy()
                    .role_name(&name)
                    .policy_arn(arn)
                    .send()
                    .await
                    .map_err(|e| fail(AwsError::from_sdk("DetachRolePolicy", e)))?;
            }
            for arn in new.iter().filter(|a| !old.contains(a)) {
                aws.iam
                    .attach_role_policy()
                    .role_name(&name)
                    .policy_arn(arn)
                    .send()
                    .await
                    .map_err(|e| fail(AwsError::from_sdk("AttachRolePolicy", e)))?;
            }
        }
        let (old_tags, new_tags) = (tags::prior_all(prior), tags::all(aws, planned));
        let removed: Vec<String> = old_tags
            .keys()
            .filter(|k| !new_tags.contains_key(*k))
            .cloned()
            .collect();
        if !removed.is_empty() {
            aws.iam
                .untag_role()
                .role_name(&name)
                .set_tag_keys(Some(removed))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UntagRole", e)))?;
        }
        let changed: tags::Tags = new_tags
            .iter()
            .filter(|(k, v)| old_tags.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !changed.is_empty() {
            aws.iam
                .tag_role()
                .role_name(&name)
                .set_tags(Some(super::iam_tags(&changed)))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("TagRole", e)))?;
        }
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let name = s_or_empty(state, "id");
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({name})"));
        if b(state, "force_detach_policies") == Some(true) {
            for arn in attached_policies(aws, name).await.map_err(fail)? {
                aws.iam
                    .detach_role_policy()
                    .role_name(name)
                    .policy_arn(&arn)
                    .send()
                    .await
                    .map_err(|e| fail(AwsError::from_sdk("DetachRolePolicy", e)))?;
            }
            let inline = aws
                .iam
                .list_role_policies()
                .role_name(name)
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ListRolePolicies", e)))?;
            for p in inline.policy_names() {
                aws.iam
                    .delete_role_policy()
                    .role_name(name)
                    .policy_name(p)
                    .send()
                    .await
                    .map_err(|e| fail(AwsError::from_sdk("DeleteRolePolicy", e)))?;
            }
        }
        // Detaching a policy takes a moment to be seen by DeleteRole.
        let r = crate::retry::retry_codes(&aws.patience, &["DeleteConflict"], || async {
            aws.iam
                .delete_role()
                .role_name(name)
                .send()
                .await
                .map_err(sdk("DeleteRole"))
        })
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(fail(e)),
        }
    }
}

/// The ARNs of the managed policies attached to a role.
pub async fn attached_policies(aws: &Aws, role: &str) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut pages = aws
        .iam
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for p in page
            .map_err(sdk("ListAttachedRolePolicies"))?
            .attached_policies()
        {
            if let Some(a) = p.policy_arn() {
                out.push(a.to_string());
            }
        }
    }
    Ok(out)
}
