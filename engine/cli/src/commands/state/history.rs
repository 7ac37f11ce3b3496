//! `state history` (every version: when, who, which command, what it changed) and `state diff A B`.

use crate::ui::Ui;
use std::process::ExitCode;
use std::sync::Arc;
use terrane_diagnostics::Diagnostic;
use terrane_state::State;
use terrane_state::diff::{DiffKind, diff as state_diff};
use terrane_state_api::StateStore;

/// The state as it was after a version.
pub fn read_version(store: &Arc<dyn StateStore>, serial: u64) -> Result<State, Diagnostic> {
    let snap = store
        .read_version(serial)
        .map_err(|e| Diagnostic::error("Failed to read state", e.to_string()))?;
    let Some(snap) = snap else {
        let hint = if store.keeps_history() {
            "`terrane state history` lists the versions there are."
        } else {
            "This backend keeps only the latest version, as Terraform's backends do."
        };
        return Err(Diagnostic::error(
            "No such state version",
            format!("The state has no version {serial}. {hint}"),
        ));
    };
    terrane_state::entries::from_snapshot(&snap)
        .map_err(|e| Diagnostic::error("Failed to read state", e.to_string()))
}

/// The user's name for an entry key (`resource:null_resource.a` → `null_resource.a`).
fn shown(key: &str) -> String {
    if let Some(r) = key.strip_prefix("resource:") {
        return match r.split_once('#') {
            Some((a, d)) => format!("{a} (deposed {d})"),
            None => r.to_string(),
        };
    }
    if let Some(o) = key.strip_prefix("output:") {
        return format!("output.{o}");
    }
    key.to_string()
}

/// `terrane state history`.
pub fn history(ui: &Ui) -> Result<ExitCode, Diagnostic> {
    let store = crate::workdir::open_store()?;
    let versions = store
        .versions()
        .map_err(|e| Diagnostic::error("Failed to read state history", e.to_string()))?;
    if versions.is_empty() {
        ui.line("The state has no versions yet.");
        return Ok(ExitCode::SUCCESS);
    }
    if !store.keeps_history() {
        ui.line("This backend keeps only the latest version of the state.\n");
    }
    ui.line(&format!(
        "{:<7} {:<21} {:<24} {:<18} CHANGES",
        "SERIAL", "TIME", "USER", "COMMAND"
    ));
    for v in &versions {
        let mut changes = format!("{} changed", v.changed_keys.len());
        if !v.finished {
            changes.push_str(" (did not finish)");
        }
        ui.line(&format!(
            "{:<7} {:<21} {:<24} {:<18} {changes}",
            v.serial,
            if v.meta.started.is_empty() {
                "-"
            } else {
                &v.meta.started
            },
            if v.meta.who.is_empty() {
                "-"
            } else {
                &v.meta.who
            },
            if v.meta.command.is_empty() {
                "-"
            } else {
                &v.meta.command
            },
        ));
        for k in &v.changed_keys {
            ui.line(&format!("        {}", shown(k)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `terrane state diff A B`.
pub fn diff(ui: &Ui, from: u64, to: u64) -> Result<ExitCode, Diagnostic> {
    let store = crate::workdir::open_store()?;
    let a = read_version(&store, from)?;
    let b = read_version(&store, to)?;
    let changes = state_diff(&a, &b);
    if changes.is_empty() {
        ui.line(&format!("No differences between versions {from} and {to}."));
        return Ok(ExitCode::SUCCESS);
    }
    for c in changes {
        let sign = match c.kind {
            DiffKind::Added => "+",
            DiffKind::Removed => "-",
            DiffKind::Changed => "~",
        };
        ui.line(&format!("{sign} {}", c.address));
        for a in c.changes {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "null".into());
            ui.line(&format!(
                "    {}: {} -> {}",
                a.path,
                show(&a.old),
                show(&a.new)
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
