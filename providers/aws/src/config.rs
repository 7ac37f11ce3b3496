//! The provider's configuration block, as terraform-provider-aws takes it, and building the SDK
//! clients from it.
//!
//! Everything not set in the block comes from the SDK's standard sources, as with Terraform: the
//! `AWS_*` environment variables (`AWS_REGION`, `AWS_PROFILE`, `AWS_ACCESS_KEY_ID`,
//! `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_EC2`, `AWS_MAX_ATTEMPTS` ...), the shared config and
//! credentials files, and the container and instance metadata endpoints.

use crate::client::{ApiCalls, Aws};
use crate::json::{Json, b, block, i, s, string_map, strs};
use crate::retry::Patience;
use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block, Nesting};
use terrane_provider_sdk::error;
use terrane_values::Type;

/// The services whose endpoints the `endpoints` block overrides.
pub const SERVICES: [&str; 5] = ["ec2", "eks", "iam", "rds", "sts"];

/// Other services' endpoint arguments, accepted so that a provider block written for a larger set
/// of services (as stacks run against emulators often have) still loads; this provider does not
/// call them.
const OTHER_SERVICES: [&str; 30] = [
    "acm",
    "apigateway",
    "autoscaling",
    "cloudformation",
    "cloudwatch",
    "cloudwatchlogs",
    "dynamodb",
    "ecr",
    "ecs",
    "elasticache",
    "elb",
    "elbv2",
    "es",
    "events",
    "firehose",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "redshift",
    "route53",
    "s3",
    "secretsmanager",
    "ses",
    "sns",
    "sqs",
    "ssm",
    "stepfunctions",
    "organizations",
    "elasticloadbalancing",
];

/// The provider configuration schema.
pub fn schema() -> Schema {
    let string = || Attribute::optional(Type::String);
    let strings = || Attribute::optional(Type::list(Type::String));
    let mut endpoints = Block::default();
    for svc in SERVICES {
        endpoints = endpoints.attr(svc, string().describe("Endpoint URL of the service."));
    }
    for svc in OTHER_SERVICES {
        endpoints = endpoints.attr(
            svc,
            string().describe("Accepted; this provider does not call the service."),
        );
    }
    let assume_role = Block::default()
        .attr("role_arn", string())
        .attr("session_name", string())
        .attr("external_id", string())
        .attr("duration", string())
        .attr("policy", string())
        .attr("policy_arns", Attribute::optional(Type::set(Type::String)))
        .attr("tags", Attribute::optional(Type::map(Type::String)))
        .attr(
            "transitive_tag_keys",
            Attribute::optional(Type::set(Type::String)),
        );
    let block = Block::default()
        .attr("region", string().describe("The AWS region."))
        .attr(
            "profile",
            string().describe("The profile of the shared configuration files."),
        )
        .attr("shared_credentials_files", strings())
        .attr("shared_config_files", strings())
        .attr("access_key", string())
        .attr("secret_key", string().sensitive())
        .attr("token", string().sensitive())
        .attr("max_retries", Attribute::optional(Type::Number))
        .attr("retry_mode", string())
        .attr("use_fips_endpoint", Attribute::optional(Type::Bool))
        .attr("use_dualstack_endpoint", Attribute::optional(Type::Bool))
        .attr("insecure", Attribute::optional(Type::Bool))
        .attr("s3_use_path_style", Attribute::optional(Type::Bool))
        .attr("sts_region", string())
        .attr("http_proxy", string())
        .attr("https_proxy", string())
        .attr("no_proxy", string())
        .attr("custom_ca_bundle", string())
        .attr("ec2_metadata_service_endpoint", string())
        .attr("ec2_metadata_service_endpoint_mode", string())
        .attr(
            "skip_credentials_validation",
            Attribute::optional(Type::Bool),
        )
        .attr(
            "skip_requesting_account_id",
            Attribute::optional(Type::Bool),
        )
        .attr("skip_metadata_api_check", string())
        .attr("skip_region_validation", Attribute::optional(Type::Bool))
        .attr(
            "allowed_account_ids",
            Attribute::optional(Type::set(Type::String)),
        )
        .attr(
            "forbidden_account_ids",
            Attribute::optional(Type::set(Type::String)),
        )
        .nested("assume_role", Nesting::List, assume_role)
        .nested("endpoints", Nesting::Set, endpoints)
        .nested(
            "default_tags",
            Nesting::List,
            Block::default().attr("tags", Attribute::optional(Type::map(Type::String))),
        )
        .nested(
            "ignore_tags",
            Nesting::List,
            Block::default()
                .attr("keys", Attribute::optional(Type::set(Type::String)))
                .attr("key_prefixes", Attribute::optional(Type::set(Type::String))),
        );
    Schema { version: 0, block }
}

/// The endpoint override of `service` from the `endpoints` block.
fn endpoint(cfg: &Json, service: &str) -> Option<String> {
    crate::json::blocks(cfg, "endpoints")
        .iter()
        .find_map(|e| s(e, service).map(str::to_string))
}

/// Builds the clients from a configuration; `calls` counts every API call they make.
pub async fn connect(cfg: &Json, calls: &ApiCalls) -> Result<Aws, Diagnostics> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(r) = s(cfg, "region") {
        loader = loader.region(Region::new(r.to_string()));
    }
    if let Some(p) = s(cfg, "profile") {
        loader = loader.profile_name(p);
    }
    let cred_files = strs(cfg, "shared_credentials_files");
    let config_files = strs(cfg, "shared_config_files");
    if !cred_files.is_empty() || !config_files.is_empty() {
        let mut files = EnvConfigFiles::builder()
            .include_default_config_file(config_files.is_empty())
            .include_default_credentials_file(cred_files.is_empty());
        for f in &cred_files {
            files = files.with_file(EnvConfigFileKind::Credentials, expand_home(f));
        }
        for f in &config_files {
            files = files.with_file(EnvConfigFileKind::Config, expand_home(f));
        }
        #[allow(deprecated)]
        {
            loader = loader.profile_files(files.build());
        }
    }
    match (s(cfg, "access_key"), s(cfg, "secret_key")) {
        (Some(ak), Some(sk)) => {
            let token = s(cfg, "token").map(str::to_string);
            loader = loader.credentials_provider(Credentials::new(ak, sk, token, None, "terrane"));
        }
        (None, None) => {}
        _ => {
            return Err(error(
                "Invalid provider configuration",
                "`access_key` and `secret_key` must be set together",
            ));
        }
    }
    let adaptive = s(cfg, "retry_mode") == Some("adaptive");
    if let Some(n) = i(cfg, "max_retries") {
        let attempts = u32::try_from(n.max(0))
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let base = if adaptive {
            RetryConfig::adaptive()
        } else {
            RetryConfig::standard()
        };
        loader = loader.retry_config(base.with_max_attempts(attempts));
    } else if adaptive {
        loader = loader.retry_config(RetryConfig::adaptive());
    }
    if let Some(f) = b(cfg, "use_fips_endpoint") {
        loader = loader.use_fips(f);
    }
    if let Some(d) = b(cfg, "use_dualstack_endpoint") {
        loader = loader.use_dual_stack(d);
    }
    let mut sdk = loader.load().await;
    let Some(region) = sdk.region().map(|r| r.to_string()) else {
        return Err(error(
            "Missing required argument",
            "The argument \"region\" is required, but no definition was found: set `region` in the provider block or the AWS_REGION environment variable",
        ));
    };
    if let Some(role) = block(cfg, "assume_role").filter(|r| s(r, "role_arn").is_some()) {
        sdk = assume_role(sdk, role, endpoint(cfg, "sts")).await?;
    }
    let ep = |svc: &str| endpoint(cfg, svc);
    let ec2 = {
        let mut b = aws_sdk_ec2::config::Builder::from(&sdk).interceptor(calls.clone());
        if let Some(u) = ep("ec2") {
            b = b.endpoint_url(u);
        }
        aws_sdk_ec2::Client::from_conf(b.build())
    };
    let eks = {
        let mut b = aws_sdk_eks::config::Builder::from(&sdk).interceptor(calls.clone());
        if let Some(u) = ep("eks") {
            b = b.endpoint_url(u);
        }
        aws_sdk_eks::Client::from_conf(b.build())
    };
    let rds = {
        let mut b = aws_sdk_rds::config::Builder::from(&sdk).interceptor(calls.clone());
        if let Some(u) = ep("rds") {
            b = b.endpoint_url(u);
        }
        aws_sdk_rds::Client::from_conf(b.build())
    };
    let iam = {
        let mut b = aws_sdk_iam::config::Builder::from(&sdk).interceptor(calls.clone());
        if let Some(u) = ep("iam") {
            b = b.endpoint_url(u);
        }
        aws_sdk_iam::Client::from_conf(b.build())
    };
    let sts = {
        let mut b = aws_sdk_sts::config::Builder::from(&sdk).interceptor(calls.clone());
        if let Some(u) = ep("sts") {
            b = b.endpoint_url(u);
        }
        aws_sdk_sts::Client::from_conf(b.build())
    };
    let ignore = block(cfg, "ignore_tags");
    let partition = partition_of(&region).to_string();
    let endpoint = ep("ec2")
        .or_else(|| std::env::var("AWS_ENDPOINT_URL_EC2").ok())
        .or_else(|| sdk.endpoint_url().map(str::to_string));
    let mut aws = Aws {
        ec2,
        eks,
        rds,
        iam,
        sts,
        region,
        default_tags: block(cfg, "default_tags")
            .map(|d| string_map(d, "tags"))
            .unwrap_or_default(),
        ignore_tag_keys: ignore.map(|t| strs(t, "keys")).unwrap_or_default(),
        ignore_tag_prefixes: ignore.map(|t| strs(t, "key_prefixes")).unwrap_or_default(),
        patience: Patience::from_env(),
        account_id: None,
        partition,
        endpoint,
    };
    let skip_validation = b(cfg, "skip_credentials_validation").unwrap_or(false);
    let skip_account = b(cfg, "skip_requesting_account_id").unwrap_or(false);
    if !skip_validation || !skip_account {
        match aws.sts.get_caller_identity().send().await {
            Ok(out) => aws.account_id = out.account().map(str::to_string),
            Err(e) if !skip_validation => {
                let e = crate::error::AwsError::from_sdk("GetCallerIdentity", e);
                return Err(
                    e.diag("Retrieving AWS account details: validating provider credentials")
                );
            }
            Err(_) => {}
        }
    }
    if let Some(acct) = &aws.account_id {
        let allowed = strs(cfg, "allowed_account_ids");
        let forbidden = strs(cfg, "forbidden_account_ids");
        if (!allowed.is_empty() && !allowed.contains(acct)) || forbidden.contains(acct) {
            return Err(error(
                "Invalid provider configuration",
                format!("AWS account ID not allowed: {acct}"),
            ));
        }
    }
    Ok(aws)
}

/// Replaces the credentials with those of the role in the `assume_role` block.
async fn assume_role(
    sdk: aws_types::SdkConfig,
    role: &Json,
    sts_endpoint: Option<String>,
) -> Result<aws_types::SdkConfig, Diagnostics> {
    let arn = s(role, "role_arn").unwrap_or_default();
    let mut b = aws_config::sts::AssumeRoleProvider::builder(arn)
        .session_name(s(role, "session_name").unwrap_or("terrane"));
    if let Some(x) = s(role, "external_id") {
        b = b.external_id(x);
    }
    if let Some(p) = s(role, "policy") {
        b = b.policy(p);
    }
    let arns = strs(role, "policy_arns");
    if !arns.is_empty() {
        b = b.policy_arns(arns);
    }
    if let Some(d) = s(role, "duration") {
        let Some(d) = crate::wait::parse_duration(d) else {
            return Err(error(
                "Invalid provider configuration",
                format!("assume_role.duration {d:?} is not a duration such as `1h`"),
            ));
        };
        b = b.session_length(d);
    }
    let tags = string_map(role, "tags");
    if !tags.is_empty() {
        b = b.tags(tags);
    }
    let base = match sts_endpoint {
        Some(u) => sdk.to_builder().endpoint_url(u).build(),
        None => sdk.clone(),
    };
    let provider = b.configure(&base).build().await;
    Ok(sdk
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build())
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}

/// The partition of a region.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}
