//! Resource addresses, from the static `null_resource.a` to `module.m[0].null_resource.a["k"]`.

use crate::{InstanceKey, ModuleInstance, ModulePath};
use std::fmt;

/// Managed resources (`resource` blocks) or data sources (`data` blocks). Data sources sort first, as
/// Terraform lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceMode {
    /// A `data` block.
    Data,
    /// A `resource` block.
    Managed,
}

/// A resource within a module: mode, type and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Resource {
    /// Managed or data.
    pub mode: ResourceMode,
    /// The resource type, `null_resource`.
    pub ty: String,
    /// The name given in configuration.
    pub name: String,
}

impl Resource {
    /// A managed resource.
    pub fn managed(ty: &str, name: &str) -> Resource {
        Resource {
            mode: ResourceMode::Managed,
            ty: ty.to_string(),
            name: name.to_string(),
        }
    }

    /// A data source.
    pub fn data(ty: &str, name: &str) -> Resource {
        Resource {
            mode: ResourceMode::Data,
            ty: ty.to_string(),
            name: name.to_string(),
        }
    }

    /// One instance of this resource.
    pub fn instance(&self, key: InstanceKey) -> ResourceInstance {
        ResourceInstance {
            resource: self.clone(),
            key,
        }
    }

    /// The name of the provider that implements this type, by Terraform's convention: the type's prefix
    /// before the first underscore (`null_resource` → `null`).
    pub fn implied_provider(&self) -> &str {
        self.ty.split('_').next().unwrap_or(&self.ty)
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            ResourceMode::Managed => write!(f, "{}.{}", self.ty, self.name),
            ResourceMode::Data => write!(f, "data.{}.{}", self.ty, self.name),
        }
    }
}

/// One instance of a resource within a module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceInstance {
    /// The resource.
    pub resource: Resource,
    /// Which instance.
    pub key: InstanceKey,
}

impl fmt::Display for ResourceInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.resource, self.key)
    }
}

/// A resource in a module instance.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsResource {
    /// The module instance.
    pub module: ModuleInstance,
    /// The resource.
    pub resource: Resource,
}

impl AbsResource {
    /// One instance of this resource.
    pub fn instance(&self, key: InstanceKey) -> AbsResourceInstance {
        AbsResourceInstance {
            module: self.module.clone(),
            resource: self.resource.instance(key),
        }
    }

    /// The resource in configuration, without instance keys.
    pub fn config(&self) -> ConfigResource {
        ConfigResource {
            module: self.module.module_path(),
            resource: self.resource.clone(),
        }
    }
}

impl fmt::Display for AbsResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module.is_root() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.module, self.resource)
        }
    }
}

/// One instance of a resource in a module instance: the address of an object in state.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsResourceInstance {
    /// The module instance.
    pub module: ModuleInstance,
    /// The resource instance.
    pub resource: ResourceInstance,
}

impl AbsResourceInstance {
    /// The resource this is an instance of.
    pub fn abs_resource(&self) -> AbsResource {
        AbsResource {
            module: self.module.clone(),
            resource: self.resource.resource.clone(),
        }
    }

    /// The resource in configuration.
    pub fn config(&self) -> ConfigResource {
        ConfigResource {
            module: self.module.module_path(),
            resource: self.resource.resource.clone(),
        }
    }

    /// The instance key.
    pub fn key(&self) -> &InstanceKey {
        &self.resource.key
    }

    /// Whether this is a data source instance.
    pub fn is_data(&self) -> bool {
        self.resource.resource.mode == ResourceMode::Data
    }
}

impl fmt::Display for AbsResourceInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module.is_root() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.module, self.resource)
        }
    }
}

/// A resource block in configuration: module path and resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigResource {
    /// The module.
    pub module: ModulePath,
    /// The resource.
    pub resource: Resource,
}

impl fmt::Display for ConfigResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module.is_root() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.module, self.resource)
        }
    }
}
