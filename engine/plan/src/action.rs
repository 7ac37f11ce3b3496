//! What a change does to an object, and why.

/// The action planned for a resource instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Nothing to do.
    NoOp,
    /// Create a new object.
    Create,
    /// Read a data source during apply.
    Read,
    /// Change the object in place.
    Update,
    /// Destroy the object, then create its replacement.
    DeleteThenCreate,
    /// Create the replacement, then destroy the old object (`create_before_destroy`).
    CreateThenDelete,
    /// Destroy the object.
    Delete,
    /// Stop managing the object without destroying it (`removed` with `destroy = false`).
    Forget,
}

impl Action {
    /// Whether the object is replaced.
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }

    /// Whether a new object is created (create or replace).
    pub fn creates(self) -> bool {
        matches!(
            self,
            Action::Create | Action::DeleteThenCreate | Action::CreateThenDelete
        )
    }

    /// Whether an object is destroyed (delete or replace).
    pub fn deletes(self) -> bool {
        matches!(
            self,
            Action::Delete | Action::DeleteThenCreate | Action::CreateThenDelete
        )
    }

    /// The action list of Terraform's JSON format.
    pub fn json_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::DeleteThenCreate => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
            Action::Forget => &["forget"],
        }
    }

    /// Parses the JSON action list.
    pub fn from_json_actions(actions: &[&str]) -> Option<Action> {
        Some(match actions {
            ["no-op"] => Action::NoOp,
            ["create"] => Action::Create,
            ["read"] => Action::Read,
            ["update"] => Action::Update,
            ["delete", "create"] => Action::DeleteThenCreate,
            ["create", "delete"] => Action::CreateThenDelete,
            ["delete"] => Action::Delete,
            ["forget"] => Action::Forget,
            _ => return None,
        })
    }
}

/// Why an action was chosen, when it is not obvious.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionReason {
    /// The object is tainted.
    ReplaceBecauseTainted,
    /// `-replace` asked for it.
    ReplaceByRequest,
    /// An attribute that cannot be updated in place changed.
    ReplaceBecauseCannotUpdate,
    /// `replace_triggered_by` fired.
    ReplaceByTriggers,
    /// The resource is no longer in the configuration.
    DeleteBecauseNoResourceConfig,
    /// The module that contained it is no longer in the configuration.
    DeleteBecauseNoModule,
    /// `count` no longer reaches this index.
    DeleteBecauseCountIndex,
    /// `for_each` no longer has this key.
    DeleteBecauseEachKey,
    /// The resource switched between single, `count` and `for_each`.
    DeleteBecauseWrongRepetition,
    /// A data source's configuration is not known until apply.
    ReadBecauseConfigUnknown,
    /// A data source depends on a resource with pending changes.
    ReadBecauseDependencyPending,
}

impl ActionReason {
    /// The JSON name of the reason.
    pub fn json_name(self) -> &'static str {
        match self {
            ActionReason::ReplaceBecauseTainted => "replace_because_tainted",
            ActionReason::ReplaceByRequest => "replace_by_request",
            ActionReason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
            ActionReason::ReplaceByTriggers => "replace_by_triggers",
            ActionReason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
            ActionReason::DeleteBecauseNoModule => "delete_because_no_module",
            ActionReason::DeleteBecauseCountIndex => "delete_because_count_index",
            ActionReason::DeleteBecauseEachKey => "delete_because_each_key",
            ActionReason::DeleteBecauseWrongRepetition => "delete_because_wrong_repetition",
            ActionReason::ReadBecauseConfigUnknown => "read_because_config_unknown",
            ActionReason::ReadBecauseDependencyPending => "read_because_dependency_pending",
        }
    }

    /// Parses a JSON reason name.
    pub fn from_json_name(s: &str) -> Option<ActionReason> {
        use ActionReason::*;
        [
            ReplaceBecauseTainted,
            ReplaceByRequest,
            ReplaceBecauseCannotUpdate,
            ReplaceByTriggers,
            DeleteBecauseNoResourceConfig,
            DeleteBecauseNoModule,
            DeleteBecauseCountIndex,
            DeleteBecauseEachKey,
            DeleteBecauseWrongRepetition,
            ReadBecauseConfigUnknown,
            ReadBecauseDependencyPending,
        ]
        .into_iter()
        .find(|r| r.json_name() == s)
    }
}
