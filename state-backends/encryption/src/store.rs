//! The two places encryption sits: around each entry of an entry store, and around the document of a
//! single-document store.

use crate::Cipher;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_state_api::document::SnapshotCodec;
use terrane_state_api::{
    Backend, LockInfo, Snapshot, StateError, StateStore, StateWriter, VersionInfo, VersionMeta,
};

/// An entry store whose entries are sealed one by one, each bound to its key.
pub struct EncryptedStore {
    inner: Arc<dyn StateStore>,
    cipher: Arc<Cipher>,
}

impl EncryptedStore {
    /// Wraps a store.
    pub fn new(inner: Arc<dyn StateStore>, cipher: Arc<Cipher>) -> EncryptedStore {
        EncryptedStore { inner, cipher }
    }

    /// Opens every entry; also returns the keys of entries not written the current way.
    fn open(&self, snap: Snapshot) -> Result<(Snapshot, Vec<String>), StateError> {
        if self.cipher.is_plain() {
            // Without encryption the entries are used as they are (no copy); a sealed one is an error.
            for (k, v) in &snap.entries {
                if crate::cipher::is_sealed(v) {
                    self.cipher.open(v, k.as_bytes())?;
                }
            }
            return Ok((snap, Vec::new()));
        }
        let mut entries = BTreeMap::new();
        let mut stale = Vec::new();
        for (k, v) in snap.entries {
            let opened = self.cipher.open(&v, k.as_bytes())?;
            if !opened.current {
                stale.push(k.clone());
            }
            entries.insert(k, opened.plain);
        }
        Ok((Snapshot { entries, ..snap }, stale))
    }

    fn seal_all(&self, snap: &Snapshot) -> Result<Snapshot, StateError> {
        let mut entries = BTreeMap::new();
        for (k, v) in &snap.entries {
            entries.insert(k.clone(), self.cipher.seal(v, k.as_bytes())?);
        }
        Ok(Snapshot {
            entries,
            ..snap.clone()
        })
    }
}

struct Writer {
    inner: Box<dyn StateWriter>,
    cipher: Arc<Cipher>,
}

impl StateWriter for Writer {
    fn serial(&self) -> u64 {
        self.inner.serial()
    }

    fn put(&mut self, key: &str, data: &[u8]) -> Result<(), StateError> {
        let sealed = self.cipher.seal(data, key.as_bytes())?;
        self.inner.put(key, &sealed)
    }

    fn delete(&mut self, key: &str) -> Result<(), StateError> {
        self.inner.delete(key)
    }

    fn put_many(&mut self, changes: &[(String, Option<Vec<u8>>)]) -> Result<(), StateError> {
        let mut sealed = Vec::with_capacity(changes.len());
        for (k, v) in changes {
            let v = match v {
                Some(d) => Some(self.cipher.seal(d, k.as_bytes())?),
                None => None,
            };
            sealed.push((k.clone(), v));
        }
        self.inner.put_many(&sealed)
    }

    fn finish(self: Box<Self>) -> Result<(), StateError> {
        self.inner.finish()
    }
}

impl StateStore for EncryptedStore {
    fn read(&self) -> Result<Option<Snapshot>, StateError> {
        match self.inner.read()? {
            Some(s) => Ok(Some(self.open(s)?.0)),
            None => Ok(None),
        }
    }

    /// Checks that the stored state opens before anything is written, and rewrites, in the new
    /// version, the entries written with an older key or unencrypted, so that a key rotation or a
    /// move to encryption is complete after one write.
    fn begin(&self, lineage: &str, meta: VersionMeta) -> Result<Box<dyn StateWriter>, StateError> {
        let current = match self.inner.read()? {
            Some(s) => Some(self.open(s)?),
            None => None,
        };
        let mut w = Writer {
            inner: self.inner.begin(lineage, meta)?,
            cipher: self.cipher.clone(),
        };
        if let Some((snap, stale)) = current {
            if !stale.is_empty() {
                let changes: Vec<(String, Option<Vec<u8>>)> = stale
                    .into_iter()
                    .map(|k| {
                        let v = snap.entries[&k].clone();
                        (k, Some(v))
                    })
                    .collect();
                w.put_many(&changes)?;
            }
        }
        Ok(Box::new(w))
    }

    fn write_snapshot(&self, snapshot: &Snapshot, meta: VersionMeta) -> Result<u64, StateError> {
        if let Some(s) = self.inner.read()? {
            self.open(s)?;
        }
        self.inner.write_snapshot(&self.seal_all(snapshot)?, meta)
    }

    fn lock(&self, info: &LockInfo) -> Result<(), StateError> {
        self.inner.lock(info)
    }

    fn unlock(&self, id: &str) -> Result<(), StateError> {
        self.inner.unlock(id)
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        self.inner.lock_holder()
    }

    fn versions(&self) -> Result<Vec<VersionInfo>, StateError> {
        self.inner.versions()
    }

    fn read_version(&self, serial: u64) -> Result<Option<Snapshot>, StateError> {
        match self.inner.read_version(serial)? {
            Some(s) => Ok(Some(self.open(s)?.0)),
            None => Ok(None),
        }
    }

    fn location(&self) -> String {
        self.inner.location()
    }

    fn keeps_history(&self) -> bool {
        self.inner.keeps_history()
    }
}

/// A backend whose workspaces' stores are [`EncryptedStore`]s.
pub struct EncryptedBackend {
    inner: Arc<dyn Backend>,
    cipher: Arc<Cipher>,
}

impl EncryptedBackend {
    /// Wraps an entry backend.
    pub fn new(inner: Arc<dyn Backend>, cipher: Arc<Cipher>) -> EncryptedBackend {
        EncryptedBackend { inner, cipher }
    }
}

impl Backend for EncryptedBackend {
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        self.inner.workspaces()
    }

    fn open(&self, workspace: &str) -> Result<Arc<dyn StateStore>, StateError> {
        Ok(Arc::new(EncryptedStore::new(
            self.inner.open(workspace)?,
            self.cipher.clone(),
        )))
    }

    fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        self.inner.delete_workspace(workspace)
    }

    fn describe(&self, workspace: &str) -> String {
        self.inner.describe(workspace)
    }
}

/// A document format whose documents are sealed as a whole.
pub struct EncryptedCodec {
    inner: Arc<dyn SnapshotCodec>,
    cipher: Arc<Cipher>,
}

impl EncryptedCodec {
    /// Wraps a document format.
    pub fn new(inner: Arc<dyn SnapshotCodec>, cipher: Arc<Cipher>) -> EncryptedCodec {
        EncryptedCodec { inner, cipher }
    }
}

impl SnapshotCodec for EncryptedCodec {
    fn encode(&self, snapshot: &Snapshot) -> Result<Vec<u8>, StateError> {
        let plain = self.inner.encode(snapshot)?;
        Ok(self.cipher.seal(&plain, b"")?)
    }

    fn decode(&self, data: &[u8]) -> Result<Snapshot, StateError> {
        let opened = self.cipher.open(data, b"")?;
        self.inner.decode(&opened.plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EncryptionConfig, KeyProvider, Method};

    fn cipher(pass: &str, fallback: Option<&str>) -> Arc<Cipher> {
        let m = |name: &str, p: &str| Method::AesGcm {
            address: format!("method.aes_gcm.{name}"),
            keys: KeyProvider {
                iterations: 200_000,
                ..KeyProvider::pbkdf2(name, p)
            },
        };
        Arc::new(
            Cipher::new(Some(EncryptionConfig {
                method: m("new", pass),
                fallback: fallback.map(|f| m("old", f)),
                enforced: false,
            }))
            .unwrap(),
        )
    }

    #[test]
    fn passes_the_backend_conformance_suite_over_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let c = cipher("passphrase of sixteen+", None);
        terrane_state_api::conformance::run(&|| {
            let inner = Arc::new(terrane_backend_sqlite::SqliteStore::open(&path).unwrap());
            Arc::new(EncryptedStore::new(inner, c.clone()))
        });
    }

    #[test]
    fn rotation_rewrites_old_entries_and_a_wrong_key_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let raw = || -> Arc<dyn StateStore> {
            Arc::new(terrane_backend_sqlite::SqliteStore::open(&path).unwrap())
        };
        let old = EncryptedStore::new(raw(), cipher("the first passphrase", None));
        let mut w = old.begin("l", VersionMeta::default()).unwrap();
        w.put("a", b"{\"secret\":1}").unwrap();
        w.finish().unwrap();
        let stored = raw().read().unwrap().unwrap();
        assert!(!String::from_utf8_lossy(&stored.entries["a"]).contains("secret"));

        let wrong = EncryptedStore::new(raw(), cipher("not the passphrase!!", None));
        assert!(matches!(wrong.read(), Err(StateError::Encryption(_))));
        assert!(wrong.begin("l", VersionMeta::default()).is_err());
        assert_eq!(raw().versions().unwrap().len(), 1, "nothing was written");

        let rotated = EncryptedStore::new(
            raw(),
            cipher("the second passphrase", Some("the first passphrase")),
        );
        rotated
            .begin("l", VersionMeta::default())
            .unwrap()
            .finish()
            .unwrap();
        let only_new = EncryptedStore::new(raw(), cipher("the second passphrase", None));
        assert_eq!(
            only_new.read().unwrap().unwrap().entries["a"],
            b"{\"secret\":1}"
        );
    }
}
