//! `terrane state`: list, show, pull (any past version), push, mv, rm, replace-provider, history and
//! diff. Commands that change the state take the lock and record a version naming the command.

mod edit;
mod history;

use crate::args::{LockArgs, StateCommand};
use crate::ui::Ui;
use crate::workdir;
use std::process::ExitCode;
use std::sync::Arc;
use terrane_addrs::{AbsResourceInstance, parse_target};
use terrane_diagnostics::Diagnostic;
use terrane_state::{ObjectState, State};
use terrane_state_api::StateStore;

/// Renders a state object as a resource block with its attributes.
pub fn render_object(addr: &AbsResourceInstance, o: &ObjectState) -> String {
    let r = &addr.resource.resource;
    let kind = if addr.is_data() { "data" } else { "resource" };
    let mut out = format!("{kind} \"{}\" \"{}\" {{\n", r.ty, r.name);
    if let Some(m) = o.attributes.as_object() {
        let width = m.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in m {
            if v.is_null() {
                continue;
            }
            let sensitive = o
                .sensitive_paths
                .iter()
                .any(|p| p.0.first() == Some(&terrane_values::PathStep::Attr(k.clone())));
            let value = if sensitive {
                "(sensitive value)".to_string()
            } else {
                let val = terrane_values::json::from_json_implied(v).unwrap_or_default();
                crate::ui::plan::inline_or_block(&val, 4)
            };
            out.push_str(&format!("    {k:width$} = {value}\n"));
        }
    }
    out.push('}');
    out
}

/// An opened state: its store, the lock when one was taken, and the current state.
pub(crate) struct Opened {
    pub store: Arc<dyn StateStore>,
    pub state: State,
    _lock: Option<workdir::Lock>,
}

/// Opens the state of the selected workspace; with `lock`, takes the lock for `operation` first
/// (unless `-lock=false`), waiting up to `-lock-timeout`.
pub(crate) fn open(lock: Option<(&LockArgs, &str)>) -> Result<Opened, Diagnostic> {
    let (store, held) = open_locked(lock)?;
    let state = workdir::read_state(store.as_ref())?;
    Ok(Opened {
        store,
        state,
        _lock: held,
    })
}

/// Opens the store of the selected workspace and takes the lock, without reading the state (which
/// may be damaged: `state push -force` replaces it).
pub(crate) fn open_locked(
    lock: Option<(&LockArgs, &str)>,
) -> Result<(Arc<dyn StateStore>, Option<workdir::Lock>), Diagnostic> {
    let store = workdir::open_store()?;
    let held = match lock {
        Some((args, operation)) if args.lock.unwrap_or(true) => {
            let timeout = workdir::parse_duration(args.lock_timeout.as_deref()).map_err(|d| {
                d.iter()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| Diagnostic::error("Invalid -lock-timeout", ""))
            })?;
            Some(workdir::lock(&store, operation, timeout)?)
        }
        _ => None,
    };
    Ok((store, held))
}

/// Prints a diagnostic and returns exit code 1.
pub(crate) fn fail(ui: &Ui, d: Diagnostic) -> ExitCode {
    ui.diagnostics(&d.into(), &Default::default());
    ExitCode::from(1)
}

pub fn run(cmd: &StateCommand) -> ExitCode {
    let ui = Ui::new(false);
    let result = match cmd {
        StateCommand::List { addresses } => list(addresses),
        StateCommand::Show { address } => show(address),
        StateCommand::Pull { version } => pull(*version),
        StateCommand::History => history::history(&ui),
        StateCommand::Diff { from, to } => history::diff(&ui, *from, *to),
        StateCommand::Push { force, lock, path } => edit::push(path, *force, lock),
        StateCommand::Mv {
            dry_run,
            lock,
            source,
            destination,
        } => edit::mv(&ui, source, destination, *dry_run, lock),
        StateCommand::Rm {
            dry_run,
            lock,
            addresses,
        } => edit::rm(&ui, addresses, *dry_run, lock),
        StateCommand::ReplaceProvider {
            auto_approve,
            lock,
            from,
            to,
        } => edit::replace_provider(&ui, from, to, *auto_approve, lock),
    };
    match result {
        Ok(code) => code,
        Err(d) => fail(&ui, d),
    }
}

fn list(addresses: &[String]) -> Result<ExitCode, Diagnostic> {
    let mut filters = Vec::new();
    for a in addresses {
        filters.push(
            parse_target(a).map_err(|e| Diagnostic::error("Invalid address", e.to_string()))?,
        );
    }
    let state = open(None)?.state;
    for (addr, _, _) in state.instances() {
        if filters.is_empty() || filters.iter().any(|f| f.contains(&addr)) {
            println!("{addr}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(address: &str) -> Result<ExitCode, Diagnostic> {
    let addr = terrane_addrs::parse_resource_instance(address)
        .map_err(|e| Diagnostic::error("Invalid address", e.to_string()))?;
    let state = open(None)?.state;
    match state.object(&addr) {
        Some(o) => {
            println!("# {addr}:\n{}", render_object(&addr, o));
            Ok(ExitCode::SUCCESS)
        }
        None => Err(Diagnostic::error(
            "No instance found for the given address!",
            format!(
                "This command requires that the address references one specific instance; {addr} is not in the state."
            ),
        )),
    }
}

fn pull(version: Option<u64>) -> Result<ExitCode, Diagnostic> {
    let Some(serial) = version else {
        print!("{}", terrane_state::v4::to_v4_text(&open(None)?.state));
        return Ok(ExitCode::SUCCESS);
    };
    let state = history::read_version(&workdir::open_store()?, serial)?;
    print!("{}", terrane_state::v4::to_v4_text(&state));
    Ok(ExitCode::SUCCESS)
}
