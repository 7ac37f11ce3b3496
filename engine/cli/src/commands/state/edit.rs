//! The state commands that change the state: push, mv, rm, replace-provider. Each takes the lock,
//! checks everything before writing, and writes one version naming the command.

use super::{open, open_locked};
use crate::args::LockArgs;
use crate::ui::Ui;
use crate::workdir;
use std::io::{BufRead, Read};
use std::process::ExitCode;
use terrane_addrs::{Provider, parse_target};
use terrane_diagnostics::Diagnostic;
use terrane_state_api::StateError;

fn invalid_address(e: terrane_addrs::ParseError) -> Diagnostic {
    Diagnostic::error("Invalid address", e.to_string())
}

fn write_failed(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error("Failed to write state", e.to_string())
}

/// `terrane state push PATH`: replaces the state with a Terraform state file (`-` reads standard
/// input). Refuses a state of another lineage, or an older one, unless `-force`.
pub fn push(path: &str, force: bool, lock: &LockArgs) -> Result<ExitCode, Diagnostic> {
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| Diagnostic::error("Failed to read state file", format!("{path}: {e}")))?;
    let pushed = terrane_state::v4::from_v4(&text).map_err(|e| {
        Diagnostic::error(
            "Failed to read state file",
            format!("{path} is not a usable Terraform state: {e}. Nothing was changed."),
        )
    })?;
    let (store, _lock) = open_locked(Some((lock, "state push")))?;
    // A damaged state is replaced only with -force (the restore path: push a version pulled from
    // history); without it the error says what is wrong and nothing is written.
    // A state that cannot be decrypted is never replaced: the key is wrong, not the state.
    let current = match store.read() {
        Ok(None) => None,
        Ok(Some(snap)) => {
            Some(terrane_state::entries::from_snapshot(&snap).map_err(|e| e.to_string()))
        }
        Err(e @ StateError::Encryption(_)) => {
            return Err(Diagnostic::error(
                "Failed to decrypt state",
                format!("{e}. Nothing was changed."),
            ));
        }
        Err(e) => Some(Err(e.to_string())),
    };
    match current {
        Some(Err(e)) if !force => {
            return Err(Diagnostic::error(
                "Failed to read state",
                format!(
                    "The current state cannot be read: {e}. Nothing was changed; use -force to replace it with {path}."
                ),
            ));
        }
        Some(Ok(current)) if !force => {
            if current.lineage != pushed.lineage {
                return Err(Diagnostic::error(
                    "Failed to write state",
                    format!(
                        "Cannot import a state with lineage {:?} over unrelated state with lineage {:?}. Use -force to replace it anyway.",
                        pushed.lineage, current.lineage
                    ),
                ));
            }
            if pushed.serial < current.serial {
                return Err(Diagnostic::error(
                    "Failed to write state",
                    format!(
                        "Cannot import a state with serial {} over newer state with serial {}. Use -force to replace it anyway.",
                        pushed.serial, current.serial
                    ),
                ));
            }
        }
        _ => {}
    }
    let snap = terrane_state::entries::to_snapshot(&pushed);
    store
        .write_snapshot(&snap, workdir::version_meta("state push"))
        .map_err(write_failed)?;
    Ok(ExitCode::SUCCESS)
}

/// `terrane state mv SOURCE DESTINATION`.
pub fn mv(
    ui: &Ui,
    source: &str,
    destination: &str,
    dry_run: bool,
    lock: &LockArgs,
) -> Result<ExitCode, Diagnostic> {
    let from = parse_target(source).map_err(invalid_address)?;
    let to = parse_target(destination).map_err(invalid_address)?;
    let opened = open(Some((lock, "state mv")))?;
    let mut state = opened.state.clone();
    let moves = state
        .move_objects(&from, &to)
        .map_err(|e| Diagnostic::error("Invalid state move request", e.to_string()))?;
    for (a, b) in &moves {
        let verb = if dry_run { "Would move" } else { "Move" };
        ui.line(&format!("{verb} {a:?} to {b:?}"));
    }
    if dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    workdir::commit_state(opened.store.as_ref(), &opened.state, &state, "state mv")?;
    ui.line(&format!("Successfully moved {} object(s).", moves.len()));
    Ok(ExitCode::SUCCESS)
}

/// `terrane state rm ADDRESS...`.
pub fn rm(
    ui: &Ui,
    addresses: &[String],
    dry_run: bool,
    lock: &LockArgs,
) -> Result<ExitCode, Diagnostic> {
    if addresses.is_empty() {
        return Err(Diagnostic::error(
            "Invalid number of arguments",
            "At least one address is required.",
        ));
    }
    let targets = addresses
        .iter()
        .map(|a| parse_target(a).map_err(invalid_address))
        .collect::<Result<Vec<_>, _>>()?;
    let opened = open(Some((lock, "state rm")))?;
    let mut state = opened.state.clone();
    let mut removed = Vec::new();
    // an interrupted create of a removed address is forgotten with it: the warning about it ends
    let recorded = opened.state.intents.clone();
    let intent_of = |t: &terrane_addrs::Target| -> Vec<String> {
        recorded
            .keys()
            .filter(|a| {
                terrane_addrs::parse_resource_instance(a).is_ok_and(|addr| t.contains(&addr))
            })
            .cloned()
            .collect()
    };
    let intents: Vec<String> = targets.iter().flat_map(intent_of).collect();
    for t in &targets {
        match state.remove_matching(t) {
            Ok(gone) => removed.extend(gone),
            // an address with only an interrupted create is no error
            Err(_) if !intent_of(t).is_empty() => {}
            Err(e) => return Err(Diagnostic::error("Invalid target address", e.to_string())),
        }
    }
    for a in &intents {
        state.intents.remove(a);
        ui.line(&format!(
            "{} the record of an interrupted create of {a}",
            if dry_run { "Would remove" } else { "Removed" }
        ));
    }
    for a in &removed {
        ui.line(&format!(
            "{} {a}",
            if dry_run { "Would remove" } else { "Removed" }
        ));
    }
    if dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    workdir::commit_state(opened.store.as_ref(), &opened.state, &state, "state rm")?;
    ui.line(&format!(
        "Successfully removed {} resource instance(s).",
        removed.len()
    ));
    Ok(ExitCode::SUCCESS)
}

/// `terrane state replace-provider FROM TO`.
pub fn replace_provider(
    ui: &Ui,
    from: &str,
    to: &str,
    auto_approve: bool,
    lock: &LockArgs,
) -> Result<ExitCode, Diagnostic> {
    let parse = |s: &str| {
        Provider::parse(s).ok_or_else(|| {
            Diagnostic::error(
                "Invalid provider address",
                format!("{s:?} is not a provider source address like registry.terraform.io/hashicorp/aws."),
            )
        })
    };
    let (from_p, to_p) = (parse(from)?, parse(to)?);
    let opened = open(Some((lock, "state replace-provider")))?;
    let mut state = opened.state.clone();
    let changed = state.replace_provider(&from_p, &to_p);
    if changed.is_empty() {
        ui.line("No matching resources found.");
        return Ok(ExitCode::SUCCESS);
    }
    ui.line(&format!(
        "terrane will perform the following actions:\n\n  ~ Updating provider:\n    - {from_p}\n    + {to_p}\n\nChanging {} resources:\n",
        changed.len()
    ));
    for r in &changed {
        ui.line(&format!("  {r}"));
    }
    if !auto_approve {
        ui.out("\nDo you want to make these changes?\nOnly 'yes' will be accepted to continue.\n\nEnter a value: ");
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        if line.trim() != "yes" {
            ui.line("\nCancelled replacing providers.");
            return Ok(ExitCode::from(1));
        }
    }
    workdir::commit_state(
        opened.store.as_ref(),
        &opened.state,
        &state,
        "state replace-provider",
    )?;
    ui.line(&format!(
        "\nSuccessfully replaced provider for {} resources.",
        changed.len()
    ));
    Ok(ExitCode::SUCCESS)
}
