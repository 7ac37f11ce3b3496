//! Saved plans (`plan -out FILE`, `apply FILE`): a JSON document with everything apply needs, written
//! readable by its owner only since it may hold sensitive values.

use crate::values::{decode, encode};
use crate::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use serde_json::{Map, Value as Json, json};
use std::path::Path as FsPath;
use terrane_addrs::{ProviderConfig, Target, parse_resource_instance, parse_target};
use terrane_state::EachMode;
use terrane_state::v4::{from_v4, to_v4};
use terrane_values::Type;
use terrane_values::json::{type_from_json, type_to_json};

const FORMAT: &str = "terrane-plan";
const FORMAT_VERSION: u64 = 1;

/// Problems reading a saved plan.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// The file could not be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file is not a terrane plan.
    #[error("the file is not a saved plan, or is damaged: {0}")]
    Invalid(String),
}

fn invalid(msg: impl Into<String>) -> PlanFileError {
    PlanFileError::Invalid(msg.into())
}

/// Serializes a plan.
pub fn to_json(plan: &Plan) -> Json {
    let vars: Map<String, Json> = plan
        .variables
        .iter()
        // ephemeral variables are given again when the plan is applied, never saved
        .filter(|(_, v)| !v.marks_deep().contains(terrane_values::Marks::EPHEMERAL))
        .map(|(k, v)| {
            let ty = v.ty();
            (
                k.clone(),
                json!({"type": type_to_json(&ty), "value": encode(v, &ty)}),
            )
        })
        .collect();
    json!({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "mode": match plan.mode { PlanMode::Normal => "normal", PlanMode::Destroy => "destroy", PlanMode::RefreshOnly => "refresh-only" },
        "timestamp": plan.timestamp,
        "config_digest": plan.config_digest,
        "errored": plan.errored,
        "variables": vars,
        "changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
        "drift": plan.drift.iter().map(change_json).collect::<Vec<_>>(),
        "outputs": plan.outputs.iter().map(|o| json!({
            "name": o.name,
            "actions": o.action.json_actions(),
            "before_type": type_to_json(&o.before.ty()),
            "before": encode(&o.before, &o.before.ty()),
            "after_type": type_to_json(&o.after.ty()),
            "after": encode(&o.after, &o.after.ty()),
            "sensitive": o.sensitive,
        })).collect::<Vec<_>>(),
        "prior_state": to_v4(&plan.prior_state),
        "prev_run_state": to_v4(&plan.prev_run_state),
        "targets": plan.targets.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "moved": plan.moved.iter().map(|(a, b)| json!([a.to_string(), b.to_string()])).collect::<Vec<_>>(),
    })
}

fn change_json(c: &ResourceChange) -> Json {
    json!({
        "addr": c.addr.to_string(),
        "prev_run_addr": c.prev_run_addr.as_ref().map(ToString::to_string),
        "deposed": c.deposed,
        "provider": c.provider.to_string(),
        "each": match c.each { EachMode::None => "none", EachMode::List => "list", EachMode::Map => "map" },
        "actions": c.action.json_actions(),
        "reason": c.reason.map(ActionReason::json_name),
        "type": type_to_json(&c.ty),
        "schema_version": c.schema_version,
        "before": encode(&c.before, &c.ty),
        "after": encode(&c.after, &c.ty),
        "replace_paths": c.replace_paths.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "private": c.private.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "create_before_destroy": c.create_before_destroy,
        "dependencies": c.dependencies.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "importing": c.importing,
    })
}

fn parse_change(j: &Json) -> Result<ResourceChange, PlanFileError> {
    let s = |k: &str| j.get(k).and_then(Json::as_str);
    let addr = parse_resource_instance(s("addr").ok_or_else(|| invalid("change without address"))?)
        .map_err(|e| invalid(e.to_string()))?;
    let ty = type_from_json(
        j.get("type")
            .ok_or_else(|| invalid("change without type"))?,
    )
    .map_err(|e| invalid(e.to_string()))?;
    let actions: Vec<&str> = j
        .get("actions")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let private_hex = s("private").unwrap_or_default();
    Ok(ResourceChange {
        addr,
        prev_run_addr: s("prev_run_addr").and_then(|a| parse_resource_instance(a).ok()),
        deposed: s("deposed").map(str::to_string),
        provider: ProviderConfig::parse(s("provider").unwrap_or_default())
            .ok_or_else(|| invalid("invalid provider address"))?,
        each: match s("each") {
            Some("list") => EachMode::List,
            Some("map") => EachMode::Map,
            _ => EachMode::None,
        },
        action: Action::from_json_actions(&actions).ok_or_else(|| invalid("invalid actions"))?,
        reason: s("reason").and_then(ActionReason::from_json_name),
        before: decode(j.get("before").unwrap_or(&Json::Null), &ty)
            .map_err(|e| invalid(e.to_string()))?,
        after: decode(j.get("after").unwrap_or(&Json::Null), &ty)
            .map_err(|e| invalid(e.to_string()))?,
        schema_version: j.get("schema_version").and_then(Json::as_i64).unwrap_or(0),
        replace_paths: Vec::new(),
        private: (0..private_hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&private_hex[2 * i..2 * i + 2], 16).ok())
            .collect(),
        create_before_destroy: j
            .get("create_before_destroy")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        dependencies: j
            .get("dependencies")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .filter_map(|d| match parse_target(d) {
                        Ok(Target::Resource(r)) => Some(r),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        importing: j
            .get("importing")
            .and_then(Json::as_str)
            .map(str::to_string),
        ty,
    })
}

/// Parses a plan serialized by [`to_json`].
pub fn from_json(j: &Json) -> Result<Plan, PlanFileError> {
    if j.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(invalid("not a terrane plan file"));
    }
    let version = j.get("format_version").and_then(Json::as_u64).unwrap_or(0);
    if version != FORMAT_VERSION {
        return Err(invalid(format!(
            "plan file format version {version} is not supported by this terrane"
        )));
    }
    let mut plan = Plan {
        mode: match j.get("mode").and_then(Json::as_str) {
            Some("destroy") => PlanMode::Destroy,
            Some("refresh-only") => PlanMode::RefreshOnly,
            _ => PlanMode::Normal,
        },
        timestamp: j
            .get("timestamp")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string(),
        config_digest: j
            .get("config_digest")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string(),
        errored: j.get("errored").and_then(Json::as_bool).unwrap_or(false),
        ..Plan::default()
    };
    for (k, v) in j
        .get("variables")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        let ty = type_from_json(v.get("type").unwrap_or(&Json::Null))
            .map_err(|e| invalid(e.to_string()))?;
        plan.variables.insert(
            k.clone(),
            decode(v.get("value").unwrap_or(&Json::Null), &ty)
                .map_err(|e| invalid(e.to_string()))?,
        );
    }
    for c in j
        .get("changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        plan.changes.push(parse_change(c)?);
    }
    for c in j
        .get("drift")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        plan.drift.push(parse_change(c)?);
    }
    for o in j
        .get("outputs")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let bt =
            type_from_json(o.get("before_type").unwrap_or(&Json::Null)).unwrap_or(Type::Dynamic);
        let at =
            type_from_json(o.get("after_type").unwrap_or(&Json::Null)).unwrap_or(Type::Dynamic);
        let actions: Vec<&str> = o
            .get("actions")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        plan.outputs.push(OutputChange {
            name: o
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string(),
            action: Action::from_json_actions(&actions).unwrap_or(Action::NoOp),
            before: decode(o.get("before").unwrap_or(&Json::Null), &bt)
                .map_err(|e| invalid(e.to_string()))?,
            after: decode(o.get("after").unwrap_or(&Json::Null), &at)
                .map_err(|e| invalid(e.to_string()))?,
            sensitive: o.get("sensitive").and_then(Json::as_bool).unwrap_or(false),
        });
    }
    let state_text =
        |k: &str| serde_json::to_string(j.get(k).unwrap_or(&Json::Null)).unwrap_or_default();
    plan.prior_state = from_v4(&state_text("prior_state")).map_err(|e| invalid(e.to_string()))?;
    plan.prev_run_state =
        from_v4(&state_text("prev_run_state")).map_err(|e| invalid(e.to_string()))?;
    for m in j
        .get("moved")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let pair: Vec<&str> = m
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        if let [a, b] = pair.as_slice() {
            if let (Ok(a), Ok(b)) = (parse_resource_instance(a), parse_resource_instance(b)) {
                plan.moved.push((a, b));
            }
        }
    }
    for t in j
        .get("targets")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(t) = t.as_str().and_then(|s| parse_target(s).ok()) {
            plan.targets.push(t);
        }
    }
    Ok(plan)
}

/// Writes a plan file, readable by its owner only.
pub fn save(plan: &Plan, path: &FsPath) -> Result<(), PlanFileError> {
    let text = serde_json::to_vec(&to_json(plan)).expect("plan serializes");
    let tmp = path.with_extension("tmp-terrane");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        use std::io::Write;
        let mut f = opts.open(&tmp)?;
        f.write_all(&text)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Reads a plan file.
pub fn load(path: &FsPath) -> Result<Plan, PlanFileError> {
    let data = std::fs::read(path)?;
    let j: Json = serde_json::from_slice(&data).map_err(|e| invalid(e.to_string()))?;
    from_json(&j)
}

/// Whether a file looks like a saved plan (as opposed to a directory or configuration).
pub fn is_plan_file(path: &FsPath) -> bool {
    if !path.is_file() {
        return false;
    }
    std::fs::read(path)
        .ok()
        .and_then(|d| serde_json::from_slice::<Json>(&d).ok())
        .is_some_and(|j| j.get("format").and_then(Json::as_str) == Some(FORMAT))
}
