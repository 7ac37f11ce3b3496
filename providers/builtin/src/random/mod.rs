//! The `random` provider (hashicorp/random): values chosen once, kept in state, and chosen again only
//! when the resource is replaced, typically because its `keepers` changed.
//!
//! Every resource here lives only in state: read returns the state unchanged and delete does nothing.
//! Seeded results (`random_integer`, `random_shuffle`) come from [`gorand`], a replica of Go's
//! `math/rand`, so the same seed gives the same result as under Terraform.

mod gorand;
mod id;
mod integer;
mod pet;
mod pet_words;
mod shuffle;
mod string;
mod uuid;

use crate::defaults::WithDefaults;
use terrane_provider_api::schema::Attribute;
use terrane_provider_sdk::{SdkProvider, with_attr};
use terrane_values::{Path, Type, Value};

/// The random provider.
pub fn provider() -> WithDefaults {
    let sdk = SdkProvider::new()
        .resource("random_id", id::RandomId)
        .resource("random_integer", integer::RandomInteger)
        .resource("random_password", string::RandomString::password())
        .resource("random_pet", pet::RandomPet)
        .resource("random_shuffle", shuffle::RandomShuffle)
        .resource("random_string", string::RandomString::string())
        .resource("random_uuid", uuid::RandomUuid);
    WithDefaults::new(sdk)
        .defaults("random_password", string::fill_defaults)
        .defaults("random_pet", pet::fill_defaults)
        .defaults("random_string", string::fill_defaults)
}

/// The `keepers` argument every random resource has.
fn keepers() -> Attribute {
    Attribute::optional(Type::map(Type::String))
        .force_new()
        .describe(
            "Arbitrary map of values that, when changed, will trigger recreation of resource.",
        )
}

/// A whole-number attribute.
fn int_attr(v: &Value, name: &str) -> Option<i64> {
    terrane_provider_sdk::attr(v, name)
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
}

/// A string attribute, empty when null.
fn str_attr<'a>(v: &'a Value, name: &str) -> &'a str {
    terrane_provider_sdk::attr_str(v, name).unwrap_or("")
}

/// Whether a `keepers` change forces replacement, as the provider's `RequiresReplaceIfValuesNotNull`
/// decides: keys whose value is null may come and go (the older SDK did not store them), any other
/// difference replaces.
fn keepers_change_replaces(prior: &Value, planned: &Value) -> bool {
    if !planned.is_wholly_known() {
        return true;
    }
    let entries = |v: &Value| v.as_map().cloned().unwrap_or_default();
    if prior.is_null() {
        return entries(planned).values().any(|v| !v.is_null());
    }
    let (prior, planned) = (entries(prior), entries(planned));
    let changed = planned.iter().any(|(k, v)| match prior.get(k) {
        None => !v.is_null(),
        Some(p) => !p.raw_equals(v),
    });
    changed || prior.keys().any(|k| !planned.contains_key(k))
}

/// Applies the `keepers` rule to a plan: drops `keepers` from the replacement paths when only
/// null-valued keys changed and, if nothing else forces replacement, keeps the prior results.
fn relax_keepers(prior: &Value, planned: &mut Value, requires_replace: &mut Vec<Path>) {
    relax_replacement(
        prior,
        planned,
        requires_replace,
        "keepers",
        keepers_change_replaces,
    );
}

/// Drops attribute `name` from the replacement paths when `replaces(prior value, planned value)`
/// says its change does not replace; if nothing else forces replacement, keeps the prior results.
fn relax_replacement(
    prior: &Value,
    planned: &mut Value,
    requires_replace: &mut Vec<Path>,
    name: &str,
    replaces: fn(&Value, &Value) -> bool,
) {
    let path = Path::root().attr(name);
    if prior.is_null() || !requires_replace.contains(&path) {
        return;
    }
    let null = Value::null_dynamic();
    let before = prior.get_attr(name).unwrap_or(&null);
    let after = planned.get_attr(name).unwrap_or(&null);
    if replaces(before, after) {
        return;
    }
    requires_replace.retain(|p| *p != path);
    if requires_replace.is_empty() {
        keep_prior_results(prior, planned);
    }
}

/// Takes every attribute the plan left unknown from the prior state.
fn keep_prior_results(prior: &Value, planned: &mut Value) {
    let Some(attrs) = planned.as_map().cloned() else {
        return;
    };
    for (name, v) in attrs {
        if !v.is_known()
            && let Some(p) = prior.get_attr(&name)
        {
            *planned = with_attr(planned, &name, p.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn map(entries: &[(&str, Option<&str>)]) -> Value {
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

    #[test]
    fn keepers_with_null_values_do_not_replace() {
        let null = Value::null(Type::map(Type::String));
        assert!(!keepers_change_replaces(&map(&[]), &map(&[("key", None)])));
        assert!(!keepers_change_replaces(&null, &map(&[("key", None)])));
        assert!(!keepers_change_replaces(&null, &map(&[])));
        assert!(!keepers_change_replaces(&map(&[]), &null));
    }

    #[test]
    fn keepers_value_changes_replace() {
        let null = Value::null(Type::map(Type::String));
        assert!(keepers_change_replaces(
            &map(&[("key", None)]),
            &map(&[("key", Some("123"))])
        ));
        assert!(keepers_change_replaces(
            &null,
            &map(&[("key", Some("123"))])
        ));
        assert!(keepers_change_replaces(
            &map(&[("key", Some("1"))]),
            &map(&[("key", Some("2"))])
        ));
        assert!(keepers_change_replaces(&map(&[("key", Some("1"))]), &null));
        assert!(keepers_change_replaces(
            &map(&[("a", Some("1"))]),
            &map(&[("b", Some("1"))])
        ));
    }
}

#[cfg(test)]
mod plan_tests {
    //! Planning through the whole provider: defaults, `keepers` and replacement.

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

    async fn plan(
        p: &WithDefaults,
        type_name: &str,
        prior: &Value,
        config: &Value,
    ) -> PlanResponse {
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
}
