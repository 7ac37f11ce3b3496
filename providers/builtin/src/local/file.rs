//! `local_file` and `local_sensitive_file`: a file with the given content and permissions, its
//! missing parent directories created. Every argument forces replacement; reading the file back
//! reports it gone when it is missing or its SHA-1 differs from the `id`, so the next plan rewrites it.

use super::{sha1_hex, with_checksum_attributes, with_checksums};
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::fs::{DirBuilder, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, attr_str, error};
use terrane_values::{Type, Value};

/// `local_file` or, with sensitive content, `local_sensitive_file`.
pub struct LocalFile {
    sensitive: bool,
}

impl LocalFile {
    pub fn plain() -> LocalFile {
        LocalFile { sensitive: false }
    }

    pub fn sensitive() -> LocalFile {
        LocalFile { sensitive: true }
    }

    /// The arguments that give the content, of which exactly one must be set.
    fn content_arguments(&self) -> &'static [&'static str] {
        if self.sensitive {
            &["content", "content_base64", "source"]
        } else {
            &["content", "sensitive_content", "content_base64", "source"]
        }
    }
}

/// Parses a permission in octal numeric notation (`"0644"`, `"755"`).
pub fn parse_mode(s: &str) -> Result<u32, String> {
    if s.len() < 3 || s.len() > 4 {
        return Err(format!(
            "bad mode permission: string length should be 3 or 4 digits: {s}"
        ));
    }
    match u32::from_str_radix(s, 8) {
        Ok(mode) if mode <= 0o777 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(mode),
        _ => Err(format!(
            "bad mode permission: string must be expressed in octal numeric notation: {s}"
        )),
    }
}

/// The bytes to write, from whichever content argument is set.
fn content_of(planned: &Value) -> Result<Vec<u8>, Diagnostics> {
    if let Some(s) = attr_str(planned, "sensitive_content") {
        return Ok(s.as_bytes().to_vec());
    }
    if let Some(b64) = attr_str(planned, "content_base64") {
        return STANDARD
            .decode(b64)
            .map_err(|e| error("Create local file error", format!("An unexpected error occurred while decoding `content_base64`.\n\nOriginal Error: {e}")));
    }
    if let Some(source) = attr_str(planned, "source") {
        return std::fs::read(source)
            .map_err(|e| error("Create local file error", format!("An unexpected error occurred while reading the source file {source:?}.\n\nOriginal Error: {e}")));
    }
    Ok(attr_str(planned, "content")
        .unwrap_or("")
        .as_bytes()
        .to_vec())
}

/// Writes `content` to `filename` as the provider does: parent directories created with
/// `dir_mode` when missing, the file created with `file_mode` (both before the umask) or truncated.
pub fn write_file(
    filename: &str,
    content: &[u8],
    file_mode: u32,
    dir_mode: u32,
) -> std::io::Result<()> {
    let dir = Path::new(filename)
        .parent()
        .filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir
        && std::fs::metadata(dir).is_err()
    {
        DirBuilder::new()
            .recursive(true)
            .mode(dir_mode)
            .create(dir)?;
    }
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(file_mode)
        .open(filename)?;
    f.write_all(content)
}

#[async_trait]
impl ResourceType for LocalFile {
    fn schema(&self) -> Schema {
        let content = |d: &str| {
            let a = Attribute::optional(Type::String).force_new().describe(d);
            if self.sensitive { a.sensitive() } else { a }
        };
        let permission = |d: &str| {
            Attribute::optional_computed(Type::String)
                .force_new()
                .describe(d)
        };
        let mut block = Block::default()
            .attr("filename", Attribute::required(Type::String).force_new().describe("The path to the file that will be created."))
            .attr("content", content("Content to store in the file, expected to be a UTF-8 encoded string."))
            .attr("content_base64", content("Content to store in the file, expected to be binary encoded as base64 string."))
            .attr("source", Attribute::optional(Type::String).force_new().describe("Path to file to use as source for the one we are creating."))
            .attr("file_permission", permission("Permissions to set for the output file (before umask), in numeric notation."))
            .attr("directory_permission", permission("Permissions to set for directories created (before umask), in numeric notation."))
            .attr("id", Attribute::computed(Type::String).describe("The hexadecimal encoding of the SHA1 checksum of the file content."));
        if !self.sensitive {
            block = block.attr(
                "sensitive_content",
                Attribute::optional(Type::String)
                    .force_new()
                    .sensitive()
                    .deprecated()
                    .describe("Sensitive content to store in the file. Deprecated."),
            );
        }
        Schema {
            version: 0,
            block: with_checksum_attributes(block),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let names = self.content_arguments();
        let set = names
            .iter()
            .filter(|n| {
                config
                    .get_attr(n)
                    .is_some_and(|v| !v.is_null() && v.is_known())
            })
            .count();
        let unknown = names
            .iter()
            .filter(|n| config.get_attr(n).is_some_and(|v| !v.is_known()))
            .count();
        let list = names.join(",");
        if set > 1 {
            diags.push(Diagnostic::error(
                "Invalid Attribute Combination",
                format!(
                    "{set} attributes specified when one (and only one) of [{list}] is required"
                ),
            ));
        } else if set == 0 && unknown == 0 {
            diags.push(Diagnostic::error(
                "Invalid Attribute Combination",
                format!("No attribute specified when one (and only one) of [{list}] is required"),
            ));
        }
        for name in ["file_permission", "directory_permission"] {
            if let Some(s) = attr_str(config, name)
                && let Err(e) = parse_mode(s)
            {
                diags.push(Diagnostic::error("Invalid File Permission String Value", e));
            }
        }
        if attr_str(config, "sensitive_content").is_some() {
            diags.push(Diagnostic::warning(
                "Attribute Deprecated",
                "Use the `local_sensitive_file` resource instead",
            ));
        }
        diags
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let content = content_of(planned)?;
        let filename = attr_str(planned, "filename").unwrap_or("");
        let mode = |name: &str, default: &str| {
            parse_mode(attr_str(planned, name).unwrap_or(default))
                .map_err(|e| error("Create local file error", e))
        };
        let default = if self.sensitive { "0700" } else { "0777" };
        let (file_mode, dir_mode) = (
            mode("file_permission", default)?,
            mode("directory_permission", default)?,
        );
        write_file(filename, &content, file_mode, dir_mode)
            .map_err(|e| error("Create local file error", format!("An unexpected error occurred while writing the file {filename:?}.\n\nOriginal Error: {e}")))?;
        Ok(with_checksums(planned, &content))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        let filename = attr_str(state, "filename").unwrap_or("");
        let content = match std::fs::read(filename) {
            Ok(c) => c,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(error(
                    "Read local file error",
                    format!(
                        "An unexpected error occurred while reading the file {filename:?}.\n\nOriginal Error: {e}"
                    ),
                ));
            }
        };
        if Some(sha1_hex(&content).as_str()) != attr_str(state, "id") {
            return Ok(None);
        }
        Ok(Some(state.clone()))
    }

    async fn delete(&self, state: &Value) -> Result<(), Diagnostics> {
        // As the provider does, a file that is already gone is not an error.
        let _ = std::fs::remove_file(attr_str(state, "filename").unwrap_or(""));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::FillDefaults;
    use std::os::unix::fs::PermissionsExt;

    /// A planned `local_file` with `attrs` set, defaults filled and computed values unknown.
    fn planned(r: &LocalFile, attrs: &[(&str, Value)]) -> Value {
        let schema = r.schema();
        let mut m: std::collections::BTreeMap<String, Value> = schema
            .block
            .attributes
            .iter()
            .map(|(k, a)| {
                (
                    k.clone(),
                    if a.computed && !a.optional {
                        Value::unknown(a.ty.clone())
                    } else {
                        Value::null(a.ty.clone())
                    },
                )
            })
            .collect();
        for (k, v) in attrs {
            m.insert(k.to_string(), v.clone());
        }
        let fill: FillDefaults = if r.sensitive {
            super::super::sensitive_file_defaults
        } else {
            super::super::file_defaults
        };
        fill(&Value::object(m)).unwrap()
    }

    fn mode_of(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn create_writes_content_permissions_and_parent_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b/hello.txt");
        let filename = Value::string(path.to_str().unwrap());
        let v = planned(
            &LocalFile::plain(),
            &[
                ("filename", filename),
                ("content", Value::string("hello")),
                ("file_permission", Value::string("0600")),
            ],
        );
        let state = LocalFile::plain().create(&v).await.unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
        assert_eq!(mode_of(&path), 0o600);
        assert!(tmp.path().join("a/b").is_dir());
        assert_eq!(
            state.get_attr("id"),
            Some(&Value::string("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"))
        );
        assert_eq!(
            state.get_attr("content_md5"),
            Some(&Value::string("5d41402abc4b2a76b9719d911017c592"))
        );
        assert!(state.is_wholly_known());
    }

    #[tokio::test]
    async fn default_permissions_are_subject_to_the_umask() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        let v = planned(
            &LocalFile::sensitive(),
            &[
                ("filename", Value::string(path.to_str().unwrap())),
                ("content", Value::string("s")),
            ],
        );
        assert_eq!(v.get_attr("file_permission"), Some(&Value::string("0700")));
        LocalFile::sensitive().create(&v).await.unwrap();
        assert_eq!(mode_of(&path) & !0o700, 0, "no more than 0700");
        let plain = planned(&LocalFile::plain(), &[]);
        assert_eq!(
            plain.get_attr("file_permission"),
            Some(&Value::string("0777"))
        );
        assert_eq!(
            plain.get_attr("directory_permission"),
            Some(&Value::string("0777"))
        );
    }

    #[tokio::test]
    async fn content_base64_and_source_are_written_as_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("bin");
        let v = planned(
            &LocalFile::plain(),
            &[
                ("filename", Value::string(out.to_str().unwrap())),
                ("content_base64", Value::string("AAH/")),
            ],
        );
        LocalFile::plain().create(&v).await.unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), [0u8, 1, 255]);
        let copy = tmp.path().join("copy");
        let v = planned(
            &LocalFile::plain(),
            &[
                ("filename", Value::string(copy.to_str().unwrap())),
                ("source", Value::string(out.to_str().unwrap())),
            ],
        );
        let state = LocalFile::plain().create(&v).await.unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), [0u8, 1, 255]);
        assert_eq!(
            state.get_attr("id"),
            Some(&Value::string(sha1_hex(&[0, 1, 255])))
        );
    }

    #[tokio::test]
    async fn read_reports_a_deleted_or_modified_file_as_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.txt");
        let v = planned(
            &LocalFile::plain(),
            &[
                ("filename", Value::string(path.to_str().unwrap())),
                ("content", Value::string("x")),
            ],
        );
        let state = LocalFile::plain().create(&v).await.unwrap();
        assert_eq!(
            LocalFile::plain().read(&state).await.unwrap(),
            Some(state.clone())
        );
        std::fs::write(&path, "changed").unwrap();
        assert_eq!(LocalFile::plain().read(&state).await.unwrap(), None);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(LocalFile::plain().read(&state).await.unwrap(), None);
        LocalFile::plain().delete(&state).await.unwrap();
    }

    #[tokio::test]
    async fn delete_removes_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.txt");
        let v = planned(
            &LocalFile::plain(),
            &[
                ("filename", Value::string(path.to_str().unwrap())),
                ("content", Value::string("x")),
            ],
        );
        let state = LocalFile::plain().create(&v).await.unwrap();
        LocalFile::plain().delete(&state).await.unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn exactly_one_content_argument() {
        let r = LocalFile::plain();
        let cfg = |attrs: &[(&str, Value)]| {
            planned(&r, &[&[("filename", Value::string("f"))], attrs].concat())
        };
        assert!(
            !r.validate(&cfg(&[("content", Value::string("a"))]))
                .has_errors()
        );
        assert!(r.validate(&cfg(&[])).has_errors());
        assert!(
            r.validate(&cfg(&[
                ("content", Value::string("a")),
                ("source", Value::string("b"))
            ]))
            .has_errors()
        );
        assert!(
            !r.validate(&cfg(&[("content", Value::unknown(Type::String))]))
                .has_errors()
        );
        let s = LocalFile::sensitive();
        assert!(
            !s.schema()
                .block
                .attributes
                .contains_key("sensitive_content")
        );
        assert!(s.schema().block.attributes["content"].sensitive);
    }

    #[test]
    fn permissions_must_be_octal_of_three_or_four_digits() {
        assert_eq!(parse_mode("0644"), Ok(0o644));
        assert_eq!(parse_mode("755"), Ok(0o755));
        assert!(parse_mode("0888").is_err());
        assert!(parse_mode("07777").is_err());
        assert!(parse_mode("1777").is_err());
        assert!(parse_mode("64").is_err());
        assert!(parse_mode("+644").is_err());
    }

    #[test]
    fn every_argument_forces_replacement() {
        for r in [LocalFile::plain(), LocalFile::sensitive()] {
            for (name, a) in r.schema().block.attributes {
                assert_eq!(a.force_new, a.optional || a.required, "{name}");
            }
        }
    }
}
