//! `data "aws_partition"`: the partition of the provider's region (`aws`, `aws-cn`, `aws-us-gov` ...),
//! with its DNS suffix, for building ARNs such as `arn:${partition}:iam::aws:policy/...`. No call.

use crate::client::Aws;
use crate::json::Json;
use crate::resource::DataSource;
use crate::schema::*;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct Partition;

/// A region's partition, DNS suffix and reverse DNS prefix.
pub fn of_region(region: &str) -> (&'static str, &'static str, &'static str) {
    if region.starts_with("cn-") {
        ("aws-cn", "amazonaws.com.cn", "cn.com.amazonaws")
    } else if region.starts_with("us-gov-") {
        ("aws-us-gov", "amazonaws.com", "com.amazonaws")
    } else if region.starts_with("us-isob-") {
        ("aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s")
    } else if region.starts_with("us-iso-") {
        ("aws-iso", "c2s.ic.gov", "gov.ic.c2s")
    } else if region.starts_with("eusc-") {
        ("aws-eusc", "amazonaws.eu", "eu.amazonaws")
    } else {
        ("aws", "amazonaws.com", "com.amazonaws")
    }
}

#[async_trait]
impl DataSource for Partition {
    fn schema(&self) -> Block {
        Block::default()
            .attr("id", comp_str())
            .attr("partition", comp_str())
            .attr("dns_suffix", comp_str())
            .attr("reverse_dns_prefix", comp_str())
    }

    async fn read(&self, aws: &Aws, _config: &Json) -> Result<Json, Diagnostics> {
        let (partition, dns_suffix, reverse) = of_region(&aws.region);
        Ok(json!({
            "id": partition,
            "partition": partition,
            "dns_suffix": dns_suffix,
            "reverse_dns_prefix": reverse,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::of_region;

    #[test]
    fn partitions_of_regions() {
        assert_eq!(of_region("us-east-1").0, "aws");
        assert_eq!(of_region("eu-west-3").1, "amazonaws.com");
        assert_eq!(
            of_region("cn-north-1"),
            ("aws-cn", "amazonaws.com.cn", "cn.com.amazonaws")
        );
        assert_eq!(of_region("us-gov-west-1").0, "aws-us-gov");
        assert_eq!(of_region("us-iso-east-1").0, "aws-iso");
        assert_eq!(of_region("us-isob-east-1").0, "aws-iso-b");
    }
}
