//! Terraform's machine-readable formats: `show -json` of a plan (format 1.2) and of a state.

use crate::values::{sensitive_mask, to_json_lossy, unknown_mask};
use crate::{Action, Plan, ResourceChange};
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;
use terrane_addrs::{AbsResourceInstance, InstanceKey, ModuleInstance, ResourceMode};
use terrane_state::State;
use terrane_values::{Path, PathStep, Value};

/// The JSON plan format version written.
pub const PLAN_FORMAT_VERSION: &str = "1.2";
/// The JSON state format version written.
pub const STATE_FORMAT_VERSION: &str = "1.0";

fn index_json(k: &InstanceKey) -> Option<Json> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some(json!(i)),
        InstanceKey::Str(s) => Some(json!(s)),
    }
}

fn mode_name(m: ResourceMode) -> &'static str {
    match m {
        ResourceMode::Managed => "managed",
        ResourceMode::Data => "data",
    }
}

fn path_json(p: &Path) -> Json {
    Json::Array(
        p.0.iter()
            .map(|s| match s {
                PathStep::Attr(a) | PathStep::Key(a) => json!(a),
                PathStep::Index(i) => json!(i),
            })
            .collect(),
    )
}

/// The fields that name a resource instance in Terraform's JSON formats: `address`, `module_address`,
/// `mode`, `type`, `name`, `index`, `provider_name`.
pub fn resource_base(addr: &AbsResourceInstance, provider: &str) -> Map<String, Json> {
    let r = &addr.resource.resource;
    let mut m = Map::new();
    m.insert("address".into(), json!(addr.to_string()));
    if !addr.module.is_root() {
        m.insert("module_address".into(), json!(addr.module.to_string()));
    }
    m.insert("mode".into(), json!(mode_name(r.mode)));
    m.insert("type".into(), json!(r.ty));
    m.insert("name".into(), json!(r.name));
    if let Some(i) = index_json(addr.key()) {
        m.insert("index".into(), i);
    }
    m.insert("provider_name".into(), json!(provider));
    m
}

fn change_json(c: &ResourceChange) -> Json {
    let mut m = resource_base(&c.addr, &c.provider.provider.to_string());
    m.remove("module_address");
    if !c.addr.module.is_root() {
        m.insert("module_address".into(), json!(c.addr.module.to_string()));
    }
    if let Some(d) = &c.deposed {
        m.insert("deposed".into(), json!(d));
    }
    if let Some(p) = &c.prev_run_addr {
        if *p != c.addr {
            m.insert("previous_address".into(), json!(p.to_string()));
        }
    }
    let (before, _) = c.before.clone().unmark_deep();
    let (after, _) = c.after.clone().unmark_deep();
    let mut change = Map::new();
    change.insert("actions".into(), json!(c.action.json_actions()));
    change.insert("before".into(), to_json_lossy(&before));
    change.insert("after".into(), to_json_lossy(&after));
    change.insert(
        "after_unknown".into(),
        if c.after.is_null() {
            json!({})
        } else {
            unknown_mask(&after)
        },
    );
    change.insert(
        "before_sensitive".into(),
        if c.before.is_null() {
            json!(false)
        } else {
            sensitive_mask(&c.before)
        },
    );
    change.insert(
        "after_sensitive".into(),
        if c.after.is_null() {
            json!(false)
        } else {
            sensitive_mask(&c.after)
        },
    );
    if let Some(id) = &c.importing {
        change.insert("importing".into(), json!({ "id": id }));
    }
    if !c.replace_paths.is_empty() {
        change.insert(
            "replace_paths".into(),
            Json::Array(c.replace_paths.iter().map(path_json).collect()),
        );
    }
    m.insert("change".into(), Json::Object(change));
    if let Some(r) = c.reason {
        m.insert("action_reason".into(), json!(r.json_name()));
    }
    Json::Object(m)
}

/// Resources grouped into the nested module structure of Terraform's `values` representation.
fn module_tree(resources: Vec<(ModuleInstance, Json)>) -> Json {
    let mut by_module: BTreeMap<ModuleInstance, Vec<Json>> = BTreeMap::new();
    for (m, r) in resources {
        by_module.entry(m).or_default().push(r);
    }
    fn build(module: &ModuleInstance, by_module: &BTreeMap<ModuleInstance, Vec<Json>>) -> Json {
        let mut obj = Map::new();
        if let Some(rs) = by_module.get(module) {
            obj.insert("resources".into(), Json::Array(rs.clone()));
        }
        if !module.is_root() {
            obj.insert("address".into(), json!(module.to_string()));
        }
        let children: Vec<&ModuleInstance> = by_module
            .keys()
            .filter(|m| m.0.len() == module.0.len() + 1 && m.is_within(module))
            .collect();
        // Intermediate modules without resources still need to appear.
        let mut child_set: Vec<ModuleInstance> = children.into_iter().cloned().collect();
        for m in by_module.keys() {
            if m.0.len() > module.0.len() + 1 && m.is_within(module) {
                let c = ModuleInstance(m.0[..module.0.len() + 1].to_vec());
                if !child_set.contains(&c) {
                    child_set.push(c);
                }
            }
        }
        child_set.sort();
        if !child_set.is_empty() {
            obj.insert(
                "child_modules".into(),
                Json::Array(child_set.iter().map(|c| build(c, by_module)).collect()),
            );
        }
        Json::Object(obj)
    }
    build(&ModuleInstance::root(), &by_module)
}

fn known_only(v: &Value) -> Json {
    to_json_lossy(v)
}

/// The `values` representation of a state.
pub fn state_values(state: &State) -> Json {
    let mut outputs = Map::new();
    for (name, o) in &state.outputs {
        let (plain, _) = o.value.clone().unmark_deep();
        outputs.insert(
            name.clone(),
            json!({"sensitive": o.sensitive, "value": to_json_lossy(&plain), "type": terrane_values::json::type_to_json(&plain.ty())}),
        );
    }
    let mut resources = Vec::new();
    for (addr, r, o) in state.instances() {
        let mut m = resource_base(&addr, &r.provider.provider.to_string());
        m.remove("module_address");
        m.insert("schema_version".into(), json!(o.schema_version));
        m.insert("values".into(), o.attributes.clone());
        let mut sens = Json::Object(Map::new());
        for p in &o.sensitive_paths {
            insert_path(&mut sens, &p.0);
        }
        m.insert("sensitive_values".into(), sens);
        if o.status == terrane_state::ObjectStatus::Tainted {
            m.insert("tainted".into(), json!(true));
        }
        if !o.dependencies.is_empty() {
            m.insert(
                "depends_on".into(),
                Json::Array(
                    o.dependencies
                        .iter()
                        .map(|d| json!(d.to_string()))
                        .collect(),
                ),
            );
        }
        resources.push((addr.module.clone(), Json::Object(m)));
    }
    let mut values = Map::new();
    if !outputs.is_empty() {
        values.insert("outputs".into(), Json::Object(outputs));
    }
    values.insert("root_module".into(), module_tree(resources));
    Json::Object(values)
}

fn insert_path(j: &mut Json, steps: &[PathStep]) {
    let Some((first, rest)) = steps.split_first() else {
        return;
    };
    let key = match first {
        PathStep::Attr(a) | PathStep::Key(a) => a.clone(),
        PathStep::Index(i) => i.to_string(),
    };
    if let Json::Object(m) = j {
        if rest.is_empty() {
            m.insert(key, json!(true));
        } else {
            let child = m.entry(key).or_insert_with(|| Json::Object(Map::new()));
            insert_path(child, rest);
        }
    }
}

/// `show -json` of a state.
pub fn state_json(state: &State, terraform_version: &str) -> Json {
    if state.has_no_resources() && state.outputs.is_empty() {
        return json!({"format_version": STATE_FORMAT_VERSION, "terraform_version": terraform_version});
    }
    json!({
        "format_version": STATE_FORMAT_VERSION,
        "terraform_version": terraform_version,
        "values": state_values(state),
    })
}

/// `show -json` of a plan.
pub fn plan_json(plan: &Plan, terraform_version: &str) -> Json {
    let mut root = Map::new();
    root.insert("format_version".into(), json!(PLAN_FORMAT_VERSION));
    root.insert("terraform_version".into(), json!(terraform_version));
    let vars: Map<String, Json> = plan
        .variables
        .iter()
        .filter(|(_, v)| !v.marks_deep().contains(terrane_values::Marks::EPHEMERAL))
        .map(|(k, v)| {
            (
                k.clone(),
                json!({"value": to_json_lossy(&v.clone().unmark_deep().0)}),
            )
        })
        .collect();
    if !vars.is_empty() {
        root.insert("variables".into(), Json::Object(vars));
    }
    let mut planned = Vec::new();
    let mut changes: Vec<&ResourceChange> = plan.changes.iter().collect();
    changes.sort_by(|a, b| a.addr.cmp(&b.addr).then(a.deposed.cmp(&b.deposed)));
    for c in &changes {
        if c.action == Action::Delete || c.deposed.is_some() {
            continue;
        }
        let mut m = resource_base(&c.addr, &c.provider.provider.to_string());
        m.remove("module_address");
        m.insert("schema_version".into(), json!(c.schema_version));
        let (after, _) = c.after.clone().unmark_deep();
        m.insert("values".into(), strip_unknown(&after));
        m.insert("sensitive_values".into(), sensitive_mask(&c.after));
        planned.push((c.addr.module.clone(), Json::Object(m)));
    }
    let mut planned_outputs = Map::new();
    for o in &plan.outputs {
        if o.action == Action::Delete {
            continue;
        }
        let mut m = Map::new();
        m.insert("sensitive".into(), json!(o.sensitive));
        if o.after.is_wholly_known() {
            m.insert("value".into(), known_only(&o.after.clone().unmark_deep().0));
        }
        planned_outputs.insert(o.name.clone(), Json::Object(m));
    }
    let mut pv = Map::new();
    if !planned_outputs.is_empty() {
        pv.insert("outputs".into(), Json::Object(planned_outputs));
    }
    pv.insert("root_module".into(), module_tree(planned));
    root.insert("planned_values".into(), Json::Object(pv));
    if !plan.drift.is_empty() {
        root.insert(
            "resource_drift".into(),
            Json::Array(plan.drift.iter().map(change_json).collect()),
        );
    }
    if !changes.is_empty() {
        root.insert(
            "resource_changes".into(),
            Json::Array(changes.iter().map(|c| change_json(c)).collect()),
        );
    }
    let mut outs = Map::new();
    for o in &plan.outputs {
        let (before, _) = o.before.clone().unmark_deep();
        let (after, _) = o.after.clone().unmark_deep();
        outs.insert(
            o.name.clone(),
            json!({
                "actions": o.action.json_actions(),
                "before": to_json_lossy(&before),
                "after": to_json_lossy(&after),
                "after_unknown": if after.is_known() { unknown_mask(&after) } else { json!(true) },
                "before_sensitive": o.sensitive,
                "after_sensitive": o.sensitive,
            }),
        );
    }
    if !outs.is_empty() {
        root.insert("output_changes".into(), Json::Object(outs));
    }
    if !(plan.prior_state.has_no_resources() && plan.prior_state.outputs.is_empty()) {
        root.insert(
            "prior_state".into(),
            state_json(&plan.prior_state, terraform_version),
        );
    }
    root.insert("timestamp".into(), json!(plan.timestamp));
    root.insert("errored".into(), json!(plan.errored));
    Json::Object(root)
}

/// JSON of the known parts of a value (unknown attributes of objects omitted, as Terraform does).
fn strip_unknown(v: &Value) -> Json {
    use terrane_values::Kind;
    match v.kind() {
        Kind::Object(m) => {
            let mut obj = Map::new();
            for (k, x) in m.iter() {
                if x.is_known() {
                    obj.insert(k.clone(), strip_unknown(x));
                }
            }
            Json::Object(obj)
        }
        _ => to_json_lossy(v),
    }
}
