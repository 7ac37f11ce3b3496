//! `random_string` and `random_password`: a random string of `length` characters drawn from the
//! enabled character classes, with at least `min_*` characters of each class.
//!
//! The two differ only in that a password's `result` (and its `bcrypt_hash`) are sensitive and its
//! `id` is the constant `"none"`, where a string's `id` is the string itself.

use super::charset::{Params, generate};
use super::{int_attr, keepers, relax_keepers, relax_replacement};
use crate::defaults::fill;
use async_trait::async_trait;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, error, with_attr};
use terrane_values::{Path, Type, Value};

const MINIMUMS: [&str; 4] = ["min_upper", "min_lower", "min_numeric", "min_special"];

/// Fills in the defaults of the flags and minimums, and keeps the deprecated `number` and its
/// successor `numeric` equal.
pub fn fill_defaults(config: &Value) -> Result<Value, Diagnostics> {
    let t = Value::bool(true);
    let zero = Value::int(0);
    let filled = fill(
        config,
        &[
            ("special", t.clone()),
            ("upper", t.clone()),
            ("lower", t.clone()),
            ("min_numeric", zero.clone()),
            ("min_upper", zero.clone()),
            ("min_lower", zero.clone()),
            ("min_special", zero),
        ],
    );
    let null = Value::null(Type::Bool);
    let number = config.get_attr("number").unwrap_or(&null).clone();
    let numeric = config.get_attr("numeric").unwrap_or(&null).clone();
    let (number, numeric) = match (number.is_null(), numeric.is_null()) {
        (true, true) => (t.clone(), t),
        (true, false) => (numeric.clone(), numeric),
        (false, true) => (number.clone(), number),
        (false, false) => {
            if number.is_known() && numeric.is_known() && number.as_bool() != numeric.as_bool() {
                return Err(error(
                    "Number and numeric are both configured with different values",
                    "Number is deprecated, use numeric instead",
                ));
            }
            (number, numeric)
        }
    };
    Ok(with_attr(
        &with_attr(&filled, "number", number),
        "numeric",
        numeric,
    ))
}

/// `random_string` or `random_password`.
pub struct RandomString {
    password: bool,
}

impl RandomString {
    pub fn string() -> RandomString {
        RandomString { password: false }
    }

    pub fn password() -> RandomString {
        RandomString { password: true }
    }

    /// The state of an imported `result`, with every argument at its default.
    fn imported(&self, result: &str) -> Result<Value, Diagnostics> {
        let t = Value::bool(true);
        let zero = Value::int(0);
        let mut attrs = vec![
            ("keepers", Value::null(Type::map(Type::String))),
            ("length", Value::int(result.chars().count() as i64)),
            ("special", t.clone()),
            ("upper", t.clone()),
            ("lower", t.clone()),
            ("number", t.clone()),
            ("numeric", t),
            ("min_numeric", zero.clone()),
            ("min_upper", zero.clone()),
            ("min_lower", zero.clone()),
            ("min_special", zero),
            ("override_special", Value::null(Type::String)),
            ("result", Value::string(result)),
            (
                "id",
                Value::string(if self.password { "none" } else { result }),
            ),
        ];
        if self.password {
            attrs.push(("bcrypt_hash", Value::string(bcrypt_hash(result)?)));
        }
        Ok(Value::object_from(attrs))
    }
}

/// Go's `bcrypt.DefaultCost` (the Rust crate's default is higher).
const BCRYPT_COST: u32 = 10;

/// A bcrypt hash (`$2a$`, cost 10) of the first 72 bytes of `s`, as the provider computes it.
fn bcrypt_hash(s: &str) -> Result<String, Diagnostics> {
    let bytes = &s.as_bytes()[..s.len().min(72)];
    bcrypt::hash_with_result(bytes, BCRYPT_COST)
        .map(|h| h.format_for_version(bcrypt::Version::TwoA))
        .map_err(|e| {
            error(
                "Hash Generation Error",
                format!("There was an error generating the bcrypt hash.\n\nOriginal Error: {e}"),
            )
        })
}

/// An `override_special` change from `""` to null does not replace.
fn override_special_replaces(prior: &Value, planned: &Value) -> bool {
    !(prior.as_str() == Some("") && planned.is_null())
}

#[async_trait]
impl ResourceType for RandomString {
    fn schema(&self) -> Schema {
        let flag = |d: &str| {
            Attribute::optional_computed(Type::Bool)
                .force_new()
                .describe(d)
        };
        let min = |d: &str| {
            Attribute::optional_computed(Type::Number)
                .force_new()
                .describe(d)
        };
        let mut result = Attribute::computed(Type::String).describe("The generated random string.");
        let mut block = Block::default()
            .attr("keepers", keepers())
            .attr("length", Attribute::required(Type::Number).force_new().describe("The length of the string desired."))
            .attr("special", flag("Include special characters in the result. Default value is `true`."))
            .attr("upper", flag("Include uppercase alphabet characters in the result. Default value is `true`."))
            .attr("lower", flag("Include lowercase alphabet characters in the result. Default value is `true`."))
            .attr("numeric", flag("Include numeric characters in the result. Default value is `true`."))
            .attr("number", flag("Include numeric characters in the result. Deprecated: use `numeric`.").deprecated())
            .attr("min_numeric", min("Minimum number of numeric characters in the result. Default value is `0`."))
            .attr("min_upper", min("Minimum number of uppercase alphabet characters in the result. Default value is `0`."))
            .attr("min_lower", min("Minimum number of lowercase alphabet characters in the result. Default value is `0`."))
            .attr("min_special", min("Minimum number of special characters in the result. Default value is `0`."))
            .attr(
                "override_special",
                Attribute::optional(Type::String).force_new().describe("Supply your own list of special characters to use for string generation."),
            );
        if self.password {
            result = result.sensitive();
            block = block
                .attr(
                    "bcrypt_hash",
                    Attribute::computed(Type::String)
                        .sensitive()
                        .describe("A bcrypt hash of the generated random string."),
                )
                .attr(
                    "id",
                    Attribute::computed(Type::String)
                        .describe("A static value used internally by Terraform."),
                );
        } else {
            block = block.attr(
                "id",
                Attribute::computed(Type::String).describe("The generated random string."),
            );
        }
        Schema {
            version: if self.password { 3 } else { 2 },
            block: block.attr("result", result),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let invalid = |detail: String| Diagnostic::error("Invalid Attribute Value", detail);
        let length = int_attr(config, "length");
        if let Some(n) = length
            && n < 1
        {
            diags.push(invalid(format!(
                "Attribute length value must be at least 1, got: {n}"
            )));
        }
        for name in MINIMUMS {
            if let Some(n) = int_attr(config, name)
                && n < 0
            {
                diags.push(invalid(format!(
                    "Attribute {name} value must be at least 0, got: {n}"
                )));
            }
        }
        let known_minimums = MINIMUMS
            .iter()
            .all(|name| config.get_attr(name).is_none_or(Value::is_known));
        let sum: i64 = MINIMUMS
            .iter()
            .filter_map(|name| int_attr(config, name))
            .sum();
        if let Some(n) = length
            && known_minimums
            && n < sum
        {
            diags.push(invalid(format!(
                "Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special ({sum}), got: {n}"
            )));
        }
        if terrane_provider_sdk::attr(config, "number").is_some_and(Value::is_known) {
            diags.push(Diagnostic::warning(
                "Attribute Deprecated",
                "**NOTE**: This is deprecated, use `numeric` instead.",
            ));
        }
        diags
    }

    fn customize_plan(
        &self,
        prior: &Value,
        planned: &mut Value,
        requires_replace: &mut Vec<Path>,
    ) -> Diagnostics {
        relax_keepers(prior, planned, requires_replace);
        relax_replacement(
            prior,
            planned,
            requires_replace,
            "override_special",
            override_special_replaces,
        );
        Diagnostics::new()
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let result = generate(&Params::from_value(planned), &mut rand::thread_rng())
            .map_err(|e| error("Create Random String Error", e))?;
        let mut v = with_attr(planned, "result", Value::string(&result));
        if self.password {
            v = with_attr(&v, "bcrypt_hash", Value::string(bcrypt_hash(&result)?));
            v = with_attr(&v, "id", Value::string("none"));
        } else {
            v = with_attr(&v, "id", Value::string(&result));
        }
        Ok(v)
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        self.imported(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_and_numeric_follow_each_other() {
        let null = Value::null(Type::Bool);
        let cfg = |number: Value, numeric: Value| {
            Value::object_from([("number", number), ("numeric", numeric)])
        };
        let f = fill_defaults(&cfg(null.clone(), Value::bool(false))).unwrap();
        assert_eq!(f.get_attr("number"), Some(&Value::bool(false)));
        let f = fill_defaults(&cfg(Value::bool(false), null.clone())).unwrap();
        assert_eq!(f.get_attr("numeric"), Some(&Value::bool(false)));
        let f = fill_defaults(&cfg(null.clone(), null)).unwrap();
        assert_eq!(f.get_attr("numeric"), Some(&Value::bool(true)));
        assert_eq!(f.get_attr("special"), Some(&Value::bool(true)));
        assert_eq!(f.get_attr("min_upper"), Some(&Value::int(0)));
        assert!(fill_defaults(&cfg(Value::bool(true), Value::bool(false))).is_err());
    }

    #[test]
    fn length_below_the_sum_of_minimums_is_invalid() {
        let cfg = Value::object_from([
            ("length", Value::int(3)),
            ("min_upper", Value::int(2)),
            ("min_special", Value::int(2)),
        ]);
        assert!(RandomString::string().validate(&cfg).has_errors());
        let cfg = Value::object_from([("length", Value::int(0))]);
        assert!(RandomString::string().validate(&cfg).has_errors());
        let cfg = Value::object_from([
            ("length", Value::int(4)),
            ("min_upper", Value::int(2)),
            ("min_special", Value::int(2)),
        ]);
        assert!(!RandomString::string().validate(&cfg).has_errors());
    }

    #[test]
    fn password_result_is_sensitive_and_string_result_is_not() {
        let pw = RandomString::password().schema();
        assert!(pw.block.attributes["result"].sensitive);
        assert!(pw.block.attributes["bcrypt_hash"].sensitive);
        assert!(!RandomString::string().schema().block.attributes["result"].sensitive);
    }

    fn planned(length: i64) -> Value {
        let filled = fill_defaults(&Value::object_from([("length", Value::int(length))])).unwrap();
        let unknown = Value::unknown(Type::String);
        with_attr(
            &with_attr(
                &with_attr(&filled, "result", unknown.clone()),
                "id",
                unknown.clone(),
            ),
            "bcrypt_hash",
            unknown,
        )
    }

    #[tokio::test]
    async fn password_id_is_none_and_hash_verifies() {
        let v = RandomString::password().create(&planned(16)).await.unwrap();
        let result = v.get_attr("result").and_then(Value::as_str).unwrap();
        assert_eq!(result.chars().count(), 16);
        assert_eq!(v.get_attr("id"), Some(&Value::string("none")));
        let hash = v.get_attr("bcrypt_hash").and_then(Value::as_str).unwrap();
        assert!(hash.starts_with("$2a$10$"));
        assert!(bcrypt::verify(result, hash).unwrap());
    }

    #[tokio::test]
    async fn string_id_is_the_result() {
        let v = RandomString::string().create(&planned(12)).await.unwrap();
        assert_eq!(v.get_attr("id"), v.get_attr("result"));
    }
}
