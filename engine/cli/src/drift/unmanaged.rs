//! Unmanaged objects: what the configured providers list (`-unmanaged`), narrowed by the filters of
//! the command line (`-unmanaged-filter tag:Team=web`, `vpc-id=vpc-1`), less what the state manages.

use crate::drift::report::error_json;
use crate::factory::Recording;
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;
use terrane_diagnostics::Diagnostic;
use terrane_provider_api::ListRequest;

/// Parses `NAME=VALUE` filters.
pub fn parse_filters(texts: &[String]) -> Result<Vec<(String, String)>, Diagnostic> {
    texts
        .iter()
        .map(|t| match t.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(Diagnostic::error(
                "Invalid -unmanaged-filter",
                format!("{t:?} is not NAME=VALUE, such as tag:Team=web or vpc-id=vpc-0abc."),
            )),
        })
        .collect()
}

/// Lists the objects through every configured provider instance the check made, and leaves out
/// those in `managed` (type, id). The answer is the report's `unmanaged` section.
pub async fn list(
    factory: &Recording,
    filters: &[String],
    managed: &BTreeSet<(String, String)>,
) -> Json {
    let mut types = BTreeSet::new();
    let mut objects = BTreeSet::new();
    let mut errors = Vec::new();
    match parse_filters(filters) {
        Err(d) => errors.push(error_json(&d)),
        Ok(parsed) => {
            for (_, p) in factory.instances() {
                let resp = p
                    .list_resources(ListRequest {
                        filters: parsed.clone(),
                    })
                    .await;
                types.extend(resp.types);
                errors.extend(
                    resp.diagnostics
                        .iter()
                        .filter(|d| d.is_error())
                        .map(error_json),
                );
                objects.extend(resp.objects);
            }
        }
    }
    let objects: Vec<Json> = objects
        .into_iter()
        .filter(|o| !managed.contains(&(o.type_name.clone(), o.id.clone())))
        .map(|o| {
            json!({
                "type": o.type_name,
                "id": o.id,
                "name": o.name,
                "location": o.location,
            })
        })
        .collect();
    json!({
        "filters": filters,
        "types": types,
        "objects": objects,
        "errors": errors,
    })
}

/// Merges the `unmanaged` sections of several stacks' reports: the union of what was listed (the
/// document then leaves out what any stack manages).
pub fn merge(sections: Vec<Json>) -> Option<Json> {
    if sections.is_empty() {
        return None;
    }
    let mut filters = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut objects: Vec<Json> = Vec::new();
    let mut errors = Vec::new();
    for s in sections {
        for f in s["filters"].as_array().into_iter().flatten() {
            filters.insert(f.as_str().unwrap_or_default().to_string());
        }
        for t in s["types"].as_array().into_iter().flatten() {
            types.insert(t.as_str().unwrap_or_default().to_string());
        }
        for o in s["objects"].as_array().into_iter().flatten() {
            if !objects
                .iter()
                .any(|x| x["type"] == o["type"] && x["id"] == o["id"])
            {
                objects.push(o.clone());
            }
        }
        errors.extend(s["errors"].as_array().into_iter().flatten().cloned());
    }
    objects.sort_by_key(|o| (o["type"].to_string(), o["id"].to_string()));
    Some(json!({
        "filters": filters,
        "types": types,
        "objects": objects,
        "errors": errors,
    }))
}
