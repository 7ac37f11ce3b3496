//! `aws_route`: one route in a route table, and the route targets that `aws_route_table`'s inline
//! `route` blocks share. The destination and table force replacement; a new target replaces the
//! route in place (`ReplaceRoute`).

use super::{CHUNK, filter};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, s, s_or_empty, set};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::wait::Timeouts;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Route, RouteTable};
use std::collections::HashMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;

pub struct AwsRoute;

const WHAT: &str = "Route";
const TIMEOUTS: Timeouts = Timeouts::minutes(5, 2, 5);

/// The destination arguments, one of which a route has.
pub const DESTINATIONS: [&str; 3] = [
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
];

/// The target arguments, one of which a route has.
pub const TARGETS: [&str; 10] = [
    "carrier_gateway_id",
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

/// A route as arguments: destination and target names of `aws_route`, value strings.
pub type RouteArgs = Vec<(&'static str, String)>;

/// The destination and target of an SDK route, by `aws_route` argument names.
pub fn args_of(r: &Route) -> RouteArgs {
    let mut out: RouteArgs = Vec::new();
    let mut put = |k: &'static str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push((k, v.to_string()));
        }
    };
    put("destination_cidr_block", r.destination_cidr_block());
    put(
        "destination_ipv6_cidr_block",
        r.destination_ipv6_cidr_block(),
    );
    put("destination_prefix_list_id", r.destination_prefix_list_id());
    put("carrier_gateway_id", r.carrier_gateway_id());
    put("core_network_arn", r.core_network_arn());
    put(
        "egress_only_gateway_id",
        r.egress_only_internet_gateway_id(),
    );
    let gw = r.gateway_id().filter(|g| !g.starts_with("vpce-"));
    put("gateway_id", gw);
    put(
        "vpc_endpoint_id",
        r.gateway_id().filter(|g| g.starts_with("vpce-")),
    );
    put("local_gateway_id", r.local_gateway_id());
    put("nat_gateway_id", r.nat_gateway_id());
    put("network_interface_id", r.network_interface_id());
    put("transit_gateway_id", r.transit_gateway_id());
    put("vpc_peering_connection_id", r.vpc_peering_connection_id());
    out
}

/// The destination of a route given as arguments.
pub fn destination(args: &Json) -> Option<(&'static str, String)> {
    DESTINATIONS
        .iter()
        .find_map(|k| s(args, k).map(|v| (*k, v.to_string())))
}

/// Whether a route is the VPC's own local route or was propagated, which Terraform does not manage.
pub fn unmanaged(r: &Route) -> bool {
    r.gateway_id() == Some("local")
        || r.origin()
            .is_some_and(|o| o.as_str() == "EnableVgwRoutePropagation")
}

/// Creates (or, with `replace`, replaces) a route from arguments named as `aws_route`'s.
pub async fn put_route(aws: &Aws, table: &str, args: &Json, replace: bool) -> Result<(), AwsError> {
    let get = |k: &str| s(args, k).map(str::to_string);
    macro_rules! build {
        ($req:expr) => {
            $req.route_table_id(table)
                .set_destination_cidr_block(get("destination_cidr_block"))
                .set_destination_ipv6_cidr_block(get("destination_ipv6_cidr_block"))
                .set_destination_prefix_list_id(get("destination_prefix_list_id"))
                .set_carrier_gateway_id(get("carrier_gateway_id"))
                .set_core_network_arn(get("core_network_arn"))
                .set_egress_only_internet_gateway_id(get("egress_only_gateway_id"))
                .set_gateway_id(get("gateway_id").or(get("vpc_endpoint_id")))
                .set_local_gateway_id(get("local_gateway_id"))
                .set_nat_gateway_id(get("nat_gateway_id"))
                .set_network_interface_id(get("network_interface_id"))
                .set_transit_gateway_id(get("transit_gateway_id"))
                .set_vpc_peering_connection_id(get("vpc_peering_connection_id"))
        };
    }
    let codes = [
        "InvalidRouteTableID.NotFound",
        "InvalidGatewayID.NotFound",
        "InvalidNatGatewayID.NotFound",
        "InvalidTransitGatewayID.NotFound",
    ];
    if replace {
        crate::retry::retry_codes(&aws.patience, &codes, || async {
            build!(aws.ec2.replace_route())
                .send()
                .await
                .map_err(sdk("ReplaceRoute"))
        })
        .await?;
    } else {
        crate::retry::retry_codes(&aws.patience, &codes, || async {
            build!(aws.ec2.create_route())
                .send()
                .await
                .map_err(sdk("CreateRoute"))
        })
        .await?;
    }
    Ok(())
}

/// Deletes the route of `table` to `dest` (an argument name and value); gone is success.
pub async fn delete_route(
    aws: &Aws,
    table: &str,
    dest: &(&'static str, String),
) -> Result<(), AwsError> {
    let mut req = aws.ec2.delete_route().route_table_id(table);
    req = match dest.0 {
        "destination_cidr_block" => req.destination_cidr_block(&dest.1),
        "destination_ipv6_cidr_block" => req.destination_ipv6_cidr_block(&dest.1),
        _ => req.destination_prefix_list_id(&dest.1),
    };
    match req.send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = AwsError::from_sdk("DeleteRoute", e);
            if e.is_not_found() { Ok(()) } else { Err(e) }
        }
    }
}

/// Route tables by id.
pub async fn describe_tables(
    aws: &Aws,
    ids: &[String],
) -> Result<HashMap<String, RouteTable>, AwsError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut pages = aws
            .ec2
            .describe_route_tables()
            .filters(filter("route-table-id", chunk.iter().cloned()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for v in page.map_err(sdk("DescribeRouteTables"))?.route_tables() {
                if let Some(id) = v.route_table_id() {
                    out.insert(id.to_string(), v.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Terraform's id of a route: `r-` + table + the CRC-32 of the destination.
pub fn route_id(table: &str, dest: &str) -> String {
    format!("r-{table}{}", crc32(dest.as_bytes()))
}

pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[async_trait]
impl Resource for AwsRoute {
    fn schema(&self) -> Block {
        let mut b = Block::default()
            .attr("id", comp_str())
            .attr("route_table_id", req_str().force_new())
            .attr("instance_id", comp_str())
            .attr("instance_owner_id", comp_str())
            .attr("origin", comp_str())
            .attr("state", comp_str());
        for d in DESTINATIONS {
            b = b.attr(d, opt_str().force_new());
        }
        for t in TARGETS {
            b = b.attr(
                t,
                if t == "network_interface_id" {
                    optc_str()
                } else {
                    opt_str()
                },
            );
        }
        b
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    fn validate(&self, config: &Json) -> Diagnostics {
        let dests = DESTINATIONS
            .iter()
            .filter(|d| s(config, d).is_some())
            .count();
        if dests > 1 {
            return terrane_provider_sdk::error(
                "Invalid combination of arguments",
                format!("only one of `{}` can be specified", DESTINATIONS.join(",")),
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let table = s_or_empty(planned, "route_table_id").to_string();
        let Some(dest) = destination(planned) else {
            return Err(terrane_provider_sdk::error(
                format!("creating {WHAT}"),
                format!("one of `{}` must be specified", DESTINATIONS.join(",")),
            )
            .into());
        };
        put_route(aws, &table, planned, false).await.map_err(|e| {
            e.diag(format!(
                "creating {WHAT} in Route Table ({table}) with destination ({})",
                dest.1
            ))
        })?;
        let mut state = planned.clone();
        set(&mut state, "id", route_id(&table, &dest.1));
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
        let mut tables: Vec<String> = states
            .iter()
            .filter_map(|st| s(st, "route_table_id").map(str::to_string))
            .collect();
        tables.sort();
        tables.dedup();
        let found = match describe_tables(aws, &tables).await {
            Ok(f) => f,
            Err(e) => return super::fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        };
        states
            .iter()
            .map(|st| {
                let table = s_or_empty(st, "route_table_id");
                let Some(dest) = destination(st) else {
                    return Ok(None);
                };
                let route = found.get(table).and_then(|t| {
                    t.routes()
                        .iter()
                        .find(|r| args_of(r).iter().any(|(k, v)| *k == dest.0 && *v == dest.1))
                });
                Ok(route.map(|r| render(st, table, &dest.1, r)))
            })
            .collect()
    }

    async fn update(&self, aws: &Aws, _prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let table = s_or_empty(planned, "route_table_id").to_string();
        put_route(aws, &table, planned, true).await.map_err(|e| {
            Failure::from(e.diag(format!("updating {WHAT} in Route Table ({table})")))
        })?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let table = s_or_empty(state, "route_table_id");
        let Some(dest) = destination(state) else {
            return Ok(());
        };
        delete_route(aws, table, &dest).await.map_err(|e| {
            e.diag(format!(
                "deleting {WHAT} in Route Table ({table}) with destination ({})",
                dest.1
            ))
        })
    }

    fn import_id(&self, state: &Json) -> Option<String> {
        let table = s(state, "route_table_id")?;
        let dest = [
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ]
        .into_iter()
        .find_map(|k| s(state, k))?;
        Some(format!("{table}_{dest}"))
    }

    async fn import(&self, _aws: &Aws, id: &str) -> Result<Json, Diagnostics> {
        let Some((table, dest)) = id.split_once('_') else {
            return Err(terrane_provider_sdk::error(
                "Invalid import id",
                format!("unexpected format of ID ({id:?}), expected ROUTETABLEID_DESTINATION"),
            ));
        };
        let key = if dest.starts_with("pl-") {
            "destination_prefix_list_id"
        } else if dest.contains(':') {
            "destination_ipv6_cidr_block"
        } else {
            "destination_cidr_block"
        };
        let mut st = serde_json::json!({ "id": route_id(table, dest), "route_table_id": table });
        set(&mut st, key, dest);
        Ok(st)
    }
}

fn render(prior: &Json, table: &str, dest: &str, r: &Route) -> Json {
    let mut st = prior.clone();
    set(&mut st, "id", route_id(table, dest));
    let args = args_of(r);
    for t in TARGETS {
        let v = args.iter().find(|(k, _)| *k == t).map(|(_, v)| v.clone());
        set(&mut st, t, v.map_or(Json::Null, Json::String));
    }
    set(&mut st, "instance_id", r.instance_id().unwrap_or_default());
    set(
        &mut st,
        "instance_owner_id",
        r.instance_owner_id().unwrap_or_default(),
    );
    set(&mut st, "origin", r.origin().map_or("", |o| o.as_str()));
    set(&mut st, "state", r.state().map_or("", |o| o.as_str()));
    st
}

#[cfg(test)]
mod tests {
    #[test]
    fn route_ids_match_terraform() {
        // crc32("10.0.0.0/16") as Terraform's StringHashcode computes it
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
        assert!(super::route_id("rtb-1", "0.0.0.0/0").starts_with("r-rtb-1"));
    }
}
