//! `drift -unmanaged` against moto, for the types that belong to others or have no VPC: IAM roles,
//! policies and attachments, routes, route table associations, security group rules, DB subnet and
//! parameter groups, EKS node groups. Made through awscli they are listed with their import ids;
//! right after an apply, nothing a stack manages is; a recursive check lists the account once.

use super::*;
use serde_json::json;

/// A stack of every type, tagged through `default_tags`; `cidr` sets its VPC apart.
fn stack(team: &str, name: &str, cidr: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
  default_tags {{
    tags = {{ Team = "{team}" }}
  }}
}}

data "aws_availability_zones" "az" {{
  state = "available"
}}

resource "aws_vpc" "main" {{
  cidr_block = "{cidr}"
}}

resource "aws_subnet" "a" {{
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = data.aws_availability_zones.az.names[count.index]
}}

resource "aws_internet_gateway" "gw" {{
  vpc_id = aws_vpc.main.id
}}

# routes and associations as resources of their own
resource "aws_route_table" "standalone" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_route" "out" {{
  route_table_id         = aws_route_table.standalone.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.gw.id
}}

resource "aws_route_table_association" "a" {{
  subnet_id      = aws_subnet.a[0].id
  route_table_id = aws_route_table.standalone.id
}}

# routes managed by the table itself
resource "aws_route_table" "inline" {{
  vpc_id = aws_vpc.main.id
  route {{
    cidr_block = "10.200.0.0/16"
    gateway_id = aws_internet_gateway.gw.id
  }}
}}

# rules as resources of their own (one like the egress rule AWS adds to a new group)
resource "aws_security_group" "standalone" {{
  name   = "{name}-standalone"
  vpc_id = aws_vpc.main.id
}}

resource "aws_vpc_security_group_ingress_rule" "https" {{
  security_group_id = aws_security_group.standalone.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.0.0.0/8"
}}

resource "aws_vpc_security_group_egress_rule" "all" {{
  security_group_id = aws_security_group.standalone.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}}

# rules managed by the group itself
resource "aws_security_group" "inline" {{
  name   = "{name}-inline"
  vpc_id = aws_vpc.main.id
  ingress {{
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_iam_role" "app" {{
  name = "{name}-app"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ Service = "eks.amazonaws.com" }}, Action = "sts:AssumeRole" }}]
  }})
}}

resource "aws_iam_policy" "read" {{
  name = "{name}-read"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "read" {{
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.read.arn
}}

resource "aws_iam_role_policy_attachment" "eks" {{
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}}

resource "aws_db_subnet_group" "db" {{
  name       = "{name}-db"
  subnet_ids = aws_subnet.a[*].id
}}

resource "aws_db_parameter_group" "pg" {{
  name   = "{name}-pg16"
  family = "postgres16"
}}

resource "aws_eks_cluster" "c" {{
  name     = "{name}-eks"
  role_arn = aws_iam_role.app.arn
  vpc_config {{
    subnet_ids = aws_subnet.a[*].id
  }}
}}

resource "aws_eks_node_group" "ng" {{
  cluster_name    = aws_eks_cluster.c.name
  node_group_name = "{name}-ng"
  node_role_arn   = aws_iam_role.app.arn
  subnet_ids      = aws_subnet.a[*].id
  scaling_config {{
    desired_size = 1
    min_size     = 1
    max_size     = 2
  }}
}}

output "ids" {{
  value = {{
    subnet1      = aws_subnet.a[1].id
    gw           = aws_internet_gateway.gw.id
    standalone   = aws_route_table.standalone.id
    inline       = aws_route_table.inline.id
    sg           = aws_security_group.standalone.id
    sg_inline    = aws_security_group.inline.id
    role         = aws_iam_role.app.name
    role_arn     = aws_iam_role.app.arn
    cluster      = aws_eks_cluster.c.name
  }}
}}
"#
    )
}

fn outputs(w: &Workdir, dir: &str) -> Json {
    let o: Json =
        serde_json::from_str(&ok(w, &[&format!("-chdir={dir}"), "output", "-json"]).stdout)
            .unwrap();
    o["ids"]["value"].clone()
}

fn apply(w: &Workdir, dir: &str, verb: &str) {
    ok(
        w,
        &[&format!("-chdir={dir}"), verb, "-auto-approve", "-no-color"],
    );
}

/// (type, import id) of each listed object.
fn listed(doc: &Json) -> Vec<(String, String)> {
    doc["unmanaged"]["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["type"].as_str().unwrap().to_string(),
                o["import_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn calls(doc: &Json, op: &str) -> u64 {
    doc["summary"]["api_calls_by_operation"][op]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn objects_of_every_listed_type_made_through_awscli_are_listed_with_their_import_ids() {
    let team = moto::unique("team");
    let name = moto::unique("um");
    let tag = format!("tag:Team={team}");
    let w = Workdir::new(&[("s/main.tf", &stack(&team, &name, "10.94.0.0/16"))]);
    apply(&w, "s", "apply");
    let ids = outputs(&w, "s");
    let id = |k: &str| ids[k].as_str().unwrap().to_string();

    // right after the apply: nothing of the stack's own is unmanaged
    let (code, doc) = drift_json(&w, None, &["-unmanaged", "-unmanaged-filter", &tag, "s"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["unmanaged"]["objects"], json!([]), "{doc:#}");
    let types = &doc["unmanaged"]["types"];
    for t in [
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_role_policy_attachment",
        "aws_route",
        "aws_route_table_association",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_db_subnet_group",
        "aws_db_parameter_group",
        "aws_eks_node_group",
    ] {
        assert!(
            types.as_array().unwrap().contains(&json!(t)),
            "{t}: {types}"
        );
    }

    // made outside terrane
    let tags = format!("Key=Team,Value={team}");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = format!("{name}-loose");
    aws(&[
        "iam",
        "create-role",
        "--role-name",
        &role,
        "--assume-role-policy-document",
        trust,
        "--tags",
        &tags,
    ]);
    let policy = aws(&[
        "iam",
        "create-policy",
        "--policy-name",
        &format!("{name}-loose"),
        "--policy-document",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#,
        "--tags",
        &tags,
    ])["Policy"]["Arn"]
        .as_str()
        .unwrap()
        .to_string();
    // to the stack's role: matched through its tags
    aws(&[
        "iam",
        "attach-role-policy",
        "--role-name",
        &id("role"),
        "--policy-arn",
        &policy,
    ]);
    let (rt, gw) = (id("standalone"), id("gw"));
    aws(&[
        "ec2",
        "create-route",
        "--route-table-id",
        &rt,
        "--destination-cidr-block",
        "10.201.0.0/16",
        "--gateway-id",
        &gw,
    ]);
    // to the table whose configuration has its routes: drift of the table, not unmanaged
    aws(&[
        "ec2",
        "create-route",
        "--route-table-id",
        &id("inline"),
        "--destination-cidr-block",
        "10.202.0.0/16",
        "--gateway-id",
        &gw,
    ]);
    let assoc = aws(&[
        "ec2",
        "associate-route-table",
        "--route-table-id",
        &rt,
        "--subnet-id",
        &id("subnet1"),
    ])["AssociationId"]
        .as_str()
        .unwrap()
        .to_string();
    let rule = |dir: &str, group: &str, port: &str| -> String {
        aws(&[
            "ec2",
            &format!("authorize-security-group-{dir}"),
            "--group-id",
            group,
            "--ip-permissions",
            &format!(
                "IpProtocol=tcp,FromPort={port},ToPort={port},IpRanges=[{{CidrIp=10.9.0.0/16}}]"
            ),
        ])["SecurityGroupRules"][0]["SecurityGroupRuleId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let ingress = rule("ingress", &id("sg"), "22");
    let egress = rule("egress", &id("sg"), "5432");
    rule("ingress", &id("sg_inline"), "8080");
    let subnet_group = format!("{name}-loose-db");
    aws(&[
        "rds",
        "create-db-subnet-group",
        "--db-subnet-group-name",
        &subnet_group,
        "--db-subnet-group-description",
        "x",
        "--subnet-ids",
        &id("subnet1"),
        "--tags",
        &tags,
    ]);
    let parameter_group = format!("{name}-loose-pg");
    aws(&[
        "rds",
        "create-db-parameter-group",
        "--db-parameter-group-name",
        &parameter_group,
        "--db-parameter-group-family",
        "postgres16",
        "--description",
        "x",
        "--tags",
        &tags,
    ]);
    let node_group = format!("{name}-loose-ng");
    aws(&[
        "eks",
        "create-nodegroup",
        "--cluster-name",
        &id("cluster"),
        "--nodegroup-name",
        &node_group,
        "--node-role",
        &id("role_arn"),
        "--subnets",
        &id("subnet1"),
    ]);

    let (code, doc) = drift_json(&w, None, &["-unmanaged", "-unmanaged-filter", &tag, "s"]);
    assert_eq!(code, 2, "{doc:#}");
    let account_policy = policy.clone();
    let mut want: Vec<(String, String)> = [
        ("aws_db_parameter_group", parameter_group.clone()),
        ("aws_db_subnet_group", subnet_group.clone()),
        (
            "aws_eks_node_group",
            format!("{}:{node_group}", id("cluster")),
        ),
        ("aws_iam_policy", account_policy),
        ("aws_iam_role", role.clone()),
        (
            "aws_iam_role_policy_attachment",
            format!("{}/{policy}", id("role")),
        ),
        ("aws_route", format!("{rt}_10.201.0.0/16")),
        (
            "aws_route_table_association",
            format!("{}/{rt}", id("subnet1")),
        ),
        ("aws_vpc_security_group_egress_rule", egress.clone()),
        ("aws_vpc_security_group_ingress_rule", ingress.clone()),
    ]
    .into_iter()
    .map(|(t, i)| (t.to_string(), i))
    .collect();
    want.sort();
    assert_eq!(listed(&doc), want, "{doc:#}");
    // the ids are those the types' states hold
    let object = |ty: &str| -> Json {
        doc["unmanaged"]["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["type"] == ty)
            .unwrap()
            .clone()
    };
    assert_eq!(object("aws_route_table_association")["id"], json!(assoc));
    let route_id = object("aws_route")["id"].as_str().unwrap().to_string();
    assert!(route_id.starts_with(&format!("r-{rt}")), "{route_id}");
    let text = run(
        &w,
        &[
            "drift",
            "-no-color",
            "-unmanaged",
            "-unmanaged-filter",
            &tag,
            "s",
        ],
    );
    assert!(
        text.stdout.contains(&format!(
            "+ aws_route {route_id}, import id {rt}_10.201.0.0/16"
        )),
        "{}",
        text.stdout
    );
    // what was added to the parts the configuration manages is drift of their owners
    let f = findings(&doc);
    assert_eq!(f["aws_route_table.inline"].0, "drifted", "{doc:#}");
    assert_eq!(f["aws_security_group.inline"].0, "drifted", "{doc:#}");

    // imported with the listed id, an object is managed and no longer listed
    w.write(
        "s/imported.tf",
        &format!(
            "import {{\n  to = aws_db_parameter_group.loose\n  id = \"{parameter_group}\"\n}}\n\nresource \"aws_db_parameter_group\" \"loose\" {{\n  name        = \"{parameter_group}\"\n  family      = \"postgres16\"\n  description = \"x\"\n}}\n\nimport {{\n  to = aws_route.loose\n  id = \"{rt}_10.201.0.0/16\"\n}}\n\nresource \"aws_route\" \"loose\" {{\n  route_table_id         = \"{rt}\"\n  destination_cidr_block = \"10.201.0.0/16\"\n  gateway_id             = \"{gw}\"\n}}\n"
        ),
    );
    apply(&w, "s", "apply");
    let (_, doc) = drift_json(&w, None, &["-unmanaged", "-unmanaged-filter", &tag, "s"]);
    let now = listed(&doc);
    assert!(
        !now.iter()
            .any(|(t, _)| t == "aws_db_parameter_group" || t == "aws_route"),
        "{now:?}"
    );
    assert_eq!(now.len(), want.len() - 2, "{doc:#}");

    // clean up what terrane does not manage, then the stack
    aws(&[
        "eks",
        "delete-nodegroup",
        "--cluster-name",
        &id("cluster"),
        "--nodegroup-name",
        &node_group,
    ]);
    aws(&[
        "rds",
        "delete-db-subnet-group",
        "--db-subnet-group-name",
        &subnet_group,
    ]);
    aws(&[
        "ec2",
        "disassociate-route-table",
        "--association-id",
        &assoc,
    ]);
    aws(&[
        "iam",
        "detach-role-policy",
        "--role-name",
        &id("role"),
        "--policy-arn",
        &policy,
    ]);
    aws(&["iam", "delete-policy", "--policy-arn", &policy]);
    aws(&["iam", "delete-role", "--role-name", &role]);
    apply(&w, "s", "destroy");
}

#[test]
fn a_recursive_check_lists_each_region_once_and_iam_once_and_leaves_out_what_any_stack_manages() {
    let team = moto::unique("team");
    let tag = format!("tag:Team={team}");
    let (a, b) = (moto::unique("ra"), moto::unique("rb"));
    // a third stack in another region: its region is listed on its own, IAM is not
    let west = format!(
        r#"
provider "aws" {{
  region = "us-west-2"
  default_tags {{
    tags = {{ Team = "{team}" }}
  }}
}}

resource "aws_iam_role" "west" {{
  name               = "{b}-west"
  assume_role_policy = "{{}}"
}}
"#
    );
    let w = Workdir::new(&[
        ("one/main.tf", &stack(&team, &a, "10.95.0.0/16")),
        ("two/main.tf", &stack(&team, &b, "10.96.0.0/16")),
        ("west/main.tf", &west),
    ]);
    for d in ["one", "two", "west"] {
        apply(&w, d, "apply");
    }

    // each stack alone lists the other's objects
    let (code, doc) = drift_json(&w, None, &["-unmanaged", "-unmanaged-filter", &tag, "one"]);
    assert_eq!(code, 2, "{doc:#}");
    let alone = listed(&doc);
    assert!(
        alone.contains(&("aws_iam_role".to_string(), format!("{b}-app"))),
        "{alone:?}"
    );
    assert!(
        alone
            .iter()
            .any(|(t, i)| t == "aws_eks_node_group" && i.ends_with(&format!("{b}-ng"))),
        "{alone:?}"
    );
    assert_eq!(calls(&doc, "IAM.ListRoles"), 1, "{doc:#}");

    // together: nothing is unmanaged, each region was listed once for all, IAM once
    let (code, doc) = drift_json(
        &w,
        None,
        &["-recursive", "-unmanaged", "-unmanaged-filter", &tag, "."],
    );
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["unmanaged"]["objects"], json!([]), "{doc:#}");
    let mut scopes: Vec<String> = doc["unmanaged"]["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let scope = l["scope"].as_str().unwrap();
            // the endpoint is moto's
            scope.split(" at ").next().unwrap().to_string()
        })
        .collect();
    scopes.sort();
    assert_eq!(
        scopes,
        [
            "aws account 123456789012",
            "aws account 123456789012 region us-east-1",
            "aws account 123456789012 region us-west-2",
        ],
        "{doc:#}"
    );
    // (operations the stacks' refresh does not call)
    for (op, n) in [
        ("IAM.ListRoles", 1),
        ("IAM.ListPolicies", 1),
        ("EKS.ListClusters", 2),
        ("RDS.DescribeDBInstances", 2),
        ("EC2.DescribeLaunchTemplates", 2),
    ] {
        assert_eq!(calls(&doc, op), n, "{op}: {doc:#}");
    }
    // the listing's calls are counted in the stack that made it, and so in the summary
    let by_stack: u64 = doc["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["api_calls"].as_u64().unwrap())
        .sum();
    assert_eq!(doc["summary"]["api_calls"], json!(by_stack));

    // an object of neither is still listed, once
    let role = moto::unique("loose");
    aws(&[
        "iam",
        "create-role",
        "--role-name",
        &role,
        "--assume-role-policy-document",
        "{}",
        "--tags",
        &format!("Key=Team,Value={team}"),
    ]);
    let (code, doc) = drift_json(
        &w,
        None,
        &["-recursive", "-unmanaged", "-unmanaged-filter", &tag, "."],
    );
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(listed(&doc), [("aws_iam_role".to_string(), role.clone())]);

    aws(&["iam", "delete-role", "--role-name", &role]);
    for d in ["one", "two", "west"] {
        apply(&w, d, "destroy");
    }
}
