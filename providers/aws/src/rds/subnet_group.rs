//! `aws_db_subnet_group`: the subnets an RDS instance may be placed in. The name forces replacement;
//! the description, subnets and tags update in place. The id is the name.

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, s, s_or_empty, set, strs};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};

pub struct AwsDbSubnetGroup;

const WHAT: &str = "RDS DB Subnet Group";

#[async_trait]
impl Resource for AwsDbSubnetGroup {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("name", optc_str().force_new())
                .attr("name_prefix", optc_str().force_new())
                .attr("description", opt_str())
                .attr("subnet_ids", Attribute::required(str_set()))
                .attr("vpc_id", comp_str())
                .attr("supported_network_types", Attribute::computed(str_set())),
        )
    }

    fn defaults(&self) -> Json {
        json!({"description": super::MANAGED})
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        if let Some(n) = s(config, "name")
            && (n.len() > 255
                || n.eq_ignore_ascii_case("default")
                || !n
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || " ._-".contains(c)))
        {
            return terrane_provider_sdk::error(
                "Invalid value",
                format!(
                    "\"name\" ({n}): only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed, and it must not be \"default\""
                ),
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = super::name_of(planned, "name", "name_prefix");
        aws.rds
            .create_db_subnet_group()
            .db_subnet_group_name(&name)
            .db_subnet_group_description(s(planned, "description").unwrap_or(super::MANAGED))
            .set_subnet_ids(Some(strs(planned, "subnet_ids")))
            .set_tags(super::rds_tags(&tags::all(aws, planned)))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreateDBSubnetGroup", e)
                    .diag(format!("creating {WHAT} ({name})"))
            })?;
        let mut state = planned.clone();
        set(&mut state, "id", name.clone());
        set(&mut state, "name", name);
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        let name = s_or_empty(state, "id");
        let out = match aws
            .rds
            .describe_db_subnet_groups()
            .db_subnet_group_name(name)
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) => {
                let e = AwsError::from_sdk("DescribeDBSubnetGroups", e);
                if e.is_not_found() {
                    return Ok(None);
                }
                return Err(e.diag(format!("reading {WHAT} ({name})")));
            }
        };
        let Some(g) = out
            .db_subnet_groups()
            .iter()
            .find(|g| g.db_subnet_group_name() == Some(name))
        else {
            return Ok(None);
        };
        let arn = g.db_subnet_group_arn().unwrap_or_default();
        let tag_list = aws
            .rds
            .list_tags_for_resource()
            .resource_name(arn)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("ListTagsForResource", e)
                    .diag(format!("reading {WHAT} ({name})"))
            })?;
        let mut st = state.clone();
        set(&mut st, "id", name);
        set(&mut st, "name", name);
        set(&mut st, "arn", arn);
        set(
            &mut st,
            "description",
            g.db_subnet_group_description().unwrap_or_default(),
        );
        set(&mut st, "vpc_id", g.vpc_id().unwrap_or_default());
        set(
            &mut st,
            "subnet_ids",
            json!(
                g.subnets()
                    .iter()
                    .filter_map(|s| s.subnet_identifier())
                    .collect::<Vec<_>>()
            ),
        );
        set(
            &mut st,
            "supported_network_types",
            json!(g.supported_network_types()),
        );
        if s(state, "name_prefix").is_none() {
            set(&mut st, "name_prefix", "");
        }
        tags::set_read(aws, &mut st, state, super::from_rds(tag_list.tag_list()));
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let name = s_or_empty(prior, "id").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({name})")));
        if prior.get("subnet_ids") != planned.get("subnet_ids")
            || prior.get("description") != planned.get("description")
        {
            aws.rds
                .modify_db_subnet_group()
                .db_subnet_group_name(&name)
                .db_subnet_group_description(s(planned, "description").unwrap_or(super::MANAGED))
                .set_subnet_ids(Some(strs(planned, "subnet_ids")))
                .send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ModifyDBSubnetGroup", e)))?;
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
        let r = crate::retry::retry(
            &aws.patience,
            std::time::Duration::from_secs(600).min(aws.patience.propagation * 5),
            |e| e.is(&["InvalidDBSubnetGroupStateFault"]),
            || async {
                aws.rds
                    .delete_db_subnet_group()
                    .db_subnet_group_name(name)
                    .send()
                    .await
                    .map_err(sdk("DeleteDBSubnetGroup"))
            },
        )
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.diag(format!("deleting {WHAT} ({name})"))),
        }
    }
}
