//! The backend part of `init`: record the configured backend, and move the state when the backend
//! changed (`-migrate-state`), workspace by workspace, under both locks. Between two backends that
//! keep history, every version is copied with its metadata; otherwise the latest state is.

use crate::args::InitArgs;
use crate::ui::Ui;
use crate::workdir::{self, backend};
use backend::Settings;
use std::path::Path;
use std::sync::Arc;
use terrane_diagnostics::Diagnostic;
use terrane_state_api::{Backend, StateError, StateStore};

fn storage(e: StateError) -> Diagnostic {
    Diagnostic::error("Failed to migrate state", e.to_string())
}

pub fn run(ui: &Ui, args: &InitArgs) -> Result<(), Diagnostic> {
    let given = backend::parse_backend_config(&args.backend_config)?;
    let mut settings = backend::configured().map_err(|d| {
        d.iter()
            .find(|x| x.is_error())
            .cloned()
            .unwrap_or_else(|| Diagnostic::error("Invalid backend configuration", ""))
    })?;
    let record = backend::read_record();
    let overrides = if given.is_empty() {
        record
            .as_ref()
            .filter(|(k, _, _)| *k == settings.kind)
            .map(|(_, _, o)| o.clone())
            .unwrap_or_default()
    } else {
        given
    };
    for (k, v) in &overrides {
        settings.attrs.insert(k.clone(), v.clone());
    }
    let previous = match record {
        Some((kind, attrs, _)) => Some(Settings {
            kind,
            attrs,
            encryption: settings.encryption.clone(),
        }),
        None if settings.kind != "sqlite" && Path::new(workdir::STATE_DB).exists() => {
            Some(Settings {
                encryption: settings.encryption.clone(),
                ..Settings::default_sqlite()
            })
        }
        None => None,
    };
    let target = backend::open_backend(&settings)?;
    if let Some(prev) = previous.filter(|p| !p.same_place(&settings)) {
        if !args.reconfigure {
            migrate(ui, args, &prev, &settings, &target)?;
        }
    }
    // Check that the selected workspace's state can be opened.
    target
        .open(&backend::current_workspace())
        .map_err(|e| Diagnostic::error("Failed to open state", e.to_string()))?;
    backend::write_record(&settings, &overrides)
        .map_err(|e| Diagnostic::error("Failed to record the backend", e.to_string()))?;
    if settings.kind != "sqlite" {
        ui.line(&format!(
            "\nSuccessfully configured the backend {:?}! terrane will automatically\nuse this backend unless the backend configuration changes.",
            settings.kind
        ));
    }
    Ok(())
}

/// Every workspace of `prev` that has a state.
fn with_state(b: &Arc<dyn Backend>) -> Result<Vec<(String, Arc<dyn StateStore>)>, Diagnostic> {
    let mut out = Vec::new();
    for ws in b.workspaces().map_err(storage)? {
        let store = b.open(&ws).map_err(storage)?;
        if store.read().map_err(storage)?.is_some() {
            out.push((ws, store));
        }
    }
    Ok(out)
}

fn migrate(
    ui: &Ui,
    args: &InitArgs,
    prev: &Settings,
    settings: &Settings,
    target: &Arc<dyn Backend>,
) -> Result<(), Diagnostic> {
    let source = backend::open_backend(prev)?;
    let sources = with_state(&source)?;
    if sources.is_empty() {
        return Ok(());
    }
    if !args.migrate_state && !args.force_copy {
        return Err(Diagnostic::error(
            "Backend configuration changed",
            format!(
                "The state is in the {:?} backend ({}), and the configuration now names the {:?} backend. Run `terrane init -migrate-state` to copy the state of every workspace to the new backend, or `terrane init -reconfigure` to use the new backend without it.",
                prev.kind,
                source.describe(&sources[0].0),
                settings.kind
            ),
        ));
    }
    let timeout = workdir::parse_duration(args.lock.lock_timeout.as_deref()).map_err(|d| {
        d.iter()
            .next()
            .cloned()
            .unwrap_or_else(|| Diagnostic::error("Invalid -lock-timeout", ""))
    })?;
    let locking = args.lock.lock.unwrap_or(true);
    for (ws, from) in &sources {
        let to = target.open(ws).map_err(storage)?;
        let _locks = if locking {
            Some((
                workdir::lock(from, "init -migrate-state", timeout)?,
                workdir::lock(&to, "init -migrate-state", timeout)?,
            ))
        } else {
            None
        };
        let current = from.read().map_err(storage)?.expect("has state");
        let existing = to.read().map_err(storage)?;
        if let Some(e) = &existing {
            if !args.force_copy {
                return Err(Diagnostic::error(
                    "Failed to migrate state",
                    format!(
                        "The {:?} backend already has a state for workspace {ws:?} (lineage {}, serial {}). Nothing was copied for it; use -force-copy to replace it.",
                        settings.kind, e.lineage, e.serial
                    ),
                ));
            }
        }
        if existing.is_none() && from.keeps_history() && to.keeps_history() {
            for v in from.versions().map_err(storage)? {
                if let Some(snap) = from.read_version(v.serial).map_err(storage)? {
                    to.write_snapshot(&snap, v.meta.clone()).map_err(storage)?;
                }
            }
        } else {
            to.write_snapshot(&current, workdir::version_meta("init -migrate-state"))
                .map_err(storage)?;
        }
        ui.line(&format!(
            "Copied the state of workspace {ws:?} from {} to {}.",
            source_name(prev, from.as_ref()),
            target.describe(ws)
        ));
    }
    ui.line(&format!(
        "\nSuccessfully migrated {} workspace(s) from the {:?} backend to the {:?} backend.",
        sources.len(),
        prev.kind,
        settings.kind
    ));
    Ok(())
}

fn source_name(prev: &Settings, _store: &dyn StateStore) -> String {
    format!("the {:?} backend", prev.kind)
}
