//! `data "local_file"` and `data "local_sensitive_file"`: a file's content (as UTF-8 text and as
//! base64), its checksums, and its SHA-1 as `id`.

use super::with_checksums;
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{DataSourceType, attr_str, error};
use terrane_values::{Type, Value};

/// The `local_file` data source, or `local_sensitive_file` whose content attributes are sensitive.
pub struct LocalFileData {
    pub sensitive: bool,
}

#[async_trait]
impl DataSourceType for LocalFileData {
    fn schema(&self) -> Schema {
        let content = |d: &str| {
            let a = Attribute::computed(Type::String).describe(d);
            if self.sensitive { a.sensitive() } else { a }
        };
        let block = Block::default()
            .attr(
                "filename",
                Attribute::required(Type::String).describe("Path to the file that will be read."),
            )
            .attr(
                "content",
                content("Raw content of the file that was read, as UTF-8 encoded string."),
            )
            .attr(
                "content_base64",
                content("Base64 encoded version of the file content."),
            )
            .attr(
                "id",
                Attribute::computed(Type::String)
                    .describe("The hexadecimal encoding of the SHA1 checksum of the file content."),
            );
        Schema {
            version: 0,
            block: super::with_checksum_attributes(block),
        }
    }

    async fn read(&self, config: &Value) -> Result<Value, Diagnostics> {
        let filename = attr_str(config, "filename").unwrap_or("");
        let bytes = std::fs::read(filename).map_err(|e| {
            error(
                "Read local file data source error",
                format!("The file at given path cannot be read.\n\nOriginal Error: {e}"),
            )
        })?;
        let v = Value::object_from([
            ("filename", Value::string(filename)),
            ("content", Value::string(String::from_utf8_lossy(&bytes))),
            ("content_base64", Value::string(STANDARD.encode(&bytes))),
        ]);
        Ok(with_checksums(&v, &bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_content_and_checksums() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        std::fs::write(&path, "hello").unwrap();
        let config = Value::object_from([("filename", Value::string(path.to_str().unwrap()))]);
        let v = LocalFileData { sensitive: false }
            .read(&config)
            .await
            .unwrap();
        assert_eq!(v.get_attr("content"), Some(&Value::string("hello")));
        assert_eq!(
            v.get_attr("content_base64"),
            Some(&Value::string("aGVsbG8="))
        );
        assert_eq!(
            v.get_attr("id"),
            Some(&Value::string("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"))
        );
        let schema = LocalFileData { sensitive: false }.schema();
        assert_eq!(v.ty(), schema.block.implied_type());
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error() {
        let config = Value::object_from([("filename", Value::string("/nonexistent/terrane/file"))]);
        assert!(
            LocalFileData { sensitive: true }
                .read(&config)
                .await
                .is_err()
        );
    }

    #[test]
    fn sensitive_variant_marks_the_content() {
        let schema = LocalFileData { sensitive: true }.schema();
        assert!(
            schema.block.attributes["content"].sensitive
                && schema.block.attributes["content_base64"].sensitive
        );
        assert!(!LocalFileData { sensitive: false }.schema().block.attributes["content"].sensitive);
    }
}
