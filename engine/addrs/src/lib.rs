//! Addresses: immutable, comparable names for the objects terrane manages, displayed in the syntax users
//! type (`module.net.aws_subnet.private["a"]`).
//!
//! Static addresses ([`ModulePath`], [`ConfigResource`]) name objects in configuration; absolute ones
//! ([`ModuleInstance`], [`AbsResourceInstance`]) name objects after `count` and `for_each` expansion.
#![deny(missing_docs)]

mod instance_key;
mod module;
mod parse;
mod provider;
mod resource;

pub use instance_key::InstanceKey;
pub use module::{ModuleInstance, ModuleInstanceStep, ModulePath};
pub use parse::{ParseError, Target, parse_resource_instance, parse_target};
pub use provider::{Provider, ProviderConfig};
pub use resource::{
    AbsResource, AbsResourceInstance, ConfigResource, Resource, ResourceInstance, ResourceMode,
};

/// An output value of a module instance.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsOutput {
    /// The module instance.
    pub module: ModuleInstance,
    /// The output name.
    pub name: String,
}

impl std::fmt::Display for AbsOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.module.is_root() {
            write!(f, "output.{}", self.name)
        } else {
            write!(f, "{}.output.{}", self.module, self.name)
        }
    }
}

#[cfg(test)]
mod tests;
