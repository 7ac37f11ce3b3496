//! IAM roles, policies and attachments, EKS clusters and node groups against moto: create, read,
//! update in place, replace, drift made through awscli, import, delete; and the diagnostic for an
//! operation moto does not implement (EKS `UpdateClusterVersion`).

mod support;

use serde_json::{Value as Json, json};
use support::*;
use terrane_values::Value;

const EKS_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"eks.amazonaws.com"}}]}"#;
const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#;

fn policy_doc(action: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
        .to_string()
}

#[tokio::test]
async fn iam_role_policy_and_attachment_lifecycle() {
    let p = provider().await;
    let m = moto();
    let name = moto::unique("role");
    let cfg = json!({"name": name, "assume_role_policy": EKS_TRUST, "description": "one", "tags": {"team": "a"}});
    let role = create(&p, "aws_iam_role", &cfg).await;
    assert_eq!(attr(&role, "id"), name);
    assert!(attr(&role, "arn").ends_with(&format!(":role/{name}")));
    assert_eq!(
        attr(&role, "assume_role_policy"),
        EKS_TRUST,
        "kept as written"
    );
    let fresh = read(&p, "aws_iam_role", &role).await;
    assert!(plans_no_change(&p, "aws_iam_role", &fresh, &cfg).await);
    let seen = m.aws_ok(&["iam", "get-role", "--role-name", &name]);
    assert_eq!(seen["Role"]["Description"], "one");

    // a managed policy: a new document is a new default version
    let pname = moto::unique("policy");
    let pcfg = json!({"name": pname, "policy": policy_doc("s3:GetObject")});
    let policy = create(&p, "aws_iam_policy", &pcfg).await;
    let arn = attr(&policy, "arn");
    assert_eq!(attr(&policy, "id"), arn);
    assert!(
        plans_no_change(
            &p,
            "aws_iam_policy",
            &read(&p, "aws_iam_policy", &policy).await,
            &pcfg
        )
        .await
    );
    let pcfg2 = json!({"name": pname, "policy": policy_doc("s3:PutObject")});
    let policy2 = apply(&p, "aws_iam_policy", &policy, &pcfg2).await;
    assert_eq!(attr(&policy2, "arn"), arn, "updated in place");
    let meta = m.aws_ok(&["iam", "get-policy", "--policy-arn", &arn]);
    let version = meta["Policy"]["DefaultVersionId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(version, "v1");
    let doc = m.aws_ok(&[
        "iam",
        "get-policy-version",
        "--policy-arn",
        &arn,
        "--version-id",
        &version,
    ]);
    assert!(doc.to_string().contains("s3:PutObject"), "{doc}");
    // a new description replaces
    let pcfg3 = json!({"name": pname, "policy": policy_doc("s3:PutObject"), "description": "d"});
    assert!(
        !plan(&p, "aws_iam_policy", &policy2, &pcfg3)
            .await
            .requires_replace
            .is_empty()
    );

    // attach it
    let acfg = json!({"role": name, "policy_arn": arn});
    let att = create(&p, "aws_iam_role_policy_attachment", &acfg).await;
    let listed = m.aws_ok(&["iam", "list-attached-role-policies", "--role-name", &name]);
    assert_eq!(listed["AttachedPolicies"][0]["PolicyArn"], arn.as_str());
    let imported = import(
        &p,
        "aws_iam_role_policy_attachment",
        &format!("{name}/{arn}"),
    )
    .await;
    assert_eq!(attr(&imported, "policy_arn"), arn);
    // drift: detached behind terrane's back, so the attachment is gone
    m.aws_ok(&[
        "iam",
        "detach-role-policy",
        "--role-name",
        &name,
        "--policy-arn",
        &arn,
    ]);
    assert!(
        read(&p, "aws_iam_role_policy_attachment", &att)
            .await
            .is_null()
    );
    let att = create(&p, "aws_iam_role_policy_attachment", &acfg).await;

    // drift on the role: the trust policy and a tag
    m.aws_ok(&[
        "iam",
        "update-assume-role-policy",
        "--role-name",
        &name,
        "--policy-document",
        EC2_TRUST,
    ]);
    m.aws_ok(&[
        "iam",
        "tag-role",
        "--role-name",
        &name,
        "--tags",
        "Key=team,Value=b",
    ]);
    let drifted = read(&p, "aws_iam_role", &role).await;
    assert!(attr(&drifted, "assume_role_policy").contains("ec2.amazonaws.com"));
    assert_eq!(j(&drifted)["tags"], json!({"team": "b"}));
    assert!(!plans_no_change(&p, "aws_iam_role", &drifted, &cfg).await);
    let back = apply(&p, "aws_iam_role", &drifted, &cfg).await;
    assert_eq!(attr(&back, "assume_role_policy"), EKS_TRUST);
    let seen = m.aws_ok(&["iam", "get-role", "--role-name", &name]);
    assert!(
        seen["Role"]["AssumeRolePolicyDocument"]
            .to_string()
            .contains("eks.amazonaws.com")
    );
    assert!(
        plans_no_change(
            &p,
            "aws_iam_role",
            &read(&p, "aws_iam_role", &back).await,
            &cfg
        )
        .await
    );
    // a new name replaces
    let renamed = json!({"name": format!("{name}-2"), "assume_role_policy": EKS_TRUST});
    assert!(
        !plan(&p, "aws_iam_role", &back, &renamed)
            .await
            .requires_replace
            .is_empty()
    );
    let imported = import(&p, "aws_iam_role", &name).await;
    assert_eq!(attr(&imported, "arn"), attr(&back, "arn"));

    destroy(&p, "aws_iam_role_policy_attachment", &att).await;
    destroy(&p, "aws_iam_policy", &policy2).await;
    destroy(&p, "aws_iam_role", &back).await;
    assert!(m.aws(&["iam", "get-role", "--role-name", &name]).is_err());
    assert!(m.aws(&["iam", "get-policy", "--policy-arn", &arn]).is_err());
}

/// A VPC with two subnets and the cluster and node roles: what an EKS cluster needs.
struct Network {
    vpc: Value,
    subnets: Vec<Value>,
    cluster_role: Value,
    node_role: Value,
}

async fn network(p: &terrane_provider_aws::AwsProvider, cidr: u8) -> Network {
    let vpc = create(
        p,
        "aws_vpc",
        &json!({"cidr_block": format!("10.{cidr}.0.0/16")}),
    )
    .await;
    let mut subnets = Vec::new();
    for (n, az) in ["us-east-1a", "us-east-1b"].iter().enumerate() {
        let cfg = json!({"vpc_id": attr(&vpc, "id"), "cidr_block": format!("10.{cidr}.{n}.0/24"), "availability_zone": az});
        subnets.push(create(p, "aws_subnet", &cfg).await);
    }
    let cluster_role = create(
        p,
        "aws_iam_role",
        &json!({"name": moto::unique("cluster"), "assume_role_policy": EKS_TRUST}),
    )
    .await;
    let node_role = create(
        p,
        "aws_iam_role",
        &json!({"name": moto::unique("node"), "assume_role_policy": EC2_TRUST}),
    )
    .await;
    Network {
        vpc,
        subnets,
        cluster_role,
        node_role,
    }
}

impl Network {
    fn subnet_ids(&self) -> Json {
        json!(
            self.subnets
                .iter()
                .map(|s| attr(s, "id"))
                .collect::<Vec<_>>()
        )
    }

    async fn destroy(self, p: &terrane_provider_aws::AwsProvider) {
        for s in &self.subnets {
            destroy(p, "aws_subnet", s).await;
        }
        destroy(p, "aws_vpc", &self.vpc).await;
        destroy(p, "aws_iam_role", &self.cluster_role).await;
        destroy(p, "aws_iam_role", &self.node_role).await;
    }
}

#[tokio::test]
async fn eks_cluster_and_node_group_lifecycle() {
    let p = provider().await;
    let m = moto();
    let net = network(&p, 70).await;
    let name = moto::unique("eks");
    let cfg = json!({
        "name": name, "role_arn": attr(&net.cluster_role, "arn"), "version": "1.29",
        "vpc_config": [{"subnet_ids": net.subnet_ids(), "endpoint_public_access": true}],
        "tags": {"team": "a"},
    });
    let cluster = create(&p, "aws_eks_cluster", &cfg).await;
    assert_eq!(attr(&cluster, "id"), name);
    assert_eq!(attr(&cluster, "status"), "ACTIVE");
    assert!(!attr(&cluster, "endpoint").is_empty());
    let fresh = read(&p, "aws_eks_cluster", &cluster).await;
    assert!(plans_no_change(&p, "aws_eks_cluster", &fresh, &cfg).await);
    let seen = m.aws_ok(&["eks", "describe-cluster", "--name", &name]);
    assert_eq!(seen["cluster"]["version"], "1.29");
    assert_eq!(
        seen["cluster"]["roleArn"],
        attr(&net.cluster_role, "arn").as_str()
    );

    // tags update in place; drift on them shows
    let cfg2 = json!({
        "name": name, "role_arn": attr(&net.cluster_role, "arn"), "version": "1.29",
        "vpc_config": [{"subnet_ids": net.subnet_ids(), "endpoint_public_access": true}],
        "tags": {"team": "b"},
    });
    let cluster = apply(&p, "aws_eks_cluster", &fresh, &cfg2).await;
    let seen = m.aws_ok(&["eks", "describe-cluster", "--name", &name]);
    assert_eq!(seen["cluster"]["tags"]["team"], "b");
    m.aws_ok(&[
        "eks",
        "tag-resource",
        "--resource-arn",
        &attr(&cluster, "arn"),
        "--tags",
        "team=c",
    ]);
    let drifted = read(&p, "aws_eks_cluster", &cluster).await;
    assert_eq!(j(&drifted)["tags"], json!({"team": "c"}));
    assert!(!plans_no_change(&p, "aws_eks_cluster", &drifted, &cfg2).await);
    let cluster = apply(&p, "aws_eks_cluster", &drifted, &cfg2).await;
    // other subnets or another role replace
    let moved = json!({
        "name": name, "role_arn": attr(&net.node_role, "arn"), "version": "1.29",
        "vpc_config": [{"subnet_ids": net.subnet_ids(), "endpoint_public_access": true}],
    });
    assert!(
        !plan(&p, "aws_eks_cluster", &cluster, &moved)
            .await
            .requires_replace
            .is_empty()
    );

    // a node group; scaling changes in place
    let ng_name = moto::unique("ng");
    let ng_cfg = |desired: i64| {
        json!({
            "cluster_name": name, "node_group_name": ng_name, "node_role_arn": attr(&net.node_role, "arn"),
            "subnet_ids": net.subnet_ids(), "instance_types": ["t3.medium"], "labels": {"pool": "a"},
            "scaling_config": [{"desired_size": desired, "min_size": 1, "max_size": 5}],
        })
    };
    let ng = create(&p, "aws_eks_node_group", &ng_cfg(2)).await;
    let id = format!("{name}:{ng_name}");
    assert_eq!(attr(&ng, "id"), id);
    assert_eq!(attr(&ng, "status"), "ACTIVE");
    assert!(
        plans_no_change(
            &p,
            "aws_eks_node_group",
            &read(&p, "aws_eks_node_group", &ng).await,
            &ng_cfg(2)
        )
        .await
    );
    let planned = plan(&p, "aws_eks_node_group", &ng, &ng_cfg(3)).await;
    assert!(planned.requires_replace.is_empty(), "scaling is in place");
    let ng = apply(&p, "aws_eks_node_group", &ng, &ng_cfg(3)).await;
    assert_eq!(attr(&ng, "id"), id);
    let seen = m.aws_ok(&[
        "eks",
        "describe-nodegroup",
        "--cluster-name",
        &name,
        "--nodegroup-name",
        &ng_name,
    ]);
    assert_eq!(seen["nodegroup"]["scalingConfig"]["desiredSize"], 3);
    // drift: scaled behind terrane's back
    m.aws_ok(&[
        "eks",
        "update-nodegroup-config",
        "--cluster-name",
        &name,
        "--nodegroup-name",
        &ng_name,
        "--scaling-config",
        "minSize=1,maxSize=5,desiredSize=1",
    ]);
    let drifted = read(&p, "aws_eks_node_group", &ng).await;
    assert_eq!(j(&drifted)["scaling_config"][0]["desired_size"], json!(1));
    assert!(!plans_no_change(&p, "aws_eks_node_group", &drifted, &ng_cfg(3)).await);
    let ng = apply(&p, "aws_eks_node_group", &drifted, &ng_cfg(3)).await;
    let seen = m.aws_ok(&[
        "eks",
        "describe-nodegroup",
        "--cluster-name",
        &name,
        "--nodegroup-name",
        &ng_name,
    ]);
    assert_eq!(seen["nodegroup"]["scalingConfig"]["desiredSize"], 3);
    // other instance types replace
    let mut other = ng_cfg(3);
    other["instance_types"] = json!(["m5.large"]);
    assert!(
        !plan(&p, "aws_eks_node_group", &ng, &other)
            .await
            .requires_replace
            .is_empty()
    );
    let imported = import(&p, "aws_eks_node_group", &id).await;
    assert_eq!(j(&imported)["scaling_config"], j(&ng)["scaling_config"]);
    assert_eq!(
        attr(&imported, "node_role_arn"),
        attr(&net.node_role, "arn")
    );

    destroy(&p, "aws_eks_node_group", &ng).await;
    assert!(read(&p, "aws_eks_node_group", &ng).await.is_null());
    let imported = import(&p, "aws_eks_cluster", &name).await;
    assert_eq!(attr(&imported, "arn"), attr(&cluster, "arn"));
    destroy(&p, "aws_eks_cluster", &cluster).await;
    assert!(
        m.aws(&["eks", "describe-cluster", "--name", &name])
            .is_err()
    );
    // deleted behind terrane's back is gone on refresh
    assert!(read(&p, "aws_eks_cluster", &cluster).await.is_null());
    net.destroy(&p).await;
}

/// moto does not implement `UpdateClusterVersion`: the user gets a diagnostic naming the resource,
/// the operation and what the endpoint answered, and the state keeps the version that exists.
#[tokio::test]
async fn an_eks_version_upgrade_moto_lacks_is_a_diagnostic() {
    let p = provider().await;
    let net = network(&p, 71).await;
    let name = moto::unique("eksv");
    let cfg = |v: &str| {
        json!({"name": name, "role_arn": attr(&net.cluster_role, "arn"), "version": v,
               "vpc_config": [{"subnet_ids": net.subnet_ids()}]})
    };
    let cluster = create(&p, "aws_eks_cluster", &cfg("1.29")).await;
    let planned = plan(&p, "aws_eks_cluster", &cluster, &cfg("1.30")).await;
    assert!(
        planned.requires_replace.is_empty(),
        "a version upgrade is in place"
    );
    let err = try_apply(&p, "aws_eks_cluster", &cluster, &cfg("1.30"))
        .await
        .expect_err("moto lacks UpdateClusterVersion");
    assert!(
        err.starts_with(&format!(
            "updating EKS Cluster ({name}): operation UpdateClusterVersion (HTTP 404)"
        )),
        "{err}"
    );
    assert!(
        err.contains("may not implement UpdateClusterVersion"),
        "{err}"
    );
    let still = read(&p, "aws_eks_cluster", &cluster).await;
    assert_eq!(attr(&still, "version"), "1.29");
    destroy(&p, "aws_eks_cluster", &cluster).await;
    net.destroy(&p).await;
}
