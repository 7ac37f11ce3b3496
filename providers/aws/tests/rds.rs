//! RDS subnet groups, parameter groups and instances against moto: create, read, update in place
//! (class, storage, backup retention, parameter group with `apply_immediately`), replace (engine),
//! drift made through awscli, import, bulk refresh, delete; the password never leaves the state.

mod support;

use serde_json::{Value as Json, json};
use support::*;
use terrane_values::Value;

struct Net {
    vpc: Value,
    subnets: Vec<Value>,
}

async fn net(p: &terrane_provider_aws::AwsProvider, cidr: u8) -> Net {
    let vpc = create(
        p,
        "aws_vpc",
        &json!({"cidr_block": format!("10.{cidr}.0.0/16")}),
    )
    .await;
    let mut subnets = Vec::new();
    for (n, az) in ["us-east-1a", "us-east-1b"].iter().enumerate() {
        let cfg = json!({"vpc_id": attr(&vpc, "id"), "cidr_block": format!("10.{cidr}.{n}.0/24"), "availability_zone": az});
        subnets.push(create(p, "aws_subnet", &cfg).await);
    }
    Net { vpc, subnets }
}

impl Net {
    fn ids(&self) -> Json {
        json!(
            self.subnets
                .iter()
                .map(|s| attr(s, "id"))
                .collect::<Vec<_>>()
        )
    }

    async fn destroy(self, p: &terrane_provider_aws::AwsProvider) {
        for s in &self.subnets {
            destroy(p, "aws_subnet", s).await;
        }
        destroy(p, "aws_vpc", &self.vpc).await;
    }
}

#[tokio::test]
async fn subnet_and_parameter_groups() {
    let p = provider().await;
    let m = moto();
    let net = net(&p, 80).await;
    let name = moto::unique("sng");
    let cfg = json!({"name": name, "subnet_ids": net.ids(), "tags": {"a": "1"}});
    let g = create(&p, "aws_db_subnet_group", &cfg).await;
    assert_eq!(attr(&g, "id"), name);
    assert_eq!(attr(&g, "vpc_id"), attr(&net.vpc, "id"));
    assert_eq!(attr(&g, "description"), "Managed by Terraform");
    assert!(
        plans_no_change(
            &p,
            "aws_db_subnet_group",
            &read(&p, "aws_db_subnet_group", &g).await,
            &cfg
        )
        .await
    );
    let seen = m.aws_ok(&[
        "rds",
        "describe-db-subnet-groups",
        "--db-subnet-group-name",
        &name,
    ]);
    assert_eq!(
        seen["DBSubnetGroups"][0]["Subnets"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // one subnet fewer: in place
    let one = json!({"name": name, "subnet_ids": [attr(&net.subnets[0], "id")], "description": "x", "tags": {"a": "1"}});
    assert!(
        plan(&p, "aws_db_subnet_group", &g, &one)
            .await
            .requires_replace
            .is_empty()
    );

    let pname = moto::unique("pg");
    let pcfg = json!({"name": pname, "family": "postgres16", "parameter": [
        {"name": "log_connections", "value": "1"},
        {"name": "work_mem", "value": "8192", "apply_method": "pending-reboot"},
    ]});
    let pg = create(&p, "aws_db_parameter_group", &pcfg).await;
    assert_eq!(attr(&pg, "id"), pname);
    let fresh = read(&p, "aws_db_parameter_group", &pg).await;
    assert!(
        plans_no_change(&p, "aws_db_parameter_group", &fresh, &pcfg).await,
        "{}",
        j(&fresh)
    );
    let params = m.aws_ok(&[
        "rds",
        "describe-db-parameters",
        "--db-parameter-group-name",
        &pname,
        "--source",
        "user",
    ]);
    assert!(params.to_string().contains("log_connections"), "{params}");
    // a changed value updates in place
    let pcfg2 = json!({"name": pname, "family": "postgres16", "parameter": [
        {"name": "log_connections", "value": "0"},
        {"name": "work_mem", "value": "8192", "apply_method": "pending-reboot"},
    ]});
    let planned = plan(&p, "aws_db_parameter_group", &fresh, &pcfg2).await;
    assert!(planned.requires_replace.is_empty());
    let pg2 = apply(&p, "aws_db_parameter_group", &fresh, &pcfg2).await;
    let params = m.aws_ok(&[
        "rds",
        "describe-db-parameters",
        "--db-parameter-group-name",
        &pname,
        "--source",
        "user",
    ]);
    let value = params["Parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["ParameterName"] == "log_connections")
        .unwrap()["ParameterValue"]
        .clone();
    assert_eq!(value, "0");
    assert!(
        plans_no_change(
            &p,
            "aws_db_parameter_group",
            &read(&p, "aws_db_parameter_group", &pg2).await,
            &pcfg2
        )
        .await
    );
    // drift: a value changed behind terrane's back
    m.aws_ok(&[
        "rds",
        "modify-db-parameter-group",
        "--db-parameter-group-name",
        &pname,
        "--parameters",
        "ParameterName=log_connections,ParameterValue=1,ApplyMethod=immediate",
    ]);
    let drifted = read(&p, "aws_db_parameter_group", &pg2).await;
    assert!(!plans_no_change(&p, "aws_db_parameter_group", &drifted, &pcfg2).await);
    let pg2 = apply(&p, "aws_db_parameter_group", &drifted, &pcfg2).await;
    // removing a parameter resets it with ResetDBParameterGroup, which moto does not implement: the
    // user gets a diagnostic naming the operation and the answer
    let pcfg3 = json!({"name": pname, "family": "postgres16", "parameter": [{"name": "log_connections", "value": "0"}]});
    let err = try_apply(&p, "aws_db_parameter_group", &pg2, &pcfg3)
        .await
        .expect_err("moto lacks ResetDBParameterGroup");
    assert!(
        err.starts_with(&format!(
            "updating RDS DB Parameter Group ({pname}): operation ResetDBParameterGroup (HTTP 500)"
        )),
        "{err}"
    );
    assert!(
        err.contains("may not implement ResetDBParameterGroup"),
        "{err}"
    );
    // another family replaces
    let other = json!({"name": pname, "family": "postgres15"});
    assert!(
        !plan(&p, "aws_db_parameter_group", &pg2, &other)
            .await
            .requires_replace
            .is_empty()
    );
    let imported = import(&p, "aws_db_parameter_group", &pname).await;
    assert_eq!(attr(&imported, "family"), "postgres16");

    destroy(&p, "aws_db_parameter_group", &pg2).await;
    assert!(read(&p, "aws_db_parameter_group", &pg2).await.is_null());
    destroy(&p, "aws_db_subnet_group", &g).await;
    assert!(read(&p, "aws_db_subnet_group", &g).await.is_null());
    net.destroy(&p).await;
}

#[tokio::test]
async fn db_instance_lifecycle() {
    let p = provider().await;
    let m = moto();
    let net = net(&p, 81).await;
    let sng = create(
        &p,
        "aws_db_subnet_group",
        &json!({"name": moto::unique("dbsng"), "subnet_ids": net.ids()}),
    )
    .await;
    let pg_a = create(
        &p,
        "aws_db_parameter_group",
        &json!({"name": moto::unique("pga"), "family": "postgres16"}),
    )
    .await;
    let pg_b = create(
        &p,
        "aws_db_parameter_group",
        &json!({"name": moto::unique("pgb"), "family": "postgres16"}),
    )
    .await;
    let ident = moto::unique("db");
    let password = "Sup3r-secret-pw";
    let cfg = |class: &str, storage: i64, backups: i64, pg: &Value| {
        json!({
            "identifier": ident, "engine": "postgres", "engine_version": "16.3", "instance_class": class,
            "allocated_storage": storage, "username": "app", "password": password, "db_name": "app",
            "db_subnet_group_name": attr(&sng, "name"), "parameter_group_name": attr(pg, "name"),
            "backup_retention_period": backups, "apply_immediately": true, "skip_final_snapshot": true,
            "tags": {"env": "test"},
        })
    };
    let c1 = cfg("db.t3.micro", 20, 7, &pg_a);
    let db = create(&p, "aws_db_instance", &c1).await;
    assert_eq!(attr(&db, "identifier"), ident);
    assert_eq!(attr(&db, "status"), "available");
    assert_eq!(
        attr(&db, "password"),
        password,
        "the state keeps the configured password"
    );
    assert!(attr(&db, "endpoint").ends_with(":5432"));
    assert!(!attr(&db, "id").is_empty());
    let fresh = read(&p, "aws_db_instance", &db).await;
    assert!(
        plans_no_change(&p, "aws_db_instance", &fresh, &c1).await,
        "{}",
        j(&fresh)
    );
    let seen = m.aws_ok(&[
        "rds",
        "describe-db-instances",
        "--db-instance-identifier",
        &ident,
    ]);
    let d = &seen["DBInstances"][0];
    assert_eq!(d["DBInstanceClass"], "db.t3.micro");
    assert_eq!(d["MasterUsername"], "app");

    // the schema marks the password sensitive
    let schema = terrane_provider_api::Provider::schema(&p);
    assert!(schema.resources["aws_db_instance"].block.attributes["password"].sensitive);

    // class, storage, backup retention and parameter group in place
    let c2 = cfg("db.t3.small", 30, 14, &pg_b);
    let planned = plan(&p, "aws_db_instance", &fresh, &c2).await;
    assert!(
        planned.requires_replace.is_empty(),
        "{:?}",
        planned.requires_replace
    );
    let db2 = apply(&p, "aws_db_instance", &fresh, &c2).await;
    assert_eq!(attr(&db2, "identifier"), ident);
    let seen = m.aws_ok(&[
        "rds",
        "describe-db-instances",
        "--db-instance-identifier",
        &ident,
    ]);
    let d = &seen["DBInstances"][0];
    assert_eq!(d["DBInstanceClass"], "db.t3.small");
    assert_eq!(d["AllocatedStorage"], 30);
    assert_eq!(d["BackupRetentionPeriod"], 14);
    assert_eq!(
        d["DBParameterGroups"][0]["DBParameterGroupName"],
        attr(&pg_b, "name").as_str()
    );
    assert!(
        plans_no_change(
            &p,
            "aws_db_instance",
            &read(&p, "aws_db_instance", &db2).await,
            &c2
        )
        .await
    );

    // drift: class and storage changed behind terrane's back
    m.aws_ok(&[
        "rds",
        "modify-db-instance",
        "--db-instance-identifier",
        &ident,
        "--db-instance-class",
        "db.t3.large",
        "--allocated-storage",
        "50",
        "--apply-immediately",
    ]);
    let drifted = read(&p, "aws_db_instance", &db2).await;
    assert_eq!(attr(&drifted, "instance_class"), "db.t3.large");
    assert_eq!(j(&drifted)["allocated_storage"], json!(50));
    assert_eq!(attr(&drifted, "password"), password);
    assert!(!plans_no_change(&p, "aws_db_instance", &drifted, &c2).await);
    let back = apply(&p, "aws_db_instance", &drifted, &c2).await;
    let seen = m.aws_ok(&[
        "rds",
        "describe-db-instances",
        "--db-instance-identifier",
        &ident,
    ]);
    assert_eq!(seen["DBInstances"][0]["DBInstanceClass"], "db.t3.small");

    // a new engine replaces
    let mut mysql = c2.clone();
    mysql["engine"] = json!("mysql");
    mysql["engine_version"] = json!("8.0.35");
    let planned = plan(&p, "aws_db_instance", &back, &mysql).await;
    assert!(
        planned
            .requires_replace
            .iter()
            .any(|p| p.to_string().contains("engine")),
        "{:?}",
        planned.requires_replace
    );

    // import by identifier, and the bulk refresh of two instances in one call
    let imported = import(&p, "aws_db_instance", &ident).await;
    assert_eq!(attr(&imported, "arn"), attr(&back, "arn"));
    assert_eq!(attr(&imported, "id"), attr(&back, "id"));
    p.api_calls().reset();
    let both = read_many(&p, "aws_db_instance", &[back.clone(), imported.clone()]).await;
    assert_eq!(
        p.api_calls().of("DescribeDBInstances"),
        1,
        "{:?}",
        p.api_calls().snapshot()
    );
    assert_eq!(attr(&both[1], "identifier"), ident);

    destroy(&p, "aws_db_instance", &back).await;
    assert!(
        m.aws(&[
            "rds",
            "describe-db-instances",
            "--db-instance-identifier",
            &ident
        ])
        .is_err()
    );
    assert!(read(&p, "aws_db_instance", &back).await.is_null());
    destroy(&p, "aws_db_parameter_group", &pg_a).await;
    destroy(&p, "aws_db_parameter_group", &pg_b).await;
    destroy(&p, "aws_db_subnet_group", &sng).await;
    net.destroy(&p).await;
}

#[tokio::test]
async fn deleting_without_a_final_snapshot_identifier_is_refused() {
    let p = provider().await;
    let ident = moto::unique("nosnap");
    let cfg = json!({"identifier": ident, "engine": "postgres", "instance_class": "db.t3.micro",
                     "allocated_storage": 20, "username": "app", "password": "Sup3r-secret-pw"});
    let db = create(&p, "aws_db_instance", &cfg).await;
    let resp = terrane_provider_api::Provider::apply_resource_change(
        &p,
        terrane_provider_api::ApplyRequest {
            type_name: "aws_db_instance".into(),
            prior_state: db.clone(),
            planned_state: Value::null(db.ty()),
            config: Value::null(db.ty()),
            planned_private: Vec::new(),
        },
    )
    .await;
    let text = diag_text(&resp.diagnostics);
    assert!(
        text.contains("final_snapshot_identifier is required"),
        "{text}"
    );
    assert!(!text.contains("Sup3r"), "{text}");
    let mut skip = cfg.clone();
    skip["skip_final_snapshot"] = json!(true);
    let db = apply(&p, "aws_db_instance", &db, &skip).await;
    destroy(&p, "aws_db_instance", &db).await;
}
