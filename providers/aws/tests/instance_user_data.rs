//! `aws_instance` user data against moto: new user data is planned in place (the instance is
//! stopped, modified and started again, as terraform-provider-aws does), and replaces the instance
//! when `user_data_replace_on_change` is set.
//!
//! moto rejects the in-place change: its ModifyInstanceAttribute wants the user data base64-encoded
//! twice (once by the caller, once by the SDK), where AWS takes the bytes the SDK encodes once. The
//! test shows the diagnostic the user gets there, and that the instance is running again after it.

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn new_user_data_is_planned_in_place_or_replaces_the_instance_when_asked() {
    let p = provider().await;
    let m = moto();
    let vpc = create(&p, "aws_vpc", &json!({"cidr_block": "10.110.0.0/16"})).await;
    let subnet = create(
        &p,
        "aws_subnet",
        &json!({"vpc_id": attr(&vpc, "id"), "cidr_block": "10.110.1.0/24"}),
    )
    .await;
    let ami = m.aws_ok(&["ec2", "describe-images", "--owners", "amazon"])["Images"][0]["ImageId"]
        .as_str()
        .unwrap()
        .to_string();
    let cfg = |user_data: &str, replace: bool| {
        json!({"ami": ami, "instance_type": "t3.micro", "subnet_id": attr(&subnet, "id"),
               "user_data": user_data, "user_data_replace_on_change": replace})
    };
    let inst = create(&p, "aws_instance", &cfg("#!/bin/sh\necho one\n", false)).await;
    let id = attr(&inst, "id");
    assert!(
        plans_no_change(
            &p,
            "aws_instance",
            &read(&p, "aws_instance", &inst).await,
            &cfg("#!/bin/sh\necho one\n", false)
        )
        .await
    );

    // in place: stopped, changed (moto refuses the bytes AWS takes), started again
    let two = cfg("#!/bin/sh\necho two\n", false);
    assert!(
        plan(&p, "aws_instance", &inst, &two)
            .await
            .requires_replace
            .is_empty()
    );
    let err = try_apply(&p, "aws_instance", &inst, &two)
        .await
        .expect_err("moto wants user data encoded twice");
    assert!(
        err.contains(&format!(
            "updating EC2 Instance ({id}): operation ModifyInstanceAttribute (HTTP 400) failed: InvalidUserData.Malformed"
        )),
        "{err}"
    );
    let seen = m.aws_ok(&["ec2", "describe-instances", "--instance-ids", &id]);
    assert_eq!(
        seen["Reservations"][0]["Instances"][0]["State"]["Name"], "running",
        "started again after the failed change"
    );
    let inst2 = read(&p, "aws_instance", &inst).await;

    // replaced when asked
    let three = cfg("#!/bin/sh\necho three\n", true);
    let planned = plan(&p, "aws_instance", &inst2, &three).await;
    assert_eq!(
        planned.requires_replace.len(),
        1,
        "{:?}",
        planned.requires_replace
    );
    let inst3 = apply(&p, "aws_instance", &inst2, &three).await;
    assert_ne!(attr(&inst3, "id"), id, "a new instance");
    destroy(&p, "aws_instance", &inst3).await;
    destroy(&p, "aws_subnet", &subnet).await;
    destroy(&p, "aws_vpc", &vpc).await;
}
