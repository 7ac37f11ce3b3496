//! The interface between the engine and where state is stored.
//!
//! A backend stores **entries**: opaque byte strings under string keys (one per resource instance, one
//! per output), so that apply can write each instance as it completes instead of rewriting the whole
//! state. Every write session is a numbered **version** (the state's serial); backends keep the
//! entries of every version so history can be listed, read back and compared. What an entry means is
//! the state model's business (`terrane-state`); backends never look inside.
//!
//! Backends stay dumb: locking semantics, lineage checks and the [`conformance`] suite are defined
//! here, once, and every backend runs the suite.
#![deny(missing_docs)]

pub mod conformance;
pub mod document;
mod lockfile;
mod workspaces;

use std::collections::BTreeMap;
use std::fmt;

pub use lockfile::{lock_from_json, lock_to_json};
pub use workspaces::{Backend, DEFAULT_WORKSPACE, sorted_with_default, validate_workspace_name};

/// Errors from a state store.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The storage could not be read or written.
    #[error("state storage error: {0}")]
    Storage(String),
    /// The stored data is not valid.
    #[error("state data is invalid: {0}")]
    Corrupt(String),
    /// Another process holds the lock.
    #[error("{0}")]
    Locked(LockInfo),
    /// The state is encrypted and cannot be opened with the configured key, or is not encrypted
    /// while the configuration requires it.
    #[error("{0}")]
    Encryption(String),
    /// The lock id given does not match the lock held.
    #[error("lock id {given:?} does not match the lock held ({held:?})")]
    LockMismatch {
        /// The id given.
        given: String,
        /// The id of the lock held, if any.
        held: Option<String>,
    },
}

/// Who holds a lock, since when, and for what.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockInfo {
    /// A unique id, used by `force-unlock`.
    pub id: String,
    /// The operation (`apply`, `plan`, `state push`).
    pub operation: String,
    /// `user@host`.
    pub who: String,
    /// RFC 3339 time the lock was taken.
    pub created: String,
    /// The process id of the holder.
    pub pid: u32,
    /// The host name of the holder.
    pub hostname: String,
    /// The holder's program and version (`terrane 0.1.0`; Terraform's version for its locks), empty
    /// when the store did not record it.
    pub version: String,
}

impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the state is locked by {} (process {}) since {} for {:?}; lock ID {}",
            self.who, self.pid, self.created, self.operation, self.id
        )?;
        if !self.version.is_empty() {
            write!(f, " ({})", self.version)?;
        }
        Ok(())
    }
}

/// What a version records about the command that wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionMeta {
    /// The command, `apply`, `destroy`, `state rm`.
    pub command: String,
    /// `user@host`.
    pub who: String,
    /// RFC 3339 time the version was started.
    pub started: String,
}

/// One stored version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    /// The serial of the state after this version.
    pub serial: u64,
    /// The metadata recorded when it was started.
    pub meta: VersionMeta,
    /// Whether the session finished normally (false if the process died or is still running).
    pub finished: bool,
    /// The keys written or deleted in this version.
    pub changed_keys: Vec<String>,
}

/// A complete state at one version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The state's serial (its version number).
    pub serial: u64,
    /// The state's lineage: a unique id fixed when the state was first created.
    pub lineage: String,
    /// Every entry.
    pub entries: BTreeMap<String, Vec<u8>>,
}

/// A write session: one new version. Each `put` and `delete` is durable when it returns.
pub trait StateWriter: Send {
    /// The serial of the version being written.
    fn serial(&self) -> u64;
    /// Stores an entry.
    fn put(&mut self, key: &str, data: &[u8]) -> Result<(), StateError>;
    /// Removes an entry.
    fn delete(&mut self, key: &str) -> Result<(), StateError>;
    /// Stores several changes at once, atomically (`None` deletes).
    fn put_many(&mut self, changes: &[(String, Option<Vec<u8>>)]) -> Result<(), StateError> {
        for (k, v) in changes {
            match v {
                Some(d) => self.put(k, d)?,
                None => self.delete(k)?,
            }
        }
        Ok(())
    }
    /// Marks the version finished.
    fn finish(self: Box<Self>) -> Result<(), StateError>;
}

/// A place where state is kept.
pub trait StateStore: Send + Sync {
    /// The latest state, or `None` if nothing was ever written.
    fn read(&self) -> Result<Option<Snapshot>, StateError>;

    /// Starts a new version. `lineage` is used when the store is empty (a fresh state); otherwise the
    /// stored lineage is kept.
    fn begin(&self, lineage: &str, meta: VersionMeta) -> Result<Box<dyn StateWriter>, StateError>;

    /// Replaces the whole state with a snapshot in one new version (`state push`, migration), lineage
    /// included. The new version's serial is one more than the latest, or the snapshot's own serial
    /// when that is higher (so a state pushed from Terraform keeps its serial).
    fn write_snapshot(&self, snapshot: &Snapshot, meta: VersionMeta) -> Result<u64, StateError>;

    /// Takes the lock, or fails with the current holder.
    fn lock(&self, info: &LockInfo) -> Result<(), StateError>;

    /// Releases the lock with the given id.
    fn unlock(&self, id: &str) -> Result<(), StateError>;

    /// The current lock holder, if any.
    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError>;

    /// Every version, oldest first.
    fn versions(&self) -> Result<Vec<VersionInfo>, StateError>;

    /// The state as it was after a given version.
    fn read_version(&self, serial: u64) -> Result<Option<Snapshot>, StateError>;

    /// Where the state is kept, for messages (a file path, `s3://bucket/key`, a schema and workspace);
    /// never a secret such as a password in a connection string.
    fn location(&self) -> String {
        String::new()
    }

    /// Whether every version is kept (`versions` and `read_version` reach back to the first). Stores
    /// that keep a single document, as Terraform's do, keep only the latest.
    fn keeps_history(&self) -> bool {
        true
    }
}

/// Whether a process on this host is still running (used to take over locks of crashed processes).
pub fn process_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

impl LockInfo {
    /// Whether this lock was left by a process that no longer runs on the requester's host, so the
    /// requester may take it over: a crashed client must not leave its lock held forever.
    pub fn abandoned(&self, requester: &LockInfo) -> bool {
        self.hostname == requester.hostname && !process_alive(self.pid)
    }
}
