//! A connection owned by its own thread: calls are closures sent to it and answered over a channel.
//! The connection (and with it the session and its advisory locks) ends when the last handle is
//! dropped.

use crate::storage;
use postgres::{Client, NoTls};
use std::sync::mpsc;
use terrane_state_api::StateError;

type Job = Box<dyn FnOnce(&mut Client) + Send>;

/// A handle on the connection thread.
#[derive(Clone)]
pub struct Conn {
    tx: mpsc::Sender<Job>,
}

impl Conn {
    /// Connects, on a new thread.
    pub fn connect(conn_str: &str) -> Result<Conn, StateError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), StateError>>();
        let conn_str = conn_str.to_string();
        std::thread::Builder::new()
            .name("terrane-pg".into())
            .spawn(move || {
                let mut client = match Client::connect(&conn_str, NoTls) {
                    Ok(c) => {
                        let _ = ready_tx.send(Ok(()));
                        c
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(StateError::Storage(format!(
                            "cannot connect to PostgreSQL: {e}"
                        ))));
                        return;
                    }
                };
                while let Ok(job) = rx.recv() {
                    job(&mut client);
                }
            })
            .map_err(|e| StateError::Storage(format!("cannot start a thread: {e}")))?;
        ready_rx
            .recv()
            .map_err(|_| StateError::Storage("the PostgreSQL connection thread ended".into()))??;
        Ok(Conn { tx })
    }

    /// Runs `f` on the connection and returns its result.
    pub fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StateError> {
        self.call_state(move |c| f(c).map_err(storage))
    }

    /// Runs `f`, which may fail with a state error, on the connection.
    pub fn call_state<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StateError> + Send + 'static,
    ) -> Result<T, StateError> {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move |c| {
            let _ = tx.send(f(c));
        });
        self.tx
            .send(job)
            .map_err(|_| StateError::Storage("the PostgreSQL connection is closed".into()))?;
        rx.recv()
            .map_err(|_| StateError::Storage("the PostgreSQL connection is closed".into()))?
    }
}
