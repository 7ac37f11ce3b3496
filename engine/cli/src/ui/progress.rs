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
                    if elapsed >= Duration::from_secs(10) && tui.json {
                        super::json::emit(
                            "info",
                            &format!(
                                "{addr}: Still {}... [{} elapsed]",
                                progressive(op),
                                duration_text(elapsed)
                            ),
                            "apply_progress",
                            json_hook(
                                &addr,
                                op,
                                vec![("elapsed_seconds", serde_json::json!(elapsed.as_secs()))],
                            ),
                        );
                    } else if elapsed >= Duration::from_secs(10) {
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

fn action(op: Operation) -> &'static str {
    match op {
        Operation::Create => "create",
        Operation::Update => "update",
        Operation::Destroy => "delete",
        Operation::Read | Operation::Refresh => "read",
    }
}

/// The `hook` of a progress message: the resource, the action and more fields.
fn json_hook(
    addr: &AbsResourceInstance,
    op: Operation,
    more: Vec<(&str, serde_json::Value)>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut hook = serde_json::Map::new();
    hook.insert("resource".into(), super::json::resource(addr));
    hook.insert("action".into(), serde_json::json!(action(op)));
    for (k, v) in more {
        hook.insert(k.into(), v);
    }
    [("hook".to_string(), serde_json::Value::Object(hook))]
        .into_iter()
        .collect()
}

impl Progress {
    /// The JSON message of an event.
    fn json_event(&self, e: Event) {
        use super::json::emit;
        use serde_json::json;
        let id_fields = |id: &Option<String>| match id {
            Some(i) => vec![("id_key", json!("id")), ("id_value", json!(i))],
            None => vec![],
        };
        match e {
            Event::Started { addr, op } => {
                if let Ok(mut g) = self.running.lock() {
                    g.insert(addr.clone(), (op, Instant::now()));
                }
                let verb = match op {
                    Operation::Create => "Creating...",
                    Operation::Update => "Modifying...",
                    Operation::Destroy => "Destroying...",
                    Operation::Read | Operation::Refresh => "Reading...",
                };
                emit(
                    "info",
                    &format!("{addr}: {verb}"),
                    "apply_start",
                    json_hook(&addr, op, vec![]),
                );
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
                let shown = id
                    .as_ref()
                    .map(|i| format!(" [id={i}]"))
                    .unwrap_or_default();
                let mut more = id_fields(&id);
                more.push(("elapsed_seconds", json!(elapsed.as_secs())));
                emit(
                    "info",
                    &format!("{addr}: {what} after {}{shown}", duration_text(elapsed)),
                    "apply_complete",
                    json_hook(&addr, op, more),
                );
            }
            Event::Refreshing { addr, id } => {
                let shown = id
                    .as_ref()
                    .map(|i| format!(" [id={i}]"))
                    .unwrap_or_default();
                let mut hook = json_hook(&addr, Operation::Refresh, id_fields(&id));
                if let Some(serde_json::Value::Object(h)) = hook.get_mut("hook") {
                    h.remove("action");
                }
                emit(
                    "info",
                    &format!("{addr}: Refreshing state...{shown}"),
                    "refresh_start",
                    hook,
                );
            }
            Event::Failed { addr, op } => {
                let started = self.running.lock().ok().and_then(|mut g| g.remove(&addr));
                let elapsed = started.map(|(_, t)| t.elapsed()).unwrap_or_default();
                let what = match op {
                    Operation::Create => "Creation errored",
                    Operation::Update => "Modifications errored",
                    Operation::Destroy => "Destruction errored",
                    Operation::Read | Operation::Refresh => "Read errored",
                };
                emit(
                    "error",
                    &format!("{addr}: {what} after {}", duration_text(elapsed)),
                    "apply_errored",
                    json_hook(
                        &addr,
                        op,
                        vec![("elapsed_seconds", json!(elapsed.as_secs()))],
                    ),
                );
            }
        }
    }
}

impl Observer for Progress {
    fn event(&self, e: Event) {
        if self.ui.json {
            self.json_event(e);
            return;
        }
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
