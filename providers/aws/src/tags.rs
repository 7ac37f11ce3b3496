//! Tags: the `tags` and `tags_all` attributes every taggable resource has, merged with the provider's
//! `default_tags`, and the EC2 tag calls.
//!
//! `tags_all` is what AWS holds: the provider's default tags overlaid with the resource's own. Read
//! takes the remote tags as `tags_all` and keeps in `tags` those that are not default tags with the
//! same value (unless the resource's own tags set them too), so a default tag never shows as a
//! change of `tags`. Keys starting with `aws:` belong to AWS and are ignored, as are the provider's
//! `ignore_tags`.

use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, map_json, string_map};
use std::collections::BTreeMap;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_values::Type;

/// A tag map.
pub type Tags = BTreeMap<String, String>;

/// Adds `tags` and `tags_all` to a schema.
pub fn with_tags(b: Block) -> Block {
    b.attr(
        "tags",
        Attribute::optional(Type::map(Type::String))
            .describe("Tags of the resource; merged over the provider's `default_tags`."),
    )
    .attr(
        "tags_all",
        Attribute::computed(Type::map(Type::String))
            .describe("All tags of the resource, the provider's `default_tags` included."),
    )
}

/// The resource's own tags from configuration, state or plan.
pub fn own(v: &Json) -> Tags {
    string_map(v, "tags")
}

/// Every tag the resource should carry: the default tags overlaid with its own.
pub fn all(aws: &Aws, v: &Json) -> Tags {
    merge(&aws.default_tags, &own(v))
}

/// `defaults` overlaid with `own`.
pub fn merge(defaults: &Tags, own: &Tags) -> Tags {
    let mut out = defaults.clone();
    out.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// Drops the tags AWS owns and the ones the provider is told to ignore.
pub fn visible(aws: &Aws, remote: Tags) -> Tags {
    remote
        .into_iter()
        .filter(|(k, _)| !k.starts_with("aws:") && !aws.ignores_tag(k))
        .collect()
}

/// Sets `tags_all` from the remote tags and `tags` to the ones that are not default tags, keeping
/// the null-versus-empty shape `prior` had.
pub fn set_read(aws: &Aws, state: &mut Json, prior: &Json, remote: Tags) {
    let remote = visible(aws, remote);
    let prior_own = own(prior);
    let own: Tags = remote
        .iter()
        .filter(|(k, v)| aws.default_tags.get(*k) != Some(v) || prior_own.get(*k) == Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let prior_null = prior.get("tags").is_none_or(Json::is_null);
    let tags = if own.is_empty() && prior_null {
        Json::Null
    } else {
        map_json(&own)
    };
    crate::json::set(state, "tags", tags);
    crate::json::set(state, "tags_all", map_json(&remote));
}

/// EC2 tags from a map.
pub fn ec2_tags(tags: &Tags) -> Vec<aws_sdk_ec2::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
        .collect()
}

/// A tag specification for an EC2 create call, or `None` when there are no tags.
pub fn ec2_spec(
    resource_type: aws_sdk_ec2::types::ResourceType,
    tags: &Tags,
) -> Option<aws_sdk_ec2::types::TagSpecification> {
    if tags.is_empty() {
        return None;
    }
    Some(
        aws_sdk_ec2::types::TagSpecification::builder()
            .resource_type(resource_type)
            .set_tags(Some(ec2_tags(tags)))
            .build(),
    )
}

/// A map from EC2 tags.
pub fn from_ec2(tags: &[aws_sdk_ec2::types::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

/// Brings the tags of EC2 object `id` from `old` to `new` (both `tags_all`).
pub async fn update_ec2(aws: &Aws, id: &str, old: &Tags, new: &Tags) -> Result<(), AwsError> {
    let removed: Vec<aws_sdk_ec2::types::Tag> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .map(|k| aws_sdk_ec2::types::Tag::builder().key(k).build())
        .collect();
    if !removed.is_empty() {
        aws.ec2
            .delete_tags()
            .resources(id)
            .set_tags(Some(removed))
            .send()
            .await
            .map_err(sdk("DeleteTags"))?;
    }
    let changed: Tags = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        crate::retry::retry_codes(&aws.patience, &[], || async {
            aws.ec2
                .create_tags()
                .resources(id)
                .set_tags(Some(ec2_tags(&changed)))
                .send()
                .await
                .map_err(sdk("CreateTags"))
        })
        .await?;
    }
    Ok(())
}

/// The `tags_all` a prior state recorded.
pub fn prior_all(prior: &Json) -> Tags {
    string_map(prior, "tags_all")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_tags_win_over_defaults() {
        let d = Tags::from([("env".into(), "prod".into()), ("team".into(), "a".into())]);
        let o = Tags::from([("env".into(), "test".into())]);
        let m = merge(&d, &o);
        assert_eq!(m["env"], "test");
        assert_eq!(m["team"], "a");
    }
}
