//! Ctrl-C during an apply: the first SIGINT or SIGTERM asks the apply to stop starting new changes
//! (those in flight finish and are recorded, and terrane exits 1); a second one exits at once, with
//! the state as the last durable write left it (creates in flight are recorded as intents).

use terrane_core::Stop;
use tokio::signal::unix::{SignalKind, signal};

/// Exit code after a second interrupt, as a shell reports a process ended by SIGINT.
const INTERRUPTED: i32 = 130;

/// Watches for interrupts until the returned guard is dropped.
pub struct Watch(tokio::task::JoinHandle<()>);

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts watching; from here on, SIGINT and SIGTERM no longer end the process on their own.
pub fn watch(stop: Stop) -> std::io::Result<Watch> {
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(Watch(tokio::spawn(async move {
        let mut received = 0;
        loop {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            received += 1;
            if received == 1 {
                println!(
                    "\nInterrupt received.\nPlease wait for terrane to exit or data loss may occur.\nGracefully shutting down..."
                );
                stop.request();
            } else {
                println!(
                    "\nTwo interrupts received. Exiting immediately. Creates in flight are recorded in the state as interrupted; the next plan lists them."
                );
                std::process::exit(INTERRUPTED);
            }
        }
    })))
}
