//! The AWS examples end to end through the `terrane` binary against moto: each is applied, checked
//! through awscli, planned again with no changes (`plan -detailed-exitcode` exits 0), changed behind
//! terrane's back (the next plan shows the drift and puts it back), and destroyed, after which
//! awscli finds nothing left. moto runs once for this test binary; every example uses its own names.

#[path = "support/moto.rs"]
mod moto;
mod support;

use serde_json::Value as Json;
use support::{Run, Workdir};

fn example(name: &str) -> Workdir {
    Workdir::copy_of(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
}

/// Runs terrane against the shared moto server.
fn run(w: &Workdir, args: &[&str]) -> Run {
    let env = moto::Moto::shared().env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    w.run_with(args, &env, None)
}

fn ok(w: &Workdir, args: &[&str]) -> Run {
    let r = run(w, args);
    assert_eq!(
        r.code,
        0,
        "terrane {} failed:\n{}",
        args.join(" "),
        r.text()
    );
    r
}

/// `plan -detailed-exitcode`: the exit code and the output.
fn plan(w: &Workdir, extra: &[&str]) -> Run {
    let mut args = vec!["plan", "-detailed-exitcode", "-no-color"];
    args.extend_from_slice(extra);
    run(w, &args)
}

fn outputs(w: &Workdir) -> Json {
    serde_json::from_str(&ok(w, &["output", "-json"]).stdout).unwrap()
}

fn out_str(o: &Json, name: &str) -> String {
    o[name]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("output {name}: {o}"))
        .to_string()
}

fn aws(args: &[&str]) -> Json {
    moto::Moto::shared().aws_ok(args)
}

/// Applies, then requires a clean plan: exit code 0 and "No changes".
fn apply_clean(w: &Workdir, extra: &[&str]) -> Run {
    let mut args = vec!["apply", "-auto-approve", "-no-color"];
    args.extend_from_slice(extra);
    let applied = ok(w, &args);
    let p = plan(w, extra);
    assert_eq!(
        p.code,
        0,
        "a plan right after apply changes nothing:\n{}",
        p.text()
    );
    assert!(p.stdout.contains("No changes"), "{}", p.text());
    let mut args = vec!["drift", "-format=json"];
    args.extend_from_slice(extra);
    let d = run(w, &args);
    assert_eq!(d.code, 0, "no drift right after apply:\n{}", d.text());
    applied
}

/// `drift -format=json`: exit 2, and the changed attribute paths of each drifted resource.
fn drifted(w: &Workdir, extra: &[&str]) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut args = vec!["drift", "-format=json"];
    args.extend_from_slice(extra);
    let d = run(w, &args);
    assert_eq!(d.code, 2, "{}", d.text());
    let doc: Json = serde_json::from_str(&d.stdout).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for r in doc["stacks"][0]["resources"].as_array().unwrap() {
        if r["status"] != "in_sync" {
            let paths = r["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["path"].as_str().unwrap().to_string())
                .collect();
            out.insert(r["address"].as_str().unwrap().to_string(), paths);
        }
    }
    out
}

fn destroy(w: &Workdir, extra: &[&str]) {
    let mut args = vec!["destroy", "-auto-approve", "-no-color"];
    args.extend_from_slice(extra);
    ok(w, &args);
    let r = ok(w, &["state", "list"]);
    assert!(r.stdout.trim().is_empty(), "state left:\n{}", r.stdout);
}

#[test]
fn aws_vpc_example_applies_plans_clean_repairs_drift_and_destroys() {
    let w = example("aws-vpc");
    let name = moto::unique("vpcex");
    let var = format!("name={name}");
    let vars = ["-var", var.as_str()];
    ok(&w, &["init", "-no-color"]);
    let applied = apply_clean(&w, &vars);
    assert!(
        applied
            .stdout
            .contains("aws_nat_gateway.main: Creation complete"),
        "{}",
        applied.stdout
    );
    let o = outputs(&w);
    let vpc = out_str(&o, "vpc_id");
    let nat = out_str(&o, "nat_gateway_id");
    let sg = out_str(&o, "web_security_group_id");

    // awscli sees what the configuration says
    let v = aws(&["ec2", "describe-vpcs", "--vpc-ids", &vpc]);
    assert_eq!(v["Vpcs"][0]["CidrBlock"], "10.40.0.0/16");
    let tags = &v["Vpcs"][0]["Tags"];
    // the provider's default tags and the resource's own
    for (k, want) in [
        ("Name", name.as_str()),
        ("Environment", "dev"),
        ("Example", "aws-vpc"),
        ("ManagedBy", "terrane"),
    ] {
        assert!(
            tags.as_array()
                .unwrap()
                .iter()
                .any(|t| t["Key"] == k && t["Value"] == want),
            "tag {k}={want} in {tags}"
        );
    }
    let subnets = aws(&[
        "ec2",
        "describe-subnets",
        "--filters",
        &format!("Name=vpc-id,Values={vpc}"),
    ]);
    let mut cidrs: Vec<&str> = subnets["Subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["CidrBlock"].as_str().unwrap())
        .collect();
    cidrs.sort();
    assert_eq!(
        cidrs,
        [
            "10.40.0.0/24",
            "10.40.1.0/24",
            "10.40.10.0/24",
            "10.40.11.0/24"
        ]
    );
    let n = aws(&["ec2", "describe-nat-gateways", "--nat-gateway-ids", &nat]);
    assert_eq!(n["NatGateways"][0]["State"], "available");
    let rts = aws(&[
        "ec2",
        "describe-route-tables",
        "--filters",
        &format!("Name=vpc-id,Values={vpc}"),
    ]);
    let routes: Vec<&Json> = rts["RouteTables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["Routes"].as_array().unwrap())
        .collect();
    assert!(
        routes
            .iter()
            .any(|r| r["DestinationCidrBlock"] == "0.0.0.0/0" && r["NatGatewayId"] == nat.as_str()),
        "{routes:?}"
    );
    assert!(
        routes
            .iter()
            .any(|r| r["DestinationCidrBlock"] == "0.0.0.0/0"
                && r["GatewayId"]
                    .as_str()
                    .is_some_and(|g| g.starts_with("igw-"))),
        "{routes:?}"
    );

    // drift: a tag changed and a rule opened behind terrane's back
    aws(&[
        "ec2",
        "create-tags",
        "--resources",
        &vpc,
        "--tags",
        "Key=Name,Value=renamed",
    ]);
    aws(&[
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        &sg,
        "--protocol",
        "tcp",
        "--port",
        "22",
        "--cidr",
        "0.0.0.0/0",
    ]);
    let found = drifted(&w, &vars);
    assert_eq!(
        found,
        [
            (
                "aws_security_group.web".to_string(),
                vec!["ingress".to_string()]
            ),
            (
                "aws_vpc.main".to_string(),
                vec![
                    "tags[\"Name\"]".to_string(),
                    "tags_all[\"Name\"]".to_string()
                ]
            ),
        ]
        .into_iter()
        .collect(),
    );
    let p = plan(&w, &vars);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout.contains("changed outside of terrane"),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("aws_vpc.main"), "{}", p.stdout);
    assert!(p.stdout.contains("aws_security_group.web"), "{}", p.stdout);
    assert!(p.stdout.contains("2 to change"), "{}", p.stdout);
    apply_clean(&w, &vars);
    let g = aws(&["ec2", "describe-security-groups", "--group-ids", &sg]);
    let ports: Vec<&Json> = g["SecurityGroups"][0]["IpPermissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["FromPort"])
        .collect();
    assert_eq!(ports, [&Json::from(443)], "the opened rule is revoked");

    destroy(&w, &vars);
    let v = aws(&[
        "ec2",
        "describe-vpcs",
        "--filters",
        &format!("Name=vpc-id,Values={vpc}"),
    ]);
    assert_eq!(v["Vpcs"].as_array().unwrap().len(), 0, "{v}");
    let n = aws(&["ec2", "describe-nat-gateways", "--nat-gateway-ids", &nat]);
    assert!(
        n["NatGateways"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["State"] == "deleted"),
        "{n}"
    );
}

#[test]
fn aws_eks_example_applies_scales_in_place_and_destroys() {
    let w = example("aws-eks");
    let name = moto::unique("eksex");
    let var = format!("cluster_name={name}");
    let vars = ["-var", var.as_str()];
    ok(&w, &["init", "-no-color"]);
    apply_clean(&w, &vars);
    let o = outputs(&w);
    assert_eq!(out_str(&o, "region"), moto::REGION);
    assert_eq!(out_str(&o, "node_group_status"), "ACTIVE");

    let c = aws(&["eks", "describe-cluster", "--name", &name]);
    assert_eq!(c["cluster"]["status"], "ACTIVE");
    assert_eq!(c["cluster"]["version"], "1.30");
    assert_eq!(
        c["cluster"]["resourcesVpcConfig"]["subnetIds"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        c["cluster"]["roleArn"]
            .as_str()
            .unwrap()
            .ends_with(&format!("role/{name}-cluster"))
    );
    let ng_name = format!("{name}-default");
    let ng = aws(&[
        "eks",
        "describe-nodegroup",
        "--cluster-name",
        &name,
        "--nodegroup-name",
        &ng_name,
    ]);
    assert_eq!(ng["nodegroup"]["scalingConfig"]["desiredSize"], 2);
    let attached = aws(&[
        "iam",
        "list-attached-role-policies",
        "--role-name",
        &format!("{name}-node"),
    ]);
    assert_eq!(attached["AttachedPolicies"].as_array().unwrap().len(), 3);

    // scaling updates the node group in place
    let scaled = ["-var", var.as_str(), "-var", "node_count=3"];
    let p = plan(&w, &scaled);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout
            .contains("aws_eks_node_group.main will be updated in-place"),
        "{}",
        p.stdout
    );
    assert!(
        p.stdout.contains("1 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    apply_clean(&w, &scaled);
    let ng = aws(&[
        "eks",
        "describe-nodegroup",
        "--cluster-name",
        &name,
        "--nodegroup-name",
        &ng_name,
    ]);
    assert_eq!(ng["nodegroup"]["scalingConfig"]["desiredSize"], 3);

    // drift: scaled down behind terrane's back
    aws(&[
        "eks",
        "update-nodegroup-config",
        "--cluster-name",
        &name,
        "--nodegroup-name",
        &ng_name,
        "--scaling-config",
        "minSize=1,maxSize=10,desiredSize=1",
    ]);
    let found = drifted(&w, &scaled);
    assert_eq!(
        found["aws_eks_node_group.main"],
        ["scaling_config[0].desired_size"],
        "{found:?}"
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let p = plan(&w, &scaled);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout.contains("changed outside of terrane"),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("desired_size"), "{}", p.stdout);
    apply_clean(&w, &scaled);

    destroy(&w, &scaled);
    let gone = moto::Moto::shared().aws(&["eks", "describe-cluster", "--name", &name]);
    assert!(gone.is_err(), "cluster still there: {gone:?}");
    let roles = aws(&["iam", "list-roles"]);
    assert!(
        !roles["Roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["RoleName"].as_str().unwrap().starts_with(&name)),
        "roles left"
    );
}

#[test]
fn aws_rds_postgres_example_updates_in_place_hides_the_password_and_destroys() {
    let w = example("aws-rds-postgres");
    let name = moto::unique("pgex");
    let var = format!("name={name}");
    let password = "s3cret-Passw0rd-xyz";
    let pass = format!("db_password={password}");
    let vars = ["-var", var.as_str(), "-var", pass.as_str()];
    ok(&w, &["init", "-no-color"]);
    let applied = apply_clean(&w, &vars);
    assert!(!applied.stdout.contains(password), "{}", applied.stdout);
    let o = outputs(&w);
    assert!(out_str(&o, "db_endpoint").ends_with(":5432"), "{o}");

    let db = aws(&[
        "rds",
        "describe-db-instances",
        "--db-instance-identifier",
        &name,
    ]);
    let db = &db["DBInstances"][0];
    assert_eq!(db["Engine"], "postgres");
    assert_eq!(db["DBInstanceClass"], "db.t3.micro");
    assert_eq!(db["AllocatedStorage"], 20);
    assert_eq!(db["BackupRetentionPeriod"], 7);
    assert_eq!(db["DBSubnetGroup"]["DBSubnetGroupName"], name.as_str());
    assert_eq!(
        db["DBParameterGroups"][0]["DBParameterGroupName"],
        format!("{name}-pg16")
    );
    let sg = db["VpcSecurityGroups"][0]["VpcSecurityGroupId"]
        .as_str()
        .unwrap()
        .to_string();
    let g = aws(&["ec2", "describe-security-groups", "--group-ids", &sg]);
    assert_eq!(g["SecurityGroups"][0]["IpPermissions"][0]["FromPort"], 5432);

    // class, storage and backup retention change in place
    let bigger = [
        "-var",
        var.as_str(),
        "-var",
        pass.as_str(),
        "-var",
        "instance_class=db.t3.small",
        "-var",
        "allocated_storage=30",
        "-var",
        "backup_retention_period=14",
    ];
    let p = plan(&w, &bigger);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout
            .contains("aws_db_instance.main will be updated in-place"),
        "{}",
        p.stdout
    );
    assert!(!p.stdout.contains(password), "{}", p.stdout);
    apply_clean(&w, &bigger);
    let db = aws(&[
        "rds",
        "describe-db-instances",
        "--db-instance-identifier",
        &name,
    ]);
    let db = &db["DBInstances"][0];
    assert_eq!(db["DBInstanceClass"], "db.t3.small");
    assert_eq!(db["AllocatedStorage"], 30);
    assert_eq!(db["BackupRetentionPeriod"], 14);

    // drift: the class changed behind terrane's back is planned back
    aws(&[
        "rds",
        "modify-db-instance",
        "--db-instance-identifier",
        &name,
        "--db-instance-class",
        "db.t3.large",
        "--apply-immediately",
    ]);
    let found = drifted(&w, &bigger);
    assert_eq!(
        found,
        [(
            "aws_db_instance.main".to_string(),
            vec!["instance_class".to_string()]
        )]
        .into_iter()
        .collect(),
    );
    let p = plan(&w, &bigger);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout.contains("changed outside of terrane"),
        "{}",
        p.stdout
    );
    assert!(
        p.stdout.contains("\"db.t3.large\" -> \"db.t3.small\""),
        "{}",
        p.stdout
    );
    apply_clean(&w, &bigger);

    // the state holds the password, show does not print it
    let shown = ok(&w, &["state", "show", "aws_db_instance.main"]);
    assert!(!shown.stdout.contains(password), "{}", shown.stdout);

    destroy(&w, &bigger);
    let gone = moto::Moto::shared().aws(&[
        "rds",
        "describe-db-instances",
        "--db-instance-identifier",
        &name,
    ]);
    assert!(gone.is_err(), "instance still there: {gone:?}");
    let groups = aws(&["rds", "describe-db-subnet-groups"]);
    assert!(
        !groups["DBSubnetGroups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["DBSubnetGroupName"] == name.as_str()),
        "subnet group left"
    );
}
