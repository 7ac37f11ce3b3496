//! Providers: which configuration manages each resource, the factory that makes provider instances,
//! and the schema cache.

use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_addrs::{ModulePath, Provider as ProviderAddr, ProviderConfig};
use terrane_config::Config;
use terrane_provider_api::{Provider, ProviderSchema};

/// Makes provider instances; the CLI supplies one that knows the built-in providers.
pub trait ProviderFactory: Send + Sync {
    /// A new instance of a provider, or `None` if terrane does not have it.
    fn instantiate(&self, addr: &ProviderAddr) -> Option<Arc<dyn Provider>>;
}

/// The provider configuration that serves `local_name`/`alias` in `module`: the module's own
/// `provider` block, one passed by the calling module block's `providers` argument, or the default
/// configuration inherited from the caller, up to the root.
pub fn resolve_provider(
    config: &Config,
    module: &ModulePath,
    local_name: &str,
    alias: Option<&str>,
) -> ProviderConfig {
    let Some(node) = config.module(module) else {
        return ProviderConfig {
            module: module.clone(),
            provider: ProviderAddr::implied(local_name),
            alias: alias.map(str::to_string),
        };
    };
    let m = &node.module;
    let source = m.provider_for_local_name(local_name);
    if m.providers
        .iter()
        .any(|p| p.name == local_name && p.alias.as_deref() == alias)
        || module.is_root()
    {
        return ProviderConfig {
            module: module.clone(),
            provider: source,
            alias: alias.map(str::to_string),
        };
    }
    let parent = module.parent().expect("non-root module has a parent");
    let call_name = module.0.last().expect("non-root");
    if let Some(call) = config
        .module(&parent)
        .and_then(|p| p.module.module_calls.get(call_name))
    {
        for ((child_name, child_alias), (parent_name, parent_alias)) in &call.providers {
            if child_name == local_name && child_alias.as_deref() == alias {
                return resolve_provider(config, &parent, parent_name, parent_alias.as_deref());
            }
        }
    }
    resolve_provider(config, &parent, local_name, alias)
}

/// Provider schemas by provider address, fetched once per provider type.
#[derive(Default, Clone)]
pub struct Schemas {
    by_provider: BTreeMap<ProviderAddr, Arc<ProviderSchema>>,
}

impl Schemas {
    /// Fetches (once) and returns a provider's schema.
    pub fn get_or_load(
        &mut self,
        addr: &ProviderAddr,
        factory: &dyn ProviderFactory,
    ) -> Option<Arc<ProviderSchema>> {
        if let Some(s) = self.by_provider.get(addr) {
            return Some(s.clone());
        }
        let p = factory.instantiate(addr)?;
        let s = Arc::new(p.schema());
        self.by_provider.insert(addr.clone(), s.clone());
        Some(s)
    }

    /// A loaded schema.
    pub fn get(&self, addr: &ProviderAddr) -> Option<&Arc<ProviderSchema>> {
        self.by_provider.get(addr)
    }
}
