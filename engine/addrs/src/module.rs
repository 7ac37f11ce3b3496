//! Module addresses: the static path of a module call in configuration, and an expanded instance.

use crate::InstanceKey;
use std::fmt;

/// A module in the configuration tree, by the names of the calls that lead to it; empty for the root.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModulePath(pub Vec<String>);

impl ModulePath {
    /// The root module.
    pub fn root() -> ModulePath {
        ModulePath(Vec::new())
    }

    /// Whether this is the root module.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path of a module called from this one.
    pub fn child(&self, name: &str) -> ModulePath {
        let mut p = self.0.clone();
        p.push(name.to_string());
        ModulePath(p)
    }

    /// The calling module's path, unless this is the root.
    pub fn parent(&self) -> Option<ModulePath> {
        if self.0.is_empty() {
            return None;
        }
        Some(ModulePath(self.0[..self.0.len() - 1].to_vec()))
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
        }
        Ok(())
    }
}

/// One step of a module instance address: a call name and the instance key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstanceStep {
    /// The module call's name.
    pub name: String,
    /// Which instance of the call.
    pub key: InstanceKey,
}

/// An expanded module instance, `module.a[0].module.b`; empty for the root. Shallower instances sort
/// first, as Terraform orders them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ModuleInstance(pub Vec<ModuleInstanceStep>);

impl Ord for ModuleInstance {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for ModuleInstance {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl ModuleInstance {
    /// The root module instance.
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }

    /// Whether this is the root module instance.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// An instance of a module called from this one.
    pub fn child(&self, name: &str, key: InstanceKey) -> ModuleInstance {
        let mut p = self.0.clone();
        p.push(ModuleInstanceStep {
            name: name.to_string(),
            key,
        });
        ModuleInstance(p)
    }

    /// The static module path, without instance keys.
    pub fn module_path(&self) -> ModulePath {
        ModulePath(self.0.iter().map(|s| s.name.clone()).collect())
    }

    /// The calling module instance and the last step, unless this is the root.
    pub fn split_last(&self) -> Option<(ModuleInstance, &ModuleInstanceStep)> {
        let (last, rest) = self.0.split_last()?;
        Some((ModuleInstance(rest.to_vec()), last))
    }

    /// Whether `self` is `other` or inside it.
    pub fn is_within(&self, other: &ModuleInstance) -> bool {
        self.0.len() >= other.0.len() && self.0[..other.0.len()] == other.0[..]
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}{}", step.name, step.key)?;
        }
        Ok(())
    }
}
