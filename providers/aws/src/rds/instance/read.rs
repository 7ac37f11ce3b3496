//! Reading DB instances: one filtered DescribeDBInstances call for many instances, and the state
//! it makes.

use crate::client::Aws;
use crate::error::AwsError;
use crate::json::{Json, i, opt, s, set};
use crate::tags;
use aws_sdk_rds::types::{DbInstance, Filter};
use serde_json::json;
use std::collections::HashMap;

/// Instances by identifier, in one filtered call per 100 identifiers.
pub async fn describe(
    aws: &Aws,
    idents: &[String],
) -> Result<HashMap<String, DbInstance>, AwsError> {
    let mut out = HashMap::new();
    for chunk in idents.chunks(100) {
        let mut pages = aws
            .rds
            .describe_db_instances()
            .filters(
                Filter::builder()
                    .name("db-instance-id")
                    .set_values(Some(chunk.to_vec()))
                    .build(),
            )
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    let e = AwsError::from_sdk("DescribeDBInstances", e);
                    if e.is_not_found() {
                        break;
                    }
                    return Err(e);
                }
            };
            for db in page.db_instances() {
                if let Some(id) = db.db_instance_identifier() {
                    out.insert(id.to_string(), db.clone());
                }
            }
        }
    }
    Ok(out)
}

pub(super) fn render(aws: &Aws, prior: &Json, db: &DbInstance) -> Json {
    let mut st = prior.clone();
    let ident = db.db_instance_identifier().unwrap_or_default();
    set(&mut st, "id", db.dbi_resource_id().unwrap_or(ident));
    set(&mut st, "identifier", ident);
    if s(prior, "identifier_prefix").is_none() {
        set(&mut st, "identifier_prefix", "");
    }
    set(&mut st, "arn", opt(db.db_instance_arn()));
    set(
        &mut st,
        "resource_id",
        db.dbi_resource_id().unwrap_or_default(),
    );
    set(&mut st, "engine", opt(db.engine()));
    let actual = db.engine_version().unwrap_or_default();
    set(&mut st, "engine_version_actual", actual);
    // A configured major version ("16") stays as written while the actual version is a minor of it.
    let keep = s(prior, "engine_version")
        .is_some_and(|v| actual == v || actual.starts_with(&format!("{v}.")));
    if !keep {
        set(&mut st, "engine_version", actual);
    }
    set(&mut st, "instance_class", opt(db.db_instance_class()));
    set(
        &mut st,
        "allocated_storage",
        db.allocated_storage().unwrap_or(0),
    );
    if let Some(m) = db.max_allocated_storage() {
        set(&mut st, "max_allocated_storage", m);
    } else if i(prior, "max_allocated_storage").is_some_and(|m| m != 0) {
        set(&mut st, "max_allocated_storage", 0);
    }
    set(
        &mut st,
        "storage_type",
        db.storage_type().unwrap_or_default(),
    );
    set(&mut st, "iops", db.iops().unwrap_or(0));
    set(
        &mut st,
        "storage_throughput",
        db.storage_throughput().unwrap_or(0),
    );
    set(
        &mut st,
        "storage_encrypted",
        db.storage_encrypted().unwrap_or(false),
    );
    set(&mut st, "kms_key_id", db.kms_key_id().unwrap_or_default());
    set(&mut st, "db_name", db.db_name().unwrap_or_default());
    set(
        &mut st,
        "username",
        db.master_username().unwrap_or_default(),
    );
    let ep = db.endpoint();
    let port = ep
        .and_then(|e| e.port())
        .or(db.db_instance_port().filter(|p| *p > 0));
    if let Some(p) = port {
        set(&mut st, "port", p);
    }
    set(
        &mut st,
        "address",
        ep.and_then(|e| e.address()).unwrap_or_default(),
    );
    set(
        &mut st,
        "hosted_zone_id",
        ep.and_then(|e| e.hosted_zone_id()).unwrap_or_default(),
    );
    set(
        &mut st,
        "endpoint",
        ep.and_then(|e| Some(format!("{}:{}", e.address()?, e.port()?)))
            .unwrap_or_default(),
    );
    set(
        &mut st,
        "publicly_accessible",
        db.publicly_accessible().unwrap_or(false),
    );
    set(&mut st, "multi_az", db.multi_az().unwrap_or(false));
    set(
        &mut st,
        "availability_zone",
        db.availability_zone().unwrap_or_default(),
    );
    set(
        &mut st,
        "db_subnet_group_name",
        db.db_subnet_group()
            .and_then(|g| g.db_subnet_group_name())
            .unwrap_or_default(),
    );
    set(
        &mut st,
        "vpc_security_group_ids",
        json!(
            db.vpc_security_groups()
                .iter()
                .filter_map(|g| g.vpc_security_group_id())
                .collect::<Vec<_>>()
        ),
    );
    set(
        &mut st,
        "parameter_group_name",
        db.db_parameter_groups()
            .first()
            .and_then(|g| g.db_parameter_group_name())
            .unwrap_or_default(),
    );
    set(
        &mut st,
        "option_group_name",
        db.option_group_memberships()
            .first()
            .and_then(|g| g.option_group_name())
            .unwrap_or_default(),
    );
    set(
        &mut st,
        "backup_retention_period",
        db.backup_retention_period().unwrap_or(0),
    );
    set(
        &mut st,
        "backup_window",
        db.preferred_backup_window().unwrap_or_default(),
    );
    set(
        &mut st,
        "maintenance_window",
        db.preferred_maintenance_window()
            .unwrap_or_default()
            .to_lowercase(),
    );
    set(
        &mut st,
        "deletion_protection",
        db.deletion_protection().unwrap_or(false),
    );
    set(
        &mut st,
        "copy_tags_to_snapshot",
        db.copy_tags_to_snapshot().unwrap_or(false),
    );
    set(
        &mut st,
        "auto_minor_version_upgrade",
        db.auto_minor_version_upgrade().unwrap_or(true),
    );
    set(
        &mut st,
        "monitoring_interval",
        db.monitoring_interval().unwrap_or(0),
    );
    set(
        &mut st,
        "performance_insights_enabled",
        db.performance_insights_enabled().unwrap_or(false),
    );
    set(
        &mut st,
        "iam_database_authentication_enabled",
        db.iam_database_authentication_enabled().unwrap_or(false),
    );
    let logs = db.enabled_cloudwatch_logs_exports();
    if !logs.is_empty()
        || prior
            .get("enabled_cloudwatch_logs_exports")
            .is_some_and(|v| !v.is_null())
    {
        set(&mut st, "enabled_cloudwatch_logs_exports", json!(logs));
    }
    set(
        &mut st,
        "ca_cert_identifier",
        db.ca_certificate_identifier().unwrap_or_default(),
    );
    set(
        &mut st,
        "license_model",
        db.license_model().unwrap_or_default(),
    );
    set(
        &mut st,
        "network_type",
        db.network_type().unwrap_or_default(),
    );
    set(
        &mut st,
        "status",
        db.db_instance_status().unwrap_or_default(),
    );
    tags::set_read(aws, &mut st, prior, crate::rds::from_rds(db.tag_list()));
    st
}
