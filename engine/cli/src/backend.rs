//! Which backend keeps the state, and which workspace is selected.
//!
//! The root module's `terraform { backend "KIND" { ... } }` block picks the backend (none: the
//! embedded SQLite database `terrane.tfstate.db`); `-backend-config` values given to `init` are kept in
//! `.terraform/terrane-backend.json` and merged over it. The workspace is `TF_WORKSPACE`, or the one
//! `workspace select` wrote to `.terraform/environment` (the file Terraform uses), or `default`.
//! `terraform { encryption { ... } }` (and OpenTofu's `TF_ENCRYPTION`) wraps every backend.

mod encryption;
mod open;
mod settings;

pub use open::open_backend;
pub use settings::{
    Settings, configured, configured_in, parse_backend_config, read_record, write_record,
};

use std::path::Path;
use terrane_state_api::DEFAULT_WORKSPACE;

/// Where `workspace select` records the workspace, as Terraform does.
const ENVIRONMENT_FILE: &str = ".terraform/environment";

/// The selected workspace.
pub fn current_workspace() -> String {
    if let Ok(w) = std::env::var("TF_WORKSPACE") {
        if !w.is_empty() {
            return w;
        }
    }
    std::fs::read_to_string(ENVIRONMENT_FILE)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_WORKSPACE.to_string())
}

/// Whether the workspace comes from `TF_WORKSPACE` (and so cannot be changed by `workspace select`).
pub fn workspace_from_env() -> bool {
    std::env::var("TF_WORKSPACE").is_ok_and(|w| !w.is_empty())
}

/// Records the selected workspace.
pub fn select_workspace(name: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(".terraform")?;
    if name == DEFAULT_WORKSPACE {
        match std::fs::remove_file(ENVIRONMENT_FILE) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => return Ok(()),
        }
    }
    std::fs::write(Path::new(ENVIRONMENT_FILE), name)
}
