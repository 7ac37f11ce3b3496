//! The `local` provider (hashicorp/local): files on the machine that runs terrane.
//!
//! `local_file` and `local_sensitive_file` write a file and notice when it was deleted or changed
//! on disk (its SHA-1 no longer matches the `id`), so the next plan writes it again; the data sources
//! of the same names read a file. Relative paths are relative to the process's working directory.

mod data_source;
mod file;

use crate::defaults::{WithDefaults, fill};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::SdkProvider;
use terrane_values::{Type, Value};

/// The local provider.
pub fn provider() -> WithDefaults {
    let sdk = SdkProvider::new()
        .resource("local_file", file::LocalFile::plain())
        .resource("local_sensitive_file", file::LocalFile::sensitive())
        .data_source(
            "local_file",
            data_source::LocalFileData { sensitive: false },
        )
        .data_source(
            "local_sensitive_file",
            data_source::LocalFileData { sensitive: true },
        );
    WithDefaults::new(sdk)
        .defaults("local_file", file_defaults)
        .defaults("local_sensitive_file", sensitive_file_defaults)
}

/// `local_file` permissions default to `0777` (before the umask).
fn file_defaults(config: &Value) -> Result<Value, Diagnostics> {
    Ok(fill(
        config,
        &[
            ("file_permission", Value::string("0777")),
            ("directory_permission", Value::string("0777")),
        ],
    ))
}

/// `local_sensitive_file` permissions default to `0700`.
fn sensitive_file_defaults(config: &Value) -> Result<Value, Diagnostics> {
    Ok(fill(
        config,
        &[
            ("file_permission", Value::string("0700")),
            ("directory_permission", Value::string("0700")),
        ],
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-1 of `content` in hexadecimal: the `id` of a file.
fn sha1_hex(content: &[u8]) -> String {
    hex(&Sha1::digest(content))
}

/// The checksum attributes of `content`.
fn checksums(content: &[u8]) -> [(&'static str, String); 6] {
    let sha256 = Sha256::digest(content);
    let sha512 = Sha512::digest(content);
    [
        ("content_md5", hex(&Md5::digest(content))),
        ("content_sha1", sha1_hex(content)),
        ("content_sha256", hex(&sha256)),
        ("content_base64sha256", STANDARD.encode(sha256)),
        ("content_sha512", hex(&sha512)),
        ("content_base64sha512", STANDARD.encode(sha512)),
    ]
}

/// Adds the computed checksum attributes to a block.
fn with_checksum_attributes(block: Block) -> Block {
    let described = [
        ("content_md5", "MD5 checksum of file content."),
        ("content_sha1", "SHA1 checksum of file content."),
        ("content_sha256", "SHA256 checksum of file content."),
        (
            "content_base64sha256",
            "Base64 encoded SHA256 checksum of file content.",
        ),
        ("content_sha512", "SHA512 checksum of file content."),
        (
            "content_base64sha512",
            "Base64 encoded SHA512 checksum of file content.",
        ),
    ];
    described.into_iter().fold(block, |b, (name, d)| {
        b.attr(name, Attribute::computed(Type::String).describe(d))
    })
}

/// Sets the `id` and the checksum attributes of `v` for `content`.
fn with_checksums(v: &Value, content: &[u8]) -> Value {
    let mut m = v.as_map().cloned().unwrap_or_default();
    for (name, sum) in checksums(content) {
        m.insert(name.to_string(), Value::string(sum));
    }
    m.insert("id".to_string(), Value::string(sha1_hex(content)));
    Value::object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_of_known_content() {
        let sums = checksums(b"hello");
        assert_eq!(sums[0].1, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(sums[1].1, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(
            sums[2].1,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(sums[3].1, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
    }
}
