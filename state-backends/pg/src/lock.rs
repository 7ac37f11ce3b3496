//! Locks: a session-level advisory lock per workspace, and a row describing the holder.
//!
//! The advisory lock is the lock; the row only describes it. A row whose advisory lock is not held is
//! the trace of a client that ended without unlocking, and counts as no lock. A row naming a process
//! that no longer runs on the requester's host is abandoned: the holder's session is ended so its
//! lock can be taken. `force-unlock` from another client ends the holder's session too.

use crate::store::PgStore;
use postgres::Client;
use std::time::{Duration, Instant};
use terrane_state_api::{LockInfo, StateError};

/// The server process holding the advisory lock, if any.
fn holder_pid(c: &mut Client, key: i64) -> Result<Option<i32>, postgres::Error> {
    Ok(c.query_opt(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 \
         AND ((classid::bigint << 32) | objid::bigint) = $1",
        &[&key],
    )?
    .map(|r| r.get(0)))
}

fn read_row(
    c: &mut Client,
    table: &str,
    ws: &str,
) -> Result<Option<(LockInfo, i32)>, postgres::Error> {
    Ok(c.query_opt(
        &format!(
            "SELECT id, operation, who, created, pid, hostname, backend_pid FROM {table} WHERE workspace = $1"
        ),
        &[&ws],
    )?
    .map(|r| {
        (
            LockInfo {
                id: r.get(0),
                operation: r.get(1),
                who: r.get(2),
                created: r.get(3),
                pid: r.get::<_, i64>(4) as u32,
                hostname: r.get(5),
            },
            r.get(6),
        )
    }))
}

fn write_row(
    c: &mut Client,
    table: &str,
    ws: &str,
    info: &LockInfo,
) -> Result<(), postgres::Error> {
    c.execute(
        &format!(
            "INSERT INTO {table} (workspace, id, operation, who, created, pid, hostname, backend_pid)
             VALUES ($1, $2, $3, $4, $5, $6, $7, pg_backend_pid())
             ON CONFLICT (workspace) DO UPDATE SET id = EXCLUDED.id, operation = EXCLUDED.operation,
               who = EXCLUDED.who, created = EXCLUDED.created, pid = EXCLUDED.pid,
               hostname = EXCLUDED.hostname, backend_pid = EXCLUDED.backend_pid"
        ),
        &[&ws, &info.id, &info.operation, &info.who, &info.created, &(info.pid as i64), &info.hostname],
    )?;
    Ok(())
}

/// Ends the session holding the lock and waits until the lock is free.
fn end_holder(c: &mut Client, key: i64, backend_pid: i32) -> Result<(), postgres::Error> {
    if holder_pid(c, key)? != Some(backend_pid) {
        return Ok(());
    }
    c.execute("SELECT pg_terminate_backend($1)", &[&backend_pid])?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && holder_pid(c, key)?.is_some() {
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

pub fn lock(s: &PgStore, info: &LockInfo) -> Result<(), StateError> {
    let table = s.tables.t("locks");
    let (ws, key, held) = (s.workspace.clone(), s.lock_key, s.held.clone());
    let info = info.clone();
    s.conn.call_state(move |c| {
        let storage = crate::storage;
        let mine = held.lock().expect("lock state").clone();
        if mine.is_some() {
            // This client holds it already: a second lock fails unless the first was abandoned.
            return match read_row(c, &table, &ws).map_err(storage)? {
                Some((row, _)) if !row.abandoned(&info) => Err(StateError::Locked(row)),
                _ => {
                    write_row(c, &table, &ws, &info).map_err(storage)?;
                    *held.lock().expect("lock state") = Some(info.id.clone());
                    Ok(())
                }
            };
        }
        for attempt in 0..2 {
            let got: bool = c
                .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                .map_err(storage)?
                .get(0);
            if got {
                write_row(c, &table, &ws, &info).map_err(storage)?;
                *held.lock().expect("lock state") = Some(info.id.clone());
                return Ok(());
            }
            let row = read_row(c, &table, &ws).map_err(storage)?;
            match row {
                Some((row, backend_pid)) if attempt == 0 && row.abandoned(&info) => {
                    end_holder(c, key, backend_pid).map_err(storage)?;
                }
                Some((row, _)) => return Err(StateError::Locked(row)),
                None => {
                    return Err(StateError::Locked(LockInfo {
                        id: String::new(),
                        operation: "unknown".into(),
                        who: "another PostgreSQL client".into(),
                        created: String::new(),
                        pid: 0,
                        hostname: String::new(),
                    }));
                }
            }
        }
        match read_row(c, &table, &ws).map_err(storage)? {
            Some((row, _)) => Err(StateError::Locked(row)),
            None => Err(StateError::Storage("cannot take the lock".into())),
        }
    })
}

pub fn unlock(s: &PgStore, id: &str) -> Result<(), StateError> {
    let table = s.tables.t("locks");
    let (ws, key, held, id) = (
        s.workspace.clone(),
        s.lock_key,
        s.held.clone(),
        id.to_string(),
    );
    s.conn.call_state(move |c| {
        let storage = crate::storage;
        let live = live_row(c, &table, &ws, key).map_err(storage)?;
        match live {
            Some((row, backend_pid)) if row.id == id => {
                let mine = held.lock().expect("lock state").as_deref() == Some(id.as_str());
                c.execute(&format!("DELETE FROM {table} WHERE workspace = $1"), &[&ws])
                    .map_err(storage)?;
                if mine {
                    c.execute("SELECT pg_advisory_unlock($1)", &[&key])
                        .map_err(storage)?;
                    *held.lock().expect("lock state") = None;
                } else {
                    end_holder(c, key, backend_pid).map_err(storage)?;
                }
                Ok(())
            }
            other => Err(StateError::LockMismatch {
                given: id,
                held: other.map(|(r, _)| r.id),
            }),
        }
    })
}

/// The row, when its advisory lock is held.
fn live_row(
    c: &mut Client,
    table: &str,
    ws: &str,
    key: i64,
) -> Result<Option<(LockInfo, i32)>, postgres::Error> {
    if holder_pid(c, key)?.is_none() {
        return Ok(None);
    }
    read_row(c, table, ws)
}

pub fn holder(s: &PgStore) -> Result<Option<LockInfo>, StateError> {
    let table = s.tables.t("locks");
    let (ws, key) = (s.workspace.clone(), s.lock_key);
    s.conn
        .call(move |c| Ok(live_row(c, &table, &ws, key)?.map(|(r, _)| r)))
}
