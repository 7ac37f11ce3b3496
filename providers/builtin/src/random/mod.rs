//! The `random` provider (hashicorp/random): values chosen once, kept in state, and chosen again only
//! when the resource is replaced, typically because its `keepers` changed.
//!
//! Every resource here lives only in state: read returns the state unchanged and delete does nothing.
//! Seeded results (`random_integer`, `random_shuffle`) come from [`gorand`], a replica of Go's
//! `math/rand`, so the same seed gives the same result as under Terraform.

mod charset;
mod gorand;
mod id;
mod integer;
mod pet;
mod pet_words;
#[cfg(test)]
mod plan_tests;
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
