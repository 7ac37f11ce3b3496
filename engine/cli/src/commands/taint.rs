//! `terrane taint` and `terrane untaint`: mark an instance for replacement by the next apply, or take
//! the mark away. Both take the lock and record a version.

use super::state::{fail, open};
use crate::args::{LockArgs, TaintArgs};
use crate::ui::Ui;
use crate::workdir;
use std::process::ExitCode;
use terrane_diagnostics::Diagnostic;
use terrane_state::ObjectStatus;

pub fn run(args: &TaintArgs, taint: bool) -> ExitCode {
    let ui = Ui::new(false);
    match mark(&ui, args, taint) {
        Ok(code) => code,
        Err(d) => fail(&ui, d),
    }
}

fn mark(ui: &Ui, args: &TaintArgs, taint: bool) -> Result<ExitCode, Diagnostic> {
    let addr = terrane_addrs::parse_resource_instance(&args.address)
        .map_err(|e| Diagnostic::error("Invalid address", e.to_string()))?;
    if addr.is_data() {
        return Err(Diagnostic::error(
            "Invalid address",
            format!("{addr} is a data source; only managed resources can be tainted."),
        ));
    }
    let lock = LockArgs {
        lock: args.lock,
        lock_timeout: args.lock_timeout.clone(),
    };
    let command = if taint { "taint" } else { "untaint" };
    let opened = open(Some((&lock, command)))?;
    let mut state = opened.state.clone();
    let current = state.object(&addr).map(|o| o.status);
    match current {
        None if args.allow_missing => {
            ui.line(&format!(
                "The resource instance {addr} was not found, so there is nothing to {command}."
            ));
            return Ok(ExitCode::SUCCESS);
        }
        None => {
            return Err(Diagnostic::error(
                "No such resource instance",
                format!(
                    "There is no resource instance in the state with the address {addr}. If the resource configuration has just been added, you must run \"terrane apply\" once to create the corresponding instance(s) before they can be {command}ed."
                ),
            ));
        }
        Some(ObjectStatus::Ready) if !taint => {
            return Err(Diagnostic::error(
                "Resource instance is not tainted",
                format!(
                    "Resource instance {addr} is not currently tainted, and so it cannot be untainted."
                ),
            ));
        }
        _ => {}
    }
    let status = if taint {
        ObjectStatus::Tainted
    } else {
        ObjectStatus::Ready
    };
    state
        .set_status(&addr, status)
        .map_err(|e| Diagnostic::error("No such resource instance", e.to_string()))?;
    workdir::commit_state(opened.store.as_ref(), &opened.state, &state, command)?;
    if taint {
        ui.line(&format!(
            "Resource instance {addr} has been marked as tainted."
        ));
    } else {
        ui.line(&format!(
            "Resource instance {addr} has been successfully untainted."
        ));
    }
    Ok(ExitCode::SUCCESS)
}
