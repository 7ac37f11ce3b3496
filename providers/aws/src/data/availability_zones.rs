//! `data "aws_availability_zones"`: the availability zones of the region, filtered by state, name
//! and id exclusions and `filter` blocks.

use crate::client::Aws;
use crate::error::AwsError;
use crate::json::{Json, b, s, strs};
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};

pub struct AvailabilityZones;

#[async_trait]
impl DataSource for AvailabilityZones {
    fn schema(&self) -> Block {
        super::with_filters(
            Block::default()
                .attr("id", comp_str())
                .attr("all_availability_zones", opt_bool())
                .attr("exclude_names", Attribute::optional(str_set()))
                .attr("exclude_zone_ids", Attribute::optional(str_set()))
                .attr("state", opt_str())
                .attr("names", Attribute::computed(str_list()))
                .attr("zone_ids", Attribute::computed(str_list()))
                .attr("group_names", Attribute::computed(str_set())),
        )
    }

    async fn read(&self, aws: &Aws, config: &Json) -> Result<Json, Diagnostics> {
        let mut filters = super::filters(config);
        if let Some(st) = s(config, "state") {
            filters.push(crate::ec2::filter("state", [st]));
        }
        let out = aws
            .ec2
            .describe_availability_zones()
            .set_all_availability_zones(b(config, "all_availability_zones"))
            .set_filters(Some(filters).filter(|f| !f.is_empty()))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("DescribeAvailabilityZones", e)
                    .diag("reading EC2 Availability Zones")
            })?;
        let (ex_names, ex_ids) = (
            strs(config, "exclude_names"),
            strs(config, "exclude_zone_ids"),
        );
        let mut zones: Vec<_> = out
            .availability_zones()
            .iter()
            .filter(|z| !ex_names.iter().any(|n| Some(n.as_str()) == z.zone_name()))
            .filter(|z| !ex_ids.iter().any(|n| Some(n.as_str()) == z.zone_id()))
            .collect();
        zones.sort_by_key(|z| z.zone_name().unwrap_or_default().to_string());
        let mut groups: Vec<&str> = zones.iter().filter_map(|z| z.group_name()).collect();
        groups.sort();
        groups.dedup();
        let mut st = config.clone();
        crate::json::set(&mut st, "id", aws.region.as_str());
        crate::json::set(
            &mut st,
            "names",
            json!(
                zones
                    .iter()
                    .filter_map(|z| z.zone_name())
                    .collect::<Vec<_>>()
            ),
        );
        crate::json::set(
            &mut st,
            "zone_ids",
            json!(zones.iter().filter_map(|z| z.zone_id()).collect::<Vec<_>>()),
        );
        crate::json::set(&mut st, "group_names", json!(groups));
        Ok(st)
    }
}
