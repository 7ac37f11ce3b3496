//! `time_static`: a timestamp taken once (the creation time, or the configured `rfc3339`) and kept in
//! state with its calendar fields, until `rfc3339` or `triggers` change.

use super::rfc3339::{self, Timestamp};
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{ResourceType, attr_str, error, with_attr};
use terrane_values::{Path, Type, Value};

pub struct TimeStatic;

/// Sets `rfc3339` (as written), `id` and the calendar fields of `v` from `t`.
fn with_time(v: &Value, text: &str, t: &Timestamp) -> Value {
    let fields = [
        ("year", t.year),
        ("month", t.month as i64),
        ("day", t.day as i64),
        ("hour", t.hour as i64),
        ("minute", t.minute as i64),
        ("second", t.second as i64),
        ("unix", t.unix()),
    ];
    let v = fields.into_iter().fold(v.clone(), |acc, (name, n)| {
        with_attr(&acc, name, Value::int(n))
    });
    with_attr(
        &with_attr(&v, "rfc3339", Value::string(text)),
        "id",
        Value::string(text),
    )
}

fn invalid_rfc3339(text: &str, e: &str) -> Diagnostics {
    error(
        "Invalid RFC3339 String Value",
        format!(
            "A string value was provided that is not valid RFC3339 string format.\n\nGiven Value: {text}\nError: {e}"
        ),
    )
}

#[async_trait]
impl ResourceType for TimeStatic {
    fn schema(&self) -> Schema {
        let number = |d: &str| Attribute::computed(Type::Number).describe(d);
        Schema {
            version: 0,
            block: Block::default()
                .attr("day", number("Number day of timestamp."))
                .attr("hour", number("Number hour of timestamp."))
                .attr("minute", number("Number minute of timestamp."))
                .attr("month", number("Number month of timestamp."))
                .attr("second", number("Number second of timestamp."))
                .attr("unix", number("Number of seconds since epoch time, e.g. `1581489373`."))
                .attr("year", number("Number year of timestamp."))
                .attr(
                    "rfc3339",
                    Attribute::optional_computed(Type::String).force_new().describe("Base timestamp in RFC3339 format. Defaults to the current time."),
                )
                .attr(
                    "triggers",
                    Attribute::optional(Type::map(Type::String))
                        .force_new()
                        .describe("Arbitrary map of values that, when changed, will trigger a new base timestamp value to be saved."),
                )
                .attr("id", Attribute::computed(Type::String).describe("RFC3339 format of the timestamp, e.g. `2020-02-12T06:36:13Z`.")),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        match attr_str(config, "rfc3339").map(|s| (s, rfc3339::parse(s))) {
            Some((s, Err(e))) => invalid_rfc3339(s, &e),
            _ => Diagnostics::new(),
        }
    }

    fn customize_plan(
        &self,
        prior: &Value,
        planned: &mut Value,
        requires_replace: &mut Vec<Path>,
    ) -> Diagnostics {
        // A configured timestamp is known now, and so are its fields, when the object is created or
        // replaced (as Terraform plans a replacement as a create); otherwise apply tells.
        let creating = prior.is_null() || !requires_replace.is_empty();
        if creating && let Some(text) = attr_str(planned, "rfc3339").map(str::to_string) {
            match rfc3339::parse(&text) {
                Ok(t) => *planned = with_time(planned, &text, &t),
                Err(e) => return invalid_rfc3339(&text, &e),
            }
        }
        Diagnostics::new()
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let (text, t) = match attr_str(planned, "rfc3339") {
            Some(text) => (
                text.to_string(),
                rfc3339::parse(text).map_err(|e| invalid_rfc3339(text, &e))?,
            ),
            None => {
                let now = Timestamp::now();
                (now.format(), now)
            }
        };
        Ok(with_time(planned, &text, &t))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(state.clone()))
    }

    async fn delete(&self, _state: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let t = rfc3339::parse(id).map_err(|e| {
            error("Import time static error", format!("The id that was supplied could not be parsed as RFC3339.\n\nOriginal Error: {e}"))
        })?;
        let base = Value::object_from([("triggers", Value::map(Type::String, Default::default()))]);
        Ok(with_time(&base, id, &t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(rfc3339: Value) -> Value {
        let unknown = Value::unknown(Type::Number);
        Value::object_from([
            ("day", unknown.clone()),
            ("hour", unknown.clone()),
            ("minute", unknown.clone()),
            ("month", unknown.clone()),
            ("second", unknown.clone()),
            ("unix", unknown.clone()),
            ("year", unknown),
            ("rfc3339", rfc3339),
            ("triggers", Value::null(Type::map(Type::String))),
            ("id", Value::unknown(Type::String)),
        ])
    }

    fn num(v: &Value, name: &str) -> i64 {
        v.get_attr(name)
            .and_then(Value::as_number)
            .and_then(|n| n.to_i64())
            .unwrap()
    }

    #[tokio::test]
    async fn fields_come_from_the_configured_timestamp() {
        let v = TimeStatic
            .create(&planned(Value::string("2020-02-12T06:36:13Z")))
            .await
            .unwrap();
        let fields: Vec<i64> = ["year", "month", "day", "hour", "minute", "second", "unix"]
            .iter()
            .map(|n| num(&v, n))
            .collect();
        assert_eq!(fields, [2020, 2, 12, 6, 36, 13, 1581489373]);
        assert_eq!(
            v.get_attr("id"),
            Some(&Value::string("2020-02-12T06:36:13Z"))
        );
    }

    #[test]
    fn a_configured_timestamp_is_planned_in_full() {
        let mut p = planned(Value::string("2021-12-31T23:59:59+02:00"));
        let diags = TimeStatic.customize_plan(&Value::null_dynamic(), &mut p, &mut Vec::new());
        assert!(diags.is_empty());
        assert!(p.is_wholly_known());
        assert_eq!((num(&p, "hour"), num(&p, "day")), (23, 31));
        assert_eq!(num(&p, "unix"), 1640995199 - 2 * 3600);
    }

    #[test]
    fn a_configured_timestamp_is_planned_in_full_on_replacement() {
        let prior = Value::string("prior");
        let mut p = planned(Value::string("2020-02-12T06:36:13Z"));
        let mut replace = vec![Path::root().attr("triggers")];
        assert!(
            TimeStatic
                .customize_plan(&prior, &mut p, &mut replace)
                .is_empty()
        );
        assert_eq!(num(&p, "unix"), 1581489373);
    }

    #[tokio::test]
    async fn without_rfc3339_the_current_time_is_taken() {
        let before = Timestamp::now().unix();
        let v = TimeStatic
            .create(&planned(Value::unknown(Type::String)))
            .await
            .unwrap();
        let unix = num(&v, "unix");
        assert!(unix >= before && unix <= Timestamp::now().unix());
        let text = v.get_attr("rfc3339").and_then(Value::as_str).unwrap();
        assert!(text.ends_with('Z'));
        assert_eq!(v.get_attr("id"), v.get_attr("rfc3339"));
    }

    #[test]
    fn an_invalid_rfc3339_is_rejected() {
        let cfg = Value::object_from([("rfc3339", Value::string("yesterday"))]);
        assert!(TimeStatic.validate(&cfg).has_errors());
    }

    #[test]
    fn rfc3339_and_triggers_force_replacement() {
        let schema = TimeStatic.schema();
        assert!(
            schema.block.attributes["rfc3339"].force_new
                && schema.block.attributes["triggers"].force_new
        );
    }
}
