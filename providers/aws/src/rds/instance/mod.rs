//! `aws_db_instance`: an RDS database instance, waited for until `available`. The engine,
//! identifier, database name, user name, encryption and placement force replacement; the instance
//! class, storage, backup retention, parameter group, engine version, password, security groups and
//! the other settings `ModifyDBInstance` takes update in place, at once when `apply_immediately` is
//! set. The password is sensitive. The id is the instance's resource id; the import id is its
//! identifier.

use crate::client::Aws;
use crate::error::AwsError;
use crate::json::{Json, b, i, s, s_or_empty, set, strs};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::{Poll, Timeouts, wait_for};
use async_trait::async_trait;
use serde_json::json;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};

pub struct AwsDbInstance;

mod read;

use read::*;

pub(crate) const WHAT: &str = "RDS DB Instance";
const TIMEOUTS: Timeouts = Timeouts::minutes(40, 80, 60);

/// The statuses an instance passes through on its way to `available`.
const PENDING: [&str; 12] = [
    "backing-up",
    "configuring-enhanced-monitoring",
    "configuring-iam-database-auth",
    "configuring-log-exports",
    "creating",
    "maintenance",
    "modifying",
    "moving-to-vpc",
    "rebooting",
    "renaming",
    "resetting-master-credentials",
    "starting",
];

#[async_trait]
impl Resource for AwsDbInstance {
    fn schema(&self) -> Block {
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("resource_id", comp_str())
                .attr("identifier", optc_str().force_new())
                .attr("identifier_prefix", optc_str().force_new())
                .attr("engine", optc_str().force_new())
                .attr("engine_version", optc_str())
                .attr("engine_version_actual", comp_str())
                .attr("instance_class", req_str())
                .attr("allocated_storage", optc_num())
                .attr("max_allocated_storage", opt_num())
                .attr("storage_type", optc_str())
                .attr("iops", optc_num())
                .attr("storage_throughput", optc_num())
                .attr("storage_encrypted", opt_bool().force_new())
                .attr("kms_key_id", optc_str().force_new())
                .attr("db_name", optc_str().force_new())
                .attr("username", optc_str().force_new())
                .attr("password", opt_str().sensitive())
                .attr("port", optc_num())
                .attr("publicly_accessible", opt_bool())
                .attr("multi_az", optc_bool())
                .attr("availability_zone", optc_str().force_new())
                .attr("db_subnet_group_name", optc_str())
                .attr(
                    "vpc_security_group_ids",
                    Attribute::optional_computed(str_set()),
                )
                .attr("parameter_group_name", optc_str())
                .attr("option_group_name", optc_str())
                .attr("backup_retention_period", optc_num())
                .attr("backup_window", optc_str())
                .attr("maintenance_window", optc_str())
                .attr("apply_immediately", opt_bool())
                .attr("skip_final_snapshot", opt_bool())
                .attr("final_snapshot_identifier", opt_str())
                .attr("deletion_protection", opt_bool())
                .attr("copy_tags_to_snapshot", opt_bool())
                .attr("auto_minor_version_upgrade", opt_bool())
                .attr("allow_major_version_upgrade", opt_bool())
                .attr("delete_automated_backups", opt_bool())
                .attr("monitoring_interval", opt_num())
                .attr("performance_insights_enabled", opt_bool())
                .attr("iam_database_authentication_enabled", opt_bool())
                .attr(
                    "enabled_cloudwatch_logs_exports",
                    Attribute::optional(str_set()),
                )
                .attr("ca_cert_identifier", optc_str())
                .attr("license_model", optc_str())
                .attr("network_type", optc_str())
                .attr("address", comp_str())
                .attr("endpoint", comp_str())
                .attr("hosted_zone_id", comp_str())
                .attr("status", comp_str()),
        )
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn defaults(&self) -> Json {
        json!({
            "publicly_accessible": false, "skip_final_snapshot": false, "copy_tags_to_snapshot": false,
            "auto_minor_version_upgrade": true, "delete_automated_backups": true, "monitoring_interval": 0,
            "performance_insights_enabled": false, "deletion_protection": false,
            "storage_encrypted": false, "iam_database_authentication_enabled": false,
        })
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let mut d = Diagnostics::new();
        if let Some(id) = s(config, "identifier")
            && (id.len() > 63
                || !id.starts_with(|c: char| c.is_ascii_lowercase())
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                || id.ends_with('-')
                || id.contains("--"))
        {
            d.extend(terrane_provider_sdk::error(
                "Invalid value",
                format!("\"identifier\" ({id}): only lowercase alphanumeric characters and hyphens allowed, starting with a letter, without two consecutive hyphens or a trailing hyphen"),
            ));
        }
        if let Some(n) = i(config, "backup_retention_period") {
            d.extend(crate::validate::int_between(
                "backup_retention_period",
                n,
                0,
                35,
            ));
        }
        if let Some(n) = i(config, "allocated_storage")
            && let Some(max) = i(config, "max_allocated_storage")
            && max != 0
            && max < n
        {
            d.extend(terrane_provider_sdk::error(
                "Invalid value",
                "\"max_allocated_storage\" must be greater than or equal to allocated_storage",
            ));
        }
        if s(config, "instance_class").is_some_and(|c| !c.starts_with("db.")) {
            d.extend(terrane_provider_sdk::error(
                "Invalid value",
                format!(
                    "\"instance_class\" ({}) must start with \"db.\"",
                    s_or_empty(config, "instance_class")
                ),
            ));
        }
        if let Some(m) = i(config, "monitoring_interval") {
            d.extend(crate::validate::one_of(
                "monitoring_interval",
                &m.to_string(),
                &["0", "1", "5", "10", "15", "30", "60"],
            ));
        }
        d
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let ident = super::name_of(planned, "identifier", "identifier_prefix");
        let sgs = strs(planned, "vpc_security_group_ids");
        let logs = strs(planned, "enabled_cloudwatch_logs_exports");
        aws.rds
            .create_db_instance()
            .db_instance_identifier(&ident)
            .set_engine(s(planned, "engine").map(str::to_string))
            .set_engine_version(s(planned, "engine_version").map(str::to_string))
            .db_instance_class(s_or_empty(planned, "instance_class"))
            .set_allocated_storage(i(planned, "allocated_storage").map(|x| x as i32))
            .set_max_allocated_storage(
                i(planned, "max_allocated_storage")
                    .filter(|x| *x > 0)
                    .map(|x| x as i32),
            )
            .set_storage_type(s(planned, "storage_type").map(str::to_string))
            .set_iops(i(planned, "iops").filter(|x| *x > 0).map(|x| x as i32))
            .set_storage_throughput(
                i(planned, "storage_throughput")
                    .filter(|x| *x > 0)
                    .map(|x| x as i32),
            )
            .set_storage_encrypted(b(planned, "storage_encrypted"))
            .set_kms_key_id(s(planned, "kms_key_id").map(str::to_string))
            .set_db_name(s(planned, "db_name").map(str::to_string))
            .set_master_username(s(planned, "username").map(str::to_string))
            .set_master_user_password(s(planned, "password").map(str::to_string))
            .set_port(i(planned, "port").map(|x| x as i32))
            .set_publicly_accessible(b(planned, "publicly_accessible"))
            .set_multi_az(b(planned, "multi_az"))
            .set_availability_zone(s(planned, "availability_zone").map(str::to_string))
            .set_db_subnet_group_name(s(planned, "db_subnet_group_name").map(str::to_string))
            .set_vpc_security_group_ids(Some(sgs).filter(|v| !v.is_empty()))
            .set_db_parameter_group_name(s(planned, "parameter_group_name").map(str::to_string))
            .set_option_group_name(s(planned, "option_group_name").map(str::to_string))
            .set_backup_retention_period(i(planned, "backup_retention_period").map(|x| x as i32))
            .set_preferred_backup_window(s(planned, "backup_window").map(str::to_string))
            .set_preferred_maintenance_window(s(planned, "maintenance_window").map(str::to_string))
            .set_deletion_protection(b(planned, "deletion_protection"))
            .set_copy_tags_to_snapshot(b(planned, "copy_tags_to_snapshot"))
            .set_auto_minor_version_upgrade(b(planned, "auto_minor_version_upgrade"))
            .set_monitoring_interval(
                i(planned, "monitoring_interval")
                    .filter(|x| *x > 0)
                    .map(|x| x as i32),
            )
            .set_enable_performance_insights(
                b(planned, "performance_insights_enabled").filter(|x| *x),
            )
            .set_enable_iam_database_authentication(b(
                planned,
                "iam_database_authentication_enabled",
            ))
            .set_enable_cloudwatch_logs_exports(Some(logs).filter(|v| !v.is_empty()))
            .set_ca_certificate_identifier(s(planned, "ca_cert_identifier").map(str::to_string))
            .set_license_model(s(planned, "license_model").map(str::to_string))
            .set_network_type(s(planned, "network_type").map(str::to_string))
            .set_tags(super::rds_tags(&tags::all(aws, planned)))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("CreateDBInstance", e).diag(format!("creating {WHAT} ({ident})"))
            })?;
        let mut state = planned.clone();
        set(&mut state, "identifier", ident.clone());
        set(&mut state, "id", ident.clone());
        if let Err(e) = wait_available(aws, &ident, TIMEOUTS.of(planned, "create")).await {
            return Err(Failure::with_state(
                e.diag(format!("waiting for {WHAT} ({ident}) create")),
                state,
            ));
        }
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        self.read_many(aws, std::slice::from_ref(state))
            .await
            .pop()
            .unwrap_or(Ok(None))
    }

    async fn read_many(
        &self,
        aws: &Aws,
        states: &[Json],
    ) -> Vec<Result<Option<Json>, Diagnostics>> {
        let idents: Vec<String> = states
            .iter()
            .filter_map(|st| s(st, "identifier").or(s(st, "id")).map(str::to_string))
            .collect();
        let found = match describe(aws, &idents).await {
            Ok(f) => f,
            Err(e) => {
                return crate::ec2::fail_all(states.len(), e.diag(format!("reading {WHAT}s")));
            }
        };
        states
            .iter()
            .map(|st| {
                let ident = s(st, "identifier").or(s(st, "id")).unwrap_or_default();
                Ok(found.get(ident).map(|db| render(aws, st, db)))
            })
            .collect()
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let ident = s_or_empty(prior, "identifier").to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({ident})")));
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let mut req = aws
            .rds
            .modify_db_instance()
            .db_instance_identifier(&ident)
            .apply_immediately(b(planned, "apply_immediately").unwrap_or(false));
        let mut any = false;
        macro_rules! when {
            ($k:expr, $e:expr) => {
                if changed($k) {
                    any = true;
                    req = $e;
                }
            };
        }
        when!(
            "instance_class",
            req.db_instance_class(s_or_empty(planned, "instance_class"))
        );
        when!(
            "allocated_storage",
            req.set_allocated_storage(i(planned, "allocated_storage").map(|x| x as i32))
        );
        when!(
            "max_allocated_storage",
            req.max_allocated_storage(i(planned, "max_allocated_storage").unwrap_or(0) as i32)
        );
        when!(
            "storage_type",
            req.set_storage_type(s(planned, "storage_type").map(str::to_string))
        );
        when!(
            "iops",
            req.set_iops(i(planned, "iops").filter(|x| *x > 0).map(|x| x as i32))
        );
        when!(
            "storage_throughput",
            req.set_storage_throughput(
                i(planned, "storage_throughput")
                    .filter(|x| *x > 0)
                    .map(|x| x as i32)
            )
        );
        when!(
            "backup_retention_period",
            req.set_backup_retention_period(
                i(planned, "backup_retention_period").map(|x| x as i32)
            )
        );
        when!(
            "backup_window",
            req.set_preferred_backup_window(s(planned, "backup_window").map(str::to_string))
        );
        when!(
            "maintenance_window",
            req.set_preferred_maintenance_window(
                s(planned, "maintenance_window").map(str::to_string)
            )
        );
        when!(
            "parameter_group_name",
            req.set_db_parameter_group_name(s(planned, "parameter_group_name").map(str::to_string))
        );
        when!(
            "option_group_name",
            req.set_option_group_name(s(planned, "option_group_name").map(str::to_string))
        );
        when!(
            "engine_version",
            req.set_engine_version(s(planned, "engine_version").map(str::to_string))
                .set_allow_major_version_upgrade(b(planned, "allow_major_version_upgrade"))
        );
        when!(
            "password",
            req.set_master_user_password(s(planned, "password").map(str::to_string))
        );
        when!(
            "port",
            req.set_db_port_number(i(planned, "port").map(|x| x as i32))
        );
        when!(
            "publicly_accessible",
            req.set_publicly_accessible(b(planned, "publicly_accessible"))
        );
        when!("multi_az", req.set_multi_az(b(planned, "multi_az")));
        when!(
            "db_subnet_group_name",
            req.set_db_subnet_group_name(s(planned, "db_subnet_group_name").map(str::to_string))
        );
        when!(
            "vpc_security_group_ids",
            req.set_vpc_security_group_ids(Some(strs(planned, "vpc_security_group_ids")))
        );
        when!(
            "deletion_protection",
            req.set_deletion_protection(b(planned, "deletion_protection"))
        );
        when!(
            "copy_tags_to_snapshot",
            req.set_copy_tags_to_snapshot(b(planned, "copy_tags_to_snapshot"))
        );
        when!(
            "auto_minor_version_upgrade",
            req.set_auto_minor_version_upgrade(b(planned, "auto_minor_version_upgrade"))
        );
        when!(
            "monitoring_interval",
            req.set_monitoring_interval(i(planned, "monitoring_interval").map(|x| x as i32))
        );
        when!(
            "performance_insights_enabled",
            req.set_enable_performance_insights(b(planned, "performance_insights_enabled"))
        );
        when!(
            "iam_database_authentication_enabled",
            req.set_enable_iam_database_authentication(b(
                planned,
                "iam_database_authentication_enabled"
            ))
        );
        when!(
            "ca_cert_identifier",
            req.set_ca_certificate_identifier(s(planned, "ca_cert_identifier").map(str::to_string))
        );
        when!(
            "network_type",
            req.set_network_type(s(planned, "network_type").map(str::to_string))
        );
        if any {
            req.send()
                .await
                .map_err(|e| fail(AwsError::from_sdk("ModifyDBInstance", e)))?;
            wait_available(aws, &ident, TIMEOUTS.of(planned, "update"))
                .await
                .map_err(fail)?;
        }
        if let Some(arn) = s(prior, "arn") {
            super::update_tags(aws, arn, &tags::prior_all(prior), &tags::all(aws, planned))
                .await
                .map_err(fail)?;
        }
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let ident = s_or_empty(state, "identifier");
        let fail = |e: AwsError| e.diag(format!("deleting {WHAT} ({ident})"));
        let skip = b(state, "skip_final_snapshot").unwrap_or(false);
        let snapshot = s(state, "final_snapshot_identifier");
        if !skip && snapshot.is_none() {
            return Err(terrane_provider_sdk::error(
                format!("deleting {WHAT} ({ident})"),
                "final_snapshot_identifier is required when skip_final_snapshot is false",
            ));
        }
        let r = aws
            .rds
            .delete_db_instance()
            .db_instance_identifier(ident)
            .skip_final_snapshot(skip)
            .set_final_db_snapshot_identifier(if skip {
                None
            } else {
                snapshot.map(str::to_string)
            })
            .set_delete_automated_backups(b(state, "delete_automated_backups"))
            .send()
            .await;
        if let Err(e) = r {
            let e = AwsError::from_sdk("DeleteDBInstance", e);
            if e.is_not_found() {
                return Ok(());
            }
            return Err(fail(e));
        }
        let what = format!("{WHAT} ({ident})");
        wait_for(
            &aws.patience,
            &what,
            "deleted",
            TIMEOUTS.of(state, "delete"),
            true,
            || async {
                Ok(
                    match describe(aws, &[ident.to_string()]).await?.get(ident) {
                        None => Poll::Gone,
                        Some(db) => Poll::<()>::Pending(
                            db.db_instance_status().unwrap_or("deleting").to_string(),
                        ),
                    },
                )
            },
        )
        .await
        .map(|_| ())
        .map_err(fail)
    }

    fn import_id(&self, state: &Json) -> Option<String> {
        s(state, "identifier").map(str::to_string)
    }

    async fn import(&self, _aws: &Aws, id: &str) -> Result<Json, Diagnostics> {
        Ok(
            json!({ "id": id, "identifier": id, "skip_final_snapshot": false, "delete_automated_backups": true, "apply_immediately": null }),
        )
    }
}

async fn wait_available(aws: &Aws, ident: &str, timeout: Duration) -> Result<(), AwsError> {
    let what = format!("{WHAT} ({ident})");
    wait_for(
        &aws.patience,
        &what,
        "available",
        timeout,
        false,
        || async {
            Ok(
                match describe(aws, &[ident.to_string()]).await?.get(ident) {
                    None => Poll::Pending("not yet visible".into()),
                    Some(db) => match db.db_instance_status().unwrap_or("creating") {
                        "available" | "storage-optimization" => Poll::Ready(()),
                        s if PENDING.contains(&s) => Poll::Pending(s.to_string()),
                        s => Poll::Failed(s.to_string()),
                    },
                },
            )
        },
    )
    .await
    .map(|_| ())
}
