//! What a resource type and a data source type of this provider implement. They work on JSON (see
//! [`crate::json`]) and receive the configured clients; the provider does the planning, the
//! conversions and the bookkeeping around them.

use crate::client::Aws;
use crate::json::Json;
use crate::wait::Timeouts;
use async_trait::async_trait;
use serde_json::json;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::Block;
use terrane_values::{Path, Value};

/// A failed create or update: the diagnostics, and the object as it now exists if it does (so a
/// created object that then failed to become ready is recorded, tainted, rather than lost).
#[derive(Debug, Default)]
pub struct Failure {
    /// What went wrong.
    pub diags: Diagnostics,
    /// The object as it exists now, if it does.
    pub state: Option<Json>,
}

impl From<Diagnostics> for Failure {
    fn from(diags: Diagnostics) -> Failure {
        Failure { diags, state: None }
    }
}

impl Failure {
    /// A failure after the object was created.
    pub fn with_state(diags: Diagnostics, state: Json) -> Failure {
        Failure {
            diags,
            state: Some(state),
        }
    }
}

/// One managed resource type.
#[async_trait]
pub trait Resource: Send + Sync {
    /// The schema (the `timeouts` block is added when [`Resource::timeouts`] gives defaults).
    fn schema(&self) -> Block;

    /// The default timeouts; `None` when the type has no `timeouts` block.
    fn timeouts(&self) -> Option<Timeouts> {
        None
    }

    /// Nested blocks that are optional and computed: when the configuration has none, the existing
    /// ones are kept (terraform-provider-aws's `ConfigMode: Attr` blocks such as `ingress` and
    /// `route`, or blocks AWS fills in such as `root_block_device`).
    fn computed_blocks(&self) -> &'static [&'static str] {
        &[]
    }

    /// Defaults of optional arguments the configuration leaves unset, as an object.
    fn defaults(&self) -> Json {
        json!({})
    }

    /// Checks a configuration (unknown values appear as null).
    fn validate(&self, _config: &Json) -> Diagnostics {
        Diagnostics::new()
    }

    /// Adjusts a plan after the generic planning; `prior` is null on create.
    fn customize_plan(
        &self,
        _prior: &Value,
        _config: &Value,
        _planned: &mut Value,
        _requires_replace: &mut Vec<Path>,
    ) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the object; returns its state.
    async fn create(&self, aws: &Aws, planned: &Json) -> Result<Json, Failure>;

    /// Reads the object, starting from its state; `None` when it no longer exists.
    async fn read(&self, aws: &Aws, state: &Json) -> Result<Option<Json>, Diagnostics>;

    /// Reads several objects (one answer per state, in order); override where one Describe call
    /// with filters serves many objects.
    async fn read_many(
        &self,
        aws: &Aws,
        states: &[Json],
    ) -> Vec<Result<Option<Json>, Diagnostics>> {
        let mut out = Vec::with_capacity(states.len());
        for s in states {
            out.push(self.read(aws, s).await);
        }
        out
    }

    /// Updates the object in place; returns its new state.
    async fn update(&self, aws: &Aws, prior: &Json, planned: &Json) -> Result<Json, Failure>;

    /// Deletes the object (already gone is success).
    async fn delete(&self, aws: &Aws, state: &Json) -> Result<(), Diagnostics>;

    /// The id `terrane import` takes for the object of this state, when it is not the state's `id`
    /// (terraform-provider-aws's import id conventions: `ROLE/POLICY_ARN`, `RTB_DESTINATION`).
    fn import_id(&self, _state: &Json) -> Option<String> {
        None
    }

    /// The nested blocks whose elements are objects that another resource type also manages on its
    /// own (a route table's `route`, a security group's `ingress` and `egress`).
    fn inline_blocks(&self) -> &'static [&'static str] {
        &[]
    }

    /// A state to refresh for an existing object with this import id.
    async fn import(&self, _aws: &Aws, id: &str) -> Result<Json, Diagnostics> {
        Ok(json!({ "id": id }))
    }
}

/// One data source type.
#[async_trait]
pub trait DataSource: Send + Sync {
    /// The schema.
    fn schema(&self) -> Block;

    /// Reads the data source from its configuration.
    async fn read(&self, aws: &Aws, config: &Json) -> Result<Json, Diagnostics>;
}

/// Reads an object that was just created or updated, whose state must exist.
pub async fn read_after_write(
    r: &dyn Resource,
    aws: &Aws,
    state: Json,
    what: &str,
) -> Result<Json, Failure> {
    let patience = aws.patience;
    let start = tokio::time::Instant::now();
    let mut n = 0;
    loop {
        match r.read(aws, &state).await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) if start.elapsed() < patience.propagation => {
                tokio::time::sleep(patience.delay(n)).await;
                n += 1;
            }
            Ok(None) => {
                return Err(Failure::with_state(
                    terrane_provider_sdk::error(
                        format!("reading {what}"),
                        format!("{what} was not found right after it was written"),
                    ),
                    state,
                ));
            }
            Err(d) => return Err(Failure::with_state(d, state)),
        }
    }
}
