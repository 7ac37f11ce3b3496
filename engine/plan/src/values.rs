//! Values in plan files and JSON plans: JSON with unknowns as null, plus masks of which parts are
//! unknown (`after_unknown`) and which are sensitive (`after_sensitive`).

use serde_json::{Map, Value as Json};
use terrane_values::json::{JsonError, from_json, to_json};
use terrane_values::{Kind, Marks, Path, Type, Value};

/// The value as JSON with unknown parts written as null and marks ignored.
pub fn to_json_lossy(v: &Value) -> Json {
    match v.kind() {
        Kind::Unknown(_) | Kind::Null(_) => Json::Null,
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            Json::Array(e.iter().map(to_json_lossy).collect())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let mut obj = Map::new();
            for (k, x) in m.iter() {
                obj.insert(k.clone(), to_json_lossy(x));
            }
            Json::Object(obj)
        }
        _ => to_json(v).unwrap_or(Json::Null),
    }
}

/// Terraform's `after_unknown`: `true` where the value is unknown, mirroring its structure.
pub fn unknown_mask(v: &Value) -> Json {
    mask(v, &|x| !x.is_known() && !x.is_null())
}

/// Terraform's `after_sensitive`: `true` where the value is marked sensitive.
pub fn sensitive_mask(v: &Value) -> Json {
    mask(v, &|x| x.is_sensitive())
}

fn mask(v: &Value, hit: &dyn Fn(&Value) -> bool) -> Json {
    if hit(v) {
        return Json::Bool(true);
    }
    match v.kind() {
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            Json::Array(e.iter().map(|x| mask(x, hit)).collect())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let mut obj = Map::new();
            for (k, x) in m.iter() {
                let sub = mask(x, hit);
                if sub != Json::Bool(false) {
                    obj.insert(k.clone(), sub);
                }
            }
            Json::Object(obj)
        }
        _ => Json::Bool(false),
    }
}

/// Like [`to_json_lossy`], but where the schema type is `any` the value is wrapped with its type
/// (`{"value": ..., "type": ...}`) so it decodes to the same type.
fn to_json_lossy_typed(v: &Value, ty: &Type) -> Json {
    if *ty == Type::Dynamic {
        if !v.is_known() || v.is_null() {
            return Json::Null;
        }
        let vt = v.ty();
        let mut obj = Map::new();
        obj.insert("value".into(), to_json_lossy_typed(v, &vt));
        obj.insert("type".into(), terrane_values::json::type_to_json(&vt));
        return Json::Object(obj);
    }
    match (v.kind(), ty) {
        (Kind::Unknown(_) | Kind::Null(_), _) => Json::Null,
        (Kind::List(_, e) | Kind::Set(_, e), Type::List(t) | Type::Set(t)) => {
            Json::Array(e.iter().map(|x| to_json_lossy_typed(x, t)).collect())
        }
        (Kind::Tuple(e), Type::Tuple(ts)) => Json::Array(
            e.iter()
                .zip(ts.iter())
                .map(|(x, t)| to_json_lossy_typed(x, t))
                .collect(),
        ),
        (Kind::Map(_, m), Type::Map(t)) => Json::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), to_json_lossy_typed(x, t)))
                .collect(),
        ),
        (Kind::Object(m), Type::Object(o)) => Json::Object(
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        to_json_lossy_typed(x, o.attrs.get(k).unwrap_or(&Type::Dynamic)),
                    )
                })
                .collect(),
        ),
        _ => to_json_lossy(v),
    }
}

/// Encodes a possibly unknown, possibly marked value of type `ty` for a plan file.
pub fn encode(v: &Value, ty: &Type) -> Json {
    let (plain, paths) = v.clone().unmark_deep_with_paths();
    let sensitive: Vec<Json> = paths
        .iter()
        .filter(|(_, m)| m.is_sensitive())
        .map(|(p, _)| Json::Array(p.0.iter().map(step_json).collect()))
        .collect();
    let mut obj = Map::new();
    obj.insert("value".into(), to_json_lossy_typed(&plain, ty));
    obj.insert("null".into(), Json::Bool(plain.is_null()));
    obj.insert("unknown".into(), unknown_mask(&plain));
    obj.insert("sensitive".into(), Json::Array(sensitive));
    Json::Object(obj)
}

fn step_json(s: &terrane_values::PathStep) -> Json {
    match s {
        terrane_values::PathStep::Attr(a) => Json::String(format!(".{a}")),
        terrane_values::PathStep::Key(k) => Json::String(format!("[{k}")),
        terrane_values::PathStep::Index(i) => Json::Number((*i).into()),
    }
}

fn step_from(j: &Json) -> Option<terrane_values::PathStep> {
    match j {
        Json::Number(n) => n.as_i64().map(terrane_values::PathStep::Index),
        Json::String(s) => match s.chars().next() {
            Some('.') => Some(terrane_values::PathStep::Attr(s[1..].to_string())),
            Some('[') => Some(terrane_values::PathStep::Key(s[1..].to_string())),
            _ => None,
        },
        _ => None,
    }
}

/// Decodes a value written by [`encode`].
pub fn decode(j: &Json, ty: &Type) -> Result<Value, JsonError> {
    if j.get("null").and_then(Json::as_bool) == Some(true) {
        return Ok(Value::null(ty.clone()));
    }
    let unknown = j.get("unknown").cloned().unwrap_or(Json::Bool(false));
    let raw = j.get("value").cloned().unwrap_or(Json::Null);
    let v = decode_with_unknowns(&raw, &unknown, ty)?;
    let paths: Vec<(Path, Marks)> = j
        .get("sensitive")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    p.as_array()
                        .map(|steps| Path(steps.iter().filter_map(step_from).collect()))
                })
                .map(|p| (p, Marks::SENSITIVE))
                .collect()
        })
        .unwrap_or_default();
    Ok(v.mark_paths(&paths))
}

fn decode_with_unknowns(raw: &Json, unknown: &Json, ty: &Type) -> Result<Value, JsonError> {
    if unknown == &Json::Bool(true) {
        return Ok(Value::unknown(ty.clone()));
    }
    match (unknown, ty) {
        (Json::Object(m), Type::Object(o)) if !m.is_empty() => {
            let obj = raw.as_object().cloned().unwrap_or_default();
            let mut out = std::collections::BTreeMap::new();
            for (k, t) in &o.attrs {
                let r = obj.get(k).cloned().unwrap_or(Json::Null);
                let u = m.get(k).cloned().unwrap_or(Json::Bool(false));
                out.insert(k.clone(), decode_with_unknowns(&r, &u, t)?);
            }
            Ok(Value::object(out))
        }
        (Json::Object(m), Type::Map(e)) if !m.is_empty() => {
            let obj = raw.as_object().cloned().unwrap_or_default();
            let mut out = std::collections::BTreeMap::new();
            for (k, r) in &obj {
                let u = m.get(k).cloned().unwrap_or(Json::Bool(false));
                out.insert(k.clone(), decode_with_unknowns(r, &u, e)?);
            }
            Ok(Value::map((**e).clone(), out))
        }
        (Json::Array(us), Type::List(e) | Type::Set(e))
            if us.iter().any(|u| u != &Json::Bool(false)) =>
        {
            let items = raw.as_array().cloned().unwrap_or_default();
            let vals: Vec<Value> = items
                .iter()
                .zip(us.iter().chain(std::iter::repeat(&Json::Bool(false))))
                .map(|(r, u)| decode_with_unknowns(r, u, e))
                .collect::<Result<_, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::set((**e).clone(), vals)
            } else {
                Value::list((**e).clone(), vals)
            })
        }
        (Json::Array(us), Type::Tuple(ts)) if us.iter().any(|u| u != &Json::Bool(false)) => {
            let items = raw.as_array().cloned().unwrap_or_default();
            let vals: Vec<Value> = ts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    decode_with_unknowns(
                        items.get(i).unwrap_or(&Json::Null),
                        us.get(i).unwrap_or(&Json::Bool(false)),
                        t,
                    )
                })
                .collect::<Result<_, _>>()?;
            Ok(Value::tuple(vals))
        }
        _ if *ty == Type::Dynamic => match raw {
            Json::Object(m) if m.contains_key("type") => {
                let t = terrane_values::json::type_from_json(&m["type"])?;
                decode_with_unknowns(m.get("value").unwrap_or(&Json::Null), unknown, &t)
            }
            Json::Null => Ok(Value::null_dynamic()),
            _ => Ok(terrane_values::json::from_json_implied(raw)?),
        },
        _ => from_json(raw, ty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknowns_and_marks_round_trip() {
        let ty = Type::object([
            ("id".into(), Type::String),
            ("triggers".into(), Type::map(Type::String)),
        ]);
        let v = Value::object_from([
            ("id", Value::unknown(Type::String)),
            (
                "triggers",
                Value::map(
                    Type::String,
                    [("a".to_string(), Value::string("x").sensitive())].into(),
                ),
            ),
        ]);
        let j = encode(&v, &ty);
        let back = decode(&j, &ty).unwrap();
        assert!(back.raw_equals(&v), "{back:?} != {v:?}");
        assert_eq!(unknown_mask(&v).to_string(), r#"{"id":true,"triggers":{}}"#);
        assert_eq!(sensitive_mask(&v).to_string(), r#"{"triggers":{"a":true}}"#);
    }

    #[test]
    fn dynamic_attributes_keep_their_type() {
        let ty = Type::object([("input".into(), Type::Dynamic)]);
        let list = terrane_values::convert(
            &Value::tuple(vec![Value::string("a")]),
            &Type::list(Type::String),
        )
        .unwrap();
        let v = Value::object_from([("input", list)]);
        let back = decode(&encode(&v, &ty), &ty).unwrap();
        assert!(back.raw_equals(&v), "{back:?}");
    }
}
