//! Graph nodes.

use std::fmt;
use terrane_addrs::{ConfigResource, ModulePath, ProviderConfig};

/// A node of the plan or apply graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// An input variable of a module (in every instance of the module).
    Variable(ModulePath, String),
    /// A local value.
    Local(ModulePath, String),
    /// An output value.
    Output(ModulePath, String),
    /// The expansion (`count`/`for_each`) of a module call: parent module path and call name.
    ModuleExpand(ModulePath, String),
    /// A provider configuration.
    Provider(ProviderConfig),
    /// A resource or data source: plan, or apply creates and updates.
    Resource(ConfigResource),
    /// A resource in state that the configuration no longer has: planned for deletion.
    Orphan(ConfigResource),
    /// Apply only: the deletions (and the destroy half of replacements) of a resource's instances.
    Destroy(ConfigResource),
}

fn prefix(f: &mut fmt::Formatter<'_>, m: &ModulePath) -> fmt::Result {
    if m.is_root() {
        Ok(())
    } else {
        write!(f, "{m}.")
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Variable(m, n) => {
                prefix(f, m)?;
                write!(f, "var.{n}")
            }
            Node::Local(m, n) => {
                prefix(f, m)?;
                write!(f, "local.{n}")
            }
            Node::Output(m, n) => {
                prefix(f, m)?;
                write!(f, "output.{n}")
            }
            Node::ModuleExpand(m, c) => {
                prefix(f, m)?;
                write!(f, "module.{c} (expand)")
            }
            Node::Provider(p) => write!(f, "{p}"),
            Node::Resource(r) => write!(f, "{r}"),
            Node::Orphan(r) => write!(f, "{r} (orphan)"),
            Node::Destroy(r) => write!(f, "{r} (destroy)"),
        }
    }
}
