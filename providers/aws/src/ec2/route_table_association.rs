//! `aws_route_table_association`: associates a subnet (or gateway) with a route table. A new subnet
//! or gateway replaces it; a new route table is swapped in place (`ReplaceRouteTableAssociation`).

use super::{CHUNK, fail_all, filter, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, s, s_or_empty, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::wait::Timeouts;
use async_trait::async_trait;
use aws_sdk_ec2::types::RouteTableAssociation;
use serde_json::json;
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsRouteTableAssociation;

const WHAT: &str = "Route Table Association";
const TIMEOUTS: Timeouts = Timeouts::minutes(5, 2, 5);

#[async_trait]
impl Resource for AwsRouteTableAssociation {
    fn schema(&self) -> Block {
        Block::default()
            .attr("id", comp_str())
            .attr("subnet_id", opt_str().force_new())
            .attr("gateway_id", opt_str().force_new())
            .attr("route_table_id", req_str())
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        if config.get("subnet_id").is_some_and(|v| !v.is_null())
            && config.get("gateway_id").is_some_and(|v| !v.is_null())
        {
            return terrane_provider_sdk::error(
                "Invalid combination of arguments",
                "only one of `gateway_id,subnet_id` can be specified",
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let table = s_or_empty(planned, "route_table_id");
        let out = crate::retry::retry_codes(
            &aws.patience,
            &["InvalidRouteTableID.NotFound", "InvalidSubnetID.NotFound"],
            || async {
                aws.ec2
                    .associate_route_table()
                    .route_table_id(table)
                    .set_subnet_id(s(planned, "subnet_id").map(str::to_string))
                    .set_gateway_id(s(planned, "gateway_id").map(str::to_string))
                    .send()
                    .await
                    .map_err(sdk("AssociateRouteTable"))
            },
        )
        .await
        .map_err(|e| e.diag(format!("creating {WHAT} (route table {table})")))?;
        let mut state = planned.clone();
        set(&mut state, "id", out.association_id().unwrap_or_default());
        read_after_write(self, aws, state, WHAT).await
    }

    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics> {
        super::read_one(self, aws, state).await
    }

    async fn read_many(
        &self,
        aws: &Aws,
        states: &[Json],
    ) -> Vec<Result<Option<Json>, Diagnostics>> {
        let found = match describe(aws, &ids(states)).await {
            Ok(f) => f,
            Err(e) => return fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        };
        super::answer(states, &found, |prior, (table, a)| {
            let mut st = prior.clone();
            set(&mut st, "route_table_id", table.as_str());
            set(
                &mut st,
                "subnet_id",
                a.subnet_id().map_or(Json::Null, |v| json!(v)),
            );
            set(
                &mut st,
                "gateway_id",
                a.gateway_id().map_or(Json::Null, |v| json!(v)),
            );
            st
        })
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s_or_empty(prior, "id").to_string();
        let out = aws
            .ec2
            .replace_route_table_association()
            .association_id(&id)
            .route_table_id(s_or_empty(planned, "route_table_id"))
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("ReplaceRouteTableAssociation", e)
                    .diag(format!("updating {WHAT} ({id})"))
            })?;
        let mut state = planned.clone();
        set(&mut state, "id", out.new_association_id().unwrap_or(&id));
        read_after_write(self, aws, state, WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s_or_empty(state, "id");
        match aws
            .ec2
            .disassociate_route_table()
            .association_id(id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = AwsError::from_sdk("DisassociateRouteTable", e);
                if e.is_not_found() {
                    Ok(())
                } else {
                    Err(e.diag(format!("deleting {WHAT} ({id})")))
                }
            }
        }
    }

    fn import_id(&self, state: &Json) -> Option<String> {
        let table = s(state, "route_table_id")?;
        let target = s(state, "subnet_id").or_else(|| s(state, "gateway_id"))?;
        Some(format!("{target}/{table}"))
    }

    async fn import(&self, aws: &Aws, id: &str) -> Result<Json, Diagnostics> {
        let Some((target, table)) = id.split_once('/') else {
            return Err(terrane_provider_sdk::error(
                "Invalid import id",
                format!(
                    "unexpected format for import: {id}. Use 'subnet ID/route table ID' or 'gateway ID/route table ID'"
                ),
            ));
        };
        let tables = super::route::describe_tables(aws, &[table.to_string()])
            .await
            .map_err(|e| e.diag(format!("importing {WHAT} ({id})")))?;
        let assoc = tables.get(table).and_then(|t| {
            t.associations()
                .iter()
                .find(|a| a.subnet_id() == Some(target) || a.gateway_id() == Some(target))
        });
        let Some(a) = assoc.and_then(|a| a.route_table_association_id()) else {
            return Err(terrane_provider_sdk::error(
                "Cannot import non-existent remote object",
                format!("no association between route table {table} and {target} was found"),
            ));
        };
        Ok(json!({ "id": a, "route_table_id": table }))
    }
}

/// Associations by id, with their route table.
async fn describe(
    aws: &Aws,
    ids: &[String],
) -> Result<HashMap<String, (String, RouteTableAssociation)>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_route_tables()
            .filters(filter(
                "association.route-table-association-id",
                chunk.iter().cloned(),
            ))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for t in page.map_err(sdk("DescribeRouteTables"))?.route_tables() {
                for a in t.associations() {
                    if let Some(id) = a.route_table_association_id()
                        && chunk.iter().any(|c| c == id)
                    {
                        out.insert(
                            id.to_string(),
                            (
                                t.route_table_id().unwrap_or_default().to_string(),
                                a.clone(),
                            ),
                        );
                    }
                }
            }
        }
    }
    Ok(out)
}
