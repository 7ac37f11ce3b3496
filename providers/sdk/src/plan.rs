//! Schema-driven planning, as Terraform's plugin SDK does it.

use std::collections::BTreeMap;
use terrane_provider_api::schema::{Block, Nesting};
use terrane_values::{Kind, Path, Type, Value};

/// The planned new state and the attributes that force replacement.
pub struct Planned {
    /// The planned object.
    pub state: Value,
    /// Attributes whose change requires replacement.
    pub requires_replace: Vec<Path>,
}

/// Plans a change: `prior` null means create, `proposed` null means destroy. `config` is the
/// configuration as written, which tells which computed attributes the provider decides.
pub fn plan_change(schema: &Block, prior: &Value, proposed: &Value, config: &Value) -> Planned {
    if proposed.is_null() {
        return Planned {
            state: proposed.clone(),
            requires_replace: Vec::new(),
        };
    }
    if prior.is_null() {
        return Planned {
            state: unknown_computed(schema, proposed, config),
            requires_replace: Vec::new(),
        };
    }
    let mut requires_replace = Vec::new();
    force_new_changes(
        schema,
        prior,
        proposed,
        &Path::root(),
        &mut requires_replace,
    );
    let state = if requires_replace.is_empty() {
        proposed.clone()
    } else {
        unknown_computed(schema, proposed, config)
    };
    Planned {
        state,
        requires_replace,
    }
}

/// Sets the computed attributes that the configuration leaves null to unknown: the provider decides
/// them when the object is created.
pub fn unknown_computed(schema: &Block, v: &Value, config: &Value) -> Value {
    let Some(attrs) = v.as_map() else {
        return v.clone();
    };
    let mut out = BTreeMap::new();
    for (name, val) in attrs {
        let cfg = config.get_attr(name);
        let new = if let Some(a) = schema.attributes.get(name) {
            let unset = cfg.is_none_or(Value::is_null);
            if a.computed && unset {
                Value::unknown(a.ty.clone())
            } else {
                val.clone()
            }
        } else if let Some(nb) = schema.block_types.get(name) {
            let empty = Value::null_dynamic();
            map_nested(nb.nesting, val, |x| unknown_computed(&nb.block, x, &empty))
        } else {
            val.clone()
        };
        out.insert(name.clone(), new);
    }
    Value::object(out)
}

fn map_nested(nesting: Nesting, v: &Value, f: impl Fn(&Value) -> Value) -> Value {
    if v.is_null() || !v.is_known() {
        return v.clone();
    }
    match (nesting, v.kind()) {
        (Nesting::Single | Nesting::Group, _) => f(v),
        (Nesting::List, Kind::List(t, items)) => {
            Value::list(t.clone(), items.iter().map(&f).collect())
        }
        (Nesting::Set, Kind::Set(t, items)) => {
            Value::set(t.clone(), items.iter().map(&f).collect())
        }
        (Nesting::Map, Kind::Map(t, items)) => Value::map(
            t.clone(),
            items.iter().map(|(k, x)| (k.clone(), f(x))).collect(),
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
        let (p, _) = p.unmark_deep();
        let (n, _) = n.unmark_deep();
        if !equivalent(&p, &n) {
            out.push(path.attr(name));
        }
    }
    for (name, nb) in &schema.block_types {
        let (Some(p), Some(n)) = (prior.get_attr(name), proposed.get_attr(name)) else {
            continue;
        };
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

/// Whether two values are the same for planning: equal, or both null or empty collections (the SDK
/// does not distinguish a missing map from an empty one), or the new one unknown (never equal).
pub fn equivalent(a: &Value, b: &Value) -> bool {
    if !b.is_wholly_known() || !a.is_wholly_known() {
        return false;
    }
    let empty = |v: &Value| {
        v.is_null()
            || v.length() == Some(0)
                && matches!(v.ty(), Type::Map(_) | Type::List(_) | Type::Set(_))
    };
    if empty(a) && empty(b) {
        return true;
    }
    a.equals(b) == Some(true)
}
