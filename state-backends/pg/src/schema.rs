//! The tables, created on first use in the configured schema, and the layout version that tells a
//! database written by a newer terrane.

use postgres::Client;
use terrane_state_api::StateError;

/// The layout version this terrane writes.
const LAYOUT_VERSION: i32 = 1;

/// Qualified table names in one schema.
#[derive(Clone, Debug)]
pub struct Tables {
    schema: String,
}

impl Tables {
    /// The tables of a schema.
    pub fn new(schema: &str) -> Tables {
        Tables {
            schema: format!("\"{}\"", schema.replace('"', "\"\"")),
        }
    }

    /// `schema.terrane_NAME`.
    pub fn t(&self, name: &str) -> String {
        format!("{}.terrane_{name}", self.schema)
    }

    /// Creates what is missing (as far as `create` allows), and refuses a layout written by a newer
    /// terrane.
    pub fn prepare(&self, c: &mut Client, create: Create) -> Result<(), StateError> {
        let storage = crate::storage;
        let mut tx = c.transaction().map_err(storage)?;
        // Serialize concurrent first uses.
        tx.execute("SELECT pg_advisory_xact_lock(7366836175617419621)", &[])
            .map_err(storage)?;
        if create.schema {
            tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", self.schema))
                .map_err(storage)?;
        }
        if create.tables {
            self.create_tables(&mut tx)?;
        }
        if create.indexes {
            tx.batch_execute(&format!(
                "CREATE INDEX IF NOT EXISTS terrane_entries_by_serial ON {} (workspace, serial)",
                self.t("entries")
            ))
            .map_err(|e| {
                StateError::Storage(format!(
                    "cannot create the state index in schema {}: {e}",
                    self.schema
                ))
            })?;
        }
        let found: Option<i32> = tx
            .query_opt(&format!("SELECT MAX(version) FROM {}", self.t("layout")), &[])
            .map_err(|e| {
                StateError::Storage(format!(
                    "the state tables in schema {} cannot be read (with skip_table_creation they must exist): {e}",
                    self.schema
                ))
            })?
            .and_then(|r| r.get(0));
        match found {
            Some(v) if v > LAYOUT_VERSION => {
                return Err(StateError::Corrupt(format!(
                    "the state tables in schema {} were written by a newer terrane (layout {v}; this terrane reads up to {LAYOUT_VERSION}); upgrade terrane to use them",
                    self.schema
                )));
            }
            Some(_) => {}
            None => {
                tx.execute(
                    &format!("INSERT INTO {} (version) VALUES ($1)", self.t("layout")),
                    &[&LAYOUT_VERSION],
                )
                .map_err(storage)?;
            }
        }
        tx.commit().map_err(storage)
    }

    fn create_tables(&self, tx: &mut postgres::Transaction<'_>) -> Result<(), StateError> {
        tx.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {layout} (version INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS {ws} (name TEXT PRIMARY KEY, lineage TEXT);
             CREATE TABLE IF NOT EXISTS {versions} (
                 workspace TEXT NOT NULL, serial BIGINT NOT NULL, command TEXT NOT NULL,
                 who TEXT NOT NULL, started TEXT NOT NULL, finished BOOLEAN NOT NULL DEFAULT FALSE,
                 PRIMARY KEY (workspace, serial));
             CREATE TABLE IF NOT EXISTS {entries} (
                 workspace TEXT NOT NULL, key TEXT NOT NULL, serial BIGINT NOT NULL, data BYTEA,
                 PRIMARY KEY (workspace, key, serial));
             CREATE TABLE IF NOT EXISTS {current} (
                 workspace TEXT NOT NULL, key TEXT NOT NULL, data BYTEA NOT NULL, serial BIGINT NOT NULL,
                 PRIMARY KEY (workspace, key));
             CREATE TABLE IF NOT EXISTS {locks} (
                 workspace TEXT PRIMARY KEY, id TEXT NOT NULL, operation TEXT NOT NULL,
                 who TEXT NOT NULL, created TEXT NOT NULL, pid BIGINT NOT NULL, hostname TEXT NOT NULL,
                 backend_pid INTEGER NOT NULL);
             ALTER TABLE {locks} ADD COLUMN IF NOT EXISTS version TEXT NOT NULL DEFAULT '';",
            layout = self.t("layout"),
            ws = self.t("workspaces"),
            versions = self.t("versions"),
            entries = self.t("entries"),
            current = self.t("current"),
            locks = self.t("locks"),
        ))
        .map_err(|e| {
            StateError::Storage(format!(
                "cannot create the state tables in schema {}: {e}",
                self.schema
            ))
        })
    }
}

/// What `prepare` may create: `skip_schema_creation`, `skip_table_creation` and
/// `skip_index_creation` turn each off, for databases whose administrators create them.
#[derive(Clone, Copy, Debug)]
pub struct Create {
    /// The schema.
    pub schema: bool,
    /// The tables.
    pub tables: bool,
    /// The index.
    pub indexes: bool,
}
