//! The machine-readable UI of `plan -json`, `apply -json` and `destroy -json`: one JSON object a
//! line, in Terraform's format (UI version 0.1.0): `version`, `diagnostic`, `planned_change`,
//! `resource_drift`, `change_summary`, `refresh_start`, `apply_start`, `apply_progress`,
//! `apply_complete`, `apply_errored` and `outputs` messages, each with `@level`, `@message`,
//! `@module` and `@timestamp`.

use serde_json::{Map, Value as Json, json};
use std::io::Write;
use terrane_addrs::{AbsResourceInstance, InstanceKey};
use terrane_diagnostics::{Diagnostic, SourceMap};
use terrane_plan::{Action, ActionReason, Plan, ResourceChange};

/// Writes one message.
pub fn emit(level: &str, message: &str, kind: &str, fields: Map<String, Json>) {
    let mut o = Map::new();
    o.insert("@level".into(), json!(level));
    o.insert("@message".into(), json!(message));
    o.insert("@module".into(), json!("terraform.ui"));
    o.insert("@timestamp".into(), json!(timestamp()));
    o.extend(fields);
    o.insert("type".into(), json!(kind));
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", Json::Object(o));
    let _ = out.flush();
}

fn timestamp() -> String {
    terrane_lang::functions::now_rfc3339_micros()
}

fn fields(pairs: Vec<(&str, Json)>) -> Map<String, Json> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The first message: which program speaks, and the UI version.
pub fn version() {
    let v = env!("CARGO_PKG_VERSION");
    emit(
        "info",
        &format!("terrane {v}"),
        "version",
        fields(vec![("terraform", json!(v)), ("ui", json!("0.1.0"))]),
    );
}

/// A diagnostic, with its source snippet.
pub fn diagnostic(d: &Diagnostic, sources: &SourceMap) {
    let level = if d.is_error() { "error" } else { "warn" };
    let label = if d.is_error() { "Error" } else { "Warning" };
    emit(
        level,
        &format!("{label}: {}", d.summary),
        "diagnostic",
        fields(vec![(
            "diagnostic",
            super::diagnostics::to_json(d, sources),
        )]),
    );
}

/// A resource instance as the messages describe it.
pub fn resource(addr: &AbsResourceInstance) -> Json {
    let r = &addr.resource.resource;
    let module = addr.module.to_string();
    let key = match &addr.resource.key {
        InstanceKey::None => Json::Null,
        InstanceKey::Int(i) => json!(i),
        InstanceKey::Str(s) => json!(s),
    };
    let without_module = addr.to_string();
    let without_module = without_module
        .strip_prefix(&format!("{module}."))
        .unwrap_or(&without_module)
        .to_string();
    json!({
        "addr": addr.to_string(),
        "module": module,
        "resource": without_module,
        "implied_provider": r.ty.split('_').next().unwrap_or(&r.ty),
        "resource_type": r.ty,
        "resource_name": r.name,
        "resource_key": key,
    })
}

fn action_name(c: &ResourceChange) -> Option<&'static str> {
    Some(match c.action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Read => "read",
        _ => return None,
    })
}

fn reason_name(r: &ActionReason) -> Option<&'static str> {
    Some(match r {
        ActionReason::ReplaceBecauseTainted => "tainted",
        ActionReason::ReplaceByRequest => "requested",
        ActionReason::ReplaceByTriggers => "replace_by_triggers",
        ActionReason::ReadBecauseConfigUnknown => "read_because_config_unknown",
        ActionReason::ReadBecauseDependencyPending => "read_because_dependency_pending",
        ActionReason::ReplaceBecauseCannotUpdate => "cannot_update",
        ActionReason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
        ActionReason::DeleteBecauseWrongRepetition => "delete_because_wrong_repetition",
        ActionReason::DeleteBecauseCountIndex => "delete_because_count_index",
        ActionReason::DeleteBecauseEachKey => "delete_because_each_key",
        ActionReason::DeleteBecauseNoModule => "delete_because_no_module",
    })
}

/// What the plan will do: drift first, then each change, then the summary.
pub fn plan(plan: &Plan) {
    for d in &plan.drift {
        let Some(action) = action_name(d) else {
            continue;
        };
        emit(
            "info",
            &format!("{}: Drift detected ({action})", d.addr),
            "resource_drift",
            fields(vec![(
                "change",
                json!({"resource": resource(&d.addr), "action": action}),
            )]),
        );
    }
    for c in &plan.changes {
        let Some(action) = action_name(c) else {
            continue;
        };
        let verb = match action {
            "create" => "Plan to create",
            "update" => "Plan to update",
            "delete" => "Plan to delete",
            "replace" => "Plan to replace",
            _ => "Plan to read",
        };
        let mut change = json!({"resource": resource(&c.addr), "action": action});
        if let Some(reason) = c.reason.as_ref().and_then(reason_name) {
            change["reason"] = json!(reason);
        }
        emit(
            "info",
            &format!("{}: {verb}", c.addr),
            "planned_change",
            fields(vec![("change", change)]),
        );
    }
}

/// `Plan: 1 to add, 0 to change, 0 to destroy.` and the same after an apply or destroy.
pub fn change_summary(counts: (usize, usize, usize), operation: &str) {
    let (add, change, remove) = counts;
    let message = match operation {
        "plan" => format!("Plan: {add} to add, {change} to change, {remove} to destroy."),
        "destroy" => format!("Destroy complete! Resources: {remove} destroyed."),
        _ => {
            format!("Apply complete! Resources: {add} added, {change} changed, {remove} destroyed.")
        }
    };
    emit(
        "info",
        &message,
        "change_summary",
        fields(vec![(
            "changes",
            json!({"add": add, "change": change, "remove": remove, "operation": operation}),
        )]),
    );
}

/// The root module's outputs after an apply, values included (as `output -json` gives them).
pub fn outputs(state: &terrane_state::State) {
    let mut outs = Map::new();
    for (name, o) in &state.outputs {
        let v = &o.value;
        outs.insert(
            name.clone(),
            json!({
                "sensitive": o.sensitive,
                "type": terrane_values::json::type_to_json(&v.ty()),
                "value": terrane_values::json::to_json(&v.clone().unmark_deep().0).unwrap_or_default(),
            }),
        );
    }
    emit(
        "info",
        &format!("Outputs: {}", outs.len()),
        "outputs",
        fields(vec![("outputs", Json::Object(outs))]),
    );
}
