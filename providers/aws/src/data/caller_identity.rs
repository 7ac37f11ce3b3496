//! `data "aws_caller_identity"`: the account, ARN and user id of the credentials in use.

use crate::client::Aws;
use crate::error::AwsError;
use crate::json::Json;
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct CallerIdentity;

#[async_trait]
impl DataSource for CallerIdentity {
    fn schema(&self) -> Block {
        Block::default()
            .attr("id", comp_str())
            .attr("account_id", comp_str())
            .attr("arn", comp_str())
            .attr("user_id", comp_str())
    }

    async fn read(&self, aws: &Aws, _config: &Json) -> Result<Json, Diagnostics> {
        let out = aws.sts.get_caller_identity().send().await.map_err(|e| {
            AwsError::from_sdk("GetCallerIdentity", e).diag("reading STS Caller Identity")
        })?;
        Ok(
            json!({"id": out.account(), "account_id": out.account(), "arn": out.arn(), "user_id": out.user_id()}),
        )
    }
}
