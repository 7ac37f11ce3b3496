//! Planning through the whole random provider: defaults, `keepers` and replacement.

use super::*;
use std::collections::BTreeMap;
use terrane_provider_api::{ApplyRequest, PlanRequest, PlanResponse, Provider};

fn keepers_of(entries: &[(&str, Option<&str>)]) -> Value {
    let m: BTreeMap<String, Value> = entries
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                v.map(Value::string)
                    .unwrap_or_else(|| Value::null(Type::String)),
            )
        })
        .collect();
    Value::map(Type::String, m)
}

/// A configuration of `type_name`: the given attributes, every other one null.
fn config(p: &WithDefaults, type_name: &str, attrs: &[(&str, Value)]) -> Value {
    let schema = &p.schema().resources[type_name];
    let mut m: BTreeMap<String, Value> = schema
        .block
        .attributes
        .iter()
        .map(|(k, a)| (k.clone(), Value::null(a.ty.clone())))
        .collect();
    for (k, v) in attrs {
        m.insert(k.to_string(), v.clone());
    }
    Value::object(m)
}

/// The proposed new state: the configuration over the prior state's computed values.
fn proposed(p: &WithDefaults, type_name: &str, prior: &Value, config: &Value) -> Value {
    let schema = &p.schema().resources[type_name];
    let mut m = config.as_map().cloned().unwrap();
    for (k, a) in &schema.block.attributes {
        if a.computed && m[k].is_null() && !prior.is_null() {
            m.insert(k.clone(), prior.get_attr(k).cloned().unwrap());
        }
    }
    Value::object(m)
}

async fn plan(p: &WithDefaults, type_name: &str, prior: &Value, config: &Value) -> PlanResponse {
    let prior = if prior.is_null() {
        Value::null(p.schema().resources[type_name].block.implied_type())
    } else {
        prior.clone()
    };
    p.plan_resource_change(PlanRequest {
        type_name: type_name.to_string(),
        prior_state: prior.clone(),
        proposed_new_state: proposed(p, type_name, &prior, config),
        config: config.clone(),
        prior_private: Vec::new(),
    })
    .await
}

/// Plans and applies a create.
async fn create(p: &WithDefaults, type_name: &str, config: &Value) -> Value {
    let planned = plan(p, type_name, &Value::null_dynamic(), config).await;
    assert!(
        !planned.diagnostics.has_errors(),
        "{:?}",
        planned.diagnostics
    );
    let applied = p
        .apply_resource_change(ApplyRequest {
            type_name: type_name.to_string(),
            prior_state: Value::null(planned.planned_state.ty()),
            planned_state: planned.planned_state,
            config: config.clone(),
            planned_private: Vec::new(),
        })
        .await;
    assert!(
        !applied.diagnostics.has_errors(),
        "{:?}",
        applied.diagnostics
    );
    applied.new_state
}

#[tokio::test]
async fn keepers_change_requires_replacement_for_every_type() {
    let p = provider();
    let cases: [(&str, Vec<(&str, Value)>); 7] = [
        ("random_id", vec![("byte_length", Value::int(4))]),
        (
            "random_integer",
            vec![("min", Value::int(1)), ("max", Value::int(9))],
        ),
        ("random_password", vec![("length", Value::int(8))]),
        ("random_pet", vec![]),
        (
            "random_shuffle",
            vec![("input", Value::list(Type::String, vec![Value::string("a")]))],
        ),
        ("random_string", vec![("length", Value::int(8))]),
        ("random_uuid", vec![]),
    ];
    for (type_name, attrs) in cases {
        let mut with_keepers = attrs.clone();
        with_keepers.push(("keepers", keepers_of(&[("k", Some("1"))])));
        let state = create(&p, type_name, &config(&p, type_name, &with_keepers)).await;
        assert!(state.is_wholly_known(), "{type_name}: {state:?}");

        let same = plan(&p, type_name, &state, &config(&p, type_name, &with_keepers)).await;
        assert!(same.requires_replace.is_empty(), "{type_name}");
        assert!(
            same.planned_state.raw_equals(&state),
            "{type_name}: {:?}",
            same.planned_state
        );

        let mut changed = attrs.clone();
        changed.push(("keepers", keepers_of(&[("k", Some("2"))])));
        let replaced = plan(&p, type_name, &state, &config(&p, type_name, &changed)).await;
        assert_eq!(
            replaced.requires_replace,
            vec![Path::root().attr("keepers")],
            "{type_name}"
        );
        assert!(
            !replaced.planned_state.get_attr("id").unwrap().is_known(),
            "{type_name}"
        );
    }
}

#[tokio::test]
async fn keepers_gaining_a_null_value_update_in_place() {
    let p = provider();
    let cfg = |k: Value| {
        config(
            &p,
            "random_integer",
            &[
                ("min", Value::int(1)),
                ("max", Value::int(9)),
                ("keepers", k),
            ],
        )
    };
    let state = create(&p, "random_integer", &cfg(keepers_of(&[]))).await;
    let planned = plan(
        &p,
        "random_integer",
        &state,
        &cfg(keepers_of(&[("key", None)])),
    )
    .await;
    assert!(planned.requires_replace.is_empty());
    assert_eq!(
        planned.planned_state.get_attr("result"),
        state.get_attr("result")
    );
    let planned = plan(
        &p,
        "random_integer",
        &state,
        &cfg(keepers_of(&[("key", Some("123"))])),
    )
    .await;
    assert_eq!(planned.requires_replace, vec![Path::root().attr("keepers")]);
}

#[tokio::test]
async fn removing_an_argument_returns_it_to_its_default_and_replaces() {
    let p = provider();
    let state = create(
        &p,
        "random_string",
        &config(
            &p,
            "random_string",
            &[("length", Value::int(8)), ("special", Value::bool(false))],
        ),
    )
    .await;
    assert_eq!(state.get_attr("special"), Some(&Value::bool(false)));
    let planned = plan(
        &p,
        "random_string",
        &state,
        &config(&p, "random_string", &[("length", Value::int(8))]),
    )
    .await;
    assert_eq!(
        planned.planned_state.get_attr("special"),
        Some(&Value::bool(true))
    );
    assert_eq!(planned.requires_replace, vec![Path::root().attr("special")]);
}

#[tokio::test]
async fn defaults_are_planned_on_create() {
    let p = provider();
    let planned = plan(
        &p,
        "random_pet",
        &Value::null_dynamic(),
        &config(&p, "random_pet", &[]),
    )
    .await;
    assert_eq!(
        planned.planned_state.get_attr("length"),
        Some(&Value::int(2))
    );
    assert_eq!(
        planned.planned_state.get_attr("separator"),
        Some(&Value::string("-"))
    );
    assert!(!planned.planned_state.get_attr("id").unwrap().is_known());
}
