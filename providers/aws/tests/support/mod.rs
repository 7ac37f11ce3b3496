//! The harness of the provider's tests against moto: a configured provider, and create, read,
//! update, import and destroy as the engine drives them (plan, then apply).
#![allow(dead_code)]

#[path = "../../../../tests/support/moto.rs"]
pub mod moto;

use moto::Moto;
use serde_json::{Value as Json, json};
use std::time::Duration;
use terrane_provider_api::schema::{Block, Nesting};
use terrane_provider_api::{
    ApplyRequest, ConfigureRequest, ImportRequest, PlanRequest, PlanResponse, Provider,
    ReadDataRequest, ReadRequest,
};
use terrane_provider_aws::AwsProvider;
use terrane_provider_aws::retry::Patience;
use terrane_values::{Kind, Value};

/// The shared moto server.
pub fn moto() -> &'static Moto {
    Moto::shared()
}

/// Short waits: moto makes everything ready at once.
pub fn fast() -> Patience {
    Patience {
        initial: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        propagation: Duration::from_secs(2),
        poll: Duration::from_millis(100),
    }
}

/// A provider configured against moto, with `extra` merged into its configuration.
pub async fn provider_with(extra: Json) -> AwsProvider {
    let m = moto();
    let p = terrane_provider_aws::provider().with_patience(fast());
    let mut cfg = json!({
        "region": moto::REGION,
        "access_key": "testing",
        "secret_key": "testing",
        "max_retries": 1,
        "endpoints": [{"ec2": m.url, "eks": m.url, "iam": m.url, "rds": m.url, "sts": m.url}],
    });
    if let (Some(c), Json::Object(e)) = (cfg.as_object_mut(), extra) {
        c.extend(e);
    }
    let ty = p.schema().provider.block.implied_type();
    let config = terrane_values::json::from_json(&cfg, &ty).expect("provider config fits");
    let resp = p.configure(ConfigureRequest { config }).await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    p
}

/// A provider configured against moto.
pub async fn provider() -> AwsProvider {
    provider_with(json!({})).await
}

fn block(p: &AwsProvider, ty: &str) -> Block {
    p.schema().resources[ty].block.clone()
}

/// A configuration value of a resource type from JSON.
pub fn config(p: &AwsProvider, ty: &str, cfg: &Json) -> Value {
    terrane_values::json::from_json(cfg, &block(p, ty).implied_type())
        .expect("config fits the schema")
}

/// The engine's ProposedNew: the configuration, with computed attributes it leaves null from prior.
pub fn proposed(b: &Block, prior: &Value, config: &Value) -> Value {
    if prior.is_null() || config.is_null() {
        return config.clone();
    }
    let mut out = std::collections::BTreeMap::new();
    for (name, a) in &b.attributes {
        let c = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(Value::null_dynamic);
        let v = if a.computed && c.is_null() {
            prior.get_attr(name).cloned().unwrap_or(c)
        } else {
            c
        };
        out.insert(name.clone(), v);
    }
    for (name, nb) in &b.block_types {
        let c = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(Value::null_dynamic);
        let p = prior
            .get_attr(name)
            .cloned()
            .unwrap_or_else(Value::null_dynamic);
        let v = match (nb.nesting, c.kind(), p.kind()) {
            (Nesting::List, Kind::List(t, cs), Kind::List(_, ps)) if cs.len() == ps.len() => {
                Value::list(
                    t.clone(),
                    cs.iter()
                        .zip(ps.iter())
                        .map(|(x, y)| proposed(&nb.block, y, x))
                        .collect(),
                )
            }
            (Nesting::Single, _, _) if !c.is_null() && !p.is_null() => proposed(&nb.block, &p, &c),
            _ => c,
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

/// Plans `cfg` over `prior` (null to create).
pub async fn plan(p: &AwsProvider, ty: &str, prior: &Value, cfg: &Json) -> PlanResponse {
    let c = config(p, ty, cfg);
    let resp = p
        .plan_resource_change(PlanRequest {
            type_name: ty.into(),
            prior_state: prior.clone(),
            proposed_new_state: proposed(&block(p, ty), prior, &c),
            config: c,
            prior_private: Vec::new(),
        })
        .await;
    assert!(
        !resp.diagnostics.has_errors(),
        "plan {ty}: {:?}",
        resp.diagnostics
    );
    resp
}

/// Plans and applies `cfg` over `prior`; the new state, or the diagnostics' text.
pub async fn try_apply(
    p: &AwsProvider,
    ty: &str,
    prior: &Value,
    cfg: &Json,
) -> Result<Value, String> {
    let planned = plan(p, ty, prior, cfg).await;
    let replace = !planned.requires_replace.is_empty();
    let prior = if replace {
        destroy(p, ty, prior).await;
        Value::null(prior.ty())
    } else {
        prior.clone()
    };
    let planned = if replace {
        plan(p, ty, &prior, cfg).await
    } else {
        planned
    };
    let resp = p
        .apply_resource_change(ApplyRequest {
            type_name: ty.into(),
            prior_state: prior,
            planned_state: planned.planned_state,
            config: config(p, ty, cfg),
            planned_private: Vec::new(),
        })
        .await;
    if resp.diagnostics.has_errors() {
        return Err(diag_text(&resp.diagnostics));
    }
    Ok(resp.new_state)
}

/// The diagnostics as text, one per line: `summary: detail`.
pub fn diag_text(d: &terrane_diagnostics::Diagnostics) -> String {
    d.iter()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plans and applies, which must succeed.
pub async fn apply(p: &AwsProvider, ty: &str, prior: &Value, cfg: &Json) -> Value {
    try_apply(p, ty, prior, cfg)
        .await
        .unwrap_or_else(|e| panic!("apply {ty}: {e}"))
}

/// Creates an object.
pub async fn create(p: &AwsProvider, ty: &str, cfg: &Json) -> Value {
    let null = Value::null(block(p, ty).implied_type());
    apply(p, ty, &null, cfg).await
}

/// Refreshes an object; null when gone.
pub async fn read(p: &AwsProvider, ty: &str, state: &Value) -> Value {
    let resp = p
        .read_resource(ReadRequest {
            type_name: ty.into(),
            prior_state: state.clone(),
            private: Vec::new(),
        })
        .await;
    assert!(
        !resp.diagnostics.has_errors(),
        "read {ty}: {:?}",
        resp.diagnostics
    );
    resp.new_state
}

/// Refreshes many objects of one type in one bulk call.
pub async fn read_many(p: &AwsProvider, ty: &str, states: &[Value]) -> Vec<Value> {
    let reqs = states
        .iter()
        .map(|s| ReadRequest {
            type_name: ty.into(),
            prior_state: s.clone(),
            private: Vec::new(),
        })
        .collect();
    p.read_resources(reqs)
        .await
        .into_iter()
        .map(|r| {
            assert!(
                !r.diagnostics.has_errors(),
                "read {ty}: {:?}",
                r.diagnostics
            );
            r.new_state
        })
        .collect()
}

/// Destroys an object.
pub async fn destroy(p: &AwsProvider, ty: &str, state: &Value) {
    let resp = p
        .apply_resource_change(ApplyRequest {
            type_name: ty.into(),
            prior_state: state.clone(),
            planned_state: Value::null(state.ty()),
            config: Value::null(state.ty()),
            planned_private: Vec::new(),
        })
        .await;
    assert!(
        !resp.diagnostics.has_errors(),
        "destroy {ty}: {:?}",
        resp.diagnostics
    );
}

/// Imports by id and refreshes.
pub async fn import(p: &AwsProvider, ty: &str, id: &str) -> Value {
    let resp = p
        .import_resource(ImportRequest {
            type_name: ty.into(),
            id: id.into(),
        })
        .await;
    assert!(
        !resp.diagnostics.has_errors(),
        "import {ty}: {:?}",
        resp.diagnostics
    );
    read(p, ty, &resp.imported[0].1).await
}

/// Reads a data source.
pub async fn data(p: &AwsProvider, ty: &str, cfg: &Json) -> Json {
    let b = p.schema().data_sources[ty].block.clone();
    let config = terrane_values::json::from_json(cfg, &b.implied_type()).expect("config fits");
    let resp = p
        .read_data_source(ReadDataRequest {
            type_name: ty.into(),
            config,
        })
        .await;
    assert!(
        !resp.diagnostics.has_errors(),
        "data {ty}: {:?}",
        resp.diagnostics
    );
    j(&resp.state)
}

/// A value as JSON.
pub fn j(v: &Value) -> Json {
    terrane_provider_aws::json::to_json(v)
}

/// A string attribute of a state.
pub fn attr(v: &Value, name: &str) -> String {
    j(v)[name].as_str().unwrap_or_default().to_string()
}

/// Whether planning `cfg` over `state` changes nothing.
pub async fn plans_no_change(p: &AwsProvider, ty: &str, state: &Value, cfg: &Json) -> bool {
    let planned = plan(p, ty, state, cfg).await;
    planned.requires_replace.is_empty() && planned.planned_state.equals(state) == Some(true)
}

/// The top-level attributes whose planned value differs from the state's, with both values.
pub async fn plan_diff(p: &AwsProvider, ty: &str, state: &Value, cfg: &Json) -> Vec<String> {
    let planned = plan(p, ty, state, cfg).await;
    let (a, b) = (j(state), j(&planned.planned_state));
    let mut out: Vec<String> = a
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| {
            b.get(*k) != Some(*v)
                || planned
                    .planned_state
                    .get_attr(k)
                    .is_some_and(|x| !x.is_wholly_known())
        })
        .map(|(k, v)| format!("{k}: {v} -> {}", b[k]))
        .collect();
    out.extend(
        planned
            .requires_replace
            .iter()
            .map(|p| format!("replace: {p:?}")),
    );
    out
}
