//! `data "aws_region"`: the provider's region (or the named one), with its EC2 endpoint.

use crate::client::Aws;
use crate::json::{Json, s};
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct Region;

#[async_trait]
impl DataSource for Region {
    fn schema(&self) -> Block {
        Block::default()
            .attr("id", comp_str())
            .attr("name", optc_str())
            .attr("region", optc_str())
            .attr("endpoint", optc_str())
            .attr("description", comp_str())
    }

    async fn read(&self, aws: &Aws, config: &Json) -> Result<Json, Diagnostics> {
        let name = s(config, "name")
            .or(s(config, "region"))
            .unwrap_or(&aws.region)
            .to_string();
        let suffix = if name.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        let endpoint = format!("ec2.{name}.{suffix}");
        if let Some(e) = s(config, "endpoint")
            && e != endpoint
        {
            return Err(super::no_match("region"));
        }
        Ok(
            json!({"id": name, "name": name, "region": name, "endpoint": endpoint, "description": description(&name)}),
        )
    }
}

fn description(region: &str) -> &'static str {
    match region {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "Europe (Ireland)",
        "eu-west-2" => "Europe (London)",
        "eu-west-3" => "Europe (Paris)",
        "eu-central-1" => "Europe (Frankfurt)",
        "eu-north-1" => "Europe (Stockholm)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "ca-central-1" => "Canada (Central)",
        "sa-east-1" => "South America (Sao Paulo)",
        _ => "",
    }
}
