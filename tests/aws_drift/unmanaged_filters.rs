//! `drift -unmanaged` against moto, narrowed by tag and VPC filters (of the command line and of the
//! stack's `terrane-drift.json`), and named in every report format.

use super::*;

fn created_id(j: &Json, kind: &str, field: &str) -> String {
    j[kind][field].as_str().unwrap().to_string()
}

#[test]
fn unmanaged_objects_made_through_awscli_are_listed_narrowed_by_tag_and_vpc() {
    let team = moto::unique("team");
    let tag = format!("tag:Team={team}");
    let tags = format!("ResourceType=vpc,Tags=[{{Key=Team,Value={team}}}]");
    let stack = |cidr: &str| {
        format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_vpc" "main" {{
  cidr_block = "{cidr}"
  tags       = {{ Team = "{team}" }}
}}

resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, 0)
  tags       = {{ Team = "{team}" }}
}}

output "vpc" {{ value = aws_vpc.main.id }}
"#
        )
    };
    let w = Workdir::new(&[
        ("net/main.tf", &stack("10.90.0.0/16")),
        ("other/main.tf", &stack("10.91.0.0/16")),
    ]);
    for d in ["net", "other"] {
        ok(
            &w,
            &[
                &format!("-chdir={d}"),
                "apply",
                "-auto-approve",
                "-no-color",
            ],
        );
    }
    let net_vpc = out(
        &serde_json::from_str(&ok(&w, &["-chdir=net", "output", "-json"]).stdout).unwrap(),
        "vpc",
    );
    let other_vpc = out(
        &serde_json::from_str(&ok(&w, &["-chdir=other", "output", "-json"]).stdout).unwrap(),
        "vpc",
    );

    // clean: nothing unmanaged yet (the VPCs' default security groups and main route tables are
    // AWS's own, and the other stack's VPC is managed in the recursive check)
    let (code, doc) = drift_json(
        &w,
        None,
        &["-recursive", "-unmanaged", "-unmanaged-filter", &tag, "."],
    );
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        doc["unmanaged"]["objects"],
        serde_json::json!([]),
        "{doc:#}"
    );
    assert!(
        doc["unmanaged"]["types"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "aws_vpc")
    );

    // made outside terrane
    let vpc = created_id(
        &aws(&[
            "ec2",
            "create-vpc",
            "--cidr-block",
            "10.92.0.0/16",
            "--tag-specifications",
            &tags,
        ]),
        "Vpc",
        "VpcId",
    );
    let subnet = created_id(
        &aws(&[
            "ec2",
            "create-subnet",
            "--vpc-id",
            &vpc,
            "--cidr-block",
            "10.92.1.0/24",
            "--tag-specifications",
            &format!("ResourceType=subnet,Tags=[{{Key=Team,Value={team}}}]"),
        ]),
        "Subnet",
        "SubnetId",
    );
    let sg = aws(&[
        "ec2",
        "create-security-group",
        "--group-name",
        &moto::unique("loose"),
        "--description",
        "x",
        "--vpc-id",
        &net_vpc,
        "--tag-specifications",
        &format!("ResourceType=security-group,Tags=[{{Key=Team,Value={team}}}]"),
    ])["GroupId"]
        .as_str()
        .unwrap()
        .to_string();
    let lt_name = moto::unique("lt");
    let lt = aws(&[
        "ec2",
        "create-launch-template",
        "--launch-template-name",
        &lt_name,
        "--launch-template-data",
        r#"{"InstanceType":"t3.micro"}"#,
        "--tag-specifications",
        &format!("ResourceType=launch-template,Tags=[{{Key=Team,Value={team}}}]"),
    ])["LaunchTemplate"]["LaunchTemplateId"]
        .as_str()
        .unwrap()
        .to_string();
    let cluster = moto::unique("eks");
    aws(&[
        "eks",
        "create-cluster",
        "--name",
        &cluster,
        "--role-arn",
        "arn:aws:iam::123456789012:role/eks",
        "--resources-vpc-config",
        &format!("subnetIds={subnet}"),
        "--tags",
        &format!("Team={team}"),
    ]);
    // not the team's: never listed
    aws(&["ec2", "create-vpc", "--cidr-block", "10.93.0.0/16"]);

    let listed = |doc: &Json| -> Vec<(String, String)> {
        doc["unmanaged"]["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["type"].as_str().unwrap().to_string(),
                    o["id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let mut want = vec![
        ("aws_eks_cluster".to_string(), cluster.clone()),
        ("aws_launch_template".to_string(), lt.clone()),
        ("aws_security_group".to_string(), sg.clone()),
        ("aws_subnet".to_string(), subnet.clone()),
        ("aws_vpc".to_string(), vpc.clone()),
    ];
    want.sort();
    let (code, doc) = drift_json(
        &w,
        None,
        &["-recursive", "-unmanaged", "-unmanaged-filter", &tag, "."],
    );
    assert_eq!(code, 2, "unmanaged objects are drift: {doc:#}");
    assert_eq!(listed(&doc), want, "{doc:#}");
    assert_eq!(doc["summary"]["unmanaged"], 5);

    // one stack alone: the other stack's objects are not in its state, so they are listed too
    let (_, doc) = drift_json(&w, None, &["-unmanaged", "-unmanaged-filter", &tag, "net"]);
    let one = listed(&doc);
    assert!(
        one.contains(&("aws_vpc".to_string(), other_vpc.clone())),
        "{one:?}"
    );

    // the same filter set by the stack itself (terrane-drift.json)
    w.write(
        "net/terrane-drift.json",
        &format!("{{\"unmanaged_filters\": [\"{tag}\"]}}"),
    );
    let (_, doc) = drift_json(&w, None, &["-unmanaged", "net"]);
    assert_eq!(listed(&doc), one, "{doc:#}");
    w.remove("net/terrane-drift.json");

    // narrowed to a VPC: only what is in it
    let (_, doc) = drift_json(
        &w,
        None,
        &[
            "-unmanaged",
            "-unmanaged-filter",
            &tag,
            "-unmanaged-filter",
            &format!("vpc-id={net_vpc}"),
            "net",
        ],
    );
    assert_eq!(
        listed(&doc),
        [("aws_security_group".to_string(), sg.clone())],
        "{doc:#}"
    );

    // every format names them
    let r = run(
        &w,
        &[
            "drift",
            "-recursive",
            "-no-color",
            "-unmanaged",
            "-unmanaged-filter",
            &tag,
            ".",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.text());
    assert!(
        r.stdout.contains(&format!("+ aws_vpc {vpc}")),
        "{}",
        r.stdout
    );
    let r = run(
        &w,
        &[
            "drift",
            "-recursive",
            "-format=markdown",
            "-unmanaged",
            "-unmanaged-filter",
            &tag,
            ".",
        ],
    );
    assert!(
        r.stdout.contains(&format!("| `aws_subnet` | `{subnet}` |")),
        "{}",
        r.stdout
    );
    let r = run(
        &w,
        &[
            "drift",
            "-recursive",
            "-format=junit",
            "-unmanaged",
            "-unmanaged-filter",
            &tag,
            ".",
        ],
    );
    assert!(
        r.stdout.contains(&format!(
            "<testcase classname=\"unmanaged\" name=\"aws_security_group {sg}\">"
        )),
        "{}",
        r.stdout
    );

    aws(&["eks", "delete-cluster", "--name", &cluster]);
    aws(&["ec2", "delete-launch-template", "--launch-template-id", &lt]);
    aws(&["ec2", "delete-subnet", "--subnet-id", &subnet]);
    aws(&["ec2", "delete-security-group", "--group-id", &sg]);
    aws(&["ec2", "delete-vpc", "--vpc-id", &vpc]);
    for d in ["net", "other"] {
        ok(
            &w,
            &[
                &format!("-chdir={d}"),
                "destroy",
                "-auto-approve",
                "-no-color",
            ],
        );
    }
}
