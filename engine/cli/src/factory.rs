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

/// A factory that keeps every provider instance it made, so that after an operation the command
/// can ask them how many API calls they made, and list remote objects through the configured ones.
pub struct Recording {
    inner: BuiltinFactory,
    made: std::sync::Mutex<Vec<(ProviderAddr, Arc<dyn Provider>)>>,
}

impl Recording {
    /// Records the instances of the built-in providers.
    pub fn new() -> Recording {
        Recording {
            inner: BuiltinFactory::new(),
            made: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The instances made so far, with their provider's address.
    pub fn instances(&self) -> Vec<(ProviderAddr, Arc<dyn Provider>)> {
        self.made.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The API calls of every instance, by operation name.
    pub fn usage(&self) -> terrane_provider_api::Usage {
        let mut total = terrane_provider_api::Usage::default();
        for (_, p) in self.instances() {
            let u = p.usage();
            total.api_calls += u.api_calls;
            for (op, n) in u.by_operation {
                *total.by_operation.entry(op).or_default() += n;
            }
        }
        total
    }
}

impl ProviderFactory for Recording {
    fn instantiate(&self, addr: &ProviderAddr) -> Option<Arc<dyn Provider>> {
        let p = self.inner.instantiate(addr)?;
        if let Ok(mut m) = self.made.lock() {
            m.push((addr.clone(), p.clone()));
        }
        Some(p)
    }
}
