//! The decoded `encryption` block: key providers, methods, and which method the state uses.

use crate::EncryptionError;

/// The hash function of a PBKDF2 key provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512 (the default).
    Sha512,
}

impl Hash {
    /// The name used in configuration and in envelopes.
    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha256 => "sha256",
            Hash::Sha512 => "sha512",
        }
    }

    /// Parses `sha256` or `sha512`.
    pub fn parse(s: &str) -> Option<Hash> {
        match s {
            "sha256" => Some(Hash::Sha256),
            "sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }
}

/// `key_provider "pbkdf2" "NAME" { passphrase = ... }`.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyProvider {
    /// `key_provider.pbkdf2.NAME`.
    pub address: String,
    /// The passphrase (at least 16 characters, as OpenTofu requires).
    pub passphrase: String,
    /// Key length in bytes (32 for AES-256).
    pub key_length: usize,
    /// PBKDF2 iterations (600 000 by default).
    pub iterations: u32,
    /// Salt length in bytes (32 by default).
    pub salt_length: usize,
    /// The hash function.
    pub hash: Hash,
}

impl std::fmt::Debug for KeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyProvider")
            .field("address", &self.address)
            .field("passphrase", &"(sensitive)")
            .field("iterations", &self.iterations)
            .finish()
    }
}

impl KeyProvider {
    /// A PBKDF2 key provider with OpenTofu's defaults.
    pub fn pbkdf2(name: &str, passphrase: &str) -> KeyProvider {
        KeyProvider {
            address: format!("key_provider.pbkdf2.{name}"),
            passphrase: passphrase.to_string(),
            key_length: 32,
            iterations: 600_000,
            salt_length: 32,
            hash: Hash::Sha512,
        }
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<(), EncryptionError> {
        let bad = |m: String| Err(EncryptionError::Config(format!("{}: {m}", self.address)));
        if self.passphrase.chars().count() < 16 {
            return bad("the passphrase must be at least 16 characters long".into());
        }
        if ![16, 24, 32].contains(&self.key_length) {
            return bad(format!(
                "key_length {} does not suit AES-GCM (16, 24 or 32)",
                self.key_length
            ));
        }
        if self.key_length != 32 {
            return bad("terrane's AES-GCM uses 32-byte keys (AES-256)".into());
        }
        if self.iterations < 200_000 {
            return bad(format!(
                "{} iterations are too few; use at least 200000",
                self.iterations
            ));
        }
        if self.salt_length < 16 {
            return bad("salt_length must be at least 16".into());
        }
        Ok(())
    }
}

/// An encryption method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// `method "aes_gcm" "NAME" { keys = key_provider.pbkdf2.X }`.
    AesGcm {
        /// `method.aes_gcm.NAME`.
        address: String,
        /// Where its key comes from.
        keys: KeyProvider,
    },
    /// `method "unencrypted" "NAME" {}`: plain state, for moving to or from encryption.
    Unencrypted {
        /// `method.unencrypted.NAME`.
        address: String,
    },
}

impl Method {
    /// The method's address.
    pub fn address(&self) -> &str {
        match self {
            Method::AesGcm { address, .. } | Method::Unencrypted { address } => address,
        }
    }
}

/// The `state` block: how state is written, and what else may be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptionConfig {
    /// The method new data is written with.
    pub method: Method,
    /// A method that may open data written before (`fallback { method = ... }`).
    pub fallback: Option<Method>,
    /// `enforced = true`: refuse an unencrypted primary method.
    pub enforced: bool,
}

impl EncryptionConfig {
    /// Checks the configuration as a whole.
    pub fn validate(&self) -> Result<(), EncryptionError> {
        if self.enforced && matches!(self.method, Method::Unencrypted { .. }) {
            return Err(EncryptionError::Config(
                "`enforced = true` forbids writing the state with an unencrypted method".into(),
            ));
        }
        for m in [Some(&self.method), self.fallback.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Method::AesGcm { keys, .. } = m {
                keys.validate()?;
            }
        }
        Ok(())
    }
}
