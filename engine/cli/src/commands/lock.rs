//! `terrane force-unlock LOCK_ID`: release a lock that its holder can no longer release (the process
//! hung, or was killed on another machine). A lock whose holder died on this machine is taken over by
//! the next command without this.

use crate::args::ForceUnlockArgs;
use crate::ui::Ui;
use crate::workdir;
use std::io::BufRead;
use std::process::ExitCode;
use terrane_diagnostics::Diagnostic;
use terrane_state_api::StateError;

pub fn force_unlock(args: &ForceUnlockArgs) -> ExitCode {
    let ui = Ui::new(false);
    let fail = |d: Diagnostic| super::state::fail(&ui, d);
    let store = match workdir::open_store() {
        Ok(s) => s,
        Err(d) => return fail(d),
    };
    let holder = match store.lock_holder() {
        Ok(h) => h,
        Err(e) => return fail(Diagnostic::error("Failed to read the lock", e.to_string())),
    };
    match &holder {
        Some(h) if h.id == args.lock_id => {}
        Some(h) => {
            return fail(Diagnostic::error(
                "Failed to unlock state",
                format!(
                    "The lock ID {:?} does not match the lock held: {h}.",
                    args.lock_id
                ),
            ));
        }
        None => {
            return fail(Diagnostic::error(
                "Failed to unlock state",
                format!("The state is not locked (lock ID {:?}).", args.lock_id),
            ));
        }
    }
    if !args.force {
        ui.out(&format!(
            "Do you really want to force-unlock?\n  terrane will remove the lock on the remote state.\n  This will allow local terrane commands to modify this state, even though it\n  may still be in use. Only 'yes' will be accepted to confirm.\n\n  Lock held: {}\n\n  Enter a value: ",
            holder.as_ref().map(ToString::to_string).unwrap_or_default()
        ));
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        if line.trim() != "yes" {
            ui.line("force-unlock cancelled.");
            return ExitCode::from(1);
        }
    }
    match store.unlock(&args.lock_id) {
        Ok(()) => {
            ui.line(&ui.style(
                "1;32",
                "terrane state has been successfully unlocked!\n\nThe state has been unlocked, and terrane commands should now be able to\nobtain a new lock on the remote state.",
            ));
            ExitCode::SUCCESS
        }
        Err(StateError::LockMismatch { given, held }) => fail(Diagnostic::error(
            "Failed to unlock state",
            format!("The lock ID {given:?} does not match the lock held ({held:?})."),
        )),
        Err(e) => fail(Diagnostic::error("Failed to unlock state", e.to_string())),
    }
}
