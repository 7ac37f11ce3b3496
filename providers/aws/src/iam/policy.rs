//! `aws_iam_policy`: a managed IAM policy. The name, path and description force replacement; a new
//! document becomes a new default version (the oldest non-default version is deleted when IAM's
//! limit of five is reached); tags update in place. The id is the ARN.

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, s, s_or_empty, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsIamPolicy;

const WHAT: &str = "IAM Policy";

#[async_trait]
impl Resource for AwsIamPolicy {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("name", optc_str().force_new())
                .attr("name_prefix", optc_str().force_new())
                .attr("path", opt_str().force_new())
                .attr("description", opt_str().force_new())
                .attr("policy", req_str())
                .attr("policy_id", comp_str())
                .attr("attachment_count", comp_num()),
        )
    }

    fn defaults(&self) -> Json {
        json!({"path": "/"})
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        match s(config, "policy") {
            Some(p) => super::validate_policy("policy", p),
            None => Diagnostics::new(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = match (s(planned, "name"), s(planned, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => crate::ec2::security_group::unique_name(p),
            (None, None) => crate::ec2::security_group::unique_name("terraform-"),
        };
        let all = tags::all(aws, planned);
        let out = aws
            .iam
            .create_policy()
            .policy_name(&name)
            .path(s(planned, "path").unwrap_or("/"))
            .policy_document(s_or_empty(planned, "policy"))
            .set_description(s(planned, "description").map(str::to_string))
            .set_tags(Some(super::iam_tags(&all)).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreatePolicy", e).diag(format!("creating {WHAT} ({name})"))
            })?;
        let arn = out.policy().and_then(|p| p.arn()).unwrap_or_default();
        let mut state = planned.clone();
        set(&mut state, "id", arn);
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        let arn = s_or_empty(state, "id");
        let fail = |e: AwsError| e.diag(format!("reading {WHAT} ({arn})"));
        let policy = match aws.iam.get_policy().policy_arn(arn).send().await {
            Ok(o) => o.policy,
            Err(e) => {
                let e = AwsError::from_sdk("GetPolicy", e);
                if e.is_not_found() {
                    return Ok(None);
                }
                return Err(fail(e));
            }
        };
        let Some(p) = policy else { return Ok(None) };
        let version = aws
            .iam
            .get_policy_version()
            .policy_arn(arn)
            .version_id(p.default_version_id().unwrap_or("v1"))
            .send()
            .await
            .map_err(|e| fail(AwsError::from_sdk("GetPolicyVersion", e)))?;
        let mut st = state.clone();
        set(&mut st, "id", arn);
        set(&mut st, "arn", arn);
        set(&mut st, "name", p.policy_name().unwrap_or_default());
        set(&mut st, "path", p.path().unwrap_or("/"));
        set(
            &mut st,
            "description",
            p.description().map_or(Json::Null, Json::from),
        );
        set(&mut st, "policy_id", p.policy_id().unwrap_or_default());
        set(
            &mut st,
            "attachment_count",
            p.attachment_count().unwrap_or(0),
        );
        if s(state, "name_prefix").is_none() {
            set(&mut st, "name_prefix", "");
        }
        if let Some(doc) = version.policy_version().and_then(|v| v.document()) {
            set(
                &mut st,
                "policy",
                super::policy_to_record(s(state, "policy"), doc),
            );
        }
        tags::set_read(aws, &mut st, state, super::from_iam(p.tags()));
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let arn = s_or_empty(prior, "id").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({arn})")));
        if s(prior, "policy") != s(planned, "policy") {
            let versions = aws
                .iam
                .list_policy_versions()
                .policy_arn(&arn)
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ListPolicyVersions", e)))?;
            if versions.versions().len() >= 5
                && let Some(oldest) = versions
                    .versions()
                    .iter()
                    .filter(|v| !v.is_default_version())
                    .min_by_key(|v| v.create_date().map(|d| d.secs()))
            {
                aws.iam
                    .delete_policy_version()
                    .policy_arn(&arn)
                    .set_version_id(oldest.version_id().map(str::to_string))
                    .send()
                    .await
                    .map_err(|e| fail(AwsError::from_sdk("DeletePolicyVersion", e)))?;
            }
            aws.iam
                .create_policy_version()
                .policy_arn(&arn)
                .policy_document(s_or_empty(planned, "policy"))
                .set_as_default(true)
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("CreatePolicyVersion", e)))?;
        }
        let (old_tags, new_tags) = (tags::prior_all(prior), tags::all(aws, planned));
        let removed: Vec<String> = old_tags
            .keys()
            .filter(|k| !new_tags.contains_key(*k))
            .cloned()
            .collect();
        if !removed.is_empty() {
            aws.iam
                .untag_policy()
                .policy_arn(&arn)
                .set_tag_keys(Some(removed))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("UntagPolicy", e)))?;
        }
        let changed: tags::Tags = new_tags
            .iter()
            .filter(|(k, v)| old_tags.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !changed.is_empty() {
            aws.iam
                .tag_policy()
                .policy_arn(&arn)
                .set_tags(Some(super::iam_tags(&changed)))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("TagPolicy", e)))?;
        }
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let arn = s_or_empty(state, "id");
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({arn})"));
        match aws.iam.list_policy_versions().policy_arn(arn).send().await {
            Ok(v) => {
                for ver in v.versions().iter().filter(|v| !v.is_default_version()) {
                    aws.iam
                        .delete_policy_version()
                        .policy_arn(arn)
                        .set_version_id(ver.version_id().map(str::to_string))
                        .send()
                        .await
                        .map_err(|e| fail(AwsError::from_sdk("DeletePolicyVersion", e)))?;
                }
            }
            Err(e) => {
                let e = AwsError::from_sdk("ListPolicyVersions", e);
                if e.is_not_found() {
                    return Ok(());
                }
                return Err(fail(e));
            }
        }
        match aws
            .iam
            .delete_policy()
            .policy_arn(arn)
            .send()
            .await
            .map_err(sdk("DeletePolicy"))
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(fail(e)),
        }
    }
}
