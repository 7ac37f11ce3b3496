//! RDS resource types and what they share: RDS tags (by ARN) and the default description.

pub mod instance;
pub mod parameter_group;
pub mod subnet_group;

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::tags::Tags;

/// The description Terraform gives groups that have none.
pub const MANAGED: &str = "Managed by Terraform";

/// A map from RDS tags.
pub fn from_rds(tags: &[aws_sdk_rds::types::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

/// RDS tags from a map.
pub fn rds_tags(tags: &Tags) -> Option<Vec<aws_sdk_rds::types::Tag>> {
    if tags.is_empty() {
        return None;
    }
    Some(
        tags.iter()
            .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
            .collect(),
    )
}

/// Brings the tags of RDS object `arn` from `old` to `new`.
pub async fn update_tags(aws: &Aws, arn: &str, old: &Tags, new: &Tags) -> Result<(), AwsError> {
    let removed: Vec<String> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        aws.rds
            .remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(sdk("RemoveTagsFromResource"))?;
    }
    let changed: Tags = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(t) = rds_tags(&changed) {
        aws.rds
            .add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(t))
            .send()
            .await
            .map_err(sdk("AddTagsToResource"))?;
    }
    Ok(())
}

/// A name from `name`, else `name_prefix` plus a unique suffix, else a generated one; lower case, as
/// RDS keeps names.
pub fn name_of(v: &crate::json::Json, name: &str, prefix: &str) -> String {
    use crate::json::s;
    match (s(v, name), s(v, prefix)) {
        (Some(n), _) => n.to_string(),
        (None, Some(p)) => crate::ec2::security_group::unique_name(p),
        (None, None) => crate::ec2::security_group::unique_name("terraform-"),
    }
    .to_lowercase()
}
