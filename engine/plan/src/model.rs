//! The plan model.

use crate::{Action, ActionReason};
use std::collections::BTreeMap;
use terrane_addrs::{AbsResource, AbsResourceInstance, ProviderConfig, Target};
use terrane_diagnostics::Diagnostics;
use terrane_state::{EachMode, State};
use terrane_values::{Path, Type, Value};

/// What kind of plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PlanMode {
    /// Make the infrastructure match the configuration.
    #[default]
    Normal,
    /// Destroy everything (`-destroy`, `destroy`).
    Destroy,
    /// Only accept the real world into state (`-refresh-only`).
    RefreshOnly,
}

/// A planned change to one resource instance object.
#[derive(Clone, Debug)]
pub struct ResourceChange {
    /// The instance.
    pub addr: AbsResourceInstance,
    /// Its address in the previous run, when it moved.
    pub prev_run_addr: Option<AbsResourceInstance>,
    /// The deposed key, for changes to deposed objects.
    pub deposed: Option<String>,
    /// The provider configuration that manages it.
    pub provider: ProviderConfig,
    /// How the resource's instances are keyed.
    pub each: EachMode,
    /// What to do.
    pub action: Action,
    /// Why, when it is not obvious.
    pub reason: Option<ActionReason>,
    /// The object before (null when creating).
    pub before: Value,
    /// The object after (null when deleting; unknown parts are known only after apply).
    pub after: Value,
    /// The schema type of the object.
    pub ty: Type,
    /// The schema version of the object.
    pub schema_version: i64,
    /// Attributes whose change forces replacement.
    pub replace_paths: Vec<Path>,
    /// Provider-private data to pass to apply.
    pub private: Vec<u8>,
    /// Whether the new object is created before the old one is destroyed.
    pub create_before_destroy: bool,
    /// The resources the object depends on.
    pub dependencies: Vec<AbsResource>,
    /// The id the object is imported with (`import` blocks), when this change imports it.
    pub importing: Option<String>,
}

/// A planned change to a root output.
#[derive(Clone, Debug)]
pub struct OutputChange {
    /// The output name.
    pub name: String,
    /// Create, update, delete or no-op.
    pub action: Action,
    /// The value before (null if new).
    pub before: Value,
    /// The value after (may be unknown).
    pub after: Value,
    /// Whether the output is sensitive.
    pub sensitive: bool,
}

/// A complete plan.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Normal, destroy or refresh-only.
    pub mode: PlanMode,
    /// The root module's input variable values the plan was made with.
    pub variables: BTreeMap<String, Value>,
    /// Changes to resource instances, in address order.
    pub changes: Vec<ResourceChange>,
    /// Changes made outside terrane, found by refresh.
    pub drift: Vec<ResourceChange>,
    /// Instances whose refresh failed, with the errors the provider gave (not saved in plan files:
    /// such a plan has errors and cannot be applied).
    pub refresh_errors: Vec<(AbsResourceInstance, Diagnostics)>,
    /// Refresh-only plans: for each drifted instance whose configuration could be planned, the
    /// attribute paths a normal plan would change back. Drift elsewhere is in what the
    /// configuration leaves to the provider (computed values it does not set, `ignore_changes`),
    /// such as a route table's routes after an `aws_route` was added. Not saved in plan files.
    pub drift_config_paths: Vec<(AbsResourceInstance, Vec<Path>)>,
    /// Changes to root outputs.
    pub outputs: Vec<OutputChange>,
    /// The state after refresh, which the changes start from.
    pub prior_state: State,
    /// The state before refresh.
    pub prev_run_state: State,
    /// `-target` addresses.
    pub targets: Vec<Target>,
    /// A digest of the configuration files the plan was made from.
    pub config_digest: String,
    /// When the plan was made (RFC 3339).
    pub timestamp: String,
    /// Whether planning stopped on errors (such plans cannot be applied).
    pub errored: bool,
    /// Objects `moved` blocks move: (previous address, new address).
    pub moved: Vec<(AbsResourceInstance, AbsResourceInstance)>,
}

impl Plan {
    /// Whether applying the plan would change anything: resources, outputs, or (refresh-only) state.
    pub fn has_changes(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.action != Action::NoOp || c.importing.is_some())
            || !self.moved.is_empty()
            || self.outputs.iter().any(|o| o.action != Action::NoOp)
            || self.mode == PlanMode::RefreshOnly && !self.drift.is_empty()
    }

    /// The change for an instance's current object.
    pub fn change(&self, addr: &AbsResourceInstance) -> Option<&ResourceChange> {
        self.changes
            .iter()
            .find(|c| c.addr == *addr && c.deposed.is_none())
    }

    /// The number of objects the plan imports.
    pub fn import_count(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.importing.is_some())
            .count()
    }

    /// Counts of (to add, to change, to destroy), as the plan summary line shows them.
    pub fn summary_counts(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in &self.changes {
            if c.addr.is_data() {
                continue;
            }
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::NoOp | Action::Read | Action::Forget => {}
            }
        }
        (add, change, destroy)
    }
}
