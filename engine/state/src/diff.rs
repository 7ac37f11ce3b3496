//! What changed between two states (`state diff A B`): objects added, removed and changed, with the
//! attributes that changed. Sensitive values are never shown.

use crate::model::{ObjectState, ObjectStatus, State};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use terrane_values::{Path, PathStep};

/// How an object or output differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffKind {
    /// Only in the newer state.
    Added,
    /// Only in the older state.
    Removed,
    /// In both, different.
    Changed,
}

/// One changed attribute: its path and the old and new values as JSON text (`None` when absent,
/// `(sensitive value)` when sensitive in either state).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeChange {
    /// `triggers.name`, `tags["env"]`.
    pub path: String,
    /// The old value.
    pub old: Option<String>,
    /// The new value.
    pub new: Option<String>,
}

/// One object (or root output, as `output.NAME`) that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectDiff {
    /// The address, with ` (deposed KEY)` for deposed objects.
    pub address: String,
    /// Added, removed or changed.
    pub kind: DiffKind,
    /// For changed objects, what changed.
    pub changes: Vec<AttributeChange>,
}

struct Item<'a> {
    obj: Option<&'a ObjectState>,
    provider: String,
    value: Json,
    sensitive: bool,
}

fn items(state: &State) -> BTreeMap<String, Item<'_>> {
    let mut out = BTreeMap::new();
    for (addr, r) in &state.resources {
        for (key, inst) in &r.instances {
            let ia = addr.instance(key.clone());
            let mut objs: Vec<(String, &ObjectState)> = Vec::new();
            if let Some(o) = &inst.current {
                objs.push((ia.to_string(), o));
            }
            for (d, o) in &inst.deposed {
                objs.push((format!("{ia} (deposed {d})"), o));
            }
            for (name, o) in objs {
                out.insert(
                    name,
                    Item {
                        obj: Some(o),
                        provider: r.provider.to_string(),
                        value: o.attributes.clone(),
                        sensitive: false,
                    },
                );
            }
        }
    }
    for (name, o) in &state.outputs {
        let (plain, _) = o.value.clone().unmark_deep();
        out.insert(
            format!("output.{name}"),
            Item {
                obj: None,
                provider: String::new(),
                value: terrane_values::json::to_json(&plain).unwrap_or(Json::Null),
                sensitive: o.sensitive,
            },
        );
    }
    out
}

/// The differences from `old` to `new`, in address order.
pub fn diff(old: &State, new: &State) -> Vec<ObjectDiff> {
    let a = items(old);
    let b = items(new);
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        match (a.get(name), b.get(name)) {
            (None, Some(_)) => out.push(ObjectDiff {
                address: name.clone(),
                kind: DiffKind::Added,
                changes: Vec::new(),
            }),
            (Some(_), None) => out.push(ObjectDiff {
                address: name.clone(),
                kind: DiffKind::Removed,
                changes: Vec::new(),
            }),
            (Some(x), Some(y)) => {
                let changes = compare_items(x, y);
                if !changes.is_empty() {
                    out.push(ObjectDiff {
                        address: name.clone(),
                        kind: DiffKind::Changed,
                        changes,
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn compare_items(x: &Item<'_>, y: &Item<'_>) -> Vec<AttributeChange> {
    let mut changes = Vec::new();
    if x.provider != y.provider {
        changes.push(AttributeChange {
            path: "(provider)".into(),
            old: Some(x.provider.clone()),
            new: Some(y.provider.clone()),
        });
    }
    if let (Some(ox), Some(oy)) = (x.obj, y.obj) {
        if ox.status != oy.status {
            let s = |o: &ObjectState| {
                Some(
                    if o.status == ObjectStatus::Tainted {
                        "tainted"
                    } else {
                        "ready"
                    }
                    .to_string(),
                )
            };
            changes.push(AttributeChange {
                path: "(status)".into(),
                old: s(ox),
                new: s(oy),
            });
        }
    }
    let sensitive: Vec<&Path> = [x.obj, y.obj]
        .into_iter()
        .flatten()
        .flat_map(|o| o.sensitive_paths.iter())
        .collect();
    let hidden = x.sensitive || y.sensitive;
    compare(
        &x.value,
        &y.value,
        &mut Vec::new(),
        &sensitive,
        hidden,
        &mut changes,
    );
    changes
}

fn covered(path: &[PathStep], sensitive: &[&Path]) -> bool {
    let same = |a: &PathStep, b: &PathStep| match (a, b) {
        (PathStep::Attr(x) | PathStep::Key(x), PathStep::Attr(y) | PathStep::Key(y)) => x == y,
        (PathStep::Index(x), PathStep::Index(y)) => x == y,
        _ => false,
    };
    sensitive
        .iter()
        .any(|p| p.0.len() <= path.len() && p.0.iter().zip(path).all(|(a, b)| same(a, b)))
}

fn render_path(path: &[PathStep]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            PathStep::Attr(a) if s.is_empty() => s.push_str(a),
            PathStep::Attr(a) => {
                s.push('.');
                s.push_str(a);
            }
            PathStep::Key(k) => s.push_str(&format!("[{k:?}]")),
            PathStep::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    if s.is_empty() { "(value)".into() } else { s }
}

fn compare(
    a: &Json,
    b: &Json,
    path: &mut Vec<PathStep>,
    sensitive: &[&Path],
    hidden: bool,
    out: &mut Vec<AttributeChange>,
) {
    if a == b {
        return;
    }
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                path.push(if path.is_empty() {
                    PathStep::Attr(k.clone())
                } else {
                    PathStep::Key(k.clone())
                });
                let null = Json::Null;
                compare(
                    x.get(k).unwrap_or(&null),
                    y.get(k).unwrap_or(&null),
                    path,
                    sensitive,
                    hidden,
                    out,
                );
                path.pop();
            }
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                path.push(PathStep::Index(i as i64));
                compare(p, q, path, sensitive, hidden, out);
                path.pop();
            }
        }
        _ => {
            let masked = hidden || covered(path, sensitive);
            let show = |v: &Json| {
                if v.is_null() {
                    None
                } else if masked {
                    Some("(sensitive value)".to_string())
                } else {
                    Some(v.to_string())
                }
            };
            out.push(AttributeChange {
                path: render_path(path),
                old: show(a),
                new: show(b),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EachMode, OutputState};
    use serde_json::json;
    use terrane_addrs::{Provider, ProviderConfig, parse_resource_instance};
    use terrane_values::Value;

    fn with(objs: &[(&str, Json, bool)]) -> State {
        let mut s = State::new("l");
        let p = ProviderConfig {
            module: Default::default(),
            provider: Provider::new("hashicorp", "null"),
            alias: None,
        };
        for (a, attrs, secret) in objs {
            let obj = ObjectState {
                attributes: attrs.clone(),
                sensitive_paths: if *secret {
                    vec![Path(vec![PathStep::Attr("triggers".into())])]
                } else {
                    vec![]
                },
                ..Default::default()
            };
            s.set_object(
                &parse_resource_instance(a).unwrap(),
                &p,
                EachMode::None,
                Some(obj),
            );
        }
        s
    }

    #[test]
    fn lists_added_removed_and_changed_attributes() {
        let old = with(&[
            (
                "null_resource.a",
                json!({"id": "1", "triggers": {"x": "1"}}),
                false,
            ),
            ("null_resource.gone", json!({"id": "2"}), false),
        ]);
        let mut new = with(&[
            (
                "null_resource.a",
                json!({"id": "1", "triggers": {"x": "2"}}),
                false,
            ),
            ("null_resource.new", json!({"id": "3"}), false),
        ]);
        new.outputs.insert(
            "o".into(),
            OutputState {
                value: Value::string("v"),
                sensitive: false,
            },
        );
        let d = diff(&old, &new);
        let summary: Vec<(String, DiffKind)> =
            d.iter().map(|x| (x.address.clone(), x.kind)).collect();
        assert_eq!(
            summary,
            [
                ("null_resource.a".to_string(), DiffKind::Changed),
                ("null_resource.gone".to_string(), DiffKind::Removed),
                ("null_resource.new".to_string(), DiffKind::Added),
                ("output.o".to_string(), DiffKind::Added),
            ]
        );
        assert_eq!(
            d[0].changes,
            [AttributeChange {
                path: "triggers[\"x\"]".into(),
                old: Some("\"1\"".into()),
                new: Some("\"2\"".into()),
            }]
        );
    }

    #[test]
    fn sensitive_values_are_masked() {
        let old = with(&[("null_resource.a", json!({"triggers": {"pw": "old"}}), true)]);
        let new = with(&[("null_resource.a", json!({"triggers": {"pw": "new"}}), true)]);
        let d = diff(&old, &new);
        assert_eq!(d[0].changes[0].new.as_deref(), Some("(sensitive value)"));
        assert!(diff(&old, &old).is_empty());
    }
}
