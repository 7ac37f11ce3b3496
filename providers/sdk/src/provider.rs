//! [`SdkProvider`]: a provider assembled from resource types and data sources.

use crate::plan::plan_change;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ConfigureResponse, ImportRequest,
    ImportResponse, PlanRequest, PlanResponse, Provider, ProviderSchema, ReadDataRequest,
    ReadDataResponse, ReadRequest, ReadResponse, Schema, ValidateRequest, ValidateResponse,
};
use terrane_values::{Path, Value};

/// One managed resource type.
#[async_trait]
pub trait ResourceType: Send + Sync {
    /// The schema.
    fn schema(&self) -> Schema;

    /// Adjusts a plan after the generic planning (e.g. a `keepers` change forcing replacement). `prior`
    /// is null on create.
    fn customize_plan(
        &self,
        _prior: &Value,
        _planned: &mut Value,
        _requires_replace: &mut Vec<Path>,
    ) -> Diagnostics {
        Diagnostics::new()
    }

    /// Checks a configuration.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the object; returns its state (computed attributes filled in).
    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics>;

    /// Creates the object, reporting an object that exists even though creation then failed (so the
    /// engine records it, tainted, instead of losing it). The default calls [`ResourceType::create`].
    async fn create_partial(&self, planned: &Value) -> (Option<Value>, Diagnostics) {
        match self.create(planned).await {
            Ok(v) => (Some(v), Diagnostics::new()),
            Err(d) => (None, d),
        }
    }

    /// Reads the object; `None` when it no longer exists.
    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics>;

    /// Reads several objects at once (one answer per state, in order). Override for APIs that describe
    /// many objects per call; the default reads each on its own.
    async fn read_many(&self, states: &[Value]) -> Vec<Result<Option<Value>, Diagnostics>> {
        let mut out = Vec::with_capacity(states.len());
        for s in states {
            out.push(self.read(s).await);
        }
        out
    }

    /// Updates the object in place; returns its new state.
    async fn update(&self, _prior: &Value, planned: &Value) -> Result<Value, Diagnostics> {
        Ok(planned.clone())
    }

    /// Deletes the object.
    async fn delete(&self, state: &Value) -> Result<(), Diagnostics>;

    /// Imports an existing object by id; returns a state to be refreshed with `read`.
    async fn import(&self, _id: &str) -> Result<Value, Diagnostics> {
        Err(crate::error(
            "Resource import not supported",
            "This resource type does not support import.",
        ))
    }
}

/// One data source type.
#[async_trait]
pub trait DataSourceType: Send + Sync {
    /// The schema.
    fn schema(&self) -> Schema;

    /// Reads the data source.
    async fn read(&self, config: &Value) -> Result<Value, Diagnostics>;
}

/// A provider made of resource and data source types.
pub struct SdkProvider {
    provider_schema: Schema,
    resources: BTreeMap<String, Arc<dyn ResourceType>>,
    data_sources: BTreeMap<String, Arc<dyn DataSourceType>>,
}

impl SdkProvider {
    /// A provider with no configuration arguments.
    pub fn new() -> SdkProvider {
        SdkProvider {
            provider_schema: Schema::default(),
            resources: BTreeMap::new(),
            data_sources: BTreeMap::new(),
        }
    }

    /// Sets the provider configuration schema.
    pub fn with_provider_schema(mut self, schema: Schema) -> SdkProvider {
        self.provider_schema = schema;
        self
    }

    /// Adds a resource type.
    pub fn resource(mut self, name: &str, r: impl ResourceType + 'static) -> SdkProvider {
        self.resources.insert(name.to_string(), Arc::new(r));
        self
    }

    /// Adds a data source type.
    pub fn data_source(mut self, name: &str, d: impl DataSourceType + 'static) -> SdkProvider {
        self.data_sources.insert(name.to_string(), Arc::new(d));
        self
    }

    fn resource_type(&self, name: &str) -> Result<&Arc<dyn ResourceType>, Diagnostics> {
        self.resources.get(name).ok_or_else(|| {
            crate::error(
                "Unsupported resource type",
                format!("The provider does not support resource type {name:?}."),
            )
        })
    }
}

impl Default for SdkProvider {
    fn default() -> Self {
        SdkProvider::new()
    }
}

#[async_trait]
impl Provider for SdkProvider {
    fn schema(&self) -> ProviderSchema {
        ProviderSchema {
            provider: self.provider_schema.clone(),
            resources: self
                .resources
                .iter()
                .map(|(k, r)| (k.clone(), r.schema()))
                .collect(),
            data_sources: self
                .data_sources
                .iter()
                .map(|(k, d)| (k.clone(), d.schema()))
                .collect(),
        }
    }

    async fn configure(&self, _req: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse::default()
    }

    fn validate(&self, req: ValidateRequest) -> ValidateResponse {
        let diagnostics = match self.resources.get(&req.type_name) {
            Some(r) => r.validate(&req.config),
            None => Diagnostics::new(),
        };
        ValidateResponse { diagnostics }
    }

    async fn read_resource(&self, req: ReadRequest) -> ReadResponse {
        let r = match self.resource_type(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return ReadResponse {
                    new_state: req.prior_state,
                    diagnostics,
                    ..ReadResponse::default()
                };
            }
        };
        match r.read(&req.prior_state).await {
            Ok(Some(v)) => ReadResponse {
                new_state: v,
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => ReadResponse {
                new_state: Value::null(req.prior_state.ty()),
                private: Vec::new(),
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ReadResponse {
                new_state: req.prior_state,
                private: req.private,
                diagnostics,
            },
        }
    }

    async fn read_resources(&self, reqs: Vec<ReadRequest>) -> Vec<ReadResponse> {
        let Some(first) = reqs.first() else {
            return Vec::new();
        };
        let Ok(r) = self.resource_type(&first.type_name) else {
            let mut out = Vec::new();
            for req in reqs {
                out.push(self.read_resource(req).await);
            }
            return out;
        };
        if reqs.iter().any(|q| q.type_name != first.type_name) {
            let mut out = Vec::new();
            for req in reqs {
                out.push(self.read_resource(req).await);
            }
            return out;
        }
        let states: Vec<Value> = reqs.iter().map(|q| q.prior_state.clone()).collect();
        let results = r.read_many(&states).await;
        reqs.into_iter()
            .zip(results)
            .map(|(req, res)| match res {
                Ok(Some(v)) => ReadResponse {
                    new_state: v,
                    private: req.private,
                    diagnostics: Diagnostics::new(),
                },
                Ok(None) => ReadResponse {
                    new_state: Value::null(req.prior_state.ty()),
                    private: Vec::new(),
                    diagnostics: Diagnostics::new(),
                },
                Err(diagnostics) => ReadResponse {
                    new_state: req.prior_state,
                    private: req.private,
                    diagnostics,
                },
            })
            .collect()
    }

    async fn plan_resource_change(&self, req: PlanRequest) -> PlanResponse {
        let r = match self.resource_type(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return PlanResponse {
                    diagnostics,
                    ..PlanResponse::default()
                };
            }
        };
        let schema = r.schema();
        let planned = plan_change(
            &schema.block,
            &req.prior_state,
            &req.proposed_new_state,
            &req.config,
        );
        let mut state = planned.state;
        let mut requires_replace = planned.requires_replace;
        let mut diagnostics = Diagnostics::new();
        if !state.is_null() {
            let had_replace = !requires_replace.is_empty();
            diagnostics = r.customize_plan(&req.prior_state, &mut state, &mut requires_replace);
            if !had_replace && !requires_replace.is_empty() && !req.prior_state.is_null() {
                state = crate::plan::unknown_computed(&schema.block, &state, &req.config);
            }
        }
        PlanResponse {
            planned_state: state,
            requires_replace,
            planned_private: req.prior_private,
            diagnostics,
        }
    }

    async fn apply_resource_change(&self, req: ApplyRequest) -> ApplyResponse {
        let r = match self.resource_type(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return ApplyResponse {
                    new_state: req.prior_state,
                    diagnostics,
                    ..ApplyResponse::default()
                };
            }
        };
        let result = if req.planned_state.is_null() {
            r.delete(&req.prior_state)
                .await
                .map(|_| Value::null(req.prior_state.ty()))
        } else if req.prior_state.is_null() {
            let (state, diagnostics) = r.create_partial(&req.planned_state).await;
            return ApplyResponse {
                new_state: state.unwrap_or_else(|| Value::null(req.planned_state.ty())),
                private: req.planned_private,
                diagnostics,
            };
        } else {
            r.update(&req.prior_state, &req.planned_state).await
        };
        match result {
            Ok(v) => ApplyResponse {
                new_state: v,
                private: req.planned_private,
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ApplyResponse {
                new_state: req.prior_state,
                private: req.planned_private,
                diagnostics,
            },
        }
    }

    async fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let r = match self.resource_type(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return ImportResponse {
                    diagnostics,
                    ..ImportResponse::default()
                };
            }
        };
        match r.import(&req.id).await {
            Ok(v) => ImportResponse {
                imported: vec![(req.type_name, v)],
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ImportResponse {
                imported: Vec::new(),
                diagnostics,
            },
        }
    }

    async fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        let Some(d) = self.data_sources.get(&req.type_name) else {
            return ReadDataResponse {
                state: Value::null_dynamic(),
                diagnostics: crate::error(
                    "Unsupported data source",
                    format!(
                        "The provider does not support data source {:?}.",
                        req.type_name
                    ),
                ),
            };
        };
        match d.read(&req.config).await {
            Ok(state) => ReadDataResponse {
                state,
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ReadDataResponse {
                state: Value::null_dynamic(),
                diagnostics,
            },
        }
    }
}
