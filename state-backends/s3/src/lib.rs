//! The `s3` backend, as Terraform lays it out: the state of the default workspace is the object
//! `key` in `bucket`, that of workspace `W` is `WORKSPACE_KEY_PREFIX/W/key` (`env:` by default), in
//! Terraform's v4 JSON (possibly sealed by the encryption layer). Locks are `.tflock` objects written
//! with S3's conditional writes (`use_lockfile`); `encrypt` asks S3 to encrypt the objects at rest.
//!
//! Requests are signed with SigV4 ([`sigv4`]) and sent by a small blocking client ([`client`]), which
//! keeps the AWS SDK out of the state layer. Credentials come from the settings, from the standard
//! environment variables, or from the shared credentials file.
#![deny(missing_docs)]

pub mod client;
mod credentials;
pub mod sigv4;
mod storage;

pub use credentials::resolve_credentials;
pub use storage::S3Storage;

use client::{Client, Endpoint};
use sigv4::Credentials;
use std::sync::Arc;
use terrane_state_api::document::{DocumentStore, SnapshotCodec};
use terrane_state_api::{Backend, DEFAULT_WORKSPACE, StateError, StateStore, sorted_with_default};

/// The s3 backend's settings.
#[derive(Clone, Debug)]
pub struct S3Config {
    /// The bucket.
    pub bucket: String,
    /// The object key of the default workspace's state.
    pub key: String,
    /// The region.
    pub region: String,
    /// A custom S3 endpoint (`endpoints { s3 = ... }`), else AWS's.
    pub endpoint: Option<String>,
    /// Path-style addressing.
    pub use_path_style: bool,
    /// Lock with a `.tflock` object.
    pub use_lockfile: bool,
    /// Server-side encryption of the objects.
    pub encrypt: bool,
    /// The prefix of non-default workspaces' keys.
    pub workspace_key_prefix: String,
    /// The credentials.
    pub credentials: Credentials,
}

/// The s3 backend.
pub struct S3Backend {
    pub(crate) config: S3Config,
    client: Arc<Client>,
    codec: Arc<dyn SnapshotCodec>,
}

impl S3Backend {
    /// A backend with the given settings and document format.
    pub fn new(config: S3Config, codec: Arc<dyn SnapshotCodec>) -> Result<S3Backend, StateError> {
        if config.bucket.is_empty() || config.key.is_empty() {
            return Err(StateError::Storage(
                "the s3 backend needs `bucket` and `key`".into(),
            ));
        }
        if config.key.ends_with('/') || config.key.starts_with('/') {
            return Err(StateError::Storage(format!(
                "the key {:?} must not begin or end with `/`",
                config.key
            )));
        }
        let url = config
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("https://s3.{}.amazonaws.com", config.region));
        let host = url.split("://").nth(1).unwrap_or(&url);
        let ip_or_local = host.starts_with("localhost")
            || host
                .split(':')
                .next()
                .is_some_and(|h| h.parse::<std::net::IpAddr>().is_ok());
        let endpoint = Endpoint {
            url,
            region: config.region.clone(),
            path_style: config.use_path_style || ip_or_local || config.bucket.contains('.'),
        };
        let client = Arc::new(Client::new(
            endpoint,
            &config.bucket,
            config.credentials.clone(),
        ));
        Ok(S3Backend {
            config,
            client,
            codec,
        })
    }

    /// The object key of a workspace's state.
    pub fn key(&self, workspace: &str) -> String {
        if workspace == DEFAULT_WORKSPACE {
            self.config.key.clone()
        } else {
            format!(
                "{}/{workspace}/{}",
                self.config.workspace_key_prefix, self.config.key
            )
        }
    }
}

impl Backend for S3Backend {
    fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let prefix = format!("{}/", self.config.workspace_key_prefix);
        let suffix = format!("/{}", self.config.key);
        let names = self
            .client
            .list(&prefix)?
            .into_iter()
            .filter_map(|k| {
                let rest = k.strip_prefix(&prefix)?.strip_suffix(&suffix)?;
                (!rest.contains('/')).then(|| rest.to_string())
            })
            .collect();
        Ok(sorted_with_default(names))
    }

    fn open(&self, workspace: &str) -> Result<Arc<dyn StateStore>, StateError> {
        Ok(Arc::new(DocumentStore::new(
            Box::new(S3Storage {
                client: self.client.clone(),
                key: self.key(workspace),
                use_lockfile: self.config.use_lockfile,
                encrypt: self.config.encrypt,
            }),
            self.codec.clone(),
        )))
    }

    fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        let key = self.key(workspace);
        let a = self.client.request("DELETE", &key, &[], &[], b"")?;
        match a.status {
            200 | 204 | 404 => Ok(()),
            _ => Err(self.client.failure("delete", &key, &a)),
        }
    }

    fn describe(&self, workspace: &str) -> String {
        self.client.describe(&self.key(workspace))
    }
}

#[cfg(test)]
mod tests;
