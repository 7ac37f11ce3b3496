//! Values and types as JSON, in the encoding Terraform uses in state, plans and `output -json`.

use crate::number::Number;
use crate::types::Type;
use crate::value::{Kind, Value};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::str::FromStr;

/// A value that has no JSON form, or JSON that does not fit a type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// Unknown values exist only in plans.
    #[error("value is not known")]
    Unknown,
    /// Infinities have no JSON form.
    #[error("cannot serialize infinity as JSON")]
    Infinity,
    /// JSON of the wrong shape for the type.
    #[error("{0}")]
    Mismatch(String),
}

/// The JSON form of a known value; marks are ignored. Dynamically-typed positions are not wrapped.
pub fn to_json(v: &Value) -> Result<Json, JsonError> {
    Ok(match v.kind() {
        Kind::Unknown(_) => return Err(JsonError::Unknown),
        Kind::Null(_) => Json::Null,
        Kind::Bool(b) => Json::Bool(*b),
        Kind::Number(n) => number_json(n)?,
        Kind::String(s) => Json::String(s.to_string()),
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            Json::Array(e.iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let mut obj = serde_json::Map::new();
            for (k, x) in m.iter() {
                obj.insert(k.clone(), to_json(x)?);
            }
            Json::Object(obj)
        }
    })
}

/// The JSON form of a value of schema type `ty`: where the type is `any`, the value is wrapped as
/// `{"value": ..., "type": ...}` so its type survives a round trip, as cty does.
pub fn to_json_typed(v: &Value, ty: &Type) -> Result<Json, JsonError> {
    if *ty == Type::Dynamic {
        if v.is_null() && v.is_dynamic_typed() {
            return Ok(Json::Null);
        }
        let mut obj = serde_json::Map::new();
        obj.insert("value".into(), to_json(v)?);
        obj.insert("type".into(), type_to_json(&v.ty()));
        return Ok(Json::Object(obj));
    }
    Ok(match (v.kind(), ty) {
        (Kind::Unknown(_), _) => return Err(JsonError::Unknown),
        (Kind::Null(_), _) => Json::Null,
        (Kind::List(_, e) | Kind::Set(_, e), Type::List(t) | Type::Set(t)) => Json::Array(
            e.iter()
                .map(|x| to_json_typed(x, t))
                .collect::<Result<_, _>>()?,
        ),
        (Kind::Tuple(e), Type::Tuple(ts)) => Json::Array(
            e.iter()
                .zip(ts.iter())
                .map(|(x, t)| to_json_typed(x, t))
                .collect::<Result<_, _>>()?,
        ),
        (Kind::Map(_, m), Type::Map(t)) => {
            let mut obj = serde_json::Map::new();
            for (k, x) in m.iter() {
                obj.insert(k.clone(), to_json_typed(x, t)?);
            }
            Json::Object(obj)
        }
        (Kind::Object(m), Type::Object(o)) => {
            let mut obj = serde_json::Map::new();
            for (k, x) in m.iter() {
                let t = o.attrs.get(k).cloned().unwrap_or(Type::Dynamic);
                obj.insert(k.clone(), to_json_typed(x, &t)?);
            }
            Json::Object(obj)
        }
        _ => to_json(v)?,
    })
}

fn number_json(n: &Number) -> Result<Json, JsonError> {
    if n.is_infinite() {
        return Err(JsonError::Infinity);
    }
    let text = n.to_string();
    let text = if text == "-0" { "0".to_string() } else { text };
    serde_json::Number::from_str(&text)
        .map(Json::Number)
        .map_err(|e| JsonError::Mismatch(e.to_string()))
}

/// Decodes JSON as a value of type `ty` (the inverse of [`to_json_typed`]).
pub fn from_json(j: &Json, ty: &Type) -> Result<Value, JsonError> {
    if j.is_null() {
        return Ok(Value::null(ty.clone()));
    }
    let mismatch = || JsonError::Mismatch(format!("expected {ty}, got {}", json_kind(j)));
    Ok(match ty {
        Type::Dynamic => {
            let obj = j.as_object().ok_or_else(mismatch)?;
            let t = type_from_json(obj.get("type").ok_or_else(mismatch)?)?;
            from_json(obj.get("value").unwrap_or(&Json::Null), &t)?
        }
        Type::Bool => Value::bool(j.as_bool().ok_or_else(mismatch)?),
        Type::Number => match j {
            Json::Number(n) => {
                Value::number(Number::parse(&n.to_string()).map_err(|_| mismatch())?)
            }
            Json::String(s) => Value::number(Number::parse(s).map_err(|_| mismatch())?),
            _ => return Err(mismatch()),
        },
        Type::String => match j {
            Json::String(s) => Value::string(s),
            Json::Number(n) => Value::string(n.to_string()),
            Json::Bool(b) => Value::string(b.to_string()),
            _ => return Err(mismatch()),
        },
        Type::List(t) | Type::Set(t) => {
            let arr = j.as_array().ok_or_else(mismatch)?;
            let elems = arr
                .iter()
                .map(|x| from_json(x, t))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(ty, Type::Set(_)) {
                Value::set((**t).clone(), elems)
            } else {
                Value::list((**t).clone(), elems)
            }
        }
        Type::Tuple(ts) => {
            let arr = j.as_array().ok_or_else(mismatch)?;
            if arr.len() != ts.len() {
                return Err(mismatch());
            }
            Value::tuple(
                arr.iter()
                    .zip(ts.iter())
                    .map(|(x, t)| from_json(x, t))
                    .collect::<Result<_, _>>()?,
            )
        }
        Type::Map(t) => {
            let obj = j.as_object().ok_or_else(mismatch)?;
            let mut m = BTreeMap::new();
            for (k, x) in obj {
                m.insert(k.clone(), from_json(x, t)?);
            }
            Value::map((**t).clone(), m)
        }
        Type::Object(o) => {
            let obj = j.as_object().ok_or_else(mismatch)?;
            let mut m = BTreeMap::new();
            for (k, t) in &o.attrs {
                let v = match obj.get(k) {
                    Some(x) => from_json(x, t)?,
                    None => Value::null(t.clone()),
                };
                m.insert(k.clone(), v);
            }
            Value::object(m)
        }
    })
}

/// Decodes JSON into the value its shape implies (objects, tuples, numbers, strings, bools, nulls), as
/// `jsondecode` does.
pub fn from_json_implied(j: &Json) -> Result<Value, JsonError> {
    Ok(match j {
        Json::Null => Value::null_dynamic(),
        Json::Bool(b) => Value::bool(*b),
        Json::Number(n) => Value::number(
            Number::parse(&n.to_string())
                .map_err(|_| JsonError::Mismatch("invalid number".into()))?,
        ),
        Json::String(s) => Value::string(s),
        Json::Array(a) => Value::tuple(a.iter().map(from_json_implied).collect::<Result<_, _>>()?),
        Json::Object(o) => {
            let mut m = BTreeMap::new();
            for (k, x) in o {
                m.insert(k.clone(), from_json_implied(x)?);
            }
            Value::object(m)
        }
    })
}

fn json_kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// A type in Terraform's JSON type encoding: `"string"`, `["list","string"]`, `["object",{"a":"number"}]`.
pub fn type_to_json(t: &Type) -> Json {
    match t {
        Type::Dynamic => Json::String("dynamic".into()),
        Type::Bool => Json::String("bool".into()),
        Type::Number => Json::String("number".into()),
        Type::String => Json::String("string".into()),
        Type::List(e) => Json::Array(vec![Json::String("list".into()), type_to_json(e)]),
        Type::Set(e) => Json::Array(vec![Json::String("set".into()), type_to_json(e)]),
        Type::Map(e) => Json::Array(vec![Json::String("map".into()), type_to_json(e)]),
        Type::Tuple(ts) => Json::Array(vec![
            Json::String("tuple".into()),
            Json::Array(ts.iter().map(type_to_json).collect()),
        ]),
        Type::Object(o) => {
            let mut obj = serde_json::Map::new();
            for (k, t) in &o.attrs {
                obj.insert(k.clone(), type_to_json(t));
            }
            let mut parts = vec![Json::String("object".into()), Json::Object(obj)];
            if !o.optional.is_empty() {
                parts.push(Json::Array(
                    o.optional.iter().map(|s| Json::String(s.clone())).collect(),
                ));
            }
            Json::Array(parts)
        }
    }
}

/// Parses Terraform's JSON type encoding.
pub fn type_from_json(j: &Json) -> Result<Type, JsonError> {
    let bad = || JsonError::Mismatch(format!("invalid type {j}"));
    match j {
        Json::String(s) => match s.as_str() {
            "dynamic" => Ok(Type::Dynamic),
            "bool" => Ok(Type::Bool),
            "number" => Ok(Type::Number),
            "string" => Ok(Type::String),
            _ => Err(bad()),
        },
        Json::Array(a) if a.len() >= 2 => match a[0].as_str() {
            Some("list") => Ok(Type::list(type_from_json(&a[1])?)),
            Some("set") => Ok(Type::set(type_from_json(&a[1])?)),
            Some("map") => Ok(Type::map(type_from_json(&a[1])?)),
            Some("tuple") => {
                let elems = a[1].as_array().ok_or_else(bad)?;
                Ok(Type::tuple(
                    elems.iter().map(type_from_json).collect::<Result<_, _>>()?,
                ))
            }
            Some("object") => {
                let attrs = a[1].as_object().ok_or_else(bad)?;
                let mut m = BTreeMap::new();
                for (k, t) in attrs {
                    m.insert(k.clone(), type_from_json(t)?);
                }
                let optional = a
                    .get(2)
                    .and_then(Json::as_array)
                    .map(|o| {
                        o.iter()
                            .filter_map(|s| s.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(Type::object_with_optional(m, optional))
            }
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// The JSON text `jsonencode` produces: Go's encoding, with `<`, `>` and `&` escaped for HTML and object
/// keys in lexical order.
pub fn to_json_text(v: &Value) -> Result<String, JsonError> {
    let mut out = String::new();
    write_json(v, &mut out)?;
    Ok(out)
}

fn write_json(v: &Value, out: &mut String) -> Result<(), JsonError> {
    match v.kind() {
        Kind::Unknown(_) => return Err(JsonError::Unknown),
        Kind::Null(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => {
            if n.is_infinite() {
                return Err(JsonError::Infinity);
            }
            let t = n.to_string();
            out.push_str(if t == "-0" { "0" } else { &t });
        }
        Kind::String(s) => write_json_string(s, out),
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            out.push('[');
            for (i, x) in e.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out)?;
            }
            out.push(']');
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(x, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Writes a JSON string the way Go's `encoding/json` does (HTML-safe).
pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
