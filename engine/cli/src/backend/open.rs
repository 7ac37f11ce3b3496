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
            let env_true = |name: &str| std::env::var(name).is_ok_and(|v| v == "true");
            let config = terrane_backend_pg::PgConfig {
                conn_str: s.string("conn_str", &["PG_CONN_STR"], ""),
                schema_name: s.string("schema_name", &["PG_SCHEMA_NAME"], "terraform_remote_state"),
                skip_schema_creation: s.bool("skip_schema_creation", false)
                    || env_true("PG_SKIP_SCHEMA_CREATION"),
                skip_table_creation: s.bool("skip_table_creation", false)
                    || env_true("PG_SKIP_TABLE_CREATION"),
                skip_index_creation: s.bool("skip_index_creation", false)
                    || env_true("PG_SKIP_INDEX_CREATION"),
                libpq_env: [
                    "PGHOST",
                    "PGPORT",
                    "PGUSER",
                    "PGPASSWORD",
                    "PGDATABASE",
                    "PGSSLMODE",
                    "PGCONNECT_TIMEOUT",
                    "PGAPPNAME",
                    "USER",
                ]
                .iter()
                .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
                .collect(),
            };
            if config.conn_str.is_empty() && !config.libpq_env.iter().any(|(k, _)| k == "PGHOST") {
                return Err(invalid(
                    "pg",
                    "`conn_str` (or the PG_CONN_STR environment variable, or libpq's PGHOST) is required".into(),
                ));
            }
            Ok(entries(Arc::new(terrane_backend_pg::PgBackend::new(
                config,
            ))))
        }
        "s3" => open_s3(s, document_codec),
        other => Err(invalid(
            other,
            "this backend type is not available in this build".into(),
        )),
    }
}

fn open_s3(s: &Settings, codec: Arc<dyn SnapshotCodec>) -> Result<Arc<dyn Backend>, Diagnostic> {
    let nested = |block: &str, name: &str| {
        s.attrs
            .get(block)
            .and_then(|b| b.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let opt = |name: &str| {
        s.attrs
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    if s.attrs.contains_key("dynamodb_table") && !s.bool("use_lockfile", false) {
        return Err(invalid(
            "s3",
            "locking with a DynamoDB table is not available in terrane; use `use_lockfile = true`, which locks with S3's conditional writes".into(),
        ));
    }
    let endpoint = nested("endpoints", "s3")
        .or_else(|| opt("endpoint"))
        .or_else(|| std::env::var("AWS_ENDPOINT_URL_S3").ok())
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
        .filter(|e| !e.is_empty());
    let region = s.string("region", &["AWS_REGION", "AWS_DEFAULT_REGION"], "");
    if region.is_empty() {
        return Err(invalid("s3", "`region` (or AWS_REGION) is required".into()));
    }
    let explicit = match (opt("access_key"), opt("secret_key")) {
        (Some(a), Some(k)) => Some((a, k)),
        _ => None,
    };
    let credentials =
        terrane_backend_s3::resolve_credentials(explicit, opt("token"), opt("profile"))
            .map_err(|e| invalid("s3", e.to_string()))?;
    let config = terrane_backend_s3::S3Config {
        bucket: s.string("bucket", &[], ""),
        key: s.string("key", &[], ""),
        region,
        endpoint,
        use_path_style: s.bool("use_path_style", false) || s.bool("force_path_style", false),
        use_lockfile: s.bool("use_lockfile", false),
        encrypt: s.bool("encrypt", false),
        workspace_key_prefix: s.string("workspace_key_prefix", &[], "env:"),
        credentials,
    };
    terrane_backend_s3::S3Backend::new(config, codec)
        .map(|b| Arc::new(b) as Arc<dyn Backend>)
        .map_err(|e| invalid("s3", e.to_string()))
}
