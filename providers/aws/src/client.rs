//! The configured provider: one SDK client per service, the default tags, and the counter of API
//! calls every client reports to.

use crate::retry::Patience;
use crate::tags::Tags;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Everything a resource type needs to talk to AWS.
pub struct Aws {
    /// EC2 (and VPC).
    pub ec2: aws_sdk_ec2::Client,
    /// EKS.
    pub eks: aws_sdk_eks::Client,
    /// RDS.
    pub rds: aws_sdk_rds::Client,
    /// IAM.
    pub iam: aws_sdk_iam::Client,
    /// STS.
    pub sts: aws_sdk_sts::Client,
    /// The region.
    pub region: String,
    /// The provider's `default_tags`.
    pub default_tags: Tags,
    /// `ignore_tags`: exact keys.
    pub ignore_tag_keys: Vec<String>,
    /// `ignore_tags`: key prefixes.
    pub ignore_tag_prefixes: Vec<String>,
    /// Delays and timeouts of retries and polls.
    pub patience: Patience,
    /// The account id, when credentials were validated.
    pub account_id: Option<String>,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// The EC2 endpoint, when it is set rather than AWS's own (an emulator).
    pub endpoint: Option<String>,
}

impl Aws {
    /// Whether `ignore_tags` covers `key`.
    pub fn ignores_tag(&self, key: &str) -> bool {
        self.ignore_tag_keys.iter().any(|k| k == key)
            || self.ignore_tag_prefixes.iter().any(|p| key.starts_with(p))
    }

    /// What a listing of this account's objects covers: the partition, account, region (`regional`;
    /// IAM's objects are the same from every region) and endpoint. `None` without an account id
    /// (`skip_requesting_account_id`).
    pub fn scope(&self, regional: bool) -> Option<String> {
        let account = self.account_id.as_deref()?;
        let mut scope = format!("{} account {account}", self.partition);
        if regional {
            scope.push_str(&format!(" region {}", self.region));
        }
        if let Some(e) = &self.endpoint {
            scope.push_str(&format!(" at {e}"));
        }
        Some(scope)
    }
}

/// The AWS API calls a provider made, by `Service.Operation`: the measure of how many calls a
/// refresh costs. Counted once per operation, not per retry attempt.
#[derive(Clone, Debug, Default)]
pub struct ApiCalls {
    calls: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl ApiCalls {
    /// Calls per operation (`EC2.DescribeSubnets` ...).
    pub fn snapshot(&self) -> BTreeMap<String, usize> {
        self.calls.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The number of calls of one operation (`DescribeSubnets`) on any service.
    pub fn of(&self, operation: &str) -> usize {
        self.snapshot()
            .iter()
            .filter(|(k, _)| k.rsplit('.').next() == Some(operation))
            .map(|(_, n)| n)
            .sum()
    }

    /// Every call counted so far.
    pub fn total(&self) -> usize {
        self.snapshot().values().sum()
    }

    /// Forgets the calls counted so far.
    pub fn reset(&self) {
        if let Ok(mut m) = self.calls.lock() {
            m.clear();
        }
    }

    fn record(&self, service: &str, operation: &str) {
        if let Ok(mut m) = self.calls.lock() {
            *m.entry(format!("{service}.{operation}")).or_default() += 1;
        }
    }
}

impl Intercept for ApiCalls {
    fn name(&self) -> &'static str {
        "terrane.ApiCalls"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match cfg.load::<Metadata>() {
            Some(m) => self.record(m.service(), m.name()),
            None => self.record("unknown", "unknown"),
        }
        Ok(())
    }
}
