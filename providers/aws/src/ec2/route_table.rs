//! `aws_route_table`: a route table of a VPC with inline `route` blocks. Routes are reconciled in
//! place (created, replaced, deleted); when the configuration has no `route` blocks the routes are
//! left alone, as terraform-provider-aws does, so `aws_route` resources can manage them instead.

use super::route::{
    DESTINATIONS, TARGETS, args_of, delete_route, describe_tables, put_route, unmanaged,
};
use super::{answer, fail_all, ids};
use crate::client::Aws;
use crate::error::{AwsError, sdk};
use crate::json::{Json, blocks, s, set, strs};
use crate::resource::{Failure, Resource, read_after_write};
use crate::schema::*;
use crate::tags;
use crate::wait::Timeouts;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType, RouteTable};
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block, Nesting};

pub struct AwsRouteTable;

const WHAT: &str = "Route Table";
const TIMEOUTS: Timeouts = Timeouts::minutes(5, 2, 5);

/// The inline `route` argument names: `aws_route`'s, with the destinations shortened.
const ROUTE_DESTS: [(&str, &str); 3] = [
    ("cidr_block", "destination_cidr_block"),
    ("ipv6_cidr_block", "destination_ipv6_cidr_block"),
    ("destination_prefix_list_id", "destination_prefix_list_id"),
];

/// An inline route block as `aws_route` arguments.
fn as_route_args(block: &Json) -> Json {
    let mut out = json!({});
    for (inline, full) in ROUTE_DESTS {
        if let Some(v) = s(block, inline) {
            set(&mut out, full, v);
        }
    }
    for t in TARGETS {
        if let Some(v) = s(block, t) {
            set(&mut out, t, v);
        }
    }
    out
}

#[async_trait]
impl Resource for AwsRouteTable {
    fn schema(&self) -> Block {
        let mut route = Block::default();
        for (inline, _) in ROUTE_DESTS {
            route = route.attr(inline, opt_str());
        }
        for t in TARGETS {
            route = route.attr(t, opt_str());
        }
        tags::with_tags(
            Block::default()
                .attr("id", comp_str())
                .attr("arn", comp_str())
                .attr("vpc_id", req_str().force_new())
                .attr("owner_id", comp_str())
                .attr("propagating_vgws", Attribute::optional_computed(str_set())),
        )
        .nested("route", Nesting::Set, route)
    }

    fn inline_blocks(&self) -> &'static [&'static str] {
        &["route"]
    }

    fn computed_blocks(&self) -> &'static [&'static str] {
        &["route"]
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure> {
        let out = crate::retry::retry_codes(&aws.patience, &["InvalidVpcID.NotFound"], || async {
            aws.ec2
                .create_route_table()
                .set_vpc_id(s(planned, "vpc_id").map(str::to_string))
                .set_tag_specifications(
                    tags::ec2_spec(ResourceType::RouteTable, &tags::all(aws, planned))
                        .map(|t| vec![t]),
                )
                .send()
                .await
                .map_err(sdk("CreateRouteTable"))
        })
        .await
        .map_err(|e| e.diag(format!("creating {WHAT}")))?;
        let id = out
            .route_table()
            .and_then(|v| v.route_table_id())
            .unwrap_or_default()
            .to_string();
        let mut state = planned.clone();
        set(&mut state, "id", id.clone());
        let empty = json!({});
        if let Err(e) = reconcile(aws, &id, &empty, planned).await {
            return Err(Failure::with_state(
                e.diag(format!("creating {WHAT} ({id})")),
                state,
            ));
        }
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
        match describe_tables(aws, &ids(states)).await {
            Ok(found) => answer(states, &found, |prior, obj| render(aws, prior, obj)),
            Err(e) => fail_all(states.len(), e.diag(format!("reading {WHAT}s"))),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure> {
        let id = s(prior, "id").unwrap_or_default().to_string();
        let fail = |e: AwsError| Failure::from(e.diag(format!("updating {WHAT} ({id})")));
        reconcile(aws, &id, prior, planned).await.map_err(fail)?;
        tags::update_ec2(aws, &id, &tags::prior_all(prior), &tags::all(aws, planned))
            .await
            .map_err(fail)?;
        read_after_write(self, aws, planned.clone(), WHAT).await
    }

    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics> {
        let id = s(state, "id").unwrap_or_default();
        let r = crate::retry::retry(
            &aws.patience,
            TIMEOUTS.of(state, "delete"),
            |e| e.is(&["DependencyViolation"]),
            || async {
                aws.ec2
                    .delete_route_table()
                    .route_table_id(id)
                    .send()
                    .await
                    .map_err(sdk("DeleteRouteTable"))
            },
        )
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.diag(format!("deleting {WHAT} ({id})"))),
        }
    }
}

/// Brings the routes and propagating gateways from `prior` to `planned`.
async fn reconcile(aws: &Aws, id: &str, prior: &Json, planned: &Json) -> Result<(), AwsError> {
    let old: Vec<Json> = blocks(prior, "route").iter().map(as_route_args).collect();
    let new: Vec<Json> = blocks(planned, "route").iter().map(as_route_args).collect();
    for r in &old {
        let dest = super::route::destination(r);
        let kept = new.iter().any(|n| super::route::destination(n) == dest);
        if !kept && let Some(d) = dest {
            delete_route(aws, id, &d).await?;
        }
    }
    for n in &new {
        if old.contains(n) {
            continue;
        }
        let dest = super::route::destination(n);
        let existed = old.iter().any(|o| super::route::destination(o) == dest);
        put_route(aws, id, n, existed).await?;
    }
    let (old_vgw, new_vgw) = (
        strs(prior, "propagating_vgws"),
        strs(planned, "propagating_vgws"),
    );
    for g in old_vgw.iter().filter(|g| !new_vgw.contains(g)) {
        aws.ec2
            .disable_vgw_route_propagation()
            .route_table_id(id)
            .gateway_id(g)
            .send()
            .await
            .map_err(sdk("DisableVgwRoutePropagation"))?;
    }
    for g in new_vgw.iter().filter(|g| !old_vgw.contains(g)) {
        aws.ec2
            .enable_vgw_route_propagation()
            .route_table_id(id)
            .gateway_id(g)
            .send()
            .await
            .map_err(sdk("EnableVgwRoutePropagation"))?;
    }
    Ok(())
}

fn render(aws: &Aws, prior: &Json, t: &RouteTable) -> Json {
    let id = t.route_table_id().unwrap_or_default();
    let owner = t.owner_id().unwrap_or_default();
    let mut routes = Vec::new();
    for r in t.routes().iter().filter(|r| !unmanaged(r)) {
        let args = args_of(r);
        let mut block = json!({});
        for (inline, full) in ROUTE_DESTS {
            let v = args
                .iter()
                .find(|(k, _)| *k == full)
                .map_or("", |(_, v)| v.as_str());
            set(&mut block, inline, v);
        }
        for target in TARGETS {
            let v = args
                .iter()
                .find(|(k, _)| *k == target)
                .map_or("", |(_, v)| v.as_str());
            set(&mut block, target, v);
        }
        routes.push(block);
    }
    let _ = DESTINATIONS;
    let vgws: Vec<&str> = t
        .propagating_vgws()
        .iter()
        .filter_map(|g| g.gateway_id())
        .collect();
    let mut st = prior.clone();
    set(&mut st, "id", id);
    set(
        &mut st,
        "arn",
        format!(
            "arn:{}:ec2:{}:{owner}:route-table/{id}",
            aws.partition, aws.region
        ),
    );
    set(&mut st, "vpc_id", t.vpc_id().unwrap_or_default());
    set(&mut st, "owner_id", owner);
    set(&mut st, "route", Json::Array(routes));
    set(&mut st, "propagating_vgws", json!(vgws));
    tags::set_read(aws, &mut st, prior, tags::from_ec2(t.tags()));
    st
}
