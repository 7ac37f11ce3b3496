//! Waiting as the user sees it, through the `terrane` binary against a scripted EC2 endpoint (moto
//! makes everything ready at once): a NAT gateway that takes 21 seconds shows Terraform's
//! `Still creating... [..s elapsed]` line (the CLI's ticker runs every 10 seconds from its start), and one that outlives its `timeouts` block fails with a
//! diagnostic naming the resource while the created object stays in the state, tainted.

#[path = "../providers/aws/tests/support/canned.rs"]
mod canned;
mod support;

use canned::{Answer, Canned};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use support::Workdir;

const NS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

fn nat(state: &str) -> String {
    format!(
        "<natGatewayId>nat-0abc</natGatewayId><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><state>{state}</state><connectivityType>public</connectivityType>\
         <natGatewayAddressSet><item><allocationId>eipalloc-1</allocationId><networkInterfaceId>eni-1</networkInterfaceId><privateIp>10.0.0.7</privateIp><publicIp>198.51.100.7</publicIp></item></natGatewayAddressSet>"
    )
}

/// An EC2 endpoint whose NAT gateway becomes available `ready_after` its creation (never if `None`).
fn endpoint(ready_after: Option<Duration>) -> Canned {
    let created: Mutex<Option<Instant>> = Mutex::new(None);
    Canned::start(move |req, _| match req.action() {
        "CreateNatGateway" => {
            *created.lock().unwrap() = Some(Instant::now());
            Answer::xml(format!(
                "<CreateNatGatewayResponse xmlns=\"{NS}\"><requestId>r</requestId><natGateway>{}</natGateway></CreateNatGatewayResponse>",
                nat("pending")
            ))
        }
        "DescribeNatGateways" => {
            let at = created.lock().unwrap().unwrap_or_else(Instant::now);
            let state = match ready_after {
                Some(d) if at.elapsed() >= d => "available",
                _ => "pending",
            };
            Answer::xml(format!(
                "<DescribeNatGatewaysResponse xmlns=\"{NS}\"><requestId>r</requestId><natGatewaySet><item>{}</item></natGatewaySet></DescribeNatGatewaysResponse>",
                nat(state)
            ))
        }
        "DeleteNatGateway" => Answer::xml(format!(
            "<DeleteNatGatewayResponse xmlns=\"{NS}\"><requestId>r</requestId><natGatewayId>nat-0abc</natGatewayId></DeleteNatGatewayResponse>"
        )),
        other => Answer::ec2_error(400, "InvalidAction", other),
    })
}

fn stack(url: &str, timeouts: &str) -> Workdir {
    Workdir::new(&[(
        "main.tf",
        &format!(
            r#"
provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "k"
  secret_key                  = "s"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  max_retries                 = 0

  endpoints {{
    ec2 = "{url}"
  }}
}}

resource "aws_nat_gateway" "main" {{
  subnet_id     = "subnet-1"
  allocation_id = "eipalloc-1"
  {timeouts}
}}
"#
        ),
    )])
}

fn run(w: &Workdir, args: &[&str]) -> support::Run {
    w.run_with(
        args,
        &[
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("TERRANE_AWS_POLL_INTERVAL", "0.5"),
        ],
        None,
    )
}

#[test]
fn a_slow_create_shows_still_creating_lines() {
    let server = endpoint(Some(Duration::from_secs(21)));
    let w = stack(&server.url, "");
    let r = run(&w, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.text());
    assert!(
        r.stdout.contains("aws_nat_gateway.main: Creating..."),
        "{}",
        r.stdout
    );
    let still =
        regex::Regex::new(r"aws_nat_gateway\.main: Still creating\.\.\. \[1\ds elapsed\]").unwrap();
    assert!(still.is_match(&r.stdout), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("aws_nat_gateway.main: Creation complete after 2"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("[id=nat-0abc]"), "{}", r.stdout);
    assert!(
        server.count("DescribeNatGateways") >= 40,
        "polled every half second: {:?}",
        server.operations()
    );
}

#[test]
fn a_create_past_its_timeout_fails_and_leaves_the_object_tainted() {
    let server = endpoint(None);
    let w = stack(&server.url, "timeouts {\n    create = \"2s\"\n  }");
    let start = Instant::now();
    let r = run(&w, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.text());
    assert!(start.elapsed() < Duration::from_secs(30));
    assert!(
        r.stderr
            .contains("waiting for EC2 NAT Gateway (nat-0abc) create"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("timeout while waiting for EC2 NAT Gateway (nat-0abc) to become \"available\" (last status \"pending\", timeout 2s)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("aws_nat_gateway.main"), "{}", r.stderr);
    let listed = run(&w, &["state", "list"]);
    assert_eq!(
        listed.stdout.trim(),
        "aws_nat_gateway.main",
        "{}",
        listed.text()
    );
    let p = run(&w, &["plan", "-no-color", "-refresh=false"]);
    assert!(
        p.stdout.contains("is tainted, so must be replaced"),
        "{}",
        p.text()
    );
}
