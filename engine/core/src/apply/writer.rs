//! The one owner of the state during an apply: a thread that receives every change as it happens,
//! records it in memory, and writes it to the backend at once (changes that arrive together are written
//! in one transaction).
//!
//! A create is recorded as an intent before the provider is asked for it ([`StateSink::record`]
//! returns once the intent is durable), and the intent is removed in the same write as the object the
//! provider answers with, so a process killed at any moment leaves either the object or the intent.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use terrane_addrs::{AbsResourceInstance, ProviderConfig};
use terrane_state::entries::{
    instance_entry, instance_key, intent_entry, intent_key, output_entry, output_key,
};
use terrane_state::{EachMode, Intent, ObjectState, OutputState, State};
use terrane_state_api::StateWriter;

/// One change to the state.
#[derive(Clone, Debug)]
pub enum StateUpdate {
    /// An instance's current or deposed object was created, changed or (with `None`) destroyed.
    Object {
        /// The instance.
        addr: AbsResourceInstance,
        /// The provider configuration that manages it.
        provider: ProviderConfig,
        /// How its resource's instances are keyed.
        each: EachMode,
        /// The deposed key, for deposed objects.
        deposed: Option<String>,
        /// The object, or `None` when it is gone.
        object: Option<Arc<ObjectState>>,
    },
    /// A create of an instance's current object starts (`Some`) or ended without an object (`None`).
    Intent {
        /// The instance.
        addr: AbsResourceInstance,
        /// The intent, or `None` to remove it.
        intent: Option<Intent>,
    },
    /// A root output was set or removed.
    Output {
        /// The output name.
        name: String,
        /// The value, or `None` to remove it.
        value: Option<OutputState>,
    },
}

/// Sends state changes to the writer thread; cheap to clone into tasks.
#[derive(Clone)]
pub struct StateSink {
    tx: mpsc::Sender<Message>,
}

/// A change, and whom to tell once it is durable.
struct Message {
    update: StateUpdate,
    written: Option<tokio::sync::oneshot::Sender<()>>,
}

impl StateSink {
    /// Records a change; it is durable shortly after, in order.
    pub fn send(&self, update: StateUpdate) {
        let _ = self.tx.send(Message {
            update,
            written: None,
        });
    }

    /// Records a change and returns once it is durable (or could not be written: the writer reports
    /// that at the end).
    pub async fn record(&self, update: StateUpdate) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sent = self.tx.send(Message {
            update,
            written: Some(tx),
        });
        if sent.is_ok() {
            let _ = rx.await;
        }
    }
}

/// The writer thread and its channel.
pub struct Writer {
    sink: StateSink,
    handle: JoinHandle<(State, Vec<String>)>,
}

impl Writer {
    /// Starts the writer thread on a state and a backend write session.
    pub fn start(state: State, writer: Box<dyn StateWriter>) -> Writer {
        let (tx, rx) = mpsc::channel::<Message>();
        let handle = std::thread::Builder::new()
            .name("terrane-state-writer".into())
            .spawn(move || run(rx, state, writer))
            .expect("state writer thread starts");
        Writer {
            sink: StateSink { tx },
            handle,
        }
    }

    /// A sender of changes.
    pub fn sink(&self) -> StateSink {
        self.sink.clone()
    }

    /// Stops accepting changes, waits until everything is written, and returns the final state and any
    /// storage errors.
    pub fn finish(self) -> (State, Vec<String>) {
        drop(self.sink);
        self.handle.join().expect("state writer thread panicked")
    }
}

fn run(
    rx: mpsc::Receiver<Message>,
    mut state: State,
    mut writer: Box<dyn StateWriter>,
) -> (State, Vec<String>) {
    let mut errors = Vec::new();
    state.serial = writer.serial();
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let mut changes: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        let mut waiting = Vec::new();
        for Message { update, written } in batch {
            waiting.extend(written);
            match update {
                StateUpdate::Object {
                    addr,
                    provider,
                    each,
                    deposed,
                    object,
                } => {
                    match &deposed {
                        Some(d) => state.set_deposed(&addr, d, &provider, each, object.clone()),
                        None => state.set_shared_object(&addr, &provider, each, object.clone()),
                    }
                    if deposed.is_none() && object.is_some() && !state.intents.is_empty() {
                        let key = addr.to_string();
                        if state.intents.remove(&key).is_some() {
                            changes.push((intent_key(&key), None));
                        }
                    }
                    match (&object, state.resource(&addr.abs_resource())) {
                        (Some(o), Some(r)) => {
                            let (k, v) = instance_entry(&addr, r, deposed.as_deref(), o);
                            changes.push((k, Some(v)));
                        }
                        _ => changes.push((instance_key(&addr, deposed.as_deref()), None)),
                    }
                }
                StateUpdate::Intent { addr, intent } => {
                    let key = addr.to_string();
                    match intent {
                        Some(i) => {
                            let (k, v) = intent_entry(&key, &i);
                            changes.push((k, Some(v)));
                            state.intents.insert(key, i);
                        }
                        None => {
                            if state.intents.remove(&key).is_some() {
                                changes.push((intent_key(&key), None));
                            }
                        }
                    }
                }
                StateUpdate::Output { name, value } => {
                    match &value {
                        Some(o) => {
                            let (k, v) = output_entry(&name, o);
                            changes.push((k, Some(v)));
                        }
                        None => changes.push((output_key(&name), None)),
                    }
                    match value {
                        Some(o) => {
                            state.outputs.insert(name, o);
                        }
                        None => {
                            state.outputs.remove(&name);
                        }
                    }
                }
            }
        }
        if let Err(e) = writer.put_many(&changes) {
            errors.push(e.to_string());
        }
        for w in waiting {
            let _ = w.send(());
        }
    }
    if let Err(e) = writer.finish() {
        errors.push(e.to_string());
    }
    (state, errors)
}
