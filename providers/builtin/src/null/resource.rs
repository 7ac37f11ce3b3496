//! `null_resource`: an id, replaced whenever `triggers` change.

use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, with_attr};
use terrane_values::{Type, Value};

pub struct NullResource;

#[async_trait]
impl ResourceType for NullResource {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr(
                    "id",
                    Attribute::computed(Type::String)
                        .describe("A random number chosen when the resource is created."),
                )
                .attr(
                    "triggers",
                    Attribute::optional(Type::map(Type::String))
                        .force_new()
                        .describe("Values whose change replaces the resource."),
                ),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        Ok(with_attr(
            planned,
            "id",
            Value::string(crate::rng::int63().to_string()),
        ))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        Ok(Value::object_from([
            ("id", Value::string(id)),
            ("triggers", Value::null(Type::map(Type::String))),
        ]))
    }
}
