//! The provider block against moto: regions and aliases, assume_role through STS, profiles from
//! shared files, default tags, a missing region; and what a bulk refresh costs in API calls.

mod support;

use serde_json::json;
use support::*;
use terrane_provider_api::{ConfigureRequest, Provider};

/// Configures a provider with exactly `cfg` (plus the moto endpoints); the diagnostics' text.
async fn configure(cfg: serde_json::Value) -> (terrane_provider_aws::AwsProvider, String) {
    let m = moto();
    let p = terrane_provider_aws::provider().with_patience(fast());
    let mut cfg = cfg;
    cfg["endpoints"] =
        json!([{"ec2": m.url, "eks": m.url, "iam": m.url, "rds": m.url, "sts": m.url}]);
    cfg["max_retries"] = json!(1);
    let ty = p.schema().provider.block.implied_type();
    let config = terrane_values::json::from_json(&cfg, &ty).unwrap();
    let resp = p.configure(ConfigureRequest { config }).await;
    let text = diag_text(&resp.diagnostics);
    (p, text)
}

#[tokio::test]
async fn aliases_for_two_regions_keep_their_objects_apart() {
    let m = moto();
    let east = provider().await;
    let west = provider_with(json!({"region": "eu-west-1"})).await;
    let a = create(&east, "aws_vpc", &json!({"cidr_block": "10.40.0.0/16"})).await;
    let b = create(&west, "aws_vpc", &json!({"cidr_block": "10.41.0.0/16"})).await;
    assert!(
        attr(&b, "arn").contains(":eu-west-1:"),
        "{}",
        attr(&b, "arn")
    );
    // awscli asks us-east-1: only the first VPC is there
    let east_ids = |id: &str| {
        m.aws_ok(&[
            "ec2",
            "describe-vpcs",
            "--filters",
            &format!("Name=vpc-id,Values={id}"),
        ])["Vpcs"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(east_ids(&attr(&a, "id")), 1);
    assert_eq!(east_ids(&attr(&b, "id")), 0);
    // each provider sees only its own region's object
    assert!(read(&west, "aws_vpc", &a).await.is_null());
    assert!(!read(&east, "aws_vpc", &a).await.is_null());
    destroy(&east, "aws_vpc", &a).await;
    destroy(&west, "aws_vpc", &b).await;
}

#[tokio::test]
async fn assume_role_uses_the_role_s_credentials() {
    let base = provider().await;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    let role = create(
        &base,
        "aws_iam_role",
        &json!({"name": moto::unique("deployer"), "assume_role_policy": trust}),
    )
    .await;
    let (p, diags) = configure(json!({
        "region": moto::REGION, "access_key": "testing", "secret_key": "testing",
        "assume_role": [{"role_arn": attr(&role, "arn"), "session_name": "terrane-test", "external_id": "x"}],
    }))
    .await;
    assert!(diags.is_empty(), "{diags}");
    let who = data(&p, "aws_caller_identity", &json!({})).await;
    let arn = who["arn"].as_str().unwrap();
    assert!(
        arn.contains(":assumed-role/") && arn.ends_with("/terrane-test"),
        "{arn}"
    );
    destroy(&base, "aws_iam_role", &role).await;
}

#[tokio::test]
async fn profiles_come_from_shared_files() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("credentials");
    std::fs::write(
        &creds,
        "[deploy]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n",
    )
    .unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile deploy]\nregion = eu-central-1\n").unwrap();
    let (p, diags) = configure(json!({
        "profile": "deploy",
        "shared_credentials_files": [creds.display().to_string()],
        "shared_config_files": [config.display().to_string()],
    }))
    .await;
    assert!(diags.is_empty(), "{diags}");
    let region = data(&p, "aws_region", &json!({})).await;
    assert_eq!(
        region["name"], "eu-central-1",
        "the region comes from the profile"
    );
}

#[tokio::test]
async fn a_missing_region_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("config");
    std::fs::write(&empty, "").unwrap();
    let (_, diags) = configure(json!({
        "access_key": "testing", "secret_key": "testing", "profile": "nothing-here",
        "shared_config_files": [empty.display().to_string()], "shared_credentials_files": [empty.display().to_string()],
    }))
    .await;
    if std::env::var("AWS_REGION").is_err() && std::env::var("AWS_DEFAULT_REGION").is_err() {
        assert!(diags.contains("\"region\" is required"), "{diags}");
    }
    let (_, diags) = configure(json!({"region": moto::REGION, "access_key": "testing"})).await;
    assert!(
        diags.contains("`access_key` and `secret_key` must be set together"),
        "{diags}"
    );
}

#[tokio::test]
async fn default_tags_reach_aws_and_tags_all() {
    let m = moto();
    let p =
        provider_with(json!({"default_tags": [{"tags": {"Owner": "platform", "Env": "test"}}]}))
            .await;
    let sn_cfg = |tags: serde_json::Value| json!({"cidr_block": "10.42.0.0/16", "tags": tags});
    let vpc = create(
        &p,
        "aws_vpc",
        &sn_cfg(json!({"Env": "prod", "Name": "tagged"})),
    )
    .await;
    assert_eq!(
        j(&vpc)["tags_all"],
        json!({"Env": "prod", "Name": "tagged", "Owner": "platform"})
    );
    assert_eq!(
        j(&vpc)["tags"],
        json!({"Env": "prod", "Name": "tagged"}),
        "default tags stay out of `tags`"
    );
    let seen = m.aws_ok(&[
        "ec2",
        "describe-tags",
        "--filters",
        &format!("Name=resource-id,Values={}", attr(&vpc, "id")),
    ]);
    let keys: Vec<&str> = seen["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"Owner") && keys.contains(&"Env") && keys.contains(&"Name"),
        "{keys:?}"
    );
    assert!(
        plans_no_change(
            &p,
            "aws_vpc",
            &read(&p, "aws_vpc", &vpc).await,
            &sn_cfg(json!({"Env": "prod", "Name": "tagged"}))
        )
        .await
    );
    // dropping the own Env tag falls back to the default's value
    let back = apply(&p, "aws_vpc", &vpc, &sn_cfg(json!({"Name": "tagged"}))).await;
    assert_eq!(j(&back)["tags_all"]["Env"], "test");
    destroy(&p, "aws_vpc", &back).await;
}

#[tokio::test]
async fn bulk_refresh_costs_one_describe_call_per_type() {
    let p = provider().await;
    let vpc = create(&p, "aws_vpc", &json!({"cidr_block": "10.43.0.0/16"})).await;
    let vpc_id = attr(&vpc, "id");
    let mut sgs = Vec::new();
    let mut tables = Vec::new();
    for n in 0..4 {
        sgs.push(create(&p, "aws_security_group", &json!({"name": moto::unique("bulk"), "vpc_id": vpc_id, "ingress": [{"from_port": 80 + n, "to_port": 80 + n, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]}]})).await);
        tables.push(create(&p, "aws_route_table", &json!({"vpc_id": vpc_id})).await);
    }
    let counts = |p: &terrane_provider_aws::AwsProvider| p.api_calls().snapshot();
    p.api_calls().reset();
    let fresh = read_many(&p, "aws_security_group", &sgs).await;
    assert_eq!(
        counts(&p),
        [("EC2.DescribeSecurityGroups".to_string(), 1)].into()
    );
    assert!(fresh.iter().zip(&sgs).all(|(a, b)| j(a) == j(b)));
    p.api_calls().reset();
    read_many(&p, "aws_route_table", &tables).await;
    assert_eq!(
        counts(&p),
        [("EC2.DescribeRouteTables".to_string(), 1)].into()
    );
    for (sg, rt) in sgs.iter().zip(&tables) {
        destroy(&p, "aws_security_group", sg).await;
        destroy(&p, "aws_route_table", rt).await;
    }
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn a_provider_block_for_emulators_with_many_endpoints_loads() {
    let m = moto();
    let (p, diags) = configure(json!({
        "region": moto::REGION, "access_key": "testing", "secret_key": "testing",
        "skip_credentials_validation": true, "skip_requesting_account_id": true,
        "skip_metadata_api_check": "true", "s3_use_path_style": true, "retry_mode": "adaptive",
    }))
    .await;
    assert!(diags.is_empty(), "{diags}");
    let ty = p.schema().provider.block.implied_type();
    let mut cfg = json!({"region": moto::REGION, "access_key": "testing", "secret_key": "testing",
                         "endpoints": [{"ec2": m.url, "s3": m.url, "dynamodb": m.url, "sqs": m.url, "lambda": m.url}]});
    cfg["max_retries"] = json!(0);
    assert!(terrane_values::json::from_json(&cfg, &ty).is_ok());
    assert_eq!(
        p.api_calls().total(),
        0,
        "no credential validation call when skipped"
    );
}
