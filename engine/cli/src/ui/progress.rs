//! Progress lines during apply: `null_resource.a: Creating...`, `... Creation complete after 0s`,
//! and `Still creating... [10s elapsed]` for operations that take time.

use super::Ui;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use terrane_addrs::AbsResourceInstance;
use terrane_core::{Event, Observer, Operation};

/// Prints progress events.
pub struct Progress {
    ui: Ui,
    running: Arc<Mutex<HashMap<AbsResourceInstance, (Operation, Instant)>>>,
}

impl Progress {
    /// Starts the progress printer, with a ticker for long operations.
    pub fn new(ui: Ui) -> Arc<Progress> {
        let running: Arc<Mutex<HashMap<AbsResourceInstance, (Operation, Instant)>>> =
            Arc::default();
        let ticker = running.clone();
        let tui = ui.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(10));
                let now = Instant::now();
                let items: Vec<(AbsResourceInstance, Operation, Duration)> = match ticker.lock() {
                    Ok(g) => g
                        .iter()
                        .map(|(a, (op, t))| (a.clone(), *op, now - *t))
                        .collect(),
                    Err(_) => return,
                };
                for (addr, op, elapsed) in items {
                    if elapsed >= Duration::from_secs(10) {
                        tui.line(&format!(
                            "{}: Still {}... [{} elapsed]",
                            tui.bold(&addr.to_string()),
                            progressive(op),
                            duration_text(elapsed)
                        ));
                    }
                }
            }
        });
        Arc::new(Progress { ui, running })
    }
}

fn progressive(op: Operation) -> &'static str {
    match op {
        Operation::Create => "creating",
        Operation::Update => "modifying",
        Operation::Destroy => "destroying",
        Operation::Read | Operation::Refresh => "reading",
    }
}

/// `1m10s`, `5s`.
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

impl Observer for Progress {
    fn event(&self, e: Event) {
        match e {
            Event::Started { addr, op } => {
                let verb = match op {
                    Operation::Create => "Creating...",
                    Operation::Update => "Modifying...",
                    Operation::Destroy => "Destroying...",
                    Operation::Read | Operation::Refresh => "Reading...",
                };
                if let Ok(mut g) = self.running.lock() {
                    g.insert(addr.clone(), (op, Instant::now()));
                }
                self.ui
                    .line(&format!("{}: {verb}", self.ui.bold(&addr.to_string())));
            }
            Event::Completed {
                addr,
                op,
                elapsed,
                id,
            } => {
                if let Ok(mut g) = self.running.lock() {
                    g.remove(&addr);
                }
                let what = match op {
                    Operation::Create => "Creation complete",
                    Operation::Update => "Modifications complete",
                    Operation::Destroy => "Destruction complete",
                    Operation::Read | Operation::Refresh => "Read complete",
                };
                let id = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
                self.ui.line(&format!(
                    "{}: {what} after {}{id}",
                    self.ui.bold(&addr.to_string()),
                    duration_text(elapsed)
                ));
            }
            Event::Refreshing { addr, id } => {
                let id = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
                self.ui.line(&format!(
                    "{}: Refreshing state...{id}",
                    self.ui.bold(&addr.to_string())
                ));
            }
            Event::Failed { addr, .. } => {
                if let Ok(mut g) = self.running.lock() {
                    g.remove(&addr);
                }
            }
        }
    }
}
