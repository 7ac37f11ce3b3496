//! The built-in `terraform` provider: `terraform_data`, a resource that stores a value and can be
//! replaced on demand.

use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, SdkProvider, with_attr};
use terrane_values::{Path, Type, Value};

/// The `terraform` provider.
pub fn provider() -> SdkProvider {
    SdkProvider::new().resource("terraform_data", TerraformData)
}

struct TerraformData;

fn output_for(input: &Value) -> Value {
    if input.is_null() {
        Value::null(input.ty())
    } else {
        Value::unknown(input.ty())
    }
}

#[async_trait]
impl ResourceType for TerraformData {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("id", Attribute::computed(Type::String))
                .attr(
                    "input",
                    Attribute::optional(Type::Dynamic)
                        .describe("A value to store; its change updates `output`."),
                )
                .attr(
                    "output",
                    Attribute::computed(Type::Dynamic).describe("The stored `input`."),
                )
                .attr(
                    "triggers_replace",
                    Attribute::optional(Type::Dynamic)
                        .force_new()
                        .describe("A value whose change replaces the resource."),
                ),
        }
    }

    fn customize_plan(
        &self,
        prior: &Value,
        planned: &mut Value,
        requires_replace: &mut Vec<Path>,
    ) -> Diagnostics {
        let input = planned.get_attr("input").cloned().unwrap_or_default();
        let trigger = planned
            .get_attr("triggers_replace")
            .cloned()
            .unwrap_or_default();
        if prior.is_null() {
            *planned = with_attr(planned, "id", Value::unknown(Type::String));
            *planned = with_attr(planned, "output", output_for(&input));
            return Diagnostics::new();
        }
        requires_replace.clear();
        let prior_trigger = prior
            .get_attr("triggers_replace")
            .cloned()
            .unwrap_or_default();
        if !prior_trigger.raw_equals(&trigger) {
            requires_replace.push(Path::root().attr("triggers_replace"));
            *planned = with_attr(planned, "id", Value::unknown(Type::String));
            *planned = with_attr(planned, "output", output_for(&input));
        } else if !prior
            .get_attr("input")
            .is_some_and(|p| p.raw_equals(&input))
        {
            *planned = with_attr(planned, "output", Value::unknown(input.ty()));
        } else {
            *planned = with_attr(
                planned,
                "output",
                prior.get_attr("output").cloned().unwrap_or_default(),
            );
            *planned = with_attr(
                planned,
                "id",
                prior.get_attr("id").cloned().unwrap_or_default(),
            );
        }
        Diagnostics::new()
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let v = with_attr(planned, "id", Value::string(crate::rng::uuid_v4()));
        let input = v.get_attr("input").cloned().unwrap_or_default();
        Ok(with_attr(&v, "output", input))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn update(&self, _prior: &Value, planned: &Value) -> Result<Value, Diagnostics> {
        let input = planned.get_attr("input").cloned().unwrap_or_default();
        Ok(with_attr(planned, "output", input))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }
}
