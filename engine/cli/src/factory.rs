//! The providers this binary has.

use std::sync::Arc;
use terrane_addrs::Provider as ProviderAddr;
use terrane_core::ProviderFactory;
use terrane_provider_api::Provider;

/// Makes instances of the built-in providers.
pub struct BuiltinFactory {
    registry: Vec<(ProviderAddr, terrane_provider_builtin::Factory)>,
}

impl BuiltinFactory {
    /// Every provider built into terrane: the built-in utility providers and AWS.
    pub fn new() -> BuiltinFactory {
        let mut registry = terrane_provider_builtin::registry();
        registry.push((ProviderAddr::new("hashicorp", "aws"), || {
            Arc::new(terrane_provider_aws::provider())
        }));
        BuiltinFactory { registry }
    }
}

impl ProviderFactory for BuiltinFactory {
    fn instantiate(&self, addr: &ProviderAddr) -> Option<Arc<dyn Provider>> {
        self.registry
            .iter()
            .find(|(a, _)| a.namespace == addr.namespace && a.ty == addr.ty)
            .map(|(_, f)| f())
    }
}
