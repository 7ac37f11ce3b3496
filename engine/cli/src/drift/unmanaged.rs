//! Unmanaged objects: what the configured providers list (`-unmanaged`), narrowed by the filters of
//! the command line (`-unmanaged-filter tag:Team=web`, `vpc-id=vpc-1`) and of the stack
//! (`terrane-drift.json`), less what the state manages.

use crate::drift::report::error_json;
use crate::factory::Recording;
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;
use terrane_diagnostics::Diagnostic;
use terrane_provider_api::ListRequest;

/// The file in a stack's directory that holds its own filters for `-unmanaged`.
pub const STACK_FILE: &str = "terrane-drift.json";

/// The filters a stack sets for itself in [`STACK_FILE`] (`{"unmanaged_filters": ["tag:Team=web"]}`);
/// none when there is no such file.
pub fn stack_filters(dir: &std::path::Path) -> Result<Vec<String>, Diagnostic> {
    let path = dir.join(STACK_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Diagnostic::error(
                format!("Invalid {STACK_FILE}"),
                format!("Cannot read {}: {e}", path.display()),
            ));
        }
    };
    let invalid = |why: String| Diagnostic::error(format!("Invalid {STACK_FILE}"), why);
    let doc: Json = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    let filters: Vec<String> = match doc.get("unmanaged_filters") {
        None => Vec::new(),
        Some(Json::Array(a)) => a
            .iter()
            .map(|f| {
                f.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(format!("unmanaged_filters holds {f}, not a string")))
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(invalid(format!(
                "unmanaged_filters must be a list of strings, not {other}"
            )));
        }
    };
    parse_filters(&filters)?;
    Ok(filters)
}

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
