//! One workspace's state object and its lock object.
//!
//! With `use_lockfile`, the lock is the object `KEY.tflock`, created with `If-None-Match: *`: S3
//! creates it only if it does not exist, so two clients cannot both take it. It holds the holder's
//! description; a lock whose holder process died on the requester's host is taken over.

use crate::client::Client;
use std::sync::Arc;
use terrane_state_api::document::DocumentStorage;
use terrane_state_api::{LockInfo, StateError, lock_from_json, lock_to_json};

/// Whether a 404 says the bucket, not the object, is missing.
fn no_bucket(a: &crate::client::Answer) -> bool {
    String::from_utf8_lossy(&a.body).contains("<Code>NoSuchBucket</Code>")
}

/// The state object of one workspace.
pub struct S3Storage {
    pub(crate) client: Arc<Client>,
    pub(crate) key: String,
    pub(crate) use_lockfile: bool,
    pub(crate) encrypt: bool,
}

impl S3Storage {
    fn lock_key(&self) -> String {
        format!("{}.tflock", self.key)
    }

    fn read_lock(&self) -> Result<Option<LockInfo>, StateError> {
        let a = self
            .client
            .request("GET", &self.lock_key(), &[], &[], b"")?;
        match a.status {
            200 => lock_from_json(&a.body).map(Some),
            404 if !no_bucket(&a) => Ok(None),
            _ => Err(self
                .client
                .failure("read of the lock", &self.lock_key(), &a)),
        }
    }

    fn delete_lock(&self) -> Result<(), StateError> {
        let a = self
            .client
            .request("DELETE", &self.lock_key(), &[], &[], b"")?;
        match a.status {
            200 | 204 | 404 => Ok(()),
            _ => Err(self
                .client
                .failure("delete of the lock", &self.lock_key(), &a)),
        }
    }
}

impl DocumentStorage for S3Storage {
    fn load(&self) -> Result<Option<Vec<u8>>, StateError> {
        let a = self.client.request("GET", &self.key, &[], &[], b"")?;
        match a.status {
            200 => Ok(Some(a.body)),
            404 if !no_bucket(&a) => Ok(None),
            _ => Err(self.client.failure("read", &self.key, &a)),
        }
    }

    fn save(&self, data: &[u8]) -> Result<(), StateError> {
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if self.encrypt {
            headers.push(("x-amz-server-side-encryption".into(), "AES256".into()));
        }
        let a = self.client.request("PUT", &self.key, &[], &headers, data)?;
        match a.status {
            200 => Ok(()),
            _ => Err(self.client.failure("write", &self.key, &a)),
        }
    }

    fn lock(&self, info: &LockInfo) -> Result<(), StateError> {
        if !self.use_lockfile {
            return Ok(());
        }
        let body = lock_to_json(info, &self.client.describe(&self.key));
        let headers = [
            ("content-type".to_string(), "application/json".to_string()),
            ("if-none-match".to_string(), "*".to_string()),
        ];
        for attempt in 0..2 {
            let a = self
                .client
                .request("PUT", &self.lock_key(), &[], &headers, &body)?;
            match a.status {
                200 => return Ok(()),
                // 412: the lock exists; 409: another conditional write is in progress.
                412 | 409 => match self.read_lock()? {
                    Some(held) if attempt == 0 && held.abandoned(info) => self.delete_lock()?,
                    Some(held) => return Err(StateError::Locked(held)),
                    None if attempt == 0 => {}
                    None => break,
                },
                _ => {
                    return Err(self
                        .client
                        .failure("write of the lock", &self.lock_key(), &a));
                }
            }
        }
        Err(StateError::Storage(format!(
            "cannot take the lock {}",
            self.client.describe(&self.lock_key())
        )))
    }

    fn unlock(&self, id: &str) -> Result<(), StateError> {
        if !self.use_lockfile {
            return Ok(());
        }
        match self.read_lock()? {
            Some(held) if held.id == id => self.delete_lock(),
            held => Err(StateError::LockMismatch {
                given: id.to_string(),
                held: held.map(|h| h.id),
            }),
        }
    }

    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError> {
        if !self.use_lockfile {
            return Ok(None);
        }
        self.read_lock()
    }
}
