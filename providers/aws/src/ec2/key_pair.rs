//! `aws_key_pair`: an imported SSH public key. The name and key force replacement; tags update in
//! place. The id is the key name, which is also the import id.

use super::{CHUNK, fail_all, filter};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, opt, s, s_or_empty, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use async_trait::async_trait;
use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types::{KeyPairInfo, ResourceType};
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsKeyPair;

const WHAT: &str = "EC2 Key Pair";

#[async_trait]
impl Resource for AwsKeyPair {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("key_name", optc_str().force_new())
                .attr("key_name_prefix", optc_str().force_new())
                .attr("public_key", req_str().force_new())
                .attr("fingerprint", comp_str())
                .attr("key_pair_id", comp_str())
                .attr("key_type", comp_str()),
        )
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        if s(config, "key_name").is_some_and(|n| n.len() > 255) {
            return terrane_provider_sdk::error(
                "Invalid value",
                "expected length of key_name to be in the range (0 - 255)",
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let name = match (s(planned, "key_name"), s(planned, "key_name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => super::security_group::unique_name(p),
            (None, None) => super::security_group::unique_name("terraform-"),
        };
        aws.ec2
            .import_key_pair()
            .key_name(&name)
            .public_key_material(Blob::new(s_or_empty(planned, "public_key").as_bytes()))
            .set_tag_specifications(
                tags::ec2_spec(ResourceType::KeyPair, &tags::all(aws, planned)).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("ImportKeyPair", e).diag(format!("importing {WHAT} ({name})"))
            })?;
        let mut state = planned.clone();
        set(&mut state, "id", name.clone());
        set(&mut state, "key_name", name);
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        super::read_one(self, aws, state).await
    }

    async fn read_many(
        &self,
        aws: &Aws,
        states: &[Json],
    ) -> Vec<Result<Option<Json>, Diagnostics>> {
        match describe(aws, &super::ids(states)).await {
            Ok(found) => super::answer(states, &found, |prior, k| render(aws, prior, k)),
            Err(e) => fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s_or_empty(prior, "key_pair_id").to_string();
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(|e| Failure::from(e.diag(format!("updating {WHAT} ({id})"))))?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let name = s_or_empty(state, "id");
        match aws.ec2.delete_key_pair().key_name(name).send().await {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = AwsError::from_sdk("DeleteKeyPair", e);
                if e.is_not_found() {
                    Ok(())
                } else {
                    Err(e.diag(format!("deleting {WHAT} ({name})")))
                }
            }
        }
    }
}

/// Key pairs by name.
async fn describe(aws: &Aws, names: &[String]) -> Result<HashMap<String, KeyPairInfo>, AwsError> {
    let mut out = HashMap::new();
    for chunk in names.chunks(CHUNK) {
        let page = aws
            .ec2
            .describe_key_pairs()
            .filters(filter("key-name", chunk.iter().cloned()))
            .include_public_key(true)
            .send()
            .await
            .map_err(sdk("DescribeKeyPairs"))?;
        for k in page.key_pairs() {
            if let Some(n) = k.key_name() {
                out.insert(n.to_string(), k.clone());
            }
        }
    }
    Ok(out)
}

fn render(aws: &Aws, prior: &Json, k: &KeyPairInfo) -> Json {
    let name = k.key_name().unwrap_or_default();
    let owner = aws.account_id.clone().unwrap_or_default();
    let mut st = prior.clone();
    set(&mut st, "id", name);
    set(&mut st, "key_name", name);
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:key-pair/{name}",
            aws.partition, aws.region
        ),
    );
    set(
        &mut st,
        "fingerprint",
        k.key_fingerprint().unwrap_or_default(),
    );
    set(&mut st, "key_pair_id", k.key_pair_id().unwrap_or_default());
    set(
        &mut st,
        "key_type",
        k.key_type().map_or("rsa", |t| t.as_str()),
    );
    if s(prior, "key_name_prefix").is_none() {
        set(&mut st, "key_name_prefix", "");
    }
    if s(prior, "public_key").is_none() {
        set(&mut st, "public_key", opt(k.public_key()));
    }
    tags::set_read(aws, &mut st, prior, tags::from_ec2(k.tags()));
    st
}
