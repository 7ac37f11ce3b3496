//! Provider addresses: the source address (`registry.terraform.io/hashicorp/null`) and a provider
//! configuration in a module (`provider["registry.terraform.io/hashicorp/aws"].west`).

use crate::ModulePath;
use std::fmt;

/// A provider's source address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provider {
    /// The registry host, `registry.terraform.io`.
    pub hostname: String,
    /// The namespace, `hashicorp`.
    pub namespace: String,
    /// The provider type, `null`.
    pub ty: String,
}

impl Provider {
    /// A provider in the default registry.
    pub fn new(namespace: &str, ty: &str) -> Provider {
        Provider {
            hostname: "registry.terraform.io".into(),
            namespace: namespace.into(),
            ty: ty.into(),
        }
    }

    /// The provider Terraform assumes for a local name with no `required_providers` entry.
    pub fn implied(local_name: &str) -> Provider {
        let namespace = if local_name == "terraform" {
            "builtin"
        } else {
            "hashicorp"
        };
        let hostname = if local_name == "terraform" {
            "terraform.io"
        } else {
            "registry.terraform.io"
        };
        Provider {
            hostname: hostname.into(),
            namespace: namespace.into(),
            ty: local_name.into(),
        }
    }

    /// Parses `hashicorp/null`, `registry.terraform.io/hashicorp/null` or `null`.
    pub fn parse(source: &str) -> Option<Provider> {
        let parts: Vec<&str> = source.split('/').collect();
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        };
        if !parts.iter().all(|p| valid(p)) {
            return None;
        }
        match parts.as_slice() {
            [ty] => Some(Provider::implied(&ty.to_lowercase())),
            [ns, ty] => Some(Provider::new(&ns.to_lowercase(), &ty.to_lowercase())),
            [host, ns, ty] => Some(Provider {
                hostname: host.to_lowercase(),
                namespace: ns.to_lowercase(),
                ty: ty.to_lowercase(),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.hostname, self.namespace, self.ty)
    }
}

/// A provider configuration: which module declares it, which provider, and its alias.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProviderConfig {
    /// The module whose `provider` block this is (or the root, for the default configuration).
    pub module: ModulePath,
    /// The provider.
    pub provider: Provider,
    /// The alias, for non-default configurations.
    pub alias: Option<String>,
}

impl ProviderConfig {
    /// Parses the state file form `provider["registry.terraform.io/hashicorp/null"]`, with an optional
    /// module prefix and alias suffix.
    pub fn parse(s: &str) -> Option<ProviderConfig> {
        let idx = s.find("provider[\"")?;
        let module_part = s[..idx].trim_end_matches('.');
        let module = if module_part.is_empty() {
            ModulePath::root()
        } else {
            ModulePath(
                module_part
                    .split('.')
                    .collect::<Vec<_>>()
                    .chunks(2)
                    .filter(|c| c.len() == 2 && c[0] == "module")
                    .map(|c| c[1].to_string())
                    .collect(),
            )
        };
        let rest = &s[idx + "provider[\"".len()..];
        let end = rest.find("\"]")?;
        let provider = Provider::parse(&rest[..end])?;
        let after = &rest[end + 2..];
        let alias = after.strip_prefix('.').map(str::to_string);
        Some(ProviderConfig {
            module,
            provider,
            alias,
        })
    }
}

impl fmt::Display for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "provider[\"{}\"]", self.provider)?;
        if let Some(a) = &self.alias {
            write!(f, ".{a}")?;
        }
        Ok(())
    }
}
