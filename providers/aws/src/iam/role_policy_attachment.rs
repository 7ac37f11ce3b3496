//! `aws_iam_role_policy_attachment`: attaches a managed policy to a role. Both arguments force
//! replacement. Refreshing many attachments lists each role's attached policies once.

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, s_or_empty, set};
use crate::resource::{Failure, Resource};
use crate::schema::*;
use async_trait::async_trait;
use serde_json::json;
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsIamRolePolicyAttachment;

const WHAT: &str = "IAM Role Policy Attachment";

#[async_trait]
impl Resource for AwsIamRolePolicyAttachment {
    fn schema(&self) -> Block {
        Block::default()
            .attr("id", comp_str())
            .attr("role", req_str().force_new())
            .attr("policy_arn", req_str().force_new())
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let role = s_or_empty(planned, "role");
        let arn = s_or_empty(planned, "policy_arn");
        crate::retry::retry_codes(&aws.patience, &["NoSuchEntity"], || async {
            aws.iam
                .attach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .send()
                .await
                .map_err(sdk("AttachRolePolicy"))
        })
        .await
        .map_err(|e| e.diag(format!("attaching IAM Policy ({arn}) to IAM Role ({role})")))?;
        let mut state = planned.clone();
        set(
            &mut state,
            "id",
            crate::ec2::security_group::unique_name(&format!("{role}-")),
        );
        Ok(state)
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        self.read_many(aws, std::slice::from_ref(state))
            .await
            .pop()
            .unwrap_or(Ok(None))
    }

    async fn read_many(
        &self,
        aws: &Aws,
        states: &[Json],
    ) -> Vec<Result<Option<Json>, Diagnostics>> {
        let mut by_role: HashMap<String, Result<Vec<String>, Diagnostics>> = HashMap::new();
        for st in states {
            let role = s_or_empty(st, "role").to_string();
            if by_role.contains_key(&role) {
                continue;
            }
            let r = match super::role::attached_policies(aws, &role).await {
                Ok(v) => Ok(v),
                Err(e) if e.is_not_found() => Ok(Vec::new()),
                Err(e) => Err(e.diag(format!("reading {WHAT}s of IAM Role ({role})"))),
            };
            by_role.insert(role, r);
        }
        states
            .iter()
            .map(|st| {
                let attached = by_role
                    .get(s_or_empty(st, "role"))
                    .cloned()
                    .unwrap_or(Ok(Vec::new()))?;
                let arn = s_or_empty(st, "policy_arn");
                Ok(attached.iter().any(|a| a == arn).then(|| st.clone()))
            })
            .collect()
    }

    async fn update(&self, _aws: &Aws, _prior: &Json, planned: &Json) -> Result<Json, Failure> {
        Ok(planned.clone())
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let role = s_or_empty(state, "role");
        let arn = s_or_empty(state, "policy_arn");
        match aws
            .iam
            .detach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = AwsError::from_sdk("DetachRolePolicy", e);
                if e.is_not_found() {
                    Ok(())
                } else {
                    Err(e.diag(format!(
                        "detaching IAM Policy ({arn}) from IAM Role ({role})"
                    )))
                }
            }
        }
    }

    fn import_id(&self, state: &Json) -> Option<String> {
        let role = crate::json::s(state, "role")?;
        let arn = crate::json::s(state, "policy_arn")?;
        Some(format!("{role}/{arn}"))
    }

    async fn import(&self, _aws: &Aws, id: &str) -> Result<Json, Diagnostics> {
        let Some((role, arn)) = id.split_once('/') else {
            return Err(terrane_provider_sdk::error(
                "Invalid import id",
                format!("unexpected format of ID ({id:?}), expected <role-name>/<policy_arn>"),
            ));
        };
        Ok(
            json!({ "id": crate::ec2::security_group::unique_name(&format!("{role}-")), "role": role, "policy_arn": arn }),
        )
    }
}
