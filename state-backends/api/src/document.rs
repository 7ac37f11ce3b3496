//! Stores that keep the whole state as one document (a `terraform.tfstate` file, an S3 object).
//!
//! Such a backend implements only [`DocumentStorage`]: load and save bytes, and a lock. The
//! [`DocumentStore`] here turns it into a [`StateStore`]: it keeps the entries of the version being
//! written in memory and saves the whole document after every change, encoded by a
//! [`SnapshotCodec`] that the composition root supplies (Terraform's v4 JSON, possibly encrypted).
//! Only the latest version is kept, as with Terraform's backends.

use crate::{LockInfo, Snapshot, StateError, StateStore, StateWriter, VersionInfo, VersionMeta};
use std::sync::Arc;

/// Bytes in one place, with a lock beside them.
pub trait DocumentStorage: Send + Sync {
    /// The document, or `None` if it does not exist.
    fn load(&self) -> Result<Option<Vec<u8>>, StateError>;
    /// Replaces the document; durable when it returns.
    fn save(&self, data: &[u8]) -> Result<(), StateError>;
    /// Takes the lock, or fails with the holder (taking over a lock whose holder crashed).
    fn lock(&self, info: &LockInfo) -> Result<(), StateError>;
    /// Releases the lock with this id, whoever holds it.
    fn unlock(&self, id: &str) -> Result<(), StateError>;
    /// The lock holder, if any.
    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError>;
    /// Where the document is, for messages.
    fn location(&self) -> String {
        String::new()
    }
}

/// Turns a snapshot into a document and back.
pub trait SnapshotCodec: Send + Sync {
    /// The document for a snapshot.
    fn encode(&self, snapshot: &Snapshot) -> Result<Vec<u8>, StateError>;
    /// The snapshot in a document; a document that cannot be read is an error, never an empty state.
    fn decode(&self, data: &[u8]) -> Result<Snapshot, StateError>;
}

/// A [`StateStore`] over a [`DocumentStorage`].
pub struct DocumentStore {
    inner: Arc<Inner>,
}

struct Inner {
    storage: Box<dyn DocumentStorage>,
    codec: Arc<dyn SnapshotCodec>,
}

impl Inner {
    fn current(&self) -> Result<Option<Snapshot>, StateError> {
        match self.storage.load()? {
            None => Ok(None),
            Some(data) if data.iter().all(u8::is_ascii_whitespace) => Ok(None),
            Some(data) => self.codec.decode(&data).map(Some),
        }
    }

    fn save(&self, snapshot: &Snapshot) -> Result<(), StateError> {
        let data = self.codec.encode(snapshot)?;
        self.storage.save(&data)
    }
}

impl DocumentStore {
    /// A store over the given storage and document format.
    pub fn new(storage: Box<dyn DocumentStorage>, codec: Arc<dyn SnapshotCodec>) -> DocumentStore {
        DocumentStore {
            inner: Arc::new(Inner { storage, codec }),
        }
    }
}

struct Writer {
    inner: Arc<Inner>,
    snapshot: Snapshot,
    saved: bool,
}

impl StateWriter for Writer {
    fn serial(&self) -> u64 {
        self.snapshot.serial
    }

    fn put(&mut self, key: &str, data: &[u8]) -> Result<(), StateError> {
        self.snapshot.entries.insert(key.to_string(), data.to_vec());
        self.inner.save(&self.snapshot)?;
        self.saved = true;
        Ok(())
    }

    fn delete(&mut self, key: &str) -> Result<(), StateError> {
        self.snapshot.entries.remove(key);
        self.inner.save(&self.snapshot)?;
        self.saved = true;
        Ok(())
    }

    fn put_many(&mut self, changes: &[(String, Option<Vec<u8>>)]) -> Result<(), StateError> {
        for (k, v) in changes {
            match v {
                Some(d) => self.snapshot.entries.insert(k.clone(), d.clone()),
                None => self.snapshot.entries.remove(k),
            };
        }
        self.inner.save(&self.snapshot)?;
        self.saved = true;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), StateError> {
        if !self.saved {
            self.inner.save(&self.snapshot)?;
        }
        Ok(())
    }
}

impl StateStore for DocumentStore {
    fn read(&self) -> Result<Option<Snapshot>, StateError> {
        self.inner.current()
    }

    fn begin(&self, lineage: &str, _meta: VersionMeta) -> Result<Box<dyn StateWriter>, StateError> {
        let snapshot = match self.inner.current()? {
            Some(mut s) => {
                s.serial += 1;
                s
            }
            None => Snapshot {
                serial: 1,
                lineage: lineage.to_string(),
                entries: Default::default(),
            },
        };
        Ok(Box::new(Writer {
            inner: self.inner.clone(),
            snapshot,
            saved: false,
        }))
    }

    fn write_snapshot(&self, snapshot: &Snapshot, _meta: VersionMeta) -> Result<u64, StateError> {
        let latest = self.inner.current()?.map_or(0, |s| s.serial);
        let mut s = snapshot.clone();
        s.serial = snapshot.serial.max(latest + 1);
        self.inner.save(&s)?;
        Ok(s.serial)
    }

    fn lock(&self, info: &LockInfo) -> Result<(), StateError> {
        self.inner.storage.lock(info)
    }

    fn unlock(&self, id: &str) -> Result<(), StateError> {
        self.inner.storage.unlock(id)
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        self.inner.storage.lock_holder()
    }

    fn versions(&self) -> Result<Vec<VersionInfo>, StateError> {
        Ok(self
            .inner
            .current()?
            .map(|s| VersionInfo {
                serial: s.serial,
                meta: VersionMeta::default(),
                finished: true,
                changed_keys: Vec::new(),
            })
            .into_iter()
            .collect())
    }

    fn read_version(&self, serial: u64) -> Result<Option<Snapshot>, StateError> {
        Ok(self.inner.current()?.filter(|s| s.serial == serial))
    }

    fn keeps_history(&self) -> bool {
        false
    }

    fn location(&self) -> String {
        self.inner.storage.location()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Storage in memory, shared between clients, with a lock slot.
    #[derive(Clone, Default)]
    struct Memory {
        doc: Arc<Mutex<Option<Vec<u8>>>>,
        lock: Arc<Mutex<Option<LockInfo>>>,
    }

    impl DocumentStorage for Memory {
        fn load(&self) -> Result<Option<Vec<u8>>, StateError> {
            Ok(self.doc.lock().unwrap().clone())
        }
        fn save(&self, data: &[u8]) -> Result<(), StateError> {
            *self.doc.lock().unwrap() = Some(data.to_vec());
            Ok(())
        }
        fn lock(&self, info: &LockInfo) -> Result<(), StateError> {
            let mut l = self.lock.lock().unwrap();
            match &*l {
                Some(h) if !h.abandoned(info) => Err(StateError::Locked(h.clone())),
                _ => {
                    *l = Some(info.clone());
                    Ok(())
                }
            }
        }
        fn unlock(&self, id: &str) -> Result<(), StateError> {
            let mut l = self.lock.lock().unwrap();
            match &*l {
                Some(h) if h.id == id => {
                    *l = None;
                    Ok(())
                }
                h => Err(StateError::LockMismatch {
                    given: id.into(),
                    held: h.as_ref().map(|h| h.id.clone()),
                }),
            }
        }
        fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
            Ok(self.lock.lock().unwrap().clone())
        }
    }

    #[test]
    fn passes_the_backend_conformance_suite() {
        let memory = Memory::default();
        crate::conformance::run(&|| {
            Arc::new(DocumentStore::new(
                Box::new(memory.clone()),
                Arc::new(crate::conformance::LinesCodec),
            ))
        });
    }

    #[test]
    fn a_damaged_document_is_an_error_and_is_kept() {
        let memory = Memory::default();
        memory.save(b"garbage without a header line").unwrap();
        let store = DocumentStore::new(
            Box::new(memory.clone()),
            Arc::new(crate::conformance::LinesCodec),
        );
        assert!(store.read().is_err());
        assert!(store.begin("l", VersionMeta::default()).is_err());
        assert_eq!(
            memory.load().unwrap().unwrap(),
            b"garbage without a header line"
        );
    }
}
