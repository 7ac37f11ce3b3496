//! `terrane workspace new|select|list|show|delete`: independent states of one configuration, kept
//! by the configured backend; the selection is kept in `.terraform/environment` as Terraform keeps it,
//! and `TF_WORKSPACE` overrides it.

use super::state::fail;
use crate::args::{LockArgs, WorkspaceCommand};
use crate::ui::Ui;
use crate::workdir::{self, backend};
use std::process::ExitCode;
use terrane_diagnostics::Diagnostic;
use terrane_state_api::{DEFAULT_WORKSPACE, validate_workspace_name};

pub fn run(cmd: &WorkspaceCommand) -> ExitCode {
    let ui = Ui::new(false);
    match workspace(&ui, cmd) {
        Ok(code) => code,
        Err(d) => fail(&ui, d),
    }
}

fn storage(e: terrane_state_api::StateError) -> Diagnostic {
    Diagnostic::error("Failed to use the backend", e.to_string())
}

fn check_name(name: &str) -> Result<(), Diagnostic> {
    validate_workspace_name(name).map_err(|e| Diagnostic::error("Invalid workspace name", e))
}

fn workspace(ui: &Ui, cmd: &WorkspaceCommand) -> Result<ExitCode, Diagnostic> {
    let (_, b) = workdir::open_backend()?;
    let names = b.workspaces().map_err(storage)?;
    let current = backend::current_workspace();
    match cmd {
        WorkspaceCommand::Show => {
            ui.line(&current);
        }
        WorkspaceCommand::List => {
            for n in &names {
                let mark = if *n == current { "*" } else { " " };
                ui.line(&format!("{mark} {n}"));
            }
            if !names.contains(&current) {
                ui.line(&format!("* {current} (no state yet)"));
            }
            ui.line("");
        }
        WorkspaceCommand::Select { name } => {
            check_name(name)?;
            env_override()?;
            if !names.contains(name) {
                return Err(Diagnostic::error(
                    format!("Workspace {name:?} doesn't exist."),
                    "You can create this workspace with the \"new\" subcommand.",
                ));
            }
            backend::select_workspace(name)
                .map_err(|e| Diagnostic::error("Failed to select workspace", e.to_string()))?;
            ui.line(&ui.style("32", &format!("Switched to workspace {name:?}.")));
        }
        WorkspaceCommand::New { state, lock, name } => {
            check_name(name)?;
            env_override()?;
            if names.contains(name) {
                return Err(Diagnostic::error(
                    format!("Workspace {name:?} already exists"),
                    "Select it with `terrane workspace select`.",
                ));
            }
            let store = b.open(name).map_err(storage)?;
            if let Some(path) = state {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Diagnostic::error("Failed to read state file", format!("{path}: {e}"))
                })?;
                let s = terrane_state::v4::from_v4(&text).map_err(|e| {
                    Diagnostic::error("Failed to read state file", format!("{path}: {e}"))
                })?;
                let _held = take_lock(&store, lock, "workspace new")?;
                store
                    .write_snapshot(
                        &terrane_state::entries::to_snapshot(&s),
                        workdir::version_meta("workspace new"),
                    )
                    .map_err(storage)?;
            }
            backend::select_workspace(name)
                .map_err(|e| Diagnostic::error("Failed to select workspace", e.to_string()))?;
            ui.line(&ui.style(
                "32",
                &format!("Created and switched to workspace {name:?}!"),
            ));
            ui.line("\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"terrane plan\" terrane will not see any existing state\nfor this configuration.");
        }
        WorkspaceCommand::Delete { force, lock, name } => {
            check_name(name)?;
            if name == DEFAULT_WORKSPACE {
                return Err(Diagnostic::error(
                    "Can't delete default state",
                    "The default workspace cannot be deleted.",
                ));
            }
            if !names.contains(name) {
                return Err(Diagnostic::error(
                    format!("Workspace {name:?} doesn't exist."),
                    "`terrane workspace list` shows the workspaces there are.",
                ));
            }
            if *name == current {
                return Err(Diagnostic::error(
                    format!("Workspace {name:?} is your active workspace."),
                    "You cannot delete the currently active workspace. Please switch to another workspace and try again.",
                ));
            }
            let store = b.open(name).map_err(storage)?;
            let held = take_lock(&store, lock, "workspace delete")?;
            let state = workdir::read_state(store.as_ref())?;
            if !state.has_no_resources() && !force {
                return Err(Diagnostic::error(
                    format!("Workspace {name:?} is not empty."),
                    format!(
                        "Deleting {name:?} can result in dangling resources: resources that exist but are no longer managed by terrane. Please destroy these resources first. If you want to delete this workspace anyway and abandon its {} resource instance(s), add the -force flag.",
                        state.instance_count()
                    ),
                ));
            }
            drop(held);
            drop(store);
            b.delete_workspace(name).map_err(storage)?;
            ui.line(&ui.style("32", &format!("Deleted workspace {name:?}!")));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn env_override() -> Result<(), Diagnostic> {
    if backend::workspace_from_env() {
        return Err(Diagnostic::error(
            "Workspace overridden",
            "The selected workspace is currently overridden using the TF_WORKSPACE environment variable. To select a new workspace, either update this environment variable or unset it and then run this command again.",
        ));
    }
    Ok(())
}

fn take_lock(
    store: &std::sync::Arc<dyn terrane_state_api::StateStore>,
    lock: &LockArgs,
    operation: &str,
) -> Result<Option<workdir::Lock>, Diagnostic> {
    if !lock.lock.unwrap_or(true) {
        return Ok(None);
    }
    let timeout = workdir::parse_duration(lock.lock_timeout.as_deref()).map_err(|d| {
        d.iter()
            .next()
            .cloned()
            .unwrap_or_else(|| Diagnostic::error("Invalid -lock-timeout", ""))
    })?;
    workdir::lock(store, operation, timeout).map(Some)
}
