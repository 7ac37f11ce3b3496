//! `terrane drift` against moto: a stack of every supported AWS resource type is applied, checked
//! clean, then changed through awscli (tags, rules, sizes, settings, deletions); the drift check
//! finds each change with its attribute paths and nothing else, in every report format, and reports
//! the provider API calls it made (counted by the provider and checked against a recording proxy in
//! front of moto: a call per type and page, not per resource). `-unmanaged` lists what awscli made
//! outside any state, narrowed by tag and VPC filters.

#[path = "../providers/aws/tests/support/canned.rs"]
mod canned;
#[path = "support/drift_report.rs"]
mod drift_report;
#[path = "support/moto.rs"]
mod moto;
mod support;
#[path = "aws_drift/unmanaged.rs"]
mod unmanaged;
#[path = "aws_drift/unmanaged_filters.rs"]
mod unmanaged_filters;

use serde_json::Value as Json;
use std::collections::BTreeMap;
use support::{Run, Workdir};

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

fn run(w: &Workdir, args: &[&str]) -> Run {
    run_at(w, None, args)
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

fn aws(args: &[&str]) -> Json {
    moto::Moto::shared().aws_ok(args)
}

/// `drift -format=json` with its exit code, checked against the documented schema.
fn drift_json(w: &Workdir, endpoint: Option<&str>, extra: &[&str]) -> (i32, Json) {
    let mut args = vec!["drift", "-format=json"];
    args.extend_from_slice(extra);
    let r = run_at(w, endpoint, &args);
    let doc: Json = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.text()));
    drift_report::check(&doc);
    (r.code, doc)
}

/// address → (status, changed paths)
fn findings(doc: &Json) -> BTreeMap<String, (String, Vec<String>)> {
    let mut out = BTreeMap::new();
    for s in doc["stacks"].as_array().unwrap() {
        for r in s["resources"].as_array().unwrap() {
            let paths = r["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["path"].as_str().unwrap().to_string())
                .collect();
            out.insert(
                r["address"].as_str().unwrap().to_string(),
                (r["status"].as_str().unwrap().to_string(), paths),
            );
        }
    }
    out
}

fn out(o: &Json, name: &str) -> String {
    o[name]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("output {name}: {o}"))
        .to_string()
}

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "ami" {
  type = string
}

data "aws_availability_zones" "az" {
  state = "available"
}

resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"
  tags       = { Name = var.name, Team = "web" }
}

resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = data.aws_availability_zones.az.names[count.index]
  tags              = { Name = "${var.name}-${count.index}" }
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = var.name }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = var.name }
}

resource "aws_route" "out" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.gw.id
}

resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "web"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "db"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "pg" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = aws_vpc.main.cidr_block
}

resource "aws_eip" "ip" {
  domain = "vpc"
  tags   = { Name = var.name }
}

resource "aws_key_pair" "k" {
  key_name   = var.name
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqEvjOP1rSclGdaRINYj36SNvC+h5Ng1JRBcuQvWCCn test@example"
}

resource "aws_launch_template" "lt" {
  name          = var.name
  instance_type = "t3.micro"
}

resource "aws_instance" "vm" {
  ami           = var.ami
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app[0].id
  tags          = { Name = var.name }
}

resource "aws_iam_role" "app" {
  name        = var.name
  description = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_policy" "read" {
  name = var.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_db_subnet_group" "db" {
  name        = var.name
  description = "db"
  subnet_ids  = aws_subnet.app[*].id
}

resource "aws_db_parameter_group" "pg" {
  name   = "${var.name}-pg16"
  family = "postgres16"
  tags   = { Name = var.name }
}

resource "aws_db_instance" "db" {
  identifier           = var.name
  engine               = "postgres"
  engine_version       = "16.3"
  instance_class       = "db.t3.micro"
  allocated_storage    = 20
  username             = "app"
  password             = "change-me-1234"
  db_subnet_group_name = aws_db_subnet_group.db.name
  parameter_group_name = aws_db_parameter_group.pg.name
  apply_immediately    = true
  skip_final_snapshot  = true
}

output "vpc" { value = aws_vpc.main.id }
output "subnet" { value = aws_subnet.app[0].id }
output "gw" { value = aws_internet_gateway.gw.id }
output "rt" { value = aws_route_table.public.id }
output "web" { value = aws_security_group.web.id }
output "db_sg" { value = aws_security_group.db.id }
output "eip" { value = aws_eip.ip.id }
output "vm" { value = aws_instance.vm.id }
output "policy" { value = aws_iam_policy.read.arn }
output "pg" { value = aws_db_parameter_group.pg.arn }
"#;

#[test]
fn every_supported_type_drifted_through_awscli_is_found_with_its_attribute_paths() {
    let name = moto::unique("drift");
    // moto loads its images on first use and may answer 500 meanwhile
    let images = (0..10)
        .find_map(|_| {
            let r = moto::Moto::shared().aws(&["ec2", "describe-images", "--owners", "amazon"]);
            if r.is_err() {
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            r.ok()
        })
        .expect("moto lists its images");
    let ami = images["Images"][0]["ImageId"].as_str().unwrap().to_string();
    let w = Workdir::new(&[("main.tf", STACK)]);
    let vars = format!("name={name}");
    let ami_var = format!("ami={ami}");
    let v = ["-var", vars.as_str(), "-var", ami_var.as_str()];
    let mut apply = vec!["apply", "-auto-approve", "-no-color"];
    apply.extend_from_slice(&v);
    ok(&w, &apply);

    // right after the apply: no drift
    let (code, doc) = drift_json(&w, None, &v);
    assert_eq!(code, 0, "{doc:#}");
    let all = findings(&doc);
    assert!(all.len() >= 18, "{all:?}");
    assert!(all.values().all(|(s, _)| s == "in_sync"), "{all:#?}");
    assert!(doc["summary"]["api_calls"].as_u64().unwrap() > 0);

    let o: Json = serde_json::from_str(&ok(&w, &["output", "-json"]).stdout).unwrap();
    // tags, settings, rules, sizes and deletions behind terrane's back
    aws(&[
        "ec2",
        "create-tags",
        "--resources",
        &out(&o, "vpc"),
        "--tags",
        "Key=Team,Value=ops",
    ]);
    aws(&[
        "ec2",
        "modify-subnet-attribute",
        "--subnet-id",
        &out(&o, "subnet"),
        "--map-public-ip-on-launch",
    ]);
    aws(&[
        "ec2",
        "create-tags",
        "--resources",
        &out(&o, "gw"),
        "--tags",
        "Key=Env,Value=prod",
    ]);
    aws(&[
        "ec2",
        "create-tags",
        "--resources",
        &out(&o, "rt"),
        "--tags",
        "Key=Name,Value=renamed",
    ]);
    aws(&[
        "ec2",
        "delete-route",
        "--route-table-id",
        &out(&o, "rt"),
        "--destination-cidr-block",
        "0.0.0.0/0",
    ]);
    aws(&[
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        &out(&o, "web"),
        "--protocol",
        "tcp",
        "--port",
        "22",
        "--cidr",
        "0.0.0.0/0",
    ]);
    let rules = aws(&[
        "ec2",
        "describe-security-group-rules",
        "--filters",
        &format!("Name=group-id,Values={}", out(&o, "db_sg")),
    ]);
    let rule = rules["SecurityGroupRules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["IsEgress"] == false)
        .unwrap()["SecurityGroupRuleId"]
        .as_str()
        .unwrap()
        .to_string();
    aws(&[
        "ec2",
        "revoke-security-group-ingress",
        "--group-id",
        &out(&o, "db_sg"),
        "--security-group-rule-ids",
        &rule,
    ]);
    aws(&[
        "ec2",
        "create-tags",
        "--resources",
        &out(&o, "eip"),
        "--tags",
        "Key=Name,Value=other",
    ]);
    aws(&["ec2", "delete-key-pair", "--key-name", &name]);
    aws(&[
        "ec2",
        "delete-launch-template",
        "--launch-template-name",
        &name,
    ]);
    aws(&[
        "ec2",
        "create-tags",
        "--resources",
        &out(&o, "vm"),
        "--tags",
        "Key=Owner,Value=someone",
    ]);
    aws(&[
        "iam",
        "update-role",
        "--role-name",
        &name,
        "--description",
        "changed",
    ]);
    aws(&[
        "iam",
        "create-policy-version",
        "--policy-arn",
        &out(&o, "policy"),
        "--set-as-default",
        "--policy-document",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    ]);
    aws(&[
        "iam",
        "detach-role-policy",
        "--role-name",
        &name,
        "--policy-arn",
        &out(&o, "policy"),
    ]);
    // (moto loses a subnet group that modify-db-subnet-group changed: a tag instead)
    let group = aws(&[
        "rds",
        "describe-db-subnet-groups",
        "--db-subnet-group-name",
        &name,
    ]);
    let group_arn = group["DBSubnetGroups"][0]["DBSubnetGroupArn"]
        .as_str()
        .unwrap()
        .to_string();
    aws(&[
        "rds",
        "add-tags-to-resource",
        "--resource-name",
        &group_arn,
        "--tags",
        "Key=Team,Value=data",
    ]);
    aws(&[
        "rds",
        "add-tags-to-resource",
        "--resource-name",
        &out(&o, "pg"),
        "--tags",
        "Key=Name,Value=other",
    ]);
    aws(&[
        "rds",
        "modify-db-instance",
        "--db-instance-identifier",
        &name,
        "--allocated-storage",
        "30",
        "--apply-immediately",
    ]);

    let (code, doc) = drift_json(&w, None, &v);
    assert_eq!(code, 2, "{doc:#}");
    let found = findings(&doc);
    let expect: &[(&str, &str, &[&str])] = &[
        (
            "aws_vpc.main",
            "drifted",
            &["tags[\"Team\"]", "tags_all[\"Team\"]"],
        ),
        ("aws_subnet.app[0]", "drifted", &["map_public_ip_on_launch"]),
        ("aws_subnet.app[1]", "in_sync", &[]),
        (
            "aws_internet_gateway.gw",
            "drifted",
            &["tags[\"Env\"]", "tags_all[\"Env\"]"],
        ),
        (
            "aws_route_table.public",
            "drifted",
            &["tags[\"Name\"]", "tags_all[\"Name\"]"],
        ),
        ("aws_route.out", "deleted", &[]),
        ("aws_security_group.web", "drifted", &["ingress"]),
        ("aws_security_group.db", "in_sync", &[]),
        ("aws_vpc_security_group_ingress_rule.pg", "deleted", &[]),
        (
            "aws_eip.ip",
            "drifted",
            &["tags[\"Name\"]", "tags_all[\"Name\"]"],
        ),
        ("aws_key_pair.k", "deleted", &[]),
        ("aws_launch_template.lt", "deleted", &[]),
        (
            "aws_instance.vm",
            "drifted",
            &["tags[\"Owner\"]", "tags_all[\"Owner\"]"],
        ),
        ("aws_iam_role.app", "drifted", &["description"]),
        ("aws_iam_policy.read", "drifted", &["policy"]),
        ("aws_iam_role_policy_attachment.read", "deleted", &[]),
        (
            "aws_db_subnet_group.db",
            "drifted",
            &["tags", "tags_all[\"Team\"]"],
        ),
        (
            "aws_db_parameter_group.pg",
            "drifted",
            &["tags[\"Name\"]", "tags_all[\"Name\"]"],
        ),
        ("aws_db_instance.db", "drifted", &["allocated_storage"]),
    ];
    let mut problems = Vec::new();
    for (addr, status, paths) in expect {
        match found.get(*addr) {
            None => problems.push(format!("{addr}: not in the report")),
            Some((s, p)) => {
                let want: Vec<String> = paths.iter().map(|x| x.to_string()).collect();
                if s != status || *p != want {
                    problems.push(format!("{addr}: {s} {p:?}, expected {status} {want:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}\n{doc:#}", problems.join("\n"));
    let db = doc["stacks"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_db_instance.db")
        .unwrap();
    assert_eq!(db["changes"][0]["before"], 20);
    assert_eq!(db["changes"][0]["after"], 30);

    // every format shows the same findings
    let text = run(&w, &["drift", "-no-color", "-var", &vars, "-var", &ami_var]);
    assert_eq!(text.code, 2, "{}", text.text());
    assert!(
        text.stdout.contains(
            "~ aws_db_instance.db has changed outside terrane\n      allocated_storage: 20 -> 30"
        ),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("tags[\"Team\"]: \"web\" -> \"ops\""),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("- aws_key_pair.k has been deleted outside terrane"),
        "{}",
        text.stdout
    );
    // a rule added to a set of rules: the element added, not the whole set twice
    assert!(
        text.stdout.contains("      ingress: +{\"cidr_blocks\":[\"0.0.0.0/0\"],\"description\":\"\",\"from_port\":22,"),
        "{}",
        text.stdout
    );
    let md = run(
        &w,
        &["drift", "-format=markdown", "-var", &vars, "-var", &ami_var],
    );
    assert_eq!(md.code, 2, "{}", md.text());
    assert!(
        md.stdout.contains("| `allocated_storage` | `20` | `30` |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| `ingress` |  | added: `{\"cidr_blocks\":[\"0.0.0.0/0\"]"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| `tags[\"Team\"]` | `\"web\"` | `\"ops\"` |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("- :wastebasket: `aws_route.out` was deleted outside terrane"),
        "{}",
        md.stdout
    );
    let xml = run(
        &w,
        &["drift", "-format=junit", "-var", &vars, "-var", &ami_var],
    );
    assert_eq!(xml.code, 2, "{}", xml.text());
    for (addr, status, _) in expect {
        let case = format!("name=\"{addr}\"");
        let at = xml
            .stdout
            .find(&case)
            .unwrap_or_else(|| panic!("{addr}: {}", xml.stdout));
        let rest = &xml.stdout[at..];
        let failing = rest.starts_with(&format!("{case}>\n      <failure"));
        assert_eq!(
            failing,
            *status != "in_sync",
            "{addr}: {}",
            &rest[..rest.len().min(200)]
        );
    }
    assert!(
        xml.stdout.contains("allocated_storage: 20 -&gt; 30"),
        "{}",
        xml.stdout
    );

    // drift changed nothing: a refresh-only plan still sees all of it
    let p = run(
        &w,
        &[
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-no-color",
            "-var",
            &vars,
            "-var",
            &ami_var,
        ],
    );
    assert_eq!(p.code, 2, "{}", p.text());
}

#[test]
fn a_drift_check_of_many_resources_costs_a_call_per_type_and_page_as_counted_by_a_proxy() {
    let proxy = canned::Canned::proxy(&moto::Moto::shared().url);
    let name = moto::unique("calls");
    let w = Workdir::new(&[(
        "main.tf",
        &format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_vpc" "main" {{
  count      = 2
  cidr_block = "10.8${{count.index}}.0.0/16"
}}

resource "aws_subnet" "s" {{
  count      = 300
  vpc_id     = aws_vpc.main[count.index % 2].id
  cidr_block = cidrsubnet(aws_vpc.main[count.index % 2].cidr_block, 8, floor(count.index / 2))
}}

resource "aws_security_group" "g" {{
  count  = 300
  name   = "{name}-${{count.index}}"
  vpc_id = aws_vpc.main[count.index % 2].id
}}

resource "aws_route_table" "r" {{
  count  = 200
  vpc_id = aws_vpc.main[count.index % 2].id
}}

resource "aws_key_pair" "k" {{
  count      = 200
  key_name   = "{name}-${{count.index}}"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqEvjOP1rSclGdaRINYj36SNvC+h5Ng1JRBcuQvWCCn test@example"
}}
"#
        ),
    )]);
    let r = run_at(
        &w,
        Some(&proxy.url),
        &["apply", "-auto-approve", "-no-color"],
    );
    assert_eq!(r.code, 0, "{}", r.text());
    proxy.reset();
    let (code, doc) = drift_json(&w, Some(&proxy.url), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["resources"], 1002);
    let calls = doc["summary"]["api_calls"].as_u64().unwrap();
    assert_eq!(
        calls as usize,
        proxy.operations().len(),
        "the report counts every request moto got: {:?}",
        proxy.operations()
    );
    let by_op = &doc["summary"]["api_calls_by_operation"];
    // 300 subnets and 300 security groups are two pages each (200 ids per call), 200 route tables
    // and 200 key pairs one
    assert_eq!(by_op["EC2.DescribeSubnets"], 2, "{by_op}");
    assert_eq!(by_op["EC2.DescribeKeyPairs"], 1, "{by_op}");
    assert!(
        by_op["EC2.DescribeRouteTables"].as_u64().unwrap() <= 2,
        "{by_op}"
    );
    // 5 types: a few calls each (the VPCs' reading also looks up their default security groups,
    // main route tables and network ACLs), nowhere near one per resource
    assert!(calls <= 20, "{calls} calls for 1002 resources: {by_op}");
    let r = run_at(
        &w,
        Some(&proxy.url),
        &["destroy", "-auto-approve", "-no-color"],
    );
    assert_eq!(r.code, 0, "{}", r.text());
}

#[test]
fn a_resource_whose_refresh_fails_is_reported_with_the_error_and_the_rest_is_still_checked() {
    let name = moto::unique("fail");
    let w = Workdir::new(&[(
        "main.tf",
        &format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.85.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.85.1.0/24"
}}

resource "aws_security_group" "web" {{
  name   = "{name}"
  vpc_id = aws_vpc.main.id
  tags   = {{ Team = "web" }}
}}

output "sg" {{ value = aws_security_group.web.id }}
"#
        ),
    )]);
    ok(&w, &["apply", "-auto-approve", "-no-color"]);
    let o: Json = serde_json::from_str(&ok(&w, &["output", "-json"]).stdout).unwrap();
    aws(&[
        "ec2",
        "create-tags",
        "--resources",
        &out(&o, "sg"),
        "--tags",
        "Key=Team,Value=ops",
    ]);
    let failing = canned::Canned::proxy_except(&moto::Moto::shared().url, |req| {
        (req.action() == "DescribeSubnets").then(|| {
            canned::Answer::ec2_error(
                403,
                "UnauthorizedOperation",
                "You are not authorized to perform this operation.",
            )
        })
    });
    let (code, doc) = drift_json(&w, Some(&failing.url), &[]);
    assert_eq!(code, 1, "a failed refresh is an error: {doc:#}");
    let found = findings(&doc);
    assert_eq!(found["aws_subnet.a"].0, "error", "{doc:#}");
    assert_eq!(found["aws_vpc.main"].0, "in_sync", "{doc:#}");
    assert_eq!(
        found["aws_security_group.web"],
        (
            "drifted".to_string(),
            vec![
                "tags[\"Team\"]".to_string(),
                "tags_all[\"Team\"]".to_string()
            ]
        ),
        "the other resources are still checked: {doc:#}"
    );
    let subnet = doc["stacks"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_subnet.a")
        .unwrap();
    let error = subnet["error"].as_str().unwrap();
    assert!(
        error.contains("DescribeSubnets") && error.contains("UnauthorizedOperation"),
        "{error}"
    );
    assert_eq!(doc["stacks"][0]["status"], "error");
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["drift_detected"], true);

    let r = run_at(&w, Some(&failing.url), &["drift", "-format=junit"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(
        r.stdout
            .contains("<error type=\"refresh\" message=\"aws_subnet.a could not be refreshed\">"),
        "{}",
        r.stdout
    );
    let r = run_at(&w, Some(&failing.url), &["drift", "-no-color"]);
    assert!(r.stdout.starts_with("Drift check failed."), "{}", r.stdout);
    assert!(
        r.stdout.contains("! aws_subnet.a could not be refreshed: "),
        "{}",
        r.stdout
    );
    ok(&w, &["destroy", "-auto-approve", "-no-color"]);
}

/// Every example with environments (the platform stacks built from `modules/`): applied with its
/// development environment, then checked: no drift, and nothing with its tags unmanaged.
#[test]
fn no_false_drift_right_after_applying_each_platform_example() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut examples: Vec<std::path::PathBuf> = std::fs::read_dir(repo.join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("environments").is_dir())
        .collect();
    examples.sort();
    assert!(examples.len() >= 4, "{examples:?}");
    let mut problems = Vec::new();
    for dir in &examples {
        let example = dir.file_name().unwrap().to_string_lossy().to_string();
        let Some(env) = ["dev", "development"]
            .into_iter()
            .find(|e| dir.join(format!("environments/{e}.tfvars")).is_file())
        else {
            problems.push(format!("{example}: no dev environment"));
            continue;
        };
        let w = Workdir::new(&[]);
        w.copy_into(&repo.join("modules"), "modules");
        w.copy_into(dir, &format!("examples/{example}"));
        let chdir = format!("-chdir=examples/{example}");
        let var_file = format!("-var-file=environments/{env}.tfvars");
        let name = format!("name={}", moto::unique("pd"));
        let with = |args: &[&str]| -> Vec<String> {
            let mut all = vec![chdir.clone()];
            all.extend(args.iter().map(|a| a.to_string()));
            all
        };
        let go = |args: Vec<String>| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run(&w, &args)
        };
        ok(&w, &[&chdir, "init", "-no-color"]);
        ok(&w, &[&chdir, "workspace", "new", env]);
        let applied = go(with(&[
            "apply",
            "-auto-approve",
            "-no-color",
            &var_file,
            "-var",
            &name,
        ]));
        assert_eq!(applied.code, 0, "{example}: {}", applied.text());
        // what the example tags, nothing of it unmanaged either
        let main = std::fs::read_to_string(dir.join("main.tf")).unwrap();
        let platform = main
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == "Platform").then(|| v.trim().trim_matches('"').to_string())
            })
            .unwrap_or_else(|| panic!("{example}: no Platform tag"));
        let filter = format!("tag:Platform={platform}");
        let d = go(with(&[
            "drift",
            "-format=json",
            &var_file,
            "-var",
            &name,
            "-unmanaged",
            "-unmanaged-filter",
            &filter,
        ]));
        let doc: Json = serde_json::from_str(&d.stdout)
            .unwrap_or_else(|e| panic!("{example}: {e}: {}", d.text()));
        drift_report::check(&doc);
        if d.code != 0 {
            let found: Vec<String> = findings(&doc)
                .into_iter()
                .filter(|(_, (s, _))| s != "in_sync")
                .map(|(a, (s, p))| format!("{a} {s} {p:?}"))
                .collect();
            let unmanaged = &doc["unmanaged"];
            problems.push(format!(
                "{example} ({env}): exit {}: {found:?} unmanaged {} {}",
                d.code, unmanaged["objects"], unmanaged["errors"]
            ));
        }
        let destroyed = go(with(&[
            "destroy",
            "-auto-approve",
            "-no-color",
            &var_file,
            "-var",
            &name,
        ]));
        assert_eq!(destroyed.code, 0, "{example}: {}", destroyed.text());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
