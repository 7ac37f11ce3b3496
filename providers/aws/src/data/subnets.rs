//! `data "aws_subnets"`: the ids of the subnets matching `filter` blocks and `tags`.

use crate::client::Aws;
use crate::error::sdk;
use crate::json::{Json, set};
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};

pub struct Subnets;

#[async_trait]
impl DataSource for Subnets {
    fn schema(&self) -> Block {
        super::with_filters(
            Block::default()
                .attr("id", comp_str())
                .attr("tags", Attribute::optional_computed(str_map()))
                .attr("ids", Attribute::computed(str_list())),
        )
    }

    async fn read(&self, aws: &Aws, config: &Json) -> Result<Json, Diagnostics> {
        let mut filters = super::filters(config);
        filters.extend(super::tag_filters(config, "tags"));
        let mut ids = Vec::new();
        let mut pages = aws
            .ec2
            .describe_subnets()
            .set_filters(Some(filters).filter(|f| !f.is_empty()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for sn in page
                .map_err(|e| sdk("DescribeSubnets")(e).diag("reading EC2 Subnets"))?
                .subnets()
            {
                if let Some(id) = sn.subnet_id() {
                    ids.push(id.to_string());
                }
            }
        }
        let mut st = config.clone();
        set(&mut st, "id", aws.region.as_str());
        set(&mut st, "ids", json!(ids));
        if st.get("tags").is_none_or(Json::is_null) {
            set(&mut st, "tags", json!({}));
        }
        Ok(st)
    }
}
