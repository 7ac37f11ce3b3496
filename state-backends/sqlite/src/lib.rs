//! The embedded default backend: state in a SQLite database file.
//!
//! Every entry write is its own transaction, durable when it returns (WAL journal, so a killed process
//! loses nothing it was told was written). Every version's entries are kept: `entries` holds one row
//! per key and version (a NULL value records a deletion), and `current` mirrors the latest row of each
//! key so that reading the state is a single scan. The database file is created readable by its owner
//! only.
#![deny(missing_docs)]

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use terrane_state_api::{
    LockInfo, Snapshot, StateError, StateStore, StateWriter, VersionInfo, VersionMeta,
};

mod workspaces;
pub use workspaces::SqliteBackend;

/// The schema version of the database layout.
const LAYOUT_VERSION: i64 = 1;

/// State stored in a SQLite database file.
pub struct SqliteStore {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

fn storage(e: rusqlite::Error) -> StateError {
    StateError::Storage(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StateError> {
        if !path.exists() {
            create_private_file(path).map_err(|e| {
                StateError::Storage(format!("cannot create {}: {e}", path.display()))
            })?;
        }
        let conn = Connection::open(path).map_err(storage)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(storage)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(storage)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(storage)?;
        let layout: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(storage)?;
        if layout > LAYOUT_VERSION {
            return Err(StateError::Corrupt(format!(
                "{} was written by a newer terrane (layout {layout}; this terrane reads up to {LAYOUT_VERSION}); upgrade terrane to use it",
                path.display()
            )));
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS versions (
                 serial INTEGER PRIMARY KEY, command TEXT NOT NULL, who TEXT NOT NULL,
                 started TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0);
             CREATE TABLE IF NOT EXISTS entries (
                 key TEXT NOT NULL, serial INTEGER NOT NULL, data BLOB, PRIMARY KEY (key, serial));
             CREATE INDEX IF NOT EXISTS entries_by_serial ON entries (serial);
             CREATE TABLE IF NOT EXISTS current (key TEXT PRIMARY KEY, data BLOB NOT NULL, serial INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS lock (
                 one INTEGER PRIMARY KEY CHECK (one = 1), id TEXT NOT NULL, operation TEXT NOT NULL, who TEXT NOT NULL,
                 created TEXT NOT NULL, pid INTEGER NOT NULL, hostname TEXT NOT NULL);",
        )
        .map_err(|e| StateError::Corrupt(format!("{} is not a terrane state database: {e}", path.display())))?;
        add_lock_version_column(&conn)?;
        conn.pragma_update(None, "user_version", LAYOUT_VERSION)
            .map_err(storage)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| StateError::Storage("state database connection poisoned".into()))?;
        f(&mut conn)
    }
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(|_| ())
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(|_| ())
}

/// The holder's version in the lock row, added after the first layout: older terranes name their
/// columns when they write the lock, so the column is compatible both ways and the layout stays 1.
fn add_lock_version_column(conn: &Connection) -> Result<(), StateError> {
    let has: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('lock') WHERE name = 'version'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(storage)?
        > 0;
    if !has {
        conn.execute(
            "ALTER TABLE lock ADD COLUMN version TEXT NOT NULL DEFAULT ''",
            [],
        )
        .map_err(storage)?;
    }
    Ok(())
}

fn lineage(conn: &Connection) -> Result<Option<String>, StateError> {
    conn.query_row("SELECT value FROM meta WHERE key = 'lineage'", [], |r| {
        r.get(0)
    })
    .optional()
    .map_err(storage)
}

fn latest_serial(conn: &Connection) -> Result<u64, StateError> {
    let s: Option<i64> = conn
        .query_row("SELECT MAX(serial) FROM versions", [], |r| r.get(0))
        .map_err(storage)?;
    Ok(s.unwrap_or(0) as u64)
}

fn start_version(
    conn: &Connection,
    lineage_if_new: &str,
    meta: &VersionMeta,
    at_least: u64,
) -> Result<u64, StateError> {
    if lineage(conn)?.is_none() {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('lineage', ?1)",
            params![lineage_if_new],
        )
        .map_err(storage)?;
    }
    let serial = (latest_serial(conn)? + 1).max(at_least);
    conn.execute(
        "INSERT INTO versions (serial, command, who, started, finished) VALUES (?1, ?2, ?3, ?4, 0)",
        params![serial as i64, meta.command, meta.who, meta.started],
    )
    .map_err(storage)?;
    Ok(serial)
}

fn write_entry(
    conn: &Connection,
    serial: u64,
    key: &str,
    data: Option<&[u8]>,
) -> Result<(), StateError> {
    // A key removed in the version that added it (a create's intent) is no change of the version: it
    // leaves no row, rather than a removal of something that never existed.
    let transient = data.is_none()
        && conn
            .query_row(
                "SELECT data IS NULL FROM entries WHERE key = ?1 AND serial < ?2 ORDER BY serial DESC LIMIT 1",
                params![key, serial as i64],
                |r| r.get::<_, bool>(0),
            )
            .optional()
            .map_err(storage)?
            .unwrap_or(true);
    if transient {
        conn.execute(
            "DELETE FROM entries WHERE key = ?1 AND serial = ?2",
            params![key, serial as i64],
        )
        .map_err(storage)?;
    } else {
        conn.execute(
            "INSERT OR REPLACE INTO entries (key, serial, data) VALUES (?1, ?2, ?3)",
            params![key, serial as i64, data],
        )
        .map_err(storage)?;
    }
    match data {
        Some(d) => conn
            .execute(
                "INSERT OR REPLACE INTO current (key, data, serial) VALUES (?1, ?2, ?3)",
                params![key, d, serial as i64],
            )
            .map(|_| ()),
        None => conn
            .execute("DELETE FROM current WHERE key = ?1", params![key])
            .map(|_| ()),
    }
    .map_err(storage)
}

struct Writer {
    conn: Arc<Mutex<Connection>>,
    serial: u64,
}

impl Writer {
    fn apply(&mut self, changes: &[(String, Option<Vec<u8>>)]) -> Result<(), StateError> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| StateError::Storage("state database connection poisoned".into()))?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(storage)?;
        for (k, v) in changes {
            write_entry(&tx, self.serial, k, v.as_deref())?;
        }
        tx.commit().map_err(storage)
    }
}

impl StateWriter for Writer {
    fn serial(&self) -> u64 {
        self.serial
    }

    fn put(&mut self, key: &str, data: &[u8]) -> Result<(), StateError> {
        self.apply(&[(key.to_string(), Some(data.to_vec()))])
    }

    fn delete(&mut self, key: &str) -> Result<(), StateError> {
        self.apply(&[(key.to_string(), None)])
    }

    fn put_many(&mut self, changes: &[(String, Option<Vec<u8>>)]) -> Result<(), StateError> {
        self.apply(changes)
    }

    fn finish(self: Box<Self>) -> Result<(), StateError> {
        let conn = self
            .conn
            .lock()
            .map_err(|_| StateError::Storage("state database connection poisoned".into()))?;
        conn.execute(
            "UPDATE versions SET finished = 1 WHERE serial = ?1",
            params![self.serial as i64],
        )
        .map_err(storage)?;
        Ok(())
    }
}

impl StateStore for SqliteStore {
    fn read(&self) -> Result<Option<Snapshot>, StateError> {
        self.with_conn(|conn| {
            let Some(lineage) = lineage(conn)? else {
                return Ok(None);
            };
            let serial = latest_serial(conn)?;
            let mut stmt = conn
                .prepare_cached("SELECT key, data FROM current")
                .map_err(storage)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .map_err(storage)?;
            let mut entries = BTreeMap::new();
            for row in rows {
                let (k, v) = row.map_err(storage)?;
                entries.insert(k, v);
            }
            Ok(Some(Snapshot {
                serial,
                lineage,
                entries,
            }))
        })
    }

    fn begin(
        &self,
        lineage_if_new: &str,
        meta: VersionMeta,
    ) -> Result<Box<dyn StateWriter>, StateError> {
        let serial = self.with_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(storage)?;
            let s = start_version(&tx, lineage_if_new, &meta, 0)?;
            tx.commit().map_err(storage)?;
            Ok(s)
        })?;
        Ok(Box::new(Writer {
            conn: self.conn.clone(),
            serial,
        }))
    }

    fn write_snapshot(&self, snapshot: &Snapshot, meta: VersionMeta) -> Result<u64, StateError> {
        self.with_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(storage)?;
            let had_lineage = lineage(&tx)?.is_some();
            if had_lineage {
                tx.execute(
                    "UPDATE meta SET value = ?1 WHERE key = 'lineage'",
                    params![snapshot.lineage],
                )
                .map_err(storage)?;
            }
            let serial = start_version(&tx, &snapshot.lineage, &meta, snapshot.serial)?;
            let existing: Vec<String> = {
                let mut stmt = tx.prepare("SELECT key FROM current").map_err(storage)?;
                let rows = stmt.query_map([], |r| r.get(0)).map_err(storage)?;
                rows.collect::<Result<_, _>>().map_err(storage)?
            };
            for k in existing
                .iter()
                .filter(|k| !snapshot.entries.contains_key(*k))
            {
                write_entry(&tx, serial, k, None)?;
            }
            for (k, v) in &snapshot.entries {
                write_entry(&tx, serial, k, Some(v))?;
            }
            tx.execute(
                "UPDATE versions SET finished = 1 WHERE serial = ?1",
                params![serial as i64],
            )
            .map_err(storage)?;
            tx.commit().map_err(storage)?;
            Ok(serial)
        })
    }

    fn lock(&self, info: &LockInfo) -> Result<(), StateError> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(storage)?;
            if let Some(held) = read_lock(&tx)? {
                if !held.abandoned(info) {
                    return Err(StateError::Locked(held));
                }
            }
            tx.execute(
                "INSERT OR REPLACE INTO lock (one, id, operation, who, created, pid, hostname, version) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![info.id, info.operation, info.who, info.created, info.pid, info.hostname, info.version],
            )
            .map_err(storage)?;
            tx.commit().map_err(storage)
        })
    }

    fn unlock(&self, id: &str) -> Result<(), StateError> {
        self.with_conn(|conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(storage)?;
            match read_lock(&tx)? {
                Some(held) if held.id == id => {
                    tx.execute("DELETE FROM lock", []).map_err(storage)?;
                    tx.commit().map_err(storage)
                }
                held => Err(StateError::LockMismatch {
                    given: id.to_string(),
                    held: held.map(|h| h.id),
                }),
            }
        })
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        self.with_conn(|conn| read_lock(conn))
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn versions(&self) -> Result<Vec<VersionInfo>, StateError> {
        self.with_conn(|conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT serial, command, who, started, finished FROM versions ORDER BY serial",
                )
                .map_err(storage)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(VersionInfo {
                        serial: r.get::<_, i64>(0)? as u64,
                        meta: VersionMeta {
                            command: r.get(1)?,
                            who: r.get(2)?,
                            started: r.get(3)?,
                        },
                        finished: r.get::<_, i64>(4)? != 0,
                        changed_keys: Vec::new(),
                    })
                })
                .map_err(storage)?;
            let mut out: Vec<VersionInfo> = rows.collect::<Result<_, _>>().map_err(storage)?;
            let mut keys = conn
                .prepare("SELECT key FROM entries WHERE serial = ?1 ORDER BY key")
                .map_err(storage)?;
            for v in &mut out {
                let rows = keys
                    .query_map(params![v.serial as i64], |r| r.get(0))
                    .map_err(storage)?;
                v.changed_keys = rows.collect::<Result<_, _>>().map_err(storage)?;
            }
            Ok(out)
        })
    }

    fn read_version(&self, serial: u64) -> Result<Option<Snapshot>, StateError> {
        self.with_conn(|conn| {
            let Some(lineage) = lineage(conn)? else { return Ok(None) };
            let exists: Option<i64> =
                conn.query_row("SELECT serial FROM versions WHERE serial = ?1", params![serial as i64], |r| r.get(0)).optional().map_err(storage)?;
            if exists.is_none() {
                return Ok(None);
            }
            let mut stmt = conn
                .prepare(
                    "SELECT e.key, e.data FROM entries e
                     JOIN (SELECT key, MAX(serial) AS s FROM entries WHERE serial <= ?1 GROUP BY key) m
                       ON e.key = m.key AND e.serial = m.s
                     WHERE e.data IS NOT NULL",
                )
                .map_err(storage)?;
            let rows = stmt.query_map(params![serial as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))).map_err(storage)?;
            let mut entries = BTreeMap::new();
            for row in rows {
                let (k, v) = row.map_err(storage)?;
                entries.insert(k, v);
            }
            Ok(Some(Snapshot { serial, lineage, entries }))
        })
    }
}

fn read_lock(conn: &Connection) -> Result<Option<LockInfo>, StateError> {
    conn.query_row(
        "SELECT id, operation, who, created, pid, hostname, version FROM lock",
        [],
        |r| {
            Ok(LockInfo {
                id: r.get(0)?,
                operation: r.get(1)?,
                who: r.get(2)?,
                created: r.get(3)?,
                pid: r.get::<_, i64>(4)? as u32,
                hostname: r.get(5)?,
                version: r.get(6)?,
            })
        },
    )
    .optional()
    .map_err(storage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_the_backend_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        terrane_state_api::conformance::run(&|| Arc::new(SqliteStore::open(&path).unwrap()));
    }

    #[cfg(unix)]
    #[test]
    fn database_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let store = SqliteStore::open(&path).unwrap();
        let mut w = store.begin("l", VersionMeta::default()).unwrap();
        w.put("k", b"v").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_newer_layout_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = SqliteStore::open(&path).err().expect("refused");
        assert!(err.to_string().contains("newer terrane"), "{err}");
    }

    #[test]
    fn garbage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        std::fs::write(
            &path,
            b"this is not a database at all, just text that is long enough",
        )
        .unwrap();
        assert!(SqliteStore::open(&path).is_err());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"this is not a database at all, just text that is long enough"
        );
    }
}
