//! Makes the configured backend, with the encryption layer that suits it: around every entry for the
//! entry stores (SQLite, PostgreSQL), around the whole document for the document stores (the local
//! file, S3).

use super::Settings;
use std::path::Path;
use std::sync::Arc;
use terrane_backend_file::FileBackend;
use terrane_backend_sqlite::SqliteBackend;
use terrane_diagnostics::Diagnostic;
use terrane_state::V4Codec;
use terrane_state_api::Backend;
use terrane_state_api::document::SnapshotCodec;
use terrane_state_encryption::{Cipher, EncryptedBackend, EncryptedCodec};

fn invalid(kind: &str, detail: String) -> Diagnostic {
    Diagnostic::error(
        "Invalid backend configuration",
        format!("The {kind:?} backend cannot be used: {detail}"),
    )
}

/// The backend the settings describe.
pub fn open_backend(s: &Settings) -> Result<Arc<dyn Backend>, Diagnostic> {
    let cipher = Arc::new(
        Cipher::new(s.encryption.clone())
            .map_err(|e| Diagnostic::error("Invalid encryption configuration", e.to_string()))?,
    );
    let document_codec: Arc<dyn SnapshotCodec> =
        Arc::new(EncryptedCodec::new(Arc::new(V4Codec), cipher.clone()));
    let entries = |b: Arc<dyn Backend>| -> Arc<dyn Backend> {
        Arc::new(EncryptedBackend::new(b, cipher.clone()))
    };
    match s.kind.as_str() {
        "sqlite" => {
            let path = s.string("path", &[], crate::workdir::STATE_DB);
            let dir = s.string("workspace_dir", &[], "terrane.tfstate.d");
            Ok(entries(Arc::new(SqliteBackend::new(
                Path::new(&path),
                Path::new(&dir),
            ))))
        }
        "local" => {
            let path = s.string("path", &[], "terraform.tfstate");
            let dir = s.string("workspace_dir", &[], "terraform.tfstate.d");
            Ok(Arc::new(FileBackend::new(
                Path::new(&path),
                Path::new(&dir),
                document_codec,
            )))
        }
        "pg" => {
            let config = terrane_backend_pg::PgConfig {
                conn_str: s.string("conn_str", &["PG_CONN_STR"], ""),
                schema_name: s.string("schema_name", &["PG_SCHEMA_NAME"], "terraform_remote_state"),
                skip_schema_creation: s.bool("skip_schema_creation", false)
                    || std::env::var("PG_SKIP_SCHEMA_CREATION").is_ok_and(|v| v == "true"),
            };
            if config.conn_str.is_empty() {
                return Err(invalid(
                    "pg",
                    "`conn_str` (or the PG_CONN_STR environment variable) is required".into(),
                ));
            }
            Ok(entries(Arc::new(terrane_backend_pg::PgBackend::new(
                config,
            ))))
        }
        other => Err(invalid(
            other,
            "this backend type is not available in this build".into(),
        )),
    }
}
