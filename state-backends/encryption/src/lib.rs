//! Encryption of state at rest, in the spirit of OpenTofu's `terraform { encryption { ... } }`.
//!
//! A [`Cipher`] is built from an [`EncryptionConfig`]: the method used to write (AES-GCM with a key
//! from a PBKDF2 passphrase key provider, or `unencrypted`), and an optional fallback method used only
//! to read what an older configuration wrote (key rotation, or moving to and from encryption).
//! Sealed data is a small JSON envelope that records the key provider's parameters (salt, iterations,
//! hash) so that the key can be derived again from the passphrase alone.
//!
//! Two layers use it, one per kind of backend:
//! - [`EncryptedStore`] wraps an entry store (SQLite, PostgreSQL): each entry is sealed on its own,
//!   bound to its key, so entries cannot be swapped unnoticed.
//! - [`EncryptedCodec`] wraps the document format of single-document backends (the local file, S3):
//!   the whole document is sealed.
//!
//! Reading with a wrong key, or reading encrypted state without a key, is an
//! [`StateError::Encryption`](terrane_state_api::StateError) error and nothing is written.
#![deny(missing_docs)]

mod cipher;
mod config;
mod store;

pub use cipher::Cipher;
pub use config::{EncryptionConfig, Hash, KeyProvider, Method};
pub use store::{EncryptedBackend, EncryptedCodec, EncryptedStore};

/// Errors of encryption and decryption.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EncryptionError {
    /// The data was encrypted, and no configured key opens it.
    #[error(
        "the state cannot be decrypted with the configured key{}: check the passphrase, or add the previous key as a `fallback` method",
        .0.as_deref().map(|p| format!(" (it was encrypted with {p})")).unwrap_or_default()
    )]
    WrongKey(Option<String>),
    /// The data is encrypted and no encryption is configured.
    #[error(
        "the state is encrypted, and no encryption is configured: add the `terraform {{ encryption {{ ... }} }}` block with its key"
    )]
    NoKey,
    /// The data is not encrypted and the configuration requires encryption.
    #[error(
        "the state is not encrypted, and the configuration requires encryption: to encrypt an existing state, add `fallback {{ method = method.unencrypted.NAME }}` to the `state` block for one run"
    )]
    NotEncrypted,
    /// The envelope is damaged.
    #[error("the encrypted state is damaged: {0}")]
    Damaged(String),
    /// The configuration cannot be used.
    #[error("invalid encryption configuration: {0}")]
    Config(String),
}

impl From<EncryptionError> for terrane_state_api::StateError {
    fn from(e: EncryptionError) -> Self {
        terrane_state_api::StateError::Encryption(e.to_string())
    }
}
