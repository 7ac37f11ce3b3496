//! The provider interface: what the engine asks of a provider and what it gets back.
//!
//! The shape follows Terraform's plugin protocol so that built-in providers written in Rust and, later,
//! external provider binaries look the same to the engine: a provider publishes [`schema`]s, is
//! configured once, validates, plans, applies and reads resources and data sources. Every call takes a
//! request struct and returns a response struct that carries its own diagnostics, so a provider can
//! report several problems, warnings included, in one answer.
//!
//! Values cross this boundary as [`terrane_values::Value`]s of the schema's type. Unknown values appear
//! only in plans. Sensitive marks do not cross: the engine strips them before a call and re-applies
//! them (from configuration and from the schema's `sensitive` flags) afterwards.
#![deny(missing_docs)]

pub mod inventory;
pub mod schema;

use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_values::{Path, Value};

pub use inventory::{
    ListPart, ListRequest, ListResponse, ListedObject, ManagedIdentity, PartOf, Usage,
};
pub use schema::{Attribute, Block, NestedBlock, Nesting, Schema};

/// Everything a provider publishes about itself.
#[derive(Clone, Debug, Default)]
pub struct ProviderSchema {
    /// The provider's own configuration block.
    pub provider: Schema,
    /// Managed resource types.
    pub resources: std::collections::BTreeMap<String, Schema>,
    /// Data source types.
    pub data_sources: std::collections::BTreeMap<String, Schema>,
}

/// `ConfigureProvider`: the evaluated provider configuration.
#[derive(Clone, Debug)]
pub struct ConfigureRequest {
    /// The configuration, an object of the provider schema's type.
    pub config: Value,
}

/// The answer to [`ConfigureRequest`].
#[derive(Clone, Debug, Default)]
pub struct ConfigureResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `ValidateResourceConfig`: configuration checks that need no remote calls.
#[derive(Clone, Debug)]
pub struct ValidateRequest {
    /// The resource or data source type.
    pub type_name: String,
    /// The configuration (may contain unknown values).
    pub config: Value,
}

/// The answer to [`ValidateRequest`].
#[derive(Clone, Debug, Default)]
pub struct ValidateResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `ReadResource`: refresh a managed object from the real world.
#[derive(Clone, Debug)]
pub struct ReadRequest {
    /// The resource type.
    pub type_name: String,
    /// The object as last recorded in state.
    pub prior_state: Value,
    /// Provider-private data stored with the object.
    pub private: Vec<u8>,
}

/// The answer to [`ReadRequest`].
#[derive(Clone, Debug, Default)]
pub struct ReadResponse {
    /// The current object, or a null value if it no longer exists.
    pub new_state: Value,
    /// Updated private data.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `PlanResourceChange`: propose the new state of a managed object.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    /// The resource type.
    pub type_name: String,
    /// The current object (null when creating).
    pub prior_state: Value,
    /// The configuration merged over the prior state (null when destroying).
    pub proposed_new_state: Value,
    /// The configuration as written (null when destroying).
    pub config: Value,
    /// Private data of the prior object.
    pub prior_private: Vec<u8>,
}

/// The answer to [`PlanRequest`].
#[derive(Clone, Debug, Default)]
pub struct PlanResponse {
    /// The planned object: configured values plus computed values, unknown where only apply can tell.
    pub planned_state: Value,
    /// Attributes whose change forces the object to be replaced.
    pub requires_replace: Vec<Path>,
    /// Private data to pass to apply.
    pub planned_private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `ApplyResourceChange`: create, update or delete a managed object.
#[derive(Clone, Debug)]
pub struct ApplyRequest {
    /// The resource type.
    pub type_name: String,
    /// The current object (null when creating).
    pub prior_state: Value,
    /// The planned object (null when deleting).
    pub planned_state: Value,
    /// The configuration (null when deleting).
    pub config: Value,
    /// Private data from the plan.
    pub planned_private: Vec<u8>,
}

/// The answer to [`ApplyRequest`].
#[derive(Clone, Debug, Default)]
pub struct ApplyResponse {
    /// The resulting object (null after a delete). On error, whatever exists now, so it is not lost.
    pub new_state: Value,
    /// Private data to store with the object.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `ImportResourceState`: start managing an existing object by its id.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// The resource type.
    pub type_name: String,
    /// The provider-specific id.
    pub id: String,
}

/// The answer to [`ImportRequest`].
#[derive(Clone, Debug, Default)]
pub struct ImportResponse {
    /// The imported objects (usually one), to be refreshed with [`ReadRequest`].
    pub imported: Vec<(String, Value)>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `ReadDataSource`: read a data source.
#[derive(Clone, Debug)]
pub struct ReadDataRequest {
    /// The data source type.
    pub type_name: String,
    /// The configuration (wholly known).
    pub config: Value,
}

/// The answer to [`ReadDataRequest`].
#[derive(Clone, Debug, Default)]
pub struct ReadDataResponse {
    /// The data source's state.
    pub state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `UpgradeResourceState`: bring a stored object written by an older schema version up to date.
#[derive(Clone, Debug)]
pub struct UpgradeRequest {
    /// The resource type.
    pub type_name: String,
    /// The schema version the object was written with.
    pub version: i64,
    /// The stored attributes, as JSON text.
    pub raw_state: String,
}

/// The answer to [`UpgradeRequest`].
#[derive(Clone, Debug, Default)]
pub struct UpgradeResponse {
    /// The object in the current schema.
    pub upgraded_state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// A provider: the only way the engine touches the outside world.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The schemas of the provider, its resources and data sources.
    fn schema(&self) -> ProviderSchema;

    /// Configures the provider; called once before any other operation that needs configuration.
    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse;

    /// Checks a resource or data source configuration.
    fn validate(&self, _req: ValidateRequest) -> ValidateResponse {
        ValidateResponse::default()
    }

    /// Refreshes a managed object.
    async fn read_resource(&self, req: ReadRequest) -> ReadResponse;

    /// Refreshes several managed objects of one type; the answers are in the order of the requests.
    /// Providers whose APIs describe many objects in one call override this so that refreshing a large
    /// state costs a call per type and page rather than a call per object. The default reads each
    /// object on its own.
    async fn read_resources(&self, reqs: Vec<ReadRequest>) -> Vec<ReadResponse> {
        let mut out = Vec::with_capacity(reqs.len());
        for r in reqs {
            out.push(self.read_resource(r).await);
        }
        out
    }

    /// Plans a change to a managed object.
    async fn plan_resource_change(&self, req: PlanRequest) -> PlanResponse;

    /// Applies a planned change.
    async fn apply_resource_change(&self, req: ApplyRequest) -> ApplyResponse;

    /// Imports an existing object.
    async fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        let mut resp = ImportResponse::default();
        resp.diagnostics
            .push(terrane_diagnostics::Diagnostic::error(
                "Resource import not supported",
                format!(
                    "The resource type {:?} does not support import.",
                    req.type_name
                ),
            ));
        resp
    }

    /// Reads a data source.
    async fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse;

    /// Lists the remote objects of the resource types the provider can enumerate (for finding
    /// objects no state manages). The default lists nothing and names no type.
    async fn list_resources(&self, _req: ListRequest) -> ListResponse {
        ListResponse::default()
    }

    /// The parts a listing of this configured instance has, each with what it covers
    /// (`aws account 123456789012 region us-east-1`), so that stacks whose instances cover the same
    /// are listed once; `None` when the provider cannot tell (that part is then listed for each
    /// instance). The default: one listing of every type, which cannot be told apart.
    fn list_scopes(&self) -> Vec<(ListPart, Option<String>)> {
        vec![(ListPart::All, None)]
    }

    /// How a managed object of `type_name` (its state value) is recognised among listed objects,
    /// beside its `id`.
    fn managed_identity(&self, _type_name: &str, _state: &Value) -> ManagedIdentity {
        ManagedIdentity::default()
    }

    /// How many requests the provider sent to its remote API so far. The default is zero: a
    /// provider without a remote API makes no calls.
    fn usage(&self) -> Usage {
        Usage::default()
    }
}
