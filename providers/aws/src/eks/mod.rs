//! EKS resource types and what they share: EKS tags (by ARN) and waiting for an object to settle.

pub mod cluster;
pub mod node_group;

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::tags::Tags;
use std::collections::HashMap;

/// A map from EKS tags.
pub fn from_eks(tags: Option<&HashMap<String, String>>) -> Tags {
    tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// Brings the tags of EKS object `arn` from `old` to `new`.
pub async fn update_tags(aws: &Aws, arn: &str, old: &Tags, new: &Tags) -> Result<(), AwsError> {
    let removed: Vec<String> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        aws.eks
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(sdk("UntagResource"))?;
    }
    let changed: HashMap<String, String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        aws.eks
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(changed))
            .send()
            .await
            .map_err(sdk("TagResource"))?;
    }
    Ok(())
}
