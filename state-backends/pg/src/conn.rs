//! A connection owned by its own thread: calls are closures sent to it and answered over a channel.
//! The connection (and with it the session and its advisory locks) ends when the last handle is
//! dropped.

use crate::{PgConfig, storage};
use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};
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
    pub fn connect(settings: &PgConfig) -> Result<Conn, StateError> {
        let config = client_config(settings)?;
        let (tx, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), StateError>>();
        std::thread::Builder::new()
            .name("terrane-pg".into())
            .spawn(move || {
                let connected = config.connect(NoTls).and_then(|mut c| {
                    // The server notices a client that vanished without closing its connection (a
                    // machine that lost power, a dropped network) within about a minute, and ends
                    // the session, releasing its lock. Ignored on Unix-domain sockets.
                    c.batch_execute(
                        "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; \
                         SET tcp_keepalives_count = 3",
                    )?;
                    Ok(c)
                });
                let mut client = match connected {
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

/// The client configuration: the connection string, with what it leaves out taken from libpq's
/// environment variables, as Terraform's pg backend does.
fn client_config(settings: &PgConfig) -> Result<Config, StateError> {
    let env = |k: &str| {
        settings
            .libpq_env
            .iter()
            .find(|(name, v)| name == k && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };
    // The error of a connection string that does not parse never repeats it: it may hold a password.
    let mut config: Config = if settings.conn_str.trim().is_empty() {
        Config::new()
    } else {
        settings.conn_str.parse().map_err(|_| {
            StateError::Storage(
                "the connection string is neither a postgres:// URL nor `key=value` pairs".into(),
            )
        })?
    };
    if config.get_hosts().is_empty() {
        for h in env("PGHOST").unwrap_or("localhost").split(',') {
            config.host(h);
        }
    }
    if config.get_ports().is_empty() {
        if let Some(p) = env("PGPORT") {
            let port = p
                .parse()
                .map_err(|_| StateError::Storage(format!("PGPORT={p:?} is not a port number")))?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        config.user(env("PGUSER").or(env("USER")).unwrap_or("postgres"));
    }
    if config.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            config.password(p);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(d) = env("PGDATABASE") {
            config.dbname(d);
        }
    }
    if config.get_application_name().is_none() {
        config.application_name(env("PGAPPNAME").unwrap_or("terrane"));
    }
    if config.get_connect_timeout().is_none() {
        let secs = env("PGCONNECT_TIMEOUT")
            .and_then(|t| t.parse().ok())
            .unwrap_or(30);
        config.connect_timeout(std::time::Duration::from_secs(secs));
    }
    if !settings.conn_str.contains("sslmode") {
        match env("PGSSLMODE") {
            None | Some("disable" | "allow" | "prefer") => {
                config.ssl_mode(SslMode::Disable);
            }
            Some(_) => {
                config.ssl_mode(SslMode::Require);
            }
        }
    }
    if config.get_ssl_mode() == SslMode::Require {
        return Err(StateError::Storage(
            "sslmode=require is not supported: terrane's pg backend connects without TLS (use sslmode=disable or prefer, over a trusted network or a tunnel)".into(),
        ));
    }
    Ok(config)
}
