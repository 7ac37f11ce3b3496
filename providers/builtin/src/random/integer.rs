//! `random_integer`: an integer in `[min, max]`, drawn as Go's `rand.Intn(max+1-min) + min` from a
//! generator seeded by `seed` (or randomly), so a seeded result matches Terraform's.

use super::gorand::GoRand;
use super::{int_attr, keepers, relax_keepers, str_attr};
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, error, with_attr};
use terrane_values::{Path, Type, Value};

pub struct RandomInteger;

/// Draws the integer for `seed` in `[min, max]`.
fn draw(min: i64, max: i64, seed: &str) -> Result<i64, Diagnostics> {
    if max < min {
        return Err(error(
            "Create Random Integer Error",
            "The minimum (min) value needs to be smaller than or equal to maximum (max) value.",
        ));
    }
    let span = max.wrapping_add(1).wrapping_sub(min);
    if span <= 0 {
        return Err(error(
            "Create Random Integer Error",
            "The range from min to max is too large to draw from.",
        ));
    }
    Ok(GoRand::from_seed_string(seed).intn(span).wrapping_add(min))
}

#[async_trait]
impl ResourceType for RandomInteger {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("keepers", keepers())
                .attr(
                    "min",
                    Attribute::required(Type::Number)
                        .force_new()
                        .describe("The minimum inclusive value of the range."),
                )
                .attr(
                    "max",
                    Attribute::required(Type::Number)
                        .force_new()
                        .describe("The maximum inclusive value of the range."),
                )
                .attr(
                    "seed",
                    Attribute::optional(Type::String)
                        .force_new()
                        .describe("A custom seed to always produce the same value."),
                )
                .attr(
                    "result",
                    Attribute::computed(Type::Number).describe("The random integer result."),
                )
                .attr(
                    "id",
                    Attribute::computed(Type::String)
                        .describe("The string representation of the integer result."),
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
        let min = int_attr(planned, "min").unwrap_or(0);
        let max = int_attr(planned, "max").unwrap_or(0);
        let n = draw(min, max, str_attr(planned, "seed"))?;
        Ok(with_attr(
            &with_attr(planned, "result", Value::int(n)),
            "id",
            Value::string(n.to_string()),
        ))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 3 && parts.len() != 4 {
            return Err(error(
                "Import Random Integer Error",
                "Invalid import usage: expecting {result},{min},{max} or {result},{min},{max},{seed}",
            ));
        }
        let parse = |s: &str, what: &str| {
            s.parse::<i64>().map_err(|e| {
                error("Import Random Integer Error", format!("The {what} supplied could not be parsed as an integer.\n\nOriginal Error: {e}"))
            })
        };
        let result = parse(parts[0], "value")?;
        let min = parse(parts[1], "min value")?;
        let max = parse(parts[2], "max value")?;
        let seed = parts
            .get(3)
            .map(Value::string)
            .unwrap_or_else(|| Value::null(Type::String));
        Ok(Value::object_from([
            ("keepers", Value::map(Type::String, Default::default())),
            ("min", Value::int(min)),
            ("max", Value::int(max)),
            ("seed", seed),
            ("result", Value::int(result)),
            ("id", Value::string(parts[0])),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_results_match_terraform() {
        // The random provider's own acceptance tests expect these.
        assert_eq!(draw(1, 3, "12345").unwrap(), 3);
        assert_eq!(draw(1, 3, "123456").unwrap(), 2);
    }

    #[test]
    fn unseeded_results_stay_in_range() {
        for _ in 0..200 {
            let n = draw(-5, 5, "").unwrap();
            assert!((-5..=5).contains(&n));
        }
        assert_eq!(draw(7, 7, "").unwrap(), 7);
        let big = draw(7227701560655103597, 7227701560655103598, "12345").unwrap();
        assert!((7227701560655103597..=7227701560655103598).contains(&big));
    }

    #[test]
    fn max_below_min_is_an_error() {
        assert!(draw(3, 1, "").is_err());
    }

    #[tokio::test]
    async fn import_reads_result_min_max_and_seed() {
        let v = RandomInteger.import("3,1,3,12345").await.unwrap();
        assert_eq!(v.get_attr("result"), Some(&Value::int(3)));
        assert_eq!(v.get_attr("seed"), Some(&Value::string("12345")));
        assert!(RandomInteger.import("3,1").await.is_err());
    }
}
