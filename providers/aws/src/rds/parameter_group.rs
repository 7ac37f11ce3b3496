//! `aws_db_parameter_group`: DB engine parameters. The name, family and description force
//! replacement; `parameter` blocks are modified (20 per call) or reset in place; tags update in
//! place. The id is the name.

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, blocks, s, s_or_empty, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use async_trait::async_trait;
use aws_sdk_rds::types::{ApplyMethod, Parameter};
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Block, Nesting};

pub struct AwsDbParameterGroup;

const WHAT: &str = "RDS DB Parameter Group";

fn parameter(p: &Json) -> Parameter {
    let method = match s(p, "apply_method") {
        Some("pending-reboot") => ApplyMethod::PendingReboot,
        _ => ApplyMethod::Immediate,
    };
    Parameter::builder()
        .parameter_name(s_or_empty(p, "name"))
        .parameter_value(s_or_empty(p, "value"))
        .apply_method(method)
        .build()
}

#[async_trait]
impl Resource for AwsDbParameterGroup {
    fn schema(&self) -> Block {
        let param = Block::default()
            .attr("name", req_str())
            .attr("value", req_str())
            .attr("apply_method", opt_str());
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("name", optc_str().force_new())
                .attr("name_prefix", optc_str().force_new())
                .attr("family", req_str().force_new())
                .attr("description", opt_str().force_new()),
        )
        .nested("parameter", Nesting::Set, param)
    }

    fn defaults(&self) -> Json {
        json!({"description": super::MANAGED})
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let mut d = Diagnostics::new();
        for p in blocks(config, "parameter") {
            if let Some(m) = s(p, "apply_method") {
                d.extend(crate::validate::one_of(
                    "parameter.apply_method",
                    m,
                    &["immediate", "pending-reboot"],
                ));
            }
        }
        d
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = super::name_of(planned, "name", "name_prefix");
        aws.rds
            .create_db_parameter_group()
            .db_parameter_group_name(&name)
            .db_parameter_group_family(s_or_empty(planned, "family"))
            .description(s(planned, "description").unwrap_or(super::MANAGED))
            .set_tags(super::rds_tags(&tags::all(aws, planned)))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreateDBParameterGroup", e)
                    .diag(format!("creating {WHAT} ({name})"))
            })?;
        let mut state = planned.clone();
        set(&mut state, "id", name.clone());
        set(&mut state, "name", name.clone());
        if let Err(e) = modify(aws, &name, &json!({}), planned).await {
            return Err(Failure::with_state(
                e.diag(format!("creating {WHAT} ({name})")),
                state,
            ));
        }
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        let name = s_or_empty(state, "id");
        let fail = |e: AwsError| e.diag(format!("reading {WHAT} ({name})"));
        let out = match aws
            .rds
            .describe_db_parameter_groups()
            .db_parameter_group_name(name)
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => {
                let e = AwsError::from_sdk("DescribeDBParameterGroups", e);
                if e.is_not_found() {
                    return Ok(None);
                }
                return Err(fail(e));
            }
        };
        // moto answers an empty list for a group it does not have
        let Some(g) = out
            .db_parameter_groups()
            .iter()
            .find(|g| g.db_parameter_group_name() == Some(name))
        else {
            return Ok(None);
        };
        let arn = g.db_parameter_group_arn().unwrap_or_default().to_string();
        let mut user = Vec::new();
        let mut pages = aws
            .rds
            .describe_db_parameters()
            .db_parameter_group_name(name)
            .source("user")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for p in page
                .map_err(|e| fail(AwsError::from_sdk("DescribeDBParameters", e)))?
                .parameters()
            {
                user.push(p.clone());
            }
        }
        let prior = blocks(state, "parameter");
        let params: Vec<Json> = user
            .iter()
            .filter_map(|p| {
                let (n, v) = (p.parameter_name()?, p.parameter_value().unwrap_or_default());
                Some(
                    prior
                        .iter()
                        .find(|b| s_or_empty(b, "name").eq_ignore_ascii_case(n) && s_or_empty(b, "value") == v)
                        .cloned()
                        .unwrap_or_else(|| json!({"name": n, "value": v, "apply_method": p.apply_method().map_or("immediate", |m| m.as_str())})),
                )
            })
            .collect();
        let tag_list = aws
            .rds
            .list_tags_for_resource()
            .resource_name(&arn)
            .send()
            .await
            .map_err(|e| fail(AwsError::from_sdk("ListTagsForResource", e)))?;
        let mut st = state.clone();
        set(&mut st, "id", name);
        set(&mut st, "name", name);
        set(&mut st, "arn", arn);
        set(
            &mut st,
            "family",
            g.db_parameter_group_family().unwrap_or_default(),
        );
        set(&mut st, "description", g.description().unwrap_or_default());
        set(&mut st, "parameter", Json::Array(params));
        if s(state, "name_prefix").is_none() {
            set(&mut st, "name_prefix", "");
        }
        tags::set_read(aws, &mut st, state, super::from_rds(tag_list.tag_list()));
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let name = s_or_empty(prior, "id").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({name})")));
        modify(aws, &name, prior, planned).await.map_err(fail)?;
        if let Some(arn) = s(prior, "arn") {
            super::update_tags(aws, arn, &tags::prior_all(prior), &tags::all(aws, planned))
                .await
                .map_err(fail)?;
        }
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let name = s_or_empty(state, "id");
        let r =
            crate::retry::retry_codes(&aws.patience, &["InvalidDBParameterGroupState"], || async {
                aws.rds
                    .delete_db_parameter_group()
                    .db_parameter_group_name(name)
                    .send()
                    .await
                    .map_err(sdk("DeleteDBParameterGroup"))
            })
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.diag(format!("deleting {WHAT} ({name})"))),
        }
    }
}

/// Resets the parameters only in `prior` and sets the new or changed ones of `planned`.
async fn modify(aws: &Aws, name: &str, prior: &Json, planned: &Json) -> Result<(), AwsError> {
    let (old, new) = (blocks(prior, "parameter"), blocks(planned, "parameter"));
    let removed: Vec<Parameter> = old
        .iter()
        .filter(|o| !new.iter().any(|n| s(n, "name") == s(o, "name")))
        .map(parameter)
        .collect();
    for chunk in removed.chunks(20) {
        aws.rds
            .reset_db_parameter_group()
            .db_parameter_group_name(name)
            .set_parameters(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(sdk("ResetDBParameterGroup"))?;
    }
    let changed: Vec<Parameter> = new
        .iter()
        .filter(|n| !old.contains(n))
        .map(parameter)
        .collect();
    for chunk in changed.chunks(20) {
        aws.rds
            .modify_db_parameter_group()
            .db_parameter_group_name(name)
            .set_parameters(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(sdk("ModifyDBParameterGroup"))?;
    }
    Ok(())
}
