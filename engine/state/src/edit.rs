//! Edits the state commands make: move objects to another address, forget them, mark them tainted,
//! change their provider. Each edit checks everything before changing anything.

use crate::model::{EachMode, InstanceState, ObjectStatus, ResourceState, State};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_addrs::{
    AbsResource, AbsResourceInstance, InstanceKey, ModuleInstance, Provider, Target,
};

/// Why an edit cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    /// Nothing in the state matches the address.
    #[error("no objects in the state match `{0}`")]
    NoMatch(String),
    /// The destination is already in use.
    #[error("the destination `{0}` already exists in the state")]
    DestinationExists(String),
    /// The move is not one that keeps the objects meaningful.
    #[error("cannot move `{from}` to `{to}`: {reason}")]
    InvalidMove {
        /// The source address.
        from: String,
        /// The destination address.
        to: String,
        /// Why.
        reason: String,
    },
}

/// The each-mode that instance keys imply.
fn each_for(key: &InstanceKey) -> EachMode {
    match key {
        InstanceKey::None => EachMode::None,
        InstanceKey::Int(_) => EachMode::List,
        InstanceKey::Str(_) => EachMode::Map,
    }
}

impl State {
    /// Every instance address (with a current or deposed object) that `target` covers.
    pub fn matching(&self, target: &Target) -> Vec<AbsResourceInstance> {
        self.resources
            .iter()
            .flat_map(|(addr, r)| r.instances.keys().map(move |k| addr.instance(k.clone())))
            .filter(|a| target.contains(a))
            .collect()
    }

    /// Forgets every object `target` covers; returns the instances removed.
    pub fn remove_matching(
        &mut self,
        target: &Target,
    ) -> Result<Vec<AbsResourceInstance>, EditError> {
        let found = self.matching(target);
        if found.is_empty() {
            return Err(EditError::NoMatch(target.to_string()));
        }
        for a in &found {
            let res = a.abs_resource();
            if let Some(r) = self.resources.get_mut(&res).map(Arc::make_mut) {
                r.instances.remove(a.key());
                if r.instances.is_empty() {
                    self.resources.remove(&res);
                }
            }
        }
        Ok(found)
    }

    /// Moves objects, Terraform's `state mv`: an instance to another instance address, a resource to
    /// another resource address, a module instance to another, or a resource into a module. Returns
    /// each move as (from, to).
    pub fn move_objects(
        &mut self,
        from: &Target,
        to: &Target,
    ) -> Result<Vec<(String, String)>, EditError> {
        let invalid = |reason: &str| EditError::InvalidMove {
            from: from.to_string(),
            to: to.to_string(),
            reason: reason.to_string(),
        };
        // Pairs of (source instance, destination instance).
        let mut pairs: Vec<(AbsResourceInstance, AbsResourceInstance)> = Vec::new();
        let mut whole: Option<(AbsResource, AbsResource)> = None;
        match (from, to) {
            (Target::Module(src), Target::Module(dst)) => {
                if dst.is_within(src) {
                    return Err(invalid("a module cannot move into itself"));
                }
                for a in self.matching(from) {
                    let rest = ModuleInstance(a.module.0[src.0.len()..].to_vec());
                    let mut module = dst.clone();
                    module.0.extend(rest.0);
                    pairs.push((
                        a.clone(),
                        AbsResourceInstance {
                            module,
                            resource: a.resource.clone(),
                        },
                    ));
                }
            }
            (Target::Module(_), _) => return Err(invalid("a module can only move to a module")),
            (Target::Resource(src), Target::Resource(dst)) => {
                whole = Some((src.clone(), dst.clone()));
            }
            (Target::Resource(src), Target::Module(m)) => {
                whole = Some((
                    src.clone(),
                    AbsResource {
                        module: m.clone(),
                        resource: src.resource.clone(),
                    },
                ));
            }
            (Target::Resource(src), Target::Instance(dst)) => {
                let keys: Vec<_> = self
                    .resources
                    .get(src)
                    .map(|r| r.instances.keys().cloned().collect())
                    .unwrap_or_default();
                match keys.as_slice() {
                    [only] => pairs.push((src.instance(only.clone()), dst.clone())),
                    [] => return Err(EditError::NoMatch(from.to_string())),
                    _ => {
                        return Err(invalid(
                            "the resource has several instances; name one, or move the whole resource to a resource address",
                        ));
                    }
                }
            }
            (Target::Instance(src), Target::Instance(dst)) => {
                pairs.push((src.clone(), dst.clone()))
            }
            (Target::Instance(src), Target::Module(m)) => pairs.push((
                src.clone(),
                AbsResourceInstance {
                    module: m.clone(),
                    resource: src.resource.clone(),
                },
            )),
            (Target::Instance(src), Target::Resource(dst)) => {
                pairs.push((src.clone(), dst.instance(InstanceKey::None)))
            }
        }
        if let Some((src, dst)) = whole {
            let Some(r) = self.resources.get(&src) else {
                return Err(EditError::NoMatch(from.to_string()));
            };
            if src.resource.ty != dst.resource.ty || src.resource.mode != dst.resource.mode {
                return Err(invalid("resource types do not match"));
            }
            if self.resources.contains_key(&dst) {
                return Err(EditError::DestinationExists(dst.to_string()));
            }
            let r = r.clone();
            self.resources.remove(&src);
            self.resources.insert(dst.clone(), r);
            return Ok(vec![(src.to_string(), dst.to_string())]);
        }
        if pairs.is_empty() {
            return Err(EditError::NoMatch(from.to_string()));
        }
        // Check everything first.
        for (s, d) in &pairs {
            let exists = self
                .resources
                .get(&s.abs_resource())
                .is_some_and(|r| r.instances.contains_key(s.key()));
            if !exists {
                return Err(EditError::NoMatch(s.to_string()));
            }
            if s.resource.resource.ty != d.resource.resource.ty
                || s.resource.resource.mode != d.resource.resource.mode
            {
                return Err(invalid("resource types do not match"));
            }
            let taken = self
                .resources
                .get(&d.abs_resource())
                .is_some_and(|r| r.instances.contains_key(d.key()));
            if taken && !pairs.iter().any(|(s2, _)| s2 == d) {
                return Err(EditError::DestinationExists(d.to_string()));
            }
        }
        let mut taken: Vec<(AbsResourceInstance, ResourceState, InstanceState)> = Vec::new();
        for (s, d) in &pairs {
            let res = s.abs_resource();
            let r = Arc::make_mut(self.resources.get_mut(&res).expect("checked"));
            let inst = r.instances.remove(s.key()).expect("checked");
            let shape = ResourceState {
                provider: r.provider.clone(),
                each: r.each,
                instances: BTreeMap::new(),
            };
            if r.instances.is_empty() {
                self.resources.remove(&res);
            }
            taken.push((d.clone(), shape, inst));
        }
        for (d, shape, inst) in taken {
            let r = self.resources.entry(d.abs_resource()).or_insert_with(|| {
                Arc::new(ResourceState {
                    provider: shape.provider.clone(),
                    each: each_for(d.key()),
                    instances: BTreeMap::new(),
                })
            });
            let r = Arc::make_mut(r);
            r.each = each_for(d.key());
            r.instances.insert(d.key().clone(), inst);
        }
        Ok(pairs
            .into_iter()
            .map(|(s, d)| (s.to_string(), d.to_string()))
            .collect())
    }

    /// Sets the status of an instance's current object (`taint`, `untaint`).
    pub fn set_status(
        &mut self,
        addr: &AbsResourceInstance,
        status: ObjectStatus,
    ) -> Result<(), EditError> {
        let obj = self
            .resources
            .get_mut(&addr.abs_resource())
            .and_then(|r| Arc::make_mut(r).instances.get_mut(addr.key()))
            .and_then(|i| i.current.as_mut().map(Arc::make_mut))
            .ok_or_else(|| EditError::NoMatch(addr.to_string()))?;
        obj.status = status;
        Ok(())
    }

    /// Replaces a provider by another in every resource it manages; returns those resources.
    pub fn replace_provider(&mut self, from: &Provider, to: &Provider) -> Vec<AbsResource> {
        let mut changed = Vec::new();
        for (addr, r) in &mut self.resources {
            if &r.provider.provider == from {
                Arc::make_mut(r).provider.provider = to.clone();
                changed.push(addr.clone());
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectState;
    use terrane_addrs::{ProviderConfig, parse_target};

    fn state() -> State {
        let mut s = State::new("l");
        let p = ProviderConfig {
            module: Default::default(),
            provider: Provider::new("hashicorp", "null"),
            alias: None,
        };
        for a in [
            "null_resource.a",
            "null_resource.b[0]",
            "null_resource.b[1]",
            "module.m.null_resource.c",
        ] {
            let addr = terrane_addrs::parse_resource_instance(a).unwrap();
            let each = each_for(addr.key());
            s.set_object(&addr, &p, each, Some(ObjectState::default()));
        }
        s
    }

    fn list(s: &State) -> Vec<String> {
        s.matching(&parse_target("module.x").unwrap()); // exercise the empty case
        s.resources
            .iter()
            .flat_map(|(a, r)| {
                r.instances
                    .keys()
                    .map(move |k| a.instance(k.clone()).to_string())
            })
            .collect()
    }

    fn t(s: &str) -> Target {
        parse_target(s).unwrap()
    }

    #[test]
    fn moves_instances_resources_and_modules() {
        let mut s = state();
        s.move_objects(&t("null_resource.a"), &t("null_resource.z[\"k\"]"))
            .unwrap();
        s.move_objects(&t("null_resource.b"), &t("null_resource.c"))
            .unwrap();
        s.move_objects(&t("module.m"), &t("module.n[0]")).unwrap();
        assert_eq!(
            list(&s),
            [
                "null_resource.c[0]",
                "null_resource.c[1]",
                "null_resource.z[\"k\"]",
                "module.n[0].null_resource.c"
            ]
        );
        assert_eq!(s.resources.values().next().unwrap().each, EachMode::List);
    }

    #[test]
    fn refuses_bad_moves_without_changing_anything() {
        let mut s = state();
        let before = list(&s);
        assert!(matches!(
            s.move_objects(&t("null_resource.a"), &t("null_resource.b[0]")),
            Err(EditError::DestinationExists(_))
        ));
        assert!(matches!(
            s.move_objects(&t("null_resource.a"), &t("random_id.a")),
            Err(EditError::InvalidMove { .. })
        ));
        assert!(matches!(
            s.move_objects(&t("null_resource.nope"), &t("null_resource.x")),
            Err(EditError::NoMatch(_))
        ));
        assert_eq!(list(&s), before);
    }

    #[test]
    fn removes_taints_and_replaces_providers() {
        let mut s = state();
        assert_eq!(s.remove_matching(&t("null_resource.b")).unwrap().len(), 2);
        assert!(s.remove_matching(&t("null_resource.b")).is_err());
        let a = terrane_addrs::parse_resource_instance("null_resource.a").unwrap();
        s.set_status(&a, ObjectStatus::Tainted).unwrap();
        assert_eq!(s.object(&a).unwrap().status, ObjectStatus::Tainted);
        let to = Provider::new("acme", "null");
        assert_eq!(
            s.replace_provider(&Provider::new("hashicorp", "null"), &to)
                .len(),
            2
        );
        assert!(s.resources.values().all(|r| r.provider.provider == to));
    }
}
