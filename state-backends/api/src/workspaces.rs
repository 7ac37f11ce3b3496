//! Workspaces: a backend keeps one independent state per workspace name.

use crate::{StateError, StateStore};
use std::sync::Arc;

/// The workspace every backend has, which cannot be deleted.
pub const DEFAULT_WORKSPACE: &str = "default";

/// A configured backend: where the states of all workspaces are kept.
pub trait Backend: Send + Sync {
    /// The names of the workspaces that have a state: `default` first (always), then the rest sorted.
    fn workspaces(&self) -> Result<Vec<String>, StateError>;

    /// The state store of a workspace (created empty when it does not exist yet).
    fn open(&self, workspace: &str) -> Result<Arc<dyn StateStore>, StateError>;

    /// Removes a workspace and every version of its state.
    fn delete_workspace(&self, workspace: &str) -> Result<(), StateError>;

    /// Where the state is kept, for messages (`terraform.tfstate`, `s3://bucket/key`).
    fn describe(&self, workspace: &str) -> String;
}

/// Checks a workspace name as Terraform does: not empty, no `/` or other characters that are unsafe
/// in a path or URL, no surrounding spaces.
pub fn validate_workspace_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the workspace name is empty".into());
    }
    if name.trim() != name {
        return Err(format!(
            "the workspace name {name:?} has leading or trailing spaces"
        ));
    }
    let ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name != "."
        && name != "..";
    if !ok {
        return Err(format!(
            "the workspace name {name:?} is not allowed: use letters, digits, `-`, `_` and `.` only"
        ));
    }
    Ok(())
}

/// The workspaces of a backend listed from names found in storage: `default` first, the rest sorted.
pub fn sorted_with_default(mut names: Vec<String>) -> Vec<String> {
    names.retain(|n| n != DEFAULT_WORKSPACE);
    names.sort();
    names.dedup();
    names.insert(0, DEFAULT_WORKSPACE.to_string());
    names
}
