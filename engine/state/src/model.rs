//! The in-memory state model.

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_addrs::{AbsResource, AbsResourceInstance, InstanceKey, ProviderConfig};
use terrane_values::{Path, Type, Value};

/// Everything recorded about managed infrastructure.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Incremented by every write session.
    pub serial: u64,
    /// Fixed when the state is first created; states of different lineages are unrelated.
    pub lineage: String,
    /// Root module outputs.
    pub outputs: BTreeMap<String, OutputState>,
    /// Resources by address, shared (`Arc`) like their objects, so that copying a state copies only
    /// this map; changing a resource of a copy copies that resource.
    pub resources: BTreeMap<AbsResource, Arc<ResourceState>>,
    /// Creates that were started and never finished: recorded before the provider is asked to create
    /// an object and removed, in the same write as the object, when it answers. One left behind means
    /// terrane was stopped mid-create and the object may exist without being recorded.
    pub intents: BTreeMap<String, Intent>,
}

/// A create in flight, by instance address (as the user writes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    /// What was being done: `create` (also the create step of a replacement).
    pub action: String,
    /// The provider configuration doing it, as in the state's `provider` field.
    pub provider: String,
    /// When it started, RFC 3339 UTC.
    pub started: String,
}

impl Intent {
    /// The intent's JSON form (in state entries and the v4 document).
    pub fn to_json(&self, addr: &str) -> Json {
        serde_json::json!({
            "address": addr,
            "action": self.action,
            "provider": self.provider,
            "started": self.started,
        })
    }

    /// Parses [`Intent::to_json`]'s form: the address and the intent.
    pub fn from_json(j: &Json) -> Option<(String, Intent)> {
        let s = |k: &str| j.get(k).and_then(Json::as_str).map(str::to_string);
        Some((
            s("address")?,
            Intent {
                action: s("action")?,
                provider: s("provider").unwrap_or_default(),
                started: s("started").unwrap_or_default(),
            },
        ))
    }
}

/// A root output value.
#[derive(Clone, Debug)]
pub struct OutputState {
    /// The value (never unknown).
    pub value: Value,
    /// Whether it is sensitive.
    pub sensitive: bool,
}

/// How a resource's instances are keyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EachMode {
    /// A single instance.
    #[default]
    None,
    /// `count`.
    List,
    /// `for_each`.
    Map,
}

/// A resource and its instances.
#[derive(Clone, Debug)]
pub struct ResourceState {
    /// The provider configuration that manages it.
    pub provider: ProviderConfig,
    /// How instances are keyed.
    pub each: EachMode,
    /// The instances.
    pub instances: BTreeMap<InstanceKey, InstanceState>,
}

/// One instance: its current object and any deposed objects awaiting destruction.
///
/// Objects are shared (`Arc`): a plan holds the state as it was read, as moved and as refreshed, and
/// copies of a state share every object that none of them changed.
#[derive(Clone, Debug, Default)]
pub struct InstanceState {
    /// The current object.
    pub current: Option<Arc<ObjectState>>,
    /// Objects replaced under `create_before_destroy` but not yet destroyed, by deposed key.
    pub deposed: BTreeMap<String, Arc<ObjectState>>,
}

/// Whether an object is usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ObjectStatus {
    /// Created successfully.
    #[default]
    Ready,
    /// Must be replaced by the next apply (failed creation, or `taint`).
    Tainted,
}

/// A remote object as recorded.
#[derive(Clone, Debug, Default)]
pub struct ObjectState {
    /// Ready or tainted.
    pub status: ObjectStatus,
    /// The schema version the attributes were written with.
    pub schema_version: i64,
    /// The attributes, as JSON of the resource type's schema.
    pub attributes: Json,
    /// Paths of attributes that are sensitive.
    pub sensitive_paths: Vec<Path>,
    /// Provider-private data.
    pub private: Vec<u8>,
    /// The resources this object depended on when it was last changed.
    pub dependencies: Vec<AbsResource>,
    /// Whether it was created under `create_before_destroy`.
    pub create_before_destroy: bool,
}

impl ObjectState {
    /// Decodes the attributes as a value of the given schema type, with sensitive marks restored.
    pub fn value(&self, ty: &Type) -> Result<Value, terrane_values::json::JsonError> {
        let v = terrane_values::json::from_json(&self.attributes, ty)?;
        if self.sensitive_paths.is_empty() {
            return Ok(v);
        }
        let marks: Vec<(Path, terrane_values::Marks)> = self
            .sensitive_paths
            .iter()
            .map(|p| (p.clone(), terrane_values::Marks::SENSITIVE))
            .collect();
        Ok(v.mark_paths(&marks))
    }

    /// Builds an object from a (known) value of the given schema type; marks become sensitive paths.
    pub fn from_value(
        v: &Value,
        ty: &Type,
        schema_version: i64,
    ) -> Result<ObjectState, terrane_values::json::JsonError> {
        let (plain, paths) = v.clone().unmark_deep_with_paths();
        let attributes = terrane_values::json::to_json_typed(&plain, ty)?;
        Ok(ObjectState {
            schema_version,
            attributes,
            sensitive_paths: paths
                .into_iter()
                .filter(|(_, m)| m.is_sensitive())
                .map(|(p, _)| p)
                .collect(),
            ..ObjectState::default()
        })
    }
}

impl State {
    /// An empty state with a new lineage.
    pub fn new(lineage: impl Into<String>) -> State {
        State {
            lineage: lineage.into(),
            ..State::default()
        }
    }

    /// The current object of an instance.
    pub fn object(&self, addr: &AbsResourceInstance) -> Option<&ObjectState> {
        self.resources
            .get(&addr.abs_resource())?
            .instances
            .get(addr.key())?
            .current
            .as_deref()
    }

    /// The current object of an instance, shared.
    pub fn object_arc(&self, addr: &AbsResourceInstance) -> Option<&Arc<ObjectState>> {
        self.resources
            .get(&addr.abs_resource())?
            .instances
            .get(addr.key())?
            .current
            .as_ref()
    }

    /// The resource of an instance.
    pub fn resource(&self, addr: &AbsResource) -> Option<&ResourceState> {
        self.resources.get(addr).map(Arc::as_ref)
    }

    /// Sets (or with `None` removes) the current object of an instance. Removing the last object of a
    /// resource removes the resource.
    pub fn set_object(
        &mut self,
        addr: &AbsResourceInstance,
        provider: &ProviderConfig,
        each: EachMode,
        obj: Option<ObjectState>,
    ) {
        self.set_shared_object(addr, provider, each, obj.map(Arc::new));
    }

    /// [`State::set_object`] with an object that may be shared with other states.
    pub fn set_shared_object(
        &mut self,
        addr: &AbsResourceInstance,
        provider: &ProviderConfig,
        each: EachMode,
        obj: Option<Arc<ObjectState>>,
    ) {
        let res_addr = addr.abs_resource();
        match obj {
            Some(o) => {
                let r = self.resources.entry(res_addr).or_insert_with(|| {
                    Arc::new(ResourceState {
                        provider: provider.clone(),
                        each,
                        instances: BTreeMap::new(),
                    })
                });
                let r = Arc::make_mut(r);
                r.provider = provider.clone();
                r.each = each;
                r.instances.entry(addr.key().clone()).or_default().current = Some(o);
            }
            None => {
                if let Some(r) = self.resources.get_mut(&res_addr).map(Arc::make_mut) {
                    if let Some(i) = r.instances.get_mut(addr.key()) {
                        i.current = None;
                        if i.deposed.is_empty() {
                            r.instances.remove(addr.key());
                        }
                    }
                    if r.instances.is_empty() {
                        self.resources.remove(&res_addr);
                    }
                }
            }
        }
    }

    /// Sets (or with `None` removes) a deposed object of an instance.
    pub fn set_deposed(
        &mut self,
        addr: &AbsResourceInstance,
        key: &str,
        provider: &ProviderConfig,
        each: EachMode,
        obj: Option<Arc<ObjectState>>,
    ) {
        let res_addr = addr.abs_resource();
        match obj {
            Some(o) => {
                let r = self.resources.entry(res_addr).or_insert_with(|| {
                    Arc::new(ResourceState {
                        provider: provider.clone(),
                        each,
                        instances: BTreeMap::new(),
                    })
                });
                let r = Arc::make_mut(r);
                r.instances
                    .entry(addr.key().clone())
                    .or_default()
                    .deposed
                    .insert(key.to_string(), o);
            }
            None => {
                if let Some(r) = self.resources.get_mut(&res_addr).map(Arc::make_mut) {
                    if let Some(i) = r.instances.get_mut(addr.key()) {
                        i.deposed.remove(key);
                        if i.current.is_none() && i.deposed.is_empty() {
                            r.instances.remove(addr.key());
                        }
                    }
                    if r.instances.is_empty() {
                        self.resources.remove(&res_addr);
                    }
                }
            }
        }
    }

    /// Every instance address with a current object.
    pub fn instances(
        &self,
    ) -> impl Iterator<Item = (AbsResourceInstance, &ResourceState, &ObjectState)> + '_ {
        self.resources.iter().flat_map(|(addr, r)| {
            r.instances.iter().filter_map(move |(k, i)| {
                i.current
                    .as_deref()
                    .map(|o| (addr.instance(k.clone()), r.as_ref(), o))
            })
        })
    }

    /// The resources in state grouped by their configuration address (module path without keys).
    pub fn by_config(
        &self,
    ) -> std::collections::HashMap<terrane_addrs::ConfigResource, Vec<AbsResource>> {
        let mut out: std::collections::HashMap<_, Vec<AbsResource>> =
            std::collections::HashMap::new();
        for addr in self.resources.keys() {
            out.entry(addr.config()).or_default().push(addr.clone());
        }
        out
    }

    /// Whether there are no resources (outputs aside).
    pub fn has_no_resources(&self) -> bool {
        self.resources.is_empty()
    }

    /// The number of resource instances with a current object.
    pub fn instance_count(&self) -> usize {
        self.resources
            .values()
            .map(|r| r.instances.values().filter(|i| i.current.is_some()).count())
            .sum()
    }
}
