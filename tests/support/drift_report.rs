//! Checks a drift report against its documented schema (`docs/drift-report.md`): every field the
//! report has is documented with its type, and every field documented as always present is there.
#![allow(dead_code)]

use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The documented fields: path (`stacks[].status`) → (types, optional).
fn documented() -> BTreeMap<String, (Vec<String>, bool)> {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/drift-report.md"),
    )
    .expect("docs/drift-report.md");
    let mut out = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 || !cells[1].starts_with('`') {
            continue;
        }
        let path = cells[1].trim_matches('`').to_string();
        let types = cells[2]
            .split(" or ")
            .map(|t| t.trim().to_string())
            .collect();
        out.insert(path, (types, cells[3].contains("*optional*")));
    }
    assert!(out.contains_key("format_version"), "the table parses");
    out
}

fn type_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn walk(
    path: &str,
    v: &Json,
    fields: &BTreeMap<String, (Vec<String>, bool)>,
    seen: &mut Vec<String>,
) {
    if !path.is_empty() && !path.ends_with("[]") {
        let (types, _) = fields
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not documented in docs/drift-report.md"));
        assert!(
            types.iter().any(|t| t == "any" || t == type_of(v)),
            "{path} is a {} but documented as {types:?}",
            type_of(v)
        );
        seen.push(path.to_string());
        if types.iter().any(|t| t == "any") {
            return;
        }
    }
    // objects keyed by operation name are data, not fields
    if path.ends_with("api_calls_by_operation") {
        return;
    }
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&p, x, fields, seen);
            }
            // every required field of this object is present
            let prefix = if path.is_empty() {
                String::new()
            } else {
                format!("{path}.")
            };
            for (f, (_, optional)) in fields {
                if let Some(rest) = f.strip_prefix(&prefix)
                    && !rest.contains('.')
                    && !rest.contains("[]")
                    && !optional
                {
                    assert!(m.contains_key(rest), "{f} is missing");
                }
            }
        }
        Json::Array(a)
            if !path.ends_with("path_steps")
                && !path.ends_with("removed")
                && !path.ends_with("added")
                && !path.ends_with("filters")
                && !path.ends_with("types") =>
        {
            for x in a {
                walk(&format!("{path}[]"), x, fields, seen);
            }
        }
        _ => {}
    }
}

/// Panics unless the report follows the documented schema.
pub fn check(doc: &Json) {
    let fields = documented();
    assert_eq!(doc["format_version"], "1.1");
    let mut seen = Vec::new();
    walk("", doc, &fields, &mut seen);
}
