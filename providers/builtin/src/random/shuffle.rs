//! `random_shuffle`: `result_count` elements of `input` in random order, taken from successive
//! permutations when more are asked for than there are, exactly as Go's `rand.Perm` orders them for
//! a given `seed`.

use super::gorand::GoRand;
use super::{int_attr, keepers, relax_keepers, str_attr};
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, error, with_attr};
use terrane_values::{Path, Type, Value};

pub struct RandomShuffle;

/// Picks `count` elements of `input` (all of them when `count` is 0).
fn shuffle(input: &[Value], count: usize, seed: &str) -> Vec<Value> {
    let count = if count == 0 { input.len() } else { count };
    let mut out = Vec::with_capacity(count);
    if input.is_empty() {
        return out;
    }
    let mut rng = GoRand::from_seed_string(seed);
    while out.len() < count {
        for i in rng.perm(input.len()) {
            out.push(input[i].clone());
            if out.len() >= count {
                break;
            }
        }
    }
    out
}

#[async_trait]
impl ResourceType for RandomShuffle {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("keepers", keepers())
                .attr(
                    "seed",
                    Attribute::optional(Type::String).force_new().describe(
                        "Arbitrary string with which to seed the random number generator.",
                    ),
                )
                .attr(
                    "input",
                    Attribute::required(Type::list(Type::String))
                        .force_new()
                        .describe("The list of strings to shuffle."),
                )
                .attr(
                    "result_count",
                    Attribute::optional(Type::Number)
                        .force_new()
                        .describe("The number of results to return."),
                )
                .attr(
                    "result",
                    Attribute::computed(Type::list(Type::String))
                        .describe("Random permutation of the list of strings given in `input`."),
                )
                .attr(
                    "id",
                    Attribute::computed(Type::String)
                        .describe("A static value used internally by Terraform."),
                ),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        match int_attr(config, "result_count") {
            Some(n) if n < 0 => error(
                "Invalid Attribute Value",
                format!("Attribute result_count value must be at least 0, got: {n}"),
            ),
            _ => Diagnostics::new(),
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
        let input = planned
            .get_attr("input")
            .and_then(Value::as_seq)
            .unwrap_or(&[]);
        let count = int_attr(planned, "result_count").unwrap_or(0).max(0) as usize;
        let result = shuffle(input, count, str_attr(planned, "seed"));
        let v = with_attr(planned, "result", Value::list(Type::String, result));
        Ok(with_attr(&v, "id", Value::string("-")))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<Value> {
        items.iter().map(Value::string).collect()
    }

    #[test]
    fn seeded_permutations_match_terraform() {
        // The random provider's own acceptance tests expect these.
        let input = strings(&["a", "b", "c", "d", "e"]);
        assert_eq!(shuffle(&input, 0, "-"), strings(&["a", "c", "b", "e", "d"]));
        assert_eq!(shuffle(&input, 3, "-"), strings(&["a", "c", "b"]));
        assert_eq!(
            shuffle(&input, 12, "-"),
            strings(&["a", "c", "b", "e", "d", "a", "e", "d", "c", "b", "a", "b"])
        );
        assert_eq!(shuffle(&strings(&["a"]), 1, "-"), strings(&["a"]));
        assert!(shuffle(&[], 12, "-").is_empty());
    }

    #[test]
    fn unseeded_shuffle_keeps_the_elements() {
        let input = strings(&["a", "b", "c", "d", "e", "f"]);
        let mut out: Vec<String> = shuffle(&input, 0, "")
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        out.sort();
        assert_eq!(out, ["a", "b", "c", "d", "e", "f"]);
    }
}
