//! Security groups, their inline rules and the standalone rule resources, key pairs, launch
//! templates and instances against moto, with drift made through awscli.

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn security_group_rules_update_in_place_and_drift_shows() {
    let p = provider().await;
    let m = moto();
    let vpc = create(&p, "aws_vpc", &json!({"cidr_block": "10.30.0.0/16"})).await;
    let name = moto::unique("web");
    let cfg = json!({
        "name": name, "vpc_id": attr(&vpc, "id"), "description": "web",
        "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"], "description": "https"}],
        "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}],
    });
    let sg = create(&p, "aws_security_group", &cfg).await;
    let id = attr(&sg, "id");
    assert!(
        plans_no_change(
            &p,
            "aws_security_group",
            &read(&p, "aws_security_group", &sg).await,
            &cfg
        )
        .await
    );
    let seen = m.aws_ok(&["ec2", "describe-security-groups", "--group-ids", &id]);
    let ingress = &seen["SecurityGroups"][0]["IpPermissions"];
    assert_eq!(ingress.as_array().unwrap().len(), 1);
    assert_eq!(ingress[0]["FromPort"], 443);
    // drift: a rule opened behind terrane's back
    m.aws_ok(&[
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        &id,
        "--protocol",
        "tcp",
        "--port",
        "22",
        "--cidr",
        "0.0.0.0/0",
    ]);
    let drifted = read(&p, "aws_security_group", &sg).await;
    assert_eq!(j(&drifted)["ingress"].as_array().unwrap().len(), 2);
    let planned = plan(&p, "aws_security_group", &drifted, &cfg).await;
    assert!(planned.requires_replace.is_empty(), "rules change in place");
    let back = apply(&p, "aws_security_group", &drifted, &cfg).await;
    assert_eq!(attr(&back, "id"), id);
    let seen = m.aws_ok(&["ec2", "describe-security-groups", "--group-ids", &id]);
    assert_eq!(
        seen["SecurityGroups"][0]["IpPermissions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // a standalone rule next to a group without inline ingress blocks
    let cfg2 = json!({"name": name, "vpc_id": attr(&vpc, "id"), "description": "web"});
    let plain = apply(&p, "aws_security_group", &back, &cfg2).await;
    let rule_cfg = json!({"security_group_id": id, "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_ipv4": "10.30.0.0/16", "tags": {"Name": "pg"}});
    let rule = create(&p, "aws_vpc_security_group_ingress_rule", &rule_cfg).await;
    assert!(
        attr(&rule, "id").starts_with("sgr-"),
        "{}",
        attr(&rule, "id")
    );
    assert!(
        plans_no_change(
            &p,
            "aws_vpc_security_group_ingress_rule",
            &read(&p, "aws_vpc_security_group_ingress_rule", &rule).await,
            &rule_cfg
        )
        .await
    );
    // the group without ingress blocks leaves the standalone rule alone
    let fresh = read(&p, "aws_security_group", &plain).await;
    assert!(plans_no_change(&p, "aws_security_group", &fresh, &cfg2).await);
    // a new port range and description change the rule in place (ModifySecurityGroupRules)
    let mut rule_cfg2 = rule_cfg.clone();
    rule_cfg2["from_port"] = json!(5433);
    rule_cfg2["to_port"] = json!(5433);
    rule_cfg2["description"] = json!("postgres");
    let planned = plan(&p, "aws_vpc_security_group_ingress_rule", &rule, &rule_cfg2).await;
    assert!(planned.requires_replace.is_empty());
    let rule2 = apply(&p, "aws_vpc_security_group_ingress_rule", &rule, &rule_cfg2).await;
    assert_eq!(attr(&rule2, "id"), attr(&rule, "id"));
    let seen = m.aws_ok(&[
        "ec2",
        "describe-security-group-rules",
        "--security-group-rule-ids",
        &attr(&rule, "id"),
    ]);
    assert_eq!(seen["SecurityGroupRules"][0]["FromPort"], 5433, "{seen}");
    let fresh = read(&p, "aws_vpc_security_group_ingress_rule", &rule2).await;
    assert!(
        plans_no_change(
            &p,
            "aws_vpc_security_group_ingress_rule",
            &fresh,
            &rule_cfg2
        )
        .await
    );
    let rule = rule2;
    let imported = import(
        &p,
        "aws_vpc_security_group_ingress_rule",
        &attr(&rule, "id"),
    )
    .await;
    assert_eq!(j(&imported)["from_port"], json!(5433));
    destroy(&p, "aws_vpc_security_group_ingress_rule", &rule).await;
    destroy(&p, "aws_security_group", &fresh).await;
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn key_pair_launch_template_and_instance() {
    let p = provider().await;
    let m = moto();
    let key = moto::unique("key");
    let kp_cfg = json!({"key_name": key, "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqEvjOP1rSclGdaRINYj36SNvC+h5Ng1JRBcuQvWCCn test@example", "tags": {"a": "b"}});
    let kp = create(&p, "aws_key_pair", &kp_cfg).await;
    assert_eq!(attr(&kp, "id"), key);
    assert!(
        plans_no_change(
            &p,
            "aws_key_pair",
            &read(&p, "aws_key_pair", &kp).await,
            &kp_cfg
        )
        .await
    );
    // the description, instance tags and the template's own tags read back as configured
    let lt_cfg = json!({"name": moto::unique("lt"), "description": "web servers", "image_id": "ami-12c6146b", "instance_type": "t3.micro", "key_name": key, "update_default_version": true,
        "tag_specifications": [{"resource_type": "instance", "tags": {"Name": "web"}}], "tags": {"Team": "web"}});
    let lt = create(&p, "aws_launch_template", &lt_cfg).await;
    assert_eq!(j(&lt)["latest_version"], json!(1));
    assert!(
        plans_no_change(
            &p,
            "aws_launch_template",
            &read(&p, "aws_launch_template", &lt).await,
            &lt_cfg
        )
        .await
    );
    let mut lt_cfg2 = lt_cfg.clone();
    lt_cfg2["instance_type"] = json!("t3.small");
    // the new version's number is known after apply, so that users of latest_version follow it
    let planned = plan(&p, "aws_launch_template", &lt, &lt_cfg2).await;
    for v in ["latest_version", "default_version"] {
        assert!(
            !planned.planned_state.get_attr(v).unwrap().is_known(),
            "{v} unknown"
        );
    }
    let lt2 = apply(&p, "aws_launch_template", &lt, &lt_cfg2).await;
    assert_eq!(
        attr(&lt2, "id"),
        attr(&lt, "id"),
        "a new version, not a new template"
    );
    assert_eq!(j(&lt2)["latest_version"], json!(2));
    assert_eq!(j(&lt2)["default_version"], json!(2));
    assert_eq!(attr(&lt2, "instance_type"), "t3.small");
    assert_eq!(attr(&lt2, "description"), "web servers");

    let vpc = create(&p, "aws_vpc", &json!({"cidr_block": "10.31.0.0/16"})).await;
    let subnet = create(
        &p,
        "aws_subnet",
        &json!({"vpc_id": attr(&vpc, "id"), "cidr_block": "10.31.1.0/24"}),
    )
    .await;
    let inst_cfg = json!({"ami": "ami-12c6146b", "instance_type": "t3.micro", "subnet_id": attr(&subnet, "id"), "key_name": key, "tags": {"Name": "web"}});
    let inst = create(&p, "aws_instance", &inst_cfg).await;
    let id = attr(&inst, "id");
    assert_eq!(attr(&inst, "instance_state"), "running");
    let fresh = read(&p, "aws_instance", &inst).await;
    assert_eq!(
        plan_diff(&p, "aws_instance", &fresh, &inst_cfg).await,
        Vec::<String>::new()
    );
    // the instance type changes in place (stop, modify, start)
    let mut cfg2 = inst_cfg.clone();
    cfg2["instance_type"] = json!("t3.large");
    let planned = plan(&p, "aws_instance", &fresh, &cfg2).await;
    assert!(planned.requires_replace.is_empty());
    let resized = apply(&p, "aws_instance", &fresh, &cfg2).await;
    assert_eq!(attr(&resized, "id"), id);
    let seen = m.aws_ok(&["ec2", "describe-instances", "--instance-ids", &id]);
    assert_eq!(
        seen["Reservations"][0]["Instances"][0]["InstanceType"],
        "t3.large"
    );
    // a new AMI replaces
    let mut cfg3 = cfg2.clone();
    cfg3["ami"] = json!("ami-0000000000000000a");
    assert!(
        !plan(&p, "aws_instance", &resized, &cfg3)
            .await
            .requires_replace
            .is_empty()
    );
    // terminated behind terrane's back: gone
    m.aws_ok(&["ec2", "terminate-instances", "--instance-ids", &id]);
    assert!(read(&p, "aws_instance", &resized).await.is_null());
    destroy(&p, "aws_subnet", &subnet).await;
    destroy(&p, "aws_vpc", &vpc).await;
    destroy(&p, "aws_launch_template", &lt2).await;
    destroy(&p, "aws_key_pair", &kp).await;
    assert!(
        m.aws(&["ec2", "describe-key-pairs", "--key-names", &key])
            .is_err()
    );
}

#[tokio::test]
async fn gateways_routes_and_associations() {
    let p = provider().await;
    let m = moto();
    let vpc = create(&p, "aws_vpc", &json!({"cidr_block": "10.32.0.0/16"})).await;
    let vpc_id = attr(&vpc, "id");
    let public = create(
        &p,
        "aws_subnet",
        &json!({"vpc_id": vpc_id, "cidr_block": "10.32.0.0/24", "map_public_ip_on_launch": true}),
    )
    .await;
    let private = create(
        &p,
        "aws_subnet",
        &json!({"vpc_id": vpc_id, "cidr_block": "10.32.1.0/24"}),
    )
    .await;
    let igw_cfg = json!({"vpc_id": vpc_id, "tags": {"Name": "igw"}});
    let igw = create(&p, "aws_internet_gateway", &igw_cfg).await;
    assert!(
        plans_no_change(
            &p,
            "aws_internet_gateway",
            &read(&p, "aws_internet_gateway", &igw).await,
            &igw_cfg
        )
        .await
    );
    let eip_cfg = json!({"domain": "vpc"});
    let eip = create(&p, "aws_eip", &eip_cfg).await;
    assert!(!attr(&eip, "public_ip").is_empty());
    let nat_cfg = json!({"allocation_id": attr(&eip, "id"), "subnet_id": attr(&public, "id")});
    let nat = create(&p, "aws_nat_gateway", &nat_cfg).await;
    assert!(attr(&nat, "id").starts_with("nat-"));
    assert!(
        plans_no_change(
            &p,
            "aws_nat_gateway",
            &read(&p, "aws_nat_gateway", &nat).await,
            &nat_cfg
        )
        .await
    );
    let eip = read(&p, "aws_eip", &eip).await;
    assert!(plans_no_change(&p, "aws_eip", &eip, &eip_cfg).await);
    // a public route table with an inline route, a private one with an aws_route
    let rt_cfg = json!({"vpc_id": vpc_id, "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": attr(&igw, "id")}]});
    let rt = create(&p, "aws_route_table", &rt_cfg).await;
    assert!(
        plans_no_change(
            &p,
            "aws_route_table",
            &read(&p, "aws_route_table", &rt).await,
            &rt_cfg
        )
        .await
    );
    let prt_cfg = json!({"vpc_id": vpc_id});
    let prt = create(&p, "aws_route_table", &prt_cfg).await;
    let route_cfg = json!({"route_table_id": attr(&prt, "id"), "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": attr(&nat, "id")});
    let route = create(&p, "aws_route", &route_cfg).await;
    assert!(attr(&route, "id").starts_with(&format!("r-{}", attr(&prt, "id"))));
    assert!(
        plans_no_change(
            &p,
            "aws_route",
            &read(&p, "aws_route", &route).await,
            &route_cfg
        )
        .await
    );
    // the table without inline routes keeps the aws_route's route
    assert!(
        plans_no_change(
            &p,
            "aws_route_table",
            &read(&p, "aws_route_table", &prt).await,
            &prt_cfg
        )
        .await
    );
    let imported = import(&p, "aws_route", &format!("{}_0.0.0.0/0", attr(&prt, "id"))).await;
    assert_eq!(attr(&imported, "nat_gateway_id"), attr(&nat, "id"));
    let assoc_cfg = json!({"subnet_id": attr(&public, "id"), "route_table_id": attr(&rt, "id")});
    let assoc = create(&p, "aws_route_table_association", &assoc_cfg).await;
    assert!(
        plans_no_change(
            &p,
            "aws_route_table_association",
            &read(&p, "aws_route_table_association", &assoc).await,
            &assoc_cfg
        )
        .await
    );
    let imported = import(
        &p,
        "aws_route_table_association",
        &format!("{}/{}", attr(&public, "id"), attr(&rt, "id")),
    )
    .await;
    assert_eq!(attr(&imported, "id"), attr(&assoc, "id"));
    // drift: the route deleted behind terrane's back
    m.aws_ok(&[
        "ec2",
        "delete-route",
        "--route-table-id",
        &attr(&rt, "id"),
        "--destination-cidr-block",
        "0.0.0.0/0",
    ]);
    let drifted = read(&p, "aws_route_table", &rt).await;
    assert!(j(&drifted)["route"].as_array().unwrap().is_empty());
    let back = apply(&p, "aws_route_table", &drifted, &rt_cfg).await;
    assert_eq!(j(&back)["route"].as_array().unwrap().len(), 1);
    for (ty, v) in [
        ("aws_route_table_association", &assoc),
        ("aws_route", &route),
        ("aws_route_table", &back),
        ("aws_route_table", &prt),
        ("aws_nat_gateway", &nat),
        ("aws_eip", &eip),
        ("aws_internet_gateway", &igw),
        ("aws_subnet", &public),
        ("aws_subnet", &private),
        ("aws_vpc", &vpc),
    ] {
        destroy(&p, ty, v).await;
        assert!(read(&p, ty, v).await.is_null(), "{ty} gone");
    }
}
