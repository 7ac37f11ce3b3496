//! Unmanaged objects: what the configured providers list (`-unmanaged`), narrowed by the filters of
//! the command line (`-unmanaged-filter tag:Team=web`, `vpc-id=vpc-1`) and of the stack
//! (`terrane-drift.json`), less what the states manage ([`crate::drift::managed`]). Each account
//! and region is listed once per set of filters, however many stacks or provider instances cover it.

use crate::drift::report::error_json;
use crate::factory::Recording;
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use terrane_diagnostics::Diagnostic;
use terrane_provider_api::{ListRequest, ListedObject};

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

/// Which listings were made already: one per provider, part and scope (AWS: account and region for
/// the regional types, account for IAM) and filters. A
/// recursive check passes its stacks a directory where each takes a listing by creating a file
/// named after it, so that of the stacks that cover the same account and region with the same
/// filters exactly one lists it.
pub struct Claims {
    dir: Option<PathBuf>,
    taken: Mutex<BTreeSet<String>>,
}

impl Claims {
    /// Claims shared through a directory (`None`: this process only).
    pub fn new(dir: Option<PathBuf>) -> Claims {
        Claims {
            dir,
            taken: Mutex::new(BTreeSet::new()),
        }
    }

    /// Takes the listing named `key` (what it covers: `scope` and `filters`); false when it was
    /// taken already.
    fn claim(&self, key: &str, what: &Json) -> bool {
        let mut taken = self.taken.lock().expect("no panics");
        if !taken.insert(key.to_string()) {
            return false;
        }
        let Some(dir) = &self.dir else { return true };
        let file = dir.join(format!("{:016x}.json", fnv1a(key.as_bytes())));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&file)
        {
            Ok(mut f) => {
                // What the claim covers, so the recursive check can tell a listing that never
                // came (its stack crashed) from one that was made.
                let _ = f.write_all(what.to_string().as_bytes());
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            // The directory is unusable: listing twice is better than not at all.
            Err(_) => true,
        }
    }

    /// What the claims in a directory cover (their `scope` and `filters`).
    pub fn read(dir: &Path) -> Vec<Json> {
        let mut out: Vec<Json> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect();
        out.sort_by_key(|j| j.to_string());
        out
    }
}

/// FNV-1a: a stable hash for file names (the standard library's may differ between builds).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Lists the objects through every configured provider instance the check made (each part of a
/// listing once per provider, scope and filters, as `claims` allow). The answer is the report's `unmanaged` section, before
/// the objects that the stacks manage are left out; `stack` names the stack in its `listings`.
pub async fn list(factory: &Recording, filters: &[String], claims: &Claims, stack: &str) -> Json {
    let mut types = BTreeSet::new();
    let mut objects = BTreeSet::new();
    let mut errors = Vec::new();
    let mut listings = Vec::new();
    let mut sorted = filters.to_vec();
    sorted.sort();
    sorted.dedup();
    match parse_filters(&sorted) {
        Err(d) => errors.push(error_json(&d)),
        Ok(parsed) => {
            for (addr, p) in factory.instances() {
                for (part, scope) in p.list_scopes() {
                    let what = json!({ "scope": scope, "filters": sorted });
                    if let Some(scope) = &scope {
                        let key = format!("{addr} {part} {scope} {}", sorted.join(" "));
                        if !claims.claim(&key, &what) {
                            continue;
                        }
                    }
                    let before = p.usage();
                    let resp = p
                        .list_resources(ListRequest {
                            filters: parsed.clone(),
                            part,
                        })
                        .await;
                    if resp.types.is_empty() {
                        // a provider that lists nothing, or an instance that was never configured
                        continue;
                    }
                    let after = p.usage();
                    listings.push(json!({
                        "provider": addr.to_string(),
                        "scope": scope,
                        "filters": sorted,
                        "stack": stack,
                        "api_calls": after.api_calls - before.api_calls,
                    }));
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
    }
    let objects: Vec<Json> = objects.into_iter().map(|o| object_json(&o)).collect();
    json!({
        "filters": filters,
        "types": types,
        "objects": objects,
        "errors": errors,
        "listings": listings,
    })
}

fn object_json(o: &ListedObject) -> Json {
    let mut j = json!({
        "type": o.type_name,
        "id": o.id,
        "import_id": o.import_id,
        "name": o.name,
        "location": o.location,
    });
    if let Some(p) = &o.part_of {
        j["part_of"] = json!({ "type": p.type_name, "id": p.id, "block": p.block, "with_parent": p.with_parent });
    }
    j
}

/// Merges the `unmanaged` sections of several stacks' reports: the union of what was listed (the
/// document then leaves out what any stack manages). `claimed` are the listings the stacks took
/// (see [`Claims::read`]): one that no section reports was not made (its stack failed first).
pub fn merge(sections: Vec<Json>, claimed: &[Json]) -> Option<Json> {
    if sections.is_empty() && claimed.is_empty() {
        return None;
    }
    let mut filters = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut objects: Vec<Json> = Vec::new();
    let mut errors = Vec::new();
    let mut listings: Vec<Json> = Vec::new();
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
        listings.extend(s["listings"].as_array().into_iter().flatten().cloned());
    }
    for c in claimed {
        let made = listings
            .iter()
            .any(|l| l["scope"] == c["scope"] && l["filters"] == c["filters"]);
        if !made {
            errors.push(json!({
                "summary": "Listing not made",
                "detail": format!(
                    "The stack that took the listing of {} (filters {}) failed before it listed; see its errors.",
                    c["scope"].as_str().unwrap_or("an account"),
                    c["filters"]
                ),
            }));
        }
    }
    objects.sort_by_key(|o| (o["type"].to_string(), o["id"].to_string()));
    listings.sort_by_key(|l| l.to_string());
    Some(json!({
        "filters": filters,
        "types": types,
        "objects": objects,
        "errors": errors,
        "listings": listings,
    }))
}
