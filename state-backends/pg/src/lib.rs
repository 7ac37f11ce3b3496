//! The `pg` backend: the state in PostgreSQL, laid out like the SQLite backend (one row per entry per
//! version, a table of current entries, a table of versions), every workspace in the same tables of
//! one schema (`schema_name`, `terraform_remote_state` by default).
//!
//! Locks are PostgreSQL session-level advisory locks, so a client that crashes or loses its
//! connection releases its lock with its session: a lock cannot be left held forever. The holder's
//! description (who, since when, for what) is kept in a table beside it. `force-unlock` from another
//! client ends the holder's session.
//!
//! The synchronous `postgres` client runs its own runtime, which cannot be started inside the
//! caller's async runtime; each store therefore owns a thread that owns its connection, and calls
//! are sent to it ([`conn`]).
#![deny(missing_docs)]

mod conn;
mod lock;
mod schema;
mod store;

pub use store::{PgBackend, PgStore};

use terrane_state_api::StateError;

fn storage(e: postgres::Error) -> StateError {
    StateError::Storage(format!("PostgreSQL: {e}"))
}

/// The pg backend's settings.
#[derive(Clone, Debug, Default)]
pub struct PgConfig {
    /// The connection string (`postgres://user:password@host/db` or `host=... user=...`).
    pub conn_str: String,
    /// The schema that holds the tables.
    pub schema_name: String,
    /// Do not create the schema (it exists, and the user may not create schemas).
    pub skip_schema_creation: bool,
    /// Do not create the tables (an administrator created them).
    pub skip_table_creation: bool,
    /// Do not create the index (an administrator created it).
    pub skip_index_creation: bool,
    /// libpq's environment variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
    /// `PGSSLMODE`, `PGCONNECT_TIMEOUT`, `PGAPPNAME`), used for what the connection string leaves out.
    pub libpq_env: Vec<(String, String)>,
}

#[cfg(test)]
mod tests;
