//! The drift report document (format 1.1, `docs/drift-report.md`): one stack's entry built from a
//! refresh-only plan, stacks merged into one document with a summary, and the exit code it means.

use crate::drift::managed::{Identity, Managed};
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;
use terrane_diagnostics::Diagnostic;
use terrane_plan::diff::{changed_attributes, overlaps};
use terrane_plan::json::resource_base;
use terrane_plan::values::to_json_lossy;
use terrane_plan::{Action, Plan};
use terrane_provider_api::Usage;
use terrane_values::{PathStep, Value};

/// The version of the report's JSON format. Additions keep the major version; a change of the
/// meaning or shape of an existing field raises it.
pub const FORMAT_VERSION: &str = "1.1";

/// What a sensitive value is shown as.
pub const SENSITIVE: &str = "(sensitive value)";

/// What checking one stack gave.
pub struct StackCheck<'a> {
    /// The stack's directory as the user named it (relative to the directory searched).
    pub path: String,
    /// The refresh-only plan, when planning got that far.
    pub plan: Option<&'a Plan>,
    /// Every diagnostic of the check (refresh failures are reported on their resources).
    pub diagnostics: Vec<Diagnostic>,
    /// The providers' API calls.
    pub usage: Usage,
    /// How listed objects are matched with the managed instances, by address.
    pub identities: BTreeMap<String, Identity>,
}

/// A diagnostic as the report shows it.
pub fn error_json(d: &Diagnostic) -> Json {
    json!({ "summary": d.summary, "detail": d.detail })
}

/// One line of text for a diagnostic.
pub fn error_text(d: &Diagnostic) -> String {
    if d.detail.is_empty() {
        d.summary.clone()
    } else {
        format!("{}: {}", d.summary, d.detail)
    }
}

fn shown(v: &Value) -> (Json, bool) {
    let (plain, marks) = v.clone().unmark_deep();
    if marks.is_sensitive() {
        (json!(SENSITIVE), true)
    } else {
        (to_json_lossy(&plain), false)
    }
}

fn step_json(s: &PathStep) -> Json {
    match s {
        PathStep::Attr(a) | PathStep::Key(a) => json!(a),
        PathStep::Index(i) => json!(i),
    }
}

/// For a collection compared as a whole (a set such as a security group's rules, a list that grew):
/// the elements only `before` has and those only `after` has.
fn elements_changed(before: &Json, after: &Json) -> Option<(Json, Json)> {
    let (Json::Array(b), Json::Array(a)) = (before, after) else {
        return None;
    };
    let removed: Vec<Json> = b.iter().filter(|x| !a.contains(x)).cloned().collect();
    let added: Vec<Json> = a.iter().filter(|x| !b.contains(x)).cloned().collect();
    Some((Json::Array(removed), Json::Array(added)))
}

/// One line for a change: `path: before -> after`, or for collections the elements removed and
/// added (`ingress: -{...} +{...}`).
pub fn change_text(c: &Json) -> String {
    let path = c["path"].as_str().unwrap_or("");
    match (c["removed"].as_array(), c["added"].as_array()) {
        (Some(removed), Some(added)) => {
            let mut parts: Vec<String> = removed.iter().map(|x| format!("-{x}")).collect();
            parts.extend(added.iter().map(|x| format!("+{x}")));
            if parts.is_empty() {
                parts.push("(order changed)".into());
            }
            format!("{path}: {}", parts.join(" "))
        }
        _ => format!(
            "{path}: {} -> {}",
            value_text(&c["before"]),
            value_text(&c["after"])
        ),
    }
}

/// The entry of one stack: its status, every managed resource instance it has in state with what
/// the refresh found, its errors and its API calls.
pub fn stack(check: &StackCheck<'_>) -> Json {
    let mut resources = Vec::new();
    let refresh_diags: Vec<&Diagnostic> = check
        .plan
        .map(|p| {
            p.refresh_errors
                .iter()
                .flat_map(|(_, d)| d.iter())
                .collect()
        })
        .unwrap_or_default();
    let errors: Vec<&Diagnostic> = check
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && !refresh_diags.contains(d))
        .collect();
    if let Some(plan) = check.plan {
        for (addr, res, obj) in plan.prev_run_state.instances() {
            if addr.is_data() {
                continue;
            }
            let mut m = resource_base(&addr, &res.provider.provider.to_string());
            m.insert(
                "id".into(),
                obj.attributes.get("id").cloned().unwrap_or(Json::Null),
            );
            if let Some(identity) = check.identities.get(&addr.to_string()) {
                if let Some(import_id) = &identity.import_id {
                    m.insert("import_id".into(), json!(import_id));
                }
                if !identity.inline.is_empty() {
                    m.insert("inline".into(), json!(identity.inline));
                }
            }
            let drift = plan
                .drift
                .iter()
                .find(|c| c.addr == addr && c.deposed.is_none());
            let failed = plan.refresh_errors.iter().find(|(a, _)| *a == addr);
            let mut changes = Vec::new();
            let status = if let Some((_, d)) = failed {
                let text: Vec<String> = d.iter().filter(|d| d.is_error()).map(error_text).collect();
                m.insert("error".into(), json!(text.join("\n")));
                "error"
            } else if let Some(c) = drift {
                if c.action == Action::Delete {
                    "deleted"
                } else {
                    // Only what the configuration governs is drift: a computed value it does not
                    // set (a route table's routes once an `aws_route` was added) is not.
                    let governed = plan
                        .drift_config_paths
                        .iter()
                        .find(|(a, _)| *a == addr)
                        .map(|(_, p)| p);
                    for a in changed_attributes(&c.before, &c.after) {
                        if let Some(g) = governed
                            && !g.iter().any(|p| overlaps(p, &a.path))
                        {
                            continue;
                        }
                        let (before, sb) = shown(&a.before);
                        let (after, sa) = shown(&a.after);
                        let sensitive = sb || sa;
                        let mut change = json!({
                            "path": a.path.to_string(),
                            "path_steps": a.path.0.iter().map(step_json).collect::<Vec<_>>(),
                            "before": if sensitive { json!(SENSITIVE) } else { before.clone() },
                            "after": if sensitive { json!(SENSITIVE) } else { after.clone() },
                            "sensitive": sensitive,
                        });
                        if !sensitive
                            && let Some((removed, added)) = elements_changed(&before, &after)
                        {
                            change["removed"] = removed;
                            change["added"] = added;
                        }
                        changes.push(change);
                    }
                    if changes.is_empty() {
                        "in_sync"
                    } else {
                        "drifted"
                    }
                }
            } else if errors.is_empty() {
                "in_sync"
            } else {
                "not_checked"
            };
            m.insert("status".into(), json!(status));
            m.insert("changes".into(), Json::Array(changes));
            resources.push(Json::Object(m));
        }
    }
    let status = if !errors.is_empty() || resources.iter().any(|r| r["status"] == "error") {
        "error"
    } else if resources
        .iter()
        .any(|r| r["status"] == "drifted" || r["status"] == "deleted")
    {
        "drifted"
    } else {
        "in_sync"
    };
    json!({
        "path": check.path,
        "status": status,
        "errors": errors.iter().map(|d| error_json(d)).collect::<Vec<_>>(),
        "api_calls": check.usage.api_calls,
        "api_calls_by_operation": check.usage.by_operation,
        "resources": resources,
    })
}

/// The document: the stacks (sorted by path), the unmanaged objects when they were looked for (with
/// those some stack manages left out), and the summary.
pub fn document(mut stacks: Vec<Json>, unmanaged: Option<Json>) -> Json {
    stacks.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    let unmanaged = unmanaged.map(|mut u| {
        let managed = Managed::of(&stacks);
        if let Some(objects) = u["objects"].as_array_mut() {
            objects.retain(|o| !managed.manages(o));
            let parents: std::collections::BTreeSet<(String, String)> = objects
                .iter()
                .map(|o| (o["type"].to_string(), o["id"].to_string()))
                .collect();
            // What AWS made with an unmanaged object is part of that object's finding.
            objects.retain(|o| {
                let p = &o["part_of"];
                !(p["with_parent"] == true
                    && parents.contains(&(p["type"].to_string(), p["id"].to_string())))
            });
        }
        u
    });
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut calls = 0;
    let mut by_op: BTreeMap<String, u64> = BTreeMap::new();
    let mut stack_errors = 0;
    for s in &stacks {
        for r in s["resources"].as_array().into_iter().flatten() {
            *counts
                .entry(r["status"].as_str().unwrap_or(""))
                .or_default() += 1;
        }
        stack_errors += s["errors"].as_array().map_or(0, |e| e.len()) as u64;
        calls += s["api_calls"].as_u64().unwrap_or(0);
        for (op, n) in s["api_calls_by_operation"]
            .as_object()
            .into_iter()
            .flatten()
        {
            *by_op.entry(op.clone()).or_default() += n.as_u64().unwrap_or(0);
        }
    }
    let n_unmanaged = unmanaged
        .as_ref()
        .and_then(|u| u["objects"].as_array().map(|a| a.len()))
        .unwrap_or(0) as u64;
    let count = |k: &str| counts.get(k).copied().unwrap_or(0);
    let drifted = count("drifted") + count("deleted") + n_unmanaged > 0;
    let errored = stacks.iter().any(|s| s["status"] == "error")
        || unmanaged
            .as_ref()
            .is_some_and(|u| u["errors"].as_array().is_some_and(|e| !e.is_empty()));
    let mut doc = Map::new();
    doc.insert("format_version".into(), json!(FORMAT_VERSION));
    doc.insert("terrane_version".into(), json!(env!("CARGO_PKG_VERSION")));
    doc.insert("drift_detected".into(), json!(drifted));
    doc.insert("errored".into(), json!(errored));
    doc.insert(
        "summary".into(),
        json!({
            "stacks": stacks.len(),
            "resources": counts.values().sum::<u64>(),
            "in_sync": count("in_sync"),
            "drifted": count("drifted"),
            "deleted": count("deleted"),
            "errors": count("error") + stack_errors,
            "not_checked": count("not_checked"),
            "unmanaged": n_unmanaged,
            "api_calls": calls,
            "api_calls_by_operation": by_op,
        }),
    );
    doc.insert("stacks".into(), Json::Array(stacks));
    if let Some(u) = unmanaged {
        doc.insert("unmanaged".into(), u);
    }
    Json::Object(doc)
}

/// The exit code a report means: 1 when something could not be checked, 2 on drift, 0 otherwise.
pub fn exit_code(doc: &Json) -> u8 {
    if doc["errored"] == true {
        1
    } else if doc["drift_detected"] == true {
        2
    } else {
        0
    }
}

/// A value of the report as one short line of text.
pub fn value_text(v: &Json) -> String {
    match v {
        Json::String(s) if s == SENSITIVE => s.clone(),
        Json::Null => "null".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use terrane_addrs::{ProviderConfig, parse_resource_instance};
    use terrane_plan::ResourceChange;
    use terrane_state::{EachMode, ObjectState, State};
    use terrane_values::{Type, Value};

    fn obj(size: i64, password: &str, team: &str) -> Value {
        Value::object(BTreeMap::from([
            ("id".to_string(), Value::string("db-1")),
            ("size".to_string(), Value::int(size)),
            ("password".to_string(), Value::string(password).sensitive()),
            (
                "tags".to_string(),
                Value::map(
                    Type::String,
                    BTreeMap::from([("Team".to_string(), Value::string(team))]),
                ),
            ),
        ]))
    }

    #[test]
    fn drift_lists_changed_paths_masks_sensitive_values_and_keeps_only_governed_ones() {
        let addr = parse_resource_instance("x_db.main").unwrap();
        let provider =
            ProviderConfig::parse("provider[\"registry.terraform.io/hashicorp/x\"]").unwrap();
        let before = obj(20, "old", "web");
        let after = obj(30, "new", "ops");
        let ty = before.ty();
        let mut state = State::new("lineage");
        state.set_object(
            &addr,
            &provider,
            EachMode::None,
            Some(ObjectState::from_value(&before, &ty, 0).unwrap()),
        );
        let change = ResourceChange {
            addr: addr.clone(),
            prev_run_addr: None,
            deposed: None,
            provider: provider.clone(),
            each: EachMode::None,
            action: Action::Update,
            reason: None,
            before,
            after,
            ty,
            schema_version: 0,
            replace_paths: Vec::new(),
            private: Vec::new(),
            create_before_destroy: false,
            dependencies: Vec::new(),
            importing: None,
        };
        let mut plan = Plan {
            prev_run_state: state,
            drift: vec![change],
            ..Plan::default()
        };
        let check = |plan: &Plan| {
            stack(&StackCheck {
                path: ".".into(),
                plan: Some(plan),
                diagnostics: Vec::new(),
                usage: Usage::default(),
                identities: BTreeMap::new(),
            })
        };
        let s = check(&plan);
        assert_eq!(s["status"], "drifted");
        let changes = &s["resources"][0]["changes"];
        assert_eq!(
            changes,
            &json!([
                {"path": "password", "path_steps": ["password"], "before": SENSITIVE, "after": SENSITIVE, "sensitive": true},
                {"path": "size", "path_steps": ["size"], "before": 20, "after": 30, "sensitive": false},
                {"path": "tags[\"Team\"]", "path_steps": ["tags", "Team"], "before": "web", "after": "ops", "sensitive": false},
            ])
        );
        // the configuration governs only `size`: the rest is not drift
        plan.drift_config_paths = vec![(
            addr.clone(),
            vec![terrane_values::Path::root().attr("size")],
        )];
        let s = check(&plan);
        assert_eq!(s["resources"][0]["changes"].as_array().unwrap().len(), 1);
        // and nothing: the object is in sync
        plan.drift_config_paths = vec![(addr, Vec::new())];
        let s = check(&plan);
        assert_eq!(s["resources"][0]["status"], "in_sync");
        assert_eq!(s["status"], "in_sync");
    }
}
