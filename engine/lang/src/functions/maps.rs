//! Map and object functions: keys, values, lookup, merge, zipmap, transpose.

use super::util::{s, seq};
use super::{FnError, Function, Functions, Param, Returns, arg_fail, fail};
use std::collections::BTreeMap;
use terrane_values::{Type, Value, convert};

fn dynamic(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic)
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "keys",
        Function::new(
            vec![dynamic("inputMap").dynamic().marked()],
            Returns::Computed(|a| match a[0].ty() {
                Type::Map(_) => Ok(Type::list(Type::String)),
                Type::Object(o) => Ok(Type::tuple(vec![Type::String; o.attrs.len()])),
                Type::Dynamic => Ok(Type::Dynamic),
                _ => arg_fail(0, "must have map or object type"),
            }),
            |a, ret, _| {
                let (map, marks) = a[0].clone().unmark();
                if !map.is_known() {
                    return Ok(Value::unknown(ret.clone()).mark(marks));
                }
                let keys: Vec<Value> = map
                    .as_map()
                    .map(|m| m.keys().map(Value::string).collect())
                    .unwrap_or_default();
                Ok(match ret {
                    Type::List(_) => Value::list(Type::String, keys),
                    _ => Value::tuple(keys),
                }
                .mark(marks))
            },
        ),
    );
    f.add(
        "values",
        Function::new(
            vec![dynamic("mapping").dynamic()],
            Returns::Computed(|a| match a[0].ty() {
                Type::Map(e) => Ok(Type::list((*e).clone())),
                Type::Object(o) => Ok(Type::tuple(o.attrs.values().cloned().collect())),
                Type::Dynamic => Ok(Type::Dynamic),
                _ => fail("values() requires a map as the first argument"),
            }),
            |a, ret, _| {
                let vals: Vec<Value> = a[0]
                    .as_map()
                    .map(|m| m.values().cloned().collect())
                    .unwrap_or_default();
                Ok(match ret {
                    Type::List(e) => Value::list((**e).clone(), vals),
                    _ => Value::tuple(vals),
                })
            },
        ),
    );
    f.add(
        "lookup",
        Function::variadic(
            vec![
                dynamic("inputMap").marked(),
                Param::new("key", Type::String).marked(),
            ],
            dynamic("default").nullable().unknown().dynamic().marked(),
            Returns::Computed(lookup_type),
            lookup,
        ),
    );
    f.add(
        "merge",
        Function::variadic(
            vec![],
            dynamic("maps").dynamic().nullable(),
            Returns::Computed(merge_type),
            merge,
        ),
    );
    f.add(
        "zipmap",
        Function::new(
            vec![
                Param::new("keys", Type::list(Type::String)),
                dynamic("values"),
            ],
            Returns::Computed(|a| match a[1].ty() {
                Type::List(e) => Ok(Type::map((*e).clone())),
                Type::Tuple(t) => {
                    if !a[0].is_known() {
                        return Ok(Type::Dynamic);
                    }
                    let keys = seq(&a[0]);
                    if keys.len() != t.len() {
                        return fail(format!(
                            "number of keys ({}) does not match number of values ({})",
                            keys.len(),
                            t.len()
                        ));
                    }
                    let mut attrs = BTreeMap::new();
                    for (k, ty) in keys.iter().zip(t.iter()) {
                        attrs.insert(s(k).to_string(), ty.clone());
                    }
                    Ok(Type::object(attrs))
                }
                _ => fail("values argument must be a list or tuple value"),
            }),
            |a, ret, _| {
                let keys = seq(&a[0]);
                let vals = seq(&a[1]);
                if keys.len() != vals.len() {
                    return fail(format!(
                        "number of keys ({}) does not match number of values ({})",
                        keys.len(),
                        vals.len()
                    ));
                }
                let mut m = BTreeMap::new();
                for (i, (k, v)) in keys.iter().zip(vals).enumerate() {
                    if k.is_null() {
                        return fail(format!("keys list has null value at index {i}"));
                    }
                    m.insert(s(k).to_string(), v);
                }
                Ok(match ret {
                    Type::Map(e) => Value::map((**e).clone(), m),
                    _ => Value::object(m),
                })
            },
        ),
    );
    f.add(
        "transpose",
        Function::new(
            vec![Param::new("values", Type::map(Type::list(Type::String)))],
            Returns::Fixed(Type::map(Type::list(Type::String))),
            |a, _, _| {
                let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                for (k, list) in a[0].as_map().cloned().unwrap_or_default() {
                    for v in seq(&list) {
                        if !v.is_known() {
                            return Ok(Value::unknown(Type::map(Type::list(Type::String))));
                        }
                        if v.is_null() {
                            return fail("input contains a null value");
                        }
                        out.entry(s(&v).to_string())
                            .or_default()
                            .push(Value::string(&k));
                    }
                }
                Ok(Value::map(
                    Type::list(Type::String),
                    out.into_iter()
                        .map(|(k, v)| (k, Value::list(Type::String, v)))
                        .collect(),
                ))
            },
        ),
    );
}

fn lookup_type(a: &[Value]) -> Result<Type, FnError> {
    if a.len() > 3 {
        return fail(format!(
            "lookup() takes two or three arguments, got {}",
            a.len()
        ));
    }
    match a[0].ty() {
        Type::Object(o) => {
            if !a[1].is_known() {
                return Ok(Type::Dynamic);
            }
            let key = a[1].clone().unmark_deep().0;
            let key = s(&key);
            if let Some(t) = o.attrs.get(key) {
                Ok(t.clone())
            } else if a.len() == 3 {
                Ok(a[2].ty())
            } else {
                arg_fail(0, format!("the given object has no attribute {key:?}"))
            }
        }
        Type::Map(e) => {
            if a.len() == 3 && convert(&a[2], &e).is_err() {
                return arg_fail(
                    2,
                    "the default value must have the same type as the map elements",
                );
            }
            Ok((*e).clone())
        }
        _ => arg_fail(0, "lookup() requires a map as the first argument"),
    }
}

fn lookup(a: &[Value], ret: &Type, _: &super::CallCtx<'_>) -> Result<Value, FnError> {
    let (map, m1) = a[0].clone().unmark_deep();
    let (key, m2) = a[1].clone().unmark_deep();
    let marks = m1 | m2;
    if !map.is_known() || !key.is_known() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let k = s(&key);
    if let Some(v) = map.as_map().and_then(|m| m.get(k)) {
        let v = if *ret == Type::Dynamic {
            v.clone()
        } else {
            convert(v, ret).map_err(|e| FnError::Call(e.message))?
        };
        return Ok(v.mark(marks));
    }
    if a.len() == 3 {
        let d = if *ret == Type::Dynamic {
            a[2].clone()
        } else {
            convert(&a[2], ret).map_err(|e| FnError::Arg(2, e.message))?
        };
        return Ok(d.mark(marks));
    }
    fail(format!("lookup failed to find key {k:?}"))
}

fn merge_type(a: &[Value]) -> Result<Type, FnError> {
    if a.is_empty() {
        return Ok(Type::empty_object());
    }
    let mut attrs = BTreeMap::new();
    let mut first: Option<Type> = None;
    let mut matching = true;
    let mut attrs_known = true;
    for v in a.iter() {
        let ty = v.ty();
        if ty == Type::Dynamic {
            return Ok(Type::Dynamic);
        }
        match &ty {
            Type::Object(o) if !v.is_null() => {
                for (k, t) in &o.attrs {
                    attrs.insert(k.clone(), t.clone());
                }
            }
            Type::Map(e) => {
                if v.is_null() {
                } else if v.is_known() {
                    for k in v
                        .as_map()
                        .map(|m| m.keys().cloned().collect::<Vec<_>>())
                        .unwrap_or_default()
                    {
                        attrs.insert(k, (**e).clone());
                    }
                } else {
                    attrs_known = false;
                }
            }
            Type::Object(_) => {}
            other => {
                return fail(format!(
                    "arguments must be maps or objects, got {:?}",
                    other.friendly_name()
                ));
            }
        }
        match &first {
            None => first = Some(ty),
            Some(f) if *f != ty => matching = false,
            _ => {}
        }
    }
    if matching {
        return Ok(first.unwrap_or_else(Type::empty_object));
    }
    if !attrs_known {
        return Ok(Type::Dynamic);
    }
    Ok(Type::object(attrs))
}

fn merge(a: &[Value], ret: &Type, _: &super::CallCtx<'_>) -> Result<Value, FnError> {
    let mut out = BTreeMap::new();
    let mut all_null = true;
    for v in a {
        if v.is_null() {
            continue;
        }
        all_null = false;
        if !v.is_known() {
            return Ok(Value::unknown(ret.clone()));
        }
        for (k, x) in v.as_map().cloned().unwrap_or_default() {
            out.insert(k, x);
        }
    }
    if all_null && *ret != Type::empty_object() && *ret != Type::Dynamic {
        return Ok(Value::null(ret.clone()));
    }
    Ok(match ret {
        Type::Map(e) => Value::map((**e).clone(), out),
        _ => Value::object(out),
    })
}
