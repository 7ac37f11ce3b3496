//! Locks: a session-level advisory lock per workspace, and a row describing the holder.
//!
//! The advisory lock is the lock; the row only describes it, and names the server process of the
//! session that wrote it. A row whose session no longer holds the advisory lock is the trace of a
//! client that ended without unlocking, and counts as no lock: PostgreSQL releases a session's
//! advisory locks when the session ends, however the client ended. A row naming a process that no
//! longer runs on the requester's host is abandoned (its session lingers, say behind a stuck
//! connection): the holder's session is ended so its lock can be taken. `force-unlock` from another
//! client ends the holder's session too, so a holder that was only slow cannot write afterwards.

use crate::store::PgStore;
use postgres::Client;
use std::time::{Duration, Instant};
use terrane_state_api::{LockInfo, StateError};

/// The server process (session) holding the advisory lock in this database, if any.
fn holder_pid(c: &mut Client, key: i64) -> Result<Option<i32>, postgres::Error> {
    Ok(c.query_opt(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
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
            "SELECT id, operation, who, created, pid, hostname, version, backend_pid \
             FROM {table} WHERE workspace = $1"
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
                version: r.get(6),
            },
            r.get(7),
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
            "INSERT INTO {table} (workspace, id, operation, who, created, pid, hostname, version, backend_pid)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, pg_backend_pid())
             ON CONFLICT (workspace) DO UPDATE SET id = EXCLUDED.id, operation = EXCLUDED.operation,
               who = EXCLUDED.who, created = EXCLUDED.created, pid = EXCLUDED.pid,
               hostname = EXCLUDED.hostname, version = EXCLUDED.version,
               backend_pid = EXCLUDED.backend_pid"
        ),
        &[
            &ws,
            &info.id,
            &info.operation,
            &info.who,
            &info.created,
            &(info.pid as i64),
            &info.hostname,
            &info.version,
        ],
    )?;
    Ok(())
}

/// The holder's description, when its session holds the advisory lock. A session that holds the
/// lock but has not written its row yet (it is taking the lock right now) is described as such.
fn live_holder(
    c: &mut Client,
    table: &str,
    ws: &str,
    key: i64,
) -> Result<Option<(LockInfo, i32)>, postgres::Error> {
    let Some(session) = holder_pid(c, key)? else {
        return Ok(None);
    };
    Ok(Some(match read_row(c, table, ws)? {
        Some((row, backend_pid)) if backend_pid == session => (row, backend_pid),
        _ => (
            LockInfo {
                who: format!("PostgreSQL session {session} (taking the lock now)"),
                operation: "unknown".into(),
                ..LockInfo::default()
            },
            session,
        ),
    }))
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
        if held.lock().expect("lock state").is_some() {
            // This client holds the lock already: a second lock by it fails like any other.
            return match live_holder(c, &table, &ws, key).map_err(storage)? {
                Some((row, _)) => Err(StateError::Locked(row)),
                None => Err(StateError::Storage(
                    "this client's lock was lost (its session was ended)".into(),
                )),
            };
        }
        for attempt in 0..2 {
            let got: bool = c
                .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                .map_err(storage)?
                .get(0);
            if got {
                if let Err(e) = write_row(c, &table, &ws, &info) {
                    let _ = c.execute("SELECT pg_advisory_unlock($1)", &[&key]);
                    return Err(storage(e));
                }
                *held.lock().expect("lock state") = Some(info.id.clone());
                return Ok(());
            }
            match live_holder(c, &table, &ws, key).map_err(storage)? {
                Some((row, backend_pid)) if attempt == 0 && row.abandoned(&info) => {
                    end_holder(c, key, backend_pid).map_err(storage)?;
                }
                Some((row, _)) => return Err(StateError::Locked(row)),
                // Released between the two queries: try again.
                None if attempt == 0 => {}
                None => break,
            }
        }
        Err(StateError::Storage(
            "cannot take the lock: it changed hands while it was being taken; try again".into(),
        ))
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
        match live_holder(c, &table, &ws, key).map_err(storage)? {
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

pub fn holder(s: &PgStore) -> Result<Option<LockInfo>, StateError> {
    let table = s.tables.t("locks");
    let (ws, key) = (s.workspace.clone(), s.lock_key);
    s.conn
        .call(move |c| Ok(live_holder(c, &table, &ws, key)?.map(|(r, _)| r)))
}
