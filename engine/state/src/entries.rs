//! State as backend entries: one entry per resource instance object and one per root output, so that
//! apply can persist each instance as it completes.

use crate::StateFormatError;
use crate::model::{Intent, ObjectState, OutputState, ResourceState, State};
use crate::v4::{merge_resource_json, output_json, parse_output, resource_json};
use std::collections::BTreeMap;
use terrane_addrs::AbsResourceInstance;
use terrane_state_api::Snapshot;

const RESOURCE_PREFIX: &str = "resource:";
const OUTPUT_PREFIX: &str = "output:";
const INTENT_PREFIX: &str = "intent:";

/// The entry key of an instance's current object, or of one of its deposed objects.
pub fn instance_key(addr: &AbsResourceInstance, deposed: Option<&str>) -> String {
    match deposed {
        Some(d) => format!("{RESOURCE_PREFIX}{addr}#{d}"),
        None => format!("{RESOURCE_PREFIX}{addr}"),
    }
}

/// The entry key of a root output.
pub fn output_key(name: &str) -> String {
    format!("{OUTPUT_PREFIX}{name}")
}

/// The entry key of an instance's create in flight.
pub fn intent_key(addr: &str) -> String {
    format!("{INTENT_PREFIX}{addr}")
}

/// The entry for an instance's create in flight.
pub fn intent_entry(addr: &str, intent: &Intent) -> (String, Vec<u8>) {
    (
        intent_key(addr),
        serde_json::to_vec(&intent.to_json(addr)).expect("intent JSON serializes"),
    )
}

/// The entry for one instance object of a resource.
pub fn instance_entry(
    addr: &AbsResourceInstance,
    resource: &ResourceState,
    deposed: Option<&str>,
    obj: &ObjectState,
) -> (String, Vec<u8>) {
    let mut r = ResourceState {
        provider: resource.provider.clone(),
        each: resource.each,
        instances: BTreeMap::new(),
    };
    let slot = r.instances.entry(addr.key().clone()).or_default();
    match deposed {
        Some(d) => {
            slot.deposed
                .insert(d.to_string(), std::sync::Arc::new(obj.clone()));
        }
        None => slot.current = Some(std::sync::Arc::new(obj.clone())),
    }
    let j = resource_json(&addr.abs_resource(), &r, Some((addr.key(), deposed)));
    (
        instance_key(addr, deposed),
        serde_json::to_vec(&j).expect("entry JSON serializes"),
    )
}

/// The entry for a root output.
pub fn output_entry(name: &str, o: &OutputState) -> (String, Vec<u8>) {
    (
        output_key(name),
        serde_json::to_vec(&output_json(o)).expect("output JSON serializes"),
    )
}

/// Rebuilds a state from a snapshot's entries.
pub fn from_snapshot(snap: &Snapshot) -> Result<State, StateFormatError> {
    let mut state = State {
        serial: snap.serial,
        lineage: snap.lineage.clone(),
        ..State::default()
    };
    for (key, data) in &snap.entries {
        let j: serde_json::Value = serde_json::from_slice(data).map_err(|e| {
            StateFormatError::Invalid(format!("entry {key:?} is not valid JSON: {e}"))
        })?;
        if let Some(name) = key.strip_prefix(OUTPUT_PREFIX) {
            state.outputs.insert(name.to_string(), parse_output(&j)?);
        } else if key.starts_with(RESOURCE_PREFIX) {
            merge_resource_json(&mut state, j)?;
        } else if key.starts_with(INTENT_PREFIX) {
            let (addr, intent) = Intent::from_json(&j).ok_or_else(|| {
                StateFormatError::Invalid(format!("entry {key:?} is not an intent"))
            })?;
            state.intents.insert(addr, intent);
        }
    }
    Ok(state)
}

/// Every entry of a state (for `state push` and migration).
pub fn to_entries(state: &State) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (name, o) in &state.outputs {
        let (k, v) = output_entry(name, o);
        out.insert(k, v);
    }
    for (addr, intent) in &state.intents {
        let (k, v) = intent_entry(addr, intent);
        out.insert(k, v);
    }
    for (addr, r) in &state.resources {
        for (key, inst) in &r.instances {
            let iaddr = addr.instance(key.clone());
            if let Some(o) = &inst.current {
                let (k, v) = instance_entry(&iaddr, r, None, o);
                out.insert(k, v);
            }
            for (dk, o) in &inst.deposed {
                let (k, v) = instance_entry(&iaddr, r, Some(dk), o);
                out.insert(k, v);
            }
        }
    }
    out
}

/// A snapshot of a state.
pub fn to_snapshot(state: &State) -> Snapshot {
    Snapshot {
        serial: state.serial,
        lineage: state.lineage.clone(),
        entries: to_entries(state),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EachMode;
    use terrane_addrs::{
        InstanceKey, ModuleInstance, ModulePath, Provider, ProviderConfig, Resource,
    };
    use terrane_values::{Type, Value};

    fn sample() -> State {
        let mut s = State::new("lin");
        s.serial = 7;
        let provider = ProviderConfig {
            module: ModulePath::root(),
            provider: Provider::new("hashicorp", "null"),
            alias: None,
        };
        let ty = Type::object([
            ("id".into(), Type::String),
            ("triggers".into(), Type::map(Type::String)),
        ]);
        for (m, key) in [
            (ModuleInstance::root(), InstanceKey::Int(0)),
            (
                ModuleInstance::root().child("m", InstanceKey::Str("a".into())),
                InstanceKey::None,
            ),
        ] {
            let addr = terrane_addrs::AbsResource {
                module: m,
                resource: Resource::managed("null_resource", "r"),
            }
            .instance(key);
            let v = Value::object_from([
                ("id", Value::string("123")),
                (
                    "triggers",
                    Value::map(
                        Type::String,
                        [("pw".to_string(), Value::string("x").sensitive())].into(),
                    ),
                ),
            ]);
            let obj = ObjectState::from_value(&v, &ty, 0).unwrap();
            s.set_object(&addr, &provider, EachMode::List, Some(obj));
        }
        s.outputs.insert(
            "o".into(),
            OutputState {
                value: Value::string("v"),
                sensitive: true,
            },
        );
        s
    }

    #[test]
    fn entries_round_trip() {
        let s = sample();
        let snap = to_snapshot(&s);
        assert_eq!(snap.entries.len(), 3);
        let back = from_snapshot(&snap).unwrap();
        assert_eq!(crate::v4::to_v4(&back), crate::v4::to_v4(&s));
    }

    #[test]
    fn v4_round_trips_and_keeps_sensitive_paths() {
        let s = sample();
        let text = crate::v4::to_v4_text(&s);
        assert!(text.contains("\"sensitive_attributes\""));
        let back = crate::v4::from_v4(&text).unwrap();
        assert_eq!(crate::v4::to_v4(&back), crate::v4::to_v4(&s));
        let obj = back.instances().next().unwrap().2.clone();
        let ty = Type::object([
            ("id".into(), Type::String),
            ("triggers".into(), Type::map(Type::String)),
        ]);
        let v = obj.value(&ty).unwrap();
        assert!(v.get_attr("triggers").unwrap().as_map().unwrap()["pw"].is_sensitive());
    }

    #[test]
    fn creates_in_flight_round_trip_through_entries_and_the_v4_document() {
        let mut s = sample();
        s.intents.insert(
            "null_resource.b[\"x\"]".into(),
            Intent {
                action: "create".into(),
                provider: "provider[\"registry.terraform.io/hashicorp/null\"]".into(),
                started: "2026-11-22T08:00:00Z".into(),
            },
        );
        let snap = to_snapshot(&s);
        assert!(snap.entries.contains_key("intent:null_resource.b[\"x\"]"));
        assert_eq!(from_snapshot(&snap).unwrap().intents, s.intents);
        let text = crate::v4::to_v4_text(&s);
        assert!(text.contains("\"terrane_intents\""));
        assert_eq!(crate::v4::from_v4(&text).unwrap().intents, s.intents);
        // Without creates in flight the document is exactly Terraform's.
        assert!(!crate::v4::to_v4_text(&sample()).contains("terrane_intents"));
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert!(crate::v4::from_v4("{\"version\": 4, \"resources\": [").is_err());
        assert!(matches!(
            crate::v4::from_v4("{\"version\": 5}"),
            Err(StateFormatError::UnsupportedVersion(5))
        ));
    }
}
