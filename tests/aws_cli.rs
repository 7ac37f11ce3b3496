//! The AWS provider through the `terrane` command against moto, for what the examples do not show:
//! a refresh of many subnets costs one `DescribeSubnets` call (counted by a recording proxy in
//! front of moto), a resource deleted behind terrane's back is planned again, an `import` block
//! adopts an existing object, and an operation moto does not implement (EKS
//! `UpdateClusterVersion`) ends with a diagnostic naming the resource, the operation and the answer.

#[path = "../providers/aws/tests/support/canned.rs"]
mod canned;
#[path = "support/moto.rs"]
mod moto;
mod support;

use support::{Run, Workdir};

/// Runs terrane with the moto environment, its endpoint replaced by `endpoint` when given.
fn run_at(w: &Workdir, endpoint: Option<&str>, args: &[&str]) -> Run {
    let mut env = moto::Moto::shared().env();
    if let Some(url) = endpoint {
        for (k, v) in env.iter_mut() {
            if k == "AWS_ENDPOINT_URL" {
                *v = url.to_string();
            }
        }
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    w.run_with(args, &env, None)
}

fn ok_at(w: &Workdir, endpoint: Option<&str>, args: &[&str]) -> Run {
    let r = run_at(w, endpoint, args);
    assert_eq!(
        r.code,
        0,
        "terrane {} failed:\n{}",
        args.join(" "),
        r.text()
    );
    r
}

fn ok(w: &Workdir, args: &[&str]) -> Run {
    ok_at(w, None, args)
}

const PROVIDER: &str = r#"
provider "aws" {
  region = "us-east-1"
}
"#;

#[test]
fn refreshing_many_subnets_is_one_describe_call() {
    let proxy = canned::Canned::proxy(&moto::Moto::shared().url);
    let w = Workdir::new(&[(
        "main.tf",
        &format!(
            r#"{PROVIDER}
resource "aws_vpc" "main" {{
  cidr_block = "10.100.0.0/16"
}}

resource "aws_subnet" "s" {{
  count      = 8
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  tags       = {{ n = tostring(count.index) }}
}}
"#
        ),
    )]);
    ok_at(
        &w,
        Some(&proxy.url),
        &["apply", "-auto-approve", "-no-color"],
    );
    assert_eq!(proxy.count("CreateSubnet"), 8, "{:?}", proxy.operations());
    proxy.reset();
    let p = run_at(
        &w,
        Some(&proxy.url),
        &["plan", "-detailed-exitcode", "-no-color"],
    );
    assert_eq!(p.code, 0, "{}", p.text());
    assert_eq!(
        p.stdout.matches("Refreshing state...").count(),
        9,
        "{}",
        p.stdout
    );
    assert_eq!(
        proxy.count("DescribeSubnets"),
        1,
        "one call refreshes all 8 subnets: {:?}",
        proxy.operations()
    );
    assert_eq!(proxy.count("DescribeVpcs"), 1, "{:?}", proxy.operations());
    ok_at(
        &w,
        Some(&proxy.url),
        &["destroy", "-auto-approve", "-no-color"],
    );
}

#[test]
fn a_deleted_resource_is_planned_again_and_import_adopts_an_existing_one() {
    let m = moto::Moto::shared();
    let name = moto::unique("imp");
    let w = Workdir::new(&[(
        "main.tf",
        &format!(
            r#"{PROVIDER}
resource "aws_vpc" "main" {{
  cidr_block = "10.101.0.0/16"
  tags       = {{ Name = "{name}" }}
}}

resource "aws_security_group" "web" {{
  name   = "{name}"
  vpc_id = aws_vpc.main.id

  ingress {{
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"#
        ),
    )]);
    ok(&w, &["apply", "-auto-approve", "-no-color"]);
    let sg = m.aws_ok(&[
        "ec2",
        "describe-security-groups",
        "--filters",
        &format!("Name=group-name,Values={name}"),
    ])["SecurityGroups"][0]["GroupId"]
        .as_str()
        .unwrap()
        .to_string();

    // deleted behind terrane's back: the next plan notes it and creates it again
    m.aws_ok(&["ec2", "delete-security-group", "--group-id", &sg]);
    let p = run_at(&w, None, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout.contains("changed outside of terrane"),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("has been deleted"), "{}", p.stdout);
    assert!(
        p.stdout.contains("aws_security_group.web will be created"),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("1 to add, 0 to change"), "{}", p.stdout);
    ok(&w, &["apply", "-auto-approve", "-no-color"]);

    // forgotten by terrane, then adopted back by an import block: the plan imports it with no
    // other change, and after the apply the plan is clean
    let vpc = m.aws_ok(&[
        "ec2",
        "describe-vpcs",
        "--filters",
        &format!("Name=tag:Name,Values={name}"),
    ])["Vpcs"][0]["VpcId"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&w, &["state", "rm", "aws_vpc.main"]);
    w.write(
        "import.tf",
        &format!("import {{\n  to = aws_vpc.main\n  id = \"{vpc}\"\n}}\n"),
    );
    let p = run_at(&w, None, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    ok(&w, &["apply", "-auto-approve", "-no-color"]);
    w.remove("import.tf");
    let p = run_at(&w, None, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(p.code, 0, "{}", p.text());
    let shown = ok(&w, &["state", "show", "aws_vpc.main"]);
    assert!(shown.stdout.contains(&vpc), "{}", shown.stdout);
    assert!(shown.stdout.contains("10.101.0.0/16"), "{}", shown.stdout);
    ok(&w, &["destroy", "-auto-approve", "-no-color"]);
    let left = m.aws_ok(&[
        "ec2",
        "describe-vpcs",
        "--filters",
        &format!("Name=vpc-id,Values={vpc}"),
    ]);
    assert_eq!(left["Vpcs"].as_array().unwrap().len(), 0, "{left}");
}

#[test]
fn an_eks_upgrade_moto_lacks_ends_with_a_diagnostic() {
    let name = moto::unique("upg");
    let stack = |version: &str| {
        format!(
            r#"{PROVIDER}
resource "aws_vpc" "main" {{
  cidr_block = "10.102.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.102.1.0/24"
  availability_zone = "us-east-1a"
}}

resource "aws_subnet" "b" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.102.2.0/24"
  availability_zone = "us-east-1b"
}}

resource "aws_iam_role" "cluster" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "eks.amazonaws.com" }} }}]
  }})
}}

resource "aws_eks_cluster" "main" {{
  name     = "{name}"
  role_arn = aws_iam_role.cluster.arn
  version  = "{version}"

  vpc_config {{
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  }}
}}
"#
        )
    };
    let w = Workdir::new(&[("main.tf", &stack("1.29"))]);
    ok(&w, &["apply", "-auto-approve", "-no-color"]);
    w.write("main.tf", &stack("1.30"));
    let p = run_at(&w, None, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(p.code, 2, "{}", p.text());
    assert!(
        p.stdout
            .contains("aws_eks_cluster.main will be updated in-place"),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("\"1.29\" -> \"1.30\""), "{}", p.stdout);
    let r = run_at(&w, None, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr
            .contains(&format!("Error: updating EKS Cluster ({name})")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("operation UpdateClusterVersion (HTTP 404) failed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("may not implement UpdateClusterVersion"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("aws_eks_cluster.main"), "{}", r.stderr);
    // nothing changed: the cluster keeps its version and the plan still wants the upgrade
    let c = moto::Moto::shared().aws_ok(&["eks", "describe-cluster", "--name", &name]);
    assert_eq!(c["cluster"]["version"], "1.29");
    let p = run_at(&w, None, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(p.code, 2, "{}", p.text());
    ok(&w, &["destroy", "-auto-approve", "-no-color"]);
}

#[test]
fn plan_generates_configuration_for_imported_objects() {
    let m = moto::Moto::shared();
    let name = moto::unique("gen");
    // objects made behind terrane's back: a VPC and a security group with a rule
    let vpc = m.aws_ok(&["ec2", "create-vpc", "--cidr-block", "10.102.0.0/16"])["Vpc"]["VpcId"]
        .as_str()
        .unwrap()
        .to_string();
    m.aws_ok(&[
        "ec2",
        "create-tags",
        "--resources",
        &vpc,
        "--tags",
        &format!("Key=Name,Value={name}"),
    ]);
    let w = Workdir::new(&[(
        "main.tf",
        &format!("{PROVIDER}\nimport {{\n  to = aws_vpc.adopted\n  id = \"{vpc}\"\n}}\n"),
    )]);
    let p = ok(
        &w,
        &["plan", "-no-color", "-generate-config-out=generated.tf"],
    );
    assert!(
        p.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        p.stdout
    );
    let generated = std::fs::read_to_string(w.path().join("generated.tf")).unwrap();
    assert!(
        generated.starts_with("# __generated__ by terrane\n"),
        "{generated}"
    );
    assert!(
        generated.contains(&format!(
            "# __generated__ by terrane from \"{vpc}\"\nresource \"aws_vpc\" \"adopted\" {{"
        )),
        "{generated}"
    );
    assert!(generated.contains("cidr_block"), "{generated}");
    assert!(generated.contains("\"10.102.0.0/16\""), "{generated}");
    assert!(
        generated.contains(&format!("Name = \"{name}\"")),
        "{generated}"
    );
    assert!(
        !generated.contains("\n  arn "),
        "computed-only attributes are left out:\n{generated}"
    );
    // the generated file is formatted and valid configuration
    let fmt = ok(&w, &["fmt", "-check", "generated.tf"]);
    assert_eq!(fmt.stdout, "");
    // applied, the object is adopted, and the configuration matches it
    ok(&w, &["apply", "-auto-approve", "-no-color"]);
    let p = run_at(&w, None, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(p.code, 0, "{}", p.text());
    // a second run has nothing to generate, and an existing file is never overwritten
    w.write(
        "more.tf",
        &format!("import {{\n  to = aws_vpc.other\n  id = \"{vpc}\"\n}}\n"),
    );
    let r = run_at(
        &w,
        None,
        &["plan", "-no-color", "-generate-config-out=generated.tf"],
    );
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stderr.contains("Target generated file already exists"),
        "{}",
        r.text()
    );
    assert_eq!(
        std::fs::read_to_string(w.path().join("generated.tf")).unwrap(),
        generated
    );
    w.remove("more.tf");
    ok(&w, &["destroy", "-auto-approve", "-no-color"]);
}
