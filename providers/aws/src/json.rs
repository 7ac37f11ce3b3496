//! Values as JSON: resource types read configuration and build state as `serde_json` values, and the
//! provider converts at the boundary with the engine's typed [`Value`]s.
//!
//! Unknown values exist only in plans; a resource type never needs them, so [`to_json`] turns them
//! into nulls. [`from_json`] fills every attribute the JSON leaves out with a null of its type.

use std::collections::BTreeMap;
use terrane_diagnostics::Diagnostics;
use terrane_values::{Kind, Type, Value};

/// A JSON value.
pub type Json = serde_json::Value;

/// The JSON form of a value; unknown values become null, marks are dropped.
pub fn to_json(v: &Value) -> Json {
    match v.kind() {
        Kind::Null(_) | Kind::Unknown(_) => Json::Null,
        Kind::Bool(b) => Json::Bool(*b),
        Kind::Number(n) => {
            let text = n.to_string();
            serde_json::from_str(&text).unwrap_or(Json::Null)
        }
        Kind::String(s) => Json::String(s.to_string()),
        Kind::List(_, e) | Kind::Set(_, e) | Kind::Tuple(e) => {
            Json::Array(e.iter().map(to_json).collect())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            Json::Object(m.iter().map(|(k, x)| (k.clone(), to_json(x))).collect())
        }
    }
}

/// Decodes JSON built by a resource type as a value of type `ty`.
pub fn from_json(j: &Json, ty: &Type) -> Result<Value, Diagnostics> {
    terrane_values::json::from_json(j, ty).map_err(|e| {
        terrane_provider_sdk::error(
            "Provider produced an invalid object",
            format!("The AWS provider built a state that does not fit its schema: {e}"),
        )
    })
}

/// A string attribute, if set and not empty.
pub fn s<'a>(j: &'a Json, key: &str) -> Option<&'a str> {
    j.get(key).and_then(Json::as_str).filter(|s| !s.is_empty())
}

/// A string attribute, empty when unset.
pub fn s_or_empty<'a>(j: &'a Json, key: &str) -> &'a str {
    j.get(key).and_then(Json::as_str).unwrap_or("")
}

/// A bool attribute, if set.
pub fn b(j: &Json, key: &str) -> Option<bool> {
    j.get(key).and_then(Json::as_bool)
}

/// A whole-number attribute, if set.
pub fn i(j: &Json, key: &str) -> Option<i64> {
    match j.get(key)? {
        Json::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .or_else(|| n.to_string().parse::<f64>().ok().map(|f| f as i64)),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A list or set of strings, empty when unset.
pub fn strs(j: &Json, key: &str) -> Vec<String> {
    j.get(key)
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A map of strings, empty when unset.
pub fn string_map(j: &Json, key: &str) -> BTreeMap<String, String> {
    j.get(key)
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The one block of a nested block type (a list of at most one block, or a single block).
pub fn block<'a>(j: &'a Json, key: &str) -> Option<&'a Json> {
    match j.get(key)? {
        Json::Array(a) => a.first(),
        o @ Json::Object(_) => Some(o),
        _ => None,
    }
}

/// The blocks of a nested block type.
pub fn blocks<'a>(j: &'a Json, key: &str) -> &'a [Json] {
    j.get(key)
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Sets `key` on an object.
pub fn set(j: &mut Json, key: &str, v: impl Into<Json>) {
    if let Some(o) = j.as_object_mut() {
        o.insert(key.to_string(), v.into());
    }
}

/// An optional string as JSON (null when absent).
pub fn opt(s: Option<&str>) -> Json {
    s.map_or(Json::Null, |s| Json::String(s.to_string()))
}

/// A map of strings as JSON.
pub fn map_json(m: &BTreeMap<String, String>) -> Json {
    Json::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect(),
    )
}

/// A list of strings as JSON.
pub fn list_json<S: AsRef<str>>(items: &[S]) -> Json {
    Json::Array(
        items
            .iter()
            .map(|s| Json::String(s.as_ref().to_string()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_through_a_schema_type() {
        let ty = Type::object([
            ("a".to_string(), Type::String),
            ("n".to_string(), Type::Number),
            ("l".to_string(), Type::list(Type::String)),
        ]);
        let v = from_json(&json!({"a": "x", "n": 3}), &ty).unwrap();
        assert!(v.get_attr("l").unwrap().is_null());
        assert_eq!(to_json(&v), json!({"a": "x", "n": 3, "l": null}));
        assert_eq!(i(&to_json(&v), "n"), Some(3));
    }

    #[test]
    fn unknown_values_become_null() {
        let v = Value::object_from([("id", Value::unknown(Type::String))]);
        assert_eq!(to_json(&v), json!({"id": null}));
    }
}
