//! [`AwsProvider`]: the Provider interface over the resource and data source types, with the clients
//! built when the provider is configured.

use crate::client::{ApiCalls, Aws};
use crate::json::{Json, from_json, to_json};
use crate::resource::{DataSource, Resource};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider_api::schema::{Attribute, Block, Nesting};
use terrane_provider_api::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ConfigureResponse, ImportRequest,
    ImportResponse, ListPart, ListRequest, ListResponse, ManagedIdentity, PlanRequest,
    PlanResponse, Provider, ProviderSchema, ReadDataRequest, ReadDataResponse, ReadRequest,
    ReadResponse, Schema, Usage, ValidateRequest, ValidateResponse,
};
use terrane_provider_sdk::error;
use terrane_values::{Type, Value};

/// The AWS provider.
pub struct AwsProvider {
    resources: BTreeMap<&'static str, Arc<dyn Resource>>,
    data_sources: BTreeMap<&'static str, Arc<dyn DataSource>>,
    aws: OnceLock<Arc<Aws>>,
    calls: ApiCalls,
    patience: Option<crate::retry::Patience>,
}

impl AwsProvider {
    /// A provider with no types yet.
    pub fn new() -> AwsProvider {
        AwsProvider {
            resources: BTreeMap::new(),
            data_sources: BTreeMap::new(),
            aws: OnceLock::new(),
            calls: ApiCalls::default(),
            patience: None,
        }
    }

    /// Overrides the delays and timeouts of retries and polls (tests against an emulator).
    pub fn with_patience(mut self, patience: crate::retry::Patience) -> AwsProvider {
        self.patience = Some(patience);
        self
    }

    /// Adds a resource type.
    pub fn resource(mut self, name: &'static str, r: impl Resource + 'static) -> AwsProvider {
        self.resources.insert(name, Arc::new(r));
        self
    }

    /// Adds a data source type.
    pub fn data_source(mut self, name: &'static str, d: impl DataSource + 'static) -> AwsProvider {
        self.data_sources.insert(name, Arc::new(d));
        self
    }

    /// The counter of the AWS API calls this provider instance made.
    pub fn api_calls(&self) -> ApiCalls {
        self.calls.clone()
    }

    /// The configured clients.
    pub fn aws(&self) -> Result<&Arc<Aws>, Diagnostics> {
        self.aws.get().ok_or_else(|| {
            error(
                "Provider not configured",
                "The AWS provider must be configured before it is used.",
            )
        })
    }

    fn resource_type(&self, name: &str) -> Result<&Arc<dyn Resource>, Diagnostics> {
        self.resources.get(name).ok_or_else(|| {
            error(
                "Unsupported resource type",
                format!("The AWS provider does not support resource type {name:?}."),
            )
        })
    }

    fn block_of(r: &dyn Resource) -> Block {
        let b = r.schema();
        if r.timeouts().is_none() {
            return b;
        }
        let t = Block::default()
            .attr("create", Attribute::optional(Type::String))
            .attr("update", Attribute::optional(Type::String))
            .attr("delete", Attribute::optional(Type::String));
        b.nested("timeouts", Nesting::Single, t)
    }

    fn defaults_of(r: &dyn Resource, block: &Block) -> Value {
        let mut m = BTreeMap::new();
        if let Json::Object(o) = r.defaults() {
            for (k, v) in o {
                if let Some(a) = block.attributes.get(&k)
                    && let Ok(v) = from_json(&v, &a.ty)
                {
                    m.insert(k, v);
                }
            }
        }
        Value::object(m)
    }

    /// Converts a resource type's JSON to a state value shaped like `like`.
    fn state(block: &Block, j: &Json, like: &Value) -> Result<Value, Diagnostics> {
        let v = from_json(j, &block.implied_type())?;
        Ok(crate::plan::normalize_like(block, &v, like))
    }
}

impl Default for AwsProvider {
    fn default() -> AwsProvider {
        AwsProvider::new()
    }
}

#[async_trait]
impl Provider for AwsProvider {
    fn schema(&self) -> ProviderSchema {
        ProviderSchema {
            provider: crate::config::schema(),
            resources: self
                .resources
                .iter()
                .map(|(k, r)| {
                    let block = AwsProvider::block_of(r.as_ref());
                    (k.to_string(), Schema { version: 0, block })
                })
                .collect(),
            data_sources: self
                .data_sources
                .iter()
                .map(|(k, d)| {
                    (
                        k.to_string(),
                        Schema {
                            version: 0,
                            block: d.schema(),
                        },
                    )
                })
                .collect(),
        }
    }

    fn usage(&self) -> Usage {
        let by_operation: BTreeMap<String, u64> = self
            .calls
            .snapshot()
            .into_iter()
            .map(|(k, n)| (k, n as u64))
            .collect();
        Usage {
            api_calls: by_operation.values().sum(),
            by_operation,
        }
    }

    async fn list_resources(&self, req: ListRequest) -> ListResponse {
        // An instance that was never configured (one made only for its schemas) lists nothing.
        match self.aws.get() {
            Some(aws) => crate::inventory::list(aws, &req.filters, req.part).await,
            None => ListResponse::default(),
        }
    }

    fn list_scopes(&self) -> Vec<(ListPart, Option<String>)> {
        match self.aws.get() {
            Some(aws) => vec![
                (ListPart::Regional, aws.scope(true)),
                (ListPart::Global, aws.scope(false)),
            ],
            None => Vec::new(),
        }
    }

    fn managed_identity(&self, type_name: &str, state: &Value) -> ManagedIdentity {
        let Some(r) = self.resources.get(type_name) else {
            return ManagedIdentity::default();
        };
        ManagedIdentity {
            import_id: r.import_id(&to_json(state)),
            inline_blocks: r.inline_blocks().iter().map(|b| b.to_string()).collect(),
        }
    }

    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse {
        let cfg = to_json(&req.config);
        match crate::config::connect(&cfg, &self.calls).await {
            Ok(mut aws) => {
                if let Some(p) = self.patience {
                    aws.patience = p;
                }
                let _ = self.aws.set(Arc::new(aws));
                ConfigureResponse::default()
            }
            Err(diagnostics) => ConfigureResponse { diagnostics },
        }
    }

    fn validate(&self, req: ValidateRequest) -> ValidateResponse {
        let Some(r) = self.resources.get(req.type_name.as_str()) else {
            return ValidateResponse::default();
        };
        let cfg = to_json(&req.config);
        let mut diagnostics = r.validate(&cfg);
        if let Some(t) = crate::json::block(&cfg, "timeouts") {
            for op in ["create", "update", "delete"] {
                if let Some(text) = crate::json::s(t, op)
                    && !crate::wait::is_duration(text)
                {
                    diagnostics.push(Diagnostic::error(
                        "Invalid timeout",
                        format!(
                            "timeouts.{op} {text:?} is not a duration such as \"30m\" or \"1h30m\""
                        ),
                    ));
                }
            }
        }
        ValidateResponse { diagnostics }
    }

    async fn read_resource(&self, req: ReadRequest) -> ReadResponse {
        let mut resps = self.read_resources(vec![req]).await;
        resps.pop().unwrap_or_default()
    }

    async fn read_resources(&self, reqs: Vec<ReadRequest>) -> Vec<ReadResponse> {
        let fail = |reqs: Vec<ReadRequest>, d: Diagnostics| {
            reqs.into_iter()
                .map(|q| ReadResponse {
                    new_state: q.prior_state,
                    private: q.private,
                    diagnostics: d.clone(),
                })
                .collect()
        };
        let Some(first) = reqs.first() else {
            return Vec::new();
        };
        let aws = match self.aws() {
            Ok(a) => a.clone(),
            Err(d) => return fail(reqs, d),
        };
        let r = match self.resource_type(&first.type_name) {
            Ok(r) => r.clone(),
            Err(d) => return fail(reqs, d),
        };
        let block = AwsProvider::block_of(r.as_ref());
        let states: Vec<Json> = reqs.iter().map(|q| to_json(&q.prior_state)).collect();
        let results = r.read_many(&aws, &states).await;
        reqs.into_iter()
            .zip(results)
            .map(|(q, res)| {
                match res.and_then(|o| match o {
                    Some(j) => AwsProvider::state(&block, &j, &q.prior_state).map(Some),
                    None => Ok(None),
                }) {
                    Ok(Some(v)) => ReadResponse {
                        new_state: v,
                        private: q.private,
                        diagnostics: Diagnostics::new(),
                    },
                    Ok(None) => ReadResponse {
                        new_state: Value::null(q.prior_state.ty()),
                        private: Vec::new(),
                        diagnostics: Diagnostics::new(),
                    },
                    Err(diagnostics) => ReadResponse {
                        new_state: q.prior_state,
                        private: q.private,
                        diagnostics,
                    },
                }
            })
            .collect()
    }

    async fn plan_resource_change(&self, req: PlanRequest) -> PlanResponse {
        if req.proposed_new_state.is_null() {
            return PlanResponse {
                planned_state: req.proposed_new_state,
                planned_private: req.prior_private,
                ..PlanResponse::default()
            };
        }
        let r = match self.resource_type(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return PlanResponse {
                    diagnostics,
                    ..PlanResponse::default()
                };
            }
        };
        let block = AwsProvider::block_of(r.as_ref());
        let defaults = AwsProvider::defaults_of(r.as_ref(), &block);
        let no_tags = crate::tags::Tags::new();
        let default_tags = self.aws.get().map_or(&no_tags, |a| &a.default_tags);
        let mut proposed = req.proposed_new_state.clone();
        crate::plan::keep_unconfigured(
            r.computed_blocks(),
            &req.prior_state,
            &req.config,
            &mut proposed,
        );
        let (planned, config) = crate::plan::plan(
            &block,
            &defaults,
            default_tags,
            &req.prior_state,
            &proposed,
            &req.config,
        );
        let mut state = planned.state;
        let mut requires_replace = planned.requires_replace;
        let had_replace = !requires_replace.is_empty();
        let diagnostics =
            r.customize_plan(&req.prior_state, &config, &mut state, &mut requires_replace);
        if !had_replace && !requires_replace.is_empty() && !req.prior_state.is_null() {
            state = crate::plan::unknown_computed(&block, &state, &config);
        }
        PlanResponse {
            planned_state: state,
            requires_replace,
            planned_private: req.prior_private,
            diagnostics,
        }
    }

    async fn apply_resource_change(&self, req: ApplyRequest) -> ApplyResponse {
        let failed = |d: Diagnostics, state: Value| ApplyResponse {
            new_state: state,
            private: Vec::new(),
            diagnostics: d,
        };
        let (aws, r) = match (self.aws(), self.resource_type(&req.type_name)) {
            (Ok(a), Ok(r)) => (a.clone(), r.clone()),
            (Err(d), _) | (_, Err(d)) => return failed(d, req.prior_state),
        };
        let block = AwsProvider::block_of(r.as_ref());
        let prior = to_json(&req.prior_state);
        if req.planned_state.is_null() {
            return match r.delete(&aws, &prior).await {
                Ok(()) => ApplyResponse {
                    new_state: Value::null(req.prior_state.ty()),
                    ..ApplyResponse::default()
                },
                Err(d) => failed(d, req.prior_state),
            };
        }
        let planned = to_json(&req.planned_state);
        let result = if req.prior_state.is_null() {
            r.create(&aws, &planned).await
        } else {
            r.update(&aws, &prior, &planned).await
        };
        match result {
            Ok(j) => match AwsProvider::state(&block, &j, &req.planned_state) {
                Ok(v) => ApplyResponse {
                    new_state: v,
                    private: req.planned_private,
                    diagnostics: Diagnostics::new(),
                },
                Err(d) => failed(d, req.prior_state),
            },
            Err(f) => {
                let state = match f.state {
                    Some(j) => AwsProvider::state(&block, &j, &req.planned_state)
                        .unwrap_or_else(|_| req.prior_state.clone()),
                    None => req.prior_state.clone(),
                };
                failed(f.diags, state)
            }
        }
    }

    async fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let (aws, r) = match (self.aws(), self.resource_type(&req.type_name)) {
            (Ok(a), Ok(r)) => (a.clone(), r.clone()),
            (Err(diagnostics), _) | (_, Err(diagnostics)) => {
                return ImportResponse {
                    diagnostics,
                    ..ImportResponse::default()
                };
            }
        };
        let block = AwsProvider::block_of(r.as_ref());
        let result = r
            .import(&aws, &req.id)
            .await
            .and_then(|j| from_json(&j, &block.implied_type()));
        match result {
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
        let fail = |diagnostics| ReadDataResponse {
            state: Value::null_dynamic(),
            diagnostics,
        };
        let Some(d) = self.data_sources.get(req.type_name.as_str()) else {
            return fail(error(
                "Unsupported data source",
                format!(
                    "The AWS provider does not support data source {:?}.",
                    req.type_name
                ),
            ));
        };
        let aws = match self.aws() {
            Ok(a) => a.clone(),
            Err(diags) => return fail(diags),
        };
        let ty = d.schema().implied_type();
        match d
            .read(&aws, &to_json(&req.config))
            .await
            .and_then(|j| from_json(&j, &ty))
        {
            Ok(state) => ReadDataResponse {
                state,
                diagnostics: Diagnostics::new(),
            },
            Err(diags) => fail(diags),
        }
    }
}
