//! Argument defaults: the values that unset optional arguments take, as the plugin framework's
//! `Default` gives them.
//!
//! The SDK's generic planning keeps the prior value of an optional+computed argument that the
//! configuration leaves unset, and [`ResourceType::customize_plan`](terrane_provider_sdk::ResourceType)
//! does not see the configuration. A default must instead act as if it had been written in the
//! configuration: removing `special = false` from a `random_string` plans `special = true` and so a
//! replacement. [`WithDefaults`] wraps an [`SdkProvider`] and, before each plan, lets the resource type
//! fill in the configuration's unset arguments, copying what it filled into the proposed new state.

use async_trait::async_trait;
use std::collections::BTreeMap;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ConfigureResponse, ImportRequest,
    ImportResponse, PlanRequest, PlanResponse, Provider, ProviderSchema, ReadDataRequest,
    ReadDataResponse, ReadRequest, ReadResponse, ValidateRequest, ValidateResponse,
};
use terrane_provider_sdk::{SdkProvider, with_attr};
use terrane_values::Value;

/// Fills in the unset arguments of a configuration; an error when the configuration contradicts itself.
pub type FillDefaults = fn(&Value) -> Result<Value, Diagnostics>;

/// An [`SdkProvider`] whose resource types may give unset arguments default values.
pub struct WithDefaults {
    inner: SdkProvider,
    defaults: BTreeMap<&'static str, FillDefaults>,
}

impl WithDefaults {
    /// Wraps a provider; no resource type has defaults yet.
    pub fn new(inner: SdkProvider) -> WithDefaults {
        WithDefaults {
            inner,
            defaults: BTreeMap::new(),
        }
    }

    /// Registers the defaults of one resource type.
    pub fn defaults(mut self, type_name: &'static str, fill: FillDefaults) -> WithDefaults {
        self.defaults.insert(type_name, fill);
        self
    }
}

/// Sets each named attribute that is null in `config` to its default.
pub fn fill(config: &Value, defaults: &[(&str, Value)]) -> Value {
    let mut out = config.clone();
    for (name, default) in defaults {
        if config.get_attr(name).is_none_or(Value::is_null) {
            out = with_attr(&out, name, default.clone());
        }
    }
    out
}

/// Copies into `proposed` every attribute that `filled` sets and `config` left null.
fn apply_filled(proposed: &Value, config: &Value, filled: &Value) -> Value {
    let Some(attrs) = filled.as_map() else {
        return proposed.clone();
    };
    let mut out = proposed.clone();
    for (name, v) in attrs {
        let was_unset = config.get_attr(name).is_none_or(Value::is_null);
        if was_unset && !v.is_null() {
            out = with_attr(&out, name, v.clone());
        }
    }
    out
}

#[async_trait]
impl Provider for WithDefaults {
    fn schema(&self) -> ProviderSchema {
        self.inner.schema()
    }

    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse {
        self.inner.configure(req).await
    }

    fn validate(&self, req: ValidateRequest) -> ValidateResponse {
        self.inner.validate(req)
    }

    async fn read_resource(&self, req: ReadRequest) -> ReadResponse {
        self.inner.read_resource(req).await
    }

    async fn read_resources(&self, reqs: Vec<ReadRequest>) -> Vec<ReadResponse> {
        self.inner.read_resources(reqs).await
    }

    async fn plan_resource_change(&self, mut req: PlanRequest) -> PlanResponse {
        let fill_defaults = self.defaults.get(req.type_name.as_str());
        if let Some(fill_defaults) = fill_defaults
            && !req.proposed_new_state.is_null()
            && !req.config.is_null()
        {
            match fill_defaults(&req.config) {
                Ok(filled) => {
                    req.proposed_new_state =
                        apply_filled(&req.proposed_new_state, &req.config, &filled);
                    req.config = filled;
                }
                Err(diagnostics) => {
                    return PlanResponse {
                        diagnostics,
                        ..PlanResponse::default()
                    };
                }
            }
        }
        self.inner.plan_resource_change(req).await
    }

    async fn apply_resource_change(&self, req: ApplyRequest) -> ApplyResponse {
        self.inner.apply_resource_change(req).await
    }

    async fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        self.inner.import_resource(req).await
    }

    async fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        self.inner.read_data_source(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_sets_only_unset_attributes() {
        let config = Value::object_from([
            ("a", Value::null(terrane_values::Type::Bool)),
            ("b", Value::bool(false)),
        ]);
        let filled = fill(
            &config,
            &[("a", Value::bool(true)), ("b", Value::bool(true))],
        );
        assert_eq!(filled.get_attr("a"), Some(&Value::bool(true)));
        assert_eq!(filled.get_attr("b"), Some(&Value::bool(false)));
    }

    #[test]
    fn filled_defaults_replace_prior_values_in_the_proposal() {
        let config = Value::object_from([("a", Value::null(terrane_values::Type::Bool))]);
        let proposed = Value::object_from([("a", Value::bool(false))]);
        let filled = fill(&config, &[("a", Value::bool(true))]);
        assert_eq!(
            apply_filled(&proposed, &config, &filled).get_attr("a"),
            Some(&Value::bool(true))
        );
    }
}
