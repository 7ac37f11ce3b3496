//! `random_id`: random bytes presented as base64 (URL-safe and standard), hex and decimal, each
//! behind an optional prefix; `id` is the unprefixed URL-safe base64.

use super::{int_attr, keepers, relax_keepers, str_attr};
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, error, with_attr};
use terrane_values::{Path, Type, Value};

pub struct RandomId;

/// The big-endian unsigned integer of `bytes`, in decimal.
fn decimal(bytes: &[u8]) -> String {
    // Repeated division of a base-256 number by 10.
    let mut digits = Vec::new();
    let mut n: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    while !n.is_empty() {
        let mut rem = 0u32;
        for b in n.iter_mut() {
            let cur = rem * 256 + *b as u32;
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        let zeros = n.iter().take_while(|b| **b == 0).count();
        n.drain(..zeros);
    }
    if digits.is_empty() {
        return "0".to_string();
    }
    digits.reverse();
    String::from_utf8(digits).expect("ascii digits")
}

/// The computed attributes for `bytes` behind `prefix`.
fn encodings(bytes: &[u8], prefix: &str) -> [(&'static str, String); 5] {
    let id = URL_SAFE_NO_PAD.encode(bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    [
        ("b64_url", format!("{prefix}{id}")),
        ("b64_std", format!("{prefix}{}", STANDARD.encode(bytes))),
        ("hex", format!("{prefix}{hex}")),
        ("dec", format!("{prefix}{}", decimal(bytes))),
        ("id", id),
    ]
}

fn with_encodings(v: &Value, bytes: &[u8], prefix: &str) -> Value {
    encodings(bytes, prefix)
        .into_iter()
        .fold(v.clone(), |acc, (name, s)| {
            with_attr(&acc, name, Value::string(s))
        })
}

#[async_trait]
impl ResourceType for RandomId {
    fn schema(&self) -> Schema {
        let computed = |d: &str| Attribute::computed(Type::String).describe(d);
        Schema {
            version: 0,
            block: Block::default()
                .attr("keepers", keepers())
                .attr("byte_length", Attribute::required(Type::Number).force_new().describe("The number of random bytes to produce."))
                .attr("prefix", Attribute::optional(Type::String).force_new().describe("Arbitrary string to prefix the output value with."))
                .attr("b64_url", computed("The generated id presented in base64, using the URL-friendly character set."))
                .attr("b64_std", computed("The generated id presented in base64 without additional transformations."))
                .attr("hex", computed("The generated id presented in padded hexadecimal digits."))
                .attr("dec", computed("The generated id presented in non-padded decimal digits."))
                .attr("id", computed("The generated id presented in base64 without additional transformations or prefix.")),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        match int_attr(config, "byte_length") {
            Some(n) if n < 0 => error(
                "Invalid Attribute Value",
                format!("Attribute byte_length value must be at least 0, got: {n}"),
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
        let len = int_attr(planned, "byte_length").unwrap_or(0).max(0) as usize;
        let mut bytes = vec![0u8; len];
        rand::thread_rng().fill_bytes(&mut bytes);
        Ok(with_encodings(planned, &bytes, str_attr(planned, "prefix")))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let (prefix, b64) = id.rsplit_once(',').unwrap_or(("", id));
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|e| {
            error("Import Random ID Error", format!("While attempting to import a random id there was a decoding error.\n\nOriginal Error: {e}"))
        })?;
        let base = Value::object_from([
            ("keepers", Value::map(Type::String, Default::default())),
            ("byte_length", Value::int(bytes.len() as i64)),
            (
                "prefix",
                if prefix.is_empty() {
                    Value::null(Type::String)
                } else {
                    Value::string(prefix)
                },
            ),
        ]);
        Ok(with_encodings(&base, &bytes, prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_of_bytes() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0, 0]), "0");
        assert_eq!(decimal(&[1, 0]), "256");
        assert_eq!(decimal(&[0xff; 8]), u64::MAX.to_string());
        assert_eq!(
            decimal(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
            "18446744073709551616"
        );
    }

    #[test]
    fn encodings_carry_the_prefix_except_id() {
        let e = encodings(&[0xfb, 0xff, 0x00, 0x10], "p-");
        assert_eq!(e[0], ("b64_url", "p--_8AEA".to_string()));
        assert_eq!(e[1], ("b64_std", "p-+/8AEA==".to_string()));
        assert_eq!(e[2], ("hex", "p-fbff0010".to_string()));
        assert_eq!(e[3], ("dec", format!("p-{}", 0xfbff0010u32)));
        assert_eq!(e[4], ("id", "-_8AEA".to_string()));
    }

    #[tokio::test]
    async fn create_fills_every_encoding() {
        let planned = Value::object_from([
            ("keepers", Value::null(Type::map(Type::String))),
            ("byte_length", Value::int(8)),
            ("prefix", Value::null(Type::String)),
            ("b64_url", Value::unknown(Type::String)),
            ("b64_std", Value::unknown(Type::String)),
            ("hex", Value::unknown(Type::String)),
            ("dec", Value::unknown(Type::String)),
            ("id", Value::unknown(Type::String)),
        ]);
        let v = RandomId.create(&planned).await.unwrap();
        assert_eq!(
            v.get_attr("hex").and_then(Value::as_str).map(str::len),
            Some(16)
        );
        assert_eq!(
            v.get_attr("id").and_then(Value::as_str).map(str::len),
            Some(11)
        );
        assert!(v.is_wholly_known());
    }

    #[tokio::test]
    async fn import_splits_the_prefix() {
        let v = RandomId.import("p-,-_8AEA").await.unwrap();
        assert_eq!(v.get_attr("prefix"), Some(&Value::string("p-")));
        assert_eq!(v.get_attr("hex"), Some(&Value::string("p-fbff0010")));
        assert_eq!(v.get_attr("byte_length"), Some(&Value::int(4)));
    }
}
