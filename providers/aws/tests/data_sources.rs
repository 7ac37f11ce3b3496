//! The data sources against moto: availability zones, AMIs, VPCs and subnets found by id, tags and
//! filters, the caller's identity, the region, and IAM policy documents (which need no call).

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn zones_region_and_identity() {
    let p = provider().await;
    let zones = data(&p, "aws_availability_zones", &json!({"state": "available"})).await;
    let names: Vec<&str> = zones["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with(moto::REGION)));
    assert_eq!(zones["zone_ids"].as_array().unwrap().len(), names.len());
    let fewer = data(
        &p,
        "aws_availability_zones",
        &json!({"exclude_names": ["us-east-1a"]}),
    )
    .await;
    assert!(
        !fewer["names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "us-east-1a")
    );
    assert_eq!(fewer["names"].as_array().unwrap().len(), names.len() - 1);

    let region = data(&p, "aws_region", &json!({})).await;
    assert_eq!(region["name"], moto::REGION);
    assert_eq!(region["id"], moto::REGION);

    let partition = data(&p, "aws_partition", &json!({})).await;
    assert_eq!(partition["partition"], "aws");
    assert_eq!(partition["dns_suffix"], "amazonaws.com");

    let me = data(&p, "aws_caller_identity", &json!({})).await;
    let seen = moto().aws_ok(&["sts", "get-caller-identity"]);
    assert_eq!(me["account_id"], seen["Account"]);
    assert_eq!(me["arn"], seen["Arn"]);
    assert_eq!(me["id"], seen["Account"]);
}

#[tokio::test]
async fn vpc_and_subnets_by_id_tags_and_filters() {
    let p = provider().await;
    let tag = moto::unique("find");
    let vpc = create(
        &p,
        "aws_vpc",
        &json!({"cidr_block": "10.90.0.0/16", "tags": {"Find": tag}}),
    )
    .await;
    let vpc_id = attr(&vpc, "id");
    let mut subnets = Vec::new();
    for n in 0..3 {
        let tier = if n == 0 { "public" } else { "private" };
        let cfg = json!({"vpc_id": vpc_id, "cidr_block": format!("10.90.{n}.0/24"), "tags": {"Tier": tier}});
        subnets.push(create(&p, "aws_subnet", &cfg).await);
    }
    let by_id = data(&p, "aws_vpc", &json!({"id": vpc_id})).await;
    assert_eq!(by_id["cidr_block"], "10.90.0.0/16");
    assert_eq!(
        by_id["main_route_table_id"],
        attr(&vpc, "main_route_table_id").as_str()
    );
    let by_tag = data(&p, "aws_vpc", &json!({"tags": {"Find": tag}})).await;
    assert_eq!(by_tag["id"], vpc_id.as_str());
    let by_filter = data(&p, "aws_vpc", &json!({"filter": [{"name": "cidr-block", "values": ["10.90.0.0/16"]}], "tags": {"Find": tag}})).await;
    assert_eq!(by_filter["id"], vpc_id.as_str());

    let private = data(
        &p,
        "aws_subnets",
        &json!({
            "filter": [{"name": "vpc-id", "values": [vpc_id]}],
            "tags": {"Tier": "private"},
        }),
    )
    .await;
    let mut ids: Vec<String> = private["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect();
    ids.sort();
    let mut want: Vec<String> = subnets[1..].iter().map(|s| attr(s, "id")).collect();
    want.sort();
    assert_eq!(ids, want);

    // nothing matches: the error Terraform gives
    let b = terrane_provider_api::Provider::schema(&p).data_sources["aws_vpc"]
        .block
        .clone();
    let config = terrane_values::json::from_json(
        &json!({"tags": {"Find": "nothing-has-this"}}),
        &b.implied_type(),
    )
    .unwrap();
    let resp = terrane_provider_api::Provider::read_data_source(
        &p,
        terrane_provider_api::ReadDataRequest {
            type_name: "aws_vpc".into(),
            config,
        },
    )
    .await;
    assert!(
        diag_text(&resp.diagnostics).contains("no matching EC2 VPC found"),
        "{}",
        diag_text(&resp.diagnostics)
    );

    for s in &subnets {
        destroy(&p, "aws_subnet", s).await;
    }
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn amis_by_owner_name_and_most_recent() {
    let p = provider().await;
    let all = moto().aws_ok(&["ec2", "describe-images", "--owners", "amazon"]);
    let images = all["Images"].as_array().unwrap();
    assert!(!images.is_empty());
    let name = images[0]["Name"].as_str().unwrap();
    let ami = data(
        &p,
        "aws_ami",
        &json!({
            "owners": ["amazon"], "most_recent": true,
            "filter": [{"name": "name", "values": [name]}],
        }),
    )
    .await;
    assert_eq!(ami["id"], images[0]["ImageId"]);
    assert_eq!(ami["name"], name);
    assert_eq!(ami["image_id"], ami["id"]);
    assert!(
        ami["arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:ec2:us-east-1::image/ami-")
    );
}

#[tokio::test]
async fn policy_documents_render_as_terraform_does() {
    let p = provider().await;
    let doc = data(
        &p,
        "aws_iam_policy_document",
        &json!({"statement": [{
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["eks.amazonaws.com"]}],
        }]}),
    )
    .await;
    let parsed: serde_json::Value = serde_json::from_str(doc["json"].as_str().unwrap()).unwrap();
    assert_eq!(
        parsed,
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "eks.amazonaws.com"}}]})
    );
    assert!(!doc["minified_json"].as_str().unwrap().contains(' '));
    // a role accepts it as its trust policy
    let role = create(
        &p,
        "aws_iam_role",
        &json!({"name": moto::unique("docrole"), "assume_role_policy": doc["json"]}),
    )
    .await;
    assert!(
        plans_no_change(
            &p,
            "aws_iam_role",
            &read(&p, "aws_iam_role", &role).await,
            &json!({"name": attr(&role, "name"), "assume_role_policy": doc["json"]})
        )
        .await
    );
    destroy(&p, "aws_iam_role", &role).await;
}
