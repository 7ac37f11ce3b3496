//! Terraform's state format version 4 (`terraform.tfstate`), read and written.
//!
//! OpenTofu's extra fields are accepted and ignored. The same JSON shapes are used for backend entries:
//! an entry is one v4 `resources` item holding one instance, or one output.

use crate::StateFormatError;
use crate::model::{
    EachMode, InstanceState, ObjectState, ObjectStatus, OutputState, ResourceState, State,
};
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_addrs::{
    AbsResource, InstanceKey, ModuleInstance, ProviderConfig, Resource, ResourceMode, Target,
    parse_target,
};
use terrane_values::json::{from_json, to_json, type_from_json, type_to_json};
use terrane_values::{Path, PathStep};

/// The Terraform version written into state files, one the reference Terraform accepts.
pub const TERRAFORM_VERSION: &str = "1.0.3";

fn invalid(msg: impl Into<String>) -> StateFormatError {
    StateFormatError::Invalid(msg.into())
}

/// The v4 document for a state.
pub fn to_v4(state: &State) -> Json {
    let mut outputs = Map::new();
    for (name, o) in &state.outputs {
        outputs.insert(name.clone(), output_json(o));
    }
    let resources: Vec<Json> = state
        .resources
        .iter()
        .map(|(addr, r)| resource_json(addr, r, None))
        .collect();
    let mut doc = json!({
        "version": 4,
        "terraform_version": TERRAFORM_VERSION,
        "serial": state.serial,
        "lineage": state.lineage,
        "outputs": outputs,
        "resources": resources,
    });
    // Creates in flight, only while there are any. Terraform ignores fields it does not know.
    if !state.intents.is_empty() {
        doc[INTENTS_FIELD] = state
            .intents
            .iter()
            .map(|(addr, i)| i.to_json(addr))
            .collect();
    }
    doc
}

/// The v4 document's field for creates in flight (see [`crate::Intent`]).
pub const INTENTS_FIELD: &str = "terrane_intents";

/// The v4 document as pretty text, as Terraform writes it.
pub fn to_v4_text(state: &State) -> String {
    let mut s = serde_json::to_string_pretty(&to_v4(state)).expect("state JSON serializes");
    s.push('\n');
    s
}

pub(crate) fn output_json(o: &OutputState) -> Json {
    let (plain, _) = o.value.clone().unmark_deep();
    json!({
        "value": to_json(&plain).unwrap_or(Json::Null),
        "type": type_to_json(&plain.ty()),
        "sensitive": o.sensitive,
    })
}

pub(crate) fn parse_output(j: &Json) -> Result<OutputState, StateFormatError> {
    let ty = type_from_json(
        j.get("type")
            .ok_or_else(|| invalid("output without a type"))?,
    )
    .map_err(|e| invalid(e.to_string()))?;
    let value = from_json(j.get("value").unwrap_or(&Json::Null), &ty)
        .map_err(|e| invalid(e.to_string()))?;
    let sensitive = j.get("sensitive").and_then(Json::as_bool).unwrap_or(false);
    Ok(OutputState {
        value: if sensitive { value.sensitive() } else { value },
        sensitive,
    })
}

/// A v4 `resources` item; with `only`, just that instance (and deposed key).
pub(crate) fn resource_json(
    addr: &AbsResource,
    r: &ResourceState,
    only: Option<(&InstanceKey, Option<&str>)>,
) -> Json {
    let mut obj = Map::new();
    if !addr.module.is_root() {
        obj.insert("module".into(), Json::String(addr.module.to_string()));
    }
    obj.insert(
        "mode".into(),
        Json::String(
            if addr.resource.mode == ResourceMode::Managed {
                "managed"
            } else {
                "data"
            }
            .into(),
        ),
    );
    obj.insert("type".into(), Json::String(addr.resource.ty.clone()));
    obj.insert("name".into(), Json::String(addr.resource.name.clone()));
    match r.each {
        EachMode::List => {
            obj.insert("each".into(), Json::String("list".into()));
        }
        EachMode::Map => {
            obj.insert("each".into(), Json::String("map".into()));
        }
        EachMode::None => {}
    }
    obj.insert("provider".into(), Json::String(r.provider.to_string()));
    let mut instances = Vec::new();
    for (key, inst) in &r.instances {
        if let Some((k, _)) = only {
            if k != key {
                continue;
            }
        }
        let want_current = only.is_none_or(|(_, d)| d.is_none());
        if want_current {
            if let Some(o) = &inst.current {
                instances.push(object_json(key, None, o));
            }
        }
        for (dk, o) in &inst.deposed {
            if only.is_none_or(|(_, d)| d == Some(dk.as_str())) {
                instances.push(object_json(key, Some(dk), o));
            }
        }
    }
    obj.insert("instances".into(), Json::Array(instances));
    Json::Object(obj)
}

fn object_json(key: &InstanceKey, deposed: Option<&str>, o: &ObjectState) -> Json {
    let mut obj = Map::new();
    match key {
        InstanceKey::None => {}
        InstanceKey::Int(i) => {
            obj.insert("index_key".into(), json!(i));
        }
        InstanceKey::Str(s) => {
            obj.insert("index_key".into(), json!(s));
        }
    }
    if o.status == ObjectStatus::Tainted {
        obj.insert("status".into(), json!("tainted"));
    }
    if let Some(d) = deposed {
        obj.insert("deposed".into(), json!(d));
    }
    obj.insert("schema_version".into(), json!(o.schema_version));
    obj.insert("attributes".into(), o.attributes.clone());
    obj.insert(
        "sensitive_attributes".into(),
        Json::Array(o.sensitive_paths.iter().map(path_json).collect()),
    );
    if !o.private.is_empty() {
        obj.insert("private".into(), json!(base64(&o.private)));
    }
    if !o.dependencies.is_empty() {
        obj.insert(
            "dependencies".into(),
            Json::Array(
                o.dependencies
                    .iter()
                    .map(|d| json!(d.to_string()))
                    .collect(),
            ),
        );
    }
    if o.create_before_destroy {
        obj.insert("create_before_destroy".into(), json!(true));
    }
    Json::Object(obj)
}

fn path_json(p: &Path) -> Json {
    Json::Array(
        p.0.iter()
            .map(|s| match s {
                PathStep::Attr(a) => json!({"type": "get_attr", "value": a}),
                PathStep::Key(k) => {
                    json!({"type": "index", "value": {"value": k, "type": "string"}})
                }
                PathStep::Index(i) => {
                    json!({"type": "index", "value": {"value": i, "type": "number"}})
                }
            })
            .collect(),
    )
}

fn parse_path(j: &Json) -> Option<Path> {
    let steps = j.as_array()?;
    let mut out = Vec::new();
    for s in steps {
        match s.get("type")?.as_str()? {
            "get_attr" => out.push(PathStep::Attr(s.get("value")?.as_str()?.to_string())),
            "index" => {
                let v = s.get("value")?;
                match v.get("type").and_then(Json::as_str) {
                    Some("string") => {
                        out.push(PathStep::Key(v.get("value")?.as_str()?.to_string()))
                    }
                    _ => out.push(PathStep::Index(v.get("value")?.as_i64()?)),
                }
            }
            _ => return None,
        }
    }
    Some(Path(out))
}

/// Parses a v4 (or v3-compatible) state document.
pub fn from_v4(text: &str) -> Result<State, StateFormatError> {
    let mut j: Json = serde_json::from_str(text)
        .map_err(|e| invalid(format!("the state file is not valid JSON: {e}")))?;
    let version = j
        .get("version")
        .and_then(Json::as_u64)
        .ok_or_else(|| invalid("the state file has no format version"))?;
    if version != 4 {
        return Err(StateFormatError::UnsupportedVersion(version));
    }
    let mut state = State {
        serial: j.get("serial").and_then(Json::as_u64).unwrap_or(0),
        lineage: j
            .get("lineage")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string(),
        ..State::default()
    };
    if let Some(outs) = j.get("outputs").and_then(Json::as_object) {
        for (name, o) in outs {
            state.outputs.insert(name.clone(), parse_output(o)?);
        }
    }
    if let Some(Json::Array(res)) = j.get_mut("resources").map(Json::take) {
        for r in res {
            merge_resource_json(&mut state, r)?;
        }
    }
    for i in j
        .get(INTENTS_FIELD)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let (addr, intent) = crate::Intent::from_json(i)
            .ok_or_else(|| invalid(format!("invalid {INTENTS_FIELD} item {i}")))?;
        state.intents.insert(addr, intent);
    }
    Ok(state)
}

/// Adds the instances of one v4 `resources` item to a state (taking their attributes, not copying
/// them).
pub(crate) fn merge_resource_json(state: &mut State, mut r: Json) -> Result<(), StateFormatError> {
    let instances = match r.get_mut("instances") {
        Some(Json::Array(a)) => std::mem::take(a),
        _ => Vec::new(),
    };
    let get = |k: &str| r.get(k).and_then(Json::as_str);
    let module = match get("module") {
        None | Some("") => ModuleInstance::root(),
        Some(m) => match parse_target(m) {
            Ok(Target::Module(mi)) => mi,
            _ => return Err(invalid(format!("invalid module address {m:?}"))),
        },
    };
    let mode = match get("mode") {
        Some("managed") => ResourceMode::Managed,
        Some("data") => ResourceMode::Data,
        other => return Err(invalid(format!("invalid resource mode {other:?}"))),
    };
    let ty = get("type").ok_or_else(|| invalid("resource without a type"))?;
    let name = get("name").ok_or_else(|| invalid("resource without a name"))?;
    let provider_text =
        get("provider").ok_or_else(|| invalid(format!("resource {ty}.{name} has no provider")))?;
    let provider = ProviderConfig::parse(provider_text)
        .ok_or_else(|| invalid(format!("invalid provider address {provider_text:?}")))?;
    let each = match get("each") {
        Some("list") => EachMode::List,
        Some("map") => EachMode::Map,
        _ => EachMode::None,
    };
    let addr = AbsResource {
        module,
        resource: Resource {
            mode,
            ty: ty.to_string(),
            name: name.to_string(),
        },
    };
    let entry = state.resources.entry(addr).or_insert_with(|| {
        Arc::new(ResourceState {
            provider: provider.clone(),
            each,
            instances: BTreeMap::new(),
        })
    });
    let entry = Arc::make_mut(entry);
    entry.provider = provider;
    entry.each = each;
    for mut inst in instances {
        let key = match inst.get("index_key") {
            None | Some(Json::Null) => InstanceKey::None,
            Some(Json::Number(n)) => {
                InstanceKey::Int(n.as_i64().ok_or_else(|| invalid("invalid index_key"))?)
            }
            Some(Json::String(s)) => InstanceKey::Str(s.clone()),
            Some(_) => return Err(invalid("invalid index_key")),
        };
        let obj = ObjectState {
            status: if inst.get("status").and_then(Json::as_str) == Some("tainted") {
                ObjectStatus::Tainted
            } else {
                ObjectStatus::Ready
            },
            schema_version: inst
                .get("schema_version")
                .and_then(Json::as_i64)
                .unwrap_or(0),
            attributes: match inst.get_mut("attributes").map(Json::take) {
                Some(a) => a,
                None => match inst.get("attributes_flat") {
                    Some(_) => {
                        return Err(invalid(
                            "flatmap attributes from Terraform 0.11 are not supported",
                        ));
                    }
                    None => Json::Object(Map::new()),
                },
            },
            sensitive_paths: inst
                .get("sensitive_attributes")
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(parse_path).collect())
                .unwrap_or_default(),
            private: inst
                .get("private")
                .and_then(Json::as_str)
                .and_then(unbase64)
                .unwrap_or_default(),
            dependencies: inst
                .get("dependencies")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|d| d.as_str())
                        .filter_map(|d| match parse_target(d) {
                            Ok(Target::Resource(r)) => Some(r),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            create_before_destroy: inst
                .get("create_before_destroy")
                .and_then(Json::as_bool)
                .unwrap_or(false),
        };
        let slot: &mut InstanceState = entry.instances.entry(key).or_default();
        match inst.get("deposed").and_then(Json::as_str) {
            Some(d) => {
                slot.deposed.insert(d.to_string(), Arc::new(obj));
            }
            None => slot.current = Some(Arc::new(obj)),
        }
    }
    Ok(())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            B64[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            B64[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

fn unbase64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let bytes: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        let mut pad = 0;
        for i in 0..4 {
            let c = *chunk.get(i).unwrap_or(&b'=');
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' | b'-' => 62,
                b'/' | b'_' => 63,
                b'=' => {
                    pad += 1;
                    0
                }
                _ => return None,
            };
            n = n << 6 | v as u32;
        }
        out.push((n >> 16) as u8);
        if pad < 2 {
            out.push((n >> 8) as u8);
        }
        if pad < 1 {
            out.push(n as u8);
        }
    }
    Some(out)
}
