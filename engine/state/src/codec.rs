//! Terraform's v4 JSON as the document format of backends that keep the whole state in one document
//! (the local `terraform.tfstate` file, an S3 object).

use crate::entries::{from_snapshot, to_snapshot};
use crate::v4::{from_v4, to_v4_text};
use terrane_state_api::document::SnapshotCodec;
use terrane_state_api::{Snapshot, StateError};

/// Encodes snapshots as `terraform.tfstate` text and reads them back.
#[derive(Clone, Copy, Debug, Default)]
pub struct V4Codec;

impl SnapshotCodec for V4Codec {
    fn encode(&self, snapshot: &Snapshot) -> Result<Vec<u8>, StateError> {
        let state = from_snapshot(snapshot).map_err(|e| StateError::Corrupt(e.to_string()))?;
        Ok(to_v4_text(&state).into_bytes())
    }

    fn decode(&self, data: &[u8]) -> Result<Snapshot, StateError> {
        let text = std::str::from_utf8(data)
            .map_err(|_| StateError::Corrupt("the state file is not UTF-8 text".into()))?;
        let state = from_v4(text).map_err(|e| StateError::Corrupt(e.to_string()))?;
        Ok(to_snapshot(&state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_terraform_and_opentofu_state_files() {
        let text = r#"{
  "version": 4,
  "terraform_version": "1.8.0",
  "serial": 9,
  "lineage": "abc",
  "outputs": {"o": {"value": "v", "type": "string"}},
  "resources": [
    {"mode": "managed", "type": "null_resource", "name": "a",
     "provider": "provider[\"registry.opentofu.org/hashicorp/null\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "1", "triggers": null},
                    "sensitive_attributes": [], "identity_schema_version": 0}]}
  ],
  "check_results": null
}"#;
        let snap = V4Codec.decode(text.as_bytes()).unwrap();
        assert_eq!((snap.serial, snap.lineage.as_str()), (9, "abc"));
        assert_eq!(snap.entries.len(), 2);
        let back = String::from_utf8(V4Codec.encode(&snap).unwrap()).unwrap();
        assert!(
            back.contains("registry.opentofu.org/hashicorp/null"),
            "{back}"
        );
        assert!(back.contains("\"serial\": 9"));
    }

    #[test]
    fn damaged_files_are_errors() {
        for bad in [
            "{\"version\": 4, \"serial\": 1, \"resources\": [",
            "{\"version\": 7}",
            "{\"version\": 4, \"resources\": [{\"mode\": \"managed\"}]}",
            "\u{0}\u{1}",
        ] {
            assert!(V4Codec.decode(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
