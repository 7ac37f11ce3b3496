//! VPC, subnets, gateways and route tables against moto: create, read, update in place, replace,
//! drift made through awscli, import, bulk refresh (API calls counted), delete.

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn vpc_lifecycle_with_tags_drift_and_import() {
    let p = provider_with(json!({"default_tags": [{"tags": {"Stack": "test"}}]})).await;
    let m = moto();
    let cfg = json!({"cidr_block": "10.10.0.0/16", "enable_dns_hostnames": true, "tags": {"Name": "main"}});
    let vpc = create(&p, "aws_vpc", &cfg).await;
    let id = attr(&vpc, "id");
    assert!(id.starts_with("vpc-"), "{id}");
    assert_eq!(
        j(&vpc)["tags_all"],
        json!({"Name": "main", "Stack": "test"})
    );
    assert_eq!(j(&vpc)["enable_dns_hostnames"], json!(true));
    assert!(attr(&vpc, "default_security_group_id").starts_with("sg-"));
    assert!(attr(&vpc, "main_route_table_id").starts_with("rtb-"));
    // awscli sees it as configured
    let seen = m.aws_ok(&["ec2", "describe-vpcs", "--vpc-ids", &id]);
    assert_eq!(seen["Vpcs"][0]["CidrBlock"], "10.10.0.0/16");
    let attr_out = m.aws_ok(&[
        "ec2",
        "describe-vpc-attribute",
        "--vpc-id",
        &id,
        "--attribute",
        "enableDnsHostnames",
    ]);
    assert_eq!(attr_out["EnableDnsHostnames"]["Value"], true);
    // a refresh of an unchanged VPC plans nothing
    let fresh = read(&p, "aws_vpc", &vpc).await;
    assert_eq!(j(&fresh), j(&vpc));
    assert!(plans_no_change(&p, "aws_vpc", &fresh, &cfg).await);
    // drift: a tag changed and DNS hostnames turned off behind terrane's back
    m.aws_ok(&[
        "ec2",
        "create-tags",
        "--resources",
        &id,
        "--tags",
        "Key=Name,Value=changed",
    ]);
    m.aws_ok(&[
        "ec2",
        "modify-vpc-attribute",
        "--vpc-id",
        &id,
        "--no-enable-dns-hostnames",
    ]);
    let drifted = read(&p, "aws_vpc", &vpc).await;
    assert_eq!(j(&drifted)["tags"], json!({"Name": "changed"}));
    assert_eq!(j(&drifted)["enable_dns_hostnames"], json!(false));
    assert!(!plans_no_change(&p, "aws_vpc", &drifted, &cfg).await);
    // planned back in place
    let back = apply(&p, "aws_vpc", &drifted, &cfg).await;
    assert_eq!(attr(&back, "id"), id, "updated in place");
    assert_eq!(j(&back)["tags"], json!({"Name": "main"}));
    let seen = m.aws_ok(&[
        "ec2",
        "describe-vpc-attribute",
        "--vpc-id",
        &id,
        "--attribute",
        "enableDnsHostnames",
    ]);
    assert_eq!(seen["EnableDnsHostnames"]["Value"], true);
    // a new CIDR block replaces
    let planned = plan(&p, "aws_vpc", &back, &json!({"cidr_block": "10.11.0.0/16"})).await;
    assert_eq!(planned.requires_replace.len(), 1);
    // import by id reads the same object
    let imported = import(&p, "aws_vpc", &id).await;
    assert_eq!(attr(&imported, "cidr_block"), "10.10.0.0/16");
    assert_eq!(j(&imported)["tags"], json!({"Name": "main"}));
    destroy(&p, "aws_vpc", &back).await;
    assert!(
        read(&p, "aws_vpc", &back).await.is_null(),
        "gone after destroy"
    );
    assert!(
        m.aws_ok(&[
            "ec2",
            "describe-vpcs",
            "--filters",
            &format!("Name=vpc-id,Values={id}")
        ])["Vpcs"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn subnets_refresh_in_one_call_and_deleted_ones_are_gone() {
    let p = provider().await;
    let m = moto();
    let vpc = create(&p, "aws_vpc", &json!({"cidr_block": "10.20.0.0/16"})).await;
    let vpc_id = attr(&vpc, "id");
    let mut subnets = Vec::new();
    for n in 0..5 {
        let cfg = json!({"vpc_id": vpc_id, "cidr_block": format!("10.20.{n}.0/24"), "availability_zone": "us-east-1a", "tags": {"n": n.to_string()}});
        subnets.push(create(&p, "aws_subnet", &cfg).await);
    }
    // one deleted behind terrane's back
    m.aws_ok(&[
        "ec2",
        "delete-subnet",
        "--subnet-id",
        &attr(&subnets[4], "id"),
    ]);
    p.api_calls().reset();
    let fresh = read_many(&p, "aws_subnet", &subnets).await;
    assert_eq!(
        p.api_calls().of("DescribeSubnets"),
        1,
        "{:?}",
        p.api_calls().snapshot()
    );
    assert_eq!(p.api_calls().total(), 1);
    for (f, s) in fresh.iter().zip(&subnets).take(4) {
        assert_eq!(j(f), j(s));
    }
    assert!(fresh[4].is_null());
    // map_public_ip_on_launch updates in place; a new CIDR block replaces
    let cfg = json!({"vpc_id": vpc_id, "cidr_block": "10.20.0.0/24", "availability_zone": "us-east-1a", "map_public_ip_on_launch": true, "tags": {"n": "0"}});
    let updated = apply(&p, "aws_subnet", &subnets[0], &cfg).await;
    assert_eq!(attr(&updated, "id"), attr(&subnets[0], "id"));
    let seen = m.aws_ok(&[
        "ec2",
        "describe-subnets",
        "--subnet-ids",
        &attr(&updated, "id"),
    ]);
    assert_eq!(seen["Subnets"][0]["MapPublicIpOnLaunch"], true);
    let cfg2 =
        json!({"vpc_id": vpc_id, "cidr_block": "10.20.9.0/24", "availability_zone": "us-east-1a"});
    assert!(
        !plan(&p, "aws_subnet", &updated, &cfg2)
            .await
            .requires_replace
            .is_empty()
    );
    for s in fresh.iter().take(4).skip(1) {
        destroy(&p, "aws_subnet", s).await;
    }
    destroy(&p, "aws_subnet", &updated).await;
    destroy(&p, "aws_vpc", &vpc).await;
}
