//! The module library (`modules/`) and the platform stacks built from it (`examples/afp-platform`,
//! `agrimaan-platform`, `open-policy-platform`, `reconciliation-platform`) end to end through the
//! `terrane` binary: every module validates as a root module; every stack is applied against moto
//! with one environment's `.tfvars` in that environment's workspace, checked through awscli, planned
//! again with no changes, and destroyed, after which awscli finds nothing left. Resizing an
//! environment (node group bounds, database class) is shown to be an in-place update.
//!
//! One moto server serves the whole test binary; every test uses its own names (`moto::unique`), so
//! the tests run in parallel without resetting the server.

#[path = "support/moto.rs"]
mod moto;
mod support;

use serde_json::Value as Json;
use std::path::Path;
use support::{Run, Workdir};

const MODULES: [&str; 4] = ["vpc", "security-group", "eks-cluster", "rds-postgres"];

/// A temporary copy of `modules/` and of the named example, laid out as in the repository so that the
/// example's `../../modules/...` sources resolve; commands run in the example's folder.
struct Stack {
    w: Workdir,
    chdir: String,
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        let name_s = name.to_string_lossy();
        if name_s.starts_with("terrane.tfstate") || name_s.starts_with('.') {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst.join(&name));
        } else {
            std::fs::copy(e.path(), dst.join(&name)).unwrap();
        }
    }
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the repository's `modules/` and of `dir` (a path under the repository).
fn stack(dir: &str) -> Stack {
    let w = Workdir::new(&[]);
    copy_dir(&repo().join("modules"), &w.path().join("modules"));
    if repo().join(dir).is_dir() && !dir.starts_with("modules") {
        copy_dir(&repo().join(dir), &w.path().join(dir));
    }
    Stack {
        w,
        chdir: format!("-chdir={dir}"),
    }
}

impl Stack {
    /// Runs terrane in the stack's folder against the shared moto server.
    fn run(&self, args: &[&str]) -> Run {
        let env = moto::Moto::shared().env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut all = vec![self.chdir.as_str()];
        all.extend_from_slice(args);
        self.w.run_with(&all, &env, None)
    }

    fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(
            r.code,
            0,
            "terrane {} failed:\n{}",
            args.join(" "),
            r.text()
        );
        r
    }

    /// `plan -detailed-exitcode`.
    fn plan(&self, extra: &[&str]) -> Run {
        let mut args = vec!["plan", "-detailed-exitcode", "-no-color"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Requires a plan with no changes: exit code 0 and "No changes".
    fn plan_clean(&self, extra: &[&str]) {
        let p = self.plan(extra);
        assert_eq!(
            p.code,
            0,
            "a plan right after apply changes nothing:\n{}",
            p.text()
        );
        assert!(p.stdout.contains("No changes"), "{}", p.text());
    }

    /// Applies, then requires a clean plan.
    fn apply_clean(&self, extra: &[&str]) -> Run {
        let mut args = vec!["apply", "-auto-approve", "-no-color"];
        args.extend_from_slice(extra);
        let applied = self.ok(&args);
        self.plan_clean(extra);
        applied
    }

    fn destroy(&self, extra: &[&str]) {
        let mut args = vec!["destroy", "-auto-approve", "-no-color"];
        args.extend_from_slice(extra);
        self.ok(&args);
        let r = self.ok(&["state", "list"]);
        assert!(r.stdout.trim().is_empty(), "state left:\n{}", r.stdout);
    }

    fn outputs(&self) -> Json {
        serde_json::from_str(&self.ok(&["output", "-json"]).stdout).unwrap()
    }

    /// Writes a file into the stack's folder.
    fn write(&self, name: &str, text: &str) {
        self.w
            .write(&format!("{}/{name}", &self.chdir["-chdir=".len()..]), text);
    }
}

/// `aws ARGS` in a region, against the shared moto server.
fn aws_in(region: &str, args: &[&str]) -> Result<Json, String> {
    let m = moto::Moto::shared();
    let out = std::process::Command::new(moto::venv().join("bin/aws"))
        .args(args)
        .args([
            "--endpoint-url",
            &m.url,
            "--output",
            "json",
            "--region",
            region,
        ])
        .env_remove("AWS_PROFILE")
        .envs(m.env())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        return Ok(Json::Null);
    }
    serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
}

fn aws(args: &[&str]) -> Json {
    aws_ok_in(moto::REGION, args)
}

fn aws_ok_in(region: &str, args: &[&str]) -> Json {
    aws_in(region, args).unwrap_or_else(|e| panic!("aws {} failed: {e}", args.join(" ")))
}

fn list<'a>(v: &'a Json, key: &str) -> &'a Vec<Json> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no list {key} in {v}"))
}

/// Whether the `Name` tag starts with `prefix`.
fn named(tags: &Json, prefix: &str) -> bool {
    tags.as_array().is_some_and(|t| {
        t.iter().any(|t| {
            t["Key"] == "Name" && t["Value"].as_str().is_some_and(|v| v.starts_with(prefix))
        })
    })
}

fn has_tag(tags: &Json, key: &str, value: &str) -> bool {
    tags.as_array()
        .is_some_and(|t| t.iter().any(|t| t["Key"] == key && t["Value"] == value))
}

/// What awscli sees of a platform instance named `name` in `region`.
struct Seen {
    vpc: Json,
    subnets: Vec<Json>,
    nat_gateways: Vec<Json>,
    cluster: Json,
    node_groups: Vec<Json>,
    db: Json,
}

fn seen(region: &str, name: &str) -> Seen {
    let vpcs = aws_ok_in(
        region,
        &[
            "ec2",
            "describe-vpcs",
            "--filters",
            &format!("Name=tag:Name,Values={name}"),
        ],
    );
    assert_eq!(list(&vpcs, "Vpcs").len(), 1, "the VPC of {name}: {vpcs}");
    let vpc = list(&vpcs, "Vpcs")[0].clone();
    let vpc_id = vpc["VpcId"].as_str().unwrap().to_string();
    let vpc_filter = format!("Name=vpc-id,Values={vpc_id}");
    let subnets = list(
        &aws_ok_in(
            region,
            &["ec2", "describe-subnets", "--filters", &vpc_filter],
        ),
        "Subnets",
    )
    .clone();
    let nat_gateways = list(
        &aws_ok_in(
            region,
            &[
                "ec2",
                "describe-nat-gateways",
                "--filter",
                &vpc_filter,
                "Name=state,Values=available",
            ],
        ),
        "NatGateways",
    )
    .clone();
    let cluster =
        aws_ok_in(region, &["eks", "describe-cluster", "--name", name])["cluster"].clone();
    let names = aws_ok_in(region, &["eks", "list-nodegroups", "--cluster-name", name]);
    let node_groups = list(&names, "nodegroups")
        .iter()
        .map(|n| {
            aws_ok_in(
                region,
                &[
                    "eks",
                    "describe-nodegroup",
                    "--cluster-name",
                    name,
                    "--nodegroup-name",
                    n.as_str().unwrap(),
                ],
            )["nodegroup"]
                .clone()
        })
        .collect();
    let db = database(region, name);
    Seen {
        vpc,
        subnets,
        nat_gateways,
        cluster,
        node_groups,
        db,
    }
}

impl Seen {
    fn node_group(&self, workload: &str) -> &Json {
        self.node_groups
            .iter()
            .find(|g| g["labels"]["workload"] == workload)
            .unwrap_or_else(|| panic!("no node group {workload} in {:?}", self.node_groups))
    }

    /// The (min, max) bounds of a node group.
    fn bounds(&self, workload: &str) -> (i64, i64) {
        let s = &self.node_group(workload)["scalingConfig"];
        (
            s["minSize"].as_i64().unwrap(),
            s["maxSize"].as_i64().unwrap(),
        )
    }

    fn subnets_of_tier(&self, tier: &str) -> Vec<&Json> {
        self.subnets
            .iter()
            .filter(|s| has_tag(&s["Tags"], "Tier", tier))
            .collect()
    }

    /// The inbound rules of the database's security group.
    fn db_ingress(&self, region: &str) -> Vec<Json> {
        let sg = self.db["VpcSecurityGroups"][0]["VpcSecurityGroupId"]
            .as_str()
            .unwrap();
        let g = aws_ok_in(
            region,
            &["ec2", "describe-security-groups", "--group-ids", sg],
        );
        list(&g["SecurityGroups"][0], "IpPermissions").clone()
    }
}

/// One node group of the cluster `name`: `NAME-WORKLOAD`.
fn node_group(region: &str, name: &str, workload: &str) -> Json {
    aws_ok_in(
        region,
        &[
            "eks",
            "describe-nodegroup",
            "--cluster-name",
            name,
            "--nodegroup-name",
            &format!("{name}-{workload}"),
        ],
    )["nodegroup"]
        .clone()
}

/// The (min, max) bounds of a node group.
fn bounds(region: &str, name: &str, workload: &str) -> (i64, i64) {
    let s = &node_group(region, name, workload)["scalingConfig"];
    (
        s["minSize"].as_i64().unwrap(),
        s["maxSize"].as_i64().unwrap(),
    )
}

/// The DB instance `name`.
fn database(region: &str, name: &str) -> Json {
    aws_ok_in(
        region,
        &[
            "rds",
            "describe-db-instances",
            "--db-instance-identifier",
            name,
        ],
    )["DBInstances"][0]
        .clone()
}

/// awscli finds nothing of the platform instance `name` in `region` any more.
fn assert_nothing_left(region: &str, name: &str) {
    let vpcs = aws_ok_in(
        region,
        &[
            "ec2",
            "describe-vpcs",
            "--filters",
            &format!("Name=tag:Name,Values={name}"),
        ],
    );
    assert!(list(&vpcs, "Vpcs").is_empty(), "VPC left: {vpcs}");
    let prefix = format!("Name=tag:Name,Values={name}*");
    for (what, cmd, key) in [
        ("subnets", "describe-subnets", "Subnets"),
        (
            "security groups",
            "describe-security-groups",
            "SecurityGroups",
        ),
        (
            "internet gateways",
            "describe-internet-gateways",
            "InternetGateways",
        ),
        ("Elastic IPs", "describe-addresses", "Addresses"),
    ] {
        let v = aws_ok_in(region, &["ec2", cmd, "--filters", &prefix]);
        assert!(list(&v, key).is_empty(), "{what} left: {v}");
    }
    let lts = aws_ok_in(region, &["ec2", "describe-launch-templates"]);
    assert!(
        !list(&lts, "LaunchTemplates")
            .iter()
            .any(|t| t["LaunchTemplateName"].as_str().unwrap().starts_with(name)),
        "launch templates left: {lts}"
    );
    // (moto ignores tag filters on NAT gateways: look at every one)
    let nats = aws_ok_in(region, &["ec2", "describe-nat-gateways"]);
    assert!(
        list(&nats, "NatGateways")
            .iter()
            .filter(|g| named(&g["Tags"], name))
            .all(|g| g["State"] == "deleted"),
        "NAT gateways left: {nats}"
    );
    assert!(
        aws_in(region, &["eks", "describe-cluster", "--name", name]).is_err(),
        "cluster {name} left"
    );
    assert!(
        aws_in(
            region,
            &[
                "rds",
                "describe-db-instances",
                "--db-instance-identifier",
                name
            ]
        )
        .is_err(),
        "database {name} left"
    );
    for (cmd, key, field) in [
        (
            "describe-db-subnet-groups",
            "DBSubnetGroups",
            "DBSubnetGroupName",
        ),
        (
            "describe-db-parameter-groups",
            "DBParameterGroups",
            "DBParameterGroupName",
        ),
    ] {
        let v = aws_ok_in(region, &["rds", cmd]);
        assert!(
            !list(&v, key)
                .iter()
                .any(|g| g[field].as_str().unwrap().starts_with(name)),
            "{key} left: {v}"
        );
    }
    let roles = aws_ok_in(region, &["iam", "list-roles"]);
    assert!(
        !list(&roles, "Roles")
            .iter()
            .any(|r| r["RoleName"].as_str().unwrap().starts_with(name)),
        "IAM roles left"
    );
}

#[test]
fn every_module_and_example_validates_as_a_root_module() {
    for m in MODULES {
        let s = stack(&format!("modules/{m}"));
        let r = s.ok(&["validate", "-no-color"]);
        assert!(
            r.stdout.contains("The configuration is valid"),
            "{m}: {}",
            r.text()
        );
    }
    for e in [
        "afp-platform",
        "agrimaan-platform",
        "open-policy-platform",
        "reconciliation-platform",
    ] {
        let s = stack(&format!("examples/{e}"));
        let r = s.ok(&["validate", "-no-color"]);
        assert!(
            r.stdout.contains("The configuration is valid"),
            "{e}: {}",
            r.text()
        );
    }
}

#[test]
fn module_variables_refuse_invalid_inputs() {
    let s = stack("examples/invalid");
    s.write(
        "main.tf",
        r#"
module "vpc" {
  source       = "../../modules/vpc"
  name         = "bad"
  cidr_block   = "10.0.0.0/8"
  nat_gateways = "two"
}

module "sg" {
  source = "../../modules/security-group"
  name   = "bad"
  vpc_id = "vpc-1"
  ingress_rules = [{ from_port = 22, to_port = 22 }]
}

module "eks" {
  source     = "../../modules/eks-cluster"
  name       = "bad"
  vpc_id     = "vpc-1"
  subnet_ids = ["subnet-1", "subnet-2"]
  node_groups = {
    web = { instance_types = ["t3.large"], min_size = 3, max_size = 2 }
  }
}

module "db" {
  source         = "../../modules/rds-postgres"
  identifier     = "bad"
  vpc_id         = "vpc-1"
  subnet_ids     = ["subnet-1", "subnet-2"]
  engine_version = "13.7"
  backup_retention_period = 40
}
"#,
    );
    let r = s.run(&["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    for message in [
        "The cidr_block must be an IPv4 CIDR block between /16 and /24",
        "The nat_gateways must be \"one_per_zone\", \"single\" or \"none\"",
        "Each ingress rule needs exactly one of cidr_ipv4",
        "Each node group needs 0 <= min_size <= desired_size <= max_size",
        "The engine_version must be PostgreSQL 14 or newer",
        "The backup_retention_period must be a whole number of days from 0 to 35",
    ] {
        assert!(r.stderr.contains(message), "{message}:\n{}", r.text());
    }
}

#[test]
fn afp_platform_dev_applies_resizes_in_place_and_destroys() {
    let s = stack("examples/afp-platform");
    let base = moto::unique("afp");
    let name = format!("{base}-dev");
    let var = format!("name={base}");
    let vars = ["-var-file=environments/dev.tfvars", "-var", var.as_str()];
    s.ok(&["init", "-no-color"]);
    s.ok(&["workspace", "new", "dev"]);
    let applied = s.apply_clean(&vars);
    assert!(!applied.stdout.contains("Error"), "{}", applied.stdout);
    let o = s.outputs();
    assert_eq!(o["environment"]["value"], "dev");
    assert_eq!(o["db_password"]["sensitive"], true);

    let seen = seen(moto::REGION, &name);
    assert_eq!(seen.vpc["CidrBlock"], "10.10.0.0/16");
    assert!(has_tag(&seen.vpc["Tags"], "Platform", "afp"));
    assert!(has_tag(&seen.vpc["Tags"], "Environment", "dev"));
    // three zones, a public and a private subnet in each, a single NAT gateway (dev)
    assert_eq!(seen.subnets_of_tier("public").len(), 3);
    assert_eq!(seen.subnets_of_tier("private").len(), 3);
    let mut zones: Vec<&str> = seen
        .subnets_of_tier("private")
        .iter()
        .map(|s| s["AvailabilityZone"].as_str().unwrap())
        .collect();
    zones.sort();
    zones.dedup();
    assert_eq!(zones.len(), 3, "{zones:?}");
    assert_eq!(seen.nat_gateways.len(), 1);
    // the cluster with a node group per service
    assert_eq!(seen.cluster["status"], "ACTIVE");
    assert_eq!(seen.node_groups.len(), 2);
    assert_eq!(seen.bounds("generation-engine"), (1, 3));
    assert_eq!(seen.bounds("conversion-workers"), (1, 3));
    assert_eq!(
        seen.node_group("conversion-workers")["capacityType"],
        "SPOT"
    );
    assert_eq!(
        seen.node_group("generation-engine")["labels"]["afp.io/service"],
        "generation-engine"
    );
    // PostgreSQL with daily backups kept 30 days
    assert_eq!(seen.db["Engine"], "postgres");
    assert_eq!(seen.db["DBInstanceClass"], "db.t3.micro");
    assert_eq!(seen.db["BackupRetentionPeriod"], 30);
    assert_eq!(seen.db["PreferredBackupWindow"], "01:00-02:00");
    assert_eq!(seen.db["MaxAllocatedStorage"], 50);
    assert_eq!(seen.db["PubliclyAccessible"], false);
    let node_sg = o["node_security_group_id"]["value"].as_str().unwrap();
    let ingress = seen.db_ingress(moto::REGION);
    assert_eq!(ingress.len(), 1, "{ingress:?}");
    assert_eq!(ingress[0]["UserIdGroupPairs"][0]["GroupId"], node_sg);

    // dev grows: node group bounds and the database class change in place
    s.write(
        "bigger.tfvars",
        r#"
generation_engine_nodes = {
  instance_types = ["t3.large"]
  min_size       = 2
  max_size       = 5
}
db_instance_class = "db.t3.small"
"#,
    );
    let bigger = [
        "-var-file=environments/dev.tfvars",
        "-var-file=bigger.tfvars",
        "-var",
        var.as_str(),
    ];
    let p = s.plan(&bigger);
    assert_eq!(p.code, 2, "{}", p.text());
    for updated in [
        "module.eks.aws_eks_node_group.this[\"generation-engine\"] will be updated in-place",
        "module.db.aws_db_instance.this will be updated in-place",
        "Plan: 0 to add, 2 to change, 0 to destroy.",
    ] {
        assert!(p.stdout.contains(updated), "{updated}:\n{}", p.stdout);
    }
    assert!(!p.stdout.contains("must be replaced"), "{}", p.stdout);
    s.apply_clean(&bigger);
    assert_eq!(bounds(moto::REGION, &name, "generation-engine"), (2, 5));
    let ng = node_group(moto::REGION, &name, "generation-engine");
    assert_eq!(
        ng["nodegroupArn"],
        seen.node_group("generation-engine")["nodegroupArn"],
        "the same node group"
    );
    let db = database(moto::REGION, &name);
    assert_eq!(db["DBInstanceClass"], "db.t3.small");
    assert_eq!(
        db["DbiResourceId"], seen.db["DbiResourceId"],
        "the same database"
    );

    s.destroy(&bigger);
    assert_nothing_left(moto::REGION, &name);
    // destroying again finds nothing to do
    s.destroy(&bigger);
}

#[test]
fn agrimaan_platform_production_runs_in_two_regions_and_destroys() {
    let s = stack("examples/agrimaan-platform");
    let base = moto::unique("agm");
    let var = format!("name={base}");
    let vars = [
        "-var-file=environments/production.tfvars",
        "-var",
        var.as_str(),
    ];
    s.ok(&["init", "-no-color"]);
    s.ok(&["workspace", "new", "production"]);
    s.apply_clean(&vars);
    let o = s.outputs();
    assert_eq!(
        o["regions"]["value"],
        serde_json::json!(["us-east-1", "us-west-2"])
    );

    for (region, cidr) in [
        ("us-east-1", "10.23.0.0/16"),
        ("us-west-2", "10.123.0.0/16"),
    ] {
        let name = format!("{base}-production-{}", region.replace('-', ""));
        let seen = seen(region, &name);
        assert_eq!(seen.vpc["CidrBlock"], cidr);
        assert!(
            seen.subnets
                .iter()
                .all(|s| s["AvailabilityZone"].as_str().unwrap().starts_with(region)),
            "{region}"
        );
        // production: a NAT gateway per zone
        assert_eq!(seen.subnets_of_tier("private").len(), 3);
        assert_eq!(seen.nat_gateways.len(), 3);
        // a node group per workload type, at least 3 nodes each
        assert_eq!(seen.cluster["status"], "ACTIVE");
        assert!(seen.cluster["arn"].as_str().unwrap().contains(region));
        assert_eq!(seen.node_groups.len(), 3);
        for (workload, max, instance_type) in [
            ("general", 12, "m6i.xlarge"),
            ("memory-intensive", 10, "r6i.2xlarge"),
            ("compute-intensive", 20, "c6i.2xlarge"),
        ] {
            assert_eq!(seen.bounds(workload), (3, max), "{region} {workload}");
            assert_eq!(seen.node_group(workload)["instanceTypes"][0], instance_type);
            assert_eq!(
                seen.node_group(workload)["labels"]["agrimaan.io/workload-type"],
                workload
            );
        }
        assert_eq!(seen.db["MultiAZ"], true);
        assert_eq!(seen.db["DeletionProtection"], true);
        assert!(
            seen.db["AvailabilityZone"]
                .as_str()
                .unwrap()
                .starts_with(region)
        );
    }

    // the production rule: a node group under 3 nodes is refused
    s.write(
        "small.tfvars",
        r#"
node_groups = {
  general = {
    instance_types = ["m6i.xlarge"]
    min_size       = 1
    max_size       = 12
  }
}
"#,
    );
    let p = s.plan(&[
        "-refresh=false",
        "-var-file=environments/production.tfvars",
        "-var-file=small.tfvars",
        "-var",
        var.as_str(),
    ]);
    assert_eq!(p.code, 1, "{}", p.text());
    assert!(
        p.stderr
            .contains("Production node groups keep at least 3 nodes"),
        "{}",
        p.text()
    );

    // a protected database is destroyed in two steps: protection off, then destroy
    let unprotected = [
        "-var-file=environments/production.tfvars",
        "-var",
        var.as_str(),
        "-var",
        "db_deletion_protection=false",
    ];
    let mut apply = vec!["apply", "-auto-approve", "-no-color", "-refresh=false"];
    apply.extend_from_slice(&unprotected);
    s.ok(&apply);
    s.destroy(&unprotected);
    for region in ["us-east-1", "us-west-2"] {
        let name = format!("{base}-production-{}", region.replace('-', ""));
        assert_nothing_left(region, &name);
        // production leaves a final snapshot of each database
        let snap = aws_ok_in(
            region,
            &[
                "rds",
                "describe-db-snapshots",
                "--db-snapshot-identifier",
                &format!("{name}-final"),
            ],
        );
        assert_eq!(list(&snap, "DBSnapshots").len(), 1, "{snap}");
    }
}

#[test]
fn open_policy_platform_applies_saved_plans_and_rolls_back() {
    let s = stack("examples/open-policy-platform");
    let base = moto::unique("opp");
    let name = format!("{base}-staging");
    let var = format!("name={base}");
    s.ok(&["init", "-no-color"]);
    s.ok(&["workspace", "new", "staging"]);

    // revision 1: planned on the pull request, the saved plan applied after approval
    let r1 = [
        "-var-file=environments/staging.tfvars",
        "-var",
        var.as_str(),
        "-var",
        "revision=r1",
    ];
    let mut plan = vec!["plan", "-no-color", "-out=r1.tfplan"];
    plan.extend_from_slice(&r1);
    s.ok(&plan);
    s.ok(&["apply", "-no-color", "r1.tfplan"]);
    s.plan_clean(&r1);
    // the nightly drift check finds nothing
    let mut drift = vec!["drift", "-no-color"];
    drift.extend_from_slice(&r1);
    s.ok(&drift);
    let seen1 = seen(moto::REGION, &name);
    assert_eq!(seen1.bounds("policy-engine"), (2, 6));
    assert_eq!(seen1.bounds("platform"), (1, 3));
    assert_eq!(seen1.db["BackupRetentionPeriod"], 7);
    assert_eq!(seen1.subnets_of_tier("private").len(), 2);

    // revision 2 scales the decision service
    s.write(
        "r2.tfvars",
        r#"
policy_engine_nodes = {
  instance_types = ["c6i.large"]
  min_size       = 3
  max_size       = 9
}
"#,
    );
    let r2 = [
        "-var-file=environments/staging.tfvars",
        "-var-file=r2.tfvars",
        "-var",
        var.as_str(),
        "-var",
        "revision=r2",
    ];
    let mut plan = vec!["plan", "-no-color", "-out=r2.tfplan"];
    plan.extend_from_slice(&r2);
    let p = s.ok(&plan);
    assert!(
        p.stdout.contains(
            "module.eks.aws_eks_node_group.this[\"policy-engine\"] will be updated in-place"
        ),
        "{}",
        p.stdout
    );
    s.ok(&["apply", "-no-color", "r2.tfplan"]);
    assert_eq!(bounds(moto::REGION, &name, "policy-engine"), (3, 9));

    // the state history shows each apply; the diff of the last one names what it changed
    let h = s.ok(&["state", "history"]);
    let serials: Vec<u64> = h
        .stdout
        .lines()
        .filter(|l| l.contains(" apply "))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert!(serials.len() >= 2, "{}", h.text());
    let (before, last) = (serials[serials.len() - 2], serials[serials.len() - 1]);
    let d = s.ok(&["state", "diff", &before.to_string(), &last.to_string()]);
    assert!(
        d.stdout
            .contains("module.eks.aws_eks_node_group.this[\"policy-engine\"]"),
        "{}",
        d.text()
    );

    // rollback: the previous revision applied again
    let mut plan = vec!["plan", "-no-color", "-out=rollback.tfplan"];
    plan.extend_from_slice(&r1);
    let p = s.ok(&plan);
    assert!(
        p.stdout.contains("1 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    s.ok(&["apply", "-no-color", "rollback.tfplan"]);
    s.plan_clean(&r1);
    assert_eq!(bounds(moto::REGION, &name, "policy-engine"), (2, 6));
    assert_eq!(s.outputs()["revision"]["value"], "r1");

    s.destroy(&r1);
    assert_nothing_left(moto::REGION, &name);
}

#[test]
fn reconciliation_platform_production_admits_only_the_cluster_to_the_database() {
    let s = stack("examples/reconciliation-platform");
    let base = moto::unique("rec");
    let name = format!("{base}-production");
    let var = format!("name={base}");
    let vars = [
        "-var-file=environments/production.tfvars",
        "-var",
        var.as_str(),
    ];
    s.ok(&["init", "-no-color"]);
    s.ok(&["workspace", "new", "production"]);

    // PostgreSQL older than 14 and backups kept less than 30 days are refused
    for (bad, message) in [
        ("db_engine_version=13.14", "needs PostgreSQL 14 or newer"),
        (
            "db_backup_retention_days=7",
            "Backups must be kept at least 30 days",
        ),
    ] {
        let p = s.plan(&[vars[0], vars[1], vars[2], "-var", bad]);
        assert_eq!(p.code, 1, "{}", p.text());
        assert!(p.stderr.contains(message), "{}", p.text());
    }

    let applied = s.apply_clean(&vars);
    let o = s.outputs();
    let password = generated_password(&s);
    assert!(
        !applied.stdout.contains(&password),
        "the password is never printed"
    );

    let seen = seen(moto::REGION, &name);
    assert_eq!(seen.db["Engine"], "postgres");
    let major: u32 = seen.db["EngineVersion"]
        .as_str()
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(major >= 14, "{}", seen.db["EngineVersion"]);
    assert_eq!(seen.db["BackupRetentionPeriod"], 30);
    assert_eq!(seen.db["DeletionProtection"], true);
    assert_eq!(seen.db["MultiAZ"], true);
    assert_eq!(seen.db["StorageEncrypted"], true);
    assert_eq!(seen.db["MaxAllocatedStorage"], 2000);
    assert_eq!(seen.db["PreferredMaintenanceWindow"], "sun:04:00-sun:05:00");
    assert_eq!(
        seen.cluster["resourcesVpcConfig"]["endpointPublicAccess"],
        false
    );
    assert_eq!(seen.bounds("matching-engine"), (3, 12));
    assert_eq!(seen.bounds("api"), (3, 9));

    // the database admits the cluster's nodes and nothing else
    let node_sg = o["node_security_group_id"]["value"].as_str().unwrap();
    let ingress = seen.db_ingress(moto::REGION);
    assert_eq!(ingress.len(), 1, "{ingress:?}");
    assert_eq!(ingress[0]["FromPort"], 5432);
    assert_eq!(ingress[0]["ToPort"], 5432);
    assert!(list(&ingress[0], "IpRanges").is_empty(), "{ingress:?}");
    assert!(
        ingress[0]["Ipv6Ranges"]
            .as_array()
            .is_none_or(|r| r.is_empty())
    );
    let pairs = list(&ingress[0], "UserIdGroupPairs");
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0]["GroupId"], node_sg);
    // and every node of every node group carries that group (through its launch template)
    for g in &seen.node_groups {
        let lt = g["launchTemplate"]["id"].as_str().unwrap();
        let v = aws(&[
            "ec2",
            "describe-launch-template-versions",
            "--launch-template-id",
            lt,
            "--versions",
            "$Default",
        ]);
        let sgs = &list(&v, "LaunchTemplateVersions")[0]["LaunchTemplateData"]["SecurityGroupIds"];
        assert!(sgs.as_array().unwrap().iter().any(|s| s == node_sg), "{v}");
    }

    // a protected database is destroyed in two steps: protection off, then destroy
    let unprotected = [
        vars[0],
        vars[1],
        vars[2],
        "-var",
        "db_deletion_protection=false",
    ];
    let mut apply = vec!["apply", "-auto-approve", "-no-color", "-refresh=false"];
    apply.extend_from_slice(&unprotected);
    s.ok(&apply);
    s.destroy(&unprotected);
    assert_nothing_left(moto::REGION, &name);
}

/// The generated password, from the sensitive output.
fn generated_password(s: &Stack) -> String {
    let r = s.ok(&["output", "-raw", "db_password"]);
    assert!(r.stdout.len() >= 32, "a 32-character password");
    r.stdout
}

#[test]
fn every_module_and_example_is_formatted() {
    for dir in ["modules", "examples"] {
        let r = std::process::Command::new(env!("CARGO_BIN_EXE_terrane"))
            .args(["fmt", "-check", "-recursive", "-diff", "-no-color", dir])
            .current_dir(repo())
            .output()
            .expect("terrane runs");
        assert!(
            r.status.success(),
            "`terrane fmt -check -recursive {dir}` found files to format:\n{}{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        );
    }
}
