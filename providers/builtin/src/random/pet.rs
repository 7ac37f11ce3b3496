//! `random_pet`: a name of `length` words (`adverb… adjective name`) joined by `separator`, behind an
//! optional prefix.

use super::pet_words::{ADJECTIVES, ADVERBS, NAMES};
use super::{int_attr, keepers, relax_keepers, str_attr};
use crate::defaults::fill;
use async_trait::async_trait;
use rand::Rng;
use rand::seq::SliceRandom;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, with_attr};
use terrane_values::{Path, Type, Value};

pub struct RandomPet;

/// `length` defaults to 2, `separator` to `-`.
pub fn fill_defaults(config: &Value) -> Result<Value, Diagnostics> {
    Ok(fill(
        config,
        &[("length", Value::int(2)), ("separator", Value::string("-"))],
    ))
}

/// A pet name of `words` words: one name; an adjective and a name; or adverbs before those.
fn pet_name(words: usize, separator: &str, rng: &mut impl Rng) -> String {
    let pick = |list: &[&'static str], rng: &mut dyn rand::RngCore| {
        *list.choose(rng).expect("non-empty word list")
    };
    let mut parts: Vec<&str> = Vec::with_capacity(words);
    match words {
        0 => {}
        1 => parts.push(pick(NAMES, rng)),
        n => {
            for _ in 0..n - 2 {
                parts.push(pick(ADVERBS, rng));
            }
            parts.push(pick(ADJECTIVES, rng));
            parts.push(pick(NAMES, rng));
        }
    }
    parts.join(separator)
}

#[async_trait]
impl ResourceType for RandomPet {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("keepers", keepers())
                .attr(
                    "length",
                    Attribute::optional_computed(Type::Number)
                        .force_new()
                        .describe("The length (in words) of the pet name. Defaults to 2"),
                )
                .attr(
                    "prefix",
                    Attribute::optional(Type::String)
                        .force_new()
                        .describe("A string to prefix the name with."),
                )
                .attr(
                    "separator",
                    Attribute::optional_computed(Type::String)
                        .force_new()
                        .describe(
                            "The character to separate words in the pet name. Defaults to \"-\"",
                        ),
                )
                .attr(
                    "id",
                    Attribute::computed(Type::String).describe("The random pet name."),
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
        let words = int_attr(planned, "length").unwrap_or(2).max(0) as usize;
        let separator = str_attr(planned, "separator");
        let mut name = pet_name(words, separator, &mut rand::thread_rng());
        let prefix = str_attr(planned, "prefix");
        if !prefix.is_empty() {
            name = format!("{prefix}{separator}{name}");
        }
        Ok(with_attr(planned, "id", Value::string(name)))
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

    #[test]
    fn names_have_the_asked_number_of_words() {
        let mut rng = rand::thread_rng();
        assert_eq!(pet_name(0, "-", &mut rng), "");
        assert!(NAMES.contains(&pet_name(1, "-", &mut rng).as_str()));
        let two = pet_name(2, "-", &mut rng);
        let (adjective, name) = two.split_once('-').unwrap();
        assert!(
            ADJECTIVES.contains(&adjective) && NAMES.contains(&name),
            "{two}"
        );
        let four = pet_name(4, "_", &mut rng);
        let words: Vec<&str> = four.split('_').collect();
        assert_eq!(words.len(), 4);
        assert!(ADVERBS.contains(&words[0]) && ADVERBS.contains(&words[1]));
    }

    #[test]
    fn word_lists_are_lowercase_single_words() {
        for w in ADVERBS.iter().chain(ADJECTIVES).chain(NAMES) {
            assert!(w.chars().all(|c| c.is_ascii_lowercase()), "{w}");
        }
    }

    #[tokio::test]
    async fn prefix_goes_before_the_separator() {
        let planned = fill_defaults(&Value::object_from([
            ("keepers", Value::null(Type::map(Type::String))),
            ("prefix", Value::string("web")),
            ("id", Value::unknown(Type::String)),
        ]))
        .unwrap();
        let v = RandomPet.create(&planned).await.unwrap();
        let id = v.get_attr("id").and_then(Value::as_str).unwrap();
        assert_eq!(id.split('-').count(), 3);
        assert!(id.starts_with("web-"), "{id}");
    }
}
