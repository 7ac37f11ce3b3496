//! Waiting, backoff and timeouts against scripted AWS answers (moto makes everything ready at once):
//! a NAT gateway polled until `available`, a create that outlives its `timeouts` block (the object
//! is still recorded), throttling retried with backoff, an EKS cluster that ends `FAILED`, and an
//! RDS instance polled through `modifying` after an update.

#[path = "support/canned.rs"]
mod canned;

use canned::{Answer, Canned};
use serde_json::{Value as Json, json};
use std::time::{Duration, Instant};
use terrane_provider_api::{ApplyRequest, ConfigureRequest, PlanRequest, Provider};
use terrane_provider_aws::AwsProvider;
use terrane_provider_aws::retry::Patience;
use terrane_values::Value;

const EC2_NS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

fn patience() -> Patience {
    Patience {
        initial: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        propagation: Duration::from_secs(2),
        poll: Duration::from_millis(50),
    }
}

async fn provider(url: &str) -> AwsProvider {
    let p = terrane_provider_aws::provider().with_patience(patience());
    let cfg = json!({
        "region": "us-east-1", "access_key": "k", "secret_key": "s", "max_retries": 0,
        "skip_credentials_validation": true, "skip_requesting_account_id": true,
        "endpoints": [{"ec2": url, "eks": url, "rds": url, "iam": url, "sts": url}],
    });
    let ty = p.schema().provider.block.implied_type();
    let config = terrane_values::json::from_json(&cfg, &ty).unwrap();
    let resp = p.configure(ConfigureRequest { config }).await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    p
}

fn value(p: &AwsProvider, ty: &str, j: &Json) -> Value {
    let t = p.schema().resources[ty].block.implied_type();
    terrane_values::json::from_json(j, &t).expect("fits the schema")
}

/// Plans a create of `cfg` and applies it: the new state (as JSON) and the diagnostics' text.
async fn create(p: &AwsProvider, ty: &str, cfg: &Json) -> (Json, String) {
    let config = value(p, ty, cfg);
    let null = Value::null(config.ty());
    let planned = p
        .plan_resource_change(PlanRequest {
            type_name: ty.into(),
            prior_state: null.clone(),
            proposed_new_state: config.clone(),
            config: config.clone(),
            prior_private: Vec::new(),
        })
        .await;
    assert!(
        !planned.diagnostics.has_errors(),
        "{:?}",
        planned.diagnostics
    );
    let resp = p
        .apply_resource_change(ApplyRequest {
            type_name: ty.into(),
            prior_state: null,
            planned_state: planned.planned_state,
            config,
            planned_private: Vec::new(),
        })
        .await;
    let text = resp
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect::<Vec<_>>()
        .join("\n");
    (terrane_provider_aws::json::to_json(&resp.new_state), text)
}

fn nat_xml(state: &str) -> String {
    format!(
        "<natGatewayId>nat-0abc</natGatewayId><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><state>{state}</state><connectivityType>public</connectivityType>\
         <natGatewayAddressSet><item><allocationId>eipalloc-1</allocationId><networkInterfaceId>eni-1</networkInterfaceId><privateIp>10.0.0.7</privateIp><publicIp>198.51.100.7</publicIp><associationId>eipassoc-1</associationId><isPrimary>true</isPrimary><status>succeeded</status></item></natGatewayAddressSet>"
    )
}

/// A NAT gateway endpoint: `CreateNatGateway` answers pending, and the n-th `DescribeNatGateways`
/// answers `states(n)`.
fn nat_endpoint(states: impl Fn(usize) -> &'static str + Send + Sync + 'static) -> Canned {
    Canned::start(move |req, n| match req.action() {
        "CreateNatGateway" => Answer::xml(format!(
            "<CreateNatGatewayResponse xmlns=\"{EC2_NS}\"><requestId>r</requestId><natGateway>{}</natGateway></CreateNatGatewayResponse>",
            nat_xml("pending")
        )),
        "DescribeNatGateways" => Answer::xml(format!(
            "<DescribeNatGatewaysResponse xmlns=\"{EC2_NS}\"><requestId>r</requestId><natGatewaySet><item>{}</item></natGatewaySet></DescribeNatGatewaysResponse>",
            nat_xml(states(n))
        )),
        other => Answer::ec2_error(400, "InvalidAction", &format!("unexpected {other}")),
    })
}

#[tokio::test]
async fn a_nat_gateway_is_polled_until_available() {
    let server = nat_endpoint(|n| if n < 3 { "pending" } else { "available" });
    let p = provider(&server.url).await;
    let start = Instant::now();
    let (state, errors) = create(
        &p,
        "aws_nat_gateway",
        &json!({"subnet_id": "subnet-1", "allocation_id": "eipalloc-1"}),
    )
    .await;
    assert_eq!(errors, "");
    assert_eq!(state["id"], "nat-0abc");
    assert_eq!(state["public_ip"], "198.51.100.7");
    // three pending answers, then available, then the read after the write
    assert_eq!(
        server.count("DescribeNatGateways"),
        5,
        "{:?}",
        server.operations()
    );
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "polls are spaced"
    );
}

#[tokio::test]
async fn a_create_that_outlives_its_timeout_fails_and_keeps_the_object() {
    let server = nat_endpoint(|_| "pending");
    let p = provider(&server.url).await;
    let start = Instant::now();
    let (state, errors) = create(
        &p,
        "aws_nat_gateway",
        &json!({"subnet_id": "subnet-1", "allocation_id": "eipalloc-1", "timeouts": {"create": "1s"}}),
    )
    .await;
    let took = start.elapsed();
    assert!(
        errors.contains("waiting for EC2 NAT Gateway (nat-0abc) create: operation wait failed: timeout while waiting for EC2 NAT Gateway (nat-0abc) to become \"available\" (last status \"pending\", timeout 1s)"),
        "{errors}"
    );
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(5),
        "{took:?}"
    );
    // the created object is recorded so that the next plan replaces it (tainted), not forgets it
    assert_eq!(state["id"], "nat-0abc");
}

#[tokio::test]
async fn throttling_is_retried_with_backoff() {
    let server = Canned::start(|req, n| match req.action() {
        "CreateNatGateway" if n < 2 => {
            Answer::ec2_error(503, "RequestLimitExceeded", "Request limit exceeded.")
        }
        "CreateNatGateway" => Answer::xml(format!(
            "<CreateNatGatewayResponse xmlns=\"{EC2_NS}\"><requestId>r</requestId><natGateway>{}</natGateway></CreateNatGatewayResponse>",
            nat_xml("available")
        )),
        "DescribeNatGateways" => Answer::xml(format!(
            "<DescribeNatGatewaysResponse xmlns=\"{EC2_NS}\"><requestId>r</requestId><natGatewaySet><item>{}</item></natGatewaySet></DescribeNatGatewaysResponse>",
            nat_xml("available")
        )),
        other => Answer::ec2_error(400, "InvalidAction", other),
    });
    let p = provider(&server.url).await;
    let (state, errors) = create(
        &p,
        "aws_nat_gateway",
        &json!({"subnet_id": "subnet-1", "allocation_id": "eipalloc-1"}),
    )
    .await;
    assert_eq!(errors, "");
    assert_eq!(state["id"], "nat-0abc");
    assert_eq!(
        server.count("CreateNatGateway"),
        3,
        "{:?}",
        server.operations()
    );
}

#[tokio::test]
async fn an_error_that_is_not_transient_is_reported_at_once_with_code_and_message() {
    let server = Canned::start(|_, _| {
        Answer::ec2_error(
            400,
            "InvalidSubnet.Range",
            "The CIDR '10.9.0.0/24' is invalid.",
        )
    });
    let p = provider(&server.url).await;
    let (_, errors) = create(
        &p,
        "aws_subnet",
        &json!({"vpc_id": "vpc-1", "cidr_block": "10.9.0.0/24"}),
    )
    .await;
    assert!(
        errors.contains("operation CreateSubnet (HTTP 400) failed: InvalidSubnet.Range: The CIDR '10.9.0.0/24' is invalid."),
        "{errors}"
    );
    assert_eq!(server.count("CreateSubnet"), 1, "{:?}", server.operations());
}

fn cluster(status: &str) -> Json {
    json!({"cluster": {
        "name": "main", "arn": "arn:aws:eks:us-east-1:123456789012:cluster/main", "status": status,
        "version": "1.30", "roleArn": "arn:aws:iam::123456789012:role/eks", "endpoint": "https://example.eks",
        "resourcesVpcConfig": {"subnetIds": ["subnet-1", "subnet-2"], "endpointPublicAccess": true, "endpointPrivateAccess": false},
    }})
}

#[tokio::test]
async fn an_eks_cluster_is_polled_until_active_and_a_failed_one_is_an_error() {
    let server = Canned::start(|req, n| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/clusters") => Answer::json(cluster("CREATING")),
        ("GET", "/clusters/main") if n < 2 => Answer::json(cluster("CREATING")),
        ("GET", "/clusters/main") => Answer::json(cluster("ACTIVE")),
        _ => Answer::json(json!({})),
    });
    let p = provider(&server.url).await;
    let cfg = json!({"name": "main", "role_arn": "arn:aws:iam::123456789012:role/eks", "vpc_config": [{"subnet_ids": ["subnet-1", "subnet-2"]}]});
    let (state, errors) = create(&p, "aws_eks_cluster", &cfg).await;
    assert_eq!(errors, "");
    assert_eq!(state["status"], "ACTIVE");
    assert_eq!(state["endpoint"], "https://example.eks");
    assert!(
        server.count("GET /clusters/main") >= 3,
        "{:?}",
        server.operations()
    );

    let server = Canned::start(|req, n| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/clusters") => Answer::json(cluster("CREATING")),
        ("GET", "/clusters/main") if n < 1 => Answer::json(cluster("CREATING")),
        ("GET", "/clusters/main") => Answer::json(cluster("FAILED")),
        _ => Answer::json(json!({})),
    });
    let p = provider(&server.url).await;
    let (state, errors) = create(&p, "aws_eks_cluster", &cfg).await;
    assert!(
        errors.contains("waiting for EKS Cluster (main) create: operation wait failed: EKS Cluster (main) reached status \"FAILED\" instead of \"ACTIVE\""),
        "{errors}"
    );
    assert_eq!(state["id"], "main", "the failed cluster is recorded");
}
