//! `time_sleep`: waits `create_duration` when created and `destroy_duration` when destroyed, so that
//! resources depending on it start later (or go earlier) than what it depends on. Changing a duration
//! alone updates it in place without waiting; changing `triggers` replaces it, waiting again.

use super::duration;
use super::rfc3339::Timestamp;
use async_trait::async_trait;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, attr_str, error, with_attr};
use terrane_values::{Type, Value};

pub struct TimeSleep;

const DURATIONS: [&str; 2] = ["create_duration", "destroy_duration"];

/// Waits for the duration in attribute `name` of `v`, if set.
async fn sleep_for(v: &Value, name: &str, op: &str) -> Result<(), Diagnostics> {
    if let Some(text) = attr_str(v, name).filter(|s| !s.is_empty()) {
        let d = duration::parse(text).map_err(|e| {
            error(
                format!("{op} time sleep error"),
                format!("The {name} cannot be parsed\n\nOriginal Error: {e}"),
            )
        })?;
        tokio::time::sleep(d).await;
    }
    Ok(())
}

#[async_trait]
impl ResourceType for TimeSleep {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr(
                    "create_duration",
                    Attribute::optional(Type::String).describe("Time duration to delay resource creation. For example, `30s` for 30 seconds or `5m` for 5 minutes."),
                )
                .attr(
                    "destroy_duration",
                    Attribute::optional(Type::String).describe("Time duration to delay resource destroy. For example, `30s` for 30 seconds or `5m` for 5 minutes."),
                )
                .attr(
                    "triggers",
                    Attribute::optional(Type::map(Type::String))
                        .force_new()
                        .describe("Arbitrary map of values that, when changed, will run any creation or destroy delays again."),
                )
                .attr("id", Attribute::computed(Type::String).describe("RFC3339 format of the creation timestamp, e.g. `2020-02-12T06:36:13Z`.")),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let unset = |name: &str| config.get_attr(name).is_none_or(Value::is_null);
        if DURATIONS.iter().all(|n| unset(n)) {
            diags.push(Diagnostic::error(
                "Invalid Attribute Combination",
                "At least one attribute out of [create_duration,destroy_duration] must be specified",
            ));
        }
        for name in DURATIONS {
            if let Some(s) = attr_str(config, name)
                && !duration::is_simple(s)
            {
                diags.push(Diagnostic::error(
                    "Invalid Attribute Value Match",
                    format!(
                        "Attribute {name} must be a number immediately followed by ms (milliseconds), s (seconds), m (minutes), or h (hours). For example, \"30s\" for 30 seconds., got: {s}"
                    ),
                ));
            }
        }
        diags
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        sleep_for(planned, "create_duration", "Create").await?;
        Ok(with_attr(
            planned,
            "id",
            Value::string(Timestamp::now().format()),
        ))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, state: &Value) -> Result<(), Diagnostics> {
        sleep_for(state, "destroy_duration", "Delete").await
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 2 || parts.iter().all(|p| p.is_empty()) {
            return Err(error(
                "Unexpected Format of ID",
                format!(
                    "Unexpected format of ID ({id:?}), expected CREATEDURATION,DESTROYDURATION where at least one value is non-empty"
                ),
            ));
        }
        let mut attrs = vec![
            ("triggers", Value::map(Type::String, Default::default())),
            ("id", Value::string(Timestamp::now().format())),
        ];
        for (name, text) in DURATIONS.into_iter().zip(parts) {
            if text.is_empty() {
                attrs.push((name, Value::null(Type::String)));
            } else {
                duration::parse(text).map_err(|e| {
                    error(
                        "Import time sleep error",
                        format!("The {name} cannot be parsed\n\nOriginal Error: {e}"),
                    )
                })?;
                attrs.push((name, Value::string(text)));
            }
        }
        Ok(Value::object_from(attrs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn planned(create: Option<&str>, destroy: Option<&str>) -> Value {
        let s = |o: Option<&str>| {
            o.map(Value::string)
                .unwrap_or_else(|| Value::null(Type::String))
        };
        Value::object_from([
            ("create_duration", s(create)),
            ("destroy_duration", s(destroy)),
            ("triggers", Value::null(Type::map(Type::String))),
            ("id", Value::unknown(Type::String)),
        ])
    }

    #[tokio::test]
    async fn create_and_delete_really_wait() {
        let start = Instant::now();
        let state = TimeSleep
            .create(&planned(Some("200ms"), Some("150ms")))
            .await
            .unwrap();
        assert!(start.elapsed() >= Duration::from_millis(200));
        let id = state.get_attr("id").and_then(Value::as_str).unwrap();
        assert!(super::super::rfc3339::parse(id).is_ok(), "{id}");
        let start = Instant::now();
        TimeSleep.delete(&state).await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(150));
    }

    #[tokio::test]
    async fn no_destroy_duration_means_no_wait() {
        let state = TimeSleep.create(&planned(Some("1ms"), None)).await.unwrap();
        let start = Instant::now();
        TimeSleep.delete(&state).await.unwrap();
        assert!(start.elapsed() < Duration::from_millis(100));
    }

    #[test]
    fn validation_needs_a_simple_duration() {
        assert!(!TimeSleep.validate(&planned(Some("30s"), None)).has_errors());
        assert!(
            !TimeSleep
                .validate(&planned(None, Some("1.5m")))
                .has_errors()
        );
        assert!(TimeSleep.validate(&planned(None, None)).has_errors());
        assert!(
            TimeSleep
                .validate(&planned(Some("1m30s"), None))
                .has_errors()
        );
        assert!(
            TimeSleep
                .validate(&planned(Some("soon"), None))
                .has_errors()
        );
    }

    #[tokio::test]
    async fn import_takes_both_durations() {
        let v = TimeSleep.import("30s,").await.unwrap();
        assert_eq!(v.get_attr("create_duration"), Some(&Value::string("30s")));
        assert!(v.get_attr("destroy_duration").unwrap().is_null());
        assert!(TimeSleep.import(",").await.is_err());
        assert!(TimeSleep.import("x,").await.is_err());
    }
}
