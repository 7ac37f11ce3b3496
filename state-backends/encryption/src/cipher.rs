//! Sealing and opening bytes with the configured methods, and the envelope sealed data is kept in:
//!
//! ```json
//! {"encryption_version": "v0", "method": "method.aes_gcm.NAME",
//!  "meta": {"key_provider.pbkdf2.NAME": {"salt": "…", "iterations": 600000,
//!                                        "hash_function": "sha512", "key_length": 32}},
//!  "encrypted_data": "base64(nonce ‖ ciphertext ‖ tag)"}
//! ```
//!
//! Deriving a key from a passphrase is deliberately slow, so derived keys are cached by their
//! parameters, and new data is sealed with the salt of data already read when the key is the same:
//! one derivation per run in the common case.

use crate::{EncryptionConfig, EncryptionError, Hash, KeyProvider, Method};
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use std::sync::Mutex;

const VERSION: &str = "v0";
const NONCE_LEN: usize = 12;

/// Key derivation parameters, as recorded in an envelope.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Params {
    salt: Vec<u8>,
    iterations: u32,
    hash: &'static str,
    key_length: usize,
}

impl Params {
    fn to_json(&self) -> Json {
        json!({
            "salt": B64.encode(&self.salt),
            "iterations": self.iterations,
            "hash_function": self.hash,
            "key_length": self.key_length,
        })
    }

    fn from_json(j: &Json) -> Result<Params, EncryptionError> {
        let damaged = |m: &str| EncryptionError::Damaged(m.to_string());
        let salt = j
            .get("salt")
            .and_then(Json::as_str)
            .and_then(|s| B64.decode(s).ok())
            .ok_or_else(|| damaged("the key parameters have no salt"))?;
        let hash = j
            .get("hash_function")
            .and_then(Json::as_str)
            .and_then(Hash::parse)
            .ok_or_else(|| damaged("unknown hash function"))?;
        Ok(Params {
            salt,
            iterations: j
                .get("iterations")
                .and_then(Json::as_u64)
                .ok_or_else(|| damaged("no iteration count"))? as u32,
            hash: hash.name(),
            key_length: j.get("key_length").and_then(Json::as_u64).unwrap_or(32) as usize,
        })
    }
}

/// Data opened by [`Cipher::open`].
pub struct Opened {
    /// The plain bytes.
    pub plain: Vec<u8>,
    /// Whether it was written the way new data is written (so there is no need to rewrite it).
    pub current: bool,
}

/// Seals and opens state data according to an encryption configuration (or none).
pub struct Cipher {
    config: Option<EncryptionConfig>,
    keys: Mutex<HashMap<(String, Params), [u8; 32]>>,
    write_salt: Mutex<Option<Vec<u8>>>,
}

fn random(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("the operating system provides random bytes");
    b
}

fn derive(p: &KeyProvider, params: &Params) -> [u8; 32] {
    let mut key = [0u8; 32];
    match params.hash {
        "sha256" => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
            p.passphrase.as_bytes(),
            &params.salt,
            params.iterations,
            &mut key,
        ),
        _ => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(
            p.passphrase.as_bytes(),
            &params.salt,
            params.iterations,
            &mut key,
        ),
    }
    key
}

/// Whether bytes are a sealed envelope.
pub fn is_sealed(data: &[u8]) -> bool {
    /// Only the envelope's marker field; everything else is skipped without being built, since
    /// every entry of every state read goes through here.
    #[derive(serde::Deserialize)]
    struct Probe {
        encrypted_data: Option<serde::de::IgnoredAny>,
    }
    let start = data.iter().position(|b| !b.is_ascii_whitespace());
    start.is_some_and(|i| data[i] == b'{')
        && serde_json::from_slice::<Probe>(data).is_ok_and(|p| p.encrypted_data.is_some())
}

impl Cipher {
    /// A cipher for a configuration (`None`: no encryption, and encrypted data is refused).
    pub fn new(config: Option<EncryptionConfig>) -> Result<Cipher, EncryptionError> {
        if let Some(c) = &config {
            c.validate()?;
        }
        Ok(Cipher {
            config,
            keys: Mutex::new(HashMap::new()),
            write_salt: Mutex::new(None),
        })
    }

    /// Whether new data is encrypted.
    pub fn encrypts(&self) -> bool {
        matches!(
            self.config.as_ref().map(|c| &c.method),
            Some(Method::AesGcm { .. })
        )
    }

    fn key(&self, p: &KeyProvider, params: &Params) -> [u8; 32] {
        let id = (p.passphrase.clone(), params.clone());
        let mut keys = self.keys.lock().expect("key cache");
        *keys.entry(id).or_insert_with(|| derive(p, params))
    }

    /// Seals plain bytes with the primary method; `aad` is bound to the result and must be given
    /// again to open it.
    pub fn seal(&self, plain: &[u8], aad: &[u8]) -> Result<Vec<u8>, EncryptionError> {
        let Some(Method::AesGcm { address, keys }) = self.config.as_ref().map(|c| &c.method) else {
            return Ok(plain.to_vec());
        };
        let salt = {
            let mut s = self.write_salt.lock().expect("salt");
            s.get_or_insert_with(|| random(keys.salt_length)).clone()
        };
        let params = Params {
            salt,
            iterations: keys.iterations,
            hash: keys.hash.name(),
            key_length: keys.key_length,
        };
        let key = self.key(keys, &params);
        let cipher = Aes256Gcm::new_from_slice(&key).expect("32-byte key");
        let nonce_bytes: [u8; NONCE_LEN] = random(NONCE_LEN).try_into().expect("12 bytes");
        let sealed = cipher
            .encrypt(&nonce_bytes.into(), Payload { msg: plain, aad })
            .map_err(|_| EncryptionError::Config("AES-GCM refused the data".into()))?;
        let mut data = nonce_bytes.to_vec();
        data.extend(sealed);
        let mut meta = serde_json::Map::new();
        meta.insert(keys.address.clone(), params.to_json());
        let env = json!({
            "encryption_version": VERSION,
            "method": address,
            "meta": meta,
            "encrypted_data": B64.encode(data),
        });
        Ok(serde_json::to_vec(&env).expect("envelope serializes"))
    }

    /// Whether there is no configuration: plain data is read as it is and sealed data refused.
    pub fn is_plain(&self) -> bool {
        self.config.is_none()
    }

    /// Opens data written by [`Cipher::seal`] with this or the fallback method, or plain data where
    /// the configuration allows it.
    pub fn open(&self, data: &[u8], aad: &[u8]) -> Result<Opened, EncryptionError> {
        if !is_sealed(data) {
            let Some(c) = &self.config else {
                return Ok(Opened {
                    plain: data.to_vec(),
                    current: true,
                });
            };
            return match (&c.method, &c.fallback) {
                (Method::Unencrypted { .. }, _) => Ok(Opened {
                    plain: data.to_vec(),
                    current: true,
                }),
                (_, Some(Method::Unencrypted { .. })) => Ok(Opened {
                    plain: data.to_vec(),
                    current: false,
                }),
                _ => Err(EncryptionError::NotEncrypted),
            };
        }
        let Some(c) = &self.config else {
            return Err(EncryptionError::NoKey);
        };
        let env: Json =
            serde_json::from_slice(data).map_err(|e| EncryptionError::Damaged(e.to_string()))?;
        let version = env.get("encryption_version").and_then(Json::as_str);
        if version != Some(VERSION) {
            return Err(EncryptionError::Damaged(format!(
                "unknown encryption version {version:?}; it may have been written by a newer terrane"
            )));
        }
        let meta = env
            .get("meta")
            .and_then(Json::as_object)
            .ok_or_else(|| EncryptionError::Damaged("no key parameters".into()))?;
        let blob = env
            .get("encrypted_data")
            .and_then(Json::as_str)
            .and_then(|s| B64.decode(s).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(|| EncryptionError::Damaged("the encrypted data is not base64".into()))?;
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("12 bytes");
        let candidates = [(&c.method, true)]
            .into_iter()
            .chain(c.fallback.iter().map(|m| (m, false)));
        for (method, primary) in candidates {
            let Method::AesGcm { keys, .. } = method else {
                continue;
            };
            let recorded = meta.get(&keys.address).or_else(|| meta.values().next());
            let Some(recorded) = recorded else { continue };
            let params = Params::from_json(recorded)?;
            let key = self.key(keys, &params);
            let cipher = Aes256Gcm::new_from_slice(&key).expect("32-byte key");
            if let Ok(plain) = cipher.decrypt(&nonce.into(), Payload { msg: sealed, aad }) {
                let same_settings = params.iterations == keys.iterations
                    && params.hash == keys.hash.name()
                    && params.key_length == keys.key_length;
                if primary && same_settings {
                    let mut s = self.write_salt.lock().expect("salt");
                    s.get_or_insert_with(|| params.salt.clone());
                }
                return Ok(Opened {
                    plain,
                    current: primary && same_settings,
                });
            }
        }
        Err(EncryptionError::WrongKey(meta.keys().next().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(name: &str, pass: &str) -> KeyProvider {
        KeyProvider {
            iterations: 200_000,
            ..KeyProvider::pbkdf2(name, pass)
        }
    }

    fn aes(name: &str, keys: KeyProvider) -> Method {
        Method::AesGcm {
            address: format!("method.aes_gcm.{name}"),
            keys,
        }
    }

    fn cipher(method: Method, fallback: Option<Method>) -> Cipher {
        Cipher::new(Some(EncryptionConfig {
            method,
            fallback,
            enforced: false,
        }))
        .unwrap()
    }

    #[test]
    fn seals_opens_and_binds_the_key() {
        let c = cipher(aes("m", fast("k", "correct horse battery staple")), None);
        let sealed = c.seal(b"secret state", b"entry-a").unwrap();
        assert!(is_sealed(&sealed));
        assert!(!String::from_utf8_lossy(&sealed).contains("secret"));
        assert_eq!(c.open(&sealed, b"entry-a").unwrap().plain, b"secret state");
        assert!(matches!(
            c.open(&sealed, b"entry-b"),
            Err(EncryptionError::WrongKey(_))
        ));
    }

    #[test]
    fn a_wrong_key_fails_and_a_fallback_opens_old_data() {
        let old = cipher(aes("old", fast("k", "the old passphrase!!")), None);
        let sealed = old.seal(b"data", b"").unwrap();
        let wrong = cipher(aes("m", fast("k", "another passphrase!!")), None);
        let err = wrong.open(&sealed, b"").err().unwrap();
        assert!(err.to_string().contains("cannot be decrypted"), "{err}");
        let rotated = cipher(
            aes("new", fast("new", "another passphrase!!")),
            Some(aes("old", fast("k", "the old passphrase!!"))),
        );
        let opened = rotated.open(&sealed, b"").unwrap();
        assert_eq!(opened.plain, b"data");
        assert!(!opened.current, "data opened by the fallback is rewritten");
    }

    #[test]
    fn plain_and_encrypted_data_need_the_right_configuration() {
        let none = Cipher::new(None).unwrap();
        let c = cipher(aes("m", fast("k", "correct horse battery staple")), None);
        assert_eq!(
            c.open(b"{\"a\":1}", b"").err(),
            Some(EncryptionError::NotEncrypted)
        );
        let sealed = c.seal(b"x", b"").unwrap();
        assert_eq!(none.open(&sealed, b"").err(), Some(EncryptionError::NoKey));
        let migrating = cipher(
            aes("m", fast("k", "correct horse battery staple")),
            Some(Method::Unencrypted {
                address: "method.unencrypted.u".into(),
            }),
        );
        assert!(!migrating.open(b"{\"a\":1}", b"").unwrap().current);
        let short = Cipher::new(Some(EncryptionConfig {
            method: aes("m", KeyProvider::pbkdf2("k", "short")),
            fallback: None,
            enforced: false,
        }));
        assert!(short.is_err());
    }
}
