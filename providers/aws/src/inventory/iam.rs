//! IAM roles (not service-linked ones), the policies attached to them, and customer managed
//! policies (AWS's own are left out by `Scope=Local`).
//!
//! IAM has no VPC, so a `vpc-id` filter leaves these types out. ListRoles and ListPolicies do not
//! return tags: with a tag filter, each role's and policy's tags cost a call. Attachments are one
//! ListAttachedRolePolicies per role that matches (IAM has no call that lists them all).

use super::{Found, Wanted, part_of};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use aws_sdk_iam::types::PolicyScopeType;

/// Paths of the roles AWS makes and manages: service-linked roles, IAM Identity Center's roles.
const AWS_ROLE_PATHS: [&str; 2] = ["/aws-service-role/", "/aws-reserved/"];

pub(super) async fn list(aws: &Aws, w: &Wanted, found: &mut Found) -> Result<(), AwsError> {
    if w.vpc.is_some() {
        return Ok(());
    }
    let mut roles = Vec::new();
    let mut pages = aws.iam.list_roles().into_paginator().send();
    while let Some(page) = pages.next().await {
        for r in page.map_err(sdk("ListRoles"))?.roles() {
            if !AWS_ROLE_PATHS.iter().any(|p| r.path().starts_with(p)) {
                roles.push(r.role_name().to_string());
            }
        }
    }
    for role in roles {
        if !w.tags.is_empty() && !w.tags_match(&role_tags(aws, &role).await?) {
            continue;
        }
        found.add("aws_iam_role", Some(&role), Some(role.clone()));
        let mut pages = aws
            .iam
            .list_attached_role_policies()
            .role_name(&role)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    let e = AwsError::from_sdk("ListAttachedRolePolicies", e);
                    // deleted since it was listed
                    if e.is_not_found() {
                        break;
                    }
                    return Err(e);
                }
            };
            for p in page.attached_policies() {
                if let Some(arn) = p.policy_arn() {
                    // The attachment's `id` is generated when it is made: its import id names it.
                    let import_id = format!("{role}/{arn}");
                    found.add_object(
                        "aws_iam_role_policy_attachment",
                        &import_id,
                        import_id.clone(),
                        p.policy_name().map(str::to_string),
                        part_of("aws_iam_role", &role, "managed_policy_arns"),
                    );
                }
            }
        }
    }
    let mut policies = Vec::new();
    let mut pages = aws
        .iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for p in page.map_err(sdk("ListPolicies"))?.policies() {
            if let (Some(arn), Some(name)) = (p.arn(), p.policy_name()) {
                policies.push((arn.to_string(), name.to_string()));
            }
        }
    }
    for (arn, name) in policies {
        if !w.tags.is_empty() && !w.tags_match(&policy_tags(aws, &arn).await?) {
            continue;
        }
        found.add("aws_iam_policy", Some(&arn), Some(name));
    }
    Ok(())
}

async fn role_tags(aws: &Aws, role: &str) -> Result<Vec<(String, String)>, AwsError> {
    let mut out = Vec::new();
    let mut pages = aws
        .iam
        .list_role_tags()
        .role_name(role)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => out.extend(
                p.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string())),
            ),
            Err(e) => {
                let e = AwsError::from_sdk("ListRoleTags", e);
                if e.is_not_found() {
                    break;
                }
                return Err(e);
            }
        }
    }
    Ok(out)
}

async fn policy_tags(aws: &Aws, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    let mut out = Vec::new();
    let mut pages = aws
        .iam
        .list_policy_tags()
        .policy_arn(arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => out.extend(
                p.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string())),
            ),
            Err(e) => {
                let e = AwsError::from_sdk("ListPolicyTags", e);
                if e.is_not_found() {
                    break;
                }
                return Err(e);
            }
        }
    }
    Ok(out)
}
