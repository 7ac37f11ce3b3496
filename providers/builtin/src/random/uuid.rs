//! `random_uuid`: 16 random bytes in the 8-4-4-4-12 hexadecimal layout of a UUID.
//!
//! Like hashicorp/go-uuid, which the provider uses, no version or variant bits are set: every one
//! of the 128 bits is random.

use super::{keepers, relax_keepers};
use async_trait::async_trait;
use rand::RngCore;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, error, with_attr};
use terrane_values::{Path, Type, Value};

pub struct RandomUuid;

fn format_uuid(b: &[u8; 16]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Whether `s` has the layout of a UUID.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[async_trait]
impl ResourceType for RandomUuid {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("keepers", keepers())
                .attr(
                    "result",
                    Attribute::computed(Type::String)
                        .describe("The generated uuid presented in string format."),
                )
                .attr(
                    "id",
                    Attribute::computed(Type::String)
                        .describe("The generated uuid presented in string format."),
                ),
        }
    }

    fn customize_plan(
        &self,
        prior: &Value,
        planned: &mut Value,
        requires_replace: &mut Vec<Path>,
    ) -> Diagnostics {
        relax_keepers(prior, planned, requires_replace);
        Diagnostics::new()
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let mut b = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut b);
        let uuid = Value::string(format_uuid(&b));
        Ok(with_attr(
            &with_attr(planned, "result", uuid.clone()),
            "id",
            uuid,
        ))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        if !is_uuid(id) {
            return Err(error(
                "Import Random UUID Error",
                format!("The uuid {id:?} that was supplied could not be parsed."),
            ));
        }
        Ok(Value::object_from([
            ("keepers", Value::null(Type::map(Type::String))),
            ("result", Value::string(id)),
            ("id", Value::string(id)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn create_gives_a_uuid_as_result_and_id() {
        let planned = Value::object_from([
            ("keepers", Value::null(Type::map(Type::String))),
            ("result", Value::unknown(Type::String)),
            ("id", Value::unknown(Type::String)),
        ]);
        let v = RandomUuid.create(&planned).await.unwrap();
        let s = v.get_attr("result").and_then(Value::as_str).unwrap();
        assert!(is_uuid(s), "{s}");
        assert_eq!(v.get_attr("id"), v.get_attr("result"));
    }

    #[tokio::test]
    async fn import_checks_the_layout() {
        assert!(
            RandomUuid
                .import("6b9b1e3a-1111-2222-3333-444455556666")
                .await
                .is_ok()
        );
        assert!(RandomUuid.import("not-a-uuid").await.is_err());
    }
}
