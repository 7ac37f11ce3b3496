//! The values computed during a walk: module expansions, variables, locals, outputs and resources,
//! owned by the walk's driver and read when building evaluation scopes.

use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use terrane_addrs::{AbsResource, InstanceKey, ModuleInstance, ModulePath};
use terrane_state::EachMode;
use terrane_values::Value;

/// How an instance of a module or resource was repeated: what `count.index` or `each` mean inside it.
#[derive(Clone, Debug)]
pub enum Repetition {
    /// Neither `count` nor `for_each`.
    Single,
    /// `count`, with this index.
    Count(i64),
    /// `for_each`, with this key and value.
    Each(String, Value),
    /// Validating: one stand-in for every instance, its `count.index` or `each` unknown.
    Unknown,
}

impl Repetition {
    /// The instance key this repetition gives.
    pub fn key(&self) -> InstanceKey {
        match self {
            Repetition::Single | Repetition::Unknown => InstanceKey::None,
            Repetition::Count(i) => InstanceKey::Int(*i),
            Repetition::Each(k, _) => InstanceKey::Str(k.clone()),
        }
    }
}

/// The expanded instances of a resource in one module instance.
#[derive(Clone, Debug)]
pub struct Expansion {
    /// How the instances are keyed.
    pub each: EachMode,
    /// Each instance's repetition data, in key order.
    pub instances: Vec<Repetition>,
}

/// Everything computed so far in a walk.
#[derive(Default)]
pub struct EvalState {
    /// The instances of each module path, once expanded (the root is always expanded).
    pub modules: BTreeMap<ModulePath, Vec<ModuleInstance>>,
    /// The repetition of each module instance (for `count.index`/`each` in the call's arguments).
    pub module_repetition: HashMap<ModuleInstance, Repetition>,
    /// Module instances whose expansion is not known (unknown count or for_each).
    pub unknown_modules: Vec<ModulePath>,
    /// Input variable values by module instance and name.
    pub variables: HashMap<(ModuleInstance, String), Value>,
    /// Local values.
    pub locals: HashMap<(ModuleInstance, String), Value>,
    /// Output values.
    pub outputs: HashMap<(ModuleInstance, String), Value>,
    /// Each resource's value as expressions see it: an object, a tuple (count) or an object of
    /// instances (for_each).
    pub resources: HashMap<AbsResource, Value>,
}

impl EvalState {
    /// A state where only the root module is expanded.
    pub fn new() -> EvalState {
        let mut s = EvalState::default();
        s.modules
            .insert(ModulePath::root(), vec![ModuleInstance::root()]);
        s.module_repetition
            .insert(ModuleInstance::root(), Repetition::Single);
        s
    }

    /// The instances of a module path (empty when not yet or never expanded).
    pub fn module_instances(&self, path: &ModulePath) -> Vec<ModuleInstance> {
        self.modules.get(path).cloned().unwrap_or_default()
    }

    /// Records the value of a resource in a module instance from its instances' values, with
    /// `absent` as the value of a single-instance resource that has no object.
    pub fn set_resource_or(
        &mut self,
        addr: AbsResource,
        each: EachMode,
        instances: BTreeMap<InstanceKey, Value>,
        absent: Value,
    ) {
        let v = match each {
            EachMode::None => instances.into_values().next().unwrap_or(absent),
            EachMode::List => Value::tuple(instances.into_values().collect()),
            EachMode::Map => Value::object(
                instances
                    .into_iter()
                    .map(|(k, v)| {
                        let key = match k {
                            InstanceKey::Str(s) => s,
                            other => other.to_string(),
                        };
                        (key, v)
                    })
                    .collect(),
            ),
        };
        self.resources.insert(addr, v);
    }
}
