//! The store of one workspace, and the backend that lists, opens and deletes workspaces.

use crate::conn::Conn;
use crate::schema::{Create, Tables};
use crate::{PgConfig, storage};
use postgres::{GenericClient, IsolationLevel};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use terrane_state_api::{
    Backend, LockInfo, Snapshot, StateError, StateStore, StateWriter, VersionInfo, VersionMeta,
    sorted_with_default,
};

/// The state of one workspace in PostgreSQL.
pub struct PgStore {
    pub(crate) conn: Conn,
    pub(crate) tables: Tables,
    pub(crate) workspace: String,
    pub(crate) lock_key: i64,
    /// The id of the lock this client holds, if any.
    pub(crate) held: Arc<Mutex<Option<String>>>,
    location: String,
}

/// FNV-1a of the schema and workspace, as a non-negative advisory lock key.
fn lock_key(schema: &str, workspace: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in schema.bytes().chain([0]).chain(workspace.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h & 0x7fff_ffff_ffff_ffff) as i64
}

impl PgStore {
    /// Connects and opens a workspace's state (registering the workspace).
    pub fn open(config: &PgConfig, workspace: &str) -> Result<PgStore, StateError> {
        let conn = Conn::connect(config)?;
        let tables = Tables::new(&config.schema_name);
        let t = tables.clone();
        let create = Create {
            schema: !config.skip_schema_creation,
            tables: !config.skip_table_creation,
            indexes: !config.skip_index_creation,
        };
        let ws = workspace.to_string();
        conn.call_state(move |c| {
            t.prepare(c, create)?;
            c.execute(
                &format!(
                    "INSERT INTO {} (name) VALUES ($1) ON CONFLICT DO NOTHING",
                    t.t("workspaces")
                ),
                &[&ws],
            )
            .map_err(storage)?;
            Ok(())
        })?;
        Ok(PgStore {
            conn,
            tables,
            workspace: workspace.to_string(),
            lock_key: lock_key(&config.schema_name, workspace),
            held: Arc::new(Mutex::new(None)),
            location: describe(&config.schema_name, workspace),
        })
    }
}

fn lineage(
    c: &mut impl GenericClient,
    t: &Tables,
    ws: &str,
) -> Result<Option<String>, postgres::Error> {
    Ok(c.query_opt(
        &format!("SELECT lineage FROM {} WHERE name = $1", t.t("workspaces")),
        &[&ws],
    )?
    .and_then(|r| r.get(0)))
}

fn entries_at(
    c: &mut impl GenericClient,
    t: &Tables,
    ws: &str,
    serial: Option<i64>,
) -> Result<BTreeMap<String, Vec<u8>>, postgres::Error> {
    let rows = match serial {
        None => c.query(
            &format!(
                "SELECT key, data FROM {} WHERE workspace = $1",
                t.t("current")
            ),
            &[&ws],
        )?,
        Some(s) => c.query(
            &format!(
                "SELECT key, data FROM (SELECT DISTINCT ON (key) key, data FROM {} \
                 WHERE workspace = $1 AND serial <= $2 ORDER BY key, serial DESC) e \
                 WHERE data IS NOT NULL",
                t.t("entries")
            ),
            &[&ws, &s],
        )?,
    };
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Starts a version in a transaction: the workspace row is locked so serials never collide.
fn start_version(
    c: &mut impl GenericClient,
    t: &Tables,
    ws: &str,
    lineage_if_new: &str,
    meta: &VersionMeta,
    at_least: i64,
) -> Result<i64, postgres::Error> {
    c.execute(
        &format!(
            "INSERT INTO {} (name, lineage) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET lineage = COALESCE({0}.lineage, EXCLUDED.lineage)",
            t.t("workspaces")
        ),
        &[&ws, &lineage_if_new],
    )?;
    c.execute(
        &format!(
            "SELECT 1 FROM {} WHERE name = $1 FOR UPDATE",
            t.t("workspaces")
        ),
        &[&ws],
    )?;
    let latest: i64 = c
        .query_one(
            &format!(
                "SELECT COALESCE(MAX(serial), 0) FROM {} WHERE workspace = $1",
                t.t("versions")
            ),
            &[&ws],
        )?
        .get(0);
    let serial = (latest + 1).max(at_least);
    c.execute(
        &format!(
            "INSERT INTO {} (workspace, serial, command, who, started) VALUES ($1, $2, $3, $4, $5)",
            t.t("versions")
        ),
        &[&ws, &serial, &meta.command, &meta.who, &meta.started],
    )?;
    Ok(serial)
}

fn write_entry(
    c: &mut impl GenericClient,
    t: &Tables,
    ws: &str,
    serial: i64,
    key: &str,
    data: Option<&[u8]>,
) -> Result<(), postgres::Error> {
    // A key removed in the version that added it (a create's intent) is no change of the version: it
    // leaves no row, rather than a removal of something that never existed.
    let transient = data.is_none()
        && c.query_opt(
            &format!(
                "SELECT data IS NULL FROM {} WHERE workspace = $1 AND key = $2 AND serial < $3 \
                 ORDER BY serial DESC LIMIT 1",
                t.t("entries")
            ),
            &[&ws, &key, &serial],
        )?
        .is_none_or(|r| r.get::<_, bool>(0));
    if transient {
        c.execute(
            &format!(
                "DELETE FROM {} WHERE workspace = $1 AND key = $2 AND serial = $3",
                t.t("entries")
            ),
            &[&ws, &key, &serial],
        )?;
    } else {
        c.execute(
            &format!(
                "INSERT INTO {} (workspace, key, serial, data) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (workspace, key, serial) DO UPDATE SET data = EXCLUDED.data",
                t.t("entries")
            ),
            &[&ws, &key, &serial, &data],
        )?;
    }
    match data {
        Some(d) => c.execute(
            &format!(
                "INSERT INTO {} (workspace, key, data, serial) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (workspace, key) DO UPDATE SET data = EXCLUDED.data, serial = EXCLUDED.serial",
                t.t("current")
            ),
            &[&ws, &key, &d, &serial],
        )?,
        None => c.execute(
            &format!("DELETE FROM {} WHERE workspace = $1 AND key = $2", t.t("current")),
            &[&ws, &key],
        )?,
    };
    Ok(())
}

struct Writer {
    conn: Conn,
    tables: Tables,
    workspace: String,
    serial: i64,
}

impl StateWriter for Writer {
    fn serial(&self) -> u64 {
        self.serial as u64
    }

    fn put(&mut self, key: &str, data: &[u8]) -> Result<(), StateError> {
        self.put_many(&[(key.to_string(), Some(data.to_vec()))])
    }

    fn delete(&mut self, key: &str) -> Result<(), StateError> {
        self.put_many(&[(key.to_string(), None)])
    }

    fn put_many(&mut self, changes: &[(String, Option<Vec<u8>>)]) -> Result<(), StateError> {
        let (t, ws, serial) = (self.tables.clone(), self.workspace.clone(), self.serial);
        let changes = changes.to_vec();
        self.conn.call(move |c| {
            let mut tx = c.transaction()?;
            for (k, v) in &changes {
                write_entry(&mut tx, &t, &ws, serial, k, v.as_deref())?;
            }
            tx.commit()
        })
    }

    fn finish(self: Box<Self>) -> Result<(), StateError> {
        let (t, ws, serial) = (self.tables.clone(), self.workspace.clone(), self.serial);
        self.conn.call(move |c| {
            c.execute(
                &format!(
                    "UPDATE {} SET finished = TRUE WHERE workspace = $1 AND serial = $2",
                    t.t("versions")
                ),
                &[&ws, &serial],
            )
            .map(|_| ())
        })
    }
}

impl StateStore for PgStore {
    fn read(&self) -> Result<Option<Snapshot>, StateError> {
        let (t, ws) = (self.tables.clone(), self.workspace.clone());
        self.conn.call(move |c| {
            let mut tx = c
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let Some(lineage) = lineage(&mut tx, &t, &ws)? else {
                return Ok(None);
            };
            let serial: i64 = tx
                .query_one(
                    &format!(
                        "SELECT COALESCE(MAX(serial), 0) FROM {} WHERE workspace = $1",
                        t.t("versions")
                    ),
                    &[&ws],
                )?
                .get(0);
            let entries = entries_at(&mut tx, &t, &ws, None)?;
            tx.commit()?;
            Ok(Some(Snapshot {
                serial: serial as u64,
                lineage,
                entries,
            }))
        })
    }

    fn begin(&self, lineage: &str, meta: VersionMeta) -> Result<Box<dyn StateWriter>, StateError> {
        let (t, ws, l) = (
            self.tables.clone(),
            self.workspace.clone(),
            lineage.to_string(),
        );
        let serial = self.conn.call(move |c| {
            let mut tx = c.transaction()?;
            let s = start_version(&mut tx, &t, &ws, &l, &meta, 0)?;
            tx.commit()?;
            Ok(s)
        })?;
        Ok(Box::new(Writer {
            conn: self.conn.clone(),
            tables: self.tables.clone(),
            workspace: self.workspace.clone(),
            serial,
        }))
    }

    fn write_snapshot(&self, snapshot: &Snapshot, meta: VersionMeta) -> Result<u64, StateError> {
        let (t, ws, snap) = (
            self.tables.clone(),
            self.workspace.clone(),
            snapshot.clone(),
        );
        self.conn
            .call(move |c| {
                let mut tx = c.transaction()?;
                tx.execute(
                    &format!(
                        "INSERT INTO {} (name, lineage) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET lineage = EXCLUDED.lineage",
                        t.t("workspaces")
                    ),
                    &[&ws, &snap.lineage],
                )?;
                let serial =
                    start_version(&mut tx, &t, &ws, &snap.lineage, &meta, snap.serial as i64)?;
                let existing = entries_at(&mut tx, &t, &ws, None)?;
                for k in existing.keys().filter(|k| !snap.entries.contains_key(*k)) {
                    write_entry(&mut tx, &t, &ws, serial, k, None)?;
                }
                for (k, v) in &snap.entries {
                    write_entry(&mut tx, &t, &ws, serial, k, Some(v))?;
                }
                tx.execute(
                    &format!(
                        "UPDATE {} SET finished = TRUE WHERE workspace = $1 AND serial = $2",
                        t.t("versions")
                    ),
                    &[&ws, &serial],
                )?;
                tx.commit()?;
                Ok(serial)
            })
            .map(|s| s as u64)
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn lock(&self, info: &LockInfo) -> Result<(), StateError> {
        crate::lock::lock(self, info)
    }

    fn unlock(&self, id: &str) -> Result<(), StateError> {
        crate::lock::unlock(self, id)
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        crate::lock::holder(self)
    }

    fn versions(&self) -> Result<Vec<VersionInfo>, StateError> {
        let (t, ws) = (self.tables.clone(), self.workspace.clone());
        self.conn.call(move |c| {
            let rows = c.query(
                &format!(
                    "SELECT v.serial, v.command, v.who, v.started, v.finished,
                            COALESCE((SELECT array_agg(e.key ORDER BY e.key) FROM {} e
                                      WHERE e.workspace = v.workspace AND e.serial = v.serial), '{{}}')
                     FROM {} v WHERE v.workspace = $1 ORDER BY v.serial",
                    t.t("entries"),
                    t.t("versions")
                ),
                &[&ws],
            )?;
            Ok(rows
                .iter()
                .map(|r| VersionInfo {
                    serial: r.get::<_, i64>(0) as u64,
                    meta: VersionMeta {
                        command: r.get(1),
                        who: r.get(2),
                        started: r.get(3),
                    },
                    finished: r.get(4),
                    changed_keys: r.get(5),
                })
                .collect())
        })
    }

    fn read_version(&self, serial: u64) -> Result<Option<Snapshot>, StateError> {
        let (t, ws) = (self.tables.clone(), self.workspace.clone());
        let s = serial as i64;
        self.conn.call(move |c| {
            let mut tx = c
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let Some(lineage) = lineage(&mut tx, &t, &ws)? else {
                return Ok(None);
            };
            let exists = tx
                .query_opt(
                    &format!(
                        "SELECT 1 FROM {} WHERE workspace = $1 AND serial = $2",
                        t.t("versions")
                    ),
                    &[&ws, &s],
                )?
                .is_some();
            if !exists {
                return Ok(None);
            }
            let entries = entries_at(&mut tx, &t, &ws, Some(s))?;
            tx.commit()?;
            Ok(Some(Snapshot {
                serial,
                lineage,
                entries,
            }))
        })
    }
}

/// The pg backend: every workspace in the same tables.
pub struct PgBackend {
    config: PgConfig,
}

impl PgBackend {
    /// A backend with the given settings (nothing is connected until a workspace is used).
    pub fn new(config: PgConfig) -> PgBackend {
        PgBackend { config }
    }

    fn admin(&self) -> Result<PgStore, StateError> {
        PgStore::open(&self.config, terrane_state_api::DEFAULT_WORKSPACE)
    }
}

impl Backend for PgBackend {
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let s = self.admin()?;
        let t = s.tables.clone();
        let names = s.conn.call(move |c| {
            let rows = c.query(&format!("SELECT name FROM {}", t.t("workspaces")), &[])?;
            Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
        })?;
        Ok(sorted_with_default(names))
    }

    fn open(&self, workspace: &str) -> Result<Arc<dyn StateStore>, StateError> {
        Ok(Arc::new(PgStore::open(&self.config, workspace)?))
    }

    fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        let s = self.admin()?;
        let t = s.tables.clone();
        let ws = workspace.to_string();
        s.conn.call(move |c| {
            let mut tx = c.transaction()?;
            for table in ["entries", "current", "versions"] {
                tx.execute(
                    &format!("DELETE FROM {} WHERE workspace = $1", t.t(table)),
                    &[&ws],
                )?;
            }
            tx.execute(
                &format!("DELETE FROM {} WHERE name = $1", t.t("workspaces")),
                &[&ws],
            )?;
            tx.commit()
        })
    }

    fn describe(&self, workspace: &str) -> String {
        describe(&self.config.schema_name, workspace)
    }
}

/// Where a workspace's state is, for messages (never the connection string: it may hold a password).
fn describe(schema: &str, workspace: &str) -> String {
    format!("PostgreSQL schema {schema:?}, workspace {workspace:?}")
}
