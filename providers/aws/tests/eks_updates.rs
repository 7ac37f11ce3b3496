//! EKS cluster changes that update in place against moto: subnets (`UpdateClusterConfig` with a VPC
//! update, in place since terraform-provider-aws 5.25), endpoint access and control plane logging
//! (each its own `UpdateClusterConfig`), checked through awscli.

mod support;

use serde_json::{Value as Json, json};
use support::*;

#[tokio::test]
async fn subnets_access_and_logging_change_in_place() {
    let p = provider().await;
    let m = moto();
    let vpc = create(&p, "aws_vpc", &json!({"cidr_block": "10.50.0.0/16"})).await;
    let mut subnets = Vec::new();
    for (n, az) in ["us-east-1a", "us-east-1b", "us-east-1c"]
        .iter()
        .enumerate()
    {
        let cfg = json!({"vpc_id": attr(&vpc, "id"), "cidr_block": format!("10.50.{n}.0/24"), "availability_zone": az});
        subnets.push(create(&p, "aws_subnet", &cfg).await);
    }
    let ids: Vec<String> = subnets.iter().map(|s| attr(s, "id")).collect();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = create(
        &p,
        "aws_iam_role",
        &json!({"name": moto::unique("eksupd"), "assume_role_policy": trust}),
    )
    .await;
    let name = moto::unique("upd");
    let cfg = |n: usize, public: bool, logs: Json| {
        json!({
            "name": name, "role_arn": attr(&role, "arn"),
            "vpc_config": [{"subnet_ids": ids[..n], "endpoint_public_access": public}],
            "enabled_cluster_log_types": logs,
        })
    };
    let cluster = create(&p, "aws_eks_cluster", &cfg(2, true, Json::Null)).await;
    assert_eq!(attr(&cluster, "status"), "ACTIVE");
    let describe = || m.aws_ok(&["eks", "describe-cluster", "--name", &name])["cluster"].clone();
    // a third subnet: the same cluster, updated
    let planned = plan(&p, "aws_eks_cluster", &cluster, &cfg(3, true, Json::Null)).await;
    assert!(
        planned.requires_replace.is_empty(),
        "{:?}",
        planned.requires_replace
    );
    let updated = apply(&p, "aws_eks_cluster", &cluster, &cfg(3, true, Json::Null)).await;
    assert_eq!(attr(&updated, "arn"), attr(&cluster, "arn"));
    assert_eq!(
        describe()["resourcesVpcConfig"]["subnetIds"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // logging and endpoint access
    let c3 = cfg(3, false, json!(["api", "audit"]));
    assert!(
        plan(&p, "aws_eks_cluster", &updated, &c3)
            .await
            .requires_replace
            .is_empty()
    );
    let updated = apply(&p, "aws_eks_cluster", &updated, &c3).await;
    // moto keeps only the fields of the last VPC update, so awscli sees no endpoint flags; the state
    // read back says the public endpoint is off
    assert_eq!(
        j(&updated)["vpc_config"][0]["endpoint_public_access"],
        false
    );
    assert_eq!(
        j(&updated)["enabled_cluster_log_types"],
        json!(["api", "audit"])
    );
    let fresh = read(&p, "aws_eks_cluster", &updated).await;
    assert_eq!(
        plan_diff(&p, "aws_eks_cluster", &fresh, &c3).await,
        Vec::<String>::new()
    );
    destroy(&p, "aws_eks_cluster", &fresh).await;
    assert!(
        m.aws(&["eks", "describe-cluster", "--name", &name])
            .is_err(),
        "gone"
    );
    destroy(&p, "aws_iam_role", &role).await;
    for s in &subnets {
        destroy(&p, "aws_subnet", s).await;
    }
    destroy(&p, "aws_vpc", &vpc).await;
}
