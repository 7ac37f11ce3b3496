//! Planning a change to a managed object, as terraform-provider-aws (on Terraform's plugin SDK)
//! plans it:
//!
//! - optional arguments with defaults take them when the configuration leaves them unset;
//! - blocks in sets have zero values (`""`, `false`, `[]`) for unset arguments, as the SDK stores them;
//! - computed attributes the configuration leaves unset are unknown on create and replace, and keep
//!   their prior value on update;
//! - a change to a `force_new` argument (nested ones included) requires replacement;
//! - a null and an empty collection are the same, so the prior shape is kept;
//! - `tags_all` is the provider's default tags overlaid with `tags`.

use crate::tags::Tags;
use std::collections::BTreeMap;
use terrane_provider_api::schema::{Block, Nesting};
use terrane_provider_sdk::plan::equivalent;
use terrane_values::{Kind, Path, Type, Value};

/// The planned object and the paths that force replacement.
pub struct Planned {
    /// The planned object.
    pub state: Value,
    /// Arguments whose change requires replacement.
    pub requires_replace: Vec<Path>,
}

/// Plans: `prior` null means create. `proposed` and `config` are not null.
pub fn plan(
    schema: &Block,
    defaults: &Value,
    default_tags: &Tags,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> (Planned, Value) {
    let config = fill_defaults(config, defaults);
    let proposed = fill_defaults_unset(proposed, &config, defaults);
    let config = zero_set_blocks(schema, &config);
    let proposed = zero_set_blocks(schema, &proposed);
    let mut requires_replace = Vec::new();
    let mut state = if prior.is_null() {
        unknown_computed(schema, &proposed, &config)
    } else {
        force_new_changes(
            schema,
            prior,
            &proposed,
            &Path::root(),
            &mut requires_replace,
        );
        if requires_replace.is_empty() {
            keep_equivalent(schema, prior, &proposed)
        } else {
            unknown_computed(schema, &proposed, &config)
        }
    };
    if schema.attributes.contains_key("tags_all") {
        state = with_tags_all(&state, default_tags);
    }
    (
        Planned {
            state,
            requires_replace,
        },
        config,
    )
}

fn set_attr(obj: &Value, name: &str, v: Value) -> Value {
    terrane_provider_sdk::with_attr(obj, name, v)
}

fn fill_defaults(config: &Value, defaults: &Value) -> Value {
    let mut out = config.clone();
    if let Some(d) = defaults.as_map() {
        for (k, v) in d {
            if config.get_attr(k).is_some_and(Value::is_null) {
                out = set_attr(&out, k, v.clone());
            }
        }
    }
    out
}

fn fill_defaults_unset(proposed: &Value, config: &Value, defaults: &Value) -> Value {
    let mut out = proposed.clone();
    if let Some(d) = defaults.as_map() {
        for k in d.keys() {
            if let Some(v) = config.get_attr(k) {
                out = set_attr(&out, k, v.clone());
            }
        }
    }
    out
}

/// The zero value of an attribute type, as the plugin SDK stores unset arguments of set blocks.
fn zero(ty: &Type) -> Value {
    match ty {
        Type::String => Value::string(""),
        Type::Bool => Value::bool(false),
        Type::Number => Value::int(0),
        Type::List(t) => Value::list((**t).clone(), Vec::new()),
        Type::Set(t) => Value::set((**t).clone(), Vec::new()),
        Type::Map(t) => Value::map((**t).clone(), BTreeMap::new()),
        _ => Value::null(ty.clone()),
    }
}

/// Gives the unset, non-computed arguments of blocks in sets their zero values.
pub fn zero_set_blocks(schema: &Block, v: &Value) -> Value {
    let Some(attrs) = v.as_map() else {
        return v.clone();
    };
    let mut out = attrs.clone();
    for (name, nb) in &schema.block_types {
        let Some(x) = attrs.get(name) else { continue };
        if let (Nesting::Set, Kind::Set(t, items)) = (nb.nesting, x.kind()) {
            let items = items
                .iter()
                .map(|item| zero_fill(&nb.block, item))
                .collect();
            out.insert(name.clone(), Value::set(t.clone(), items));
        }
    }
    Value::object(out)
}

fn zero_fill(b: &Block, item: &Value) -> Value {
    let Some(m) = item.as_map() else {
        return item.clone();
    };
    let mut m = m.clone();
    for (name, a) in &b.attributes {
        if !a.computed && m.get(name).is_none_or(|x| x.is_null() && x.is_known()) {
            m.insert(name.clone(), zero(&a.ty));
        }
    }
    Value::object(m)
}

/// Sets computed attributes that the configuration leaves null to unknown, in nested blocks too.
pub fn unknown_computed(schema: &Block, v: &Value, config: &Value) -> Value {
    let Some(attrs) = v.as_map() else {
        return v.clone();
    };
    let mut out = BTreeMap::new();
    for (name, val) in attrs {
        let cfg = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(Value::null_dynamic);
        let new = if let Some(a) = schema.attributes.get(name) {
            if a.computed && cfg.is_null() {
                Value::unknown(a.ty.clone())
            } else {
                val.clone()
            }
        } else if let Some(nb) = schema.block_types.get(name) {
            nested_unknown(nb.nesting, &nb.block, val, &cfg)
        } else {
            val.clone()
        };
        out.insert(name.clone(), new);
    }
    Value::object(out)
}

fn nested_unknown(nesting: Nesting, b: &Block, v: &Value, cfg: &Value) -> Value {
    if v.is_null() || !v.is_known() {
        return v.clone();
    }
    match (nesting, v.kind()) {
        (Nesting::Single | Nesting::Group, _) => unknown_computed(b, v, cfg),
        (Nesting::List, Kind::List(t, items)) => {
            let cfgs = cfg.as_seq().unwrap_or(&[]);
            Value::list(
                t.clone(),
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let c = cfgs.get(i).cloned().unwrap_or_else(|| x.clone());
                        unknown_computed(b, x, &c)
                    })
                    .collect(),
            )
        }
        // Set elements have no identity to pair them with their configuration: an element is its
        // own configuration.
        (Nesting::Set, Kind::Set(t, items)) => Value::set(
            t.clone(),
            items.iter().map(|x| unknown_computed(b, x, x)).collect(),
        ),
        _ => v.clone(),
    }
}

fn force_new_changes(
    schema: &Block,
    prior: &Value,
    proposed: &Value,
    path: &Path,
    out: &mut Vec<Path>,
) {
    for (name, a) in &schema.attributes {
        if !a.force_new {
            continue;
        }
        let p = prior
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(a.ty.clone()));
        let n = proposed
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(a.ty.clone()));
        if a.computed && n.is_null() {
            continue;
        }
        let (p, n) = (p.unmark_deep().0, n.unmark_deep().0);
        if !(is_empty(&p) && is_empty(&n)) && !equivalent(&p, &n) {
            out.push(path.attr(name));
        }
    }
    for (name, nb) in &schema.block_types {
        let (Some(p), Some(n)) = (prior.get_attr(name), proposed.get_attr(name)) else {
            continue;
        };
        match (nb.nesting, p.as_seq(), n.as_seq()) {
            (Nesting::List, Some(ps), Some(ns)) if ps.len() == ns.len() => {
                for (i, (pi, ni)) in ps.iter().zip(ns).enumerate() {
                    force_new_changes(&nb.block, pi, ni, &path.attr(name).index(i as i64), out);
                }
                continue;
            }
            _ => {}
        }
        if matches!(nb.nesting, Nesting::Single | Nesting::Group) && !p.is_null() && !n.is_null() {
            force_new_changes(&nb.block, p, n, &path.attr(name), out);
        } else if has_force_new(&nb.block)
            && !equivalent(&p.clone().unmark_deep().0, &n.clone().unmark_deep().0)
        {
            out.push(path.attr(name));
        }
    }
}

fn has_force_new(b: &Block) -> bool {
    b.attributes.values().any(|a| a.force_new)
        || b.block_types.values().any(|nb| has_force_new(&nb.block))
}

/// Keeps the prior value of every attribute the plan would change only from null to empty or back.
fn keep_equivalent(schema: &Block, prior: &Value, proposed: &Value) -> Value {
    let Some(attrs) = proposed.as_map() else {
        return proposed.clone();
    };
    let mut out = attrs.clone();
    for (name, v) in attrs {
        let Some(p) = prior.get_attr(name) else {
            continue;
        };
        let both_empty = is_empty(p) && is_empty(v);
        if both_empty && schema.attributes.contains_key(name) {
            out.insert(name.clone(), p.clone());
        } else if let Some(nb) = schema.block_types.get(name) {
            match (nb.nesting, p.kind(), v.kind()) {
                (Nesting::List, Kind::List(_, ps), Kind::List(t, vs)) if ps.len() == vs.len() => {
                    let items = ps
                        .iter()
                        .zip(vs.iter())
                        .map(|(a, b)| keep_equivalent(&nb.block, a, b))
                        .collect();
                    out.insert(name.clone(), Value::list(t.clone(), items));
                }
                (Nesting::Single, _, _) if !p.is_null() && !v.is_null() => {
                    out.insert(name.clone(), keep_equivalent(&nb.block, p, v));
                }
                _ if both_empty => {
                    out.insert(name.clone(), p.clone());
                }
                _ => {}
            }
        }
    }
    Value::object(out)
}

/// Null or a zero value (an empty collection or string, `false`, `0`): the plugin SDK does not
/// tell them apart for arguments that are not computed.
fn is_empty(v: &Value) -> bool {
    v.is_known()
        && (v.is_null()
            || v.as_str() == Some("")
            || v.as_bool() == Some(false)
            || v.as_number().is_some_and(|n| n.to_i64() == Some(0))
            || v.length() == Some(0)
                && matches!(v.ty(), Type::Map(_) | Type::List(_) | Type::Set(_)))
}

/// Sets `tags_all` to the default tags overlaid with `tags` (unknown while `tags` is).
fn with_tags_all(state: &Value, default_tags: &Tags) -> Value {
    let tags = state
        .get_attr("tags")
        .cloned()
        .unwrap_or_else(|| Value::null(Type::map(Type::String)));
    let all = if !tags.is_wholly_known() {
        Value::unknown(Type::map(Type::String))
    } else {
        let mut m: BTreeMap<String, Value> = default_tags
            .iter()
            .map(|(k, v)| (k.clone(), Value::string(v)))
            .collect();
        if let Some(own) = tags.as_map() {
            for (k, v) in own {
                m.insert(k.clone(), v.clone());
            }
        }
        Value::map(Type::String, m)
    };
    set_attr(state, "tags_all", all)
}

/// Gives a value read from AWS the null-versus-empty shape of the prior value, so that AWS answering
/// `[]` for an argument the configuration left out is no change.
pub fn normalize_like(schema: &Block, new: &Value, prior: &Value) -> Value {
    let (Some(attrs), false) = (new.as_map(), prior.is_null()) else {
        return new.clone();
    };
    let mut out = attrs.clone();
    for (name, v) in attrs {
        let Some(p) = prior.get_attr(name) else {
            continue;
        };
        if !p.is_known() {
            continue;
        }
        if is_empty(v) && is_empty(p) {
            out.insert(name.clone(), p.clone());
        } else if let Some(nb) = schema.block_types.get(name) {
            match (nb.nesting, p.kind(), v.kind()) {
                (Nesting::List, Kind::List(_, ps), Kind::List(t, vs)) if ps.len() == vs.len() => {
                    let items = vs
                        .iter()
                        .zip(ps.iter())
                        .map(|(a, b)| normalize_like(&nb.block, a, b))
                        .collect();
                    out.insert(name.clone(), Value::list(t.clone(), items));
                }
                (Nesting::Single, _, _) if !v.is_null() => {
                    out.insert(name.clone(), normalize_like(&nb.block, v, p));
                }
                _ => {}
            }
        }
    }
    Value::object(out)
}

/// Keeps the prior value of each named block the configuration leaves out (empty or null).
pub fn keep_unconfigured(names: &[&str], prior: &Value, config: &Value, planned: &mut Value) {
    if prior.is_null() {
        return;
    }
    for name in names {
        let unset = config
            .get_attr(name)
            .is_none_or(|v| v.is_known() && (v.is_null() || v.length() == Some(0)));
        if unset && let Some(p) = prior.get_attr(name) {
            *planned = terrane_provider_sdk::with_attr(planned, name, p.clone());
        }
    }
}

#[cfg(test)]
mod tests;
