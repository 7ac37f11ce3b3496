//! `data "null_data_source"`: outputs equal to its inputs (deprecated in Terraform, still used).

use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{DataSourceType, attr};
use terrane_values::{Type, Value};

pub struct NullDataSource;

#[async_trait]
impl DataSourceType for NullDataSource {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("inputs", Attribute::optional(Type::map(Type::String)))
                .attr("outputs", Attribute::computed(Type::map(Type::String)))
                .attr("random", Attribute::computed(Type::String))
                .attr(
                    "has_computed_default",
                    Attribute::optional_computed(Type::String),
                )
                .attr("id", Attribute::computed(Type::String)),
        }
    }

    async fn read(&self, config: &Value) -> Result<Value, Diagnostics> {
        let inputs = config
            .get_attr("inputs")
            .cloned()
            .unwrap_or_else(|| Value::null(Type::map(Type::String)));
        let outputs = if inputs.is_null() {
            Value::map(Type::String, Default::default())
        } else {
            inputs.clone()
        };
        let default = attr(config, "has_computed_default")
            .cloned()
            .unwrap_or_else(|| Value::string("default"));
        Ok(Value::object_from([
            ("inputs", inputs),
            ("outputs", outputs),
            ("random", Value::string(crate::rng::int63().to_string())),
            ("has_computed_default", default),
            ("id", Value::string("static")),
        ]))
    }
}
