//! Operations on resource objects shared by plan and apply: the proposed new state, marking schema-
//! sensitive attributes, `ignore_changes`, and comparing objects.

use std::collections::BTreeMap;
use terrane_config::ast::TraversalStep;
use terrane_config::module::IgnoreChanges;
use terrane_provider_api::schema::{Block, Nesting};
use terrane_values::{Kind, Marks, Value};

/// Terraform's `ProposedNew`: the configuration, with computed attributes it leaves unset carried over
/// from the prior object.
pub fn proposed_new(schema: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() || !config.is_known() {
        return config.clone();
    }
    if prior.is_null() || !prior.is_known() {
        return config.clone();
    }
    let mut out = BTreeMap::new();
    for (name, a) in &schema.attributes {
        let c = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(a.ty.clone()));
        let p = prior
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(a.ty.clone()));
        let v = if a.computed && c.is_null() { p } else { c };
        out.insert(name.clone(), v);
    }
    for (name, nb) in &schema.block_types {
        let c = config.get_attr(name).cloned().unwrap_or_default();
        let p = prior.get_attr(name).cloned().unwrap_or_default();
        let v = match nb.nesting {
            Nesting::Single | Nesting::Group => {
                if c.is_null() || p.is_null() {
                    c
                } else {
                    proposed_new(&nb.block, &p, &c)
                }
            }
            Nesting::List => match (c.kind(), p.kind()) {
                (Kind::List(t, cs), Kind::List(_, ps)) if cs.len() == ps.len() => Value::list(
                    t.clone(),
                    cs.iter()
                        .zip(ps.iter())
                        .map(|(x, y)| proposed_new(&nb.block, y, x))
                        .collect(),
                ),
                _ => c,
            },
            Nesting::Map => match (c.kind(), p.kind()) {
                (Kind::Map(t, cs), Kind::Map(_, ps)) => Value::map(
                    t.clone(),
                    cs.iter()
                        .map(|(k, x)| {
                            (
                                k.clone(),
                                ps.get(k)
                                    .map_or_else(|| x.clone(), |y| proposed_new(&nb.block, y, x)),
                            )
                        })
                        .collect(),
                ),
                _ => c,
            },
            Nesting::Set => c,
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

/// Marks the attributes the schema declares sensitive.
pub fn mark_schema_sensitive(schema: &Block, v: &Value) -> Value {
    if v.is_null() || !v.is_known() {
        return v.clone();
    }
    let Some(attrs) = v.as_map() else {
        return v.clone();
    };
    let mut changed = false;
    let mut out = BTreeMap::new();
    for (name, x) in attrs {
        let nv = if schema.attributes.get(name).is_some_and(|a| a.sensitive) && !x.is_null() {
            changed = true;
            x.clone().mark(Marks::SENSITIVE)
        } else if let Some(nb) = schema.block_types.get(name) {
            let inner = match (nb.nesting, x.kind()) {
                (Nesting::Single | Nesting::Group, _) => mark_schema_sensitive(&nb.block, x),
                (Nesting::List, Kind::List(t, items)) => Value::list(
                    t.clone(),
                    items
                        .iter()
                        .map(|i| mark_schema_sensitive(&nb.block, i))
                        .collect(),
                ),
                (Nesting::Map, Kind::Map(t, items)) => Value::map(
                    t.clone(),
                    items
                        .iter()
                        .map(|(k, i)| (k.clone(), mark_schema_sensitive(&nb.block, i)))
                        .collect(),
                ),
                _ => x.clone(),
            };
            if !inner.raw_equals(x) {
                changed = true;
            }
            inner
        } else {
            x.clone()
        };
        out.insert(name.clone(), nv);
    }
    if !changed {
        return v.clone();
    }
    Value::object(out).mark(v.marks())
}

/// The configuration with ignored attributes replaced by the prior object's values.
pub fn apply_ignore_changes(
    ignore: &IgnoreChanges,
    schema: &Block,
    prior: &Value,
    config: &Value,
) -> Value {
    if prior.is_null() || config.is_null() {
        return config.clone();
    }
    match ignore {
        IgnoreChanges::None => config.clone(),
        IgnoreChanges::All => {
            let mut out = config.as_map().cloned().unwrap_or_default();
            for name in schema.attributes.keys().chain(schema.block_types.keys()) {
                if let Some(p) = prior.get_attr(name) {
                    out.insert(name.clone(), p.clone());
                }
            }
            Value::object(out)
        }
        IgnoreChanges::Paths(paths) => {
            let mut v = config.clone();
            for t in paths {
                let mut steps: Vec<TraversalStep> =
                    vec![TraversalStep::Attr(t.root.clone(), t.root_range.clone())];
                steps.extend(t.steps.iter().cloned());
                v = replace_at(&v, prior, &steps);
            }
            v
        }
    }
}

fn replace_at(v: &Value, prior: &Value, steps: &[TraversalStep]) -> Value {
    let Some((first, rest)) = steps.split_first() else {
        return prior.clone();
    };
    let key = match first {
        TraversalStep::Attr(a, _) => a.clone(),
        TraversalStep::Index(k, _) => match k.kind() {
            Kind::String(s) => s.to_string(),
            Kind::Number(n) => n.to_string(),
            _ => return v.clone(),
        },
    };
    let (inner, marks) = v.clone().unmark();
    let out = match inner.kind() {
        Kind::Object(m) => {
            let mut m = (**m).clone();
            let pv = prior.get_attr(&key).cloned().unwrap_or_default();
            let cur = m.get(&key).cloned().unwrap_or_default();
            m.insert(key, replace_at(&cur, &pv, rest));
            Value::object(m)
        }
        Kind::Map(t, m) => {
            let mut m = (**m).clone();
            let pv = prior.as_map().and_then(|p| p.get(&key)).cloned();
            match pv {
                Some(pv) => {
                    let cur = m.get(&key).cloned().unwrap_or_default();
                    m.insert(key, replace_at(&cur, &pv, rest));
                }
                None if rest.is_empty() => {
                    m.remove(&key);
                }
                None => {}
            }
            Value::map(t.clone(), m)
        }
        Kind::List(t, items) => {
            let idx: usize = key.parse().unwrap_or(usize::MAX);
            let mut items = (**items).clone();
            if let (Some(cur), Some(pv)) = (
                items.get(idx).cloned(),
                prior.as_seq().and_then(|p| p.get(idx)).cloned(),
            ) {
                items[idx] = replace_at(&cur, &pv, rest);
            }
            Value::list(t.clone(), items)
        }
        _ if v.is_null() && rest.is_empty() => prior.clone(),
        _ => inner.clone(),
    };
    out.mark(marks)
}

/// Whether two objects are the same for planning purposes (marks ignored; unknowns never equal).
pub fn same_object(a: &Value, b: &Value) -> bool {
    let (a, _) = a.clone().unmark_deep();
    let (b, _) = b.clone().unmark_deep();
    b.is_wholly_known() && a.equals(&b) == Some(true)
}
