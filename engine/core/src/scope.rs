//! Building the names an expression sees in a module instance, from what the walk has computed.

use crate::eval_state::{EvalState, Repetition};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use terrane_addrs::{AbsResource, InstanceKey, ModuleInstance, ResourceMode};
use terrane_config::Config;
use terrane_config::refs::RefSubject;
use terrane_values::{Type, Value};

/// What is constant for a whole run: the working directory and the workspace name.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// `path.cwd`.
    pub cwd: String,
    /// `terraform.workspace`.
    pub workspace: String,
}

/// The root names for expressions in `module` that make the references `refs`, with `rep` giving
/// `count.index` or `each`.
pub fn build_scope(
    config: &Config,
    state: &EvalState,
    run: &RunInfo,
    module: &ModuleInstance,
    refs: &[RefSubject],
    rep: &Repetition,
) -> terrane_lang::Names {
    let mut vars: BTreeMap<String, Value> = BTreeMap::new();
    let mut locals: BTreeMap<String, Value> = BTreeMap::new();
    let mut modules: BTreeMap<String, Value> = BTreeMap::new();
    let mut managed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut data: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut out = HashMap::default();
    let unknown = Value::dynamic_unknown;
    for r in refs {
        match r {
            RefSubject::Variable(n) => {
                vars.insert(
                    n.clone(),
                    state
                        .variables
                        .get(&(module.clone(), n.clone()))
                        .cloned()
                        .unwrap_or_else(unknown),
                );
            }
            RefSubject::Local(n) => {
                locals.insert(
                    n.clone(),
                    state
                        .locals
                        .get(&(module.clone(), n.clone()))
                        .cloned()
                        .unwrap_or_else(unknown),
                );
            }
            RefSubject::ModuleCall(c, _) | RefSubject::ModuleOutput(c, _, _) => {
                if !modules.contains_key(c) {
                    modules.insert(c.clone(), module_value(config, state, module, c));
                }
            }
            RefSubject::Resource(res) | RefSubject::ResourceInstance(res, _) => {
                let addr = AbsResource {
                    module: module.clone(),
                    resource: res.clone(),
                };
                let v = state.resources.get(&addr).cloned().unwrap_or_else(unknown);
                let table = if res.mode == ResourceMode::Data {
                    &mut data
                } else {
                    &mut managed
                };
                table
                    .entry(res.ty.clone())
                    .or_default()
                    .insert(res.name.clone(), v);
            }
            RefSubject::CountIndex => {
                if let Repetition::Count(i) = rep {
                    out.insert(
                        "count".to_string(),
                        Value::object_from([("index", Value::int(*i))]),
                    );
                } else if let Repetition::Unknown = rep {
                    out.insert(
                        "count".to_string(),
                        Value::object_from([("index", Value::unknown(Type::Number))]),
                    );
                }
            }
            RefSubject::EachKey | RefSubject::EachValue => {
                if let Repetition::Each(k, v) = rep {
                    out.insert(
                        "each".to_string(),
                        Value::object_from([("key", Value::string(k)), ("value", v.clone())]),
                    );
                } else if let Repetition::Unknown = rep {
                    out.insert(
                        "each".to_string(),
                        Value::object_from([
                            ("key", Value::unknown(Type::String)),
                            ("value", Value::dynamic_unknown()),
                        ]),
                    );
                }
            }
            RefSubject::PathModule | RefSubject::PathRoot | RefSubject::PathCwd => {
                let dir = config
                    .module(&module.module_path())
                    .map_or(".".to_string(), |n| n.dir_display.clone());
                out.insert(
                    "path".to_string(),
                    Value::object_from([
                        ("module", Value::string(dir)),
                        ("root", Value::string(".")),
                        ("cwd", Value::string(&run.cwd)),
                    ]),
                );
            }
            RefSubject::TerraformWorkspace => {
                out.insert(
                    "terraform".to_string(),
                    Value::object_from([("workspace", Value::string(&run.workspace))]),
                );
            }
            RefSubject::SelfRef => {}
        }
    }
    if !vars.is_empty() {
        out.insert("var".into(), Value::object(vars));
    }
    if !locals.is_empty() {
        out.insert("local".into(), Value::object(locals));
    }
    if !modules.is_empty() {
        out.insert("module".into(), Value::object(modules));
    }
    for (ty, names) in managed {
        out.insert(ty, Value::object(names));
    }
    if !data.is_empty() {
        out.insert(
            "data".into(),
            Value::object(
                data.into_iter()
                    .map(|(k, v)| (k, Value::object(v)))
                    .collect(),
            ),
        );
    }
    out
}

/// The value of `module.NAME` in `module`: the outputs of its instance, or a tuple or object of them.
fn module_value(config: &Config, state: &EvalState, module: &ModuleInstance, call: &str) -> Value {
    let child_path = module.module_path().child(call);
    let Some(child_cfg) = config.module(&child_path) else {
        return Value::dynamic_unknown();
    };
    let Some(call_cfg) = config
        .module(&module.module_path())
        .and_then(|m| m.module.module_calls.get(call))
    else {
        return Value::dynamic_unknown();
    };
    if !state.modules.contains_key(&child_path) || state.unknown_modules.contains(&child_path) {
        return Value::dynamic_unknown();
    }
    let instances: Vec<ModuleInstance> = state
        .module_instances(&child_path)
        .into_iter()
        .filter(|i| i.split_last().is_some_and(|(parent, _)| parent == *module))
        .collect();
    let outputs_of = |inst: &ModuleInstance| -> Value {
        Value::object(
            child_cfg
                .module
                .outputs
                .iter()
                .map(|(name, o)| {
                    let v = state
                        .outputs
                        .get(&(inst.clone(), name.clone()))
                        .cloned()
                        .unwrap_or_else(Value::dynamic_unknown);
                    let v = if o.sensitive { v.sensitive() } else { v };
                    (name.clone(), v)
                })
                .collect(),
        )
    };
    if call_cfg.count.is_some() {
        Value::tuple(instances.iter().map(outputs_of).collect())
    } else if call_cfg.for_each.is_some() {
        Value::object(
            instances
                .iter()
                .map(|i| {
                    let key = match &i.0.last().expect("child instance").key {
                        InstanceKey::Str(s) => s.clone(),
                        k => k.to_string(),
                    };
                    (key, outputs_of(i))
                })
                .collect(),
        )
    } else {
        instances
            .first()
            .map(outputs_of)
            .unwrap_or_else(|| Value::null(Type::Dynamic))
    }
}
